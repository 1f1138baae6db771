"""Checkers for the gradients of one layer (notebook 04): BP3 and BP4.

:func:`check_bp3` and :func:`check_bp4` take one layer's δ^l (and a^{l-1}) for a batch and want the
sums over its m examples, ∂C/∂b^l and ∂C/∂w^l; they run on a square and a non-square last layer
and compare with bpcore and finite differences. No message shows the corrected code: each names
the slip, the principle and the section. The whole backward pass is checked in
:mod:`~bpcore.feedback.backward_pass`.
"""

from __future__ import annotations

import numpy as np

from ..backprop import bias_gradient, weight_gradient
from ..costs import get_cost
from ..gradcheck import numerical_parameter_gradients
from .engine import Case, Feedback, Spec, check
from .slips import Slip
from .problems import sigmoid_network

__all__ = ["check_bp3", "check_bp4"]

NOTEBOOK = "04_gradients_bp3_bp4.ipynb"
QUADRATIC = get_cost("quadratic")


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
    notebook=NOTEBOOK, reference="bpcore.backprop.bias_gradient",
    arg_names=("delta_l",), out_names=("grad_b",), out_shapes=("(n_l, 1), the shape of b^l",),
    shape_hint="∂C/∂b^l adds up the m columns of δ^l, one per example, and stays a column of shape "
               "(n_l, 1), the shape of b^l: no matrix product is needed.",
    fd_what="finite differences of C with respect to b^l")

_WRONG_AXIS = ("You summed over the neurons, down each column. The columns are the examples: BP3 adds up "
               "the m columns δ^l_x, one sum per neuron j, and the result is a column of shape (n_l, 1) "
               "(section 1).")

BP3_SLIPS = [
    Slip(id="mean_instead_of_sum", variant=lambda c: c.args[0].mean(axis=1, keepdims=True),
         explain="Your result is the mean over the batch, (1/m) Σ_x δ^l_x. BP3 gives the SUM, "
                 "Σ_x ∂C_x/∂b^l = Σ_x δ^l_x, because C = Σ_x C_x; the 1/m belongs to the update "
                 "rule, b → b − (η/m) Σ_x ∂C_x/∂b."),
    Slip(id="missing_keepdims", variant=lambda c: c.args[0].sum(axis=1),
         explain="Your result has shape (n_l,): summing over the examples dropped the column's second "
                 "dimension. A gradient has the shape of its parameter, and b^l is a column (n_l, 1); a "
                 "1-D gradient would turn the update b − (η/m) ∂C/∂b into an (n_l, n_l) matrix by "
                 "broadcasting, without any error (section 1). Keep the summed dimension, with length 1."),
    Slip(id="wrong_axis", variant=lambda c: c.args[0].sum(axis=0, keepdims=True), explain=_WRONG_AXIS),
    Slip(id="wrong_axis", variant=lambda c: c.args[0].sum(axis=0), explain=_WRONG_AXIS),
    Slip(id="no_sum", variant=lambda c: c.args[0],
         explain="You returned δ^l itself, one column per example. For a batch, ∂C/∂b^l = Σ_x δ^l_x: "
                 "add the m columns up, one number per neuron j, a column (n_l, 1) like b^l."),
    Slip(id="sum_all", variant=lambda c: np.sum(c.args[0]),
         explain="You summed every entry into one number. Each bias b^l_j gets its own gradient "
                 "Σ_x δ^l_{j,x}: sum over the examples only, one sum per neuron."),
    Slip(id="one_example", variant=lambda c: c.args[0][:, :1],
         explain="You returned only the first example's δ^l. BP3 for a batch sums over all m columns."),
    Slip(id="overwrote_in_loop", variant=lambda c: c.args[0][:, -1:],
         explain="You returned only the last example's δ^l: a loop over the examples that assigns its "
                 "result instead of adding to it keeps the last column. Σ_x δ^l_x adds every column."),
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
    notebook=NOTEBOOK, reference="bpcore.backprop.weight_gradient",
    arg_names=("delta_l", "a_prev"), out_names=("grad_w",), out_shapes=("(n_l, n_{l-1}), the shape of w^l",),
    shape_hint="δ^l (a^{l-1})^T multiplies (n_l, m) by (m, n_{l-1}): the two inner dimensions are both m, "
               "the examples, which the product sums over. A shape mismatch here usually means a "
               "missing transpose.",
    fd_what="finite differences of C with respect to w^l")

BP4_SLIPS = [
    Slip(id="missing_transpose", variant=lambda c: c.args[0] @ c.args[1],
         explain="Your result equals δ^l a^{l-1}, without the transpose. ∂C/∂w^l_jk = δ^l_j a^{l-1}_k "
                 "has rows j (layer l) and columns k (layer l−1), summed over the examples: the column "
                 "δ^l (n_l, m) times the row (a^{l-1})^T (m, n_{l-1}), whose shared index m is the "
                 "examples (section 3)."),
    Slip(id="reversed_order", variant=lambda c: c.args[1] @ c.args[0].T,
         explain="Your result is a^{l-1} (δ^l)^T, the transpose of the gradient. Rows follow j (layer "
                 "l) and columns k (layer l−1), like w^l_jk: ∂C/∂w^l = δ^l (a^{l-1})^T has the shape "
                 "of w^l, (n_l, n_{l-1})."),
    Slip(id="wrong_transpose", variant=lambda c: c.args[0].T @ c.args[1],
         explain="Your result equals (δ^l)^T a^{l-1}: the transpose is on the wrong factor, so the "
                 "product sums over the neurons instead of the examples. BP4 sums over the m examples: "
                 "δ^l (n_l, m) times (a^{l-1})^T (m, n_{l-1}), shape (n_l, n_{l-1})."),
    Slip(id="hadamard_not_outer", variant=lambda c: c.args[0] * c.args[1],
         explain="Your result is the elementwise product δ^l ⊙ a^{l-1}. Every weight w^l_jk needs "
                 "δ^l_j times a^{l-1}_k, for every pair (j, k): for one example an outer product, "
                 "column times row, of shape (n_l, n_{l-1}); for a batch the sum of m of them."),
    Slip(id="hadamard_not_outer", variant=lambda c: c.args[0] * c.args[1].T,
         explain="Your result is δ^l times (a^{l-1})^T entry by entry, by broadcasting. For one example "
                 "(m = 1) a column times a row does broadcast into the outer product (section 3), but for "
                 "a batch the m examples' outer products must be added up, and only a matrix product of "
                 "δ^l (n_l, m) with (a^{l-1})^T (m, n_{l-1}) sums over the shared index m."),
    Slip(id="mean_instead_of_sum", variant=lambda c: c.expected[0] / c.extra["m"],
         explain="Your result is the mean over the batch. BP4 sums over the m examples, "
                 "Σ_x δ^l_x (a^{l-1}_x)^T: the matrix product with (a^{l-1})^T does that by itself. "
                 "The 1/m belongs to the update rule, w → w − (η/m) Σ_x ∂C_x/∂w."),
    Slip(id="one_example", variant=lambda c: c.args[0][:, :1] @ c.args[1][:, :1].T,
         explain="You used only the first example. With m columns, δ^l (a^{l-1})^T of the whole "
                 "matrices sums the m outer products by itself (section 3)."),
    Slip(id="overwrote_in_loop", variant=lambda c: c.args[0][:, -1:] @ c.args[1][:, -1:].T,
         explain="Your result is the last example's outer product only: a loop over the examples that "
                 "assigns its result instead of adding to it keeps the last one. BP4 for a batch is "
                 "the sum of the m outer products δ^l_x (a^{l-1}_x)^T."),
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
