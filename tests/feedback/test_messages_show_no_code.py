"""The feedback of notebooks 00-02 and of Exercise 4.4 names the slip and the principle, never the corrected code.

The corrected line belongs to the exercise's solution. These tests read every
slip explanation and shape hint of the checkers that notebooks 00, 01 and 02
use, and of Exercise 4.4's (the factor of a new target), and every message those
checkers give on the learner functions of the feedback tests, and look for code:
numpy calls, matrix products, transposes, the arguments' names in an expression,
ASCII arithmetic.
"""

import re

import numpy as np
import pytest

import bpcore.feedback as fb
from bpcore.feedback import forward, notation, output_error, target_change
from bpcore.feedback.engine import Spec
from bpcore.feedback.slips import Slip
from tests.feedback import test_equations, test_forward_pass_and_tanh_output, test_notation, test_target_change

CHECKERS = {"check_forward", "check_bp1", "check_cross_entropy_delta", "check_forward_pass",
            "check_tanh_output_error", "check_layer_shapes", "check_seed_weighted_input", "check_batch_sizes",
            "check_weight_index", "check_target_change_factor"}

CODE = re.compile("|".join([
    r"@",                                    # a matrix product
    r"\.T\b",                                # a transpose
    r"\b(np|numpy)\.",                       # a numpy call
    r"\b(\w+_prime|sigmoid|sigma)\(",        # bpcore's activations called in code
    r"\b[A-Za-z]\w*_\w+\s*[-+*/]\s*\w",      # an expression in the arguments' names, e.g. a_L - y
    r"\w \* \w|\*\*",                        # ASCII multiplication or power
    r"\w - \w",                              # ASCII subtraction (the maths writes −)
    r"keepdims|axis\s*=|\[:",                 # numpy keywords and slices
]))

def _texts():
    """(where, text) for every explanation and hint the checkers of notebooks 00-02 and Exercise 4.4 can show."""
    found = []
    for module in (forward, notation, output_error, target_change):
        for name, value in vars(module).items():
            if isinstance(value, Spec):
                found.append((f"{module.__name__}.{name}.shape_hint", value.shape_hint))
            if isinstance(value, list):
                found += [(f"{module.__name__}.{name}[{s.id}]", s.explain) for s in value if isinstance(s, Slip)]
            if isinstance(value, str) and name.startswith("_") and name.isupper():
                found.append((f"{module.__name__}.{name}", value))
    return found


def test_the_texts_are_found():
    wheres = [w for w, _ in _texts()]
    assert len(wheres) > 50
    assert any("BP1_SLIPS" in w for w in wheres) and any("WEIGHT_INDEX_SLIPS" in w for w in wheres)
    assert any("TARGET_CHANGE_SLIPS" in w for w in wheres)


@pytest.mark.parametrize("where, text", _texts(), ids=[w for w, _ in _texts()])
def test_no_explanation_or_hint_shows_code(where, text):
    assert not CODE.search(text), f"{where} shows code: {CODE.search(text).group(0)!r} in {text!r}"


LEARNERS = [(c, fn) for module in (test_equations, test_forward_pass_and_tanh_output, test_notation,
                                    test_target_change)
            for c, fn, *_ in module.SLIP_CASES if c.__name__ in CHECKERS]
UNKNOWN = [  # wrong in a way no slip describes: the fallback messages
    (fb.check_forward, lambda w, b, a, s: (w @ a + b + 1, s(w @ a + b + 1))),
    (fb.check_bp1, lambda z, a, y: (a - y) * z),
    (fb.check_cross_entropy_delta, lambda z, a, y: a - y + 0.1),
    (fb.check_tanh_output_error, lambda z, a, y: np.ones((3, 7))),
    (fb.check_forward_pass, lambda net, x: (None, None)),
    (notation.check_layer_shapes, lambda sizes, m: [((1, 1), (1, 1), (1, 1))] * (len(sizes) - 1)),
    (notation.check_seed_weighted_input, lambda w, b, a, k: 0.0),
    (notation.check_batch_sizes, lambda N, m: [1, 2, 3]),
    (notation.check_weight_index, lambda sizes, l, j, k: ((0, 0), (0, 0))),
    (target_change.check_target_change_factor, lambda a_out, y_old, y_new: 0.5),
]


def test_every_checker_of_the_three_notebooks_and_exercise_4_4_is_exercised():
    assert {c.__name__ for c, _ in LEARNERS + UNKNOWN} == CHECKERS


@pytest.mark.parametrize("checker, fn", LEARNERS + UNKNOWN,
                         ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(LEARNERS + UNKNOWN)])
def test_no_verdict_shows_code(checker, fn):
    result = checker(fn)
    assert not result.passed
    body = "\n".join(result.message.splitlines()[1:-1])  # between the engine's header and footer
    assert not CODE.search(body), f"{checker.__name__}: {CODE.search(body).group(0)!r} in {body!r}"


def test_the_pattern_catches_the_code_it_was_written_against():
    for code in ("Use sigmoid_prime(z_L).", "write (a_L - y) * sigmoid_prime(z_L)", "use w @ a_prev",
                 "delta_l @ a_prev.T", "sum(axis=1, keepdims=True)", "a_L * (1 - a_L)", "np.dot(w, a)",
                 "w[:, k]", "1 - z ** 2"):
        assert CODE.search(code), code
    for maths in ("(a^L − y) ⊙ σ'(z^L)", "δ^l (a^{l-1})^T", "shape (n_l, n_{l-1})", "C = ½‖a − y‖²",
                  "z^L_k = Σ_j w^L_kj a^{L-1}_j + b^L_k", "row j − 1, column k − 1"):
        assert not CODE.search(maths), maths
