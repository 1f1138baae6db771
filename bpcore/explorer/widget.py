"""The training explorer's front end: controls, buttons, views and texts in one ipywidgets box.

One call opens it in JupyterLab::

    from bpcore.explorer import explorer
    ex = explorer()          # the last line of a cell shows it

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

Training stays responsive because jobs run a tick at a time on the kernel's
event loop (:mod:`bpcore.explorer.scheduler`); frames are drawn at most every
``frame_interval`` seconds. This is the only module in bpcore that imports ipywidgets.

Used in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from typing import Optional

import ipywidgets as W

from ..datasets import DEFAULT_NOISE
from .numbers import diagnose, live_maths_html, live_numbers, loss_text, sweep_progress_text, sweep_summary
from .run import Run, SweepResult, iter_lr_sweep, stream
from .scheduler import FrameTimer, Scheduler
from .settings import (ACTIVATION_NAMES, DATASET_NAMES, ETA_MAX, ETA_MIN, MAX_EPOCHS, MAX_HIDDEN_LAYERS,
                       MAX_WIDTH, NOISE_MAX, SWEEP_ETAS, Settings, cost_choices, make_data, make_network)
from .views import ExplorerCanvas, explorer_figure

__all__ = ["Explorer", "explorer", "BATCH_CHOICES"]

#: Batch sizes offered (those up to N); the full batch (m = N, the seed's reading) is 0, because a
#: Dropdown shows the value None as "nothing selected".
BATCH_CHOICES = (1, 5, 10, 25, 50)
FULL_BATCH = ("full batch (m = N)", 0)
ON_CHANGE_CHOICES = [("restart (same initial weights)", "restart"),
                     ("continue (current weights)", "continue")]
BUTTONS = [
    ("train", "Train", "play", "Train up to the set number of epochs (resumes after Pause)"),
    ("pause", "Pause/Stop", "pause", "Stop after the current chunk of epochs"),
    ("step", "Step", "step-forward", "Train exactly one more epoch"),
    ("reset", "Reset", "undo", "New initial weights drawn from the seed; back to epoch 0"),
    ("sweep", "Sweep η", "chart-line",
     f"Train the same initial network at η = {SWEEP_ETAS[0]:g} … {SWEEP_ETAS[-1]:g}"),
]
_STYLE = {"description_width": "105px"}


def _batch_options(batch_size: Optional[int], n_train: int) -> list:
    """The batch sizes up to N, with a size given in code among them, then the full batch."""
    sizes = {b for b in BATCH_CHOICES if b <= n_train} | ({batch_size} if batch_size else set())
    return [(str(b), b) for b in sorted(sizes)] + [FULL_BATCH]


def _make_controls(s: Settings, on_eta_change: str, n_train: int) -> dict:
    """Every control, set to ``s``, with the CSS class bp-<name> the browser test selects by."""
    wide = {"style": _STYLE, "layout": W.Layout(width="330px")}
    slider = dict(continuous_update=False, **wide)
    c = {
        "eta": W.FloatLogSlider(value=s.eta, base=10, min=math.log10(ETA_MIN), max=math.log10(ETA_MAX),
                                step=0.1, readout_format=".3g", description="learning rate η", **slider),
        "on_eta_change": W.ToggleButtons(
            options=ON_CHANGE_CHOICES, value=on_eta_change, description="when η changes:",
            tooltips=["A new η trains again from the same initial weights (runs stay comparable)",
                      "A new η continues from the weights reached so far"],
            style={"description_width": "105px", "button_width": "215px"}),
        "dataset": W.Dropdown(options=list(DATASET_NAMES), value=s.dataset, description="data set", **wide),
        "noise": W.FloatSlider(value=s.noise, min=0.0, max=NOISE_MAX, step=0.01, readout_format=".2f",
                               description="noise", **slider),
        "hidden_layers": W.IntSlider(value=s.hidden_layers, min=0, max=MAX_HIDDEN_LAYERS,
                                     description="hidden layers", **slider),
        "width": W.IntSlider(value=s.width, min=1, max=MAX_WIDTH, description="neurons / layer", **slider),
        "activation": W.Dropdown(options=list(ACTIVATION_NAMES), value=s.activation, description="activation",
                                 **wide),
        "cost": W.Dropdown(options=cost_choices(s.dataset), value=s.cost, description="cost", **wide),
        "batch_size": W.Dropdown(options=_batch_options(s.batch_size, n_train), value=s.batch_size or 0,
                                 description="batch size m", **wide),
        "epochs": W.IntSlider(value=s.epochs, min=min(10, s.epochs), max=MAX_EPOCHS, step=10,
                              description="epochs", **slider),
        "seed": W.BoundedIntText(value=s.seed, min=0, max=2**31 - 1, description="seed", style=_STYLE,
                                 layout=W.Layout(width="200px")),
    }
    for name, widget in c.items():
        widget.add_class(f"bp-{name.replace('_', '-')}")
    return c


def _make_buttons() -> dict:
    buttons = {}
    for name, label, icon, tip in BUTTONS:
        buttons[name] = W.Button(description=label, icon=icon, tooltip=tip, layout=W.Layout(width="auto"))
        buttons[name].add_class(f"bp-{name}")
    return buttons


def _classed(widget, css_class: str):
    widget.add_class(css_class)
    return widget


OUTPUTS = ("title", "progress", "loss_label", "status", "plot", "maths")


def _make_outputs() -> dict:
    """What the explorer shows, by name, with the CSS classes the browser test selects by."""
    return {
        "title": _classed(W.HTML(), "bp-title"),
        "progress": _classed(W.IntProgress(value=0, min=0, max=1, bar_style="info",
                                           layout=W.Layout(width="150px")), "bp-progress"),
        "loss_label": _classed(W.HTML(), "bp-loss-text"),
        "status": _classed(W.HTML(), "bp-status"),
        "plot": _classed(W.Image(format="png", layout=W.Layout(max_width="100%")), "bp-plot"),
        "maths": _classed(W.HTMLMath(), "bp-maths"),
    }


def _layout(controls: dict, buttons: dict, out: dict) -> W.VBox:
    """Controls on the left; buttons, progress, status and plot on the right; the maths pane below."""
    left = W.VBox([controls[k] for k in ("eta", "dataset", "noise", "hidden_layers", "width", "activation",
                                         "cost", "batch_size", "epochs", "seed")],
                  layout=W.Layout(min_width="340px"))
    right = W.VBox([W.HBox(list(buttons.values())),
                    W.HBox([out["progress"], out["loss_label"]], layout=W.Layout(align_items="center")),
                    out["status"], out["plot"]], layout=W.Layout(flex="1 1 auto"))
    box = W.VBox([out["title"], controls["on_eta_change"], W.HBox([left, right]), out["maths"]])
    return _classed(box, "bp-explorer")


def _settings_from(controls: dict, fixed: dict) -> Settings:
    """The controls' values (and the choices made in code that have no control) as a Settings."""
    c = controls
    return Settings(dataset=c["dataset"].value, noise=float(c["noise"].value),
                    hidden_layers=c["hidden_layers"].value, width=c["width"].value,
                    activation=c["activation"].value, cost=c["cost"].value, eta=float(c["eta"].value),
                    batch_size=c["batch_size"].value or None, epochs=c["epochs"].value,
                    seed=c["seed"].value, **fixed)


def _pair_with_dataset(controls: dict) -> None:
    """The data set's default noise, and only the costs that fit it (the current one if it does)."""
    dataset, cost = controls["dataset"].value, controls["cost"]
    controls["noise"].value = DEFAULT_NOISE[dataset]
    old, choices = cost.value, cost_choices(dataset)
    cost.options = choices
    cost.value = old if old in [v for _, v in choices] else choices[0][1]


def _status_html(text: str, kind: str = "info") -> str:
    colour = {"info": "#555555", "warning": "#D55E00", "error": "#D55E00"}[kind]
    weight = "normal" if kind == "info" else "bold"
    return (f"<div class='bp-status-{kind}' style='color:{colour};font-weight:{weight};white-space:normal'>"
            f"{html.escape(text)}</div>")


def _finished(run: Run):
    """(status text, kind) for a run that stopped: what went wrong, or how far the loss came down."""
    message = diagnose(run)
    if message:
        return message, "warning"
    return (f"Done: {run.epoch} epochs with η = {run.eta:.3g}; training loss {run.start_loss:.3g} → "
            f"{run.history.loss[-1]:.3g}.", "info")


class _Runs:
    """New runs, reusing the last data and initial weights while the settings they come from stay."""

    def __init__(self):
        self._made = {}

    def new(self, s: Settings) -> Run:
        data = self._reuse("data", (s.dataset, s.noise, s.n, s.data_seed), make_data, s)
        net0 = self._reuse("net0", (s.sizes, s.activation, s.output, s.init_name, s.seed), make_network, s)
        return Run(s, data, net0)

    def forget_weights(self) -> None:
        """Draw the initial weights afresh next time (a new object, so the views start a new axis)."""
        self._made.pop("net0", None)

    def _reuse(self, kind, key, make, s):
        if self._made.get(kind, (None,))[0] != key:
            self._made[kind] = (key, make(s))
        return self._made[kind][1]


class Explorer:
    """The live training explorer. Create it with :func:`explorer`.

    Parameters
    ----------
    settings : bpcore.explorer.settings.Settings, optional
        Starting values of the controls (default: moons, 2-16-16-1 tanh,
        cross-entropy, η = 0.1, m = 10, 100 epochs).
    train : bool
        Train once (synchronously) when created, so the first view shows a
        trained network. Default True.
    mode : {"auto", "async", "sync"}
        How clicks run jobs (:class:`~bpcore.explorer.scheduler.Scheduler`): "async"
        a tick at a time on the running event loop (the kernel's), "sync" to the end
        inside the click, "auto" async when an event loop is running.
    tick_seconds : float
        Work per tick (training epochs are grouped to take about this long).
    frame_interval : float
        Minimum seconds between drawn frames while a job runs.
    on_eta_change : {"restart", "continue"}
        What a learning-rate change does (the toggle's starting value).
    log_path : where tracebacks of errors in callbacks go (never into the notebook)

    Attributes
    ----------
    run : Run — data, initial and current network, history
    sweep_result : SweepResult or None
    controls, buttons : dict of the widgets by name (tests drive them)
    box : the ipywidgets container that is displayed
    """

    def __init__(self, settings: Optional[Settings] = None, *, train: bool = True, mode: str = "auto",
                 tick_seconds: float = 0.05, frame_interval: float = 0.25, on_eta_change: str = "restart",
                 log_path=None):
        if on_eta_change not in ("restart", "continue"):
            raise ValueError(f"on_eta_change must be 'restart' or 'continue'; got {on_eta_change!r}")
        self.scheduler = Scheduler(mode, on_error=self._show_error, on_change=self._set_buttons,
                                   log_path=log_path)
        s = Settings() if settings is None else settings
        self.tick_seconds, self.timer, self.canvas = tick_seconds, FrameTimer(frame_interval), ExplorerCanvas()
        self.sweep_result, self._quiet, self._runs = None, False, _Runs()
        self._fixed = {"n": s.n, "data_seed": s.data_seed, "init": s.init}  # set in code, no control
        out = _make_outputs()
        self.title, self.progress, self.loss_label, self.status, self.plot, self.maths = (out[k] for k in OUTPUTS)
        self.run = self._new_run(s)
        self.controls = _make_controls(s, on_eta_change, self.run.data.N)
        self.buttons = _make_buttons()
        for name, widget in self.controls.items():
            widget.observe(self.scheduler.guard(self._on_control, name), names="value")
        for name, button in self.buttons.items():
            button.on_click(self.scheduler.guard(self._on_button, name))
        self.box = _layout(self.controls, self.buttons, out)
        if train:
            self.train()
        else:
            self._show("Ready. Press Train or Step, or move η.")

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return f"Explorer({self.settings.describe()}: {loss_text(self.run)})"

    # ------------------------------------------------------------------ state, for code cells
    settings = property(lambda self: _settings_from(self.controls, self._fixed),
                        doc="The controls' current values as a validated Settings.")
    history = property(lambda self: self.run.history, doc="The current run's bpcore.train.History.")
    net = property(lambda self: self.run.net, doc="The current network (weights net.w[l], biases net.b[l]).")
    net0 = property(lambda self: self.run.net0, doc="The initial network of the current run.")
    data = property(lambda self: self.run.data, doc="The current Data (training and held-out columns).")
    running = property(lambda self: self.scheduler.running, doc="'train', 'sweep' or None.")
    last_error = property(lambda self: self.scheduler.last_error, doc="The last exception in a callback.")
    frames = property(lambda self: self.timer.frames, doc="Frames drawn so far.")
    draw_seconds = property(lambda self: self.timer.seconds, doc="Drawing time of each frame.")

    @property
    def message(self) -> str:
        """The status line as plain text (no HTML)."""
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
        return explorer_figure(self.run, self.sweep_result)

    # ------------------------------------------------------------------ actions (buttons and code)
    def train(self, wait: bool = True):
        """Train up to ``epochs`` (resume after a pause; a finished run starts again from net0)."""
        if self.run.done:
            self.run = self._new_run()
        self._start(self._train_job(), "train", wait)

    def pause(self):
        """Stop the running job after its current tick."""
        what = self.running
        if what is None:
            return self._set_status("Nothing is running.")
        self.scheduler.cancel()
        self._set_status(f"Paused at epoch {self.run.epoch}. Train resumes; Step runs one epoch."
                         if what == "train" else "Sweep stopped.")
        self._draw()

    def step(self):
        """Train exactly one more epoch from the current weights."""
        self.scheduler.cancel()
        run = self.run
        if run.diverged:
            return self._set_status(diagnose(run) + " Press Reset or Train to start again.", "warning")
        run.target = max(run.target, run.epoch + 1)
        run.advance(1)
        message = diagnose(run)
        self._show(message or f"Stepped to epoch {run.epoch}.", "warning" if message else "info")

    def reset(self):
        """New initial weights drawn from the seed; back to epoch 0."""
        self.scheduler.cancel()
        self._runs.forget_weights()
        self.run = self._new_run()
        self._show(f"Reset: initial weights drawn from seed {self.controls['seed'].value}, epoch 0. "
                   "Press Train or Step.")

    def sweep(self, etas=None, wait: bool = True):
        """Train the current initial network at each η and plot final loss against η."""
        self._start(self._sweep_job(SWEEP_ETAS if etas is None else tuple(etas)), "sweep", wait)

    # ------------------------------------------------------------------ jobs and drawing
    def _start(self, job, name: str, wait: bool):
        # A job run to the end inside one call from code (wait=True) shows nothing until it
        # returns, so it draws only its last frame; a click's job draws at its first tick.
        self.timer.hold(wait)
        self.scheduler.start(job, name, wait)

    def _train_job(self):
        run = self.run
        self._set_status(f"Training with η = {run.eta:.3g} …")
        for _ in stream(run, self.tick_seconds):
            self._update_text()
            if self.timer.due():
                self._draw()
            yield
        self._show(*_finished(run))

    def _sweep_job(self, etas):
        run, runs, self.sweep_result = self.run, [], None
        self.progress.max, self.progress.value = len(etas), 0
        self._set_status(f"Sweeping η over {len(etas)} values from the same initial weights …")
        for swept in iter_lr_sweep(run.settings, etas, run.data, run.net0):
            runs.append(swept)
            self.sweep_result = SweepResult.from_runs(runs)
            self.progress.value = len(runs)
            self.loss_label.value = html.escape(sweep_progress_text(self.sweep_result, len(etas)))
            if self.timer.due():
                self._draw()
            yield
        self._draw()
        self._set_status(sweep_summary(self.sweep_result))
        self._update_text()

    def _new_run(self, s: Optional[Settings] = None) -> Run:
        """A Run for ``s`` (default: the controls), named in the title."""
        s = self.settings if s is None else s
        self.title.value = f"<b>Training explorer</b> · {html.escape(s.describe())}"
        return self._runs.new(s)

    def _show(self, text: str, kind: str = "info"):
        """Draw the current state and set the status line."""
        self._update_text()
        self._draw()
        self._set_status(text, kind)

    def _draw(self):
        self.timer.draw(self._render)

    def _render(self):
        run = self.run
        self.plot.value = self.canvas.render(run, self.sweep_result)
        self.maths.value = live_maths_html(live_numbers(run.net, run.data.x, run.data.y, run.settings.cost,
                                                        run.eta, run.m))

    def _update_text(self):
        run = self.run
        self.progress.max = max(run.target, run.epoch, 1)
        self.progress.value = run.epoch
        self.loss_label.value = html.escape(loss_text(run))

    def _set_status(self, text: str, kind: str = "info"):
        self.status.value = _status_html(text, kind)

    def _set_buttons(self):
        running = self.running is not None
        self.buttons["pause"].disabled = not running
        self.progress.bar_style = "info" if running else ("warning" if self.run.diverged else "success")

    def _show_error(self, exc: Exception):
        self._set_status(f"Something went wrong: {type(exc).__name__}: {exc}. Your settings are kept; "
                         "change a control or press Reset to go on.", "error")

    # ------------------------------------------------------------------ events
    def _on_button(self, name: str, _button=None):
        if name in ("train", "sweep"):
            getattr(self, name)(wait=False)
        else:
            getattr(self, name)()

    def _on_control(self, name: str, change=None):
        if self._quiet or name == "on_eta_change":
            return
        c, run = self.controls, self.run
        if name == "dataset":
            self._quiet = True  # the noise and cost it sets are part of this change
            try:
                _pair_with_dataset(c)
            finally:
                self._quiet = False
        if name == "eta" and c["on_eta_change"].value == "continue" and run.epoch > 0 and not run.diverged:
            run.set_eta(float(c["eta"].value))
            run.target = run.epoch + c["epochs"].value
        else:
            if name != "eta":
                self.sweep_result = None  # a sweep of another network no longer applies
            self.run = self._new_run()
        self._start(self._train_job(), "train", wait=False)


def explorer(settings: Optional[Settings] = None, **kwargs) -> Explorer:
    """Open the training explorer: ``ex = explorer()`` as the last line of a cell.

    Keyword arguments that are :class:`Settings` fields set the starting values
    (e.g. ``explorer(dataset="spiral", eta=0.3)``); the others go to
    :class:`Explorer` (``train``, ``mode``, ``tick_seconds``, ``frame_interval``,
    ``on_eta_change``, ``log_path``).
    """
    fields = {f.name for f in dataclasses.fields(Settings)}
    choices = {k: kwargs.pop(k) for k in list(kwargs) if k in fields}
    if settings is None:
        settings = Settings(**choices)
    elif choices:
        settings = settings.replace(**choices)
    return Explorer(settings, **kwargs)
