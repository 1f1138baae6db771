"""The equation checkers (forward, BP1, cross-entropy δ, BP2, BP3, BP4): correct code passes, each slip is named.

Every "learner" function below is written the way a learner would write the
mistake, not computed from the checker's own slip variants, so these tests
fail if a checker stops recognising a slip (or starts blaming the wrong one).
"""

import numpy as np
import pytest

from bpcore.activations import sigmoid, sigmoid_prime
from bpcore.feedback import (check_bp1, check_bp2, check_bp3, check_bp4, check_cross_entropy_delta,
                             check_forward)
from tests.feedback.support import assert_names_slip, assert_passes, case_id

sp = sigmoid_prime


def forward_ok(w, b, a_prev, sigma):
    z = w @ a_prev + b
    return z, sigma(z)


def bp1_ok(z_L, a_L, y):
    return (a_L - y) * sp(z_L)


def bp1_ok_long(z_L, a_L, y):
    # C'(a) ⊙ σ'(z) with σ'(z) written as a(1 − a): also correct
    return (a_L - y) * a_L * (1 - a_L)


def ce_ok(z_L, a_L, y):
    return a_L - y


def ce_ok_long(z_L, a_L, y):
    return (a_L - y) / (a_L * (1 - a_L)) * sp(z_L)


def bp2_ok(w_next, delta_next, z_l):
    return (w_next.T @ delta_next) * sp(z_l)


def bp3_ok(delta_l):
    return delta_l.sum(axis=1, keepdims=True)


def bp4_ok(delta_l, a_prev):
    return delta_l @ a_prev.T


def bp4_ok_loop(delta_l, a_prev):
    # the sum of per-example outer products: same result, written as a loop
    g = np.zeros((delta_l.shape[0], a_prev.shape[0]))
    for i in range(delta_l.shape[1]):
        g += np.outer(delta_l[:, i], a_prev[:, i])
    return g


CORRECT = [
    (check_forward, forward_ok, "forward"),
    (check_bp1, bp1_ok, "BP1"),
    (check_bp1, bp1_ok_long, "BP1"),
    (check_cross_entropy_delta, ce_ok, "BP1 (cross-entropy)"),
    (check_cross_entropy_delta, ce_ok_long, "BP1 (cross-entropy)"),
    (check_bp2, bp2_ok, "BP2"),
    (check_bp3, bp3_ok, "BP3"),
    (check_bp4, bp4_ok, "BP4"),
    (check_bp4, bp4_ok_loop, "BP4"),
]


@pytest.mark.parametrize("checker, fn, equation", CORRECT, ids=lambda v: getattr(v, "__name__", str(v)))
def test_correct_solution_passes(checker, fn, equation):
    assert_passes(checker(fn), equation)


def test_derivative_checkers_confirm_finite_differences():
    for checker, fn in [(check_bp1, bp1_ok), (check_bp2, bp2_ok), (check_bp3, bp3_ok),
                        (check_bp4, bp4_ok), (check_cross_entropy_delta, ce_ok)]:
        assert "agrees with" in checker(fn).message


SLIP_CASES = [
    # check_forward
    (check_forward, lambda w, b, a, s: ((w @ a + b), s(w @ a + b))[::-1], "swapped_outputs", "(z, a)"),
    (check_forward, lambda w, b, a, s: (w.T @ a + b, s(w.T @ a + b)), "extra_transpose", "No transpose"),
    (check_forward, lambda w, b, a, s: (w @ a, s(w @ a)), "missing_bias", "bias"),
    (check_forward, lambda w, b, a, s: (w @ a + b.ravel(), s(w @ a + b.ravel())), "bias_as_row", "(n_l, 1)"),
    (check_forward, lambda w, b, a, s: (w @ a + b, w @ a + b), "missing_activation", "σ(z^l)"),
    (check_forward, lambda w, b, a, s: (w @ a + b, sigmoid(w @ a + b)), "ignores_sigma", "sigma passed in"),
    # check_bp1
    (check_bp1, lambda z, a, y: (a - y) * sp(a), "sigma_prime_of_a", "σ' takes the weighted input z^L"),
    (check_bp1, lambda z, a, y: (a - y) * z * (1 - z), "derivative_form_on_z", "must get a, not z"),
    (check_bp1, lambda z, a, y: (a - y) * sigmoid(z), "sigma_not_prime", "not its derivative"),
    (check_bp1, lambda z, a, y: (y - a) * sp(z), "wrong_sign", "sign is flipped"),
    (check_bp1, lambda z, a, y: a - y, "missing_sigma_prime", "σ'(z^L) is missing"),
    (check_bp1, lambda z, a, y: np.dot(a - y, sp(z)), "matmul_not_hadamard", "elementwise"),
    (check_bp1, lambda z, a, y: 2 * (a - y) * sp(z), "factor_two", "½"),
    (check_bp1, lambda z, a, y: (a - y) * sp(z) / z.shape[1], "divided_by_m", "update rule"),
    # check_cross_entropy_delta
    (check_cross_entropy_delta, lambda z, a, y: y - a, "wrong_sign", "sign is flipped"),
    (check_cross_entropy_delta, lambda z, a, y: (a - y) * sp(z), "kept_sigma_prime", "quadratic cost's δ^L"),
    (check_cross_entropy_delta, lambda z, a, y: (a - y) / (a * (1 - a)), "derivative_wrt_a", "∂C/∂a^L"),
    (check_cross_entropy_delta, lambda z, a, y: (a - y) / (a * (1 - a)) * sp(a), "sigma_prime_of_a",
     "not the activation a^L"),
    (check_cross_entropy_delta, lambda z, a, y: (a - y) / a.shape[1], "divided_by_m", "per example"),
    # check_bp2
    (check_bp2, lambda w, d, z: (w.T @ d) * sp(sigmoid(z)), "sigma_prime_of_a",
     "σ'(a^l) in place of σ'(z^l)"),
    (check_bp2, lambda w, d, z: (w.T @ d) * z * (1 - z), "derivative_form_on_z", "in terms of a = σ(z)"),
    (check_bp2, lambda w, d, z: (w @ d) * sp(z), "missing_transpose", "the transpose is missing"),
    (check_bp2, lambda w, d, z: np.dot(w, d) * sp(z), "missing_transpose", "wrong numbers"),
    (check_bp2, lambda w, d, z: w.T @ d, "missing_sigma_prime", "σ'(z^l) is missing"),
    (check_bp2, lambda w, d, z: (w.T @ d) * sigmoid(z), "sigma_not_prime", "derivative"),
    (check_bp2, lambda w, d, z: -(w.T @ d) * sp(z), "wrong_sign", "sign is flipped"),
    (check_bp2, lambda w, d, z: ((w.T @ d) * sp(z)).T, "transposed_result", "(n_l, m)"),
    (check_bp2, lambda w, d, z: (w.T @ d) * sp(z) / d.shape[1], "divided_by_m", "update rule"),
    # check_bp3
    (check_bp3, lambda d: d.mean(axis=1, keepdims=True), "mean_instead_of_sum", "SUM"),
    (check_bp3, lambda d: np.sum(d, axis=1) / d.shape[1] * d.shape[1], "missing_keepdims", "shape of its parameter"),
    (check_bp3, lambda d: d.sum(axis=0, keepdims=True), "wrong_axis", "columns are the examples"),
    (check_bp3, lambda d: d.sum(axis=0), "wrong_axis", "columns are the examples"),
    (check_bp3, lambda d: d, "no_sum", "add the m columns up"),
    (check_bp3, lambda d: d.sum(), "sum_all", "one number"),
    (check_bp3, lambda d: d[:, [0]], "one_example", "first example"),
    (check_bp3, lambda d: -d.sum(axis=1, keepdims=True), "wrong_sign", "sign is flipped"),
    # check_bp4
    (check_bp4, lambda d, a: d @ a, "missing_transpose", "without the transpose"),
    (check_bp4, lambda d, a: a @ d.T, "reversed_order", "shape of w^l"),
    (check_bp4, lambda d, a: d.T @ a, "wrong_transpose", "wrong factor"),
    (check_bp4, lambda d, a: d * a, "hadamard_not_outer", "outer product"),
    (check_bp4, lambda d, a: d @ a.T / d.shape[1], "mean_instead_of_sum", "sums over the m examples"),
    (check_bp4, lambda d, a: np.outer(d[:, 0], a[:, 0]), "one_example", "first example"),
    (check_bp4, lambda d, a: -(d @ a.T), "wrong_sign", "sign is flipped"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES, ids=case_id(SLIP_CASES))
def test_slip_is_caught_and_named(checker, fn, slip, fragment):
    assert_names_slip(checker(fn), slip, fragment)


def test_the_common_slips_each_have_a_test():
    """σ'(a) for σ'(z), a missing transpose, the sign and the mean for the sum, wherever they can happen."""
    tested = {(c.__name__, s) for c, _, s, _ in SLIP_CASES}
    for name in ("check_bp1", "check_bp2", "check_cross_entropy_delta"):
        assert (name, "sigma_prime_of_a") in tested
    for name in ("check_bp2", "check_bp4"):
        assert (name, "missing_transpose") in tested
    for name in ("check_bp1", "check_bp2", "check_bp3", "check_bp4", "check_cross_entropy_delta"):
        assert (name, "wrong_sign") in tested
    for name in ("check_bp3", "check_bp4"):
        assert (name, "mean_instead_of_sum") in tested


def test_sigma_prime_of_a_in_bp2_names_the_equation_then_the_slip():
    result = check_bp2(lambda w, d, z: (w.T @ d) * sp(sigmoid(z)))
    first, second = result.message.splitlines()[:2]
    assert first.startswith("✗ BP2: δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)")
    assert "σ' takes the weighted input z, not the activation a" in second


def test_missing_transpose_mentions_the_shape_error_of_the_non_square_case():
    result = check_bp4(lambda d, a: d @ a)
    assert result.slip == "missing_transpose"
    assert "ValueError: the shapes do not fit" in result.message


def test_bp2_messages_give_no_corrected_code_away():
    """BP2's slips and shape hint name the principle and the section, never the fixed line."""
    from bpcore.feedback.equations import BP2, BP2_SLIPS
    from tests.feedback.support import code_in
    texts = [s.explain for s in BP2_SLIPS] + [BP2.shape_hint]
    texts += [check_bp2(fn).message for c, fn, _, _ in SLIP_CASES if c is check_bp2]
    assert [(t, code_in(t)) for t in texts if code_in(t)] == []
