"""Every number the prose of notebook 05 states about a result is one a cell prints.

Like tests/test_numbers_in_prose.py (notebooks 00-02): strict nbval proves the
stored outputs are what the cells print today, and this test proves that the
prose quotes them. Each row pairs words of a markdown cell with the printed
line that backs them. (The numbers of the exercises' solutions are what their
checks print, which tests/test_exercises.py asserts.)
"""

from __future__ import annotations

import pytest

from tests.test_numbers_in_prose import _texts

NB = "05_gradient_checking.ipynb"

STATED = [  # (what the prose says, what a cell prints)
    ("buys one digit for the forward difference and two for the central one",
     "error(h=1e-2) / error(h=1e-3): forward 10, central 100"),
    (r"$h^\ast \approx \sqrt{\varepsilon} \approx 1.5\times10^{-8}$", "sqrt(eps) = 1.5e-08"),
    (r"$h^\ast \approx \varepsilon^{1/3} \approx 6\times10^{-6}$", "eps^(1/3) = 6e-06"),
    (r"$\varepsilon^{2/3} \approx 4\times10^{-11}$", "eps^(2/3) = 4e-11"),
    ("The right arms have slopes 1 and 2", "central: slope of the right arm 2.0"),
    ("The right arms have slopes 1 and 2", "forward: slope of the right arm 1.0"),
    (r"$3\times10^{-14}/10^{-12} = 3\times10^{-2}$", "3e-14 against 0:  no floor 1,  floor 1e-12 3e-02"),
    (r"the same few times $10^{-11}$ at every layer", "largest error of finite differences 4e-11"),
    (r"the size of $\varepsilon C/h$", "eps·C/h at h = 1e-6: 5e-11"),
    (r"that makes a relative error of $4\times10^{-3}$", "layer  1: ‖∂C/∂w^l‖ = 1e-08,  largest error of finite differences 4e-11,  rel. error 4e-03"),
    (r"at $h = 10^{-6}$ it comes to $\pm10^{-7}$", "h = 1e-6: cannot tell (resolution 1e-07)"),
    (r"every one of those checks is made at $h = 10^{-2}$",
     "the step chosen for each check that cannot tell at h = 1e-6: ['1e-02']"),
    (r"about $0.05$ at $h = 10^{-6}$ for our $C \approx 0.4$", "C = 0.40;  eps32·C/h at h = 1e-6: 0.05"),
    (r"near our weight $w^1_{12} \approx -0.76$ neighbouring float32 numbers are $6\times10^{-8}$ apart",
     "w^1_12 = -0.76: float32 spacing there 6e-08"),
    ("only stored to within a few percent", "so p + h is stored to within ±3% of h = 1e-6"),
    (r"in float32 it sits near $\varepsilon_{32}^{1/3} \approx 5\times10^{-3}$", "eps32^(1/3) = 5e-03"),
    (r"the best step, $h = 10^{-2}$ here, still leaves a relative error of $6\times10^{-5}$",
     "best float32 h: 1e-02, rel. error there 6e-05"),
    (r"they err by $6\times10^{-5}$ here", "best float32 h: 1e-02, rel. error there 6e-05"),
    (r"For $h \le 10^{-8}$ the step vanishes",
     "float32 error exactly 1 for every h ≤ 1e-8 (p ± h rounds back to p): True"),
    (r"and it is $\tfrac12$ only at $z = 0$ exactly", "z =  0.0e+00:  numerical ReLU'(z) = 0.50,  1/2 + z/2h = 0.50"),
    (r"\frac12 + \frac{z}{2h}", "z =  1.0e-07:  numerical ReLU'(z) = 0.55,  1/2 + z/2h = 0.55"),
    (r"It runs from 0 at $z = -h$ to 1 at $z = h$", "z = -1.0e-06:  numerical ReLU'(z) = 0.00,  1/2 + z/2h = 0.00"),
    (r"the numerical $\delta^1_3$ is half of $((w^2)^T\delta^2)_3$", "numerical δ^1_3 / ((w^2)^T δ^2)_3 = 0.50"),
    ("where backprop, with `relu_prime(0) = 0`, gives 0", "backprop's δ^1_3 = 0.00"),
    (r"BP3 and BP4 of layer 1 agree although the kink is near", "BP4 layer 1: agrees       z values within h of a kink: 1"),
    (r"outside $\pm h$ for the steps the check chooses", "largest step used: 1e-05; z values within h of a kink: 0"),
    ("The gradients of layers 1 and 2 are wrong, those of layer 3 agree", "∂C/∂w^3   agrees"),
    ("The gradients of layers 1 and 2 are wrong, those of layer 3 agree", "∂C/∂w^2   wrong"),
    ("BP2 is wrong at both hidden layers", "wrong equations: ['BP2']"),
]


@pytest.mark.parametrize("said, printed", STATED, ids=[s[:40] for s, _ in STATED])
def test_the_prose_of_05_states_what_a_cell_prints(said, printed):
    prose, outputs = _texts(NB)
    assert said in prose, f"{NB}: the prose no longer says {said!r}"
    assert printed in outputs, f"{NB}: no cell prints {printed!r}, which backs {said!r}"
