"""The backward-pass stepper: an ipywidgets front end for :class:`bpcore.stepper.steps.Walk`.

One call opens it in JupyterLab::

    from bpcore.stepper import stepper
    st = stepper()           # the last line of a cell shows it; stepper(index=7), stepper(hidden="tanh") ...

Back, Next, Replay and New example move through one example's forward pass, cost,
BP1, BP2, BP3, BP4 and update; the picker chooses the neuron j (and the weight's k)
whose equation is written out with the numbers in, beside its finite-difference value.

Keyboard: every control is a button or a text field. Tab reaches them; Enter or Space
presses the focused button, and focus stays on it, so Enter again goes on. (In
JupyterLab's command mode the notebook takes arrow and letter keys for itself, so the
stepper does not rely on them.) The buttons are never disabled, because a disabled
button drops the keyboard focus; at either end a message says where you are instead.

Callbacks may arrive on a kernel subshell thread (ipykernel 7); they are handed to the
event loop of the thread that made the stepper (``call_soon_threadsafe``), so one thread
owns the walk and the figure. An exception in a callback becomes a short message in
the widget; its traceback goes to a log file, never into the notebook.

This module is the only one in :mod:`bpcore.stepper` that imports ipywidgets.
Used in ``notebooks/04_gradients_bp3_bp4.ipynb``.
"""

from __future__ import annotations

import html
import re
import tempfile
import time
from pathlib import Path
from typing import Optional

import ipywidgets as W

from ..explorer.scheduler import Scheduler
from .drawing import NetworkDiagram, step_strip
from .steps import Setup, Walk, number, picture

__all__ = ["Stepper", "stepper", "DEFAULT_LOG", "maths_html", "KEYBOARD_HELP"]

DEFAULT_LOG = Path(tempfile.gettempdir()) / "bpcore-stepper.log"
KEYBOARD_HELP = ("Keyboard: Tab to a button, then Enter or Space presses it; focus stays on it, so Enter "
                 "again takes the next step.")
_FRAME_CACHE = 256


def maths_html(text: str) -> str:
    """Plain-character maths as HTML: 'δ^2_1' → 'δ<sup>2</sup><sub>1</sub>' (text escaped first)."""
    text = html.escape(text, quote=False)
    text = re.sub(r"\^\{([^}]*)\}|\^([0-9T]+)", lambda m: f"<sup>{m.group(1) or m.group(2)}</sup>", text)
    return re.sub(r"_([0-9]+|j\b)", r"<sub>\1</sub>", text)


def _equation_html(v) -> str:
    parts = [f"<div class='bp-stepper-heading' style='font-weight:bold;margin-bottom:4px'>"
             f"{maths_html(v.title)}</div>"]
    for i, line in enumerate(v.lines):
        forms = list(line.forms) + ([] if line.forms[-1] == line.value_text else [None])
        shown = [maths_html(f) if f is not None else
                 f"<span class='{'bp-stepper-value' if i == 0 else 'bp-stepper-number'}'>{line.value_text}</span>"
                 for f in forms]
        if forms[-1] is not None:  # the substituted form is the value itself (BP3)
            shown[-1] = f"<span class='{'bp-stepper-value' if i == 0 else 'bp-stepper-number'}'>{shown[-1]}</span>"
        note = (f" <span style='color:#666;font-style:italic'>({maths_html(line.note)})</span>"
                if line.note else "")
        parts.append(f"<div class='bp-stepper-line' style='margin:2px 0'>{maths_html(line.lhs)} "
                     f"{line.relation} {' = '.join(shown)}{note}</div>")
    return "<div style='font-size:1.05em;line-height:1.55'>" + "".join(parts) + "</div>"


def _check_html(v) -> str:
    if v.numeric is None:
        return f"<div class='bp-stepper-nocheck' style='color:#555'>{html.escape(v.numeric_label)}.</div>"
    ok = v.rel_error <= 1e-6
    verdict = ("agrees ✓" if ok else "differs ✗") + f" (relative error {v.rel_error:.1e})"
    colour = "#009E73" if ok else "#D55E00"
    return (f"<div>finite differences: <span class='bp-stepper-fd'>{number(v.numeric)}</span> "
            f"<span style='color:#555'>({maths_html(v.numeric_label)})</span> · "
            f"<span class='bp-stepper-verdict' style='color:{colour}'>{verdict}</span></div>")


def _example_text(walk: Walk) -> str:
    x, y = walk.bp.x[:, 0], walk.bp.y[:, 0]
    return (f"example {walk.index} of {walk.setup.dataset}: x = ({', '.join(number(v) for v in x)}), "
            f"y = ({', '.join(f'{v:g}' for v in y)})")


def _title_html(walk: Walk) -> str:
    return (f"<b>Backward-pass stepper</b> · {html.escape(walk.setup.describe())} · "
            f"{maths_html(_example_text(walk))}")


def _set_options(toggle, n: int, value) -> None:
    """Offer 1..n on a picker and select ``value``; None disables it (the step picks nothing there)."""
    options = [(str(i), i) for i in range(1, n + 1)]
    if list(toggle.options) != options:
        toggle.options = options
    if value is not None:
        toggle.value = value
    toggle.disabled = value is None



class Stepper:
    """The backward-pass stepper. Create it with :func:`stepper`.

    Parameters
    ----------
    setup : Setup, optional (default ``Setup()``: 2-3-3-2 sigmoid, quadratic cost, moons)
    index : int, optional — the example; None draws one from ``setup.example_seed``
    log_path : where tracebacks of errors in callbacks go (default :data:`DEFAULT_LOG`)

    Attributes: ``walk`` (the :class:`~bpcore.stepper.steps.Walk`), ``buttons`` (back, next, replay,
    new), ``pick_j``, ``pick_k``, ``index``, the shown ``plot``, ``equation``, ``check``,
    ``progress``, ``status`` and ``box``, ``last_error`` (the last exception caught in a callback)
    and ``draw_seconds`` (seconds each refresh took).
    """

    def __init__(self, setup: Optional[Setup] = None, *, index: Optional[int] = None, log_path=None):
        self.walk = Walk(setup, index)
        self.diagram = NetworkDiagram(self.walk.net.sizes)
        # The explorer's scheduler hands callbacks from a kernel subshell thread to the home loop
        # and logs their errors: one implementation of that for both widgets.
        self.scheduler = Scheduler(on_error=self._show_error,
                                   log_path=log_path if log_path is not None else DEFAULT_LOG)
        self.log_path = self.scheduler.log_path
        self.draw_seconds = []
        self._frames = {}
        self._quiet = False
        self._build()
        self.refresh()
        self._say(f"Ready: {KEYBOARD_HELP}")

    # ------------------------------------------------------------------ widgets
    def _build(self):
        self.buttons = {}
        for name, label, icon, tip in (
                ("back", "Back", "step-backward", "One step back (Enter or Space when focused)"),
                ("next", "Next", "step-forward", "The next step (Enter or Space when focused)"),
                ("replay", "Replay", "undo", "Back to the first step of the same example"),
                ("new", "New example", "random", "Another example, drawn from the example seed")):
            button = W.Button(description=label, icon=icon, tooltip=tip, layout=W.Layout(width="auto"))
            button.add_class(f"bp-stepper-{name}")
            button.on_click(self._guard(self._on_button, name))
            self.buttons[name] = button
        n = self.walk.x_all.shape[1]
        self.index = W.BoundedIntText(value=self.walk.index, min=0, max=n - 1, description="example",
                                      layout=W.Layout(width="150px"), style={"description_width": "60px"})
        self.pick_j = W.ToggleButtons(options=[("1", 1)], value=1, description="neuron j",
                                      style={"button_width": "34px", "description_width": "70px"})
        self.pick_k = W.ToggleButtons(options=[("1", 1)], value=1, description="from k",
                                      style={"button_width": "34px", "description_width": "70px"})
        for widget, name in ((self.index, "index"), (self.pick_j, "j"), (self.pick_k, "k")):
            widget.add_class(f"bp-stepper-{name}")
            widget.observe(self._guard(self._on_control, name), names="value")
        self.title, self.progress, self.equation, self.check, self.status = (W.HTML() for _ in range(5))
        self.plot = W.Image(format="png", layout=W.Layout(max_width="100%"))
        for widget, name in ((self.title, "title"), (self.progress, "progress"), (self.equation, "equation"),
                             (self.check, "check"), (self.status, "status"), (self.plot, "plot")):
            widget.add_class(f"bp-stepper-{name}")
        controls = W.HBox(list(self.buttons.values()) + [self.index], layout=W.Layout(align_items="center"))
        self.box = W.VBox([self.title, controls, W.HBox([self.pick_j, self.pick_k]), self.progress,
                           self.equation, self.check, self.plot, self.status])
        self.box.add_class("bp-stepper")

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        w = self.walk
        return (f"Stepper({w.setup.describe()}; example {w.index}: step {w.position + 1}/{len(w.steps)}, "
                f"{w.step.name})")

    # ------------------------------------------------------------------ actions (also from code)
    @property
    def view(self):
        """What the stepper shows now (:class:`~bpcore.stepper.steps.StepView`)."""
        return self.walk.view()

    def next(self):
        if self.walk.next():
            self._say("")
        else:
            self._say("This is the last step. Replay starts again; New example takes another example.")
        self.refresh()

    def back(self):
        if self.walk.back():
            self._say("")
        else:
            self._say("This is the first step: press Next.")
        self.refresh()

    def replay(self):
        self.walk.replay()
        self._say(f"Replaying example {self.walk.index} from the first step.")
        self.refresh()

    def new_example(self, index: Optional[int] = None):
        """Another example (``index``, or the next one drawn from the example seed), from the first step."""
        self.walk.new_example(index)
        self._say(f"New example: {_example_text(self.walk)}.")
        self.refresh()

    def pick(self, j: Optional[int] = None, k: Optional[int] = None):
        """Write the equations for neuron j of the step's layer (and weight w^l_jk)."""
        self.walk.pick(j, k)
        self.refresh()

    def figure(self):
        """A static strip of key steps of the current example (for handouts)."""
        return step_strip(self.walk)

    def refresh(self):
        """Redraw everything for the current step."""
        t0 = time.perf_counter()
        v = self.walk.view()
        frame = self._frame(v.position)
        self._sync_controls(v)
        self.equation.value = _equation_html(v)
        self.check.value = _check_html(v)
        self.progress.value = (f"<b>Step {v.position + 1} of {v.count}</b> · {v.step.phase} · "
                               f"{html.escape(v.step.name)}")
        self.plot.value = frame
        self.draw_seconds.append(time.perf_counter() - t0)
        if self.scheduler.home_loop is not None and not self.walk.at_end:
            # Draw the next step while the learner reads this one, so Next only sends a PNG.
            self.scheduler.home_loop.call_soon(self._guard(self._frame, self.walk.position + 1))

    def _frame(self, position: int) -> bytes:
        """The PNG of the step at ``position`` for the current pick, drawn once and kept."""
        w = self.walk
        v = w.view(position)
        key = (w.index, position, v.j, v.k)
        if key not in self._frames:
            if len(self._frames) >= _FRAME_CACHE:
                self._frames.clear()
            self._frames[key] = self.diagram.render(w.bp, v, picture(w.bp, position))
        return self._frames[key]

    # ------------------------------------------------------------------ plumbing
    def _sync_controls(self, v):
        w = self.walk
        self.title.value = _title_html(w)
        self._quiet = True
        try:
            self.index.value = w.index
            sizes, l = w.net.sizes, v.step.layer
            _set_options(self.pick_j, sizes[l], v.j)
            _set_options(self.pick_k, sizes[l - 1], v.k)
        finally:
            self._quiet = False

    def _say(self, text: str, kind: str = "info"):
        colour = "#D55E00" if kind == "error" else "#555555"
        self.status.value = (f"<div class='bp-stepper-{kind}' style='color:{colour};white-space:normal'>"
                             f"{html.escape(text)}</div>")

    def _guard(self, fn, *args):
        """A callback run on the stepper's home thread; its errors become a message (see Scheduler.guard)."""
        return self.scheduler.guard(fn, *args)

    @property
    def last_error(self):
        """The last exception caught in a callback, or None."""
        return self.scheduler.last_error

    def _show_error(self, exc: Exception):
        self._say(f"Something went wrong: {type(exc).__name__}: {exc}. The stepper keeps its place; details "
                  f"are in the log file {self.log_path.name}.", "error")

    def _on_button(self, name, _button=None):
        {"back": self.back, "next": self.next, "replay": self.replay, "new": self.new_example}[name]()

    def _on_control(self, name, change=None):
        if self._quiet:
            return
        value = change["new"] if change is not None else None
        if name == "index":
            self.new_example(value)
        elif name == "j":
            self.pick(j=value)
        else:
            self.pick(k=value)


def stepper(setup: Optional[Setup] = None, *, index: Optional[int] = None, log_path=None, **fields) -> Stepper:
    """Open the backward-pass stepper: ``st = stepper()`` as the last line of a cell.

    Keyword arguments that are :class:`~bpcore.stepper.steps.Setup` fields choose the
    network and data (``sizes``, ``hidden``, ``cost``, ``eta``, ``dataset``, ``seed``, ...);
    ``index`` picks the example (None: drawn from ``example_seed``, replayable).
    """
    unknown = set(fields) - set(Setup.__dataclass_fields__)
    if unknown:
        raise TypeError(f"stepper() got unknown settings {sorted(unknown)}; expected Setup fields "
                        f"{sorted(Setup.__dataclass_fields__)}, index or log_path")
    base = Setup() if setup is None else setup
    return Stepper(Setup(**{**base.__dict__, **fields}), index=index, log_path=log_path)
