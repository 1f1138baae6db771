"""The live numbers and the texts: compared with backward() and the update the rule really makes."""

import numpy as np
import pytest

from bpcore.backprop import backward
import re

from bpcore.curvature import CurvatureMarks
from bpcore.explorer.numbers import (UNIT_STATES, diagnose, edge_text, error_text, eta_schedule_text, finished_text,
                                     live_maths_html, live_numbers, loss_text, pause_text, ratio_verdict, run_title,
                                     step_text, stuck_units, suggest_eta, sweep_progress_text, sweep_summary)
from bpcore.explorer.run import Run, SweepResult, lr_sweep
from bpcore.explorer.settings import Settings
from bpcore.network import forward, init_network
from bpcore.update import update

DIVERGES = dict(eta=10.0, epochs=30)  # the default network: its loss climbs past ten times its best in epoch 2, with every BLAS kernel tried (η = 3 is chaotic: it blew up on some processors and not on others)
ROSE = dict(n=60, width=6, epochs=30, cost="quadratic", eta=30.0)  # ends above its start, not blown up
FAST_SETTINGS = dict(n=60, hidden_layers=1, width=6, epochs=10)


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
    assert ">huge</b>" in text and "smaller η" in text  # η = 10 gives huge steps


def test_live_maths_html_says_when_no_gradient_arrives():
    # ReLU network whose first-layer biases are very negative: all units off.
    net = init_network([2, 4, 1], 0, hidden="relu", output="sigmoid")
    dead = net.with_params(net.w, [None, np.full((4, 1), -100.0), net.b[2]])
    x = np.random.default_rng(0).standard_normal((2, 10))
    y = (x[:1] > 0).astype(float)
    nums = live_numbers(dead, x, y, "cross_entropy", 0.1, 10)
    assert nums.ratio[1] == 0.0
    text = live_maths_html(nums)
    assert ">zero</b>" in text and "stopped learning" in text
    assert nums.stuck[1] == 4 and "layer 1: 4 of 4 dead" in text and "zero gradient" in text
    assert "saturated" not in text  # a ReLU is dead, never saturated


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


def test_diagnose_names_eta_the_edge_and_the_activation_and_suggests_a_smaller_eta():
    good = Run(Settings(epochs=5))
    good.advance(5)
    assert diagnose(good) is None
    bad = Run(Settings(**DIVERGES))
    bad.advance(30)
    edge = bad.curvature(initial=True).eta_edge
    message = diagnose(bad)
    assert message.startswith(f"Diverging: training blew up in epoch {bad.epoch + 1} with η = 10")
    assert f"(the loss climbed to {bad.blown_loss:.3g}, more than 10 times the best it reached" in message
    assert f"2/λ_max = {edge:.3g}" in message and f"e.g. η = {suggest_eta(10.0, edge):g}" in message
    rose = Run(Settings(**ROSE))
    rose.advance(30)
    assert not rose.diverged and rose.regime == "diverging"
    message = diagnose(rose)
    assert f"rose from {rose.start_loss:.3g} to {rose.history.loss[-1]:.3g} with η = 30" in message
    assert "Try a smaller η" in message
    z, _ = forward(rose.net, rose.data.x)
    stuck = sum(stuck_units("tanh", z[l]) for l in range(1, rose.net.L))
    assert ("tanh units are saturated" in message) == (stuck > 0)  # said only when measured
    if stuck:
        assert f"{stuck} of {sum(rose.net.sizes[1:-1])} hidden tanh units are saturated" in message


def test_a_blow_up_is_told_in_the_words_of_what_happened():
    """The explorer says why in bpcore.train's words, which name what happened (no guess from the loss)."""
    relu = Run(Settings(activation="relu", eta=30.0, epochs=30))
    relu.advance(30)
    assert relu.diverged and relu.blown_reason and relu.blown_reason in relu.history.message
    assert f"({relu.blown_reason})" in diagnose(relu)
    assert "saturated" not in diagnose(relu)  # ReLU units do not saturate
    tanh = Run(Settings(**DIVERGES))
    tanh.advance(30)
    assert "(the loss climbed to" in diagnose(tanh)


def test_stuck_units_use_the_right_word_for_each_activation():
    z = np.array([[-1.0, -2.0], [0.5, -3.0], [8.0, -9.0], [6.0, 7.0]])  # 4 units, 2 examples
    assert stuck_units("relu", z) == 1 and stuck_units("leaky_relu", z) == 1  # unit 0 is off for both
    assert stuck_units("tanh", z) == 2  # units 2 and 3: |z| > 3 (tanh' < 1 %) for every example
    assert stuck_units("tanh", np.array([[8.0, -9.0]])) == 1 and stuck_units("sigmoid", np.array([[4.0]])) == 0
    assert stuck_units("sigmoid", np.array([[5.0, -6.5]])) == 0 and stuck_units("sigmoid", np.array([[6.5, -7.0]])) == 1
    assert {UNIT_STATES[a][0] for a in ("sigmoid", "tanh")} == {"saturated"}
    assert UNIT_STATES["relu"][0] == "dead" and "z < 0" in UNIT_STATES["relu"][1]


def test_bp1_is_written_for_the_output_the_network_has():
    moons = Run(Settings())
    text = live_maths_html(live_numbers(moons.net0, moons.data.x, moons.data.y, moons.settings.cost, 0.1, 10))
    assert r"\delta^L = C'(a^L) \odot \sigma'(z^L)" in text and r"\nabla_a" not in text
    spiral = Run(Settings(dataset="spiral"))
    assert spiral.net0.output == "softmax"
    text = live_maths_html(live_numbers(spiral.net0, spiral.data.x, spiral.data.y, spiral.settings.cost, 0.1, 10))
    assert r"\delta^L = a^L - y" in text and r"\sigma'(z^L)" not in text
    assert "softmax with its cross-entropy" in text


def test_a_mixed_run_is_described_with_every_eta_and_its_epochs():
    run = Run(Settings(**FAST_SETTINGS))
    run.advance(10)
    run.set_eta(1.0)
    run.target = 20
    run.advance(10)
    assert eta_schedule_text(run) == "η = 0.1 for epochs 1–10, then η = 1 from epoch 11"
    assert "η=0.1 for epochs 1–10, then η=1 from epoch 11" in run_title(run) and "20 epochs" in run_title(run)
    assert loss_text(run).startswith("epoch 20/20 · η = 1 since epoch 11 · ")
    text, kind = finished_text(run)
    assert text.startswith("Done: 20 epochs with η = 0.1 for epochs 1–10, then η = 1 from epoch 11; ")
    assert f"{run.regime} (" in text and "under η = 1" in text and kind == "info"
    assert pause_text(run).startswith("Paused at epoch 20 (η = 0.1 for epochs 1–10, then η = 1 from epoch 11)")
    assert step_text(run).startswith("Stepped to epoch 20 (η = 0.1 for epochs 1–10")


def test_edge_text_places_eta_against_one_and_two_over_lambda():
    marks = CurvatureMarks(lambda_max=2.0, eta_oscillation=0.5, eta_edge=1.0, converged=True)
    assert edge_text(marks, 0.1, 0) == ("edge of stability 2/λ_max = 1 (1/λ_max = 0.5) at epoch 0 · "
                                        "η = 0.1 ≤ 1/λ_max: converging steps from these weights")
    assert edge_text(marks, 0.7, 3).endswith("η = 0.7 between 1/λ_max and 2/λ_max: oscillating steps from these weights")
    assert edge_text(marks, 2.0, 3).endswith("η = 2 ≥ 2/λ_max: diverging steps from these weights")
    start = CurvatureMarks(1.2, 0.833, 1.67, True)
    assert "at epoch 3 (1.67 at the initial weights) · η = 2" in edge_text(marks, 2.0, 3, start)
    assert "initial" not in edge_text(marks, 2.0, 0, start)  # at epoch 0 they are the initial weights
    rough = CurvatureMarks(2.0, 0.5, 1.0, converged=False)
    assert "2/λ_max ≈ 1" in edge_text(rough, 0.1, 0)
    flat = CurvatureMarks(-1.0, float("inf"), float("inf"), True)
    assert "no direction curves up" in edge_text(flat, 0.1, 0)


def test_suggested_eta_is_a_round_number_below_eta_and_the_edge():
    assert suggest_eta(10.0, 1.67) == 1.0 and suggest_eta(10.0, 0.83) == 0.3
    assert suggest_eta(0.5, 1.67) == 0.3 and suggest_eta(10.0, float("inf")) == 0.3
    assert suggest_eta(3.0, 3.0) == 1.0


def test_no_text_says_eta_where_the_controls_say_eta_symbol():
    runs = []
    for kw in (ROSE, DIVERGES, dict(epochs=5)):
        run = Run(Settings(**kw))
        run.advance(run.target)
        runs.append(run)
    sweep = lr_sweep(Settings(epochs=5), [0.1, 30.0])
    texts = [t for run in runs for t in (diagnose(run) or "", finished_text(run)[0], pause_text(run),
                                         step_text(run), loss_text(run), run_title(run))]
    texts += [sweep_summary(sweep), sweep_progress_text(sweep, 2), edge_text(runs[0].curvature(), 0.1, 0),
              live_maths_html(live_numbers(runs[0].net, runs[0].data.x, runs[0].data.y, "cross_entropy", 10, 10))]
    offenders = [t for t in texts if re.search(r"(?<!\\)\beta\b", t)]  # the word, not TeX's \eta
    assert not offenders and all("η" in t for t in texts if "learning rate" in t)


def test_sweep_texts_name_the_best_eta_the_regimes_and_the_edge():
    sweep = lr_sweep(Settings(**DIVERGES), [0.01, 0.1, 10.0])
    assert sweep_progress_text(sweep, 9) == (
        f"sweep 3/9 · η = 10 → training loss {sweep.final_loss[-1]:.3g} (diverging)")
    summary = sweep_summary(sweep)
    assert summary.startswith(f"Sweep done: lowest final held-out loss at η ≈ {sweep.best_eta:.3g}")
    assert "diverging at η = 10" in summary
    assert summary.endswith(f"edge of stability 2/λ_max = {sweep.eta_edge:.3g} at the initial weights.")
    partial = SweepResult.from_runs(sweep.runs[:2], sweep.eta_edge, complete=False)
    assert sweep_summary(partial, 3).startswith("Sweep stopped after 2 of 3 η (the plot shows those)")


def test_the_error_text_says_where_the_traceback_went(tmp_path):
    text = error_text(RuntimeError("boom"), tmp_path / "x.log")
    assert "RuntimeError: boom" in text and str(tmp_path / "x.log") in text and "Traceback" not in text
