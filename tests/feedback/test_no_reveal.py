"""The no-reveal mode (BPCORE_FEEDBACK=no-reveal): a failed check names the equation and the slip,
and shows none of the checker's own lines (reference values, corrected code); passes are unchanged.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import bpcore.feedback as fb
from bpcore.activations import sigmoid_prime
from bpcore.feedback.engine import FEEDBACK_MODE, reveals

NUMBER = re.compile(r"-?\d+\.\d+")


def _both(monkeypatch, checker, fn):
    """(revealed, no-reveal) verdicts on the same function."""
    monkeypatch.delenv(FEEDBACK_MODE, raising=False)
    shown = checker(fn)
    monkeypatch.setenv(FEEDBACK_MODE, "no-reveal")
    return shown, checker(fn)


def test_the_mode_is_read_from_the_environment(monkeypatch):
    monkeypatch.delenv(FEEDBACK_MODE, raising=False)
    assert FEEDBACK_MODE == "BPCORE_FEEDBACK" and reveals()
    for value, expected in (("", True), ("reveal", True), ("no-reveal", False), (" No-Reveal ", False)):
        monkeypatch.setenv(FEEDBACK_MODE, value)
        assert reveals() is expected, value
    monkeypatch.setenv(FEEDBACK_MODE, "hide")
    with pytest.raises(ValueError, match=r"BPCORE_FEEDBACK must be one of \('reveal', 'no-reveal'\) or unset; got 'hide'"):
        reveals()


# a checker and a wrong function: wrong values (the reference's value shown), named slips (their
# explanation), a checker's own failure line (Xavier's expected spread)
WRONG = [
    (fb.check_bp4, lambda d, a: d @ a.T + 1),
    (fb.check_bp1, lambda z, a, y: (a - y) * sigmoid_prime(a)),
    (fb.check_xavier_init, lambda n_in, n_out, rng: 0.3 * rng.standard_normal((n_out, n_in))),
    (fb.check_bp3, lambda d: d.sum(axis=1)),
]


@pytest.mark.parametrize("checker, fn", WRONG, ids=[w[0].__name__ for w in WRONG])
def test_a_failed_check_names_the_equation_and_the_slip_but_not_the_reference(monkeypatch, checker, fn):
    shown, graded = _both(monkeypatch, checker, fn)
    assert not shown.passed and not graded.passed
    assert (graded.slip, graded.equation) == (shown.slip, shown.equation) and graded.slip is not None
    lines = graded.message.splitlines()
    assert lines[0] == shown.message.splitlines()[0]                      # ✗ <equation>: <formula> — not right yet.
    assert lines[-1] == shown.message.splitlines()[-1]                    # (Taught in NN_....ipynb.)
    assert lines[1] == f"What is wrong: {fb.SLIPS[graded.slip]}."
    assert "no reference values and no corrected code" in lines[2] and len(lines) == 4
    explained = shown.message.splitlines()[1:-1]
    assert explained and not any(line in graded.message for line in explained)
    middle = "\n".join(lines[1:-1])
    assert not NUMBER.search(middle) and "@" not in middle and ".T" not in middle


def test_wrong_values_show_the_reference_only_when_revealed(monkeypatch):
    shown, graded = _both(monkeypatch, fb.check_bp4, lambda d, a: d @ a.T + 1)
    assert "expected" in shown.message and NUMBER.search(shown.message.splitlines()[1])
    assert "expected" not in graded.message


def test_the_learners_own_exception_is_still_shown(monkeypatch):
    def raises(d, a):
        raise KeyError("my own bug")

    shown, graded = _both(monkeypatch, fb.check_bp4, raises)
    said = next(l for l in shown.message.splitlines() if l.startswith("Your function raised KeyError"))
    assert said in graded.message.splitlines() and graded.slip == "exception"


def test_passes_and_stubs_read_the_same_in_both_modes(monkeypatch):
    for checker, fn in ((fb.check_bp4, lambda d, a: d @ a.T),
                        (fb.check_update_parameter, lambda p, g, eta, m: p - (eta / m) * g)):
        shown, graded = _both(monkeypatch, checker, fn)
        assert shown.passed and graded.message == shown.message

    def stub(*args):
        raise NotImplementedError("Exercise 4.2")

    shown, graded = _both(monkeypatch, fb.check_bp4, stub)
    assert graded.message == shown.message and "not implemented yet" in graded.message


def test_no_reveal_changes_no_number_a_checker_computes(monkeypatch):
    monkeypatch.setenv(FEEDBACK_MODE, "no-reveal")
    assert fb.check_bp3(lambda d: np.sum(d, axis=1, keepdims=True)).passed
