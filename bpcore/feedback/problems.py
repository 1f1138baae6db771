"""The small seeded problems the checkers test on, built from bpcore's own maths.

Every number comes from an explicit seed, so a checker's message is the same
on every run.
"""

from __future__ import annotations

import numpy as np

from ..backprop import backward
from ..datasets import load, train_test_split
from ..network import init_network

__all__ = ["sigmoid_network", "moons_problem"]


def sigmoid_network(sizes, m: int, seed: int, cost: str = "quadratic"):
    """A small all-sigmoid network (init="normal"), a batch and bpcore's backward pass on it.

    x has shape (n_0, m), standard normal; y has shape (n_L, m): uniform in
    [0, 1) for the quadratic cost, 0/1 labels otherwise. Returns
    (net, x, y, grads) with grads = :func:`bpcore.backprop.backward`.
    """
    rng = np.random.default_rng(seed)
    net = init_network(sizes, rng, init="normal")
    x = rng.standard_normal((sizes[0], m))
    if cost == "quadratic":
        y = rng.random((sizes[-1], m))
    else:
        y = rng.integers(0, 2, size=(sizes[-1], m)).astype(np.float64)
    return net, x, y, backward(net, x, y, cost)


MOONS_COST = "cross_entropy"


def moons_problem(sizes, seed: int):
    """Moons training data and a tanh network with a sigmoid output and Xavier weights.

    The data: 60 moons points (noise 0.1) drawn from the first of two
    generators spawned from seed 0, of which the second splits off a quarter
    as held out, leaving N = 45 training columns: x (2, N), y (1, N), 0/1
    labels. The weights: Xavier, drawn from the first of two generators
    spawned from ``seed``. (The explorer's moons settings, seeded the same
    way.) ``sizes`` is (2, ..., 1). Returns (net, x, y); the cost to use is
    :data:`MOONS_COST`.
    """
    data_seed, split_seed = np.random.SeedSequence(0).spawn(2)
    x, y = load("moons", np.random.default_rng(data_seed), n=60, noise=0.1)
    x, y, _, _ = train_test_split(x, y, np.random.default_rng(split_seed), 0.25)
    init_seed, _ = np.random.SeedSequence(seed).spawn(2)
    net = init_network(sizes, np.random.default_rng(init_seed), init="xavier", hidden="tanh", output="sigmoid")
    return net, x, y
