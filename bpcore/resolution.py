"""What finite differences can resolve: bounds on round-off and rounding, elementwise.

A central difference g(h) = (C(p + h) − C(p − h)) / 2h is off by

* round-off: each computed C is off by at most ε·S (ε = 2.2e-16), where S adds
  up the size of everything C is made of (:func:`roundoff_scales`); the
  difference of two such values, divided by 2h, is off by up to ε·S/h;
* truncation: (h²/6)·f''' + O(h⁴), measured by :mod:`bpcore.gradcheck` from
  g(2h) − g(h) = 3·(h²/6)·f''' (Richardson), not bounded here.

An equation fed a numerical input passes that input's error on (BP2 gets a
numerical δ^{l+1}, BP3 and BP4 a numerical δ^l), and its own arithmetic rounds
too; :func:`bp1_rounding`, :func:`bp2_errors`, :func:`gradient_errors` and
:func:`backward_rounding` bound those. All arrays have the shape of the
quantity they bound.

Round-off has a second part that does not shrink as h grows, which matters
only near a minimum: each evaluation computes a^L (and z^L) with its own
rounding error e, so the two costs are those of slightly moved outputs, and
their difference over 2h is off by about Σ |∂a^L/∂p|·|e|, whatever h is. Far
from a minimum this is negligible next to the gradient; at an exact minimum,
where the gradient is itself of the size of rounding, it is all there is.
:func:`forward_rounding` bounds e layer by layer and :func:`minimum_floor`
carries it back like δ, through |w| and |σ'|.

The round-off bounds are deliberately on the safe side: where round-off
dominates, the measured errors are 10 to 100 times smaller.
``tests/test_gradcheck.py`` checks that the whole estimate (bound plus measured
truncation) is never exceeded by more than half the checker's safety factor.

Taught in ``notebooks/05_gradient_checking.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["EPS", "UNKNOWN", "Estimate", "roundoff_scales", "forward_rounding", "minimum_floor", "bp1_rounding",
           "bp2_errors", "gradient_errors", "backward_rounding"]

EPS = float(np.finfo(np.float64).eps)
UNKNOWN = 1e100  # an error that cannot be estimated (finite, so that sums and products with 0 stay numbers)


@dataclass(frozen=True)
class Estimate:
    """A central difference with its error, elementwise: value ± (roundoff + truncation).

    Attributes
    ----------
    value : ndarray, the central difference at step h
    roundoff, truncation : ndarray of the same shape, the two parts of its error
    h : float, the step
    floor : ndarray or 0.0, the part of ``roundoff`` that no step changes (:func:`minimum_floor`)
    """

    value: np.ndarray
    roundoff: np.ndarray
    truncation: np.ndarray
    h: float
    floor: object = 0.0

    @property
    def error(self):
        return self.roundoff + self.truncation


def roundoff_scales(net, y, cost, z, a, delta):
    """(S for δ^l, S for w^l and b^l), lists indexed l = 1..L (slot 0 None).

    ε·S bounds the rounding error of one evaluation of C = Σ_x C_x when that
    quantity is perturbed. S adds up the magnitudes whose rounding reaches C:
    the cost's terms (≥ 0, so their sum is C; summed pairwise over the n_L·m
    terms of **all** examples), for the quadratic cost a^L − y, and each re-run
    layer's |w^k||a^{k−1}| + |b^k| (a sum of n_{k−1} products, rounding like
    √n_{k−1}, then σ) weighted by |δ^k|, which is how far C moves per unit of z^k.
    Perturbing w^l or b^l re-runs layers l..L; perturbing z^l re-runs the layers
    above l and rounds z^l ± h itself.

    Parameters
    ----------
    net : Network; y : ndarray (n_L, m); cost : cost class
    z, a : the forward pass's lists; delta : the backward pass's δ^l list (sizes only)
    """
    L, (n_L, m) = net.L, y.shape
    S_cost = (2 + np.log2(n_L * m + 1)) * abs(cost.value(z[L], a[L], y))
    if cost.name not in ("cross_entropy", "softmax_cross_entropy"):  # these read z^L, not a^L
        S_cost += 2 * float(np.sum(np.abs(a[L] - y) * (np.abs(a[L]) + np.abs(y))))
    layer = [0.0] * (L + 2)
    for k in range(1, L + 1):
        size = np.abs(net.w[k]) @ np.abs(a[k - 1]) + np.abs(net.b[k])
        layer[k] = (np.sqrt(net.sizes[k - 1]) + 2) * float(np.sum(np.abs(delta[k]) * size))
    for_delta = [None] + [S_cost + sum(layer[l + 1:]) + 2 * float(np.sum(np.abs(delta[l] * z[l])))
                          for l in range(1, L + 1)]
    return for_delta, [None] + [S_cost + sum(layer[l:]) for l in range(1, L + 1)]


def _spread(sigma, z, a, err):
    """Bound of |J| err for the output Jacobian J = ∂a/∂z of one layer (err: per z unit). Shape of z."""
    if sigma.elementwise:
        return np.abs(sigma.prime(z)) * err
    # softmax: Σ_j |a_i(δ_ij − a_j)| err_j ≤ 2 a_i max_j err_j
    return 2 * np.abs(a) * np.max(err, axis=0, keepdims=True)


def forward_rounding(net, a):
    """Bounds on the rounding error of a forward pass, (for z^l, for a^l), lists indexed l = 1..L.

    z^k = w^k a^{k−1} + b^k rounds like its products (n_{k−1} of them) and passes
    on a^{k−1}'s error through |w^k|; a^k = σ(z^k) passes on z^k's error through
    σ' and rounds by ε|a^k|. a^0 = x is exact. Each array has the shape (n_l, m).
    """
    L = net.L
    err_z, err_a = [None] * (L + 1), [np.zeros_like(a[0])] + [None] * L
    for k in range(1, L + 1):
        size = np.abs(net.w[k]) @ np.abs(a[k - 1]) + np.abs(net.b[k])
        err_z[k] = np.abs(net.w[k]) @ err_a[k - 1] + (np.sqrt(net.sizes[k - 1]) + 2) * EPS * size
        z_k = net.w[k] @ a[k - 1] + net.b[k]
        err_a[k] = _spread(net.sigma(k), z_k, a[k], err_z[k]) + 2 * EPS * np.abs(a[k])
    return err_z, err_a


def minimum_floor(net, cost, z, a, y):
    """The h-independent part of the round-off of numerical δ^l, list indexed l = 1..L (slot 0 None).

    A cost evaluated at outputs moved by rounding, a^L + e, has a gradient moved
    by about (∂²C/∂z^L²)·e: for the quadratic cost |σ'(z^L)|·(|e_a| + ε(|a^L| + |y|))
    plus |a^L − y|·|e_z| (|σ''| ≤ 1 for bpcore's activations); for the cross-entropies,
    which read z^L, |∂a/∂z^L|·|e_z|. That floor at z^L goes back like δ
    (BP2 in absolute values): F^l = (|w^{l+1}|^T F^{l+1}) ⊙ |σ'(z^l)|. The floor of
    ∂C/∂w^l is F^l |a^{l−1}|^T and that of ∂C/∂b^l is Σ_x F^l. Shapes (n_l, m).
    """
    L = net.L
    err_z, err_a = forward_rounding(net, a)
    sigma_L = net.sigma(L)
    if cost.name in ("cross_entropy", "softmax_cross_entropy"):
        floor_L = _spread(sigma_L, z[L], a[L], err_z[L])
    else:
        floor_L = (_spread(sigma_L, z[L], a[L], err_a[L] + 2 * EPS * (np.abs(a[L]) + np.abs(y)))
                   + np.abs(a[L] - y) * err_z[L])
    floor = [None] * (L + 1)
    floor[L] = floor_L
    for l in range(L - 1, 0, -1):
        floor[l] = _spread(net.sigma(l), z[l], a[l], np.abs(net.w[l + 1]).T @ floor[l + 1])
    return floor


def bp1_rounding(cost, z_L, a_L, y, sigma):
    """Rounding of BP1's a − y (times σ'(z^L) for the quadratic cost). Shape (n_L, m)."""
    scale = np.abs(a_L) + np.abs(y)
    if cost.name == "quadratic" and sigma.elementwise:
        scale = scale * np.abs(sigma.prime(z_L))
    return 4 * EPS * scale


def bp2_errors(w_next, delta_next, error_next, z_l, sigma):
    """BP2's ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l): (its own rounding, δ^{l+1}'s error passed on).

    w_next (n_{l+1}, n_l); delta_next, error_next (n_{l+1}, m); z_l (n_l, m).
    Returns two arrays of shape (n_l, m).
    """
    sp = np.abs(sigma.prime(z_l))
    n = w_next.shape[0]
    return ((n + 4) * EPS * (np.abs(w_next).T @ np.abs(delta_next)) * sp,
            (np.abs(w_next).T @ error_next) * sp)


def gradient_errors(delta, delta_error, a_prev):
    """BP3 (Σ_x δ^l) and BP4 (δ^l (a^{l−1})^T), each as (own rounding, δ^l's error passed on).

    delta, delta_error (n_l, m); a_prev (n_{l−1}, m). Returns
    ((rounding, passed on) of shape (n_l, 1), (rounding, passed on) of shape (n_l, n_{l−1})).
    """
    m = delta.shape[1]
    err_b = ((m + 2) * EPS * np.sum(np.abs(delta), axis=1, keepdims=True),
             np.sum(delta_error, axis=1, keepdims=True))
    err_w = ((m + 2) * EPS * (np.abs(delta) @ np.abs(a_prev).T), delta_error @ np.abs(a_prev).T)
    return err_b, err_w


def backward_rounding(net, cost, z, a, y, delta):
    """Rounding of a correct backward pass, (for ∂C/∂w^l, for ∂C/∂b^l), lists indexed l = 1..L."""
    L = net.L
    err = [None] * (L + 1)
    err[L] = bp1_rounding(cost, z[L], a[L], y, net.sigma(L))
    for l in range(L - 1, 0, -1):
        err[l] = sum(bp2_errors(net.w[l + 1], delta[l + 1], err[l + 1], z[l], net.sigma(l)))
    out = [None] + [gradient_errors(delta[l], err[l], a[l - 1]) for l in range(1, L + 1)]
    return [None] + [sum(o[1]) for o in out[1:]], [None] + [sum(o[0]) for o in out[1:]]
