"""Hidden tests of notebooks 06, 07 and 09: the update, minibatches, SGD, the ratio, the edge, Xavier."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...backprop import backward
from ...curvature import edge_of_stability
from ...datasets import load
from ...network import init_network, init_scale
from ...train import sgd_epoch
from ...update import update, update_parameter, update_ratios
from .support import (CASES, call_quietly, expect, fresh_batch_sizes, fresh_dims, register, same_array,
                      same_layers, same_network, same_number, HiddenTestFailure)

# --------------------------------------------------------------------------- updates and training (06, 07)


@register("check_update_parameter")
def _update_parameter(fn, rng):
    for m in (1, *fresh_dims(rng, CASES - 1, 2, 50)):
        shape, eta = tuple(fresh_dims(rng, 2)), float(rng.uniform(0.01, 5))
        p, g = rng.standard_normal(shape), rng.standard_normal(shape)
        case = f"p of shape {shape}, η = {eta:.2g}, m = {m}"
        same_array(call_quietly(fn, p, g, eta, m), update_parameter(p, g, eta, m), "your new p", case)


def _moons(rng, hidden_sizes, N: int):
    """A tanh network with a sigmoid output and N moons points (x (2, N), y (1, N))."""
    x, y = load("moons", rng, n=max(N, 4), noise=0.2)
    net = init_network((2, *hidden_sizes, 1), rng, init="xavier", hidden="tanh", output="sigmoid")
    return net, x[:, :N], y[:, :N]


@register("check_minibatch_step")
def _minibatch_step(fn, rng):
    for m in (1, *fresh_dims(rng, CASES - 1, 2, 7)):
        net, x, y = _moons(rng, fresh_dims(rng, 2, 2, 5), m)
        eta = float(rng.uniform(0.1, 3))
        example_grads = [backward(net, x[:, [i]], y[:, [i]], "cross_entropy") for i in range(m)]
        want = update(net, backward(net, x, y, "cross_entropy"), eta)
        same_network(call_quietly(fn, net, example_grads, eta), want, f"m = {m}, η = {eta:.2g}")


@register("check_sgd_epoch")
def _sgd_epoch(fn, rng):
    for N, m in ((int(rng.integers(20, 60)), int(rng.integers(3, 9))), (int(rng.integers(5, 15)), 1)):
        net, x, y = _moons(rng, fresh_dims(rng, 1, 3, 6), N)
        eta, seed = float(rng.uniform(0.1, 2)), int(rng.integers(0, 2**31))
        want = sgd_epoch(net, x, y, "cross_entropy", eta, m, np.random.default_rng(seed))
        got = call_quietly(fn, net, x, y, "cross_entropy", eta, m, np.random.default_rng(seed))
        same_network(got, want, f"N = {N}, m = {m}, η = {eta:.2g}, a generator seeded {seed}")


@register("check_update_ratio")
def _update_ratio(fn, rng):
    for m in fresh_batch_sizes(rng):
        net, x, y = _moons(rng, fresh_dims(rng, 2, 2, 7), m)
        eta = float(rng.uniform(0.05, 2))
        grads = backward(net, x, y, "cross_entropy")
        want = update_ratios(net, grads, eta, m)
        same_layers(call_quietly(fn, net, grads, eta, m), want, 1, "ratio", f"sizes {net.sizes}, η = {eta:.2g}, m = {m}")


@dataclass(frozen=True)
class _Sweep:
    """What Exercise 7.3's function reads of a sweep, one entry per run."""
    etas: np.ndarray
    final_loss: np.ndarray
    final_val_loss: np.ndarray
    diverged: np.ndarray
    rose: np.ndarray


@register("check_sweep_choice")
def _sweep_choice(fn, rng):
    """Fresh made-up sweeps: the η of the lowest final held-out loss among runs that neither diverged nor rose."""
    for _ in range(CASES):
        k = int(rng.integers(4, 10))
        failed = rng.random(k) < 0.4
        failed[rng.integers(k)] = False            # at least one run trains
        diverged = failed & (rng.random(k) < 0.5)
        sweep = _Sweep(np.sort(10.0 ** rng.uniform(-3, 1.5, k)), rng.uniform(0.01, 1, k),
                       rng.uniform(0.05, 1, k), diverged, failed & ~diverged)
        ok = np.flatnonzero(~failed)
        want = float(sweep.etas[ok[np.argmin(sweep.final_val_loss[ok])]])
        same_number(call_quietly(fn, sweep), want, "your η", f"a sweep of {k} runs, {failed.sum()} of them failed")


@register("check_edge_of_stability")
def _edge_of_stability(fn, rng):
    for _ in range(CASES):
        P = fresh_dims(rng, 1, 2, 6)[0]
        q, _ = np.linalg.qr(rng.standard_normal((P, P)))
        H = q @ np.diag(rng.uniform(0.1, 20, P)) @ q.T
        H = (H + H.T) / 2
        want = edge_of_stability(float(np.linalg.eigvalsh(H)[-1]))
        same_number(call_quietly(fn, H), want, "your η edge", f"H of shape ({P}, {P})")




# --------------------------------------------------------------------------- initialisation (09)


@register("check_xavier_init")
def _xavier_init(fn, rng):
    for n_in, n_out in ((int(rng.integers(300, 600)), int(rng.integers(60, 150))),
                        (int(rng.integers(100, 200)), int(rng.integers(300, 700)))):
        seed = int(rng.integers(0, 2**31))
        w = call_quietly(fn, n_in, n_out, np.random.default_rng(seed))
        again = call_quietly(fn, n_in, n_out, np.random.default_rng(seed))
        case = f"n_in = {n_in}, n_out = {n_out}"
        try:
            w, again = np.asarray(w, dtype=np.float64), np.asarray(again, dtype=np.float64)
        except (TypeError, ValueError):
            raise HiddenTestFailure(f"your w is not an array of numbers ({case})") from None
        expect(w.shape == (n_out, n_in), "the shape of your w", case)
        expect(np.array_equal(w, again), "your w, drawn twice from the same seed,", case)
        std = init_scale("xavier", n_in, n_out)
        expect(abs(float(w.mean())) < 6 * std / np.sqrt(w.size), "the mean of your w", case)
        expect(abs(float(w.std()) / std - 1) < 0.05, "the standard deviation of your w", case)
