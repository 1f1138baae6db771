"""bpcore emits no warnings in normal use, including at extreme but legal values.

pyproject.toml already turns bpcore's RuntimeWarnings into errors for the whole
suite; these tests go further and turn *every* warning into an error around
typical calls, at the values where numpy usually warns (overflow in exp, log 0,
0/0).
"""

import warnings

import numpy as np
import pytest

from bpcore import (
    accuracy,
    backward,
    backward_loop,
    check_backward,
    check_equations,
    check_update_step,
    init_network,
    mean_cost,
    predict,
    train,
    update,
)
from bpcore import datasets
from bpcore.activations import ACTIVATIONS
from bpcore.costs import COSTS


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_pyproject_turns_bpcore_runtime_warnings_into_errors(pytestconfig):
    assert "error::RuntimeWarning:bpcore" in pytestconfig.getini("filterwarnings")


# ±1e300, not ±1e308: softmax subtracts the column maximum, and a spread of z beyond the
# float64 range (1.8e308) overflows by itself; no network gets there except by diverging,
# which train handles inside np.errstate.
EXTREME = np.array([[-1e300, -1000.0, -745.2, -40.0, -1e-300, 0.0, 1e-300, 40.0, 745.2, 1000.0, 1e300]])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_at_extreme_z(name, no_warnings):
    act = ACTIVATIONS[name]
    z = EXTREME.T if name == "softmax" else EXTREME  # softmax: one column of many entries
    a = act(z)
    assert not np.any(np.isnan(a))
    if act.prime is not None:
        assert not np.any(np.isnan(act.prime(z)))


def test_sigmoid_of_plus_minus_1000(no_warnings):
    sigma = ACTIVATIONS["sigmoid"]
    np.testing.assert_array_equal(sigma(np.array([-1000.0, 1000.0])), [0.0, 1.0])


@pytest.mark.parametrize("name", sorted(COSTS))
def test_cost_values_at_saturated_outputs(name, no_warnings):
    cost = COSTS[name]
    z = np.array([[-800.0, 800.0, 40.0], [800.0, -800.0, -40.0]])  # outputs round to exactly 0 and 1
    a = ACTIVATIONS["softmax" if name == "softmax_cross_entropy" else "sigmoid"](z)
    y = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    assert np.isfinite(cost.value(z, a, y))


def test_typical_session_is_warning_free(no_warnings):
    x, y = datasets.moons(np.random.default_rng(0), n=50)
    for hidden in ("sigmoid", "tanh", "relu", "leaky_relu", "identity"):
        net = init_network((2, 5, 1), np.random.default_rng(1), hidden=hidden, init="normal")
        g = backward(net, x, y, "cross_entropy")
        backward_loop(net, x[:, :5], y[:, :5], "cross_entropy")
        net = update(net, g, eta=0.5)
        predict(net, x)
        accuracy(net, x, y)
        mean_cost(net, x, y, "cross_entropy")
        check_equations(net, x[:, :3], y[:, :3], "cross_entropy")
        check_backward(net, x[:, :3], y[:, :3], "cross_entropy")
        check_update_step(net, x[:, :3], y[:, :3], "cross_entropy")
        train(net, x, y, "cross_entropy", eta=0.5, m=10, epochs=2, rng=0)


def test_saturating_initialisation_is_warning_free(no_warnings):
    """'normal' init with wide layers and big inputs saturates every sigmoid (notebook 08/09)."""
    x = np.random.default_rng(0).uniform(-50, 50, (20, 40))
    y = (x[:1] > 0).astype(float)
    net = init_network((20, 50, 50, 1), np.random.default_rng(0), init="normal")
    for cost in ("quadratic", "cross_entropy"):
        g = backward(net, x, y, cost)
        assert all(np.all(np.isfinite(gw)) for gw in g.grad_w[1:])
        train(net, x, y, cost, eta=1.0, m=10, epochs=2, rng=0)


def test_float32_use_is_warning_free(no_warnings):
    rng = np.random.default_rng(0)
    net = init_network((2, 3, 1), rng)
    net32 = net.with_params([None] + [w.astype(np.float32) for w in net.w[1:]],
                            [None] + [b.astype(np.float32) for b in net.b[1:]])
    x = rng.uniform(-1, 1, (2, 4)).astype(np.float32)
    y = rng.uniform(0, 1, (1, 4)).astype(np.float32)
    backward(net32, x, y)
    check_equations(net32, x, y)
