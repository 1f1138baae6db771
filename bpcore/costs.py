"""Cost functions C and the output error δ^L they produce (BP1).

Each cost owns its output error, as in Nielsen's ``network2.py``::

    δ^L = ∂C/∂z^L = C'(a^L) ⊙ σ'(z^L)                                (BP1)

Why the cost and not the network computes δ^L: the general form above needs
σ'(z^L) to be elementwise, and for two of our costs the product simplifies so
much that computing it the long way would only add rounding error and risk
(division by a(1 − a) → 0 when a sigmoid saturates). So ``delta`` takes z^L, a^L,
y *and* the output activation, and each cost decides which form holds:

* :class:`QuadraticCost` — C = ½‖a − y‖², C'(a) = a − y, so
  δ^L = (a − y) ⊙ σ'(z): the general form, for any elementwise σ.
* :class:`CrossEntropyCost` — C = −Σ [y ln a + (1 − y) ln(1 − a)], so
  C'(a) = (a − y) / (a(1 − a)). With a sigmoid output σ'(z) = a(1 − a), the two
  factors cancel and δ^L = a − y exactly. That cancellation is why cross-entropy
  does not slow down when a sigmoid saturates (notebook 08).
* :class:`SoftmaxCrossEntropyCost` — C = −Σ_j y_j ln a_j with a = softmax(z).
  Softmax is not elementwise, so there is no σ'(z) vector; but
  ∂C/∂z_j = Σ_k (−y_k/a_k)·a_k(δ_kj − a_j) = a_j Σ_k y_k − y_j = a_j − y_j when each
  column of y sums to 1. Again δ^L = a − y.

Values are **summed** over the m columns (examples) of a batch: ``value``
returns Σ_x C_x, matching the Σ_x in the update rule. Divide by m for the mean.

Taught in ``notebooks/02_output_error_bp1.ipynb`` and
``notebooks/08_costs_and_saturation.ipynb``.
"""

from __future__ import annotations

import numpy as np

from .activations import Activation, get_activation

__all__ = [
    "QuadraticCost",
    "CrossEntropyCost",
    "SoftmaxCrossEntropyCost",
    "COSTS",
    "get_cost",
    "validate_cost_output",
]

# Smallest/largest probabilities used inside logarithms. A sigmoid in float64
# returns exactly 0.0 or 1.0 once |z| > ~37, and ln(0) would be −inf.
_EPS = 1e-300


class QuadraticCost:
    """C = ½ Σ_x ‖a^L − y‖² (summed over examples)."""

    name = "quadratic"

    @staticmethod
    def value(a, y):
        """Σ_x C_x. a, y: shape (n_L, m). Returns a float."""
        d = a - y
        return 0.5 * float(np.sum(d * d))

    @staticmethod
    def derivative(a, y):
        """C'(a) = ∂C/∂a = a − y. Shape (n_L, m)."""
        return a - y

    @classmethod
    def delta(cls, z, a, y, sigma):
        """Output error δ^L = (a − y) ⊙ σ'(z^L)   (BP1, general form).

        Parameters
        ----------
        z, a, y : ndarray, shape (n_L, m)
        sigma : Activation (elementwise) of the output layer

        Returns
        -------
        delta : ndarray, shape (n_L, m)

        Taught in ``notebooks/02_output_error_bp1.ipynb``.
        """
        return cls.derivative(a, y) * sigma.prime(z)


class CrossEntropyCost:
    """C = −Σ_x Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)], for outputs in (0, 1)."""

    name = "cross_entropy"

    @staticmethod
    def value(a, y):
        """Σ_x C_x. a, y: shape (n_L, m). Returns a float."""
        a = np.clip(a, _EPS, 1.0 - 1e-16)
        return float(-np.sum(y * np.log(a) + (1.0 - y) * np.log1p(-a)))

    @staticmethod
    def derivative(a, y):
        """C'(a) = (a − y) / (a(1 − a)). Shape (n_L, m)."""
        return (a - y) / (a * (1.0 - a))

    @classmethod
    def delta(cls, z, a, y, sigma):
        """Output error δ^L (BP1).

        With a sigmoid output, C'(a) ⊙ σ'(z) = (a − y)/(a(1 − a)) ⊙ a(1 − a) = a − y,
        so we return the simplified a − y (exact, and safe when a saturates at
        0 or 1). For any other elementwise σ we use the general form.

        Parameters
        ----------
        z, a, y : ndarray, shape (n_L, m)
        sigma : Activation of the output layer

        Returns
        -------
        delta : ndarray, shape (n_L, m)

        Taught in ``notebooks/08_costs_and_saturation.ipynb``.
        """
        if sigma.name == "sigmoid":
            return a - y
        return cls.derivative(a, y) * sigma.prime(z)


class SoftmaxCrossEntropyCost:
    """C = −Σ_x Σ_j y_j ln a_j with a = softmax(z^L); y is one-hot per column."""

    name = "softmax_cross_entropy"

    @staticmethod
    def value(a, y):
        """Σ_x C_x. a, y: shape (n_L, m). Returns a float."""
        return float(-np.sum(y * np.log(np.clip(a, _EPS, None))))

    @staticmethod
    def derivative(a, y):
        """C'(a) = −y / a. Shape (n_L, m). (Not used for δ^L; see ``delta``.)"""
        return -y / a

    @classmethod
    def delta(cls, z, a, y, sigma):
        """Output error δ^L = a − y   (BP1 for softmax + cross-entropy).

        Softmax has a full Jacobian, not a vector σ'(z); multiplying C'(a) by that
        Jacobian gives a − y when each column of y sums to 1 (module docstring).

        Parameters
        ----------
        z, a, y : ndarray, shape (n_L, m)
        sigma : Activation, must be softmax

        Returns
        -------
        delta : ndarray, shape (n_L, m)

        Taught in ``notebooks/08_costs_and_saturation.ipynb``.
        """
        return a - y


COSTS = {
    c.name: c for c in (QuadraticCost, CrossEntropyCost, SoftmaxCrossEntropyCost)
}

# Which output activations each cost works with, and why not the others.
_COMPATIBLE = {
    "quadratic": lambda s: s.elementwise,
    "cross_entropy": lambda s: s.name == "sigmoid",
    "softmax_cross_entropy": lambda s: s.name == "softmax",
}
_ADVICE = {
    "quadratic": "softmax is not elementwise, so δ^L = C'(a) ⊙ σ'(z) does not apply; "
    "use cost='softmax_cross_entropy' with a softmax output",
    "cross_entropy": "cross-entropy needs every output in (0, 1); use output='sigmoid' "
    "(or cost='softmax_cross_entropy' with output='softmax')",
    "softmax_cross_entropy": "softmax cross-entropy needs output='softmax'",
}


def get_cost(name):
    """Look up a cost by name (or pass a cost class through).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.
    """
    if not isinstance(name, str):
        if all(hasattr(name, attr) for attr in ("value", "delta", "name")):
            return name
        raise TypeError(
            f"cost must be a name (str); expected one of {sorted(COSTS)}, "
            f"got {type(name).__name__} {name!r}"
        )
    try:
        return COSTS[name]
    except KeyError:
        raise ValueError(
            f"unknown cost {name!r}; expected one of: {', '.join(sorted(COSTS))}"
        ) from None


def validate_cost_output(cost, output) -> None:
    """Raise ValueError if ``cost`` cannot be paired with the output activation."""
    cost = get_cost(cost)
    sigma = get_activation(output)
    ok = _COMPATIBLE.get(cost.name, lambda s: True)(sigma)
    if not ok:
        raise ValueError(
            f"cost {cost.name!r} cannot be used with output activation {sigma.name!r}: "
            f"{_ADVICE[cost.name]}"
        )
