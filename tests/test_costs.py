"""Costs: their values (summed over examples) and the output error δ^L (BP1)."""

import math
import warnings

import numpy as np
import pytest

from bpcore.activations import get_activation, sigmoid, softmax
from bpcore.costs import (
    COSTS,
    CrossEntropyCost,
    QuadraticCost,
    SoftmaxCrossEntropyCost,
    validate_cost_output,
    get_cost,
)


def test_quadratic_value_is_half_squared_error_summed_over_columns():
    a = np.array([[0.2, 0.9], [0.5, 0.1]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    # column 1: ½(0.2² + 0.5²) = ½(0.04 + 0.25) = 0.145; column 2: ½(0.1² + 0.1²) = 0.01
    assert QuadraticCost.value(a, y) == pytest.approx(0.155, rel=1e-14)
    np.testing.assert_allclose(QuadraticCost.derivative(a, y), a - y)


def test_cross_entropy_value():
    a = np.array([[0.8, 0.3]])
    y = np.array([[1.0, 0.0]])
    expected = -(math.log(0.8) + math.log(0.7))
    assert CrossEntropyCost.value(a, y) == pytest.approx(expected, rel=1e-14)


def test_softmax_cross_entropy_value():
    a = np.array([[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]])
    y = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    assert SoftmaxCrossEntropyCost.value(a, y) == pytest.approx(-(math.log(0.7) + math.log(0.6)), rel=1e-14)


def test_values_are_sums_so_a_batch_is_the_sum_of_its_columns():
    rng = np.random.default_rng(0)
    a = rng.uniform(0.05, 0.95, (3, 5))
    y = (rng.uniform(size=(3, 5)) > 0.5).astype(float)
    p = softmax(rng.standard_normal((3, 5)))
    onehot = np.eye(3)[:, rng.integers(0, 3, 5)]
    for cost, aa, yy in ((QuadraticCost, a, y), (CrossEntropyCost, a, y), (SoftmaxCrossEntropyCost, p, onehot)):
        total = cost.value(aa, yy)
        assert isinstance(total, float)
        assert total == pytest.approx(sum(cost.value(aa[:, [i]], yy[:, [i]]) for i in range(5)), rel=1e-13)


def test_cross_entropy_values_stay_finite_when_sigmoid_saturates():
    a = sigmoid(np.array([[-800.0, 800.0, 40.0]]))  # exactly 0.0, 1.0, 1.0 in float64
    assert a[0, 0] == 0.0 and a[0, 1] == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        right = CrossEntropyCost.value(a, np.array([[0.0, 1.0, 1.0]]))
        wrong = CrossEntropyCost.value(a, np.array([[1.0, 0.0, 0.0]]))
        sm = SoftmaxCrossEntropyCost.value(np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]]))
    assert right == pytest.approx(0.0, abs=1e-15)
    assert np.isfinite(wrong) and wrong > 600  # large, but no inf/NaN and no warning
    assert np.isfinite(sm) and sm > 600


# --- BP1 ---------------------------------------------------------------------------

@pytest.mark.parametrize("output", ["sigmoid", "tanh", "identity", "relu", "leaky_relu"])
def test_quadratic_delta_is_the_general_form(output):
    rng = np.random.default_rng(1)
    sigma = get_activation(output)
    z = rng.standard_normal((3, 4))
    a, y = sigma(z), rng.uniform(size=(3, 4))
    np.testing.assert_array_equal(QuadraticCost.delta(z, a, y, sigma), (a - y) * sigma.prime(z))


def test_cross_entropy_delta_simplifies_to_a_minus_y_for_sigmoid():
    rng = np.random.default_rng(2)
    sigma = get_activation("sigmoid")
    z = rng.uniform(-4, 4, (2, 5))
    a = sigma(z)
    y = (rng.uniform(size=(2, 5)) > 0.5).astype(float)
    delta = CrossEntropyCost.delta(z, a, y, sigma)
    np.testing.assert_array_equal(delta, a - y)
    # equals the general form C'(a) ⊙ σ'(z) where both are well defined
    np.testing.assert_allclose(delta, CrossEntropyCost.derivative(a, y) * sigma.prime(z), rtol=1e-12)


def test_cross_entropy_delta_is_safe_when_the_sigmoid_saturates():
    sigma = get_activation("sigmoid")
    z = np.array([[-800.0, 800.0]])
    a = sigma(z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        delta = CrossEntropyCost.delta(z, a, np.array([[1.0, 0.0]]), sigma)
    np.testing.assert_array_equal(delta, [[-1.0, 1.0]])  # no learning slowdown, no 0/0


def test_softmax_cross_entropy_delta_equals_jacobian_product():
    """δ^L = J_softmax(z)^T C'(a) = a − y for one-hot y (the docstring's derivation)."""
    rng = np.random.default_rng(3)
    z = rng.standard_normal((4, 3))
    a = softmax(z)
    y = np.eye(4)[:, [2, 0, 3]]
    delta = SoftmaxCrossEntropyCost.delta(z, a, y, get_activation("softmax"))
    for i in range(3):
        ai = a[:, i]
        jac = np.diag(ai) - np.outer(ai, ai)  # ∂a_k/∂z_j
        np.testing.assert_allclose(delta[:, i], jac.T @ SoftmaxCrossEntropyCost.derivative(ai, y[:, i]),
                                   rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(delta, a - y)


# --- lookup and pairing -----------------------------------------------------------------

def test_lookup_by_name_and_pass_through():
    assert set(COSTS) == {"quadratic", "cross_entropy", "softmax_cross_entropy"}
    for name, cost in COSTS.items():
        assert get_cost(name) is cost and get_cost(cost) is cost and cost.name == name


def test_unknown_cost_lists_valid_names():
    with pytest.raises(ValueError, match=r"unknown cost 'mse'; expected one of: cross_entropy, quadratic, "
                                         r"softmax_cross_entropy"):
        get_cost("mse")
    with pytest.raises(TypeError, match=r"cost must be a name \(str\).*got float 1.0"):
        get_cost(1.0)


VALID = {
    "quadratic": {"sigmoid", "tanh", "relu", "leaky_relu", "identity"},
    "cross_entropy": {"sigmoid"},
    "softmax_cross_entropy": {"softmax"},
}


@pytest.mark.parametrize("cost", sorted(VALID))
@pytest.mark.parametrize("output", ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"])
def test_cost_output_pairing(cost, output):
    if output in VALID[cost]:
        validate_cost_output(cost, output)
    else:
        with pytest.raises(ValueError, match=rf"cost '{cost}' cannot be used with output activation "
                                             rf"'{output}': .*(output|cost)='(sigmoid|softmax|softmax_cross_entropy)'"):
            validate_cost_output(cost, output)
