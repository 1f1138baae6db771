"""The training checkers: the update rule, one epoch of minibatch SGD, the update/weight ratio."""

import numpy as np
import pytest

from bpcore.backprop import backward
from bpcore.feedback import check_sgd_epoch, check_update_parameter, check_update_ratio
from bpcore.network import Network
from bpcore.train import sgd_epoch
from bpcore.update import update
from tests.feedback.support import assert_names_slip, assert_passes, case_id

# --------------------------------------------------------------------------- the update rule


def update_ok(p, grad_sum, eta, m):
    return p - (eta / m) * grad_sum


def test_correct_update_passes():
    assert_passes(check_update_parameter(update_ok), "update")


SLIP_CASES = [
    (check_update_parameter, lambda p, g, eta, m: p - eta * g, "missing_1_over_m", "1/m is missing"),
    (check_update_parameter, lambda p, g, eta, m: p - eta * m * g, "eta_times_m", "not η·m"),
    (check_update_parameter, lambda p, g, eta, m: p - g / m, "missing_eta", "η is missing"),
    (check_update_parameter, lambda p, g, eta, m: p - m / eta * g, "m_over_eta", "upside down"),
    (check_update_parameter, lambda p, g, eta, m: p + eta / m * g, "wrong_sign", "climbs the gradient"),
    (check_update_parameter, lambda p, g, eta, m: eta / m * g, "returned_step", "not the new parameter"),
    (check_update_parameter, lambda p, g, eta, m: -eta / m * g, "returned_step", "not the new parameter"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES, ids=case_id(SLIP_CASES))
def test_update_slip_is_caught_and_named(checker, fn, slip, fragment):
    assert_names_slip(checker(fn), slip, fragment)


def test_the_step_size_slips_each_have_a_test():
    tested = {s for _, _, s, _ in SLIP_CASES}
    for slip in ("missing_1_over_m", "eta_times_m", "missing_eta", "m_over_eta", "wrong_sign"):
        assert slip in tested


# --------------------------------------------------------------------------- one epoch of SGD


def _scaled_epoch(scale_m, sign=1.0, shuffle=True):
    def fn(net, x, y, cost, eta, m, rng):
        perm = rng.permutation(x.shape[1]) if shuffle else np.arange(x.shape[1])
        for k in range(0, x.shape[1], m):
            cols = perm[k:k + m]
            g = backward(net, x[:, cols], y[:, cols], cost)
            net = update(net, g, sign * eta, scale_m(m)) if sign > 0 else net.with_params(
                [None] + [net.w[l] + (eta / m) * g.grad_w[l] for l in range(1, net.L + 1)],
                [None] + [net.b[l] + (eta / m) * g.grad_b[l] for l in range(1, net.L + 1)])
        return net
    return fn


def test_check_sgd_epoch_accepts_bpcore_and_a_correct_loop():
    for fn in (sgd_epoch, _scaled_epoch(lambda m: m)):
        fb = check_sgd_epoch(fn)
        assert fb.passed and str(fb).startswith("✓ one epoch of minibatch SGD correct")


def test_check_sgd_epoch_passes_for_other_seeds_and_says_what_it_ran():
    fb = check_sgd_epoch(sgd_epoch, seed=3)
    assert fb.passed
    assert "(N = 45, m = 5, η = 0.5, 9 steps)" in fb.message


@pytest.mark.parametrize("fn, words, slip", [
    (_scaled_epoch(lambda m: 1), "m times too large", "missing_1_over_m"),
    (_scaled_epoch(lambda m: m * m), "m times too small", "wrong_scale"),
    (_scaled_epoch(lambda m: m, sign=-1.0), "uphill", "wrong_sign"),
    (_scaled_epoch(lambda m: m, shuffle=False), "did not shuffle", "no_shuffle"),
    (lambda net, *args: net, "did not change", "wrong_values"),
    (lambda *args: None, "returned NoneType", "returned_none"),
    (lambda *args: 1 / 0, "raised ZeroDivisionError", "exception"),
    (42, "pass your function itself", "not_callable"),
])
def test_check_sgd_epoch_names_the_slip(fn, words, slip):
    fb = check_sgd_epoch(fn)
    assert not fb.passed and words in str(fb) and fb.slip == slip
    assert "Traceback" not in str(fb)


def test_check_sgd_epoch_on_the_stub():
    def stub(*args):
        raise NotImplementedError("Exercise 7.1")
    fb = check_sgd_epoch(stub)
    assert "not implemented yet (Exercise 7.1)" in str(fb) and fb.slip == "not_implemented"


def test_check_sgd_epoch_is_not_fooled_by_a_network_changed_in_place():
    """The learner gets a copy: changing its weights in place cannot alter the reference or the slips."""
    def in_place_then_return(net, x, y, cost, eta, m, rng):
        for l in range(1, net.L + 1):
            net.w[l][...] = 0.0
        return net
    fb = check_sgd_epoch(in_place_then_return)
    assert not fb.passed and fb.slip == "wrong_values" and "differ from bpcore.train.sgd_epoch" in fb.message


def test_check_sgd_epoch_a_network_of_other_sizes_is_wrong_not_an_error():
    def no_hidden_layer(net, *args):
        return Network((2, 1), [None, np.zeros((1, 2))], [None, np.zeros((1, 1))])
    fb = check_sgd_epoch(no_hidden_layer)
    assert not fb.passed and fb.slip == "wrong_values"


# --------------------------------------------------------------------------- the update/weight ratio


def _ratios(scale):
    def fn(net, grads, eta, m):
        return [None] + [scale(eta, m) * np.linalg.norm(grads.grad_w[l]) / np.linalg.norm(net.w[l])
                         for l in range(1, net.L + 1)]
    return fn


def test_check_update_ratio_accepts_the_definition():
    fb = check_update_ratio(_ratios(lambda eta, m: eta / m))
    assert fb.passed and "layer 3:" in str(fb)
    assert "bpcore.update.update_ratios" in str(fb)


@pytest.mark.parametrize("fn, words", [
    (_ratios(lambda eta, m: 1.0), "lack the factor η/m"),
    (_ratios(lambda eta, m: eta), "m times too large"),
    (_ratios(lambda eta, m: 1 / m), "lack η"),
    (lambda net, grads, eta, m: [None] + [np.linalg.norm(net.w[l]) * m / eta
                                          / np.linalg.norm(grads.grad_w[l]) for l in (1, 2, 3)],
     "upside down"),
    (lambda net, grads, eta, m: [1.0, 2.0], "length L + 1 = 4"),
    (lambda net, grads, eta, m: [None, 1.0, 2.0, 3.0, 4.0], "length L + 1 = 4"),
    (lambda net, grads, eta, m: [None, 1e-3, 1e-3, 1e-3], "differ from"),
])
def test_check_update_ratio_names_the_slip(fn, words):
    fb = check_update_ratio(fn)
    assert not fb.passed and words in str(fb)


@pytest.mark.parametrize("fn, slip", [
    (_ratios(lambda eta, m: 1.0), "missing_eta"),
    (_ratios(lambda eta, m: eta), "missing_1_over_m"),
    (_ratios(lambda eta, m: 1 / m), "missing_eta"),
    (lambda net, grads, eta, m: [1.0, 2.0], "wrong_type"),
    (lambda net, grads, eta, m: [None, 1.0, 2.0, 3.0, 4.0], "wrong_shape"),
])
def test_check_update_ratio_slip_ids(fn, slip):
    assert check_update_ratio(fn).slip == slip
