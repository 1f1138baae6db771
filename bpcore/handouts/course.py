"""The series as an nbgrader course: one assignment per notebook, in nbgrader's source layout.

::

    nbgrader/nbgrader_config.py                 the course's settings (yours go in nbgrader_config_local.py)
    nbgrader/source/NN_slug/NN_slug.ipynb       assignment NN_slug: the notebook with nbgrader metadata

:func:`make_course_notebook` turns each exercise of :mod:`bpcore.handouts.exercises` into
nbgrader cells (metadata schema version 3, :func:`nbgrader_metadata`):

- the stub cell becomes an *autograded answer* holding the solution code between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``, inside the stub's function when the stub is
  one (:func:`answer_source`), so the released copy keeps the ``def`` line;
- the check cell becomes an *autograder test* worth :func:`bpcore.handouts.grading.points`: it
  prints the verdict, asserts that it passed, and runs the hidden tests of
  :mod:`bpcore.handouts.hidden` between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``
  (:func:`autograder_source`);
- a text question's model answer becomes a *manually graded answer* with its points;
- solution cells are dropped (their code is in the answer cells); every other cell is
  *read-only* (locked); outputs are cleared; a first, read-only code cell sets
  ``BPCORE_FEEDBACK=no-reveal`` (:data:`GRADED_SETUP`), so checks name the equation and the
  slip without showing reference values or code; links between notebooks point at the other
  assignments.

An exercise that does not follow the convention is left ungraded, with a note saying why.
Pure functions: nothing here imports nbgrader (the tests run the real one on the output).
"""

from __future__ import annotations

import copy
import re

from ..feedback.engine import FEEDBACK_MODE
from . import HandoutError
from .exercises import exercises, check_call, solution_code, SOLUTION
from .grading import DEFAULT_POINTS, points
from .hidden import HIDDEN
from .series import NOTEBOOK_LINK_RE, cell_source, cell_tags
from .transform import BEGIN_SOLUTION, END_SOLUTION, drop_nbval_comments

__all__ = [
    "COURSE_ID", "COURSE_DIR", "CONFIG_NAME", "LOCAL_CONFIG_NAME", "SCHEMA_VERSION", "GRADED_SETUP",
    "BEGIN_HIDDEN", "END_HIDDEN", "assignment_path", "nbgrader_metadata", "answer_source",
    "autograder_source", "model_answer", "make_course_notebook", "course_config",
]

COURSE_ID = "bpcore"
COURSE_DIR = "nbgrader"
CONFIG_NAME = "nbgrader_config.py"
LOCAL_CONFIG_NAME = "nbgrader_config_local.py"
SCHEMA_VERSION = 3
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
CELL_TIMEOUT = 300  # seconds per cell when nbgrader runs a notebook (06 and 07 train networks)
GRADE_ID_RE = re.compile(r"^[a-zA-Z0-9_\-]+$")
GRADED_SETUP = (
    "# A graded copy: a check names the equation and the slip, but shows no reference values or code.\n"
    "import os\n\n"
    f'os.environ["{FEEDBACK_MODE}"] = "no-reveal"'
)
_DETAILS_TAG = re.compile(r"^\s*</?details[^>]*>\s*$|^\s*<summary>.*?</summary>\s*$", re.MULTILINE)


def assignment_path(stem: str) -> str:
    """Where an assignment's notebook goes in the course folder: ``source/<stem>/<stem>.ipynb``."""
    return f"source/{stem}/{stem}.ipynb"


def nbgrader_metadata(grade_id: str, *, grade=False, solution=False, locked=False, points=None, task=False) -> dict:
    """A cell's ``metadata["nbgrader"]`` in schema version 3 (exactly the keys nbgrader allows)."""
    if not GRADE_ID_RE.match(grade_id):
        raise ValueError(f"grade_id must be letters, digits, '_' or '-'; got {grade_id!r}")
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": task}
    if grade or task:
        if points is None:
            raise ValueError(f"{grade_id}: a graded cell needs points")
        meta["points"] = points
    return meta


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def answer_source(stub: str, code: str) -> str:
    """The answer cell: the solution ``code`` between the solution markers.

    When the stub is a function whose body raises NotImplementedError and the solution starts
    with the same lines (the ``def`` line, a docstring), only the body is marked, at its
    indentation, so nbgrader's release keeps them; otherwise the whole code is marked.
    """
    stub_lines, code_lines = stub.rstrip().splitlines(), code.strip("\n").splitlines()
    k = 0
    while k < min(len(stub_lines), len(code_lines)) and stub_lines[k].rstrip() == code_lines[k].rstrip():
        k += 1
    rest_stub, rest_code = stub_lines[k:], code_lines[k:]
    indent = _indent(rest_stub[0]) if rest_stub else ""
    in_body = bool(k and indent and rest_code and "NotImplementedError" in "\n".join(rest_stub)
                   and all(not line.strip() or line.startswith(indent) for line in rest_stub + rest_code))
    if in_body:
        return "\n".join([*code_lines[:k], indent + BEGIN_SOLUTION, *rest_code, indent + END_SOLUTION])
    return "\n".join([BEGIN_SOLUTION, *code_lines, END_SOLUTION])


def autograder_source(check_source: str, exercise: str, hidden: bool = True) -> str:
    """The autograder test: the check, printed and asserted, then (hidden) the hidden tests.

    ``exercise`` is its number ("2.1"). ValueError if the check cell ends with no checker call.
    """
    call = check_call(check_source)
    lines = [call.before.rstrip("\n")] if call.before.strip() else []
    lines += [f"verdict = {call.call}", "print(verdict)",
              f'assert verdict.passed, "Exercise {exercise} does not pass its check yet: see the message above."']
    if hidden:
        lines += [BEGIN_HIDDEN, "from bpcore.handouts.hidden import run_hidden_tests",
                  f"run_hidden_tests({exercise!r}, {call.checker!r}, {call.argument})", END_HIDDEN]
    return "\n".join(lines)


def model_answer(source: str) -> str:
    """A solution cell's text without its <details>/<summary> wrapper."""
    return _DETAILS_TAG.sub("", source).strip()


def _grade_id(cell, i: int) -> str:
    cid = str(cell.get("id", ""))
    return f"cell-{cid}" if GRADE_ID_RE.match(cid) else f"cell-{i}"


def _set(cell, source: str, meta: dict) -> None:
    cell["source"] = source
    cell.setdefault("metadata", {})["nbgrader"] = meta
    tags = [t for t in cell_tags(cell) if t != SOLUTION]
    if tags:
        cell["metadata"]["tags"] = tags
    else:
        cell["metadata"].pop("tags", None)


def _grade_exercise(cells, ex, notes) -> set:
    """Turn one exercise's cells into nbgrader cells; returns the indices it converted."""
    number = ex.name.split()[-1]
    slug = "exercise-" + number.replace(".", "-")
    if ex.stub is None:  # a text question: its model answer is graded by hand
        if ex.solution is None:
            notes.append(f"{ex.name} has no solution cell: not graded")
            return set()
        answer = model_answer(cell_source(cells[ex.solution]))
        _set(cells[ex.solution], f"{BEGIN_SOLUTION}\n\n{answer}\n\n{END_SOLUTION}",
             nbgrader_metadata(f"{slug}-answer", grade=True, solution=True, points=points(number)))
        return {ex.solution}
    code = solution_code(cells[ex.solution]) if ex.solution is not None else ""
    try:
        if ex.check is None or not code:
            raise ValueError("no check cell" if ex.check is None else "no solution code")
        call = check_call(cell_source(cells[ex.check]))
    except ValueError as exc:
        notes.append(f"{ex.name}: {exc}: not graded")
        _set(cells[ex.stub], cell_source(cells[ex.stub]), nbgrader_metadata(f"{slug}-answer", solution=True))
        return {ex.stub}
    hidden = call.checker in HIDDEN
    if not hidden:
        notes.append(f"{ex.name}: no hidden test for {call.checker}")
    _set(cells[ex.stub], answer_source(cell_source(cells[ex.stub]), code),
         nbgrader_metadata(f"{slug}-answer", solution=True))
    _set(cells[ex.check], autograder_source(cell_source(cells[ex.check]), number, hidden),
         nbgrader_metadata(f"{slug}-tests", grade=True, locked=True, points=points(number)))
    return {ex.stub, ex.check}


def _plain_cell(cell, i: int):
    """Any other cell: dropped if it is a solution, else read-only (or an answer if it holds markers)."""
    if SOLUTION in cell_tags(cell):
        return None
    source = cell_source(cell)
    if BEGIN_SOLUTION in source:  # nbgrader-style markers outside the exercise convention
        markdown = cell.get("cell_type") == "markdown"
        meta = nbgrader_metadata(f"answer-{_grade_id(cell, i)}", grade=markdown, solution=True,
                                 points=DEFAULT_POINTS if markdown else None)
    else:
        meta = nbgrader_metadata(_grade_id(cell, i), locked=True)
    if cell.get("cell_type") == "markdown":  # links to other notebooks: to the other assignments
        source = NOTEBOOK_LINK_RE.sub(r"\1../\2/\2.ipynb", source)
    else:
        source = drop_nbval_comments(source)
    _set(cell, source, meta)
    return cell


def _setup_cell():
    return {"cell_type": "code", "id": "graded-copy-setup", "execution_count": None, "outputs": [],
            "source": GRADED_SETUP, "metadata": {"nbgrader": nbgrader_metadata("graded-copy-setup", locked=True)}}


def make_course_notebook(nb, name: str = "notebook") -> tuple:
    """The nbgrader source version of a notebook (a deep copy). Returns (notebook, notes).

    ``notes`` lists what could not be graded (an exercise off the convention, a checker with no
    hidden test). HandoutError (naming ``name``) if the notebook has no code cell.
    """
    from nbformat import from_dict

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    cells, notes, done = nb.cells, [], set()
    for ex in exercises(nb):
        done |= _grade_exercise(cells, ex, notes)
    kept = [c if i in done else _plain_cell(c, i) for i, c in enumerate(cells)]
    kept = [c for c in kept if c is not None]
    for cell in kept:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    first_code = next((i for i, c in enumerate(kept) if c.get("cell_type") == "code"), None)
    if first_code is None:
        raise HandoutError(f"{name}: no code cell, nothing for nbgrader to run")
    kept.insert(first_code, from_dict(_setup_cell()))
    nb.cells = kept
    return nb, notes


def course_config(course_id: str = COURSE_ID) -> str:
    """The course's ``nbgrader_config.py``: everything in the folder it is in; local settings on top."""
    return f'''"""nbgrader settings of the {course_id} course, written by bpcore-handouts.

Run nbgrader from this folder (e.g. `nbgrader generate_assignment 02_output_error_bp1 --force`).
bpcore-handouts refuses to overwrite this file once you have edited it; put your own settings
(a shared exchange, a database, timeouts) in {LOCAL_CONFIG_NAME} next to it instead: it is read
last, and bpcore-handouts never writes it.
"""
import os

c = get_config()  # noqa: F821  (traitlets' config loader defines it)
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "{course_id}"
c.CourseDirectory.root = here
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")
# The exchange (release/fetch/submit/collect) needs a folder; a local one until you set your own.
os.makedirs(os.path.join(here, "exchange"), exist_ok=True)
c.Exchange.root = os.path.join(here, "exchange")
c.Execute.timeout = {CELL_TIMEOUT}  # seconds per cell: some notebooks train networks

if os.path.exists(os.path.join(here, "{LOCAL_CONFIG_NAME}")):
    load_subconfig(os.path.join(here, "{LOCAL_CONFIG_NAME}"))  # noqa: F821
'''
