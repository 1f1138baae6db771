"""Hidden tests: the learner's function against bpcore on fresh random inputs, per checker.

A graded copy of the series (:mod:`bpcore.handouts.course`) ends each exercise's test cell
with ``run_hidden_tests(exercise, checker, fn)`` inside nbgrader's hidden-test markers, so the
learner never sees it and matching the visible check's cases is not enough: the function is
called on new shapes and values (m = 1 included), drawn from a seed fixed per exercise, and
compared with bpcore's own implementation, the one reference.

:data:`HIDDEN` maps a checker's name (the call the check cell makes, e.g. ``check_bp1``) to
its test ``test(fn, rng)``, which raises :class:`HiddenTestFailure` naming what differs and
on which case, never a reference value. numpy and bpcore only (it runs in the learner's kernel).

Modules: :mod:`~.support` (the registry, quiet calls, comparisons) and the tests by topic,
:mod:`~.equations` (notation, forward pass, BP1-BP4), :mod:`~.passes` (whole backward passes),
:mod:`~.gradient_checking` (central differences, verdicts, the step h) and :mod:`~.training`
(updates, SGD, the ratio, the edge of stability, Xavier).
"""

from __future__ import annotations

import zlib

import numpy as np

from . import equations, gradient_checking, passes, training  # noqa: F401  (each registers its tests)
from .support import HIDDEN, HiddenTestFailure

__all__ = ["HIDDEN", "HiddenTestFailure", "run_hidden_tests"]


def run_hidden_tests(exercise: str, checker: str, fn) -> None:
    """Run the hidden test of ``checker`` on the learner's ``fn``; HiddenTestFailure if it fails.

    ``exercise`` (e.g. "2.1") names the exercise in the message and, with the checker, seeds
    the inputs. KeyError naming the checker when it has no hidden test.
    """
    if checker not in HIDDEN:
        raise KeyError(f"no hidden test for {checker}; add one to bpcore.handouts.hidden.HIDDEN")
    rng = np.random.default_rng(zlib.crc32(f"{exercise} {checker}".encode()))
    try:
        HIDDEN[checker](fn, rng)
    except HiddenTestFailure as exc:
        raise HiddenTestFailure(f"Exercise {exercise}, hidden test: {exc}") from None
