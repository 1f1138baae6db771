"""Input validation, with messages that say what was expected and what arrived.

Every public entry point (forward, backward, train, ...) calls these once, so
a learner who passes rows instead of columns, the wrong label shape, a NaN, a
hand-edited weight matrix of the wrong shape or a seed that is not one hears
about it in plain words, with the names and shapes printed, before numpy
raises an error of its own or broadcasts silently.

- numbers: :func:`whole_number`, :func:`real_number` (and the predicate
  :func:`is_whole_number`; a bool is never a whole number), :func:`validate_eta`
- seeds: :func:`validate_rng`, for every function that takes ``rng``
- data: :func:`validate_x`, :func:`validate_y`, :func:`validate_finite`
- networks: :func:`validate_sizes`, :func:`validate_network`
"""

from __future__ import annotations

import numbers

import numpy as np

from .activations import get_activation

__all__ = ["is_whole_number", "whole_number", "real_number", "validate_rng", "validate_sizes",
           "validate_x", "validate_y", "validate_eta", "validate_finite", "validate_network", "what_arrived"]


def is_whole_number(value) -> bool:
    """True for an integer (Python or numpy) that is not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def whole_number(value, name: str, minimum=None, maximum=None, *, meaning: str = "") -> int:
    """Return ``value`` as an int, or raise saying what was expected and what arrived.

    Accepts Python and numpy integers but not bools (``True`` is an int to
    Python, never a layer width or an epoch count to us): TypeError for
    anything that is not a whole number, ValueError outside [minimum, maximum].
    ``meaning`` is said once after the name, e.g. "n (number of examples)".
    """
    span, label = _span(minimum, maximum), _label(name, meaning)
    if not is_whole_number(value):
        raise TypeError(f"{label} must be a whole number{span}; got {value!r} ({type(value).__name__})")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{label} must be a whole number{span}; got {name}={value!r}")
    return int(value)


def real_number(value, name: str, minimum=None, maximum=None, *, above=None, below=None,
                meaning: str = "") -> float:
    """Return ``value`` as a finite float, or raise saying what was expected and what arrived.

    minimum ≤ value ≤ maximum (inclusive), above < value < below (strict).
    TypeError for anything that is not a real number (a bool is not), ValueError
    for NaN, ±inf or a value outside the bounds.
    """
    span, label = _span(minimum, maximum, above, below), _label(name, meaning)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{label} must be a number{span}; got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value) or (minimum is not None and value < minimum) \
            or (maximum is not None and value > maximum) \
            or (above is not None and value <= above) or (below is not None and value >= below):
        raise ValueError(f"{label} must be a finite number{span}; got {name}={value!r}")
    return value


def _label(name: str, meaning: str) -> str:
    return f"{name} ({meaning})" if meaning else name


def _span(minimum=None, maximum=None, above=None, below=None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if above is not None and below is not None:
        return f" strictly between {above} and {below}"
    low = f"≥ {minimum}" if minimum is not None else (f"> {above}" if above is not None else "")
    high = f"≤ {maximum}" if maximum is not None else (f"< {below}" if below is not None else "")
    return " " + " and ".join(part for part in (low, high) if part) if low or high else ""


def validate_rng(rng, name: str = "rng") -> np.random.Generator:
    """The random generator a seed names: the one source of randomness of every bpcore function.

    A ``numpy.random.Generator`` is used as it is (and advanced by the caller's
    draws); a whole number ≥ 0 (or a ``numpy.random.SeedSequence``) seeds a new
    one with ``np.random.default_rng``, so the same seed always gives the same
    numbers. ``None`` is refused: numpy would seed from the operating system and
    no two runs would agree.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, np.random.SeedSequence) or (is_whole_number(rng) and rng >= 0):
        return np.random.default_rng(rng)
    expected = f"{name} must be a seed: a whole number ≥ 0 or a numpy.random.Generator"
    if is_whole_number(rng):
        raise ValueError(f"{expected}; got {name}={rng!r}. Seeds are never negative.")
    hint = ""
    if rng is None:
        hint = (f" {name}=None is not accepted: numpy would draw a fresh seed from the operating "
                f"system, so no two runs would give the same numbers. Pass a seed, e.g. {name}=0.")
    elif isinstance(rng, np.random.RandomState) or rng is np.random:
        hint = " That is numpy's legacy global generator; pass np.random.default_rng(seed) instead."
    elif isinstance(rng, numbers.Real) and not isinstance(rng, bool) and float(rng).is_integer():
        hint = f" Pass {name}={int(rng)}."
    raise TypeError(f"{expected}; got {rng!r} ({type(rng).__name__}).{hint}")


def validate_sizes(sizes) -> tuple:
    """Return ``sizes`` as a tuple of positive ints (n_0, n_1, ..., n_L), L ≥ 1."""
    if type(sizes) is tuple and len(sizes) > 1 and all(type(s) is int and s > 0 for s in sizes):
        return sizes  # a Network's own sizes: the fast path
    try:
        if isinstance(sizes, str):
            raise TypeError
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
    for l, s in enumerate(sizes):
        if not is_whole_number(s) or s < 1:
            raise ValueError(
                f"every layer width must be a positive integer; got {sizes!r}, "
                f"where n_{l} = {s!r} ({type(s).__name__})"
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
    labels = ""
    if n_out > 1 and y.size == m and np.all(np.isfinite(y)) and np.all((y == np.round(y)) & (y >= 0) & (y < n_out)):
        labels = (f" If {name} holds class labels 0..{n_out - 1}, one-hot them: "
                  f"{name} = bpcore.datasets.one_hot(labels, {n_out}), shape ({n_out}, {m}).")
    if y.ndim == 1:
        hint = f" Use {name}.reshape(1, -1) for one output." if n_out == 1 else labels
        raise ValueError(
            f"{name} must have shape ({n_out}, {m}) (one row per output neuron, one "
            f"column per example); got a 1-D array of shape {y.shape}.{hint}"
        )
    if y.shape != (n_out, m):
        hint = ""
        if labels:
            hint = labels
        elif y.shape == (m, n_out):
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


# --- a network's parameters -------------------------------------------------------------------

def validate_network(net, name: str = "net", *, finite: bool = True):
    """Check a Network before it is used, and return it unchanged.

    For sizes (n_0, ..., n_L): ``net.w`` and ``net.b`` are lists of L + 1
    entries, slot 0 None; for l = 1..L, w^l is a numpy array of real numbers of
    shape (n_l, n_{l-1}) and b^l one of shape (n_l, 1), every entry finite; the
    activations are known names, softmax only at the output.

    Raises TypeError for the wrong kind of object (a list for an array, a
    string dtype) and ValueError for a wrong shape or number of layers, naming
    the layer l, the shape expected and the one found, before numpy can fail
    or broadcast. NaN or ±inf get a message of their own, which says that the
    parameters already held them when they arrived (so it is not this call's η
    or data that made them). ``finite=False`` skips that test, for
    :func:`bpcore.update.update`, where NaN is the sign of a diverging training
    loop that its caller detects.

    Every public function that takes a network calls this once (forward,
    predict, backward, backward_loop, update, update_ratios); with
    ``validate=False`` they skip it. It costs about 15 µs for a 784-30-10 or a
    2-16-16-2 network, most of it the finiteness test (about 1.5 µs per array;
    4 µs in all with ``finite=False``): little next to a forward pass, but
    enough that a training loop validates once and passes ``validate=False``
    per step.
    """
    from .network import Network  # here, because network.py imports this module

    if not isinstance(net, Network):
        raise TypeError(
            f"{name} must be a bpcore Network (from init_network, or Network(sizes, w, b)); "
            f"got {type(net).__name__}"
        )
    sizes = validate_sizes(net.sizes)
    _validate_activations(net, len(sizes) - 1, name)
    for symbol in ("w", "b"):
        params = getattr(net, symbol)
        _validate_slots(params, symbol, sizes, name)
        for l in range(1, len(sizes)):
            _validate_parameter(params[l], symbol, l, sizes, name, finite)
    return net


def _validate_activations(net, L: int, name: str) -> None:
    for attr in ("output", "hidden") if L > 1 else ("output",):
        try:
            sigma = get_activation(getattr(net, attr))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{name}.{attr}: {exc}") from None
        if attr == "hidden" and sigma.name == "softmax":
            raise ValueError(
                f"{name}.hidden: softmax can only be the output activation (it is not "
                f"elementwise); got hidden='softmax' for the {L - 1} hidden layer(s)"
            )


def _validate_slots(params, symbol: str, sizes: tuple, name: str) -> None:
    """``net.w`` or ``net.b``: a list [None, p^1, ..., p^L]."""
    L, what = len(sizes) - 1, "weights" if symbol == "w" else "biases"
    if not isinstance(params, (list, tuple)):
        raise TypeError(
            f"{name}.{symbol} must be a list [None, {symbol}^1, ..., {symbol}^{L}] for sizes "
            f"{sizes}; got {type(params).__name__}"
        )
    if len(params) != L + 1:
        hint = ""
        if len(params) == L and params[0] is not None:
            hint = (f" It looks like the leading None is missing: layers are indexed from 1 as "
                    f"in the maths, so {name}.{symbol}[l] is {symbol}^l and {name}.{symbol}[0] is None.")
        raise ValueError(
            f"{name}.{symbol} must hold L + 1 = {L + 1} entries for sizes {sizes} (None, then "
            f"{symbol}^1..{symbol}^{L}); got {len(params)} entries.{hint}"
        )
    if params[0] is not None:
        raise ValueError(
            f"{name}.{symbol}[0] must be None (the input layer has no {what}; {symbol}^l starts "
            f"at l = 1); got {what_arrived(params[0])}"
        )


def _validate_parameter(p, symbol: str, l: int, sizes: tuple, name: str, finite: bool) -> None:
    """w^l: (n_l, n_{l-1}) or b^l: (n_l, 1), real (and finite)."""
    shape = (sizes[l], sizes[l - 1]) if symbol == "w" else (sizes[l], 1)
    if isinstance(p, np.ndarray) and p.shape == shape and p.dtype.kind in "fiu":
        if not finite or p.dtype.kind != "f" or np.isfinite(p).all():
            return  # the fast path: everything below only explains a failure
        _raise_non_finite(p, f"{symbol}^{l} ({name}.{symbol}[{l}])", name)
    where = f"{symbol}^{l} ({name}.{symbol}[{l}])"
    formula = f"(n_{l}, n_{l - 1})" if symbol == "w" else f"(n_{l}, 1)"
    expected = f"{where} must be a numpy array of real numbers of shape {shape} = {formula}"
    if not isinstance(p, np.ndarray):
        raise TypeError(f"{expected}; got {what_arrived(p)}. Make it an array with np.array(...).")
    if p.dtype.kind not in "fiu":
        raise TypeError(f"{expected}; got an array of dtype {p.dtype} (shape {p.shape})")
    hint = ""
    if symbol == "w" and p.shape == shape[::-1]:
        hint = (f" It is transposed: w^{l} has one row per neuron of layer {l} (n_{l} = {shape[0]}) "
                f"and one column per neuron of layer {l - 1} (n_{l - 1} = {shape[1]}); pass its .T.")
    elif symbol == "b" and p.shape == (shape[0],):
        hint = (f" A 1-D bias would broadcast along the wrong axis when m = n_{l}; make it a "
                f"column with .reshape(-1, 1).")
    elif symbol == "b" and p.shape == (1, shape[0]):
        hint = " It is a row; b^l is a column, so pass its .T."
    raise ValueError(f"{where} must have shape {shape} = {formula} for sizes {sizes}; "
                     f"got shape {p.shape}.{hint}")


def _raise_non_finite(p, where: str, name: str):
    bad = np.argwhere(~np.isfinite(p))
    first = tuple(int(i) for i in bad[0])
    raise ValueError(
        f"{name}'s parameters already contain NaN or inf: {where} must hold finite numbers; "
        f"found {len(bad)} NaN/inf value(s) among its {p.size} entries (shape {p.shape}), the "
        f"first, {float(p[first])!r}, at index {first}. They were NaN/inf before this call "
        f"began, so neither its data nor its η made them (if an earlier update did, that step "
        f"(η/m)·Σ∂C/∂w was too large). Start again from finite parameters: a fresh init_network, "
        f"or the network from before the step that blew up."
    )


def what_arrived(value) -> str:
    """What arrived, for a message: 'a list of shape (4, 3)', 'a float (0.5)', 'None'."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    kind = type(value).__name__
    article = "an" if kind[0] in "aeiou" else "a"
    try:
        shape = np.shape(value)
    except (ValueError, TypeError):  # ragged nested lists
        return f"{article} {kind} of {len(value)} entries (ragged, no array shape)"
    return f"{article} {kind} of shape {shape}" if shape else f"{article} {kind} ({value!r})"
