"""check_target_change_factor (Exercise 4.4): the right factor passes, each slip is named, no formula is shown.

The "learner" functions below are written the way a learner would write them, each with one
mistake, not built from the checker's own slip variants; so these tests fail if the checker stops
recognising a slip or blames the wrong one.
"""

import numpy as np
import pytest

from bpcore.feedback import check_target_change_factor
from bpcore.feedback.target_change import TARGET_CHANGE, TARGET_CHANGE_SLIPS, target_change_cases
from tests.feedback.support import assert_gives_no_code, assert_names_slip, assert_passes, code_in, raises

EQUATION = "the factor of a new target"


def right(a_out, y_old, y_new):
    return (a_out - y_new) / (a_out - y_old)


def test_the_right_factor_passes_and_agrees_with_finite_differences():
    for fn in (right,
               lambda a, y_old, y_new: (y_new - a) / (y_old - a),
               lambda a, y_old, y_new: ((a - y_new) * a * (1 - a)) / ((a - y_old) * a * (1 - a))):  # δ^L over δ^L
        result = check_target_change_factor(fn)
        assert_passes(result, EQUATION)
        assert "in 5 test cases" in result.message
        assert "agrees with the ratio of the finite-difference gradients" in result.message


def test_the_stub_is_not_implemented():
    result = check_target_change_factor(raises(NotImplementedError("Exercise 4.4: the factor")))
    assert not result.passed and result.slip == "not_implemented"
    assert "not implemented yet (Exercise 4.4: the factor)" in result.message


def test_the_cases_are_not_only_section_5s_targets_and_the_factor_is_every_gradients():
    cases = target_change_cases()
    pairs = {c.args[1:] for c in cases}
    assert (1.0, 0.0) in pairs and len(pairs) == len(cases) >= 4
    factors = np.array([float(c.expected[0]) for c in cases])
    assert (factors < 0).sum() >= 2 and (factors > 0).sum() >= 2   # the sign can go either way
    assert np.all(np.abs(np.abs(factors) - 1) > 0.1)                 # the inverse is never close to the factor
    for c in cases:
        assert float(c.expected[0]) == pytest.approx(right(*c.args), rel=1e-9)
        assert float(c.numeric) == pytest.approx(float(c.expected[0]), rel=1e-6)


SLIP_CASES = [  # (checker, a learner's function, the slip, a fragment of its explanation)
    (check_target_change_factor, lambda a, y_old, y_new: (a - y_old) / (a - y_new), "inverted_ratio",
     "inverse of the right one"),
    (check_target_change_factor, lambda a, y_old, y_new: y_new - y_old, "difference_not_ratio",
     "change of the target"),
    (check_target_change_factor, lambda a, y_old, y_new: (a - y_new) - (a - y_old), "difference_not_ratio",
     "change of the output error"),
    (check_target_change_factor, lambda a, y_old, y_new: a / (a - 1), "hard_wired_targets",
     "right for section 5's targets"),
    (check_target_change_factor, lambda a, y_old, y_new: abs(a - y_new) / abs(a - y_old), "absolute_factor",
     "never a minus sign"),
    (check_target_change_factor, lambda a, y_old, y_new: (y_new - a) / (a - y_old), "wrong_sign",
     "wrong sign in every test case"),
    (check_target_change_factor, lambda a, y_old, y_new: (a - y_new) * a * (1 - a) / (a - y_old),
     "extra_sigma_prime", "times σ'(z^L)"),
    (check_target_change_factor, lambda a, y_old, y_new: a - y_new, "new_error_only",
     "old target's output error belongs"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES,
                         ids=[f"{s}-{i}" for i, (_, _, s, _) in enumerate(SLIP_CASES)])
def test_each_slip_is_recognised_and_named_by_its_equation(checker, fn, slip, fragment):
    result = checker(fn)
    assert_names_slip(result, slip, fragment)
    assert "BP1" in result.message


def test_the_hard_wired_message_lists_the_other_targets_the_check_tries():
    message = check_target_change_factor(lambda a, y_old, y_new: a / (a - 1)).message
    others = [f"{c.args[1]:g} to {c.args[2]:g}" for c in target_change_cases() if c.args[1:] != (1.0, 0.0)]
    assert all(pair in message for pair in others), message


def test_a_wrong_factor_no_slip_describes_gets_the_value_and_a_constant_multiple_its_scale():
    wrong = check_target_change_factor(lambda a, y_old, y_new: right(a, y_old, y_new) + 0.1)
    assert not wrong.passed and wrong.slip == "wrong_values" and "expected" in wrong.message
    doubled = check_target_change_factor(lambda a, y_old, y_new: 2 * right(a, y_old, y_new))
    assert doubled.slip == "wrong_scale" and "2 ×" in doubled.message


def test_an_array_instead_of_a_number_is_a_shape_problem():
    result = check_target_change_factor(lambda a, y_old, y_new: np.full((1, 1), right(a, y_old, y_new)))
    assert result.slip == "wrong_shape" and "one number" in result.message


def test_messages_give_neither_the_formula_nor_code_away():
    texts = [s.explain for s in TARGET_CHANGE_SLIPS] + [TARGET_CHANGE.shape_hint, TARGET_CHANGE.formula]
    texts += [check_target_change_factor(fn).message for _, fn, _, _ in SLIP_CASES]
    texts.append(check_target_change_factor(right).message)
    for text in texts:
        assert_gives_no_code(text)
        assert code_in(text) is None, text
        flat = text.replace(" ", "")
        assert "a^L−y_new" not in flat and "(a−y_new)" not in flat and "/(a" not in flat, text
