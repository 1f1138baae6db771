"""The training explorer: a live widget around :mod:`bpcore.explore`.

One call opens it in JupyterLab::

    from bpcore.widgets import explorer
    ex = explorer()          # the last line of a cell shows it
    ex                       # (or show it again later)

The learning rate η sits on a log slider (1e-4 … 10); beside it are the data
set, noise, hidden layers and width, activation, cost (only valid pairings; the
output activation follows), batch size, epochs and the seed, plus the buttons
Train, Pause/Stop, Step (one epoch), Reset (new initial weights drawn from the
seed) and Sweep η. The decision boundary, the training and held-out loss and a
progress bar update while training runs; a maths pane shows BP1–BP4 and the
update rule with the current numbers.

Code cells can read the state: ``ex.settings``, ``ex.history``, ``ex.net``,
``ex.net0``, ``ex.data``, ``ex.run``, ``ex.sweep_result``, and draw it as a
static figure for handouts with ``ex.figure()``.

How training stays responsive
-----------------------------
ipywidgets callbacks run on the kernel's main thread, and while a callback
runs no other message (a Pause click) is handled. So a click never trains
synchronously to the end: a job (training, a sweep) is a generator that does
about ``tick_seconds`` of work per step, and each step is scheduled on the
kernel's event loop with ``loop.call_later``. Between steps the kernel handles
widget messages, so Pause/Stop and slider moves act within one tick.
JupyterLab 4 with ipykernel 7 may deliver widget messages on a kernel
*subshell* thread instead of the main one; such callbacks are handed to the
main thread's loop (``call_soon_threadsafe``) so that only one thread ever
touches the run and the figure (see :meth:`Explorer._guard`). Frames
(a PNG drawn with matplotlib's Agg canvas into an ``ipywidgets.Image``) are
drawn at most every ``frame_interval`` seconds, and never more often than
leaves 2/3 of the time for training. Without a running event loop (tests,
plain Python) the same steps run one after another (``mode="sync"``).

This module is the only one in bpcore that imports ipywidgets.

Used in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

import asyncio
import html
import sys
import threading
import time
import traceback
from typing import Optional

import ipywidgets as W

from . import explore
from .explore import (
    ACTIVATION_NAMES,
    DATASET_NAMES,
    DEFAULT_NOISE,
    ETA_MAX,
    ETA_MIN,
    Run,
    Settings,
    cost_choices,
    diagnose,
    live_maths_html,
    live_numbers,
    loss_text,
    make_data,
    make_network,
    stream,
)

__all__ = ["Explorer", "explorer", "BATCH_CHOICES"]

#: Batch sizes offered; 0 stands for the full batch (m = N, the seed's reading), because a
#: Dropdown shows the value None as "nothing selected".
BATCH_CHOICES = [("1", 1), ("5", 5), ("10", 10), ("25", 25), ("50", 50), ("full batch (m = N)", 0)]
ON_CHANGE_CHOICES = [("restart (same initial weights)", "restart"),
                     ("continue (current weights)", "continue")]


class Explorer:
    """The live training explorer. Create it with :func:`explorer`.

    Parameters
    ----------
    settings : bpcore.explore.Settings, optional
        Starting values of the controls (default: moons, 2-16-16-1 tanh,
        cross-entropy, η = 0.1, m = 10, 100 epochs).
    train : bool
        Train once (synchronously) when created, so the first view shows a
        trained network. Default True.
    mode : {"auto", "async", "sync"}
        How clicks run jobs: "async" schedules one tick at a time on the
        running event loop (the kernel's), "sync" runs them to the end inside
        the click. "auto" picks "async" when an event loop is running.
    tick_seconds : float
        Work per tick (training epochs are grouped to take about this long).
    frame_interval : float
        Minimum seconds between drawn frames while a job runs.
    on_eta_change : {"restart", "continue"}
        What a learning-rate change does (the toggle's starting value).

    Attributes
    ----------
    run : bpcore.explore.Run — data, initial and current network, history
    sweep_result : bpcore.explore.SweepResult or None
    frames : int — number of frames drawn so far
    last_error : Exception or None — the last exception caught in a callback
    controls, buttons : dict of the widgets by name (tests drive them)
    box : the ipywidgets container that is displayed
    """

    def __init__(self, settings: Optional[Settings] = None, *, train: bool = True, mode: str = "auto",
                 tick_seconds: float = 0.05, frame_interval: float = 0.25,
                 on_eta_change: str = "restart"):
        if mode not in ("auto", "async", "sync"):
            raise ValueError(f"mode must be 'auto', 'async' or 'sync'; got {mode!r}")
        if on_eta_change not in ("restart", "continue"):
            raise ValueError(f"on_eta_change must be 'restart' or 'continue'; got {on_eta_change!r}")
        from .plots import ExplorerCanvas  # matplotlib only when a widget is made

        s = Settings() if settings is None else settings
        self.mode, self.tick_seconds, self.frame_interval = mode, tick_seconds, frame_interval
        self.canvas = ExplorerCanvas()
        self.sweep_result = None
        self.frames = 0
        self.draw_seconds = []
        self.last_error = None
        self._job = 0
        self._running = None
        self._quiet = False
        self._next_frame = 0.0
        self._data_cache = {}
        self._net_cache = {}
        # The thread and event loop that own this explorer (the kernel's main thread).
        self._home_thread = threading.get_ident()
        try:
            self._home_loop = None if mode == "sync" else asyncio.get_running_loop()
        except RuntimeError:
            self._home_loop = None
        self._build_controls(s, on_eta_change)
        self._build_layout()
        self.run = self._new_run()
        if train:
            self.train()
        else:
            self._update_text()
            self._draw()
            self._set_status("Ready. Press Train or Step, or move η.", "info")

    # ------------------------------------------------------------------ widgets
    def _build_controls(self, s: Settings, on_eta_change: str):
        style = {"description_width": "105px"}
        wide = W.Layout(width="330px")
        c = {}
        c["eta"] = W.FloatLogSlider(
            value=s.eta, base=10, min=-4, max=1, step=0.1, readout_format=".3g",
            continuous_update=False, description="learning rate η", style=style, layout=wide)
        c["on_eta_change"] = W.ToggleButtons(
            options=ON_CHANGE_CHOICES, value=on_eta_change, description="when η changes:",
            tooltips=["A new η trains again from the same initial weights (runs stay comparable)",
                      "A new η continues from the weights reached so far"],
            style={"description_width": "105px", "button_width": "215px"})
        c["dataset"] = W.Dropdown(options=list(DATASET_NAMES), value=s.dataset, description="data set",
                                  style=style, layout=wide)
        c["noise"] = W.FloatSlider(value=s.noise, min=0.0, max=explore.NOISE_MAX, step=0.01,
                                   readout_format=".2f", continuous_update=False, description="noise",
                                   style=style, layout=wide)
        c["hidden_layers"] = W.IntSlider(value=s.hidden_layers, min=0, max=explore.MAX_HIDDEN_LAYERS,
                                         continuous_update=False, description="hidden layers",
                                         style=style, layout=wide)
        c["width"] = W.IntSlider(value=s.width, min=1, max=explore.MAX_WIDTH, continuous_update=False,
                                 description="neurons / layer", style=style, layout=wide)
        c["activation"] = W.Dropdown(options=list(ACTIVATION_NAMES), value=s.activation,
                                     description="activation", style=style, layout=wide)
        c["cost"] = W.Dropdown(options=cost_choices(s.dataset), value=s.cost, description="cost",
                               style=style, layout=wide)
        batch = 0 if s.batch_size is None else s.batch_size
        batch_choices = list(BATCH_CHOICES)
        if batch not in [v for _, v in batch_choices]:  # a size given in code is offered too
            batch_choices = sorted(batch_choices[:-1] + [(str(batch), batch)], key=lambda o: o[1]) + [
                batch_choices[-1]]
        c["batch_size"] = W.Dropdown(options=batch_choices, value=batch, description="batch size m",
                                     style=style, layout=wide)
        c["epochs"] = W.IntSlider(value=s.epochs, min=min(10, s.epochs), max=explore.MAX_EPOCHS, step=10,
                                  continuous_update=False, description="epochs", style=style,
                                  layout=wide)
        c["seed"] = W.BoundedIntText(value=s.seed, min=0, max=2**31 - 1, description="seed",
                                     style=style, layout=W.Layout(width="200px"))
        for name, widget in c.items():
            widget.add_class(f"bp-{name.replace('_', '-')}")
            widget.observe(self._guard(self._on_control, name), names="value")
        self.controls = c
        self._data_seed, self._n, self._init = s.data_seed, s.n, s.init

        b = {}
        for name, label, icon, tip in [
            ("train", "Train", "play", "Train up to the set number of epochs (resumes after Pause)"),
            ("pause", "Pause/Stop", "pause", "Stop after the current chunk of epochs"),
            ("step", "Step", "step-forward", "Train exactly one more epoch"),
            ("reset", "Reset", "undo", "New initial weights drawn from the seed; back to epoch 0"),
            ("sweep", "Sweep η", "chart-line", "Train the same initial network at η = 1e-3 … 10"),
        ]:
            btn = W.Button(description=label, icon=icon, tooltip=tip, layout=W.Layout(width="auto"))
            btn.add_class(f"bp-{name}")
            btn.on_click(self._guard(self._on_button, name))
            b[name] = btn
        self.buttons = b

    def _build_layout(self):
        self.progress = W.IntProgress(value=0, min=0, max=1, description="", bar_style="info",
                                      layout=W.Layout(width="150px"))
        self.progress.add_class("bp-progress")
        self.loss_label = W.HTML(value="")
        self.loss_label.add_class("bp-loss-text")
        self.status = W.HTML(value="")
        self.status.add_class("bp-status")
        self.plot = W.Image(format="png", layout=W.Layout(max_width="100%"))
        self.plot.add_class("bp-plot")
        self.maths = W.HTMLMath(value="")
        self.maths.add_class("bp-maths")
        self.title = W.HTML(value="<b>Training explorer</b>")
        self.title.add_class("bp-title")
        c = self.controls
        left = W.VBox([c[k] for k in ("eta", "dataset", "noise", "hidden_layers", "width", "activation",
                                      "cost", "batch_size", "epochs", "seed")],
                      layout=W.Layout(min_width="340px"))
        right = W.VBox([W.HBox(list(self.buttons.values())),
                        W.HBox([self.progress, self.loss_label], layout=W.Layout(align_items="center")),
                        self.status, self.plot],
                       layout=W.Layout(flex="1 1 auto"))
        self.box = W.VBox([self.title, c["on_eta_change"], W.HBox([left, right]), self.maths])
        self.box.add_class("bp-explorer")

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return f"Explorer({self.settings.describe()}: {loss_text(self.run)})"

    # ------------------------------------------------------------------ state
    @property
    def settings(self) -> Settings:
        """The controls' current values as a validated :class:`Settings`."""
        c = self.controls
        return Settings(dataset=c["dataset"].value, noise=float(c["noise"].value), n=self._n,
                        hidden_layers=c["hidden_layers"].value, width=c["width"].value,
                        activation=c["activation"].value, cost=c["cost"].value,
                        eta=float(c["eta"].value), batch_size=c["batch_size"].value or None,
                        epochs=c["epochs"].value, seed=c["seed"].value, data_seed=self._data_seed,
                        init=self._init)

    @property
    def history(self):
        """The current run's :class:`~bpcore.train.History`."""
        return self.run.history

    @property
    def net(self):
        """The current network (weights ``net.w[l]``, biases ``net.b[l]``)."""
        return self.run.net

    @property
    def net0(self):
        """The initial network of the current run."""
        return self.run.net0

    @property
    def data(self):
        """The current :class:`~bpcore.explore.Data` (training and held-out columns)."""
        return self.run.data

    @property
    def running(self) -> Optional[str]:
        """'train', 'sweep' or None."""
        return self._running

    @property
    def message(self) -> str:
        """The status line as plain text (no HTML)."""
        import re

        return html.unescape(re.sub(r"<[^>]+>", "", self.status.value)).strip()

    @property
    def state(self) -> dict:
        """A snapshot for code cells: settings, epoch, losses, η changes, message."""
        h = self.history
        return {
            "settings": self.settings, "epoch": self.run.epoch, "eta": self.run.eta,
            "loss": h.loss[-1] if h.loss else None, "val_loss": h.val_loss[-1] if h.val_loss else None,
            "accuracy": h.accuracy[-1] if h.accuracy else None, "diverged": h.diverged,
            "eta_changes": list(self.run.eta_changes), "message": self.message, "frames": self.frames,
        }

    def figure(self):
        """The current views as a static matplotlib figure (for handouts)."""
        from .plots import explorer_figure

        return explorer_figure(self.run, self.sweep_result)

    # ------------------------------------------------------------------ actions (also public API)
    def train(self, wait: bool = True):
        """Train up to ``epochs`` (resume after a pause; a finished run starts again from net0)."""
        if self.run.done:
            self.run = self._new_run()
        self._start(self._train_job(), "train", wait)

    def pause(self):
        """Stop the running job after its current tick."""
        if self._running is None:
            self._set_status("Nothing is running.", "info")
            return
        what = self._running
        self._cancel()
        if what == "train":
            self._set_status(f"Paused at epoch {self.run.epoch}. Train resumes; Step runs one epoch.",
                             "info")
        else:
            self._set_status("Sweep stopped.", "info")
        self._draw()

    def step(self):
        """Train exactly one more epoch from the current weights."""
        self._cancel()
        run = self.run
        if run.diverged:
            self._set_status(diagnose(run) + " Press Reset or Train to start again.", "warning")
            return
        if run.epoch >= run.target:
            run.target = run.epoch + 1
        run.advance(1)
        self._update_text()
        self._draw()
        message = diagnose(run)
        if message:
            self._set_status(message, "warning")
        else:
            self._set_status(f"Stepped to epoch {run.epoch}.", "info")

    def reset(self):
        """New initial weights drawn from the seed; back to epoch 0."""
        self._cancel()
        self._net_cache.clear()
        self.run = self._new_run()
        self._update_text()
        self._draw()
        self._set_status(f"Reset: initial weights drawn from seed {self.controls['seed'].value}, "
                         "epoch 0. Press Train or Step.", "info")

    def sweep(self, etas=None, wait: bool = True):
        """Train the current initial network at each η and plot final loss against η."""
        self._start(self._sweep_job(etas), "sweep", wait)

    # ------------------------------------------------------------------ plumbing
    def _guard(self, fn, *args):
        """Wrap a widget callback: run it on the explorer's home thread, errors become messages.

        JupyterLab 4 with ipykernel 7 may deliver widget messages on a kernel *subshell*
        thread, concurrently with the ticks running on the main thread's event loop.
        Two threads drawing one figure and editing one run corrupt both, so a callback
        arriving on another thread is handed to the home loop (``call_soon_threadsafe``)
        and runs between two ticks. An exception becomes a message in the widget,
        never a traceback.
        """

        def run(*cb_args):
            try:
                fn(*args, *cb_args)
            except Exception as exc:  # noqa: BLE001 - shown to the learner instead
                self._show_error(exc)

        def wrapped(*cb_args):
            loop = self._home_loop
            if loop is not None and threading.get_ident() != self._home_thread:
                try:
                    loop.call_soon_threadsafe(run, *cb_args)
                    return
                except RuntimeError:  # the loop has closed (kernel shutting down): run here
                    pass
            run(*cb_args)

        return wrapped

    def _show_error(self, exc: Exception):
        self.last_error = exc
        # The learner gets a plain message; maintainers get the traceback in the kernel's own
        # stderr (the Jupyter server's log), never in the notebook.
        traceback.print_exception(exc, file=sys.__stderr__)
        self._cancel()
        self._set_status(
            f"Something went wrong: {type(exc).__name__}: {exc}. Your settings are kept; change a "
            "control or press Reset to go on.", "error")

    def _set_status(self, text: str, kind: str = "info"):
        colour = {"info": "#555555", "warning": "#D55E00", "error": "#D55E00"}[kind]
        weight = "normal" if kind == "info" else "bold"
        self.status.value = (f"<div class='bp-status-{kind}' style='color:{colour};font-weight:{weight};"
                             f"white-space:normal'>{html.escape(text)}</div>")

    def _new_run(self) -> Run:
        s = self.settings
        data_key = (s.dataset, s.noise, s.n, s.data_seed)
        if data_key not in self._data_cache:
            self._data_cache = {data_key: make_data(s)}
        net_key = (s.sizes, s.activation, s.output, s.init_name, s.seed)
        if net_key not in self._net_cache:
            self._net_cache = {net_key: make_network(s)}
        self.title.value = f"<b>Training explorer</b> · {html.escape(s.describe())}"
        return Run(s, self._data_cache[data_key], self._net_cache[net_key])

    def _cancel(self):
        self._job += 1
        self._running = None
        self._set_buttons()

    def _set_buttons(self):
        running = self._running is not None
        self.buttons["pause"].disabled = not running
        self.progress.bar_style = "info" if running else ("warning" if self.run.diverged else "success")

    def _loop(self):
        if self.mode == "sync":
            return None
        if self._home_loop is not None and threading.get_ident() == self._home_thread:
            return self._home_loop
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            if self.mode == "async":
                raise RuntimeError("mode='async' needs a running event loop (a Jupyter kernel)") from None
            return None

    def _start(self, job, name: str, wait: bool):
        self._cancel()
        self._job += 1
        jid = self._job
        self._running = name
        # The first tick draws at once. A job run to the end inside one call from code
        # (wait=True) shows nothing until it returns, so it draws only its last frame.
        self._next_frame = float("inf") if wait else 0.0
        self._set_buttons()
        loop = None if wait else self._loop()
        if not self._tick(jid, job):
            return
        if loop is None:
            while self._tick(jid, job):
                pass
        else:
            self._schedule(loop, jid, job)

    def _schedule(self, loop, jid, job):
        def later():
            if self._tick(jid, job):
                self._schedule(loop, jid, job)

        loop.call_later(0.001, later)

    def _tick(self, jid, job) -> bool:
        """One step of a job; True if there is more to do."""
        if jid != self._job:
            return False
        try:
            next(job)
            return jid == self._job
        except StopIteration:
            if jid == self._job:
                self._running = None
                self._set_buttons()
            return False
        except Exception as exc:  # noqa: BLE001 - shown to the learner instead
            self._show_error(exc)
            return False

    def _maybe_draw(self):
        if time.perf_counter() >= self._next_frame:
            self._draw()

    def _draw(self):
        t0 = time.perf_counter()
        self.plot.value = self.canvas.render(self.run, self.sweep_result)
        run = self.run
        nums = live_numbers(run.net, run.data.x, run.data.y, run.settings.cost, run.eta, run.m)
        self.maths.value = live_maths_html(nums)
        dt = time.perf_counter() - t0
        self.draw_seconds.append(dt)
        self.frames += 1
        self._next_frame = time.perf_counter() + max(self.frame_interval, 2 * dt)

    def _update_text(self):
        run = self.run
        self.progress.max = max(run.target, run.epoch, 1)
        self.progress.value = run.epoch
        self.loss_label.value = html.escape(loss_text(run))

    def _train_job(self):
        run = self.run
        self._set_status(f"Training with η = {run.eta:.3g} …", "info")
        for _ in stream(run, self.tick_seconds):
            self._update_text()
            self._maybe_draw()
            yield
        self._update_text()
        self._draw()
        message = diagnose(run)
        if message:
            self._set_status(message, "warning")
        else:
            h = run.history
            self._set_status(f"Done: {run.epoch} epochs with η = {run.eta:.3g}; training loss "
                             f"{run.start_loss:.3g} → {h.loss[-1]:.3g}.", "info")

    def _sweep_job(self, etas):
        import numpy as np

        etas = np.logspace(-3, 1, 9) if etas is None else np.asarray(etas, dtype=float)
        s = self.run.settings
        runs = []
        self.sweep_result = None
        self.progress.max, self.progress.value = len(etas), 0
        self._set_status(f"Sweeping η over {len(etas)} values from the same initial weights …", "info")
        for run in explore.iter_lr_sweep(s, etas, self.run.data, self.run.net0):
            runs.append(run)
            self.sweep_result = explore._sweep_result(runs)
            self.progress.value = len(runs)
            self.loss_label.value = html.escape(
                f"sweep {len(runs)}/{len(etas)} · η = {run.eta:.3g} → training loss "
                f"{self.sweep_result.final_loss[-1]:.3g}" + (" (diverged)" if run.diverged else ""))
            self._maybe_draw()
            yield
        self._draw()
        r = self.sweep_result
        bad = r.etas[r.diverged | r.rose]
        tail = (f"; training failed (diverged or loss rose) at η ≥ {bad.min():.3g}" if bad.size else
                "; no run diverged")
        self._set_status(f"Sweep done: lowest final training loss at η ≈ {r.best_eta:.3g}{tail}.", "info")
        self._update_text()

    # ------------------------------------------------------------------ events
    def _on_button(self, name, _button=None):
        if name == "train":
            self.train(wait=False)
        elif name == "pause":
            self.pause()
        elif name == "step":
            self.step()
        elif name == "reset":
            self.reset()
        elif name == "sweep":
            self.sweep(wait=False)

    def _on_control(self, name, change=None):
        if self._quiet or name == "on_eta_change":
            return
        c = self.controls
        if name == "dataset":
            self._quiet = True
            try:
                c["noise"].value = DEFAULT_NOISE[c["dataset"].value]
                old = c["cost"].value
                choices = cost_choices(c["dataset"].value)
                values = [v for _, v in choices]
                c["cost"].options = choices
                c["cost"].value = old if old in values else values[0]
            finally:
                self._quiet = False
        if name == "eta" and c["on_eta_change"].value == "continue" and self.run.epoch > 0 \
                and not self.run.diverged:
            self._cancel()
            self.run.set_eta(float(c["eta"].value))
            self.run.target = self.run.epoch + c["epochs"].value
            self._start(self._train_job(), "train", wait=False)
            return
        if name != "eta":
            self.sweep_result = None  # a sweep of another network no longer applies
        self._cancel()
        self.run = self._new_run()
        self._start(self._train_job(), "train", wait=False)


def explorer(settings: Optional[Settings] = None, **kwargs) -> Explorer:
    """Open the training explorer: ``ex = explorer()`` as the last line of a cell.

    Keyword arguments that are :class:`~bpcore.explore.Settings` fields set the
    starting values (e.g. ``explorer(dataset="spiral", eta=0.3)``); the others
    go to :class:`Explorer` (``train``, ``mode``, ``tick_seconds``,
    ``frame_interval``, ``on_eta_change``).
    """
    fields = set(Settings.__dataclass_fields__)
    overrides = {k: kwargs.pop(k) for k in list(kwargs) if k in fields}
    settings = (Settings() if settings is None else settings).replace(**overrides)
    return Explorer(settings, **kwargs)
