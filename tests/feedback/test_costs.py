"""The checkers of notebook 08: the softmax output error (short and long way) and saturated hidden units.

Every "learner" function is written the way a learner would write it (not taken
from the checker's own slip variants), so these tests fail if a checker stops
recognising a slip or starts blaming the wrong one.
"""

import re

import numpy as np
import pytest

from bpcore.activations import sigmoid_prime as sp
from bpcore.backprop import backward
from bpcore.feedback import (check_cross_entropy_delta, check_hidden_delta_sizes, check_softmax_delta,
                             check_softmax_delta_long)
from bpcore.feedback.costs import HIDDEN_DELTA_SLIPS, SOFTMAX_DELTA_LONG_SLIPS, SOFTMAX_DELTA_SLIPS
from tests.feedback.support import (assert_gives_no_code, assert_names_slip, assert_passes, case_id,
                                    raises)

COSTS = ("quadratic", "cross_entropy")


def softmax_delta_ok(z_L, a_L, y):
    return a_L - y


def jacobian_long_ok(z_L, a_L, y):
    cols = []
    for i in range(a_L.shape[1]):
        a, t = a_L[:, [i]], y[:, [i]]
        J = np.diag(a[:, 0]) - a @ a.T
        cols.append(J.T @ (-t / a))
    return np.hstack(cols)


def jacobian_long_ok_sums(z_L, a_L, y):
    # the same chain rule written with sums: δ_j = Σ_i (−y_i/a_i) a_i (1[i=j] − a_j)
    K, m = a_L.shape
    out = np.zeros((K, m))
    for x in range(m):
        for j in range(K):
            out[j, x] = sum(-y[i, x] / a_L[i, x] * a_L[i, x] * ((i == j) - a_L[j, x]) for i in range(K))
    return out


def hidden_ok(net, x, y):
    return {cost: np.linalg.norm(backward(net, x, y, cost).delta[1]) for cost in COSTS}


def _long_with(jacobian):
    def fn(z_L, a_L, y):
        return np.hstack([jacobian(z_L[:, [i]], a_L[:, [i]]).T @ (-y[:, [i]] / a_L[:, [i]])
                          for i in range(a_L.shape[1])])
    return fn


def _last_column_only(z_L, a_L, y):
    for i in range(a_L.shape[1]):
        a = a_L[:, [i]]
        out = (np.diag(a[:, 0]) - a @ a.T).T @ (-y[:, [i]] / a)
    return out


def _hidden(of):
    return lambda net, x, y: {cost: of(backward(net, x, y, cost).delta) for cost in COSTS}


CORRECT = [
    (check_softmax_delta, softmax_delta_ok, "BP1 (softmax)"),
    (check_softmax_delta_long, jacobian_long_ok, "BP1 (softmax, the long way)"),
    (check_softmax_delta_long, jacobian_long_ok_sums, "BP1 (softmax, the long way)"),
    (check_hidden_delta_sizes, hidden_ok, "BP2 (saturated hidden layer)"),
]


@pytest.mark.parametrize("checker, fn, equation", CORRECT, ids=lambda v: getattr(v, "__name__", str(v)))
def test_correct_solution_passes(checker, fn, equation):
    assert_passes(checker(fn), equation)


def test_the_softmax_checkers_confirm_finite_differences():
    assert "agrees with finite differences" in check_softmax_delta(softmax_delta_ok).message
    assert "agrees with finite differences" in check_softmax_delta_long(jacobian_long_ok).message


def test_the_hidden_checker_reports_that_both_costs_shrink_delta_1():
    message = check_hidden_delta_sizes(hidden_ok).message
    shrink = [float(w.split("-fold")[0]) for w in message.split("shrinks ‖δ^1‖ ")[1:2][0].split(" and ")]
    assert all(s > 10 for s in shrink), message


@pytest.mark.parametrize("checker", [check_softmax_delta, check_softmax_delta_long, check_hidden_delta_sizes],
                         ids=lambda c: c.__name__)
def test_the_stub_fails_with_not_implemented(checker):
    result = checker(raises(NotImplementedError("Exercise 8.1: write it")))
    assert not result.passed and result.slip == "not_implemented"


SLIP_CASES = [
    # check_softmax_delta
    (check_softmax_delta, lambda z, a, y: (a - y) * a * (1 - a), "softmax_elementwise", "not elementwise"),
    (check_softmax_delta, lambda z, a, y: -y / a * a * (1 - a), "softmax_elementwise", "only the diagonal"),
    (check_softmax_delta, lambda z, a, y: (a - y) * sp(z), "sigmoid_prime_for_softmax", "not a sigmoid"),
    (check_softmax_delta, lambda z, a, y: -y / a * sp(z), "sigmoid_prime_for_softmax", "C'(a) = −y/a"),
    (check_softmax_delta, lambda z, a, y: (a - y) * sp(a), "sigma_prime_of_a", "never a"),
    (check_softmax_delta, lambda z, a, y: -y / a, "derivative_wrt_a", "not δ^L = ∂C/∂z^L"),
    (check_softmax_delta, lambda z, a, y: y - a, "wrong_sign", "sign is flipped"),
    (check_softmax_delta, lambda z, a, y: (a - y) / z.shape[1], "divided_by_m", "mean belongs"),
    # check_softmax_delta_long
    (check_softmax_delta_long, softmax_delta_ok, "used_sum_to_one", "Σ_i y_i = 1"),
    (check_softmax_delta_long, lambda z, a, y: -y / a * a * (1 - a), "softmax_elementwise", "off-diagonal"),
    (check_softmax_delta_long, _long_with(lambda z, a: np.diag(a[:, 0])), "jacobian_diag_only", "−a a^T"),
    (check_softmax_delta_long, _long_with(lambda z, a: -a @ a.T), "jacobian_outer_only", "diagonal term"),
    (check_softmax_delta_long, _long_with(lambda z, a: np.diag(a[:, 0]) + a @ a.T), "jacobian_sign",
     "minus sign"),
    (check_softmax_delta_long, _long_with(lambda z, a: np.diag(z[:, 0]) - z @ z.T), "jacobian_of_z",
     "built from z^L"),
    (check_softmax_delta_long, lambda z, a, y: -jacobian_long_ok(z, a, y), "wrong_sign", "sign is flipped"),
    (check_softmax_delta_long, lambda z, a, y: jacobian_long_ok(z, a, y) / z.shape[1], "divided_by_m",
     "per example"),
    (check_softmax_delta_long, lambda z, a, y: jacobian_long_ok(z[:, :1], a[:, :1], y[:, :1]), "one_example",
     "first example"),
    (check_softmax_delta_long, _last_column_only, "overwrote_in_loop", "last example"),
    # check_hidden_delta_sizes
    (check_hidden_delta_sizes, _hidden(lambda d: np.linalg.norm(d[-1])), "output_layer_delta", "δ^L"),
    (check_hidden_delta_sizes, _hidden(lambda d: np.sum(d[1] ** 2)), "squared_norm", "square root"),
    (check_hidden_delta_sizes, _hidden(lambda d: np.mean(np.linalg.norm(d[1], axis=0))), "norm_per_example",
     "whole (n_1, m) array"),
    (check_hidden_delta_sizes, lambda n, x, y: dict(zip(COSTS[::-1], hidden_ok(n, x, y).values())),
     "swapped_costs", "swapped"),
    (check_hidden_delta_sizes,
     lambda n, x, y: {c: np.linalg.norm(backward(n, x, y, "quadratic").delta[1]) for c in COSTS},
     "one_cost_twice", "quadratic cost"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES, ids=case_id(SLIP_CASES))
def test_slip_is_caught_and_named(checker, fn, slip, fragment):
    result = checker(fn)
    assert_names_slip(result, slip, fragment)
    assert_gives_no_code(result.message)


def test_the_common_slips_each_have_a_test():
    """σ'(a), σ'(z), the elementwise view of softmax, the sign and the mean for the sum."""
    tested = {(c.__name__, s) for c, _, s, _ in SLIP_CASES}
    for slip in ("softmax_elementwise", "sigmoid_prime_for_softmax", "sigma_prime_of_a", "wrong_sign",
                 "divided_by_m"):
        assert ("check_softmax_delta", slip) in tested
    for slip in ("used_sum_to_one", "softmax_elementwise", "wrong_sign", "divided_by_m"):
        assert ("check_softmax_delta_long", slip) in tested


def test_a_dict_with_other_keys_is_explained():
    result = check_hidden_delta_sizes(lambda n, x, y: {"mse": 1.0})
    assert result.slip == "wrong_type" and "'quadratic' and 'cross_entropy'" in result.message


def test_a_wrong_number_names_the_case_and_the_cost():
    result = check_hidden_delta_sizes(lambda n, x, y: {"quadratic": 1.0, "cross_entropy": 1.0})
    assert result.slip == "wrong_values"
    assert "On the [3, 4, 2] network, your ‖δ^1‖ under the quadratic cost is 1" in result.message


def test_cross_entropy_sigma_prime_of_a_has_its_own_message():
    """(a − y) ⊙ σ'(a) is σ'(a) and a kept σ' at once: named, and explained, not left as 'wrong values'."""
    result = check_cross_entropy_delta(lambda z, a, y: (a - y) * sp(a))
    assert_names_slip(result, "sigma_prime_of_a", "(a^L − y) ⊙ σ'(a^L)")
    assert "quadratic cost's C'(a)" in result.message and "never the activation" in result.message
    other = check_cross_entropy_delta(lambda z, a, y: (a - y) / (a * (1 - a)) * sp(a))
    assert other.slip == "sigma_prime_of_a" and other.message != result.message


def test_cross_entropy_feedback_never_states_the_simplified_delta():
    """Exercise 2.2 asks what BP1 simplifies to: no message of its check, passing or failing, says it."""
    from bpcore.feedback.output_error import CROSS_ENTROPY_DELTA_SLIPS
    answer = re.compile(r"(=|to|leaving|returns?)\s*a\^L − y(?!\))")
    tries = [lambda z, a, y: a - y, lambda z, a, y: a - y + 0.1]
    tries += [lambda z, a, y, s=s: s.variant(_Args(z, a, y)) for s in CROSS_ENTROPY_DELTA_SLIPS]
    for fn in tries:
        message = check_cross_entropy_delta(fn).message
        assert not answer.search(message), message


class _Args:
    """Just enough of a Case for a slip's variant: its arguments and m."""
    def __init__(self, z, a, y):
        self.args, self.extra = (z, a, y), {"m": z.shape[1]}


@pytest.mark.parametrize("slips", [SOFTMAX_DELTA_SLIPS, SOFTMAX_DELTA_LONG_SLIPS, HIDDEN_DELTA_SLIPS],
                         ids=["softmax_delta", "softmax_delta_long", "hidden_delta_sizes"])
def test_no_explanation_shows_code(slips):
    for slip in slips:
        assert_gives_no_code(slip.explain)
