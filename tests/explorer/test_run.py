"""Run and the η sweep: chunked training on train_epochs gives one train() call's numbers.

Each test compares against an independent route to the same numbers (one
``bpcore.train.train`` call, or the same η trained alone), never a stored result.
"""

import numpy as np
import pytest

from bpcore.curvature import curvature_marks, run_regime
from bpcore.explorer.run import Run, RunCache, SweepResult, iter_lr_sweep, lr_sweep, stream, sweep_runs
from bpcore.explorer.settings import ETA_MAX, DATASET_NAMES, Settings, cost_choices, make_data, make_network
from bpcore.train import mean_cost, train

FAST = dict(n=60, hidden_layers=1, width=6, epochs=20)
#: The default network at η = 3: its loss climbs past ten times its best in epoch 9 (not in epoch 1).
DIVERGES = dict(eta=10.0, epochs=30)  # the default network: its loss climbs past ten times its best in epoch 2, with every BLAS kernel tried (η = 3 is chaotic: it blew up on some processors and not on others)


def _one_call(s):
    """The same run as Run(s) but with a single bpcore.train.train call."""
    data, net0 = make_data(s), make_network(s)
    shuffle = np.random.default_rng(np.random.SeedSequence(s.seed).spawn(2)[1])
    return train(net0, data.x, data.y, s.cost, s.eta, s.batch_size or data.N, s.epochs, shuffle,
                 data.x_val, data.y_val)


def test_run_in_chunks_equals_one_train_call():
    s = Settings(epochs=40)
    run = Run(s)
    for k in (1, 3, 7, 29):
        assert run.advance(k) == k
    net, h = _one_call(s)
    assert run.epoch == 40 and run.done
    assert run.history.loss == h.loss and run.history.val_loss == h.val_loss
    assert run.history.accuracy == h.accuracy and run.history.val_accuracy == h.val_accuracy
    assert all(np.array_equal(run.net.w[l], net.w[l]) for l in range(1, net.L + 1))


@pytest.mark.parametrize("dataset", DATASET_NAMES)
def test_every_offered_cost_trains(dataset):
    for _, cost in cost_choices(dataset):
        run = Run(Settings(dataset=dataset, cost=cost, **FAST))
        assert run.advance(1) == 1 and run.epoch == 1 and np.isfinite(run.history.loss[0])


def test_divergence_in_chunks_is_found_at_the_same_epoch_and_named():
    s = Settings(**DIVERGES)
    net, h = _one_call(s)
    assert h.diverged and 1 < h.epochs + 1 < s.epochs  # diverges after the first epoch, not at once
    run = Run(s)
    while not run.done:
        run.advance(1)
    assert run.diverged and run.history.loss == h.loss
    assert run.history.message == h.message  # the epoch of the whole run, not of the chunk
    assert f"in epoch {h.epochs + 1} " in run.history.message
    assert "eta=10" in run.history.message and "smaller" in run.history.message
    assert all(np.isfinite(run.net.w[l]).all() for l in range(1, run.net.L + 1))
    assert all(np.array_equal(run.net.w[l], net.w[l]) for l in range(1, net.L + 1))
    assert run.advance(5) == 0  # a diverged run does not go on by itself


def test_continue_with_new_eta_records_the_change():
    s = Settings(**FAST)
    run = Run(s)
    run.advance(10)
    run.set_eta(1.0)
    run.target = 20
    run.advance(10)
    assert run.eta_changes == [(10, 1.0)] and run.history.eta == 1.0
    # By hand: 10 epochs at η = 0.1, then 10 at η = 1 with the same shuffle stream.
    data, net = make_data(s), make_network(s)
    shuffle = np.random.default_rng(np.random.SeedSequence(s.seed).spawn(2)[1])
    net, h1 = train(net, data.x, data.y, s.cost, 0.1, s.batch_size, 10, shuffle)
    net, h2 = train(net, data.x, data.y, s.cost, 1.0, s.batch_size, 10, shuffle)
    assert np.allclose(run.history.loss, h1.loss + h2.loss, rtol=1e-12)


def test_a_diverged_run_may_continue_and_the_message_names_the_new_eta():
    run = Run(Settings(**DIVERGES))
    run.advance(30)
    assert run.diverged
    epoch = run.epoch
    run.set_eta(0.01)
    assert not run.diverged and "Continuing" in run.history.message
    assert run.eta_changes == [(epoch, 0.01)]
    done = run.advance(3)
    assert run.epoch == epoch + done
    if run.diverged:  # the last finite weights may already be too large: then it says so, with the new η
        assert "eta=0.01" in run.history.message and f"in epoch {run.epoch + 1} " in run.history.message
    else:
        assert done == 3 and np.isfinite(run.history.loss[-1])


def test_set_eta_validates_like_the_slider():
    run = Run(Settings(**FAST))
    with pytest.raises(ValueError, match="from 0.0001 to 100"):
        run.set_eta(1000.0)
    assert run.eta == 0.1 and run.eta_changes == []


def test_a_batch_larger_than_the_training_points_is_refused():
    with pytest.raises(ValueError, match="batch_size=50 is larger than the N=30 training points"):
        Run(Settings(n=40, batch_size=50))
    assert Run(Settings(n=40, batch_size=None)).m == 30
    assert Run(Settings(n=40, batch_size=30)).m == 30


def test_net0_must_fit_the_settings():
    with pytest.raises(ValueError, match="net0 has sizes"):
        Run(Settings(), net0=make_network(Settings(width=4)))


def _chunk_sizes(run, **kw):
    sizes, last = [], 0
    for r in stream(run, **kw):
        assert r is run
        sizes.append(r.epoch - last)
        last = r.epoch
    return sizes


def test_stream_sizes_each_chunk_from_the_last_ones_seconds_per_epoch():
    """A clock that reads 4 ms more at every call: one chunk measures 4 ms, whatever its size."""
    ticks = iter(0.004 * k for k in range(1000))
    sizes = _chunk_sizes(Run(Settings(epochs=60)), tick_seconds=0.02, clock=lambda: next(ticks))
    # 1 epoch in 4 ms: 5 per 0.02 s; then 5 epochs in 4 ms: 25; then the 29 left (60 in all)
    assert sizes == [1, 5, 25, 29]


def test_stream_reaches_the_target_on_the_real_clock():
    run = Run(Settings(epochs=60))
    sizes = _chunk_sizes(run, tick_seconds=0.02)   # chunk sizes depend on the machine's speed
    assert run.epoch == 60 and sizes[0] == 1 and sum(sizes) == 60


# ---------------------------------------------------------------- sweep
def test_lr_sweep_uses_one_start_and_marks_divergence():
    s = Settings(**DIVERGES)
    etas = [0.01, 0.1, 10.0]
    sweep = lr_sweep(s, etas)
    assert list(sweep.etas) == etas and len(sweep.runs) == 3
    assert all(r.net0 is sweep.runs[0].net0 and r.data is sweep.runs[0].data for r in sweep.runs)
    assert list(sweep.diverged) == [False, False, True]
    assert np.all(np.isfinite(sweep.final_loss))
    assert sweep.start_loss == pytest.approx(mean_cost(sweep.runs[0].net0, sweep.runs[0].data.x,
                                                       sweep.runs[0].data.y, s.cost))
    assert sweep.best_eta in (0.01, 0.1)
    # Each run is the run you would get with that η alone.
    alone = Run(s.replace(eta=0.1))
    alone.advance(s.epochs)
    assert sweep.runs[1].history.loss == alone.history.loss


def test_lr_sweep_flags_a_loss_that_rose_without_diverging():
    # The quadratic cost saturates the tanh units at η = 30: the loss ends above its start, but far
    # below ten times its best, so training does not count it as diverged.
    sweep = lr_sweep(Settings(n=60, width=6, epochs=30, cost="quadratic"), [0.1, 30.0])
    assert not sweep.diverged.any()
    assert list(sweep.rose) == [False, True]
    assert sweep.final_loss[1] > sweep.start_loss > sweep.final_loss[0]


def test_the_default_sweep_is_the_settings_grid():
    from bpcore.explorer.settings import SWEEP_ETAS

    sweep = lr_sweep(Settings(n=40, hidden_layers=0, epochs=1, batch_size=None))
    assert tuple(sweep.etas) == SWEEP_ETAS


def test_a_sweep_result_of_no_runs_or_only_failures_has_no_best_eta():
    assert np.isnan(SweepResult.from_runs([]).best_eta)
    sweep = lr_sweep(Settings(**DIVERGES), [10.0])
    assert sweep.diverged.all() and np.isnan(sweep.best_eta)


# ---------------------------------------------------------------- regimes and the edge of stability
def test_a_default_run_at_the_top_of_the_slider_diverges():
    """Divergence must be reachable from the controls with the default network."""
    run = Run(Settings(eta=ETA_MAX))
    run.advance(run.target)
    assert run.regime == "diverging" and run.diverged  # training itself stopped it: the loss blew up
    assert run.blown_loss > 10 * run.start_loss  # not a near miss
    assert ETA_MAX > 10 * run.curvature(initial=True).eta_edge


def test_the_regime_is_run_regime_of_the_losses_under_the_current_eta():
    run = Run(Settings(**FAST))
    assert run.regime is None  # no loss yet but the starting one
    run.advance(10)
    assert run.regime == run_regime([run.start_loss] + run.history.loss)
    run.set_eta(3.0)
    assert run.regime is None  # nothing trained under the new η yet
    run.target = 20
    run.advance(10)
    assert run.regime == run_regime(run.history.loss[9:])  # from the loss at the change on
    assert run.eta_segments == [(1, 10, 0.1), (11, 20, 3.0)]
    diverged = Run(Settings(**DIVERGES))
    diverged.advance(30)
    assert diverged.diverged and diverged.regime == "diverging"


def test_small_medium_and_large_eta_give_the_three_regimes_on_the_default_network():
    labels = {}
    for eta in (0.1, 1.0, 30.0):
        run = Run(Settings(eta=eta))
        run.advance(run.target)
        labels[eta] = run.regime
    assert labels == {0.1: "converging", 1.0: "oscillating", 30.0: "diverging"}


def test_curvature_marks_are_those_of_the_current_weights_and_computed_once():
    run = Run(Settings(**FAST))
    at_start = run.curvature()
    d = run.data
    assert at_start == curvature_marks(run.net0, d.x, d.y, run.settings.cost)
    assert run.curvature() is at_start and run.curvature(initial=True) is at_start
    run.advance(5)
    later = run.curvature()
    assert later == curvature_marks(run.net, d.x, d.y, run.settings.cost) and later != at_start
    assert run.curvature(initial=True) is at_start  # kept
    assert later.eta_edge == pytest.approx(2 / later.lambda_max)


def test_a_sweep_checks_every_eta_before_it_trains_any(monkeypatch):
    trained = []
    monkeypatch.setattr(Run, "advance", lambda self, k=1: trained.append(self.eta) or 0)
    for bad in ([0.1, 1.0, float("nan")], [0.1, 1e3], [], [0.1, True]):
        with pytest.raises((ValueError, TypeError)):
            lr_sweep(Settings(**FAST), bad)
        with pytest.raises((ValueError, TypeError)):
            iter_lr_sweep(Settings(**FAST), bad)  # raises when called, not at the first run
    assert trained == []


def test_sweep_results_carry_the_regimes_and_the_edge_of_the_initial_weights():
    s = Settings(**FAST)
    sweep = lr_sweep(s, [0.01, 1.0, 30.0])
    runs = sweep.runs
    assert sweep.regimes == tuple(r.regime for r in runs) and sweep.complete
    d = runs[0].data
    assert sweep.eta_edge == curvature_marks(runs[0].net0, d.x, d.y, s.cost).eta_edge
    assert sweep.regimes[-1] == "diverging"
    partial = SweepResult.from_runs(runs[:2], sweep.eta_edge, complete=False)
    assert not partial.complete and len(partial.etas) == 2
    assert all(r.epoch == 0 for r in sweep_runs(s, [0.1, 1.0]))


def test_the_run_cache_reuses_data_and_weights_while_their_settings_stay():
    cache = RunCache()
    a = cache.new(Settings(**FAST))
    b = cache.new(Settings(**FAST).replace(eta=1.0, batch_size=5))
    c = cache.new(Settings(**FAST).replace(seed=1))
    assert b.net0 is a.net0 and b.data is a.data
    assert c.net0 is not a.net0 and c.data is a.data


@pytest.mark.parametrize("bad, error, words", [
    (dict(settings={"eta": 0.1}), TypeError, "settings must be a bpcore.explorer.Settings"),
    (dict(data=(1, 2)), TypeError, "data must be a bpcore.explorer.Data"),
    (dict(net0="weights"), TypeError, "net0"),
])
def test_run_checks_what_it_is_given(bad, error, words):
    kwargs = {"settings": Settings(**FAST), **bad}
    with pytest.raises(error, match=words):
        Run(**kwargs)
