"""bpcore.handouts.series: the series' rules, defined once, hold for every notebook and reject what breaks them."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from bpcore.handouts import series
from tests.handouts.support import NOTEBOOKS, ROOT


def _write(path: Path, first_cell: dict) -> Path:
    path.write_text(json.dumps({"cells": [first_cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                    encoding="utf-8")
    return path


def test_every_notebook_follows_the_name_and_title_rules():
    names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert names and [p.name for p in series.notebook_paths(NOTEBOOKS)] == names   # none left out
    for path in series.notebook_paths(NOTEBOOKS):
        number = series.NAME_RE.match(path.name).group(1)
        assert series.title_of(path).startswith(f"{number} · ")


@pytest.mark.parametrize("name, ok", [
    ("07_training_on_toy_data.ipynb", True),
    ("7_training.ipynb", False),
    ("07-training.ipynb", False),
    ("07_Training.ipynb", False),      # the slug is lower case
    ("07_training.py", False),
    ("07_.ipynb", False),
])
def test_name_rule(name, ok):
    assert bool(series.NAME_RE.match(name)) is ok


@pytest.mark.parametrize("line, parsed", [
    ("# 02 · The cost and the output error (BP1)", ("02", "The cost and the output error (BP1)")),
    ("# 02 · Trailing spaces   ", ("02", "Trailing spaces")),
    ("# 02 - A dash", None),
    ("## 02 · A second-level heading", None),
    ("# 02 ·  ", None),
    ("# 2 · One digit", None),
])
def test_title_rule(line, parsed):
    assert series.parse_title(line) == parsed


def test_title_of_checks_the_cell_and_the_number(tmp_path):
    good = _write(tmp_path / "03_x.ipynb", {"cell_type": "markdown", "metadata": {}, "source": "# 03 · Three\nmore"})
    assert series.title_of(good) == "03 · Three"
    wrong = _write(tmp_path / "04_x.ipynb", {"cell_type": "markdown", "metadata": {}, "source": "# 03 · Three"})
    with pytest.raises(ValueError, match="04_x.ipynb: title number 03 does not match the file name's 04"):
        series.title_of(wrong)
    code = _write(tmp_path / "05_x.ipynb", {"cell_type": "code", "metadata": {}, "source": "# 05 · Five",
                                            "outputs": [], "execution_count": None})
    with pytest.raises(ValueError, match="the first cell must be markdown '# NN · Title'; got '# 05 · Five'"):
        series.title_of(code)


def test_navigation_cell_and_cell_helpers():
    nav = {"cell_type": "markdown", "metadata": {"tags": ["a"]}, "source": ["\n", series.NAV_MARK, "\n[x](y)"]}
    assert series.is_navigation(nav) and series.cell_source(nav) == f"\n{series.NAV_MARK}\n[x](y)"
    assert series.cell_tags(nav) == ["a"] and series.cell_tags({"metadata": {}}) == []
    assert not series.is_navigation({**nav, "cell_type": "code"})
    assert not series.is_navigation({"cell_type": "markdown", "source": "text " + series.NAV_MARK})


def test_links_between_notebooks_match_the_name_rule():
    text = "[a](06_the_update_rule.ipynb#Summary) [b](./02_x.ipynb) [c](README.md) [d](Notes_1.ipynb)"
    assert [m.group(2) for m in series.NOTEBOOK_LINK_RE.finditer(text)] == ["06_the_update_rule", "02_x"]


def test_select_by_number_name_stem_or_prefix_in_the_order_asked():
    paths = [Path(f"nb/{n}") for n in ("00_start.ipynb", "01_forward.ipynb", "02_bp1.ipynb")]
    assert series.select([], paths) == paths
    assert series.select(["2", "00_start.ipynb", "01_forward", "0"], paths) == [paths[2], paths[0], paths[1]]
    assert series.select(["elsewhere/01_forward.ipynb"], paths) == [paths[1]]
    with pytest.raises(ValueError, match=r"no notebook matches '9' in nb\. Available:\n  00_start\n  01_forward"):
        series.select(["9"], paths, where="nb")


def _string_constants(path: Path) -> list:
    """The string literals of a Python file, docstrings left out (prose may name the rules)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_the_rules_are_written_down_only_in_series():
    """No other module or test keeps its own copy of the name rule, the navigation mark or the contents markers."""
    marks = (series.NAV_MARK, series.CONTENTS_START, series.CONTENTS_END)
    skip = {Path(series.__file__).resolve(), Path(__file__).resolve()}
    copies = []
    for folder in ("bpcore", "tools", "tests"):
        for path in ROOT.joinpath(folder).rglob("*.py"):
            if path.resolve() in skip:
                continue
            for text in _string_constants(path):
                if any(mark in text for mark in marks) or re.search(r"\\d\\d\)?_", text):
                    copies.append(f"{path.relative_to(ROOT).as_posix()}: {text[:40]!r}")
    assert copies == []
