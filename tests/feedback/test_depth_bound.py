"""check_delta_bound (notebook 09): the bound 4^{−(L−1)} Π_{l≥2} ‖w^l‖_F passes; the usual slips are named."""

import numpy as np
import pytest

from bpcore.feedback import check_delta_bound
from bpcore.feedback.initialisation import DELTA_BOUND_SLIPS
from tests.feedback.support import assert_gives_no_code, assert_names_slip, assert_passes, case_id, raises

EQUATION = "Bound on δ^1"


def bound_ok(net):
    return 0.25 ** (net.L - 1) * np.prod([np.linalg.norm(net.w[l]) for l in range(2, net.L + 1)])


def bound_ok_loop(net):
    bound = 1.0
    for l in range(net.L, 1, -1):
        bound *= np.sqrt((net.w[l] ** 2).sum()) / 4
    return bound


@pytest.mark.parametrize("fn", [bound_ok, bound_ok_loop], ids=lambda f: f.__name__)
def test_correct_solution_passes(fn):
    assert_passes(check_delta_bound(fn), EQUATION)


def test_the_pass_message_shows_the_bound_holds_and_the_weightless_one_does_not():
    message = check_delta_bound(bound_ok).message
    assert "below your bound on 3 of the 3 networks" in message
    beyond = int(message.split("above 4^{−(L−1)} alone on ")[1].split()[0])
    assert beyond >= 1


def test_the_stub_fails_with_not_implemented():
    result = check_delta_bound(raises(NotImplementedError("Exercise 9.2")))
    assert not result.passed and result.slip == "not_implemented"


def _with(power=0, first=2, norm=np.linalg.norm, combine=np.prod, quarter=0.25):
    return lambda net: quarter ** (net.L - 1 + power) * combine([norm(net.w[l]) for l in range(first, net.L + 1)])


SLIP_CASES = [
    (check_delta_bound, lambda net: 4.0 ** -(net.L - 1), "weights_left_out", "weights multiply in too"),
    (check_delta_bound, _with(first=1), "first_layer_included", "‖w^1‖_F"),
    (check_delta_bound, _with(power=1), "exponent_off_by_one", "power of 1/4 is L."),
    (check_delta_bound, _with(power=-1), "exponent_off_by_one", "L − 2"),
    (check_delta_bound, _with(norm=lambda w: (w ** 2).sum()), "squared_norm", "square root"),
    (check_delta_bound, _with(combine=np.sum), "sum_not_product", "multiply"),
    (check_delta_bound, _with(norm=lambda w: np.linalg.norm(w, 2)), "spectral_norm", "Frobenius"),
    (check_delta_bound, _with(quarter=1.0), "missing_sigma_prime", "1/4"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES, ids=case_id(SLIP_CASES))
def test_slip_is_caught_and_named(checker, fn, slip, fragment):
    result = checker(fn)
    assert_names_slip(result, slip, fragment)
    assert_gives_no_code(result.message)


def test_a_list_of_factors_is_a_shape_problem():
    result = check_delta_bound(lambda net: [np.linalg.norm(net.w[l]) / 4 for l in range(2, net.L + 1)])
    assert result.slip == "wrong_shape" and "one number" in result.message


def test_no_explanation_shows_code():
    for slip in DELTA_BOUND_SLIPS:
        assert_gives_no_code(slip.explain)
