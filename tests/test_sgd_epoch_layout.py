"""sgd_epoch's data layout (Fortran order, shuffled copy made chunk by chunk) changes speed only.

The steps must be exactly the plain algorithm's: shuffle with the epoch's
permutation, then minibatches perm[k:k+m] for k = 0, m, 2m, ..., whatever the
chunk size, the memory order of x, or where chunk boundaries fall.
"""

import importlib

import numpy as np
import pytest

from bpcore.backprop import backward
from bpcore.costs import QuadraticCost
from bpcore.network import init_network
from bpcore.train import _chunks, sgd_epoch
from bpcore.update import update

# the module, not the function bpcore.train that the package re-exports under the same name
train_module = importlib.import_module("bpcore.train")


class RecordingCost(QuadraticCost):
    """The quadratic cost, recording which examples each step saw (y[0] holds the index)."""

    name = "recording_quadratic_layout"
    batches = []

    @classmethod
    def delta(cls, z, a, y, sigma):
        cls.batches.append(y[0].astype(int).tolist())
        return super().delta(z, a, y, sigma)


def plain_epoch(net, x, y, cost, eta, m, rng):
    """The textbook epoch: one shuffle, then consecutive minibatches of m columns."""
    perm = rng.permutation(x.shape[1])
    xs, ys = x[:, perm], y[:, perm]
    for k in range(0, x.shape[1], m):
        net = update(net, backward(net, xs[:, k : k + m], ys[:, k : k + m], cost, validate=False), eta)
    return net


@pytest.mark.parametrize("per_chunk_batches", [1, 2, 3, None])  # None: the default chunk size
@pytest.mark.parametrize("order", ["C", "F"])
def test_minibatches_are_perm_slices_whatever_the_chunks(monkeypatch, per_chunk_batches, order):
    N, m, n_in = 23, 5, 2  # 23 = 4 full batches + 3: the last batch is short
    if per_chunk_batches is not None:
        monkeypatch.setattr(train_module, "SHUFFLE_CHUNK_BYTES", per_chunk_batches * m * n_in * 8)
    x = np.asarray(np.random.default_rng(0).uniform(-1, 1, (n_in, N)), order=order)
    index = np.arange(N, dtype=float)[None, :]  # target i for example i: a step shows who it saw
    net = init_network((n_in, 3, 1), 0, output="identity")
    RecordingCost.batches = []
    sgd_epoch(net, x, index, RecordingCost, 1e-3, m, np.random.default_rng(11))
    perm = np.random.default_rng(11).permutation(N).tolist()
    assert RecordingCost.batches == [perm[k : k + m] for k in range(0, N, m)]


@pytest.mark.parametrize("order", ["C", "F"])
def test_chunked_epoch_gives_the_plain_epochs_numbers(monkeypatch, order):
    # 784-wide columns, as in the benchmark: small chunks force several copies per epoch
    N, m = 60, 7
    monkeypatch.setattr(train_module, "SHUFFLE_CHUNK_BYTES", 2 * m * 784 * 8)  # 2 batches a chunk
    rng = np.random.default_rng(1)
    x = np.asarray(rng.uniform(0, 1, (784, N)), order=order)
    y = np.eye(10)[:, rng.integers(0, 10, N)]
    net = init_network((784, 30, 10), 2)
    expected = plain_epoch(net, x, y, QuadraticCost, 3.0, m, np.random.default_rng(5))
    got = sgd_epoch(net, x, y, QuadraticCost, 3.0, m, np.random.default_rng(5))
    for l in (1, 2):
        np.testing.assert_allclose(got.w[l], expected.w[l], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(got.b[l], expected.b[l], rtol=1e-13, atol=1e-15)


def test_chunks_hold_whole_minibatches_and_cover_perm_in_order(monkeypatch):
    monkeypatch.setattr(train_module, "SHUFFLE_CHUNK_BYTES", 1000)
    perm = np.random.default_rng(3).permutation(103)
    for m, column_bytes in [(4, 16), (10, 8), (7, 100), (200, 16)]:
        chunks = _chunks(perm, m, column_bytes)
        assert np.array_equal(np.concatenate(chunks), perm)
        assert all(c.size % m == 0 for c in chunks[:-1])  # only the last chunk may be short
        per_chunk = chunks[0].size
        assert per_chunk == min(perm.size, m * max(1, 1000 // (m * column_bytes)))


def test_sgd_epoch_leaves_a_c_ordered_x_unchanged():
    x = np.random.default_rng(4).uniform(-1, 1, (2, 30))
    y = (x[:1] > 0).astype(float)
    before_x, before_y = x.copy(), y.copy()
    sgd_epoch(init_network((2, 3, 1), 0), x, y, QuadraticCost, 0.5, 4, np.random.default_rng(0))
    assert x.flags.c_contiguous and np.array_equal(x, before_x) and np.array_equal(y, before_y)
