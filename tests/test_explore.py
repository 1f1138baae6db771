"""The explorer's engine (bpcore.explore): pure functions, no browser, no ipywidgets.

Each test compares against an independent route to the same number (one
``train`` call vs chunks, the update the update rule really makes vs the
reported ratio), never a stored result.
"""

import subprocess
import sys

import numpy as np
import pytest

from bpcore import explore as E
from bpcore.backprop import backward
from bpcore.costs import validate_cost_output
from bpcore.network import Network, init_network
from bpcore.train import mean_cost, train
from bpcore.update import update

FAST = dict(n=60, hidden_layers=1, width=6, epochs=20)
#: Full-batch leaky ReLU at η = 10 overflows to NaN after a few epochs (not in epoch 1).
DIVERGES = dict(dataset="moons", activation="leaky_relu", cost="cross_entropy", eta=10.0,
                batch_size=None, epochs=30)


# ---------------------------------------------------------------- settings
def test_default_settings_are_the_issue_default_network():
    s = E.Settings()
    assert s.dataset == "moons" and s.sizes == (2, 16, 16, 1)
    assert s.output == "sigmoid" and s.cost == "cross_entropy"
    assert s.noise == E.DEFAULT_NOISE["moons"]
    assert "2-16-16-1" in s.describe() and "η=0.1" in s.describe()


@pytest.mark.parametrize("field, value, words", [
    ("dataset", "mnist", "dataset must be one of"),
    ("eta", 20.0, "from 0.0001 to 10"),
    ("eta", 0.0, "from 0.0001 to 10"),
    ("eta", float("nan"), "learning rate"),
    ("noise", -0.1, "noise"),
    ("hidden_layers", 5, "hidden_layers"),
    ("width", 0, "width"),
    ("activation", "softmax", "activation must be one of"),
    ("cost", "hinge", "unknown cost"),
    ("batch_size", 0, "batch_size"),
    ("epochs", 0, "epochs"),
    ("seed", -1, "seed"),
    ("n", 5, "number of points"),
    ("init", "zeros", "init"),
])
def test_settings_reject_bad_values_with_a_clear_message(field, value, words):
    with pytest.raises(ValueError, match=words):
        E.Settings(**{field: value})


def test_cost_is_paired_with_the_data_and_output_automatically():
    spiral = E.Settings(dataset="spiral", cost="cross_entropy")
    assert spiral.cost == "softmax_cross_entropy" and spiral.output == "softmax"
    assert spiral.sizes[-1] == 3
    moons = E.Settings(dataset="moons", cost="softmax_cross_entropy")
    assert moons.cost == "cross_entropy" and moons.output == "sigmoid"
    assert E.Settings(hidden_layers=0).sizes == (2, 1)


@pytest.mark.parametrize("dataset", E.DATASET_NAMES)
def test_every_offered_cost_is_a_valid_pairing(dataset):
    choices = E.cost_choices(dataset)
    assert len(choices) == 2
    for _, cost in choices:
        validate_cost_output(cost, E.output_for_cost(cost))  # raises if invalid
        s = E.Settings(dataset=dataset, cost=cost, **FAST)
        assert s.cost == cost
        r = E.Run(s)
        r.advance(1)
        assert r.epoch == 1


# ---------------------------------------------------------------- data and network
def test_data_depends_on_data_seed_only():
    a = E.make_data(E.Settings(seed=0))
    b = E.make_data(E.Settings(seed=7, eta=3.0, width=4))
    c = E.make_data(E.Settings(data_seed=1))
    assert np.array_equal(a.x, b.x) and np.array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.x, c.x)
    assert a.x.shape == (2, 150) and a.x_val.shape == (2, 50) and a.y.shape == (1, 150)


def test_network_from_seed_is_reproducible_and_seed_dependent():
    s = E.Settings()
    n1, n2, n3 = E.make_network(s), E.make_network(s), E.make_network(s.replace(seed=1))
    assert all(np.array_equal(n1.w[l], n2.w[l]) for l in range(1, n1.L + 1))
    assert not np.array_equal(n1.w[1], n3.w[1])
    assert n1.sizes == s.sizes and n1.hidden == "tanh" and n1.output == "sigmoid"


# ---------------------------------------------------------------- runs
def _one_call(s):
    """The same run as E.Run(s) but with a single bpcore.train.train call."""
    data, net0 = E.make_data(s), E.make_network(s)
    shuffle = np.random.default_rng(np.random.SeedSequence(s.seed).spawn(2)[1])
    return train(net0, data.x, data.y, s.cost, s.eta, s.batch_size or data.N, s.epochs, shuffle,
                 data.x_val, data.y_val)


def test_run_in_chunks_equals_one_train_call():
    s = E.Settings(epochs=40)
    run = E.Run(s)
    for k in (1, 3, 7, 29):
        assert run.advance(k) == k
    net, h = _one_call(s)
    assert run.epoch == 40 and run.done
    assert run.history.loss == h.loss and run.history.val_loss == h.val_loss
    assert all(np.array_equal(run.net.w[l], net.w[l]) for l in range(1, net.L + 1))


def test_divergence_in_chunks_is_found_at_the_same_epoch_and_named():
    s = E.Settings(**DIVERGES)
    net, h = _one_call(s)
    assert h.diverged and 2 < h.epochs + 1 < s.epochs  # diverges mid-run, not at once
    run = E.Run(s)
    while not run.done:
        run.advance(4)
    assert run.diverged and run.history.loss == h.loss
    assert f"in epoch {h.epochs + 1} " in run.history.message  # global epoch, not the chunk's
    assert "eta=10" in run.history.message and "smaller" in run.history.message
    assert all(np.isfinite(run.net.w[l]).all() for l in range(1, run.net.L + 1))
    assert run.advance(5) == 0  # a diverged run does not go on by itself


def test_continue_with_new_eta_records_the_change():
    s = E.Settings(**FAST)
    run = E.Run(s)
    run.advance(10)
    run.set_eta(1.0)
    run.target = 20
    run.advance(10)
    assert run.eta_changes == [(10, 1.0)] and run.history.eta == 1.0
    # By hand: 10 epochs at η = 0.1, then 10 at η = 1 with the same shuffle stream.
    data, net = E.make_data(s), E.make_network(s)
    shuffle = np.random.default_rng(np.random.SeedSequence(s.seed).spawn(2)[1])
    net, h1 = train(net, data.x, data.y, s.cost, 0.1, s.batch_size, 10, shuffle)
    net, h2 = train(net, data.x, data.y, s.cost, 1.0, s.batch_size, 10, shuffle)
    assert np.allclose(run.history.loss, h1.loss + h2.loss, rtol=1e-12)


def test_a_diverged_run_may_continue_and_the_message_names_the_new_eta():
    run = E.Run(E.Settings(**DIVERGES))
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


def test_stream_reaches_the_target_in_growing_chunks():
    run = E.Run(E.Settings(epochs=60))
    sizes, last = [], 0
    for r in E.stream(run, tick_seconds=0.02):
        assert r is run
        sizes.append(r.epoch - last)
        last = r.epoch
    assert run.epoch == 60 and sizes[0] == 1 and sum(sizes) == 60
    assert max(sizes) > 1  # later chunks group several epochs


# ---------------------------------------------------------------- sweep
def test_lr_sweep_uses_one_start_and_marks_divergence():
    s = E.Settings(**DIVERGES)
    etas = [0.01, 0.1, 10.0]
    sweep = E.lr_sweep(s, etas)
    assert list(sweep.etas) == etas and len(sweep.runs) == 3
    assert all(r.net0 is sweep.runs[0].net0 and r.data is sweep.runs[0].data for r in sweep.runs)
    assert list(sweep.diverged) == [False, False, True]
    assert np.all(np.isfinite(sweep.final_loss))
    assert sweep.start_loss == pytest.approx(mean_cost(sweep.runs[0].net0, sweep.runs[0].data.x,
                                                       sweep.runs[0].data.y, s.cost))
    assert sweep.best_eta in (0.01, 0.1)
    # Each run is the run you would get with that η alone.
    alone = E.Run(s.replace(eta=0.1))
    alone.advance(s.epochs)
    assert sweep.runs[1].history.loss == alone.history.loss


def test_lr_sweep_flags_a_loss_that_rose_without_diverging():
    sweep = E.lr_sweep(E.Settings(epochs=30), [0.1, 10.0])
    assert not sweep.diverged.any()
    assert list(sweep.rose) == [False, True]
    assert sweep.final_loss[1] > sweep.start_loss > sweep.final_loss[0]


# ---------------------------------------------------------------- live maths
def test_live_numbers_come_from_backward_and_match_the_real_update():
    s = E.Settings(epochs=10)
    run = E.Run(s)
    run.advance(10)
    m = run.m
    nums = E.live_numbers(run.net, run.data.x, run.data.y, s.cost, s.eta, m)
    g = backward(run.net, run.data.x[:, :m], run.data.y[:, :m], s.cost)
    stepped = update(run.net, g, s.eta)
    assert nums.L == 3 and nums.m == m
    for l in range(1, 4):
        assert nums.delta[l] == pytest.approx(np.mean(np.linalg.norm(g.delta[l], axis=0)))
        assert nums.grad_w[l] == pytest.approx(np.linalg.norm(g.grad_w[l]))
        assert nums.grad_b[l] == pytest.approx(np.linalg.norm(g.grad_b[l]))
        # The ratio is the relative size of the step the update rule really takes.
        step = np.linalg.norm(stepped.w[l] - run.net.w[l]) / np.linalg.norm(run.net.w[l])
        assert nums.ratio[l] == pytest.approx(step, rel=1e-9)


def test_update_ratio_grows_with_eta_and_gets_a_verdict():
    run = E.Run(E.Settings())
    small = E.live_numbers(run.net0, run.data.x, run.data.y, "cross_entropy", 1e-4, 10)
    big = E.live_numbers(run.net0, run.data.x, run.data.y, "cross_entropy", 10.0, 10)
    assert big.ratio[1] == pytest.approx(small.ratio[1] * 1e5)
    assert E.ratio_verdict(small.ratio[1]) in ("tiny", "small")
    assert E.ratio_verdict(big.ratio[1]) in ("large", "huge")
    assert [E.ratio_verdict(r) for r in (1e-7, 1e-5, 1e-3, 5e-2, 0.5, float("nan"), 0.0)] == [
        "tiny", "small", "healthy", "large", "huge", "huge", "zero"]


def test_live_maths_html_shows_the_four_equations_and_each_layer():
    run = E.Run(E.Settings(eta=10.0))
    nums = E.live_numbers(run.net0, run.data.x, run.data.y, "cross_entropy", 10.0, 10)
    text = E.live_maths_html(nums)
    for name in ("BP1", "BP2", "BP3", "BP4", "update", r"\sigma'(z^L)", r"\tfrac{\eta}{m}"):
        assert name in text
    for l in (1, 2, 3):
        assert f"{nums.ratio[l]:.1e} ({E.ratio_verdict(nums.ratio[l])})" in text
    assert "<b>huge</b>" in text and "smaller η" in text  # η = 10 gives huge steps


def test_live_maths_html_says_when_no_gradient_arrives():
    # ReLU network whose first-layer weights are all negative and biases very negative: all units off.
    net = init_network([2, 4, 1], 0, hidden="relu", output="sigmoid")
    dead = net.with_params(net.w, [None, np.full((4, 1), -100.0), net.b[2]])
    x = np.random.default_rng(0).standard_normal((2, 10))
    y = (x[:1] > 0).astype(float)
    nums = E.live_numbers(dead, x, y, "cross_entropy", 0.1, 10)
    assert nums.ratio[1] == 0.0
    text = E.live_maths_html(nums)
    assert "<b>zero</b>" in text and "stopped learning" in text


def test_live_maths_html_without_hidden_layer():
    run = E.Run(E.Settings(hidden_layers=0))
    text = E.live_maths_html(E.live_numbers(run.net0, run.data.x, run.data.y, "cross_entropy", 0.1, 10))
    assert "no hidden layer" in text and "BP4" in text


# ---------------------------------------------------------------- texts and grid
def test_loss_text_reports_epoch_eta_losses_and_accuracy():
    run = E.Run(E.Settings(epochs=5))
    assert E.loss_text(run) == f"epoch 0/5 · η = 0.1 · training loss {run.start_loss:.3g} (untrained)"
    run.advance(5)
    h = run.history
    assert E.loss_text(run) == (
        f"epoch 5/5 · η = 0.1 · training loss {h.loss[-1]:.3g} · held-out loss {h.val_loss[-1]:.3g}"
        f" · accuracy {100 * h.accuracy[-1]:.0f} % / {100 * h.val_accuracy[-1]:.0f} %")


def test_diagnose_names_eta_and_suggests_a_smaller_one():
    good = E.Run(E.Settings(epochs=5))
    good.advance(5)
    assert E.diagnose(good) is None
    bad = E.Run(E.Settings(**DIVERGES))
    bad.advance(30)
    assert "diverged" in E.diagnose(bad) and "eta=10" in E.diagnose(bad) and "eta=1" in E.diagnose(bad)
    rose = E.Run(E.Settings(eta=10.0, epochs=30))
    rose.advance(30)
    message = E.diagnose(rose)
    assert "rose" in message and "eta=10" in message and "smaller eta" in message


def test_boundary_grid_covers_the_data_and_gives_probabilities():
    x = np.array([[-1.0, 2.0, 0.5], [0.0, 1.0, -3.0]])
    net = init_network([2, 3], 0, output="softmax", hidden="tanh")
    extent, probs = E.boundary_grid(net, x, resolution=21)
    assert probs.shape == (3, 21, 21) and np.allclose(probs.sum(axis=0), 1)
    assert extent[0] < -1 and extent[1] > 2 and extent[2] < -3 and extent[3] > 1
    # One sigmoid output deciding on the sign of x1: probabilities [1 - a, a] flip across x1 = 0.
    w = [None, np.array([[50.0, 0.0]])]
    b = [None, np.zeros((1, 1))]
    step = Network((2, 1), w, b, "sigmoid", "sigmoid")
    extent, probs = E.boundary_grid(step, np.array([[-1.0, 1.0], [-1.0, 1.0]]), resolution=10)
    assert probs.shape == (2, 10, 10)
    assert np.all(probs[1][:, :5] < 0.01) and np.all(probs[1][:, 5:] > 0.99)


# ---------------------------------------------------------------- module boundaries
def test_explore_imports_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, bpcore, bpcore.explore; "
            "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
