"""The notebook series stays consistent: names, titles, navigation, README, structure, stored outputs.

File names drive titles, the navigation bars and the README contents (the rules
are bpcore.handouts.series; tools/notebooks.py writes them; here we check nothing
has drifted). Every
notebook also follows the series' structure (learning objectives and time,
Setup, numbered sections, Summary, 2–4 exercises in the exercise convention)
and is stored executed cleanly (counts 1..n, no errors, no machine paths, no
memory addresses, no timing metadata, every nbval tag with its reason).

Each per-notebook rule lives in :func:`structure_problems`, which returns
messages instead of asserting, so the last tests can show that a deliberately
broken notebook is reported.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from pathlib import Path

import pytest

from bpcore.handouts.exercises import solution_markdown

from bpcore.handouts import series
from bpcore.handouts.series import cell_source, cell_tags

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
_spec = importlib.util.spec_from_file_location("notebook_tool", ROOT / "tools" / "notebooks.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

NOTEBOOKS = ROOT / "notebooks"
PATHS = series.notebook_paths(NOTEBOOKS)
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|tmp|root|home)/")
ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,16}")
EXERCISE_HEADING = re.compile(r"^### Exercise (\d+)\.(\d+): \S")
SECTION_HEADING = re.compile(r"^## (\d+)\. \S")
NBVAL_TAGS = ("nbval-ignore-output", "nbval-skip")



def _headings(cells):
    """(cell index, heading line) for every markdown heading line."""
    return [(i, line) for i, c in enumerate(cells) if c["cell_type"] == "markdown"
            for line in cell_source(c).splitlines() if line.startswith("#")]


def _output_text(output) -> str:
    parts = []
    if "text" in output:
        parts.append(cell_source({"source": output["text"]}))
    for key, value in output.get("data", {}).items():
        if key.startswith("text/") or key.endswith("json"):
            parts.append(value if isinstance(value, str) else json.dumps(value))
    if output.get("output_type") == "error":
        parts.append(output.get("evalue", ""))
        parts.extend(output.get("traceback", []))
    return "\n".join(parts)





def structure_problems(nb: dict, number: int) -> list:
    """Everything about one notebook's structure and stored outputs that breaks the series' rules."""
    found = []
    cells = nb.get("cells", [])
    text = "\n".join(cell_source(c) for c in cells if c["cell_type"] == "markdown")
    heads = _headings(cells)
    head_lines = [h for _, h in heads]

    def index_of(line):
        return next((i for i, h in heads if h.strip() == line), None)

    # -- title, navigation placeholder, objectives and time
    first = cell_source(cells[0]).splitlines()[0] if cells and cell_source(cells[0]) else ""
    title = series.parse_title(first)
    if not title or title[0] != f"{number:02d}":
        found.append(f"first line must be '# {number:02d} · Title'; got {first!r}")
    if len(cells) < 2 or not series.is_navigation(cells[1]):
        found.append("the second cell must be the navigation bar")
    if "## Learning objectives" not in head_lines:
        found.append("no '## Learning objectives' heading")
    if not re.search(r"Estimated time: \d+ minutes", text):
        found.append("no 'Estimated time: N minutes'")

    # -- Setup: a heading followed by the first code cell, which draws inline
    setup = index_of("## Setup")
    code_cells = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    if setup is None:
        found.append("no '## Setup' heading")
    elif not code_cells or code_cells[0] < setup or "%matplotlib inline" not in cell_source(cells[code_cells[0]]):
        found.append("the first code cell must follow '## Setup' and contain %matplotlib inline")
    if code_cells and re.search(r"np\.random\.(seed|rand|randn|normal|uniform|random|choice|shuffle)\(",
                                "\n".join(cell_source(cells[i]) for i in code_cells)):
        found.append("uses the global np.random; use np.random.default_rng(SEED)")

    # -- numbered sections, Summary, Exercises (in that order)
    numbers = [int(SECTION_HEADING.match(h).group(1)) for h in head_lines if SECTION_HEADING.match(h)]
    if not numbers or numbers != list(range(1, len(numbers) + 1)):
        found.append(f"numbered sections must be '## 1. ...', '## 2. ...' in order; got {numbers}")
    summary, exercises = index_of("## Summary"), index_of("## Exercises")
    if summary is None or exercises is None:
        found.append("needs '## Summary' and '## Exercises' headings")
        return found
    if not summary <= exercises or any(SECTION_HEADING.match(h) and i > summary for i, h in heads):
        found.append("'## Summary' must follow the numbered sections and precede '## Exercises'")
    if any(h.startswith("## ") and i > exercises for i, h in heads):
        found.append("'## Exercises' must be the last section")

    # -- exercises: 2–4, numbered N.1..N.k, each in the exercise convention
    ex_cells = [(i, EXERCISE_HEADING.match(h)) for i, h in heads if EXERCISE_HEADING.match(h)]
    if any(i < exercises for i, _ in ex_cells):
        found.append("an exercise heading comes before '## Exercises'")
    ks = [int(m.group(2)) for _, m in ex_cells]
    if not 2 <= len(ex_cells) <= 4:
        found.append(f"needs 2–4 exercises; found {len(ex_cells)}")
    if ks != list(range(1, len(ks) + 1)) or any(int(m.group(1)) != number for _, m in ex_cells):
        found.append(f"exercises must be numbered {number}.1, {number}.2, ...; got "
                     f"{[f'{m.group(1)}.{m.group(2)}' for _, m in ex_cells]}")
    # Each block's cells (stub, check, result, solution) follow bpcore.handouts.exercises; the
    # convention and both directions (stub fails, solution passes) are tested in test_exercises.py.
    for c in cells:
        if "solution" in cell_tags(c) and c["cell_type"] != "markdown":
            found.append("a cell tagged 'solution' is code: Run All would run it")

    # -- stored outputs: kernelspec, execution counts, errors, paths, addresses, metadata, tags
    if nb.get("metadata", {}).get("kernelspec", {}).get("name") != "python3":
        found.append("kernelspec name must be python3")
    counts = [cells[i].get("execution_count") for i in code_cells]
    if counts != list(range(1, len(code_cells) + 1)):
        found.append(f"code cells must be stored executed with counts 1..{len(code_cells)}; got {counts}")
    for i in code_cells:
        c = cells[i]
        tags = cell_tags(c)
        meta = c.get("metadata", {})
        if "execution" in meta or "ExecuteTime" in meta:
            found.append(f"cell {i}: timing metadata stored")
        for out in c.get("outputs", []):
            if out.get("output_type") == "error" and "raises-exception" not in tags:
                found.append(f"cell {i}: stored error output ({out.get('ename')}) without the raises-exception tag")
            if "image/svg+xml" in out.get("data", {}):
                found.append(f"cell {i}: SVG output (keep PNG figures)")
            shown = _output_text(out)
            if MACHINE_PATH.search(shown):
                found.append(f"cell {i}: output shows a machine path: {MACHINE_PATH.search(shown).group(0)}")
            if ADDRESS.search(shown):
                found.append(f"cell {i}: output shows a memory address")
        for tag in NBVAL_TAGS:
            if tag in tags:
                line = cell_source(c).splitlines()[0] if cell_source(c) else ""
                if not re.match(r"^#\s*\S.{9,}", line):
                    found.append(f"cell {i}: tagged {tag} without a first-line comment stating the reason")
        if "widget" in tags and "nbval-ignore-output" not in tags:
            found.append(f"cell {i}: a widget cell must also be tagged nbval-ignore-output")
    if any("widget" in cell_tags(c) for c in cells) and not any("static-figure" in cell_tags(c) for c in cells):
        found.append("a live widget needs a cell tagged static-figure beside it")
    return found


# --------------------------------------------------------------------------- the series


def test_the_series_exists_and_starts_at_00():
    assert PATHS, "no notebooks/NN_*.ipynb found"
    assert PATHS[0].name == "00_start_here.ipynb"


def test_names_titles_nav_bars_and_readme_are_consistent():
    """Numbered 00..N without gaps, titles match file numbers, nav bars and README contents up to date."""
    assert tool.problems() == []


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_notebook_structure_and_stored_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    number = int(path.name[:2])
    assert series.title_of(path).startswith(f"{number:02d} · ")
    assert structure_problems(nb, number) == []


def test_start_here_maps_every_notebook_under_the_series_heading():
    """The nav bars' Contents link points at 00_start_here.ipynb#The-series: that section lists the series."""
    nb = json.loads(PATHS[0].read_text(encoding="utf-8"))
    cells = [cell_source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    section = next((c for c in cells if c.splitlines()[0].strip() == "## The series"), None)
    assert section is not None, "00_start_here.ipynb needs a '## The series' heading"
    for path in PATHS:
        link = f"]({path.name})"
        assert link in section, f"'## The series' does not link {path.name}"
        text = re.search(r"\[([^\]]+)\]\(" + re.escape(path.name) + r"\)", section).group(1)
        assert text == series.title_of(path), f"link text {text!r} should be the title {series.title_of(path)!r}"


# --------------------------------------------------------------------------- the checks can fail


def _good_notebook():
    """The smallest notebook that follows every rule (built here, not read from disk)."""
    def md(src, **meta):
        return {"cell_type": "markdown", "metadata": meta, "source": src}

    def code(src, count, outputs=(), **meta):
        return {"cell_type": "code", "metadata": meta, "source": src, "execution_count": count,
                "outputs": list(outputs)}

    cells = [
        md("# 07 · A test"), md(series.NAV_MARK),
        md("## Learning objectives\n\n- one\n\n**Estimated time: 5 minutes.**"),
        md("## Setup"), code("%matplotlib inline\nimport numpy as np", 1),
        md("## 1. First"), code("print(1)", 2, [{"output_type": "stream", "name": "stdout", "text": "1\n"}]),
        md("## Summary"), md("## Exercises"),
        md("### Exercise 7.1: One"),
        code('def f():\n    raise NotImplementedError("Exercise 7.1")', 3, tags=["exercise"]),
        code("print(f())", 4, tags=["check"]),
        md("**The result should be:**\n\n```\n1\n```"),
        md(solution_markdown("def f():\n    return 1"), tags=["solution"]),
        md("### Exercise 7.2: Two"), md(solution_markdown(explanation="Answer: 2."), tags=["solution"]),
    ]
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}


def test_a_notebook_that_follows_the_rules_has_no_problems():
    assert structure_problems(_good_notebook(), 7) == []


BREAKAGES = [
    ("wrong title number", lambda c: c[0].update(source="# 08 · A test"), "first line must be"),
    ("no nav bar", lambda c: c[1].update(source="nav"), "navigation bar"),
    ("no time estimate", lambda c: c[2].update(source="## Learning objectives"), "Estimated time"),
    ("setup without %matplotlib", lambda c: c[4].update(source="import numpy as np"), "%matplotlib inline"),
    ("global np.random", lambda c: c[6].update(source="np.random.seed(0)"), "global np.random"),
    ("section numbering", lambda c: c[5].update(source="## 2. First"), "numbered sections"),
    ("no summary", lambda c: c[7].update(source="## Recap"), "'## Summary'"),
    ("executable solution", lambda c: c[13].update(cell_type="code", outputs=[], execution_count=5),
     "Run All would run it"),
    ("exercise number", lambda c: c[14].update(source="### Exercise 7.3: Two"), "numbered 7.1, 7.2"),
    ("too few exercises", lambda c: c[14].update(source="### Two"), "needs 2–4 exercises"),
    ("execution counts", lambda c: c[6].update(execution_count=5), "counts 1..4"),
    ("stored error", lambda c: c[6]["outputs"].append(
        {"output_type": "error", "ename": "ValueError", "evalue": "x", "traceback": []}), "stored error output"),
    ("machine path", lambda c: c[6]["outputs"].append(
        {"output_type": "stream", "name": "stderr", "text": "warning in /home/me/x.py"}), "machine path"),
    ("memory address", lambda c: c[6]["outputs"].append(
        {"output_type": "execute_result", "execution_count": 2, "metadata": {},
         "data": {"text/plain": "<function f at 0x7f3a12bc45d0>"}}), "memory address"),
    ("timing metadata", lambda c: c[6]["metadata"].update(execution={"iopub.status.busy": "2024"}),
     "timing metadata"),
    ("svg figure", lambda c: c[6]["outputs"].append(
        {"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": "<svg/>"}}), "SVG"),
    ("nbval tag without reason", lambda c: c[6]["metadata"].update(tags=["nbval-ignore-output"]),
     "stating the reason"),
    ("widget without static figure", lambda c: c[6]["metadata"].update(
        tags=["widget", "nbval-ignore-output"]), "static-figure"),
]


@pytest.mark.parametrize("what, breakage, message", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_a_broken_notebook_is_reported(what, breakage, message):
    nb = copy.deepcopy(_good_notebook())
    breakage(nb["cells"])
    found = structure_problems(nb, 7)
    assert any(message in f for f in found), found


def test_tool_reports_gaps_bad_titles_and_stale_nav_bars(tmp_path):
    """tools/notebooks.problems() on a deliberately broken copy of the series."""
    def write(name, title, nav):
        nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": title},
                        {"cell_type": "markdown", "metadata": {}, "source": nav}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (tmp_path / name).write_text(json.dumps(nb), encoding="utf-8")

    write("00_start_here.ipynb", "# 00 · Start here", series.NAV_MARK + "\nstale")
    write("01_forward_propagation.ipynb", "# 01 · Forward", "no nav here")
    write("03_backpropagating_the_error_bp2.ipynb", "# 04 · Wrong number", series.NAV_MARK)
    found = tool.problems(series.notebook_paths(tmp_path))
    joined = "\n".join(found)
    assert "not numbered 00..2 without gaps: [0, 1, 3]" in joined
    assert "00_start_here.ipynb: navigation bar is out of date" in joined
    assert "01_forward_propagation.ipynb: the second cell is not the navigation bar" in joined
    assert "03_backpropagating_the_error_bp2.ipynb: title number 04 does not match" in joined


def test_tool_nav_fixes_a_stale_nav_bar(tmp_path, monkeypatch):
    """write_nav() repairs what problems() reports (README redirected to a temp copy)."""
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{series.CONTENTS_START}\n{series.CONTENTS_END}\n", encoding="utf-8")
    monkeypatch.setattr(tool, "README", readme)
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name, title in (("00_a.ipynb", "# 00 · A"), ("01_b.ipynb", "# 01 · B")):
        nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": title},
                        {"cell_type": "markdown", "metadata": {}, "source": series.NAV_MARK}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (folder / name).write_text(json.dumps(nb), encoding="utf-8")
    paths = series.notebook_paths(folder)
    before = "\n".join(tool.problems(paths))
    assert "00_a.ipynb: navigation bar is out of date" in before
    assert "README.md: the contents list is out of date" in before
    tool.write_nav(paths)
    assert tool.problems(paths) == []
    assert "- [01 · B](notebooks/01_b.ipynb)" in readme.read_text(encoding="utf-8")
