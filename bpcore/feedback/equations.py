"""Checkers for the equations of one layer: the forward pass, BP1 and BP2.

(BP3 and BP4, the gradients, are in :mod:`~bpcore.feedback.gradients`.)

Each runs the learner's function on a square and a non-square case (m ≥ 2
examples), compares with bpcore's implementation and, for a derivative, with
finite differences (:mod:`bpcore.gradcheck`). The slips each one recognises
are listed next to it, as :class:`~bpcore.feedback.engine.Slip` variants.
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation, sigmoid, sigmoid_prime
from ..backprop import backpropagate_error, output_error
from ..costs import get_cost
from ..gradcheck import numerical_deltas
from ..network import Network, forward
from .engine import Case, Feedback, Spec, check
from .slips import Slip
from .problems import sigmoid_network

__all__ = ["check_forward", "check_bp1", "check_cross_entropy_delta", "check_bp2"]

SIGMOID = get_activation("sigmoid")
QUADRATIC = get_cost("quadratic")


# --------------------------------------------------------------------------- forward

FORWARD = Spec(
    checker="check_forward", equation="forward", formula="z^l = w^l a^{l-1} + b^l,  a^l = σ(z^l)",
    notebook="01_forward_propagation.ipynb", reference="bpcore.network.forward",
    arg_names=("w", "b", "a_prev", "sigma"), out_names=("z", "a"),
    out_shapes=("(n_l, m): one column per example",) * 2,
    shape_hint="w^l a^{l-1} multiplies (n_l, n_{l-1}) @ (n_{l-1}, m): use w @ a_prev, with no transpose, "
               "and add b of shape (n_l, 1) as it is.")


def _forward_with(c, z_of):
    w, b, a_prev, s = c.args
    z = z_of(w, b, a_prev)
    return z, s(z)


FORWARD_SLIPS = [
    Slip(id="swapped_outputs", variant=lambda c: c.expected[::-1],
         explain="You returned (a, z); the order is (z, a): first the weighted input z^l, then the "
                 "activation a^l = σ(z^l)."),
    Slip(id="extra_transpose", variant=lambda c: _forward_with(c, lambda w, b, a: w.T @ a + b),
         explain="Your z equals (w^l)^T a^{l-1} + b^l. No transpose in the forward pass: w^l has "
                 "shape (n_l, n_{l-1}) and w^l_jk connects neuron k in layer l−1 to neuron j in "
                 "layer l, so w^l a^{l-1} is already (n_l, n_{l-1}) @ (n_{l-1}, m) = (n_l, m)."),
    Slip(id="missing_bias", variant=lambda c: _forward_with(c, lambda w, b, a: w @ a),
         explain="Your z equals w^l a^{l-1} without the bias: add b^l (shape (n_l, 1); numpy "
                 "broadcasts it over the m columns)."),
    Slip(id="bias_as_row", variant=lambda c: _forward_with(c, lambda w, b, a: w @ a + b.reshape(1, -1)),
         explain="Your bias was added along the rows: b^l was flattened to shape (n_l,), and numpy "
                 "broadcasts a 1-D array across the columns' entries. Keep b^l a column of shape "
                 "(n_l, 1) so each neuron j gets its own b^l_j in every example."),
    Slip(id="missing_activation", variant=lambda c: (c.expected[0], c.expected[0]),
         explain="Your a equals z: apply the activation, a^l = σ(z^l) = sigma(z)."),
    Slip(id="ignores_sigma", variant=lambda c: (c.expected[0], sigmoid(c.expected[0])),
         explain="Your a is always the sigmoid of z: use the sigma passed in (the second test case "
                 "passes tanh), a = sigma(z)."),
]


def check_forward(fn) -> Feedback:
    """Check one layer of the forward pass: z^l = w^l a^{l-1} + b^l, a^l = σ(z^l).

    Parameters
    ----------
    fn : callable ``fn(w, b, a_prev, sigma) -> (z, a)``
        w : shape (n_l, n_{l-1}); b : shape (n_l, 1); a_prev : shape
        (n_{l-1}, m); sigma : the activation, called as ``sigma(z)`` (the
        checker passes bpcore's sigmoid and tanh). Returns z and a, each of
        shape (n_l, m).

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.network.forward` on a square layer (3 → 3,
        sigmoid, m = 3) and a non-square one (4 → 2, tanh, m = 3).

    Taught in ``notebooks/01_forward_propagation.ipynb``.
    """
    cases = []
    for n_in, n_out, m, act, seed in ((3, 3, 3, "sigmoid", 11), (4, 2, 3, "tanh", 12)):
        rng = np.random.default_rng(seed)
        w = rng.standard_normal((n_out, n_in))
        b = rng.standard_normal((n_out, 1))
        a_prev = rng.standard_normal((n_in, m))
        z, a = forward(Network((n_in, n_out), [None, w], [None, b], hidden=act, output=act), a_prev)
        cases.append(Case(label=f"{n_in} → {n_out} neurons, {act}, m = {m}",
                          args=(w, b, a_prev, get_activation(act)), expected=(z[1], a[1])))
    return check(fn, FORWARD, cases, FORWARD_SLIPS)


# --------------------------------------------------------------------------- BP1


def _bp1_cases(cost: str, seed: int) -> list:
    """δ^L for n_L = 3 (one layer) and n_L = 2 (two layers), with finite differences in z^L."""
    cases = []
    for sizes, m, s in (((2, 3), 3, seed), ((3, 4, 2), 4, seed + 1)):
        net, x, y, g = sigmoid_network(sizes, m, s, cost)
        L = net.L
        cases.append(Case(label=f"n_L = {sizes[-1]}, m = {m}", args=(g.z[L], g.a[L], y),
                          expected=(output_error(cost, g.z[L], g.a[L], y, SIGMOID),),
                          numeric=numerical_deltas(net, g.z, y, get_cost(cost))[L], extra={"m": m}))
    return cases


_BP1_SHAPE_HINT = ("⊙ is the elementwise (Hadamard) product: in numpy write *, not @ or np.dot. "
                   "z_L, a_L, y and δ^L all have shape (n_L, m).")

BP1 = Spec(
    checker="check_bp1", equation="BP1", formula="δ^L = C'(a^L) ⊙ σ'(z^L) = (a^L − y) ⊙ σ'(z^L)",
    notebook="02_output_error_bp1.ipynb", reference="bpcore.backprop.output_error",
    arg_names=("z_L", "a_L", "y"), out_names=("delta_L",), out_shapes=("(n_L, m), like z_L",),
    shape_hint=_BP1_SHAPE_HINT, fd_what="finite differences of C with respect to z^L")


def _quadratic_delta(c, deriv):
    z, a, y = c.args
    return (a - y) * deriv(z, a)


BP1_SLIPS = [
    Slip(id="sigma_prime_of_a", variant=lambda c: _quadratic_delta(c, lambda z, a: sigmoid_prime(a)),
         explain="Your result equals (a^L − y) ⊙ σ'(a^L): σ' takes the weighted input z^L, not the "
                 "activation a^L. Use sigmoid_prime(z_L)."),
    Slip(id="derivative_form_on_z", variant=lambda c: _quadratic_delta(c, lambda z, a: z * (1 - z)),
         explain="Your result equals (a^L − y) ⊙ z^L(1 − z^L). For the sigmoid, σ'(z) = σ(z)(1 − σ(z)) "
                 "= a(1 − a): the formula in terms of a must get a, not z. Use sigmoid_prime(z_L) "
                 "or a_L * (1 - a_L)."),
    Slip(id="sigma_not_prime", variant=lambda c: _quadratic_delta(c, lambda z, a: a),
         explain="Your result equals (a^L − y) ⊙ σ(z^L): that is σ itself (= a^L), not its "
                 "derivative σ'(z^L)."),
    Slip(id="wrong_sign", variant=lambda c: _quadratic_delta(c, lambda z, a: -sigmoid_prime(z)),
         explain="Your result is −δ^L: the sign is flipped. C = ½‖a − y‖² gives C'(a) = a − y, "
                 "not y − a."),
    Slip(id="missing_sigma_prime", variant=lambda c: _quadratic_delta(c, lambda z, a: 1.0),
         explain="Your result equals a^L − y: the factor σ'(z^L) is missing. By the chain rule "
                 "δ^L = ∂C/∂a^L · ∂a^L/∂z^L, and ∂a^L/∂z^L = σ'(z^L). (a − y alone is the output "
                 "error of the cross-entropy cost, where σ' cancels; not of the quadratic cost.)"),
    Slip(id="matmul_not_hadamard", variant=lambda c: (c.args[1] - c.args[2]) @ sigmoid_prime(c.args[0]),
         explain="Your result equals (a^L − y) @ σ'(z^L), a matrix product. ⊙ is the elementwise "
                 "product: write (a_L - y) * sigmoid_prime(z_L)."),
    Slip(id="matmul_not_hadamard", variant=lambda c: (c.args[1] - c.args[2]) @ sigmoid_prime(c.args[0]).T,
         explain="Your result is a matrix product of (a^L − y) and σ'(z^L). ⊙ is the elementwise "
                 "product: write (a_L - y) * sigmoid_prime(z_L)."),
    Slip(id="factor_two", variant=lambda c: _quadratic_delta(c, lambda z, a: 2 * sigmoid_prime(z)),
         explain="Your result is 2(a^L − y) ⊙ σ'(z^L). Our quadratic cost is C = ½‖a − y‖²; the ½ "
                 "cancels the 2, so C'(a) = a − y."),
    Slip(id="divided_by_m",
         variant=lambda c: _quadratic_delta(c, lambda z, a: sigmoid_prime(z)) / c.extra["m"],
         explain="Your result is δ^L divided by m. δ^L is computed per example, one column each; "
                 "the 1/m belongs to the update rule, w → w − (η/m) Σ_x ∂C_x/∂w."),
]


def check_bp1(fn) -> Feedback:
    """Check BP1 for the quadratic cost and a sigmoid output: δ^L = (a^L − y) ⊙ σ'(z^L).

    Parameters
    ----------
    fn : callable ``fn(z_L, a_L, y) -> delta_L``
        z_L, a_L, y and delta_L all have shape (n_L, m). Use
        ``bpcore.activations.sigmoid_prime`` for σ'.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.output_error` (quadratic cost
        C = ½‖a − y‖², sigmoid output) on (n_L, m) = (3, 3) and (2, 4), and
        with finite differences of C with respect to z^L.

    Taught in ``notebooks/02_output_error_bp1.ipynb``.
    """
    return check(fn, BP1, _bp1_cases("quadratic", 21), BP1_SLIPS)


CROSS_ENTROPY_DELTA = Spec(
    checker="check_cross_entropy_delta", equation="BP1 (cross-entropy)",
    formula="δ^L = C'(a^L) ⊙ σ'(z^L) = a^L − y",
    notebook="02_output_error_bp1.ipynb and 08_costs_and_saturation.ipynb",
    reference="bpcore.backprop.output_error (cost='cross_entropy')",
    arg_names=("z_L", "a_L", "y"), out_names=("delta_L",), out_shapes=("(n_L, m), like z_L",),
    shape_hint=_BP1_SHAPE_HINT, fd_what="finite differences of the cross-entropy C with respect to z^L")


def _dC_da(c):
    z, a, y = c.args
    return (a - y) / (a * (1 - a))


CROSS_ENTROPY_DELTA_SLIPS = [
    Slip(id="wrong_sign", variant=lambda c: c.args[2] - c.args[1],
         explain="Your result is y − a^L: the sign is flipped. δ^L = a^L − y (positive when the "
                 "output is too large, so gradient descent pushes it down)."),
    Slip(id="kept_sigma_prime", variant=lambda c: (c.args[1] - c.args[2]) * sigmoid_prime(c.args[0]),
         explain="Your result is (a^L − y) ⊙ σ'(z^L): that is the quadratic cost's δ^L. For "
                 "cross-entropy, C'(a) = (a − y)/(a(1 − a)) and σ'(z) = a(1 − a) cancel, leaving "
                 "a^L − y."),
    Slip(id="derivative_wrt_a", variant=_dC_da,
         explain="Your result is C'(a^L) = ∂C/∂a^L = (a − y)/(a(1 − a)), not δ^L = ∂C/∂z^L. Multiply "
                 "by σ'(z^L) = a(1 − a), and it simplifies to a^L − y."),
    Slip(id="sigma_prime_of_a", variant=lambda c: _dC_da(c) * sigmoid_prime(c.args[1]),
         explain="Your result equals C'(a^L) ⊙ σ'(a^L): σ' takes the weighted input z^L, not a^L. "
                 "With σ'(z^L) = a(1 − a) it simplifies to a^L − y."),
    Slip(id="divided_by_m", variant=lambda c: (c.args[1] - c.args[2]) / c.extra["m"],
         explain="Your result is (a^L − y)/m. δ^L is per example, one column each; the 1/m belongs "
                 "to the update rule."),
    # σ'(a) in the kept factor: its own message (the slip above is C'(a) ⊙ σ'(a))
    Slip(id="sigma_prime_of_a", variant=lambda c: (c.args[1] - c.args[2]) * sigmoid_prime(c.args[1]),
         explain="Your result equals (a^L − y) ⊙ σ'(a^L). Two things: σ' takes the weighted input z^L, "
                 "never the activation a^L; and for cross-entropy with a sigmoid output the factor "
                 "σ'(z^L) = a(1 − a) cancels against the denominator of C'(a) = (a − y)/(a(1 − a)), so "
                 "no σ' is left in δ^L."),
]


def check_cross_entropy_delta(fn) -> Feedback:
    """Check BP1 for the cross-entropy cost and a sigmoid output: δ^L = a^L − y.

    With C = −Σ [y ln a + (1 − y) ln(1 − a)], C'(a) = (a − y)/(a(1 − a)); with a
    sigmoid output σ'(z) = a(1 − a), so δ^L = C'(a^L) ⊙ σ'(z^L) = a^L − y.

    Parameters
    ----------
    fn : callable ``fn(z_L, a_L, y) -> delta_L``
        All arrays have shape (n_L, m); y holds 0/1 labels.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.output_error` with
        ``cost="cross_entropy"`` on (n_L, m) = (3, 3) and (2, 4), and with
        finite differences of C with respect to z^L.

    Taught in ``notebooks/02_output_error_bp1.ipynb`` and
    ``notebooks/08_costs_and_saturation.ipynb``.
    """
    return check(fn, CROSS_ENTROPY_DELTA, _bp1_cases("cross_entropy", 31), CROSS_ENTROPY_DELTA_SLIPS)


# --------------------------------------------------------------------------- BP2

BP2 = Spec(
    checker="check_bp2", equation="BP2", formula="δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)",
    notebook="03_backpropagating_the_error_bp2.ipynb", reference="bpcore.backprop.backpropagate_error",
    arg_names=("w_next", "delta_next", "z_l"), out_names=("delta_l",), out_shapes=("(n_l, m), like z_l",),
    shape_hint="(w^{l+1})^T δ^{l+1} multiplies (n_l, n_{l+1}) @ (n_{l+1}, m): a shape mismatch in this "
               "matrix product usually means a missing transpose (w_next.T). And ⊙ is elementwise: *, not @.",
    fd_what="finite differences of C with respect to z^l")


def _bp2_with(c, back, deriv):
    w, d, z = c.args
    return back(w, d) * deriv(z)


def _wT(w, d):
    return w.T @ d


BP2_SLIPS = [
    Slip(id="sigma_prime_of_a", variant=lambda c: _bp2_with(c, _wT, lambda z: sigmoid_prime(sigmoid(z))),
         explain="Your result equals ((w^{l+1})^T δ^{l+1}) ⊙ σ'(a^l), with σ'(a^l) in place of "
                 "σ'(z^l): σ' takes the weighted input z, not the activation a. Use sigmoid_prime(z_l)."),
    Slip(id="derivative_form_on_z", variant=lambda c: _bp2_with(c, _wT, lambda z: z * (1 - z)),
         explain="Your result uses z^l(1 − z^l) for σ'(z^l). For the sigmoid σ'(z) = σ(z)(1 − σ(z)) = "
                 "a(1 − a): the formula in terms of a must get a = σ(z), not z. Use sigmoid_prime(z_l)."),
    Slip(id="missing_transpose", variant=lambda c: _bp2_with(c, lambda w, d: w @ d, sigmoid_prime),
         explain="Your result equals (w^{l+1} δ^{l+1}) ⊙ σ'(z^l): the transpose is missing. w^{l+1} "
                 "has shape (n_{l+1}, n_l) and carries signals forwards, from layer l to l+1; the error "
                 "goes backwards, from l+1 to l, through (w^{l+1})^T: (n_l, n_{l+1}) @ (n_{l+1}, m) = "
                 "(n_l, m). Use w_next.T @ delta_next."),
    Slip(id="missing_sigma_prime", variant=lambda c: _bp2_with(c, _wT, lambda z: 1.0),
         explain="Your result equals (w^{l+1})^T δ^{l+1}: the factor σ'(z^l) is missing. By the chain "
                 "rule, z^{l+1} depends on z^l through a^l = σ(z^l), which contributes σ'(z^l)."),
    Slip(id="sigma_not_prime", variant=lambda c: _bp2_with(c, _wT, sigmoid),
         explain="Your result uses σ(z^l) (= a^l) where its derivative σ'(z^l) belongs."),
    Slip(id="wrong_sign", variant=lambda c: -c.expected[0],
         explain="Your result is −δ^l: the sign is flipped somewhere (BP2 itself has no minus sign)."),
    Slip(id="transposed_result", variant=lambda c: c.expected[0].T,
         explain="Your result is the transpose of δ^l. δ^l has one row per neuron of layer l and one "
                 "column per example: shape (n_l, m), like z^l."),
    Slip(id="divided_by_m", variant=lambda c: c.expected[0] / c.extra["m"],
         explain="Your result is δ^l divided by m. δ^l is per example; the 1/m belongs to the update "
                 "rule."),
]


def check_bp2(fn) -> Feedback:
    """Check BP2 with sigmoid hidden layers: δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l).

    Parameters
    ----------
    fn : callable ``fn(w_next, delta_next, z_l) -> delta_l``
        w_next : w^{l+1}, shape (n_{l+1}, n_l); delta_next : δ^{l+1}, shape
        (n_{l+1}, m); z_l : shape (n_l, m). Returns δ^l, shape (n_l, m). Use
        ``bpcore.activations.sigmoid_prime``.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.backpropagate_error` on a square
        layer pair (n_l = n_{l+1} = 3, m = 2) and a non-square one (n_l = 4,
        n_{l+1} = 2, m = 3), and with finite differences of C with respect to
        z^l.

    Taught in ``notebooks/03_backpropagating_the_error_bp2.ipynb``.
    """
    cases = []
    for sizes, m, seed in (((2, 3, 3), 2, 41), ((3, 4, 2), 3, 42)):
        net, x, y, g = sigmoid_network(sizes, m, seed)
        cases.append(Case(label=f"n_l = {sizes[1]}, n_{{l+1}} = {sizes[2]}, m = {m}",
                          args=(net.w[2], g.delta[2], g.z[1]),
                          expected=(backpropagate_error(net.w[2], g.delta[2], g.z[1], SIGMOID),),
                          numeric=numerical_deltas(net, g.z, y, QUADRATIC)[1], extra={"m": m}))
    return check(fn, BP2, cases, BP2_SLIPS)
