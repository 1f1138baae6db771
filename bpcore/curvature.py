"""The curvature of the mean loss, and the learning rates it allows.

bpcore's update w → w − (η/m) Σ_x ∂C_x/∂w is a step of η on the **mean** loss
over the minibatch, C̄ = (1/m) Σ_x C_x. Near a minimum C̄ is roughly a quadratic
whose curvature along its sharpest direction is λ_max, the largest eigenvalue
of the Hessian H = ∂²C̄/∂θ². Along an eigenvector with curvature λ one step
multiplies the distance to the minimum by (1 − ηλ), so

    0 < η ≤ 1/λ        the distance shrinks monotonically     (converging)
    1/λ < η < 2/λ      it flips sign every step and shrinks   (oscillating)
    η > 2/λ            it flips sign and grows                (diverging)

and η = 2/λ_max is the edge of stability: exactly so for full-batch descent
(m = N) on a quadratic loss, approximately for a network near its current
weights. Here θ is every parameter in one flat vector, in the order
w^1 (row by row), b^1, w^2, b^2, ..., w^L, b^L.

λ_max comes from power iteration on Hessian-vector products Hv, and each Hv
from central differences of exact backprop gradients of C̄:
Hv ≈ (∇C̄(θ + εv) − ∇C̄(θ − εv)) / (2ε). No Hessian is ever stored.

Taught in ``notebooks/06_the_update_rule.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .backprop import backward
from .costs import get_cost, validate_cost_output, validate_target
from .network import Network
from .train import ended_above
from .validation import real_number, validate_eta, validate_network, validate_x, validate_y, whole_number

__all__ = ["REGIMES", "Sharpness", "CurvatureMarks", "mean_gradient", "hessian_vector_product",
           "largest_eigenvalue", "sharpness", "edge_of_stability", "step_regime", "run_regime",
           "curvature_marks"]

#: The labels :func:`step_regime` and :func:`run_regime` return.
REGIMES = ("converging", "oscillating", "diverging")


@dataclass(frozen=True)
class Sharpness:
    """The largest eigenvalue λ_max of a symmetric map (for the Hessian of C̄: the sharpness).

    Attributes
    ----------
    lambda_max : float
        The estimate: the Rayleigh quotient v·Hv of the last unit vector v.
    v : ndarray, shape (P,)
        That unit vector, the eigenvector estimate (flat parameter order, see the module).
    iterations : int
        Products Hv used (each costs two backward passes for a network).
    converged : bool
        True if the estimate changed by at most tol (relative) between two iterations.
    """

    lambda_max: float
    v: np.ndarray
    iterations: int
    converged: bool


def _theta(net: Network):
    """All parameters as one flat vector θ: w^1, b^1, ..., w^L, b^L."""
    return np.concatenate([p.ravel() for l in range(1, net.L + 1) for p in (net.w[l], net.b[l])])


def _with_theta(net: Network, theta):
    """The Network whose flat parameter vector is θ (inverse of :func:`_theta`)."""
    w, b, k = [None], [None], 0
    for l in range(1, net.L + 1):
        for out, shape in ((w, net.w[l].shape), (b, net.b[l].shape)):
            size = int(np.prod(shape))
            out.append(theta[k:k + size].reshape(shape))
            k += size
    return net.with_params(w, b)


def mean_gradient(net: Network, x, y, cost="quadratic", validate: bool = True):
    """∇C̄ = (1/N) Σ_x ∇C_x, the gradient of the mean loss, as one flat vector.

    Backprop's sums (:func:`bpcore.backprop.backward`) divided by N, laid out
    as θ is: w^1 (row by row), b^1, ..., w^L, b^L. Shape (P,). The update
    with m = N is θ → θ − η ∇C̄.

    Parameters as for :func:`bpcore.backprop.backward`: x (n_0, N), y (n_L, N).

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    g = backward(net, x, y, cost, validate=validate)
    return np.concatenate([p.ravel() for l in range(1, net.L + 1)
                           for p in (g.grad_w[l], g.grad_b[l])]) / g.m


def _validated(net, x, y, cost):
    validate_network(net)
    cost = get_cost(cost)
    validate_cost_output(cost, net.output)
    x = validate_x(x, net.sizes[0])
    y = validate_y(y, net.sizes[-1], x.shape[1])
    validate_target(cost, y)
    return x, y, cost


def _hvp_fn(net, x, y, cost, h):
    """v ↦ Hv by central differences of ∇C̄, with step ε = h·max(1, ‖θ‖)/‖v‖."""
    theta = _theta(net)
    scale = h * max(1.0, float(np.linalg.norm(theta)))

    def hvp(v):
        norm = float(np.linalg.norm(v))
        if norm == 0.0:
            return np.zeros_like(theta)
        eps = scale / norm
        g_plus = mean_gradient(_with_theta(net, theta + eps * v), x, y, cost, validate=False)
        g_minus = mean_gradient(_with_theta(net, theta - eps * v), x, y, cost, validate=False)
        return (g_plus - g_minus) / (2.0 * eps)

    return hvp, theta.size


def hessian_vector_product(net: Network, x, y, cost="quadratic", v=None, h: float = 1e-5):
    """Hv, the Hessian of the mean loss C̄ = (1/N) Σ_x C_x times a vector v.

    Hv ≈ (∇C̄(θ + εv) − ∇C̄(θ − εv)) / (2ε), both gradients exact (backprop), with
    the relative step ε = h·max(1, ‖θ‖)/‖v‖. Exact up to rounding when C̄ is a
    quadratic in θ; otherwise off by O(ε²).

    Parameters
    ----------
    net : Network, with P parameters in all
    x : ndarray, shape (n_0, N); y : ndarray, shape (n_L, N)
    cost : str or cost class
    v : ndarray, shape (P,), in the flat order w^1, b^1, ..., w^L, b^L
    h : float > 0, the relative finite-difference step

    Returns
    -------
    ndarray, shape (P,)

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    x, y, cost = _validated(net, x, y, cost)
    hvp, P = _hvp_fn(net, x, y, cost, real_number(h, "the relative finite-difference step h", above=0))
    v = np.asarray(v, dtype=float) if v is not None else None
    if v is None or v.shape != (P,):
        raise ValueError(f"v must be a flat vector of shape ({P},), one entry per parameter of "
                         f"{net!r}; got {None if v is None else v.shape}")
    return hvp(v)


def _power(matvec, v, tol, max_iterations):
    """Power iteration from the unit vector v: (estimate, v, iterations, converged)."""
    estimate = None
    for k in range(1, max_iterations + 1):
        Hv = matvec(v)
        new = float(v @ Hv)  # Rayleigh quotient of the unit vector v
        norm = float(np.linalg.norm(Hv))
        if norm == 0.0:  # v is in the null space: Hv = 0v
            return 0.0, v, k, True
        if estimate is not None and abs(new - estimate) <= tol * abs(new):
            return new, v, k, True
        estimate, v = new, Hv / norm
    return estimate, v, max_iterations, False


def largest_eigenvalue(matvec: Callable, size: int, rng=0, tol: float = 1e-6,
                       max_iterations: int = 500) -> Sharpness:
    """λ_max of a symmetric P×P matrix H known only through its products v ↦ Hv.

    Power iteration: v ← Hv/‖Hv‖ from a random unit v, until the Rayleigh
    quotient v·Hv changes by at most ``tol`` relative to itself. It finds the
    eigenvalue largest in *magnitude*; if that is negative (a direction of
    strong negative curvature), it runs again on H − μI, whose eigenvalues
    λ_i − μ ≥ 0 put λ_max − μ on top, and adds μ back.

    Parameters
    ----------
    matvec : callable, ndarray (P,) → ndarray (P,)
    size : int, P
    rng : numpy.random.Generator or int, seeds the start vector
    tol : float > 0; max_iterations : int ≥ 1, per power iteration

    Returns
    -------
    Sharpness

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    size = whole_number(size, "size", minimum=1)
    tol = real_number(tol, "the relative tolerance tol", above=0)
    max_iterations = whole_number(max_iterations, "max_iterations", minimum=1)
    rng = np.random.default_rng(rng)

    def start():
        v = rng.standard_normal(size)
        return v / np.linalg.norm(v)

    mu, v, k, ok = _power(matvec, start(), tol, max_iterations)
    if mu >= 0:
        return Sharpness(mu, v, k, ok)
    top, v, k2, ok2 = _power(lambda u: matvec(u) - mu * u, start(), tol, max_iterations)
    return Sharpness(top + mu, v, k + k2, ok and ok2)


def sharpness(net: Network, x, y, cost="quadratic", rng=0, tol: float = 1e-6,
              max_iterations: int = 500, h: float = 1e-5) -> Sharpness:
    """λ_max of the Hessian of the mean loss C̄ = (1/N) Σ_x C_x at the current weights.

    Power iteration (:func:`largest_eigenvalue`) on Hessian-vector products
    (:func:`hessian_vector_product`). Each iteration costs two backward passes
    over the N columns of x. Full-batch descent with η > 2/λ_max is unstable
    along the eigenvector ``v``; see :func:`edge_of_stability`.

    Parameters
    ----------
    net : Network
    x : ndarray, shape (n_0, N); y : ndarray, shape (n_L, N)
    cost : str or cost class
    rng : numpy.random.Generator or int, seeds the start vector
    tol, max_iterations : stopping rule, see :func:`largest_eigenvalue`
    h : float > 0, relative finite-difference step

    Returns
    -------
    Sharpness, with ``v`` of shape (P,) in the order w^1, b^1, ..., w^L, b^L

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    x, y, cost = _validated(net, x, y, cost)
    hvp, P = _hvp_fn(net, x, y, cost, real_number(h, "the relative finite-difference step h", above=0))
    return largest_eigenvalue(hvp, P, rng, tol, max_iterations)


def edge_of_stability(lambda_max: float) -> float:
    """η = 2/λ_max, the largest stable learning rate of full-batch descent on C̄.

    The update w → w − (η/m) Σ_x ∂C_x/∂w is a step of η on the mean loss, so the
    λ_max to pass is that of the mean loss (:func:`sharpness`). Returns inf when
    λ_max ≤ 0: no direction curves up, so no step size overshoots.

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    lambda_max = real_number(lambda_max, "lambda_max")
    return 2.0 / lambda_max if lambda_max > 0 else float("inf")


def step_regime(eta: float, lam: float) -> str:
    """What one direction of curvature λ > 0 does under steps of η: w ← (1 − ηλ) w.

    Returns "converging" for 0 < η ≤ 1/λ (0 ≤ 1 − ηλ < 1), "oscillating" for
    1/λ < η < 2/λ (−1 < 1 − ηλ < 0: w changes sign each step and shrinks), and
    "diverging" for η ≥ 2/λ (|1 − ηλ| ≥ 1; at η = 2/λ exactly |w| stays put).

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    eta = validate_eta(eta)
    lam = real_number(lam, "the curvature lam")
    if lam <= 0:
        raise ValueError(f"the step regimes need a curvature lam > 0; got lam={lam!r}")
    factor = 1.0 - eta * lam
    return "converging" if factor >= 0 else "oscillating" if factor > -1 else "diverging"


def run_regime(loss, rise_fraction: float = 0.25) -> str:
    """Label a training run from its loss history: "converging", "oscillating" or "diverging".

    Rules, first match wins, for losses L_0, ..., L_T (at least two):

    1. "diverging" if some L_t is NaN or ±inf, or the run ended above where it
       started (L_T > L_0 by more than 1 %, :func:`bpcore.train.ended_above`); also if
       ``loss`` is a History with ``diverged`` set.
    2. "oscillating" if the rises add up to at least ``rise_fraction`` of the
       falls: Σ max(L_t − L_{t−1}, 0) ≥ rise_fraction · Σ max(L_{t−1} − L_t, 0).
       The loss zig-zags on its way down.
    3. "converging" otherwise: the loss ended lower, falling (almost) every step.

    On an exactly quadratic loss the loss falls every step even while w
    oscillates (each direction's term λw²/2 shrinks), so rule 2 fires only
    where the curvature changes along the bounce, or for minibatch noise.

    Parameters
    ----------
    loss : sequence of float, or a bpcore.train.History (its ``loss`` and ``diverged``).
        Pass ``[start_loss] + history.loss`` to include the loss before the first epoch.
    rise_fraction : float in (0, 1)

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    if hasattr(loss, "diverged") and hasattr(loss, "loss"):
        if loss.diverged:
            return "diverging"
        loss = loss.loss
    rise_fraction = real_number(rise_fraction, "rise_fraction", minimum=0.0, maximum=1.0)
    try:
        L = np.asarray(loss, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"loss must be a sequence of numbers or a History; got {type(loss).__name__}") from None
    if L.ndim != 1 or L.size < 2:
        raise ValueError(f"loss must be a 1-D sequence of at least two losses; got shape {L.shape}")
    if not np.all(np.isfinite(L)) or ended_above(L[0], L[-1]):
        return "diverging"
    d = np.diff(L)
    rises, falls = float(np.sum(d[d > 0])), float(-np.sum(d[d < 0]))
    return "oscillating" if rises > 0 and rises >= rise_fraction * falls else "converging"


@dataclass(frozen=True)
class CurvatureMarks:
    """Learning rates read from λ_max of the mean training loss at the current weights.

    Attributes
    ----------
    lambda_max : float
    eta_oscillation : float, 1/λ_max (above it the sharpest direction flips sign each step)
    eta_edge : float, 2/λ_max (above it full-batch descent diverges along that direction)
    converged : bool, whether the power iteration met its tolerance
    """

    lambda_max: float
    eta_oscillation: float
    eta_edge: float
    converged: bool


def curvature_marks(net: Network, x, y, cost="quadratic", rng=0, tol: float = 1e-4,
                    max_iterations: int = 300) -> CurvatureMarks:
    """1/λ_max and 2/λ_max for ``net`` on (x, y): marks for a learning-rate slider.

    :func:`sharpness` with a tolerance loose enough to be cheap (a mark on a
    log-scale slider needs no six digits). Pure: same inputs, same numbers.

    Parameters
    ----------
    net : Network; x : (n_0, N); y : (n_L, N); cost : str or cost class
    rng : seed of the start vector; tol, max_iterations : see :func:`largest_eigenvalue`

    Returns
    -------
    CurvatureMarks (inf marks when λ_max ≤ 0)

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    est = sharpness(net, x, y, cost, rng=rng, tol=tol, max_iterations=max_iterations)
    lam = est.lambda_max
    return CurvatureMarks(lam, 1.0 / lam if lam > 0 else float("inf"), edge_of_stability(lam), est.converged)
