"""check_xavier_init: Xavier's normal and uniform versions pass; other shapes, scales and seeds are named."""

import numpy as np
import pytest

from bpcore.feedback import check_xavier_init
from tests.feedback.support import assert_names_slip, assert_passes, case_id


def xavier_ok(n_in, n_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_out, n_in))


def xavier_uniform_ok(n_in, n_out, rng):
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_out, n_in))


@pytest.mark.parametrize("fn", [xavier_ok, xavier_uniform_ok], ids=lambda f: f.__name__)
def test_correct_solution_passes(fn):
    assert_passes(check_xavier_init(fn), "Xavier init")


SLIP_CASES = [
    (check_xavier_init, lambda i, o, rng: xavier_ok(o, i, rng), "transposed_shape", "(n_out, n_in)"),
    (check_xavier_init, lambda i, o, rng: rng.normal(0, 2 / (i + o), (o, i)), "variance_as_std",
     "the variance"),
    (check_xavier_init, lambda i, o, rng: rng.normal(0, np.sqrt(1 / i), (o, i)), "lecun_scale", "LeCun"),
    (check_xavier_init, lambda i, o, rng: rng.normal(0, np.sqrt(2 / i), (o, i)), "he_scale", "He's"),
    (check_xavier_init, lambda i, o, rng: rng.standard_normal((o, i)), "unit_normal", "N(0, 1)"),
    (check_xavier_init, lambda i, o, rng: rng.random((o, i)), "nonzero_mean", "centred at 0"),
    (check_xavier_init, lambda i, o, rng: np.random.default_rng().normal(0, np.sqrt(2 / (i + o)), (o, i)),
     "ignores_rng", "same seed"),
    (check_xavier_init, lambda i, o, rng: rng.normal(0, 0.5 * np.sqrt(2 / (i + o)), (o, i)), "wrong_std",
     "standard deviation"),
    (check_xavier_init, lambda i, o, rng: np.zeros((3, 3)), "wrong_shape", "expected (n_out, n_in) = (300, 300)"),
    (check_xavier_init, lambda i, o, rng: np.full((o, i), np.nan), "wrong_values", "NaN or inf"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES, ids=case_id(SLIP_CASES))
def test_slip_is_caught_and_named(checker, fn, slip, fragment):
    assert_names_slip(checker(fn), slip, fragment)


def test_wrong_std_names_the_layer_and_both_numbers():
    result = check_xavier_init(lambda i, o, rng: rng.normal(0, 0.5 * np.sqrt(2 / (i + o)), (o, i)))
    assert "For n_in = 300, n_out = 300" in result.message
    assert f"= {np.sqrt(2 / 600):.3g}" in result.message


# --------------------------------------------------------------------------- messages give no code away

from bpcore.feedback.initialisation import XAVIER_INIT_SLIPS  # noqa: E402
from tests.feedback.support import assert_gives_no_code  # noqa: E402


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES, ids=case_id(SLIP_CASES))
def test_xavier_messages_show_no_code(checker, fn, slip, fragment):
    assert_gives_no_code(checker(fn).message)


def test_xavier_slip_explanations_show_no_code():
    for slip in XAVIER_INIT_SLIPS:
        assert_gives_no_code(slip.explain)
