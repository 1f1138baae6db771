"""What the handout tests share: where things are, the sample notebook, a throwaway series."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from bpcore.handouts import HandoutError
from bpcore.handouts.mathjax import find_mathjax
from tests.ci import in_ci

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = ROOT / "tests" / "fixtures"
# A tiny notebook with every feature the builder handles: title, navigation bar, objectives,
# maths, an exercise and its solution cells, solution markers, a live widget and its static
# figure, an error with a traceback and a warning with a machine path.
SAMPLE = FIXTURES / "handout_sample.ipynb"


def read_sample():
    """A fresh copy of the sample notebook (nbformat v4)."""
    return nbformat.read(SAMPLE, as_version=4)


def all_text(nb) -> str:
    """Every cell's source and outputs as one JSON string, to search."""
    return json.dumps([{"source": c.source, "outputs": c.get("outputs", [])} for c in nb.cells])


def make_series(tmp_path: Path) -> Path:
    """A notebooks/ folder of three copies of the sample, named like the series' first three."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("00_start_here.ipynb", "01_forward_propagation.ipynb", "02_output_error_bp1.ipynb"):
        shutil.copy(SAMPLE, folder / name)
    return folder


def mathjax_or_skip() -> Path:
    """MathJax's folder; skip the test without it (fail in CI, which must have it)."""
    try:
        return find_mathjax()
    except HandoutError as exc:
        if in_ci():
            pytest.fail(f"CI needs MathJax: {exc}")
        pytest.skip(str(exc))
