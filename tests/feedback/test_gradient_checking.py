"""check_numerical_gradient: a central difference passes; one-sided, mis-scaled or mis-perturbed ones are named."""

import numpy as np
import pytest

from bpcore.feedback import check_numerical_gradient
from bpcore.gradcheck import numerical_gradient
from tests.feedback.support import assert_names_slip, assert_passes, case_id


def numgrad_ok(f, p, h):
    grad = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        old = p[i]
        try:
            p[i] = old + h
            fp = f()
            p[i] = old - h
            fm = f()
        finally:
            p[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


@pytest.mark.parametrize("fn", [numgrad_ok, numerical_gradient], ids=lambda f: f.__name__)
def test_correct_solution_passes(fn):
    assert_passes(check_numerical_gradient(fn), "central difference")


def test_confirms_backprop():
    assert "agrees with backprop's ∂C/∂w^1" in check_numerical_gradient(numgrad_ok).message


def _numgrad(kind):
    def fn(f, p, h):
        grad = np.zeros_like(p)
        f0 = f()
        if kind == "all":
            p += h
            fp = f()
            p -= 2 * h
            fm = f()
            p += h
            return np.full(p.shape, (fp - fm) / (2 * h))
        for i in np.ndindex(p.shape):
            old = p[i]
            if kind == "forward":
                p[i] = old + h
                grad[i] = (f() - f0) / h
            elif kind == "backward":
                p[i] = old - h
                grad[i] = (f0 - f()) / h
            elif kind == "over_h":
                p[i] = old + h
                fp = f()
                p[i] = old - h
                grad[i] = (fp - f()) / h
            elif kind == "sign":
                p[i] = old + h
                fp = f()
                p[i] = old - h
                grad[i] = (f() - fp) / (2 * h)
            elif kind == "copy":
                q = p.copy()
                q[i] = old + h
                fp = f()
                q[i] = old - h
                grad[i] = (fp - f()) / (2 * h)
            elif kind == "not_restored":
                p[i] = old + h
                fp = f()
                p[i] = old - h
                grad[i] = (fp - f()) / (2 * h)
                continue
            p[i] = old
        return grad
    return fn


SLIP_CASES = [
    (check_numerical_gradient, _numgrad("forward"), "forward_difference", "central difference"),
    (check_numerical_gradient, _numgrad("backward"), "backward_difference", "central difference"),
    (check_numerical_gradient, _numgrad("over_h"), "missing_factor_2", "2h"),
    (check_numerical_gradient, _numgrad("sign"), "wrong_sign", "wrong sign"),
    (check_numerical_gradient, _numgrad("all"), "perturbed_all_at_once", "one element at a time"),
    (check_numerical_gradient, _numgrad("copy"), "perturbation_not_seen", "in place"),
    (check_numerical_gradient, _numgrad("not_restored"), "p_not_restored", "old value back"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES, ids=case_id(SLIP_CASES))
def test_slip_is_caught_and_named(checker, fn, slip, fragment):
    assert_names_slip(checker(fn), slip, fragment)


def test_the_sign_slip_has_a_test():
    assert ("check_numerical_gradient", "wrong_sign") in {(c.__name__, s) for c, _, s, _ in SLIP_CASES}


def test_a_function_that_leaves_p_changed_does_not_shift_later_checks():
    """After p_not_restored the checker's own p is put back, so the same check gives the same answer."""
    first = check_numerical_gradient(_numgrad("not_restored"))
    assert check_numerical_gradient(numgrad_ok).passed
    assert check_numerical_gradient(_numgrad("not_restored")) == first


# --------------------------------------------------------------------------- p restored when f raises


def numgrad_without_finally(f, p, h):
    grad = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        old = p[i]
        p[i] = old + h
        fp = f()
        p[i] = old - h
        fm = f()
        p[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def numgrad_that_swallows(f, p, h):
    grad = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        old = p[i]
        try:
            p[i] = old + h
            fp = f()
            p[i] = old - h
            grad[i] = (fp - f()) / (2 * h)
        except Exception:
            pass
        finally:
            p[i] = old
    return grad


def numgrad_restores_in_except(f, p, h):
    grad = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        old = p[i]
        try:
            p[i] = old + h
            fp = f()
            p[i] = old - h
            fm = f()
        except Exception:
            p[i] = old
            raise
        p[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def test_a_central_difference_without_finally_is_caught_when_f_raises():
    result = check_numerical_gradient(numgrad_without_finally)
    assert_names_slip(result, "p_not_restored_on_error", "`finally`")
    assert "right numbers" in result.message


def test_a_function_that_hides_f_s_error_is_caught():
    assert_names_slip(check_numerical_gradient(numgrad_that_swallows), "exception_swallowed", "let f's own error through")


def test_restoring_in_an_except_clause_that_re_raises_also_passes():
    result = check_numerical_gradient(numgrad_restores_in_except)
    assert_passes(result, "central difference")
    assert "let it through and p was restored" in result.message


def test_the_check_that_makes_f_raise_leaves_the_test_problem_as_it_was():
    first = check_numerical_gradient(numgrad_without_finally)
    assert check_numerical_gradient(numgrad_ok).passed
    assert check_numerical_gradient(numgrad_without_finally) == first


def test_the_stub_is_not_implemented():
    def stub(f, p, h):
        raise NotImplementedError("Exercise 5.1")
    result = check_numerical_gradient(stub)
    assert not result.passed and result.slip == "not_implemented"
