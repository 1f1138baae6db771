"""Numbers that prose quotes from a result are printed by a cell beside it, so none can drift.

A markdown cell tagged ``quotes-output`` states numbers that the code cells of its section
compute (a worked example: "δ^2_1 = (0.5366 − 1) × 0.2487 = −0.1152"). Every decimal number it
states must appear among the numbers the stored outputs of its section's code cells print
(the section runs from the ``## `` heading above the cell to the next one); strict nbval proves
those outputs are what the code prints. Numbers are compared by value, with − read as a minus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bpcore.handouts import series
from bpcore.handouts.series import cell_source, cell_tags

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = series.notebook_paths(NOTEBOOKS)
TAG = "quotes-output"
DECIMAL = re.compile(r"[−-]?\d+\.\d+")
NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?:[eE][−+-]?\d+)?")


def _values(pattern, text: str) -> set:
    return {float(t.replace("−", "-")) for t in pattern.findall(text.replace("−", "-"))}


def _printed(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(cell_source({"source": out["text"]}))
        elif "text/plain" in out.get("data", {}):
            parts.append(cell_source({"source": out["data"]["text/plain"]}))
    return "\n".join(parts)


def unprinted_numbers(nb: dict) -> list:
    """(cell index, number) for every number a quotes-output cell states that its section does not print."""
    cells = nb["cells"]
    starts = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and cell_source(c).startswith("## ")]
    found = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or TAG not in cell_tags(cell):
            continue
        start = max((s for s in starts if s <= i), default=0)
        end = min((s for s in starts if s > i), default=len(cells))
        printed = set().union(*[_values(NUMBER, _printed(c)) for c in cells[start:end] if c["cell_type"] == "code"])
        found += [(i, v) for v in sorted(_values(DECIMAL, cell_source(cell))) if v not in printed]
    return found


@pytest.mark.parametrize("path", PATHS, ids=[p.stem[:2] for p in PATHS])
def test_every_quoted_number_is_printed_in_its_section(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert unprinted_numbers(nb) == [], f"{path.name}: numbers stated but not printed (cell, number)"


def test_notebook_04_quotes_its_worked_example():
    """The worked backward pass of notebook 04 is checked by this rule (the tag is not forgotten)."""
    nb = json.loads((NOTEBOOKS / "04_gradients_bp3_bp4.ipynb").read_text(encoding="utf-8"))
    quoted = [c for c in nb["cells"] if TAG in cell_tags(c)]
    assert len(quoted) >= 5 and any("-0.1152" in cell_source(c) for c in quoted)


def _notebook(quote: str, printed: str) -> dict:
    def md(text, tags=()):
        return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": text}
    return {"cells": [
        md("## 1. One"),
        {"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": printed}]},
        md(quote, [TAG]),
        md("## 2. Two"),
        {"cell_type": "code", "metadata": {}, "source": "", "execution_count": 2,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "0.75\n"}]},
    ]}


def test_a_number_that_is_not_printed_is_reported():
    assert unprinted_numbers(_notebook("$\\delta = -0.1152$, $C = 0.1074$", "δ = −0.1152, C = 0.1074\n")) == []
    assert unprinted_numbers(_notebook("$\\delta = -0.1153$", "δ = −0.1152\n")) == [(2, -0.1153)]
    assert unprinted_numbers(_notebook("$\\delta = 0.1152$", "δ = −0.1152\n")) == [(2, 0.1152)]   # the sign counts
    assert unprinted_numbers(_notebook("a = 0.75", "a = 0.5\n")) == [(2, 0.75)]   # only its own section counts
