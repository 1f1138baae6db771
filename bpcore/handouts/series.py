"""The series' conventions, defined once: file names, titles, navigation, contents markers.

File names drive everything (after jakevdp's handbook tools). A notebook of the
series is ``notebooks/NN_slug.ipynb`` (NN two digits, the slug lower-case letters,
digits and underscores); its first cell is a markdown title ``# NN · Title`` whose
number is the file's; its second cell is the navigation bar, a markdown cell
starting with :data:`NAV_MARK`. The README lists the series between
:data:`CONTENTS_START` and :data:`CONTENTS_END`.

``tools/notebooks.py`` writes the navigation bars and the README list from these
rules, the handout builder drops the navigation bar and turns links between
notebooks into links between handouts, and the tests check the notebooks against
them. Standard library only, so that each of them can import it cheaply.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = [
    "NAME_RE", "TITLE_RE", "NOTEBOOK_LINK_RE", "NAV_MARK", "CONTENTS_START", "CONTENTS_END",
    "cell_source", "cell_tags", "is_navigation", "notebook_paths", "parse_title", "title_of",
    "select",
]

_SLUG = r"[a-z0-9_]+"
#: A notebook of the series: group 1 is its number NN.
NAME_RE = re.compile(rf"^(\d\d)_{_SLUG}\.ipynb$")
#: The first line of its first cell: group 1 the number, group 2 the title.
TITLE_RE = re.compile(r"^# (\d\d) · (\S.*?)\s*$")
#: A markdown link to another notebook, e.g. ``](06_the_update_rule.ipynb#Summary``:
#: group 1 the link's opening, group 2 the file's stem.
NOTEBOOK_LINK_RE = re.compile(rf"(\]\(\s*)(?:\./)?(\d\d_{_SLUG})\.ipynb")
NAV_MARK = "<!--NAVIGATION-->"
CONTENTS_START = "<!-- CONTENTS START -->"
CONTENTS_END = "<!-- CONTENTS END -->"


def cell_source(cell) -> str:
    """A cell's source as one string (nbformat stores a string or a list of lines)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def cell_tags(cell) -> list:
    """A cell's tags (metadata.tags), [] if it has none."""
    return list(cell.get("metadata", {}).get("tags", []) or [])


def is_navigation(cell) -> bool:
    """True for the navigation-bar cell: markdown starting with NAV_MARK."""
    return cell.get("cell_type") == "markdown" and cell_source(cell).lstrip().startswith(NAV_MARK)


def notebook_paths(folder) -> list:
    """The series, in order: every file of ``folder`` whose name follows NAME_RE."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if NAME_RE.match(p.name))


def parse_title(line: str):
    """(number, title) from a title line ``# NN · Title``; None if the line is not one."""
    match = TITLE_RE.match(line)
    return (match.group(1), match.group(2)) if match else None


def title_of(path) -> str:
    """'NN · Title' from the notebook's first cell.

    Raises ValueError if the first cell is not a markdown title line or its
    number is not the file name's.
    """
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = nb["cells"][0] if nb.get("cells") else {}
    text = cell_source(first).strip()
    line = text.splitlines()[0] if text else ""
    parsed = parse_title(line)
    if first.get("cell_type") != "markdown" or not parsed:
        raise ValueError(f"{path.name}: the first cell must be markdown '# NN · Title'; got {line!r}")
    name = NAME_RE.match(path.name)
    if name and parsed[0] != name.group(1):
        raise ValueError(f"{path.name}: title number {parsed[0]} does not match the file name's {name.group(1)}")
    return f"{parsed[0]} · {parsed[1]}"


def select(names, paths, where=None) -> list:
    """The notebooks of ``paths`` that ``names`` ask for, in the order asked, without repeats.

    A name is a number (``2`` or ``02``), a file name, a stem or the start of one
    (a path's folder is ignored). No names means all of ``paths``. Raises
    ValueError naming the first name that matches nothing (and ``where`` it looked,
    if given) and listing ``paths``.
    """
    if not names:
        return list(paths)
    chosen = []
    for name in names:
        key = Path(str(name)).name
        if key.isdigit():
            key = f"{int(key):02d}_"
        match = [p for p in paths if p.name == key or p.stem == key or p.name.startswith(key)]
        if not match:
            listing = "\n  ".join(p.stem for p in paths) or "(none)"
            place = f" in {where}" if where is not None else ""
            raise ValueError(f"no notebook matches {name!r}{place}. Available:\n  {listing}")
        chosen += [p for p in match if p not in chosen]
    return chosen
