"""Build instructor and student handouts (HTML and PDF) from the notebooks.

Usage (from the project root, inside the venv)::

    python -m bpcore.handouts                      # every notebook, both versions, HTML + PDF, A4
    python -m bpcore.handouts 02 05                # a subset, by number or file name
    python -m bpcore.handouts --version student --format pdf --paper letter
    python -m bpcore.handouts --out ~/course/handouts
    python -m bpcore.handouts --list               # the notebooks it can build

The notebooks are read as committed (their stored outputs; nothing is re-run) and
never written. Handouts go to ``build/handouts/`` (git-ignored) by default::

    build/handouts/index.html                      links to every handout built there
    build/handouts/student/NN_name-student.html    + .pdf, + mathjax/ (offline maths)
    build/handouts/instructor/NN_name-instructor.html

Each version folder is self-contained: zip ``student/`` or upload it as it is and
the HTML shows its maths with no network.

Versions (driven by cell tags and nbgrader-style markers, see DEVELOPERS.md):

- instructor: every cell; solution cells are shown (their ``source_hidden`` flag is
  cleared) and labelled "Solution".
- student: cells tagged ``solution`` (code or markdown) are removed; inside any
  cell, the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION`` become
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` (markdown: "YOUR ANSWER
  HERE") and that cell's stored outputs are dropped.

Both versions: the navigation-bar cell is dropped; the title cell and the
learning objectives become a header with a contents list; cells tagged ``widget``
lose their outputs (a live widget is dead on paper) and show a short note, while
the ``static-figure`` cell next to them is kept; widget state is stripped; error
outputs are shortened to ``ExceptionName: message``; machine paths are removed
from outputs; first-line ``# nbval-...:`` maintainer comments are dropped; links
to another notebook point at that notebook's handout of the same version.

PDFs are printed from the HTML by Debian's chromium through playwright, after
MathJax (2.7, Debian's libjs-mathjax, copied next to the HTML) has typeset the
maths. There is no network access: any request that is not a local file is
blocked. Pages are laid out at the paper's printable width; a displayed equation a
little too wide is scaled to fit, and one that still does not fit is reported as
a warning on the progress line. Chromium and MathJax are found on PATH and in
/usr/share/javascript/mathjax, or given with --chromium / --mathjax (or the
environment variables BPCORE_CHROMIUM / BPCORE_MATHJAX).

A file in the output folder that this tool did not write (it keeps a manifest,
``.bpcore-handouts.json``) is never overwritten, and nothing is deleted.

Exit codes: 0 built; 1 a handout failed to build; 2 bad arguments or a missing
tool (chromium, MathJax, playwright), with a message saying how to install it.
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "handout_assets"
NAME_RE = re.compile(r"^(\d\d)_[A-Za-z0-9_]+\.ipynb$")
TITLE_RE = re.compile(r"^#\s+(\d\d)\s*·\s*(.+?)\s*$")
NAV_MARK = "<!--NAVIGATION-->"
OBJECTIVES_RE = re.compile(r"learning objectives", re.IGNORECASE)
TIME_RE = re.compile(r"^\s*\**\s*estimated time", re.IGNORECASE)

VERSIONS = ("student", "instructor")
VERSION_LABELS = {"student": "Student version", "instructor": "Instructor version · with solutions"}
FORMATS = ("html", "pdf")
PAPERS = {"a4": "A4", "letter": "Letter"}
PDF_MARGINS = {"top": "16mm", "right": "14mm", "bottom": "18mm", "left": "14mm"}
PAPER_WIDTH_MM = {"a4": 210.0, "letter": 215.9}
# Lay the page out (and let MathJax measure) at the printable width of the paper, in CSS px.
PRINT_WIDTH_PX = {k: round((w - 28.0) / 25.4 * 96) for k, w in PAPER_WIDTH_MM.items()}

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

# Markdown links to another notebook of the series, e.g. [06](06_the_update_rule.ipynb#Summary).
NOTEBOOK_LINK_RE = re.compile(r"(\]\(\s*)(?:\./)?(\d\d_[A-Za-z0-9_]+)\.ipynb")
# Maintainer comments that explain nbval tags; noise on paper.
NBVAL_COMMENT_RE = re.compile(r"^#\s*nbval-[\w-]+:.*$")

MANIFEST = ".bpcore-handouts.json"
MATHJAX_CONFIG = "TeX-AMS_CHTML"
# What MathJax 2 loads for TeX input and CommonHTML output (checked by printing
# with every other request blocked).
MATHJAX_PARTS = (
    "MathJax.js",
    f"config/{MATHJAX_CONFIG}.js",
    "jax/input/TeX",
    "jax/element",
    "jax/output/CommonHTML",
    "extensions",
    "fonts/HTML-CSS/TeX/woff",
    "fonts/HTML-CSS/TeX/otf",
    "localization/en",
)
MATHJAX_DIRS = (Path("/usr/share/javascript/mathjax"), Path("/usr/share/mathjax"))
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-extensions",
]
INSTALL_CHROMIUM = (
    "Install it with `sudo apt-get install chromium` (Debian/Ubuntu), pass --chromium PATH "
    "(or set BPCORE_CHROMIUM), or build HTML only with --format html."
)
INSTALL_MATHJAX = (
    "Install MathJax 2 with `sudo apt-get install libjs-mathjax` (Debian/Ubuntu), or pass "
    "--mathjax DIR (or set BPCORE_MATHJAX) to a folder holding MathJax 2.7's MathJax.js."
)
MATHJAX_TIMEOUT_MS = 90_000


class HandoutError(Exception):
    """A problem the user can fix; the command prints it without a traceback (exit code 2)."""


# ---------------------------------------------------------------------------
# Finding notebooks


def default_notebooks_dir() -> Path:
    """``./notebooks`` if it exists, else the project's notebooks/ next to the package."""
    here = Path.cwd() / "notebooks"
    return here if here.is_dir() else Path(__file__).resolve().parent.parent / "notebooks"


def notebook_paths(folder: Path) -> list:
    """The series, in order: every ``NN_*.ipynb`` in ``folder``."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if NAME_RE.match(p.name))


def select_notebooks(names, folder: Path) -> list:
    """Notebooks matching ``names`` (numbers like ``2`` or ``02``, file names, stems or paths).

    No names means every notebook. Raises HandoutError listing what is available.
    """
    available = notebook_paths(folder)
    if not names:
        if not available:
            raise HandoutError(f"no notebooks (NN_name.ipynb) found in {folder}")
        return available
    chosen = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file() and not any(p.name == path.name for p in available):
            match = [path]
        else:
            key = path.name
            if key.isdigit():
                key = f"{int(key):02d}_"
            match = [p for p in available if p.name == key or p.stem == key or p.name.startswith(key)]
        if not match:
            listing = "\n  ".join(p.stem for p in available) or "(none)"
            raise HandoutError(f"no notebook matches {name!r} in {folder}. Available:\n  {listing}")
        chosen += [p for p in match if p not in chosen]
    return chosen


# ---------------------------------------------------------------------------
# Making the handout notebook (pure: a notebook in, a new notebook out)


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell) -> set:
    return set(cell.get("metadata", {}).get("tags", []) or [])


def machine_path_pattern(roots=()) -> re.Pattern:
    """A regex for absolute paths that would show a machine's folders in a handout."""
    extra = sorted({re.escape(str(r).rstrip("/")) for r in roots if str(r).strip("/")}, key=len, reverse=True)
    common = r"/(?:work|tmp|root|home|Users|usr|opt|var|private|mnt|srv|builds|github|scratch)(?=/)"
    heads = "|".join(extra + [common])
    return re.compile(rf"(?<![\w.~/-])(?:{heads})(?:/[^\s'\"<>:,;()\[\]{{}}|]+)+|[A-Za-z]:\\Users\\[^\s'\"<>:]+")


def scrub_paths(text: str, pattern: re.Pattern) -> str:
    """Replace machine paths: site-packages paths keep the package part, others only the file name."""

    def short(match):
        path = match.group(0).replace("\\", "/")
        if "site-packages/" in path:
            return path.split("site-packages/", 1)[1]
        if "dist-packages/" in path:
            return path.split("dist-packages/", 1)[1]
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


@dataclass
class HandoutInfo:
    """What the header shows, taken from the notebook's first cells."""

    title: str
    subtitle: str = ""
    objectives: str = ""


def _widget_note_position(cells, i):
    """Where the static figure for the widget cell ``i`` is: 'below', 'above' or None."""
    for j in range(i + 1, len(cells)):
        if "static-figure" in _tags(cells[j]):
            return "below"
        if "widget" in _tags(cells[j]) or _source(cells[j]).lstrip().startswith("## "):
            break
    for j in range(i - 1, -1, -1):
        if "static-figure" in _tags(cells[j]):
            return "above"
        if "widget" in _tags(cells[j]) or _source(cells[j]).lstrip().startswith("## "):
            break
    return None


def _note_output(text):
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
        output["text"] = scrub_paths(_source({"source": output.get("text", "")}), pattern)
        return output
    data = output.get("data", {})
    if WIDGET_VIEW in data or WIDGET_STATE in data:
        return None
    for mime, value in list(data.items()):
        if mime.startswith("text/") or mime in ("application/javascript",):
            data[mime] = scrub_paths(_source({"source": value}), pattern)
    return output


def make_handout_notebook(nb, version: str, name: str = "notebook", roots=()) -> tuple:
    """The handout version of a notebook (a deep copy; ``nb`` is not changed).

    Returns (notebook, HandoutInfo). ``version`` is 'student' or 'instructor'.
    Raises HandoutError on malformed solution markers.
    """
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {VERSIONS}; got {version!r}")
    nb = copy.deepcopy(nb)
    pattern = machine_path_pattern(roots)
    nb.metadata.pop("widgets", None)
    cells = list(nb.cells)
    info = HandoutInfo(title=name)

    # Header: the title cell, and the cells holding the objectives / estimated time.
    if cells and cells[0].get("cell_type") == "markdown":
        lines = _source(cells[0]).strip().splitlines()
        if lines and lines[0].startswith("# "):
            match = TITLE_RE.match(lines[0])
            info.title = f"{match.group(1)} · {match.group(2)}" if match else lines[0][2:].strip()
            info.subtitle = "\n".join(lines[1:]).strip()
            cells = cells[1:]
    header, body = [], []
    for i, cell in enumerate(cells):
        text = _source(cell)
        if cell.get("cell_type") == "markdown" and text.lstrip().startswith(NAV_MARK):
            continue
        early = all(c.get("cell_type") == "markdown" for c in cells[:i])
        if early and cell.get("cell_type") == "markdown" and (OBJECTIVES_RE.search(text) or TIME_RE.match(text)):
            header.append(text.strip())
            continue
        body.append(cell)
    info.objectives = "\n\n".join(header)

    kept = []
    for i, cell in enumerate(body):
        tags = _tags(cell)
        meta = cell.setdefault("metadata", {})
        if "solution" in tags:
            if version == "student":
                continue
            jupyter = meta.get("jupyter", {})
            jupyter.pop("source_hidden", None)
            jupyter.pop("outputs_hidden", None)
            if not jupyter:
                meta.pop("jupyter", None)
        if version == "student" and BEGIN_SOLUTION in _source(cell):
            stub = CODE_STUB if cell.get("cell_type") == "code" else MARKDOWN_STUB
            try:
                cell["source"], _ = replace_solution_regions(_source(cell), stub)
            except ValueError as exc:
                first = _source(cell).strip().splitlines()[0]
                raise HandoutError(f"{name}: the cell starting {first!r}: {exc}") from None
            if cell.get("cell_type") == "code":
                cell["outputs"] = []
                cell["execution_count"] = None
        if cell.get("cell_type") == "markdown":
            # links between notebooks become links between handouts of the same version
            cell["source"] = NOTEBOOK_LINK_RE.sub(rf"\1\2-{version}.html", _source(cell))
        if cell.get("cell_type") == "code":
            lines = _source(cell).splitlines()
            while lines and NBVAL_COMMENT_RE.match(lines[0]):
                lines = lines[1:]
            cell["source"] = "\n".join(lines)
            before = cell.get("outputs", [])
            outputs = [o for o in (_clean_output(o, pattern) for o in before) if o is not None]
            had_widget = len(outputs) < len(before)
            if "widget" in tags:
                outputs, had_widget = [], True
            if had_widget:
                outputs.append(_note_output(WIDGET_NOTE[_widget_note_position(body, i)]))
            cell["outputs"] = outputs
        if cell.get("cell_type") == "code" and not _source(cell).strip() and not cell.get("outputs"):
            continue  # an empty box helps nobody on paper
        kept.append(cell)
    nb.cells = kept
    nb.metadata["title"] = f"{info.title} ({version})"
    return nb, info


# ---------------------------------------------------------------------------
# HTML


_H2_RE = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)
_ANCHOR_RE = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.DOTALL)


def contents_html(body: str) -> str:
    """A contents list built from the rendered ``## `` headings (their ids are nbconvert's)."""
    items = []
    for anchor, inner in _H2_RE.findall(body):
        text = _ANCHOR_RE.sub("", inner).strip()
        if OBJECTIVES_RE.search(text):
            continue
        items.append(f'<li><a href="#{anchor}">{text}</a></li>')
    if not items:
        return ""
    return "<h2>Contents</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>"


_EXPORTER = None


def _exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(
            template_name="handout",
            extra_template_basedirs=[str(ASSETS)],
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
            theme="light",
        )
    return _EXPORTER


def render_html(nb, info: HandoutInfo, version: str, paper: str = "a4", source_name: str = "",
                notebook_dir=None) -> str:
    """The handout's HTML (a string). MathJax is loaded from ``mathjax/`` next to it.

    ``notebook_dir``: where the notebook is, so that images its markdown links to are embedded.
    """
    paper = paper.lower()
    if paper not in PAPERS:
        raise HandoutError(f"--paper must be one of {sorted(PAPERS)}; got {paper!r}")
    resources = {
        "metadata": {"name": info.title, "path": str(notebook_dir or "")},
        "handout": {
            "version": version,
            "version_label": VERSION_LABELS[version],
            "title": info.title,
            "subtitle": info.subtitle,
            "objectives": info.objectives,
            "page_size": PAPERS[paper],
            "css": (ASSETS / "handout.css").read_text(encoding="utf-8"),
            "mathjax_src": f"mathjax/MathJax.js?config={MATHJAX_CONFIG}",
            "footer": f"{info.title} · {VERSION_LABELS[version]} · built from {source_name} by bpcore-handouts",
        },
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    start = body.find('<header class="handout-header')
    return body.replace("<!--HANDOUT-CONTENTS-->", contents_html(body[start:]), 1)


# ---------------------------------------------------------------------------
# Tools: MathJax and chromium


def find_mathjax(explicit=None) -> Path:
    """The folder holding MathJax 2's MathJax.js; HandoutError saying how to install it."""
    candidates = [Path(explicit)] if explicit else []
    if not explicit and os.environ.get("BPCORE_MATHJAX"):
        candidates.append(Path(os.environ["BPCORE_MATHJAX"]))
    if not candidates:
        candidates += list(MATHJAX_DIRS)
        try:  # the PyPI package jupyter-server-mathjax ships the same MathJax 2.7 files
            import jupyter_server_mathjax

            candidates.append(Path(jupyter_server_mathjax.__file__).parent / "static")
        except ImportError:
            pass
    for folder in candidates:
        if (folder / "MathJax.js").is_file() and (folder / "config" / f"{MATHJAX_CONFIG}.js").is_file():
            return folder
    looked = ", ".join(str(c) for c in candidates)
    raise HandoutError(f"MathJax 2 was not found (looked in {looked}). {INSTALL_MATHJAX}")


def mathjax_files(folder: Path) -> list:
    """Relative paths of the MathJax files a handout needs."""
    files = []
    for part in MATHJAX_PARTS:
        path = folder / part
        if path.is_file():
            files.append(part)
        elif path.is_dir():
            files += sorted(p.relative_to(folder).as_posix() for p in path.rglob("*") if p.is_file())
    return files


def find_chromium(explicit=None) -> str:
    """The chromium executable; HandoutError saying how to install it."""
    if explicit or os.environ.get("BPCORE_CHROMIUM"):
        path = Path(explicit or os.environ["BPCORE_CHROMIUM"])
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise HandoutError(f"chromium was not found at {path}. {INSTALL_CHROMIUM}")
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise HandoutError(f"chromium was not found (looked for {', '.join(CHROMIUM_NAMES)} on PATH). {INSTALL_CHROMIUM}")


# Equations wider than the text column (they would be cut off on paper): their text.
_TOO_WIDE_JS = """
() => Array.from(document.querySelectorAll('.mjx-chtml')).filter(m => {
  const box = (m.closest('.jp-RenderedHTMLCommon') || document.body).getBoundingClientRect();
  return m.getBoundingClientRect().right > box.right + 1;
}).map(m => (m.textContent || '').slice(0, 60))
"""


class Printer:
    """One headless chromium (through playwright) that prints local HTML files to PDF, offline.

    Playwright's sync API runs on a worker thread of its own, so a Printer also works
    where an asyncio loop or another playwright session is already running (a notebook
    cell, a test session with a browser fixture).
    """

    def __init__(self, chromium: str):
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            raise HandoutError(
                "the Python package playwright is needed for PDFs: `pip install playwright` "
                "(no `playwright install`: it uses your chromium), or build HTML only with --format html."
            ) from None
        from concurrent.futures import ThreadPoolExecutor

        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bpcore-handouts-printer")
        try:
            self._run(self._start, chromium)
        except BaseException:
            self._thread.shutdown()
            raise

    def _run(self, fn, *args):
        return self._thread.submit(fn, *args).result()

    def _start(self, chromium):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:
            self._pw.stop()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise HandoutError(f"chromium at {chromium} did not start: {first}. {INSTALL_CHROMIUM}") from None

    def _stop(self):
        try:
            self._browser.close()
        finally:
            self._pw.stop()

    def close(self):
        if self._thread is None:
            return
        try:
            self._run(self._stop)
        finally:
            self._thread.shutdown()
            self._thread = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def print_pdf(self, html_path: Path, paper: str, footer: str) -> tuple:
        """PDF bytes of a local HTML file, after MathJax has typeset. Returns (pdf, notes)."""
        return self._run(self._print_pdf, html_path, paper, footer)

    def _print_pdf(self, html_path: Path, paper: str, footer: str) -> tuple:
        context = self._browser.new_context(viewport={"width": PRINT_WIDTH_PX[paper], "height": 1000})
        blocked = []

        def offline(route):
            url = route.request.url
            if url.startswith(("file:", "data:", "blob:", "about:")):
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        try:
            context.route("**/*", offline)
            # On paper MathJax's hidden MathML copy for screen readers only doubles the text; skip it.
            context.add_init_script("window.MathJax = {menuSettings: {assistiveMML: false}};")
            page = context.new_page()
            page.emulate_media(media="print")
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            try:
                page.wait_for_function(
                    "document.documentElement.getAttribute('data-mathjax') === 'done'",
                    timeout=MATHJAX_TIMEOUT_MS,
                )
            except Exception:
                loaded = page.evaluate("typeof window.MathJax !== 'undefined'")
                raise RuntimeError(
                    f"MathJax did not finish typesetting {Path(html_path).name} within "
                    f"{MATHJAX_TIMEOUT_MS // 1000} s" + ("" if loaded else " (MathJax.js did not load)")
                ) from None
            page.evaluate("document.fonts.ready.then(() => true)")
            errors = page.evaluate("document.querySelectorAll('.mjx-merror, .MathJax_Error').length")
            too_wide = page.evaluate(_TOO_WIDE_JS)
            pdf = page.pdf(
                format=PAPERS[paper],
                print_background=True,
                margin=PDF_MARGINS,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-family: sans-serif; font-size: 8px; color: #555; width: 100%; '
                    'margin: 0 14mm; display: flex; justify-content: space-between;">'
                    f"<span>{html.escape(footer)}</span>"
                    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
                ),
            )
        finally:
            context.close()
        notes = []
        if errors:
            notes.append(f"{errors} maths error(s)")
        if too_wide:
            notes.append(f"{len(too_wide)} equation(s) wider than the page, e.g. {too_wide[0]!r}")
        if blocked:
            notes.append(f"blocked {len(blocked)} network request(s), e.g. {blocked[0]}")
        return pdf, notes


# ---------------------------------------------------------------------------
# The output folder: write only what we own


class OutputFolder:
    """Writes files into ``root``, recording them in a manifest; never touches other files."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.manifest = self.root / MANIFEST
        self.owned = set()
        if self.root.exists() and not self.root.is_dir():
            raise HandoutError(f"--out {self.root} is a file, not a folder")
        if self.manifest.is_file():
            try:
                data = json.loads(self.manifest.read_text(encoding="utf-8"))
                self.owned = set(data.get("files", []))
            except (ValueError, AttributeError):
                raise HandoutError(
                    f"{self.manifest} is not a bpcore-handouts manifest; choose another --out"
                ) from None

    def check(self, relpaths) -> None:
        """HandoutError if a target exists and was not written by this tool."""
        foreign = [r for r in relpaths if (self.root / r).exists() and r not in self.owned]
        foreign += [r for r in relpaths if (self.root / r).is_symlink() or (self.root / r).is_dir()]
        if foreign:
            listing = "\n  ".join(sorted(set(foreign))[:8])
            more = f"\n  ... and {len(set(foreign)) - 8} more" if len(set(foreign)) > 8 else ""
            raise HandoutError(
                f"{self.root} already holds files that bpcore-handouts did not write; it will not "
                f"overwrite them:\n  {listing}{more}\nMove them away or choose another folder with --out."
            )

    def claim(self, relpaths) -> None:
        """Record files in the manifest before writing them (so an interrupted build can be redone)."""
        new = set(relpaths) - self.owned
        if new:
            self.owned |= new
            self.save()

    def save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        data = {"tool": "bpcore-handouts", "files": sorted(self.owned)}
        tmp = self.manifest.with_name(self.manifest.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.manifest)

    def write(self, rel: str, data) -> Path:
        """Write bytes or text atomically to root/rel (a file we own or a new one)."""
        target = self.root / rel
        if target.exists() and rel not in self.owned:
            raise HandoutError(f"{target} exists and was not written by bpcore-handouts; not overwriting it")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.claim([rel])
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return target

    def copy(self, rel: str, source: Path) -> None:
        """Copy a file unless an identical-size copy we own is already there."""
        target = self.root / rel
        if rel in self.owned and target.is_file() and target.stat().st_size == source.stat().st_size:
            return
        self.write(rel, source.read_bytes())


# ---------------------------------------------------------------------------
# Building


def _is_within(path: Path, folder: Path) -> bool:
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


def handout_name(path: Path, version: str, fmt: str) -> str:
    return f"{version}/{Path(path).stem}-{version}.{fmt}"


def _page_count(pdf: bytes):
    try:
        import io

        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:
        return None


def _index_html(out: OutputFolder) -> str:
    """A page linking every handout recorded in the folder's manifest."""
    rows = {}
    for rel in sorted(out.owned):
        match = re.match(r"^(student|instructor)/(.+)-(student|instructor)\.(html|pdf)$", rel)
        if match and (out.root / rel).is_file():
            rows.setdefault(match.group(2), []).append((match.group(1), match.group(4), rel))
    lines = []
    for stem, links in rows.items():
        cells = " · ".join(f'<a href="{html.escape(rel)}">{v} {f.upper()}</a>' for v, f, rel in links)
        lines.append(f"<li><strong>{html.escape(stem)}</strong>: {cells}</li>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>bpcore handouts</title>'
        "<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.6}</style></head>"
        "<body><h1>bpcore handouts</h1><p>Give learners the <code>student/</code> folder (it includes "
        "<code>mathjax/</code>, so the maths shows offline). The <code>instructor/</code> folder has the "
        "solutions.</p><ul>\n" + "\n".join(lines) + "\n</ul></body></html>\n"
    )


def build(
    names=(),
    versions=VERSIONS,
    formats=FORMATS,
    paper="a4",
    out=None,
    notebooks_dir=None,
    chromium=None,
    mathjax=None,
    log=print,
    printer=None,
) -> list:
    """Build handouts; returns a list of dicts (notebook, version, format, path, seconds, pages, notes).

    ``printer``: an open Printer to reuse (else one is started when PDFs are asked for).
    Raises HandoutError for anything the user can fix (before writing anything where possible).
    """
    try:
        import nbconvert  # noqa: F401  (checked here, used by render_html)
        import nbformat
    except ImportError as exc:
        raise HandoutError(f"handouts need nbformat and nbconvert ({exc}): `pip install nbconvert`, "
                           "or `pip install -r requirements.txt` for everything") from None

    notebooks_dir = Path(notebooks_dir) if notebooks_dir else default_notebooks_dir()
    paper = paper.lower()
    if paper not in PAPERS:
        raise HandoutError(f"--paper must be one of {sorted(PAPERS)}; got {paper!r}")
    paths = select_notebooks(names, notebooks_dir)
    out = Path(out) if out else notebooks_dir.resolve().parent / "build" / "handouts"
    for forbidden in {notebooks_dir, *(p.parent for p in paths)}:
        if _is_within(out, forbidden):
            raise HandoutError(f"--out {out} is inside {forbidden}; handouts are never written into the notebooks folder")

    chromium_path = find_chromium(chromium) if "pdf" in formats and printer is None else None
    mathjax_dir = find_mathjax(mathjax)
    mj_files = mathjax_files(mathjax_dir)
    folder = OutputFolder(out)
    targets = [handout_name(p, v, f) for p in paths for v in versions for f in formats]
    if "html" in formats:
        targets += [f"{v}/mathjax/{rel}" for v in versions for rel in mj_files]
    targets.append("index.html")
    folder.check(targets)

    roots = {notebooks_dir.resolve().parent, Path.home(), Path(tempfile.gettempdir())}
    results = []
    own_printer = Printer(chromium_path) if chromium_path else None
    printer = printer or own_printer
    try:
        with tempfile.TemporaryDirectory(prefix="bpcore-handouts-") as scratch:
            scratch = Path(scratch)
            (scratch / "mathjax").symlink_to(mathjax_dir, target_is_directory=True)
            if "html" in formats:
                folder.claim(f"{v}/mathjax/{rel}" for v in versions for rel in mj_files)
                for version in versions:
                    for rel in mj_files:
                        folder.copy(f"{version}/mathjax/{rel}", mathjax_dir / rel)
            for path in paths:
                try:
                    nb = nbformat.read(path, as_version=4)
                except Exception as exc:
                    raise HandoutError(f"{path} is not a readable notebook: {exc}") from None
                for version in versions:
                    try:
                        results += _build_one(path, nb, version, formats, paper, folder, scratch,
                                              printer, roots, log)
                    except HandoutError:
                        raise
                    except Exception as exc:
                        raise RuntimeError(f"{path.name} ({version}): {type(exc).__name__}: {exc}") from exc
    finally:
        if own_printer:
            own_printer.close()
    folder.write("index.html", _index_html(folder))
    return results


def _shown(path: Path) -> str:
    """A path for progress lines: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _build_one(path, nb, version, formats, paper, folder, scratch, printer, roots, log) -> list:
    """Build one version of one notebook in the requested formats; log a line per file."""
    results = []
    t0 = time.perf_counter()
    hb, info = make_handout_notebook(nb, version, name=path.stem, roots=roots)
    page = render_html(hb, info, version, paper, source_name=f"{path.parent.name}/{path.name}",
                       notebook_dir=path.parent)
    t_html = time.perf_counter() - t0
    if "html" in formats:
        rel = handout_name(path, version, "html")
        target = folder.write(rel, page)
        results.append(dict(notebook=path.name, version=version, format="html",
                            path=target, seconds=t_html, pages=None, notes=[]))
        log(f"{path.stem:<36} {version:<10} html {t_html:5.1f} s  {_shown(target)}")
    if "pdf" in formats:
        t1 = time.perf_counter()
        scratch_html = scratch / f"{path.stem}-{version}.html"
        scratch_html.write_text(page, encoding="utf-8")
        pdf, notes = printer.print_pdf(scratch_html, paper, f"{info.title} · {VERSION_LABELS[version]}")
        target = folder.write(handout_name(path, version, "pdf"), pdf)
        pages = _page_count(pdf)
        seconds = time.perf_counter() - t1 + (0 if "html" in formats else t_html)
        results.append(dict(notebook=path.name, version=version, format="pdf",
                            path=target, seconds=seconds, pages=pages, notes=notes))
        extra = f"  ({pages} pages)" if pages else ""
        extra += "".join(f"  [warning: {n}]" for n in notes)
        log(f"{path.stem:<36} {version:<10} pdf  {seconds:5.1f} s  {_shown(target)}{extra}")
    return results


def main(argv=None) -> int:
    """The command line; returns the exit code (0 built, 1 build failed, 2 usage or missing tool)."""
    try:
        return _main(argv)
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="bpcore-handouts",
        description="Build student and instructor handouts (HTML and PDF) from the notebooks as committed.",
    )
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="numbers (02), file names or paths; default: every notebook")
    parser.add_argument("--version", choices=("student", "instructor", "both"), default="both",
                        help="which version to build (default: both)")
    parser.add_argument("--format", choices=("html", "pdf", "both"), default="both",
                        help="which format to build (default: both)")
    parser.add_argument("--paper", choices=sorted(PAPERS), default="a4", type=str.lower,
                        help="paper size for the PDF and for printing the HTML (default: a4)")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: build/handouts next to notebooks/)")
    parser.add_argument("--notebooks-dir", metavar="DIR", help="where the notebooks are (default: ./notebooks)")
    parser.add_argument("--chromium", metavar="PATH", help="chromium executable (default: chromium on PATH)")
    parser.add_argument("--mathjax", metavar="DIR", help="MathJax 2 folder (default: Debian's libjs-mathjax)")
    parser.add_argument("--list", action="store_true", help="list the notebooks and exit")
    args = parser.parse_args(argv)

    notebooks_dir = Path(args.notebooks_dir) if args.notebooks_dir else default_notebooks_dir()
    versions = VERSIONS if args.version == "both" else (args.version,)
    formats = FORMATS if args.format == "both" else (args.format,)
    try:
        if args.list:
            for path in select_notebooks(args.notebooks, notebooks_dir):
                print(path.stem)
            return 0
        t0 = time.perf_counter()
        results = build(args.notebooks, versions, formats, args.paper, args.out, notebooks_dir,
                        args.chromium, args.mathjax, log=lambda line: print(line, flush=True))
    except HandoutError as exc:
        print(f"bpcore-handouts: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bpcore-handouts: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # a build failure: say what, without a traceback
        if os.environ.get("BPCORE_HANDOUTS_DEBUG"):
            raise
        what = str(exc) if isinstance(exc, RuntimeError) else f"{type(exc).__name__}: {exc}"
        print(f"bpcore-handouts: error: the build failed: {what}\n"
              "(set BPCORE_HANDOUTS_DEBUG=1 to see the traceback)", file=sys.stderr)
        return 1
    if results:
        out = results[0]["path"].parent.parent
        count = len({r["notebook"] for r in results})
        print(f"built {len(results)} handout file(s) for {count} notebook(s) in "
              f"{time.perf_counter() - t0:.1f} s; see {_shown(out / 'index.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
