"""Toy data sets, generated from an explicit seed, with examples as columns.

Every function takes ``rng`` (a ``numpy.random.Generator``, or an int that
seeds one), a size ``n`` and a ``noise`` level, and returns ``(x, y)``:

* ``x`` has shape (2, n) — or (1, n) for :func:`regression_1d` — one column per
  example, ready for :func:`bpcore.network.forward`;
* ``y`` has shape (1, n) with entries 0/1 for two classes, (k, n) one-hot
  columns for k classes, or (1, n) real targets for regression.

The same seed always gives the same numbers. No scikit-learn needed.

Used in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from .validation import is_whole_number

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
    if not is_whole_number(n) or n < min_n:
        raise ValueError(f"n (number of examples) must be an integer ≥ {min_n}; got n={n!r}")
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not (0 <= noise < np.inf):
        raise ValueError(f"noise must be a finite number ≥ 0; got noise={noise!r}")


def one_hot(labels, k: int):
    """Integer labels of shape (n,) → one-hot columns of shape (k, n)."""
    labels = np.asarray(labels, dtype=int)
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(f"labels must be in 0..{k - 1}; got values {labels.min()}..{labels.max()}")
    y = np.zeros((k, labels.size))
    y[labels, np.arange(labels.size)] = 1.0
    return y


def xor(rng, n: int = 200, noise: float = 0.15):
    """XOR: the four corners of the unit square, label 1 where exactly one coordinate is 1.

    With n = 4 and noise=0 you get exactly the four XOR points; larger n
    repeats the corners (shuffled) and adds Gaussian noise of std ``noise``.

    Returns x (2, n), y (1, n).
    """
    _check(n, noise)
    rng = np.random.default_rng(rng)
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
    rng = np.random.default_rng(rng)
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
    rng = np.random.default_rng(rng)
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
    _check(n, noise, min_n=k)
    if not is_whole_number(k) or k < 2:
        raise ValueError(f"k (number of classes) must be an integer ≥ 2; got k={k!r}")
    rng = np.random.default_rng(rng)
    labels = rng.permutation(np.arange(n) % k)
    r = rng.uniform(0.0, 1.0, n)
    theta = labels * (2 * np.pi / k) + 4.0 * r + noise * rng.standard_normal(n)
    x = np.vstack([r * np.sin(theta), r * np.cos(theta)])
    return x, one_hot(labels, k)


def gauss(rng, n: int = 200, noise: float = 0.5, k: int = 2, spread: float = 2.0):
    """k Gaussian blobs with std ``noise``, centres evenly on a circle of radius ``spread``.

    Returns x (2, n), y (1, n) for k = 2, else (k, n) one-hot.
    """
    _check(n, noise, min_n=k)
    if not is_whole_number(k) or k < 2:
        raise ValueError(f"k (number of classes) must be an integer ≥ 2; got k={k!r}")
    rng = np.random.default_rng(rng)
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
    rng = np.random.default_rng(rng)
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

    ``noise=None`` uses that data set's default (:data:`DEFAULT_NOISE`). Raises ValueError for an
    unknown name, listing the valid ones.
    """
    try:
        fn = DATASETS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown data set {name!r}; expected one of: {', '.join(DATASETS)}") from None
    if noise is not None:
        kwargs["noise"] = noise
    return fn(rng, n=n, **kwargs)


def train_test_split(x, y, rng, test_fraction: float = 0.25):
    """Split columns at random into (x_train, y_train, x_test, y_test)."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1; got {test_fraction!r}")
    n = x.shape[1]
    n_test = int(round(n * test_fraction))
    if n_test < 1 or n_test >= n:
        raise ValueError(
            f"cannot split {n} example(s) with test_fraction={test_fraction}: each part needs at least one"
        )
    perm = np.random.default_rng(rng).permutation(n)
    test, train = perm[:n_test], perm[n_test:]
    return x[:, train], y[:, train], x[:, test], y[:, test]
