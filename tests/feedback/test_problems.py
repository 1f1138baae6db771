"""The seeded test problems: the same seed gives the same numbers, and bpcore's own gradients."""

import numpy as np

from bpcore.backprop import backward
from bpcore.feedback.problems import MOONS_COST, moons_problem, sigmoid_network


def test_sigmoid_network_is_seeded_and_carries_backwards_answer():
    net, x, y, g = sigmoid_network((3, 4, 2), 5, seed=7)
    again = sigmoid_network((3, 4, 2), 5, seed=7)
    assert x.shape == (3, 5) and y.shape == (2, 5) and net.hidden == net.output == "sigmoid"
    assert np.array_equal(x, again[1]) and np.array_equal(net.w[1], again[0].w[1])
    assert np.all((0 <= y) & (y < 1))
    np.testing.assert_array_equal(g.grad_w[2], backward(net, x, y, "quadratic").grad_w[2])


def test_sigmoid_network_for_cross_entropy_has_0_1_labels():
    _, _, y, _ = sigmoid_network((2, 3), 6, seed=1, cost="cross_entropy")
    assert set(np.unique(y)) <= {0.0, 1.0}


def test_moons_problem_keeps_the_data_and_seeds_only_the_weights():
    net0, x0, y0 = moons_problem((2, 5, 1), seed=0)
    net1, x1, y1 = moons_problem((2, 5, 1), seed=1)
    assert x0.shape == (2, 45) and y0.shape == (1, 45) and set(np.unique(y0)) <= {0.0, 1.0}
    assert np.array_equal(x0, x1) and np.array_equal(y0, y1)
    assert not np.array_equal(net0.w[1], net1.w[1])
    assert np.array_equal(net0.w[1], moons_problem((2, 5, 1), seed=0)[0].w[1])
    assert (net0.hidden, net0.output, MOONS_COST) == ("tanh", "sigmoid", "cross_entropy")
    assert np.all(net0.b[1] == 0)  # Xavier starts the biases at 0
