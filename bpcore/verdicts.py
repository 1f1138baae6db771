"""The verdicts of a finite-difference check, and the report a learner reads.

Three verdicts, for each equation at each layer (:class:`EquationCheck`):

* **agrees**: every difference |g − g_num| is within what is allowed (the
  estimated error of the finite differences and of the equation's rounding,
  times a safety factor, plus tol·(|g| + |g_num|)), and the gradient is larger
  than that resolution, so a wrong sign or factor would have shown;
* **wrong**: some difference exceeds what is allowed;
* **cannot tell** at this h: the gradient is not larger than the resolution,
  or it differs only where some z lies within h of a kink. The reason says
  which, and what to try (:func:`advice`).

:class:`GradCheckReport` collects the checks of one run; its ``summary()``
(and ``str``) prints one line per check, then the verdict of the whole run.
:mod:`bpcore.gradcheck` makes the comparisons.

Taught in ``notebooks/05_gradient_checking.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .resolution import UNKNOWN, Estimate

__all__ = ["AGREES", "WRONG", "CANNOT_TELL", "EquationCheck", "GradCheckReport", "judge", "advice"]

AGREES, WRONG, CANNOT_TELL = "agrees", "wrong", "cannot tell"


@dataclass(frozen=True)
class EquationCheck:
    """One equation at one layer, compared with finite differences.

    Attributes
    ----------
    equation : str
        "BP1", "BP2", "BP3", "BP4", "backward" (end-to-end) or "update".
    layer : int
    quantity : str
        What was compared, e.g. "δ^2" or "∂C/∂w^1".
    verdict : str
        "agrees", "wrong" or "cannot tell" (module docstring).
    rel_error : float
        ‖g − g_num‖ / max(floor, ‖g‖ + ‖g_num‖); inf if the shapes differ or the
        implementation raised.
    h : float or None
        The step of the finite differences compared (for the update check, of
        those that made the gradient fed to the update); None if not made yet.
    resolution : float
        ‖allowed difference‖ without the tol part: what finite differences (and
        rounding) resolve for this quantity at this h.
    size : float
        ‖g_num‖, the size of the gradient being checked.
    reason : str
        Why the verdict is what it is, in words, with what to try.
    worst_index : tuple or None
        Element with the largest difference relative to what is allowed there.
    worst_analytic, worst_numeric : float or None
        The two values at that element.
    worst_elementwise_error : float or None
        |g − g_num| / max(floor, |g| + |g_num|) at that element.
    near_kink : int
        Elements of z^k (k ≥ layer) within h of an activation's kink.
    error : str
        Why the comparison could not be made (exception or shape), else "".
    analytic, numeric, allowed : ndarray or None
        The full arrays (``allowed`` elementwise, tol part included).
    """

    equation: str
    layer: int
    quantity: str
    verdict: str
    rel_error: float
    h: Optional[float] = None
    resolution: float = 0.0
    size: float = 0.0
    reason: str = ""
    worst_index: Optional[tuple] = None
    worst_analytic: Optional[float] = None
    worst_numeric: Optional[float] = None
    worst_elementwise_error: Optional[float] = None
    near_kink: int = 0
    error: str = ""
    analytic: Optional[np.ndarray] = field(default=None, repr=False, compare=False)
    numeric: Optional[np.ndarray] = field(default=None, repr=False, compare=False)
    allowed: Optional[np.ndarray] = field(default=None, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        """True if the verdict is "agrees"."""
        return self.verdict == AGREES

    def describe(self) -> str:
        """One line in words."""
        label = {AGREES: "agrees     ", WRONG: "WRONG      ", CANNOT_TELL: "cannot tell"}[self.verdict]
        step = f"h {self.h:.0e}" if self.h is not None else "no h"
        text = (f"{label} {self.equation:<8} layer {self.layer}  {self.quantity:<9} "
                f"rel. error {self.rel_error:.1e}  ({step})")
        if self.reason:
            text += f": {self.reason}"
        if self.near_kink and self.verdict == AGREES:
            text += f" [{self.near_kink} z value(s) within h of a kink]"
        return text


def judge(excess, size, resolution, near_kink, unresolved_why, diff, allowed, ours, theirs, where):
    """(verdict, reason) of one comparison.

    ``excess``: the largest |g − g_num| / allowed over the elements, at element
    ``where`` (``diff``, ``allowed``, ``ours`` = g, ``theirs`` = g_num there);
    ``size`` = ‖g_num‖ and ``resolution`` = ‖allowed without tol‖; ``near_kink``:
    z values within h of a kink; ``unresolved_why()``: what to try if the
    gradient is below the resolution (:func:`advice`; called only then).
    """
    if excess > 1 and near_kink:
        return CANNOT_TELL, (
            f"differs by {diff:.1e} at element {where}, but {near_kink} z value(s) lie within h of a "
            f"kink, where a central difference averages the two slopes; check at another point "
            f"(move x or b slightly)")
    if excess > 1:
        return WRONG, (
            f"at element {where} ours is {ours:.6g} and finite differences give {theirs:.6g}: they "
            f"differ by {diff:.1e}, {excess:.3g} times what finite differences and rounding resolve "
            f"there (±{allowed:.1e})")
    if size <= resolution and resolution >= UNKNOWN:
        return CANNOT_TELL, f"finite differences at this h cannot resolve it; {unresolved_why()}"
    if size <= resolution:
        return CANNOT_TELL, (
            f"the gradient (size {size:.1e}) is not larger than what finite differences resolve "
            f"here (±{resolution:.1e}), so even a wrong sign would not show; {unresolved_why()}")
    return AGREES, (f"differs by no more than finite differences resolve at this h (±{resolution:.1e}; "
                    f"the gradient's size is {size:.1e}), so any relative error is theirs")


def advice(est: Estimate, rounding, passed_on=0.0, largest_step=1e-2) -> str:
    """What to try when a gradient is below the resolution, from the dominant error.

    ``rounding``: the equation's own arithmetic; ``passed_on``: the finite-difference
    error of its numerical input (round-off like, where it matters).
    """
    if not np.any(est.value):
        return ("C does not change at all when this quantity moves (e.g. a dead ReLU unit, or an "
                "output saturated to exactly 0 or 1): check at another point, e.g. other examples "
                "or less saturated units")
    ro = float(np.linalg.norm(est.roundoff)) + float(np.linalg.norm(passed_on))
    tr = float(np.linalg.norm(est.truncation))
    ar = float(np.linalg.norm(rounding))
    if max(tr, float(np.linalg.norm(passed_on))) >= UNKNOWN:
        return (f"h is too large: over ±h the cost is far from a parabola (central differences at h, "
                f"2h and 4h do not shrink like h²), so their truncation error cannot be estimated: try a "
                f"smaller h, e.g. h={est.h / 100:.0e}, or h=None to let the check choose")
    if ar >= max(ro, tr):
        return ("it is zero to working precision (below the rounding of the equation itself): "
                "check at a point where it is not, e.g. other examples or less saturated units")
    fl = float(np.linalg.norm(est.floor))
    if fl >= max(ro - fl, tr):
        return ("it is at the level of the rounding of the forward pass itself, which no step h "
                "changes (as at an exact minimum, where a^L = y and the gradient is rounding): "
                "check at a point away from the minimum, e.g. before training or with other targets")
    if ro >= tr:
        more = f"a larger h, e.g. h={min(10 * est.h, largest_step):.0e}, or " if est.h < largest_step else ""
        return (f"round-off in C(p ± h), which grows with the cost summed over all examples, "
                f"dominates: try {more}fewer examples (the check already runs in float64)")
    return f"truncation (the cost curves over ±h) dominates: try a smaller h, e.g. h={est.h / 10:.0e}"


@dataclass(frozen=True)
class GradCheckReport:
    """All the checks of one run, as data.

    Attributes
    ----------
    checks : list of EquationCheck
    tol : float
    h : float or None
        The step asked for; None means chosen per check (each check has its ``h``).
    notes : tuple of str
        E.g. that float32 inputs were upcast.
    """

    checks: list
    tol: float
    h: Optional[float]
    notes: tuple = ()

    @property
    def passed(self) -> bool:
        """True if every check agrees."""
        return all(c.verdict == AGREES for c in self.checks)

    @property
    def failures(self) -> list:
        """The checks whose verdict is "wrong"."""
        return [c for c in self.checks if c.verdict == WRONG]

    @property
    def undecided(self) -> list:
        """The checks whose verdict is "cannot tell"."""
        return [c for c in self.checks if c.verdict == CANNOT_TELL]

    @property
    def failing_equations(self) -> list:
        """Names of the equations with at least one wrong check, in order."""
        return list(dict.fromkeys(c.equation for c in self.failures))

    def worst(self, equation: Optional[str] = None) -> float:
        """Largest rel_error over all checks (or those of one equation)."""
        errs = [c.rel_error for c in self.checks if equation in (None, c.equation)]
        return max(errs) if errs else float("nan")

    def by_equation(self) -> dict:
        """{equation: worst rel_error} in the order checked."""
        return {eq: self.worst(eq) for eq in dict.fromkeys(c.equation for c in self.checks)}

    def verdicts(self) -> dict:
        """{equation: verdict}: "wrong" if any layer is, else "cannot tell" if any layer is, else "agrees"."""
        out = {}
        for c in self.checks:
            rank = (AGREES, CANNOT_TELL, WRONG)
            out[c.equation] = max(out.get(c.equation, AGREES), c.verdict, key=rank.index)
        return out

    def summary(self) -> str:
        """The report as text, one check per line, then the verdict (returned, not printed)."""
        lines = [c.describe() for c in self.checks]
        lines += [f"note: {n}" for n in self.notes]
        wrong, unsure = self.failing_equations, self.undecided
        step = "h chosen per check" if self.h is None else f"h {self.h:g}"
        where = ", ".join(f"{c.equation} layer {c.layer}" for c in unsure)
        if self.passed:
            verdict = f"every equation agrees with finite differences ({', '.join(self.verdicts())})"
        elif wrong:
            verdict = "wrong: " + ", ".join(wrong) + (f"; cannot tell: {where}" if unsure else "")
        else:
            verdict = f"no equation is wrong, but finite differences cannot tell for {where}"
        lines.append(f"{verdict} (tol {self.tol:g}, {step})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()
