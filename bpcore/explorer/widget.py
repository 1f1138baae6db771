"""The training explorer's front end: controls, buttons, views and texts in one ipywidgets box.

One call opens it in JupyterLab: ``ex = explorer()`` as the last line of a cell.

Top to bottom, each row as wide as the notebook and wrapping: the learning rate η on a
log slider with the edge of stability 2/λ_max (and 1/λ_max) at the current weights next
to it; the other controls; the buttons Train, Pause, Step, Reset (epoch 0, the same
initial weights), New weights (the next seed) and Sweep η; the loss line and the status;
the decision boundary, loss curves and sweep, full width; the maths pane (BP1–BP4).

Every value is validated before it is applied. From code (:meth:`Explorer.set`,
:meth:`Explorer.sweep`) a bad value raises and the status line says so; from a control it
is refused with a message and the control goes back. An exception in a callback never
reaches the notebook: its traceback goes to a log file the status line names. Jobs run a
tick at a time on the kernel's event loop (:mod:`bpcore.explorer.scheduler`), a sweep
between chunks of epochs too, so Pause acts within a tick. The only module in bpcore that
imports ipywidgets.

Used in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

import html
import math
import re
from typing import Optional

import ipywidgets as W

from ..datasets import DEFAULT_NOISE
from ..validation import real_number
from .numbers import (edge_text, error_text, live_maths_html, live_numbers, loss_text, refused_text, run_title,
                      text_html)
from .scheduler import FrameTimer, Scheduler
from .session import FIELDS, Session, next_seed
from .settings import (ACTIVATION_NAMES, DATASET_NAMES, ETA_MAX, ETA_MIN, MAX_EPOCHS, MAX_HIDDEN_LAYERS,
                       MAX_WIDTH, NOISE_MAX, SEED_MAX, SWEEP_ETAS, Settings, batch_choices, checked_etas,
                       cost_choices, format_etas, parse_etas)
from .views import ExplorerCanvas, explorer_figure

__all__ = ["Explorer", "explorer", "ON_CHANGE_CHOICES"]

ON_CHANGE_CHOICES = [("restart (same initial weights)", "restart"),
                     ("continue (current weights)", "continue")]
BUTTONS = [
    ("train", "Train", "play", "Train up to the set number of epochs (resumes after Pause)"),
    ("pause", "Pause", "pause", "Stop the training or the sweep after its current chunk of epochs"),
    ("step", "Step", "step-forward", "Train exactly one more epoch"),
    ("reset", "Reset", "undo", "Back to epoch 0 with the same initial weights (the same seed)"),
    ("new_weights", "New weights", "random", "Draw new initial weights from the next seed; back to epoch 0"),
    ("sweep", "Sweep η", "line-chart", "Train the same initial network at each η of the sweep list"),
]
#: Settings without a control of their own (set in code: explorer(n=..., data_seed=..., init=...)).
FIXED = ("n", "data_seed", "init")
OPTIONS = ("train", "mode", "tick_seconds", "frame_interval", "on_eta_change", "log_path")
_LABEL_WIDTH = "120px"


def _make_controls(s: Settings, on_eta_change: str, n_train: int) -> dict:
    """Every control, set to ``s``, with the CSS class bp-<name> the browser test selects by."""
    style = {"description_width": _LABEL_WIDTH}

    def sized(width):
        return {"style": style, "layout": W.Layout(width=width, flex="0 1 auto")}

    slider = dict(continuous_update=False, **sized("290px"))
    c = {
        "eta": W.FloatLogSlider(value=s.eta, base=10, min=math.log10(ETA_MIN), max=math.log10(ETA_MAX),
                                step=0.1, readout_format=".3g", description="learning rate η",
                                continuous_update=False, style=style, layout=W.Layout(width="360px")),
        "on_eta_change": W.ToggleButtons(
            options=ON_CHANGE_CHOICES, value=on_eta_change, description="when η changes:",
            tooltips=["A new η trains again from the same initial weights (runs stay comparable)",
                      "A new η continues from the weights reached so far"],
            style={"description_width": _LABEL_WIDTH, "button_width": "auto"}),
        "dataset": W.Dropdown(options=list(DATASET_NAMES), value=s.dataset, description="data set",
                              **sized("290px")),
        "noise": W.FloatSlider(value=s.noise, min=0.0, max=NOISE_MAX, step=0.01, readout_format=".2f",
                               description="noise", **slider),
        "hidden_layers": W.IntSlider(value=s.hidden_layers, min=0, max=MAX_HIDDEN_LAYERS,
                                     description="hidden layers", **slider),
        "width": W.IntSlider(value=s.width, min=1, max=MAX_WIDTH, description="neurons / layer", **slider),
        "activation": W.Dropdown(options=list(ACTIVATION_NAMES), value=s.activation, description="activation",
                                 **sized("290px")),
        "batch_size": W.Dropdown(options=batch_choices(s.batch_size, n_train), value=s.batch_size or 0,
                                 description="batch size m", **sized("290px")),
        "epochs": W.IntSlider(value=s.epochs, min=min(10, s.epochs), max=MAX_EPOCHS, step=10,
                              description="epochs", **slider),
        "seed": W.BoundedIntText(value=s.seed, min=0, max=SEED_MAX, description="seed", **sized("290px")),
        "cost": W.Dropdown(options=cost_choices(s.dataset), value=s.cost, description="cost",
                           **sized("440px")),
        "sweep_etas": W.Text(value=format_etas(SWEEP_ETAS), description="sweep η list", continuous_update=False,
                             **sized("440px")),
    }
    for name, widget in c.items():
        widget.add_class(f"bp-{name.replace('_', '-')}")
    return c


def _make_buttons() -> dict:
    buttons = {}
    for name, label, icon, tip in BUTTONS:
        buttons[name] = W.Button(description=label, icon=icon, tooltip=tip,
                                 layout=W.Layout(width="auto", flex="0 0 auto"))
        buttons[name].add_class(f"bp-{name.replace('_', '-')}")
    return buttons


def _classed(widget, css_class: str):
    widget.add_class(css_class)
    return widget


OUTPUTS = ("title", "edge", "progress", "loss_label", "status", "plot", "maths")


def _make_outputs() -> dict:
    """What the explorer shows, by name, with the CSS classes the browser test selects by."""
    return {
        "title": _classed(W.HTML(), "bp-title"),
        "edge": _classed(W.HTML(layout=W.Layout(flex="1 1 260px")), "bp-edge"),
        "progress": _classed(W.IntProgress(value=0, min=0, max=1, bar_style="info",
                                           layout=W.Layout(width="150px", flex="0 0 auto")), "bp-progress"),
        "loss_label": _classed(W.HTML(layout=W.Layout(flex="1 1 300px")), "bp-loss-text"),
        "status": _classed(W.HTML(), "bp-status"),
        # As wide as the output (no side margins, which would overflow it); the height follows.
        "plot": _classed(W.Image(format="png", layout=W.Layout(width="100%", height="auto", margin="2px 0px")),
                         "bp-plot"),
        "maths": _classed(W.HTMLMath(), "bp-maths"),
    }


def _layout(controls: dict, buttons: dict, out: dict) -> W.VBox:
    """Top to bottom, each row as wide as the notebook and wrapping: η and its marks, the other
    controls, the buttons, progress and loss, the status, the plot, the maths pane."""
    wrap = W.Layout(flex_flow="row wrap", align_items="center")  # as wide as the box: a column stretches it
    rows = [
        out["title"],
        W.HBox([controls["eta"], out["edge"]], layout=wrap),
        controls["on_eta_change"],
        W.HBox([controls[k] for k in ("dataset", "noise", "hidden_layers", "width", "activation",
                                      "batch_size", "epochs", "seed", "cost", "sweep_etas")], layout=wrap),
        W.HBox(list(buttons.values()), layout=wrap),
        W.HBox([out["progress"], out["loss_label"]], layout=wrap),
        out["status"], out["plot"], out["maths"],
    ]
    return _classed(W.VBox(rows), "bp-explorer")


class _Controls(dict):
    """The controls by name; read as a Settings, and set from one without reacting to each change.

    ``fixed`` holds the settings that have no control (n, data_seed, init: set in code).
    """

    def __init__(self, s: Settings, on_eta_change: str):
        super().__init__(_make_controls(s, on_eta_change, s.n_train))
        self.fixed, self.quiet = {name: getattr(s, name) for name in FIXED}, False

    def settings(self) -> Settings:
        """The controls' values (and the fixed choices) as a validated Settings."""
        return Settings(dataset=self["dataset"].value, noise=self["noise"].value,
                        hidden_layers=self["hidden_layers"].value, width=self["width"].value,
                        activation=self["activation"].value, cost=self["cost"].value, eta=self["eta"].value,
                        batch_size=self["batch_size"].value or None, epochs=self["epochs"].value,
                        seed=self["seed"].value, **self.fixed)

    def show(self, s: Settings) -> None:
        """Set every control to ``s``."""
        def apply():
            self["cost"].options = cost_choices(s.dataset)
            self["batch_size"].options = batch_choices(s.batch_size, s.n_train)
            for name in ("dataset", "noise", "hidden_layers", "width", "activation", "cost", "eta", "epochs",
                         "seed", "batch_size"):
                self[name].value = (s.batch_size or 0) if name == "batch_size" else getattr(s, name)
        self.fixed = {name: getattr(s, name) for name in FIXED}
        self.quietly(apply)

    def pair_with_dataset(self) -> None:
        """The data set's default noise, and only the costs that fit it (the current one if it does)."""
        def pair():
            dataset, cost = self["dataset"].value, self["cost"]
            self["noise"].value = DEFAULT_NOISE[dataset]
            old, choices = cost.value, cost_choices(dataset)
            cost.options = choices
            cost.value = old if old in [v for _, v in choices] else choices[0][1]
        self.quietly(pair)

    def set_quietly(self, name: str, value) -> None:
        """Set control ``name`` to ``value`` without the explorer reacting to it."""
        self.quietly(lambda: setattr(self[name], "value", value))

    def quietly(self, fn) -> None:
        """Run ``fn`` (which sets controls) without the explorer reacting to it."""
        self.quiet = True
        try:
            fn()
        finally:
            self.quiet = False


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
    tick_seconds : float in (0, 1]
        Work per tick (training epochs are grouped to take about this long).
    frame_interval : float in [0, 10]
        Minimum seconds between drawn frames while a job runs.
    on_eta_change : {"restart", "continue"}
        What a learning-rate change does (the toggle's starting value).
    log_path : where tracebacks of errors in callbacks go (never into the notebook)

    Attributes
    ----------
    session : Session — the current run and sweep, and what each action does
    controls, buttons : dict of the widgets by name (tests drive them)
    box : the ipywidgets container that is displayed
    """

    def __init__(self, settings: Optional[Settings] = None, *, train: bool = True, mode: str = "auto",
                 tick_seconds: float = 0.05, frame_interval: float = 0.25, on_eta_change: str = "restart",
                 log_path=None):
        if on_eta_change not in ("restart", "continue"):
            raise ValueError(f"on_eta_change must be 'restart' or 'continue'; got {on_eta_change!r}")
        if settings is not None and not isinstance(settings, Settings):
            raise TypeError(f"settings must be a bpcore.explorer.Settings or None; got {type(settings).__name__}")
        if not isinstance(train, bool):
            raise TypeError(f"train must be True or False; got {train!r}")
        tick_seconds = real_number(tick_seconds, "tick_seconds", maximum=1.0, above=0.0)
        self.timer = FrameTimer(real_number(frame_interval, "frame_interval", 0.0, 10.0))
        self.scheduler = Scheduler(mode, on_error=self._show_error, on_change=self._set_buttons,
                                   log_path=log_path)
        s = Settings() if settings is None else settings
        self.canvas = ExplorerCanvas()
        out = _make_outputs()
        self.title, self.edge, self.progress, self.loss_label, self.status, self.plot, self.maths = (
            out[k] for k in OUTPUTS)
        self.controls = _Controls(s, on_eta_change)
        self.buttons = _make_buttons()
        self.session = Session(s, tick_seconds)
        for name, widget in self.controls.items():
            widget.observe(self.scheduler.guard(self._on_control, name), names="value")
        for name, button in self.buttons.items():
            button.on_click(self.scheduler.guard(self._on_button, name))
        self.box = _layout(self.controls, self.buttons, out)
        self._new_title()
        if train:
            self.train()
        else:
            self.session.status = ("Ready. Press Train or Step, or move η.", "info")
            self._show()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return f"Explorer({run_title(self.run)}: {loss_text(self.run)})"

    # ------------------------------------------------------------------ state, for code cells
    settings = property(lambda self: self.controls.settings(), doc="The controls' values as a validated Settings.")
    run = property(lambda self: self.session.run, doc="The current Run: data, initial and current network.")
    sweep_result = property(lambda self: self.session.sweep_result, doc="The last SweepResult, or None.")
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
        """A snapshot for code cells: settings, epoch, losses, regime, η changes, edge, message."""
        return {"settings": self.settings, **self.session.snapshot(), "message": self.message, "frames": self.frames}

    def figure(self):
        """The current views as a static matplotlib figure (for handouts)."""
        return explorer_figure(self.run, self.sweep_result)

    # ------------------------------------------------------------------ actions (buttons and code)
    def set(self, **changes):
        """Change settings from code, e.g. ``ex.set(eta=0.3, width=8)``: validated first, then one retrain.

        Any :class:`Settings` field may be given (n, data_seed and init too, which have
        no control). A bad value raises ValueError or TypeError, says so in the status
        line, and changes nothing.
        """
        try:
            s = self.session.checked(self.settings, changes)
        except (TypeError, ValueError) as exc:
            self._say_and_raise(f"Not applied: {exc}. Nothing was changed.", exc)
        self.scheduler.cancel()
        self.controls.show(s)
        self.session.changed(s, "set", continue_run=False)
        self._new_title()
        self._start(self.session.training(s), "train", wait=True)

    def train(self, wait: bool = True):
        """Train up to ``epochs`` (resume after a pause; a finished run starts again from net0)."""
        self._start(self.session.training(self.settings), "train", wait)

    def pause(self):
        """Stop the running job after its current tick; a sweep keeps and shows what it finished."""
        what = self.running
        if what is None:
            return self._set_status("Nothing is running.")
        self.scheduler.cancel()
        self.session.paused(what)
        self._show()

    def step(self):
        """Train exactly one more epoch from the current weights."""
        self.scheduler.cancel()
        self.session.step()
        self._show()

    def reset(self):
        """Back to epoch 0 with the same initial weights (the same seed)."""
        self.scheduler.cancel()
        self.session.reset(self.settings)
        self._new_title()
        self._show()

    def new_weights(self):
        """New initial weights: the next seed (0 after SEED_MAX); back to epoch 0."""
        self.scheduler.cancel()
        old = self.controls["seed"].value
        self.controls.set_quietly("seed", next_seed(old))
        self.session.new_weights(self.settings, old)
        self._new_title()
        self._show()

    def sweep(self, etas=None, wait: bool = True):
        """Train the current initial network at each η and plot final loss against η.

        ``etas`` (default: the sweep η list control) is checked whole before any
        run trains; a bad list raises and says so in the status line.
        """
        try:
            etas = parse_etas(self.controls["sweep_etas"].value) if etas is None else checked_etas(etas)
        except (TypeError, ValueError) as exc:
            self._say_and_raise(f"Sweep not started: {exc}. Nothing was trained.", exc)
        self.controls.set_quietly("sweep_etas", format_etas(etas))
        self._start(self.session.sweeping(etas), "sweep", wait)

    # ------------------------------------------------------------------ jobs and drawing
    def _start(self, steps, name: str, wait: bool):
        # A job run to the end inside one call from code (wait=True) shows nothing until it
        # returns, so it draws only its last frame; a click's job draws at its first tick.
        self.timer.hold(wait)
        self.scheduler.start(self._job(steps, name), name, wait)

    def _job(self, steps, name: str):
        """Show each chunk of a Session job; at its end, the marks, the title and its status."""
        if name == "sweep":
            self.progress.max, self.progress.value = self.session.sweep_total, 0
        for i, _ in enumerate(steps):
            if i == 0:  # the job's own line: "Training with η = …", "Sweeping η …"
                self._set_status(*self.session.status)
            self._update_text(sweep=name == "sweep")
            if self.timer.due():
                self._draw()
            yield
        self._show()

    def _new_title(self):
        self.title.value = (f"<div style='white-space:normal;line-height:1.45'><b>Training explorer</b> · "
                            f"{html.escape(run_title(self.run))}</div>")

    def _show(self):
        """Draw the current state, the η marks, the title and the session's status line."""
        self._update_edge()
        self._new_title()
        self._update_text()
        self._draw()
        self._set_status(*self.session.status)

    def _update_edge(self):
        """2/λ_max and 1/λ_max at the current weights, next to the η slider (a few ms)."""
        run = self.run
        text = edge_text(run.curvature(), self.controls["eta"].value, run.epoch, run.curvature(initial=True))
        self.edge.value = text_html(text, css_class="bp-edge-text")

    def _draw(self):
        self.timer.draw(self._render)

    def _render(self):
        run = self.run
        self.plot.value = self.canvas.render(run, self.sweep_result)
        self.maths.value = live_maths_html(live_numbers(run.net, run.data.x, run.data.y, run.settings.cost,
                                                        run.eta, run.m))

    def _update_text(self, sweep: bool = False):
        run, session = self.run, self.session
        if sweep:
            self.progress.value = len(session.sweep_result.etas) if session.sweep_result else 0
        else:
            self.progress.max, self.progress.value = max(run.target, run.epoch, 1), run.epoch
        self.loss_label.value = text_html(session.line)

    def _set_status(self, text: str, kind: str = "info"):
        self.status.value = text_html(text, kind, f"bp-status-{kind}")

    def _set_buttons(self):
        running = self.running is not None
        self.buttons["pause"].disabled = not running
        self.progress.bar_style = "info" if running else ("warning" if self.run.regime == "diverging"
                                                          else "success")

    def _show_error(self, exc: Exception):
        self._set_status(error_text(exc, self.scheduler.log_path), "error")

    def _say_and_raise(self, text: str, exc: Exception):
        """A bad value from code: say so in the status line, and raise it to the caller."""
        self._set_status(text, "error")
        raise exc

    # ------------------------------------------------------------------ events
    def _refuse(self, name: str, change, exc: Exception) -> None:
        """A control gave a value the explorer cannot use: put the old one back and say why."""
        self.controls.set_quietly(name, change["old"])
        self._set_status(refused_text(self.controls[name].description, change["old"], change["new"], exc), "error")

    def _on_button(self, name: str, _button=None):
        if name in ("train", "sweep"):
            getattr(self, name)(wait=False)
        else:
            getattr(self, name)()

    def _on_control(self, name: str, change=None):
        if self.controls.quiet or name == "on_eta_change":
            return
        if name == "sweep_etas":
            try:
                etas = parse_etas(self.controls[name].value)
            except (TypeError, ValueError) as exc:
                return self._refuse(name, change, exc)
            return self._set_status(f"Sweep η list: {len(etas)} values. Press Sweep η to train them.")
        if name == "dataset":
            self.controls.pair_with_dataset()
        try:
            s = self.settings
        except (TypeError, ValueError) as exc:
            return self._refuse(name, change, exc)
        self.scheduler.cancel()
        self.session.changed(s, name, self.controls["on_eta_change"].value == "continue")
        self._new_title()
        self._update_edge()
        self._start(self.session.training(s), "train", wait=False)


def explorer(settings: Optional[Settings] = None, **kwargs) -> Explorer:
    """Open the training explorer: ``ex = explorer()`` as the last line of a cell.

    Keyword arguments that are :class:`Settings` fields set the starting values
    (e.g. ``explorer(dataset="spiral", eta=0.3)``); the others go to
    :class:`Explorer` (``train``, ``mode``, ``tick_seconds``, ``frame_interval``,
    ``on_eta_change``, ``log_path``), and any other name is refused.
    """
    choices = {k: kwargs.pop(k) for k in list(kwargs) if k in FIELDS}
    unknown = sorted(set(kwargs) - set(OPTIONS))
    if unknown:
        raise TypeError(f"explorer() takes Settings fields ({', '.join(FIELDS)}) and {', '.join(OPTIONS)}; "
                        f"got {', '.join(unknown)}")
    if settings is None:
        settings = Settings(**choices)
    elif choices:
        settings = settings.replace(**choices)
    return Explorer(settings, **kwargs)
