"""The training explorer driven programmatically: set controls, press buttons, check what changed.

Without an event loop the explorer runs each job to the end inside the click
(mode "sync"); some tests run it on an asyncio loop, as in the Jupyter kernel,
to check that Pause stops a run between ticks. Every expected number comes
from an independent :class:`bpcore.explorer.run.Run` with the same settings.
"""

import asyncio
import pathlib
import re
import threading
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bpcore  # noqa: E402
from bpcore.datasets import DEFAULT_NOISE  # noqa: E402
from bpcore.explorer import Explorer, explorer  # noqa: E402
from bpcore.explorer.numbers import diagnose, loss_text, sweep_summary  # noqa: E402
from bpcore.explorer.run import Run  # noqa: E402
from bpcore.explorer.settings import ETA_MAX, NOISE_MAX, SWEEP_ETAS, Settings, format_etas, make_network  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"
SMALL = dict(n=60, width=6, epochs=30)


def _expected(settings, epochs=None):
    run = Run(settings)
    run.advance(settings.epochs if epochs is None else epochs)
    return run


def _plain(html_text):
    """The text an HTML widget shows."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", html_text)).strip()


def _png_size(data):
    data = bytes(data)
    assert data.startswith(PNG)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ex():
    return explorer(mode="sync", **SMALL)


def test_one_call_opens_a_trained_explorer():
    ex = explorer(mode="sync")
    want = _expected(Settings())
    assert ex.history.epochs == 100 and ex.history.loss == want.history.loss
    assert _plain(ex.loss_label.value) == loss_text(want)
    assert ex.frames == 1 and _png_size(ex.plot.value)[0] > 600  # trained inside the call: one frame
    assert "BP1" in ex.maths.value and "BP4" in ex.maths.value
    assert ex.message.startswith("Done: 100 epochs with η = 0.1; converging")
    assert f"2/λ_max = {ex.run.curvature().eta_edge:.3g}" in ex.edge.value and "at epoch 100" in ex.edge.value
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Explorer(moons, 2-16-16-1 tanh")


def test_controls_are_bounded_and_named_for_the_browser(ex):
    eta = ex.controls["eta"]
    assert (eta.base, eta.min, eta.max) == (10, -4, 2) and 10 ** eta.max == ETA_MAX
    eta.value = 1e3  # out of range: clipped by the slider, never an error
    assert eta.value == pytest.approx(ETA_MAX) and ex.last_error is None
    ex.controls["seed"].value = -5
    assert ex.controls["seed"].value == 0
    ex.controls["noise"].value = 7
    assert ex.controls["noise"].value == NOISE_MAX
    for name in ("eta", "dataset", "noise", "hidden_layers", "width", "activation", "cost",
                 "batch_size", "epochs", "seed", "on_eta_change", "sweep_etas"):
        assert f"bp-{name.replace('_', '-')}" in ex.controls[name]._dom_classes
    for name in ("train", "pause", "step", "reset", "new_weights", "sweep"):
        assert f"bp-{name.replace('_', '-')}" in ex.buttons[name]._dom_classes
    for widget, cls in ((ex.plot, "bp-plot"), (ex.loss_label, "bp-loss-text"),
                        (ex.status, "bp-status"), (ex.maths, "bp-maths"), (ex.box, "bp-explorer"),
                        (ex.progress, "bp-progress"), (ex.edge, "bp-edge"), (ex.title, "bp-title")):
        assert cls in widget._dom_classes


def test_eta_change_restarts_from_the_same_initial_weights_by_default(ex):
    net0 = ex.net0
    frames = ex.frames
    ex.controls["eta"].value = 1.0
    assert ex.net0 is net0 and ex.run.eta == 1.0 and ex.run.eta_changes == []
    want = _expected(ex.settings)
    assert ex.history.loss == want.history.loss
    assert _plain(ex.loss_label.value) == loss_text(want)
    assert ex.frames > frames and ex.progress.value == ex.progress.max == 30


def test_eta_change_can_continue_from_the_current_weights(ex):
    ex.controls["on_eta_change"].value = "continue"
    ex.controls["eta"].value = 1.0
    assert ex.run.epoch == 60 and ex.run.eta_changes == [(30, 1.0)]
    by_hand = Run(ex.settings.replace(eta=0.1))
    by_hand.advance(30)
    by_hand.set_eta(1.0)
    by_hand.advance(30)
    assert np.allclose(ex.history.loss, by_hand.history.loss, rtol=1e-12)
    assert "epoch 60/60 · η = 1 since epoch 31" in ex.loss_label.value


def test_a_continued_run_is_described_as_the_mix_it_is(ex):
    ex.controls["on_eta_change"].value = "continue"
    ex.controls["eta"].value = 1.0
    title, text = ex.title.value, ex.message
    assert "η=0.1 for epochs 1–30, then η=1 from epoch 31" in title and "60 epochs" in title
    assert "η=1, " not in title  # the new η is not credited with the whole run
    assert text.startswith("Done: 60 epochs with η = 0.1 for epochs 1–30, then η = 1 from epoch 31; ")
    assert f"{ex.run.regime} (" in text and "under η = 1" in text
    assert "Loss (η = 0.1 → 1 from epoch 31, m = 10)" in [t.get_text() for t in ex.figure().axes[1].texts]


def test_divergence_shows_a_plain_message_naming_eta(ex):
    ex.controls["activation"].value = "leaky_relu"
    ex.controls["batch_size"].value = 0  # the full batch, m = N
    assert ex.settings.batch_size is None and ex.controls["batch_size"].label == "full batch (m = N)"
    ex.controls["eta"].value = 10.0
    assert ex.history.diverged and ex.last_error is None
    text = ex.message
    assert text == diagnose(ex.run) and text.startswith("Diverging: training blew up in epoch")
    assert "with η = 10" in text and "Try a smaller η" in text and "eta" not in text
    assert "Traceback" not in ex.status.value and "bp-status-warning" in ex.status.value
    assert ex.progress.bar_style == "warning"
    assert bytes(ex.plot.value).startswith(PNG)
    assert np.all([np.isfinite(w).all() for w in ex.net.w[1:]])


def test_the_default_network_diverges_at_the_top_of_the_slider():
    ex = explorer(mode="sync", train=False)
    ex.controls["eta"].value = 10 ** ex.controls["eta"].max  # the slider's top
    assert ex.run.eta == ETA_MAX and ex.run.regime == "diverging" and ex.history.diverged
    assert ex.message == diagnose(ex.run) and ex.message.startswith("Diverging: training blew up in epoch")
    assert "with η = 100" in ex.message
    assert ex.state["regime"] == "diverging" and ex.progress.bar_style == "warning"
    marks = ex.run.curvature()  # of the last finite weights
    assert f"2/λ_max = {marks.eta_edge:.3g}" in ex.edge.value and f"at epoch {ex.run.epoch}" in ex.edge.value


def test_a_loss_that_rises_is_reported_too(ex):
    ex.controls["cost"].value = "quadratic"
    ex.controls["eta"].value = 30.0  # saturates the tanh units: the loss ends above its start, not blown up
    assert not ex.history.diverged and ex.run.regime == "diverging"
    assert ex.message == diagnose(ex.run) and "rose" in ex.message and "with η = 30" in ex.message


def test_an_exception_in_a_callback_becomes_a_message(monkeypatch, tmp_path, capsys):
    ex = explorer(mode="sync", log_path=tmp_path / "explorer.log", **SMALL)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ex.canvas, "render", broken)
    ex.controls["width"].value = 5  # observer → retrain → draw → RuntimeError
    assert isinstance(ex.last_error, RuntimeError)
    assert "Something went wrong: RuntimeError: boom" in ex.message
    assert f"written to {tmp_path / 'explorer.log'}" in ex.message
    assert "Traceback" not in ex.status.value and ex.running is None
    out = capsys.readouterr()  # the kernel forwards stderr into the notebook: nothing goes there
    assert "Traceback" not in out.err + out.out
    assert "RuntimeError: boom" in (tmp_path / "explorer.log").read_text()
    ex.buttons["train"].click()  # buttons are guarded as well
    assert "boom" in ex.message
    monkeypatch.undo()
    ex.buttons["reset"].click()  # and the explorer recovers
    assert ex.message.startswith("Reset") and ex.run.epoch == 0


def test_warnings_inside_callbacks_go_to_the_log_not_the_notebook(monkeypatch, tmp_path, capsys):
    import warnings

    ex = explorer(mode="sync", log_path=tmp_path / "explorer.log", **SMALL)
    render = ex.canvas.render
    monkeypatch.setattr(ex.canvas, "render", lambda *a: (warnings.warn("overflow here", RuntimeWarning),
                                                         render(*a))[1])
    ex.controls["width"].value = 5
    assert ex.last_error is None and ex.run.epoch == 30
    out = capsys.readouterr()
    assert "overflow here" not in out.err + out.out
    assert "RuntimeWarning: overflow here" in (tmp_path / "explorer.log").read_text()


def test_normal_use_writes_nothing_to_the_log(tmp_path):
    log = tmp_path / "explorer.log"
    ex = explorer(mode="sync", log_path=log, **SMALL)
    ex.controls["eta"].value = ETA_MAX  # over the edge, numpy at its limits
    ex.controls["activation"].value = "relu"
    ex.sweep(etas=[0.1, ETA_MAX])
    ex.buttons["step"].click()
    assert not log.exists() or log.read_text() == ""


def test_step_trains_one_epoch_and_draws_a_frame(ex):
    ex.buttons["reset"].click()
    frames = ex.frames
    for _ in range(3):
        ex.buttons["step"].click()
    want = _expected(ex.settings, epochs=3)
    assert ex.run.epoch == 3 and ex.history.loss == want.history.loss
    assert ex.frames == frames + 3
    assert ex.message == f"Stepped to epoch 3 (η = 0.1): {ex.run.regime} so far."
    assert "at epoch 3" in ex.edge.value  # the marks follow the weights


def test_step_past_the_target_extends_it(ex):
    ex.buttons["step"].click()
    assert ex.run.epoch == 31 and "epoch 31/31" in ex.loss_label.value


def test_train_finishes_then_starts_again_from_the_initial_weights(ex):
    first = list(ex.history.loss)
    ex.buttons["train"].click()
    assert ex.history.loss == first and ex.run.epoch == 30  # a finished run starts again: same numbers


def test_reset_goes_back_to_the_same_initial_weights(ex):
    net0 = ex.net0
    ex.buttons["reset"].click()
    assert ex.run.epoch == 0 and ex.net is ex.net0 is net0 and ex.settings.seed == 0
    assert ex.message == "Reset: back to epoch 0 with the same initial weights (seed 0). Press Train or Step."
    assert "epoch 0/30" in ex.loss_label.value and "at epoch 0" in ex.edge.value
    ex.buttons["train"].click()
    assert ex.history.loss == _expected(ex.settings).history.loss


def test_new_weights_draws_from_the_next_seed_and_says_so(ex):
    ex.sweep(etas=[0.1])
    net0 = ex.net0
    ex.buttons["new_weights"].click()
    want = make_network(ex.settings)
    assert ex.settings.seed == 1 and ex.controls["seed"].value == 1 and ex.net0 is not net0
    assert ex.run.epoch == 0 and all(np.array_equal(ex.net.w[l], want.w[l]) for l in range(1, want.L + 1))
    assert ex.message.startswith("New weights: drawn from seed 1 (was seed 0), epoch 0")
    assert ex.sweep_result is None  # the sweep was of the old weights
    ex.buttons["reset"].click()
    assert ex.net0 is ex.net and ex.settings.seed == 1  # Reset comes back to the new weights


def test_a_seed_typed_in_the_box_draws_its_weights(ex):
    ex.controls["seed"].value = 3
    want = make_network(ex.settings)
    assert all(np.array_equal(ex.net0.w[l], want.w[l]) for l in range(1, want.L + 1))


def test_dataset_change_pairs_cost_and_noise(ex):
    ex.controls["dataset"].value = "spiral"
    c = ex.controls
    assert [v for _, v in c["cost"].options] == ["softmax_cross_entropy", "quadratic"]
    assert c["cost"].value == "softmax_cross_entropy"
    assert c["noise"].value == DEFAULT_NOISE["spiral"]
    assert ex.net.sizes[-1] == 3 and ex.net.output == "softmax"
    assert ex.history.epochs == 30 and ex.last_error is None
    c["dataset"].value = "gauss"
    assert c["cost"].value == "cross_entropy" and ex.net.output == "sigmoid"


def test_architecture_controls_change_the_network(ex):
    ex.controls["hidden_layers"].value = 0
    assert ex.net.sizes == (2, 1)
    ex.controls["hidden_layers"].value = 3
    ex.controls["width"].value = 4
    assert ex.net.sizes == (2, 4, 4, 4, 1)
    ex.controls["activation"].value = "relu"
    assert ex.net.hidden == "relu" and ex.settings.init_name == "he"
    assert "2-4-4-4-1 relu" in ex.box.children[0].value


def test_sweep_plots_final_loss_against_eta(ex):
    width, height = _png_size(ex.plot.value)
    run_before = ex.run
    ex.sweep(etas=[0.01, 0.1, 10.0])
    r = ex.sweep_result
    assert list(r.etas) == [0.01, 0.1, 10.0] and all(run.net0 is ex.net0 for run in r.runs)
    assert r.regimes[-1] == "diverging" and ex.run is run_before  # the current run is kept
    assert _png_size(ex.plot.value) [0] == width and _png_size(ex.plot.value)[1] > height  # a row below
    assert ex.message == sweep_summary(r) and "diverging at η = 10" in ex.message
    assert ex.controls["sweep_etas"].value == "0.01, 0.1, 10"  # the list swept is the list shown
    fig = ex.figure()
    assert len(fig.axes) == 3
    ex.controls["width"].value = 5  # another network: the old sweep no longer applies
    assert ex.sweep_result is None and len(ex.figure().axes) == 2


def test_sweep_button_sweeps_the_list_in_its_box(ex):
    frames = ex.frames
    assert ex.controls["sweep_etas"].value == format_etas(SWEEP_ETAS)
    ex.buttons["sweep"].click()
    assert tuple(ex.sweep_result.etas) == SWEEP_ETAS and ex.frames > frames
    assert ex.message.startswith("Sweep done") and "diverging at η = " in ex.message
    ex.controls["sweep_etas"].value = "0.1, 1"
    assert ex.message == "Sweep η list: 2 values. Press Sweep η to train them."
    ex.buttons["sweep"].click()
    assert list(ex.sweep_result.etas) == [0.1, 1.0]


def test_state_is_exposed_to_code_cells(ex):
    st = ex.state
    assert st["epoch"] == 30 and st["loss"] == ex.history.loss[-1]
    assert st["settings"] == ex.settings and st["frames"] == ex.frames
    assert st["diverged"] is False and st["message"] == ex.message
    assert st["regime"] == ex.run.regime and st["eta_edge"] == ex.run.curvature().eta_edge


def test_static_figure_has_the_same_views(ex):
    fig = ex.figure()
    assert len(fig.axes) == 2
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert "Loss (η = 0.1, m = 10)" in texts
    assert fig.axes[0].get_title().startswith("epoch 30")


def test_pause_stops_between_ticks_and_train_resumes():
    async def scenario():
        ex = explorer(mode="async", train=False, tick_seconds=0.005, **SMALL)
        ex.buttons["train"].click()
        assert ex.running == "train"  # the click returned before the run finished
        while ex.run.epoch < 5:
            await asyncio.sleep(0.001)
        ex.buttons["pause"].click()
        paused_at = ex.run.epoch
        await asyncio.sleep(0.05)
        assert ex.running is None and ex.run.epoch == paused_at < 30
        assert ex.message.startswith(f"Paused at epoch {paused_at} (η = 0.1)")
        assert f"at epoch {paused_at}" in ex.edge.value  # the marks of the weights it paused at
        ex.buttons["train"].click()
        while ex.running:
            await asyncio.sleep(0.001)
        return ex

    ex = asyncio.run(scenario())
    want = _expected(ex.settings)
    assert ex.run.epoch == 30 and ex.history.loss == want.history.loss  # pausing changes nothing


def test_a_slider_move_during_a_run_cancels_it():
    async def scenario():
        ex = explorer(mode="async", train=False, tick_seconds=0.005, **SMALL)
        ex.buttons["train"].click()
        await asyncio.sleep(0.01)
        ex.controls["eta"].value = 1.0
        while ex.running:
            await asyncio.sleep(0.001)
        return ex

    ex = asyncio.run(scenario())
    assert ex.run.eta == 1.0 and ex.history.loss == _expected(ex.settings).history.loss


def test_settings_given_in_code_are_what_the_controls_show():
    ex = explorer(mode="sync", train=False, batch_size=7, epochs=5, seed=12345, noise=0.3, n=40)
    assert ex.settings == Settings(batch_size=7, epochs=5, seed=12345, noise=0.3, n=40)
    assert ex.controls["batch_size"].label == "7" and ex.run.m == 7 and ex.run.target == 5
    ex.buttons["train"].click()
    assert ex.history.epochs == 5


def test_callbacks_from_another_thread_run_between_ticks_on_the_home_loop():
    """JupyterLab may deliver widget messages on a kernel subshell thread (see bpcore.explorer.scheduler)."""
    async def scenario():
        ex = explorer(mode="async", train=False, tick_seconds=0.005, **SMALL)
        home, seen = threading.get_ident(), []
        pause = ex.pause
        ex.pause = lambda: (seen.append(threading.get_ident()), pause())
        ex.buttons["train"].click()
        while ex.run.epoch < 3:
            await asyncio.sleep(0.001)
        clicker = threading.Thread(target=ex.buttons["pause"].click)
        clicker.start()
        clicker.join()
        assert seen == []  # queued for the home loop, not run on the clicking thread
        while ex.running:
            await asyncio.sleep(0.001)
        assert seen == [home] and ex.message.startswith("Paused at epoch")
        setter = threading.Thread(target=lambda: setattr(ex.controls["eta"], "value", 1.0))
        setter.start()
        setter.join()
        await asyncio.sleep(0.01)
        while ex.running:
            await asyncio.sleep(0.001)
        return ex

    ex = asyncio.run(scenario())
    assert ex.last_error is None and ex.run.eta == 1.0
    assert ex.history.loss == _expected(ex.settings).history.loss


def test_explorer_rejects_unknown_modes_and_bad_settings():
    with pytest.raises(ValueError, match="mode"):
        Explorer(mode="threads")
    with pytest.raises(ValueError, match="eta"):
        explorer(eta=1000.0)
    with pytest.raises(TypeError, match="explorer\\(\\) takes Settings fields"):
        explorer(learning_rate=0.1)




def test_the_engine_imports_neither_matplotlib_nor_ipywidgets():
    import subprocess
    import sys

    code = ("import sys, bpcore.explorer.settings, bpcore.explorer.run, bpcore.explorer.numbers; "
            "from bpcore.explorer import Settings, Run, lr_sweep; "
            "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_settings_in_code_that_the_controls_cannot_show_are_refused():
    with pytest.raises(ValueError, match="batch_size=200 is larger than the N=150 training points"):
        explorer(mode="sync", train=False, batch_size=200)
    with pytest.raises(ValueError, match="does not fit the spiral data"):
        explorer(mode="sync", train=False, dataset="spiral", cost="cross_entropy")


def test_explorer_of_another_data_set_starts_from_its_defaults():
    ex = explorer(mode="sync", train=False, dataset="spiral", n=60)
    assert ex.settings.noise == DEFAULT_NOISE["spiral"] and ex.settings.cost == "softmax_cross_entropy"
    assert ex.net.output == "softmax" and ex.controls["cost"].value == "softmax_cross_entropy"


def test_only_batch_sizes_up_to_n_are_offered():
    ex = explorer(mode="sync", train=False, n=40)  # 30 training points
    assert [v for _, v in ex.controls["batch_size"].options] == [1, 5, 10, 25, 0]


# ---------------------------------------------------------------- a sweep answers Pause
def test_a_sweep_answers_pause_within_a_tick_and_shows_what_it_finished():
    """Pause, clicked from another thread as the kernel may deliver it, acts between two ticks.

    Counted in ticks, not seconds, so a loaded machine cannot make it fail: the click is queued on
    the explorer's loop; once the loop runs it (the scheduler cancels the job), the job stops with
    no further tick, and the sweep ends part-way with what it finished.
    """
    async def scenario():
        # 450 steps of m = 1 per epoch, 40 epochs per run: many ticks per η;
        # frames rarely (drawing is not what is counted here)
        ex = explorer(mode="async", train=False, n=600, batch_size=1, epochs=40, frame_interval=10.0)
        etas = [0.01, 0.1, 1.0, 10.0]
        events, tick = [], ex.scheduler._tick

        def counted_tick(jid, job):
            if jid == ex.scheduler._job:   # a tick of the running job (a cancelled one does nothing)
                events.append("tick")
            return tick(jid, job)

        ex.scheduler._tick = counted_tick
        ex.sweep(etas=etas, wait=False)
        assert ex.running == "sweep"
        on_change = ex.scheduler.on_change
        ex.scheduler.on_change = lambda: (on_change(), ex.running is None and events.append("stop"))
        cancel = ex.scheduler.cancel
        ex.scheduler.cancel = lambda: (events.append(("cancel", threading.get_ident())), cancel())

        def click_later():  # while the loop is busy with the second η's epochs, as a learner would
            time.sleep(0.3)
            events.append("click")
            ex.buttons["pause"].click()

        while ex.sweep_result is None:
            await asyncio.sleep(0.001)
        clicker = threading.Thread(target=click_later)
        clicker.start()
        while ex.running:
            await asyncio.sleep(0.001)
        clicker.join()
        for _ in range(20):   # the loop turns on: no tick of the stopped job may follow
            await asyncio.sleep(0.005)
        return ex, etas, events

    loop_thread = threading.get_ident()
    ex, etas, events = asyncio.run(scenario())
    cancels = [e for e in events if isinstance(e, tuple)]
    assert events.count("click") == 1 and events.count("stop") == 1 and len(cancels) == 1, events[-5:]
    assert cancels[0][1] == loop_thread, "Pause ran on the clicking thread, not between two of the loop's ticks"
    click, cancelled, stop = events.index("click"), events.index(cancels[0]), events.index("stop")
    assert click < cancelled < stop and "tick" not in events[cancelled:], f"after the click: {events[click:]}"
    r = ex.sweep_result
    assert 1 <= len(r.etas) < len(etas) and not r.complete
    assert ex.message.startswith(f"Sweep stopped after {len(r.etas)} of 4 η (the plot shows those)")
    assert len(ex.figure().axes) == 3  # the partial sweep is drawn
    assert all(run.epoch == 40 for run in r.runs)  # only finished runs are in it


def test_a_sweep_yields_between_epochs_not_only_between_runs():
    ex = explorer(mode="sync", train=False, tick_seconds=0.01, **SMALL)
    steps = ex.session.sweeping([0.1, 1.0])
    epochs_seen = []
    for run in steps:
        epochs_seen.append(run.epoch)
    assert len(epochs_seen) > 4 and any(0 < e < 30 for e in epochs_seen)


# ---------------------------------------------------------------- bad input, from code and from the controls
def test_bad_values_from_code_raise_say_so_and_leave_the_explorer_usable(ex):
    before = (ex.settings, list(ex.history.loss), ex.net0)
    for call, error, words in [
        (lambda: ex.set(eta=float("nan")), ValueError, "eta (the learning rate η) must be a finite number"),
        (lambda: ex.set(width=True), TypeError, "width must be a whole number"),
        (lambda: ex.set(learning_rate=0.1), TypeError, "set() takes Settings fields"),
        (lambda: ex.set(seed=None), TypeError, "seed=None is not accepted"),
        (lambda: ex.set(batch_size=50), ValueError, "batch_size=50 is larger than the N=45 training points"),
        (lambda: ex.sweep(etas=[]), ValueError, "must hold 1 to 25"),
        (lambda: ex.sweep(etas=[0.1, 1e3]), ValueError, "etas[1] (the learning rate η) must be a number from"),
        (lambda: ex.sweep(etas=0.1), TypeError, "must be a list of learning rates"),
    ]:
        with pytest.raises(error) as info:
            call()
        assert words in str(info.value)
        assert words in ex.message and "bp-status-error" in ex.status.value and "Traceback" not in ex.message
        assert (ex.settings, list(ex.history.loss), ex.net0) == before and ex.running is None
    ex.buttons["step"].click()  # still usable
    assert ex.run.epoch == 31 and ex.last_error is None


def test_a_sweep_with_one_bad_eta_trains_none(ex, monkeypatch):
    trained = []
    monkeypatch.setattr(Run, "advance", lambda self, k=1: trained.append(self.eta) or 0)
    with pytest.raises(ValueError):
        ex.sweep(etas=[0.01, 0.1, float("nan")])
    assert trained == [] and ex.sweep_result is None


def test_bad_values_from_the_controls_are_refused_and_put_back(ex):
    loss = list(ex.history.loss)
    ex.controls["eta"].value = float("nan")  # the slider does not clip NaN
    assert ex.controls["eta"].value == 0.1 and ex.history.loss == loss
    assert ex.message == "Not applied: the learning rate η must be a number from 0.0001 to 100; got nan. η stays 0.1."
    ex.controls["sweep_etas"].value = "0.1, fast"
    assert ex.controls["sweep_etas"].value == format_etas(SWEEP_ETAS)
    assert "got 'fast'" in ex.message and "sweep η list control is back at" in ex.message
    ex.controls["sweep_etas"].value = ""
    assert "must hold 1 to 25" in ex.message
    ex.controls["noise"].value = float("nan")
    assert "noise" in ex.message and ex.controls["noise"].value == pytest.approx(ex.settings.noise)
    assert ex.last_error is None and "Something went wrong" not in ex.message
    ex.controls["eta"].value = 1.0  # and the controls work again
    assert ex.run.eta == 1.0 and ex.message.startswith("Done: 30 epochs with η = 1")


def test_set_applies_validated_settings_to_the_controls_and_retrains(ex):
    ex.set(eta=0.3, width=8, seed=4)
    s = ex.settings
    assert (s.eta, s.width, s.seed) == (0.3, 8, 4) and ex.controls["width"].value == 8
    assert ex.history.loss == _expected(s).history.loss
    ex.set(dataset="spiral")
    assert ex.settings.cost == "softmax_cross_entropy" and ex.controls["noise"].value == DEFAULT_NOISE["spiral"]
    assert ex.net.output == "softmax"
    ex.set(n=40)
    assert ex.data.N == 30 and [v for _, v in ex.controls["batch_size"].options] == [1, 5, 10, 25, 0]
