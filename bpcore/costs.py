"""Cost functions C, computed exactly from z^L, and the output error δ^L (BP1).

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

**Values come from z^L, not from a^L.** ``value(z, a, y)`` takes both. The
quadratic cost uses a^L. The two cross-entropies use z^L only, because a
sigmoid or softmax output rounds to exactly 0 or 1 long before ln a is
negligible (σ(40) is 1.0 in float64, while −ln σ(−40) = 40). With the softplus
function s(t) = ln(1 + e^t), ln σ(z) = −s(−z) and ln(1 − σ(z)) = −s(z), so

    sigmoid cross-entropy   C = Σ [y·s(−z) + (1 − y)·s(z)]
    softmax cross-entropy   C = Σ_x Σ_j y_j (max_k z_k − z_j + ln Σ_k e^(z_k − max_k z_k))

Every term is ≥ 0 for valid targets, s(t) = max(t, 0) + log1p(e^(−|t|)) never
overflows, and the log-sum-exp uses log1p of the non-maximal terms, so C keeps
float64's relative precision for |z| up to several hundred (tested against a
50-digit reference). Values are computed in float64 whatever the dtype of z, a
and y: float32 inputs give the float64 cost of those float32 numbers (δ^L keeps
the input dtype).

Values are **summed** over the m columns (examples) of a batch: ``value``
returns Σ_x C_x, matching the Σ_x in the update rule. Divide by m for the mean.

**Targets that cannot be right are refused** (:func:`validate_target`):
sigmoid cross-entropy needs every y in [0, 1] (the 0/1 label convention, or
probabilities); softmax cross-entropy needs each column of y to be a
probability vector (one-hot, or entries in [0, 1] summing to 1). With other
targets the formulas above are no longer the cost's gradient (δ^L = a − y
assumes Σ_j y_j = 1) or the "cost" goes negative.

Taught in ``notebooks/02_output_error_bp1.ipynb`` and
``notebooks/08_costs_and_saturation.ipynb``.
"""

from __future__ import annotations

import numpy as np

from .activations import get_activation

__all__ = [
    "QuadraticCost",
    "CrossEntropyCost",
    "SoftmaxCrossEntropyCost",
    "COSTS",
    "get_cost",
    "softplus",
    "validate_cost_output",
    "validate_target",
]

# How far a column of softmax targets may sum from 1: float32 rounding of a
# probability vector (about n_L · 6e-8), never a real label mistake.
PROBABILITY_SUM_TOL = 1e-6


def softplus(t):
    """s(t) = ln(1 + e^t), elementwise, computed as max(t, 0) + log1p(e^(−|t|)).

    Never overflows, and keeps full relative precision for large negative t
    (s(−40) = 4.2e-18, not 0). Returns float64 of the shape of t.
    """
    t = np.asarray(t, dtype=np.float64)
    return np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))


class QuadraticCost:
    """C = ½ Σ_x ‖a^L − y‖² (summed over examples)."""

    name = "quadratic"

    @staticmethod
    def value(z, a, y):
        """Σ_x C_x = ½ Σ (a − y)². z, a, y: shape (n_L, m); z is not needed. Returns a float."""
        d = np.asarray(a, dtype=np.float64) - np.asarray(y, dtype=np.float64)
        return 0.5 * float((d * d).sum())

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
    """C = −Σ_x Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)], a = σ(z^L), y in [0, 1]."""

    name = "cross_entropy"

    @staticmethod
    def value(z, a, y):
        """Σ_x C_x = Σ [y·s(−z) + (1 − y)·s(z)], s = softplus, from z^L (module docstring).

        z, a, y: shape (n_L, m); a is not needed. Exact to float64 precision
        however saturated the sigmoid is. Returns a float.
        """
        z = np.asarray(z, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        # s(−z) = max(−z, 0) + t and s(z) = max(z, 0) + t share t = log1p(e^(−|z|))
        t = np.log1p(np.exp(-np.abs(z)))
        return float((y * (np.maximum(-z, 0.0) + t) + (1.0 - y) * (np.maximum(z, 0.0) + t)).sum())

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
    """C = −Σ_x Σ_j y_j ln a_j with a = softmax(z^L); each column of y a probability vector."""

    name = "softmax_cross_entropy"

    @staticmethod
    def value(z, a, y):
        """Σ_x C_x = Σ_x Σ_j y_j (−ln softmax(z)_j), by log-sum-exp from z^L.

        −ln softmax(z)_j = (M − z_j) + log1p(r) with M = max_k z_k and
        r = Σ_{k ≠ argmax} e^(z_k − M): two terms ≥ 0, so no cancellation, and
        log1p keeps the small r of a confident column. z, a, y: shape (n_L, m);
        a is not needed. Returns a float.
        """
        z = np.asarray(z, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        top = np.argmax(z, axis=0)
        cols = np.arange(z.shape[1])
        M = z[top, cols]
        e = np.exp(z - M)
        e[top, cols] = 0.0
        r = e.sum(axis=0)
        return float((y * ((M - z) + np.log1p(r))).sum())

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
_CLASSES = frozenset(COSTS.values())

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
        if name in _CLASSES or all(hasattr(name, attr) for attr in ("value", "delta", "name")):
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


def validate_target(cost, y, name: str = "y") -> None:
    """Raise ValueError if the targets ``y`` (shape (n_L, m)) cannot be right for ``cost``.

    * cross_entropy: every entry in [0, 1] (0/1 labels or probabilities);
      ±1 labels are named and the fix (y + 1) / 2 given.
    * softmax_cross_entropy: every column a probability vector, entries in
      [0, 1] summing to 1 (to 1e-6); integer labels are pointed to
      ``bpcore.datasets.one_hot``.
    * quadratic: any finite y.

    Call after :func:`bpcore.validation.validate_y` (shape and finiteness).
    """
    cost = get_cost(cost)
    y = np.asarray(y)
    if cost.name == "cross_entropy":
        _validate_unit_interval(y, name)
    elif cost.name == "softmax_cross_entropy":
        _validate_probability_columns(y, name)


def _validate_unit_interval(y, name):
    bad = (y < 0) | (y > 1)
    if not np.any(bad):
        return
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    hint = ""
    if np.all((y == -1) | (y == 1)):
        hint = (f" These look like ±1 labels; cross-entropy uses the 0/1 convention "
                f"(1 for the positive class, 0 for the other): pass ({name} + 1) / 2.")
    raise ValueError(
        f"cross-entropy needs every target in [0, 1] (0/1 labels, or probabilities), because "
        f"C = −[y ln a + (1 − y) ln(1 − a)] is a cost only there; {name} has {int(bad.sum())} "
        f"entr{'y' if bad.sum() == 1 else 'ies'} outside, the first {name}{list(first)} = "
        f"{y[first]:g}.{hint}"
    )


def _validate_probability_columns(y, name):
    sums = np.sum(y, axis=0)
    outside = np.any((y < 0) | (y > 1), axis=0)
    bad = outside | (np.abs(sums - 1.0) > PROBABILITY_SUM_TOL)
    if not np.any(bad):
        return
    j = int(np.argmax(bad))
    labels = ""
    if np.all(y == np.round(y)) and np.any(y > 1):
        labels = " It looks like integer class labels."
    raise ValueError(
        f"softmax cross-entropy needs each column of {name} to be a probability vector (entries "
        f"in [0, 1] that sum to 1, e.g. one-hot), because δ^L = a − y holds only then; "
        f"{int(bad.sum())} of {y.shape[1]} column(s) are not, the first is column {j} = "
        f"{np.array2string(y[:, j], precision=4, separator=', ')} (sum {sums[j]:g}).{labels} "
        f"To one-hot integer labels use bpcore.datasets.one_hot(labels, n_classes), which "
        f"returns shape (n_classes, m)."
    )
