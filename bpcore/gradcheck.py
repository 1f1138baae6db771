"""Finite-difference checks of each backprop equation on its own, with a resolution.

The usual gradient check compares only the final ∂C/∂w with finite differences;
when it fails you know *something* is wrong, not what. Here every equation is
checked separately, by perturbing the quantity it defines:

=====  =====================================  =========================================
BP1    δ^L = ∂C/∂z^L                          perturb z^L, re-run layers above, diff C
BP2    δ^l = ∂C/∂z^l, from the *numerical*    perturb z^l
       δ^{l+1}
BP3    ∂C/∂b^l, from the numerical δ^l        perturb b^l
BP4    ∂C/∂w^l, from the numerical δ^l        perturb w^l
=====  =====================================  =========================================

Feeding each equation the numerical (trusted) version of its input isolates
it: a bug in BP1 does not make BP2, BP3 or BP4 wrong too, so the report names
the equation that is wrong. :func:`check_backward` checks a whole backward
pass end to end, and :func:`check_update_step` a training step: backprop's
gradients through the update rule, against a step built from finite differences.

**What finite differences can resolve.** Each comparison is judged against
the error its finite differences can have at the step used: round-off ε·S/h
(ε = 2.2e-16; S adds up the size of everything C is made of, the cost of all m
examples and each layer's products w^k a^{k−1} weighted by |δ^k|:
:mod:`bpcore.resolution`) plus truncation (h²/6)·f''', which is measured, not
guessed (central differences at 2h and h differ by 3 times it); plus a
round-off floor that no h changes (each evaluation's own rounding of a^L moves
the gradient it sees; it matters only near a minimum, where the gradient itself
is rounding); plus the rounding of the equation itself and the error of any
numerical input it is fed.
Elementwise,

    allowed = SAFETY · (finite-difference error + equation rounding) + tol · (|g| + |g_num|)

and each check is **agrees**, **wrong** or **cannot tell** at this h
(:mod:`bpcore.verdicts`). A gradient below what finite differences can resolve
is never called wrong.

**The step h.** ``h=None`` (the default) chooses h per check: it starts at
1e-5 (near ε^(1/3), the bottom of the V in float64) and moves along
1e-7, 1e-6, ..., 1e-2 by factors of 10 while the estimated error keeps falling
(a larger h when round-off dominates, a smaller one when truncation does),
stopping once the resolution is finer than ``tol`` needs. A number uses
exactly that h everywhere. Each check reports the h it used.

Other conventions:

* C is the cost summed over the batch, Σ_x C_x, so that its derivatives are the
  summed gradients that :func:`bpcore.backprop.backward` returns;
* ``rel_error = ‖g − g_num‖ / max(floor, ‖g‖ + ‖g_num‖)`` (floor 1e-12) is
  reported with every check, for comparison with the usual 1e-7 rule of thumb;
  the verdict does not depend on it alone;
* the sizes |δ^k| in the round-off estimate come from bpcore's own backward
  pass; they only set the resolution, never the reference values;
* **float32 is upcast**: finite differences in float32 are swamped by round-off
  (ε ≈ 1.2e-7), so the checker copies the network and data to float64 and
  records that in ``report.notes``.

Nothing is printed; everything comes back as data (:class:`bpcore.verdicts.GradCheckReport`).

Taught in ``notebooks/05_gradient_checking.ipynb`` (and used in 02–04).
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from . import backprop
from .costs import get_cost, validate_cost_output, validate_target
from .network import Network, forward
from .resolution import (EPS, UNKNOWN, Estimate, backward_rounding, bp1_rounding, bp2_errors, gradient_errors,
                         minimum_floor, roundoff_scales)
from .update import update_parameter
from .validation import real_number, validate_eta, validate_network, validate_x, validate_y
from .verdicts import WRONG, EquationCheck, GradCheckReport, advice, judge

__all__ = [
    "DEFAULT_H",
    "DEFAULT_TOL",
    "MAX_TOL",
    "STEPS",
    "SAFETY",
    "numerical_gradient",
    "relative_error",
    "cost_from_z",
    "total_cost",
    "numerical_deltas",
    "numerical_parameter_gradients",
    "check_equations",
    "check_backward",
    "check_update_step",
]

DEFAULT_H = 1e-5          # the plain finite-difference helpers' step; where h=None starts
STEPS = (1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2)   # the steps h=None may choose from
DEFAULT_TOL = 1e-7
MAX_TOL = 1e-2            # tol must be below this
SAFETY = 4.0              # allowed differences are this many times the estimated error
ERROR_FLOOR = 1e-12


def numerical_gradient(f: Callable[[], float], p: np.ndarray, h: float = DEFAULT_H):
    """Central-difference gradient of the scalar ``f()`` with respect to array ``p``.

    ``p`` is perturbed *in place*, one element at a time, and each element is
    restored in a ``finally`` block, so ``p`` is unchanged afterwards even if
    ``f`` raises.

    Parameters
    ----------
    f : callable with no arguments returning a float; it must read ``p``
    p : ndarray of floats, any shape
    h : float, the step

    Returns
    -------
    ndarray, same shape as p: ∂f/∂p_i ≈ (f(p + h e_i) − f(p − h e_i)) / 2h
    """
    grad = np.zeros(p.shape, dtype=np.float64)
    it = np.nditer(p, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = p[i]
        try:
            p[i] = old + h
            f_plus = f()
            p[i] = old - h
            f_minus = f()
        finally:
            p[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic, numeric, floor: float = ERROR_FLOOR) -> float:
    """‖analytic − numeric‖ / max(floor, ‖analytic‖ + ‖numeric‖), Euclidean norms."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    num = np.linalg.norm(analytic - numeric)
    den = max(floor, np.linalg.norm(analytic) + np.linalg.norm(numeric))
    return float(num / den)


def cost_from_z(net: Network, z_l, l: int, y, cost) -> float:
    """Σ_x C_x as a function of z^l: a^l = σ(z^l), then layers l+1..L as usual.

    Parameters
    ----------
    net : Network
    z_l : ndarray, shape (n_l, m)
    l : int, 1 ≤ l ≤ L
    y : ndarray, shape (n_L, m)
    cost : cost class or name
    """
    cost = get_cost(cost)
    z = z_l
    a = net.sigma(l)(z)
    for k in range(l + 1, net.L + 1):
        z = net.w[k] @ a + net.b[k]
        a = net.sigma(k)(z)
    return cost.value(z, a, y)


def total_cost(net: Network, x, y, cost) -> float:
    """Σ_x C_x for inputs x (n_0, m) and targets y (n_L, m), not validated (for finite differences)."""
    z, a = forward(net, x, validate=False)
    return get_cost(cost).value(z[-1], a[-1], y)


def numerical_deltas(net, z, y, cost, h: float = DEFAULT_H) -> list:
    """δ^l = ∂(Σ_x C_x)/∂z^l by central differences in z^l, for l = 1..L.

    z is the forward pass's list (``z[l]`` of shape (n_l, m)); ``cost`` a cost class.
    Returns a list indexed like the network (slot 0 None), ``delta[l]`` of shape (n_l, m).
    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    return [None] + [numerical_gradient(*_delta_problem(net, z, y, cost, l), h)
                     for l in range(1, net.L + 1)]


def numerical_parameter_gradients(net, x, y, cost, h: float = DEFAULT_H):
    """∂(Σ_x C_x)/∂w^l and ∂(Σ_x C_x)/∂b^l by central differences, for l = 1..L.

    x (n_0, m) and y (n_L, m) already validated; ``cost`` a cost class. Returns
    (grad_w, grad_b), lists indexed like the network, shapes of w^l and b^l.
    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    a = forward(net, x, validate=False)[1]
    grad_w = [None] + [numerical_gradient(_layer_cost_of(net, a[l - 1], l, y, cost), net.w[l], h)
                       for l in range(1, net.L + 1)]
    grad_b = [None] + [numerical_gradient(_layer_cost_of(net, a[l - 1], l, y, cost), net.b[l], h)
                       for l in range(1, net.L + 1)]
    return grad_w, grad_b


def _delta_problem(net, z, y, cost, l):
    z_l, cost = np.array(z[l], dtype=np.float64), get_cost(cost)
    return (lambda: cost_from_z(net, z_l, l, y, cost)), z_l


def _layer_cost_of(net, a_prev, l, y, cost):
    """Σ_x C_x as a function of w^l and b^l (read when called), from a fixed a^{l−1}.

    Layers below l do not depend on w^l or b^l, so only layers l..L are re-run:
    the same numbers as a whole forward pass, in fewer operations.
    """
    cost = get_cost(cost)
    return lambda: cost_from_z(net, net.w[l] @ a_prev + net.b[l], l, y, cost)


# --- what finite differences can resolve ------------------------------------------------


def _estimate(f, p, noise: float, floor, h: Optional[float], enough: float) -> Estimate:
    """Central differences of f in p at h (or the best step of STEPS if h is None).

    ``noise`` bounds the rounding error of one evaluation of f, and ``floor``
    (shape of p) the round-off that does not shrink with h. The truncation
    error at step s is measured, Richardson's way: central differences err by
    c·s² + O(s⁴), so g(2s) − g(s) = 3·c·s², and |g(2s) − g(s)| / 3 estimates it,
    as long as g(4s) − g(2s) is about 4 times g(2s) − g(s); where it is not, and the
    correction is not negligible, the truncation error is UNKNOWN (h is too large).
    Beyond the largest of STEPS it is UNKNOWN wherever g(2s) and g(s) differ by more
    than round-off: a few points cannot show that a cost is close to a parabola over
    so wide a step (an exactly quadratic one, where they agree, is still judged).
    The search stops once the error is below ``enough`` times the gradient.
    """
    cache = {}

    def g(s):
        if s not in cache:
            cache[s] = numerical_gradient(f, p, s)
        return cache[s]

    def at(s):
        d1 = np.abs(g(2 * s) - g(s))
        trunc = d1 / 3.0
        # Richardson's estimate holds only while the h² term dominates, where the next
        # difference is 4 times as large; where the correction matters and that fails
        # (h too large for the cost's curvature), the truncation error is unknown.
        curved = d1 > 10 * noise / s + floor   # g changes between s and 2s by more than round-off
        if s > STEPS[-1]:
            trunc = np.where(curved, UNKNOWN, trunc)
        elif np.any(matters := curved & (d1 > 1e-3 * np.abs(g(s)))):
            d2 = np.abs(g(4 * s) - g(2 * s))
            unknown = matters & ((d2 < 3.0 * d1) | (d2 > 5.5 * d1))
            trunc = np.where(unknown, UNKNOWN, np.maximum(trunc, d2 / 12.0))
        e = Estimate(g(s), noise / s + floor, trunc, s, floor)
        return e, float(np.linalg.norm(e.error)), enough * float(np.linalg.norm(e.value))

    best, size, good_size = at(DEFAULT_H if h is None else h)
    if h is not None or size <= good_size or not (np.any(best.value) or np.any(g(2 * best.h))):
        return best  # a fixed h; fine already; or exactly 0, which no step changes
    k = STEPS.index(DEFAULT_H)
    up = 1 if noise / best.h >= float(np.max(best.truncation)) else -1
    while 0 <= k + up < len(STEPS):
        k += up
        e, e_size, e_good = at(STEPS[k])
        if e_size >= size:
            break
        best, size = e, e_size
        if size <= e_good:
            break
    return best


# --- one comparison ------------------------------------------------------------------------


def _compare(equation, layer, quantity, analytic_fn, numeric, rounding, tol, h, near_kink=0,
             unresolved_why=lambda: "") -> EquationCheck:
    """Call the implementation and judge it against ``numeric`` ± ``rounding`` (elementwise).

    ``rounding`` is the estimated error (finite differences plus arithmetic)
    before the SAFETY factor; ``unresolved_why()`` says what to try if the
    gradient is below the resolution. Exceptions and shape errors are "wrong".
    """
    numeric = np.asarray(numeric, dtype=np.float64)
    try:
        analytic = np.asarray(analytic_fn(), dtype=np.float64)
    except Exception as exc:  # the implementation under test is arbitrary code
        hint = ""
        if isinstance(exc, ValueError) and "matmul" in str(exc):
            hint = " (a shape mismatch in a matrix product: check for a missing or extra transpose)"
        why = f"raised {type(exc).__name__}: {exc}{hint}"
        return EquationCheck(equation, layer, quantity, WRONG, float("inf"), h, reason=why,
                             near_kink=near_kink, error=why, numeric=numeric)
    if analytic.shape != numeric.shape:
        why = f"shape {analytic.shape}, expected {numeric.shape}{_shape_hint(analytic.shape, numeric.shape)}"
        return EquationCheck(equation, layer, quantity, WRONG, float("inf"), h, reason=why,
                             near_kink=near_kink, error=why, analytic=analytic, numeric=numeric)
    u = SAFETY * np.asarray(rounding, dtype=np.float64) * np.ones(numeric.shape)
    with np.errstate(invalid="ignore", over="ignore"):  # a NaN or inf result is simply wrong
        diff = np.abs(analytic - numeric)
        allowed = u + tol * (np.abs(analytic) + np.abs(numeric))
        excess = np.where(diff == 0, 0.0, diff / np.maximum(allowed, 1e-300))  # NaN stays NaN
        excess = np.where(np.isfinite(excess), excess, np.inf)
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(excess), excess.shape))
        elem = float(diff[worst] / max(ERROR_FLOOR, abs(analytic[worst]) + abs(numeric[worst])))
        err = relative_error(analytic, numeric)
    err = err if np.isfinite(err) else float("inf")
    resolution, size = float(np.linalg.norm(u)), float(np.linalg.norm(numeric))
    verdict, reason = judge(float(excess[worst]), size, resolution, near_kink, unresolved_why,
                             diff[worst], allowed[worst], analytic[worst], numeric[worst], worst)
    return EquationCheck(equation, layer, quantity, verdict, err, h, resolution, size, reason, worst,
                         float(analytic[worst]), float(numeric[worst]), elem, near_kink, "",
                         analytic, numeric, allowed)


def _shape_hint(got, expected) -> str:
    """What a wrong shape most likely means, in words (empty if nothing specific)."""
    if len(got) == len(expected) == 2 and got == expected[::-1]:
        return " (check for a missing or extra transpose)"
    if len(expected) == 2 and expected[1] == 1 and got == expected[:1]:
        return " (the sum over examples lost its column: keep it with keepdims=True)"
    if len(expected) == 2 and expected[1] == 1 and len(got) == 2 and got[0] == expected[0]:
        return " (one column per example: sum over the examples, the columns, with keepdims=True)"
    return " (compare each factor's shape with the equation's)"


# --- the checkers ---------------------------------------------------------------------------


def _as_float64(net: Network, x, y):
    notes = []
    if any(a.dtype != np.float64 for a in [x, y, *net.w[1:], *net.b[1:]]):
        notes.append(
            "inputs or parameters were not float64; the check upcast copies to float64, because "
            "finite differences in float32 are dominated by round-off"
        )
    net = net.with_params(
        [None] + [np.array(w, dtype=np.float64) for w in net.w[1:]],
        [None] + [np.array(b, dtype=np.float64) for b in net.b[1:]],
    )
    return net, np.array(x, dtype=np.float64), np.array(y, dtype=np.float64), tuple(notes)


def _kinks_from(net: Network, z, l: int, h: float) -> int:
    count = 0
    for k in range(l, net.L + 1):
        for kink in net.sigma(k).kinks:
            count += int(np.sum(np.abs(z[k] - kink) < h))
    return count


class _Problem:
    """Validated float64 copies, the forward pass, bpcore's gradients and the noise scales."""

    def __init__(self, net, x, y, cost, h, tol):
        self.h = None if h is None else real_number(h, "h", above=0)
        # below MAX_TOL: a larger tol would let real bugs pass (a factor of 2 differs by 1/3, a sign by 1)
        self.tol = real_number(tol, "tol", above=0, below=MAX_TOL)
        validate_network(net)
        self.cost = get_cost(cost)
        validate_cost_output(self.cost, net.output)
        x = validate_x(x, net.sizes[0])
        y = validate_y(y, net.sizes[-1], x.shape[1])
        validate_target(self.cost, y)
        self.net, self.x, self.y, self.notes = _as_float64(net, x, y)
        self.z, self.a = forward(self.net, self.x, validate=False)
        self.grads = backprop.backward(self.net, self.x, self.y, self.cost, validate=False)
        self.noise_delta, self.noise_params = roundoff_scales(
            self.net, self.y, self.cost, self.z, self.a, self.grads.delta)
        self.floor = minimum_floor(self.net, self.cost, self.z, self.a, self.y)
        self.enough = self.tol / SAFETY

    def delta(self, l) -> Estimate:
        f, p = _delta_problem(self.net, self.z, self.y, self.cost, l)
        return _estimate(f, p, EPS * self.noise_delta[l], self.floor[l], self.h, self.enough)

    def params(self, l):
        f = _layer_cost_of(self.net, self.a[l - 1], l, self.y, self.cost)
        floor = (self.floor[l] @ np.abs(self.a[l - 1]).T, np.sum(self.floor[l], axis=1, keepdims=True))
        return tuple(_estimate(f, p, EPS * self.noise_params[l], fl, self.h, self.enough)
                     for p, fl in zip((self.net.w[l], self.net.b[l]), floor))

    def kinks(self, l, h):
        return _kinks_from(self.net, self.z, l, h)


def check_equations(
    net: Network,
    x,
    y,
    cost="quadratic",
    *,
    bp1=backprop.output_error,
    bp2=backprop.backpropagate_error,
    bp3=backprop.bias_gradient,
    bp4=backprop.weight_gradient,
    h: Optional[float] = None,
    tol: float = DEFAULT_TOL,
) -> GradCheckReport:
    """Check BP1–BP4 one by one, at every layer, against finite differences.

    Each implementation is called with the same signature as bpcore's
    (``bp1(cost, z_L, a_L, y, sigma)``, ``bp2(w_next, delta_next, z_l, sigma)``,
    ``bp3(delta_l)``, ``bp4(delta_l, a_prev)``) and with *numerically computed*
    inputs, so each check isolates one equation. Pass your own function to
    check it; the defaults check bpcore itself.

    Parameters
    ----------
    net : Network (small: the numerical part costs 2 forward passes per number per step tried)
    x : ndarray, shape (n_0, m); y : ndarray, shape (n_L, m)
    cost : str or cost class
    h : float > 0, or None to choose the step per check (module docstring)
    tol : float, 0 < tol < 0.01; relative differences below tol are never wrong

    Returns
    -------
    GradCheckReport
        Checks in the order BP1 (layer L), BP2 (layers L−1..1), then BP3 and
        BP4 for layers 1..L; each with a verdict "agrees", "wrong" or "cannot tell".

    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    P = _Problem(net, x, y, cost, h, tol)
    net, z, a, y, L = P.net, P.z, P.a, P.y, P.net.L
    d = [None] + [P.delta(l) for l in range(1, L + 1)]
    params = [None] + [P.params(l) for l in range(1, L + 1)]

    def judge(equation, l, quantity, fn, est, fed, inputs=None):
        # fed = (the equation's rounding, its numerical input's error); h is the step of the
        # compared finite difference, and kinks count within the inputs' step too
        step = est.h if inputs is None else max(est.h, inputs.h)
        return _compare(equation, l, quantity, fn, est.value, est.error + fed[0] + fed[1], P.tol, est.h,
                        P.kinks(l, step), lambda: advice(est, *fed, largest_step=STEPS[-1]))

    sigma_L = net.sigma(L)
    checks = [judge("BP1", L, f"δ^{L}", lambda: bp1(P.cost, z[L].copy(), a[L].copy(), y.copy(), sigma_L),
                    d[L], (bp1_rounding(P.cost, z[L], a[L], y, sigma_L), 0.0))]
    for l in range(L - 1, 0, -1):
        fed = bp2_errors(net.w[l + 1], d[l + 1].value, d[l + 1].error, z[l], net.sigma(l))
        checks.append(judge(
            "BP2", l, f"δ^{l}",
            lambda l=l: bp2(net.w[l + 1].copy(), d[l + 1].value.copy(), z[l].copy(), net.sigma(l)),
            d[l], fed, d[l + 1]))
    fed = [None] + [gradient_errors(d[l].value, d[l].error, a[l - 1]) for l in range(1, L + 1)]
    for l in range(1, L + 1):
        checks.append(judge("BP3", l, f"∂C/∂b^{l}", lambda l=l: bp3(d[l].value.copy()),
                            params[l][1], fed[l][0], d[l]))
    for l in range(1, L + 1):
        checks.append(judge("BP4", l, f"∂C/∂w^{l}", lambda l=l: bp4(d[l].value.copy(), a[l - 1].copy()),
                            params[l][0], fed[l][1], d[l]))
    return GradCheckReport(checks, P.tol, P.h, P.notes)


def check_backward(
    net: Network,
    x,
    y,
    cost="quadratic",
    *,
    backward_fn=backprop.backward,
    h: Optional[float] = None,
    tol: float = DEFAULT_TOL,
) -> GradCheckReport:
    """End-to-end check: a whole backward pass's ∂C/∂b^l and ∂C/∂w^l.

    ``backward_fn(net, x, y, cost)`` must return an object with ``grad_w`` and
    ``grad_b`` lists indexed 1..L (like :class:`bpcore.backprop.Gradients`).
    h and tol as for :func:`check_equations`.

    Returns
    -------
    GradCheckReport with equation "backward" for every check.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
    """
    P = _Problem(net, x, y, cost, h, tol)
    round_w, round_b = backward_rounding(P.net, P.cost, P.z, P.a, P.y, P.grads.delta)
    try:
        grads = backward_fn(P.net, P.x.copy(), P.y.copy(), P.cost)
        failure = None
    except Exception as exc:
        grads, failure = None, exc
    checks = []
    for l in range(1, P.net.L + 1):
        est_w, est_b = P.params(l)
        for name, est, rounding in (("b", est_b, round_b[l]), ("w", est_w, round_w[l])):
            def analytic(l=l, name=name):
                if failure is not None:
                    raise failure
                return getattr(grads, f"grad_{name}")[l]
            def why(est=est, rounding=rounding):
                return advice(est, rounding, largest_step=STEPS[-1])
            checks.append(_compare("backward", l, f"∂C/∂{name}^{l}", analytic, est.value,
                                   est.error + rounding, P.tol, est.h, P.kinks(l, est.h), why))
    return GradCheckReport(checks, P.tol, P.h, P.notes)


def check_update_step(
    net: Network,
    x,
    y,
    cost="quadratic",
    *,
    update_fn=update_parameter,
    backward_fn=backprop.backward,
    eta: float = 0.5,
    h: Optional[float] = None,
    tol: float = DEFAULT_TOL,
) -> GradCheckReport:
    """Check a training step p → p − (η/m) Σ_x ∂C_x/∂p against finite differences.

    For each layer's w^l and b^l, ``update_fn(p, grad_sum, eta, m)`` is given
    the summed gradient of the backward pass under test (``backward_fn(net, x, y,
    cost).grad_w[l]`` and ``.grad_b[l]``), and the step it makes, p_new − p, is
    compared with −(η/m)·g_num, where g_num is Σ_x ∂C_x/∂p computed independently
    by central differences. So the check fails when the update rule is wrong (a
    missing 1/m, a wrong sign, ...) *or* when the gradients it was given are. The
    resolution is (η/m) times that of the finite differences, plus the rounding of
    p − step. The batch size m is x's column count (use m ≥ 2 so that a missing
    1/m shows). ``quantity`` reads "w^l" or "b^l"; each check's ``h`` is the step
    of the finite differences.

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    eta = validate_eta(eta)
    P = _Problem(net, x, y, cost, h, tol)
    m = P.x.shape[1]
    round_w, round_b = backward_rounding(P.net, P.cost, P.z, P.a, P.y, P.grads.delta)
    try:
        grads, failure = backward_fn(P.net, P.x.copy(), P.y.copy(), P.cost), None
    except Exception as exc:  # the implementation under test is arbitrary code
        grads, failure = None, exc
    checks = []
    for l in range(1, P.net.L + 1):
        est_w, est_b = P.params(l)
        for name, p, est, grad_rounding in (("w", P.net.w[l], est_w, round_w[l]),
                                            ("b", P.net.b[l], est_b, round_b[l])):
            expected = -(eta / m) * est.value
            rounding = (eta / m) * (est.error + grad_rounding) + 4 * EPS * (np.abs(p) + np.abs(expected))

            def step(l=l, name=name, p=p):
                if failure is not None:
                    raise failure
                grad_sum = np.array(getattr(grads, f"grad_{name}")[l], dtype=np.float64)
                return np.asarray(update_fn(p.copy(), grad_sum, eta, m)) - p

            def why(est=est, grad_rounding=grad_rounding):
                return advice(est, grad_rounding, largest_step=STEPS[-1])

            checks.append(_compare("update", l, f"{name}^{l}", step, expected, rounding, P.tol, est.h,
                                   P.kinks(l, est.h), why))
    return GradCheckReport(checks, P.tol, P.h, P.notes)
