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

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import bpcore  # noqa: E402
from bpcore.datasets import DEFAULT_NOISE  # noqa: E402
from bpcore.explorer import Explorer, explorer  # noqa: E402
from bpcore.explorer.numbers import loss_text  # noqa: E402
from bpcore.explorer.run import Run  # noqa: E402
from bpcore.explorer.settings import NOISE_MAX, Settings, make_network  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"
SMALL = dict(n=60, width=6, epochs=30)


def _expected(settings, epochs=None):
    run = Run(settings)
    run.advance(settings.epochs if epochs is None else epochs)
    return run


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
    assert ex.loss_label.value == loss_text(want).replace("&", "&amp;")
    assert ex.frames == 1 and _png_size(ex.plot.value)[0] > 400  # trained inside the call: one frame
    assert "BP1" in ex.maths.value and "BP4" in ex.maths.value
    assert ex.message.startswith("Done: 100 epochs with η = 0.1")
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Explorer(moons, 2-16-16-1 tanh")


def test_controls_are_bounded_and_named_for_the_browser(ex):
    eta = ex.controls["eta"]
    assert (eta.base, eta.min, eta.max) == (10, -4, 1)
    eta.value = 1e3  # out of range: clipped by the slider, never an error
    assert eta.value == pytest.approx(10) and ex.last_error is None
    ex.controls["seed"].value = -5
    assert ex.controls["seed"].value == 0
    ex.controls["noise"].value = 7
    assert ex.controls["noise"].value == NOISE_MAX
    for name in ("eta", "dataset", "noise", "hidden_layers", "width", "activation", "cost",
                 "batch_size", "epochs", "seed", "on_eta_change"):
        assert f"bp-{name.replace('_', '-')}" in ex.controls[name]._dom_classes
    for widget, cls in ((ex.plot, "bp-plot"), (ex.loss_label, "bp-loss-text"),
                        (ex.status, "bp-status"), (ex.maths, "bp-maths"), (ex.box, "bp-explorer"),
                        (ex.progress, "bp-progress")):
        assert cls in widget._dom_classes


def test_eta_change_restarts_from_the_same_initial_weights_by_default(ex):
    net0 = ex.net0
    frames = ex.frames
    ex.controls["eta"].value = 1.0
    assert ex.net0 is net0 and ex.run.eta == 1.0 and ex.run.eta_changes == []
    want = _expected(ex.settings)
    assert ex.history.loss == want.history.loss
    assert ex.loss_label.value == loss_text(want)
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
    assert "epoch 60/60 · η = 1" in ex.loss_label.value


def test_divergence_shows_a_plain_message_naming_eta(ex):
    ex.controls["activation"].value = "leaky_relu"
    ex.controls["batch_size"].value = 0  # the full batch, m = N
    assert ex.settings.batch_size is None and ex.controls["batch_size"].label == "full batch (m = N)"
    ex.controls["eta"].value = 10.0
    assert ex.history.diverged and ex.last_error is None
    text = ex.message
    assert "diverged" in text and "eta=10" in text and "smaller eta" in text
    assert "Traceback" not in ex.status.value and "bp-status-warning" in ex.status.value
    assert ex.progress.bar_style == "warning"
    assert bytes(ex.plot.value).startswith(PNG)
    assert np.all([np.isfinite(w).all() for w in ex.net.w[1:]])


def test_a_loss_that_rises_is_reported_too(ex):
    ex.controls["eta"].value = 10.0
    assert not ex.history.diverged
    assert "rose" in ex.message and "eta=10" in ex.message


def test_an_exception_in_a_callback_becomes_a_message(monkeypatch, tmp_path, capsys):
    ex = explorer(mode="sync", log_path=tmp_path / "explorer.log", **SMALL)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ex.canvas, "render", broken)
    ex.controls["width"].value = 5  # observer → retrain → draw → RuntimeError
    assert isinstance(ex.last_error, RuntimeError)
    assert "Something went wrong: RuntimeError: boom" in ex.message
    assert "Traceback" not in ex.status.value and ex.running is None
    out = capsys.readouterr()  # the kernel forwards stderr into the notebook: nothing goes there
    assert "Traceback" not in out.err + out.out
    assert "RuntimeError: boom" in (tmp_path / "explorer.log").read_text()
    ex.buttons["train"].click()  # buttons are guarded as well
    assert "boom" in ex.message
    monkeypatch.undo()
    ex.buttons["reset"].click()  # and the explorer recovers
    assert ex.message.startswith("Reset") and ex.run.epoch == 0


def test_step_trains_one_epoch_and_draws_a_frame(ex):
    ex.buttons["reset"].click()
    frames = ex.frames
    for _ in range(3):
        ex.buttons["step"].click()
    want = _expected(ex.settings, epochs=3)
    assert ex.run.epoch == 3 and ex.history.loss == want.history.loss
    assert ex.frames == frames + 3
    assert ex.message == "Stepped to epoch 3."


def test_step_past_the_target_extends_it(ex):
    ex.buttons["step"].click()
    assert ex.run.epoch == 31 and "epoch 31/31" in ex.loss_label.value


def test_train_finishes_then_starts_again_from_the_initial_weights(ex):
    first = list(ex.history.loss)
    ex.buttons["train"].click()
    assert ex.history.loss == first and ex.run.epoch == 30  # a finished run starts again: same numbers


def test_reset_draws_initial_weights_from_the_seed(ex):
    ex.controls["seed"].value = 3
    ex.buttons["reset"].click()
    want = make_network(ex.settings)
    assert ex.run.epoch == 0 and ex.net is ex.net0
    assert all(np.array_equal(ex.net.w[l], want.w[l]) for l in range(1, want.L + 1))
    assert "seed 3" in ex.message and "epoch 0/30" in ex.loss_label.value


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
    width = _png_size(ex.plot.value)[0]
    run_before = ex.run
    ex.sweep(etas=[0.01, 0.1, 10.0])
    r = ex.sweep_result
    assert list(r.etas) == [0.01, 0.1, 10.0] and all(run.net0 is ex.net0 for run in r.runs)
    assert r.rose[-1] and ex.run is run_before  # the current run is kept
    assert _png_size(ex.plot.value)[0] > width  # a third panel
    assert ex.message.startswith("Sweep done") and "0.01" not in ex.message.split("η ≈")[1][:4]
    fig = ex.figure()
    assert len(fig.axes) == 3
    ex.controls["width"].value = 5  # another network: the old sweep no longer applies
    assert ex.sweep_result is None and len(ex.figure().axes) == 2


def test_sweep_button(ex):
    frames = ex.frames
    ex.buttons["sweep"].click()
    assert len(ex.sweep_result.etas) == 9 and ex.frames > frames
    assert ex.message.startswith("Sweep done")
    assert "training failed (diverged or loss rose) at η ≥ 10" in ex.message


def test_state_is_exposed_to_code_cells(ex):
    st = ex.state
    assert st["epoch"] == 30 and st["loss"] == ex.history.loss[-1]
    assert st["settings"] == ex.settings and st["frames"] == ex.frames
    assert st["diverged"] is False and st["message"] == ex.message


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
        assert ex.message.startswith(f"Paused at epoch {paused_at}")
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
        explorer(eta=100.0)




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
