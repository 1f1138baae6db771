"""Minibatch SGD: accuracy on the toy sets, the history, the callback, divergence.

The four training runs use fixed seeds and the recipes in the team brief; the
accuracy reached and the seconds taken by each are written to the terminal at
the end of the session (``training runs: ...``) so they can be quoted. Their
total is about 4 s of CPU time on this machine (measured; not asserted, timing
belongs in benchmarks).
"""

import time
import warnings

import numpy as np
import pytest

from bpcore import (
    History,
    accuracy,
    backward,
    forward,
    init_network,
    mean_cost,
    predict_labels,
    train,
    update,
)
from bpcore import datasets
from bpcore.costs import QuadraticCost, get_cost
from bpcore.train import sgd_epoch
from tests import measured


@pytest.fixture(scope="session")
def training_runs(request):
    """{name: (accuracy, seconds)}, written to the terminal at session end."""
    runs = {}
    yield runs
    if not runs:
        return
    lines = ["training runs (final training accuracy, wall-clock seconds):"]
    lines += [f"  {name:<8} {acc:7.2%}  {secs:5.2f} s" for name, (acc, secs) in runs.items()]
    lines.append(f"  total    {sum(s for _, s in runs.values()):5.2f} s")
    measured.report(request, "\n".join(lines))


RECIPES = {
    # name: (data, sizes, hidden, output, cost, eta, m, epochs, required accuracy)
    "xor": (lambda: datasets.xor(np.random.default_rng(0), n=4, noise=0.0),
            (2, 4, 1), "tanh", "sigmoid", "cross_entropy", 1.0, 4, 500, 1.0),
    "moons": (lambda: datasets.moons(np.random.default_rng(0), n=200, noise=0.1),
              (2, 16, 16, 1), "tanh", "sigmoid", "cross_entropy", 0.5, 10, 100, 0.97),
    "circles": (lambda: datasets.circles(np.random.default_rng(0), n=200, noise=0.05),
                (2, 16, 16, 1), "tanh", "sigmoid", "cross_entropy", 0.5, 10, 100, 0.97),
    "spiral": (lambda: datasets.spiral(np.random.default_rng(0), n=300, noise=0.2, k=3),
               (2, 32, 32, 3), "tanh", "softmax", "softmax_cross_entropy", 0.3, 20, 150, 0.95),
}


@pytest.mark.parametrize("name", RECIPES)
def test_training_accuracy(name, training_runs):
    make_data, sizes, hidden, output, cost, eta, m, epochs, required = RECIPES[name]
    x, y = make_data()
    net = init_network(sizes, np.random.default_rng(1), init="xavier", hidden=hidden, output=output)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # normal training emits no warnings at all
        trained, history = train(net, x, y, cost, eta=eta, m=m, epochs=epochs, rng=np.random.default_rng(2))
    seconds = time.perf_counter() - start
    final = accuracy(trained, x, y)
    training_runs[name] = (final, seconds)
    assert not history.diverged and not history.stopped
    assert history.epochs == epochs
    assert history.accuracy[-1] == final
    assert final >= required, f"{name}: {final:.2%} < {required:.0%}"
    assert history.loss[-1] < 0.5 * history.loss[0]
    # sanity: the untrained network is not already that good
    assert accuracy(net, x, y) < required


# --- the history and the callback -------------------------------------------------------


def _moons(n=60, seed=0):
    x, y = datasets.moons(np.random.default_rng(seed), n=n, noise=0.1)
    net = init_network((2, 8, 1), np.random.default_rng(seed), init="xavier", hidden="tanh")
    return net, x, y


def test_history_records_every_epoch():
    net, x, y = _moons()
    x_val, y_val = datasets.moons(np.random.default_rng(9), n=30, noise=0.1)
    trained, h = train(net, x, y, "cross_entropy", eta=0.5, m=10, epochs=7, rng=0, x_val=x_val, y_val=y_val)
    assert isinstance(h, History)
    assert (h.eta, h.m) == (0.5, 10)
    assert h.epochs == len(h.loss) == len(h.accuracy) == len(h.val_loss) == len(h.val_accuracy) == 7
    assert h.message == "Finished 7 epoch(s)."
    assert h.loss[-1] == pytest.approx(mean_cost(trained, x, y, "cross_entropy"), rel=1e-12)
    assert h.accuracy[-1] == accuracy(trained, x, y)
    assert h.val_loss[-1] == pytest.approx(mean_cost(trained, x_val, y_val, "cross_entropy"), rel=1e-12)
    assert h.val_accuracy[-1] == accuracy(trained, x_val, y_val)
    assert "7 epochs, eta=0.5, m=10" in repr(h)


def test_regression_history_has_no_accuracy():
    x, y = datasets.regression_1d(np.random.default_rng(0), n=40, noise=0.05)
    net = init_network((1, 8, 1), 0, hidden="tanh", output="identity")
    _, h = train(net, x, y, "quadratic", eta=0.1, m=8, epochs=3, rng=0)
    assert h.accuracy == [None, None, None]
    assert all(np.isfinite(h.loss))


def test_zero_epochs_returns_the_network_unchanged():
    net, x, y = _moons()
    trained, h = train(net, x, y, eta=0.1, epochs=0)
    assert h.epochs == 0 and h.message == "No epochs run."
    np.testing.assert_array_equal(trained.w[1], net.w[1])


def test_train_does_not_change_its_inputs():
    net, x, y = _moons()
    saved = net.w[1].copy(), x.copy(), y.copy()
    train(net, x, y, "cross_entropy", eta=0.5, m=10, epochs=3, rng=0)
    np.testing.assert_array_equal(net.w[1], saved[0])
    np.testing.assert_array_equal(x, saved[1])
    np.testing.assert_array_equal(y, saved[2])


def test_callback_sees_every_epoch_and_can_stop():
    net, x, y = _moons()
    seen = []

    def callback(epoch, current, history):
        seen.append((epoch, history.epochs, current.sizes))
        return False if epoch == 3 else None  # None (or True) means carry on

    trained, h = train(net, x, y, "cross_entropy", eta=0.5, m=10, epochs=10, rng=0, callback=callback)
    assert seen == [(1, 1, (2, 8, 1)), (2, 2, (2, 8, 1)), (3, 3, (2, 8, 1))]
    assert h.stopped and not h.diverged
    assert h.epochs == 3
    assert h.message == "Stopped by the callback after epoch 3."
    # the network returned is the one after epoch 3, the same as training 3 epochs
    three, _ = train(net, x, y, "cross_entropy", eta=0.5, m=10, epochs=3, rng=0)
    np.testing.assert_array_equal(trained.w[1], three.w[1])


# --- what one epoch does ------------------------------------------------------------------


class RecordingCost(QuadraticCost):
    """The quadratic cost, recording which examples each backward pass saw."""

    name = "recording_quadratic"
    batches = []

    @classmethod
    def delta(cls, z, a, y, sigma):
        cls.batches.append(y[0].astype(int).tolist())  # y holds each example's index
        return super().delta(z, a, y, sigma)


def test_each_epoch_visits_every_example_once_in_reshuffled_batches_of_m():
    N, m = 23, 5
    x = np.random.default_rng(0).uniform(-1, 1, (2, N))
    y = np.arange(N, dtype=float)[None, :]  # example i has target i: we can see who is in a batch
    net = init_network((2, 3, 1), 0, output="identity")
    RecordingCost.batches = []
    train(net, x, y, RecordingCost, eta=1e-4, m=m, epochs=3, rng=0)
    batches = RecordingCost.batches
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3] * 3  # the last batch holds the rest
    epochs = [sum(batches[5 * e: 5 * e + 5], []) for e in range(3)]
    for order in epochs:
        assert sorted(order) == list(range(N))  # every example exactly once per epoch
    assert epochs[0] != epochs[1] != epochs[2] and epochs[0] != list(range(N))  # reshuffled


def test_full_batch_epoch_is_one_gradient_step():
    """m = N: one epoch is exactly w → w − (η/N) Σ_x ∂C_x/∂w (the seed's reading of m)."""
    net, x, y = _moons(n=40)
    cost = get_cost("cross_entropy")
    stepped = update(net, backward(net, x, y, cost), eta=0.8)
    for m in (None, 40):
        trained, h = train(net, x, y, cost, eta=0.8, m=m, epochs=1, rng=3)
        assert h.m == 40
        for l in (1, 2):
            # the shuffled column order changes only the summation order
            np.testing.assert_allclose(trained.w[l], stepped.w[l], rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(trained.b[l], stepped.b[l], rtol=1e-12, atol=1e-15)


def test_sgd_epoch_is_pure_and_matches_manual_minibatch_steps():
    net, x, y = _moons(n=12)
    cost = get_cost("quadratic")
    N, m = 12, 4
    RecordingCost.batches = []
    idx = np.arange(N, dtype=float)[None, :]
    # learn the order sgd_epoch uses from a recording run with the same seed ...
    sgd_epoch(net.with_params(net.w, net.b), x, idx, RecordingCost, 0.5, m, np.random.default_rng(7))
    order = sum(RecordingCost.batches, [])
    # ... then do the same minibatch steps by hand
    manual = net
    for k in range(0, N, m):
        cols = order[k: k + m]
        manual = update(manual, backward(manual, x[:, cols], y[:, cols], cost), eta=0.5)
    result = sgd_epoch(net, x, y, cost, 0.5, m, np.random.default_rng(7))
    for l in (1, 2):
        np.testing.assert_allclose(result.w[l], manual.w[l], rtol=1e-13, atol=1e-16)
    assert result is not net


# --- divergence -----------------------------------------------------------------------------

DIVERGING = [
    # (hidden, output, cost, data, n, eta, m)
    ("relu", "identity", "quadratic", "regression_1d", 100, 50.0, 100),   # the loss explodes
    ("tanh", "identity", "quadratic", "regression_1d", 100, 100.0, 1),    # the loss overflows
    ("relu", "identity", "quadratic", "regression_1d", 100, 1e300, 100),  # the parameters overflow
    ("relu", "sigmoid", "cross_entropy", "moons", 200, 1e8, 10),          # z^l overflows
    ("relu", "softmax", "softmax_cross_entropy", "spiral", 200, 1e100, 10),
]


def _diverging_problem(hidden, output, cost, data, n=100):
    x, y = datasets.load(data, np.random.default_rng(0), n=n)
    net = init_network((x.shape[0], 16, 16, y.shape[0]), np.random.default_rng(0), init="he",
                       hidden=hidden, output=output)
    return net, x, y


@pytest.mark.parametrize("hidden, output, cost, data, n, eta, m", DIVERGING,
                         ids=[f"{h}-{o}-{d}-eta{e:g}" for h, o, _, d, _, e, _ in DIVERGING])
def test_divergence_stops_cleanly(hidden, output, cost, data, n, eta, m):
    net, x, y = _diverging_problem(hidden, output, cost, data, n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning (overflow, invalid value) escapes
        trained, h = train(net, x, y, cost, eta=eta, m=m, epochs=50, rng=0)
    assert h.diverged, h.message
    assert not h.stopped
    assert f"eta={eta:g}" in h.message and "learning rate" in h.message
    assert "diverged" in h.message and "smaller eta" in h.message
    # the network returned is finite, and so is everything it computes on the data
    for l in range(1, trained.L + 1):
        assert np.all(np.isfinite(trained.w[l])) and np.all(np.isfinite(trained.b[l]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z, a = forward(trained, x)
    assert all(np.all(np.isfinite(zl)) for zl in z[1:])
    assert all(np.isfinite(h.loss))
    # it is the network after the last completed epoch
    again, h2 = train(net, x, y, cost, eta=eta, m=m, epochs=h.epochs, rng=0)
    assert not h2.diverged
    for l in range(1, trained.L + 1):
        np.testing.assert_array_equal(again.w[l], trained.w[l])


def test_overflow_inside_the_forward_pass_is_divergence_not_a_warning():
    """Regression test: finite weights of ~1e270 overflow in w @ a; sigmoid(±inf) is 0 or 1
    and the clipped cross-entropy stayed finite, so training used to 'finish' and the
    accuracy helper's forward pass leaked 'RuntimeWarning: overflow encountered in matmul'."""
    net, x, y = _diverging_problem("relu", "sigmoid", "cross_entropy", "moons", n=200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, h = train(net, x, y, "cross_entropy", eta=1e8, m=10, epochs=20, rng=0)
    assert h.diverged and "NaN or infinite" in h.message and "eta=1e+08" in h.message


def test_cross_entropy_divergence_without_overflow_is_detected():
    net, x, y = _diverging_problem("relu", "sigmoid", "cross_entropy", "moons", n=100)
    # the weighted inputs of the saturated sigmoids grow past Z_LIMIT, which the divergence
    # check reports first (the loss, exact from z^L, grows like |z| too).
    _, h = train(net, x, y, "cross_entropy", eta=1e8, m=10, epochs=20, rng=0)
    assert h.diverged
    assert "weighted inputs reached |z|" in h.message and "eta=1e+08" in h.message


def test_loss_that_climbs_far_above_its_best_counts_as_divergence():
    net, x, y = _diverging_problem("relu", "identity", "quadratic", "regression_1d")
    _, h = train(net, x, y, "quadratic", eta=50.0, m=100, epochs=50, rng=0)
    assert h.diverged and h.failed and h.failed_epoch == h.epochs + 1 == h.net_epoch + 1
    assert "climbed to" in h.message and "times the best it reached" in h.message
    assert f"after epoch {h.net_epoch}, before it blew up" in h.message
    # a larger climb_factor stops later (or at the same epoch), never earlier
    _, h_high = train(net, x, y, "quadratic", eta=50.0, m=100, epochs=50, rng=0, climb_factor=1e6)
    assert h_high.epochs >= h.epochs


def test_a_bounded_cost_that_climbs_back_to_chance_is_reported_failed():
    """tanh at a huge η: cross-entropy is bounded per example, so it never rises a
    million-fold, yet the run is lost. It ends above its start or its best."""
    x, y = datasets.moons(np.random.default_rng(0), n=100, noise=0.1)
    net = init_network((2, 8, 1), np.random.default_rng(1), init="xavier", hidden="tanh")
    _, h = train(net, x, y, "cross_entropy", eta=1e6, m=10, epochs=20, rng=0)
    assert h.failed and "smaller eta" in h.message and "eta=1e+06" in h.message


def test_a_run_that_ends_above_its_start_is_reported_failed_not_finished():
    x, y = datasets.moons(np.random.default_rng(0), n=100, noise=0.1)
    net = init_network((2, 8, 1), np.random.default_rng(1), init="xavier", hidden="tanh")
    for seed in range(40):  # the first η and seed whose run ends above its start, without blowing up
        for eta in (3.0, 10.0, 30.0):
            _, h = train(net, x, y, "cross_entropy", eta=eta, m=10, epochs=5, rng=seed, climb_factor=1e9)
            if not h.diverged and h.loss[-1] > h.start_loss:
                assert h.failed and h.message.startswith("Training failed") and "smaller eta" in h.message
                assert f"{h.start_loss:.3g} → {h.loss[-1]:.3g}" in h.message
                return
    pytest.fail("no run ended above its start: the test lost its subject")


def test_a_healthy_run_is_not_failed():
    x, y = datasets.moons(np.random.default_rng(0), n=100, noise=0.1)
    net = init_network((2, 8, 1), np.random.default_rng(1), init="xavier", hidden="tanh")
    _, h = train(net, x, y, "cross_entropy", eta=0.5, m=10, epochs=30, rng=0)
    assert not h.failed and not h.diverged and h.failed_epoch is None and h.net_epoch == 30
    assert h.message == "Finished 30 epoch(s)." and h.loss[-1] < h.start_loss


def test_nan_already_in_the_weights_is_reported_as_that_not_blamed_on_eta():
    x, y = datasets.moons(np.random.default_rng(0), n=50, noise=0.1)
    net = init_network((2, 4, 1), np.random.default_rng(1))
    net.w[1][0, 0] = np.nan
    with pytest.raises(ValueError, match="already contain NaN or inf") as info:
        train(net, x, y, "cross_entropy", eta=0.5, m=10, epochs=3, rng=0)
    assert "before this call began, so neither its data nor its η made them" in str(info.value)


def test_overflow_counts_as_divergence():
    net, x, y = _diverging_problem("tanh", "identity", "quadratic", "regression_1d")
    _, h = train(net, x, y, "quadratic", eta=100.0, m=1, epochs=50, rng=0)
    assert h.diverged and "NaN or infinite" in h.message


def test_a_stable_learning_rate_does_not_diverge():
    net, x, y = _diverging_problem("relu", "identity", "quadratic", "regression_1d")
    _, h = train(net, x, y, "quadratic", eta=0.05, m=10, epochs=20, rng=0)
    assert not h.diverged and h.message == "Finished 20 epoch(s)."
    assert h.loss[-1] < h.loss[0]


# --- predict_labels, accuracy, mean_cost ----------------------------------------------------


def test_predict_labels_threshold_and_argmax():
    one = init_network((1, 1), 0, output="identity").with_params(
        [None, np.array([[1.0]])], [None, np.array([[0.0]])])
    x = np.array([[0.2, 0.5, 0.7, -3.0]])
    np.testing.assert_array_equal(predict_labels(one, x), [0, 0, 1, 0])  # a > 0.5 is class 1
    multi = init_network((2, 2), 0, output="softmax").with_params(
        [None, np.eye(2)], [None, np.zeros((2, 1))])
    np.testing.assert_array_equal(predict_labels(multi, np.array([[1.0, -1.0], [0.0, 2.0]])), [0, 1])


def test_accuracy_is_the_fraction_correct():
    one = init_network((1, 1), 0, output="identity").with_params(
        [None, np.array([[1.0]])], [None, np.array([[0.0]])])
    x = np.array([[0.2, 0.9, 0.7, 0.1]])
    assert accuracy(one, x, np.array([[0.0, 1.0, 0.0, 1.0]])) == 0.5
    assert accuracy(one, x, np.array([[0.0, 1.0, 1.0, 0.0]])) == 1.0


def test_mean_cost_is_the_sum_over_m():
    net, x, y = _moons(n=20)
    z, a = forward(net, x)
    assert mean_cost(net, x, y, "quadratic") == pytest.approx(QuadraticCost.value(z[-1], a[-1], y) / 20, rel=1e-15)


def test_mean_cost_checks_the_shape_of_y():
    net, x, y = _moons(n=20)
    with pytest.raises(ValueError, match=r"y must have shape \(1, 20\).*got shape \(1, 19\)"):
        mean_cost(net, x, y[:, :19])
    two_out = init_network((2, 3, 2), 0)
    with pytest.raises(ValueError, match=r"y must have shape \(2, 20\).*got shape \(1, 20\)"):
        mean_cost(two_out, x, y)  # would otherwise broadcast silently


# --- train_epochs: one epoch at a time, and continuing a run -------------------------------

def _records_equal(a, b):
    assert [e.number for e in a] == [e.number for e in b]
    assert [e.loss for e in a] == [e.loss for e in b]
    assert [e.val_loss for e in a] == [e.val_loss for e in b]
    assert [e.accuracy for e in a] == [e.accuracy for e in b]
    for e, f in zip(a, b):
        for l in range(1, e.net.L + 1):
            np.testing.assert_array_equal(e.net.w[l], f.net.w[l])
            np.testing.assert_array_equal(e.net.b[l], f.net.b[l])


def test_a_run_continued_from_net_epoch_and_loss_equals_one_long_run():
    from itertools import islice

    from bpcore.train import train_epochs

    x, y = datasets.moons(np.random.default_rng(0), n=120, noise=0.1)
    net0 = init_network((2, 8, 1), np.random.default_rng(1), init="xavier", hidden="tanh")
    common = dict(cost="cross_entropy", eta=0.5, m=7, x_val=x[:, 90:], y_val=y[:, 90:])
    long_run = list(islice(train_epochs(net0, x[:, :90], y[:, :90], rng=np.random.default_rng(2),
                                        **common), 12))
    shuffle = np.random.default_rng(2)
    first = list(islice(train_epochs(net0, x[:, :90], y[:, :90], rng=shuffle, **common), 5))
    start_loss = mean_cost(net0, x[:, :90], y[:, :90], "cross_entropy")
    rest = list(islice(train_epochs(first[-1].net, x[:, :90], y[:, :90], rng=shuffle, start_epoch=5,
                                    start_loss=start_loss, **common), 7))
    assert [e.number for e in rest] == list(range(6, 13))
    _records_equal(first + rest, long_run)
    # and train() is the same loop
    net, h = train(net0, x[:, :90], y[:, :90], epochs=12, rng=2, **common)
    assert h.loss == [e.loss for e in long_run] and h.val_loss == [e.val_loss for e in long_run]
    np.testing.assert_array_equal(net.w[1], long_run[-1].net.w[1])


def test_train_epochs_validates_when_called_not_at_the_first_epoch():
    from bpcore.train import train_epochs

    net, x, y = _diverging_problem("relu", "identity", "quadratic", "regression_1d")
    with pytest.raises(ValueError, match="learning rate eta"):
        train_epochs(net, x, y, eta=-1.0, m=10, rng=0)
    with pytest.raises(ValueError, match="start_epoch"):
        train_epochs(net, x, y, eta=0.1, m=10, rng=0, start_epoch=-1)
    with pytest.raises(ValueError, match="start_loss"):
        train_epochs(net, x, y, eta=0.1, m=10, rng=0, start_loss=float("nan"))


@pytest.mark.parametrize("hidden, output, cost, data, n, eta, m", DIVERGING,
                         ids=[f"{h}-{o}-{d}-eta{e:g}" for h, o, _, d, _, e, _ in DIVERGING])
def test_divergence_is_detected_in_the_epoch_it_happens(hidden, output, cost, data, n, eta, m):
    from bpcore.train import train_epochs

    net, x, y = _diverging_problem(hidden, output, cost, data, n)
    _, h = train(net, x, y, cost, eta=eta, m=m, epochs=50, rng=0)
    records = list(train_epochs(net, x, y, cost=cost, eta=eta, m=m, rng=0))  # ends by itself
    *fine, last = records
    assert not any(e.diverged for e in fine) and last.diverged
    assert last.number == h.epochs + 1 and last.message == h.message
    assert last.net is (fine[-1].net if fine else net)  # the parameters from before the bad epoch
    assert all(np.isfinite(e.loss) for e in fine)


def test_a_continued_run_names_the_epoch_of_the_whole_run_and_explodes_against_its_start():
    import copy
    from itertools import islice

    from bpcore.train import train_epochs

    net0, x, y = _diverging_problem("relu", "identity", "quadratic", "regression_1d")
    _, h = train(net0, x, y, "quadratic", eta=1.5, m=100, epochs=50, rng=0)
    assert h.diverged and h.epochs >= 1 and "climbed to" in h.message
    shuffle = np.random.default_rng(0)
    first = list(islice(train_epochs(net0, x, y, eta=1.5, m=100, rng=shuffle), h.epochs))
    same_shuffle = copy.deepcopy(shuffle)
    rest = list(train_epochs(first[-1].net, x, y, eta=1.5, m=100, rng=shuffle, start_epoch=h.epochs,
                             start_loss=mean_cost(net0, x, y), best_loss=first[-1].best_loss))
    assert len(rest) == 1 and rest[0].diverged and rest[0].message == h.message
    assert f"in epoch {h.epochs + 1} " in rest[0].message
    # measured against the loss the continuation starts from, the same jump would not count
    later = next(train_epochs(first[-1].net, x, y, eta=1.5, m=100, rng=same_shuffle, start_epoch=h.epochs))
    # (the epoch leaves every ReLU of layer 1 dead, which stops the run for its own reason)
    assert later.number == h.epochs + 1 and "climbed to" not in later.message
