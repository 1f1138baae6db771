"""bpcore.handouts.build: choosing notebooks, and real handouts end to end (HTML and PDF, both versions).

The end-to-end tests build two notebooks of the series with Debian's chromium and
MathJax into a temporary folder, then read the PDFs' text layer. In CI (CI=true) a
missing chromium, MathJax or pdftotext fails the run; elsewhere those tests skip.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from bpcore.handouts import HandoutError
from bpcore.handouts.build import build, select_notebooks
from bpcore.handouts.exercises import solution_code
from bpcore.handouts.folder import handout_name
from bpcore.handouts.mathjax import find_mathjax
from bpcore.handouts.pdf import Printer, find_chromium
from bpcore.handouts.series import cell_source, title_of
from tests.ci import in_ci
from tests.handouts.support import NOTEBOOKS, SAMPLE, make_series

# Two notebooks of the series with solution cells; 07 also has a live widget.
END_TO_END = ("02", "07")

# TeX written in markdown -> the symbol MathJax typesets for it.
TEX_SYMBOLS = {r"\delta": "δ", r"\odot": "⊙", r"\partial": "∂", r"\sigma": "σ", r"\eta": "η", r"\nabla": "∇"}


# ---------------------------------------------------------------------------
# Choosing notebooks (no browser)


def test_select_notebooks_by_number_and_name(tmp_path):
    folder = make_series(tmp_path)
    assert [p.name for p in select_notebooks(["2", "00"], folder)] == ["02_output_error_bp1.ipynb", "00_start_here.ipynb"]
    assert [p.name for p in select_notebooks(["01_forward_propagation.ipynb"], folder)] == ["01_forward_propagation.ipynb"]
    assert len(select_notebooks([], folder)) == 3
    with pytest.raises(HandoutError, match="01_forward_propagation"):
        select_notebooks(["42"], folder)


def test_select_notebooks_takes_a_notebook_outside_the_series_by_its_path(tmp_path):
    folder = make_series(tmp_path)
    assert select_notebooks([str(SAMPLE), "0"], folder) == [SAMPLE, folder / "00_start_here.ipynb"]
    with pytest.raises(HandoutError, match=f"no notebooks \\(NN_name.ipynb\\) found in {re.escape(str(tmp_path))}"):
        select_notebooks([], tmp_path)


# ---------------------------------------------------------------------------
# End to end: real notebooks, HTML and PDF, both versions


def _hash_tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
    if in_ci():
        pytest.fail("CI needs pdftotext (apt-get install poppler-utils)")
    from pypdf import PdfReader
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _solution_lines(nb) -> list:
    """Distinctive code lines that only solutions contain (short enough not to wrap on paper):
    code cells tagged ``solution``, the code of markdown ``solution`` cells, solution regions."""
    solution, other = [], set()
    for cell in nb.cells:
        src = cell_source(cell)
        if cell.cell_type == "markdown" and "solution" in cell.metadata.get("tags", []):
            solution += solution_code(cell).splitlines()  # the exercise convention: a closed <details> block
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
        chromium = find_chromium()
        find_mathjax()
    except HandoutError as exc:
        if in_ci():
            pytest.fail(f"CI must build handouts: {exc}")
        pytest.skip(str(exc))
    paths = select_notebooks(list(END_TO_END), NOTEBOOKS)
    before = _hash_tree(NOTEBOOKS)
    out = tmp_path_factory.mktemp("handouts")
    lines = []
    with Printer(chromium) as printer:
        results = build([str(p) for p in paths], out=out, notebooks_dir=NOTEBOOKS,
                                 log=lines.append, printer=printer)
        letter = build([str(SAMPLE)], versions=("student",), formats=("pdf",), paper="letter",
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
    expected = {(p.name, v, f) for p in built["paths"] for v in ("student", "instructor") for f in ("html", "pdf", "ipynb")}
    expected |= {(p.name, "course", "nbgrader") for p in built["paths"]}
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
        code = "\n".join(cell_source(c) + json.dumps(c.get("outputs", []), ensure_ascii=False)
                         for c in nb.cells if c.cell_type == "code").replace("\\\\", "\\")
        for version in ("student", "instructor"):
            markdown = "\n".join(cell_source(c) for c in nb.cells if c.cell_type == "markdown" and not (
                version == "student" and "solution" in c.metadata.get("tags", [])))
            only_in_maths = [tex for tex in TEX_SYMBOLS if tex in markdown and tex not in code]
            assert only_in_maths, f"{path.name}: no TeX to check"
            text = _pdf_text(built["out"] / handout_name(path, version, "pdf"))
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
        student = _squash(_pdf_text(built["out"] / handout_name(path, "student", "pdf")))
        instructor = _squash(_pdf_text(built["out"] / handout_name(path, "instructor", "pdf")))
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


def test_every_handout_links_the_previous_and_next_notebooks_and_the_index(built):
    series = [p.stem for p in select_notebooks([], NOTEBOOKS)]
    for path in built["paths"]:
        i = series.index(path.stem)
        for version in ("student", "instructor"):
            page = (built["out"] / handout_name(path, version, "html")).read_text(encoding="utf-8")
            nav = re.findall(r'<nav class="handout-nav handout-nav-(top|bottom)">(.*?)</nav>', page, re.DOTALL)
            assert [where for where, _ in nav] == ["top", "bottom"]
            for _, links in nav:
                assert f'href="{series[i - 1]}-{version}.html"' in links and 'href="index.html"' in links
                if i + 1 < len(series):
                    assert f'href="{series[i + 1]}-{version}.html"' in links
            assert (built["out"] / version / "index.html").is_file()


def test_pdf_links_are_relative_and_point_at_pdfs(built):
    from pypdf import PdfReader

    for r in (r for r in built["results"] if r["format"] == "pdf"):
        uris = [str(a.get_object()["/A"]["/URI"]) for page in PdfReader(str(r["path"])).pages
                for a in page.get("/Annots") or [] if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]
        assert "index.html" in uris and any(u.endswith(f"-{r['version']}.pdf") for u in uris)
        local = [u for u in uris if not u.startswith(("http://", "https://", "mailto:"))]
        assert not [u for u in local if ":" in u or u.startswith("/") or u.endswith(".html") and u != "index.html"], local


def test_the_student_index_lists_the_handouts_in_order_with_titles(built):
    index = (built["out"] / "student" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<li>(.*?)</li>", index)
    assert [row.split(":")[0] for row in rows] == [title_of(p) for p in built["paths"]]
    for path in built["paths"]:
        for fmt in ("html", "pdf", "ipynb"):
            assert f'href="{path.stem}-student.{fmt}"' in index
    assert "instructor" not in index.split("<ul>")[1]
