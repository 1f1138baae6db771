"""Hidden tests of notebooks 00-04 and 08: reading the notation, the forward pass, BP1-BP4."""

from __future__ import annotations

import numpy as np

from ...activations import get_activation, softmax
from ...backprop import backpropagate_error, bias_gradient, output_error, weight_gradient
from ...datasets import one_hot
from ...network import Network, forward
from .support import (CASES, call_quietly, expect, fresh_batch_sizes, fresh_dims, fresh_net, register,
                      same_array, same_layers, same_number)

# --------------------------------------------------------------------------- reading the notation (00, 01)


@register("check_layer_shapes")
def _layer_shapes(fn, rng):
    for m in fresh_batch_sizes(rng):
        sizes = tuple(fresh_dims(rng, int(rng.integers(2, 5)), 1, 7))
        want = [((sizes[l], sizes[l - 1]), (sizes[l], 1), (sizes[l], m)) for l in range(1, len(sizes))]
        got = call_quietly(fn, sizes, m)
        try:
            got = [tuple(tuple(int(n) for n in shape) for shape in triple) for triple in got]
        except (TypeError, ValueError):
            got = None
        expect(got == want, "your list of shapes", f"sizes {sizes}, m = {m}")


@register("check_weight_index")
def _weight_index(fn, rng):
    for _ in range(CASES):
        sizes = tuple(fresh_dims(rng, 4, 1, 7))
        l = int(rng.integers(1, 4))
        j, k = int(rng.integers(1, sizes[l] + 1)), int(rng.integers(1, sizes[l - 1] + 1))
        got = call_quietly(fn, sizes, l, j, k)
        try:
            shape, index = (tuple(int(n) for n in part) for part in got)
        except (TypeError, ValueError):
            shape = index = None
        case = f"sizes {sizes}, l = {l}, j = {j}, k = {k}"
        expect(shape == (sizes[l], sizes[l - 1]), "your shape of w^l", case)
        expect(index == (j - 1, k - 1), "your numpy index of w^l_jk", case)


@register("check_batch_sizes")
def _batch_sizes(fn, rng):
    n = int(rng.integers(11, 200))
    for N, m in ((n, int(rng.integers(2, n // 3))), (n, n), (n, 1), (int(rng.integers(1, 10)), 1)):
        want = [len(range(N)[k:k + m]) for k in range(0, N, m)]
        got = call_quietly(fn, N, m)
        try:
            got = [int(v) for v in got]
        except (TypeError, ValueError):
            got = None
        expect(got == want, "your list of batch sizes", f"N = {N}, m = {m}")


@register("check_seed_weighted_input")
def _seed_weighted_input(fn, rng):
    for _ in range(CASES):
        n_in, n_out = fresh_dims(rng, 2)
        w, b, a_prev = rng.standard_normal((n_out, n_in)), rng.standard_normal((n_out, 1)), rng.standard_normal((n_in, 1))
        k = int(rng.integers(0, n_out))
        z = forward(Network((n_in, n_out), [None, w], [None, b]), a_prev)[0][1]
        same_number(call_quietly(fn, w, b, a_prev, k), float(z[k, 0]), "your z^L_k", f"{n_in} → {n_out} neurons, k = {k}")


@register("check_forward")
def _forward_layer(fn, rng):
    for m in fresh_batch_sizes(rng):
        n_in, n_out = fresh_dims(rng, 2)
        act = str(rng.choice(["sigmoid", "tanh", "relu"]))
        w, b, a_prev = rng.standard_normal((n_out, n_in)), rng.standard_normal((n_out, 1)), rng.standard_normal((n_in, m))
        z, a = forward(Network((n_in, n_out), [None, w], [None, b], hidden=act, output=act), a_prev)
        got = call_quietly(fn, w, b, a_prev, get_activation(act))
        case = f"{n_in} → {n_out} neurons, {act}, m = {m}"
        expect(isinstance(got, (tuple, list)) and len(got) == 2, "the pair (z, a) you return", case)
        same_array(got[0], z[1], "your z", case)
        same_array(got[1], a[1], "your a", case)


@register("check_forward_pass")
def _forward_pass(fn, rng):
    for m in fresh_batch_sizes(rng):
        sizes = tuple(fresh_dims(rng, int(rng.integers(3, 5))))
        net = fresh_net(rng, sizes, str(rng.choice(["tanh", "sigmoid"])), str(rng.choice(["sigmoid", "tanh"])))
        x = rng.standard_normal((sizes[0], m))
        z, a = forward(net, x)
        got = call_quietly(fn, net, x)
        case = f"sizes {sizes}, {net.hidden} hidden, {net.output} output, m = {m}"
        expect(isinstance(got, (tuple, list)) and len(got) == 2, "the pair (z, a) you return", case)
        same_layers(got[0], z, 1, "z", case)
        same_layers(got[1], a, 0, "a", case)




# --------------------------------------------------------------------------- BP1-BP4 (02, 03, 04, 08)


def _output_error_test(fn, rng, cost: str, act: str, targets):
    for m in fresh_batch_sizes(rng):
        n = fresh_dims(rng, 1, 2, 6)[0]
        z = 2 * rng.standard_normal((n, m))
        a, y = get_activation(act)(z), targets(rng, n, m)
        want = output_error(cost, z, a, y, get_activation(act))
        same_array(call_quietly(fn, z, a, y), want, "your δ^L", f"{cost} cost, {act} output, (n_L, m) = ({n}, {m})")


@register("check_bp1")
def _bp1(fn, rng):
    _output_error_test(fn, rng, "quadratic", "sigmoid", lambda r, n, m: r.random((n, m)))


@register("check_cross_entropy_delta")
def _cross_entropy_delta(fn, rng):
    _output_error_test(fn, rng, "cross_entropy", "sigmoid", lambda r, n, m: r.integers(0, 2, (n, m)).astype(float))


@register("check_tanh_output_error")
def _tanh_output_error(fn, rng):
    _output_error_test(fn, rng, "quadratic", "tanh", lambda r, n, m: r.uniform(-0.9, 0.9, (n, m)))


@register("check_softmax_delta")
def _softmax_delta(fn, rng):
    _output_error_test(fn, rng, "softmax_cross_entropy", "softmax",
                       lambda r, n, m: one_hot(r.integers(0, n, m), n))


@register("check_softmax_delta_long")
def _softmax_delta_long(fn, rng):
    """Targets whose columns do not sum to 1: δ = J^T C'(a) per column, J = diag(a) − a a^T, C'(a) = −y/a."""
    for m in fresh_batch_sizes(rng):
        n = fresh_dims(rng, 1, 2, 6)[0]
        z = 2 * rng.standard_normal((n, m))
        a = softmax(z)
        y = one_hot(rng.integers(0, n, m), n) * rng.uniform(0.3, 3.0, m)
        want = np.column_stack([(np.diag(a[:, i]) - np.outer(a[:, i], a[:, i])).T @ (-y[:, i] / a[:, i])
                                for i in range(m)])
        same_array(call_quietly(fn, z, a, y), want, "your δ^L", f"(K, m) = ({n}, {m}), one-hot targets times a weight")


@register("check_bp2")
def _bp2(fn, rng):
    for m in fresh_batch_sizes(rng):
        n_l, n_next = fresh_dims(rng, 2)
        w, d, z = rng.standard_normal((n_next, n_l)), rng.standard_normal((n_next, m)), rng.standard_normal((n_l, m))
        want = backpropagate_error(w, d, z, get_activation("sigmoid"))
        same_array(call_quietly(fn, w, d, z), want, "your δ^l", f"n_l = {n_l}, n_{{l+1}} = {n_next}, m = {m}")


@register("check_bp3")
def _bp3(fn, rng):
    for m in fresh_batch_sizes(rng):
        n = fresh_dims(rng, 1)[0]
        delta = rng.standard_normal((n, m))
        same_array(call_quietly(fn, delta), bias_gradient(delta), "your ∂C/∂b^l", f"δ^l of shape ({n}, {m})")


@register("check_bp4")
def _bp4(fn, rng):
    for m in fresh_batch_sizes(rng):
        n_l, n_prev = fresh_dims(rng, 2)
        delta, a_prev = rng.standard_normal((n_l, m)), rng.standard_normal((n_prev, m))
        same_array(call_quietly(fn, delta, a_prev), weight_gradient(delta, a_prev), "your ∂C/∂w^l",
              f"n_l = {n_l}, n_{{l-1}} = {n_prev}, m = {m}")
