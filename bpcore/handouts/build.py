"""Building: choose the notebooks, check the request, then write every handout asked for.

:func:`build` checks everything the user can fix before it writes anything (the
notebooks exist, the output folder is not inside ``notebooks/`` and holds no file
the tool did not write or that was edited since, chromium and MathJax are there when
pages are asked for), then, for each notebook and version, transforms, renders and
writes the HTML, prints the PDF and writes the notebook, and the notebook's nbgrader
assignment, logging one progress line per file; finally the index pages.
"""

from __future__ import annotations

import io
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import FORMATS, VERSION_LABELS, VERSIONS, HandoutError, check_paper
from .course import COURSE_DIR, CONFIG_NAME, assignment_path, course_config, make_course_notebook
from .folder import OutputFolder, handout_name, index_html, version_index_html
from .mathjax import find_mathjax, mathjax_files
from .pdf import Printer, find_chromium, relative_links, require_pypdf
from .render import render_html
from .series import notebook_paths, select, title_of
from .transform import handout_title, make_handout_notebook, make_notebook_handout

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
    series: list
    scratch: Path = None


PAGES = ("html", "pdf")  # the formats rendered from one HTML page


def _targets(paths, versions, formats) -> list:
    """Every file the build writes, relative to the output folder (without MathJax's)."""
    per_version = [f for f in formats if f in (*PAGES, "ipynb")]
    targets = [handout_name(p, v, f) for p in paths for v in versions for f in per_version]
    if per_version:
        targets += [f"{v}/index.html" for v in versions]
    if "nbgrader" in formats:
        targets += [f"{COURSE_DIR}/{CONFIG_NAME}"] + [f"{COURSE_DIR}/{assignment_path(p.stem)}" for p in paths]
    return targets + ["index.html"]


def build(names=(), versions=VERSIONS, formats=FORMATS, paper="a4", out=None, notebooks_dir=None,
          chromium=None, mathjax=None, log=print, printer=None, force=False) -> list:
    """Build handouts; returns a list of dicts (notebook, version, format, path, out, seconds, pages, notes).

    Parameters
    ----------
    names : notebooks to build (see :func:`select_notebooks`); none means all
    versions : a subset of VERSIONS (the nbgrader course is one, whatever the versions)
    formats : a subset of FORMATS: 'html', 'pdf', 'ipynb' (student and instructor notebooks) and
        'nbgrader' (the course folder ``nbgrader/``); paper : 'a4' or 'letter'
    out : output folder (default ``build/handouts`` next to ``notebooks/``)
    notebooks_dir : where the series is (default :func:`default_notebooks_dir`)
    chromium, mathjax : the chromium executable and MathJax folder (default: found)
    log : called with one progress line per file written
    printer : an open :class:`~bpcore.handouts.pdf.Printer` to reuse (else one is
        started when PDFs are asked for)
    force : overwrite files that were edited since they were written, or not written by this tool

    Raises HandoutError for anything the user can fix (before writing anything where possible).
    """
    _require_nbconvert()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise HandoutError(f"formats must be some of {FORMATS}; got {list(formats)}")
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else default_notebooks_dir()
    paper = check_paper(paper)
    paths = select_notebooks(names, notebooks_dir)
    folder = OutputFolder(_output_root(out, notebooks_dir, paths), force=force)
    chromium_path = find_chromium(chromium) if "pdf" in formats and printer is None else None
    if "pdf" in formats:
        require_pypdf()
    pages = any(f in PAGES for f in formats)
    mathjax_dir = find_mathjax(mathjax) if pages else None
    mj_files = mathjax_files(mathjax_dir) if "html" in formats else []
    mj_targets = [f"{v}/mathjax/{rel}" for v in versions for rel in mj_files]
    targets = _targets(paths, versions, formats)
    folder.check(targets + mj_targets)

    roots = {notebooks_dir.resolve().parent, Path.home(), Path(tempfile.gettempdir())}
    own_printer = Printer(chromium_path) if chromium_path else None
    job = _Job(tuple(formats), paper, folder, printer or own_printer, roots, log, notebook_paths(notebooks_dir))
    try:
        with tempfile.TemporaryDirectory(prefix="bpcore-handouts-") as scratch:
            job.scratch = Path(scratch)
            if pages:
                (job.scratch / "mathjax").symlink_to(mathjax_dir, target_is_directory=True)
            for version in versions:
                for rel in mj_files:
                    folder.copy(f"{version}/mathjax/{rel}", mathjax_dir / rel)
            if "nbgrader" in formats:
                folder.write(f"{COURSE_DIR}/{CONFIG_NAME}", course_config())
            results = [r for path in paths for r in _build_notebook(path, versions, job)]
    finally:
        if own_printer:
            own_printer.close()
        folder.save()
    for version in versions:
        if f"{version}/index.html" in targets:
            folder.write(f"{version}/index.html", version_index_html(folder, version))
    folder.write("index.html", index_html(folder, COURSE_DIR))
    folder.save()
    return results


def _build_notebook(path: Path, versions, job: _Job) -> list:
    """Every version of one notebook, and its assignment; a failure names the notebook and version."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:
        raise HandoutError(f"{path} is not a readable notebook: {exc}") from None
    job.folder.titles[path.stem] = handout_title(nb, path.stem)
    results = []
    steps = [(v, _build_one) for v in versions if set(job.formats) - {"nbgrader"}]
    steps += [("nbgrader", _build_course_notebook)] if "nbgrader" in job.formats else []
    for version, step in steps:
        try:
            results += step(path, nb, version, job)
        except HandoutError:
            raise
        except Exception as exc:
            raise RuntimeError(f"{path.name} ({version}): {type(exc).__name__}: {exc}") from exc
    return results


def _neighbours(path: Path, series: list, version: str, fmt: str) -> dict:
    """Links to the previous and next notebooks' handouts (of the same version and format)."""
    nav = {"index": "index.html"}
    if path.resolve() in [p.resolve() for p in series]:
        i = [p.resolve() for p in series].index(path.resolve())
        for key, j in (("prev", i - 1), ("next", i + 1)):
            if 0 <= j < len(series):
                try:
                    title = title_of(series[j])
                except ValueError:
                    title = series[j].stem
                nav[key] = {"href": f"{series[j].stem}-{version}.{fmt}", "title": title}
    return nav


def _log(job, results, path, version, fmt, target, seconds, pages=None, notes=()) -> None:
    results.append(dict(notebook=path.name, version=version, format=fmt, path=target, out=job.folder.root,
                        seconds=seconds, pages=pages, notes=list(notes)))
    extra = f"  ({pages} pages)" if pages else ""
    extra += "".join(f"  [warning: {n}]" for n in notes)
    job.log(f"{path.stem:<36} {version:<10} {fmt:<8} {seconds:5.1f} s  {shown(target)}{extra}")


def _build_one(path: Path, nb, version: str, job: _Job) -> list:
    """One version of one notebook in the requested formats; log a line per file."""
    results = []
    if any(f in PAGES for f in job.formats):
        t0 = time.perf_counter()
        handout, info = make_handout_notebook(nb, version, name=path.stem, roots=job.roots)
        fmt = "html" if "html" in job.formats else "pdf"
        page = render_html(handout, info, version, job.paper, source_name=f"{path.parent.name}/{path.name}",
                           notebook_dir=path.parent, nav=_neighbours(path, job.series, version, fmt))
        t_html = time.perf_counter() - t0
        if "html" in job.formats:
            target = job.folder.write(handout_name(path, version, "html"), page)
            _log(job, results, path, version, "html", target, t_html)
        if "pdf" in job.formats:
            t1 = time.perf_counter()
            scratch_html = job.scratch / f"{path.stem}-{version}.html"
            scratch_html.write_text(_links_to_pdfs(page, version), encoding="utf-8")
            pdf, notes = job.printer.print_pdf(scratch_html, job.paper, f"{info.title} · {VERSION_LABELS[version]}")
            pdf = relative_links(pdf, job.scratch)
            target = job.folder.write(handout_name(path, version, "pdf"), pdf)
            seconds = time.perf_counter() - t1 + (0 if "html" in job.formats else t_html)
            _log(job, results, path, version, "pdf", target, seconds, _page_count(pdf), notes)
    if "ipynb" in job.formats:
        import nbformat

        t0 = time.perf_counter()
        handout = make_notebook_handout(nb, version, name=path.stem, roots=job.roots)
        target = job.folder.write(handout_name(path, version, "ipynb"), nbformat.writes(handout) + "\n")
        _log(job, results, path, version, "ipynb", target, time.perf_counter() - t0)
    return results


def _links_to_pdfs(page: str, version: str) -> str:
    """The page to print: its links to other handouts point at their PDFs."""
    return re.sub(rf'(href="[^"#]*-{version})\.html(#[^"]*)?"', r'\1.pdf\2"', page)


def _build_course_notebook(path: Path, nb, _version: str, job: _Job) -> list:
    """The notebook's nbgrader assignment, ``nbgrader/source/<stem>/<stem>.ipynb``."""
    import nbformat

    t0 = time.perf_counter()
    course_nb, notes = make_course_notebook(nb, name=path.stem)
    nbformat.validate(course_nb)
    target = job.folder.write(f"{COURSE_DIR}/{assignment_path(path.stem)}", nbformat.writes(course_nb) + "\n")
    results = []
    _log(job, results, path, "course", "nbgrader", target, time.perf_counter() - t0, notes=notes)
    return results
