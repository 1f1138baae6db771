"""bpcore.handouts.course: the nbgrader course, cell by cell, and graded by the real nbgrader.

The fixture series (tests/fixtures/graded_series/: three small notebooks in the exercise
convention, one text question among them) is turned into a course folder and taken through
nbgrader's whole round trip: generate_assignment, validate on the source (passes) and on the
release (fails; passes with --invert), autograde of the solutions (full points), of the
untouched release (0), of an answer that passes the visible check but not the hidden tests
(0 for it), and of a wrong answer, whose graded feedback names the slip without the reference.
Without nbgrader those tests skip, with the command that installs it; in CI they fail.
"""

from __future__ import annotations

import re
import shutil
import sys

import nbformat
import pytest

from bpcore.feedback.engine import FEEDBACK_MODE
from bpcore.handouts import course, grading
from bpcore.handouts.build import build
from bpcore.handouts.course import (BEGIN_HIDDEN, COURSE_DIR, CONFIG_NAME, LOCAL_CONFIG_NAME, answer_source,
                                    assignment_path, make_course_notebook, model_answer, nbgrader_metadata,
                                    autograder_source)
from bpcore.handouts.exercises import exercises, solution_markdown
from bpcore.handouts.series import NOTEBOOK_LINK_RE, cell_source, notebook_paths
from tests.handouts.grading_support import (SOLUTIONS, UNTOUCHED, load_course_config, nbgrader_cells,
                                            nbgrader_or_skip, round_trip, solution_answers)
from tests.handouts.support import FIXTURES, read_sample
from tests import measured

# nbgrader's ORM warns on the first autograde of a submission (harmless; see the notes on nbgrader)
pytestmark = pytest.mark.filterwarnings("ignore:Object of type <Submitted")
GRADED = FIXTURES / "graded_series"
STEMS = [p.stem for p in notebook_paths(GRADED)]
KEYS = {"grade", "grade_id", "locked", "schema_version", "solution", "task"}


def _course_nb(stem):
    return make_course_notebook(nbformat.read(GRADED / f"{stem}.ipynb", as_version=4), stem)


# --------------------------------------------------------------------------- cells (no nbgrader needed)


def test_metadata_has_exactly_the_keys_of_schema_version_3():
    assert set(nbgrader_metadata("a-1", locked=True)) == KEYS
    tests = nbgrader_metadata("t_1", grade=True, locked=True, points=2)
    assert set(tests) == KEYS | {"points"} and tests["points"] == 2 and tests["schema_version"] == 3
    with pytest.raises(ValueError, match="grade_id must be letters, digits"):
        nbgrader_metadata("exercise.2.1")
    with pytest.raises(ValueError, match="a graded cell needs points"):
        nbgrader_metadata("t", grade=True)


def test_an_answer_marks_the_body_of_the_stub_function_and_keeps_its_def_and_docstring():
    stub = 'def f(x):\n    """Twice x."""\n    raise NotImplementedError("Exercise 1.1")\n'
    code = 'def f(x):\n    """Twice x."""\n    y = 2 * x\n    return y'
    assert answer_source(stub, code) == ('def f(x):\n    """Twice x."""\n    ### BEGIN SOLUTION\n'
                                         '    y = 2 * x\n    return y\n    ### END SOLUTION')


def test_an_answer_that_is_not_the_stubs_body_is_marked_whole():
    stub = 'def f(x):\n    raise NotImplementedError("Exercise 1.1")'
    helper = "def g(x):\n    return 2 * x\n\n\ndef f(x):\n    return g(x)"
    assert answer_source(stub, helper) == f"### BEGIN SOLUTION\n{helper}\n### END SOLUTION"
    value = "best_h = None  # your value\nraise NotImplementedError"
    assert answer_source(value, "best_h = 1e-4").splitlines() == ["### BEGIN SOLUTION", "best_h = 1e-4",
                                                                  "### END SOLUTION"]


def test_a_test_cell_prints_and_asserts_the_check_then_hides_the_hidden_tests():
    src = autograder_source("# three seeded cases\nprint(check_bp4(my_weight_gradient))", "4.2")
    lines = src.splitlines()
    assert lines[:4] == ["# three seeded cases", "verdict = check_bp4(my_weight_gradient)", "print(verdict)",
                         'assert verdict.passed, "Exercise 4.2 does not pass its check yet: see the message above."']
    assert lines[4:] == [BEGIN_HIDDEN, "from bpcore.handouts.hidden import run_hidden_tests",
                         "run_hidden_tests('4.2', 'check_bp4', my_weight_gradient)", "### END HIDDEN TESTS"]
    assert BEGIN_HIDDEN not in autograder_source("check_bp1(f)", "2.1", hidden=False)
    with pytest.raises(ValueError, match="must end with a checker call"):
        autograder_source("print('no check')", "2.1")


def test_a_model_answer_loses_its_details_wrapper():
    assert model_answer(solution_markdown(explanation="Because **z**.")) == "Because **z**."


def test_each_exercise_becomes_an_answer_and_a_test_and_every_other_cell_is_read_only():
    for stem in STEMS:
        nb, notes = _course_nb(stem)
        assert notes == []
        nbformat.validate(nb)
        series_nb = nbformat.read(GRADED / f"{stem}.ipynb", as_version=4)
        cells = nbgrader_cells(nb)
        assert len(cells) == len(nb.cells), f"{stem}: every cell has nbgrader metadata"
        assert all(set(c.metadata.nbgrader) - {"points"} == KEYS for c in nb.cells)
        for ex in exercises(series_nb):
            slug = "exercise-" + ex.name.split()[-1].replace(".", "-")
            if ex.stub is None:  # a text question
                answer = cells[f"{slug}-answer"]
                assert answer.cell_type == "markdown" and answer.metadata.nbgrader["grade"]
                assert answer.metadata.nbgrader["points"] == grading.points(ex.name)
                assert "MODEL_ANSWER_SENTINEL" in answer.source and "<details>" not in answer.source
                continue
            answer, tests = cells[f"{slug}-answer"], cells[f"{slug}-tests"]
            assert answer.metadata.nbgrader["solution"] and not answer.metadata.nbgrader["locked"]
            assert "### BEGIN SOLUTION" in answer.source
            assert tests.metadata.nbgrader["grade"] and tests.metadata.nbgrader["locked"]
            assert tests.metadata.nbgrader["points"] == grading.points(ex.name) and BEGIN_HIDDEN in tests.source
        others = [c for c in nb.cells if not c.metadata.nbgrader["solution"] and not c.metadata.nbgrader["grade"]]
        assert all(c.metadata.nbgrader["locked"] for c in others)
        assert not any("solution" in c.metadata.get("tags", []) for c in nb.cells)
        assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")


def test_solutions_appear_only_inside_solution_regions():
    nb, _ = _course_nb("04_gradients_bp3_bp4")
    holding = [c for c in nb.cells if "a_prev.T" in cell_source(c) and "return" in cell_source(c)]
    assert [c.metadata.nbgrader.grade_id for c in holding] == ["exercise-4-2-answer"]
    text, _ = _course_nb("02_output_error_bp1")
    assert [c.metadata.nbgrader.grade_id for c in text.cells if "MODEL_ANSWER_SENTINEL" in c.source] == \
        ["exercise-2-2-answer"]


def test_the_first_code_cell_turns_no_reveal_on_and_links_point_at_the_other_assignments():
    nb, _ = _course_nb("06_the_update_rule")
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert first.metadata.nbgrader["locked"] and f'os.environ["{FEEDBACK_MODE}"] = "no-reveal"' in first.source
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "](../04_gradients_bp3_bp4/04_gradients_bp3_bp4.ipynb)" in text
    assert not NOTEBOOK_LINK_RE.search(text)


def test_points_come_from_the_table(monkeypatch):
    monkeypatch.setitem(grading.POINTS, "4.2", 3)
    nb, _ = _course_nb("04_gradients_bp3_bp4")
    assert nbgrader_cells(nb)["exercise-4-2-tests"].metadata.nbgrader["points"] == 3
    assert nbgrader_cells(nb)["exercise-4-1-tests"].metadata.nbgrader["points"] == grading.DEFAULT_POINTS
    assert grading.points("Exercise 3.2") == grading.POINTS["3.2"] == 2


def test_an_exercise_off_the_convention_stays_ungraded_with_a_note(monkeypatch):
    nb, notes = make_course_notebook(read_sample(), "sample")  # old form: a code solution, no check cell
    assert notes == ["Exercise 1.1: no check cell: not graded"]
    cells = nbgrader_cells(nb)
    assert cells["exercise-1-1-answer"].metadata.nbgrader["solution"]
    assert not any(c.metadata.nbgrader["grade"] for c in nb.cells if c.cell_type == "code")
    assert "SOLUTION_SENTINEL_CODE" not in "".join(c.source for c in nb.cells if "BEGIN SOLUTION" not in c.source)
    monkeypatch.delitem(course.HIDDEN, "check_bp1")
    _, notes = _course_nb("02_output_error_bp1")
    assert notes == ["Exercise 2.1: no hidden test for check_bp1"]


def test_the_course_config_puts_everything_in_its_folder_and_reads_local_settings_last(tmp_path):
    (tmp_path / CONFIG_NAME).write_text(course.course_config())
    cfg = load_course_config(tmp_path)
    assert cfg.CourseDirectory.root == str(tmp_path) and cfg.CourseDirectory.course_id == "bpcore"
    assert cfg.CourseDirectory.db_url == f"sqlite:///{tmp_path / 'gradebook.db'}"
    assert cfg.Exchange.root == str(tmp_path / "exchange") and (tmp_path / "exchange").is_dir()
    (tmp_path / LOCAL_CONFIG_NAME).write_text("c = get_config()\nc.Exchange.root = '/srv/exchange'\n"
                                              "c.Execute.timeout = 60\n")
    cfg = load_course_config(tmp_path)
    assert cfg.Exchange.root == "/srv/exchange" and cfg.Execute.timeout == 60


# --------------------------------------------------------------------------- the real nbgrader


@pytest.fixture(scope="module")
def built_course(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded")
    build(notebooks_dir=GRADED, formats=("nbgrader",), out=out, log=lambda line: None)
    return out / COURSE_DIR


def test_the_course_folder_is_nbgraders_source_layout(built_course):
    assert sorted(p.relative_to(built_course).as_posix() for p in built_course.rglob("*.ipynb")) == \
        [assignment_path(s) for s in STEMS]
    assert (built_course / CONFIG_NAME).is_file()


def test_nbgrader_accepts_every_cells_metadata(built_course):
    nbgrader_or_skip()
    from nbgrader.nbgraderformat import MetadataValidator

    for stem in STEMS:
        MetadataValidator().validate_nb(nbformat.read(built_course / assignment_path(stem), as_version=4))


VISIBLE_ONLY = ("def my_output_error(z_L, a_L, y):\n    if z_L.shape[1] == 1:  # the visible cases have m > 1\n"
                "        return 0 * z_L\n    return (a_L - y) * sigmoid_prime(z_L)")
WRONG = "def my_weight_gradient(delta_l, a_prev):\n    return delta_l @ a_prev.T + 1"


@pytest.fixture(scope="module")
def graded(built_course, tmp_path_factory, request):
    nbgrader_or_skip()
    work = tmp_path_factory.mktemp("course") / COURSE_DIR
    shutil.copytree(built_course, work)
    full = {stem: solution_answers(work, stem) for stem in STEMS}
    slips = {"02_output_error_bp1": {**full["02_output_error_bp1"], "exercise-2-1-answer": VISIBLE_ONLY},
             "04_gradients_bp3_bp4": {**full["04_gradients_bp3_bp4"], "exercise-4-2-answer": WRONG}}
    with pytest.MonkeyPatch.context() as mp:
        result = round_trip(work, STEMS, {SOLUTIONS: full, UNTOUCHED: {s: {} for s in STEMS}, "slips": slips}, mp)
    measured.report(request, f"nbgrader round trip of the fixture course ({len(STEMS)} assignments): "
                             f"{result['seconds']:.1f} s")
    result["course"] = work
    return result


def _expected_points(stem):
    nb = nbformat.read(GRADED / f"{stem}.ipynb", as_version=4)
    return sum(grading.points(ex.name) for ex in exercises(nb))


def test_validate_passes_on_the_source_and_fails_on_the_release(graded):
    for stem in STEMS:
        source, release, inverted = graded["validate"][stem]
        assert source == {}, f"{stem}: the source must pass: {source}"
        assert set(release) == {"failed"}, f"{stem}: the release must fail: {release}"
        assert len(release["failed"]) == len(exercises(nbformat.read(GRADED / f"{stem}.ipynb", as_version=4)))
        assert inverted == {}, f"{stem}: no test may pass on the release: {inverted}"


def test_the_release_holds_no_solution_and_no_hidden_test(graded):
    for stem in STEMS:
        release = (graded["course"] / "release" / stem / f"{stem}.ipynb").read_text()
        for secret in ("BEGIN HIDDEN", "run_hidden_tests", "BEGIN SOLUTION", "MODEL_ANSWER_SENTINEL",
                       "sigmoid_prime(z_L)\\n", "a_prev.T\\n", "step_size"):
            assert secret not in release, f"{stem}: {secret!r} in the release"
        assert "YOUR CODE HERE" in release


def test_the_solutions_score_full_points_and_the_untouched_release_none(graded):
    for stem in STEMS:
        full, none = graded["scores"][(SOLUTIONS, stem)], graded["scores"][(UNTOUCHED, stem)]
        assert graded["max"][stem] == _expected_points(stem) > 0
        assert sum(full.values()) == graded["max"][stem], f"{stem}: {full}"
        assert sum(none.values()) == 0, f"{stem}: {none}"


def test_matching_the_visible_check_is_not_enough(graded):
    scores = graded["scores"][("slips", "02_output_error_bp1")]
    assert scores["exercise-2-1-tests"] == 0 and scores["exercise-2-2-answer"] == 1
    nb = nbformat.read(graded["autograded"][("slips", "02_output_error_bp1")], as_version=4)
    outputs = nbgrader_cells(nb)["exercise-2-1-tests"].outputs
    assert outputs[0].text.startswith("✓ BP1 correct")                       # the visible check passed
    assert outputs[-1].ename == "HiddenTestFailure" and "Exercise 2.1, hidden test" in outputs[-1].evalue


def test_graded_feedback_names_the_slip_but_not_the_reference(graded):
    scores = graded["scores"][("slips", "04_gradients_bp3_bp4")]
    assert scores["exercise-4-1-tests"] == 1 and scores["exercise-4-2-tests"] == 0
    nb = nbformat.read(graded["autograded"][("slips", "04_gradients_bp3_bp4")], as_version=4)
    shown = nbgrader_cells(nb)["exercise-4-2-tests"].outputs[0].text
    assert shown.startswith("✗ BP4") and "What is wrong: the result has the right shape but wrong values." in shown
    assert "expected" not in shown and "a_prev.T" not in shown and not re.search(r"\d\.\d{3}", shown)


def test_autograding_restores_the_hidden_tests(graded):
    nb = nbformat.read(graded["autograded"][(SOLUTIONS, "04_gradients_bp3_bp4")], as_version=4)
    assert "run_hidden_tests('4.2', 'check_bp4', my_weight_gradient)" in nbgrader_cells(nb)["exercise-4-2-tests"].source


def test_without_nbgrader_the_grading_tests_skip_locally_and_fail_in_ci(monkeypatch):
    monkeypatch.setitem(sys.modules, "nbgrader", None)           # `import nbgrader` now raises ImportError
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="pip install -r requirements-dev.txt"):
        nbgrader_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI runs the nbgrader round trip: nbgrader is missing"):
        nbgrader_or_skip()
