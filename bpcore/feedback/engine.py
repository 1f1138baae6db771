"""The feedback engine: run a learner's function on test cases and explain the result.

A checker describes its exercise with a :class:`Spec`, builds its test cases
(:class:`Case`) and lists its slips (:class:`~bpcore.feedback.slips.Slip`);
this module does the rest, once for all of them: calling the learner's
function quietly on copies of its inputs (:func:`call`, :func:`as_arrays`; no
traceback reaches the learner), writing the verdict's headers and footer
(:func:`passed`, :func:`failed`), recognising a slip (:func:`recognise`), and
the whole verdict of an array-valued exercise (:func:`check`).

Graded copies set ``BPCORE_FEEDBACK=no-reveal`` (:data:`FEEDBACK_MODE`): a failed
check still names the equation and the slip, but none of a checker's own lines,
which may hold reference values or corrected code (:func:`reveals`).

Messages are deterministic (fixed seeds, rounded numbers), so a notebook that
prints one passes strict nbval.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from ..gradcheck import relative_error
from ..network import Network
from .slips import SLIPS, Slip

__all__ = ["Feedback", "Spec", "Case", "passed", "failed", "returned_none", "call", "as_arrays",
           "recognise", "check", "fmt_shape", "FEEDBACK_MODE", "reveals"]

RTOL = 1e-6    # the learner's result equals bpcore's: np.allclose(got, want, RTOL, ATOL)
ATOL = 1e-9
FD_TOL = 1e-6  # relative error below which finite differences "agree"


@dataclass(frozen=True)
class Feedback:
    """The verdict on one exercise.

    Attributes
    ----------
    passed : bool
    equation : the equation checked, e.g. "BP2"
    message : what to tell the learner; ``str(feedback)`` and Jupyter show it
    slip : the recognised mistake, a key of :data:`~bpcore.feedback.SLIPS`; None when passed
        or when the mistake is not one we know
    """

    passed: bool
    equation: str
    message: str
    slip: Optional[str] = None

    def __post_init__(self):
        if self.slip is not None and self.slip not in SLIPS:
            raise ValueError(f"slip must be a key of bpcore.feedback.SLIPS or None; got {self.slip!r}")

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"Feedback(passed={self.passed}, equation={self.equation!r}, slip={self.slip!r})"

    def _repr_pretty_(self, p, cycle) -> None:  # IPython / Jupyter: show the message
        p.text(self.message)


@dataclass(frozen=True, kw_only=True)
class Spec:
    """One exercise: what is checked, and the words the verdict uses.

    Attributes
    ----------
    checker : the checker's name, e.g. "check_bp2"
    equation, formula : e.g. "BP2" and "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)"
    notebook : the notebook that teaches it, e.g. "03_backpropagating_the_error_bp2.ipynb"
    arg_names : the learner's arguments, in order
    out_names, out_shapes : the learner's outputs, and their shapes in words
    reference : bpcore's function the result is compared with (in the pass message)
    shape_hint : what to say when a matrix product fails on the shapes
    fd_what : what the finite differences were taken of ("" when there are none)
    copy_args : pass copies of the arguments (False when the learner must change one in place)
    after_call : None, or ``after_call(case) -> (slip, message) or None``, run after each call
    """

    checker: str
    equation: str
    formula: str
    notebook: str
    arg_names: tuple
    out_names: tuple
    out_shapes: tuple
    reference: str = ""
    shape_hint: str = ""
    fd_what: str = ""
    copy_args: bool = True
    after_call: Optional[Callable] = None


@dataclass(frozen=True, kw_only=True)
class Case:
    """One test case: the learner's arguments and bpcore's answer.

    ``expected`` holds bpcore's outputs, ``numeric`` finite differences of the
    first one (or None), ``extra`` anything a slip variant needs (e.g. m).
    """

    label: str
    args: tuple
    expected: tuple = ()
    numeric: Optional[np.ndarray] = None
    extra: dict = field(default_factory=dict)


def fmt_shape(shape) -> str:
    """(3, 2) as "(3, 2)", (3,) as "(3,)"."""
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _fmt_exc(exc: BaseException) -> str:
    text = str(exc).strip().replace("\n", " ")
    text = text[:157] + "..." if len(text) > 160 else text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------------- no-reveal mode

#: The environment variable that sets the mode: unset or "reveal" (the default), or "no-reveal".
FEEDBACK_MODE = "BPCORE_FEEDBACK"
_MODES = ("reveal", "no-reveal")
_RAISED = "Your function raised "  # the learner's own exception, kept in no-reveal mode
_WITHHELD = "(A graded copy: the check shows no reference values and no corrected code.)"


def reveals() -> bool:
    """False when ``BPCORE_FEEDBACK=no-reveal``: failed checks then show no reference values or code.

    ValueError for a value other than "reveal" or "no-reveal" (an empty or unset variable reveals).
    """
    mode = os.environ.get(FEEDBACK_MODE, "").strip().lower() or "reveal"
    if mode not in _MODES:
        raise ValueError(f"{FEEDBACK_MODE} must be one of {_MODES} or unset; got {mode!r}")
    return mode == "reveal"


def passed(spec: Spec, *lines: str) -> Feedback:
    """The pass verdict: ``✓ <equation> correct: <formula>``, then ``lines``."""
    return Feedback(True, spec.equation, "\n".join([f"✓ {spec.equation} correct: {spec.formula}", *lines]))


def failed(spec: Spec, slip: str, *lines: str) -> Feedback:
    """The fail verdict: the header, the non-empty ``lines``, the notebook that teaches it.

    In no-reveal mode (:func:`reveals`) ``lines`` give way to the slip as the catalogue names it,
    after the learner's own exception if there was one.
    """
    if not reveals():
        lines = (*[l for l in lines if l.startswith(_RAISED)], f"What is wrong: {SLIPS[slip]}.", _WITHHELD)
    text = "\n".join([f"✗ {spec.equation}: {spec.formula} — not right yet.", *[l for l in lines if l],
                      f"(Taught in {spec.notebook}.)"])
    return Feedback(False, spec.equation, text, slip)


def _not_callable(spec: Spec, fn) -> Feedback:
    return Feedback(False, spec.equation, f"✗ {spec.equation}: pass your function itself, e.g. "
                    f"{spec.checker}(my_function), not the result of calling it; got a {type(fn).__name__}.",
                    "not_callable")


def _not_implemented(spec: Spec, exc) -> Feedback:
    detail = f" ({exc})" if str(exc) else ""
    return Feedback(False, spec.equation, f"✗ {spec.equation}: not implemented yet{detail}. Replace the "
                    "`raise NotImplementedError` line with your code, run the cell, then run the check again.",
                    "not_implemented")


def _is_shape_error(exc: BaseException) -> bool:
    return isinstance(exc, ValueError) and any(
        s in str(exc).lower() for s in ("matmul", "shape", "broadcast", "aligned", "dimension"))


_HINTS = {
    TypeError: "A TypeError often means an argument is used as the wrong kind of thing; "
               "the arguments are ({args}), in that order.",
    NameError: "A name is not defined: a typo, or a cell above that has not been run "
               "(use the function's own arguments).",
    IndexError: "An index is out of range: check the shapes, {shape}.",
}


def _exception_lines(spec: Spec, exc: BaseException, where: str):
    """(slip, lines) for an exception the learner's function raised ``where``."""
    said = f"{_RAISED}{_fmt_exc(exc)} {where}."
    if _is_shape_error(exc):
        return "shape_mismatch", (said, spec.shape_hint)
    hint = next((h for kind, h in _HINTS.items() if isinstance(exc, kind)), "")
    return "exception", (said, hint.format(args=", ".join(spec.arg_names), shape=spec.out_shapes[0]))


def _quiet(fn, *args):
    """fn(*args) with numpy warnings silenced: (result, None), or (None, the exception)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                return fn(*args), None
            except Exception as exc:  # the learner's code is arbitrary
                return None, exc


def _copy(x):
    return x.copy() if isinstance(x, (np.ndarray, Network)) else x


def call(fn, spec: Spec, args: tuple, *, where: str):
    """The learner's ``fn(*args)``, called quietly on copies of the arguments.

    Returns (result, None), or (None, Feedback) when ``fn`` is not a function,
    is still a stub, or raised (``where`` names the test case in the message).
    """
    if not callable(fn):
        return None, _not_callable(spec, fn)
    result, exc = _quiet(fn, *(_copy(a) for a in args))
    if isinstance(exc, NotImplementedError):
        return None, _not_implemented(spec, exc)
    if exc is not None:
        slip, lines = _exception_lines(spec, exc, where)
        return None, failed(spec, slip, *lines)
    return result, None


def returned_none(spec: Spec) -> Feedback:
    """The verdict on a function that returned None."""
    return failed(spec, "returned_none", "Your function returned None: is the `return` line missing?")


def _as_array(x):
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind not in "fiub":
        raise TypeError(type(x).__name__)
    return arr.astype(np.float64)


def as_arrays(result, spec: Spec):
    """The learner's result as a tuple of float arrays, one per ``spec.out_names``.

    Returns (arrays, None), or (None, Feedback) for None, the wrong number of
    outputs, or something that is not an array of numbers.
    """
    n = len(spec.out_names)
    if result is None:
        return None, returned_none(spec)
    if n > 1 and (not isinstance(result, (tuple, list)) or len(result) != n):
        got = f"a {type(result).__name__}"
        if isinstance(result, (tuple, list)):
            got += f" of length {len(result)}"
        return None, failed(spec, "wrong_type",
                            f"Your function should return the pair ({', '.join(spec.out_names)}); got {got}.")
    arrays = []
    for name, item in zip(spec.out_names, tuple(result) if n > 1 else (result,)):
        if item is None:
            return None, failed(spec, "returned_none",
                                f"Your {name} is None: is a `return` or an assignment missing?")
        try:
            arrays.append(_as_array(item))
        except (TypeError, ValueError):
            return None, failed(spec, "wrong_type",
                                f"Your {name} should be a numpy array of numbers; got a {type(item).__name__}.")
    return tuple(arrays), None


def _variant(slip: Slip, case: Case):
    """The slip's answer for ``case``, or None where the slipped formula itself raises."""
    out, exc = _quiet(slip.variant, case)
    return None if exc is not None else out


def recognise(slips, cases, matches) -> Optional[Slip]:
    """The first slip whose variant ``matches(case, variant)`` in every case (None if none does)."""
    for slip in slips:
        variants = [_variant(slip, case) for case in cases]
        if all(v is not None and matches(case, v) for case, v in zip(cases, variants)):
            return slip
    return None


# --------------------------------------------------------------------------- the array checker


@dataclass
class _Run:
    """What the learner's function gave in one case: its outputs, or the exception it raised."""

    outs: Optional[tuple] = None
    exc: Optional[BaseException] = None


def _close(got: tuple, want: tuple) -> bool:
    return all(g.shape == w.shape and np.all(np.isfinite(g)) and np.allclose(g, w, rtol=RTOL, atol=ATOL)
               for g, w in zip(got, want))


@dataclass
class _Attempt:
    """The learner's runs on every case, and notes (e.g. an argument changed in place) for the verdict."""

    spec: Spec
    cases: list
    runs: list
    notes: list

    def good(self) -> list:
        return [r.exc is None and _close(r.outs, c.expected) for r, c in zip(self.runs, self.cases)]

    def fail(self, slip: str, *lines: str) -> Feedback:
        return failed(self.spec, slip, *lines, *self.notes)


def check(fn, spec: Spec, cases: list, slips: list) -> Feedback:
    """Run ``fn`` on every case and explain the result: the verdict of an array-valued exercise.

    In order: a correct result in every case passes (confirmed against finite
    differences where the cases carry them); otherwise the first slip whose
    variant ``fn`` reproduces in every case is named; otherwise the first
    exception, wrong shape, constant factor or wrong element is explained.
    """
    if not callable(fn):
        return _not_callable(spec, fn)
    attempt = _run_cases(fn, spec, cases)
    if isinstance(attempt, Feedback):
        return attempt
    return (_all_correct(attempt) or _named_slip(attempt, slips) or _raised(attempt)
            or _misshapen(attempt) or _scaled(attempt) or _wrong_values(attempt))


def _changed_in_place(spec: Spec, before: tuple, after: tuple) -> list:
    return [f"Note: your function changed its argument {name} in place. It is safer to return a new "
            "array (bpcore's functions never change their inputs)."
            for name, b, a in zip(spec.arg_names, before, after)
            if isinstance(b, np.ndarray) and (a.shape != b.shape or not np.array_equal(a, b))]


def _run_cases(fn, spec: Spec, cases: list):
    """An _Attempt, or the Feedback that ends the check early (stub, bad return, after_call problem)."""
    runs, notes = [], []
    for case in cases:
        args = tuple(_copy(a) for a in case.args) if spec.copy_args else case.args
        result, exc = _quiet(fn, *args)
        if isinstance(exc, NotImplementedError):
            return _not_implemented(spec, exc)
        problem = spec.after_call(case) if spec.after_call is not None else None
        if problem:
            return failed(spec, *problem)
        notes += [n for n in _changed_in_place(spec, case.args, args) if n not in notes]
        if exc is not None:
            runs.append(_Run(exc=exc))
            continue
        outs, problem = as_arrays(result, spec)
        if problem:
            return problem
        runs.append(_Run(outs=outs))
    return _Attempt(spec, cases, runs, notes)


def _all_correct(at: _Attempt) -> Optional[Feedback]:
    if not all(at.good()):
        return None
    spec, cases = at.spec, at.cases
    labels = "; ".join(c.label for c in cases)
    lines = [f"Your function matches {spec.reference} in {len(cases)} test cases ({labels})."]
    if spec.fd_what and all(c.numeric is not None and relative_error(r.outs[0], c.numeric) < FD_TOL
                            for r, c in zip(at.runs, cases)):
        lines.append(f"It also agrees with {spec.fd_what} (relative error < 1e-6).")
    return passed(spec, *lines, *at.notes)


def _slip_matches(slip: Slip, at: _Attempt) -> bool:
    """The learner's result equals the slipped formula in every case (raising where it raises),
    and differs from the right answer in at least one."""
    differs = value_match = False
    for run, case in zip(at.runs, at.cases):
        v = _variant(slip, case)
        if v is not None:
            v = tuple(np.asarray(o, dtype=np.float64) for o in (v if isinstance(v, tuple) else (v,)))
        if run.exc is not None:
            if v is not None:
                return False
            differs = True
        else:
            if v is None or not _close(run.outs, v):
                return False
            value_match = True
            differs = differs or not _close(v, case.expected)
    return differs and value_match


def _named_slip(at: _Attempt, slips: list) -> Optional[Feedback]:
    slip = next((s for s in slips if _slip_matches(s, at)), None)
    if slip is None:
        return None
    raised = [(r, c) for r, c in zip(at.runs, at.cases) if r.exc is not None]
    also = ""
    if raised:
        run, case = raised[0]
        why = "the shapes do not fit" if _is_shape_error(run.exc) else "the same mistake"
        also = f"(In the test case {case.label} it raised {type(run.exc).__name__}: {why}.)"
    return at.fail(slip.id, slip.explain, also)


def _args_desc(spec: Spec, case: Case) -> str:
    """The arguments in words, e.g. "p (3, 3), eta = 0.5"."""
    parts = []
    for name, arg in zip(spec.arg_names, case.args):
        if isinstance(arg, np.ndarray):
            parts.append(f"{name} {fmt_shape(arg.shape)}")
        elif isinstance(arg, (int, float)) and not isinstance(arg, bool):
            parts.append(f"{name} = {arg:g}")
    return ", ".join(parts)


def _raised(at: _Attempt) -> Optional[Feedback]:
    for run, case in zip(at.runs, at.cases):
        if run.exc is not None:
            where = f"in the test case {case.label} ({_args_desc(at.spec, case)})"
            slip, lines = _exception_lines(at.spec, run.exc, where)
            return at.fail(slip, *lines)
    return None


def _misshapen(at: _Attempt) -> Optional[Feedback]:
    for run, case in zip(at.runs, at.cases):
        for name, g, w, words in zip(at.spec.out_names, run.outs, case.expected, at.spec.out_shapes):
            if g.shape != w.shape:
                hint = ""
                if g.shape == w.shape[::-1]:
                    hint = " That is the transposed shape."
                elif g.ndim == 1 and w.ndim == 2 and g.shape[0] == w.shape[0]:
                    hint = " A 1-D array has lost its column: a column keeps its second dimension, of length 1."
                return at.fail("wrong_shape", f"In the test case {case.label}, your {name} has shape "
                               f"{fmt_shape(g.shape)}; expected {fmt_shape(w.shape)}, {words}.{hint}")
    return None


def _scaled(at: _Attempt) -> Optional[Feedback]:
    """wrong_scale if every result is c × the expected one (one output, c ≠ 1), else None."""
    ratios = []
    for run, case in zip(at.runs, at.cases):
        if len(run.outs) != 1 or not np.all(np.isfinite(run.outs[0])):
            return None
        g, w = run.outs[0], case.expected[0]
        mask = np.abs(w) > 1e-8
        if not mask.any() or not np.allclose(g[~mask], 0.0, atol=ATOL):
            return None
        ratios.append(g[mask] / w[mask])
    ratios = np.concatenate(ratios)
    c = float(np.median(ratios))
    if not np.allclose(ratios, c, rtol=1e-6, atol=0) or np.isclose(c, 1.0):
        return None
    return at.fail("wrong_scale", f"Your result is {c:.4g} × the correct one in every test case: a factor "
                   "has slipped in or out (a sign, a 2, an m or an η?).")


def _wrong_values(at: _Attempt) -> Feedback:
    """The first wrong element: every run has the right shapes here, and one is not close."""
    right = sum(at.good())
    name, g, w, case = next((name, g, w, case) for run, case in zip(at.runs, at.cases)
                            for name, g, w in zip(at.spec.out_names, run.outs, case.expected)
                            if not _close((g,), (w,)))
    diff = np.where(np.isfinite(g), np.abs(g - w), np.inf)
    i = tuple(int(k) for k in np.unravel_index(np.argmax(diff), diff.shape))
    idx = f"[{', '.join(map(str, i))}]" if i else ""
    return at.fail("wrong_values",
                   f"In the test case {case.label}, your {name}{idx} is {g[i]:.4g}; expected {w[i]:.4g}. "
                   f"(Right in {right} of {len(at.cases)} test cases.)",
                   "Compare your code with the equation term by term, and check the shapes of the "
                   "intermediate results.")
