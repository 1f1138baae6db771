"""check_cross_entropy_backward (Exercise 4.3): a correct pass passes, each slip is named, no code is shown.

Every "learner" backward pass below is written the way a learner would write it, each with one
mistake, not built from the checker's own slip variants; so these tests fail if the checker stops
recognising a slip, blames the wrong one, or points at the wrong equation or layer.
"""

import numpy as np
import pytest

from bpcore import backward
from bpcore.activations import sigmoid_prime
from bpcore.feedback import check_cross_entropy_backward
from bpcore.feedback.full_backward import BACKWARD_CE, BACKWARD_CE_SLIPS
from tests.feedback.support import assert_gives_no_code, assert_names_slip, assert_passes

EQUATION = "backward pass (cross-entropy)"


def learner(bp1="right", bp2="right", bp3="right", bp4="right", order="w, b"):
    """A learner's backward pass for cross-entropy + sigmoid, with the named step written wrong."""
    def my_backward_ce(net, x, y):
        L = net.L
        z, a = [None], [x]
        for l in range(1, L + 1):
            z.append(net.w[l] @ a[l - 1] + net.b[l])
            a.append(net.sigma(l)(z[l]))
        delta = [None] * (L + 1)
        delta[L] = {"right": lambda: a[L] - y,
                    "quadratic": lambda: (a[L] - y) * sigmoid_prime(z[L]),
                    "dC/da": lambda: (a[L] - y) / (a[L] * (1 - a[L])),
                    "sign": lambda: y - a[L],
                    "over m": lambda: (a[L] - y) / x.shape[1]}[bp1]()
        for l in range(L - 1, 0, -1):
            w, d, s = net.w[l + 1], delta[l + 1], net.sigma(l)
            delta[l] = {"right": lambda: (w.T @ d) * s.prime(z[l]),
                        "no transpose": lambda: (w @ d) * s.prime(z[l]),
                        "prime of a": lambda: (w.T @ d) * s.prime(a[l]),
                        "no prime": lambda: w.T @ d,
                        "sigmoid always": lambda: (w.T @ d) * sigmoid_prime(z[l]),
                        "sign": lambda: -(w.T @ d) * s.prime(z[l])}[bp2]()
        grad_b, grad_w = [None], [None]
        for l in range(1, L + 1):
            d, a_prev, m = delta[l], a[l - 1], x.shape[1]
            grad_b.append({"right": lambda: d.sum(axis=1, keepdims=True),
                           "mean": lambda: d.mean(axis=1, keepdims=True),
                           "flat": lambda: d.sum(axis=1)}[bp3]())
            grad_w.append({"right": lambda: d @ a_prev.T,
                           "mean": lambda: d @ a_prev.T / m,
                           "a^l": lambda: d @ a[l].T,
                           "reversed": lambda: a_prev @ d.T,
                           "first example": lambda: np.outer(d[:, 0], a_prev[:, 0])}[bp4]())
        return (grad_w, grad_b) if order == "w, b" else (grad_b, grad_w)
    return my_backward_ce


def test_a_correct_backward_pass_passes_and_agrees_with_finite_differences():
    result = check_cross_entropy_backward(learner())
    assert_passes(result, EQUATION)
    assert "agree with finite differences" in result.message


def test_bpcores_own_gradients_object_is_accepted():
    assert check_cross_entropy_backward(lambda net, x, y: backward(net, x, y, "cross_entropy")).passed


SLIPS = [
    (dict(bp1="quadratic"), "kept_sigma_prime", "the quadratic cost's output error"),
    (dict(bp1="dC/da"), "derivative_wrt_a", "not δ^L = ∂C/∂z^L"),
    (dict(bp1="sign"), "wrong_sign", "wrong sign"),
    (dict(bp2="no transpose"), "missing_transpose", "without the transpose"),
    (dict(bp2="prime of a"), "sigma_prime_of_a", "not the activation a^l"),
    (dict(bp2="no prime"), "missing_sigma_prime", "leaves out the factor σ'(z^l)"),
    (dict(bp2="sigmoid always"), "ignores_sigma", "tanh hidden layers"),
    (dict(bp3="mean", bp4="mean"), "mean_instead_of_sum", "m times too small"),
    (dict(bp1="over m"), "mean_instead_of_sum", "the 1/m belongs to the update rule"),
    (dict(bp4="a^l"), "a_l_for_a_prev", "a^{l-1}"),
    (dict(bp4="reversed"), "reversed_order", "transposes of the gradients"),
    (dict(order="b, w"), "swapped_gradients", "(grad_w, grad_b)"),
]


@pytest.mark.parametrize("mistake, slip, fragment", SLIPS, ids=[s for _, s, _ in SLIPS])
def test_each_slip_is_named(mistake, slip, fragment):
    result = check_cross_entropy_backward(learner(**mistake))
    assert_names_slip(result, slip, fragment)
    assert_gives_no_code(result.message)


def test_a_missing_transpose_mentions_the_network_where_the_shapes_do_not_fit():
    result = check_cross_entropy_backward(learner(bp2="no transpose"))
    assert "3-4-2-1 with tanh hidden layers, m = 3 the same mistake raised an error" in result.message


UNNAMED = [
    (dict(bp4="mean"), "wrong_values", "BP4 at layer 3 is wrong", "0.25 × the right one"),
    (dict(bp2="sign"), "wrong_values", "BP2 (δ^2 from δ^3) or BP3 at layer 2 is wrong", "grad_b[2]"),
    (dict(bp4="first example"), "wrong_values", "BP4 at layer 3 is wrong", "Right in 0 of 2"),
    (dict(bp3="flat"), "wrong_shape", "your ∂C/∂b^3 has shape (3,)", "the shape of its parameter"),
]


@pytest.mark.parametrize("mistake, slip, where, detail", UNNAMED, ids=[w for _, _, w, _ in UNNAMED])
def test_an_unnamed_mistake_is_traced_to_its_equation_and_layer(mistake, slip, where, detail):
    result = check_cross_entropy_backward(learner(**mistake))
    assert not result.passed and result.slip == slip, result.message
    assert where in result.message and detail in result.message
    assert_gives_no_code(result.message)


def test_the_output_layer_is_blamed_when_its_bias_gradient_is_wrong():
    def off_at_the_output(net, x, y):
        g = backward(net, x, y, "cross_entropy")
        grad_b = list(g.grad_b)
        grad_b[net.L] = grad_b[net.L] + 0.1
        return g.grad_w, grad_b
    result = check_cross_entropy_backward(off_at_the_output)
    assert result.slip == "wrong_values"
    assert "(BP1, the step that changes for cross-entropy)" in result.message


def test_lists_of_the_wrong_length_or_holding_none_are_explained():
    short = check_cross_entropy_backward(lambda net, x, y: ([None, 1.0], [None, 1.0]))
    assert short.slip == "wrong_type" and "length L + 1 = 4" in short.message
    holes = check_cross_entropy_backward(
        lambda net, x, y: ([None] * (net.L + 1), [None] * (net.L + 1)))
    assert holes.slip == "returned_none" and "grad_w[1] is None" in holes.message


def test_no_slip_explanation_or_hint_shows_code():
    assert_gives_no_code(BACKWARD_CE.shape_hint)
    for slip in BACKWARD_CE_SLIPS:
        assert_gives_no_code(slip.explain)
