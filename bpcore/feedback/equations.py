"""Checkers for the backward equation of one layer: BP2.

(BP1 is in :mod:`~bpcore.feedback.output_error`, BP3 and BP4, the gradients, in
:mod:`~bpcore.feedback.gradients`.)

Each runs the learner's function on a square and a non-square case (m ≥ 2
examples), compares with bpcore's implementation and with finite differences
(:mod:`bpcore.gradcheck`). The forward pass is checked in
:mod:`~bpcore.feedback.forward`, BP1 in :mod:`~bpcore.feedback.output_error`. The slips
each one recognises are listed next to it, as :class:`~bpcore.feedback.engine.Slip` variants.
"""

from __future__ import annotations


from ..activations import get_activation, sigmoid, sigmoid_prime
from ..backprop import backpropagate_error
from ..costs import get_cost
from ..gradcheck import numerical_deltas
from .engine import Case, Feedback, Spec, check
from .slips import Slip
from .problems import sigmoid_network

__all__ = ["check_bp2"]

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
