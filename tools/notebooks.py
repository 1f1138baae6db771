"""Maintain the notebook series: navigation bars, the README contents, execution.

File names drive everything (after jakevdp's handbook tools); the rules are
defined once, in :mod:`bpcore.handouts.series`. A notebook is
``notebooks/NN_slug.ipynb``; its first cell is a markdown title ``# NN · Title``;
its second cell is the navigation bar, a markdown cell starting with
``<!--NAVIGATION-->`` that this tool writes. The README's list of notebooks sits
between ``<!-- CONTENTS START -->`` and ``<!-- CONTENTS END -->``, also written
here. ``tests/test_notebook_structure.py`` checks that nothing has drifted.

Usage (from the project root, inside the venv)::

    python tools/notebooks.py nav                 # rewrite nav bars and README contents
    python tools/notebooks.py execute [NAME ...]  # re-run notebooks top to bottom, store outputs
    python tools/notebooks.py check               # report drift; exit 1 if any

``execute`` runs each notebook in a fresh python3 kernel with ``notebooks/`` as
the working directory, a per-cell timeout (a widget notebook can stall in
nbclient without one), no timing metadata, and writes it back only if it ran
cleanly. Cells tagged ``raises-exception`` may raise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from bpcore.handouts.series import (CONTENTS_END, CONTENTS_START, NAME_RE, NAV_MARK, cell_source,
                                    is_navigation, notebook_paths, select, title_of)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
CELL_TIMEOUT = 120


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _save(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def nav_source(paths: list, i: int) -> str:
    """The navigation bar for the i-th notebook of ``paths``."""
    parts = []
    if i > 0:
        parts.append(f"[← {title_of(paths[i - 1])}]({paths[i - 1].name})")
    parts.append(f"[Contents]({paths[0].name}#The-series)")
    if i + 1 < len(paths):
        parts.append(f"[{title_of(paths[i + 1])} →]({paths[i + 1].name})")
    return NAV_MARK + "\n" + " | ".join(parts)


def contents_block(paths: list) -> str:
    lines = [CONTENTS_START]
    for p in paths:
        lines.append(f"- [{title_of(p)}](notebooks/{p.name})")
    lines.append(CONTENTS_END)
    return "\n".join(lines)


def expected_readme(paths: list, text: str) -> str:
    start, end = text.find(CONTENTS_START), text.find(CONTENTS_END)
    if start < 0 or end < 0:
        raise ValueError(f"README.md needs the markers {CONTENTS_START} and {CONTENTS_END}")
    return text[:start] + contents_block(paths) + text[end + len(CONTENTS_END):]


def problems(paths=None) -> list:
    """Every inconsistency between file names, titles, nav bars and the README."""
    paths = notebook_paths(NOTEBOOKS) if paths is None else paths
    found = []
    numbers = [int(NAME_RE.match(p.name).group(1)) for p in paths]
    if numbers != list(range(len(paths))):
        found.append(f"notebooks are not numbered 00..{len(paths) - 1} without gaps: {numbers}")
    for i, p in enumerate(paths):
        try:
            title_of(p)
            cells = _load(p)["cells"]
            if len(cells) < 2 or not is_navigation(cells[1]):
                found.append(f"{p.name}: the second cell is not the navigation bar")
            elif cell_source(cells[1]).strip() != nav_source(paths, i):
                found.append(f"{p.name}: navigation bar is out of date (run tools/notebooks.py nav)")
        except ValueError as exc:
            found.append(str(exc))
    try:
        text = README.read_text(encoding="utf-8")
        if expected_readme(paths, text) != text:
            found.append("README.md: the contents list is out of date (run tools/notebooks.py nav)")
    except (ValueError, OSError) as exc:
        found.append(str(exc))
    return found


def write_nav(paths=None) -> None:
    """Rewrite every navigation bar and the README contents (only those cells/lines)."""
    paths = notebook_paths(NOTEBOOKS) if paths is None else paths
    for i, p in enumerate(paths):
        nb = _load(p)
        cells = nb["cells"]
        cell = {"cell_type": "markdown", "metadata": {}, "source": nav_source(paths, i)}
        if len(cells) > 1 and is_navigation(cells[1]):
            cell["id"] = cells[1].get("id", cell.get("id"))
            cell["metadata"] = cells[1].get("metadata", {})
            if cell_source(cells[1]) == cell["source"]:
                continue
            cells[1] = cell
        else:
            cell["id"] = f"nav-{p.stem[:2]}"
            cells.insert(1, cell)
        _save(p, nb)
    README.write_text(expected_readme(paths, README.read_text(encoding="utf-8")), encoding="utf-8")


def _coalesce_streams(outputs):
    """Merge consecutive stdout/stderr pieces, so that how the kernel happened to
    flush a cell's prints does not change the stored file from run to run."""
    merged = []
    for out in outputs:
        if (out.get("output_type") == "stream" and merged
                and merged[-1].get("output_type") == "stream" and merged[-1]["name"] == out["name"]):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def execute(paths, timeout: int = CELL_TIMEOUT) -> dict:
    """Execute notebooks top to bottom and store their outputs. Returns {name: seconds}."""
    import nbformat
    from nbclient import NotebookClient

    os.environ.pop("MPLBACKEND", None)
    os.environ["PYTHONHASHSEED"] = "0"
    times = {}
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", record_timing=False,
            resources={"metadata": {"path": str(p.parent)}},
        )
        t0 = time.perf_counter()
        client.execute()
        times[p.name] = time.perf_counter() - t0
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
            if cell.cell_type == "code":
                cell.outputs = _coalesce_streams(cell.outputs)
        nbformat.write(nb, p)
        print(f"executed {p.name} in {times[p.name]:.1f} s", flush=True)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("nav", help="rewrite navigation bars and the README contents")
    ex = sub.add_parser("execute", help="re-execute notebooks and store outputs")
    ex.add_argument("names", nargs="*", help="notebook file names or NN prefixes (default: all)")
    ex.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds per cell")
    sub.add_parser("check", help="report drift between names, titles, nav bars and README")
    args = parser.parse_args(argv)
    if args.cmd == "nav":
        write_nav()
        print("navigation bars and README contents written")
        return 0
    if args.cmd == "check":
        found = problems()
        print("\n".join(found) if found else "consistent")
        return 1 if found else 0
    try:
        paths = select(args.names, notebook_paths(NOTEBOOKS), where=NOTEBOOKS)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    times = execute(paths, args.timeout)
    print(f"total {sum(times.values()):.1f} s for {len(times)} notebook(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
