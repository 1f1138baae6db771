"""The backward-pass checkers of notebook 03: the sweep of errors and δ^1 of a linear network.

The learner functions are written the way a learner would write them, not taken from the
checkers' slip variants, so a checker that stops recognising a slip fails here.
"""

import numpy as np
import pytest

from bpcore.activations import sigmoid_prime
from bpcore.backprop import backward
from bpcore.feedback import check_deltas, check_linear_delta
from bpcore.feedback.backward_pass import DELTAS, DELTAS_SLIPS, LINEAR_DELTA, LINEAR_DELTA_SLIPS
from bpcore.network import forward
from tests.feedback.support import assert_names_slip, assert_passes, code_in

EQUATION = "the backward sweep"


def sweep(bp1=None, bp2=None, stop=0, post=lambda d: d):
    """A learner's sweep: BP1 at L, then BP2 down to layer stop + 1 (each replaceable)."""
    bp1 = bp1 or (lambda net, z, a, y, L: (a[L] - y) * net.sigma(L).prime(z[L]))
    bp2 = bp2 or (lambda net, l, d, z, a: (net.w[l + 1].T @ d[l + 1]) * net.sigma(l).prime(z[l]))

    def my_deltas(net, x, y):
        z, a = forward(net, x)
        L = net.L
        delta = [None] * (L + 1)
        delta[L] = bp1(net, z, a, y, L)
        for l in range(L - 1, stop, -1):
            delta[l] = bp2(net, l, delta, z, a)
        return post(delta)
    return my_deltas


def test_a_correct_sweep_passes_and_so_does_bpcore():
    assert_passes(check_deltas(sweep()), EQUATION)
    assert_passes(check_deltas(lambda net, x, y: backward(net, x, y, "quadratic").delta), EQUATION)


SWEEP_SLIPS = [
    (sweep(bp2=lambda net, l, d, z, a: (net.w[l + 1].T @ d[l + 1]) * sigmoid_prime(z[l])),
     "ignores_sigma", "derivative of its own activation"),
    (sweep(bp1=lambda net, z, a, y, L: (a[L] - y) * net.sigma(L).prime(a[L]),
           bp2=lambda net, l, d, z, a: (net.w[l + 1].T @ d[l + 1]) * net.sigma(l).prime(a[l])),
     "sigma_prime_of_a", "not the activation a"),
    (sweep(bp2=lambda net, l, d, z, a: (net.w[l + 1] @ d[l + 1]) * net.sigma(l).prime(z[l])),
     "missing_transpose", "transpose is missing"),
    (sweep(bp2=lambda net, l, d, z, a: (net.w[l + 1].T @ d[l + 1]) * net.sigma(l + 1).prime(z[l + 1])),
     "sigma_prime_of_next_layer", "the next layer's"),
    (sweep(bp2=lambda net, l, d, z, a: net.w[l + 1].T @ d[l + 1]), "missing_sigma_prime", "BP2 steps lack"),
    (sweep(bp1=lambda net, z, a, y, L: a[L] - y), "missing_sigma_prime", "δ^L lacks σ'(z^L)"),
    (sweep(bp1=lambda net, z, a, y, L: (y - a[L]) * net.sigma(L).prime(z[L])), "wrong_sign", "wrong sign"),
    (sweep(stop=1), "stopped_early", "stopped before layer 1"),
    (sweep(post=lambda d: d[1:]), "not_indexed_by_layer", "slot 0 is missing"),
    (sweep(post=lambda d: [np.zeros(1)] + d[1:]), "wrong_values", "delta[0] is not None"),
    (sweep(post=lambda d: d + [None]), "wrong_shape", "L + 1 = 4"),
    (sweep(post=lambda d: np.array(d[1:], dtype=object)), "wrong_type", "indexed like the network"),
]


@pytest.mark.parametrize("fn, slip, fragment", SWEEP_SLIPS, ids=[f"{s}-{i}" for i, (_, s, _) in enumerate(SWEEP_SLIPS)])
def test_sweep_slip_is_caught_and_named(fn, slip, fragment):
    assert_names_slip(check_deltas(fn), slip, fragment)


def test_a_wrong_bp2_step_is_located_at_its_layer():
    fn = sweep(bp2=lambda net, l, d, z, a: (net.w[l + 1].T @ d[l + 1]) * net.sigma(l).prime(z[l]) + 0.1 * (l == 1))
    result = check_deltas(fn)
    assert result.slip == "wrong_values"
    assert "δ^3 (BP1) is right, and so is δ^2; your δ^1[" in result.message
    assert "the BP2 step that makes δ^1 from δ^2" in result.message


def test_a_wrong_bp1_is_located_at_the_start_of_the_sweep():
    result = check_deltas(sweep(bp1=lambda net, z, a, y, L: 0.5 * (a[L] - y) * net.sigma(L).prime(z[L]) + 0.01))
    assert result.slip == "wrong_values"
    assert "your δ^3[" in result.message and "BP1, where the sweep starts" in result.message


def linear(order="backwards", transpose=True, first=2):
    def linear_delta_1(net, delta_L):
        layers = range(net.L, first - 1, -1) if order == "backwards" else range(first, net.L + 1)
        d = delta_L
        for l in layers:
            d = (net.w[l].T if transpose else net.w[l]) @ d
        return d
    return linear_delta_1


def product_form(net, delta_L):
    m = np.eye(net.sizes[1])
    for l in range(2, net.L + 1):
        m = m @ net.w[l].T
    return m @ delta_L


def test_a_correct_linear_delta_passes_loop_or_product():
    for fn in (linear(), product_form):
        assert_passes(check_linear_delta(fn), "BP2 in a linear network")


LINEAR_SLIPS = [
    (linear(order="forwards"), "reversed_product", "(w^2)^T first"),
    (linear(transpose=False), "missing_transpose", "without their transposes"),
    (linear(first=1), "extra_layer", "includes (w^1)^T"),
    (linear(first=3), "stopped_early", "one factor early"),
]


@pytest.mark.parametrize("fn, slip, fragment", LINEAR_SLIPS, ids=[s for _, s, _ in LINEAR_SLIPS])
def test_linear_slip_is_caught_and_named(fn, slip, fragment):
    assert_names_slip(check_linear_delta(fn), slip, fragment)


def test_no_message_gives_the_corrected_code_away():
    texts = [s.explain for s in DELTAS_SLIPS + LINEAR_DELTA_SLIPS] + [DELTAS.shape_hint, LINEAR_DELTA.shape_hint]
    texts += [check_deltas(fn).message for fn, _, _ in SWEEP_SLIPS]
    texts += [check_linear_delta(fn).message for fn, _, _ in LINEAR_SLIPS]
    assert [(t, code_in(t)) for t in texts if code_in(t)] == []
