"""bpcore.handouts.transform.make_notebook_handout: the student and instructor versions as notebooks.

Student: solutions out, stubs and checks in (with the stored verdicts on the stubs), title,
objectives and navigation kept. Instructor: the solution's code in place of each stub, the
solution cells open; run, every check passes and prints what the notebook promises.
"""

from __future__ import annotations

import copy
import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from bpcore.handouts.exercises import RESULT_MARK, exercises
from bpcore.handouts.series import cell_source, cell_tags, is_navigation, notebook_paths
from bpcore.handouts.transform import make_notebook_handout
from tests.handouts.support import FIXTURES, read_sample
from tests.kernel_support import AsyncIpcKernelManager

GRADED = FIXTURES / "graded_series"
PATHS = notebook_paths(GRADED)


def _read(path):
    return nbformat.read(path, as_version=4)


def _text(cell) -> str:
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


@pytest.mark.parametrize("path", PATHS, ids=[p.stem[:2] for p in PATHS])
def test_the_student_notebook_keeps_stubs_and_checks_and_drops_solutions(path):
    nb = _read(path)
    before = copy.deepcopy(nb)
    student = make_notebook_handout(nb, "student", path.stem)
    assert nb == before                                           # pure
    nbformat.validate(student)
    assert not any("solution" in cell_tags(c) for c in student.cells)
    text = json.dumps([c.source for c in student.cells])
    for secret in ("MODEL_ANSWER_SENTINEL", "sigmoid_prime(z_L)\\n", "return delta_l", "step_size", "<details"):
        assert secret not in text
    assert student.cells[0].source == nb.cells[0].source         # the title, as it is
    assert any("Learning objectives" in c.source for c in student.cells)
    for ex in exercises(student):
        if ex.stub is None:
            continue
        assert "NotImplementedError" in student.cells[ex.stub].source
        assert _text(student.cells[ex.check]).startswith("✗")   # the stored verdict on the stub
        assert RESULT_MARK in student.cells[ex.result].source
    nav = next(c for c in student.cells if is_navigation(c))
    assert re.findall(r"\]\(([^)#]+)", nav.source) and all(
        link.endswith("-student.ipynb") for link in re.findall(r"\]\(([^)#]+)", nav.source))


@pytest.mark.parametrize("path", PATHS, ids=[p.stem[:2] for p in PATHS])
def test_the_instructor_notebook_runs_every_check_to_a_pass(path):
    nb = _read(path)
    instructor = make_notebook_handout(nb, "instructor", path.stem)
    nbformat.validate(instructor)
    blocks = [ex for ex in exercises(instructor) if ex.stub is not None]
    assert blocks
    for ex in blocks:
        assert "NotImplementedError" not in instructor.cells[ex.stub].source
        assert instructor.cells[ex.check].outputs == []          # the stub's stale verdict is gone
    solutions = [c for c in instructor.cells if "solution" in cell_tags(c)]
    assert solutions and all(c.source.startswith("<details open>") for c in solutions)
    assert all(link.endswith("-instructor.ipynb") for c in instructor.cells if c.cell_type == "markdown"
               for link in re.findall(r"\]\(([^)#]+\.ipynb)", c.source))
    NotebookClient(instructor, timeout=60, kernel_name="python3",
                   kernel_manager_class=AsyncIpcKernelManager).execute()
    for ex in blocks:
        shown = _text(instructor.cells[ex.check])
        promised = re.search(r"```\n(.*?)```", instructor.cells[ex.result].source, re.DOTALL).group(1)
        assert shown.startswith("✓") and " ".join(promised.split()) in " ".join(shown.split())


def test_old_style_solutions_and_markers_are_handled_and_widgets_and_paths_cleaned():
    sample = read_sample()
    student = make_notebook_handout(sample, "student", "sample", roots=["/work"])
    text = json.dumps([{"source": c.source, "outputs": c.get("outputs", [])} for c in student.cells])
    assert "SOLUTION_SENTINEL" not in text and "# YOUR CODE HERE" in text
    assert "widgets" not in student.metadata
    assert "application/vnd.jupyter.widget-view+json" not in text
    assert not re.search(r"/(work|tmp|root|home)/\w", text)
    assert not any(cell_source(c).startswith("# nbval-") for c in student.cells)
    instructor = make_notebook_handout(sample, "instructor", "sample")
    shown = [c for c in instructor.cells if "solution" in cell_tags(c)]
    assert len(shown) == 2 and not any(c.metadata.get("jupyter", {}).get("source_hidden") for c in shown)
    with pytest.raises(ValueError, match="version must be one of"):
        make_notebook_handout(sample, "teacher")
