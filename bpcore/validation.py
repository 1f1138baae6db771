"""Input validation, with messages that say what was expected and what arrived.

Every public entry point (forward, backward, train, ...) calls these once, so
a learner who passes rows instead of columns, the wrong label shape or a NaN
hears about it in plain words, with the shapes printed.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["is_whole_number", "whole_number", "real_number", "validate_sizes", "validate_x",
           "validate_y", "validate_eta", "validate_finite"]


def is_whole_number(value) -> bool:
    """True for an integer (Python or numpy) that is not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def whole_number(value, name: str, minimum=None, maximum=None) -> int:
    """Return ``value`` as an int, or raise saying what was expected and what arrived.

    Accepts Python and numpy integers but not bools (``True`` is an int to
    Python, never a layer width or an epoch count to us).
    """
    span = _span(minimum, maximum)
    if not is_whole_number(value):
        raise TypeError(f"{name} must be a whole number{span}; got {value!r} ({type(value).__name__})")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be a whole number{span}; got {name}={value!r}")
    return int(value)


def real_number(value, name: str, minimum=None, maximum=None) -> float:
    """Return ``value`` as a finite float in [minimum, maximum], or raise saying why."""
    span = _span(minimum, maximum)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number{span}; got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value) or (minimum is not None and value < minimum) \
            or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be a finite number{span}; got {name}={value!r}")
    return value


def _span(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" ≥ {minimum}"
    if maximum is not None:
        return f" ≤ {maximum}"
    return ""


def validate_sizes(sizes) -> tuple:
    """Return ``sizes`` as a tuple of positive ints (n_0, n_1, ..., n_L), L ≥ 1."""
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise TypeError(
            f"sizes must be a sequence of layer widths like (2, 3, 1); got {sizes!r}"
        ) from None
    if len(sizes) < 2:
        raise ValueError(
            "sizes needs at least two layers (an input and an output layer), "
            f"e.g. (2, 1); got {sizes!r} with {len(sizes)} layer(s)"
        )
    for s in sizes:
        if not is_whole_number(s) or s < 1:
            raise ValueError(
                f"every layer width must be a positive integer; got {sizes!r}"
            )
    return tuple(int(s) for s in sizes)


def validate_finite(arr, name: str) -> None:
    """Raise ValueError if ``arr`` contains NaN or ±inf, saying where."""
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))
        first = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{name} must contain only finite numbers; found {len(bad)} NaN/inf "
            f"value(s) in {name} of shape {arr.shape}, the first at index {first}"
        )


def _as_float_matrix(arr, name: str):
    if not isinstance(arr, np.ndarray):
        try:
            arr = np.asarray(arr, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must be a numpy array of numbers; got {type(arr).__name__}"
            ) from None
    if arr.dtype.kind not in "fiub":
        raise TypeError(
            f"{name} must hold numbers; got an array of dtype {arr.dtype}"
        )
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    return arr


def validate_x(x, n_in: int, name: str = "x"):
    """Check an input batch: shape (n_0, m), m ≥ 1, finite. Returns a float array.

    A 1-D vector or a batch laid out as rows (m, n_0) gets a message saying how
    to turn it into columns.
    """
    x = _as_float_matrix(x, name)
    if x.ndim == 1:
        raise ValueError(
            f"{name} must be a column vector of shape ({n_in}, 1) or a matrix "
            f"({n_in}, m) whose m columns are examples; got a 1-D array of shape "
            f"{x.shape}. Use {name}.reshape(-1, 1) for one example."
        )
    if x.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D with shape ({n_in}, m); got shape {x.shape}"
        )
    if x.size == 0:
        raise ValueError(
            f"{name} is empty: expected shape ({n_in}, m) with m ≥ 1; got shape {x.shape}"
        )
    if x.shape[0] != n_in:
        hint = ""
        if x.shape[1] == n_in:
            hint = (
                f" It looks like the examples are rows; bpcore wants them as columns, "
                f"so pass {name}.T (shape {x.shape[::-1]})."
            )
        raise ValueError(
            f"{name} must have {n_in} rows (one per input neuron, shape ({n_in}, m)); "
            f"got shape {x.shape}.{hint}"
        )
    validate_finite(x, name)
    return x


def validate_y(y, n_out: int, m: int, name: str = "y"):
    """Check targets: shape (n_L, m) matching the output layer and x. Returns a float array."""
    y = _as_float_matrix(y, name)
    if y.ndim == 1:
        hint = f" Use {name}.reshape(1, -1) for one output." if n_out == 1 else ""
        raise ValueError(
            f"{name} must have shape ({n_out}, {m}) (one row per output neuron, one "
            f"column per example); got a 1-D array of shape {y.shape}.{hint}"
        )
    if y.shape != (n_out, m):
        hint = ""
        if y.shape == (m, n_out):
            hint = f" It looks like the examples are rows; pass {name}.T."
        elif y.ndim == 2 and y.shape[1] == m:
            hint = (
                f" The output layer has {n_out} neuron(s) but {name} has "
                f"{y.shape[0]} row(s)."
            )
        raise ValueError(
            f"{name} must have shape ({n_out}, {m}) to match the output layer "
            f"(n_L = {n_out}) and the {m} example(s) in x; got shape {y.shape}.{hint}"
        )
    validate_finite(y, name)
    return y


def validate_eta(eta) -> float:
    """Check the learning rate η: a finite number > 0. Returns it as a float."""
    if isinstance(eta, bool) or not isinstance(eta, numbers.Real):
        raise TypeError(f"the learning rate eta must be a number > 0; got {eta!r}")
    eta = float(eta)
    if not np.isfinite(eta) or eta <= 0:
        raise ValueError(f"the learning rate eta must be a finite number > 0; got eta={eta!r}")
    return eta
