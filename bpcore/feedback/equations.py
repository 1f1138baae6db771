"""Checkers for the backward equations of one layer: BP2, BP3 and BP4.

Each runs the learner's function on a square and a non-square case (m ≥ 2
examples), compares with bpcore's implementation and with finite differences
(:mod:`bpcore.gradcheck`). The forward pass is checked in
:mod:`~bpcore.feedback.forward`, BP1 in :mod:`~bpcore.feedback.output_error`. The slips
each one recognises are listed next to it, as :class:`~bpcore.feedback.engine.Slip` variants.
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation, sigmoid, sigmoid_prime
from ..backprop import backpropagate_error, bias_gradient, weight_gradient
from ..costs import get_cost
from ..gradcheck import numerical_deltas, numerical_parameter_gradients
from .engine import Case, Feedback, Spec, check
from .slips import Slip
from .problems import sigmoid_network

__all__ = ["check_bp2", "check_bp3", "check_bp4"]

SIGMOID = get_activation("sigmoid")
QUADRATIC = get_cost("quadratic")


# --------------------------------------------------------------------------- BP2

BP2 = Spec(
    checker="check_bp2", equation="BP2", formula="δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)",
    notebook="03_backpropagating_the_error_bp2.ipynb", reference="bpcore.backprop.backpropagate_error",
    arg_names=("w_next", "delta_next", "z_l"), out_names=("delta_l",), out_shapes=("(n_l, m), like z_l",),
    shape_hint="(w^{l+1})^T δ^{l+1} multiplies (n_l, n_{l+1}) by (n_{l+1}, m): a shape mismatch in this "
               "matrix product usually means a missing transpose, on w^{l+1} (section 1, 'Why the "
               "transpose'). And ⊙ is the elementwise product, not a matrix product.",
    fd_what="finite differences of C with respect to z^l")


def _bp2_with(c, back, deriv):
    w, d, z = c.args
    return back(w, d) * deriv(z)


def _wT(w, d):
    return w.T @ d


BP2_SLIPS = [
    Slip(id="sigma_prime_of_a", variant=lambda c: _bp2_with(c, _wT, lambda z: sigmoid_prime(sigmoid(z))),
         explain="Your result equals ((w^{l+1})^T δ^{l+1}) ⊙ σ'(a^l), with σ'(a^l) in place of "
                 "σ'(z^l): σ' takes the weighted input z, not the activation a (section 1, 'Which σ'')."),
    Slip(id="derivative_form_on_z", variant=lambda c: _bp2_with(c, _wT, lambda z: z * (1 - z)),
         explain="Your result uses z^l(1 − z^l) for σ'(z^l). For the sigmoid σ'(z) = σ(z)(1 − σ(z)) = "
                 "a(1 − a): that formula is written in terms of a = σ(z), so given z it needs σ(z) "
                 "first, not z itself (notebook 01)."),
    Slip(id="missing_transpose", variant=lambda c: _bp2_with(c, lambda w, d: w @ d, sigmoid_prime),
         explain="Your result equals (w^{l+1} δ^{l+1}) ⊙ σ'(z^l): the transpose is missing. w^{l+1} "
                 "has shape (n_{l+1}, n_l) and carries signals forwards, from layer l to l+1; the error "
                 "goes backwards, from l+1 to l, through (w^{l+1})^T: (n_l, n_{l+1}) times (n_{l+1}, m) "
                 "gives (n_l, m) (section 1, 'Why the transpose'). With n_l = n_{l+1} the missing "
                 "transpose raises no error, it just gives wrong numbers."),
    Slip(id="missing_sigma_prime", variant=lambda c: _bp2_with(c, _wT, lambda z: 1.0),
         explain="Your result equals (w^{l+1})^T δ^{l+1}: the factor σ'(z^l) is missing. By the chain "
                 "rule, z^{l+1} depends on z^l through a^l = σ(z^l), which contributes σ'(z^l) "
                 "(section 1)."),
    Slip(id="sigma_not_prime", variant=lambda c: _bp2_with(c, _wT, sigmoid),
         explain="Your result uses σ(z^l) (= a^l) where its derivative σ'(z^l) belongs."),
    Slip(id="wrong_sign", variant=lambda c: -c.expected[0],
         explain="Your result is −δ^l: the sign is flipped somewhere (BP2 itself has no minus sign)."),
    Slip(id="transposed_result", variant=lambda c: c.expected[0].T,
         explain="Your result is the transpose of δ^l. δ^l has one row per neuron of layer l and one "
                 "column per example: shape (n_l, m), like z^l."),
    Slip(id="divided_by_m", variant=lambda c: c.expected[0] / c.extra["m"],
         explain="Your result is δ^l divided by m. δ^l is per example, one column each; the 1/m belongs "
                 "to the update rule (notebook 06)."),
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


# --------------------------------------------------------------------------- BP3, BP4


def _last_layer_cases(seed: int) -> list:
    """(label, net, x, y, grads, m) for a square and a non-square last layer l = 2."""
    out = []
    for sizes, m, s in (((2, 3, 3), 3, seed), ((3, 4, 2), 3, seed + 1)):
        net, x, y, g = sigmoid_network(sizes, m, s)
        out.append((f"n_l = {sizes[2]}, n_{{l-1}} = {sizes[1]}, m = {m}", net, x, y, g, m))
    return out


BP3 = Spec(
    checker="check_bp3", equation="BP3",
    formula="∂C/∂b^l_j = δ^l_j  (for a batch: Σ_x δ^l_x, shape (n_l, 1))",
    notebook="04_gradients_bp3_bp4.ipynb", reference="bpcore.backprop.bias_gradient",
    arg_names=("delta_l",), out_names=("grad_b",), out_shapes=("(n_l, 1), the shape of b^l",),
    shape_hint="∂C/∂b^l adds up the columns of δ^l: delta_l.sum(axis=1, keepdims=True).",
    fd_what="finite differences of C with respect to b^l")

_WRONG_AXIS = ("You summed over axis 0, the neurons. Columns are examples: sum over axis=1 (with "
               "keepdims=True) to add the m examples' δ^l_x, giving shape (n_l, 1).")

BP3_SLIPS = [
    Slip(id="mean_instead_of_sum", variant=lambda c: c.args[0].mean(axis=1, keepdims=True),
         explain="Your result is the mean over the batch, (1/m) Σ_x δ^l_x. BP3 gives the SUM, "
                 "Σ_x ∂C_x/∂b^l = Σ_x δ^l_x, because C = Σ_x C_x; the 1/m belongs to the update "
                 "rule, b → b − (η/m) Σ_x ∂C_x/∂b."),
    Slip(id="missing_keepdims", variant=lambda c: c.args[0].sum(axis=1),
         explain="Your result has shape (n_l,): the sum over the examples lost its column. Use "
                 "delta_l.sum(axis=1, keepdims=True) for shape (n_l, 1), the shape of b^l (a 1-D "
                 "gradient would broadcast b − ... into an (n_l, n_l) matrix)."),
    Slip(id="wrong_axis", variant=lambda c: c.args[0].sum(axis=0, keepdims=True), explain=_WRONG_AXIS),
    Slip(id="wrong_axis", variant=lambda c: c.args[0].sum(axis=0), explain=_WRONG_AXIS),
    Slip(id="no_sum", variant=lambda c: c.args[0],
         explain="You returned δ^l itself, one column per example. For a batch, ∂C/∂b^l = Σ_x δ^l_x: "
                 "add the columns up (delta_l.sum(axis=1, keepdims=True)), shape (n_l, 1) like b^l."),
    Slip(id="sum_all", variant=lambda c: np.sum(c.args[0]),
         explain="You summed every entry into one number. Each bias b^l_j gets its own gradient "
                 "Σ_x δ^l_jx: sum over the examples only (axis=1, keepdims=True)."),
    Slip(id="one_example", variant=lambda c: c.args[0][:, :1],
         explain="You returned only the first example's δ^l. Sum over all m columns."),
    Slip(id="wrong_sign", variant=lambda c: -c.expected[0],
         explain="Your result is −Σ_x δ^l_x: the sign is flipped (∂C/∂b^l_j = +δ^l_j)."),
]


def check_bp3(fn) -> Feedback:
    """Check BP3: ∂C/∂b^l_j = δ^l_j, summed over the batch: Σ_x δ^l_x, shape (n_l, 1).

    Parameters
    ----------
    fn : callable ``fn(delta_l) -> grad_b``
        delta_l : δ^l, shape (n_l, m), one column per example. Returns
        Σ_x ∂C_x/∂b^l, shape (n_l, 1), the shape of b^l.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.bias_gradient` for δ^l of shape
        (3, 3) and (2, 3), and with finite differences of C with respect to b^l.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
    """
    cases = [Case(label=label, args=(g.delta[2],), expected=(bias_gradient(g.delta[2]),),
                  numeric=numerical_parameter_gradients(net, x, y, QUADRATIC)[1][2], extra={"m": m})
             for label, net, x, y, g, m in _last_layer_cases(51)]
    return check(fn, BP3, cases, BP3_SLIPS)


BP4 = Spec(
    checker="check_bp4", equation="BP4",
    formula="∂C/∂w^l_jk = δ^l_j a^{l-1}_k, i.e. ∂C/∂w^l = δ^l (a^{l-1})^T",
    notebook="04_gradients_bp3_bp4.ipynb", reference="bpcore.backprop.weight_gradient",
    arg_names=("delta_l", "a_prev"), out_names=("grad_w",), out_shapes=("(n_l, n_{l-1}), the shape of w^l",),
    shape_hint="δ^l (a^{l-1})^T multiplies (n_l, m) @ (m, n_{l-1}): a shape mismatch here usually means a "
               "missing transpose on a_prev (delta_l @ a_prev.T).",
    fd_what="finite differences of C with respect to w^l")

BP4_SLIPS = [
    Slip(id="missing_transpose", variant=lambda c: c.args[0] @ c.args[1],
         explain="Your result equals δ^l a^{l-1}, without the transpose. ∂C/∂w^l_jk = δ^l_j a^{l-1}_k "
                 "is an outer product: column δ^l (n_l, m) times row (a^{l-1})^T (m, n_{l-1}), which "
                 "also sums over the m examples. Use delta_l @ a_prev.T."),
    Slip(id="reversed_order", variant=lambda c: c.args[1] @ c.args[0].T,
         explain="Your result is a^{l-1} (δ^l)^T, the transpose of the gradient. Rows follow j (layer "
                 "l) and columns k (layer l−1), like w^l_jk: ∂C/∂w^l = δ^l (a^{l-1})^T has the shape "
                 "of w^l, (n_l, n_{l-1})."),
    Slip(id="wrong_transpose", variant=lambda c: c.args[0].T @ c.args[1],
         explain="Your result equals (δ^l)^T a^{l-1}: the transpose is on the wrong factor. Use "
                 "δ^l (a^{l-1})^T = delta_l @ a_prev.T, shape (n_l, n_{l-1})."),
    Slip(id="hadamard_not_outer", variant=lambda c: c.args[0] * c.args[1],
         explain="Your result is the elementwise product δ^l ⊙ a^{l-1}. Every weight w^l_jk needs "
                 "δ^l_j times a^{l-1}_k, for all pairs (j, k): an outer product, "
                 "delta_l @ a_prev.T, shape (n_l, n_{l-1})."),
    Slip(id="mean_instead_of_sum", variant=lambda c: c.expected[0] / c.extra["m"],
         explain="Your result is the mean over the batch. BP4 gives the SUM Σ_x δ^l_x (a^{l-1}_x)^T "
                 "(exactly what delta_l @ a_prev.T computes); the 1/m belongs to the update rule, "
                 "w → w − (η/m) Σ_x ∂C_x/∂w."),
    Slip(id="one_example", variant=lambda c: c.args[0][:, :1] @ c.args[1][:, :1].T,
         explain="You used only the first example. With m columns, δ^l (a^{l-1})^T sums the m outer "
                 "products by itself: use the whole matrices, delta_l @ a_prev.T."),
    Slip(id="wrong_sign", variant=lambda c: -c.expected[0],
         explain="Your result is −δ^l (a^{l-1})^T: the sign is flipped."),
]


def check_bp4(fn) -> Feedback:
    """Check BP4: ∂C/∂w^l = δ^l (a^{l-1})^T, i.e. ∂C/∂w^l_jk = δ^l_j a^{l-1}_k, summed over the batch.

    Parameters
    ----------
    fn : callable ``fn(delta_l, a_prev) -> grad_w``
        delta_l : δ^l, shape (n_l, m); a_prev : a^{l-1}, shape (n_{l-1}, m).
        Returns Σ_x ∂C_x/∂w^l, shape (n_l, n_{l-1}), the shape of w^l.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.weight_gradient` on a square
        layer (3 → 3, m = 3) and a non-square one (4 → 2, m = 3), and with
        finite differences of C with respect to w^l.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
    """
    cases = [Case(label=label, args=(g.delta[2], g.a[1]), expected=(weight_gradient(g.delta[2], g.a[1]),),
                  numeric=numerical_parameter_gradients(net, x, y, QUADRATIC)[0][2], extra={"m": m})
             for label, net, x, y, g, m in _last_layer_cases(61)]
    return check(fn, BP4, cases, BP4_SLIPS)
