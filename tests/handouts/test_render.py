"""bpcore.handouts.render: the handout page's header, contents, paper size, and nothing from the network."""

from __future__ import annotations

import re

import pytest

from bpcore.handouts import HandoutError
from bpcore.handouts.render import contents_html, render_html
from bpcore.handouts.series import is_navigation
from bpcore.handouts.transform import make_handout_notebook
from tests.handouts.support import read_sample


def test_header_has_title_objectives_contents_and_no_navigation_or_cdn():
    nb = read_sample()
    out, info = make_handout_notebook(nb, "student")
    assert info.title == "98 · Handout sample"
    assert "Learning objectives" in info.objectives and "Estimated time" in info.objectives
    assert not any(is_navigation(c) for c in out.cells)
    page = render_html(out, info, "student", paper="a4")
    header = page[page.index('<header class="handout-header'):page.index("</header>")]
    assert "98 · Handout sample" in header and "Check it against finite differences" in header
    contents = re.findall(r'<li><a href="#([^"]+)">', header)
    assert contents[:2] == ["1.-The-output-error", "2.-Markers-inside-a-cell"]
    assert all(f'id="{a}"' in page for a in contents)
    assert "size: A4" in page and "size: Letter" in render_html(out, info, "student", paper="letter")
    assert "NAVIGATION" not in page
    # offline: no script or stylesheet from the network, MathJax from the local folder
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?:', page)
    assert 'src="mathjax/MathJax.js?config=' in page


def test_footer_names_the_version_and_the_source():
    out, info = make_handout_notebook(read_sample(), "instructor")
    page = render_html(out, info, "instructor", source_name="notebooks/98_sample.ipynb")
    footer = page[page.index('<footer class="handout-footer">'):page.index("</footer>")]
    assert "98 · Handout sample · Instructor version · with solutions · built from notebooks/98_sample.ipynb" in footer


def test_contents_lists_sections_without_the_objectives_or_anchor_links():
    body = ('<h2 id="Learning-objectives">Learning objectives<a class="anchor-link" href="#x">¶</a></h2>'
            '<h2 id="1.-First">1. First<a class="anchor-link" href="#1.-First">¶</a></h2>')
    assert contents_html(body) == '<h2>Contents</h2>\n<ul>\n<li><a href="#1.-First">1. First</a></li>\n</ul>'
    assert contents_html("<p>no headings</p>") == ""


def test_unknown_paper_is_a_clear_error():
    out, info = make_handout_notebook(read_sample(), "student")
    with pytest.raises(HandoutError, match=r"--paper must be one of \['a4', 'letter'\]; got 'a3'"):
        render_html(out, info, "student", paper="a3")
