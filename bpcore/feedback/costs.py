"""Checkers for notebook 08 (costs and saturation): the softmax output error, and saturated hidden units.

- :func:`check_softmax_delta`: BP1 for a softmax output with the softmax
  cross-entropy, δ^L = a^L − y (no elementwise σ').
- :func:`check_softmax_delta_long`: the same δ^L the long way, the chain rule
  through the softmax Jacobian, δ^L = J^T C'(a^L) per example. It is also tried
  on targets whose columns do not sum to 1, where the chain rule gives
  a^L Σ_i y_i − y and the shortcut a^L − y does not hold.
- :func:`check_hidden_delta_sizes`: ‖δ^1‖ under the quadratic and the
  cross-entropy cost, before and after the hidden layer is saturated.
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation, sigmoid_prime, softmax
from ..backprop import backward, output_error
from ..costs import get_cost
from ..gradcheck import numerical_deltas, numerical_gradient
from ..network import init_network
from .engine import Case, Feedback, Spec, call, check, failed, passed, recognise, returned_none
from .slips import Slip

__all__ = ["check_softmax_delta", "check_softmax_delta_long", "check_hidden_delta_sizes"]

NOTEBOOK = "08_costs_and_saturation.ipynb"
SOFTMAX = get_activation("softmax")
SOFTMAX_COST = "softmax_cross_entropy"
_SHAPE_HINT = ("z_L, a_L, y and δ^L all have shape (K, m): one row per class, one column per example. "
               "BP1 here needs no matrix product.")


def _softmax_cases(seed: int) -> list:
    """δ^L of a softmax output for (K, m) = (3, 4) and (4, 3), one-hot y, with finite differences in z^L."""
    cases = []
    for n, (sizes, m) in enumerate((((2, 3), 4), ((3, 5, 4), 3))):
        rng = np.random.default_rng(seed + n)
        net = init_network(sizes, rng, init="normal", hidden="tanh", output="softmax")
        x = rng.standard_normal((sizes[0], m))
        K = sizes[-1]
        y = np.eye(K)[:, rng.integers(0, K, size=m)]
        g = backward(net, x, y, SOFTMAX_COST)
        L = net.L
        cases.append(Case(label=f"K = {K}, m = {m}", args=(g.z[L], g.a[L], y),
                          expected=(output_error(SOFTMAX_COST, g.z[L], g.a[L], y, SOFTMAX),),
                          numeric=numerical_deltas(net, g.z, y, get_cost(SOFTMAX_COST))[L], extra={"m": m}))
    return cases


# --------------------------------------------------------------------------- δ^L = a^L − y

SOFTMAX_DELTA = Spec(
    checker="check_softmax_delta", equation="BP1 (softmax)", formula="δ^L = J^T C'(a^L), simplified for a one-hot y",
    notebook=NOTEBOOK, reference="bpcore.backprop.output_error (cost='softmax_cross_entropy')",
    arg_names=("z_L", "a_L", "y"), out_names=("delta_L",), out_shapes=("(K, m), like z_L",),
    shape_hint=_SHAPE_HINT, fd_what="finite differences of the softmax cross-entropy C = Σ_x C_x "
                                    "with respect to z^L")


def _a_minus_y(c):
    return c.args[1] - c.args[2]


def _dC_da(c):
    return -c.args[2] / c.args[1]


_ELEMENTWISE = ("Softmax is not elementwise: every a_i depends on every z_j, so there is no vector "
                "σ'(z^L) to multiply by. The chain rule through the whole Jacobian J = diag(a) − a a^T "
                "gives δ^L = a^L − y for a one-hot y, with nothing left to multiply.")

SOFTMAX_DELTA_SLIPS = [
    Slip(id="softmax_elementwise", variant=lambda c: _a_minus_y(c) * c.args[1] * (1 - c.args[1]),
         explain="Your result equals (a^L − y) ⊙ a^L(1 − a^L): you multiplied by a(1 − a), the diagonal "
                 "of the softmax Jacobian, as if softmax were an elementwise sigmoid. " + _ELEMENTWISE),
    Slip(id="softmax_elementwise", variant=lambda c: _dC_da(c) * c.args[1] * (1 - c.args[1]),
         explain="Your result equals C'(a^L) ⊙ a^L(1 − a^L) with C'(a) = −y/a: the chain rule with only "
                 "the diagonal of the softmax Jacobian. The off-diagonal entries −a_i a_j matter too. "
                 + _ELEMENTWISE),
    Slip(id="sigmoid_prime_for_softmax", variant=lambda c: _a_minus_y(c) * sigmoid_prime(c.args[0]),
         explain="Your result equals (a^L − y) ⊙ σ'(z^L) with the sigmoid's σ': the output layer here is "
                 "a softmax, not a sigmoid. " + _ELEMENTWISE),
    Slip(id="sigmoid_prime_for_softmax", variant=lambda c: _dC_da(c) * sigmoid_prime(c.args[0]),
         explain="Your result equals C'(a^L) ⊙ σ'(z^L) with the sigmoid's σ' and C'(a) = −y/a: the output "
                 "layer here is a softmax, not a sigmoid. " + _ELEMENTWISE),
    Slip(id="sigma_prime_of_a", variant=lambda c: _a_minus_y(c) * sigmoid_prime(c.args[1]),
         explain="Your result equals (a^L − y) ⊙ σ'(a^L): a sigmoid's σ' taken of the activation a^L "
                 "(a derivative takes the weighted input z, never a), and a factor the softmax output "
                 "does not have. " + _ELEMENTWISE),
    Slip(id="derivative_wrt_a", variant=_dC_da,
         explain="Your result is C'(a^L) = ∂C/∂a^L = −y/a, not δ^L = ∂C/∂z^L. BP1 needs the chain rule "
                 "from a^L back to z^L, through the softmax Jacobian."),
    Slip(id="wrong_sign", variant=lambda c: c.args[2] - c.args[1],
         explain="Your result is y − a^L: the sign is flipped. δ^L = ∂C/∂z^L = a^L − y is positive where "
                 "an output is too large, so that gradient descent pushes it down."),
    Slip(id="divided_by_m", variant=lambda c: _a_minus_y(c) / c.extra["m"],
         explain="Your result is (a^L − y)/m. δ^L is per example, one column each, of the summed cost "
                 "C = Σ_x C_x; the 1/m of the mean belongs to the update rule, w → w − (η/m) Σ_x ∂C_x/∂w."),
]


def check_softmax_delta(fn) -> Feedback:
    """Check BP1 for a softmax output with the softmax cross-entropy: δ^L = a^L − y.

    With C = −Σ_i y_i ln a_i and a = softmax(z), the chain rule through the
    Jacobian J = diag(a) − a a^T gives δ^L = J^T C'(a) = a Σ_i y_i − y = a − y for a
    one-hot y. No elementwise σ'(z^L) appears.

    Parameters
    ----------
    fn : callable ``fn(z_L, a_L, y) -> delta_L``
        All arrays have shape (K, m), K classes and m examples; y is one-hot.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.output_error` with
        ``cost="softmax_cross_entropy"`` on (K, m) = (3, 4) and (4, 3), and with
        finite differences of C = Σ_x C_x with respect to z^L.

    Taught in ``notebooks/08_costs_and_saturation.ipynb``.
    """
    return check(fn, SOFTMAX_DELTA, _softmax_cases(81), SOFTMAX_DELTA_SLIPS)


# --------------------------------------------------------------------------- the long way, J^T C'(a)

SOFTMAX_DELTA_LONG = Spec(
    checker="check_softmax_delta_long", equation="BP1 (softmax, the long way)",
    formula="δ^L_j = Σ_i (∂C/∂a_i)(∂a_i/∂z_j), i.e. δ^L = J^T C'(a^L) with J = diag(a) − a a^T, C'(a) = −y/a",
    notebook=NOTEBOOK, reference="the chain rule a^L Σ_i y_i − y",
    arg_names=("z_L", "a_L", "y"), out_names=("delta_L",), out_shapes=("(K, m), like z_L",),
    shape_hint="Each example (column) has its own (K, K) Jacobian; J^T times the column C'(a) gives that "
               "example's column of δ^L, and the result has shape (K, m).",
    fd_what="finite differences of C = −Σ_x Σ_i y_i ln a_i with respect to z^L")


def _weighted_cost(z, y) -> float:
    """C = −Σ_x Σ_i y_i ln softmax(z)_i for any y ≥ 0 (bpcore's cost expects columns summing to 1)."""
    return float(-np.sum(y * np.log(softmax(z))))


def _long_cases(seed: int) -> list:
    """The one-hot cases, and one whose targets are one-hot columns weighted by 0.5, 2 and 3."""
    cases = _softmax_cases(seed)
    rng = np.random.default_rng(seed + 10)
    net = init_network((3, 4), rng, init="normal", hidden="tanh", output="softmax")
    x = rng.standard_normal((3, 3))
    y = np.eye(4)[:, rng.integers(0, 4, size=3)] * np.array([[0.5, 2.0, 3.0]])
    g = backward(net, x, np.eye(4)[:, np.argmax(y, axis=0)], SOFTMAX_COST)
    z, a = g.z[1], g.a[1]
    z_var = z.copy()
    numeric = numerical_gradient(lambda: _weighted_cost(z_var, y), z_var)
    cases.append(Case(label="K = 4, m = 3, target columns summing to 0.5, 2 and 3", args=(z, a, y),
                      expected=(a * y.sum(axis=0, keepdims=True) - y,), numeric=numeric, extra={"m": 3}))
    return cases


def _jacobian_route(c, jacobian, dC_da=None):
    """Σ_i (∂C/∂a_i) J_ij per column, with the given (possibly slipped) Jacobian of a column."""
    z, a, y = c.args
    g = -y / a if dC_da is None else dC_da(a, y)
    cols = [jacobian(z[:, [i]], a[:, [i]]).T @ g[:, [i]] for i in range(a.shape[1])]
    return np.hstack(cols)


SOFTMAX_DELTA_LONG_SLIPS = [
    Slip(id="used_sum_to_one", variant=_a_minus_y,
         explain="Your result equals a^L − y in every test case, also where the target columns sum to 0.5, "
                 "2 or 3, and there it is wrong. a^L − y is the shortcut: it uses Σ_i y_i = 1 in the last "
                 "step. This exercise asks for the chain rule itself, which for any y gives a^L Σ_i y_i − y."),
    Slip(id="softmax_elementwise", variant=lambda c: _dC_da(c) * c.args[1] * (1 - c.args[1]),
         explain="Your result equals C'(a^L) ⊙ a^L(1 − a^L): only the diagonal of the Jacobian, "
                 "∂a_j/∂z_j = a_j(1 − a_j), as if softmax were elementwise. Every a_i depends on every z_j: "
                 "the off-diagonal entries −a_i a_j belong in the sum over i too."),
    Slip(id="jacobian_diag_only", variant=lambda c: _jacobian_route(c, lambda z, a: np.diagflat(a)),
         explain="Your result equals diag(a)^T C'(a) = −y: the Jacobian without its −a a^T term. "
                 "∂a_i/∂z_j = a_i(1[i = j] − a_j) has a part for every pair (i, j), not only i = j."),
    Slip(id="jacobian_outer_only", variant=lambda c: _jacobian_route(c, lambda z, a: -a @ a.T),
         explain="Your result equals (−a a^T)^T C'(a): the Jacobian without its diagonal term diag(a). "
                 "∂a_i/∂z_j = a_i(1[i = j] − a_j): the indicator 1[i = j] gives the diagonal."),
    Slip(id="jacobian_sign", variant=lambda c: _jacobian_route(c, lambda z, a: np.diagflat(a) + a @ a.T),
         explain="Your result uses diag(a) + a a^T. The Jacobian is diag(a) − a a^T: differentiating "
                 "the denominator Σ_i e^{z_i} of softmax brings a minus sign."),
    Slip(id="jacobian_of_z", variant=lambda c: _jacobian_route(c, lambda z, a: np.diagflat(z) - z @ z.T),
         explain="Your Jacobian is built from z^L: J = diag(a) − a a^T takes the softmax outputs a^L."),
    Slip(id="wrong_sign", variant=lambda c: -c.expected[0],
         explain="Your result is −δ^L: the sign is flipped. C = −Σ_i y_i ln a_i, so C'(a) = −y/a (with "
                 "the minus sign)."),
    Slip(id="divided_by_m", variant=lambda c: c.expected[0] / c.extra["m"],
         explain="Your result is δ^L/m. δ^L is per example, one column each, of the summed cost "
                 "C = Σ_x C_x; the 1/m of the mean belongs to the update rule."),
    Slip(id="one_example", variant=lambda c: c.expected[0][:, :1],
         explain="Your result has only the first example's column. Every example (column) has its own "
                 "Jacobian and its own column of δ^L: the result has shape (K, m)."),
    Slip(id="overwrote_in_loop", variant=lambda c: c.expected[0][:, -1:],
         explain="Your result has only the last example's column: a loop over the examples that replaces "
                 "its result each time instead of collecting every column. The result has shape (K, m)."),
]


def check_softmax_delta_long(fn) -> Feedback:
    """Check δ^L of a softmax output the long way: δ^L = J^T C'(a^L) for each example (column).

    With a = softmax(z), J_ij = ∂a_i/∂z_j = a_i(1[i = j] − a_j), i.e. J = diag(a) − a a^T,
    and C = −Σ_i y_i ln a_i, C'(a) = −y/a. Then δ_j = Σ_i (−y_i/a_i) a_i(1[i = j] − a_j)
    = a_j Σ_i y_i − y_j: the shortcut a − y holds only when Σ_i y_i = 1.

    Parameters
    ----------
    fn : callable ``fn(z_L, a_L, y) -> delta_L``
        All arrays have shape (K, m); y ≥ 0.

    Returns
    -------
    Feedback
        Compared on (K, m) = (3, 4) and (4, 3) with one-hot y (where the answer
        is :func:`bpcore.backprop.output_error`, ``cost="softmax_cross_entropy"``)
        and on (4, 3) with one-hot columns weighted by 0.5, 2 and 3, where only
        the chain rule gives the answer; all three against finite differences
        of C = −Σ_x Σ_i y_i ln a_i with respect to z^L.

    Taught in ``notebooks/08_costs_and_saturation.ipynb``.
    """
    return check(fn, SOFTMAX_DELTA_LONG, _long_cases(82), SOFTMAX_DELTA_LONG_SLIPS)


# --------------------------------------------------------------------------- saturated hidden units

COSTS_COMPARED = ("quadratic", "cross_entropy")
SATURATING_SHIFT = 6.0

HIDDEN_DELTA = Spec(
    checker="check_hidden_delta_sizes", equation="BP2 (saturated hidden layer)",
    formula="δ^1 = ((w^2)^T δ^2) ⊙ σ'(z^1), measured as ‖δ^1‖ = √(Σ_j Σ_x (δ^1_j)²)",
    notebook=NOTEBOOK, reference="bpcore.backprop.backward",
    arg_names=("net", "x", "y"), out_names=("sizes",), out_shapes=("{'quadratic': ‖δ^1‖, 'cross_entropy': ‖δ^1‖}",))


def _hidden_cases(seed: int) -> list:
    """A [3, 4, 2] sigmoid network on 5 examples, and the same with b^1 raised by 6 (saturated)."""
    rng = np.random.default_rng(seed)
    net = init_network((3, 4, 2), rng, init="xavier", hidden="sigmoid", output="sigmoid")
    x = rng.standard_normal((3, 5))
    y = rng.integers(0, 2, size=(2, 5)).astype(np.float64)
    saturated = net.with_params(net.w, [None, net.b[1] + SATURATING_SHIFT, net.b[2]])
    cases = []
    for label, n in (("the [3, 4, 2] network", net), ("the same with b^1 raised by 6", saturated)):
        deltas = {cost: backward(n, x, y, cost).delta for cost in COSTS_COMPARED}
        cases.append(Case(label=label, args=(n, x, y),
                          expected=({cost: float(np.linalg.norm(d[1])) for cost, d in deltas.items()},),
                          extra={"delta": deltas}))
    return cases


def _norms(c, of):
    return {cost: float(of(d)) for cost, d in c.extra["delta"].items()}


HIDDEN_DELTA_SLIPS = [
    Slip(id="output_layer_delta", variant=lambda c: _norms(c, lambda d: np.linalg.norm(d[-1])),
         explain="Your numbers are ‖δ^L‖, the output layer's error. The question is about the hidden "
                 "layer: δ^1, which BP2 computes from δ^2."),
    Slip(id="squared_norm", variant=lambda c: _norms(c, lambda d: np.sum(d[1] ** 2)),
         explain="Your numbers are ‖δ^1‖², the sum of squares without its square root."),
    Slip(id="norm_per_example", variant=lambda c: _norms(c, lambda d: np.linalg.norm(d[1], axis=0).mean()),
         explain="Your numbers are the mean over the examples of each column's norm. The exercise asks for "
                 "one norm of the whole (n_1, m) array δ^1: the square root of the sum of squares over "
                 "neurons and examples."),
    Slip(id="swapped_costs", variant=lambda c: dict(zip(COSTS_COMPARED, reversed(list(c.expected[0].values())))),
         explain="Your two numbers are swapped: the one under 'quadratic' belongs to the cross-entropy "
                 "cost, and the other way round."),
    Slip(id="one_cost_twice", variant=lambda c: dict.fromkeys(COSTS_COMPARED, c.expected[0]["quadratic"]),
         explain="Both of your numbers are ‖δ^1‖ under the quadratic cost: pass each cost's name to the "
                 "backward pass."),
    Slip(id="one_cost_twice", variant=lambda c: dict.fromkeys(COSTS_COMPARED, c.expected[0]["cross_entropy"]),
         explain="Both of your numbers are ‖δ^1‖ under the cross-entropy cost: pass each cost's name to the "
                 "backward pass."),
]


def _as_sizes(result):
    """The learner's dict as {cost: float}, or the reason it is not one."""
    if not isinstance(result, dict) or set(result) != set(COSTS_COMPARED):
        keys = sorted(map(str, result)) if isinstance(result, dict) else None
        got = f"a dict with keys {keys}" if keys is not None else f"a {type(result).__name__}"
        return None, f"Your function should return a dict with the keys 'quadratic' and 'cross_entropy'; got {got}."
    try:
        sizes = {cost: float(np.asarray(result[cost], dtype=np.float64)) for cost in COSTS_COMPARED}
    except (TypeError, ValueError):
        return None, "Each value of your dict should be one number, ‖δ^1‖ under that cost."
    return sizes, None


def _same(got: dict, want: dict) -> bool:
    return all(np.isfinite(got[k]) and np.isclose(got[k], want[k], rtol=1e-6, atol=1e-12) for k in want)


def check_hidden_delta_sizes(fn) -> Feedback:
    """Check ‖δ^1‖ under both costs, and report what saturating the hidden layer does to it.

    Parameters
    ----------
    fn : callable ``fn(net, x, y) -> {"quadratic": float, "cross_entropy": float}``
        net : a sigmoid Network with one hidden layer; x of shape (n_0, m), y of
        shape (n_L, m). Each value is ‖δ^1‖, the norm of the whole (n_1, m)
        array δ^1 from the backward pass under that cost.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.backward` on a [3, 4, 2] network
        (m = 5) and on the same network with every b^1_j raised by 6; the pass
        message says by how much ‖δ^1‖ shrinks under each cost.

    Taught in ``notebooks/08_costs_and_saturation.ipynb``.
    """
    cases = _hidden_cases(83)
    runs = []
    for case in cases:
        result, problem = call(fn, HIDDEN_DELTA, case.args, where=f"on {case.label}")
        if problem is not None:
            return problem
        if result is None:
            return returned_none(HIDDEN_DELTA)
        sizes, why = _as_sizes(result)
        if why:
            return failed(HIDDEN_DELTA, "wrong_type", why)
        runs.append(sizes)
    if all(_same(got, c.expected[0]) for got, c in zip(runs, cases)):
        before, after = cases[0].expected[0], cases[1].expected[0]
        shrink = {cost: before[cost] / after[cost] for cost in COSTS_COMPARED}
        return passed(HIDDEN_DELTA,
                      "Your values of ‖δ^1‖ match bpcore.backprop.backward under both costs, on a [3, 4, 2] sigmoid "
                      "network (m = 5) and on the same network with every b^1_j raised by 6.",
                      f"Raising b^1 by 6 shrinks ‖δ^1‖ {shrink['quadratic']:.0f}-fold under the quadratic "
                      f"cost and {shrink['cross_entropy']:.0f}-fold under cross-entropy.")
    run_of = {id(c): got for c, got in zip(cases, runs)}
    slip = recognise(HIDDEN_DELTA_SLIPS, cases, lambda c, v: _same(run_of[id(c)], v))
    if slip is not None:
        return failed(HIDDEN_DELTA, slip.id, slip.explain)
    got, case = next((g, c) for g, c in zip(runs, cases) if not _same(g, c.expected[0]))
    cost = next(k for k in COSTS_COMPARED if not _same({k: got[k]}, {k: case.expected[0][k]}))
    return failed(HIDDEN_DELTA, "wrong_values",
                  f"On {case.label}, your ‖δ^1‖ under the {cost} cost is {got[cost]:.4g}; expected "
                  f"{case.expected[0][cost]:.4g}.")
