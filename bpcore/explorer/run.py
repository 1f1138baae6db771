"""One training run of the explorer, advanced a few epochs at a time, and the η sweep.

A :class:`Run` trains with :func:`bpcore.train.train_epochs`, continuing from its
current network, epoch count, starting and best loss each time it is advanced, so a
run advanced in chunks (what the widget does, drawing between them) gives
exactly the numbers of one :func:`bpcore.train.train` call with the same seed,
divergence included. :func:`stream` advances a run in chunks sized to take a
given time; :func:`lr_sweep` trains one initial network at several η.

Each run is labelled "converging", "oscillating" or "diverging" by
:func:`bpcore.curvature.run_regime`, and :meth:`Run.curvature` gives the learning
rates 1/λ_max and 2/λ_max (the edge of stability) of the mean training loss at its
current weights (:func:`bpcore.curvature.curvature_marks`).

Taught in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from itertools import islice
from typing import Iterator, Optional

import numpy as np

from ..curvature import CurvatureMarks, curvature_marks, run_regime
from ..network import Network
from ..train import History, end_of_training, mean_cost, train_epochs
from ..validation import real_number, validate_network, whole_number
from .settings import SWEEP_ETAS, Data, Settings, checked_etas, make_data, make_network, make_shuffle

__all__ = ["Run", "RunCache", "stream", "SweepResult", "sweep_runs", "iter_lr_sweep", "lr_sweep"]


class Run:
    """One training run, advanced a chunk of epochs at a time.

    Parameters
    ----------
    settings : Settings
    data : Data, optional (default :func:`~bpcore.explorer.settings.make_data`)
    net0 : Network, optional (default :func:`~bpcore.explorer.settings.make_network`)

    Attributes
    ----------
    net0, net : the initial and the current network (the last finite one if training diverged)
    history : bpcore.train.History of the whole run
    eta : float, the current learning rate
    m : int, the batch size (N for the full batch)
    rng : numpy.random.Generator of the per-epoch shuffles
    start_loss : float, mean training cost of ``net0``
    target : int, the epoch count the current job trains up to
    eta_changes : list of (epoch, eta), where η was changed mid-run (continue mode)
    blown_loss : float or None, the training loss of the epoch in which training diverged
    blown_reason : str, why it diverged (bpcore.train's words), "" before
    best_loss : float, the lowest mean training cost so far (the start included)
    """

    def __init__(self, settings: Settings, data: Optional[Data] = None, net0: Optional[Network] = None):
        if not isinstance(settings, Settings):
            raise TypeError(f"settings must be a bpcore.explorer.Settings; got {type(settings).__name__}")
        if data is not None and not isinstance(data, Data):
            raise TypeError(f"data must be a bpcore.explorer.Data (from make_data) or None; "
                            f"got {type(data).__name__}")
        self.settings = settings
        self.data = make_data(settings) if data is None else data
        self.net0 = make_network(settings) if net0 is None else validate_network(net0, "net0")
        if tuple(self.net0.sizes) != settings.sizes:
            raise ValueError(f"net0 has sizes {self.net0.sizes}; the settings need {settings.sizes}")
        N = self.data.N
        if settings.batch_size is not None and settings.batch_size > N:
            raise ValueError(f"batch_size={settings.batch_size} is larger than the N={N} training points "
                             f"(n={settings.n}, some held out); choose at most {N}, or None for the full batch")
        self.m = N if settings.batch_size is None else settings.batch_size
        self.net = self.net0
        self.eta = settings.eta
        self.start_loss = mean_cost(self.net0, self.data.x, self.data.y, settings.cost)
        self.history = History(eta=self.eta, m=self.m, start_loss=self.start_loss, message="Not trained yet.")
        self.rng = make_shuffle(settings)
        self.target = settings.epochs
        self.eta_changes = []
        self._marks = []  # (network, CurvatureMarks) of net0 and of the last net asked about
        self.blown_loss = None  # the training loss of the epoch that diverged (NaN if it overflowed)
        self.blown_reason = ""  # why it diverged, in bpcore.train's words
        self.blown_at_start = False  # True if that was already so at the initial weights (not η's doing)
        self.best_loss = self.start_loss  # the lowest training loss so far, which train_epochs continues from

    @property
    def epoch(self) -> int:
        """Epochs completed so far."""
        return self.history.epochs

    @property
    def diverged(self) -> bool:
        return self.history.diverged

    @property
    def done(self) -> bool:
        """True when the target is reached or training diverged."""
        return self.history.diverged or self.epoch >= self.target

    @property
    def eta_segments(self) -> list:
        """[(first epoch, last epoch, η), ...]: which η trained which epochs (1-based, inclusive).

        One segment unless η was changed mid-run (continue mode). A segment not
        trained yet has last epoch = first epoch − 1.
        """
        starts = [(0, self.settings.eta)] + list(self.eta_changes)
        ends = [epoch for epoch, _ in starts[1:]] + [self.epoch]
        return [(start + 1, end, eta) for (start, eta), end in zip(starts, ends)]

    @property
    def regime(self) -> Optional[str]:
        """"converging", "oscillating" or "diverging" under the current η, or None before two losses.

        :func:`bpcore.curvature.run_regime` of the losses since η was last set: the
        loss just before that (the starting loss if η never changed) and each
        epoch's after it. A run whose training diverged is "diverging".
        """
        if self.history.diverged:
            return "diverging"
        since = self.eta_changes[-1][0] if self.eta_changes else 0
        loss = self.history.loss
        losses = ([self.start_loss] if since == 0 else loss[since - 1:since]) + loss[since:]
        return run_regime(losses) if len(losses) >= 2 else None

    def curvature(self, initial: bool = False) -> CurvatureMarks:
        """1/λ_max and 2/λ_max of the mean training loss at the current weights ``net`` (or at ``net0``).

        :func:`bpcore.curvature.curvature_marks` on the training data (a few ms);
        computed once per network, so asking again is free.
        """
        net = self.net0 if initial else self.net
        for known, marks in self._marks:
            if known is net:
                return marks
        d = self.data
        with np.errstate(all="ignore"):
            marks = curvature_marks(net, d.x, d.y, self.settings.cost)
        self._marks = [(k, v) for k, v in self._marks if k is self.net0] + [(net, marks)]  # keep net0's
        return marks

    def set_eta(self, eta: float) -> None:
        """Continue from the current weights with a new learning rate.

        Recorded in ``eta_changes``; a diverged run may continue (from the last
        finite weights, which is what ``net`` holds).
        """
        eta = self.settings.replace(eta=eta).eta  # validated like the slider's value
        if eta != self.eta:
            self.eta_changes.append((self.epoch, eta))
        self.eta = self.history.eta = eta
        self.history.failed = False  # judged again when the run ends
        if self.history.diverged:
            self.history.diverged = False
            self.history.message = f"Continuing from epoch {self.epoch} with η={eta:g}."

    def advance(self, epochs: int = 1) -> int:
        """Train up to ``epochs`` more epochs (fewer if training diverges); return how many were done.

        Never raises on divergence: ``history.diverged`` and ``history.message``
        (which names the epoch of the whole run and η, and suggests a smaller
        one) say what happened, and ``net`` keeps the last finite weights.
        """
        epochs = whole_number(epochs, "epochs", minimum=0)
        if self.history.diverged or epochs < 1:
            return 0
        d = self.data
        steps = train_epochs(self.net, d.x, d.y, cost=self.settings.cost, eta=self.eta, m=self.m,
                             rng=self.rng, x_val=d.x_val, y_val=d.y_val, start_epoch=self.epoch,
                             start_loss=self.start_loss, best_loss=self.best_loss)
        done = 0
        for epoch in islice(steps, epochs):
            self.history.add(epoch)
            if epoch.diverged:
                self.blown_loss, self.blown_reason = epoch.loss, epoch.reason
                self.blown_at_start = epoch.stuck_at_start
                return done
            self.net, self.best_loss = epoch.net, epoch.best_loss
            done += 1
        trained = f"Trained {self.epoch} epoch(s)."
        self.history.message = end_of_training(self.history, trained) if self.done else trained
        return done


class RunCache:
    """New runs that reuse the last data and initial weights while the settings they come from stay.

    The data depend on (dataset, noise, n, data_seed) only and the initial weights on
    (sizes, activations, initialiser, seed) only, so a new η or batch size, or a
    Reset, trains the very same initial network (the same object).
    """

    def __init__(self):
        self._made = {}

    def new(self, s: Settings) -> Run:
        data = self._reuse("data", (s.dataset, s.noise, s.n, s.data_seed), make_data, s)
        net0 = self._reuse("net0", (s.sizes, s.activation, s.output, s.init_name, s.seed), make_network, s)
        return Run(s, data, net0)

    def _reuse(self, kind, key, make, s):
        if self._made.get(kind, (None,))[0] != key:
            self._made[kind] = (key, make(s))
        return self._made[kind][1]


def stream(run: Run, tick_seconds: float = 0.05, clock=time.perf_counter) -> Iterator[Run]:
    """Advance ``run`` to ``run.target`` epochs, yielding the run after each chunk.

    Chunks are sized so that each takes about ``tick_seconds`` (measured with
    ``clock()`` as it goes: the last chunk's seconds per epoch), so a consumer can
    draw or handle events between chunks without drawing every epoch. The first
    chunk is one epoch.
    """
    tick_seconds = real_number(tick_seconds, "tick_seconds", above=0)
    per_epoch = None
    while not run.done:
        k = 1 if per_epoch is None else max(1, int(tick_seconds / max(per_epoch, 1e-6)))
        k = min(k, run.target - run.epoch)
        t0 = clock()
        done = run.advance(k)
        if done:
            per_epoch = (clock() - t0) / done
        yield run


def _final(run: Run):
    """(training, held-out) mean cost after the last finite epoch, or of ``net0`` if there was none."""
    h, d = run.history, run.data
    loss = h.loss[-1] if h.loss else run.start_loss
    val = h.val_loss[-1] if h.val_loss else mean_cost(run.net0, d.x_val, d.y_val, run.settings.cost)
    return loss, val


@dataclass
class SweepResult:
    """Final losses of the same initial network trained at several learning rates.

    Attributes
    ----------
    etas : ndarray (k,)
    final_loss, final_val_loss : ndarray (k,)
        Mean cost after the last finite epoch (the starting loss if none).
    diverged : ndarray of bool (k,)
        ``History.diverged``: the loss became NaN/inf or exploded.
    rose : ndarray of bool (k,)
        The run ended with a training loss above the starting loss (it got
        worse without blowing up, e.g. saturated sigmoids).
    start_loss : float
    regimes : tuple of str (k,), :attr:`Run.regime` of each run ("converging",
        "oscillating", "diverging"; None for a run stopped before its first epoch)
    eta_edge : float, 2/λ_max of the mean training loss at the common initial weights
        (:meth:`Run.curvature`; inf if no direction curves up, nan for no runs)
    runs : list of Run (each holds its network and history)
    complete : bool, False if the sweep was stopped before its last η
    """

    etas: np.ndarray
    final_loss: np.ndarray
    final_val_loss: np.ndarray
    diverged: np.ndarray
    rose: np.ndarray
    start_loss: float
    regimes: tuple = ()
    eta_edge: float = float("nan")
    runs: list = field(default_factory=list, repr=False)
    complete: bool = True

    @classmethod
    def from_runs(cls, runs, eta_edge: Optional[float] = None, complete: bool = True) -> "SweepResult":
        """Collect the final numbers of runs (one per η, the same start).

        ``eta_edge`` is 2/λ_max at the initial weights; computed from the first run if not given.
        """
        runs = list(runs)
        finals = np.array([_final(r) for r in runs], dtype=float).reshape(-1, 2)
        if eta_edge is None and runs:
            r = runs[0]
            with np.errstate(all="ignore"):
                eta_edge = curvature_marks(r.net0, r.data.x, r.data.y, r.settings.cost).eta_edge
        eta_edge = float("nan") if eta_edge is None else eta_edge
        return cls(
            etas=np.array([r.eta for r in runs], dtype=float),
            final_loss=finals[:, 0], final_val_loss=finals[:, 1],
            diverged=np.array([r.diverged for r in runs], dtype=bool),
            rose=np.array([not r.diverged and loss > r.start_loss for r, loss in zip(runs, finals[:, 0])],
                          dtype=bool),
            start_loss=runs[0].start_loss if runs else float("nan"),
            regimes=tuple(r.regime for r in runs), eta_edge=float(eta_edge), runs=runs, complete=complete)

    @property
    def best_eta(self) -> float:
        """η with the lowest final held-out loss among runs that neither diverged nor rose.

        Held-out, not training loss: the η to recommend is the one that generalises best.
        """
        ok = ~(self.diverged | self.rose) & np.isfinite(self.final_val_loss)
        if not ok.any():
            return float("nan")
        i = np.flatnonzero(ok)[np.argmin(self.final_val_loss[ok])]
        return float(self.etas[i])


def sweep_runs(settings: Settings, etas=None, data: Optional[Data] = None,
               net0: Optional[Network] = None) -> list:
    """One untrained :class:`Run` per learning rate, all from the same start.

    Every η is checked (:func:`~bpcore.explorer.settings.checked_etas`) before any
    run is made, so a bad value anywhere in the list trains nothing. Every run
    uses the same data, the same initial weights and the same shuffle seed; only
    η differs. Default η: :data:`~bpcore.explorer.settings.SWEEP_ETAS`.
    """
    etas = SWEEP_ETAS if etas is None else checked_etas(etas)
    if not isinstance(settings, Settings):
        raise TypeError(f"settings must be a bpcore.explorer.Settings; got {type(settings).__name__}")
    data = make_data(settings) if data is None else data
    net0 = make_network(settings) if net0 is None else net0
    return [Run(settings.replace(eta=eta), data, net0) for eta in etas]


def iter_lr_sweep(settings: Settings, etas=None, data: Optional[Data] = None,
                  net0: Optional[Network] = None) -> Iterator[Run]:
    """Yield one finished :class:`Run` per learning rate, all from the same start (:func:`sweep_runs`).

    The η are checked when this is called, before the first run trains.
    """
    runs = sweep_runs(settings, etas, data, net0)

    def finished():
        for run in runs:
            run.advance(run.target)
            yield run

    return finished()


def lr_sweep(settings: Settings, etas=None, data: Optional[Data] = None,
             net0: Optional[Network] = None) -> SweepResult:
    """Train the same initial network at each η and collect the final losses.

    Parameters
    ----------
    settings : Settings (its ``eta`` is ignored)
    etas : array_like, optional; default :data:`~bpcore.explorer.settings.SWEEP_ETAS`

    Returns
    -------
    SweepResult
    """
    return SweepResult.from_runs(iter_lr_sweep(settings, etas, data, net0))
