"""Exercise feedback (bpcore.feedback): correct solutions pass, each common slip is named.

Every "learner" function below is written the way a learner would write the
mistake, not computed from the checker's own slip variants, so these tests
fail if a checker stops recognising a slip (or starts blaming the wrong one).
"""

import numpy as np
import pytest

from bpcore import feedback as fb
from bpcore.activations import sigmoid, sigmoid_prime
from bpcore.gradcheck import numerical_gradient

sp = sigmoid_prime


# --------------------------------------------------------------------------- correct solutions


def forward_ok(w, b, a_prev, sigma):
    z = w @ a_prev + b
    return z, sigma(z)


def bp1_ok(z_L, a_L, y):
    return (a_L - y) * sp(z_L)


def bp1_ok_long(z_L, a_L, y):
    # C'(a) ⊙ σ'(z) with σ'(z) written as a(1 − a): also correct
    return (a_L - y) * a_L * (1 - a_L)


def ce_ok(z_L, a_L, y):
    return a_L - y


def ce_ok_long(z_L, a_L, y):
    return (a_L - y) / (a_L * (1 - a_L)) * sp(z_L)


def bp2_ok(w_next, delta_next, z_l):
    return (w_next.T @ delta_next) * sp(z_l)


def bp3_ok(delta_l):
    return delta_l.sum(axis=1, keepdims=True)


def bp4_ok(delta_l, a_prev):
    return delta_l @ a_prev.T


def bp4_ok_loop(delta_l, a_prev):
    # the sum of per-example outer products: same result, written as a loop
    g = np.zeros((delta_l.shape[0], a_prev.shape[0]))
    for i in range(delta_l.shape[1]):
        g += np.outer(delta_l[:, i], a_prev[:, i])
    return g


def update_ok(p, grad_sum, eta, m):
    return p - (eta / m) * grad_sum


def numgrad_ok(f, p, h):
    grad = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        old = p[i]
        try:
            p[i] = old + h
            fp = f()
            p[i] = old - h
            fm = f()
        finally:
            p[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def xavier_ok(n_in, n_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_out, n_in))


def xavier_uniform_ok(n_in, n_out, rng):
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_out, n_in))


CORRECT = [
    (fb.check_forward, forward_ok, "forward"),
    (fb.check_bp1, bp1_ok, "BP1"),
    (fb.check_bp1, bp1_ok_long, "BP1"),
    (fb.check_cross_entropy_delta, ce_ok, "BP1 (cross-entropy)"),
    (fb.check_cross_entropy_delta, ce_ok_long, "BP1 (cross-entropy)"),
    (fb.check_bp2, bp2_ok, "BP2"),
    (fb.check_bp3, bp3_ok, "BP3"),
    (fb.check_bp4, bp4_ok, "BP4"),
    (fb.check_bp4, bp4_ok_loop, "BP4"),
    (fb.check_update_parameter, update_ok, "update"),
    (fb.check_numerical_gradient, numgrad_ok, "central difference"),
    (fb.check_numerical_gradient, numerical_gradient, "central difference"),
    (fb.check_xavier_init, xavier_ok, "Xavier init"),
    (fb.check_xavier_init, xavier_uniform_ok, "Xavier init"),
]


@pytest.mark.parametrize("checker, fn, equation", CORRECT, ids=lambda v: getattr(v, "__name__", str(v)))
def test_correct_solution_passes(checker, fn, equation):
    result = checker(fn)
    assert result.passed, result.message
    assert result.slip is None
    assert result.equation == equation
    assert result.message.startswith(f"✓ {equation} correct")


def test_derivative_checkers_confirm_finite_differences():
    for checker, fn in [(fb.check_bp1, bp1_ok), (fb.check_bp2, bp2_ok), (fb.check_bp3, bp3_ok),
                        (fb.check_bp4, bp4_ok), (fb.check_cross_entropy_delta, ce_ok),
                        (fb.check_numerical_gradient, numgrad_ok)]:
        assert "agrees with" in checker(fn).message


# --------------------------------------------------------------------------- slips, as learners write them

SLIP_CASES = [
    # check_forward
    (fb.check_forward, lambda w, b, a, s: ((w @ a + b), s(w @ a + b))[::-1], "swapped_outputs", "(z, a)"),
    (fb.check_forward, lambda w, b, a, s: (w.T @ a + b, s(w.T @ a + b)), "extra_transpose", "No transpose"),
    (fb.check_forward, lambda w, b, a, s: (w @ a, s(w @ a)), "missing_bias", "bias"),
    (fb.check_forward, lambda w, b, a, s: (w @ a + b.ravel(), s(w @ a + b.ravel())), "bias_as_row", "(n_l, 1)"),
    (fb.check_forward, lambda w, b, a, s: (w @ a + b, w @ a + b), "missing_activation", "σ(z^l)"),
    (fb.check_forward, lambda w, b, a, s: (w @ a + b, sigmoid(w @ a + b)), "ignores_sigma", "sigma passed in"),
    # check_bp1
    (fb.check_bp1, lambda z, a, y: (a - y) * sp(a), "sigma_prime_of_a", "σ' takes the weighted input z^L"),
    (fb.check_bp1, lambda z, a, y: (a - y) * z * (1 - z), "derivative_form_on_z", "must get a, not z"),
    (fb.check_bp1, lambda z, a, y: (a - y) * sigmoid(z), "sigma_not_prime", "not its derivative"),
    (fb.check_bp1, lambda z, a, y: (y - a) * sp(z), "wrong_sign", "sign is flipped"),
    (fb.check_bp1, lambda z, a, y: a - y, "missing_sigma_prime", "σ'(z^L) is missing"),
    (fb.check_bp1, lambda z, a, y: np.dot(a - y, sp(z)), "matmul_not_hadamard", "elementwise"),
    (fb.check_bp1, lambda z, a, y: 2 * (a - y) * sp(z), "factor_two", "½"),
    (fb.check_bp1, lambda z, a, y: (a - y) * sp(z) / z.shape[1], "divided_by_m", "update rule"),
    # check_cross_entropy_delta
    (fb.check_cross_entropy_delta, lambda z, a, y: y - a, "wrong_sign", "sign is flipped"),
    (fb.check_cross_entropy_delta, lambda z, a, y: (a - y) * sp(z), "kept_sigma_prime", "cancel"),
    (fb.check_cross_entropy_delta, lambda z, a, y: (a - y) / (a * (1 - a)), "derivative_wrt_a", "∂C/∂a^L"),
    (fb.check_cross_entropy_delta, lambda z, a, y: (a - y) / (a * (1 - a)) * sp(a), "sigma_prime_of_a",
     "not a^L"),
    (fb.check_cross_entropy_delta, lambda z, a, y: (a - y) / a.shape[1], "divided_by_m", "per example"),
    # check_bp2
    (fb.check_bp2, lambda w, d, z: (w.T @ d) * sp(sigmoid(z)), "sigma_prime_of_a",
     "σ'(a^l) in place of σ'(z^l)"),
    (fb.check_bp2, lambda w, d, z: (w.T @ d) * z * (1 - z), "derivative_form_on_z", "must get a = σ(z)"),
    (fb.check_bp2, lambda w, d, z: (w @ d) * sp(z), "missing_transpose", "the transpose is missing"),
    (fb.check_bp2, lambda w, d, z: np.dot(w, d) * sp(z), "missing_transpose", "w_next.T"),
    (fb.check_bp2, lambda w, d, z: w.T @ d, "missing_sigma_prime", "σ'(z^l) is missing"),
    (fb.check_bp2, lambda w, d, z: (w.T @ d) * sigmoid(z), "sigma_not_prime", "derivative"),
    (fb.check_bp2, lambda w, d, z: -(w.T @ d) * sp(z), "wrong_sign", "sign is flipped"),
    (fb.check_bp2, lambda w, d, z: ((w.T @ d) * sp(z)).T, "transposed_result", "(n_l, m)"),
    (fb.check_bp2, lambda w, d, z: (w.T @ d) * sp(z) / d.shape[1], "divided_by_m", "update rule"),
    # check_bp3
    (fb.check_bp3, lambda d: d.mean(axis=1, keepdims=True), "mean_instead_of_sum", "SUM"),
    (fb.check_bp3, lambda d: np.sum(d, axis=1) / d.shape[1] * d.shape[1], "missing_keepdims", "keepdims=True"),
    (fb.check_bp3, lambda d: d.sum(axis=0, keepdims=True), "wrong_axis", "axis=1"),
    (fb.check_bp3, lambda d: d.sum(axis=0), "wrong_axis", "axis=1"),
    (fb.check_bp3, lambda d: d, "no_sum", "add the columns up"),
    (fb.check_bp3, lambda d: d.sum(), "sum_all", "one number"),
    (fb.check_bp3, lambda d: d[:, [0]], "one_example", "first example"),
    (fb.check_bp3, lambda d: -d.sum(axis=1, keepdims=True), "wrong_sign", "sign is flipped"),
    # check_bp4
    (fb.check_bp4, lambda d, a: d @ a, "missing_transpose", "without the transpose"),
    (fb.check_bp4, lambda d, a: a @ d.T, "reversed_order", "shape of w^l"),
    (fb.check_bp4, lambda d, a: d.T @ a, "wrong_transpose", "wrong factor"),
    (fb.check_bp4, lambda d, a: d * a, "hadamard_not_outer", "outer product"),
    (fb.check_bp4, lambda d, a: d @ a.T / d.shape[1], "mean_instead_of_sum", "SUM"),
    (fb.check_bp4, lambda d, a: np.outer(d[:, 0], a[:, 0]), "one_example", "first example"),
    (fb.check_bp4, lambda d, a: -(d @ a.T), "wrong_sign", "sign is flipped"),
    # check_update_parameter
    (fb.check_update_parameter, lambda p, g, eta, m: p - eta * g, "missing_1_over_m", "1/m is missing"),
    (fb.check_update_parameter, lambda p, g, eta, m: p - eta * m * g, "eta_times_m", "not η·m"),
    (fb.check_update_parameter, lambda p, g, eta, m: p - g / m, "missing_eta", "η is missing"),
    (fb.check_update_parameter, lambda p, g, eta, m: p - m / eta * g, "m_over_eta", "upside down"),
    (fb.check_update_parameter, lambda p, g, eta, m: p + eta / m * g, "wrong_sign", "climbs the gradient"),
    (fb.check_update_parameter, lambda p, g, eta, m: eta / m * g, "returned_step", "not the new parameter"),
    (fb.check_update_parameter, lambda p, g, eta, m: -eta / m * g, "returned_step", "not the new parameter"),
]


def _numgrad(kind):
    def fn(f, p, h):
        grad = np.zeros_like(p)
        f0 = f()
        if kind == "all":
            p += h
            fp = f()
            p -= 2 * h
            fm = f()
            p += h
            return np.full(p.shape, (fp - fm) / (2 * h))
        for i in np.ndindex(p.shape):
            old = p[i]
            if kind == "forward":
                p[i] = old + h
                grad[i] = (f() - f0) / h
            elif kind == "backward":
                p[i] = old - h
                grad[i] = (f0 - f()) / h
            elif kind == "over_h":
                p[i] = old + h
                fp = f()
                p[i] = old - h
                grad[i] = (fp - f()) / h
            elif kind == "sign":
                p[i] = old + h
                fp = f()
                p[i] = old - h
                grad[i] = (f() - fp) / (2 * h)
            elif kind == "copy":
                q = p.copy()
                q[i] = old + h
                fp = f()
                q[i] = old - h
                grad[i] = (fp - f()) / (2 * h)
            elif kind == "not_restored":
                p[i] = old + h
                fp = f()
                p[i] = old - h
                grad[i] = (fp - f()) / (2 * h)
                continue
            p[i] = old
        return grad
    return fn


SLIP_CASES += [
    (fb.check_numerical_gradient, _numgrad("forward"), "forward_difference", "central difference"),
    (fb.check_numerical_gradient, _numgrad("backward"), "backward_difference", "central difference"),
    (fb.check_numerical_gradient, _numgrad("over_h"), "missing_factor_2", "2h"),
    (fb.check_numerical_gradient, _numgrad("sign"), "wrong_sign", "wrong sign"),
    (fb.check_numerical_gradient, _numgrad("all"), "perturbed_all_at_once", "one element p[i] at a time"),
    (fb.check_numerical_gradient, _numgrad("copy"), "perturbation_not_seen", "in place"),
    (fb.check_numerical_gradient, _numgrad("not_restored"), "p_not_restored", "old value back"),
    # check_xavier_init
    (fb.check_xavier_init, lambda i, o, rng: xavier_ok(o, i, rng), "transposed_shape", "(n_out, n_in)"),
    (fb.check_xavier_init, lambda i, o, rng: rng.normal(0, 2 / (i + o), (o, i)), "variance_as_std",
     "the variance"),
    (fb.check_xavier_init, lambda i, o, rng: rng.normal(0, np.sqrt(1 / i), (o, i)), "lecun_scale", "LeCun"),
    (fb.check_xavier_init, lambda i, o, rng: rng.normal(0, np.sqrt(2 / i), (o, i)), "he_scale", "He's"),
    (fb.check_xavier_init, lambda i, o, rng: rng.standard_normal((o, i)), "unit_normal", "N(0, 1)"),
    (fb.check_xavier_init, lambda i, o, rng: rng.random((o, i)), "nonzero_mean", "centred at 0"),
    (fb.check_xavier_init, lambda i, o, rng: np.random.default_rng().normal(0, np.sqrt(2 / (i + o)), (o, i)),
     "ignores_rng", "same seed"),
    (fb.check_xavier_init, lambda i, o, rng: rng.normal(0, 0.5 * np.sqrt(2 / (i + o)), (o, i)), "wrong_std",
     "standard deviation"),
]


@pytest.mark.parametrize(
    "checker, fn, slip, fragment", SLIP_CASES,
    ids=[f"{c.__name__}-{s}-{i}" for i, (c, _, s, _) in enumerate(SLIP_CASES)])
def test_slip_is_caught_and_named(checker, fn, slip, fragment):
    result = checker(fn)
    assert not result.passed
    assert result.slip == slip, result.message
    assert slip in fb.SLIPS
    assert fragment in result.message
    assert "not right yet" in result.message
    assert result.equation in result.message.splitlines()[0]
    assert "Taught in" in result.message


def test_issue_slips_each_have_a_test():
    """The four slips the issue names are tested for every equation where they can happen."""
    tested = {(c.__name__, s) for c, _, s, _ in SLIP_CASES}
    for name in ("check_bp1", "check_bp2", "check_cross_entropy_delta"):
        assert (name, "sigma_prime_of_a") in tested
    for name in ("check_bp2", "check_bp4"):
        assert (name, "missing_transpose") in tested
    for name in ("check_bp1", "check_bp2", "check_bp3", "check_bp4", "check_update_parameter",
                 "check_cross_entropy_delta", "check_numerical_gradient"):
        assert (name, "wrong_sign") in tested
    for slip in ("missing_1_over_m", "eta_times_m", "missing_eta", "m_over_eta"):
        assert ("check_update_parameter", slip) in tested
    for name in ("check_bp3", "check_bp4"):
        assert (name, "mean_instead_of_sum") in tested


def test_brief_example_message_for_sigma_prime_of_a_in_bp2():
    result = fb.check_bp2(lambda w, d, z: (w.T @ d) * sp(sigmoid(z)))
    first, second = result.message.splitlines()[:2]
    assert first.startswith("✗ BP2: δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)")
    assert "σ' takes the weighted input z, not the activation a" in second


def test_missing_transpose_mentions_the_shape_error_of_the_non_square_case():
    result = fb.check_bp4(lambda d, a: d @ a)
    assert result.slip == "missing_transpose"
    assert "ValueError: the shapes do not fit" in result.message


# --------------------------------------------------------------------------- broken functions


def _raises(exc):
    def fn(*args):
        raise exc
    return fn


ALL_CHECKERS = [fb.check_forward, fb.check_bp1, fb.check_bp2, fb.check_bp3, fb.check_bp4, fb.check_update_parameter,
                fb.check_numerical_gradient, fb.check_cross_entropy_delta, fb.check_xavier_init]


@pytest.mark.parametrize("checker", ALL_CHECKERS, ids=lambda c: c.__name__)
def test_stub_gets_not_implemented(checker):
    result = checker(_raises(NotImplementedError("Exercise 9.9: write it")))
    assert not result.passed and result.slip == "not_implemented"
    assert "not implemented yet (Exercise 9.9: write it)" in result.message


@pytest.mark.parametrize("checker", ALL_CHECKERS, ids=lambda c: c.__name__)
def test_exception_becomes_feedback(checker):
    result = checker(_raises(ZeroDivisionError("boom")))
    assert not result.passed and result.slip == "exception"
    assert "ZeroDivisionError: boom" in result.message


@pytest.mark.parametrize("checker", ALL_CHECKERS, ids=lambda c: c.__name__)
def test_returning_none_is_explained(checker):
    result = checker(lambda *args: None)
    assert not result.passed and result.slip == "returned_none"
    assert "return" in result.message


@pytest.mark.parametrize("checker", ALL_CHECKERS, ids=lambda c: c.__name__)
def test_not_a_function(checker):
    result = checker(np.zeros((2, 2)))
    assert not result.passed and result.slip == "not_callable"
    assert f"{checker.__name__}(my_function)" in result.message


@pytest.mark.parametrize("checker", ALL_CHECKERS, ids=lambda c: c.__name__)
def test_non_array_result(checker):
    result = checker(lambda *args: "hello")
    assert not result.passed and result.slip == "wrong_type"


def test_wrong_shape_says_expected_and_got():
    result = fb.check_bp2(lambda w, d, z: np.zeros((5, 7)))
    assert result.slip == "wrong_shape"
    assert "shape (5, 7); expected (3, 2)" in result.message


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
    def update_inplace(p, g, eta, m):
        p -= (eta / m) * g
        return p
    result = fb.check_update_parameter(update_inplace)
    assert result.passed
    assert "changed its argument p in place" in result.message


def test_checker_does_not_leak_warnings_or_exceptions():
    with np.errstate(all="raise"):
        result = fb.check_bp1(lambda z, a, y: (a - y) / 0.0)
    assert not result.passed


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


def test_feedback_module_imports_no_plotting_or_widgets():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(fb))
    names = [a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
             for a in n.names] + [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    assert not any(str(n).startswith(("matplotlib", "ipywidgets")) for n in names)


def test_every_checker_documents_equation_shapes_and_notebook():
    for checker in ALL_CHECKERS:
        doc = checker.__doc__
        assert "Parameters" in doc and "Returns" in doc
        assert "Taught in ``notebooks/" in doc
        assert "shape" in doc
