"""The backward-pass stepper of notebook 04: one example, one equation at a time.

One call opens it in JupyterLab::

    from bpcore.stepper import stepper
    st = stepper()            # or stepper(index=7), stepper(sizes=(2, 4, 1), hidden="tanh", cost="cross_entropy")

Modules, one role each:

- ``steps``     the pass as data: :class:`Setup`, :class:`BackwardPass` (every number from
  bpcore's forward, backward, update and finite differences), the :class:`Step` list, the
  :class:`StepView` for a picked neuron or weight, the :class:`Picture` the drawing colours,
  and :class:`Walk` (Back, Next, Replay, New example without widgets)
- ``equations`` the equation text in the series' notation with the numbers substituted
- ``drawing``   the matplotlib network diagram (:class:`NetworkDiagram`) and
  :func:`step_strip`, a static strip of key steps for handouts
- ``widget``    the ipywidgets front end, :class:`Stepper` and :func:`stepper`

``steps`` and ``equations`` need numpy only: importing this package loads neither
matplotlib nor ipywidgets; ``stepper``, ``Stepper``, ``NetworkDiagram`` and ``step_strip``
import them when first used.
"""

from importlib import import_module

from .equations import Line, number
from .steps import BackwardPass, Picture, Setup, Step, StepView, Walk, backward_pass, picture, step_list, view

# Names whose modules import matplotlib or ipywidgets, loaded on first use.
_DRAWING = {"stepper": "widget", "Stepper": "widget", "NetworkDiagram": "drawing", "step_strip": "drawing"}

__all__ = ["stepper", "Stepper", "step_strip", "NetworkDiagram", "Setup", "Walk", "BackwardPass",
           "backward_pass", "Step", "step_list", "StepView", "view", "Picture", "picture", "Line", "number"]


def __getattr__(name):
    if name in _DRAWING:
        return getattr(import_module(f".{_DRAWING[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
