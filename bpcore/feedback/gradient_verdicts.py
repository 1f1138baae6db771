"""Checkers of notebook 05's judgement of a gradient check: its verdict, and the step h it uses.

- :func:`check_gradient_verdict`: the three verdicts (agrees / wrong / cannot tell) of a comparison
  judged against what finite differences resolve, not a relative error alone (section 3);
- :func:`check_step_choice`: choosing h on the V-curve from the estimated error, the round-off bound
  plus the measured truncation (sections 2 and 3).

The central difference itself is checked in :mod:`~bpcore.feedback.gradient_checking`.
"""

from __future__ import annotations

import numpy as np

from ..backprop import backward
from ..costs import get_cost
from ..gradcheck import STEPS, relative_error
from ..network import forward, init_network
from ..resolution import EPS, roundoff_scales
from ..verdicts import AGREES, CANNOT_TELL, WRONG, judge
from .engine import Case, Feedback, Spec, call, failed, passed, recognise, returned_none
from .slips import Slip

__all__ = ["check_gradient_verdict", "check_step_choice"]


def _run_all(fn, spec: Spec, cases: list, normalise):
    """The learner's normalised answers, one per case, or the Feedback that ends the check."""
    got = []
    for case in cases:
        result, problem = call(fn, spec, case.args, where=f"in the test case {case.label}")
        if problem is not None:
            return problem
        if result is None:
            return returned_none(spec)
        value = normalise(case, result)
        if isinstance(value, Feedback):
            return value
        got.append(value)
    return got


# --------------------------------------------------------------------------- 5.2: the three verdicts

VERDICT = Spec(
    checker="check_gradient_verdict", equation="three verdicts",
    formula="'agrees', 'wrong' or 'cannot tell', judged as bpcore's checkers judge",
    notebook="05_gradient_checking.ipynb", reference="bpcore.verdicts.judge",
    arg_names=("g", "g_num", "u", "near_kink", "tol"), out_names=("verdict",),
    out_shapes=("one of 'agrees', 'wrong', 'cannot tell'",))

#: The rule, shown only once the learner's verdicts are right (the exercise asks for its order).
RULE = ("wrong where |g − g_num| > u + tol·(|g| + |g_num|) (cannot tell near a kink), else cannot tell "
        "if ‖g_num‖ ≤ ‖u‖, else agrees")

_VERDICTS = (AGREES, WRONG, CANNOT_TELL)
TOL = 1e-7


def _excess(g, g_num, u, tol, elementwise=True, with_u=True, with_tol=True):
    """The largest |g − g_num| / allowed (norms of both when not ``elementwise``); 0 where they are equal."""
    diff = np.abs(g - g_num)
    allowed = (u if with_u else 0.0) + (tol * (np.abs(g) + np.abs(g_num)) if with_tol else 0.0)
    if not elementwise:
        return float(np.linalg.norm(diff) / max(np.linalg.norm(allowed), 1e-300))
    return float(np.max(np.where(diff == 0, 0.0, diff / np.maximum(allowed, 1e-300))))


def _verdict(g, g_num, u, near_kink, tol):
    """bpcore's verdict (:func:`bpcore.verdicts.judge`) on g against g_num ± u, elementwise."""
    diff = np.abs(g - g_num)
    allowed = u + tol * (np.abs(g) + np.abs(g_num))
    excess = np.where(diff == 0, 0.0, diff / allowed)
    i = np.unravel_index(np.argmax(excess), excess.shape)
    return judge(float(excess[i]), float(np.linalg.norm(g_num)), float(np.linalg.norm(u)), near_kink,
                 lambda: "", diff[i], allowed[i], g[i], g_num[i], i)[0]


def _slipped(c, *, elementwise=True, with_u=True, with_tol=True, size_test=True, kinks=True, size_first=False):
    """The verdict with one rule changed (or left out)."""
    g, g_num, u, near_kink, tol = c.args
    beyond = _excess(g, g_num, u, tol, elementwise, with_u, with_tol) > 1
    too_small = size_test and np.linalg.norm(g_num) <= np.linalg.norm(u)
    if size_first and too_small:
        return CANNOT_TELL
    if beyond:
        return CANNOT_TELL if kinks and near_kink else WRONG
    return CANNOT_TELL if too_small else AGREES


VERDICT_SLIPS = [
    Slip(id="relative_error_only",
         variant=lambda c: AGREES if relative_error(c.args[0], c.args[1]) <= c.args[4] else WRONG,
         explain="Your verdicts are the relative-error rule of thumb: agrees if ‖g − g_num‖ / (‖g‖ + ‖g_num‖) "
                 "is at most tol, wrong if not. That compares the difference with the size of the "
                 "gradients but not with what the finite differences can resolve: a tiny, correct gradient "
                 "is called wrong, and nothing is ever 'cannot tell' (section 3)."),
    Slip(id="no_cannot_tell", variant=lambda c: _slipped(c, size_test=False, kinks=False),
         explain="Your verdicts are only ever 'agrees' or 'wrong'. Two things make a comparison undecidable: a "
                 "gradient no larger than its resolution ‖u‖, where even a wrong sign would not show, and "
                 "a difference where some z lies within h of a kink (sections 3 and 5)."),
    Slip(id="size_test_missing", variant=lambda c: _slipped(c, size_test=False),
         explain="You never compare the gradient's size with its resolution. When ‖g_num‖ is not larger "
                 "than ‖u‖, the whole gradient is no larger than what finite differences resolve: values of "
                 "the wrong sign or size could fit inside ±u as well as the right ones, so 'agrees' would "
                 "claim more than the check can see; it cannot tell (section 3)."),
    Slip(id="kink_ignored", variant=lambda c: _slipped(c, kinks=False),
         explain="A difference where some z lies within h of a kink is not evidence of a bug: there the "
                 "central difference mixes the slopes on both sides of the kink, and differs from the "
                 "correct one-sided derivative. Such a difference cannot tell; check at another point "
                 "(section 5)."),
    Slip(id="resolution_left_out", variant=lambda c: _slipped(c, with_u=False),
         explain="Your allowed difference is only tol·(|g| + |g_num|): the round-off and truncation of the "
                 "finite differences, u, are left out. Then a correct gradient that is small next to its "
                 "resolution is called wrong, the relative-error rule's mistake (section 3)."),
    Slip(id="tol_left_out", variant=lambda c: _slipped(c, with_tol=False),
         explain="Your allowed difference is only u. The tol part, tol·(|g| + |g_num|), is the floor under "
                 "it: a relative difference below tol is never called wrong, whatever the estimate u "
                 "says (section 3, after the table)."),
    Slip(id="undecided_before_wrong", variant=lambda c: _slipped(c, size_first=True),
         explain="You test the gradient's size before the differences, so a small gradient is 'cannot tell' "
                 "even when it differs by more than finite differences could err. A difference beyond the "
                 "allowed one is a bug whatever the size of the gradient (away from kinks): test it "
                 "first (the table of section 3)."),
    Slip(id="norm_not_elementwise", variant=lambda c: _slipped(c, elementwise=False),
         explain="You compare the norm of the difference with the norm of the allowed difference. One bad "
                 "element among many then hides inside the others' allowance. Compare element by "
                 "element: every difference must be within its own allowed (section 3)."),
]


def _verdict_cases() -> list:
    """Seven comparisons, each with bpcore's verdict; the sizes are those of section 3's examples."""
    rng = np.random.default_rng(52)

    def sized(shape, size):
        a = rng.standard_normal(shape)
        return a * (size / np.linalg.norm(a))

    big, tiny, wide = sized((3, 4), 0.25), sized((3, 4), 1e-8), sized((10, 10), 1.0)
    bad_tiny, kinked, dead = tiny.copy(), big.copy(), wide.copy()
    bad_tiny[1, 1] += 5e-7
    kinked[1, 2] *= 2.0  # backprop's one-sided slope is twice the central difference's average
    dead[4, 7] = 0.0
    dead_bad = dead.copy()
    dead_bad[4, 7] = 5e-9
    u_big, u_fine, u_coarse = np.full((3, 4), 2e-10), np.full((3, 4), 3e-8), np.full((3, 4), 3e-12)
    found = [
        ("size 0.25, ‖g − g_num‖ = 2e-9, ‖u‖ = 7e-10", big + sized((3, 4), 2e-9), big, u_big, 0),
        ("size 1e-8, ‖g − g_num‖ = 1e-10, ‖u‖ = 1e-7", tiny + sized((3, 4), 1e-10), tiny, u_fine, 0),
        ("size 1e-8, ‖g − g_num‖ = 3e-13, ‖u‖ = 1e-11", tiny + sized((3, 4), 3e-13), tiny, u_coarse, 0),
        ("size 0.25, 2 % too large", 1.02 * big, big, u_big, 0),
        ("size 1e-8, one element off by 5e-7", bad_tiny, tiny, u_fine, 0),
        ("size 0.25, one z on a ReLU kink", kinked, big, u_big, 1),
        ("10 × 10, one element 5e-9 where it should be 0", dead_bad, dead, np.full((10, 10), 1e-9), 0),
    ]
    return [Case(label=label, args=(g, g_num, u, kink, TOL), expected=(_verdict(g, g_num, u, kink, TOL),))
            for label, g, g_num, u, kink in found]


def _as_verdict(result):
    """The learner's verdict as one of the three strings, or None."""
    if isinstance(result, str) and " ".join(result.lower().split()) in _VERDICTS:
        return " ".join(result.lower().split())
    return None


def _why(case) -> str:
    g, g_num, u, near_kink, tol = case.args
    verdict = case.expected[0]
    beyond = _excess(g, g_num, u, tol) > 1
    if verdict == WRONG:
        return "some element differs by more than its allowed difference, and no z is near a kink"
    if verdict == AGREES:
        return "every element is within its allowed difference, and ‖g_num‖ is larger than ‖u‖"
    if beyond:
        return "an element differs by more than allowed, but a z lies within h of a kink"
    return (f"every element is within its allowed difference, but ‖g_num‖ = {np.linalg.norm(g_num):.1e} is "
            f"not larger than ‖u‖ = {np.linalg.norm(u):.1e}")


def check_gradient_verdict(fn) -> Feedback:
    """Check the three verdicts of a comparison judged against what finite differences resolve.

    Parameters
    ----------
    fn : callable ``fn(g, g_num, u, near_kink, tol) -> verdict``
        g : backprop's gradient and g_num : the finite-difference one, arrays of
        the same shape; u : same shape, what finite differences and rounding
        resolve at each element (the safety factor included); near_kink : how
        many z values lie within h of a kink; tol : the relative floor (1e-7).
        Returns "agrees", "wrong" or "cannot tell".

    Returns
    -------
    Feedback
        Compared with bpcore's verdict (:func:`bpcore.verdicts.judge`) on seven
        comparisons: correct gradients large and tiny, at two steps h, a gradient
        2 % off, a tiny one with one bad element, a kink, and one bad element among 100.

    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    cases = _verdict_cases()

    def normalise(case, result):
        value = _as_verdict(result)
        if value is None:
            return failed(VERDICT, "wrong_type", f"Return one of the three verdicts as a string, 'agrees', "
                          f"'wrong' or 'cannot tell'; got {result!r} ({type(result).__name__}).")
        return value

    got = _run_all(fn, VERDICT, cases, normalise)
    if isinstance(got, Feedback):
        return got
    answers = dict(zip((c.label for c in cases), got))
    if all(answers[c.label] == c.expected[0] for c in cases):
        return passed(VERDICT, f"Your verdicts match bpcore's in {len(cases)} test cases: "
                      + "; ".join(c.label for c in cases) + ".",
                      "The verdicts, in that order: " + ", ".join(c.expected[0] for c in cases)
                      + f". The rule: {RULE}.")
    slip = recognise(VERDICT_SLIPS, cases, lambda case, v: v == answers[case.label])
    if slip is not None:
        return failed(VERDICT, slip.id, slip.explain)
    wrong = next(c for c in cases if answers[c.label] != c.expected[0])
    return failed(VERDICT, "wrong_values", f"For {wrong.label} your verdict is '{answers[wrong.label]}'; it "
                  f"should be '{wrong.expected[0]}': {_why(wrong)}.")


# --------------------------------------------------------------------------- 5.3: choosing h

STEP = Spec(
    checker="check_step_choice", equation="step choice",
    formula="the h of steps with the smallest estimated error, round-off plus truncation",
    notebook="05_gradient_checking.ipynb", reference="the estimate of section 3",
    arg_names=("g", "noise", "steps"), out_names=("h",), out_shapes=("one of the steps",))


def _estimated_errors(g, noise, steps, roundoff=True, truncation=True):
    return [(noise / h if roundoff else 0.0) + (abs(g(2 * h) - g(h)) / 3 if truncation else 0.0) for h in steps]


def _best(g, noise, steps, **parts):
    errors = _estimated_errors(g, noise, steps, **parts)
    return steps[int(np.argmin(errors))]


def _central(net, x, y, l, index):
    """g(h): the central difference of C = Σ_x C_x in w^l[index] at step h, in the network's precision."""
    w, cost = net.w[l], get_cost("quadratic")

    def C():
        z, a = forward(net, x, validate=False)
        return cost.value(z[-1], a[-1], y)

    def g(h):
        old = w[index]
        try:
            w[index] = old + w.dtype.type(h)
            c_plus = C()
            w[index] = old - w.dtype.type(h)
            c_minus = C()
        finally:
            w[index] = old
        return float(c_plus - c_minus) / (2 * h)

    return g


def _step_cases() -> list:
    """Four derivatives ∂C/∂w^1_12 whose V-curves have their bottoms in different places."""
    cases = []

    def add(label, sizes, seed, m, eps=EPS, dtype=np.float64, stretch=1.0):
        rng = np.random.default_rng(seed)
        net = init_network(sizes, rng, init="lecun", hidden="sigmoid", output="sigmoid")
        x, y = stretch * rng.standard_normal((sizes[0], m)), rng.uniform(size=(sizes[-1], m))
        net = net.with_params([None, net.w[1] / stretch] + net.w[2:], net.b)
        z, a = forward(net, x, validate=False)
        grads = backward(net, x, y, "quadratic", validate=False)
        noise = eps * roundoff_scales(net, y, get_cost("quadratic"), z, a, grads.delta)[1][1]
        low = net.with_params([None] + [w.astype(dtype) for w in net.w[1:]],
                              [None] + [b.astype(dtype) for b in net.b[1:]])
        g = _central(low, x.astype(dtype), y.astype(dtype), 1, (0, 1))
        cases.append(Case(label=label, args=(g, float(noise), STEPS), expected=(_best(g, noise, STEPS),)))

    add("section 1's network, float64", (3, 4, 2), 5, 5)
    add("the same network in float32", (3, 4, 2), 5, 5, eps=float(np.finfo(np.float32).eps), dtype=np.float32)
    add("the first layer of a deep sigmoid network", (3,) + (5,) * 10 + (2,), 11, 4)
    add("inputs 50 times larger, w^1 50 times smaller", (3, 4, 2), 5, 5, stretch=50.0)
    return cases


STEP_SLIPS = [
    Slip(id="smallest_step", variant=lambda c: min(c.args[2]),
         explain="You chose the smallest step every time. A smaller h shrinks the truncation error but "
                 "grows the round-off, noise/h: below the bottom of the V the error goes up again "
                 "(section 2)."),
    Slip(id="truncation_ignored", variant=lambda c: _best(*c.args, truncation=False),
         explain="You chose the largest step every time: the round-off noise/h alone always prefers a "
                 "larger h. The truncation error grows like h², and it is measured, not guessed: central "
                 "differences at h and 2h differ by three times it (section 3)."),
    Slip(id="roundoff_ignored", variant=lambda c: _best(*c.args, roundoff=False),
         explain="You chose the step from the measured truncation |g(2h) − g(h)|/3 alone. At a small h "
                 "that difference is round-off, and it can be small by luck; the bound on the round-off, "
                 "noise/h, belongs in the estimate too (sections 2 and 3)."),
    Slip(id="returned_error_not_step",
         variant=lambda c: float(np.min(_estimated_errors(*c.args))),
         explain="You returned the smallest estimated error itself. Return the step h at which it is "
                 "smallest, one of the steps you were given."),
]


def check_step_choice(fn) -> Feedback:
    """Check choosing h on the V-curve: the step with the smallest estimated error.

    Parameters
    ----------
    fn : callable ``fn(g, noise, steps) -> h``
        g : g(h) returns the central difference at step h (a float); noise :
        ε·S, a bound on the rounding error of one evaluation of C; steps : the
        candidate steps, 1e-7 to 1e-2 (bpcore.gradcheck.STEPS). Returns the
        step whose estimated error noise/h + |g(2h) − g(h)|/3 is smallest.

    Returns
    -------
    Feedback
        Compared with that choice for ∂C/∂w^1_12 of four networks: section 1's
        (float64), the same in float32 (noise with float32's ε), the first layer
        of a deep sigmoid network, and one with inputs 50 times larger.

    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    cases = _step_cases()
    steps = tuple(cases[0].args[2])

    def normalise(case, result):
        if isinstance(result, (bool, np.bool_)) or not isinstance(result, (int, float, np.floating, np.integer)):
            return failed(STEP, "wrong_type", f"Return one step h, a number; got a {type(result).__name__}.")
        return float(result)

    got = _run_all(fn, STEP, cases, normalise)
    if isinstance(got, Feedback):
        return got
    answers = dict(zip((c.label for c in cases), got))

    def same(a, b):
        return bool(np.isclose(a, b, rtol=1e-9, atol=0.0))

    if all(same(answers[c.label], c.expected[0]) for c in cases):
        return passed(STEP, f"Your steps match in {len(cases)} test cases: "
                      + "; ".join(c.label for c in cases) + ".",
                      "The steps, in that order: " + ", ".join(f"h = {c.expected[0]:.0e}" for c in cases)
                      + ", each the smallest of noise/h + |g(2h) − g(h)|/3.")
    slip = recognise(STEP_SLIPS, cases, lambda case, v: same(v, answers[case.label]))
    if slip is not None:
        return failed(STEP, slip.id, slip.explain)
    wrong = next(c for c in cases if not same(answers[c.label], c.expected[0]))
    mine = answers[wrong.label]
    if not any(same(mine, h) for h in steps):
        return failed(STEP, "wrong_values", f"For {wrong.label} you returned {mine:.3g}, which is not one of "
                      "the steps you were given: choose among them.")
    errors = dict(zip(steps, _estimated_errors(*wrong.args)))
    return failed(STEP, "wrong_values", f"For {wrong.label} you chose h = {mine:.0e}, where the estimated error "
                  f"is {errors[min(steps, key=lambda h: abs(h - mine))]:.1e}; at h = {wrong.expected[0]:.0e} it "
                  f"is {errors[wrong.expected[0]]:.1e}. Add the two parts of the error at each step, then pick "
                  "the smallest.")
