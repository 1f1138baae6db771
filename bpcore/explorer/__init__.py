"""The training explorer of notebook 07: a live widget, and the engine behind it.

One call opens it in JupyterLab::

    from bpcore.explorer import explorer
    ex = explorer()          # or explorer(dataset="spiral", eta=0.3); the last line of a cell shows it

Modules, one role each:

- ``settings``  :class:`Settings`, every choice a learner makes, validated; the data and the
  initial weights they give (:func:`make_data`, :func:`make_network`)
- ``run``       :class:`Run`, one training run on :func:`bpcore.train.train_epochs`, advanced a
  chunk of epochs at a time (:func:`stream`), labelled converging / oscillating / diverging,
  with the edge of stability 2/λ_max at its weights; the η sweep (:func:`lr_sweep`)
- ``numbers``   the live numbers behind BP1–BP4 and the update rule (:func:`live_numbers`) and
  the texts the explorer shows
- ``session``   the explorer's state and what each action does to it, without widgets
- ``views``     the live matplotlib views, and :func:`explorer_figure` for paper
- ``scheduler`` ticks on the kernel's event loop, cancelling, and callbacks handed to that loop
  (knows nothing about bpcore)
- ``widget``    the ipywidgets front end, :class:`Explorer` and :func:`explorer`

``settings``, ``run``, ``numbers`` and ``session`` need numpy only: importing this package loads neither
matplotlib nor ipywidgets; ``explorer``, ``Explorer`` and ``explorer_figure`` import them when
first used.
"""

from importlib import import_module

from .numbers import LiveNumbers, diagnose, live_maths_html, live_numbers, loss_text, ratio_verdict
from .run import Run, RunCache, SweepResult, iter_lr_sweep, lr_sweep, stream, sweep_runs
from .session import Session
from .settings import Data, Settings, checked_etas, cost_choices, make_data, make_network, output_for_cost

# Names whose modules import matplotlib or ipywidgets, loaded on first use.
_DRAWING = {"explorer": "widget", "Explorer": "widget", "explorer_figure": "views"}

__all__ = ["explorer", "Explorer", "explorer_figure", "Settings", "Data", "make_data", "make_network",
           "output_for_cost", "cost_choices", "checked_etas", "Run", "RunCache", "stream", "SweepResult",
           "sweep_runs", "iter_lr_sweep", "lr_sweep", "Session", "LiveNumbers", "live_numbers", "ratio_verdict",
           "loss_text", "diagnose", "live_maths_html"]


def __getattr__(name):
    if name in _DRAWING:
        return getattr(import_module(f".{_DRAWING[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
