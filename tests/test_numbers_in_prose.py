"""Every number the prose states about a result is one a cell prints, so no figure can drift.

Strict nbval proves that the stored outputs are what the cells print today; this
test proves that the prose quotes those stored outputs. It has two ways to say so:

* ``STATED``: rows that pair words of a markdown cell with the printed line that
  backs them (for a claim in running text: "about 24,000 times less work").
* the ``quotes-output`` tag: every decimal number in a markdown cell so tagged must
  be among the numbers printed by the code cells of its section (the section runs
  from the ``## `` heading above the cell to the next one), compared by value with
  − read as a minus (for a worked example: "δ^2_1 = (0.5366 − 1) × 0.2487 = −0.1152").
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bpcore.handouts import series
from bpcore.handouts.series import cell_source, cell_tags

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = series.notebook_paths(NOTEBOOKS)
NB05 = "05_gradient_checking.ipynb"
NB06, NB07 = "06_the_update_rule.ipynb", "07_training_on_toy_data.ipynb"
NB08, NB09 = "08_costs_and_saturation.ipynb", "09_initialisation_and_depth.ipynb"

STATED = [  # (notebook, what the prose says, what a cell prints)
    ("01_forward_propagation.ipynb", r"a = \sigma(-1.0) = \frac{1}{1 + e^{1}} \approx 0.2689", "z = -1.0000, a = 0.2689"),
    ("01_forward_propagation.ipynb", r"$\sigma'(z) \le \tfrac14$, with the maximum at $z = 0$", "largest σ'(z): 0.25 at z = 0.0"),
    ("01_forward_propagation.ipynb", "it reaches 1 at $z = 0$, four times the sigmoid's best",
     "tanh'(0) = 1.0 and σ'(0) = 0.25"),
    ("01_forward_propagation.ipynb", r"so $a^2 = \sigma(0.1465) \approx 0.5366$", "output a^2 = 0.5366"),
    ("01_forward_propagation.ipynb", r"with $a^1$ rounded to 4 decimals first, $z^2$ would come out as $0.1464$",
     "z^2 from a^1 rounded to 4 decimals first: 0.1464"),
    ("01_forward_propagation.ipynb", "when $n_l = m$ it silently adds the wrong numbers",
     "flattened bias, n_l = m = 2, right numbers: False"),
    ("02_output_error_bp1.ipynb", "About 24,000 times less work", "backpropagation does about 24,000 times less work"),
    ("02_output_error_bp1.ipynb", "costs about as much as a few forward passes", "the work of 2.0 forward passes"),
    ("02_output_error_bp1.ipynb", "A relative error of 0.02 looks small", "σ'(a) for σ'(z): rel. error 0.02"),
    ("02_output_error_bp1.ipynb", r"it is about $2 \times 10^8$ times what a correct BP1 reaches",
     "about 2e+08 times the correct one's"),
    ("02_output_error_bp1.ipynb", r"whose error, about $10^{-10}$", "correct BP1:     rel. error about 1e-10"),
    ("02_output_error_bp1.ipynb", "a flipped sign gives a relative error of exactly 1", "y − a for a − y: rel. error 1.00"),
    ("02_output_error_bp1.ipynb", r"every $|z^L|$ is below 0.5", "largest |z^L| here: 0.46"),
    ("02_output_error_bp1.ipynb", r"\approx \sigma'(\frac12) \approx 0.235", "σ'(σ(0)) = 0.235"),
    ("02_output_error_bp1.ipynb", "at $z = 3$ the slip gives 4.4 times the right slope", "4.4 times as large"),
    ("02_output_error_bp1.ipynb", "once $z$ exceeds about 37", "σ(37) rounds to 1.0 in float64: True"),
    ("02_output_error_bp1.ipynb", "beyond its peak near $z = 0.7$", "the quadratic δ is largest at z = 0.70"),
    ("02_output_error_bp1.ipynb", "does not vanish: it grows with $z$ and stays near 1",
     "cross-entropy δ grows with z: True and is above 0.99 from z = 5 on: True"),
    ("03_backpropagating_the_error_bp2.ipynb",
     "the fitted slopes of the multiply-adds are 1.02 for backprop and 1.95 for finite differences",
     "multiply-adds per gradient, fitted slopes (P ≥ 96): backprop 1.02, finite differences 1.95"),
    ("03_backpropagating_the_error_bp2.ipynb", "Counted in multiply-adds, the fitted slopes are 1.02 and 1.95",
     "multiply-adds per gradient, fitted slopes (P ≥ 96): backprop 1.02, finite differences 1.95"),
    ("03_backpropagating_the_error_bp2.ipynb",
     "At 768 parameters finite differences do 261 times the multiply-adds of backprop",
     "at P = 768: backprop 17190, finite differences 4492800 multiply-adds (261 times as many)"),
    ("03_backpropagating_the_error_bp2.ipynb", "orders of magnitude smaller than at the output",
     "‖δ^1‖ / ‖δ^L‖: sigmoid 1e-05"),
    (NB05, "buys one digit for the forward difference and two for the central one",
     "error(h=1e-2) / error(h=1e-3): forward 10, central 100"),
    (NB05, r"$h^\ast \approx \sqrt{\varepsilon} \approx 1.5\times10^{-8}$", "sqrt(eps) = 1.5e-08"),
    (NB05, r"$h^\ast \approx \varepsilon^{1/3} \approx 6\times10^{-6}$", "eps^(1/3) = 6e-06"),
    (NB05, r"$\varepsilon^{2/3} \approx 4\times10^{-11}$", "eps^(2/3) = 4e-11"),
    (NB05, "The right arms have slopes 1 and 2", "central: slope of the right arm 2.0"),
    (NB05, "The right arms have slopes 1 and 2", "forward: slope of the right arm 1.0"),
    (NB05, r"$3\times10^{-14}/10^{-12} = 3\times10^{-2}$", "3e-14 against 0:  no floor 1,  floor 1e-12 3e-02"),
    (NB05, r"within a factor 10 of $\varepsilon C/h = 5\times10^{-11}$",
     "layer  1: ‖∂C/∂w^l‖ = 1e-08,  largest error of finite differences within a factor 10 of eps·C/h: True"),
    (NB05, r"within a factor 10 of $\varepsilon C/h = 5\times10^{-11}$", "eps·C/h at h = 1e-6: 5e-11"),
    (NB05, r"that makes a relative error above $10^{-3}$", "rel. error above 1e-7: True, above 1e-3: True"),
    (NB05, r"while the actual error above was within a factor 10 of $5\times10^{-11}$",
     "layer 11: ‖∂C/∂w^l‖ = 1e-01,  largest error of finite differences within a factor 10 of eps·C/h: True"),
    (NB05, r"while the actual error above was within a factor 10 of $5\times10^{-11}$",
     "eps·C/h at h = 1e-6: 5e-11"),
    (NB05, r"at $h = 10^{-6}$ it comes to $\pm10^{-7}$", "h = 1e-6: cannot tell (resolution 1e-07)"),
    (NB05, r"every one of those checks is made at $h = 10^{-2}$",
     "the step chosen for each check that cannot tell at h = 1e-6: ['1e-02']"),
    (NB05, r"about $0.05$ at $h = 10^{-6}$ for our $C \approx 0.4$", "C = 0.40;  eps32·C/h at h = 1e-6: 0.05"),
    (NB05, r"near our weight $w^1_{12} \approx -0.76$ neighbouring float32 numbers are $6\times10^{-8}$ apart",
     "w^1_12 = -0.76: float32 spacing there 6e-08"),
    (NB05, "only stored to within a few percent", "so p + h is stored to within ±3% of h = 1e-6"),
    (NB05, r"in float32 it sits near $\varepsilon_{32}^{1/3} \approx 5\times10^{-3}$", "eps32^(1/3) = 5e-03"),
    (NB05, r"the best step, $h = 10^{-2}$ here, still leaves a relative error between $10^{-5}$ and $10^{-3}$",
     "best float32 h: 1e-02; rel. error there above 1e-5: True, below 1e-3: True"),
    (NB05, r"they err by more than $10^{-5}$ here", "rel. error there above 1e-5: True"),
    (NB05, r"For $h \le 10^{-8}$ the step vanishes",
     "float32 error exactly 1 for every h ≤ 1e-8 (p ± h rounds back to p): True"),
    (NB05, r"and it is $\tfrac12$ only at $z = 0$ exactly", "z =  0.0e+00:  numerical ReLU'(z) = 0.50,  1/2 + z/2h = 0.50"),
    (NB05, r"\frac12 + \frac{z}{2h}", "z =  1.0e-07:  numerical ReLU'(z) = 0.55,  1/2 + z/2h = 0.55"),
    (NB05, r"It runs from 0 at $z = -h$ to 1 at $z = h$", "z = -1.0e-06:  numerical ReLU'(z) = 0.00,  1/2 + z/2h = 0.00"),
    (NB05, r"the numerical $\delta^1_3$ is half of $((w^2)^T\delta^2)_3$", "numerical δ^1_3 / ((w^2)^T δ^2)_3 = 0.50"),
    (NB05, "where backprop, with `relu_prime(0) = 0`, gives 0", "backprop's δ^1_3 = 0.00"),
    (NB05, r"BP3 and BP4 of layer 1 agree although the kink is near", "BP4 layer 1: agrees       z values within h of a kink: 1"),
    (NB05, r"outside $\pm h$ for the steps the check chooses", "largest step used: 1e-05; z values within h of a kink: 0"),
    (NB05, "The gradients of layers 1 and 2 are wrong, those of layer 3 agree", "∂C/∂w^3   agrees"),
    (NB05, "The gradients of layers 1 and 2 are wrong, those of layer 3 agree", "∂C/∂w^2   wrong"),
    (NB05, "BP2 is wrong at both hidden layers", "wrong equations: ['BP2']"),
    (NB06, "the ratio is negative, so the cost went *up*", "eta =  50.0: actual change / predicted = -0.08"),
    (NB06, "after six steps $|w|$ has grown to 2.986", "+2.074 -2.488 +2.986   diverging"),
    (NB06, r"$w_1$ grows to 237 and the cost to $2.82 \cdot 10^5$", "|w₁| = 237, |w₂| = 0.000579, C = 2.82e+05"),
    (NB06, "the largest, 7.75 (printed in section 4)", "H = [[7.75, 3.897], [3.897, 3.25]]"),
    (NB06, "multiplied by −0.81 to −0.82 per step", "measured factor over the first 10 steps -0.82 to -0.81"),
    (NB06, "the cost climbs to 0.0635, 14 times its start, within 16 steps", "largest 0.06348 (step 16, 14 times the start)"),
    (NB06, "the cost is back down to 0.00419", "Final mean cost 0.00419"),
    (NB06, "at η = 8 and 32 the cost dips below where it started at some point",
     "η =    8: lowest on the way below the start: True, above the start in most epochs: True"),
    (NB06, "but spends most epochs *above* it",
     "η =   32: lowest on the way below the start: True, above the start in most epochs: True"),
    (NB06, "η = 2 ended a little lower than η = 0.5", "full batch, η =    2: final mean cost 0.15, lowest on the way 0.15"),
    (NB06, "η = 2 ends a little lower than η = 0.5", "full batch, η =  0.5: final mean cost 0.18, lowest on the way 0.18"),
    (NB06, "and at η = 8 and 32 the cost spent most epochs above the start",
     "full batch, η =   32: lowest on the way below the start: True, above the start in most epochs: True"),
    (NB07, "From η = 10 up every run diverged", "every run past the edge from eta = 10 up diverged: True"),
    (NB07, "none of them does better than η = 1", "past the edge: failed, or held-out loss above eta = 1's: True"),
    (NB08, r"its $\sigma'(z)$ is about 8 times smaller", "a = 0.982, σ'(z) = 0.018"),
    (NB08, "it gets below 0.1 *later* than the other start", "halved at epoch   8, below 0.1 at epoch  52"),
    (NB08, "$z$ between 709 and 710", "e^709 is finite: True | e^710 overflows to inf: True"),
    (NB09, "the error shrinks by almost seven powers of ten", "layer  1: ‖δ^l‖ ≈ 6e-08"),
    (NB09, "only about a hundred times larger than that", "ε|C|/h = 5.6e-10, largest |δ^1_j| = 5e-08"),
    (NB09, r"Xavier's $\delta$ still shrinks about 5-fold", "tanh        4e+01    1e-01    2e-01    1e+00"),
    (NB09, "exceeds it for 33 of 200 seeds", "for 33 of 200 seeds (largest ratio 0.31)"),
    (NB09, r"more than $10^4$ times smaller than the output layer's", "1e-03 3e-02 7e-02 3e-01 1e+00 7e+00 3e+01"),
    (NB09, r"has $\lVert w\rVert_F$ close to 4", "mean over l = 2..10: 4.03"),
]


def _texts(name: str):
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    prose = "\n".join(cell_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    printed = []
    for c in nb["cells"]:
        for out in c.get("outputs", []):
            text = out.get("text", out.get("data", {}).get("text/plain", ""))
            printed.append("".join(text) if isinstance(text, list) else text)
    return prose, "\n".join(printed)



@pytest.mark.parametrize("name, said, printed", STATED, ids=[f"{n[:2]}-{s[:30]}" for n, s, _ in STATED])
def test_the_prose_states_what_a_cell_prints(name, said, printed):
    prose, outputs = _texts(name)
    assert said in prose, f"{name}: the prose no longer says {said!r}"
    assert printed in outputs, f"{name}: no cell prints {printed!r}, which backs {said!r}"


# The quotes-output tag.

TAG = "quotes-output"
DECIMAL = re.compile(r"[−-]?\d+\.\d+")
NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?:[eE][−+-]?\d+)?")


def _values(pattern, text: str) -> set:
    return {float(t.replace("−", "-")) for t in pattern.findall(text.replace("−", "-"))}


def _printed(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(cell_source({"source": out["text"]}))
        elif "text/plain" in out.get("data", {}):
            parts.append(cell_source({"source": out["data"]["text/plain"]}))
    return "\n".join(parts)


def unprinted_numbers(nb: dict) -> list:
    """(cell index, number) for every number a quotes-output cell states that its section does not print."""
    cells = nb["cells"]
    starts = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and cell_source(c).startswith("## ")]
    found = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or TAG not in cell_tags(cell):
            continue
        start = max((s for s in starts if s <= i), default=0)
        end = min((s for s in starts if s > i), default=len(cells))
        printed = set().union(*[_values(NUMBER, _printed(c)) for c in cells[start:end] if c["cell_type"] == "code"])
        found += [(i, v) for v in sorted(_values(DECIMAL, cell_source(cell))) if v not in printed]
    return found


@pytest.mark.parametrize("path", PATHS, ids=[p.stem[:2] for p in PATHS])
def test_every_quoted_number_is_printed_in_its_section(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert unprinted_numbers(nb) == [], f"{path.name}: numbers stated but not printed (cell, number)"


def test_notebook_04_quotes_its_worked_example():
    """The worked backward pass of notebook 04 is checked by this rule (the tag is not forgotten)."""
    nb = json.loads((NOTEBOOKS / "04_gradients_bp3_bp4.ipynb").read_text(encoding="utf-8"))
    quoted = [c for c in nb["cells"] if TAG in cell_tags(c)]
    assert len(quoted) >= 5 and any("-0.1152" in cell_source(c) for c in quoted)


def _notebook(quote: str, printed: str) -> dict:
    def md(text, tags=()):
        return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": text}
    return {"cells": [
        md("## 1. One"),
        {"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": printed}]},
        md(quote, [TAG]),
        md("## 2. Two"),
        {"cell_type": "code", "metadata": {}, "source": "", "execution_count": 2,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "0.75\n"}]},
    ]}


def test_a_number_that_is_not_printed_is_reported():
    assert unprinted_numbers(_notebook("$\\delta = -0.1152$, $C = 0.1074$", "δ = −0.1152, C = 0.1074\n")) == []
    assert unprinted_numbers(_notebook("$\\delta = -0.1153$", "δ = −0.1152\n")) == [(2, -0.1153)]
    assert unprinted_numbers(_notebook("$\\delta = 0.1152$", "δ = −0.1152\n")) == [(2, 0.1152)]   # the sign counts
    assert unprinted_numbers(_notebook("a = 0.75", "a = 0.5\n")) == [(2, 0.75)]   # only its own section counts
