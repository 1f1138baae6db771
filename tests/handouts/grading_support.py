"""What the nbgrader tests share: the real nbgrader (or a skip), and one course's round trip.

:func:`round_trip` runs, in-process, what an instructor runs from the course folder the
builder wrote: ``generate_assignment`` for every assignment, ``validate`` on the source (must
pass) and on the release (must fail, and pass with ``--invert``), then ``autograde`` of the
submissions it is given, and returns the gradebook's scores. The course's own
``nbgrader_config.py`` is the configuration (so the tests also prove that file works).
"""

from __future__ import annotations

import copy
import os
import sys
import time
from pathlib import Path

import nbformat
import pytest

from bpcore.handouts.course import CONFIG_NAME, assignment_path
from bpcore.handouts.series import cell_source
from tests.ci import in_ci
from tests.kernel_support import AsyncIpcKernelManager

SOLUTIONS, UNTOUCHED = "solutions", "untouched"
INSTALL = "`.venv/bin/pip install -r requirements-dev.txt` (nbgrader 0.9.6 and notebook 7.6.5)"


def nbgrader_or_skip():
    """The nbgrader module; skip without it (fail in CI, which installs requirements-dev.txt)."""
    try:
        import nbgrader
        from nbgrader.apps import NbGraderAPI  # noqa: F401  (the API the round trip uses)
    except ImportError as exc:
        if in_ci():
            pytest.fail(f"CI runs the nbgrader round trip: nbgrader is missing ({exc}); install it with {INSTALL}")
        pytest.skip(f"nbgrader is not installed; {INSTALL} runs the nbgrader round trip")
    return nbgrader


def nbgrader_cells(nb) -> dict:
    """grade_id -> cell, for the cells with nbgrader metadata."""
    return {c.metadata.nbgrader.grade_id: c for c in nb.cells if "nbgrader" in c.metadata}


def _is_answer(cell) -> bool:
    return "nbgrader" in cell.metadata and cell.metadata.nbgrader.get("solution", False)


def without_markers(source: str) -> str:
    """A solution region's content: the source without its BEGIN/END SOLUTION lines."""
    return "\n".join(l for l in source.splitlines() if "BEGIN SOLUTION" not in l and "END SOLUTION" not in l)


def submit(course: Path, student: str, stem: str, answers: dict) -> Path:
    """submitted/<student>/<stem>/<stem>.ipynb: the release with the answer cells in ``answers``
    (grade_id -> source) filled in; the others left as released."""
    nb = nbformat.read(course / "release" / stem / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        if _is_answer(cell) and cell.metadata.nbgrader.grade_id in answers:
            cell.source = answers[cell.metadata.nbgrader.grade_id]
    target = course / "submitted" / student / stem / f"{stem}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


def solution_answers(course: Path, stem: str) -> dict:
    """Every answer cell's solution, from the source notebook (grade_id -> source)."""
    nb = nbformat.read(course / assignment_path(stem), as_version=4)
    return {gid: without_markers(cell_source(c)) for gid, c in nbgrader_cells(nb).items() if _is_answer(c)}


def _validator_once(config):
    """A Validator that executes a notebook once and gives both verdicts (plain, then ``invert``)."""
    from nbgrader.validator import Validator

    class ValidateOnce(Validator):
        executed = None

        def _preprocess(self, nb):
            if self.executed is None:
                self.executed = super()._preprocess(nb)
            return copy.deepcopy(self.executed)

    return ValidateOnce(config=config)


def load_course_config(course: Path):
    """The course's nbgrader_config.py, plus one setting of the tests': nbgrader's kernels
    talk over Unix sockets, as every kernel the tests start does (tests/kernel_support.py)."""
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader(CONFIG_NAME, path=str(course)).load_config()
    # nbgrader's Execute is an nbclient NotebookClient; its __init__ passes kernel_manager_class as a keyword,
    # but ExecutePreprocessor.preprocess initialises the client again from this config before each notebook
    # (tests/handouts/test_grading_kernels.py runs it and asks the kernel)
    cfg.NotebookClient.kernel_manager_class = AsyncIpcKernelManager
    return cfg


def validate_source(course: Path, stem: str):
    """``nbgrader validate`` on the instructor's source of ``stem``: what fails ({} when it passes)."""
    nbgrader_or_skip()
    from nbgrader.validator import Validator

    return Validator(config=load_course_config(course)).validate(str(course / assignment_path(stem)))


def round_trip(course: Path, stems, submissions, monkeypatch, source=True) -> dict:
    """Run the round trip on the course folder ``course``; ``submissions`` maps a student to
    {stem: answers} (see :func:`submit`); ``source=False`` leaves out the validation of the
    source (None in the result). Returns {"validate": {stem: (source, release, invert)},
    "scores": {(student, stem): {grade_id: score}}, "max": {stem: max score}, "seconds": ...}.

    Manually graded answers get full marks by hand where the student filled them in, as an
    instructor would give a model answer.
    """
    nbgrader_or_skip()
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    # a new gradebook runs the `alembic` script of this environment
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    t0 = time.perf_counter()
    cfg = load_course_config(course)
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    out = {"validate": {}, "scores": {}, "max": {}, "autograded": {}}
    for stem in stems:
        res = api.generate_assignment(stem, force=True)
        assert res["success"], f"generate_assignment {stem}:\n{res.get('error')}"
        release = course / "release" / stem / f"{stem}.ipynb"
        once = _validator_once(cfg)
        plain = once.validate(str(release))
        once.invert = True
        out["validate"][stem] = (validate_source(course, stem) if source else None,
                                 plain, once.validate(str(release)))
    for student, answers_by_stem in submissions.items():
        for stem, answers in answers_by_stem.items():
            submit(course, student, stem, answers)
    for student, answers_by_stem in submissions.items():
        for stem in answers_by_stem:
            res = api.autograde(stem, student, force=True)  # the first one adds the student
            assert res["success"], f"autograde {stem} {student}:\n{res.get('error')}"
    with Gradebook(cfg.CourseDirectory.db_url) as gb:
        for student, answers_by_stem in submissions.items():
            for stem in answers_by_stem:
                sub_nb = gb.find_submission_notebook(stem, stem, student)
                for grade in sub_nb.grades:
                    if grade.auto_score is None and grade.manual_score is None:
                        grade.manual_score = grade.max_score  # the model answer, marked by hand
                gb.db.commit()
                out["scores"][(student, stem)] = {g.name: g.score for g in sub_nb.grades}
                out["max"][stem] = gb.find_submission(stem, student).max_score
                out["autograded"][(student, stem)] = course / "autograded" / student / stem / f"{stem}.ipynb"
    out["seconds"] = time.perf_counter() - t0
    return out
