"""bpcore.handouts.hidden: every hidden test passes a right answer and fails a wrong one, quietly and by name.

Each checker with a hidden test gets a correct function (written from the maths, not from
bpcore) and a wrong one that makes a usual slip the visible cases might not catch; the hidden
test must pass the first and fail the second with a message that names the exercise and the
quantity but prints no number of the reference.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from bpcore.activations import sigmoid_prime
from bpcore.backprop import backward
from bpcore.handouts.hidden import HIDDEN, HiddenTestFailure, run_hidden_tests
from bpcore.network import Network


def _sp(z):
    return sigmoid_prime(z)


def _forward_pass(net, x):
    z, a = [None], [x]
    for l in range(1, net.L + 1):
        z.append(net.w[l] @ a[-1] + net.b[l])
        a.append(net.sigma(l)(z[-1]))
    return z, a


def _deltas(net, x, y):
    z, a = _forward_pass(net, x)
    d = [None] * (net.L + 1)
    d[net.L] = (a[-1] - y) * net.sigma(net.L).prime(z[-1])
    for l in range(net.L - 1, 0, -1):
        d[l] = (net.w[l + 1].T @ d[l + 1]) * net.sigma(l).prime(z[l])
    return d


def _numerical_gradient(f, p, h):
    grad = np.zeros(p.shape)
    for i in np.ndindex(p.shape):
        old = p[i]
        try:
            p[i] = old + h
            up = f()
            p[i] = old - h
            grad[i] = (up - f()) / (2 * h)
        finally:
            p[i] = old
    return grad


def _step(net, grads_w, grads_b, scale):
    return net.with_params([None] + [net.w[l] - scale * grads_w[l] for l in range(1, net.L + 1)],
                           [None] + [net.b[l] - scale * grads_b[l] for l in range(1, net.L + 1)])


def _sgd_epoch(net, x, y, cost, eta, m, rng):
    perm = rng.permutation(x.shape[1])
    for k in range(0, perm.size, m):
        cols = perm[k:k + m]
        g = backward(net, x[:, cols], y[:, cols], cost)
        net = _step(net, g.grad_w, g.grad_b, eta / cols.size)
    return net


def _minibatch_step(net, example_grads, eta):
    L, m = net.L, len(example_grads)
    sw = [None] + [sum(g.grad_w[l] for g in example_grads) for l in range(1, L + 1)]
    sb = [None] + [sum(g.grad_b[l] for g in example_grads) for l in range(1, L + 1)]
    return _step(net, sw, sb, eta / m)


def _softmax_long(z, a, y):
    return a * y.sum(axis=0, keepdims=True) - y


def _verdict(g, g_num, u, near_kink, tol):
    diff, allowed = np.abs(g - g_num), u + tol * (np.abs(g) + np.abs(g_num))
    if np.any(diff > allowed):
        return "cannot tell" if near_kink else "wrong"
    return "cannot tell" if np.linalg.norm(g_num) <= np.linalg.norm(u) else "agrees"


def _relative_error_verdict(g, g_num, u, near_kink, tol):
    return "agrees" if np.linalg.norm(g - g_num) <= tol * (np.linalg.norm(g) + np.linalg.norm(g_num)) else "wrong"


def _step_choice(g, noise, steps):
    return steps[int(np.argmin([noise / h + abs(g(2 * h) - g(h)) / 3 for h in steps]))]


def _swallows(f, p, h):
    """A central difference that hides f's errors (it returns zeros instead)."""
    try:
        return _numerical_gradient(f, p, h)
    except Exception:
        return np.zeros(p.shape)


def _hidden_sizes(net, x, y):
    return {cost: float(np.linalg.norm(backward(net, x, y, cost).delta[1])) for cost in ("quadratic", "cross_entropy")}


# checker -> (a right answer, a wrong one: a slip that matters on fresh inputs)
def _sweep_choice(sweep, by=None):
    """Exercise 7.3: the η with the lowest final held-out loss (or ``by``) among runs that did not fail."""
    by = sweep.final_val_loss if by is None else by
    ok = np.flatnonzero(~(sweep.diverged | sweep.rose))
    return float(sweep.etas[ok[np.argmin(by[ok])]])


ANSWERS = {
    "check_layer_shapes": (
        lambda sizes, m: [((sizes[l], sizes[l - 1]), (sizes[l], 1), (sizes[l], m)) for l in range(1, len(sizes))],
        lambda sizes, m: [((sizes[l - 1], sizes[l]), (sizes[l], 1), (sizes[l], m)) for l in range(1, len(sizes))]),
    "check_weight_index": (
        lambda sizes, l, j, k: ((sizes[l], sizes[l - 1]), (j - 1, k - 1)),
        lambda sizes, l, j, k: ((sizes[l], sizes[l - 1]), (j, k))),
    "check_batch_sizes": (
        lambda N, m: [min(m, N - k) for k in range(0, N, m)],
        lambda N, m: [m] * (N // m)),
    "check_seed_weighted_input": (
        lambda w, b, a_prev, k: float(w[k] @ a_prev[:, 0] + b[k, 0]),
        lambda w, b, a_prev, k: float(w[:, k % w.shape[1]].sum() * a_prev[0, 0] + b[k, 0])),
    "check_forward": (
        lambda w, b, a_prev, sigma: (w @ a_prev + b, sigma(w @ a_prev + b)),
        lambda w, b, a_prev, sigma: (w @ a_prev + b, 1 / (1 + np.exp(-(w @ a_prev + b))))),
    "check_forward_pass": (
        _forward_pass,
        lambda net, x: _forward_pass(Network(net.sizes, net.w, net.b, net.hidden, net.hidden), x)),
    "check_bp1": (
        lambda z, a, y: (a - y) * _sp(z),
        lambda z, a, y: (a - y) * _sp(z) / z.shape[1]),
    "check_cross_entropy_delta": (
        lambda z, a, y: a - y,
        lambda z, a, y: (a - y) * _sp(z)),
    "check_tanh_output_error": (
        lambda z, a, y: (a - y) * (1 - np.tanh(z) ** 2),
        lambda z, a, y: (a - y) * (1 - z ** 2)),
    "check_softmax_delta": (
        lambda z, a, y: a - y,
        lambda z, a, y: (a - y) / z.shape[1]),
    "check_softmax_delta_long": (_softmax_long, lambda z, a, y: a - y),
    "check_bp2": (
        lambda w, d, z: (w.T @ d) * _sp(z),
        lambda w, d, z: (w.T @ d) * _sp(z[:, :1])),
    "check_bp3": (
        lambda d: d.sum(axis=1, keepdims=True),
        lambda d: d[:, :2].sum(axis=1, keepdims=True)),
    "check_bp4": (
        lambda d, a: d @ a.T,
        lambda d, a: d @ a.T / d.shape[1]),
    "check_deltas": (_deltas, lambda net, x, y: _deltas(net, x, y)[:-1] + [None]),
    "check_cross_entropy_backward": (
        lambda net, x, y: backward(net, x, y, "cross_entropy"),
        lambda net, x, y: (lambda g: (g.grad_w, g.grad_b))(backward(net, x, y, "quadratic"))),
    "check_target_change_factor": (
        lambda a_out, y_old, y_new: (a_out - y_new) / (a_out - y_old),
        lambda a_out, y_old, y_new: a_out / (a_out - 1)),   # right only for y_old = 1, y_new = 0
    "check_linear_delta": (
        lambda net, d: net.w[2].T @ (net.w[3].T @ d),
        lambda net, d: net.w[2].T @ d if net.sizes[2] == net.sizes[3] else np.zeros((net.sizes[1], d.shape[1]))),
    "check_hidden_delta_sizes": (_hidden_sizes, lambda net, x, y: {k: 2 * v for k, v in _hidden_sizes(net, x, y).items()}),
    "check_delta_bound": (
        lambda net: 4.0 ** -(net.L - 1) * np.prod([np.linalg.norm(net.w[l]) for l in range(2, net.L + 1)]),
        lambda net: 4.0 ** -(net.L - 1) * np.prod([np.linalg.norm(net.w[l], 2) for l in range(2, net.L + 1)])),
    "check_numerical_gradient": (_numerical_gradient, lambda f, p, h: _numerical_gradient(f, p, 1e-4)),
    "check_gradient_verdict": (_verdict, _relative_error_verdict),
    "check_step_choice": (_step_choice, lambda g, noise, steps: 1e-4),
    "check_update_parameter": (
        lambda p, g, eta, m: p - (eta / m) * g,
        lambda p, g, eta, m: p - eta * g / max(m, 2)),
    "check_minibatch_step": (_minibatch_step, lambda net, grads, eta: _minibatch_step(net, grads[-1:], eta)),
    "check_sgd_epoch": (
        _sgd_epoch,
        lambda net, x, y, cost, eta, m, rng: _sgd_epoch(net, x, y, cost, eta, m if m > 1 else 2, rng)),
    "check_update_ratio": (
        lambda net, g, eta, m: [None] + [eta / m * np.linalg.norm(g.grad_w[l]) / np.linalg.norm(net.w[l])
                                         for l in range(1, net.L + 1)],
        lambda net, g, eta, m: [None] + [eta * np.linalg.norm(g.grad_w[l]) / np.linalg.norm(net.w[l])
                                         for l in range(1, net.L + 1)]),
    "check_sweep_choice": (_sweep_choice, lambda sweep: _sweep_choice(sweep, by=sweep.final_loss)),
    "check_edge_of_stability": (
        lambda H: 2 / np.linalg.eigvalsh(H)[-1],
        lambda H: 2 / np.max(np.diag(H))),
    "check_xavier_init": (
        lambda n_in, n_out, rng: rng.normal(0.0, np.sqrt(2 / (n_in + n_out)), (n_out, n_in)),
        lambda n_in, n_out, rng: rng.normal(0.0, np.sqrt(1 / n_in), (n_out, n_in))),
}


def test_every_hidden_test_has_a_right_and_a_wrong_answer_here():
    assert set(ANSWERS) == set(HIDDEN)


@pytest.mark.parametrize("checker", sorted(HIDDEN))
def test_a_right_answer_passes_its_hidden_test(checker):
    run_hidden_tests("9.9", checker, ANSWERS[checker][0])


@pytest.mark.parametrize("checker", sorted(HIDDEN))
def test_a_wrong_answer_fails_its_hidden_test_without_showing_numbers(checker):
    with pytest.raises(HiddenTestFailure) as info:
        run_hidden_tests("9.9", checker, ANSWERS[checker][1])
    message = str(info.value)
    assert message.startswith("Exercise 9.9, hidden test: ")
    assert not re.search(r"\d\.\d{3}", message), f"{checker}: a reference value in {message!r}"


def test_a_central_difference_must_pass_on_the_error_f_raises():
    with pytest.raises(HiddenTestFailure, match=r"what your function raises \(f's error, passed on\)"):
        run_hidden_tests("5.1", "check_numerical_gradient", _swallows)


def test_a_stub_and_a_function_that_raises_fail_by_name():
    def stub(*args):
        raise NotImplementedError("Exercise 2.1")

    with pytest.raises(HiddenTestFailure, match=r"Exercise 2.1, hidden test: your function raised NotImplementedError"):
        run_hidden_tests("2.1", "check_bp1", stub)
    with pytest.raises(HiddenTestFailure, match="your δ\\^L differs from bpcore's"):
        run_hidden_tests("2.1", "check_bp1", lambda z, a, y: None)


def test_hidden_inputs_are_fixed_per_exercise_and_fresh_across_exercises():
    seen = []

    def spy(delta):
        seen.append(delta.copy())
        return delta.sum(axis=1, keepdims=True)

    for exercise in ("4.1", "4.1", "4.2"):
        run_hidden_tests(exercise, "check_bp3", spy)
    first, again, other = seen[:3], seen[3:6], seen[6:]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not any(a.shape == b.shape and np.allclose(a, b) for a, b in zip(first, other))
    assert first[0].shape[1] == 1   # one example among the fresh cases


def test_an_unknown_checker_says_where_to_add_its_hidden_test():
    with pytest.raises(KeyError, match="no hidden test for check_nothing; add one to bpcore.handouts.hidden.HIDDEN"):
        run_hidden_tests("1.1", "check_nothing", print)
