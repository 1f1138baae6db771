"""Finite-difference checks of each backprop equation on its own.

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
it: a bug in BP1 does not make BP2, BP3 or BP4 fail too, so the report names
the equation that is wrong. :func:`check_backward` checks a whole backward
pass end to end, and :func:`check_update_step` a training step: backprop's
gradients through the update rule, against a step built from finite differences.

Conventions, after CS231n's ``gradient_check.py`` and deeplearning.ai:

* central differences, (C(p + h) − C(p − h)) / 2h, default h = 1e-6 in float64;
  the perturbed array is restored in a ``finally`` block;
* C is the cost summed over the batch, Σ_x C_x, so that its derivatives are the
  summed gradients that :func:`bpcore.backprop.backward` returns;
* ``rel_error = ‖g − g_num‖ / max(floor, ‖g‖ + ‖g_num‖)`` with floor 1e-12, so two
  near-zero gradients do not make a huge ratio; the worst single element and
  its own elementwise relative error are reported too;
* elements of z within h of a ReLU kink are counted in ``near_kink``: a
  mismatch there is expected, not a bug;
* **float32 is upcast**: finite differences in float32 are swamped by round-off
  (ε ≈ 1e-7, so C(p ± h) differ in their last digits), so the checker copies the
  network and data to float64 and records that in ``report.notes``.

Nothing is printed; everything comes back as data (:class:`GradCheckReport`).

Taught in ``notebooks/05_gradient_checking.ipynb`` (and used in 02–04).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from . import backprop
from .costs import validate_cost_output, get_cost
from .network import Network, forward
from .update import update_parameter
from .validation import validate_x, validate_y

__all__ = [
    "DEFAULT_H",
    "DEFAULT_TOL",
    "numerical_gradient",
    "relative_error",
    "cost_from_z",
    "numerical_deltas",
    "numerical_parameter_gradients",
    "EquationCheck",
    "GradCheckReport",
    "check_equations",
    "check_backward",
    "check_update_step",
]

DEFAULT_H = 1e-6
DEFAULT_TOL = 1e-7
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
    a = net.sigma(l)(z_l)
    for k in range(l + 1, net.L + 1):
        a = net.sigma(k)(net.w[k] @ a + net.b[k])
    return get_cost(cost).value(a, y)


@dataclass(frozen=True)
class EquationCheck:
    """One equation at one layer, compared with finite differences.

    Attributes
    ----------
    equation : str
        "BP1", "BP2", "BP3", "BP4", "backward" (end-to-end) or "update".
    layer : int
    quantity : str
        What was compared, e.g. "δ^2" or "∂C/∂w^1".
    rel_error : float
        ‖g − g_num‖ / max(floor, ‖g‖ + ‖g_num‖); inf if the shapes differ or the
        implementation raised.
    passed : bool
        rel_error ≤ tol.
    worst_index : tuple or None
        Element with the largest |g − g_num|.
    worst_analytic, worst_numeric : float or None
        The two values at that element.
    worst_elementwise_error : float or None
        |g − g_num| / max(floor, |g| + |g_num|) at that element.
    near_kink : int
        Elements of z^k (k ≥ layer) within h of an activation's kink.
    error : str
        Why the comparison could not be made (exception or shape), else "".
    analytic, numeric : ndarray or None
        The full arrays.
    """

    equation: str
    layer: int
    quantity: str
    rel_error: float
    passed: bool
    worst_index: Optional[tuple] = None
    worst_analytic: Optional[float] = None
    worst_numeric: Optional[float] = None
    worst_elementwise_error: Optional[float] = None
    near_kink: int = 0
    error: str = ""
    analytic: Optional[np.ndarray] = field(default=None, repr=False, compare=False)
    numeric: Optional[np.ndarray] = field(default=None, repr=False, compare=False)

    def describe(self) -> str:
        """One line in words."""
        status = "ok  " if self.passed else "FAIL"
        text = f"{status} {self.equation:<8} layer {self.layer}  {self.quantity:<10} rel. error {self.rel_error:.2e}"
        if self.error:
            text += f"  ({self.error})"
        elif not self.passed and self.worst_index is not None:
            text += (
                f"  worst element {self.worst_index}: ours {self.worst_analytic:.6g}, "
                f"finite differences {self.worst_numeric:.6g}"
            )
        if self.near_kink:
            text += f"  [{self.near_kink} z value(s) within h of a kink: a mismatch there is expected]"
        return text


@dataclass(frozen=True)
class GradCheckReport:
    """All the checks of one run, as data.

    Attributes
    ----------
    checks : list of EquationCheck
    tol : float
    h : float
    notes : tuple of str
        E.g. that float32 inputs were upcast.
    """

    checks: list
    tol: float
    h: float
    notes: tuple = ()

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list:
        return [c for c in self.checks if not c.passed]

    @property
    def failing_equations(self) -> list:
        """Names of the equations with at least one failing layer, in order."""
        return list(dict.fromkeys(c.equation for c in self.failures))

    def worst(self, equation: Optional[str] = None) -> float:
        """Largest rel_error over all checks (or those of one equation)."""
        errs = [c.rel_error for c in self.checks if equation in (None, c.equation)]
        return max(errs) if errs else float("nan")

    def by_equation(self) -> dict:
        """{equation: worst rel_error} in the order checked."""
        return {eq: self.worst(eq) for eq in dict.fromkeys(c.equation for c in self.checks)}

    def summary(self) -> str:
        """The report as text, one check per line (returned, not printed)."""
        lines = [c.describe() for c in self.checks]
        lines += [f"note: {n}" for n in self.notes]
        verdict = "all equations agree with finite differences" if self.passed else (
            "wrong: " + ", ".join(self.failing_equations))
        lines.append(f"{verdict} (tol {self.tol:g}, h {self.h:g})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _compare(equation, layer, quantity, analytic_fn, numeric, tol, near_kink=0) -> EquationCheck:
    """Call the implementation and compare; exceptions and shape errors become failures."""
    try:
        analytic = np.asarray(analytic_fn(), dtype=np.float64)
    except Exception as exc:  # the implementation under test is arbitrary code
        hint = ""
        if isinstance(exc, ValueError) and "matmul" in str(exc):
            hint = " (a shape mismatch in a matrix product: check for a missing or extra transpose)"
        return EquationCheck(equation, layer, quantity, float("inf"), False, near_kink=near_kink,
                             error=f"raised {type(exc).__name__}: {exc}{hint}", numeric=numeric)
    if analytic.shape != numeric.shape:
        return EquationCheck(
            equation, layer, quantity, float("inf"), False, near_kink=near_kink,
            error=f"shape {analytic.shape}, expected {numeric.shape} (check for a missing or extra transpose)",
            analytic=analytic, numeric=numeric)
    diff = np.abs(analytic - numeric)
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(diff), diff.shape))
    elem = float(diff[worst] / max(ERROR_FLOOR, abs(analytic[worst]) + abs(numeric[worst])))
    err = relative_error(analytic, numeric)
    if not np.isfinite(err):
        err = float("inf")
    return EquationCheck(equation, layer, quantity, err, err <= tol, worst, float(analytic[worst]),
                         float(numeric[worst]), elem, near_kink, "", analytic, numeric)


def _as_float64(net: Network, x, y):
    notes = []
    if any(a.dtype != np.float64 for a in [x, y] + net.w[1:] + net.b[1:]):
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


def _prepare(net, x, y, cost):
    cost = get_cost(cost)
    validate_cost_output(cost, net.output)
    x = validate_x(x, net.sizes[0])
    y = validate_y(y, net.sizes[-1], x.shape[1])
    net, x, y, notes = _as_float64(net, x, y)
    return net, x, y, cost, notes


def numerical_deltas(net, z, y, cost, h: float = DEFAULT_H) -> list:
    """δ^l = ∂(Σ_x C_x)/∂z^l by central differences in z^l, for l = 1..L.

    z is the forward pass's list (``z[l]`` of shape (n_l, m)); ``cost`` a cost class.
    Returns a list indexed like the network (slot 0 None), ``delta[l]`` of shape (n_l, m).
    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    delta = [None] * (net.L + 1)
    for l in range(1, net.L + 1):
        z_l = z[l].copy()
        delta[l] = numerical_gradient(lambda: cost_from_z(net, z_l, l, y, cost), z_l, h)
    return delta


def numerical_parameter_gradients(net, x, y, cost, h: float = DEFAULT_H):
    """∂(Σ_x C_x)/∂w^l and ∂(Σ_x C_x)/∂b^l by central differences, for l = 1..L.

    x (n_0, m) and y (n_L, m) already validated; ``cost`` a cost class. Returns
    (grad_w, grad_b), lists indexed like the network, shapes of w^l and b^l.
    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    def total_cost():
        return cost.value(forward(net, x, validate=False)[1][-1], y)

    grad_w = [None] + [numerical_gradient(total_cost, net.w[l], h) for l in range(1, net.L + 1)]
    grad_b = [None] + [numerical_gradient(total_cost, net.b[l], h) for l in range(1, net.L + 1)]
    return grad_w, grad_b


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
    h: float = DEFAULT_H,
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
    net : Network (small: the numerical part costs 2 forward passes per number)
    x : ndarray, shape (n_0, m); y : ndarray, shape (n_L, m)
    cost : str or cost class
    h, tol : finite-difference step and pass threshold on rel_error

    Returns
    -------
    GradCheckReport
        Checks in the order BP1 (layer L), BP2 (layers L−1..1), then BP3 and
        BP4 for layers 1..L.

    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    net, x, y, cost, notes = _prepare(net, x, y, cost)
    L = net.L
    z, a = forward(net, x, validate=False)
    num_delta = numerical_deltas(net, z, y, cost, h)
    num_w, num_b = numerical_parameter_gradients(net, x, y, cost, h)
    checks = [
        _compare("BP1", L, f"δ^{L}", lambda: bp1(cost, z[L].copy(), a[L].copy(), y.copy(), net.sigma(L)),
                 num_delta[L], tol, _kinks_from(net, z, L, h))
    ]
    for l in range(L - 1, 0, -1):
        checks.append(_compare(
            "BP2", l, f"δ^{l}",
            lambda l=l: bp2(net.w[l + 1].copy(), num_delta[l + 1].copy(), z[l].copy(), net.sigma(l)),
            num_delta[l], tol, _kinks_from(net, z, l, h)))
    for l in range(1, L + 1):
        checks.append(_compare("BP3", l, f"∂C/∂b^{l}", lambda l=l: bp3(num_delta[l].copy()),
                               num_b[l], tol, _kinks_from(net, z, l, h)))
    for l in range(1, L + 1):
        checks.append(_compare("BP4", l, f"∂C/∂w^{l}", lambda l=l: bp4(num_delta[l].copy(), a[l - 1].copy()),
                               num_w[l], tol, _kinks_from(net, z, l, h)))
    return GradCheckReport(checks, tol, h, notes)


def check_backward(
    net: Network,
    x,
    y,
    cost="quadratic",
    *,
    backward_fn=backprop.backward,
    h: float = DEFAULT_H,
    tol: float = DEFAULT_TOL,
) -> GradCheckReport:
    """End-to-end check: a whole backward pass's ∂C/∂b^l and ∂C/∂w^l.

    ``backward_fn(net, x, y, cost)`` must return an object with ``grad_w`` and
    ``grad_b`` lists indexed 1..L (like :class:`bpcore.backprop.Gradients`).

    Returns
    -------
    GradCheckReport with equation "backward" for every check.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
    """
    net, x, y, cost, notes = _prepare(net, x, y, cost)
    z, _ = forward(net, x, validate=False)
    num_w, num_b = numerical_parameter_gradients(net, x, y, cost, h)
    try:
        grads = backward_fn(net, x.copy(), y.copy(), cost)
        failure = None
    except Exception as exc:
        grads, failure = None, exc
    checks = []
    for l in range(1, net.L + 1):
        for name, num in (("b", num_b[l]), ("w", num_w[l])):
            def analytic(l=l, name=name):
                if failure is not None:
                    raise failure
                return getattr(grads, f"grad_{name}")[l]
            checks.append(_compare("backward", l, f"∂C/∂{name}^{l}", analytic, num, tol,
                                   _kinks_from(net, z, l, h)))
    return GradCheckReport(checks, tol, h, notes)


def check_update_step(
    net: Network,
    x,
    y,
    cost="quadratic",
    *,
    update_fn=update_parameter,
    backward_fn=backprop.backward,
    eta: float = 0.5,
    h: float = DEFAULT_H,
    tol: float = DEFAULT_TOL,
) -> GradCheckReport:
    """Check a training step p → p − (η/m) Σ_x ∂C_x/∂p against finite differences.

    For each layer's w^l and b^l, ``update_fn(p, grad_sum, eta, m)`` is given
    backprop's summed gradient (``backward_fn(net, x, y, cost).grad_w[l]`` and
    ``.grad_b[l]``), and the step it makes, p_new − p, is compared with
    −(η/m)·g_num, where g_num is Σ_x ∂C_x/∂p computed independently by central
    differences. So the check fails when the update rule is wrong (a missing
    1/m, a wrong sign, ...) *or* when the gradients it was given are. The batch
    size m is x's column count (use m ≥ 2 so that a missing 1/m shows).
    ``quantity`` reads "w^l" or "b^l".

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    net, x, y, cost, notes = _prepare(net, x, y, cost)
    m = x.shape[1]
    num_w, num_b = numerical_parameter_gradients(net, x, y, cost, h)
    try:
        grads, failure = backward_fn(net, x.copy(), y.copy(), cost), None
    except Exception as exc:  # the implementation under test is arbitrary code
        grads, failure = None, exc
    checks = []
    for l in range(1, net.L + 1):
        for name, p, num in (("w", net.w[l], num_w[l]), ("b", net.b[l], num_b[l])):
            def step(l=l, name=name, p=p):
                if failure is not None:
                    raise failure
                grad_sum = np.array(getattr(grads, f"grad_{name}")[l], dtype=np.float64)
                return np.asarray(update_fn(p.copy(), grad_sum, eta, m)) - p
            # Compare the *steps*, p_new − p, so the error is relative to the step size.
            checks.append(_compare("update", l, f"{name}^{l}", step, -(eta / m) * num, tol))
    return GradCheckReport(checks, tol, h, notes)
