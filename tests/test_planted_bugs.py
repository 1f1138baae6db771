"""Planted bugs: the gradient checker catches each slip and names the equation.

Each buggy function below is one of the slips learners make (teaching-anchors:
σ'(a) instead of σ'(z), a missing transpose, a wrong sign, a wrong η/m scale,
the mean where BP3/BP4 need the sum). ``gradcheck.check_equations`` feeds each
equation numerically computed inputs, so a bug in one equation must make *that*
equation wrong only: ``report.failing_equations == ["BP2"]`` and so on. The
correct functions, passed the same way, must agree, so the checker is not
simply failing everything. ``check_backward`` on a backward pass assembled from a
buggy equation fails too, but can only say "backward": that is why the
equation-by-equation check exists.

Measured (``test_every_planted_bug_is_caught_in_random_draws``): each bug on
the same seeded random draws as the correct-code sweep (12 architectures × 35
activation/cost pairs, no redraws). A draw counts when the bug changes the
equation's result by more than the resolution the checker reports for it
(elementwise ``allowed``, or a different shape); then it must be reported wrong
and attributed to its own equation alone. The detection rate per bug is
asserted (≥ 99 %) and written to the terminal (``planted bugs ...``).
"""

import collections

import numpy as np
import pytest

from bpcore import backprop, check_backward, check_equations, check_update_step, forward, init_network
from bpcore.backprop import Gradients
from bpcore.costs import get_cost
from bpcore.update import update_parameter
from tests.gradcheck_problems import PAIRS, random_problem
from tests import measured

# --- correct and buggy equations, with bpcore's signatures -----------------------


def bp1_correct(cost, z_L, a_L, y, sigma):
    return (a_L - y) * sigma.prime(z_L)  # quadratic cost, BP1


def bp1_sigma_prime_of_a(cost, z_L, a_L, y, sigma):
    return (a_L - y) * sigma.prime(a_L)  # BUG: σ'(a^L) instead of σ'(z^L)


def bp1_wrong_sign(cost, z_L, a_L, y, sigma):
    return (y - a_L) * sigma.prime(z_L)  # BUG: y − a instead of a − y


def bp2_correct(w_next, delta_next, z_l, sigma):
    return (w_next.T @ delta_next) * sigma.prime(z_l)


def bp2_sigma_prime_of_a(w_next, delta_next, z_l, sigma):
    return (w_next.T @ delta_next) * sigma.prime(sigma(z_l))  # BUG: σ'(a^l)


def bp2_missing_transpose(w_next, delta_next, z_l, sigma):
    return (w_next @ delta_next) * sigma.prime(z_l)  # BUG: w instead of w^T


def bp2_wrong_sign(w_next, delta_next, z_l, sigma):
    return -(w_next.T @ delta_next) * sigma.prime(z_l)  # BUG: sign


def bp3_correct(delta_l):
    return delta_l.sum(axis=1, keepdims=True)


def bp3_wrong_sign(delta_l):
    return -delta_l.sum(axis=1, keepdims=True)  # BUG: sign


def bp4_correct(delta_l, a_prev):
    return delta_l @ a_prev.T


def bp4_missing_transpose(delta_l, a_prev):
    return delta_l @ a_prev  # BUG: a^{l-1} instead of (a^{l-1})^T


def bp4_transposed_result(delta_l, a_prev):
    return a_prev @ delta_l.T  # BUG: (δ (a)^T)^T, shape (n_{l-1}, n_l)


def bp4_wrong_sign(delta_l, a_prev):
    return -(delta_l @ a_prev.T)  # BUG: sign


def bp3_mean(delta_l):
    return delta_l.mean(axis=1, keepdims=True)  # BUG: mean over the batch, not the sum


def bp4_mean(delta_l, a_prev):
    return (delta_l @ a_prev.T) / delta_l.shape[1]  # BUG: mean over the batch, not the sum


def update_correct(p, grad_sum, eta, m):
    return p - (eta / m) * grad_sum


def update_missing_1_over_m(p, grad_sum, eta, m):
    return p - eta * grad_sum  # BUG: sum used as if it were the mean


def update_eta_times_m(p, grad_sum, eta, m):
    return p - (eta * m) * grad_sum  # BUG: η·m instead of η/m


def update_wrong_sign(p, grad_sum, eta, m):
    return p + (eta / m) * grad_sum  # BUG: gradient ascent


# --- problems ------------------------------------------------------------------------


def problem(sizes, m, seed=0, hidden="sigmoid", output="sigmoid"):
    """A sigmoid net (σ'(a) ≠ σ'(z) for a sigmoid; for ReLU they coincide) and a batch."""
    rng = np.random.default_rng(seed)
    net = init_network(sizes, rng, init="xavier", hidden=hidden, output=output)
    net = net.with_params(net.w, [None] + [0.2 * rng.standard_normal(b.shape) for b in net.b[1:]])
    x = rng.uniform(-1, 1, (sizes[0], m))
    y = rng.uniform(0, 1, (sizes[-1], m))
    return net, x, y


NON_SQUARE = dict(sizes=(3, 5, 4, 2), m=6)   # every w^l non-square; m ≠ any n_l
SQUARE = dict(sizes=(4, 4, 4, 4), m=4)       # every w^l square and m = n_{l-1}


def test_all_correct_equations_pass_both_shapes():
    for shape in (NON_SQUARE, SQUARE):
        net, x, y = problem(**shape)
        report = check_equations(net, x, y, "quadratic", bp1=bp1_correct, bp2=bp2_correct,
                                 bp3=bp3_correct, bp4=bp4_correct)
        assert report.passed, report.summary()
        assert report.failing_equations == []
        assert check_update_step(net, x, y, update_fn=update_correct).passed


BUGS = [
    # (keyword, buggy function, shape, expected failing equation)
    ("bp1", bp1_sigma_prime_of_a, NON_SQUARE, "BP1"),
    ("bp1", bp1_wrong_sign, NON_SQUARE, "BP1"),
    ("bp2", bp2_sigma_prime_of_a, NON_SQUARE, "BP2"),
    ("bp2", bp2_missing_transpose, SQUARE, "BP2"),       # same shape, wrong values
    ("bp2", bp2_missing_transpose, NON_SQUARE, "BP2"),   # shape error in the product
    ("bp2", bp2_wrong_sign, NON_SQUARE, "BP2"),
    ("bp3", bp3_wrong_sign, NON_SQUARE, "BP3"),
    ("bp4", bp4_missing_transpose, SQUARE, "BP4"),       # same shape, wrong values
    ("bp4", bp4_missing_transpose, NON_SQUARE, "BP4"),   # shape error in the product
    ("bp4", bp4_transposed_result, SQUARE, "BP4"),       # same shape, wrong values
    ("bp4", bp4_transposed_result, NON_SQUARE, "BP4"),   # wrong shape returned
    ("bp4", bp4_wrong_sign, NON_SQUARE, "BP4"),
]


@pytest.mark.parametrize(
    "keyword, buggy, shape, equation", BUGS,
    ids=[f"{b.__name__}-{'square' if s is SQUARE else 'nonsquare'}" for _, b, s, _ in BUGS],
)
def test_planted_bug_is_caught_and_attributed(keyword, buggy, shape, equation):
    net, x, y = problem(**shape)
    correct = dict(bp1=bp1_correct, bp2=bp2_correct, bp3=bp3_correct, bp4=bp4_correct)
    report = check_equations(net, x, y, "quadratic", **{**correct, keyword: buggy})
    assert not report.passed
    assert report.failing_equations == [equation], report.summary()
    # every layer of that equation is wrong with these bugs, and says so in words
    for check in report.checks:
        if check.equation == equation:
            assert check.verdict == "wrong"
            assert check.describe().startswith("WRONG")
        else:
            assert check.passed, check.describe()
    assert f"wrong: {equation}" in report.summary()


@pytest.mark.parametrize("buggy", [bp2_missing_transpose, bp4_missing_transpose, bp4_transposed_result])
def test_shape_errors_from_a_missing_transpose_are_reported_not_raised(buggy):
    net, x, y = problem(**NON_SQUARE)
    keyword = buggy.__name__[:3]
    report = check_equations(net, x, y, **{keyword: buggy})
    failing = report.failures
    assert failing and all(c.equation == keyword.upper() for c in failing)
    for c in failing:
        assert c.rel_error == float("inf")
        assert "transpose" in c.error, c.error
        assert "transpose" in c.describe()


def test_square_missing_transpose_is_caught_by_values_not_shapes():
    net, x, y = problem(**SQUARE)
    for keyword, buggy in (("bp2", bp2_missing_transpose), ("bp4", bp4_missing_transpose),
                           ("bp4", bp4_transposed_result)):
        report = check_equations(net, x, y, **{keyword: buggy})
        for c in report.failures:
            assert c.error == ""                       # it ran and had the right shape ...
            assert np.isfinite(c.rel_error) and c.rel_error > 1e-2   # ... but wrong numbers
            assert c.worst_index is not None


def test_sigma_prime_of_a_is_invisible_for_relu_which_is_why_we_test_sigmoid():
    """ReLU'(ReLU(z)) = ReLU'(z): the σ'(a) slip only shows for a curved σ."""
    net, x, y = problem((3, 4, 2), 3, hidden="relu", output="relu")
    assert check_equations(net, x, y, bp1=bp1_sigma_prime_of_a, bp2=bp2_sigma_prime_of_a).passed
    net, x, y = problem((3, 4, 2), 3, hidden="tanh", output="tanh")
    assert check_equations(net, x, y, bp1=bp1_sigma_prime_of_a).failing_equations == ["BP1"]
    assert check_equations(net, x, y, bp2=bp2_sigma_prime_of_a).failing_equations == ["BP2"]


def test_a_bug_in_bp1_does_not_spill_into_bp2_bp3_bp4():
    """The isolation that makes attribution possible: all other equations still pass."""
    net, x, y = problem((2, 3, 3, 1), 5)
    report = check_equations(net, x, y, bp1=bp1_sigma_prime_of_a)
    assert report.failing_equations == ["BP1"]
    assert all(c.passed for c in report.checks if c.equation in ("BP2", "BP3", "BP4"))


UPDATE_BUGS = [update_missing_1_over_m, update_eta_times_m, update_wrong_sign]


@pytest.mark.parametrize("buggy", UPDATE_BUGS, ids=[f.__name__ for f in UPDATE_BUGS])
def test_update_scale_bugs_are_caught(buggy):
    net, x, y = problem((3, 4, 2), m=4)  # m ≥ 2, or a missing 1/m would be invisible
    report = check_update_step(net, x, y, update_fn=buggy, eta=0.5)
    assert report.failing_equations == ["update"]
    assert all(not c.passed for c in report.checks)  # every w^l and b^l
    assert {c.quantity for c in report.checks} == {"w^1", "b^1", "w^2", "b^2"}
    assert check_update_step(net, x, y, update_fn=update_correct, eta=0.5).passed
    assert check_update_step(net, x, y, update_fn=update_parameter, eta=0.5).passed


# --- end to end: check_backward sees the bug but cannot say where -----------------------


def backward_from(bp1=bp1_correct, bp2=bp2_correct, bp3=bp3_correct, bp4=bp4_correct):
    """A backward pass composed from the given equations (quadratic cost)."""

    def backward_fn(net, x, y, cost):
        L = net.L
        z, a = forward(net, x)
        delta = [None] * (L + 1)
        delta[L] = bp1(cost, z[L], a[L], y, net.sigma(L))
        for l in range(L - 1, 0, -1):
            delta[l] = bp2(net.w[l + 1], delta[l + 1], z[l], net.sigma(l))
        grad_b = [None] + [bp3(delta[l]) for l in range(1, L + 1)]
        grad_w = [None] + [bp4(delta[l], a[l - 1]) for l in range(1, L + 1)]
        return Gradients(grad_w, grad_b, delta, z, a, x.shape[1])

    return backward_fn


@pytest.mark.parametrize("keyword, buggy, shape, equation", BUGS,
                         ids=[f"{b.__name__}-{'square' if s is SQUARE else 'nonsquare'}"
                              for _, b, s, _ in BUGS])
def test_check_backward_fails_on_a_composed_buggy_backward(keyword, buggy, shape, equation):
    net, x, y = problem(**shape)
    assert check_backward(net, x, y, backward_fn=backward_from()).passed
    report = check_backward(net, x, y, backward_fn=backward_from(**{keyword: buggy}))
    assert report.failing_equations == ["backward"]


def test_composed_correct_backward_equals_bpcores():
    net, x, y = problem(**NON_SQUARE)
    ours = backward_from()(net, x, y, get_cost("quadratic"))
    theirs = backprop.backward(net, x, y, "quadratic")
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(ours.grad_w[l], theirs.grad_w[l], rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(ours.grad_b[l], theirs.grad_b[l], rtol=1e-13, atol=1e-16)


# --- the update check compares with finite differences, not with its own input --------


@pytest.mark.parametrize("keyword, buggy, shape, equation", BUGS,
                         ids=[f"{b.__name__}-{'square' if s is SQUARE else 'nonsquare'}"
                              for _, b, s, _ in BUGS])
def test_update_check_fails_when_the_gradients_it_is_given_are_wrong(keyword, buggy, shape, equation):
    """A correct update fed a buggy backward pass's gradients must not pass: the step is
    compared with −(η/m) times finite-difference gradients computed on their own."""
    net, x, y = problem(**shape)
    assert check_update_step(net, x, y, update_fn=update_correct, backward_fn=backward_from()).passed
    report = check_update_step(net, x, y, update_fn=update_correct,
                               backward_fn=backward_from(**{keyword: buggy}))
    assert report.failing_equations == ["update"]


def test_update_check_fails_for_gradients_of_another_batch():
    net, x, y = problem(**NON_SQUARE)
    other = lambda net, x_, y_, cost: backprop.backward(net, x_[:, ::-1] * 0.5, y_, cost)
    assert not check_update_step(net, x, y, backward_fn=other).passed


def test_update_check_reports_a_backward_pass_that_raises():
    def broken(net, x, y, cost):
        raise ValueError("matmul: shapes do not fit")
    net, x, y = problem(**NON_SQUARE)
    report = check_update_step(net, x, y, backward_fn=broken)
    assert not report.passed and all("raised ValueError" in c.error for c in report.checks)


# --- random draws: detection rate per bug --------------------------------------------------------

RANDOM_BUGS = {
    # name: (equation, keyword, buggy function, applies to (hidden, cost, output, net))
    "BP1 σ'(a) for σ'(z)": ("BP1", "bp1", bp1_sigma_prime_of_a, lambda h, c, o, net: c == "quadratic"),
    "BP1 wrong sign": ("BP1", "bp1", lambda cost, z, a, y, s: -backprop.output_error(cost, z, a, y, s),
                       lambda h, c, o, net: True),
    "BP2 σ'(a) for σ'(z)": ("BP2", "bp2", bp2_sigma_prime_of_a, lambda h, c, o, net: net.L >= 2),
    "BP2 missing transpose": ("BP2", "bp2", bp2_missing_transpose, lambda h, c, o, net: net.L >= 2),
    "BP2 wrong sign": ("BP2", "bp2", bp2_wrong_sign, lambda h, c, o, net: net.L >= 2),
    "BP3 wrong sign": ("BP3", "bp3", bp3_wrong_sign, lambda h, c, o, net: True),
    "BP3 mean for sum": ("BP3", "bp3", bp3_mean, lambda h, c, o, net: True),
    "BP4 missing transpose": ("BP4", "bp4", bp4_missing_transpose, lambda h, c, o, net: True),
    "BP4 transposed result": ("BP4", "bp4", bp4_transposed_result, lambda h, c, o, net: True),
    "BP4 wrong sign": ("BP4", "bp4", bp4_wrong_sign, lambda h, c, o, net: True),
    "BP4 mean for sum": ("BP4", "bp4", bp4_mean, lambda h, c, o, net: True),
    "update η instead of η/m": ("update", "update_fn", update_missing_1_over_m, lambda h, c, o, net: True),
    "update η·m instead of η/m": ("update", "update_fn", update_eta_times_m, lambda h, c, o, net: True),
    "update wrong sign": ("update", "update_fn", update_wrong_sign, lambda h, c, o, net: True),
}
DRAWS = 12  # architectures; each with all 35 activation/cost pairs


def _changes_beyond_resolution(buggy, correct, equation):
    """Does the bug move the equation's result further than the checker can resolve?"""
    for b, c in zip(buggy.checks, correct.checks):
        if b.equation != equation:
            continue
        if b.analytic is None or b.analytic.shape != c.analytic.shape:
            return True  # it raised, or returned the wrong shape
        if np.any(np.abs(b.analytic - c.analytic) > c.allowed):
            return True
    return False


@pytest.fixture(scope="module")
def detection(request):
    stats = collections.defaultdict(collections.Counter)
    yield stats
    lines = ["planted bugs, random draws: caught and attributed to their own equation / draws where the "
             "bug changes the result beyond the resolution (draws tried):"]
    for name, c in stats.items():
        rate = c["caught"] / c["beyond"] if c["beyond"] else float("nan")
        lines.append(f"  {name:<28} {c['caught']:4d} / {c['beyond']:4d} = {rate:7.2%}   ({c['tried']} tried)")
    measured.report(request, "\n".join(lines))


@pytest.mark.parametrize("hidden, cost, output", PAIRS, ids=[f"{h}-{c}-{o}" for h, c, o in PAIRS])
def test_planted_bugs_in_random_draws(hidden, cost, output, detection):
    for seed in range(DRAWS):
        net, x, y = random_problem(seed, hidden, cost, output)
        reference = {"BP": check_equations(net, x, y, cost), "update": check_update_step(net, x, y, cost)}
        for name, (equation, keyword, buggy, applies) in RANDOM_BUGS.items():
            if not applies(hidden, cost, output, net):
                continue
            detection[name]["tried"] += 1
            if equation == "update":
                report, correct = check_update_step(net, x, y, cost, update_fn=buggy), reference["update"]
            else:
                report, correct = check_equations(net, x, y, cost, **{keyword: buggy}), reference["BP"]
            if not _changes_beyond_resolution(report, correct, equation):
                # the bug does nothing measurable here (m = 1 for a mean or η/m, σ'(a) = σ'(z) for ReLU):
                # then nothing else may be wrong either
                assert report.failures == [], report.summary()
                continue
            detection[name]["beyond"] += 1
            if report.failing_equations == [equation]:
                detection[name]["caught"] += 1


def test_every_planted_bug_is_caught_in_random_draws(detection):
    """Runs after the draws above (same module): ≥ 99 % per bug, on at least 100 draws each."""
    assert set(detection) == set(RANDOM_BUGS), "run the whole module"
    for name, c in detection.items():
        assert c["beyond"] >= 100, (name, c)
        assert c["caught"] >= 0.99 * c["beyond"], (name, c)
