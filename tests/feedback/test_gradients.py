"""BP3 and BP4's feedback (bpcore.feedback.gradients): loop and broadcast slips, and no message gives the code away.

The slips shared with the other equations (mean for sum, transposes, signs) are tested with them in
test_equations.py; here: a loop over the examples that assigns instead of adding, one example's
broadcast outer product used for a batch, and that every message check_bp3 and check_bp4 can
print names the principle, never the corrected line.
"""

import numpy as np
import pytest

from bpcore.feedback import check_bp3, check_bp4
from bpcore.feedback.gradients import BP3, BP3_SLIPS, BP4, BP4_SLIPS
from tests.feedback.support import assert_gives_no_code, assert_names_slip, case_id


def bp3_overwrites(delta_l):
    grad_b = np.zeros((delta_l.shape[0], 1))
    for i in range(delta_l.shape[1]):
        grad_b = delta_l[:, [i]]          # = where += belongs
    return grad_b


def bp4_overwrites(delta_l, a_prev):
    grad_w = np.zeros((delta_l.shape[0], a_prev.shape[0]))
    for i in range(delta_l.shape[1]):
        grad_w = np.outer(delta_l[:, i], a_prev[:, i])
    return grad_w


LOOP_SLIPS = [
    (check_bp3, bp3_overwrites, "overwrote_in_loop", "instead of adding"),
    (check_bp4, bp4_overwrites, "overwrote_in_loop", "instead of adding"),
    # section 3's one-example broadcasting used for a batch
    (check_bp4, lambda d, a: d * a.T, "hadamard_not_outer", "only a matrix product"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", LOOP_SLIPS, ids=case_id(LOOP_SLIPS))
def test_a_loop_that_overwrites_is_named(checker, fn, slip, fragment):
    assert_names_slip(checker(fn), slip, fragment)


WRONG = [
    (check_bp3, lambda d: d.mean(axis=1, keepdims=True)),
    (check_bp3, lambda d: d.sum(axis=1)),
    (check_bp3, lambda d: d.sum(axis=0, keepdims=True)),
    (check_bp3, lambda d: d),
    (check_bp3, lambda d: np.ones(d.shape[0])),                  # flat, matching no slip
    (check_bp3, lambda d: d @ np.ones((d.shape[0], 1))),         # a matrix product that fails on the shapes
    (check_bp3, lambda d: d.sum(axis=1, keepdims=True) + 0.5),   # wrong values
    (check_bp4, lambda d, a: d @ a),
    (check_bp4, lambda d, a: a @ d.T),
    (check_bp4, lambda d, a: d.T @ a),
    (check_bp4, lambda d, a: d * a),
    (check_bp4, lambda d, a: d @ a.T / d.shape[1]),
    (check_bp4, lambda d, a: np.outer(d[:, 0], a[:, 0])),
    (check_bp4, lambda d, a: d.T @ a.T),                          # fails on the shapes, no slip
    (check_bp4, lambda d, a: d @ a.T + 1.0),                      # wrong values
]


@pytest.mark.parametrize("checker, fn", WRONG, ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(WRONG)])
def test_failing_messages_name_the_principle_not_the_code(checker, fn):
    result = checker(fn)
    assert not result.passed
    assert_gives_no_code(result.message)


def test_no_slip_explanation_or_hint_shows_code():
    for spec, slips in ((BP3, BP3_SLIPS), (BP4, BP4_SLIPS)):
        assert_gives_no_code(spec.shape_hint)
        for slip in slips:
            assert_gives_no_code(slip.explain)


def test_the_sum_is_explained_by_the_principle():
    """"Use delta_l @ a_prev.T" is gone; BP4's mean-for-sum message says what sums over the examples."""
    message = check_bp4(lambda d, a: d @ a.T / d.shape[1]).message
    assert "BP4 sums over the m examples" in message and "(a^{l-1})^T does that" in message
    assert "delta_l" not in message and "a_prev" not in message
