"""The explorer's state and actions without widgets: each action against an independent Run."""

import pytest

from bpcore.explorer.run import Run
from bpcore.explorer.session import FIELDS, Session, next_seed
from bpcore.explorer.settings import SEED_MAX, Settings

FAST = dict(n=60, hidden_layers=1, width=6, epochs=10)


def _trained(settings, epochs=None):
    run = Run(settings)
    run.advance(settings.epochs if epochs is None else epochs)
    return run


def test_training_runs_a_chunk_per_next_and_ends_with_the_status():
    s = Settings(**FAST)
    session = Session(s, tick_seconds=0.001)
    chunks = list(session.training(s))
    assert len(chunks) > 1 and session.run.epoch == 10
    assert session.run.history.loss == _trained(s).history.loss
    assert session.status[0].startswith("Done: 10 epochs with η = 0.1;")
    assert session.line.startswith("epoch 10/10 · η = 0.1")
    list(session.training(s))  # a finished run starts again from the same weights
    assert session.run.history.loss == _trained(s).history.loss


def test_only_eta_continues_and_only_when_asked():
    s = Settings(**FAST)
    session = Session(s)
    list(session.training(s))
    run = session.run
    session.changed(s.replace(eta=1.0), "eta", continue_run=True)
    assert session.run is run and run.eta_changes == [(10, 1.0)] and run.target == 20
    session.changed(s.replace(eta=0.3), "eta", continue_run=False)
    assert session.run is not run and session.run.eta == 0.3 and session.run.net0 is run.net0
    session.sweep_result = "a sweep"
    session.changed(s.replace(eta=0.3, width=5), "width", continue_run=True)
    assert session.run.epoch == 0 and session.sweep_result is None


def test_step_after_a_divergence_trains_nothing_and_says_so():
    s = Settings(eta=10.0, epochs=30)  # blows up in epoch 2 (tests/explorer/test_run.py)
    session = Session(s)
    list(session.training(s))
    assert session.run.diverged
    epoch = session.run.epoch
    session.step()
    assert session.run.epoch == epoch and session.status[1] == "warning"
    assert session.status[0].endswith("Press Reset or Train to start again.")


def test_checked_changes_pair_a_new_data_set_with_its_noise_and_cost():
    s = Settings(**FAST)
    session = Session(s)
    spiral = session.checked(s, {"dataset": "spiral"})
    assert spiral.cost == "softmax_cross_entropy" and spiral.noise == Settings(dataset="spiral").noise
    assert session.checked(s.replace(cost="quadratic"), {"dataset": "spiral"}).cost == "quadratic"  # it fits
    with pytest.raises(TypeError, match="set\\(\\) takes Settings fields"):
        session.checked(s, {"lr": 0.1})
    with pytest.raises(ValueError, match="dataset must be one of"):
        session.checked(s, {"dataset": "mnist"})
    assert set(FIELDS) == set(Settings.__dataclass_fields__)


def test_reset_keeps_the_weights_and_new_weights_changes_them():
    s = Settings(**FAST)
    session = Session(s)
    list(session.training(s))
    net0 = session.run.net0
    session.reset(s)
    assert session.run.epoch == 0 and session.run.net0 is net0 and "same initial weights" in session.status[0]
    session.new_weights(s.replace(seed=next_seed(s.seed)), s.seed)
    assert session.run.net0 is not net0 and session.run.settings.seed == 1
    assert session.status[0].startswith("New weights: drawn from seed 1 (was seed 0)")
    assert next_seed(SEED_MAX) == 0 and next_seed(41) == 42


def test_a_sweep_checks_its_etas_when_asked_and_pauses_with_what_it_finished():
    s = Settings(**FAST)
    session = Session(s, tick_seconds=0.001)
    with pytest.raises(ValueError):
        session.sweeping([0.1, float("nan")])  # raises at once, before any next()
    steps = session.sweeping([0.01, 0.1, 1.0])
    while session.sweep_result is None or len(session.sweep_result.etas) < 2:
        next(steps)
    session.paused("sweep")  # the scheduler stops calling next()
    assert session.status[0].startswith("Sweep stopped after 2 of 3 η")
    assert not session.sweep_result.complete and session.run.epoch == 0  # the current run untouched
