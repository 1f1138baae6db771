"""The update rule w → w − (η/m) Σ_x ∂C_x/∂w, and the same for b."""

import numpy as np
import pytest

from bpcore import backward, init_network, mean_cost, update, update_parameter


def test_update_parameter_formula():
    p = np.array([[1.0, -2.0], [0.5, 0.0]])
    g = np.array([[4.0, 8.0], [-2.0, 1.0]])
    # η = 0.5, m = 4: step η/m = 0.125; p − 0.125 g = [[1 − 0.5, −2 − 1], [0.5 + 0.25, 0 − 0.125]]
    new = update_parameter(p, g, 0.5, 4)
    np.testing.assert_array_equal(new, [[0.5, -3.0], [0.75, -0.125]])
    np.testing.assert_array_equal(p, [[1.0, -2.0], [0.5, 0.0]])  # not changed in place
    assert new is not p


def test_update_parameter_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"expected \(3, 2\), got \(2, 3\)"):
        update_parameter(np.zeros((3, 2)), np.zeros((2, 3)), 0.1, 1)


def _problem(m=6, seed=0):
    rng = np.random.default_rng(seed)
    net = init_network((3, 4, 2), rng, hidden="tanh", output="sigmoid")
    return net, rng.uniform(-1, 1, (3, m)), rng.uniform(0, 1, (2, m))


def test_update_applies_the_rule_to_every_layer_and_averages_over_m():
    net, x, y = _problem(m=6)
    g = backward(net, x, y)
    new = update(net, g, eta=0.3)
    for l in (1, 2):
        np.testing.assert_allclose(new.w[l], net.w[l] - (0.3 / 6) * g.grad_w[l], rtol=1e-15)
        np.testing.assert_allclose(new.b[l], net.b[l] - (0.3 / 6) * g.grad_b[l], rtol=1e-15)
    assert new.sizes == net.sizes and new.hidden == net.hidden and new.output == net.output


def test_explicit_m_overrides_the_gradients_count():
    net, x, y = _problem(m=6)
    g = backward(net, x, y)
    new = update(net, g, eta=0.3, m=3)
    np.testing.assert_allclose(new.w[1], net.w[1] - 0.1 * g.grad_w[1], rtol=1e-15)


def test_update_returns_a_new_network_and_leaves_the_old_one():
    net, x, y = _problem()
    before = [w.copy() for w in net.w[1:]]
    new = update(net, backward(net, x, y), eta=1.0)
    assert new is not net
    for w, w0 in zip(net.w[1:], before):
        np.testing.assert_array_equal(w, w0)
    assert not np.array_equal(new.w[1], net.w[1])


def test_mean_gradient_step_is_independent_of_duplicating_the_batch():
    """Σ over 2m examples divided by 2m equals Σ over m divided by m when the data repeat."""
    net, x, y = _problem(m=5)
    one = update(net, backward(net, x, y), eta=0.7)
    two = update(net, backward(net, np.hstack([x, x]), np.hstack([y, y])), eta=0.7)
    for l in (1, 2):
        np.testing.assert_allclose(one.w[l], two.w[l], rtol=1e-13)
        np.testing.assert_allclose(one.b[l], two.b[l], rtol=1e-13)


def test_a_small_step_lowers_the_cost():
    net, x, y = _problem(m=8, seed=3)
    new = update(net, backward(net, x, y), eta=0.05)
    assert mean_cost(new, x, y) < mean_cost(net, x, y)


@pytest.mark.parametrize("eta, exc, pattern", [
    (0, ValueError, r"eta must be a finite number > 0; got eta=0.0"),
    (-0.1, ValueError, r"got eta=-0.1"),
    (float("nan"), ValueError, r"got eta=nan"),
    (float("inf"), ValueError, r"got eta=inf"),
    ("0.1", TypeError, r"eta must be a number > 0; got '0.1'"),
    (None, TypeError, r"got None"),
    (True, TypeError, r"got True"),
])
def test_bad_eta_rejected(eta, exc, pattern):
    net, x, y = _problem()
    with pytest.raises(exc, match=pattern):
        update(net, backward(net, x, y), eta=eta)


@pytest.mark.parametrize("m, exc, got", [(0, ValueError, "got m=0"), (-2, ValueError, "got m=-2"),
                                         (1.5, TypeError, r"got 1.5 \(float\)"), (True, TypeError, r"got True \(bool\)")])
def test_bad_m_rejected(m, exc, got):
    net, x, y = _problem()
    with pytest.raises(exc, match=rf"m \(examples averaged over\) must be a whole number ≥ 1; {got}"):
        update(net, backward(net, x, y), eta=0.1, m=m)


def test_numpy_scalars_are_accepted():
    net, x, y = _problem()
    g = backward(net, x, y)
    a = update(net, g, eta=np.float32(0.5), m=np.int64(6))
    b = update(net, g, eta=0.5, m=6)
    np.testing.assert_allclose(a.w[1], b.w[1], rtol=1e-7)
