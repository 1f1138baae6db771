"""Activation functions σ and their derivatives σ'(z), looked up by name.

Every derivative is written as a function of z, never of a = σ(z). Taking σ'(a)
instead of σ'(z) is one of the commonest slips in backprop code, so the
interface makes the right argument the only one available.

Taught in ``notebooks/01_forward_propagation.ipynb`` (σ) and
``notebooks/02_output_error_bp1.ipynb`` (σ').
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "get_activation",
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "relu",
    "relu_prime",
    "leaky_relu",
    "leaky_relu_prime",
    "identity",
    "identity_prime",
    "softmax",
]

LEAKY_SLOPE = 0.01


def sigmoid(z):
    """Logistic sigmoid σ(z) = 1 / (1 + e^(−z)), elementwise.

    Computed as 1/(1 + e^(−|z|)) for z ≥ 0 and e^(−|z|)/(1 + e^(−|z|)) for z < 0:
    the same function, but e^(−|z|) never overflows (no RuntimeWarning for large
    |z|) and tiny outputs such as σ(−30) keep full relative precision.

    Parameters
    ----------
    z : ndarray, any shape (usually (n_l, m))

    Returns
    -------
    ndarray, same shape as z, values in (0, 1)
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid_prime(z):
    """σ'(z) = σ(z)(1 − σ(z)), elementwise. Argument is z, not a."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent, elementwise. Values in (−1, 1)."""
    return np.tanh(z)


def tanh_prime(z):
    """tanh'(z) = 1 − tanh²(z), elementwise. Argument is z, not a."""
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z):
    """ReLU(z) = max(0, z), elementwise."""
    return np.maximum(z, 0.0)


def relu_prime(z):
    """ReLU'(z) = 1 if z > 0 else 0. At the kink z = 0 we take 0 (a subgradient)."""
    return (z > 0).astype(np.result_type(z, np.float64))


def leaky_relu(z):
    """Leaky ReLU: z if z > 0 else 0.01·z, elementwise."""
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_prime(z):
    """Leaky ReLU'(z) = 1 if z > 0 else 0.01. At the kink z = 0 we take 0.01."""
    return np.where(z > 0, 1.0, LEAKY_SLOPE)


def identity(z):
    """Identity σ(z) = z (a linear output layer, e.g. for regression)."""
    return z


def identity_prime(z):
    """σ'(z) = 1, elementwise."""
    return np.ones_like(z, dtype=np.result_type(z, np.float64))


def softmax(z):
    """Softmax over each column: a_j = e^(z_j) / Σ_k e^(z_k).

    Columns are examples, so the sum runs down axis 0. The column maximum is
    subtracted first, which changes nothing mathematically but avoids overflow.

    Softmax is not elementwise: a_j depends on every z_k, so its derivative is a
    full Jacobian, not a vector σ'(z). That is why it has no ``prime`` here and
    why it is paired with the ``softmax_cross_entropy`` cost, whose output error
    is simply δ^L = a^L − y (see :mod:`bpcore.costs`).

    Parameters
    ----------
    z : ndarray, shape (n_L, m)

    Returns
    -------
    ndarray, shape (n_L, m); each column is positive and sums to 1
    """
    shifted = z - np.max(z, axis=0, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=0, keepdims=True)


@dataclass(frozen=True)
class Activation:
    """A named activation σ with its derivative σ'(z).

    Attributes
    ----------
    name : str
    sigma : callable, z -> a
    prime : callable or None, z -> σ'(z); None for softmax (not elementwise)
    kinks : tuple of float
        Points where σ is not differentiable (0 for the ReLUs). The gradient
        checker flags elements of z within h of a kink.
    """

    name: str
    sigma: Callable[[np.ndarray], np.ndarray]
    prime: Optional[Callable[[np.ndarray], np.ndarray]]
    kinks: tuple = ()

    @property
    def elementwise(self) -> bool:
        return self.prime is not None

    def __call__(self, z):
        return self.sigma(z)


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime),
    "tanh": Activation("tanh", tanh, tanh_prime),
    "relu": Activation("relu", relu, relu_prime, kinks=(0.0,)),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_prime, kinks=(0.0,)),
    "identity": Activation("identity", identity, identity_prime),
    "softmax": Activation("softmax", softmax, None),
}


def get_activation(name) -> Activation:
    """Look up an activation by name (or pass an :class:`Activation` through).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(
            f"activation must be a name (str); expected one of {sorted(ACTIVATIONS)}, "
            f"got {type(name).__name__} {name!r}"
        )
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; expected one of: {', '.join(sorted(ACTIVATIONS))}"
        ) from None
