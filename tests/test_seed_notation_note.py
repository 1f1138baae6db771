"""Notebook 00's notation note quotes the seed page it corrects, and every quotation is really there.

The series teaches the equations of its seed page exactly and fixes the page's
notation in one place, notebook 00, section 3. A copy of the page is kept in
notebooks/seed/backpropagation.md; 00 links to it and quotes each notation
problem from it in “curly quotation marks”, with the maths written for
MathJax. These tests read 00 and the copy, and check that each quotation is in
the copy word for word (the copy's TeX escapes and alignment marks aside), that
every problem named quotes the page, and that the problems the series must
name are all there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bpcore.handouts.series import cell_source

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "notebooks" / "seed" / "backpropagation.md"
START_HERE = ROOT / "notebooks" / "00_start_here.ipynb"
NOTE_HEADING = "### 3.1 The seed's notation, problem by problem"
QUOTE = re.compile(r"“([^”]+)”")
ITEM = re.compile(r"^(\d+)\. (.*?)(?=^\d+\. |\Z)", re.MULTILINE | re.DOTALL)


def plain(text: str) -> str:
    """Maths and words as the seed page shows them: no TeX delimiters, escapes or alignment marks."""
    for delimiter in ("\\\\(", "\\\\)", "\\\\[", "\\\\]", "\\(", "\\)", "$"):
        text = text.replace(delimiter, "")
    text = text.replace("\\_", "_").replace("&", "")
    return " ".join(text.split())


def _note() -> str:
    nb = json.loads(START_HERE.read_text(encoding="utf-8"))
    cells = [cell_source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    return next(c for c in cells if c.startswith(NOTE_HEADING))


def _quotes() -> list:
    return QUOTE.findall(_note())


def test_00_links_to_the_copy_of_the_seed_page():
    nb = json.loads(START_HERE.read_text(encoding="utf-8"))
    text = "\n".join(cell_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "](seed/backpropagation.md)" in text
    assert SEED.is_file()
    assert "where \\\\(n\\\\) is the learning rate" in SEED.read_text(encoding="utf-8")  # it is the seed's text


@pytest.mark.parametrize("quote", _quotes())
def test_each_quotation_is_in_the_seed_page_word_for_word(quote):
    assert plain(quote) in plain(SEED.read_text(encoding="utf-8")), f"not in the seed page: {quote!r}"


def test_every_problem_named_quotes_the_page():
    items = ITEM.findall(_note())
    assert len(items) >= 10
    for number, body in items:
        assert QUOTE.search(body), f"problem {number} of the notation note quotes nothing from the seed page"
        assert "*We " in body, f"problem {number} does not say what the series writes instead"


REQUIRED = {  # what the series must name, by a fragment of its quotation
    "n as the learning rate": "where $n$ is the learning rate",
    "n as the example index": "$n$ iterates over all the training examples",
    "what m counts": "$m$ is the total number of training examples",
    "the update written with w_k": "For each weight $w_k$",
    "the update written with b_l": "for each bias $b_l$",
    "the transpose of a number in BP4": "{(a^{l-1}_k)}^T",
    "a^L_k = σ(z^L) lost its index": "a^L_k = \\sigma(z^L)",
    "the forward equation's letters and implicit sum": "z^L_k = w^L_{kj} a^{L - 1}_j + b^L_k",
    "l as the first layer": "with $l$ representing the first layer",
    "C'(a^L) undefined": "C'(a^{L})",
}


@pytest.mark.parametrize("what, fragment", REQUIRED.items(), ids=list(REQUIRED))
def test_the_required_problems_are_named(what, fragment):
    assert any(fragment in q for q in _quotes()), f"the notation note does not quote {what}: {fragment!r}"


def test_plain_tells_a_real_quotation_from_a_wrong_one():
    seed = plain(SEED.read_text(encoding="utf-8"))
    assert plain("$a^L_k = \\sigma(z^L)$") in seed
    assert plain("$a^L_k = \\sigma(z^L_k)$") not in seed
    assert plain("with $l$ representing the last layer") not in seed
