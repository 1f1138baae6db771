"""Hidden tests: the learner's function against bpcore on fresh random inputs, per checker.

A graded copy of the series (:mod:`bpcore.handouts.course`) ends each exercise's test cell
with ``run_hidden_tests(exercise, checker, fn)`` inside nbgrader's hidden-test markers, so the
learner never sees it and matching the visible check's cases is not enough: the function is
called on new shapes and values (m = 1 included), drawn from a seed fixed per exercise, and
compared with bpcore's own implementation, the one reference.

:data:`HIDDEN` maps a checker's name (the call the check cell makes, e.g. ``check_bp1``) to
its test ``test(fn, rng)``, which raises :class:`HiddenTestFailure` naming what differs and
on which case, never a reference value. numpy and bpcore only (it runs in the learner's kernel).
"""

from __future__ import annotations

import warnings
import zlib

import numpy as np

from ..activations import get_activation, softmax
from ..backprop import Gradients, backpropagate_error, backward, bias_gradient, output_error, weight_gradient
from ..costs import get_cost
from ..curvature import edge_of_stability
from ..datasets import load, one_hot
from ..gradcheck import cost_from_z, numerical_gradient
from ..network import Network, forward, init_network, init_scale
from ..train import sgd_epoch
from ..update import update, update_parameter, update_ratios

__all__ = ["HIDDEN", "HiddenTestFailure", "run_hidden_tests"]

RTOL, ATOL = 1e-6, 1e-9  # as the checkers compare
CASES = 3                 # fresh cases per array-valued test
HIDDEN = {}


class HiddenTestFailure(AssertionError):
    """A hidden test failed; the message names the exercise, the quantity and the case."""


def _hidden(checker: str):
    def register(test):
        HIDDEN[checker] = test
        return test
    return register


def run_hidden_tests(exercise: str, checker: str, fn) -> None:
    """Run the hidden test of ``checker`` on the learner's ``fn``; HiddenTestFailure if it fails.

    ``exercise`` (e.g. "2.1") names the exercise in the message and, with the checker, seeds
    the inputs. KeyError naming the checker when it has no hidden test.
    """
    if checker not in HIDDEN:
        raise KeyError(f"no hidden test for {checker}; add one to bpcore.handouts.hidden.HIDDEN")
    rng = np.random.default_rng(zlib.crc32(f"{exercise} {checker}".encode()))
    try:
        HIDDEN[checker](fn, rng)
    except HiddenTestFailure as exc:
        raise HiddenTestFailure(f"Exercise {exercise}, hidden test: {exc}") from None


def _call(fn, *args, copy: bool = True):
    """fn on copies of args (or on args themselves), warnings silenced; a raised exception fails the test."""
    if copy:
        args = tuple(a.copy() if isinstance(a, (np.ndarray, Network)) else a for a in args)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return fn(*args)
        except Exception as exc:  # the learner's code is arbitrary
            raise HiddenTestFailure(f"your function raised {type(exc).__name__} on {_describe(args)}") from None


def _describe(args) -> str:
    parts = [f"shape {a.shape}" if isinstance(a, np.ndarray) else f"{a!r}" if np.isscalar(a) else type(a).__name__
             for a in args]
    return "fresh inputs (" + ", ".join(parts) + ")"


def _expect(ok: bool, what: str, case: str) -> None:
    if not ok:
        raise HiddenTestFailure(f"{what} differs from bpcore's on fresh inputs ({case})")


def _same(got, want, what: str, case: str) -> None:
    """got equals the reference array want (shape and values)."""
    try:
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        g = None
    w = np.asarray(want, dtype=np.float64)
    _expect(g is not None and g.shape == w.shape and bool(np.all(np.isfinite(g)))
            and np.allclose(g, w, rtol=RTOL, atol=ATOL), what, case)


def _same_layers(got, want, first: int, what: str, case: str) -> None:
    """A list indexed like the network: got[l] equals want[l] for l = first..L."""
    ok = isinstance(got, (list, tuple)) and len(got) == len(want)
    _expect(ok, f"the length of your {what} list", case)
    for l in range(first, len(want)):
        _same(got[l], want[l], f"your {what}[{l}]", case)


def _same_network(got, want: Network, case: str) -> None:
    _expect(isinstance(got, Network) and got.sizes == want.sizes, "your network's sizes", case)
    for l in range(1, want.L + 1):
        _same(got.w[l], want.w[l], f"your w^{l}", case)
        _same(got.b[l], want.b[l], f"your b^{l}", case)


def _number(got, want: float, what: str, case: str) -> None:
    try:
        g = np.asarray(got, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        g = np.array([])
    _expect(g.size == 1 and np.isclose(g[0], want, rtol=RTOL, atol=ATOL), what, case)


def _dims(rng, count: int, low: int = 1, high: int = 6) -> list:
    return [int(v) for v in rng.integers(low, high + 1, size=count)]


def _ms(rng) -> list:
    """Batch sizes for the fresh cases: one example, then two random ones."""
    return [1] + _dims(rng, CASES - 1, 2, 7)


def _net(rng, sizes, hidden="sigmoid", output="sigmoid") -> Network:
    return init_network(sizes, rng, init="normal", hidden=hidden, output=output)


# --------------------------------------------------------------------------- reading the notation (00, 01)


@_hidden("check_layer_shapes")
def _layer_shapes(fn, rng):
    for m in _ms(rng):
        sizes = tuple(_dims(rng, int(rng.integers(2, 5)), 1, 7))
        want = [((sizes[l], sizes[l - 1]), (sizes[l], 1), (sizes[l], m)) for l in range(1, len(sizes))]
        got = _call(fn, sizes, m)
        try:
            got = [tuple(tuple(int(n) for n in shape) for shape in triple) for triple in got]
        except (TypeError, ValueError):
            got = None
        _expect(got == want, "your list of shapes", f"sizes {sizes}, m = {m}")


@_hidden("check_weight_index")
def _weight_index(fn, rng):
    for _ in range(CASES):
        sizes = tuple(_dims(rng, 4, 1, 7))
        l = int(rng.integers(1, 4))
        j, k = int(rng.integers(1, sizes[l] + 1)), int(rng.integers(1, sizes[l - 1] + 1))
        got = _call(fn, sizes, l, j, k)
        try:
            shape, index = (tuple(int(n) for n in part) for part in got)
        except (TypeError, ValueError):
            shape = index = None
        case = f"sizes {sizes}, l = {l}, j = {j}, k = {k}"
        _expect(shape == (sizes[l], sizes[l - 1]), "your shape of w^l", case)
        _expect(index == (j - 1, k - 1), "your numpy index of w^l_jk", case)


@_hidden("check_batch_sizes")
def _batch_sizes(fn, rng):
    n = int(rng.integers(11, 200))
    for N, m in ((n, int(rng.integers(2, n // 3))), (n, n), (n, 1), (int(rng.integers(1, 10)), 1)):
        want = [len(range(N)[k:k + m]) for k in range(0, N, m)]
        got = _call(fn, N, m)
        try:
            got = [int(v) for v in got]
        except (TypeError, ValueError):
            got = None
        _expect(got == want, "your list of batch sizes", f"N = {N}, m = {m}")


@_hidden("check_seed_weighted_input")
def _seed_weighted_input(fn, rng):
    for _ in range(CASES):
        n_in, n_out = _dims(rng, 2)
        w, b, a_prev = rng.standard_normal((n_out, n_in)), rng.standard_normal((n_out, 1)), rng.standard_normal((n_in, 1))
        k = int(rng.integers(0, n_out))
        z = forward(Network((n_in, n_out), [None, w], [None, b]), a_prev)[0][1]
        _number(_call(fn, w, b, a_prev, k), float(z[k, 0]), "your z^L_k", f"{n_in} → {n_out} neurons, k = {k}")


@_hidden("check_forward")
def _forward_layer(fn, rng):
    for m in _ms(rng):
        n_in, n_out = _dims(rng, 2)
        act = str(rng.choice(["sigmoid", "tanh", "relu"]))
        w, b, a_prev = rng.standard_normal((n_out, n_in)), rng.standard_normal((n_out, 1)), rng.standard_normal((n_in, m))
        z, a = forward(Network((n_in, n_out), [None, w], [None, b], hidden=act, output=act), a_prev)
        got = _call(fn, w, b, a_prev, get_activation(act))
        case = f"{n_in} → {n_out} neurons, {act}, m = {m}"
        _expect(isinstance(got, (tuple, list)) and len(got) == 2, "the pair (z, a) you return", case)
        _same(got[0], z[1], "your z", case)
        _same(got[1], a[1], "your a", case)


@_hidden("check_forward_pass")
def _forward_pass(fn, rng):
    for m in _ms(rng):
        sizes = tuple(_dims(rng, int(rng.integers(3, 5))))
        net = _net(rng, sizes, str(rng.choice(["tanh", "sigmoid"])), str(rng.choice(["sigmoid", "tanh"])))
        x = rng.standard_normal((sizes[0], m))
        z, a = forward(net, x)
        got = _call(fn, net, x)
        case = f"sizes {sizes}, {net.hidden} hidden, {net.output} output, m = {m}"
        _expect(isinstance(got, (tuple, list)) and len(got) == 2, "the pair (z, a) you return", case)
        _same_layers(got[0], z, 1, "z", case)
        _same_layers(got[1], a, 0, "a", case)


# --------------------------------------------------------------------------- BP1-BP4 (02, 03, 04, 08)


def _output_error_test(fn, rng, cost: str, act: str, targets):
    for m in _ms(rng):
        n = _dims(rng, 1, 2, 6)[0]
        z = 2 * rng.standard_normal((n, m))
        a, y = get_activation(act)(z), targets(rng, n, m)
        want = output_error(cost, z, a, y, get_activation(act))
        _same(_call(fn, z, a, y), want, "your δ^L", f"{cost} cost, {act} output, (n_L, m) = ({n}, {m})")


@_hidden("check_bp1")
def _bp1(fn, rng):
    _output_error_test(fn, rng, "quadratic", "sigmoid", lambda r, n, m: r.random((n, m)))


@_hidden("check_cross_entropy_delta")
def _cross_entropy_delta(fn, rng):
    _output_error_test(fn, rng, "cross_entropy", "sigmoid", lambda r, n, m: r.integers(0, 2, (n, m)).astype(float))


@_hidden("check_tanh_output_error")
def _tanh_output_error(fn, rng):
    _output_error_test(fn, rng, "quadratic", "tanh", lambda r, n, m: r.uniform(-0.9, 0.9, (n, m)))


@_hidden("check_softmax_delta")
def _softmax_delta(fn, rng):
    _output_error_test(fn, rng, "softmax_cross_entropy", "softmax",
                       lambda r, n, m: one_hot(r.integers(0, n, m), n))


@_hidden("check_softmax_delta_long")
def _softmax_delta_long(fn, rng):
    """Targets whose columns do not sum to 1: δ = J^T C'(a) per column, J = diag(a) − a a^T, C'(a) = −y/a."""
    for m in _ms(rng):
        n = _dims(rng, 1, 2, 6)[0]
        z = 2 * rng.standard_normal((n, m))
        a = softmax(z)
        y = one_hot(rng.integers(0, n, m), n) * rng.uniform(0.3, 3.0, m)
        want = np.column_stack([(np.diag(a[:, i]) - np.outer(a[:, i], a[:, i])).T @ (-y[:, i] / a[:, i])
                                for i in range(m)])
        _same(_call(fn, z, a, y), want, "your δ^L", f"(K, m) = ({n}, {m}), one-hot targets times a weight")


@_hidden("check_bp2")
def _bp2(fn, rng):
    for m in _ms(rng):
        n_l, n_next = _dims(rng, 2)
        w, d, z = rng.standard_normal((n_next, n_l)), rng.standard_normal((n_next, m)), rng.standard_normal((n_l, m))
        want = backpropagate_error(w, d, z, get_activation("sigmoid"))
        _same(_call(fn, w, d, z), want, "your δ^l", f"n_l = {n_l}, n_{{l+1}} = {n_next}, m = {m}")


@_hidden("check_bp3")
def _bp3(fn, rng):
    for m in _ms(rng):
        n = _dims(rng, 1)[0]
        delta = rng.standard_normal((n, m))
        _same(_call(fn, delta), bias_gradient(delta), "your ∂C/∂b^l", f"δ^l of shape ({n}, {m})")


@_hidden("check_bp4")
def _bp4(fn, rng):
    for m in _ms(rng):
        n_l, n_prev = _dims(rng, 2)
        delta, a_prev = rng.standard_normal((n_l, m)), rng.standard_normal((n_prev, m))
        _same(_call(fn, delta, a_prev), weight_gradient(delta, a_prev), "your ∂C/∂w^l",
              f"n_l = {n_l}, n_{{l-1}} = {n_prev}, m = {m}")


# --------------------------------------------------------------------------- whole backward passes (03, 08, 09)


@_hidden("check_deltas")
def _deltas(fn, rng):
    for m in _ms(rng):
        sizes = tuple(_dims(rng, 4))
        net = _net(rng, sizes, "tanh", "sigmoid")
        x, y = rng.standard_normal((sizes[0], m)), rng.random((sizes[-1], m))
        want = backward(net, x, y, "quadratic").delta
        _same_layers(_call(fn, net, x, y), want, 1, "delta", f"sizes {sizes}, m = {m}")


@_hidden("check_cross_entropy_backward")
def _cross_entropy_backward(fn, rng):
    for m, L in zip(_ms(rng), (2, 3, 4)):
        sizes = tuple(_dims(rng, L + 1))
        net = _net(rng, sizes, str(rng.choice(["sigmoid", "tanh"])), "sigmoid")
        x, y = rng.standard_normal((sizes[0], m)), rng.integers(0, 2, (sizes[-1], m)).astype(float)
        want = backward(net, x, y, "cross_entropy")
        got = _call(fn, net, x, y)
        if isinstance(got, Gradients):
            got = (got.grad_w, got.grad_b)
        case = f"sizes {sizes}, {net.hidden} hidden layers, m = {m}"
        _expect(isinstance(got, (tuple, list)) and len(got) == 2, "the pair (grad_w, grad_b) you return", case)
        _same_layers(got[0], want.grad_w, 1, "grad_w", case)
        _same_layers(got[1], want.grad_b, 1, "grad_b", case)


@_hidden("check_linear_delta")
def _linear_delta(fn, rng):
    identity = get_activation("identity")
    for m in _ms(rng):
        sizes = tuple(_dims(rng, 4))
        net = _net(rng, sizes, "identity", "identity")
        delta = delta_L = rng.standard_normal((sizes[-1], m))
        for l in range(net.L, 1, -1):  # BP2 with σ' = 1
            delta = backpropagate_error(net.w[l], delta, np.zeros((sizes[l - 1], m)), identity)
        _same(_call(fn, net, delta_L), delta, "your δ^1", f"sizes {sizes}, m = {m}")


@_hidden("check_hidden_delta_sizes")
def _hidden_delta_sizes(fn, rng):
    for raise_b in (0.0, 6.0):
        sizes, m = tuple(_dims(rng, 3, 2, 6)), _dims(rng, 1, 2, 7)[0]
        net = _net(rng, sizes)
        net = net.with_params(net.w, [None, net.b[1] + raise_b, net.b[2]])
        x, y = rng.standard_normal((sizes[0], m)), rng.integers(0, 2, (sizes[-1], m)).astype(float)
        got = _call(fn, net, x, y)
        case = f"sizes {sizes}, m = {m}" + (", b^1 raised by 6" if raise_b else "")
        _expect(isinstance(got, dict) and set(got) == {"quadratic", "cross_entropy"}, "the keys of your dict", case)
        for cost in got:
            want = float(np.linalg.norm(backward(net, x, y, cost).delta[1]))
            _number(got[cost], want, f"your ‖δ^1‖ for the {cost} cost", case)


@_hidden("check_delta_bound")
def _delta_bound(fn, rng):
    for L in (2, 3, 5):
        sizes = tuple(_dims(rng, L + 1, 2, 6))
        net = _net(rng, sizes)
        want = 4.0 ** -(L - 1) * float(np.prod([np.linalg.norm(net.w[l]) for l in range(2, L + 1)]))
        _number(_call(fn, net), want, "your bound B", f"sizes {sizes}")


# --------------------------------------------------------------------------- gradient checking (05)


@_hidden("check_numerical_gradient")
def _numerical_gradient(fn, rng):
    cost = get_cost("quadratic")
    for h in (1e-4, 1e-5, 5e-2):  # a large h too: the learner must use the h passed
        sizes, m = tuple(_dims(rng, 3, 1, 4)), _dims(rng, 1, 1, 4)[0]
        net = _net(rng, sizes)
        x, y = rng.standard_normal((sizes[0], m)), rng.random((sizes[-1], m))
        p = net.w[1]

        def f(net=net, x=x, y=y):
            return cost_from_z(net, forward(net, x, validate=False)[0][net.L], net.L, y, cost)

        want, p0 = numerical_gradient(f, p, h), p.copy()
        case = f"p = w^1 of shape {p.shape}, h = {h:g}"
        got = _call(fn, f, p, h, copy=False)  # f reads p itself
        _expect(np.allclose(p, p0, rtol=1e-10, atol=1e-12), "p after your function returned (not restored?)", case)
        _same(got, want, "your gradient", case)


# --------------------------------------------------------------------------- updates and training (06, 07)


@_hidden("check_update_parameter")
def _update_parameter(fn, rng):
    for m in (1, *_dims(rng, CASES - 1, 2, 50)):
        shape, eta = tuple(_dims(rng, 2)), float(rng.uniform(0.01, 5))
        p, g = rng.standard_normal(shape), rng.standard_normal(shape)
        case = f"p of shape {shape}, η = {eta:.2g}, m = {m}"
        _same(_call(fn, p, g, eta, m), update_parameter(p, g, eta, m), "your new p", case)


def _moons(rng, hidden_sizes, N: int):
    """A tanh network with a sigmoid output and N moons points (x (2, N), y (1, N))."""
    x, y = load("moons", rng, n=max(N, 4), noise=0.2)
    net = init_network((2, *hidden_sizes, 1), rng, init="xavier", hidden="tanh", output="sigmoid")
    return net, x[:, :N], y[:, :N]


@_hidden("check_minibatch_step")
def _minibatch_step(fn, rng):
    for m in (1, *_dims(rng, CASES - 1, 2, 7)):
        net, x, y = _moons(rng, _dims(rng, 2, 2, 5), m)
        eta = float(rng.uniform(0.1, 3))
        example_grads = [backward(net, x[:, [i]], y[:, [i]], "cross_entropy") for i in range(m)]
        want = update(net, backward(net, x, y, "cross_entropy"), eta)
        _same_network(_call(fn, net, example_grads, eta), want, f"m = {m}, η = {eta:.2g}")


@_hidden("check_sgd_epoch")
def _sgd_epoch(fn, rng):
    for N, m in ((int(rng.integers(20, 60)), int(rng.integers(3, 9))), (int(rng.integers(5, 15)), 1)):
        net, x, y = _moons(rng, _dims(rng, 1, 3, 6), N)
        eta, seed = float(rng.uniform(0.1, 2)), int(rng.integers(0, 2**31))
        want = sgd_epoch(net, x, y, "cross_entropy", eta, m, np.random.default_rng(seed))
        got = _call(fn, net, x, y, "cross_entropy", eta, m, np.random.default_rng(seed))
        _same_network(got, want, f"N = {N}, m = {m}, η = {eta:.2g}, a generator seeded {seed}")


@_hidden("check_update_ratio")
def _update_ratio(fn, rng):
    for m in _ms(rng):
        net, x, y = _moons(rng, _dims(rng, 2, 2, 7), m)
        eta = float(rng.uniform(0.05, 2))
        grads = backward(net, x, y, "cross_entropy")
        want = update_ratios(net, grads, eta, m)
        _same_layers(_call(fn, net, grads, eta, m), want, 1, "ratio", f"sizes {net.sizes}, η = {eta:.2g}, m = {m}")


@_hidden("check_edge_of_stability")
def _edge_of_stability(fn, rng):
    for _ in range(CASES):
        P = _dims(rng, 1, 2, 6)[0]
        q, _ = np.linalg.qr(rng.standard_normal((P, P)))
        H = q @ np.diag(rng.uniform(0.1, 20, P)) @ q.T
        H = (H + H.T) / 2
        want = edge_of_stability(float(np.linalg.eigvalsh(H)[-1]))
        _number(_call(fn, H), want, "your η edge", f"H of shape ({P}, {P})")


# --------------------------------------------------------------------------- initialisation (09)


@_hidden("check_xavier_init")
def _xavier_init(fn, rng):
    for n_in, n_out in ((int(rng.integers(300, 600)), int(rng.integers(60, 150))),
                        (int(rng.integers(100, 200)), int(rng.integers(300, 700)))):
        seed = int(rng.integers(0, 2**31))
        w = _call(fn, n_in, n_out, np.random.default_rng(seed))
        again = _call(fn, n_in, n_out, np.random.default_rng(seed))
        case = f"n_in = {n_in}, n_out = {n_out}"
        try:
            w, again = np.asarray(w, dtype=np.float64), np.asarray(again, dtype=np.float64)
        except (TypeError, ValueError):
            raise HiddenTestFailure(f"your w is not an array of numbers ({case})") from None
        _expect(w.shape == (n_out, n_in), "the shape of your w", case)
        _expect(np.array_equal(w, again), "your w, drawn twice from the same seed,", case)
        std = init_scale("xavier", n_in, n_out)
        _expect(abs(float(w.mean())) < 6 * std / np.sqrt(w.size), "the mean of your w", case)
        _expect(abs(float(w.std()) / std - 1) < 0.05, "the standard deviation of your w", case)

