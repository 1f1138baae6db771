"""Checkers for the backward pass through the layers: the sweep of errors and a linear chain.

:func:`check_deltas` runs the learner's whole sweep, BP1 at layer L and then
BP2 for l = L−1, …, 1, on a tanh network and compares every δ^l with
:func:`bpcore.backprop.backward`; a wrong result is located at the first layer
(going backwards) where it differs. :func:`check_linear_delta` checks δ^1 of a
network whose activations are all the identity, where BP2 unrolls into a
product of transposed weight matrices.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid_prime
from ..backprop import backward
from ..network import forward, init_network
from .engine import Case, Feedback, Spec, call, check, failed, fmt_shape, passed, returned_none
from .slips import Slip

__all__ = ["check_deltas", "check_linear_delta"]

NOTEBOOK = "03_backpropagating_the_error_bp2.ipynb"

# --------------------------------------------------------------------------- the sweep of errors

DELTAS = Spec(
    checker="check_deltas", equation="the backward sweep",
    formula="δ^L = C'(a^L) ⊙ σ'(z^L), then δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l) for l = L−1, …, 1",
    notebook=NOTEBOOK, reference="bpcore.backprop.backward's delta",
    arg_names=("net", "x", "y"), out_names=("δ^3", "δ^2", "δ^1"),
    out_shapes=("(n_3, m)", "(n_2, m)", "(n_1, m)"),
    shape_hint="In BP2, (w^{l+1})^T δ^{l+1} multiplies (n_l, n_{l+1}) by (n_{l+1}, m): a shape mismatch "
               "there usually means a missing transpose, or σ' taken of another layer's z (section 1).")

SWEEP_SIZES = ((2, 5, 4, 3), 6, 81), ((3, 3, 3, 3), 3, 82)  # (sizes, m, seed): non-square, square


def _sweep_cases() -> list:
    """A tanh network with a sigmoid output (quadratic cost), non-square and square, L = 3."""
    cases = []
    for sizes, m, seed in SWEEP_SIZES:
        rng = np.random.default_rng(seed)
        net = init_network(sizes, rng, init="normal", hidden="tanh", output="sigmoid")
        x, y = rng.standard_normal((sizes[0], m)), rng.random((sizes[-1], m))
        z, a = forward(net, x)
        delta = backward(net, x, y, "quadratic").delta
        cases.append(Case(label=f"sizes {sizes}, tanh hidden layers, m = {m}", args=(net, x, y),
                          expected=tuple(delta[net.L:0:-1]), extra={"z": z, "a": a}))
    return cases


def _sweep(c, bp1_prime=None, back=lambda w, d: w.T @ d, prime=None):
    """The sweep with a slip made, as (δ^L, ..., δ^1). ``prime(net, l, z, a)`` is BP2's σ' factor."""
    net, _, y = c.args
    z, a, L = c.extra["z"], c.extra["a"], c.args[0].L
    prime = prime or (lambda net, l, z, a: net.sigma(l).prime(z[l]))
    bp1_prime = bp1_prime or prime
    d = [None] * (L + 1)
    d[L] = (a[L] - y) * bp1_prime(net, L, z, a)
    for l in range(L - 1, 0, -1):
        d[l] = back(net.w[l + 1], d[l + 1]) * prime(net, l, z, a)
    return tuple(d[L:0:-1])


DELTAS_SLIPS = [
    Slip(id="ignores_sigma", variant=lambda c: _sweep(c, prime=lambda net, l, z, a: sigmoid_prime(z[l])),
         explain="Your δ^L is right but the hidden layers' δ^l are not: they equal the sweep with the "
                 "sigmoid's σ' at every layer. The hidden layers here are tanh: each layer needs the "
                 "derivative of its own activation, taken at its own z^l."),
    Slip(id="sigma_prime_of_a", variant=lambda c: _sweep(c, prime=lambda net, l, z, a: net.sigma(l).prime(a[l])),
         explain="Your δ^l equal the sweep with σ'(a^l) in place of σ'(z^l): σ' takes the weighted "
                 "input z, not the activation a (section 1, 'Which σ'')."),
    Slip(id="missing_transpose", variant=lambda c: _sweep(c, back=lambda w, d: w @ d),
         explain="Your δ^l equal the sweep with w^{l+1} δ^{l+1} in place of (w^{l+1})^T δ^{l+1}: the "
                 "transpose is missing. The error travels backwards along the connections, from layer "
                 "l+1 to l (section 1, 'Why the transpose')."),
    Slip(id="sigma_prime_of_next_layer",
         variant=lambda c: _sweep(c, prime=lambda net, l, z, a: net.sigma(l + 1).prime(z[l + 1]),
                                  bp1_prime=lambda net, l, z, a: net.sigma(l).prime(z[l])),
         explain="Your δ^l use σ'(z^{l+1}), the next layer's, in BP2. The σ' belongs to the layer "
                 "whose error you compute: δ^l needs σ'(z^l) (section 1, 'Which σ'')."),
    Slip(id="missing_sigma_prime", variant=lambda c: _sweep(c, prime=lambda net, l, z, a: 1.0,
                                                          bp1_prime=lambda net, l, z, a: net.sigma(l).prime(z[l])),
         explain="Your δ^L is right, but your BP2 steps lack the factor σ'(z^l): every hidden layer "
                 "contributes its own σ'(z^l) by the chain rule (section 1)."),
    Slip(id="missing_sigma_prime", variant=lambda c: _sweep(c, bp1_prime=lambda net, l, z, a: 1.0),
         explain="Your δ^L lacks σ'(z^L): BP1 is δ^L = C'(a^L) ⊙ σ'(z^L), and for the quadratic cost "
                 "C'(a^L) = a^L − y is only the first factor (notebook 02). Every δ below inherits the "
                 "mistake."),
    Slip(id="wrong_sign", variant=lambda c: tuple(-d for d in c.expected),
         explain="Every δ^l has the wrong sign: BP1 starts from C'(a^L) = a^L − y, not y − a^L, and "
                 "BP2 passes the sign down unchanged."),
]


def _form_problem(result, L: int):
    """Why ``result`` is not a list [None, δ^1, ..., δ^L] of arrays (a (slip, line) pair), or None."""
    if not isinstance(result, (list, tuple)):
        return ("wrong_type", f"Your function returned an object of type {type(result).__name__}; return "
                              f"a list indexed "
                              f"like the network, [None, δ^1, …, δ^{L}], of length L + 1 = {L + 1}.")
    if len(result) == L and all(r is not None for r in result):
        return ("not_indexed_by_layer", f"Your list has L = {L} entries: slot 0 is missing, so delta[l] "
                                        "is not δ^l. Layers are numbered 1..L as in the maths; slot 0 is "
                                        "None because the input layer has no error.")
    if len(result) != L + 1:
        return ("wrong_shape", f"Your list has {len(result)} entries; it should have L + 1 = {L + 1}: "
                               f"None, then δ^1, …, δ^{L}.")
    if result[0] is not None:
        return ("wrong_values", "Your delta[0] is not None. The input layer has no weighted input and "
                                "no error: slot 0 stays None so that delta[l] is δ^l.")
    missing = [l for l in range(1, L + 1) if result[l] is None]
    if missing and missing == list(range(1, max(missing) + 1)):
        return ("stopped_early", f"Your delta[{max(missing)}] is still None: the BP2 loop stopped before "
                                 "layer 1. It runs l = L−1, L−2, …, 1, layer 1 included.")
    if missing:
        return ("returned_none", f"Your delta[{missing[0]}] is None: every layer 1..L needs its δ^l.")
    return None


def _layers(fn, L: int):
    """fn's list [None, δ^1, ..., δ^L] as the tuple (δ^L, ..., δ^1), which the engine compares."""
    def reversed_layers(*args):
        result = fn(*args)
        return tuple(result[l] for l in range(L, 0, -1))
    return reversed_layers


def _located(fb: Feedback, fn, cases) -> Feedback:
    """A wrong_values verdict, said again with the layer where the sweep first goes wrong."""
    for case in cases:
        got, problem = call(fn, DELTAS, case.args, where=case.label)
        if problem is not None:
            continue
        got = _layers(lambda *a: got, case.args[0].L)()
        for k, (g, want) in enumerate(zip(got, case.expected)):
            g = np.asarray(g, dtype=np.float64)
            if g.shape != want.shape or not np.allclose(g, want, rtol=1e-6, atol=1e-9):
                l, L = case.args[0].L - k, case.args[0].L
                right = (f"δ^{L} (BP1) is right, " + (f"and so is δ^{l + 1}; " if l + 1 < L else "")
                         if l < L else "")
                i = np.unravel_index(np.argmax(np.abs(g - want)), want.shape) if g.shape == want.shape else None
                at = (f"your δ^{l}[{i[0]}, {i[1]}] is {g[i]:.4g}, expected {want[i]:.4g}" if i is not None
                      else f"your δ^{l} has shape {fmt_shape(g.shape)}, expected {fmt_shape(want.shape)}")
                where = "BP1, where the sweep starts" if l == L else f"the BP2 step that makes δ^{l} from δ^{l + 1}"
                return failed(DELTAS, fb.slip, f"In the test case {case.label}: {right}{at}.",
                              f"Look at {where}: compare it with the equation term by term.")
    return fb


def check_deltas(fn) -> Feedback:
    """Check the backward sweep of errors: BP1 at layer L, then BP2 for l = L−1, …, 1.

    Parameters
    ----------
    fn : callable ``fn(net, x, y) -> delta``
        net : a Network with L = 3 (tanh hidden layers, a sigmoid output);
        x : shape (n_0, m); y : shape (n_L, m); the cost is quadratic,
        C = ½ Σ_x ‖a^L − y‖². Returns a list indexed like the network,
        ``[None, δ^1, ..., δ^L]``, with ``delta[l]`` of shape (n_l, m).

    Returns
    -------
    Feedback
        Every δ^l compared with :func:`bpcore.backprop.backward` on a
        non-square network (sizes (2, 5, 4, 3), m = 6) and a square one
        (sizes (3, 3, 3, 3), m = 3); a wrong result is located at the first
        layer, going backwards from L, where it differs.

    Taught in ``notebooks/03_backpropagating_the_error_bp2.ipynb``.
    """
    if not callable(fn):
        return check(fn, DELTAS, [], [])
    cases = _sweep_cases()
    for case in cases:
        got, problem = call(fn, DELTAS, case.args, where=f"in the test case {case.label}")
        if problem is not None and problem.slip in ("not_implemented", "not_callable"):
            return problem
        if problem is None:
            if got is None:
                return returned_none(DELTAS)
            form = _form_problem(got, case.args[0].L)
            if form is not None:
                return failed(DELTAS, *form)
    fb = check(_layers(fn, 3), DELTAS, cases, DELTAS_SLIPS)
    if fb.passed:
        return passed(DELTAS, f"Your δ^1, δ^2, δ^3 match bpcore.backprop.backward's in {len(cases)} test "
                              f"cases ({'; '.join(c.label for c in cases)}).")
    return _located(fb, fn, cases) if fb.slip == "wrong_values" else fb


# --------------------------------------------------------------------------- a linear network

LINEAR_DELTA = Spec(
    checker="check_linear_delta", equation="BP2 in a linear network",
    formula="δ^l = (w^{l+1})^T δ^{l+1} (BP2 with σ' = 1), from δ^L down to δ^1",   # not the product: 3.3 asks its order
    notebook=NOTEBOOK, reference="bpcore.backprop.backward's δ^1",
    arg_names=("net", "delta_L"), out_names=("delta_1",), out_shapes=("(n_1, m), like z^1",),
    shape_hint="Each step (w^l)^T δ^l multiplies (n_{l-1}, n_l) by (n_l, m): a shape mismatch means a "
               "missing transpose, or the factors taken in the wrong order (exercise 3.3).")

LINEAR_SIZES = ((3, 4, 5, 2), 3, 91), ((3, 3, 3, 3), 2, 92)   # (sizes, m, seed): non-square, square


def _linear_cases() -> list:
    cases = []
    for sizes, m, seed in LINEAR_SIZES:
        rng = np.random.default_rng(seed)
        net = init_network(sizes, rng, init="normal", hidden="identity", output="identity")
        g = backward(net, rng.standard_normal((sizes[0], m)), rng.random((sizes[-1], m)), "quadratic")
        cases.append(Case(label=f"sizes {sizes}, m = {m}", args=(net, g.delta[net.L]), expected=(g.delta[1],)))
    return cases


def _chain(c, layers, back=lambda w, d: w.T @ d):
    net, d = c.args
    for l in layers(net.L):
        d = back(net.w[l], d)
    return d


LINEAR_DELTA_SLIPS = [
    Slip(id="reversed_product", variant=lambda c: _chain(c, lambda L: range(2, L + 1)),
         explain="Your result applies (w^2)^T first and (w^L)^T last. Going backwards, δ^L meets "
                 "(w^L)^T first, which gives δ^{L-1}, then (w^{L-1})^T, down to (w^2)^T, which gives "
                 "δ^1. (With layers of different sizes the reverse order does not even fit.)"),
    Slip(id="missing_transpose", variant=lambda c: _chain(c, lambda L: range(L, 1, -1), lambda w, d: w @ d),
         explain="Your result uses the weight matrices without their transposes. w^l maps layer l−1 "
                 "to layer l; the error goes the other way, through (w^l)^T (section 1, 'Why the "
                 "transpose')."),
    Slip(id="extra_layer", variant=lambda c: _chain(c, lambda L: range(L, 0, -1)),
         explain="Your product includes (w^1)^T. δ^1 lives in layer 1; w^1 connects layer 0 (the "
                 "input) to layer 1, and is only needed for ∂C/∂w^1, not for δ^1. The product stops at "
                 "(w^2)^T."),
    Slip(id="stopped_early", variant=lambda c: _chain(c, lambda L: range(L, 2, -1)),
         explain="Your result is δ^2: the product stops one factor early. δ^1 needs (w^2)^T too."),
]


def check_linear_delta(fn) -> Feedback:
    """Check δ^1 of a linear network (σ(z) = z): δ^1 = (w^2)^T (w^3)^T ⋯ (w^L)^T δ^L.

    Parameters
    ----------
    fn : callable ``fn(net, delta_L) -> delta_1``
        net : a Network whose activations are all the identity, L = 3, w^l
        of shape (n_l, n_{l-1}); delta_L : δ^L, shape (n_L, m). Returns δ^1,
        shape (n_1, m).

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.backward`'s δ^1 on a
        non-square network (sizes (3, 4, 5, 2), m = 3) and a square one
        (sizes (3, 3, 3, 3), m = 2).

    Taught in ``notebooks/03_backpropagating_the_error_bp2.ipynb`` (Exercise 3.3).
    """
    return check(fn, LINEAR_DELTA, _linear_cases(), LINEAR_DELTA_SLIPS)
