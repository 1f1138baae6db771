"""The training explorer's engine: pure, browser-free functions the widget wraps.

:mod:`bpcore.widgets` draws controls around these; everything it shows is
computed here, so it can be tested (and used from code cells) without a
browser or ipywidgets:

* :class:`Settings` — every choice a learner can make (data set, noise, layers,
  activation, cost, η, batch size, epochs, seed), validated; the output
  activation is paired with the cost automatically (:func:`output_for_cost`).
* :func:`make_data`, :func:`make_network` — data and initial weights from
  explicit seeds. The same settings always give the same numbers.
* :class:`Run` — one training run that can be advanced in chunks of epochs
  (:meth:`Run.advance`, :func:`stream`) with :func:`bpcore.train.train`, so a
  widget can draw between chunks and stop between them. Chunked training gives
  exactly the numbers of one :func:`~bpcore.train.train` call.
* :func:`lr_sweep` — the same initial network trained at a range of η.
* :func:`live_numbers` — the numbers behind the four equations right now:
  |δ^l| per layer (BP1, BP2), |∂C/∂b^l| and |∂C/∂w^l| (BP3, BP4), and the
  update/weight ratio (η/m)·|Σ_x ∂C_x/∂w^l| / |w^l| of the update rule,
  all from :func:`bpcore.backprop.backward`.
* :func:`loss_text`, :func:`diagnose`, :func:`live_maths_html` — the texts the
  widget shows.

Taught in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

import math
import numbers
import re
import time
from dataclasses import dataclass, field, replace
from typing import Iterator, Optional

import numpy as np

from .backprop import backward
from .datasets import load, train_test_split
from .network import Network, forward, init_network
from .train import History, mean_cost, train
from .validation import is_whole_number

__all__ = [
    "DATASET_NAMES",
    "DEFAULT_NOISE",
    "ACTIVATION_NAMES",
    "ETA_MIN",
    "ETA_MAX",
    "Settings",
    "Data",
    "output_for_cost",
    "cost_choices",
    "make_data",
    "make_network",
    "Run",
    "stream",
    "SweepResult",
    "iter_lr_sweep",
    "lr_sweep",
    "LiveNumbers",
    "live_numbers",
    "ratio_verdict",
    "boundary_grid",
    "loss_text",
    "diagnose",
    "live_maths_html",
    "check_sgd_epoch",
    "check_update_ratio",
]

#: Data sets the explorer offers, and their default noise levels.
DATASET_NAMES = ("xor", "circles", "moons", "spiral", "gauss")
DEFAULT_NOISE = {"xor": 0.15, "circles": 0.05, "moons": 0.1, "spiral": 0.2, "gauss": 0.5}
#: Hidden-layer activations offered (softmax is an output activation only).
ACTIVATION_NAMES = ("tanh", "sigmoid", "relu", "leaky_relu")
#: The learning-rate slider's range.
ETA_MIN, ETA_MAX = 1e-4, 10.0
NOISE_MAX = 1.0
MAX_HIDDEN_LAYERS, MAX_WIDTH = 4, 32
MAX_EPOCHS = 2000
N_MIN, N_MAX = 20, 1000

#: Cost → the output activation it is paired with (the only valid pairings).
_OUTPUT_FOR_COST = {"cross_entropy": "sigmoid", "quadratic": "sigmoid",
                    "softmax_cross_entropy": "softmax"}
_COST_LABELS = {
    "cross_entropy": "cross-entropy (sigmoid output)",
    "softmax_cross_entropy": "softmax cross-entropy (softmax output)",
    "quadratic": "quadratic (sigmoid output)",
}
#: Initialiser chosen for each hidden activation (init="auto").
_AUTO_INIT = {"tanh": "xavier", "sigmoid": "xavier", "relu": "he", "leaky_relu": "he"}


def _n_classes(dataset: str) -> int:
    return 3 if dataset == "spiral" else 2


def output_for_cost(cost: str) -> str:
    """The output activation paired with ``cost``: sigmoid, or softmax for softmax cross-entropy."""
    try:
        return _OUTPUT_FOR_COST[cost]
    except KeyError:
        raise ValueError(
            f"unknown cost {cost!r}; expected one of: {', '.join(_OUTPUT_FOR_COST)}") from None


def cost_choices(dataset: str) -> list:
    """Valid (label, cost) pairs for a data set, its natural cost first.

    Two classes (one output neuron, targets 0/1): cross-entropy or quadratic,
    both with a sigmoid output. Three classes (spiral; one-hot targets):
    softmax cross-entropy with a softmax output, or quadratic with sigmoids.
    """
    first = "cross_entropy" if _n_classes(dataset) == 2 else "softmax_cross_entropy"
    return [(_COST_LABELS[c], c) for c in (first, "quadratic")]


def _fits(cost: str, dataset: str) -> str:
    """Map a cost onto the data set's kind (cross-entropy ↔ softmax cross-entropy)."""
    if _n_classes(dataset) == 2 and cost == "softmax_cross_entropy":
        return "cross_entropy"
    if _n_classes(dataset) > 2 and cost == "cross_entropy":
        return "softmax_cross_entropy"
    return cost


def _is_int(v) -> bool:
    return is_whole_number(v)


@dataclass(frozen=True)
class Settings:
    """Everything a learner can choose in the explorer, validated on creation.

    Attributes
    ----------
    dataset : one of :data:`DATASET_NAMES`
    noise : float in [0, 1], or None for the data set's default (:data:`DEFAULT_NOISE`)
    n : int, number of points (a quarter of them held out)
    hidden_layers : int, 0..4 (0 is logistic regression: a straight boundary)
    width : int, 1..32 neurons per hidden layer
    activation : hidden activation, one of :data:`ACTIVATION_NAMES`
    cost : "cross_entropy", "quadratic" or "softmax_cross_entropy"; mapped onto
        the data set's kind (cross-entropy on the three-class spiral means
        softmax cross-entropy). The output activation follows the cost.
    eta : float, learning rate η in [1e-4, 10]
    batch_size : int ≥ 1 or None (None = full batch, m = N)
    epochs : int, 1..2000
    seed : int ≥ 0, seeds the initial weights and the per-epoch shuffles
    data_seed : int ≥ 0, seeds the data and the train/held-out split
    init : "auto" (Xavier for tanh/sigmoid, He for ReLU) or an initialiser name
    """

    dataset: str = "moons"
    noise: Optional[float] = None
    n: int = 200
    hidden_layers: int = 2
    width: int = 16
    activation: str = "tanh"
    cost: str = "cross_entropy"
    eta: float = 0.1
    batch_size: Optional[int] = 10
    epochs: int = 100
    seed: int = 0
    data_seed: int = 0
    init: str = "auto"

    def __post_init__(self):
        if self.dataset not in DATASET_NAMES:
            raise ValueError(f"dataset must be one of {', '.join(DATASET_NAMES)}; got {self.dataset!r}")
        if self.noise is None:
            object.__setattr__(self, "noise", DEFAULT_NOISE[self.dataset])
        if isinstance(self.noise, bool) or not isinstance(self.noise, numbers.Real) \
                or not 0 <= self.noise <= NOISE_MAX:
            raise ValueError(f"noise must be a number from 0 to {NOISE_MAX:g}; got {self.noise!r}")
        if not _is_int(self.n) or not N_MIN <= self.n <= N_MAX:
            raise ValueError(f"n (number of points) must be an integer from {N_MIN} to {N_MAX}; got {self.n!r}")
        if not _is_int(self.hidden_layers) or not 0 <= self.hidden_layers <= MAX_HIDDEN_LAYERS:
            raise ValueError(f"hidden_layers must be an integer from 0 to {MAX_HIDDEN_LAYERS}; "
                             f"got {self.hidden_layers!r}")
        if not _is_int(self.width) or not 1 <= self.width <= MAX_WIDTH:
            raise ValueError(f"width must be an integer from 1 to {MAX_WIDTH}; got {self.width!r}")
        if self.activation not in ACTIVATION_NAMES:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATION_NAMES)}; "
                             f"got {self.activation!r}")
        output_for_cost(self.cost)
        object.__setattr__(self, "cost", _fits(self.cost, self.dataset))
        if isinstance(self.eta, bool) or not isinstance(self.eta, numbers.Real) \
                or not ETA_MIN * (1 - 1e-9) <= self.eta <= ETA_MAX * (1 + 1e-9):
            raise ValueError(f"eta (the learning rate η) must be a number from {ETA_MIN:g} to "
                             f"{ETA_MAX:g}; got {self.eta!r}")
        object.__setattr__(self, "eta", float(self.eta))
        if self.batch_size is not None and (not _is_int(self.batch_size) or self.batch_size < 1):
            raise ValueError(f"batch_size must be a positive integer, or None for the full batch; "
                             f"got {self.batch_size!r}")
        if not _is_int(self.epochs) or not 1 <= self.epochs <= MAX_EPOCHS:
            raise ValueError(f"epochs must be an integer from 1 to {MAX_EPOCHS}; got {self.epochs!r}")
        for name in ("seed", "data_seed"):
            if not _is_int(getattr(self, name)) or getattr(self, name) < 0:
                raise ValueError(f"{name} must be an integer ≥ 0; got {getattr(self, name)!r}")
        if self.init != "auto" and self.init not in ("normal", "lecun", "xavier", "he"):
            raise ValueError(f"init must be 'auto', 'normal', 'lecun', 'xavier' or 'he'; got {self.init!r}")

    @property
    def output(self) -> str:
        """The output activation, paired with the cost."""
        return output_for_cost(self.cost)

    @property
    def n_classes(self) -> int:
        return _n_classes(self.dataset)

    @property
    def sizes(self) -> tuple:
        """(n_0, n_1, ..., n_L): 2 inputs, the hidden layers, 1 output (or 3 for spiral)."""
        n_out = 1 if self.n_classes == 2 else self.n_classes
        return (2,) + (self.width,) * self.hidden_layers + (n_out,)

    @property
    def init_name(self) -> str:
        return _AUTO_INIT[self.activation] if self.init == "auto" else self.init

    def replace(self, **changes) -> "Settings":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def describe(self) -> str:
        """One line, e.g. 'moons, 2-16-16-1 tanh, cross_entropy, η=0.1, m=10, 100 epochs'."""
        m = "all" if self.batch_size is None else self.batch_size
        return (f"{self.dataset}, {'-'.join(map(str, self.sizes))} {self.activation}, "
                f"{self.cost}, η={self.eta:.3g}, m={m}, {self.epochs} epochs")


@dataclass(frozen=True)
class Data:
    """Training and held-out data, examples as columns: x (2, N), y (n_L, N)."""

    x: np.ndarray
    y: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray

    @property
    def N(self) -> int:
        return self.x.shape[1]


def make_data(settings: Settings, test_fraction: float = 0.25) -> Data:
    """The data set of ``settings``, split into training and held-out parts.

    Seeded by ``settings.data_seed`` only, so changing the weight seed, η or
    the network keeps the same points.
    """
    data_rng, split_rng = np.random.SeedSequence(settings.data_seed).spawn(2)
    x, y = load(settings.dataset, np.random.default_rng(data_rng), n=settings.n, noise=settings.noise)
    return Data(*train_test_split(x, y, np.random.default_rng(split_rng), test_fraction))


def _seeds(settings: Settings):
    init_ss, shuffle_ss = np.random.SeedSequence(settings.seed).spawn(2)
    return np.random.default_rng(init_ss), np.random.default_rng(shuffle_ss)


def make_network(settings: Settings) -> Network:
    """Initial weights for ``settings.sizes``, drawn from ``settings.seed``."""
    return init_network(settings.sizes, _seeds(settings)[0], init=settings.init_name,
                        hidden=settings.activation, output=settings.output)


def _batch(settings: Settings, N: int) -> int:
    return N if settings.batch_size is None else min(settings.batch_size, N)


class Run:
    """One training run, advanced a chunk of epochs at a time.

    Holds the data, the initial network ``net0``, the current network ``net``,
    the cumulative :class:`~bpcore.train.History` and the shuffle generator.
    Each :meth:`advance` calls :func:`bpcore.train.train` for a few epochs with
    the same generator, so a run advanced in chunks gives exactly the numbers
    of one ``train`` call with the same seed (a test checks this), divergence
    included.

    Parameters
    ----------
    settings : Settings
    data : Data, optional (default :func:`make_data`)
    net0 : Network, optional (default :func:`make_network`)

    Attributes
    ----------
    eta : float, the current learning rate
    m : int, the batch size actually used (≤ N)
    target : int, the epoch count the current job trains up to
    eta_changes : list of (epoch, eta)
        Where the learning rate was changed mid-run (continue mode).
    start_loss : float, mean training cost of ``net0``
    """

    def __init__(self, settings: Settings, data: Optional[Data] = None, net0: Optional[Network] = None):
        self.settings = settings
        self.data = make_data(settings) if data is None else data
        self.net0 = make_network(settings) if net0 is None else net0
        if tuple(self.net0.sizes) != settings.sizes:
            raise ValueError(f"net0 has sizes {self.net0.sizes}; the settings need {settings.sizes}")
        self.net = self.net0
        self.eta = settings.eta
        self.m = _batch(settings, self.data.N)
        self.history = History(eta=self.eta, m=self.m, message="Not trained yet.")
        self.rng = _seeds(settings)[1]
        self.start_loss = mean_cost(self.net0, self.data.x, self.data.y, settings.cost)
        self.target = settings.epochs
        self.eta_changes = []

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

    def set_eta(self, eta: float) -> None:
        """Continue from the current weights with a new learning rate.

        Recorded in ``eta_changes``; a diverged run may continue (from the last
        finite weights, which is what ``net`` holds).
        """
        eta = self.settings.replace(eta=eta).eta
        if eta != self.eta:
            self.eta_changes.append((self.epoch, eta))
        self.eta = self.history.eta = eta
        if self.history.diverged:
            self.history.diverged = False
            self.history.message = f"Continuing from epoch {self.epoch} with η={eta:g}."

    def advance(self, epochs: int = 1) -> int:
        """Train up to ``epochs`` more epochs (fewer if training diverges).

        Returns the number of epochs completed. Never raises on divergence:
        ``history.diverged`` and ``history.message`` (which names η and
        suggests a smaller one) say what happened, and ``net`` keeps the last
        finite weights.
        """
        if self.history.diverged or epochs < 1:
            return 0
        x, y, cost = self.data.x, self.data.y, self.settings.cost
        chunk_start = mean_cost(self.net, x, y, cost) if self.epoch else self.start_loss
        # train() flags an explosion relative to the loss it started from; scale its
        # factor so the threshold stays 1e6 × the loss at epoch 0 of the whole run.
        explode = 1e6 * max(self.start_loss, 1e-12) / max(chunk_start, 1e-12) \
            if np.isfinite(chunk_start) else 1e6
        net, h = train(self.net, x, y, cost, self.eta, self.m, epochs, self.rng,
                       self.data.x_val, self.data.y_val, explode_factor=explode)
        done_before = self.epoch
        self.net = net
        H = self.history
        H.loss += h.loss
        H.accuracy += h.accuracy
        H.val_loss += h.val_loss
        H.val_accuracy += h.val_accuracy
        H.eta = self.eta
        if h.diverged:
            H.diverged = True
            # train() counts epochs from 1 in each call; name the epoch of the whole run.
            H.message = re.sub(r"\bin epoch \d+", f"in epoch {done_before + h.epochs + 1}", h.message,
                               count=1)
        else:
            H.message = f"Trained {self.epoch} epoch(s)."
        return h.epochs


def stream(run: Run, tick_seconds: float = 0.05) -> Iterator[Run]:
    """Advance ``run`` to ``run.target`` epochs, yielding after each chunk.

    Chunks are sized so that each takes about ``tick_seconds`` (measured as
    it goes), so a consumer can draw or handle events between chunks without
    drawing every epoch. The first chunk is one epoch. Yields the run itself.
    """
    per_epoch = None
    while not run.done:
        k = 1 if per_epoch is None else max(1, int(tick_seconds / max(per_epoch, 1e-6)))
        k = min(k, run.target - run.epoch)
        t0 = time.perf_counter()
        done = run.advance(k)
        if done:
            per_epoch = (time.perf_counter() - t0) / done
        yield run


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
    runs : list of Run (each holds its network and history)
    """

    etas: np.ndarray
    final_loss: np.ndarray
    final_val_loss: np.ndarray
    diverged: np.ndarray
    rose: np.ndarray
    start_loss: float
    runs: list = field(default_factory=list, repr=False)

    @property
    def best_eta(self) -> float:
        """η with the lowest final training loss among runs that neither diverged nor rose."""
        ok = ~(self.diverged | self.rose)
        if not ok.any():
            return float("nan")
        i = np.flatnonzero(ok)[np.argmin(self.final_loss[ok])]
        return float(self.etas[i])


def _final(run: Run):
    h = run.history
    loss = h.loss[-1] if h.loss else run.start_loss
    val = h.val_loss[-1] if h.val_loss else mean_cost(run.net0, run.data.x_val, run.data.y_val,
                                                       run.settings.cost)
    return loss, val


def iter_lr_sweep(settings: Settings, etas=None, data: Optional[Data] = None,
                  net0: Optional[Network] = None) -> Iterator[Run]:
    """Yield one finished :class:`Run` per learning rate, all from the same start.

    Every run uses the same data, the same initial weights and the same
    shuffle seed; only η differs. Default η: 1e-3 … 10 in half decades.
    """
    etas = np.logspace(-3, 1, 9) if etas is None else np.asarray(etas, dtype=float)
    data = make_data(settings) if data is None else data
    net0 = make_network(settings) if net0 is None else net0
    for eta in etas:
        run = Run(settings.replace(eta=float(eta)), data, net0)
        for _ in stream(run, tick_seconds=10.0):
            pass
        yield run


def _sweep_result(runs) -> SweepResult:
    finals = np.array([_final(r) for r in runs], dtype=float).reshape(-1, 2)
    start = runs[0].start_loss if runs else float("nan")
    return SweepResult(
        etas=np.array([r.settings.eta for r in runs]),
        final_loss=finals[:, 0], final_val_loss=finals[:, 1],
        diverged=np.array([r.diverged for r in runs], dtype=bool),
        rose=np.array([(not r.diverged) and _final(r)[0] > r.start_loss for r in runs], dtype=bool),
        start_loss=start, runs=list(runs),
    )


def lr_sweep(settings: Settings, etas=None, data: Optional[Data] = None,
             net0: Optional[Network] = None) -> SweepResult:
    """Train the same initial network at each η and collect the final losses.

    Parameters
    ----------
    settings : Settings (its ``eta`` is ignored)
    etas : array_like, optional; default ``np.logspace(-3, 1, 9)``

    Returns
    -------
    SweepResult
    """
    return _sweep_result(list(iter_lr_sweep(settings, etas, data, net0)))


@dataclass(frozen=True)
class LiveNumbers:
    """The numbers in the four equations and the update rule, for one minibatch.

    All lists are indexed l = 0..L like the network (slot 0 is None).

    Attributes
    ----------
    delta : |δ^l|, the mean over the m examples of the column norm ‖δ^l_x‖ (BP1 for l = L, BP2 below)
    grad_b : ‖Σ_x ∂C_x/∂b^l‖ (BP3)
    grad_w : ‖Σ_x ∂C_x/∂w^l‖, Frobenius norm (BP4)
    weight : ‖w^l‖, Frobenius norm
    ratio : (η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖ — the size of one update step relative to the weights
    eta, m : the learning rate and the batch size
    """

    delta: list
    grad_b: list
    grad_w: list
    weight: list
    ratio: list
    eta: float
    m: int

    @property
    def L(self) -> int:
        return len(self.delta) - 1


def live_numbers(net: Network, x, y, cost, eta: float, m: int) -> LiveNumbers:
    """|δ^l|, |∂C/∂b^l|, |∂C/∂w^l| and the update/weight ratio, per layer.

    Computed by :func:`bpcore.backprop.backward` on the first m columns of
    ``x`` (a fixed probe minibatch of the size training uses), at the current
    weights. ``ratio[l] = (η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖`` is the relative size
    of the next update of w^l (see :func:`ratio_verdict` for what is healthy).

    Parameters
    ----------
    net : Network
    x : ndarray (n_0, N); y : ndarray (n_L, N)
    cost : str
    eta : float; m : int (≤ N)

    Returns
    -------
    LiveNumbers
    """
    m = int(min(m, x.shape[1]))
    with np.errstate(all="ignore"):
        g = backward(net, x[:, :m], y[:, :m], cost)
        delta, gb, gw, wn, ratio = [None], [None], [None], [None], [None]
        for l in range(1, net.L + 1):
            delta.append(float(np.mean(np.linalg.norm(g.delta[l], axis=0))))
            gb.append(float(np.linalg.norm(g.grad_b[l])))
            gw.append(float(np.linalg.norm(g.grad_w[l])))
            wn.append(float(np.linalg.norm(net.w[l])))
            ratio.append(float((eta / m) * gw[-1] / wn[-1]) if wn[-1] > 0 else float("inf"))
    return LiveNumbers(delta, gb, gw, wn, ratio, float(eta), m)


def ratio_verdict(ratio: float) -> str:
    """Plain words for an update/weight ratio.

    'zero' (no gradient reaches the layer: dead ReLUs or saturated units),
    'tiny' (< 1e-6), 'small' (< 1e-4), 'healthy' (up to 3e-2), 'large' (up to
    0.3) or 'huge'. CS231n's rule of thumb for large networks is ≈ 1e-3; the
    small networks here train well from about 1e-4 to a few 1e-2 and start
    to overshoot when one step moves the weights by a third of their size
    (calibrated on moons, circles, spiral and gauss with tanh and ReLU).
    """
    if not np.isfinite(ratio) or ratio > 0.3:
        return "huge"
    if ratio == 0:
        return "zero"
    if ratio > 3e-2:
        return "large"
    if ratio >= 1e-4:
        return "healthy"
    if ratio >= 1e-6:
        return "small"
    return "tiny"


def boundary_grid(net: Network, x, resolution: int = 80, pad: float = 0.3):
    """The network's class probabilities on a square grid around the data.

    Parameters
    ----------
    net : Network with 2 inputs
    x : ndarray (2, N), the points the grid must cover
    resolution : int, grid points per side

    Returns
    -------
    extent : tuple (x0_min, x0_max, x1_min, x1_max)
    probs : ndarray (k, resolution, resolution), k ≥ 2, summing to 1 over k;
        row i is x1 = the i-th grid value from the bottom. For one output
        neuron k = 2 with probs [1 − a^L, a^L].
    """
    lo, hi = x.min(axis=1) - pad, x.max(axis=1) + pad
    g0, g1 = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    xx, yy = np.meshgrid(g0, g1)
    with np.errstate(all="ignore"):
        a_L = forward(net, np.vstack([xx.ravel(), yy.ravel()]), validate=False)[1][-1]
    a_L = np.nan_to_num(np.clip(a_L, 0.0, 1.0), nan=0.5)
    if a_L.shape[0] == 1:
        probs = np.vstack([1.0 - a_L, a_L])
    else:
        probs = a_L / np.maximum(a_L.sum(axis=0, keepdims=True), 1e-12)
    return (lo[0], hi[0], lo[1], hi[1]), probs.reshape(-1, resolution, resolution)


def _pct(v) -> str:
    return "–" if v is None else f"{100 * v:.0f} %"


def loss_text(run: Run) -> str:
    """One line with the epoch, η, the training and held-out loss and accuracy.

    E.g. ``epoch 100/100 · η = 0.1 · training loss 0.0280 · held-out loss 0.0811 ·
    accuracy 100 % / 96 %``. Losses use 3 significant digits.
    """
    h = run.history
    head = f"epoch {run.epoch}/{max(run.target, run.epoch)} · η = {run.eta:.3g}"
    if not h.loss:
        return f"{head} · training loss {run.start_loss:.3g} (untrained)"
    text = f"{head} · training loss {h.loss[-1]:.3g}"
    if h.val_loss:
        text += f" · held-out loss {h.val_loss[-1]:.3g}"
    if h.accuracy and h.accuracy[-1] is not None:
        text += f" · accuracy {_pct(h.accuracy[-1])}"
        if h.val_accuracy:
            text += f" / {_pct(h.val_accuracy[-1])}"
    return text


def diagnose(run: Run) -> Optional[str]:
    """A plain message when training went wrong, else None.

    Divergence (NaN, inf, explosion): ``history.message``, which names η and
    suggests a smaller one. A loss that ended above where it started without
    diverging (e.g. sigmoids saturated by huge steps): a message saying so,
    also naming η and a smaller one.
    """
    h = run.history
    if h.diverged:
        return h.message
    if h.loss and run.done and h.loss[-1] > run.start_loss:
        return (f"The training loss rose from {run.start_loss:.3g} to {h.loss[-1]:.3g} with learning "
                f"rate eta={run.eta:g}: the steps overshoot the valley and push the neurons into "
                f"saturation. Try a smaller eta, e.g. eta={run.eta / 10:g}.")
    return None


_EQUATIONS = [
    ("BP1", r"\delta^L = \nabla_a C \odot \sigma'(z^L)"),
    ("BP2", r"\delta^l = \big((w^{l+1})^T \delta^{l+1}\big) \odot \sigma'(z^l)"),
    ("BP3", r"\partial C / \partial b^l_j = \delta^l_j"),
    ("BP4", r"\partial C / \partial w^l_{jk} = a^{l-1}_k \delta^l_j"),
    ("update", r"w^l \to w^l - \tfrac{\eta}{m} \sum_x \partial C_x / \partial w^l"),
]
_VERDICT_COLOUR = {"tiny": "#0072B2", "small": "#0072B2", "healthy": "#009E73",
                   "large": "#E69F00", "huge": "#D55E00", "zero": "#D55E00"}


def _layers(values, fmt="{:.2g}", sym="") -> str:
    return ", ".join(f"{sym}{l}: " + fmt.format(v) for l, v in enumerate(values) if l >= 1)


def live_maths_html(numbers: LiveNumbers) -> str:
    """HTML (with $…$ maths) showing the four equations with the current numbers.

    One row per equation; the update row shows each layer's update/weight
    ratio with a verdict and a sentence saying what it means for η.
    """
    L = numbers.L
    rows = [
        (_EQUATIONS[0], f"|δ<sup>{L}</sup>| = {numbers.delta[L]:.2g}"),
        (_EQUATIONS[1], "|δ<sup>l</sup>| for l = " + (
            _layers(numbers.delta[:L]) if L > 1 else "(no hidden layer)")),
        (_EQUATIONS[2], "|∂C/∂b<sup>l</sup>| for l = " + _layers(numbers.grad_b)),
        (_EQUATIONS[3], "|∂C/∂w<sup>l</sup>| for l = " + _layers(numbers.grad_w)),
    ]
    cells = []
    for l in range(1, L + 1):
        r = numbers.ratio[l]
        v = ratio_verdict(r)
        cells.append(f"{l}: <span style='color:{_VERDICT_COLOUR[v]}'>{r:.1e} ({v})</span>")
    rows.append((_EQUATIONS[4], f"(η/m)·|∇w<sup>l</sup>|/|w<sup>l</sup>| for l = " + ", ".join(cells)))
    ratios = numbers.ratio[1:]
    worst = max(ratios, key=lambda r: r if np.isfinite(r) else math.inf)
    verdict = "zero" if any(r == 0 for r in ratios) else ratio_verdict(worst)
    advice = {
        "huge": "one step moves the weights by a third of their size or more: expect jumps, "
                "oscillation or divergence. A smaller η would be steadier.",
        "large": "big steps: fast progress, but the loss may bounce. If it does, try a smaller η.",
        "healthy": "steps small against the weights but not negligible: these networks train well "
                   "here (CS231n's rule of thumb for big networks is ≈ 1e-3).",
        "small": "small steps: training is slow. A larger η would get there sooner.",
        "tiny": "tiny steps: the weights hardly move. Increase η.",
        "zero": "no gradient reaches at least one layer (every ReLU is off, or the units are "
                "saturated): the network has stopped learning. Press Reset and use a smaller η.",
    }[verdict]
    body = "".join(
        f"<tr><td><b>{name}</b></td><td>${tex}$</td><td>{now}</td></tr>" for (name, tex), now in rows)
    return (
        "<div class='bp-maths-body'>"
        f"<table><tr><th></th><th>equation</th><th>now (η = {numbers.eta:.3g}, m = {numbers.m}, "
        f"one minibatch)</th></tr>{body}</table>"
        f"<p><b>{verdict}</b> (largest update/weight ratio {worst:.1e}): {advice}</p></div>"
    )


def _reference_epoch(net, x, y, cost, scale, perm, m):
    """One epoch with step w → w − scale·Σ∂C/∂w over the columns in ``perm`` order."""
    for k in range(0, x.shape[1], m):
        cols = perm[k:k + m]
        g = backward(net, x[:, cols], y[:, cols], cost)
        net = net.with_params(
            [None] + [net.w[l] - scale * g.grad_w[l] for l in range(1, net.L + 1)],
            [None] + [net.b[l] - scale * g.grad_b[l] for l in range(1, net.L + 1)])
    return net


def _feedback(passed, equation, formula, lines, slip=None):
    from .feedback import Feedback

    head = f"✓ {equation} correct: {formula}" if passed else f"✗ {equation}: {formula} — not right yet."
    foot = [] if passed else ["(Taught in 07_training_on_toy_data.ipynb.)"]
    return Feedback(passed, equation, "\n".join([head, *lines, *foot]), slip)


def _call(fn, equation, formula, *args):
    """(result, None) or (None, Feedback) when the learner's function raised."""
    from .feedback import Feedback

    if not callable(fn):
        return None, Feedback(False, equation, f"✗ {equation}: pass your function itself, e.g. "
                              f"check(my_function), not its result; got a {type(fn).__name__}.",
                              "not_callable")
    try:
        with np.errstate(all="ignore"):
            return fn(*args), None
    except NotImplementedError as exc:
        detail = f" ({exc})" if str(exc) else ""
        return None, Feedback(False, equation, f"✗ {equation}: not implemented yet{detail}. Replace the "
                              "`raise NotImplementedError` line with your code, run the cell, then "
                              "run the check again.", "not_implemented")
    except Exception as exc:  # noqa: BLE001 - reported to the learner, no traceback
        return None, _feedback(False, equation, formula,
                               [f"Your function raised {type(exc).__name__}: {exc}"], "exception")


_EPOCH = "one epoch of minibatch SGD"
_EPOCH_FORMULA = "shuffle, then w → w − (η/m) Σ_x ∂C_x/∂w for each block of m columns"


def check_sgd_epoch(fn, seed: int = 0):
    """Check a learner's epoch of minibatch SGD, ``fn(net, x, y, cost, eta, m, rng) -> Network``.

    Runs it and :func:`bpcore.train.sgd_epoch` on a small moons problem
    (N = 45, m = 5, η = 0.5) with generators from the same seed. Recognises
    steps m times too large or too small, the wrong sign, a missing shuffle
    and an unchanged network.

    Returns
    -------
    bpcore.feedback.Feedback

    Taught in ``notebooks/07_training_on_toy_data.ipynb`` (Exercise 7.1).
    """
    from .train import sgd_epoch

    s = Settings(dataset="moons", n=60, hidden_layers=1, width=5, batch_size=5, seed=seed)
    data, net, eta, m = make_data(s), make_network(s), 0.5, 5
    x, y, N = data.x, data.y, data.x.shape[1]
    want = sgd_epoch(net, x, y, s.cost, eta, m, np.random.default_rng(seed))
    got, problem = _call(fn, _EPOCH, _EPOCH_FORMULA, net, x.copy(), y.copy(), s.cost, eta, m,
                         np.random.default_rng(seed))
    if problem is not None:
        return problem
    if not isinstance(got, Network):
        return _feedback(False, _EPOCH, _EPOCH_FORMULA, [
            f"Your function returned {type(got).__name__}; return the Network that update() "
            "gives back after the last minibatch."], "returned_none" if got is None else "wrong_type")

    def same(a):
        return all(a.w[l].shape == got.w[l].shape and np.allclose(a.w[l], got.w[l])
                   and np.allclose(a.b[l], got.b[l]) for l in range(1, net.L + 1))

    if same(want):
        return _feedback(True, _EPOCH, _EPOCH_FORMULA, [
            f"Your epoch gives the same weights and biases as bpcore.train.sgd_epoch "
            f"(N = {N}, m = {m}, η = {eta:g}, {N // m} steps)."])
    if same(net):
        return _feedback(False, _EPOCH, _EPOCH_FORMULA, [
            "The weights did not change: keep the network that update() returns "
            "(net = update(net, grads, eta)) and return it at the end."], "wrong_values")
    perm = np.random.default_rng(seed).permutation(N)
    slips = [
        ((eta, perm), "missing_1_over_m",
         "Your steps are m times too large: backward() returns the SUM over the minibatch, so the "
         "update divides it by m: w → w − (η/m) Σ_x ∂C_x/∂w."),
        ((eta / m ** 2, perm), "wrong_scale",
         "Your steps are m times too small: divide the summed gradient by m once (update() already "
         "does it; do not average the gradients first)."),
        ((-eta / m, perm), "wrong_sign",
         "Your steps go uphill: the update SUBTRACTS (η/m) Σ_x ∂C_x/∂w."),
        ((eta / m, np.arange(N)), None,
         "You did not shuffle: take perm = rng.permutation(N) once per epoch and walk through the "
         "columns x[:, perm] in blocks of m."),
    ]
    for (scale, order), slip, message in slips:
        if same(_reference_epoch(net, x, y, s.cost, scale, order, m)):
            return _feedback(False, _EPOCH, _EPOCH_FORMULA, [message], slip)
    return _feedback(False, _EPOCH, _EPOCH_FORMULA, [
        "Your weights differ from bpcore.train.sgd_epoch. Shuffle once with perm = "
        "rng.permutation(N); then for each block of m columns of x[:, perm] and y[:, perm] run "
        "grads = backward(net, xb, yb, cost) and net = update(net, grads, eta)."], "wrong_values")


_RATIO = "update/weight ratio"
_RATIO_FORMULA = "(η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖ for l = 1..L"


def check_update_ratio(fn, seed: int = 0):
    """Check a learner's update/weight ratios, ``fn(net, grads, eta, m) -> list``.

    The list is indexed like the network: ``ratio[l]`` for l = 1..L (slot 0
    ignored). Compared with :func:`live_numbers` on a 2-6-6-1 network
    (η = 0.3, m = 10). Recognises a missing η/m, a missing 1/m, and the ratio
    turned upside down.

    Returns
    -------
    bpcore.feedback.Feedback

    Taught in ``notebooks/07_training_on_toy_data.ipynb`` (Exercise 7.2).
    """
    s = Settings(dataset="moons", n=60, hidden_layers=2, width=6, seed=seed)
    data, net, eta, m = make_data(s), make_network(s), 0.3, 10
    grads = backward(net, data.x[:, :m], data.y[:, :m], s.cost)
    want = live_numbers(net, data.x, data.y, s.cost, eta, m).ratio
    got, problem = _call(fn, _RATIO, _RATIO_FORMULA, net, grads, eta, m)
    if problem is not None:
        return problem
    try:
        extra = len(got) != net.L + 1
        got = [float(got[l]) for l in range(1, net.L + 1)]
    except (TypeError, IndexError, ValueError):
        return _feedback(False, _RATIO, _RATIO_FORMULA, [
            f"Return a list indexed like the network: [None, ratio_1, …, ratio_{net.L}] "
            f"(length L + 1 = {net.L + 1})."], "wrong_type")
    if extra:
        return _feedback(False, _RATIO, _RATIO_FORMULA, [
            f"Return a list of length L + 1 = {net.L + 1}: slot 0 None, then one ratio per layer."],
            "wrong_shape")
    want = np.array(want[1:])
    got = np.array(got)
    if np.allclose(got, want, rtol=1e-6):
        return _feedback(True, _RATIO, _RATIO_FORMULA, [
            "Your ratios match bpcore.explore.live_numbers for a 2-6-6-1 network (η = 0.3, m = 10): "
            + ", ".join(f"layer {l}: {r:.1e}" for l, r in enumerate(want, start=1)) + "."])
    for factor, slip, message in [
        (m / eta, "missing_eta", "Your ratios lack the factor η/m: the step is (η/m) Σ_x ∂C_x/∂w^l, "
                                 "not the gradient sum itself."),
        (m, "missing_1_over_m", "Your ratios are m times too large: grads.grad_w[l] is a SUM over "
                                "the m examples; the step divides it by m."),
        (1 / eta, "missing_eta", "Your ratios lack η: the step is (η/m) Σ_x ∂C_x/∂w^l."),
    ]:
        if np.allclose(got, want * factor, rtol=1e-6):
            return _feedback(False, _RATIO, _RATIO_FORMULA, [message], slip)
    if np.allclose(got * want, 1.0, rtol=1e-6):
        return _feedback(False, _RATIO, _RATIO_FORMULA, [
            "Your ratios are upside down: divide the size of the step by the size of the weights."],
            "wrong_values")
    return _feedback(False, _RATIO, _RATIO_FORMULA, [
        "Your ratios differ from bpcore.explore.live_numbers. Use Frobenius norms, "
        "np.linalg.norm(grads.grad_w[l]) and np.linalg.norm(net.w[l]), and the step size η/m."],
        "wrong_values")
