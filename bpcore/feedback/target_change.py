"""Checker for a new target (notebook 04, Exercise 4.4): the one factor every gradient changes by.

In a network with one output neuron and one example, only BP1 sees the target y: the forward
pass, every σ'(z^l), BP2's weights and BP4's activations do not. So when y_old becomes y_new,
δ^L, and with it every ∂C/∂w^l and ∂C/∂b^l, is multiplied by one number.
:func:`check_target_change_factor` asks the learner's function for that number on several
seeded one-output networks and pairs of targets, and compares it with the ratio of
:func:`bpcore.backprop.backward`'s gradients for the two targets (and of finite differences).
When it differs it names a known slip (:data:`TARGET_CHANGE_SLIPS`: the ratio inverted, a
difference for a ratio, section 5's targets hard-wired, the sign lost or flipped, σ'(z^L) kept,
the new error alone). No message shows the formula or the corrected code.
"""

from __future__ import annotations

import numpy as np

from ..backprop import backward
from ..costs import get_cost
from ..gradcheck import numerical_parameter_gradients
from ..network import forward, init_network
from .engine import Case, Feedback, Spec, check
from .slips import Slip

__all__ = ["check_target_change_factor", "target_change_cases", "TARGET_CHANGE", "TARGET_CHANGE_SLIPS"]

NOTEBOOK = "04_gradients_bp3_bp4.ipynb"
QUADRATIC = "quadratic"

TARGET_CHANGE = Spec(
    checker="check_target_change_factor", equation="the factor of a new target",
    formula="c = (∂C/∂b^L for y_new) / (∂C/∂b^L for y_old), one output neuron and one example",
    notebook=NOTEBOOK,
    reference="the ratio of bpcore.backprop.backward's ∂C/∂b^L for y_new to its ∂C/∂b^L for y_old",
    arg_names=("a_out", "y_old", "y_new"), out_names=("factor",), out_shapes=("one number",),
    shape_hint="The factor is one number: the network has one output neuron and the check gives it one "
               "example, so a^L, y_old and y_new are numbers too.",
    fd_what="the ratio of the finite-difference gradients for the two targets")

#: (sizes, hidden activation, seed, y_old, y_new): one-output networks with a sigmoid output, one
#: example each. The targets are not only section 5's 1 → 0: the factor is negative in three cases
#: (y_new on the other side of a^L from y_old) and positive in two (the same side).
_CASES = (((2, 2, 1), "sigmoid", 441, 1.0, 0.0),
          ((3, 4, 1), "tanh", 442, 0.0, 1.0),
          ((2, 3, 3, 1), "sigmoid", 443, 0.1, 0.5),
          ((4, 2, 1), "tanh", 444, 0.9, 0.7),
          ((3, 3, 1), "sigmoid", 445, 0.3, 0.95))


def _ratio(new: list, old: list) -> float:
    """The least-squares c with new ≈ c · old, over every array of two lists indexed like the network."""
    top = sum(float(np.sum(n * o)) for n, o in zip(new[1:], old[1:]))
    return top / sum(float(np.sum(o * o)) for o in old[1:])


def target_change_cases() -> list:
    """The checker's cases: the learner's (a_out, y_old, y_new) and bpcore's factor for each.

    The factor is ∂C/∂b^L for y_new over ∂C/∂b^L for y_old, from :func:`bpcore.backprop.backward`;
    building a case asserts that every other gradient changes by that same factor.
    """
    cases = []
    for sizes, hidden, seed, y_old, y_new in _CASES:
        rng = np.random.default_rng(seed)
        net = init_network(sizes, rng, init="normal", hidden=hidden, output="sigmoid")
        x = rng.standard_normal((sizes[0], 1))
        z, a = forward(net, x, validate=False)
        L = net.L
        old, new = (backward(net, x, np.array([[y]]), QUADRATIC) for y in (y_old, y_new))
        factor = float(new.grad_b[L][0, 0] / old.grad_b[L][0, 0])
        for got, was in ((new.grad_w, old.grad_w), (new.grad_b, old.grad_b)):
            if not all(np.allclose(g, factor * w, rtol=1e-12, atol=0) for g, w in zip(got[1:], was[1:])):
                raise AssertionError(f"case {sizes}: the gradients for y = {y_new} are not one multiple of "
                                     f"those for y = {y_old}")
        cost = get_cost(QUADRATIC)
        num_old, num_new = (numerical_parameter_gradients(net, x, np.array([[y]]), cost) for y in (y_old, y_new))
        numeric = _ratio(num_new[0] + num_new[1][1:], num_old[0] + num_old[1][1:])
        cases.append(Case(
            label=f"{'-'.join(map(str, sizes))}, {hidden} hidden layer{'s' if len(sizes) > 3 else ''}, "
                  f"y {y_old:g} → {y_new:g}",
            args=(float(a[L][0, 0]), y_old, y_new), expected=(np.float64(factor),),
            numeric=np.float64(numeric), extra={"sigma_prime": float(net.sigma(L).prime(z[L])[0, 0])}))
    return cases


#: The pairs of targets other than section 5's, in words: "0 to 1, 0.1 to 0.5, ... and 0.3 to 0.95".
_PAIRS = [f"{y_old:g} to {y_new:g}" for *_, y_old, y_new in _CASES if (y_old, y_new) != (1.0, 0.0)]
_OTHER_TARGETS = ", ".join(_PAIRS[:-1]) + " and " + _PAIRS[-1]


def _right(c) -> float:
    """bpcore's factor of case c."""
    return float(c.expected[0])


TARGET_CHANGE_SLIPS = [
    Slip(id="inverted_ratio", variant=lambda c: 1 / _right(c),
         explain="Your factor is the inverse of the right one: it turns the gradients for y_new back into "
                 "those for y_old. The factor multiplies each gradient for the old target and gives the "
                 "gradient for the new one. Write BP1's δ^L for each target and compare them in that order."),
    Slip(id="difference_not_ratio", variant=lambda c: c.args[2] - c.args[1],
         explain="Your factor is the change of the target, a difference. A gradient that changes by a "
                 "factor is multiplied by it: the factor is how many times larger the new gradient is than "
                 "the old one. Write BP1's δ^L for each target, and look at which of its parts depends on y."),
    Slip(id="difference_not_ratio", variant=lambda c: c.args[1] - c.args[2],
         explain="Your factor is the change of the output error a^L − y between the two targets, a "
                 "difference. A gradient that changes by a factor is multiplied by it: the factor is how "
                 "many times larger the new gradient is than the old one (BP1 gives δ^L for each target)."),
    Slip(id="hard_wired_targets", variant=lambda c: c.args[0] / (c.args[0] - 1),
         explain="Your factor is right for section 5's targets, y_old = 1 and y_new = 0, and only for them: "
                 f"the check also changes {_OTHER_TARGETS}. The targets are arguments of your function; "
                 "BP1's output error involves the target, so both belong in the factor."),
    Slip(id="absolute_factor", variant=lambda c: abs(_right(c)),
         explain="Your factor has the right size but never a minus sign. When the new target lies on the "
                 "other side of a^L from the old one, the output error a^L − y changes sign (BP1), and so "
                 "do δ^L and every gradient: gradient descent then pushes a^L the other way."),
    Slip(id="wrong_sign", variant=lambda c: -_right(c),
         explain="Your factor has the wrong sign in every test case. When both targets lie on the same side "
                 "of a^L the gradients keep their sign, and they flip only when a^L lies between the two "
                 "targets: δ^L has the sign of the output error a^L − y (BP1)."),
    Slip(id="extra_sigma_prime", variant=lambda c: _right(c) * c.extra["sigma_prime"],
         explain="Your factor is the right one times σ'(z^L). BP1's δ^L has the factor σ'(z^L) for both "
                 "targets, and σ'(z^L) does not depend on y (the forward pass does not), so it is the same "
                 "in the old and the new δ^L and cancels from their ratio."),
    Slip(id="new_error_only", variant=lambda c: c.args[0] - c.args[2],
         explain="Your factor is the new target's output error a^L − y alone. The factor compares the new "
                 "gradients with the old ones, so the old target's output error belongs in it too (BP1)."),
]


def check_target_change_factor(fn) -> Feedback:
    """Check the factor by which every gradient of a one-output network changes when only y changes.

    Parameters
    ----------
    fn : callable ``fn(a_out, y_old, y_new) -> factor``
        a_out : the network's output a^L for the one example, a number (its shape is (1, 1) in the
        network; the check passes the number); y_old, y_new : the old and the new target, numbers.
        Returns one number c such that every ∂C/∂w^l and ∂C/∂b^l (quadratic cost) for y_new is c
        times the one for y_old.

    Returns
    -------
    Feedback
        Compared with the ratio of :func:`bpcore.backprop.backward`'s gradients for the two targets,
        and of finite differences, on five seeded one-output networks (2-2-1, 3-4-1, 2-3-3-1, 4-2-1
        and 3-3-1, sigmoid or tanh hidden layers, a sigmoid output, one example each) with the
        targets 1 → 0, 0 → 1, 0.1 → 0.5, 0.9 → 0.7 and 0.3 → 0.95.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb`` (section 5 and Exercise 4.4).
    """
    return check(fn, TARGET_CHANGE, target_change_cases(), TARGET_CHANGE_SLIPS)
