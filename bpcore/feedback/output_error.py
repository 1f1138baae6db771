"""Checkers for BP1, the output error δ^L = C'(a^L) ⊙ σ'(z^L) (notebooks 02 and 08).

Each runs the learner's function on two seeded output layers (n_L = 3 and 2,
m ≥ 3), compares with :func:`bpcore.backprop.output_error` and with finite
differences of C with respect to z^L (:func:`bpcore.gradcheck.numerical_deltas`):
the quadratic cost with a sigmoid output (check_bp1) and with a tanh output
(check_tanh_output_error), and the cross-entropy cost with a sigmoid output,
where σ' cancels (check_cross_entropy_delta).
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation, sigmoid_prime, tanh, tanh_prime
from ..backprop import backward, output_error
from ..costs import get_cost
from ..gradcheck import numerical_deltas
from ..network import init_network
from .engine import Case, Feedback, Spec, check
from .slips import Slip
from .problems import sigmoid_network

__all__ = ["check_bp1", "check_cross_entropy_delta", "check_tanh_output_error"]

SIGMOID = get_activation("sigmoid")
QUADRATIC = get_cost("quadratic")


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


_BP1_SHAPE_HINT = ("⊙ is the elementwise (Hadamard) product, not a matrix product: z_L, a_L, y and δ^L "
                   "all have shape (n_L, m), and each entry of δ^L uses the same entry of each factor.")

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
                 "activation a^L. σ'(a^L) = σ'(σ(z^L)) is the slope at the wrong point (notebook 01, "
                 "section 2)."),
    Slip(id="derivative_form_on_z", variant=lambda c: _quadratic_delta(c, lambda z, a: z * (1 - z)),
         explain="Your result equals (a^L − y) ⊙ z^L(1 − z^L). For the sigmoid, σ'(z) = σ(z)(1 − σ(z)) "
                 "= a(1 − a): the formula in terms of a must get a, not z."),
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
         explain="Your result equals (a^L − y) times σ'(z^L) as a matrix product. ⊙ is the elementwise "
                 "product: entry (j, x) of δ^L is (a^L_j − y_j) σ'(z^L_j) for that one example x."),
    Slip(id="matmul_not_hadamard", variant=lambda c: (c.args[1] - c.args[2]) @ sigmoid_prime(c.args[0]).T,
         explain="Your result is a matrix product of (a^L − y) and σ'(z^L). ⊙ is the elementwise "
                 "product: entry (j, x) of δ^L is (a^L_j − y_j) σ'(z^L_j) for that one example x."),
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
    formula="δ^L = C'(a^L) ⊙ σ'(z^L) with the cross-entropy C and a sigmoid σ",
    notebook="02_output_error_bp1.ipynb", reference="bpcore.backprop.output_error (cost='cross_entropy')",
    arg_names=("z_L", "a_L", "y"), out_names=("delta_L",), out_shapes=("(n_L, m), like z_L",),
    shape_hint=_BP1_SHAPE_HINT, fd_what="finite differences of the cross-entropy C with respect to z^L")


def _dC_da(c):
    z, a, y = c.args
    return (a - y) / (a * (1 - a))


# The messages name the slip and where to look; none states the simplified δ^L, which is what the
# exercise asks for (its solution block has it).
CROSS_ENTROPY_DELTA_SLIPS = [
    Slip(id="wrong_sign", variant=lambda c: c.args[2] - c.args[1],
         explain="Your result is −δ^L: the sign is flipped. δ^L = ∂C/∂z^L is positive where the "
                 "output is too large (a^L > y), so that gradient descent pushes it down."),
    Slip(id="kept_sigma_prime", variant=lambda c: (c.args[1] - c.args[2]) * sigmoid_prime(c.args[0]),
         explain="Your result is (a^L − y) ⊙ σ'(z^L): that is the quadratic cost's δ^L, whose "
                 "C'(a) is a − y. The cross-entropy has its own C'(a) (section 6): put that one "
                 "into BP1."),
    Slip(id="derivative_wrt_a", variant=_dC_da,
         explain="Your result is C'(a^L) = ∂C/∂a^L, not δ^L = ∂C/∂z^L: BP1 multiplies it by "
                 "σ'(z^L). For a sigmoid output, write σ'(z^L) in terms of a^L (notebook 01, "
                 "section 2) and simplify."),
    Slip(id="sigma_prime_of_a", variant=lambda c: _dC_da(c) * sigmoid_prime(c.args[1]),
         explain="Your result equals C'(a^L) ⊙ σ'(a^L): σ' takes the weighted input z^L, not the "
                 "activation a^L (notebook 01, section 2)."),
    Slip(id="divided_by_m", variant=lambda c: (c.args[1] - c.args[2]) / c.extra["m"],
         explain="Your result is δ^L divided by m. δ^L is per example, one column each, of the "
                 "summed cost; the 1/m belongs to the update rule."),
    # σ'(a) with the quadratic cost's C'(a): its own message (the slip above is C'(a) ⊙ σ'(a))
    Slip(id="sigma_prime_of_a", variant=lambda c: (c.args[1] - c.args[2]) * sigmoid_prime(c.args[1]),
         explain="Your result equals (a^L − y) ⊙ σ'(a^L). Two things: σ' takes the weighted input z^L, "
                 "never the activation a^L; and a^L − y is the quadratic cost's C'(a), not the "
                 "cross-entropy's (section 6)."),
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


TANH = get_activation("tanh")

TANH_OUTPUT_ERROR = Spec(
    checker="check_tanh_output_error", equation="BP1 (tanh output)",
    formula="δ^L = C'(a^L) ⊙ σ'(z^L) with σ = tanh and C = ½‖a − y‖²",
    notebook="02_output_error_bp1.ipynb", reference="bpcore.backprop.output_error (tanh output)",
    arg_names=("z_L", "a_L", "y"), out_names=("delta_L",), out_shapes=("(n_L, m), like z_L",),
    shape_hint=_BP1_SHAPE_HINT, fd_what="finite differences of C with respect to z^L")


def _tanh_cases(seed: int) -> list:
    """δ^L of a tanh output layer under the quadratic cost, targets in (−1, 1), with finite differences."""
    cases = []
    for sizes, m, s in (((2, 3), 3, seed), ((3, 4, 2), 4, seed + 1)):
        rng = np.random.default_rng(s)
        net = init_network(sizes, rng, init="normal", output="tanh")
        x = rng.standard_normal((sizes[0], m))
        y = rng.uniform(-1.0, 1.0, (sizes[-1], m))
        g = backward(net, x, y, QUADRATIC)
        L = net.L
        cases.append(Case(label=f"n_L = {sizes[-1]}, m = {m}", args=(g.z[L], g.a[L], y),
                          expected=(output_error(QUADRATIC, g.z[L], g.a[L], y, TANH),),
                          numeric=numerical_deltas(net, g.z, y, QUADRATIC)[L], extra={"m": m}))
    return cases


TANH_OUTPUT_ERROR_SLIPS = [
    Slip(id="sigma_prime_of_a", variant=lambda c: _quadratic_delta(c, lambda z, a: tanh_prime(a)),
         explain="Your result equals (a^L − y) ⊙ tanh'(a^L): tanh' takes the weighted input z^L, not the "
                 "activation a^L = tanh(z^L)."),
    Slip(id="tanh_form_on_z", variant=lambda c: _quadratic_delta(c, lambda z, a: 1 - z ** 2),
         explain="Your result equals (a^L − y) ⊙ (1 − (z^L)²). tanh'(z) = 1 − tanh²(z) = 1 − a²: written "
                 "in terms of a, it must be given a, not z."),
    Slip(id="missing_square", variant=lambda c: _quadratic_delta(c, lambda z, a: 1 - tanh(z)),
         explain="Your result equals (a^L − y) ⊙ (1 − tanh(z^L)): the square is missing from "
                 "tanh'(z) = 1 − tanh²(z)."),
    Slip(id="missing_square", variant=lambda c: _quadratic_delta(c, lambda z, a: 1 - a),
         explain="Your result equals (a^L − y) ⊙ (1 − a^L): the square is missing from "
                 "tanh'(z) = 1 − tanh²(z) = 1 − a²."),
    Slip(id="other_activation_prime", variant=lambda c: _quadratic_delta(c, lambda z, a: sigmoid_prime(z)),
         explain="Your result equals (a^L − y) ⊙ σ'(z^L) with the sigmoid's σ'. The output layer is tanh "
                 "now, so BP1 takes the derivative of tanh."),
    Slip(id="other_activation_prime", variant=lambda c: _quadratic_delta(c, lambda z, a: a * (1 - a)),
         explain="Your result equals (a^L − y) ⊙ a^L(1 − a^L): that is the sigmoid's derivative written in "
                 "terms of a. The output layer is tanh now, so BP1 takes the derivative of tanh."),
    Slip(id="missing_sigma_prime", variant=lambda c: _quadratic_delta(c, lambda z, a: 1.0),
         explain="Your result equals a^L − y: the factor tanh'(z^L) is missing. Nothing cancels it here: "
                 "the quadratic cost's C'(a) = a − y has no denominator (the cancellation of notebook 02, "
                 "section 6, needs the cross-entropy cost and a sigmoid output)."),
    Slip(id="sigma_not_prime", variant=lambda c: _quadratic_delta(c, lambda z, a: a),
         explain="Your result equals (a^L − y) ⊙ tanh(z^L): that is tanh itself (= a^L), not its "
                 "derivative tanh'(z^L)."),
    Slip(id="wrong_sign", variant=lambda c: -c.expected[0],
         explain="Your result is −δ^L: the sign is flipped. C = ½‖a − y‖² gives C'(a) = a − y, "
                 "not y − a."),
    Slip(id="factor_two", variant=lambda c: 2 * c.expected[0],
         explain="Your result is 2δ^L. Our quadratic cost is C = ½‖a − y‖²; the ½ cancels the 2, so "
                 "C'(a) = a − y."),
    Slip(id="divided_by_m", variant=lambda c: c.expected[0] / c.extra["m"],
         explain="Your result is δ^L divided by m. δ^L is computed per example, one column each; "
                 "the 1/m belongs to the update rule, w → w − (η/m) Σ_x ∂C_x/∂w."),
    Slip(id="matmul_not_hadamard", variant=lambda c: (c.args[1] - c.args[2]) @ tanh_prime(c.args[0]).T,
         explain="Your result is a matrix product of (a^L − y) and tanh'(z^L). ⊙ is the elementwise "
                 "product: entry (j, x) of δ^L is (a^L_j − y_j) tanh'(z^L_j) for that one example x."),
]


def check_tanh_output_error(fn) -> Feedback:
    """Check BP1 for the quadratic cost and a tanh output: δ^L = (a^L − y) ⊙ tanh'(z^L).

    Parameters
    ----------
    fn : callable ``fn(z_L, a_L, y) -> delta_L``
        z_L, a_L = tanh(z_L), y (targets in (−1, 1)) and delta_L all have
        shape (n_L, m).

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.output_error` (quadratic cost
        C = ½‖a − y‖², tanh output) on (n_L, m) = (3, 3) and (2, 4), and with
        finite differences of C with respect to z^L.

    Taught in ``notebooks/02_output_error_bp1.ipynb`` (Exercise 2.3).
    """
    return check(fn, TANH_OUTPUT_ERROR, _tanh_cases(81), TANH_OUTPUT_ERROR_SLIPS)
