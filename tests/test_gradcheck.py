"""The gradient checker never calls correct code wrong, and knows what it can resolve.

Measured, seeded, with no redraws (every problem is a function of its seed,
see ``gradcheck_problems.py``): the README example, deep narrow LeCun sigmoid
nets (up to 14 hidden layers), saturated outputs, trained networks, and nets
trained until the cost is rounding. The seeded sweep over random architectures
× every activation/cost pair, at exact minima and at large fixed h, is in
``test_gradcheck_sweep.py``.

The number of correct networks checked and the number of "wrong" verdicts on
them (asserted: 0) are written to the terminal at the end of the session
(``correct networks checked ...``, the ``tally`` fixture of ``tests/conftest.py``),
with the count of each verdict.

Also here: the finite-difference error estimate against the actual error, the
choice of h, the "cannot tell" verdict, ReLU kinks, float32, the helpers, the
report, and the validation of h and tol. Planted bugs are in
``test_planted_bugs.py``.
"""

import re

import numpy as np
import pytest

import bpcore as bp
from bpcore import backward, check_backward, check_equations, check_update_step, forward, init_network
from bpcore import datasets, gradcheck
from bpcore.costs import get_cost
from bpcore.gradcheck import (
    DEFAULT_TOL,
    SAFETY,
    STEPS,
    cost_from_z,
    numerical_deltas,
    numerical_gradient,
    numerical_parameter_gradients,
    relative_error,
    total_cost,
)
from bpcore.verdicts import AGREES, CANNOT_TELL, WRONG, EquationCheck, GradCheckReport
from tests import measured
from tests.gradcheck_problems import (
    PAIRS,
    TRAINING_RECIPES,
    at_minimum,
    count_verdicts,
    deep_narrow,
    no_wrong,
    random_problem,
    saturated,
    trained,
    trained_to_zero,
)

# --- correct code is never called wrong -----------------------------------------------------

def readme_example():
    x, y = datasets.moons(np.random.default_rng(0), n=200, noise=0.1)
    net = bp.init_network([2, 16, 16, 1], np.random.default_rng(1), init="xavier", hidden="tanh")
    net, history = bp.train(net, x, y, cost="cross_entropy", eta=0.5, m=10, epochs=100, rng=2)
    return net, x, y, history


def test_readme_example_agrees_everywhere(tally):
    net, x, y, history = readme_example()
    assert not history.diverged
    report = bp.check_equations(net, x[:, :3], y[:, :3], "cross_entropy")
    assert report.passed, report.summary()
    assert report.summary().splitlines()[-1].startswith(
        "every equation agrees with finite differences (BP1, BP2, BP3, BP4)")
    others = [check_backward(net, x[:, :3], y[:, :3], "cross_entropy"),
              check_update_step(net, x[:, :3], y[:, :3], "cross_entropy")]
    assert all(r.passed for r in others)
    # the step the old checker used everywhere, h = 1e-6: not wrong either (it cried wolf on BP1, BP2, BP4)
    fixed = bp.check_equations(net, x[:, :3], y[:, :3], "cross_entropy", h=1e-6)
    no_wrong([fixed], "h=1e-6")
    count_verdicts(tally, "README example", [report, fixed] + others)


@pytest.mark.parametrize("hidden_layers", [2, 6, 10, 14])
@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy", "softmax_cross_entropy"])
def test_deep_narrow_sigmoid_nets(hidden_layers, cost, tally):
    """Gradients shrink by σ' ≤ 1/4 per layer; the early layers' are tiny next to C."""
    net, x, y = deep_narrow(hidden_layers, cost, m=2)
    report = check_equations(net, x, y, cost)
    no_wrong([report], f"{hidden_layers} hidden layers, {cost}")
    # and the checker still resolves them: a larger h where round-off would swamp the tiny gradients
    assert report.passed, report.summary()
    bp2_first = next(c for c in report.checks if c.equation == "BP2" and c.layer == 1)
    assert bp2_first.size > bp2_first.resolution
    count_verdicts(tally, "deep narrow sigmoid (2-14 hidden)", [report])


@pytest.mark.parametrize("z_scale", [10, 30, 100, 300])
@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy", "softmax_cross_entropy"])
def test_saturated_outputs(z_scale, cost, tally):
    net, x, y = saturated(z_scale, cost)
    z_L = forward(net, x)[0][-1]
    assert np.max(np.abs(z_L)) > z_scale / 3
    reports = [check_equations(net, x, y, cost), check_backward(net, x, y, cost)]
    no_wrong(reports, f"|z^L| ~ {z_scale}, {cost}")
    bp1 = reports[0].checks[0]
    if cost != "quadratic":
        # the cost is exact from z^L, so δ^L = a − y is checked even where σ(z) rounds to 0 or 1
        assert bp1.verdict == AGREES, bp1.describe()
    count_verdicts(tally, "saturated outputs (|z^L| 10-300)", reports)


def test_a_fully_saturated_quadratic_output_cannot_be_checked():
    """σ'(z^L) ≈ e^(−100): the quadratic cost's δ^L is 0 to working precision, and C does not move."""
    net = init_network((1, 1), 0, init="lecun")
    net = net.with_params([None, np.array([[100.0]])], [None, np.array([[0.0]])])
    x, y = np.array([[1.0, 2.0]]), np.array([[0.5, 0.2]])
    report = check_equations(net, x, y, "quadratic")
    bp1 = report.checks[0]
    assert bp1.verdict == CANNOT_TELL and "C does not change at all" in bp1.reason
    assert report.failures == [] and not report.passed
    assert report.summary().splitlines()[-1].startswith("no equation is wrong, but finite differences cannot tell")
    # with cross-entropy the same outputs have a gradient, and BP1 agrees
    assert check_equations(net, x, np.array([[0.0, 1.0]]), "cross_entropy").checks[0].verdict == AGREES


@pytest.mark.parametrize("name", TRAINING_RECIPES)
def test_trained_networks(name, tally):
    net, x, y, cost = trained(name)
    reports = []
    for m in (1, 3, 8):
        reports += [check_equations(net, x[:, :m], y[:, :m], cost), check_backward(net, x[:, :m], y[:, :m], cost),
                    check_update_step(net, x[:, :m], y[:, :m], cost)]
    no_wrong(reports, name)
    assert sum(r.passed for r in reports) >= len(reports) - 1
    count_verdicts(tally, "trained networks (m = 1, 3, 8)", reports, networks=3)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
def test_networks_trained_until_the_cost_is_rounding(hidden, tally):
    reports = []
    for seed in range(3):
        net, x, y = trained_to_zero(seed, hidden)
        assert bp.mean_cost(net, x, y) < 1e-20   # the fit is exact to rounding
        for fn in (check_equations, check_backward, check_update_step):
            report = fn(net, x, y)
            assert not report.failures, f"{fn.__name__}, seed {seed}\n{report.summary()}"
            reports.append(report)
    count_verdicts(tally, "trained until C is rounding", reports, networks=3)


def test_a_large_h_says_it_is_too_large():
    net, x, y, _ = readme_example()
    report = check_equations(net, x[:, :3], y[:, :3], "cross_entropy", h=10.0)
    assert report.failures == []
    assert all("h is too large" in c.reason for c in report.undecided), report.summary()
    bp1 = report.checks[0]
    assert bp1.verdict == CANNOT_TELL and "try a smaller h" in bp1.reason


def test_at_a_minimum_the_checker_says_no_step_can_resolve_it():
    net, x, y = at_minimum(3, "tanh", "quadratic", "identity")
    report = check_equations(net, x, y)
    undecided = [c for c in report.checks if c.verdict == CANNOT_TELL]
    assert report.failures == [] and undecided
    assert any("which no step h changes" in c.reason for c in undecided), report.summary()


# --- the resolution -----------------------------------------------------------------------------

def test_estimated_error_bounds_the_actual_finite_difference_error(request):
    """Central differences against bpcore's backward pass: the error never exceeds its estimate.

    (The truncation part is measured, so where it dominates the ratio is close to 1.) The verdict
    allows SAFETY (= 4) times the estimate; the test asserts half of that.
    """
    worst, where = 0.0, ""
    for seed in range(30):
        for hidden, cost, output in PAIRS:
            net, x, y = random_problem(seed, hidden, cost, output)
            P = gradcheck._Problem(net, x, y, cost, None, DEFAULT_TOL)
            for l in range(1, net.L + 1):
                est_w, est_b = P.params(l)
                for est, exact in ((P.delta(l), P.grads.delta[l]), (est_w, P.grads.grad_w[l]),
                                   (est_b, P.grads.grad_b[l])):
                    ratio = np.max(np.abs(est.value - exact) / np.maximum(est.error, 1e-300))
                    if ratio > worst:
                        worst, where = ratio, f"{hidden}/{cost}/{output} seed {seed} layer {l} h {est.h:g}"
    measured.report(request, f"finite-difference error / its estimate, worst over 30 x 35 networks: "
                             f"{worst:.2f} ({where}); the verdict allows {SAFETY:g}x")
    assert worst <= SAFETY / 2


def test_a_gradient_below_the_resolution_is_never_called_wrong():
    """3e-14 against a numerical 0: relative error 3e-2 with the 1e-12 floor, yet not a bug."""
    net = init_network((2, 1, 1), 0, hidden="relu")
    net = net.with_params(net.w, [None, np.full((1, 1), -50.0), net.b[2]])  # the hidden unit is dead
    x = np.random.default_rng(1).uniform(-1, 1, (2, 3))
    y = np.random.default_rng(2).uniform(0, 1, (1, 3))
    report = check_equations(net, x, y, bp3=lambda d: d.sum(axis=1, keepdims=True) + 3e-14)
    bp3 = next(c for c in report.checks if c.equation == "BP3" and c.layer == 1)
    assert np.all(bp3.numeric == 0.0) and bp3.analytic[0, 0] == 3e-14
    assert relative_error(bp3.analytic, bp3.numeric) == pytest.approx(3e-2, rel=1e-6)
    assert bp3.resolution > 3e-14
    assert bp3.verdict == CANNOT_TELL and "not larger than what finite differences resolve" in bp3.reason
    assert report.failing_equations == []
    last = report.summary().splitlines()[-1]
    assert last.startswith("no equation is wrong, but finite differences cannot tell for") and "BP3 layer 1" in last


def test_round_off_limited_checks_say_so_and_suggest_a_larger_h():
    """At h = 1e-9 round-off (ε·|C|/h) swamps a deep net's first-layer gradients: cannot tell, not wrong."""
    net, x, y = deep_narrow(10, "quadratic", m=2)
    report = check_equations(net, x, y, h=1e-9)
    assert report.failing_equations == []
    unsure = report.undecided
    assert unsure and all(c.h == 1e-9 for c in report.checks)
    assert any("try a larger h" in c.reason and "fewer examples" in c.reason for c in unsure)
    assert check_equations(net, x, y).passed  # with h chosen per check, every one agrees


def test_h_is_chosen_per_check():
    net, x, y = deep_narrow(10, "quadratic", m=2)
    report = check_equations(net, x, y)
    assert report.h is None and "h chosen per check" in report.summary()
    steps = {(c.equation, c.layer): c.h for c in report.checks}
    assert set(steps.values()) <= set(STEPS)
    # the tiny first-layer gradients are measured with a larger step than the output's
    assert steps[("BP4", 1)] > steps[("BP1", 11)]
    for c in report.checks:
        assert f"(h {c.h:.0e})" in c.describe()


def test_a_strongly_curved_cost_gets_a_smaller_h():
    """Truncation (h²/6)·f''' dominates when C curves fast in w: here z^1 = w·x with x = 300."""
    net = init_network((1, 1), 0, init="lecun")
    net = net.with_params([None, np.array([[0.005]])], [None, np.array([[0.0]])])
    x, y = np.array([[300.0]]), np.array([[0.2]])
    report = check_equations(net, x, y)
    bp4 = next(c for c in report.checks if c.equation == "BP4")
    assert bp4.h < 1e-5 and bp4.verdict == AGREES
    # while δ^1 = ∂C/∂z^1 (z moves 300 times less per unit step than w) keeps the default
    assert report.checks[0].h == 1e-5


def test_a_fixed_h_is_used_everywhere():
    net, x, y = random_problem(3, "tanh", "cross_entropy", "sigmoid")
    for fn in (check_equations, check_backward, check_update_step):
        report = fn(net, x, y, "cross_entropy", h=1e-4)
        assert report.h == 1e-4 and {c.h for c in report.checks} == {1e-4}
        assert "h 0.0001)" in report.summary()


@pytest.mark.parametrize("fn", [check_equations, check_backward, check_update_step])
@pytest.mark.parametrize("name, value, exc, words", [
    ("h", 0, ValueError, "h must be a finite number > 0; got h=0"),
    ("h", -1e-5, ValueError, "h must be a finite number > 0; got h=-1e-05"),
    ("h", float("nan"), ValueError, "h must be a finite number > 0; got h=nan"),
    ("h", "1e-5", TypeError, "h must be a number > 0; got '1e-5' (str)"),
    ("h", True, TypeError, "h must be a number > 0; got True (bool)"),
    ("tol", 0.0, ValueError, "tol must be a finite number strictly between 0 and 0.01; got tol=0.0"),
    ("tol", -1e-7, ValueError, "tol must be a finite number strictly between 0 and 0.01; got tol=-1e-07"),
    ("tol", None, TypeError, "tol must be a number strictly between 0 and 0.01; got None (NoneType)"),
    ("tol", 1.0, ValueError, "tol must be a finite number strictly between 0 and 0.01; got tol=1.0"),  # a sign flip would pass
])
def test_h_and_tol_are_validated(fn, name, value, exc, words):
    net, x, y = random_problem(0, "sigmoid", "quadratic", "sigmoid")
    with pytest.raises(exc, match=re.escape(words)):
        fn(net, x, y, **{name: value})


# --- ReLU kinks ---------------------------------------------------------------

@pytest.mark.parametrize("hidden", ["relu", "leaky_relu"])
def test_relu_kink_is_flagged_and_never_called_wrong(hidden):
    rng = np.random.default_rng(7)
    net = init_network((3, 4, 2), rng, init="lecun", hidden=hidden, output="sigmoid")
    assert all(np.all(b == 0) for b in net.b[1:])  # scaled init: biases start at 0
    x = rng.uniform(-1, 1, (3, 3))
    x[:, 1] = 0.0  # so z^1 = w^1·0 + b^1 = 0 exactly in column 1: right on the kink
    y = rng.uniform(0, 1, (2, 3))
    z, _ = forward(net, x)
    assert np.all(z[1][:, 1] == 0.0)

    report = check_equations(net, x, y)
    flagged = {(c.equation, c.layer): c.near_kink for c in report.checks}
    # z^1 has 4 neurons at the kink; checks of layer 1 look at z^1 and above
    assert flagged[("BP2", 1)] == 4
    assert flagged[("BP3", 1)] == 4
    assert flagged[("BP4", 1)] == 4
    assert flagged[("BP1", 2)] == 0  # the sigmoid output has no kink
    assert report.failures == []
    # (The central difference across the kink sees slope (σ(h) − σ(−h))/2h, half
    # way between the two one-sided slopes, while σ'(0) takes one of them.)
    for c in report.checks:
        if c.verdict != AGREES:
            assert c.verdict == CANNOT_TELL and c.near_kink > 0 and "kink" in c.describe()
    if hidden == "relu":
        # ReLU'(0) = 0 but the central difference gives 1/2 there: BP2 cannot agree
        bp2 = next(c for c in report.checks if c.equation == "BP2")
        assert bp2.verdict == CANNOT_TELL and "check at another point" in bp2.reason

    # The same network away from the kink agrees, with nothing flagged.
    x_away = rng.uniform(0.5, 1.0, (3, 3)) * np.sign(rng.standard_normal((3, 3)))
    z_away, _ = forward(net, x_away)
    assert np.min(np.abs(z_away[1])) > 1e-3
    away = check_equations(net, x_away, y)
    assert away.passed, away.summary()
    assert all(c.near_kink == 0 for c in away.checks)
    assert check_backward(net, x_away, y).passed


def test_sigmoid_has_no_kinks_even_at_zero():
    rng = np.random.default_rng(8)
    net = init_network((2, 3, 1), rng, init="lecun", hidden="sigmoid", output="sigmoid")
    x = np.zeros((2, 2))
    report = check_equations(net, x, rng.uniform(0, 1, (1, 2)))
    assert all(c.near_kink == 0 for c in report.checks)
    # x = 0 makes ∂C/∂w^1 = δ^1 x^T exactly 0: nothing to compare there, everything else agrees
    assert [(c.equation, c.layer) for c in report.undecided] == [("BP4", 1)]
    assert report.failures == []


# --- float32 ----------------------------------------------------------------------

def test_float32_is_upcast_and_noted():
    rng = np.random.default_rng(9)
    net = init_network((3, 4, 2), rng, init="xavier", hidden="tanh", output="sigmoid")
    net32 = net.with_params([None] + [w.astype(np.float32) for w in net.w[1:]],
                            [None] + [b.astype(np.float32) for b in net.b[1:]])
    x32 = rng.uniform(-1, 1, (3, 4)).astype(np.float32)
    y32 = rng.uniform(0, 1, (2, 4)).astype(np.float32)
    for fn in (check_equations, check_backward, check_update_step):
        report = fn(net32, x32, y32)
        assert report.passed, report.summary()
        assert len(report.notes) == 1 and "float64" in report.notes[0]
        assert "note:" in report.summary()
    # the caller's float32 arrays are not changed or converted in place
    assert net32.w[1].dtype == np.float32 and x32.dtype == np.float32


def test_float64_input_gives_no_note():
    rng = np.random.default_rng(10)
    net = init_network((2, 2, 1), rng)
    assert check_equations(net, rng.uniform(-1, 1, (2, 2)), rng.uniform(0, 1, (1, 2))).notes == ()


# --- the finite-difference helpers ----------------------------------------------

def test_numerical_gradient_matches_a_known_gradient():
    rng = np.random.default_rng(12)
    p = rng.standard_normal((3, 2))
    a = rng.standard_normal((3, 2))

    def f():
        return float(np.sum(a * p**3))  # ∂f/∂p = 3 a p²

    g = numerical_gradient(f, p, h=1e-5)
    np.testing.assert_allclose(g, 3 * a * p**2, rtol=1e-8, atol=1e-10)
    assert g.shape == p.shape and g.dtype == np.float64


def test_numerical_gradient_restores_p_even_when_f_raises():
    p = np.array([1.0, 2.0, 3.0])
    original = p.copy()
    calls = []

    def f():
        calls.append(p.copy())
        if len(calls) == 4:
            raise RuntimeError("boom")
        return float(np.sum(p))

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, p)
    np.testing.assert_array_equal(p, original)
    # it really did perturb p while running (so the restore mattered)
    assert any(not np.array_equal(c, original) for c in calls)


def test_numerical_gradient_leaves_p_unchanged():
    p = np.linspace(-1, 1, 6).reshape(2, 3)
    original = p.copy()
    numerical_gradient(lambda: float(np.sum(np.sin(p))), p)
    np.testing.assert_array_equal(p, original)


def test_numerical_deltas_and_parameter_gradients_match_backprop():
    net, x, y = random_problem(5, "tanh", "cross_entropy", "sigmoid")
    g = backward(net, x, y, "cross_entropy")
    cost = get_cost("cross_entropy")
    deltas = numerical_deltas(net, g.z, y, cost, 1e-5)
    grad_w, grad_b = numerical_parameter_gradients(net, x, y, cost, 1e-5)
    assert deltas[0] is None and grad_w[0] is None and grad_b[0] is None
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(deltas[l], g.delta[l], rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(grad_w[l], g.grad_w[l], rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(grad_b[l], g.grad_b[l], rtol=1e-7, atol=1e-9)
    w_before = [w.copy() for w in net.w[1:]]
    numerical_parameter_gradients(net, x, y, cost, 1e-5)
    assert all(np.array_equal(a, b) for a, b in zip(net.w[1:], w_before))


def test_relative_error_has_a_floor_and_is_symmetric():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    # two tiny gradients that disagree completely are not a giant ratio
    assert relative_error(np.array([1e-20]), np.array([-1e-20])) < 1e-7
    e = relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-6]))
    assert e == pytest.approx(1e-6 / (2 * np.sqrt(5)), rel=1e-6)
    assert relative_error([1.0, 2.0], [3.0, -1.0]) == relative_error([3.0, -1.0], [1.0, 2.0])
    assert relative_error([1.0], [-1.0]) == 1.0


def test_cost_from_z_and_total_cost_equal_the_cost_of_the_forward_pass():
    rng = np.random.default_rng(13)
    net = init_network((3, 4, 3, 2), rng, hidden="tanh", output="sigmoid")
    x, y = rng.uniform(-1, 1, (3, 5)), rng.uniform(0, 1, (2, 5))
    z, a = forward(net, x)
    for name in ("quadratic", "cross_entropy"):
        total = get_cost(name).value(z[-1], a[-1], y)
        assert total_cost(net, x, y, name) == total
        for l in range(1, net.L + 1):
            assert cost_from_z(net, z[l], l, y, name) == pytest.approx(total, rel=1e-14)


# --- the report is data ----------------------------------------------------------

def test_report_methods():
    ok = EquationCheck("BP1", 2, "δ^2", AGREES, 1e-10, 1e-5, 1e-9, 0.3)
    bad2 = EquationCheck("BP2", 1, "δ^1", WRONG, 0.3, 1e-4, reason="at element (0, 1) ours is 1",
                         worst_index=(0, 1), worst_analytic=1.0, worst_numeric=2.0, worst_elementwise_error=1 / 3)
    bad4a = EquationCheck("BP4", 1, "∂C/∂w^1", WRONG, float("inf"), 1e-5,
                          reason="shape (2, 3), expected (3, 2)", error="shape (2, 3), expected (3, 2)")
    unsure = EquationCheck("BP4", 2, "∂C/∂w^2", CANNOT_TELL, 0.2, 1e-2, 1e-9, 1e-12,
                           reason="the gradient (size 1.0e-12) is not larger than ...")
    report = GradCheckReport([ok, bad2, bad4a, unsure], tol=1e-7, h=None)
    assert not report.passed
    assert report.failures == [bad2, bad4a]
    assert report.undecided == [unsure]
    assert report.failing_equations == ["BP2", "BP4"]
    assert report.verdicts() == {"BP1": AGREES, "BP2": WRONG, "BP4": WRONG}
    assert report.worst() == float("inf")
    assert report.worst("BP1") == 1e-10
    assert np.isnan(report.worst("BP3"))
    assert report.by_equation() == {"BP1": 1e-10, "BP2": 0.3, "BP4": float("inf")}
    assert ok.passed and not bad2.passed and not unsure.passed
    text = report.summary()
    assert text == str(report)
    assert text.splitlines()[-1] == "wrong: BP2, BP4; cannot tell: BP4 layer 2 (tol 1e-07, h chosen per check)"
    assert "WRONG       BP2      layer 1  δ^1       rel. error 3.0e-01  (h 1e-04): at element (0, 1)" in text
    assert "shape (2, 3), expected (3, 2)" in text
    assert "cannot tell BP4      layer 2" in text
    only_unsure = GradCheckReport([ok, unsure], 1e-7, 1e-5)
    assert only_unsure.summary().splitlines()[-1].startswith(
        "no equation is wrong, but finite differences cannot tell for BP4 layer 2")
    assert GradCheckReport([ok], 1e-7, 1e-6).passed
    assert "every equation agrees" in GradCheckReport([ok], 1e-7, 1e-6).summary()


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_nan_or_inf_result_is_wrong(bad):
    net, x, y = random_problem(2, "tanh", "quadratic", "sigmoid")
    report = check_equations(net, x, y, bp3=lambda d: np.full((d.shape[0], 1), bad))
    assert report.failing_equations == ["BP3"], report.summary()


def test_check_equations_returns_the_arrays_it_compared():
    rng = np.random.default_rng(14)
    net = init_network((2, 3, 1), rng)
    x, y = rng.uniform(-1, 1, (2, 4)), rng.uniform(0, 1, (1, 4))
    report = check_equations(net, x, y)
    bp4 = [c for c in report.checks if c.equation == "BP4" and c.layer == 1][0]
    assert bp4.analytic.shape == bp4.numeric.shape == bp4.allowed.shape == (3, 2)
    assert np.all(np.abs(bp4.analytic - bp4.numeric) <= bp4.allowed)
    assert bp4.worst_index is not None and len(bp4.worst_index) == 2
    assert bp4.worst_elementwise_error <= 1e-5
    assert bp4.error == ""
    L = net.L
    assert [(c.equation, c.layer) for c in report.checks] == (
        [("BP1", L)] + [("BP2", l) for l in range(L - 1, 0, -1)]
        + [("BP3", l) for l in range(1, L + 1)] + [("BP4", l) for l in range(1, L + 1)])


def test_check_does_not_change_the_network_or_data():
    rng = np.random.default_rng(15)
    net = init_network((2, 3, 2), rng)
    x, y = rng.uniform(-1, 1, (2, 3)), rng.uniform(0, 1, (2, 3))
    saved = [w.copy() for w in net.w[1:]] + [b.copy() for b in net.b[1:]] + [x.copy(), y.copy()]
    check_equations(net, x, y)
    check_backward(net, x, y)
    check_update_step(net, x, y)
    for now, before in zip(net.w[1:] + net.b[1:] + [x, y], saved):
        np.testing.assert_array_equal(now, before)
