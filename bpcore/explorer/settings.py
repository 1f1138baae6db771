"""Everything a learner can choose in the explorer, validated in one place, and what it gives.

:class:`Settings` holds the choices (data set, noise, layers, activation, cost, η, batch
size, epochs, seeds); :func:`make_data` and :func:`make_network` turn them into data and
initial weights from explicit seeds, so the same settings always give the same numbers.

Each fact comes from where it is defined: the data sets, their default noise and their
number of classes from :mod:`bpcore.datasets`; which output activation goes with which
cost from :mod:`bpcore.costs`; the initialiser names from :mod:`bpcore.network`. A choice
given in code is never changed behind the learner's back: one that does not fit (a cost
for the wrong kind of data, an η outside the slider's range) raises a ValueError that
names the choices that do. Seeds go through :func:`bpcore.validation.validate_rng`, and a
list of learning rates for a sweep is checked whole (:func:`checked_etas`) before any of it
is trained.

Taught in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from ..costs import get_cost, validate_cost_output
from ..datasets import DEFAULT_NOISE, N_CLASSES, load, train_test_split
from ..network import INITIALISERS, Network, init_network
from ..validation import is_whole_number, real_number, validate_rng, whole_number

__all__ = [
    "DATASET_NAMES", "ACTIVATION_NAMES", "AUTO_INIT", "OUTPUTS", "ETA_MIN", "ETA_MAX", "SWEEP_ETAS",
    "MAX_SWEEP", "NOISE_MAX", "MAX_HIDDEN_LAYERS", "MAX_WIDTH", "MAX_EPOCHS", "N_MIN", "N_MAX", "SEED_MAX",
    "TEST_FRACTION", "BATCH_CHOICES", "Settings", "Data", "output_for_cost", "cost_choices", "batch_choices",
    "checked_etas", "parse_etas",
    "format_etas", "make_data", "make_network", "make_shuffle",
]

#: The data sets offered: the classification sets of bpcore.datasets.
DATASET_NAMES = tuple(N_CLASSES)
#: Hidden activations offered, and the initialiser init="auto" picks for each.
AUTO_INIT = {"tanh": "xavier", "sigmoid": "xavier", "relu": "he", "leaky_relu": "he"}
ACTIVATION_NAMES = tuple(AUTO_INIT)
#: Output activations the explorer pairs with a cost (bpcore.costs says which fits which).
OUTPUTS = ("sigmoid", "softmax")
#: The learning-rate slider's range. The top is well past where the default network diverges
#: (η ≈ 3, under twice its edge of stability 2/λ_max ≈ 1.7), so every offered network can be
#: driven over the edge from the slider: sigmoid hidden units and the quadratic cost need η ≈ 30.
ETA_MIN, ETA_MAX = 1e-4, 100.0
#: The η grid of a sweep: 1 and 3 times each power of ten from 1e-3 to ETA_MAX (about half decades).
SWEEP_ETAS = tuple(float(f"{k}e{e}") for e in range(-3, round(np.log10(ETA_MAX)) + 1) for k in (1, 3)
                   if k * 10.0 ** e <= ETA_MAX)
#: At most this many learning rates in one sweep.
MAX_SWEEP = 25
NOISE_MAX = 1.0
MAX_HIDDEN_LAYERS, MAX_WIDTH = 4, 32
MAX_EPOCHS = 2000
N_MIN, N_MAX = 20, 1000
#: The largest seed (what the seed box holds).
SEED_MAX = 2**31 - 1
#: Share of the n points held out (not trained on).
TEST_FRACTION = 0.25
#: Batch sizes offered (those up to N), besides the full batch.
BATCH_CHOICES = (1, 5, 10, 25, 50)


def output_for_cost(cost: str) -> str:
    """The output activation paired with ``cost``: the one of :data:`OUTPUTS` it works with.

    sigmoid for cross-entropy and quadratic, softmax for softmax cross-entropy, as
    :func:`bpcore.costs.validate_cost_output` decides.
    """
    name = get_cost(cost).name
    for output in OUTPUTS:
        try:
            validate_cost_output(name, output)
        except ValueError:
            continue
        return output
    raise ValueError(f"cost {name!r} works with none of the explorer's outputs {', '.join(OUTPUTS)}")


def _label(cost: str) -> str:
    words = cost.replace("_", " ").replace("cross entropy", "cross-entropy")
    return f"{words} ({output_for_cost(cost)} output)"


def cost_choices(dataset: str) -> list:
    """The (label, cost) pairs offered for a data set, its natural cost first.

    Two classes (one output neuron, targets 0/1): cross-entropy or quadratic, both
    with a sigmoid output. More classes (spiral; one-hot targets): softmax
    cross-entropy with a softmax output, or quadratic with sigmoids.
    """
    _check_dataset(dataset)
    natural = "cross_entropy" if N_CLASSES[dataset] == 2 else "softmax_cross_entropy"
    return [(_label(cost), cost) for cost in (natural, "quadratic")]


def batch_choices(batch_size: Optional[int], n_train: int) -> list:
    """The (label, m) pairs offered: the sizes of BATCH_CHOICES up to N and one given in code, then
    the full batch as m = 0 (a dropdown shows the value None as "nothing selected")."""
    sizes = {b for b in BATCH_CHOICES if b <= n_train} | ({batch_size} if batch_size else set())
    return [(str(b), b) for b in sorted(sizes)] + [("full batch (m = N)", 0)]


def _check_dataset(dataset) -> None:
    if dataset not in DATASET_NAMES:
        raise ValueError(f"dataset must be one of {', '.join(DATASET_NAMES)}; got {dataset!r}")


def _check_choice(value, name: str, choices) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")


def _checked_cost(cost, dataset: str) -> str:
    offered = [c for _, c in cost_choices(dataset)]
    if cost is None:
        return offered[0]
    name = get_cost(cost).name  # an unknown name raises here, listing the known ones
    if name not in offered:
        raise ValueError(
            f"cost {name!r} does not fit the {dataset} data ({N_CLASSES[dataset]} classes); "
            f"choose one of {', '.join(map(repr, offered))}, or cost=None for {offered[0]!r}")
    return name


def _checked_eta(eta, name: str = "eta") -> float:
    eta = real_number(eta, name, meaning="the learning rate η")
    # The log slider's 10**x may miss an end of the range by one rounding.
    if not ETA_MIN * (1 - 1e-9) <= eta <= ETA_MAX * (1 + 1e-9):
        raise ValueError(f"{name} (the learning rate η) must be a number from {ETA_MIN:g} to {ETA_MAX:g}; "
                         f"got {name}={eta!r}")
    return eta


def _checked_seed(seed, name: str) -> int:
    """A seed the explorer can show in its seed box: a whole number 0..SEED_MAX.

    Anything :func:`bpcore.validation.validate_rng` refuses is refused with its message; a
    Generator or SeedSequence, which it accepts, cannot be shown in the box or stored in the
    settings, so it is refused here.
    """
    if not is_whole_number(seed):
        validate_rng(seed, name)  # raises, with its hint, for None, floats, bools, strings ...
        raise TypeError(f"{name} must be a whole number from 0 to {SEED_MAX} (the explorer shows it in "
                        f"its seed box and redraws from it); got a {type(seed).__name__}")
    validate_rng(seed, name)  # a negative seed is refused here
    return whole_number(seed, name, 0, SEED_MAX)


def checked_etas(etas, name: str = "etas") -> tuple:
    """The learning rates of a sweep, every one checked before any is trained.

    ``etas`` is a sequence of 1 to :data:`MAX_SWEEP` numbers, each from ETA_MIN to ETA_MAX
    (not a bool, not NaN). Returns them as a tuple of floats, in the order given. A bare
    number or a string is refused (a sweep needs a list; see :func:`parse_etas` for text).
    """
    if isinstance(etas, (str, bytes)) or not hasattr(etas, "__len__") or getattr(etas, "ndim", 1) != 1:
        raise TypeError(f"{name} must be a list of learning rates, e.g. [0.01, 0.1, 1]; got {etas!r}")
    if not 1 <= len(etas) <= MAX_SWEEP:
        raise ValueError(f"{name} must hold 1 to {MAX_SWEEP} learning rates from {ETA_MIN:g} to {ETA_MAX:g}; "
                         f"got {len(etas)}")
    return tuple(_checked_eta(eta, f"{name}[{i}]") for i, eta in enumerate(etas))


def parse_etas(text: str) -> tuple:
    """Learning rates written as text, e.g. "0.01, 0.1, 1" (commas or spaces), checked like :func:`checked_etas`."""
    if not isinstance(text, str):
        raise TypeError(f"the sweep's η list must be text such as '0.01, 0.1, 1'; got {text!r}")
    words = text.replace(",", " ").split()
    values = []
    for word in words:
        try:
            values.append(float(word))
        except ValueError:
            raise ValueError(f"the sweep's η list must be numbers separated by commas, e.g. '0.01, 0.1, 1'; "
                             f"got {word!r} in {text!r}") from None
    return checked_etas(values, "sweep η")


def format_etas(etas) -> str:
    """The text :func:`parse_etas` reads back: '0.001, 0.003, …' (3 significant digits)."""
    return ", ".join(f"{eta:.3g}" for eta in etas)


@dataclass(frozen=True)
class Settings:
    """Everything a learner can choose in the explorer, validated on creation.

    Attributes
    ----------
    dataset : one of :data:`DATASET_NAMES`
    noise : float in [0, 1], or None for the data set's default (bpcore.datasets.DEFAULT_NOISE)
    n : int, 20..1000 points, a quarter of them held out
    hidden_layers : int, 0..4 (0 is logistic regression: a straight boundary)
    width : int, 1..32 neurons per hidden layer
    activation : hidden activation, one of :data:`ACTIVATION_NAMES`
    cost : one of :func:`cost_choices` for the data set, or None for its natural cost
        (cross-entropy for two classes, softmax cross-entropy for more). The output
        activation follows the cost (:func:`output_for_cost`).
    eta : float, learning rate η in [ETA_MIN, ETA_MAX] = [1e-4, 100]
    batch_size : int from 1 to N (:attr:`n_train`, the training points), or None for the full batch (m = N)
    epochs : int, 1..2000
    seed : int 0..SEED_MAX, seeds the initial weights and the per-epoch shuffles
    data_seed : int 0..SEED_MAX, seeds the data and the train/held-out split
    init : "auto" (:data:`AUTO_INIT`: Xavier for tanh/sigmoid, He for ReLU) or a key of
        bpcore.network.INITIALISERS
    """

    dataset: str = "moons"
    noise: Optional[float] = None
    n: int = 200
    hidden_layers: int = 2
    width: int = 16
    activation: str = "tanh"
    cost: Optional[str] = None
    eta: float = 0.1
    batch_size: Optional[int] = 10
    epochs: int = 100
    seed: int = 0
    data_seed: int = 0
    init: str = "auto"

    def __post_init__(self):
        _check_dataset(self.dataset)
        noise = DEFAULT_NOISE[self.dataset] if self.noise is None else self.noise
        checked = {
            "noise": real_number(noise, "noise", 0, NOISE_MAX),
            "n": whole_number(self.n, "n", N_MIN, N_MAX),
            "hidden_layers": whole_number(self.hidden_layers, "hidden_layers", 0, MAX_HIDDEN_LAYERS),
            "width": whole_number(self.width, "width", 1, MAX_WIDTH),
            "cost": _checked_cost(self.cost, self.dataset),
            "eta": _checked_eta(self.eta),
            "epochs": whole_number(self.epochs, "epochs", 1, MAX_EPOCHS),
            "seed": _checked_seed(self.seed, "seed"),
            "data_seed": _checked_seed(self.data_seed, "data_seed"),
        }
        _check_choice(self.activation, "activation", ACTIVATION_NAMES)
        _check_choice(self.init, "init", ("auto",) + tuple(INITIALISERS))
        if self.batch_size is not None:
            checked["batch_size"] = whole_number(self.batch_size, "batch_size", 1)
        for name, value in checked.items():
            object.__setattr__(self, name, value)
        if self.batch_size is not None and self.batch_size > self.n_train:
            raise ValueError(f"batch_size={self.batch_size} is larger than the N={self.n_train} training points "
                             f"(n={self.n}, some held out); choose at most {self.n_train}, or None for the full batch")

    @property
    def n_train(self) -> int:
        """N, the training points: n less the held-out share (as bpcore.datasets.train_test_split rounds it)."""
        return self.n - int(round(self.n * TEST_FRACTION))

    @property
    def output(self) -> str:
        """The output activation, paired with the cost."""
        return output_for_cost(self.cost)

    @property
    def n_classes(self) -> int:
        return N_CLASSES[self.dataset]

    @property
    def sizes(self) -> tuple:
        """(n_0, n_1, ..., n_L): 2 inputs, the hidden layers, 1 output (or one per class)."""
        n_out = 1 if self.n_classes == 2 else self.n_classes
        return (2,) + (self.width,) * self.hidden_layers + (n_out,)

    @property
    def init_name(self) -> str:
        return AUTO_INIT[self.activation] if self.init == "auto" else self.init

    def replace(self, **changes) -> "Settings":
        """A copy with some fields changed, validated again."""
        return replace(self, **changes)

    def describe(self, eta_text: Optional[str] = None, epochs: Optional[int] = None) -> str:
        """One line, e.g. 'moons, 2-16-16-1 tanh, cross_entropy, η=0.1, m=10, 100 epochs'.

        ``eta_text`` replaces 'η=0.1' (a run whose η changed describes its schedule)
        and ``epochs`` the epoch count.
        """
        m = "all" if self.batch_size is None else self.batch_size
        eta_text = f"η={self.eta:.3g}" if eta_text is None else eta_text
        return (f"{self.dataset}, {'-'.join(map(str, self.sizes))} {self.activation}, "
                f"{self.cost}, {eta_text}, m={m}, {self.epochs if epochs is None else epochs} epochs")


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


def make_data(settings: Settings) -> Data:
    """The data set of ``settings``, split into training and held-out parts (:data:`TEST_FRACTION`).

    Seeded by ``settings.data_seed`` only, so changing the weight seed, η or the
    network keeps the same points.
    """
    data_ss, split_ss = np.random.SeedSequence(settings.data_seed).spawn(2)
    x, y = load(settings.dataset, validate_rng(data_ss), n=settings.n, noise=settings.noise)
    return Data(*train_test_split(x, y, validate_rng(split_ss), TEST_FRACTION))


def _seed_sequences(settings: Settings):
    """(initial weights, shuffles): independent streams from ``settings.seed``."""
    return np.random.SeedSequence(settings.seed).spawn(2)


def make_network(settings: Settings) -> Network:
    """Initial weights for ``settings.sizes``, drawn from ``settings.seed``."""
    return init_network(settings.sizes, validate_rng(_seed_sequences(settings)[0]),
                        init=settings.init_name, hidden=settings.activation, output=settings.output)


def make_shuffle(settings: Settings) -> np.random.Generator:
    """The generator of the per-epoch shuffles, from ``settings.seed`` (independent of the weights')."""
    return validate_rng(_seed_sequences(settings)[1])

