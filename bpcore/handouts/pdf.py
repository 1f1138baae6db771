"""PDFs: find chromium, and print local HTML pages with it (through playwright), offline.

The page is laid out at the paper's printable width, printed only after MathJax has
typeset (the template sets ``data-mathjax="done"`` on the root element), with every
request that is not a local file blocked. A displayed equation still wider than the
text column, a MathJax error or a blocked request is returned as a note for the
progress line. Chromium writes links as absolute addresses of the page it printed (a
temporary folder); :func:`relative_links` makes those relative again, so a PDF's links to
the other handouts work wherever the folder goes.
"""

from __future__ import annotations

import html
import io
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import PAPERS, HandoutError

__all__ = ["find_chromium", "Printer", "relative_links", "require_pypdf"]

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
INSTALL_PYPDF = "the Python package pypdf is needed for PDFs: `pip install pypdf`, or build HTML only with --format html."
INSTALL_PLAYWRIGHT = (
    "the Python package playwright is needed for PDFs: `pip install playwright` "
    "(no `playwright install`: it uses your chromium), or build HTML only with --format html."
)
PDF_MARGINS = {"top": "16mm", "right": "14mm", "bottom": "18mm", "left": "14mm"}
PAPER_WIDTH_MM = {"a4": 210.0, "letter": 215.9}
# Lay the page out (and let MathJax measure) at the printable width of the paper, in CSS px.
PRINT_WIDTH_PX = {k: round((w - 28.0) / 25.4 * 96) for k, w in PAPER_WIDTH_MM.items()}
MATHJAX_TIMEOUT_MS = 90_000

# Equations wider than the text column (they would be cut off on paper): their text.
_TOO_WIDE_JS = """
() => Array.from(document.querySelectorAll('.mjx-chtml')).filter(m => {
  const box = (m.closest('.jp-RenderedHTMLCommon') || document.body).getBoundingClientRect();
  return m.getBoundingClientRect().right > box.right + 1;
}).map(m => (m.textContent || '').slice(0, 60))
"""
_MATHJAX_DONE_JS = "document.documentElement.getAttribute('data-mathjax') === 'done'"
_MATHJAX_ERRORS_JS = "document.querySelectorAll('.mjx-merror, .MathJax_Error').length"
_LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def find_chromium(explicit=None) -> str:
    """The chromium executable: ``explicit``, else BPCORE_CHROMIUM, else the first of
    CHROMIUM_NAMES on PATH. HandoutError saying how to install it."""
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


def _footer_template(footer: str) -> str:
    """Chromium's page footer: the text on the left, 'page / pages' on the right."""
    return (
        '<div style="font-family: sans-serif; font-size: 8px; color: #555; width: 100%; '
        'margin: 0 14mm; display: flex; justify-content: space-between;">'
        f"<span>{html.escape(footer)}</span>"
        '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
    )


def _notes(errors: int, too_wide: list, blocked: list) -> list:
    """What the progress line warns about for one PDF."""
    notes = []
    if errors:
        notes.append(f"{errors} maths error(s)")
    if too_wide:
        notes.append(f"{len(too_wide)} equation(s) wider than the page, e.g. {too_wide[0]!r}")
    if blocked:
        notes.append(f"blocked {len(blocked)} network request(s), e.g. {blocked[0]}")
    return notes


def _wait_for_mathjax(page, name: str) -> None:
    """Return once MathJax has typeset the page; RuntimeError after MATHJAX_TIMEOUT_MS."""
    try:
        page.wait_for_function(_MATHJAX_DONE_JS, timeout=MATHJAX_TIMEOUT_MS)
    except Exception:
        loaded = page.evaluate("typeof window.MathJax !== 'undefined'")
        raise RuntimeError(
            f"MathJax did not finish typesetting {name} within {MATHJAX_TIMEOUT_MS // 1000} s"
            + ("" if loaded else " (MathJax.js did not load)")
        ) from None
    page.evaluate("document.fonts.ready.then(() => true)")


class Printer:
    """One headless chromium (through playwright) that prints local HTML files to PDF, offline.

    Playwright's sync API runs on a worker thread of its own, so a Printer also works
    where an asyncio loop or another playwright session is already running (a notebook
    cell, a test session with a browser fixture). Use it as a context manager, or call
    :meth:`close`.

    Parameters
    ----------
    chromium : str, the chromium executable (see :func:`find_chromium`)
    """

    def __init__(self, chromium: str):
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            raise HandoutError(INSTALL_PLAYWRIGHT) from None
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
        """Stop chromium and the worker thread (again: nothing)."""
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
        """PDF bytes of a local HTML file, after MathJax has typeset. Returns (pdf, notes).

        ``paper``: 'a4' or 'letter'; ``footer``: the text at the foot of every page.
        """
        return self._run(self._print_pdf, html_path, paper, footer)

    def _print_pdf(self, html_path: Path, paper: str, footer: str) -> tuple:
        context = self._browser.new_context(viewport={"width": PRINT_WIDTH_PX[paper], "height": 1000})
        blocked = []

        def offline(route):
            if route.request.url.startswith(_LOCAL_SCHEMES):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        try:
            context.route("**/*", offline)
            # On paper MathJax's hidden MathML copy for screen readers only doubles the text; skip it.
            context.add_init_script("window.MathJax = {menuSettings: {assistiveMML: false}};")
            page = context.new_page()
            page.emulate_media(media="print")
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            _wait_for_mathjax(page, Path(html_path).name)
            errors, too_wide = page.evaluate(_MATHJAX_ERRORS_JS), page.evaluate(_TOO_WIDE_JS)
            pdf = page.pdf(format=PAPERS[paper], print_background=True, margin=PDF_MARGINS,
                           display_header_footer=True, header_template="<span></span>",
                           footer_template=_footer_template(footer))
        finally:
            context.close()
        return pdf, _notes(errors, too_wide, blocked)


def require_pypdf() -> None:
    """HandoutError saying how to install pypdf, if it is missing (PDF links need it)."""
    try:
        import pypdf  # noqa: F401
    except ImportError:
        raise HandoutError(INSTALL_PYPDF) from None


def relative_links(pdf: bytes, folder: Path) -> bytes:
    """The PDF with every link into ``folder`` (where the page was printed from) made relative."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    prefix = Path(folder).resolve().as_uri() + "/"
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    changed = False
    for page in writer.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if uri.startswith(prefix):
                action.get_object()[NameObject("/URI")] = TextStringObject(uri[len(prefix):])
                changed = True
    if not changed:
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
