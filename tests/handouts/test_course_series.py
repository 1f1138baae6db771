"""The nbgrader course of the real series: every exercise graded, and the whole round trip.

For each notebook of notebooks/: every exercise becomes graded cells (no note from the
exporter: the convention is followed and every checker has a hidden test); the points table
names only exercises that exist; nbgrader accepts every cell's metadata. Then one course of
all notebooks goes through nbgrader's round trip (generate_assignment, validate on the release,
autograde of the solutions and of the untouched release); its time is printed. Validate on the
source of every notebook is test_course_series_source.py, a file of its own so that pytest's
workers can run it beside the round trip.
"""

from __future__ import annotations

import nbformat
import pytest

from bpcore.handouts import grading
from bpcore.handouts.build import build
from bpcore.handouts.course import COURSE_DIR, assignment_path, make_course_notebook
from bpcore.handouts.exercises import check_call, exercises
from bpcore.handouts.hidden import HIDDEN
from bpcore.handouts.series import cell_source, notebook_paths
from tests.handouts.grading_support import SOLUTIONS, UNTOUCHED, nbgrader_or_skip, round_trip, solution_answers
from tests.handouts.support import NOTEBOOKS
from tests import measured

pytestmark = pytest.mark.filterwarnings("ignore:Object of type <Submitted")
PATHS = notebook_paths(NOTEBOOKS)
IDS = [p.stem[:2] for p in PATHS]


def _read(path):
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_exercise_of_the_notebook_is_graded(path):
    _, notes = make_course_notebook(_read(path), path.stem)
    assert notes == [], f"{path.name}: {notes}"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_exercise_with_code_has_hidden_tests(path):
    nb = _read(path)
    missing = []
    for ex in exercises(nb):
        if ex.stub is None:
            continue
        try:
            checker = check_call(cell_source(nb.cells[ex.check])).checker if ex.check is not None else None
        except ValueError:
            checker = None
        if checker not in HIDDEN:
            missing.append(f"{ex.name} ({checker or 'no checker call'})")
    assert not missing, f"{path.name}: no hidden test for {missing}"


def test_the_points_table_names_exercises_of_the_series():
    names = {ex.name.split()[-1] for p in PATHS for ex in exercises(_read(p))}
    assert set(grading.POINTS) <= names, sorted(set(grading.POINTS) - names)


def test_nbgrader_accepts_the_metadata_of_every_notebook():
    nbgrader_or_skip()
    from nbgrader.nbgraderformat import MetadataValidator

    for path in PATHS:
        MetadataValidator().validate_nb(make_course_notebook(_read(path), path.stem)[0])


def test_the_series_round_trip_through_nbgrader(tmp_path, monkeypatch, request):
    nbgrader_or_skip()
    build(notebooks_dir=NOTEBOOKS, formats=("nbgrader",), out=tmp_path, log=lambda line: None)
    course, stems = tmp_path / COURSE_DIR, [p.stem for p in PATHS]
    assert all((course / assignment_path(s)).is_file() for s in stems)
    full = {s: solution_answers(course, s) for s in stems}
    result = round_trip(course, stems, {SOLUTIONS: full, UNTOUCHED: {s: {} for s in stems}}, monkeypatch,
                        source=False)
    measured.report(request, f"nbgrader round trip of the series ({len(stems)} assignments): {result['seconds']:.0f} s")
    problems = []
    for path in PATHS:
        stem, blocks = path.stem, exercises(_read(path))
        _, release, inverted = result["validate"][stem]
        expected = sum(grading.points(ex.name) for ex in blocks)
        if len(release.get("failed", [])) != len(blocks):
            problems.append(f"{stem}: validate on the release fails {len(release.get('failed', []))} cells, "
                            f"not the {len(blocks)} exercises")
        if inverted:
            problems.append(f"{stem}: a test passes on the release: {inverted}")
        if result["max"][stem] != expected or sum(result["scores"][(SOLUTIONS, stem)].values()) != expected:
            problems.append(f"{stem}: the solutions score {result['scores'][(SOLUTIONS, stem)]}, not {expected}")
        if sum(result["scores"][(UNTOUCHED, stem)].values()) != 0:
            problems.append(f"{stem}: the untouched release scores {result['scores'][(UNTOUCHED, stem)]}")
    assert not problems, "\n".join(problems)
