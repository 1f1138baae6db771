"""Activations σ and their derivatives σ'(z), looked up by name."""

import math
import warnings

import numpy as np
import pytest

from bpcore.activations import (
    ACTIVATIONS,
    LEAKY_SLOPE,
    Activation,
    get_activation,
    leaky_relu,
    relu,
    sigmoid,
    sigmoid_prime,
    softmax,
    tanh_prime,
)

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]

# Reference values from the scalar definitions (math module, not numpy)
REFERENCE = {
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "tanh": math.tanh,
    "relu": lambda z: max(z, 0.0),
    "leaky_relu": lambda z: z if z > 0 else 0.01 * z,
    "identity": lambda z: z,
}
Z = np.array([[-3.0, -0.5, -1e-3], [0.25, 1.0, 4.0]])  # no kinks here


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_sigma_matches_scalar_definition(name):
    act = get_activation(name)
    expected = np.vectorize(REFERENCE[name])(Z)
    np.testing.assert_allclose(act.sigma(Z), expected, rtol=1e-15, atol=1e-17)
    np.testing.assert_allclose(act(Z), expected, rtol=1e-15, atol=1e-17)  # callable
    assert act.sigma(Z).shape == Z.shape


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_prime_is_the_derivative_of_sigma_in_z(name):
    act = get_activation(name)
    h = 1e-6
    numeric = (act.sigma(Z + h) - act.sigma(Z - h)) / (2 * h)
    np.testing.assert_allclose(act.prime(Z), numeric, rtol=1e-8, atol=1e-10)
    assert act.prime(Z).shape == Z.shape
    assert act.elementwise


def test_prime_takes_z_not_a():
    # σ'(0) = σ(0)(1 − σ(0)) = 0.5 · 0.5 = 0.25; σ'(σ(0)) = σ'(0.5) = 0.2350037122 would be the slip
    assert sigmoid_prime(np.array(0.0)) == 0.25
    assert sigmoid_prime(np.array(0.5)) == pytest.approx(0.2350037122015945, rel=1e-14)
    # tanh'(0) = 1 − tanh²(0) = 1
    assert tanh_prime(np.array(0.0)) == 1.0


def test_kinks_and_their_conventions():
    assert get_activation("relu").kinks == (0.0,)
    assert get_activation("leaky_relu").kinks == (0.0,)
    for name in ("sigmoid", "tanh", "identity", "softmax"):
        assert get_activation(name).kinks == ()
    zero = np.zeros((1, 1))
    assert get_activation("relu").prime(zero)[0, 0] == 0.0          # documented subgradient
    assert get_activation("leaky_relu").prime(zero)[0, 0] == LEAKY_SLOPE
    assert relu(np.array([-2.0, 0.0, 3.0])).tolist() == [0.0, 0.0, 3.0]
    assert leaky_relu(np.array([-2.0, 3.0])).tolist() == [-0.02, 3.0]


def test_relu_prime_is_float():
    assert get_activation("relu").prime(Z).dtype == np.float64
    assert get_activation("identity").prime(Z).dtype == np.float64


def test_sigmoid_is_stable_for_huge_inputs_without_warnings():
    z = np.array([-1000.0, -745.0, -40.0, -30.0, 0.0, 30.0, 40.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(z)
        sp = sigmoid_prime(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(sp))
    assert s[0] == 0.0 and s[-1] == 1.0
    # tiny outputs keep full relative precision: σ(−30) = e^−30 / (1 + e^−30)
    assert s[3] == pytest.approx(math.exp(-30) / (1 + math.exp(-30)), rel=1e-14)
    assert s[5] == pytest.approx(1 / (1 + math.exp(-30)), rel=1e-15)
    assert np.all(sp >= 0)


def test_sigmoid_symmetry():
    z = np.linspace(-20, 20, 81)
    np.testing.assert_allclose(sigmoid(z) + sigmoid(-z), 1.0, rtol=1e-15)


def test_softmax_columns_are_probabilities():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4, 6)) * 3
    a = softmax(z)
    assert a.shape == (4, 6)
    assert np.all(a > 0)
    np.testing.assert_allclose(a.sum(axis=0), 1.0, rtol=1e-15)
    # each column on its own (columns are examples): no mixing between columns
    for i in range(6):
        col = np.exp(z[:, i]) / np.exp(z[:, i]).sum()
        np.testing.assert_allclose(a[:, i], col, rtol=1e-14)
    # shift invariance per column
    np.testing.assert_allclose(softmax(z + np.arange(6) * 100.0), a, rtol=1e-13)


def test_softmax_does_not_overflow():
    z = np.array([[1000.0, -1000.0], [999.0, -1001.0], [0.0, 2000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = softmax(z)
    assert np.all(np.isfinite(a))
    np.testing.assert_allclose(a.sum(axis=0), 1.0)
    assert a[0, 0] == pytest.approx(1 / (1 + math.exp(-1)), rel=1e-14)
    assert a[2, 1] == 1.0


def test_softmax_has_no_elementwise_prime():
    sm = get_activation("softmax")
    assert sm.prime is None and not sm.elementwise


def test_lookup_by_name_and_pass_through():
    assert set(ACTIVATIONS) == {"sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"}
    for name, act in ACTIVATIONS.items():
        assert get_activation(name) is act
        assert get_activation(act) is act
        assert act.name == name
    custom = Activation("cube", lambda z: z**3, lambda z: 3 * z**2)
    assert get_activation(custom) is custom


def test_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError, match=r"unknown activation 'sigmod'.*identity, leaky_relu, relu, "
                                         r"sigmoid, softmax, tanh"):
        get_activation("sigmod")


def test_non_string_name_is_a_type_error():
    with pytest.raises(TypeError, match=r"activation must be a name \(str\).*got int 3"):
        get_activation(3)
