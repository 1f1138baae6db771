"""Every exercise works both ways, and Run All never shows an answer.

For each notebook of the series:
- every exercise block follows the convention of :mod:`bpcore.handouts.exercises`;
- no notebook a learner opens has an executable solution: no code cell is tagged ``solution``;
- the stored outputs (which strict nbval proves are what Run All gives) show every untouched stub
  failing its check with diagnostic feedback, not a traceback;
- executed with every stub replaced by its solution, every check passes, and prints what the
  notebook's "The result should be" block promises.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

from bpcore.handouts import exercises as ex
from bpcore.handouts import series
from pathlib import Path

from tests.kernel_support import AsyncIpcKernelManager

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

PATHS = series.notebook_paths(NOTEBOOKS)
IDS = [p.stem[:2] for p in PATHS]


def _load(path):
    return nbformat.read(path, as_version=4)


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif "text/plain" in out.get("data", {}):
            parts.append(out["data"]["text/plain"])
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return "".join(parts)


def _expected(cell) -> str:
    m = re.search(r"```[a-z]*\n(.*?)```", series.cell_source(cell), re.DOTALL)
    return m.group(1).strip() if m else ""


def _blocks(nb):
    return ex.exercises(nb)


def test_the_series_has_exercises():
    assert sum(len(_blocks(_load(p))) for p in PATHS) >= 20


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_no_solution_is_executable(path):
    nb = _load(path)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and ex.SOLUTION in series.cell_tags(c)]
    assert not code, f"{path.name}: code cells tagged 'solution' would run under Run All: {code}"
    for i, c in enumerate(nb.cells):
        if ex.SOLUTION in series.cell_tags(c):
            assert c.cell_type == "markdown" and "<details>" in c.source, \
                f"{path.name} cell {i}: a solution is a closed <details> block in a markdown cell"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_exercise_follows_the_convention(path):
    nb = _load(path)
    problems = []
    for block in _blocks(nb):
        if block.solution is None:
            problems.append(f"{block.name}: no 'solution' cell (code or model answer)")
            continue
        has_code = bool(ex.solution_code(nb.cells[block.solution]))
        if block.stub is None:
            if has_code:
                problems.append(f"{block.name}: solution code but no 'exercise' stub cell")
            continue
        stub = nb.cells[block.stub].source
        if block.check is None or block.check < block.stub:
            problems.append(f"{block.name}: no 'check' cell after the exercise cell")
        if block.result is None:
            problems.append(f"{block.name}: no '{ex.RESULT_MARK}' cell")
        if not has_code:
            problems.append(f"{block.name}: the solution holds no ```python code to replace the stub")
        if "NotImplementedError" not in stub:
            problems.append(f"{block.name}: the stub should raise NotImplementedError")
        if nb.cells[block.stub].get("outputs"):
            problems.append(f"{block.name}: the stub cell must run without output")
    assert not problems, f"{path.name}: " + "; ".join(problems)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_untouched_stub_fails_its_check_with_feedback(path):
    nb = _load(path)
    for block in _blocks(nb):
        if block.stub is None:
            continue
        shown = _text(nb.cells[block.check])
        assert shown.startswith("✗"), f"{path.name} {block.name}: the stored check does not fail: {shown[:200]!r}"
        assert "Traceback" not in shown and "Error:" not in shown.splitlines()[0]


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_solution_passes_its_check_and_prints_the_promised_result(path, tmp_path):
    nb = ex.with_solutions(_load(path))
    if not any(b.stub is not None for b in _blocks(nb)):
        pytest.skip(f"{path.name} has only text exercises")
    NotebookClient(nb, timeout=180, kernel_name="python3", record_timing=False,
                   kernel_manager_class=AsyncIpcKernelManager,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for block in _blocks(nb):
        if block.stub is None:
            continue
        shown = _text(nb.cells[block.check])
        assert shown.startswith("✓"), f"{path.name} {block.name}: the solution fails its check: {shown[:300]!r}"
        promised = _expected(nb.cells[block.result])
        assert promised and " ".join(promised.split()) in " ".join(shown.split()), (
            f"{path.name} {block.name}: 'The result should be' differs from what the solution prints:\n"
            f"promised: {promised!r}\nprinted:  {shown!r}")


def test_with_solutions_refuses_a_stub_without_solution_code():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("### Exercise 1.1: x"),
        nbformat.v4.new_code_cell("def f():\n    raise NotImplementedError", metadata={"tags": ["exercise"]}),
        nbformat.v4.new_code_cell("check(f)", metadata={"tags": ["check"]}),
        nbformat.v4.new_markdown_cell(ex.solution_markdown(explanation="words only"),
                                      metadata={"tags": ["solution"]}),
    ])
    with pytest.raises(ValueError, match="Exercise 1.1: the exercise cell has no solution code"):
        ex.with_solutions(nb)


def test_solution_markdown_round_trips_its_code():
    code = "def f(x):\n    return 2 * x"
    cell = nbformat.v4.new_markdown_cell(ex.solution_markdown(code, "Because."))
    assert ex.solution_code(cell) == code
    assert cell.source.startswith("<details>") and cell.source.endswith("</details>")
    assert ex.open_details(cell.source).startswith("<details open>")
