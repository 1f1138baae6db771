"""What the hidden tests share: the registry, the failure, quiet calls and comparisons with bpcore.

Every comparison raises :class:`HiddenTestFailure` naming the quantity and the case, never a
value of the reference.
"""

from __future__ import annotations

import warnings

import numpy as np

from ...network import Network, init_network

__all__ = ["HIDDEN", "HiddenTestFailure", "register", "call_quietly", "expect", "same_array", "same_layers",
           "same_network", "same_number", "fresh_dims", "fresh_batch_sizes", "fresh_net", "CASES"]

RTOL, ATOL = 1e-6, 1e-9  # as the checkers compare
CASES = 3                 # fresh cases per array-valued test
#: checker name -> its hidden test ``test(fn, rng)``
HIDDEN = {}


class HiddenTestFailure(AssertionError):
    """A hidden test failed; the message names the exercise, the quantity and the case."""


def register(checker: str):
    """Decorator: ``test(fn, rng)`` is the hidden test of ``checker`` (a key of :data:`HIDDEN`)."""
    def add(test):
        HIDDEN[checker] = test
        return test
    return add


def call_quietly(fn, *args, copy: bool = True):
    """fn on copies of args (or on args themselves), warnings silenced; a raised exception fails the test."""
    if copy:
        args = tuple(a.copy() if isinstance(a, (np.ndarray, Network)) else a for a in args)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return fn(*args)
        except Exception as exc:  # the learner's code is arbitrary
            raise HiddenTestFailure(f"your function raised {type(exc).__name__} on {_describe(args)}") from None


def _describe(args) -> str:
    """The arguments in words: shapes, short numbers, type names."""
    def one(a):
        if isinstance(a, np.ndarray):
            return f"shape {a.shape}"
        if isinstance(a, float):
            return f"{a:.2g}"
        return repr(a) if np.isscalar(a) else type(a).__name__
    return "fresh inputs (" + ", ".join(one(a) for a in args) + ")"


def expect(ok: bool, what: str, case: str) -> None:
    """HiddenTestFailure "<what> differs from bpcore's on fresh inputs (<case>)" unless ``ok``."""
    if not ok:
        raise HiddenTestFailure(f"{what} differs from bpcore's on fresh inputs ({case})")


def same_array(got, want, what: str, case: str) -> None:
    """got equals the reference array want (shape and values)."""
    try:
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        g = None
    w = np.asarray(want, dtype=np.float64)
    expect(g is not None and g.shape == w.shape and bool(np.all(np.isfinite(g)))
            and np.allclose(g, w, rtol=RTOL, atol=ATOL), what, case)


def same_layers(got, want, first: int, what: str, case: str) -> None:
    """A list indexed like the network: got[l] equals want[l] for l = first..L."""
    ok = isinstance(got, (list, tuple)) and len(got) == len(want)
    expect(ok, f"the length of your {what} list", case)
    for l in range(first, len(want)):
        same_array(got[l], want[l], f"your {what}[{l}]", case)


def same_network(got, want: Network, case: str) -> None:
    """got is a Network with want's sizes, weights and biases."""
    expect(isinstance(got, Network) and got.sizes == want.sizes, "your network's sizes", case)
    for l in range(1, want.L + 1):
        same_array(got.w[l], want.w[l], f"your w^{l}", case)
        same_array(got.b[l], want.b[l], f"your b^{l}", case)


def same_number(got, want: float, what: str, case: str) -> None:
    """got is one number (or a one-element array) close to want."""
    try:
        g = np.asarray(got, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        g = np.array([])
    expect(g.size == 1 and np.isclose(g[0], want, rtol=RTOL, atol=ATOL), what, case)


def fresh_dims(rng, count: int, low: int = 1, high: int = 6) -> list:
    """``count`` whole numbers from low to high (layer sizes, shapes)."""
    return [int(v) for v in rng.integers(low, high + 1, size=count)]


def fresh_batch_sizes(rng) -> list:
    """Batch sizes for the fresh cases: one example, then two random ones."""
    return [1] + fresh_dims(rng, CASES - 1, 2, 7)


def fresh_net(rng, sizes, hidden="sigmoid", output="sigmoid") -> Network:
    """A network with N(0, 1) weights (init="normal") from ``rng``."""
    return init_network(sizes, rng, init="normal", hidden=hidden, output=output)
