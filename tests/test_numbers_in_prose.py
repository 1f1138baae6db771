"""Every number the prose of notebooks 00-02 states about a result is one a cell prints.

Strict nbval proves that the stored outputs are what the cells print today;
this test proves that the prose quotes those stored outputs, so a figure typed
into the text cannot drift away from the result it describes. Each row pairs
words of a markdown cell with the printed line that backs them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bpcore.handouts.series import cell_source

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

STATED = [  # (notebook, what the prose says, what a cell prints)
    ("01_forward_propagation.ipynb", r"a = \sigma(-1.0) = \frac{1}{1 + e^{1}} \approx 0.2689", "z = -1.0000, a = 0.2689"),
    ("01_forward_propagation.ipynb", r"$\sigma'(z) \le \tfrac14$, with the maximum at $z = 0$", "largest σ'(z): 0.25 at z = 0.0"),
    ("01_forward_propagation.ipynb", "it reaches 1 at $z = 0$, four times the sigmoid's best",
     "tanh'(0) = 1.0 and σ'(0) = 0.25"),
    ("01_forward_propagation.ipynb", r"so $a^2 = \sigma(0.1465) \approx 0.5366$", "output a^2 = 0.5366"),
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
    ("02_output_error_bp1.ipynb", "Cross-entropy's stays near 1", "z = 5: a = 0.9933, quadratic δ = 0.0066, cross-entropy δ = 0.9933"),
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
