"""Checker for the central-difference gradient that gradient checking rests on (notebook 05).

:func:`check_numerical_gradient` also makes f raise, to see that p is restored
and f's error passed on. The verdict of a comparison and the choice of h are
checked in :mod:`~bpcore.feedback.gradient_verdicts`.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..costs import get_cost
from ..gradcheck import cost_from_z, numerical_gradient
from ..network import forward
from .engine import Case, Feedback, Spec, check, failed, fmt_shape, passed
from .slips import Slip
from .problems import sigmoid_network

__all__ = ["check_numerical_gradient"]

H = 1e-4  # the step the learner's function is given


def _restored(case):
    """After each call: p must be back to its old values. Puts them back either way."""
    p, p0 = case.args[1], case.extra["p0"]
    changed = p.shape != p0.shape or not np.allclose(p, p0, rtol=1e-10, atol=1e-12)
    p[...] = p0  # also undoes ulp-level drift, so later cases start from the same point
    if changed:
        return ("p_not_restored",
                "Your function left p changed: after perturbing an element and evaluating f, put its "
                "old value back. Otherwise every later element is measured at a shifted point, and "
                "the caller's parameters are corrupted (section 1).")
    return None


NUMERICAL_GRADIENT = Spec(
    checker="check_numerical_gradient", equation="central difference",
    formula="∂f/∂p_r ≈ (f(p + h e_r) − f(p − h e_r)) / 2h",
    notebook="05_gradient_checking.ipynb", reference="bpcore.gradcheck.numerical_gradient",
    arg_names=("f", "p", "h"), out_names=("grad",), out_shapes=("the shape of p",),
    shape_hint="grad has the shape of p: one derivative per element, each from perturbing that element alone.",
    fd_what="backprop's ∂C/∂w^1 of the summed cost C = Σ_x C_x", copy_args=False, after_call=_restored)


def _one_sided(case, step):
    """The slipped one-sided difference (f(p + step e_r) − f(p)) / step: forward (h) or backward (−h)."""
    f, p, _ = case.args
    f0 = f()
    grad = np.zeros(p.shape)
    for i in np.ndindex(p.shape):
        old = p[i]
        try:
            p[i] = old + step
            grad[i] = (f() - f0) / step
        finally:
            p[i] = old
    return grad


def _all_at_once(case):
    """The slipped difference with every element perturbed together: (f(p + h) − f(p − h)) / 2h everywhere."""
    f, p, h = case.args
    p0 = p.copy()
    try:
        p += h
        f_plus = f()
        p -= 2 * h
        f_minus = f()
    finally:
        p[...] = p0
    return np.full(p.shape, (f_plus - f_minus) / (2 * h))


NUMERICAL_GRADIENT_SLIPS = [
    Slip(id="forward_difference", variant=lambda c: _one_sided(c, c.args[2]),
         explain="Your result equals the forward difference (f(p + h e_r) − f(p))/h. Its error shrinks "
                 "like h; the central difference, from the two points p ± h e_r, is accurate to h², far "
                 "better for the same h (section 1)."),
    Slip(id="backward_difference", variant=lambda c: _one_sided(c, -c.args[2]),
         explain="Your result equals the backward difference (f(p) − f(p − h e_r))/h, one-sided like the "
                 "forward one: its error shrinks like h. The central difference, from the two points "
                 "p ± h e_r, is accurate to h² (section 1)."),
    Slip(id="missing_factor_2", variant=lambda c: 2 * c.expected[0],
         explain="Your result is twice the central difference: the two points p + h e_r and p − h e_r "
                 "are 2h apart, and the slope is the change in f divided by that distance."),
    Slip(id="wrong_sign", variant=lambda c: -c.expected[0],
         explain="Your result has the wrong sign: a slope is the value at the right, p + h e_r, minus "
                 "the value at the left, p − h e_r, over the distance between them."),
    Slip(id="perturbed_all_at_once", variant=_all_at_once,
         explain="Every element of your result is the same number: you perturbed all of p at once, "
                 "which measures the slope along the diagonal direction (1, 1, ..., 1). Perturb one "
                 "element at a time, for every index of p, and evaluate f for each."),
    Slip(id="perturbation_not_seen", variant=lambda c: np.zeros(c.args[1].shape),
         explain="Your result is all zeros: f() never saw the perturbation. f reads the array p itself, "
                 "so the perturbation must be made in p, in place (and undone afterwards); a perturbed "
                 "copy is invisible to f."),
]


class _PlantedFailure(RuntimeError):
    """What the checker's f raises on purpose, to see that p is restored when f fails."""


def _restored_when_f_raises(fn, case):
    """None if ``fn`` lets f's exception through with p restored, else the Feedback that says what went wrong."""
    f, p, h = case.args
    p0, calls = p.copy(), [0]

    def failing_f():
        calls[0] += 1
        if calls[0] == 2:
            raise _PlantedFailure("the checker's f failed on purpose, on its second call")
        return f()

    raised = None
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            fn(failing_f, p, h)
        except Exception as exc:  # the learner's code is arbitrary
            raised = exc
    changed = not np.array_equal(p, p0)
    p[...] = p0
    if changed:
        return failed(NUMERICAL_GRADIENT, "p_not_restored_on_error",
                      "Your function gives the right numbers, but when f raised an error (the checker made "
                      "it fail on its second call, with an element of p perturbed), p was left perturbed. "
                      "A caller who catches that error would go on with corrupted parameters. Restore the "
                      "element in a `finally` clause, which runs whether f returns or raises (section 1).")
    if not isinstance(raised, _PlantedFailure):
        what = "returned a result" if raised is None else f"raised {type(raised).__name__} instead"
        return failed(NUMERICAL_GRADIENT, "exception_swallowed",
                      f"When f raised an error (on its second call, on purpose), your function {what}: "
                      "the caller never learns that f failed, and part of the gradient was never measured. "
                      "Restore p, and let f's own error through.")
    return None


def check_numerical_gradient(fn) -> Feedback:
    """Check a central-difference gradient: ∂f/∂p_r ≈ (f(p + h e_r) − f(p − h e_r)) / 2h.

    Parameters
    ----------
    fn : callable ``fn(f, p, h) -> grad``
        f : a function with no arguments returning a float; it reads the array
        p, so perturb p **in place**, one element at a time, and restore it,
        also when f raises. p : ndarray, any shape; h : the step. Returns grad,
        the shape of p.

    Returns
    -------
    Feedback
        f is the quadratic cost Σ_x C_x of a small sigmoid network and p its
        weight matrix w^1, of shape (2, 2) and (2, 3), with h = 1e-4.
        Compared with :func:`bpcore.gradcheck.numerical_gradient` and with
        backprop's ∂C/∂w^1; then f is made to raise on its second call, and p
        must come back restored with f's error passed on.

    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    cost = get_cost("quadratic")
    cases = []
    for sizes, m, seed in (((2, 2, 1), 3, 81), ((3, 2, 1), 3, 82)):
        net, x, y, g = sigmoid_network(sizes, m, seed)
        p = net.w[1]

        def f(net=net, x=x, y=y):
            return cost_from_z(net, forward(net, x, validate=False)[0][net.L], net.L, y, cost)

        cases.append(Case(label=f"p = w^1 of shape {fmt_shape(p.shape)}, h = 1e-4", args=(f, p, H),
                          expected=(numerical_gradient(f, p, H),), numeric=g.grad_w[1], extra={"p0": p.copy()}))
    verdict = check(fn, NUMERICAL_GRADIENT, cases, NUMERICAL_GRADIENT_SLIPS)
    if not verdict.passed:
        return verdict
    problem = _restored_when_f_raises(fn, cases[0])
    if problem is not None:
        return problem
    return passed(NUMERICAL_GRADIENT, *verdict.message.splitlines()[1:],
                  "When f raised an error on its second call, your function let it through and p was restored.")
