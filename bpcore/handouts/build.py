"""Building: choose the notebooks, check the request, then write every handout asked for.

:func:`build` checks everything the user can fix before it writes anything (the
notebooks exist, the output folder is not inside ``notebooks/`` and holds no file
the tool did not write, chromium and MathJax are there), then, for each notebook
and version, transforms, renders and writes the HTML and prints the PDF, logging one
progress line per file, and finally writes ``index.html``.
"""

from __future__ import annotations

import io
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import FORMATS, VERSION_LABELS, VERSIONS, HandoutError, check_paper
from .folder import OutputFolder, handout_name, index_html
from .mathjax import find_mathjax, mathjax_files
from .pdf import Printer, find_chromium
from .render import render_html
from .series import notebook_paths, select
from .transform import make_handout_notebook

__all__ = ["build", "default_notebooks_dir", "select_notebooks", "shown"]


def default_notebooks_dir() -> Path:
    """``./notebooks`` if it exists, else the project's notebooks/ next to the package."""
    here = Path.cwd() / "notebooks"
    return here if here.is_dir() else Path(__file__).resolve().parents[2] / "notebooks"


def select_notebooks(names, folder: Path) -> list:
    """Notebooks matching ``names`` (numbers like ``2`` or ``02``, file names, stems or paths).

    A path to a notebook outside the series (any ``.ipynb`` file) is taken as it is.
    No names means every notebook of the series. Raises HandoutError listing what is available.
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
            try:
                match = select([name], available, where=folder)
            except ValueError as exc:
                raise HandoutError(str(exc)) from None
        chosen += [p for p in match if p not in chosen]
    return chosen


def shown(path: Path) -> str:
    """A path for progress lines: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _is_within(path: Path, folder: Path) -> bool:
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


def _page_count(pdf: bytes):
    """The number of pages of a PDF, None if pypdf is missing or cannot read it."""
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:
        return None


def _require_nbconvert():
    try:
        import nbconvert  # noqa: F401  (checked here, used by render_html)
        import nbformat  # noqa: F401
    except ImportError as exc:
        raise HandoutError(f"handouts need nbformat and nbconvert ({exc}): `pip install nbconvert`, "
                           "or `pip install -r requirements.txt` for everything") from None


def _output_root(out, notebooks_dir: Path, paths) -> Path:
    """The output folder (default build/handouts next to notebooks/); never inside a notebooks folder."""
    out = Path(out) if out else notebooks_dir.resolve().parent / "build" / "handouts"
    for forbidden in {notebooks_dir, *(p.parent for p in paths)}:
        if _is_within(out, forbidden):
            raise HandoutError(f"--out {out} is inside {forbidden}; handouts are never written into the notebooks folder")
    return out


@dataclass
class _Job:
    """What every handout of one build shares."""

    formats: tuple
    paper: str
    folder: OutputFolder
    printer: object
    roots: set
    log: object
    scratch: Path = None


def build(names=(), versions=VERSIONS, formats=FORMATS, paper="a4", out=None, notebooks_dir=None,
          chromium=None, mathjax=None, log=print, printer=None) -> list:
    """Build handouts; returns a list of dicts (notebook, version, format, path, seconds, pages, notes).

    Parameters
    ----------
    names : notebooks to build (see :func:`select_notebooks`); none means all
    versions, formats : subsets of VERSIONS and FORMATS; paper : 'a4' or 'letter'
    out : output folder (default ``build/handouts`` next to ``notebooks/``)
    notebooks_dir : where the series is (default :func:`default_notebooks_dir`)
    chromium, mathjax : the chromium executable and MathJax folder (default: found)
    log : called with one progress line per file written
    printer : an open :class:`~bpcore.handouts.pdf.Printer` to reuse (else one is
        started when PDFs are asked for)

    Raises HandoutError for anything the user can fix (before writing anything where possible).
    """
    _require_nbconvert()
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else default_notebooks_dir()
    paper = check_paper(paper)
    paths = select_notebooks(names, notebooks_dir)
    folder = OutputFolder(_output_root(out, notebooks_dir, paths))
    chromium_path = find_chromium(chromium) if "pdf" in formats and printer is None else None
    mathjax_dir = find_mathjax(mathjax)
    mj_files = mathjax_files(mathjax_dir) if "html" in formats else []
    targets = [handout_name(p, v, f) for p in paths for v in versions for f in formats]
    mj_targets = [f"{v}/mathjax/{rel}" for v in versions for rel in mj_files]
    folder.check(targets + mj_targets + ["index.html"])

    roots = {notebooks_dir.resolve().parent, Path.home(), Path(tempfile.gettempdir())}
    own_printer = Printer(chromium_path) if chromium_path else None
    job = _Job(tuple(formats), paper, folder, printer or own_printer, roots, log)
    try:
        with tempfile.TemporaryDirectory(prefix="bpcore-handouts-") as scratch:
            job.scratch = Path(scratch)
            (job.scratch / "mathjax").symlink_to(mathjax_dir, target_is_directory=True)
            folder.claim(mj_targets)
            for version in versions:
                for rel in mj_files:
                    folder.copy(f"{version}/mathjax/{rel}", mathjax_dir / rel)
            results = [r for path in paths for r in _build_notebook(path, versions, job)]
    finally:
        if own_printer:
            own_printer.close()
    folder.write("index.html", index_html(folder))
    return results


def _build_notebook(path: Path, versions, job: _Job) -> list:
    """Every version of one notebook; a failure names the notebook and version."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:
        raise HandoutError(f"{path} is not a readable notebook: {exc}") from None
    results = []
    for version in versions:
        try:
            results += _build_one(path, nb, version, job)
        except HandoutError:
            raise
        except Exception as exc:
            raise RuntimeError(f"{path.name} ({version}): {type(exc).__name__}: {exc}") from exc
    return results


def _build_one(path: Path, nb, version: str, job: _Job) -> list:
    """One version of one notebook in the requested formats; log a line per file."""
    results = []
    t0 = time.perf_counter()
    handout, info = make_handout_notebook(nb, version, name=path.stem, roots=job.roots)
    page = render_html(handout, info, version, job.paper, source_name=f"{path.parent.name}/{path.name}",
                       notebook_dir=path.parent)
    t_html = time.perf_counter() - t0
    if "html" in job.formats:
        target = job.folder.write(handout_name(path, version, "html"), page)
        results.append(dict(notebook=path.name, version=version, format="html",
                            path=target, seconds=t_html, pages=None, notes=[]))
        job.log(f"{path.stem:<36} {version:<10} html {t_html:5.1f} s  {shown(target)}")
    if "pdf" in job.formats:
        t1 = time.perf_counter()
        scratch_html = job.scratch / f"{path.stem}-{version}.html"
        scratch_html.write_text(page, encoding="utf-8")
        pdf, notes = job.printer.print_pdf(scratch_html, job.paper, f"{info.title} · {VERSION_LABELS[version]}")
        target = job.folder.write(handout_name(path, version, "pdf"), pdf)
        pages = _page_count(pdf)
        seconds = time.perf_counter() - t1 + (0 if "html" in job.formats else t_html)
        results.append(dict(notebook=path.name, version=version, format="pdf",
                            path=target, seconds=seconds, pages=pages, notes=notes))
        extra = f"  ({pages} pages)" if pages else ""
        extra += "".join(f"  [warning: {n}]" for n in notes)
        job.log(f"{path.stem:<36} {version:<10} pdf  {seconds:5.1f} s  {shown(target)}{extra}")
    return results
