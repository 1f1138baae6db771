"""A notebook in, its student or instructor handout version out (pure: ``nb`` is not changed).

:func:`make_handout_notebook` does everything the two versions need before
rendering: the header (title, subtitle, objectives) taken out of the first cells,
the navigation bar dropped, solutions removed (student) or shown (instructor),
widget outputs replaced by a note, error outputs shortened to one line, machine
paths scrubbed, maintainer comments dropped and links between notebooks pointed at
handouts. :func:`make_notebook_handout` makes the same two versions as notebooks to
run: every cell kept in place (title, objectives, navigation bar), and in the
instructor's each exercise's stub holding its solution. The rules are listed in
:mod:`bpcore.handouts`.
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass

from . import VERSIONS, HandoutError
from .exercises import exercises, open_details, solution_code
from .series import NOTEBOOK_LINK_RE, cell_source, cell_tags, is_navigation, parse_title

__all__ = [
    "HandoutInfo", "make_handout_notebook", "make_notebook_handout", "handout_title", "replace_solution_regions", "machine_path_pattern",
    "scrub_paths", "drop_nbval_comments", "BEGIN_SOLUTION", "END_SOLUTION", "CODE_STUB", "MARKDOWN_STUB", "OBJECTIVES_RE",
]

OBJECTIVES_RE = re.compile(r"learning objectives", re.IGNORECASE)
TIME_RE = re.compile(r"^\s*\**\s*estimated time", re.IGNORECASE)

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
CODE_STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
MARKDOWN_STUB = ["YOUR ANSWER HERE"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_NOTE = {
    "below": "(Live widget in JupyterLab; the static figure below shows the same views.)",
    "above": "(Live widget in JupyterLab; the static figure above shows the same views.)",
    None: "(Live widget in JupyterLab; run the notebook to use it.)",
}
# Maintainer comments that explain nbval tags; noise on paper.
NBVAL_COMMENT_RE = re.compile(r"^#\s*nbval-[\w-]+:.*$")


@dataclass
class HandoutInfo:
    """What the header shows, taken from the notebook's first cells."""

    title: str
    subtitle: str = ""
    objectives: str = ""


# ---------------------------------------------------------------------------
# Text: machine paths and solution regions


def machine_path_pattern(roots=()) -> re.Pattern:
    """A regex for absolute paths that would show a machine's folders in a handout.

    ``roots``: folders to catch wherever they are (the project, the home folder, the
    temporary folder), on top of the usual top-level folders.
    """
    extra = sorted({re.escape(str(r).rstrip("/")) for r in roots if str(r).strip("/")}, key=len, reverse=True)
    common = r"/(?:work|tmp|root|home|Users|usr|opt|var|private|mnt|srv|builds|github|scratch)(?=/)"
    heads = "|".join(extra + [common])
    return re.compile(rf"(?<![\w.~/-])(?:{heads})(?:/[^\s'\"<>:,;()\[\]{{}}|]+)+|[A-Za-z]:\\Users\\[^\s'\"<>:]+")


def scrub_paths(text: str, pattern: re.Pattern) -> str:
    """Replace machine paths: site-packages paths keep the package part, others only the file name."""

    def short(match):
        path = match.group(0).replace("\\", "/")
        for packages in ("site-packages/", "dist-packages/"):
            if packages in path:
                return path.split(packages, 1)[1]
        return ".../" + path.rstrip("/").rsplit("/", 1)[-1]

    return pattern.sub(short, text)


def replace_solution_regions(source: str, stub) -> tuple:
    """nbgrader-style: lines from BEGIN SOLUTION to END SOLUTION become ``stub`` lines.

    The stub keeps the indentation of the BEGIN line. Returns (new source, number of
    regions replaced). Raises ValueError on a BEGIN without END or an END without BEGIN.
    """
    out, inside, count, indent = [], False, 0, ""
    for line in source.splitlines(keepends=False):
        stripped = line.strip()
        if stripped.startswith(BEGIN_SOLUTION):
            if inside:
                raise ValueError(f"'{BEGIN_SOLUTION}' inside another solution region")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            continue
        if stripped.startswith(END_SOLUTION):
            if not inside:
                raise ValueError(f"'{END_SOLUTION}' without '{BEGIN_SOLUTION}'")
            inside = False
            count += 1
            out += [indent + s for s in stub]
            continue
        if not inside:
            out.append(line)
    if inside:
        raise ValueError(f"'{BEGIN_SOLUTION}' without '{END_SOLUTION}'")
    return "\n".join(out), count


# ---------------------------------------------------------------------------
# Outputs


def drop_nbval_comments(source: str) -> str:
    """A code cell's source without its first-line ``# nbval-...:`` comments (maintainers' notes)."""
    lines = source.splitlines()
    while lines and NBVAL_COMMENT_RE.match(lines[0]):
        lines = lines[1:]
    return "\n".join(lines)


def _note_output(text):
    """A display output holding a short note (HTML and plain text)."""
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "text/html": f'<div class="handout-widget-note">{html.escape(text)}</div>',
            "text/plain": text,
        },
    }


def _clean_output(output, pattern):
    """An output without widget views, tracebacks or machine paths; None to drop it."""
    kind = output.get("output_type")
    if kind == "error":
        ename = output.get("ename", "Error")
        evalue = scrub_paths(str(output.get("evalue", "")), pattern)
        output["evalue"] = evalue
        output["traceback"] = [f"{ename}: {evalue}" if evalue else ename]
        return output
    if kind == "stream":
        output["text"] = scrub_paths(cell_source({"source": output.get("text", "")}), pattern)
        return output
    data = output.get("data", {})
    if WIDGET_VIEW in data or WIDGET_STATE in data:
        return None
    for mime, value in list(data.items()):
        if mime.startswith("text/") or mime in ("application/javascript",):
            data[mime] = scrub_paths(cell_source({"source": value}), pattern)
    return output


def _widget_note_position(cells, i):
    """Where the static figure for the widget cell ``i`` is: 'below', 'above' or None.

    It is looked for in the same section: the search stops at another widget or a
    ``## `` heading.
    """
    for where, others in (("below", range(i + 1, len(cells))), ("above", range(i - 1, -1, -1))):
        for j in others:
            tags = cell_tags(cells[j])
            if "static-figure" in tags:
                return where
            if "widget" in tags or cell_source(cells[j]).lstrip().startswith("## "):
                break
    return None


# ---------------------------------------------------------------------------
# Cells


def _take_header(cells, name):
    """(HandoutInfo, the remaining cells): title, subtitle and objectives out, navigation bar dropped.

    The title is the first cell's ``# NN · Title`` line (any ``# `` line is taken as
    it is); objectives and the time estimate are markdown cells before the first code cell.
    """
    info = HandoutInfo(title=name)
    if cells and cells[0].get("cell_type") == "markdown":
        lines = cell_source(cells[0]).strip().splitlines()
        if lines and lines[0].startswith("# "):
            parsed = parse_title(lines[0])
            info.title = f"{parsed[0]} · {parsed[1]}" if parsed else lines[0][2:].strip()
            info.subtitle = "\n".join(lines[1:]).strip()
            cells = cells[1:]
    header, body = [], []
    for i, cell in enumerate(cells):
        text = cell_source(cell)
        if is_navigation(cell):
            continue
        early = all(c.get("cell_type") == "markdown" for c in cells[:i])
        if early and cell.get("cell_type") == "markdown" and (OBJECTIVES_RE.search(text) or TIME_RE.match(text)):
            header.append(text.strip())
            continue
        body.append(cell)
    info.objectives = "\n\n".join(header)
    return info, body


def handout_title(nb, name: str) -> str:
    """The title a handout of ``nb`` shows ('NN · Title'; ``name`` if the notebook has none)."""
    return _take_header(list(nb.cells), name)[0].title


def _versioned(cell, version: str, name: str, link: str) -> bool:
    """One cell made into its ``version`` (in place); False if the student version drops it.

    Solutions are dropped (student) or shown (instructor), solution regions become stubs for
    students, and links between notebooks are rewritten with ``link`` (a NOTEBOOK_LINK_RE replacement).
    """
    if "solution" in cell_tags(cell):
        if version == "student":
            return False
        _show_solution(cell)
    if version == "student" and BEGIN_SOLUTION in cell_source(cell):
        _stub_solution_regions(cell, name)
    if cell.get("cell_type") == "markdown":
        cell["source"] = NOTEBOOK_LINK_RE.sub(link, cell_source(cell))
    return True


def _show_solution(cell) -> None:
    """Instructor version: clear the collapsed flags and open <details> blocks, so the solution shows."""
    if cell.get("cell_type") == "markdown":
        cell["source"] = open_details(cell_source(cell))
    meta = cell.setdefault("metadata", {})
    jupyter = meta.get("jupyter", {})
    jupyter.pop("source_hidden", None)
    jupyter.pop("outputs_hidden", None)
    if not jupyter:
        meta.pop("jupyter", None)


def _stub_solution_regions(cell, name) -> None:
    """Student version: solution regions become stubs, and a code cell loses its outputs."""
    code = cell.get("cell_type") == "code"
    try:
        cell["source"], _ = replace_solution_regions(cell_source(cell), CODE_STUB if code else MARKDOWN_STUB)
    except ValueError as exc:
        first = cell_source(cell).strip().splitlines()[0]
        raise HandoutError(f"{name}: the cell starting {first!r}: {exc}") from None
    if code:
        cell["outputs"] = []
        cell["execution_count"] = None


def _clean_code_cell(cell, note_position, pattern) -> None:
    """Drop maintainer comments; clean the outputs; a widget's outputs become a note."""
    cell["source"] = drop_nbval_comments(cell_source(cell))
    before = cell.get("outputs", [])
    outputs = [o for o in (_clean_output(o, pattern) for o in before) if o is not None]
    had_widget = len(outputs) < len(before)
    if "widget" in cell_tags(cell):
        outputs, had_widget = [], True
    if had_widget:
        outputs.append(_note_output(WIDGET_NOTE[note_position]))
    cell["outputs"] = outputs


def make_handout_notebook(nb, version: str, name: str = "notebook", roots=()) -> tuple:
    """The handout version of a notebook (a deep copy; ``nb`` is not changed).

    Parameters
    ----------
    nb : nbformat NotebookNode (version 4)
    version : 'student' or 'instructor'
    name : str, what error messages call the notebook (and its title if it has none)
    roots : folders whose paths are scrubbed from outputs (see :func:`machine_path_pattern`)

    Returns
    -------
    (notebook, HandoutInfo). Raises HandoutError on malformed solution markers.
    """
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {VERSIONS}; got {version!r}")
    nb = copy.deepcopy(nb)
    pattern = machine_path_pattern(roots)
    nb.metadata.pop("widgets", None)
    info, body = _take_header(list(nb.cells), name)
    link = rf"\1\2-{version}.html"  # links between notebooks become links between handouts of the same version
    info.subtitle, info.objectives = (NOTEBOOK_LINK_RE.sub(link, t) for t in (info.subtitle, info.objectives))
    kept = []
    for i, cell in enumerate(body):
        if not _versioned(cell, version, name, link):
            continue
        if cell.get("cell_type") == "code":
            _clean_code_cell(cell, _widget_note_position(body, i), pattern)
            if not cell_source(cell).strip() and not cell["outputs"]:
                continue  # an empty box helps nobody on paper
        kept.append(cell)
    nb.cells = kept
    nb.metadata["title"] = f"{info.title} ({version})"
    return nb, info


# ---------------------------------------------------------------------------
# The versions as notebooks


def _put_solutions_in(nb) -> None:
    """Instructor notebook: each exercise's stub becomes its solution's code; the stub's and the
    check's stored outputs (which showed the stub failing) are cleared."""
    for ex in exercises(nb):
        code = solution_code(nb.cells[ex.solution]) if ex.stub is not None and ex.solution is not None else ""
        if not code:
            continue
        nb.cells[ex.stub]["source"] = code
        for i in (ex.stub, ex.check):
            if i is not None:
                nb.cells[i]["outputs"], nb.cells[i]["execution_count"] = [], None


def make_notebook_handout(nb, version: str, name: str = "notebook", roots=()):
    """The handout version of a notebook as a notebook to run (a deep copy; ``nb`` is not changed).

    Student: solution cells removed, solution regions stubbed; stubs and checks kept with their
    stored outputs (the stub failing its check, as Run All shows). Instructor: each stub holds its
    solution's code and the solution cells are open. Both: the title, objectives and navigation bar
    stay; links between notebooks point at the same version's notebooks (``NN_slug-student.ipynb``);
    widget state and live widget outputs are dropped (running the cell brings the widget back),
    error outputs shortened, machine paths scrubbed, first-line nbval comments dropped.
    """
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {VERSIONS}; got {version!r}")
    nb = copy.deepcopy(nb)
    pattern = machine_path_pattern(roots)
    nb.metadata.pop("widgets", None)
    if version == "instructor":
        _put_solutions_in(nb)
    kept = []
    for cell in nb.cells:
        if not _versioned(cell, version, name, rf"\1\2-{version}.ipynb"):
            continue
        if cell.get("cell_type") == "code":
            cell["source"] = drop_nbval_comments(cell_source(cell))
            cell["outputs"] = [o for o in (_clean_output(o, pattern) for o in cell.get("outputs", [])) if o is not None]
        kept.append(cell)
    nb.cells = kept
    return nb
