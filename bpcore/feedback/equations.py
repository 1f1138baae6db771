"""Checkers for the equations of one layer: the forward pass and BP1–BP4.

Each runs the learner's function on a square and a non-square case (m ≥ 2
examples), compares with bpcore's implementation and, for a derivative, with
finite differences (:mod:`bpcore.gradcheck`). The slips each one recognises
are listed next to it, as :class:`~bpcore.feedback.engine.Slip` variants.
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation, sigmoid, sigmoid_prime, tanh, tanh_prime
from ..backprop import backpropagate_error, backward, bias_gradient, output_error, weight_gradient
from ..costs import get_cost
from ..gradcheck import numerical_deltas, numerical_parameter_gradients
from ..network import Network, forward, init_network
from .engine import Case, Feedback, Spec, call, check, failed, fmt_shape, passed, recognise, returned_none
from .slips import Slip
from .problems import sigmoid_network

__all__ = ["check_forward", "check_bp1", "check_cross_entropy_delta", "check_bp2", "check_bp3", "check_bp4"]
# notebooks 01 and 02: the whole forward pass, BP1 for a tanh output layer
__all__ += ["check_forward_pass", "check_tanh_output_error"]

SIGMOID = get_activation("sigmoid")
QUADRATIC = get_cost("quadratic")


# --------------------------------------------------------------------------- forward

FORWARD = Spec(
    checker="check_forward", equation="forward", formula="z^l = w^l a^{l-1} + b^l,  a^l = σ(z^l)",
    notebook="01_forward_propagation.ipynb", reference="bpcore.network.forward",
    arg_names=("w", "b", "a_prev", "sigma"), out_names=("z", "a"),
    out_shapes=("(n_l, m): one column per example",) * 2,
    shape_hint="w^l a^{l-1} multiplies (n_l, n_{l-1}) by (n_{l-1}, m), giving (n_l, m): no transpose is "
               "needed, and the bias column b^l, shape (n_l, 1), is added to every column as it is "
               "(notebook 01, sections 3 and 4).")


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
                 "layer l, so w^l a^{l-1} is already (n_l, n_{l-1}) times (n_{l-1}, m) = (n_l, m)."),
    Slip(id="missing_bias", variant=lambda c: _forward_with(c, lambda w, b, a: w @ a),
         explain="Your z equals w^l a^{l-1} without the bias: add b^l (shape (n_l, 1); numpy "
                 "broadcasts it over the m columns)."),
    Slip(id="bias_as_row", variant=lambda c: _forward_with(c, lambda w, b, a: w @ a + b.reshape(1, -1)),
         explain="Your bias was added along the rows: b^l was flattened to shape (n_l,), and numpy "
                 "broadcasts a 1-D array across the columns' entries. Keep b^l a column of shape "
                 "(n_l, 1) so each neuron j gets its own b^l_j in every example."),
    Slip(id="missing_activation", variant=lambda c: (c.expected[0], c.expected[0]),
         explain="Your a equals z: apply the activation passed in, a^l = σ(z^l)."),
    Slip(id="ignores_sigma", variant=lambda c: (c.expected[0], sigmoid(c.expected[0])),
         explain="Your a is always the sigmoid of z: apply the sigma passed in (the second test case "
                 "passes tanh)."),
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


# --------------------------------------------------------------------------- the whole forward pass

FORWARD_PASS = Spec(
    checker="check_forward_pass", equation="forward pass",
    formula="a^0 = x;  z^l = w^l a^{l-1} + b^l,  a^l = σ(z^l) with layer l's own σ, for l = 1..L",
    notebook="01_forward_propagation.ipynb", reference="bpcore.network.forward",
    arg_names=("net", "x"), out_names=("z", "a"),
    out_shapes=("a list of length L + 1: z[0] = None, then z[l] of shape (n_l, m)",
                "a list of length L + 1: a[0] = x, then a[l] of shape (n_l, m)"),
    shape_hint="Layer l multiplies w^l, shape (n_l, n_{l-1}), by the activation of the layer just before "
               "it, a^{l-1}, shape (n_{l-1}, m) (notebook 01, sections 3 and 6).")


def _pass_with(c, layer):
    """The forward pass with ``layer(net, l, a_prev) -> (z_l, a_l)`` in place of the right one."""
    net, x = c.args
    z, a = [None], [x]
    for l in range(1, net.L + 1):
        z_l, a_l = layer(net, l, a[l - 1])
        z.append(z_l)
        a.append(a_l)
    return z, a


def _layer_with(sigma_of=None, bias=True):
    def layer(net, l, a_prev):
        z_l = net.w[l] @ a_prev + (net.b[l] if bias else 0.0)
        return z_l, (sigma_of(net, l) if sigma_of else net.sigma(l))(z_l)
    return layer


FORWARD_PASS_SLIPS = [
    Slip(id="swapped_outputs", variant=lambda c: c.expected[::-1],
         explain="You returned (a, z); the order is (z, a), like bpcore.forward."),
    Slip(id="not_indexed_like_layers", variant=lambda c: (c.expected[0][1:], c.expected[1][1:]),
         explain="Your lists start at layer 1. Index them like the layers, so that z[l] is z^l: "
                 "slot 0 holds z[0] = None (the input has no weighted input) and a[0] = x (a^0 = x)."),
    Slip(id="ignores_sigma", variant=lambda c: _pass_with(c, _layer_with(lambda net, l: sigmoid)),
         explain="Your activations are the sigmoid at every layer. Each layer has its own activation: "
                 "in the first test case the hidden layers are tanh and only the output is a sigmoid."),
    Slip(id="wrong_layer_activation",
         variant=lambda c: _pass_with(c, _layer_with(lambda net, l: net.sigma(net.L))),
         explain="Your activations use the output layer's σ at every layer. Layer l applies its own "
                 "activation: the hidden layers 1..L−1 have one, the output layer L may have another."),
    Slip(id="wrong_layer_activation", variant=lambda c: _pass_with(c, _layer_with(lambda net, l: net.sigma(1))),
         explain="Your activations use the hidden layers' σ at the output layer too. Layer l applies its "
                 "own activation: the output layer L may have another one than the hidden layers."),
    Slip(id="missing_activation", variant=lambda c: _pass_with(c, _layer_with(lambda net, l: lambda z: z)),
         explain="Your a^l equals z^l at every layer: apply layer l's activation, a^l = σ(z^l), before "
                 "the next layer reads it."),
    Slip(id="missing_bias", variant=lambda c: _pass_with(c, _layer_with(bias=False)),
         explain="Your z^l equals w^l a^{l-1} without the bias: every layer adds its b^l (shape (n_l, 1), "
                 "broadcast over the m columns)."),
]


def _as_lists(result):
    """The learner's (z, a) as two lists of None or float arrays; None if it is not of that form."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return None
    lists = []
    for part in result:
        if not isinstance(part, (tuple, list)):
            return None
        items = []
        for item in part:
            try:
                arr = None if item is None else np.asarray(item)
            except (TypeError, ValueError):
                return None
            if arr is not None and (arr.dtype == object or arr.dtype.kind not in "fiub"):
                return None
            items.append(None if arr is None else arr.astype(np.float64))
        lists.append(items)
    return tuple(lists)


def _same_item(g, w) -> bool:
    if g is None or w is None:
        return g is None and w is None
    return g.shape == w.shape and bool(np.all(np.isfinite(g))) and np.allclose(g, w, rtol=1e-6, atol=1e-9)


def _same_pass(got, want) -> bool:
    want = _as_lists(want)
    return got is not None and want is not None and all(
        len(g) == len(w) and all(_same_item(gi, wi) for gi, wi in zip(g, w)) for g, w in zip(got, want))


def _first_difference(case: Case, got) -> tuple:
    """(slip, line): the first place where the learner's (z, a) leaves bpcore's, in layer order."""
    (z, a), (z_want, a_want) = got, case.expected
    L = len(z_want) - 1
    where = f"In the test case {case.label}"
    if len(z) != L + 1 or len(a) != L + 1:
        return "wrong_shape", (f"{where}, your lists have lengths {len(z)} and {len(a)}; both should have "
                               f"length L + 1 = {L + 1}: slot 0, then one entry per layer l = 1..{L}.")
    if z[0] is not None:
        return "not_indexed_like_layers", f"{where}, your z[0] is not None: the input layer has no weighted input."
    if not _same_item(a[0], _as_lists(case.expected)[1][0]):
        return "not_indexed_like_layers", f"{where}, your a[0] is not the input x itself (a^0 = x)."
    for l in range(1, L + 1):
        for name, mine, ref in ((f"z^{l}", z[l], z_want[l]), (f"a^{l}", a[l], a_want[l])):
            if mine is None:
                return "returned_none", f"{where}, your {name} is None."
            if mine.shape != ref.shape:
                return "wrong_shape", (f"{where}, your {name} has shape {fmt_shape(mine.shape)}; expected "
                                       f"(n_{l}, m) = {fmt_shape(ref.shape)}.")
            if not _same_item(mine, ref):
                before = "the layers before it are right" if l > 1 else "it is the first layer"
                rule = (f"z^{l} = w^{l} a^{l - 1} + b^{l}" if name.startswith("z")
                        else f"a^{l} = σ(z^{l}) with layer {l}'s own activation")
                return "wrong_values", (f"{where}, your {name} is the first thing that differs from "
                                        f"bpcore.forward ({before}): check {rule}.")
    return "wrong_values", f"{where}, your result differs from bpcore.forward."


def check_forward_pass(fn) -> Feedback:
    """Check the whole forward pass: a^0 = x, then z^l = w^l a^{l-1} + b^l and a^l = σ(z^l) for l = 1..L.

    Parameters
    ----------
    fn : callable ``fn(net, x) -> (z, a)``
        net : a :class:`bpcore.network.Network`, ``net.w[l]`` of shape
        (n_l, n_{l-1}), ``net.b[l]`` of shape (n_l, 1), ``net.sigma(l)`` the
        activation of layer l; x : shape (n_0, m). Returns two lists of
        length L + 1 indexed like the layers: z[0] = None and a[0] = x, then
        z[l] and a[l] of shape (n_l, m).

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.network.forward`, layer by layer, on a
        (2, 5, 3, 1) network with tanh hidden layers and a sigmoid output
        (m = 6) and a (3, 4, 2) network with a sigmoid hidden layer and a tanh
        output (m = 4). A wrong result is traced to the first layer that
        differs.

    Taught in ``notebooks/01_forward_propagation.ipynb``.
    """
    cases = []
    for sizes, hidden, output, m, seed in (((2, 5, 3, 1), "tanh", "sigmoid", 6, 13),
                                           ((3, 4, 2), "sigmoid", "tanh", 4, 14)):
        rng = np.random.default_rng(seed)
        net = init_network(sizes, rng, init="normal", hidden=hidden, output=output)
        x = rng.standard_normal((sizes[0], m))
        cases.append(Case(label=f"sizes {sizes}, {hidden} hidden, {output} output, m = {m}", args=(net, x),
                          expected=forward(net, x)))
    got = {}
    for case in cases:
        result, problem = call(fn, FORWARD_PASS, case.args, where=f"in the test case {case.label}")
        if problem is not None:
            return problem
        if result is None:
            return returned_none(FORWARD_PASS)
        got[case.label] = _as_lists(result)
        if got[case.label] is None:
            return failed(FORWARD_PASS, "wrong_type", "Your function should return the pair (z, a): two lists "
                          f"holding None or a numpy array per layer; got a {type(result).__name__}.")
    if all(_same_pass(got[c.label], c.expected) for c in cases):
        return passed(FORWARD_PASS, f"Your z and a match bpcore.network.forward at every layer in "
                      f"{len(cases)} test cases ({'; '.join(c.label for c in cases)}).")
    slip = recognise(FORWARD_PASS_SLIPS, cases, lambda c, v: _same_pass(got[c.label], v))
    if slip is not None:
        return failed(FORWARD_PASS, slip.id, slip.explain)
    wrong = next(c for c in cases if not _same_pass(got[c.label], c.expected))
    slip_id, line = _first_difference(wrong, got[wrong.label])
    return failed(FORWARD_PASS, slip_id, line)


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
