"""Network parameters for layers l = 1..L, initialisers, and the forward pass.

Indexing follows the maths exactly: ``net.w[l]`` is w^l and ``net.b[l]`` is b^l
for l = 1..L, and ``a[0]`` is the input x. Slot 0 of ``w``, ``b`` and ``z`` holds
``None`` because the input layer has no weights, biases or weighted input.

Shapes (columns are examples, m of them in a batch):

============  ==================  =================================================
symbol        shape               meaning
============  ==================  =================================================
w^l           (n_l, n_{l-1})      w^l_jk connects neuron k in layer l−1 to j in l
b^l           (n_l, 1)            broadcast over the m columns
z^l, a^l      (n_l, m)            weighted input and activation of layer l
a^0 = x       (n_0, m)            the input batch
============  ==================  =================================================

Taught in ``notebooks/01_forward_propagation.ipynb`` and (initialisers)
``notebooks/09_initialisation_and_depth.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import Activation, get_activation
from .validation import validate_network, validate_rng, validate_sizes, validate_x, whole_number

__all__ = ["Network", "INITIALISERS", "init_network", "forward", "predict"]


@dataclass(frozen=True)
class Network:
    """The parameters of a fully connected network, indexed l = 1..L.

    Attributes
    ----------
    sizes : tuple of int
        (n_0, n_1, ..., n_L).
    w : list
        ``w[0]`` is None; ``w[l]`` has shape (n_l, n_{l-1}).
    b : list
        ``b[0]`` is None; ``b[l]`` has shape (n_l, 1).
    hidden : str
        Activation name of layers 1..L−1.
    output : str
        Activation name of layer L.

    The dataclass is frozen and every bpcore function returns a *new* Network
    rather than changing one in place, so a network you keep a reference to
    never changes behind your back.
    """

    sizes: tuple
    w: list = field(repr=False)
    b: list = field(repr=False)
    hidden: str = "sigmoid"
    output: str = "sigmoid"

    @property
    def L(self) -> int:
        """Number of layers with weights (the output layer's index)."""
        return len(self.sizes) - 1

    def sigma(self, l: int) -> Activation:
        """The activation σ of layer l (1 ≤ l ≤ L)."""
        return get_activation(self.output if l == self.L else self.hidden)

    def with_params(self, w, b) -> "Network":
        """A new Network with the same architecture and the given parameters."""
        return Network(self.sizes, list(w), list(b), self.hidden, self.output)

    def copy(self) -> "Network":
        """A deep copy (new arrays)."""
        return self.with_params(
            [None] + [wl.copy() for wl in self.w[1:]],
            [None] + [bl.copy() for bl in self.b[1:]],
        )

    def __repr__(self) -> str:
        return (
            f"Network(sizes={self.sizes}, hidden={self.hidden!r}, output={self.output!r})"
        )


def init_scale(init: str, n_in: int, n_out: int) -> float:
    """The standard deviation of w^l_jk under initialiser ``init`` (a key of INITIALISERS).

    n_in = n_{l-1} (fan-in), n_out = n_l (fan-out). Taught in
    ``notebooks/09_initialisation_and_depth.ipynb``.
    """
    _validate_init(init)
    n_in = whole_number(n_in, "n_in", 1, meaning="n_{l-1}, the fan-in")
    n_out = whole_number(n_out, "n_out", 1, meaning="n_l, the fan-out")
    if init == "normal":
        return 1.0
    if init == "lecun":
        return 1.0 / np.sqrt(n_in)
    if init == "xavier":
        return np.sqrt(2.0 / (n_in + n_out))
    return np.sqrt(2.0 / n_in)  # "he"


def _validate_init(init) -> None:
    if not isinstance(init, str):
        raise TypeError(
            f"init must be the name of an initialiser, one of: {', '.join(INITIALISERS)}; "
            f"got {init!r} ({type(init).__name__})"
        )
    if init not in INITIALISERS:
        raise ValueError(f"unknown initialiser {init!r}; expected one of: {', '.join(INITIALISERS)}")


INITIALISERS = {
    "normal": "w, b ~ N(0, 1): unscaled, as in Nielsen's network.py",
    "lecun": "w ~ N(0, 1/n_{l-1}), b = 0: LeCun's scale; Nielsen's network2.py scales w the same way "
             "but draws b ~ N(0, 1)",
    "xavier": "w ~ N(0, 2/(n_{l-1} + n_l)), b = 0: Glorot & Bengio, derived for tanh",
    "he": "w ~ N(0, 2/n_{l-1}), b = 0: He et al., for ReLU",
}


def init_network(sizes, rng, init="lecun", hidden="sigmoid", output="sigmoid") -> Network:
    """Random initial parameters for layers 1..L.

    Parameters
    ----------
    sizes : sequence of int
        (n_0, ..., n_L), at least two entries.
    rng : numpy.random.Generator or int ≥ 0
        The only source of randomness; an int is turned into
        ``np.random.default_rng(rng)``. The same seed gives the same network.
        None is refused (it would seed from the operating system); see
        :func:`bpcore.validation.validate_rng`.
    init : {"normal", "lecun", "xavier", "he"}
        See :data:`INITIALISERS`. "normal" draws biases from N(0, 1) too; the
        scaled ones start biases at 0.
    hidden, output : str
        Activation names for layers 1..L−1 and layer L.

    Returns
    -------
    Network

    Taught in ``notebooks/01_forward_propagation.ipynb`` and
    ``notebooks/09_initialisation_and_depth.ipynb``.
    """
    sizes = validate_sizes(sizes)
    get_activation(output)
    if get_activation(hidden).name == "softmax":
        raise ValueError("softmax can only be the output activation; choose another hidden "
                         "activation (got hidden='softmax')")
    _validate_init(init)
    rng = validate_rng(rng)
    w, b = [None], [None]
    for l in range(1, len(sizes)):
        n_in, n_out = sizes[l - 1], sizes[l]
        w.append(rng.standard_normal((n_out, n_in)) * init_scale(init, n_in, n_out))
        if init == "normal":
            b.append(rng.standard_normal((n_out, 1)))
        else:
            b.append(np.zeros((n_out, 1)))
    return Network(sizes, w, b, get_activation(hidden).name, get_activation(output).name)


def forward(net: Network, x, validate: bool = True):
    """Forward pass: z^l = w^l a^{l-1} + b^l and a^l = σ(z^l) for l = 1..L.

    Caches every z^l and a^l, which is exactly what the backward pass needs
    (BP1 and BP2 use σ'(z^l); BP4 uses a^{l-1}).

    Parameters
    ----------
    net : Network
    x : ndarray, shape (n_0, m)
        Columns are examples; one example is a column of shape (n_0, 1).
    validate : bool
        Validate the network (:func:`bpcore.validation.validate_network`:
        shapes, finiteness of w^l and b^l) and x (shape, finiteness).
        Training loops that validated once pass False.

    Returns
    -------
    z : list of length L+1
        ``z[0]`` is None; ``z[l]`` has shape (n_l, m).
    a : list of length L+1
        ``a[0]`` is x; ``a[l]`` has shape (n_l, m).

    Taught in ``notebooks/01_forward_propagation.ipynb``.
    """
    if validate:
        x = validate_x(x, validate_network(net).sizes[0])
    z, a = [None], [x]
    for l in range(1, net.L + 1):
        z.append(net.w[l] @ a[l - 1] + net.b[l])
        a.append(net.sigma(l)(z[l]))
    return z, a


def predict(net: Network, x):
    """The network's output a^L for inputs x of shape (n_0, m); shape (n_L, m).

    Validates net and x like :func:`forward`.
    """
    return forward(net, x)[1][-1]
