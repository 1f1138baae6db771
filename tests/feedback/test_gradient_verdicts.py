"""Notebook 05's checkers of the three verdicts and of the choice of h: every slip named, no code shown."""

import numpy as np
import pytest

from bpcore.feedback import check_gradient_verdict, check_numerical_gradient, check_step_choice
from bpcore.feedback.gradient_checking import NUMERICAL_GRADIENT, NUMERICAL_GRADIENT_SLIPS
from bpcore.feedback.gradient_verdicts import STEP, STEP_SLIPS, VERDICT, VERDICT_SLIPS
from bpcore.gradcheck import relative_error
from bpcore.verdicts import AGREES, CANNOT_TELL, WRONG
from tests.feedback import test_gradient_checking as numerical
from tests.feedback.support import assert_gives_no_code, assert_names_slip, assert_passes, code_in, raises


# --------------------------------------------------------------------------- the three verdicts


def verdict(g, g_num, u, near_kink, tol, *, elementwise=True, with_u=True, with_tol=True, size_test=True,
            kinks=True, size_first=False):
    """A learner's verdict, written out plainly; the keywords make one slip each."""
    diff = np.abs(g - g_num)
    allowed = (u if with_u else 0) + (tol * (np.abs(g) + np.abs(g_num)) if with_tol else 0)
    beyond = (np.linalg.norm(diff) > np.linalg.norm(allowed)) if not elementwise else bool(np.any(diff > allowed))
    small = size_test and np.linalg.norm(g_num) <= np.linalg.norm(u)
    if size_first and small:
        return "cannot tell"
    if beyond:
        return "cannot tell" if kinks and near_kink > 0 else "wrong"
    return "cannot tell" if small else "agrees"


def verdict_with_constants(g, g_num, u, near_kink, tol):
    excess = np.abs(g - g_num) / (u + tol * (np.abs(g) + np.abs(g_num)))
    if excess.max() > 1:
        return CANNOT_TELL if near_kink else WRONG
    return AGREES if np.linalg.norm(g_num) > np.linalg.norm(u) else CANNOT_TELL


def with_(**slip):
    return lambda g, g_num, u, near_kink, tol: verdict(g, g_num, u, near_kink, tol, **slip)


@pytest.mark.parametrize("fn", [verdict, verdict_with_constants, lambda *a: verdict(*a).upper() + " "],
                         ids=["plain", "constants", "upper-case"])
def test_correct_verdicts_pass(fn):
    result = check_gradient_verdict(fn)
    assert_passes(result, "three verdicts")
    assert "match bpcore's in 7 test cases" in result.message
    promised, rule = result.message.splitlines()[:2], result.message.splitlines()[2]
    assert rule.startswith("The verdicts, in that order: agrees, cannot tell, agrees, wrong, wrong, cannot tell, "
                           "wrong. The rule: wrong where"), rule
    # the lines the notebook promises before the exercise give neither a verdict nor the rule's order away
    assert not any(v in line for line in promised for v in (": agrees", ": wrong", ": cannot tell", "‖g_num‖ ≤")), promised


VERDICT_CASES = [
    (lambda g, gn, u, k, tol: "agrees" if relative_error(g, gn) <= tol else "wrong", "relative_error_only",
     "relative-error rule of thumb"),
    (with_(size_test=False, kinks=False), "no_cannot_tell", "only ever 'agrees' or 'wrong'"),
    (with_(size_test=False), "size_test_missing", "wrong sign or size"),
    (with_(kinks=False), "kink_ignored", "kink"),
    (with_(with_u=False), "resolution_left_out", "u, are left out"),
    (with_(with_tol=False), "tol_left_out", "floor"),
    (with_(size_first=True), "undecided_before_wrong", "test it first"),
    (with_(elementwise=False), "norm_not_elementwise", "element by element"),
]


@pytest.mark.parametrize("fn, slip, fragment", VERDICT_CASES, ids=[s for _, s, _ in VERDICT_CASES])
def test_verdict_slip_is_named(fn, slip, fragment):
    assert_names_slip(check_gradient_verdict(fn), slip, fragment)


def test_every_verdict_slip_has_a_learner_that_makes_it():
    assert {s for _, s, _ in VERDICT_CASES} == {s.id for s in VERDICT_SLIPS}


def test_a_verdict_that_is_not_one_of_the_three_is_refused():
    result = check_gradient_verdict(lambda *a: True)
    assert not result.passed and result.slip == "wrong_type" and "'cannot tell'" in result.message
    assert check_gradient_verdict(lambda *a: "ok").slip == "wrong_type"


def test_an_unknown_mistake_is_explained_with_the_rule_for_that_case():
    result = check_gradient_verdict(lambda *a: "agrees")
    assert not result.passed and result.slip == "wrong_values"
    assert "should be 'cannot tell'" in result.message and "not larger than ‖u‖" in result.message


@pytest.mark.parametrize("fn, slip", [(raises(NotImplementedError("Exercise 5.2")), "not_implemented"),
                                      (raises(ValueError("boom")), "exception"), (lambda *a: None, "returned_none"),
                                      (42, "not_callable")])
def test_verdict_stub_and_broken_functions(fn, slip):
    result = check_gradient_verdict(fn)
    assert not result.passed and result.slip == slip


# --------------------------------------------------------------------------- choosing h


def choose(g, noise, steps, roundoff=True, truncation=True):
    errors = [(noise / h if roundoff else 0) + (abs(g(2 * h) - g(h)) / 3 if truncation else 0) for h in steps]
    return steps[int(np.argmin(errors))]


def choose_in_a_loop(g, noise, steps):
    best, best_error = None, np.inf
    for h in steps:
        error = noise / h + abs(g(2 * h) - g(h)) / 3
        if error < best_error:
            best, best_error = h, error
    return best


@pytest.mark.parametrize("fn", [choose, choose_in_a_loop], ids=["argmin", "loop"])
def test_correct_step_choice_passes(fn):
    result = check_step_choice(fn)
    assert_passes(result, "step choice")
    shown_first, steps = result.message.splitlines()[:2], result.message.splitlines()[2]
    assert steps.startswith("The steps, in that order: h = 1e-04, h = 1e-02, h = 1e-02, h = 1e-06"), steps
    # the lines the notebook promises before the exercise give neither a step nor the estimate away
    assert not any("1e-0" in line or "noise/h" in line or "/3" in line for line in shown_first), shown_first


STEP_CASES = [
    (lambda g, noise, steps: min(steps), "smallest_step", "below the bottom of the V"),
    (lambda g, noise, steps: steps[0], "smallest_step", "smallest step"),
    (lambda g, noise, steps: choose(g, noise, steps, truncation=False), "truncation_ignored", "largest step"),
    (lambda g, noise, steps: max(steps), "truncation_ignored", "measured"),
    (lambda g, noise, steps: choose(g, noise, steps, roundoff=False), "roundoff_ignored", "small by luck"),
    (lambda g, noise, steps: min(noise / h + abs(g(2 * h) - g(h)) / 3 for h in steps), "returned_error_not_step",
     "Return the step h"),
]


@pytest.mark.parametrize("fn, slip, fragment", STEP_CASES, ids=[f"{s}-{i}" for i, (_, s, _) in enumerate(STEP_CASES)])
def test_step_slip_is_named(fn, slip, fragment):
    assert_names_slip(check_step_choice(fn), slip, fragment)


def test_every_step_slip_has_a_learner_that_makes_it():
    assert {s for _, s, _ in STEP_CASES} == {s.id for s in STEP_SLIPS}


def test_a_step_that_is_not_a_candidate_or_not_the_best_is_explained():
    off = check_step_choice(lambda g, noise, steps: 3e-5)
    assert off.slip == "wrong_values" and "not one of the steps" in off.message
    near = check_step_choice(lambda g, noise, steps: steps[2])
    assert near.slip == "wrong_values" and "estimated error" in near.message
    assert check_step_choice(lambda g, noise, steps: "1e-5").slip == "wrong_type"


@pytest.mark.parametrize("fn, slip", [(raises(NotImplementedError("Exercise 5.3")), "not_implemented"),
                                      (raises(ZeroDivisionError()), "exception"), (lambda *a: None, "returned_none")])
def test_step_stub_and_broken_functions(fn, slip):
    result = check_step_choice(fn)
    assert not result.passed and result.slip == slip


# --------------------------------------------------------------------------- no code in the feedback


def _all_messages():
    texts = [s.explain for s in NUMERICAL_GRADIENT_SLIPS + VERDICT_SLIPS + STEP_SLIPS]
    texts += [NUMERICAL_GRADIENT.shape_hint, VERDICT.shape_hint, STEP.shape_hint]
    texts += [check_gradient_verdict(fn).message for fn, _, _ in VERDICT_CASES]
    texts += [check_step_choice(fn).message for fn, _, _ in STEP_CASES]
    texts += [check_numerical_gradient(fn).message for _, fn, _, _ in numerical.SLIP_CASES]
    texts += [check_numerical_gradient(fn).message
              for fn in (numerical.numgrad_without_finally, numerical.numgrad_that_swallows)]
    texts += [check_gradient_verdict(lambda *a: "agrees").message,
              check_step_choice(lambda g, noise, steps: steps[2]).message]
    return [t for t in texts if t]


def test_the_messages_are_found():
    assert len(_all_messages()) > 30


@pytest.mark.parametrize("text", _all_messages())
def test_no_message_of_notebook_05_shows_code(text):
    assert code_in(text) is None, text
    assert_gives_no_code(text)
