"""Checker for the central-difference gradient that gradient checking rests on."""

from __future__ import annotations

import numpy as np

from ..costs import get_cost
from ..gradcheck import cost_from_z, numerical_gradient
from ..network import forward
from .engine import Case, Feedback, Spec, check, fmt_shape
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
                "Your function left p changed: after perturbing p[i] and evaluating f, put the "
                "old value back (ideally in a `finally:` block). Otherwise every later element "
                "is measured at a shifted point, and the caller's parameters are corrupted.")
    return None


NUMERICAL_GRADIENT = Spec(
    checker="check_numerical_gradient", equation="central difference",
    formula="∂f/∂p_i ≈ (f(p + h e_i) − f(p − h e_i)) / 2h",
    notebook="05_gradient_checking.ipynb", reference="bpcore.gradcheck.numerical_gradient",
    arg_names=("f", "p", "h"), out_names=("grad",), out_shapes=("the shape of p",),
    shape_hint="grad has the shape of p; perturb one element p[i] at a time.",
    fd_what="backprop's ∂C/∂w^1", copy_args=False, after_call=_restored)


def _one_sided(case, step):
    """The slipped one-sided difference (f(p + step e_i) − f(p)) / step: forward (h) or backward (−h)."""
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
         explain="Your result equals the forward difference (f(p + h) − f(p))/h. Its error shrinks "
                 "like h; the central difference (f(p + h) − f(p − h))/(2h) is accurate to h², far "
                 "better for the same h."),
    Slip(id="backward_difference", variant=lambda c: _one_sided(c, -c.args[2]),
         explain="Your result equals the backward difference (f(p) − f(p − h))/h. Use the central "
                 "difference (f(p + h) − f(p − h))/(2h): its error shrinks like h², not h."),
    Slip(id="missing_factor_2", variant=lambda c: 2 * c.expected[0],
         explain="Your result is twice the central difference: the two points p + h and p − h are 2h "
                 "apart, so divide by 2h, not h."),
    Slip(id="wrong_sign", variant=lambda c: -c.expected[0],
         explain="Your result has the wrong sign: it is (f(p + h) − f(p − h))/(2h), the value at "
                 "p + h first."),
    Slip(id="perturbed_all_at_once", variant=_all_at_once,
         explain="Every element of your result is the same number: you perturbed all of p at once "
                 "(p + h). Perturb one element p[i] at a time, for each index i "
                 "(e.g. np.ndindex(p.shape))."),
    Slip(id="perturbation_not_seen", variant=lambda c: np.zeros(c.args[1].shape),
         explain="Your result is all zeros: f() never saw the perturbation. f reads the array p "
                 "itself, so change p in place (p[i] = old + h), call f(), and restore p[i] = old; "
                 "a perturbed copy is invisible to f."),
]


def check_numerical_gradient(fn) -> Feedback:
    """Check a central-difference gradient: ∂f/∂p_i ≈ (f(p + h e_i) − f(p − h e_i)) / 2h.

    Parameters
    ----------
    fn : callable ``fn(f, p, h) -> grad``
        f : a function with no arguments returning a float; it reads the array
        p, so perturb p **in place**, one element at a time, and restore it.
        p : ndarray, any shape; h : the step. Returns grad, the shape of p.

    Returns
    -------
    Feedback
        f is the quadratic cost Σ_x C_x of a small sigmoid network and p its
        weight matrix w^1, of shape (2, 2) and (2, 3), with h = 1e-4.
        Compared with :func:`bpcore.gradcheck.numerical_gradient` and with
        backprop's ∂C/∂w^1.

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
    return check(fn, NUMERICAL_GRADIENT, cases, NUMERICAL_GRADIENT_SLIPS)
