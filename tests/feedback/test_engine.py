"""The feedback engine: one way to call a learner's function, one way to write a verdict, for every checker."""

import re
from pathlib import Path

import numpy as np
import pytest

from bpcore.handouts import series

import bpcore.feedback as fb
from bpcore.activations import sigmoid_prime as sp
from bpcore.feedback import engine
from bpcore.feedback.engine import Case, Feedback, Spec, check, recognise
from bpcore.feedback.slips import Slip
from tests.feedback.support import raises

ROOT = Path(__file__).resolve().parents[2]

ALL_CHECKERS = [fb.check_forward, fb.check_bp1, fb.check_cross_entropy_delta, fb.check_bp2, fb.check_bp3,
                fb.check_bp4, fb.check_numerical_gradient, fb.check_update_parameter, fb.check_sgd_epoch,
                fb.check_update_ratio, fb.check_xavier_init,
                # notebooks 08 and 09
                fb.check_softmax_delta, fb.check_softmax_delta_long, fb.check_hidden_delta_sizes,
                fb.check_delta_bound]
ALL_CHECKERS += [fb.check_deltas, fb.check_linear_delta, fb.check_minibatch_step,  # notebooks 03, 06
                 fb.check_edge_of_stability]
ALL_CHECKERS += [fb.check_cross_entropy_backward, fb.check_target_change_factor]  # notebook 04
by_name = {"ids": lambda c: c.__name__}

# --------------------------------------------------------------------------- broken functions, every checker


@pytest.mark.parametrize("checker", ALL_CHECKERS, **by_name)
def test_stub_gets_not_implemented(checker):
    result = checker(raises(NotImplementedError("Exercise 9.9: write it")))
    assert not result.passed and result.slip == "not_implemented"
    assert "not implemented yet (Exercise 9.9: write it)" in result.message


@pytest.mark.parametrize("checker", ALL_CHECKERS, **by_name)
def test_exception_becomes_feedback(checker):
    result = checker(raises(ZeroDivisionError("boom")))
    assert not result.passed and result.slip == "exception"
    assert "ZeroDivisionError: boom" in result.message
    assert "Traceback" not in result.message


@pytest.mark.parametrize("checker", ALL_CHECKERS, **by_name)
def test_returning_none_is_explained(checker):
    result = checker(lambda *args: None)
    assert not result.passed and result.slip == "returned_none"
    assert "return" in result.message


@pytest.mark.parametrize("checker", ALL_CHECKERS, **by_name)
def test_not_a_function(checker):
    result = checker(np.zeros((2, 2)))
    assert not result.passed and result.slip == "not_callable"
    assert f"{checker.__name__}(my_function)" in result.message


@pytest.mark.parametrize("checker", ALL_CHECKERS, **by_name)
def test_non_array_result(checker):
    result = checker(lambda *args: "hello")
    assert not result.passed and result.slip == "wrong_type"


# --------------------------------------------------------------------------- one engine writes every verdict

HEADER = re.compile(r"^✗ (?P<equation>.+?): (?P<formula>.+) — not right yet\.$")
_NOTEBOOK = series.NAME_RE.pattern.strip("^$")
FOOTER = re.compile(rf"^\(Taught in (?P<notebooks>{_NOTEBOOK}( and {_NOTEBOOK})?)\.\)$")
FAILING = [raises(ZeroDivisionError("boom")), lambda *args: None, lambda *args: "hello"]


@pytest.mark.parametrize("checker", ALL_CHECKERS, **by_name)
def test_every_failing_verdict_has_the_engine_header_and_footer(checker):
    headers = set()
    for fn in FAILING:
        lines = checker(fn).message.splitlines()
        head, foot = HEADER.match(lines[0]), FOOTER.match(lines[-1])
        assert head and foot, lines
        assert head["equation"] == checker(fn).equation
        for name in foot["notebooks"].split(" and "):
            assert (ROOT / "notebooks" / name).is_file()
        headers.add(lines[0])
    assert len(headers) == 1  # one header per checker, whichever way the function failed


@pytest.mark.parametrize("checker", ALL_CHECKERS, **by_name)
def test_every_verdict_is_built_by_the_engine(checker, monkeypatch):
    """The engine's Feedback class, swapped for a recording one, is what every checker returns."""
    class Recorded(Feedback):
        pass

    monkeypatch.setattr(engine, "Feedback", Recorded)
    for fn in [*FAILING, raises(NotImplementedError()), 42]:
        assert type(checker(fn)) is Recorded


def test_verdict_words_are_written_only_by_the_engine():
    package = Path(engine.__file__).parent
    for path in package.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for words in ("✓", "✗", "not right yet", "(Taught in", "Feedback("):
            assert (words in text) == (path.name == "engine.py"), (path.name, words)


# --------------------------------------------------------------------------- the array checker's explanations


def test_wrong_shape_says_expected_and_got():
    result = fb.check_bp2(lambda w, d, z: np.zeros((5, 7)))
    assert result.slip == "wrong_shape"
    assert "shape (5, 7); expected (3, 2)" in result.message


def test_transposed_and_flattened_shapes_are_pointed_out():
    assert "transposed shape" in fb.check_bp2(lambda w, d, z: np.ones(z.shape[::-1])).message
    assert "lost its column" in fb.check_bp3(lambda d: np.ones(d.shape[0])).message


def test_unrelated_shape_error_names_the_shapes_and_the_transpose():
    result = fb.check_bp2(lambda w, d, z: (w.T @ d) @ sp(z))
    assert result.slip == "shape_mismatch"
    assert "ValueError" in result.message and "w_next (3, 3), delta_next (3, 2), z_l (3, 2)" in result.message
    assert "missing transpose" in result.message


def test_wrong_values_point_at_an_element():
    result = fb.check_bp1(lambda z, a, y: (a - y) * sp(z) + np.eye(*z.shape) * 0.1)
    assert result.slip == "wrong_values"
    assert "expected" in result.message and "delta_L[" in result.message


def test_constant_factor_is_recognised_as_a_scale():
    result = fb.check_bp2(lambda w, d, z: 3.0 * (w.T @ d) * sp(z))
    assert result.slip == "wrong_scale"
    assert "3 × the correct one" in result.message


def test_nan_result_is_wrong_not_an_error():
    result = fb.check_bp3(lambda d: np.full((d.shape[0], 1), np.nan))
    assert not result.passed and result.slip == "wrong_values"


def test_type_error_hint_lists_the_arguments():
    result = fb.check_bp4(lambda d, a: d @ a.T + "x")
    assert result.slip == "exception"
    assert "(delta_l, a_prev)" in result.message


def test_inplace_change_is_noted_but_passes():
    def bp2_inplace(w_next, delta_next, z_l):
        z_l[...] = sp(z_l)
        return (w_next.T @ delta_next) * z_l
    result = fb.check_bp2(bp2_inplace)
    assert result.passed
    assert "changed its argument z_l in place" in result.message


def test_checker_does_not_leak_warnings_or_exceptions():
    with np.errstate(all="raise"):
        result = fb.check_bp1(lambda z, a, y: (a - y) / 0.0)
    assert not result.passed


# --------------------------------------------------------------------------- the engine on its own

DOUBLE = Spec(checker="check_double", equation="double", formula="y = 2x", notebook="00_start_here.ipynb",
              reference="2 * x", arg_names=("x",), out_names=("y",), out_shapes=("the shape of x",))
DOUBLE_SLIPS = [Slip(id="wrong_sign", variant=lambda c: -c.expected[0], explain="Minus, not plus.")]
DOUBLE_CASES = [Case(label=f"x of shape {s}", args=(x,), expected=(2 * x,))
                for s, x in (((2, 2), np.arange(4.0).reshape(2, 2) + 1), ((3, 1), np.ones((3, 1))))]


def test_check_runs_any_spec_through_the_same_steps():
    assert check(lambda x: 2 * x, DOUBLE, DOUBLE_CASES, DOUBLE_SLIPS).passed
    assert check(lambda x: -2 * x, DOUBLE, DOUBLE_CASES, DOUBLE_SLIPS).slip == "wrong_sign"
    assert check(lambda x: 4 * x, DOUBLE, DOUBLE_CASES, DOUBLE_SLIPS).slip == "wrong_scale"
    assert check(lambda x: x + 1, DOUBLE, DOUBLE_CASES, DOUBLE_SLIPS).slip == "wrong_values"


def test_recognise_needs_the_slip_in_every_case_and_skips_variants_that_raise():
    cases = [Case(label="a", args=(1.0,)), Case(label="b", args=(2.0,))]
    slips = [Slip(id="wrong_scale", variant=lambda c: 1 / 0, explain=""),
             Slip(id="wrong_sign", variant=lambda c: -c.args[0], explain="")]
    assert recognise(slips, cases, lambda c, v: v == -c.args[0]).id == "wrong_sign"
    assert recognise(slips, cases, lambda c, v: v == -1.0) is None


def test_descriptions_are_keyword_only():
    with pytest.raises(TypeError):
        Spec("check_double", "double", "y = 2x", "00_start_here.ipynb", ("x",), ("y",), ("",))
    with pytest.raises(TypeError):
        Case("label", (1.0,))
    with pytest.raises(TypeError):
        Slip("wrong_sign", lambda c: 0, "")


def test_slips_and_feedback_only_use_catalogued_ids():
    with pytest.raises(ValueError, match="not in the catalogue"):
        Slip(id="typo_slip", variant=lambda c: 0, explain="")
    with pytest.raises(ValueError, match="SLIPS"):
        Feedback(False, "BP1", "text", "typo_slip")


# --------------------------------------------------------------------------- the Feedback object


def test_feedback_str_repr_and_jupyter_repr_are_plain_and_deterministic():
    first = fb.check_bp2(lambda w, d, z: (w @ d) * sp(z))
    second = fb.check_bp2(lambda w, d, z: (w @ d) * sp(z))
    assert first == second
    assert str(first) == first.message
    assert repr(first) == "Feedback(passed=False, equation='BP2', slip='missing_transpose')"

    class Printer:
        def __init__(self):
            self.out = ""

        def text(self, s):
            self.out += s

    p = Printer()
    first._repr_pretty_(p, False)
    assert p.out == first.message
    assert "0x" not in first.message


def test_every_checker_documents_equation_shapes_and_notebook():
    for checker in ALL_CHECKERS:
        doc = checker.__doc__
        assert "Parameters" in doc and "Returns" in doc
        assert "Taught in ``notebooks/" in doc
        assert "shape" in doc
