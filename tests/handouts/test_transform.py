"""bpcore.handouts.transform: the student and instructor versions of a notebook (no browser).

Most tests work on tests/fixtures/handout_sample.ipynb in memory; the last one makes
both versions of every notebook of the series.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from bpcore.handouts import HandoutError
from bpcore.handouts.render import render_html
from bpcore.handouts.series import is_navigation, notebook_paths
from bpcore.handouts.transform import (CODE_STUB, machine_path_pattern, make_handout_notebook,
                                       replace_solution_regions, scrub_paths)
from tests.handouts.support import NOTEBOOKS, ROOT, all_text, read_sample


def test_student_version_removes_solutions_and_their_outputs():
    nb = read_sample()
    student, _ = make_handout_notebook(nb, "student")
    text = all_text(student)
    assert "solution" not in {t for c in student.cells for t in c.metadata.get("tags", [])}
    assert "SOLUTION_SENTINEL_CELL" not in text          # the solution code cell
    assert "SOLUTION_SENTINEL_MARKDOWN" not in text      # the written answer
    assert "SOLUTION_SENTINEL_MARKER" not in text        # lines between the markers
    assert "BP1 correct\\n" not in json.dumps([c.get("outputs", []) for c in student.cells])
    half = next(c for c in student.cells if c.source.startswith("def half"))
    assert "    # YOUR CODE HERE\n    raise NotImplementedError()" in half.source
    assert half.outputs == [] and half.execution_count is None   # "2.0" came from the solution
    # the exercise stub stays, and the source notebook is untouched
    assert any("exercise" in c.metadata.get("tags", []) for c in student.cells)
    assert "SOLUTION_SENTINEL_CELL" in all_text(nb)


def test_instructor_version_shows_solutions():
    nb = read_sample()
    assert any(c.metadata.get("jupyter", {}).get("source_hidden") for c in nb.cells)
    instructor, info = make_handout_notebook(nb, "instructor")
    text = all_text(instructor)
    for sentinel in ("SOLUTION_SENTINEL_CELL", "SOLUTION_SENTINEL_MARKDOWN", "SOLUTION_SENTINEL_MARKER"):
        assert sentinel in text
    assert not any(c.metadata.get("jupyter", {}).get("source_hidden") for c in instructor.cells)
    page = render_html(instructor, info, "instructor")
    assert 'celltag_solution' in page and "Instructor version" in page


def test_markdown_solution_markers_become_the_answer_stub():
    nb = read_sample()
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "Why?\n\n### BEGIN SOLUTION\nBecause SOLUTION_SENTINEL_WHY.\n### END SOLUTION"))
    student, _ = make_handout_notebook(nb, "student")
    assert student.cells[-1].source == "Why?\n\nYOUR ANSWER HERE"
    instructor, _ = make_handout_notebook(nb, "instructor")
    assert "SOLUTION_SENTINEL_WHY" in instructor.cells[-1].source


def test_widget_outputs_become_a_note_and_widget_state_is_stripped():
    nb = read_sample()
    assert "widgets" in nb.metadata
    for version in ("student", "instructor"):
        out, info = make_handout_notebook(nb, version)
        assert "widgets" not in out.metadata
        widget = next(c for c in out.cells if "widget" in c.metadata.get("tags", []))
        assert len(widget.outputs) == 1
        assert "static figure below" in widget.outputs[0]["data"]["text/plain"]
        assert not widget.source.startswith("# nbval-ignore-output")   # maintainer comment dropped
        static = next(c for c in out.cells if "static-figure" in c.metadata.get("tags", []))
        assert any("image/png" in o.get("data", {}) for o in static.outputs)
        assert "widget-view+json" not in all_text(out)
        page = render_html(out, info, version)
        assert "widget-view+json" not in page and "widget-state+json" not in page


def test_widget_note_says_where_the_static_figure_is():
    nb = read_sample()
    widget = next(i for i, c in enumerate(nb.cells) if "widget" in c.metadata.get("tags", []))
    static = nb.cells.pop(widget + 1)
    nb.cells.insert(widget, static)                           # the figure now comes first
    out, _ = make_handout_notebook(nb, "student")
    note = next(c for c in out.cells if "widget" in c.metadata.get("tags", [])).outputs[0]["data"]["text/plain"]
    assert "static figure above" in note
    nb.cells.pop(widget)                                      # no figure in the section at all
    out, _ = make_handout_notebook(nb, "student")
    note = next(c for c in out.cells if "widget" in c.metadata.get("tags", [])).outputs[0]["data"]["text/plain"]
    assert note == "(Live widget in JupyterLab; run the notebook to use it.)"


def test_errors_lose_their_traceback_and_outputs_lose_machine_paths():
    nb = read_sample()
    raw = all_text(nb)
    assert "/work/" in raw or "/tmp/" in raw or "/home/" in raw   # the fixture has paths to remove
    out, info = make_handout_notebook(nb, "student", roots=[ROOT])
    errors = [o for c in out.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert len(errors) == 1
    assert errors[0]["traceback"] == ["ValueError: the learning rate eta must be a finite number > 0; got eta=-0.1"]
    outputs = json.dumps([c.get("outputs", []) for c in out.cells])
    assert not re.search(r"/(work|tmp|root|home)/", outputs)
    assert "UserWarning: a warning whose path should not show" in outputs
    page = render_html(out, info, "student")
    assert "Traceback" not in page and "validation.py" not in page


def test_links_between_notebooks_point_at_handouts_and_empty_cells_go():
    nb = read_sample()
    nb.cells.append(nbformat.v4.new_markdown_cell("See [the update rule](06_the_update_rule.ipynb#Summary)."))
    nb.cells.append(nbformat.v4.new_code_cell("   \n"))
    for version in ("student", "instructor"):
        out, _ = make_handout_notebook(nb, version)
        assert out.cells[-1].source == f"See [the update rule](06_the_update_rule-{version}.html#Summary)."
    assert nb.cells[-2].source.endswith("(06_the_update_rule.ipynb#Summary).")


def test_scrub_paths_keeps_package_relative_names():
    pattern = machine_path_pattern(["/builds/x/repo"])
    text = ("/home/ann/venv/lib/python3.11/site-packages/numpy/core/x.py:3: Warning\n"
            "/builds/x/repo/bpcore/train.py:9 and /tmp/ipykernel_1/12.py:2 and a/b/c and 1/2")
    assert scrub_paths(text, pattern) == (
        "numpy/core/x.py:3: Warning\n.../train.py:9 and .../12.py:2 and a/b/c and 1/2")


def test_solution_markers_keep_indentation_and_reject_unbalanced():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\nprint(f(1))"
    new, count = replace_solution_regions(src, CODE_STUB)
    assert count == 1
    assert new == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\nprint(f(1))"
    with pytest.raises(ValueError, match="without"):
        replace_solution_regions("### BEGIN SOLUTION\nx = 1", CODE_STUB)
    with pytest.raises(ValueError, match="without"):
        replace_solution_regions("x = 1\n### END SOLUTION", CODE_STUB)
    with pytest.raises(ValueError, match="inside another"):
        replace_solution_regions("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", CODE_STUB)
    # in a notebook: a clear error naming the notebook and the cell, never a leaked solution
    nb = read_sample()
    nb.cells.append(nbformat.v4.new_code_cell("def g():\n    ### BEGIN SOLUTION\n    return 1"))
    with pytest.raises(HandoutError, match=r"sample: the cell starting 'def g\(\):'.*without"):
        make_handout_notebook(nb, "student", name="sample")


def test_unknown_version_is_rejected():
    with pytest.raises(ValueError, match=r"version must be one of \('student', 'instructor'\); got 'teacher'"):
        make_handout_notebook(read_sample(), "teacher")


def test_header_takes_title_subtitle_and_objectives_out_of_the_cells():
    nb = read_sample()
    out, info = make_handout_notebook(nb, "student")
    assert info.title == "98 · Handout sample"
    assert info.subtitle == "A tiny notebook used by the handout tests."
    assert "Learning objectives" in info.objectives and "Estimated time" in info.objectives
    assert not any(is_navigation(c) for c in out.cells)
    assert not any("## Learning objectives" in c.source for c in out.cells)
    assert out.metadata["title"] == "98 · Handout sample (student)"
    # a notebook without a series title keeps its own heading, or else its name
    nb.cells[0].source = "# Something else\nmore"
    assert make_handout_notebook(nb, "student")[1].title == "Something else"
    nb.cells.pop(0)
    assert make_handout_notebook(nb, "student", name="fallback")[1].title == "fallback"


@pytest.mark.parametrize("path", notebook_paths(NOTEBOOKS), ids=lambda p: p.stem[:2])
def test_every_notebook_of_the_series_makes_a_handout(path):
    """Cheap checks on every notebook (the PDFs of two are built in test_build): header, solutions, widgets."""
    nb = nbformat.read(path, as_version=4)
    solutions = sum("solution" in c.metadata.get("tags", []) for c in nb.cells)
    for version in ("student", "instructor"):
        out, info = make_handout_notebook(nb, version, name=path.stem)
        assert re.fullmatch(rf"{path.name[:2]} · \S.*", info.title)
        assert re.search("learning objectives", info.objectives, re.IGNORECASE)
        assert not any(is_navigation(c) for c in out.cells)
        assert "widgets" not in out.metadata and "widget-view+json" not in all_text(out)
        tagged = sum("solution" in c.metadata.get("tags", []) for c in out.cells)
        assert tagged == (0 if version == "student" else solutions)
        if version == "student":
            assert not any("### BEGIN SOLUTION" in c.source for c in out.cells)
        for cell in out.cells:
            for output in cell.get("outputs", []):
                if output["output_type"] == "error":
                    assert len(output["traceback"]) == 1 and "Traceback" not in output["traceback"][0]
            if "widget" in cell.metadata.get("tags", []):
                note = cell.outputs[-1]["data"]["text/plain"]
                assert "static figure" in note, f"{path.name}: a widget cell without a static-figure cell"
