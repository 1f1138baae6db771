"""The live numbers and the texts: compared with backward() and the update the rule really makes."""

import numpy as np
import pytest

from bpcore.backprop import backward
from bpcore.explorer.numbers import (diagnose, live_maths_html, live_numbers, loss_text, ratio_verdict,
                                     sweep_progress_text, sweep_summary)
from bpcore.explorer.run import Run, lr_sweep
from bpcore.explorer.settings import Settings
from bpcore.network import init_network
from bpcore.update import update

DIVERGES = dict(dataset="moons", activation="leaky_relu", cost="cross_entropy", eta=10.0,
                batch_size=None, epochs=30)


def test_live_numbers_come_from_backward_and_match_the_real_update():
    s = Settings(epochs=10)
    run = Run(s)
    run.advance(10)
    m = run.m
    nums = live_numbers(run.net, run.data.x, run.data.y, s.cost, s.eta, m)
    g = backward(run.net, run.data.x[:, :m], run.data.y[:, :m], s.cost)
    stepped = update(run.net, g, s.eta)
    assert nums.L == 3 and nums.m == m and nums.eta == s.eta
    for l in range(1, 4):
        assert nums.delta[l] == pytest.approx(np.mean(np.linalg.norm(g.delta[l], axis=0)))
        assert nums.grad_w[l] == pytest.approx(np.linalg.norm(g.grad_w[l]))
        assert nums.grad_b[l] == pytest.approx(np.linalg.norm(g.grad_b[l]))
        assert nums.weight[l] == pytest.approx(np.linalg.norm(run.net.w[l]))
        # The ratio is the relative size of the step the update rule really takes.
        step = np.linalg.norm(stepped.w[l] - run.net.w[l]) / np.linalg.norm(run.net.w[l])
        assert nums.ratio[l] == pytest.approx(step, rel=1e-9)


def test_update_ratio_grows_with_eta_and_gets_a_verdict():
    run = Run(Settings())
    small = live_numbers(run.net0, run.data.x, run.data.y, "cross_entropy", 1e-4, 10)
    big = live_numbers(run.net0, run.data.x, run.data.y, "cross_entropy", 10.0, 10)
    assert big.ratio[1] == pytest.approx(small.ratio[1] * 1e5)
    assert ratio_verdict(small.ratio[1]) in ("tiny", "small")
    assert ratio_verdict(big.ratio[1]) in ("large", "huge")
    assert [ratio_verdict(r) for r in (1e-7, 1e-5, 1e-3, 5e-2, 0.5, float("nan"), 0.0)] == [
        "tiny", "small", "healthy", "large", "huge", "huge", "zero"]


def test_live_maths_html_shows_the_four_equations_and_each_layer():
    run = Run(Settings(eta=10.0))
    nums = live_numbers(run.net0, run.data.x, run.data.y, "cross_entropy", 10.0, 10)
    text = live_maths_html(nums)
    for name in ("BP1", "BP2", "BP3", "BP4", "update", r"\sigma'(z^L)", r"\tfrac{\eta}{m}"):
        assert name in text
    for l in (1, 2, 3):
        assert f"{nums.ratio[l]:.1e} ({ratio_verdict(nums.ratio[l])})" in text
    assert f"for l = 1: {nums.delta[1]:.2g}, 2: {nums.delta[2]:.2g}<" in text  # hidden layers (BP2)
    assert f"|δ<sup>3</sup>| = {nums.delta[3]:.2g}" in text  # the output layer (BP1)
    assert "<b>huge</b>" in text and "smaller η" in text  # η = 10 gives huge steps


def test_live_maths_html_says_when_no_gradient_arrives():
    # ReLU network whose first-layer biases are very negative: all units off.
    net = init_network([2, 4, 1], 0, hidden="relu", output="sigmoid")
    dead = net.with_params(net.w, [None, np.full((4, 1), -100.0), net.b[2]])
    x = np.random.default_rng(0).standard_normal((2, 10))
    y = (x[:1] > 0).astype(float)
    nums = live_numbers(dead, x, y, "cross_entropy", 0.1, 10)
    assert nums.ratio[1] == 0.0
    text = live_maths_html(nums)
    assert "<b>zero</b>" in text and "stopped learning" in text


def test_live_maths_html_without_hidden_layer():
    run = Run(Settings(hidden_layers=0))
    text = live_maths_html(live_numbers(run.net0, run.data.x, run.data.y, "cross_entropy", 0.1, 10))
    assert "no hidden layer" in text and "BP4" in text


def test_live_numbers_use_at_most_the_columns_there_are():
    run = Run(Settings())
    nums = live_numbers(run.net0, run.data.x[:, :4], run.data.y[:, :4], "cross_entropy", 0.1, 10)
    assert nums.m == 4


# ---------------------------------------------------------------- texts
def test_loss_text_reports_epoch_eta_losses_and_accuracy():
    run = Run(Settings(epochs=5))
    assert loss_text(run) == f"epoch 0/5 · η = 0.1 · training loss {run.start_loss:.3g} (untrained)"
    run.advance(5)
    h = run.history
    assert loss_text(run) == (
        f"epoch 5/5 · η = 0.1 · training loss {h.loss[-1]:.3g} · held-out loss {h.val_loss[-1]:.3g}"
        f" · accuracy {100 * h.accuracy[-1]:.0f} % / {100 * h.val_accuracy[-1]:.0f} %")


def test_diagnose_names_eta_and_suggests_a_smaller_one():
    good = Run(Settings(epochs=5))
    good.advance(5)
    assert diagnose(good) is None
    bad = Run(Settings(**DIVERGES))
    bad.advance(30)
    assert "diverged" in diagnose(bad) and "eta=10" in diagnose(bad) and "eta=1" in diagnose(bad)
    rose = Run(Settings(eta=10.0, epochs=30))
    rose.advance(30)
    message = diagnose(rose)
    assert "rose" in message and "eta=10" in message and "smaller eta" in message


def test_sweep_texts_name_the_best_eta_and_where_training_failed():
    sweep = lr_sweep(Settings(**DIVERGES), [0.01, 0.1, 10.0])
    assert sweep_progress_text(sweep, 9) == (
        f"sweep 3/9 · η = 10 → training loss {sweep.final_loss[-1]:.3g} (diverged)")
    summary = sweep_summary(sweep)
    assert summary.startswith(f"Sweep done: lowest final training loss at η ≈ {sweep.best_eta:.3g}")
    assert summary.endswith("training failed (diverged or loss rose) at η ≥ 10.")
    calm = lr_sweep(Settings(**DIVERGES), [0.01, 0.1])
    assert sweep_summary(calm).endswith("; no run diverged.")
