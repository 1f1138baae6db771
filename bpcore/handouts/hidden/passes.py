"""Hidden tests of whole backward passes (notebooks 03, 04, 08, 09), and the factor of a new target (04)."""

from __future__ import annotations

import numpy as np

from ...activations import get_activation
from ...backprop import Gradients, backpropagate_error, backward
from ...network import forward
from .support import (call_quietly, expect, fresh_batch_sizes, fresh_dims, fresh_net, register, same_array,
                      same_layers, same_number)

# --------------------------------------------------------------------------- whole backward passes (03, 08, 09)


@register("check_deltas")
def _deltas(fn, rng):
    for m in fresh_batch_sizes(rng):
        sizes = tuple(fresh_dims(rng, 4))
        net = fresh_net(rng, sizes, "tanh", "sigmoid")
        x, y = rng.standard_normal((sizes[0], m)), rng.random((sizes[-1], m))
        want = backward(net, x, y, "quadratic").delta
        same_layers(call_quietly(fn, net, x, y), want, 1, "delta", f"sizes {sizes}, m = {m}")


@register("check_cross_entropy_backward")
def _cross_entropy_backward(fn, rng):
    for m, L in zip(fresh_batch_sizes(rng), (2, 3, 4)):
        sizes = tuple(fresh_dims(rng, L + 1))
        net = fresh_net(rng, sizes, str(rng.choice(["sigmoid", "tanh"])), "sigmoid")
        x, y = rng.standard_normal((sizes[0], m)), rng.integers(0, 2, (sizes[-1], m)).astype(float)
        want = backward(net, x, y, "cross_entropy")
        got = call_quietly(fn, net, x, y)
        if isinstance(got, Gradients):
            got = (got.grad_w, got.grad_b)
        case = f"sizes {sizes}, {net.hidden} hidden layers, m = {m}"
        expect(isinstance(got, (tuple, list)) and len(got) == 2, "the pair (grad_w, grad_b) you return", case)
        same_layers(got[0], want.grad_w, 1, "grad_w", case)
        same_layers(got[1], want.grad_b, 1, "grad_b", case)


@register("check_target_change_factor")
def _target_change_factor(fn, rng):
    for L in (2, 3, 4):
        sizes = (*fresh_dims(rng, L), 1)
        net = fresh_net(rng, sizes, str(rng.choice(["sigmoid", "tanh"])), "sigmoid")
        x = rng.standard_normal((sizes[0], 1))
        a_out = float(forward(net, x, validate=False)[1][L][0, 0])
        y_old, y_new = (float(v) for v in rng.uniform(0, 1, 2))
        while min(abs(a_out - y_old), abs(a_out - y_new), abs(y_old - y_new)) < 0.05:  # no tiny error or change
            y_old, y_new = (float(v) for v in rng.uniform(0, 1, 2))
        old, new = (backward(net, x, np.array([[y]]), "quadratic") for y in (y_old, y_new))
        want = float(new.grad_b[L][0, 0] / old.grad_b[L][0, 0])
        same_number(call_quietly(fn, a_out, y_old, y_new), want, "your factor",
                    f"sizes {sizes}, {net.hidden} hidden layers, one example, y {y_old:.2g} → {y_new:.2g}")


@register("check_linear_delta")
def _linear_delta(fn, rng):
    identity = get_activation("identity")
    for m in fresh_batch_sizes(rng):
        sizes = tuple(fresh_dims(rng, 4))
        net = fresh_net(rng, sizes, "identity", "identity")
        delta = delta_L = rng.standard_normal((sizes[-1], m))
        for l in range(net.L, 1, -1):  # BP2 with σ' = 1
            delta = backpropagate_error(net.w[l], delta, np.zeros((sizes[l - 1], m)), identity)
        same_array(call_quietly(fn, net, delta_L), delta, "your δ^1", f"sizes {sizes}, m = {m}")


@register("check_hidden_delta_sizes")
def _hidden_delta_sizes(fn, rng):
    for raise_b in (0.0, 6.0):
        sizes, m = tuple(fresh_dims(rng, 3, 2, 6)), fresh_dims(rng, 1, 2, 7)[0]
        net = fresh_net(rng, sizes)
        net = net.with_params(net.w, [None, net.b[1] + raise_b, net.b[2]])
        x, y = rng.standard_normal((sizes[0], m)), rng.integers(0, 2, (sizes[-1], m)).astype(float)
        got = call_quietly(fn, net, x, y)
        case = f"sizes {sizes}, m = {m}" + (", b^1 raised by 6" if raise_b else "")
        expect(isinstance(got, dict) and set(got) == {"quadratic", "cross_entropy"}, "the keys of your dict", case)
        for cost in got:
            want = float(np.linalg.norm(backward(net, x, y, cost).delta[1]))
            same_number(got[cost], want, f"your ‖δ^1‖ for the {cost} cost", case)


@register("check_delta_bound")
def _delta_bound(fn, rng):
    for L in (2, 3, 5):
        sizes = tuple(fresh_dims(rng, L + 1, 2, 6))
        net = fresh_net(rng, sizes)
        want = 4.0 ** -(L - 1) * float(np.prod([np.linalg.norm(net.w[l]) for l in range(2, L + 1)]))
        same_number(call_quietly(fn, net), want, "your bound B", f"sizes {sizes}")
