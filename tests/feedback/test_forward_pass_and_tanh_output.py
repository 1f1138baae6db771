"""check_forward_pass (Exercise 1.2) and check_tanh_output_error (Exercise 2.3): correct code passes, slips named.

The learner functions are written the way a learner would write them.
"""

import numpy as np
import pytest

from bpcore.activations import sigmoid, sigmoid_prime, tanh_prime
from bpcore.feedback import check_forward_pass, check_tanh_output_error
from tests.feedback.support import assert_names_slip, assert_passes, case_id, raises


def forward_ok(net, x):
    z, a = [None], [x]
    for l in range(1, net.L + 1):
        z.append(net.w[l] @ a[l - 1] + net.b[l])
        a.append(net.sigma(l)(z[l]))
    return z, a


def forward_with(activation=None, bias=True, swap=False, drop_slot_0=False):
    """A learner's forward pass with one thing done wrong."""
    def fn(net, x):
        z, a = [None], [x]
        for l in range(1, net.L + 1):
            z.append(net.w[l] @ a[l - 1] + (net.b[l] if bias else 0))
            a.append((activation(net, l) if activation else net.sigma(l))(z[l]))
        if drop_slot_0:
            z, a = z[1:], a[1:]
        return (a, z) if swap else (z, a)
    return fn


def tanh_ok(z_L, a_L, y):
    return (a_L - y) * (1 - np.tanh(z_L) ** 2)


def tanh_ok_in_a(z_L, a_L, y):
    return (a_L - y) * (1 - a_L ** 2)


def tanh_ok_bpcore(z_L, a_L, y):
    return (a_L - y) * tanh_prime(z_L)


@pytest.mark.parametrize("fn", [tanh_ok, tanh_ok_in_a, tanh_ok_bpcore], ids=lambda f: f.__name__)
def test_correct_tanh_output_error_passes_and_agrees_with_finite_differences(fn):
    result = check_tanh_output_error(fn)
    assert_passes(result, "BP1 (tanh output)")
    assert "agrees with finite differences" in result.message


def test_correct_forward_pass_passes():
    assert_passes(check_forward_pass(forward_ok), "forward pass")


def test_a_forward_pass_returning_tuples_passes():
    assert check_forward_pass(lambda net, x: tuple(tuple(v) for v in forward_ok(net, x))).passed


SLIP_CASES = [
    (check_forward_pass, forward_with(swap=True), "swapped_outputs", "(z, a)"),
    (check_forward_pass, forward_with(drop_slot_0=True), "not_indexed_like_layers", "z[0] = None"),
    (check_forward_pass, forward_with(activation=lambda net, l: sigmoid), "ignores_sigma", "own activation"),
    (check_forward_pass, forward_with(activation=lambda net, l: net.sigma(net.L)), "wrong_layer_activation",
     "output layer's σ at every layer"),
    (check_forward_pass, forward_with(activation=lambda net, l: net.sigma(1)), "wrong_layer_activation",
     "hidden layers' σ at the output layer"),
    (check_forward_pass, forward_with(activation=lambda net, l: (lambda z: z)), "missing_activation", "σ(z^l)"),
    (check_forward_pass, forward_with(bias=False), "missing_bias", "b^l"),
    (check_tanh_output_error, lambda z, a, y: (a - y) * tanh_prime(a), "sigma_prime_of_a", "not the activation"),
    (check_tanh_output_error, lambda z, a, y: (a - y) * (1 - z ** 2), "tanh_form_on_z", "given a, not z"),
    (check_tanh_output_error, lambda z, a, y: (a - y) * (1 - np.tanh(z)), "missing_square", "square"),
    (check_tanh_output_error, lambda z, a, y: (a - y) * (1 - a), "missing_square", "square"),
    (check_tanh_output_error, lambda z, a, y: (a - y) * sigmoid_prime(z), "other_activation_prime", "sigmoid"),
    (check_tanh_output_error, lambda z, a, y: (a - y) * a * (1 - a), "other_activation_prime", "sigmoid"),
    (check_tanh_output_error, lambda z, a, y: a - y, "missing_sigma_prime", "Nothing cancels"),
    (check_tanh_output_error, lambda z, a, y: (a - y) * np.tanh(z), "sigma_not_prime", "not its derivative"),
    (check_tanh_output_error, lambda z, a, y: (y - a) * (1 - a ** 2), "wrong_sign", "sign is flipped"),
    (check_tanh_output_error, lambda z, a, y: 2 * (a - y) * (1 - a ** 2), "factor_two", "½"),
    (check_tanh_output_error, lambda z, a, y: (a - y) * (1 - a ** 2) / z.shape[1], "divided_by_m", "update rule"),
    (check_tanh_output_error, lambda z, a, y: np.dot(a - y, (1 - a ** 2).T), "matmul_not_hadamard", "elementwise"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES, ids=case_id(SLIP_CASES))
def test_slip_is_caught_and_named(checker, fn, slip, fragment):
    assert_names_slip(checker(fn), slip, fragment)


def test_a_wrong_layer_is_located():
    def second_layer_wrong(net, x):
        z, a = forward_ok(net, x)
        z[2] = z[2] + 1.0
        return z, a
    result = check_forward_pass(second_layer_wrong)
    assert result.slip == "wrong_values"
    assert "your z^2 is the first thing that differs" in result.message
    assert "the layers before it are right" in result.message


def test_wrong_lengths_and_slot_0_are_explained():
    assert "length L + 1 = 4" in check_forward_pass(lambda net, x: ([None], [x])).message
    result = check_forward_pass(lambda net, x: ([x] + forward_ok(net, x)[0][1:], forward_ok(net, x)[1]))
    assert result.slip == "not_indexed_like_layers" and "z[0] is not None" in result.message


def test_every_layer_reading_x_is_a_shape_problem():
    def reads_x(net, x):
        z, a = [None], [x]
        for l in range(1, net.L + 1):
            z.append(net.w[l] @ x + net.b[l])
            a.append(net.sigma(l)(z[l]))
        return z, a
    result = check_forward_pass(reads_x)
    assert result.slip == "shape_mismatch" and "the layer just before it" in result.message


@pytest.mark.parametrize("checker", [check_forward_pass, check_tanh_output_error], ids=lambda c: c.__name__)
def test_generic_failures_are_explained_by_the_engine(checker, monkeypatch):
    from tests.feedback import test_engine as generic

    result = checker(raises(NotImplementedError("Exercise 1.2: write it")))
    assert result.slip == "not_implemented" and "not implemented yet (Exercise 1.2: write it)" in result.message
    generic.test_exception_becomes_feedback(checker)
    generic.test_returning_none_is_explained(checker)
    generic.test_not_a_function(checker)
    generic.test_non_array_result(checker)
    generic.test_every_failing_verdict_has_the_engine_header_and_footer(checker)
    generic.test_every_verdict_is_built_by_the_engine(checker, monkeypatch)
    doc = checker.__doc__
    assert "Parameters" in doc and "Returns" in doc and "shape" in doc and "Taught in ``notebooks/" in doc
