"""Tests for bpcore.handouts: instructor and student handouts, HTML and PDF.

Fast tests work on tests/fixtures/handout_sample.ipynb in memory (a tiny notebook
with every feature the builder handles: title, navigation bar, objectives, maths,
an exercise and its solution cells, solution markers, a live widget and its static
figure, an error with a traceback and a warning with a machine path).

The end-to-end tests build real notebooks of the series with Debian's chromium and
MathJax into a temporary folder, then read the PDFs' text layer. In CI (CI=true) a
missing chromium, MathJax or pdftotext fails the run; elsewhere those tests skip.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from bpcore import handouts
from bpcore.handouts import (
    CODE_STUB,
    HandoutError,
    make_handout_notebook,
    render_html,
    replace_solution_regions,
    select_notebooks,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = FIXTURES / "handout_sample.ipynb"
# Two notebooks of the series with solution cells; 07 also has a live widget.
END_TO_END = ("02", "07")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# TeX written in markdown -> the symbol MathJax typesets for it.
TEX_SYMBOLS = {r"\delta": "δ", r"\odot": "⊙", r"\partial": "∂", r"\sigma": "σ", r"\eta": "η", r"\nabla": "∇"}


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _sample():
    return nbformat.read(SAMPLE, as_version=4)


def _all_text(nb) -> str:
    return json.dumps([{"source": c.source, "outputs": c.get("outputs", [])} for c in nb.cells])


# ---------------------------------------------------------------------------
# The notebook transforms (no browser)


def test_student_version_removes_solutions_and_their_outputs():
    nb = _sample()
    student, _ = make_handout_notebook(nb, "student")
    text = _all_text(student)
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
    assert "SOLUTION_SENTINEL_CELL" in _all_text(nb)


def test_instructor_version_shows_solutions():
    nb = _sample()
    assert any(c.metadata.get("jupyter", {}).get("source_hidden") for c in nb.cells)
    instructor, _ = make_handout_notebook(nb, "instructor")
    text = _all_text(instructor)
    for sentinel in ("SOLUTION_SENTINEL_CELL", "SOLUTION_SENTINEL_MARKDOWN", "SOLUTION_SENTINEL_MARKER"):
        assert sentinel in text
    assert not any(c.metadata.get("jupyter", {}).get("source_hidden") for c in instructor.cells)
    page = render_html(instructor, _, "instructor")
    assert 'celltag_solution' in page and "Instructor version" in page


def test_widget_outputs_become_a_note_and_widget_state_is_stripped():
    nb = _sample()
    assert "widgets" in nb.metadata
    for version in ("student", "instructor"):
        out, _ = make_handout_notebook(nb, version)
        assert "widgets" not in out.metadata
        widget = next(c for c in out.cells if "widget" in c.metadata.get("tags", []))
        assert len(widget.outputs) == 1
        assert "static figure below" in widget.outputs[0]["data"]["text/plain"]
        assert not widget.source.startswith("# nbval-ignore-output")   # maintainer comment dropped
        static = next(c for c in out.cells if "static-figure" in c.metadata.get("tags", []))
        assert any("image/png" in o.get("data", {}) for o in static.outputs)
        assert "widget-view+json" not in _all_text(out)
        page = render_html(out, _, version)
        assert "widget-view+json" not in page and "widget-state+json" not in page


def test_errors_lose_their_traceback_and_outputs_lose_machine_paths():
    nb = _sample()
    raw = _all_text(nb)
    assert "/work/" in raw or "/tmp/" in raw or "/home/" in raw   # the fixture has paths to remove
    out, _ = make_handout_notebook(nb, "student", roots=[ROOT])
    errors = [o for c in out.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert len(errors) == 1
    assert errors[0]["traceback"] == ["ValueError: the learning rate eta must be a finite number > 0; got eta=-0.1"]
    outputs = json.dumps([c.get("outputs", []) for c in out.cells])
    assert not re.search(r"/(work|tmp|root|home)/", outputs)
    assert "UserWarning: a warning whose path should not show" in outputs
    page = render_html(out, _, "student")
    assert "Traceback" not in page and "validation.py" not in page


def test_links_between_notebooks_point_at_handouts_and_empty_cells_go():
    nb = _sample()
    nb.cells.append(nbformat.v4.new_markdown_cell("See [the update rule](06_the_update_rule.ipynb#Summary)."))
    nb.cells.append(nbformat.v4.new_code_cell("   \n"))
    for version in ("student", "instructor"):
        out, _ = make_handout_notebook(nb, version)
        assert out.cells[-1].source == f"See [the update rule](06_the_update_rule-{version}.html#Summary)."
    assert nb.cells[-2].source.endswith("(06_the_update_rule.ipynb#Summary).")


def test_scrub_paths_keeps_package_relative_names():
    pattern = handouts.machine_path_pattern(["/builds/x/repo"])
    text = ("/home/ann/venv/lib/python3.11/site-packages/numpy/core/x.py:3: Warning\n"
            "/builds/x/repo/bpcore/train.py:9 and /tmp/ipykernel_1/12.py:2 and a/b/c and 1/2")
    assert handouts.scrub_paths(text, pattern) == (
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
    # in a notebook: a clear error naming the notebook and the cell, never a leaked solution
    nb = _sample()
    nb.cells.append(nbformat.v4.new_code_cell("def g():\n    ### BEGIN SOLUTION\n    return 1"))
    with pytest.raises(HandoutError, match=r"sample: the cell starting 'def g\(\):'.*without"):
        make_handout_notebook(nb, "student", name="sample")


def test_header_has_title_objectives_contents_and_no_navigation_or_cdn():
    nb = _sample()
    out, info = make_handout_notebook(nb, "student")
    assert info.title == "98 · Handout sample"
    assert "Learning objectives" in info.objectives and "Estimated time" in info.objectives
    assert not any(c.source.startswith("<!--NAVIGATION-->") for c in out.cells)
    page = render_html(out, info, "student", paper="a4")
    header = page[page.index('<header class="handout-header'):page.index("</header>")]
    assert "98 · Handout sample" in header and "Check it against finite differences" in header
    contents = re.findall(r'<li><a href="#([^"]+)">', header)
    assert contents[:2] == ["1.-The-output-error", "2.-Markers-inside-a-cell"]
    assert all(f'id="{a}"' in page for a in contents)
    assert "size: A4" in page and "size: Letter" in render_html(out, info, "student", paper="letter")
    assert "NAVIGATION" not in page
    # offline: no script or stylesheet from the network, MathJax from the local folder
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?:', page)
    assert 'src="mathjax/MathJax.js?config=' in page


@pytest.mark.parametrize("path", handouts.notebook_paths(NOTEBOOKS), ids=lambda p: p.stem[:2])
def test_every_notebook_of_the_series_makes_a_handout(path):
    """Cheap checks on every notebook (the PDFs of two are built below): header, solutions, widgets."""
    nb = nbformat.read(path, as_version=4)
    solutions = sum("solution" in c.metadata.get("tags", []) for c in nb.cells)
    for version in ("student", "instructor"):
        out, info = make_handout_notebook(nb, version, name=path.stem)
        assert re.fullmatch(rf"{path.name[:2]} · \S.*", info.title)
        assert re.search("learning objectives", info.objectives, re.IGNORECASE)
        assert not any(c.source.startswith("<!--NAVIGATION-->") for c in out.cells)
        assert "widgets" not in out.metadata and "widget-view+json" not in _all_text(out)
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


# ---------------------------------------------------------------------------
# Choosing notebooks, errors and safety (no browser)


def _series(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("00_start_here.ipynb", "01_forward_propagation.ipynb", "02_output_error_bp1.ipynb"):
        shutil.copy(SAMPLE, folder / name)
    return folder


def test_select_notebooks_by_number_and_name(tmp_path):
    folder = _series(tmp_path)
    assert [p.name for p in select_notebooks(["2", "00"], folder)] == ["02_output_error_bp1.ipynb", "00_start_here.ipynb"]
    assert [p.name for p in select_notebooks(["01_forward_propagation.ipynb"], folder)] == ["01_forward_propagation.ipynb"]
    assert len(select_notebooks([], folder)) == 3
    with pytest.raises(HandoutError, match="01_forward_propagation"):
        select_notebooks(["42"], folder)


def test_missing_notebook_name_is_a_clear_error(tmp_path, capsys):
    folder = _series(tmp_path)
    rc = handouts.main(["42", "--notebooks-dir", str(folder), "--format", "html"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "no notebook matches '42'" in err and "00_start_here" in err and "Traceback" not in err


def test_missing_chromium_is_a_clear_error(tmp_path, capsys, monkeypatch):
    folder = _series(tmp_path)
    rc = handouts.main(["00", "--notebooks-dir", str(folder), "--chromium", str(tmp_path / "no-chromium")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "chromium was not found" in err and "apt-get install chromium" in err and "Traceback" not in err
    # no chromium on PATH at all
    monkeypatch.delenv("BPCORE_CHROMIUM", raising=False)
    monkeypatch.setattr(handouts.shutil, "which", lambda name: None)
    assert handouts.main(["00", "--notebooks-dir", str(folder), "--format", "pdf"]) == 2
    assert "apt-get install chromium" in capsys.readouterr().err
    assert not (tmp_path / "build").exists()   # it failed before writing anything


def test_missing_mathjax_is_a_clear_error(tmp_path, capsys):
    folder = _series(tmp_path)
    rc = handouts.main(["00", "--notebooks-dir", str(folder), "--format", "html",
                        "--mathjax", str(tmp_path / "no-mathjax")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "MathJax 2 was not found" in err and "apt-get install libjs-mathjax" in err and "Traceback" not in err


def _mathjax_or_skip():
    try:
        return handouts.find_mathjax()
    except HandoutError as exc:
        if IN_CI:
            pytest.fail(f"CI needs MathJax: {exc}")
        pytest.skip(str(exc))


def test_never_overwrites_files_it_did_not_write(tmp_path, capsys):
    _mathjax_or_skip()
    folder = _series(tmp_path)
    out = tmp_path / "handouts"
    (out / "student").mkdir(parents=True)
    mine = out / "student" / "00_start_here-student.html"
    mine.write_text("an instructor's own file")
    rc = handouts.main(["00", "--notebooks-dir", str(folder), "--out", str(out), "--format", "html"])
    assert rc == 2
    assert "did not write" in capsys.readouterr().err
    assert mine.read_text() == "an instructor's own file"
    assert sorted(p.name for p in out.rglob("*")) == ["00_start_here-student.html", "student"]
    # a build into a folder of its own can be repeated: it overwrites only its own files
    out2 = tmp_path / "own"
    for _ in range(2):
        assert handouts.main(["00", "--notebooks-dir", str(folder), "--out", str(out2), "--format", "html"]) == 0
    manifest = json.loads((out2 / ".bpcore-handouts.json").read_text())
    written = {p.relative_to(out2).as_posix() for p in out2.rglob("*") if p.is_file()}
    assert written - set(manifest["files"]) == {".bpcore-handouts.json"}
    assert "student/mathjax/MathJax.js" in written and "index.html" in written


def test_refuses_to_write_into_notebooks(tmp_path, capsys):
    folder = _series(tmp_path)
    before = sorted(p.name for p in folder.rglob("*"))
    rc = handouts.main(["00", "--notebooks-dir", str(folder), "--out", str(folder / "handouts"), "--format", "html"])
    assert rc == 2
    assert "never written into the notebooks folder" in capsys.readouterr().err
    assert sorted(p.name for p in folder.rglob("*")) == before


# ---------------------------------------------------------------------------
# End to end: real notebooks, HTML and PDF, both versions


def _hash_tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
    if IN_CI:
        pytest.fail("CI needs pdftotext (apt-get install poppler-utils)")
    from pypdf import PdfReader
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _solution_lines(nb) -> list:
    """Distinctive code lines that only solutions contain (short enough not to wrap on paper)."""
    solution, other = [], set()
    for cell in nb.cells:
        src = _source(cell)
        if cell.cell_type != "code":
            continue
        if "solution" in cell.metadata.get("tags", []):
            solution += src.splitlines()
        else:
            inside = False
            for line in src.splitlines():
                if "### BEGIN SOLUTION" in line:
                    inside = True
                elif "### END SOLUTION" in line:
                    inside = False
                elif inside:
                    solution.append(line)
                else:
                    other.add(_squash(line))
    picked = []
    for raw in solution:
        line = _squash(raw)
        if 12 <= len(raw.strip()) <= 60 and line not in other and not line.startswith(("#", "print(", "def ")):
            if not any(line in _squash(o) for o in other) and line not in picked:
                picked.append(line)
    return picked


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    try:
        chromium = handouts.find_chromium()
        handouts.find_mathjax()
    except HandoutError as exc:
        if IN_CI:
            pytest.fail(f"CI must build handouts: {exc}")
        pytest.skip(str(exc))
    paths = select_notebooks(list(END_TO_END), NOTEBOOKS)
    before = _hash_tree(NOTEBOOKS)
    out = tmp_path_factory.mktemp("handouts")
    lines = []
    with handouts.Printer(chromium) as printer:
        results = handouts.build([str(p) for p in paths], out=out, notebooks_dir=NOTEBOOKS,
                                 log=lines.append, printer=printer)
        letter = handouts.build([str(SAMPLE)], versions=("student",), formats=("pdf",), paper="letter",
                                out=tmp_path_factory.mktemp("letter"), notebooks_dir=NOTEBOOKS,
                                log=lambda line: None, printer=printer)
    after = _hash_tree(NOTEBOOKS)
    return dict(paths=paths, out=out, results=results, letter=letter, lines=lines, before=before, after=after)


def test_notebooks_are_byte_identical_after_the_build(built):
    assert built["before"] == built["after"]
    assert not any(_is_inside(r["path"], NOTEBOOKS) for r in built["results"])


def _is_inside(path, folder):
    return Path(folder).resolve() in Path(path).resolve().parents


def test_every_handout_is_built_with_a_progress_line(built):
    expected = {(p.name, v, f) for p in built["paths"] for v in ("student", "instructor") for f in ("html", "pdf")}
    assert {(r["notebook"], r["version"], r["format"]) for r in built["results"]} == expected
    assert len(built["lines"]) == len(expected)
    assert all(re.search(r"\d+\.\d s", line) for line in built["lines"])
    for version in ("student", "instructor"):
        assert (built["out"] / version / "mathjax" / "MathJax.js").is_file()   # zip-able, offline maths
    index = (built["out"] / "index.html").read_text(encoding="utf-8")
    assert all(p.stem in index for p in built["paths"])


def test_pdfs_exist_and_have_pages(built):
    from pypdf import PdfReader

    pdfs = [r for r in built["results"] if r["format"] == "pdf"]
    assert len(pdfs) == 2 * len(built["paths"])
    for r in pdfs:
        reader = PdfReader(str(r["path"]))
        assert len(reader.pages) >= 2 and r["pages"] == len(reader.pages)
        width, height = (float(v) for v in reader.pages[0].mediabox[2:])
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2      # A4 in points
        assert r["notes"] == []                                        # no maths errors, no network
    letter = PdfReader(str(built["letter"][0]["path"]))
    width, height = (float(v) for v in letter.pages[0].mediabox[2:])
    assert abs(width - 612) < 2 and abs(height - 792) < 2              # US Letter
    # the fixture's slightly wide equation is scaled to fit; the far too wide one is reported
    assert [n for n in built["letter"][0]["notes"] if "wider than the page" in n][0].startswith("1 equation(s)")


def test_pdf_text_has_equation_symbols_not_raw_tex(built):
    for path in built["paths"]:
        nb = nbformat.read(path, as_version=4)
        # TeX in code sources or outputs (a plot label, a printed string) may print as it is
        code = "\n".join(_source(c) + json.dumps(c.get("outputs", []), ensure_ascii=False)
                         for c in nb.cells if c.cell_type == "code").replace("\\\\", "\\")
        for version in ("student", "instructor"):
            markdown = "\n".join(_source(c) for c in nb.cells if c.cell_type == "markdown" and not (
                version == "student" and "solution" in c.metadata.get("tags", [])))
            only_in_maths = [tex for tex in TEX_SYMBOLS if tex in markdown and tex not in code]
            assert only_in_maths, f"{path.name}: no TeX to check"
            text = _pdf_text(built["out"] / handouts.handout_name(path, version, "pdf"))
            for tex in only_in_maths:
                assert tex not in text, f"{path.name} {version}: raw TeX {tex} in the PDF"
                assert TEX_SYMBOLS[tex] in text, f"{path.name} {version}: no {TEX_SYMBOLS[tex]} in the PDF"
            assert "$$" not in text
            assert not re.search(r"\\(frac|mathrm|left|right|sum)\b", text)


def test_student_pdf_has_no_solution_code_and_instructor_pdf_has_it(built):
    for path in built["paths"]:
        nb = nbformat.read(path, as_version=4)
        lines = _solution_lines(nb)
        assert lines, f"{path.name}: no solution lines to look for"
        student = _squash(_pdf_text(built["out"] / handouts.handout_name(path, "student", "pdf")))
        instructor = _squash(_pdf_text(built["out"] / handouts.handout_name(path, "instructor", "pdf")))
        for line in lines:
            assert line not in student, f"{path.name}: solution line in the student PDF: {line}"
            assert line in instructor, f"{path.name}: solution line missing from the instructor PDF: {line}"
        assert "NotImplementedError" in student


def test_pdf_has_no_tracebacks_or_machine_paths(built):
    for r in built["results"]:
        if r["format"] != "pdf":
            continue
        text = _pdf_text(r["path"])
        assert "Traceback (most recent call last)" not in text
        assert not re.search(r"/(work|tmp|root|home|Users)/\w", text), r["path"].name
