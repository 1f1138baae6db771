"""The handout notebook as one HTML page: nbconvert's lab template, offline, with a header.

The template (``assets/handout/index.html.j2``) drops everything nbconvert would
load from a CDN (require.js, the widget renderer, mermaid), loads MathJax 2 from the
``mathjax/`` folder next to the page and adds a header (version, title, subtitle,
objectives, contents) and a footer. ``assets/handout.css`` lays it out for paper.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from . import PAPERS, VERSION_LABELS, check_paper
from .mathjax import mathjax_src
from .transform import OBJECTIVES_RE, HandoutInfo

__all__ = ["ASSETS", "contents_html", "render_html"]

#: The template folder and stylesheet, shipped inside the package.
ASSETS = Path(__file__).resolve().parent / "assets"

_H2_RE = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.DOTALL)
_ANCHOR_RE = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.DOTALL)
CONTENTS_PLACEHOLDER = "<!--HANDOUT-CONTENTS-->"


def contents_html(body: str) -> str:
    """A contents list built from the rendered ``## `` headings (their ids are nbconvert's).

    The learning objectives (already in the header) are left out; "" if there are no headings.
    """
    items = []
    for anchor, inner in _H2_RE.findall(body):
        text = _ANCHOR_RE.sub("", inner).strip()
        if OBJECTIVES_RE.search(text):
            continue
        items.append(f'<li><a href="#{anchor}">{text}</a></li>')
    if not items:
        return ""
    return "<h2>Contents</h2>\n<ul>\n" + "\n".join(items) + "\n</ul>"


@functools.lru_cache(maxsize=1)
def _exporter():
    """nbconvert's HTMLExporter with the handout template (made once: loading it takes a while)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="handout",
        extra_template_basedirs=[str(ASSETS)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        theme="light",
    )


def render_html(nb, info: HandoutInfo, version: str, paper: str = "a4", source_name: str = "",
                notebook_dir=None, nav=None) -> str:
    """The handout's HTML (a string). MathJax is loaded from ``mathjax/`` next to it.

    Parameters
    ----------
    nb, info : from :func:`bpcore.handouts.transform.make_handout_notebook`
    version : 'student' or 'instructor' (the label in the header and footer)
    paper : 'a4' or 'letter' (the CSS page size)
    source_name : str, the notebook the footer says it was built from
    notebook_dir : where the notebook is, so that images its markdown links to are embedded
    nav : None, or links shown above the header and below the last cell: ``{"index": href,
        "prev": {"href", "title"}, "next": {"href", "title"}}`` (prev and next optional)
    """
    paper = check_paper(paper)
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
            "mathjax_src": mathjax_src(),
            "footer": f"{info.title} · {VERSION_LABELS[version]} · built from {source_name} by bpcore-handouts",
            "nav": nav or {},
        },
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    start = body.find('<header class="handout-header')
    return body.replace(CONTENTS_PLACEHOLDER, contents_html(body[start:]), 1)
