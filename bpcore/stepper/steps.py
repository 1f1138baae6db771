"""One example through a small network, one equation at a time: values, equation text, checks.

The steps of one backward pass, in order (m = 1, a single column x):

=========  ================================================  ==========================
forward    z^l = w^l a^{l−1} + b^l, then a^l = σ(z^l)         l = 1..L
cost       C of this example (the cost's own formula)
BP1        δ^L = (a^L − y) ⊙ σ'(z^L), or a^L − y              l = L
BP2        δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)               l = L−1 down to 1
BP3, BP4   ∂C/∂b^l = δ^l and ∂C/∂w^l = δ^l (a^{l−1})^T         l = L down to 1
update     w^l → w^l − η ∂C/∂w^l, b^l → b^l − η ∂C/∂b^l        l = 1..L
=========  ================================================  ==========================

Every number comes from bpcore: z, a, δ and the gradients from
:func:`bpcore.backprop.backward`, C from :func:`bpcore.train.mean_cost`, the new
parameters from :func:`bpcore.update.update`, σ'(z) from the layer's activation,
and the finite-difference value beside each derivative from
:func:`bpcore.gradcheck.numerical_deltas` and
:func:`~bpcore.gradcheck.numerical_parameter_gradients`. This module only picks
numbers out and writes them into the equations, for the neuron j (layer l) and
weight w^l_jk (k in layer l−1) the learner picks.

The equation text is written by :mod:`bpcore.stepper.equations`.

:class:`Walk` is the stepper's state without any widget: the example, the
current step, the picked neuron and weight, and Back / Next / Replay / New example.

No matplotlib, no ipywidgets. Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..backprop import Gradients, backward
from ..costs import get_cost, validate_cost_output
from ..datasets import load, one_hot
from ..gradcheck import DEFAULT_H, numerical_deltas, numerical_parameter_gradients, relative_error
from ..network import INITIALISERS, Network, init_network
from ..train import class_labels, mean_cost
from ..update import update, update_parameter
from ..validation import real_number, validate_eta, validate_sizes, validate_x, validate_y, whole_number
from .equations import Line, lines, number, title

__all__ = ["HIDDEN", "STEPPER_COSTS", "STEPPER_DATASETS", "MAX_LAYERS", "MAX_WIDTH", "Setup", "make_examples",
           "Step", "StepView", "BackwardPass", "backward_pass", "step_list", "view",
           "Picture", "picture", "Walk", "Line", "number"]

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu")
STEPPER_COSTS = ("quadratic", "cross_entropy", "softmax_cross_entropy")
STEPPER_DATASETS = ("xor", "circles", "moons", "spiral", "gauss")
MAX_LAYERS, MAX_WIDTH = 4, 8


# ----------------------------------------------------------------------------- the set-up
@dataclass(frozen=True)
class Setup:
    """Which network and which data the stepper shows, validated on creation.

    Attributes
    ----------
    sizes : (2, n_1, ..., n_L), 1 ≤ L ≤ 4 layers with weights, widths 1..8
    hidden : activation of layers 1..L−1, one of :data:`HIDDEN`
    cost : one of :data:`STEPPER_COSTS`; the output activation follows it (softmax for
        softmax cross-entropy, else sigmoid)
    eta : learning rate η > 0 of the update step (m = 1)
    dataset : one of :data:`STEPPER_DATASETS`; n_L = 1 (0/1 target) or n_L = classes (one-hot)
    n, noise, data_seed : the data set's size, noise (None: its default) and seed
    seed : seeds the initial weights (``init``, see :data:`bpcore.network.INITIALISERS`)
    example_seed : seeds the random examples New example draws (the same seed, the same sequence)
    """

    sizes: tuple = (2, 3, 3, 2)
    hidden: str = "sigmoid"
    cost: str = "quadratic"
    eta: float = 0.5
    dataset: str = "moons"
    n: int = 40
    noise: Optional[float] = None
    data_seed: int = 0
    seed: int = 0
    example_seed: int = 0
    init: str = "normal"

    def __post_init__(self):
        sizes = validate_sizes(self.sizes)
        if sizes[0] != 2 or not 1 <= len(sizes) - 1 <= MAX_LAYERS or max(sizes[1:]) > MAX_WIDTH:
            raise ValueError(f"sizes must be (2, n_1, ..., n_L) with 1 to {MAX_LAYERS} layers of 1 to "
                             f"{MAX_WIDTH} neurons; got {self.sizes!r}")
        for name, value, allowed in (("hidden", self.hidden, HIDDEN), ("cost", self.cost, STEPPER_COSTS),
                                     ("dataset", self.dataset, STEPPER_DATASETS), ("init", self.init, INITIALISERS)):
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "eta", validate_eta(self.eta))
        object.__setattr__(self, "n", whole_number(self.n, "n (examples in the data set)", 4, 1000))
        if self.noise is not None:
            object.__setattr__(self, "noise", real_number(self.noise, "noise", 0, 1))
        for name in ("data_seed", "seed", "example_seed"):
            object.__setattr__(self, name, whole_number(getattr(self, name), name, 0))
        classes, n_L = (3 if self.dataset == "spiral" else 2), sizes[-1]
        allowed_n_L = (classes,) if self.output == "softmax" or classes > 2 else (1, 2)
        if n_L not in allowed_n_L:
            raise ValueError(f"{self.dataset} has {classes} classes, so with a {self.output} output n_L must "
                             f"be {' or '.join(map(str, allowed_n_L))}; got sizes {sizes}")

    @property
    def output(self) -> str:
        """The output activation: softmax for softmax cross-entropy, sigmoid otherwise."""
        return "softmax" if self.cost == "softmax_cross_entropy" else "sigmoid"

    @property
    def L(self) -> int:
        return len(self.sizes) - 1

    def network(self) -> Network:
        """The initial network, drawn from ``seed``."""
        return init_network(self.sizes, self.seed, init=self.init, hidden=self.hidden, output=self.output)

    def describe(self) -> str:
        """E.g. '2-3-3-2 sigmoid, quadratic cost (sigmoid output), η = 0.5, moons'."""
        return (f"{'-'.join(map(str, self.sizes))} {self.hidden}, {self.cost.replace('_', ' ')} cost "
                f"({self.output} output), η = {self.eta:g}, {self.dataset}")


def make_examples(setup: Setup):
    """The data set of ``setup``: x (2, n) and targets y (n_L, n), 0/1 or one-hot columns."""
    x, y = load(setup.dataset, np.random.default_rng(setup.data_seed), n=setup.n, noise=setup.noise)
    n_L = setup.sizes[-1]
    if y.shape[0] != n_L:
        y = one_hot(class_labels(y), n_L)
    return x, y


# ----------------------------------------------------------------------------- steps and lines
@dataclass(frozen=True)
class Step:
    """One step of the pass: ``kind`` (one of z, a, cost, BP1, BP2, BP3, BP4, update) at layer l."""

    kind: str
    layer: int

    @property
    def phase(self) -> str:
        """'forward', 'cost', 'backward' or 'update'."""
        return {"z": "forward", "a": "forward", "cost": "cost", "update": "update"}.get(self.kind, "backward")

    @property
    def picks(self) -> str:
        """What the picker chooses here: 'weight' (j and k), 'neuron' (j) or 'nothing'."""
        return "weight" if self.kind in ("BP4", "update") else ("nothing" if self.kind == "cost" else "neuron")

    @property
    def name(self) -> str:
        return "cost" if self.kind == "cost" else f"{self.kind}, layer {self.layer}"


def step_list(L: int) -> tuple:
    """The steps of a pass through L layers, in the order the stepper shows them."""
    steps = [Step(kind, l) for l in range(1, L + 1) for kind in ("z", "a")]
    steps += [Step("cost", L), Step("BP1", L)] + [Step("BP2", l) for l in range(L - 1, 0, -1)]
    steps += [Step(kind, l) for l in range(L, 0, -1) for kind in ("BP3", "BP4")]
    return tuple(steps + [Step("update", l) for l in range(1, L + 1)])


@dataclass(frozen=True)
class BackwardPass:
    """One example's forward pass, cost, backward pass, update and finite differences, from bpcore.

    Attributes
    ----------
    net : Network before the update; x : (2, 1); y : (n_L, 1); cost : name; eta : η
    grads : Gradients of :func:`bpcore.backprop.backward` (z, a, δ, ∂C/∂w, ∂C/∂b), m = 1
    C : the example's cost, :func:`bpcore.train.mean_cost` with m = 1
    net_after : :func:`bpcore.update.update` of ``net`` with ``grads``, η and m = 1
    numeric_delta, numeric_w, numeric_b : central differences (step h), lists indexed l = 1..L
    steps : the :func:`step_list` of this network
    """

    net: Network
    x: np.ndarray
    y: np.ndarray
    cost: str
    eta: float
    grads: Gradients
    C: float
    net_after: Network
    numeric_delta: list
    numeric_w: list
    numeric_b: list
    h: float
    steps: tuple


def backward_pass(net: Network, x, y, cost: str, eta: float, h: float = DEFAULT_H) -> BackwardPass:
    """Run bpcore on one example x (2, 1), y (n_L, 1) and keep every number the stepper shows."""
    cost_class = get_cost(cost)
    validate_cost_output(cost_class, net.output)
    x = validate_x(x, net.sizes[0])
    if x.shape[1] != 1:
        raise ValueError(f"the stepper takes one example, a column of shape ({net.sizes[0]}, 1); got {x.shape}")
    y = validate_y(y, net.sizes[-1], 1)
    eta = validate_eta(eta)
    grads = backward(net, x, y, cost_class)
    numeric_delta = numerical_deltas(net, grads.z, y, cost_class, h)
    numeric_w, numeric_b = numerical_parameter_gradients(net, x, y, cost_class, h)
    return BackwardPass(net, x, y, cost_class.name, eta, grads, mean_cost(net, x, y, cost_class),
                        update(net, grads, eta, m=1), numeric_delta, numeric_w, numeric_b, h,
                        step_list(net.L))


# ----------------------------------------------------------------------------- views
@dataclass(frozen=True)
class StepView:
    """What the stepper shows at one step for the picked neuron j (and weight w^l_jk).

    Attributes
    ----------
    position, count : this step's index (0-based) and the number of steps
    step, title : the :class:`Step` and its heading (the equation for the whole layer)
    j, k : the neuron j of layer l and k of layer l−1 shown (1-based; k None unless a weight
        is shown; j None for the cost)
    lines : tuple of :class:`Line`, the first is the step's quantity
    value : that quantity's value (``lines[0].value``)
    numeric : its finite-difference value, None in the forward pass and for C
    numeric_label : what ``numeric`` is, in words
    rel_error : |value − numeric| / (|value| + |numeric|), None without ``numeric``
    neurons, edges : the neurons (l, j) and weights (l, j, k) the equation uses (1-based)
    """

    position: int
    count: int
    step: Step
    title: str
    j: Optional[int]
    k: Optional[int]
    lines: tuple
    value: float
    numeric: Optional[float]
    numeric_label: str
    rel_error: Optional[float]
    neurons: tuple
    edges: tuple


def _clamp(requested, size) -> int:
    return min(max(int(requested), 1), size)


def _numeric(bp, step, j, k):
    l = step.layer
    if step.kind in ("BP1", "BP2"):
        return bp.numeric_delta[l][j - 1, 0], f"∂C/∂z^{l}_{j} by central differences in z^{l}_{j}"
    if step.kind == "BP3":
        return bp.numeric_b[l][j - 1, 0], f"∂C/∂b^{l}_{j} by central differences in b^{l}_{j}"
    if step.kind == "BP4":
        return bp.numeric_w[l][j - 1, k - 1], f"∂C/∂w^{l}_{j}{k} by central differences in w^{l}_{j}{k}"
    if step.kind == "update":
        after = update_parameter(bp.net.w[l], bp.numeric_w[l], bp.eta, 1)
        return after[j - 1, k - 1], f"w^{l}_{j}{k} − η × (∂C/∂w^{l}_{j}{k} by central differences)"
    return None, "the forward pass and C are computed, not differentiated: nothing to compare"


def _uses(bp, step, j, k):
    l, sizes = step.layer, bp.net.sizes
    kind = step.kind
    if kind == "z":
        return ((l, j),) + tuple((l - 1, i) for i in range(1, sizes[l - 1] + 1)), \
            tuple((l, j, i) for i in range(1, sizes[l - 1] + 1))
    if kind == "BP2":
        return ((l, j),) + tuple((l + 1, i) for i in range(1, sizes[l + 1] + 1)), \
            tuple((l + 1, i, j) for i in range(1, sizes[l + 1] + 1))
    if kind == "cost" or (kind == "a" and bp.net.sigma(l).name == "softmax"):
        return tuple((l, i) for i in range(1, sizes[l] + 1)), ()
    if kind in ("BP4", "update"):
        return ((l, j), (l - 1, k)), ((l, j, k),)
    return ((l, j),), ()


def view(bp: BackwardPass, position: int, j: int = 1, k: int = 1) -> StepView:
    """The step at ``position`` for neuron j of its layer and weight w^l_jk (clamped to the layer)."""
    position = whole_number(position, "position", 0, len(bp.steps) - 1)
    step = bp.steps[position]
    l = step.layer
    j = None if step.kind == "cost" else _clamp(j, bp.net.sizes[l])
    k = _clamp(k, bp.net.sizes[l - 1]) if step.picks == "weight" else None
    shown = lines(bp, step, j, k)
    numeric, label = _numeric(bp, step, j, k)
    value = float(shown[0].value)
    rel = None if numeric is None else relative_error(value, numeric)
    neurons, edges = _uses(bp, step, j, k)
    return StepView(position, len(bp.steps), step, title(bp, step), j, k, shown, value,
                    None if numeric is None else float(numeric), label, rel, neurons, edges)


# ----------------------------------------------------------------------------- what the picture shows
@dataclass(frozen=True)
class Picture:
    """What the network drawing shows at one step: a quantity and its values per layer.

    ``neurons[l]`` is (quantity, values of shape (n_l,)) for l = 0..L, values None where the
    step has not computed them yet; ``edges[l]`` is (quantity, values of shape (n_l, n_{l−1}))
    for l = 1..L (slot 0 None); quantities are "a", "z", "δ" for neurons and "w", "∂C/∂w",
    "new w" (after the update) for edges. ``scale[quantity]`` is the largest |value| of that quantity in
    the whole pass, so colours compare across layers and steps.
    """

    neurons: tuple
    edges: tuple
    scale: dict


def _scales(bp: BackwardPass) -> dict:
    g, L = bp.grads, bp.net.L

    def biggest(arrays):
        return max(float(np.max(np.abs(v))) for v in arrays) or 1.0

    w = biggest(bp.net.w[1:] + bp.net_after.w[1:L + 1])
    return {"a": biggest(g.a[0:]), "z": biggest(g.z[1:]), "δ": biggest(g.delta[1:]),
            "∂C/∂w": biggest(g.grad_w[1:]), "w": w, "new w": w}


def picture(bp: BackwardPass, position: int) -> Picture:
    """The values the drawing colours at ``position`` (see :class:`Picture`)."""
    step, g, L = bp.steps[position], bp.grads, bp.net.L
    done = bp.steps[: position + 1]
    neurons = [("a", g.a[0][:, 0])]
    for l in range(1, L + 1):
        if step.phase in ("forward", "cost"):
            shown = step.phase == "cost" or l < step.layer or (l == step.layer and step.kind == "a")
            neurons.append(("a", g.a[l][:, 0]) if shown else ("z", g.z[l][:, 0] if l == step.layer else None))
        else:
            reached = any(s.kind in ("BP1", "BP2") and s.layer == l for s in done)
            neurons.append(("δ", g.delta[l][:, 0] if reached else None))
    edges = [None]
    for l in range(1, L + 1):
        if step.phase in ("forward", "cost"):
            edges.append(("w", bp.net.w[l]))
        elif Step("update", l) in done:
            edges.append(("new w", bp.net_after.w[l]))
        else:
            edges.append(("∂C/∂w", g.grad_w[l] if Step("BP4", l) in done else None))
    return Picture(tuple(neurons), tuple(edges), _scales(bp))


# ----------------------------------------------------------------------------- the walk
class Walk:
    """The stepper's state: one example's pass, the current step and the picked neuron and weight.

    Parameters
    ----------
    setup : Setup, optional (default ``Setup()``)
    index : int, optional
        Which example of the data set (0..n−1); None draws one from ``setup.example_seed``.
    h : finite-difference step

    ``next()`` and ``back()`` move one step (False at either end, where they stay);
    ``replay()`` goes back to the first step of the same example; ``new_example()`` takes
    the next example drawn from ``example_seed`` (or the one given) and starts again. The
    network stays the initial one, so every example starts from the same weights.
    """

    def __init__(self, setup: Optional[Setup] = None, index: Optional[int] = None, h: float = DEFAULT_H):
        self.setup = Setup() if setup is None else setup
        self.net = self.setup.network()
        self.x_all, self.y_all = make_examples(self.setup)
        self.h = h
        self._rng = np.random.default_rng(self.setup.example_seed)
        self.position, self.j, self.k = 0, 1, 1
        self.examples = []  # every example index shown, in order
        self.new_example(index)

    @property
    def steps(self) -> tuple:
        return self.bp.steps

    @property
    def step(self) -> Step:
        return self.steps[self.position]

    @property
    def at_start(self) -> bool:
        return self.position == 0

    @property
    def at_end(self) -> bool:
        return self.position == len(self.steps) - 1

    def view(self, position: Optional[int] = None) -> StepView:
        """The current step (or the one at ``position``) for the picked neuron and weight."""
        return view(self.bp, self.position if position is None else position, self.j, self.k)

    def picture(self) -> Picture:
        return picture(self.bp, self.position)

    def next(self) -> bool:
        if self.at_end:
            return False
        self.position += 1
        return True

    def back(self) -> bool:
        if self.at_start:
            return False
        self.position -= 1
        return True

    def go(self, position: int) -> None:
        self.position = whole_number(position, "position", 0, len(self.steps) - 1)

    def replay(self) -> None:
        """Back to the first step; the same example, the same numbers."""
        self.position = 0

    def pick(self, j: Optional[int] = None, k: Optional[int] = None) -> None:
        """Pick neuron j (1-based, in the step's layer) and k (in the layer before); clamped per step."""
        if j is not None:
            self.j = whole_number(j, "j", 1, MAX_WIDTH)
        if k is not None:
            self.k = whole_number(k, "k", 1, MAX_WIDTH)

    def new_example(self, index: Optional[int] = None) -> int:
        """Take example ``index`` (or the next one drawn from example_seed); back to the first step."""
        n = self.x_all.shape[1]
        if index is None:
            index = int(self._rng.integers(n))
        index = whole_number(index, "index (which example)", 0, n - 1)
        self.bp = backward_pass(self.net, self.x_all[:, [index]], self.y_all[:, [index]], self.setup.cost,
                                self.setup.eta, self.h)
        self.index, self.position = index, 0
        self.examples.append(index)
        return index

    def __repr__(self) -> str:
        return (f"Walk({self.setup.describe()}; example {self.index}: step {self.position + 1}/"
                f"{len(self.steps)}, {self.step.name})")
