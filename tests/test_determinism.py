"""The same seed gives the same numbers, twice, bit for bit; a different seed does not.

Also: nothing reads or advances numpy's global random state.
"""

import numpy as np
import pytest

from bpcore import backward, check_equations, init_network, train
from bpcore import datasets


def _state():
    return np.random.get_state()[1].copy()


@pytest.mark.parametrize("init", ["normal", "lecun", "xavier", "he"])
def test_init_same_seed_same_network(init):
    a = init_network((3, 5, 4, 2), np.random.default_rng(123), init=init)
    b = init_network((3, 5, 4, 2), np.random.default_rng(123), init=init)
    c = init_network((3, 5, 4, 2), np.random.default_rng(124), init=init)
    for l in range(1, 4):
        np.testing.assert_array_equal(a.w[l], b.w[l])
        np.testing.assert_array_equal(a.b[l], b.b[l])
    assert not np.array_equal(a.w[1], c.w[1])


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_dataset_same_seed_same_data(name):
    x1, y1 = datasets.load(name, np.random.default_rng(7), n=40)
    x2, y2 = datasets.load(name, np.random.default_rng(7), n=40)
    x3, _ = datasets.load(name, np.random.default_rng(8), n=40)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)


def _train(seed_data, seed_init, seed_train, epochs=5):
    x, y = datasets.spiral(np.random.default_rng(seed_data), n=60, noise=0.2, k=3)
    net = init_network((2, 8, 3), np.random.default_rng(seed_init), init="xavier", hidden="tanh",
                       output="softmax")
    x_val, y_val = datasets.spiral(np.random.default_rng(seed_data + 100), n=30, noise=0.2, k=3)
    return train(net, x, y, "softmax_cross_entropy", eta=0.5, m=7, epochs=epochs,
                 rng=np.random.default_rng(seed_train), x_val=x_val, y_val=y_val)


def test_training_twice_gives_identical_history_and_network():
    net1, h1 = _train(0, 1, 2)
    net2, h2 = _train(0, 1, 2)
    assert h1.loss == h2.loss  # exact float equality, every epoch
    assert h1.accuracy == h2.accuracy
    assert h1.val_loss == h2.val_loss
    assert h1.val_accuracy == h2.val_accuracy
    assert h1.message == h2.message
    for l in (1, 2):
        np.testing.assert_array_equal(net1.w[l], net2.w[l])
        np.testing.assert_array_equal(net1.b[l], net2.b[l])


def test_the_shuffle_seed_matters():
    _, h1 = _train(0, 1, 2)
    _, h2 = _train(0, 1, 3)  # only the shuffling seed differs
    assert h1.loss != h2.loss


def test_int_seed_for_train_equals_generator():
    x, y = datasets.moons(0, n=30)
    net = init_network((2, 4, 1), 0)
    _, h1 = train(net, x, y, eta=0.5, m=5, epochs=3, rng=11)
    _, h2 = train(net, x, y, eta=0.5, m=5, epochs=3, rng=np.random.default_rng(11))
    assert h1.loss == h2.loss


def test_a_passed_generator_is_advanced_so_reuse_continues_the_stream():
    """Passing the same Generator twice gives two different (but reproducible) runs."""
    x, y = datasets.moons(0, n=30)
    net = init_network((2, 4, 1), 0)
    rng = np.random.default_rng(5)
    _, first = train(net, x, y, eta=0.5, m=5, epochs=2, rng=rng)
    _, second = train(net, x, y, eta=0.5, m=5, epochs=2, rng=rng)
    assert first.loss != second.loss
    rng = np.random.default_rng(5)
    _, again = train(net, x, y, eta=0.5, m=5, epochs=2, rng=rng)
    assert again.loss == first.loss


def test_backward_and_gradcheck_are_deterministic():
    rng = np.random.default_rng(3)
    net = init_network((3, 4, 2), rng)
    x, y = rng.uniform(-1, 1, (3, 6)), rng.uniform(0, 1, (2, 6))
    g1, g2 = backward(net, x, y), backward(net, x, y)
    for l in (1, 2):
        np.testing.assert_array_equal(g1.grad_w[l], g2.grad_w[l])
    r1, r2 = check_equations(net, x, y), check_equations(net, x, y)
    assert [c.rel_error for c in r1.checks] == [c.rel_error for c in r2.checks]


def test_nothing_touches_the_global_random_state():
    np.random.seed(2024)
    before = _state()
    _train(0, 1, 2, epochs=2)
    for name in datasets.DATASETS:
        datasets.load(name, 0, n=12)
    init_network((2, 3, 1), 0, init="normal")
    x, y = datasets.xor(0, n=8)
    datasets.train_test_split(x, y, 0)
    np.testing.assert_array_equal(_state(), before)
