"""Toy data sets, generated from an explicit seed, with examples as columns.

Every function takes ``rng`` (a ``numpy.random.Generator``, or an int ≥ 0 that
seeds one; None is refused, see :func:`bpcore.validation.validate_rng`), a
size ``n`` and a ``noise`` level, and returns ``(x, y)``:

* ``x`` has shape (2, n) — or (1, n) for :func:`regression_1d` — one column per
  example, ready for :func:`bpcore.network.forward`;
* ``y`` has shape (1, n) with entries 0/1 for two classes, (k, n) one-hot
  columns for k classes, or (1, n) real targets for regression.

The same seed always gives the same numbers. No scikit-learn needed.

Used in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

import inspect

import numpy as np

from .validation import real_number, validate_rng, what_arrived, whole_number

__all__ = [
    "xor",
    "circles",
    "moons",
    "spiral",
    "gauss",
    "regression_1d",
    "one_hot",
    "train_test_split",
    "DATASETS",
    "DEFAULT_NOISE",
    "N_CLASSES",
    "load",
]


def _check(n, noise, min_n=1):
    whole_number(n, "n", min_n, meaning="number of examples")
    real_number(noise, "noise", 0)


def _classes(k):
    return whole_number(k, "k", 2, meaning="number of classes")


def one_hot(labels, k: int):
    """Integer labels of shape (n,) → one-hot columns of shape (k, n).

    labels are whole numbers 0..k−1 (ints, or floats such as 2.0; not bools).
    """
    k = whole_number(k, "k", 1, meaning="number of classes")
    labels = _validate_labels(labels, k)
    y = np.zeros((k, labels.size))
    y[labels, np.arange(labels.size)] = 1.0
    return y


def _validate_labels(labels, k):
    """labels as an int array of shape (n,), or raise naming the first bad one."""
    arr = np.asarray(labels)
    expected = f"labels must be whole numbers 0..{k - 1}, one per example, shape (n,)"
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{expected}; got {what_arrived(labels)} of dtype {arr.dtype}"
                        + (" (bools are not class labels: use .astype(int))" if arr.dtype.kind == "b" else ""))
    if arr.ndim > 1:
        raise ValueError(f"{expected}; got shape {arr.shape}. Pass them as one row, e.g. labels.ravel().")
    arr = arr.reshape(-1)
    bad = ~np.isfinite(arr) | (arr != np.round(arr)) if arr.dtype.kind == "f" else np.zeros(arr.shape, bool)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{expected}; got {float(arr[i])!r} at index {i}")
    if arr.size and (arr.min() < 0 or arr.max() >= k):
        raise ValueError(f"labels must be in 0..{k - 1}; got values {arr.min():g}..{arr.max():g}")
    return arr.astype(int)


def xor(rng, n: int = 200, noise: float = 0.15):
    """XOR: the four corners of the unit square, label 1 where exactly one coordinate is 1.

    With n = 4 and noise=0 you get exactly the four XOR points; larger n
    repeats the corners (shuffled) and adds Gaussian noise of std ``noise``.

    Returns x (2, n), y (1, n).
    """
    _check(n, noise)
    rng = validate_rng(rng)
    corners = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    idx = np.arange(n) % 4
    if n > 4:
        idx = rng.permutation(idx)
    x = corners[:, idx] + noise * rng.standard_normal((2, n))
    y = (corners[0, idx] != corners[1, idx]).astype(float)[None, :]
    return x, y


def circles(rng, n: int = 200, noise: float = 0.05, factor: float = 0.5):
    """Two concentric circles: outer radius 1 (label 0), inner radius ``factor`` (label 1).

    Returns x (2, n), y (1, n).
    """
    _check(n, noise, min_n=2)
    real_number(factor, "factor", 0, below=1, meaning="the inner circle's radius; the outer one is 1")
    rng = validate_rng(rng)
    labels = rng.permutation(np.arange(n) % 2)
    theta = rng.uniform(0, 2 * np.pi, n)
    r = np.where(labels == 1, factor, 1.0)
    x = np.vstack([r * np.cos(theta), r * np.sin(theta)]) + noise * rng.standard_normal((2, n))
    return x, labels.astype(float)[None, :]


def moons(rng, n: int = 200, noise: float = 0.1):
    """Two interleaving half circles (label 0 on top, label 1 below, shifted).

    Returns x (2, n), y (1, n).
    """
    _check(n, noise, min_n=2)
    rng = validate_rng(rng)
    labels = rng.permutation(np.arange(n) % 2)
    t = rng.uniform(0, np.pi, n)
    x0 = np.where(labels == 0, np.cos(t), 1.0 - np.cos(t))
    x1 = np.where(labels == 0, np.sin(t), 0.5 - np.sin(t))
    x = np.vstack([x0, x1]) + noise * rng.standard_normal((2, n))
    return x, labels.astype(float)[None, :]


def spiral(rng, n: int = 300, noise: float = 0.2, k: int = 3):
    """k interleaved spiral arms (CS231n's spiral), one class per arm.

    Returns x (2, n) in roughly [−1, 1]², y (k, n) one-hot.
    """
    _check(n, noise, min_n=_classes(k))
    rng = validate_rng(rng)
    labels = rng.permutation(np.arange(n) % k)
    r = rng.uniform(0.0, 1.0, n)
    theta = labels * (2 * np.pi / k) + 4.0 * r + noise * rng.standard_normal(n)
    x = np.vstack([r * np.sin(theta), r * np.cos(theta)])
    return x, one_hot(labels, k)


def gauss(rng, n: int = 200, noise: float = 0.5, k: int = 2, spread: float = 2.0):
    """k Gaussian blobs with std ``noise``, centres evenly on a circle of radius ``spread``.

    Returns x (2, n), y (1, n) for k = 2, else (k, n) one-hot.
    """
    _check(n, noise, min_n=_classes(k))
    real_number(spread, "spread", above=0, meaning="the diameter of the circle of centres")
    rng = validate_rng(rng)
    labels = rng.permutation(np.arange(n) % k)
    angle = 2 * np.pi * labels / k + np.pi / 4
    centres = spread / 2 * np.vstack([np.cos(angle), np.sin(angle)])
    x = centres + noise * rng.standard_normal((2, n))
    y = labels.astype(float)[None, :] if k == 2 else one_hot(labels, k)
    return x, y


def regression_1d(rng, n: int = 100, noise: float = 0.1):
    """A 1-D regression set: y = sin(2πx)/2 + 1/2 + noise for x uniform in [0, 1].

    Targets stay roughly in [0, 1], so a sigmoid or identity output can fit them.

    Returns x (1, n), y (1, n).
    """
    _check(n, noise)
    rng = validate_rng(rng)
    x = np.sort(rng.uniform(0.0, 1.0, n))[None, :]
    y = 0.5 + 0.5 * np.sin(2 * np.pi * x) + noise * rng.standard_normal((1, n))
    return x, y


DATASETS = {
    "xor": xor,
    "circles": circles,
    "moons": moons,
    "spiral": spiral,
    "gauss": gauss,
    "regression_1d": regression_1d,
}


def _default(fn, parameter, missing=None):
    parameters = inspect.signature(fn).parameters
    return parameters[parameter].default if parameter in parameters else missing


#: Each data set's default noise level, read from its function's signature (said once, there).
DEFAULT_NOISE = {name: _default(fn, "noise") for name, fn in DATASETS.items()}
#: Number of classes of each classification set with its default arguments (spiral's and gauss's k).
N_CLASSES = {name: _default(DATASETS[name], "k", 2) for name in ("xor", "circles", "moons", "spiral", "gauss")}


def load(name: str, rng, n: int = 200, noise: float = None, **kwargs):
    """Look a data set up by name: ``load("moons", rng, n=200, noise=0.1)``.

    ``noise=None`` uses that data set's default (:data:`DEFAULT_NOISE`); other keyword
    arguments (``k``, ``factor``, ``spread``) go to the data set, which must take them.
    Raises ValueError for an unknown name, listing the valid ones.
    """
    try:
        fn = DATASETS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown data set {name!r}; expected one of: {', '.join(DATASETS)}") from None
    takes = [p for p in inspect.signature(fn).parameters if p != "rng"]
    unknown = [key for key in kwargs if key not in takes]
    if unknown:
        raise TypeError(f"data set {name!r} takes the parameters {', '.join(takes)}; "
                        f"got {', '.join(repr(key) for key in unknown)} as well")
    if noise is not None:
        kwargs["noise"] = noise
    return fn(rng, n=n, **kwargs)


def train_test_split(x, y, rng, test_fraction: float = 0.25):
    """Split columns at random into (x_train, y_train, x_test, y_test).

    x : (n_0, N), y : (n_L, N), the same N columns (examples); a column of x
    stays with the same column of y. ``rng`` seeds the shuffle.
    """
    test_fraction = real_number(test_fraction, "test_fraction", above=0, below=1,
                                meaning="the share of the columns held out")
    for name, arr in (("x", x), ("y", y)):
        if getattr(arr, "ndim", None) != 2:
            found = f"shape {arr.shape}" if hasattr(arr, "shape") else what_arrived(arr)
            raise ValueError(f"{name} must be a 2-D array, one column per example (shape (n, N)); "
                             f"got {found}")
    n = x.shape[1]
    if y.shape[1] != n:
        hint = " It looks like y has one row per example; pass y.T." if y.shape[0] == n else ""
        raise ValueError(
            f"x and y must have the same number of columns (examples); got x of shape {x.shape} "
            f"({n} column(s)) and y of shape {y.shape} ({y.shape[1]} column(s)).{hint}"
        )
    n_test = int(round(n * test_fraction))
    if n_test < 1 or n_test >= n:
        raise ValueError(
            f"cannot split {n} example(s) with test_fraction={test_fraction}: each part needs at least one"
        )
    perm = validate_rng(rng).permutation(n)
    test, train = perm[:n_test], perm[n_test:]
    return x[:, train], y[:, train], x[:, test], y[:, test]
