"""Network parameters, initialisers and the forward pass."""

import dataclasses

import numpy as np
import pytest

from bpcore import forward, init_network, predict
from bpcore.activations import sigmoid, tanh
from bpcore.network import INITIALISERS, Network


def test_shapes_follow_the_maths():
    net = init_network((3, 5, 4, 2), 0)
    assert net.sizes == (3, 5, 4, 2)
    assert net.L == 3
    assert net.w[0] is None and net.b[0] is None
    assert len(net.w) == len(net.b) == 4
    for l in range(1, 4):
        assert net.w[l].shape == (net.sizes[l], net.sizes[l - 1])  # w^l: (n_l, n_{l-1})
        assert net.b[l].shape == (net.sizes[l], 1)                # b^l: (n_l, 1)
        assert net.w[l].dtype == np.float64


def test_activation_per_layer():
    net = init_network((2, 3, 3, 1), 0, hidden="tanh", output="identity")
    assert [net.sigma(l).name for l in (1, 2, 3)] == ["tanh", "tanh", "identity"]
    assert (net.hidden, net.output) == ("tanh", "identity")


@pytest.mark.parametrize("init, std", [
    ("normal", lambda n_in, n_out: 1.0),
    ("lecun", lambda n_in, n_out: 1 / np.sqrt(n_in)),
    ("xavier", lambda n_in, n_out: np.sqrt(2 / (n_in + n_out))),
    ("he", lambda n_in, n_out: np.sqrt(2 / n_in)),
])
def test_initialiser_scales(init, std):
    n_in, n_out = 400, 300
    net = init_network((n_in, n_out), np.random.default_rng(0), init=init)
    w = net.w[1]
    # 120 000 draws: the sample std is within ~0.3 % of the target
    assert w.std() == pytest.approx(std(n_in, n_out), rel=0.01)
    assert abs(w.mean()) < 0.01 * std(n_in, n_out)
    if init == "normal":
        assert net.b[1].std() == pytest.approx(1.0, rel=0.15)  # N(0, 1) biases (Nielsen)
    else:
        assert np.all(net.b[1] == 0.0)


def test_initialisers_are_documented():
    assert set(INITIALISERS) == {"normal", "lecun", "xavier", "he"}


def test_int_seed_equals_generator():
    a = init_network((2, 3, 1), 5)
    b = init_network((2, 3, 1), np.random.default_rng(5))
    for l in (1, 2):
        np.testing.assert_array_equal(a.w[l], b.w[l])


def test_softmax_only_as_output():
    init_network((2, 3), 0, output="softmax")
    with pytest.raises(ValueError, match="softmax can only be the output activation"):
        init_network((2, 3, 3), 0, hidden="softmax")


def test_unknown_initialiser_lists_valid_ones():
    with pytest.raises(ValueError, match=r"unknown initialiser 'glorot'; expected one of: normal, lecun, xavier, he"):
        init_network((2, 1), 0, init="glorot")


def test_forward_matches_the_equations_layer_by_layer():
    rng = np.random.default_rng(1)
    net = init_network((3, 4, 2), rng, init="normal", hidden="tanh", output="sigmoid")
    x = rng.standard_normal((3, 5))
    z, a = forward(net, x)
    assert len(z) == len(a) == 3
    assert z[0] is None
    np.testing.assert_array_equal(a[0], x)
    z1 = net.w[1] @ x + net.b[1]
    np.testing.assert_allclose(z[1], z1, rtol=1e-15)
    np.testing.assert_allclose(a[1], tanh(z1), rtol=1e-15)
    z2 = net.w[2] @ tanh(z1) + net.b[2]
    np.testing.assert_allclose(z[2], z2, rtol=1e-14)
    np.testing.assert_allclose(a[2], sigmoid(z2), rtol=1e-14)
    assert z[2].shape == a[2].shape == (2, 5)
    np.testing.assert_array_equal(predict(net, x), a[2])


def test_forward_of_a_batch_is_forward_of_each_column():
    rng = np.random.default_rng(2)
    net = init_network((2, 6, 3), rng, hidden="relu", output="softmax")
    x = rng.standard_normal((2, 7))
    a_batch = predict(net, x)
    for i in range(7):
        np.testing.assert_allclose(a_batch[:, [i]], predict(net, x[:, [i]]), rtol=1e-14)


def test_forward_accepts_int_and_list_input():
    net = init_network((2, 1), 0)
    np.testing.assert_allclose(predict(net, np.array([[1], [2]])), predict(net, [[1.0], [2.0]]))


def test_network_is_frozen_and_copy_is_deep():
    net = init_network((2, 3, 1), 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        net.w = []
    twin = net.copy()
    assert twin.sizes == net.sizes and twin.hidden == net.hidden and twin.output == net.output
    twin.w[1][0, 0] += 1.0
    assert net.w[1][0, 0] != twin.w[1][0, 0]
    assert twin.w[0] is None and twin.b[0] is None


def test_with_params_keeps_architecture():
    net = init_network((2, 3, 1), 0, hidden="tanh", output="identity")
    new = net.with_params([None, np.ones((3, 2)), np.ones((1, 3))], [None, np.zeros((3, 1)), np.zeros((1, 1))])
    assert isinstance(new, Network)
    assert (new.sizes, new.hidden, new.output) == ((2, 3, 1), "tanh", "identity")
    np.testing.assert_allclose(predict(new, np.array([[1.0], [1.0]])), [[3 * np.tanh(2.0)]])


def test_repr_is_short():
    assert repr(init_network((2, 3, 1), 0)) == "Network(sizes=(2, 3, 1), hidden='sigmoid', output='sigmoid')"
