"""What the explorer does, without widgets: the current run, the sweep, and each action.

A :class:`Session` holds the current :class:`~bpcore.explorer.run.Run` and the last
sweep, and turns each action of the explorer (a changed setting or η, Train,
Pause, Step, Reset, New weights, Sweep η, a change from code) into its new state
and the status line to show. Long actions are generators doing one chunk of
epochs per ``next()``, which :class:`~bpcore.explorer.scheduler.Scheduler` runs a
tick at a time: Pause is simply not calling ``next()`` again, and a sweep pauses
between chunks of epochs as training does.

The widget (:mod:`bpcore.explorer.widget`) reads its controls into a
:class:`~bpcore.explorer.settings.Settings`, calls these and draws. Needs numpy only.

Taught in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

import dataclasses
from typing import Iterator

from .numbers import (diagnose, eta_schedule_text, finished_text, loss_text, pause_text, step_text,
                      sweep_progress_text, sweep_summary)
from .run import Run, RunCache, SweepResult, stream, sweep_runs
from .settings import DATASET_NAMES, SEED_MAX, Settings, cost_choices

__all__ = ["Session", "FIELDS", "next_seed"]

#: The Settings fields, by name.
FIELDS = tuple(f.name for f in dataclasses.fields(Settings))


def next_seed(seed: int) -> int:
    """The seed New weights draws from: seed + 1, and 0 after SEED_MAX."""
    return seed + 1 if seed < SEED_MAX else 0


class Session:
    """The explorer's state and what each action does to it.

    Parameters
    ----------
    settings : Settings, the first run's
    tick_seconds : float, the work per ``next()`` of a job

    Attributes
    ----------
    run : Run, the current run
    sweep_result : SweepResult or None (the finished runs of a sweep stopped early)
    sweep_total : int, how many η the last sweep was asked for
    status : (text, kind) the last action left to show; kind is "info", "warning" or "error"
    line : str, the loss line to show (the run's, or the sweep's progress)
    """

    def __init__(self, settings: Settings, tick_seconds: float = 0.05):
        self.tick_seconds = tick_seconds
        self.runs = RunCache()
        self.sweep_result, self.sweep_total = None, 0
        self.status = ("", "info")
        self.run = self.runs.new(settings)
        self.line = loss_text(self.run)

    def restart(self, s: Settings) -> Run:
        """A new run for ``s``, from the same data and initial weights if ``s`` keeps them."""
        self.run = self.runs.new(s)
        self.line = loss_text(self.run)
        return self.run

    def changed(self, s: Settings, name: str, continue_run: bool) -> None:
        """Control ``name`` changed, giving ``s``: continue with the new η, or a new run.

        Only η continues (``continue_run``, once the run has trained and not diverged);
        any other change makes a new run, and a sweep of another network is dropped.
        """
        run = self.run
        if name == "eta" and continue_run and run.epoch > 0 and not run.diverged:
            run.set_eta(s.eta)
            run.target = run.epoch + s.epochs
        else:
            if name != "eta":
                self.sweep_result = None
            self.restart(s)

    def checked(self, current: Settings, changes: dict) -> Settings:
        """``current`` with ``changes`` (Settings fields), validated; what :meth:`Explorer.set` applies.

        A new data set brings its own noise and, unless the current cost fits it, its
        natural cost, as the data set control does. Raises TypeError for a name that
        is not a field, and whatever :class:`Settings` raises for a bad value.
        """
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise TypeError(f"set() takes Settings fields ({', '.join(FIELDS)}); got {', '.join(unknown)}")
        if "dataset" in changes and changes["dataset"] in DATASET_NAMES:
            offered = [cost for _, cost in cost_choices(changes["dataset"])]
            changes = {"noise": None, "cost": current.cost if current.cost in offered else None, **changes}
        return current.replace(**changes)

    def snapshot(self) -> dict:
        """The current run in numbers: epoch, η, last losses and accuracy, regime, η changes, 2/λ_max now."""
        run, h = self.run, self.run.history
        return {"epoch": run.epoch, "eta": run.eta, "loss": h.loss[-1] if h.loss else None,
                "val_loss": h.val_loss[-1] if h.val_loss else None,
                "accuracy": h.accuracy[-1] if h.accuracy else None, "diverged": h.diverged,
                "regime": run.regime, "eta_edge": run.curvature().eta_edge, "eta_changes": list(run.eta_changes)}

    # -------------------------------------------------------------------- jobs (generators)
    def training(self, s: Settings) -> Iterator[Run]:
        """Train up to the target, a chunk per ``next()`` (resume; a finished run starts again from ``s``)."""
        if self.run.done:
            self.restart(s)
        run = self.run
        self.status = (f"Training with {eta_schedule_text(run)} …", "info")
        for _ in stream(run, self.tick_seconds):
            self.line = loss_text(run)
            yield run
        self.status = finished_text(run)

    def sweeping(self, etas) -> Iterator[Run]:
        """Train the current initial network at each η, a chunk of epochs per ``next()``.

        ``etas`` are checked, all of them, when this is called (:func:`~bpcore.explorer.run.sweep_runs`).
        ``sweep_result`` holds the finished runs so far, so a sweep stopped early shows them.
        """
        base = self.run
        runs = sweep_runs(base.settings, etas, base.data, base.net0)
        edge = base.curvature(initial=True).eta_edge
        self.sweep_result, self.sweep_total = None, len(runs)

        def steps():
            self.status = (f"Sweeping η over {len(runs)} values from the same initial weights … "
                           "(Pause stops it)", "info")
            finished = []
            for run in runs:
                for _ in stream(run, self.tick_seconds):
                    yield run  # between chunks of epochs: a Pause acts here
                finished.append(run)
                self.sweep_result = SweepResult.from_runs(finished, edge, complete=len(finished) == len(runs))
                self.line = sweep_progress_text(self.sweep_result, len(runs))
                yield run
            self.status = (sweep_summary(self.sweep_result), "info")
            self.line = loss_text(self.run)

        return steps()

    # -------------------------------------------------------------------- actions done at once
    def paused(self, what: str) -> None:
        """The status after Pause stopped job ``what`` ("train" or "sweep")."""
        if what == "sweep":
            self.status = (sweep_summary(self.sweep_result, self.sweep_total) if self.sweep_result
                           else "Sweep stopped before its first η finished.", "info")
        else:
            self.status = (pause_text(self.run), "info")
        self.line = loss_text(self.run)

    def step(self) -> None:
        """Train exactly one more epoch from the current weights (not after a divergence)."""
        run = self.run
        if run.diverged:
            self.status = (diagnose(run) + " Press Reset or Train to start again.", "warning")
            return
        run.target = max(run.target, run.epoch + 1)
        run.advance(1)
        self.line = loss_text(run)
        self.status = (step_text(run), "warning" if diagnose(run) else "info")

    def reset(self, s: Settings) -> None:
        """Back to epoch 0 with the same initial weights (``s`` has the same seed)."""
        self.restart(s)
        self.status = (f"Reset: back to epoch 0 with the same initial weights (seed {s.seed}). "
                       "Press Train or Step.", "info")

    def new_weights(self, s: Settings, old_seed: int) -> None:
        """New initial weights from ``s.seed`` (the next seed); a sweep of the old ones is dropped."""
        self.sweep_result = None
        self.restart(s)
        self.status = (f"New weights: drawn from seed {s.seed} (was seed {old_seed}), epoch 0. "
                       "Reset comes back to these. Press Train or Step.", "info")
