"""Grading: the points each exercise is worth in the nbgrader course, stated once.

:data:`POINTS` lists the exercises worth more (or less) than :data:`DEFAULT_POINTS`, by their
number ("3.2" is Exercise 3.2); every other exercise, code or text, is worth the default. The
hidden tests the graded cells run are in :mod:`bpcore.handouts.hidden`.
"""

from __future__ import annotations

__all__ = ["DEFAULT_POINTS", "POINTS", "points"]

DEFAULT_POINTS = 1
POINTS = {
    "3.2": 2,  # the whole backward sweep of errors
    "4.3": 2,  # a whole backward pass, gradients included (cross-entropy)
    "7.1": 2,  # one epoch of minibatch SGD
}


def points(exercise: str) -> float:
    """The points of an exercise, by its number ("2.1") or name ("Exercise 2.1")."""
    number = str(exercise).removeprefix("Exercise").strip()
    return POINTS.get(number, DEFAULT_POINTS)
