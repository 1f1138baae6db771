"""Costs: exact values from z^L (summed over examples), the output error δ^L (BP1), and the
targets each cost refuses.

The cross-entropy values are compared with a 60-digit reference (Python's
``decimal``: softplus and log-sum-exp evaluated exactly, then rounded) for
|z| up to 700; the worst relative error is written to the terminal at the end of
the session (``worst relative error of the cost value ...``).
"""

import math
import re
import warnings
from decimal import Decimal, getcontext

import numpy as np
import pytest

from bpcore import backward, backward_loop, check_backward, check_equations, check_update_step
from bpcore import datasets, init_network, mean_cost, train
from bpcore.activations import get_activation, sigmoid, softmax
from bpcore.costs import (
    COSTS,
    CrossEntropyCost,
    QuadraticCost,
    SoftmaxCrossEntropyCost,
    get_cost,
    softplus,
    validate_cost_output,
    validate_target,
)
from bpcore.gradcheck import numerical_gradient
from tests import measured


@pytest.fixture(scope="session")
def worst_value_errors(request):
    """{cost name: worst relative error against the exact reference}, printed at session end."""
    worst = {}
    yield worst
    if not worst:
        return
    text = "worst relative error of the cost value against a 60-digit reference, |z| ≤ 700:\n" + "\n".join(
        f"  {name:<22} {err:.2e}" for name, err in worst.items())
    measured.report(request, text)


def test_quadratic_value_is_half_squared_error_summed_over_columns():
    a = np.array([[0.2, 0.9], [0.5, 0.1]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    # column 1: ½(0.2² + 0.5²) = ½(0.04 + 0.25) = 0.145; column 2: ½(0.1² + 0.1²) = 0.01
    assert QuadraticCost.value(None, a, y) == pytest.approx(0.155, rel=1e-14)
    np.testing.assert_allclose(QuadraticCost.derivative(a, y), a - y)


def test_cross_entropy_value_from_z_is_the_textbook_formula():
    z = np.array([[1.3862943611198906, -0.8472978603872037]])  # σ(z) = 0.8 and 0.3
    y = np.array([[1.0, 0.0]])
    expected = -(math.log(0.8) + math.log(0.7))
    assert CrossEntropyCost.value(z, sigmoid(z), y) == pytest.approx(expected, rel=1e-14)


def test_softmax_cross_entropy_value_from_z_is_the_textbook_formula():
    z = np.log(np.array([[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]]))  # softmax(z) = those columns
    y = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    assert SoftmaxCrossEntropyCost.value(z, softmax(z), y) == pytest.approx(
        -(math.log(0.7) + math.log(0.6)), rel=1e-14)


def test_values_ignore_the_other_argument():
    """The quadratic cost reads a, the cross-entropies read z: the other may be anything."""
    rng = np.random.default_rng(4)
    z = rng.standard_normal((3, 4))
    y01, onehot = (rng.uniform(size=(3, 4)) > 0.5).astype(float), np.eye(3)[:, [0, 2, 1, 1]]
    assert CrossEntropyCost.value(z, None, y01) == CrossEntropyCost.value(z, sigmoid(z), y01)
    assert SoftmaxCrossEntropyCost.value(z, None, onehot) == SoftmaxCrossEntropyCost.value(z, softmax(z), onehot)
    assert QuadraticCost.value(None, sigmoid(z), y01) == QuadraticCost.value(z, sigmoid(z), y01)


def test_values_are_sums_so_a_batch_is_the_sum_of_its_columns():
    rng = np.random.default_rng(0)
    z = rng.uniform(-3, 3, (3, 5))
    y = (rng.uniform(size=(3, 5)) > 0.5).astype(float)
    onehot = np.eye(3)[:, rng.integers(0, 3, 5)]
    for cost, a, yy in ((QuadraticCost, sigmoid(z), y), (CrossEntropyCost, sigmoid(z), y),
                        (SoftmaxCrossEntropyCost, softmax(z), onehot)):
        total = cost.value(z, a, yy)
        assert isinstance(total, float)
        assert total == pytest.approx(sum(cost.value(z[:, [i]], a[:, [i]], yy[:, [i]]) for i in range(5)), rel=1e-13)


# --- exact at large |z| ----------------------------------------------------------------------

getcontext().prec = 60


def _ln1p(u):
    """ln(1 + u) in decimals, by its series where 1 + u would round to 1 at 60 digits."""
    return u - u * u / 2 + u * u * u / 3 if u < Decimal("1e-20") else (1 + u).ln()


def _softplus(t):
    """s(t) = ln(1 + e^t) = max(t, 0) + ln(1 + e^(−|t|)), in decimals."""
    return max(t, Decimal(0)) + _ln1p((-abs(t)).exp())


def _exact_sigmoid_ce(z, y):
    """Σ y·s(−z) + (1 − y)·s(z), in 60-digit decimals."""
    total = Decimal(0)
    for zi, yi in zip(z.ravel(), y.ravel()):
        zi, yi = Decimal(float(zi)), Decimal(float(yi))
        total += yi * _softplus(-zi) + (1 - yi) * _softplus(zi)
    return total


def _exact_softmax_ce(z, y):
    """Σ_x Σ_j y_j (ln Σ_k e^(z_k) − z_j), in 60-digit decimals.

    ln Σ_k e^(z_k) = M + ln(1 + r) with M the column maximum and r the sum of the
    other e^(z_k − M): an identity, evaluated here with 60 digits.
    """
    total = Decimal(0)
    for j in range(z.shape[1]):
        col = [Decimal(float(v)) for v in z[:, j]]
        top = col.index(max(col))
        r = sum((v - col[top]).exp() for i, v in enumerate(col) if i != top)
        total += sum(Decimal(float(yk)) * (col[top] - zk + _ln1p(r)) for yk, zk in zip(y[:, j], col))
    return total


def _rel(value, exact):
    return float(abs((Decimal(value) - exact) / exact))


Z_GRID = [-700.0, -300.0, -100.0, -40.0, -37.0, -25.0, -15.0, -1.0, -1e-3, 0.0, 1e-8, 1.0, 15.0,
          25.0, 37.0, 40.0, 100.0, 300.0, 700.0]


def test_sigmoid_cross_entropy_is_exact_for_large_z(worst_value_errors):
    worst = 0.0
    for z in Z_GRID:
        for y in (0.0, 1.0, 0.3):
            zz, yy = np.array([[z]]), np.array([[y]])
            value = CrossEntropyCost.value(zz, sigmoid(zz), yy)
            worst = max(worst, _rel(value, _exact_sigmoid_ce(zz, yy)))
    worst_value_errors["cross_entropy"] = worst
    assert worst <= 1e-15
    # not capped: the clip of a = σ(z) used to stop the cost at 36.74
    assert CrossEntropyCost.value(np.array([[300.0]]), np.array([[1.0]]), np.array([[0.0]])) == pytest.approx(300.0)
    # and a saturated right answer keeps its tiny, positive cost: −ln σ(40) = 4.25e-18, not 0
    assert CrossEntropyCost.value(np.array([[40.0]]), np.array([[1.0]]), np.array([[1.0]])) == pytest.approx(
        math.exp(-40.0), rel=1e-12)


def test_softmax_cross_entropy_is_exact_for_large_z(worst_value_errors):
    rng = np.random.default_rng(5)
    worst = 0.0
    for scale in (1.0, 10.0, 100.0, 300.0, 700.0):
        for t in range(12):
            z = rng.standard_normal((4, 3)) * scale
            y = np.eye(4)[:, rng.integers(0, 4, 3)] if t % 3 else rng.dirichlet(np.ones(4), 3).T
            worst = max(worst, _rel(SoftmaxCrossEntropyCost.value(z, softmax(z), y), _exact_softmax_ce(z, y)))
    # a confident right answer: the cost is ln(1 + e^(−30)) ≈ 9.4e-14, not 0 or a rounding of 1
    z = np.array([[30.0], [0.0]])
    y = np.array([[1.0], [0.0]])
    worst = max(worst, _rel(SoftmaxCrossEntropyCost.value(z, softmax(z), y), _exact_softmax_ce(z, y)))
    worst_value_errors["softmax_cross_entropy"] = worst
    assert worst <= 1e-15


@pytest.mark.parametrize("z0", [-700.0, -300.0, -40.0, -25.0, -15.0, 15.0, 25.0, 37.0, 40.0, 300.0, 700.0])
@pytest.mark.parametrize("y0", [0.0, 1.0])
def test_finite_differences_of_the_value_agree_with_a_minus_y(z0, y0):
    """δ^L = ∂C/∂z^L = σ(z) − y, measured by central differences of the exact value.

    The old value, from a clipped a = σ(z), gave a numerical δ of 0 from |z| ≈ 25
    (while a − y = 1) and failed the BP1 check already at z = 15.
    """
    z, y = np.array([[z0]]), np.array([[y0]])
    numeric = numerical_gradient(lambda: CrossEntropyCost.value(z, None, y), z, 1e-5)
    ours = CrossEntropyCost.delta(z, sigmoid(z), y, get_activation("sigmoid"))
    # round-off of C(z ± h) (≈ ε·|C|/h) plus the rounding of σ(z) − y itself (ε)
    allowed = 4 * np.finfo(float).eps * (abs(z0) / 1e-5 + 1) + 1e-9 * abs(ours[0, 0])
    assert abs(numeric[0, 0] - ours[0, 0]) <= allowed


def test_softmax_finite_differences_agree_with_a_minus_y_at_large_z():
    z = np.array([[300.0, -200.0], [-100.0, 250.0], [0.0, 260.0]])
    y = np.eye(3)[:, [1, 2]]   # both columns confidently wrong
    numeric = numerical_gradient(lambda: SoftmaxCrossEntropyCost.value(z, None, y), z, 1e-5)
    np.testing.assert_allclose(numeric, softmax(z) - y, atol=4 * np.finfo(float).eps * 900 / 1e-5)


def test_softplus_is_stable():
    t = np.array([-800.0, -40.0, 0.0, 40.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = softplus(t)
    np.testing.assert_allclose(s, [0.0, math.exp(-40.0), math.log(2.0), 40.0, 800.0], rtol=1e-15)


# --- float32 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(COSTS))
def test_float32_inputs_give_the_float64_value_of_those_numbers(name):
    """Choice: compute correctly. The value is evaluated in float64 from the float32 z, a, y."""
    cost = COSTS[name]
    rng = np.random.default_rng(6)
    z32 = (rng.standard_normal((3, 4)) * 30).astype(np.float32)
    act = get_activation("softmax" if name == "softmax_cross_entropy" else "sigmoid")
    a32 = act(z32)
    y32 = (np.eye(3)[:, [0, 1, 2, 0]] if name == "softmax_cross_entropy"
           else (rng.uniform(size=(3, 4)) > 0.5)).astype(np.float32)
    assert a32.dtype == np.float32
    v32 = cost.value(z32, a32, y32)
    v64 = cost.value(z32.astype(np.float64), a32.astype(np.float64), y32.astype(np.float64))
    assert isinstance(v32, float) and v32 == v64 and np.isfinite(v32)
    # δ^L stays in the network's dtype
    assert cost.delta(z32, a32, y32, act).dtype == np.float32


def test_float32_saturated_cross_entropy_is_finite_and_exact():
    """In float32 the old clip bounds (1e-300, 1 − 1e-16) rounded to 0 and 1, so ln gave −inf."""
    z32 = np.array([[20.0, -20.0]], dtype=np.float32)
    a32 = sigmoid(z32)
    assert a32[0, 0] == np.float32(1.0)      # saturated in float32
    y = np.array([[0.0, 1.0]], dtype=np.float32)
    assert CrossEntropyCost.value(z32, a32, y) == pytest.approx(2 * (20.0 + math.log1p(math.exp(-20.0))), rel=1e-14)


def test_float32_moons_run_is_not_reported_diverged_and_reports_true_losses():
    x, y = datasets.moons(np.random.default_rng(0), n=200, noise=0.1)
    net = init_network([2, 16, 16, 1], np.random.default_rng(1), init="xavier", hidden="tanh")
    net32 = net.with_params([None] + [w.astype(np.float32) for w in net.w[1:]],
                            [None] + [b.astype(np.float32) for b in net.b[1:]])
    trained, history = train(net32, x.astype(np.float32), y.astype(np.float32), "cross_entropy",
                             eta=0.5, m=10, epochs=100, rng=2)
    assert not history.diverged, history.message
    assert trained.w[1].dtype == np.float32
    assert history.accuracy[-1] >= 0.97
    # the last loss is the true mean cross-entropy of the float32 network's outputs
    z = [None, None, None, None]
    a = x.astype(np.float32)
    for l in range(1, 4):
        z[l] = trained.w[l] @ a + trained.b[l]
        a = trained.sigma(l)(z[l])
    exact = float(_exact_sigmoid_ce(z[3], y)) / 200
    assert history.loss[-1] == pytest.approx(exact, rel=1e-12)


def test_train_reports_true_losses_of_a_saturated_network():
    """A network whose outputs are saturated the wrong way: mean cost ≈ |z|, not the old cap 36.74."""
    net = init_network((1, 1), 0, init="lecun")
    net = net.with_params([None, np.array([[100.0]])], [None, np.array([[0.0]])])
    x, y = np.array([[1.0, -1.0]]), np.array([[0.0, 1.0]])   # z = ±100, both wrong
    assert mean_cost(net, x, y, "cross_entropy") == pytest.approx(100.0, rel=1e-12)
    _, history = train(net, x, y, "cross_entropy", eta=1e-6, m=2, epochs=1)
    assert not history.diverged and history.loss[0] == pytest.approx(100.0, rel=1e-6)


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
        value = CrossEntropyCost.value(z, a, np.array([[1.0, 0.0]]))
    np.testing.assert_array_equal(delta, [[-1.0, 1.0]])  # no learning slowdown, no 0/0
    assert value == pytest.approx(1600.0)


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


# --- targets that cannot be right are refused ----------------------------------------------------

SIG_NET = init_network((2, 3, 2), 0, output="sigmoid")
SOFT_NET = init_network((2, 3, 3), 0, output="softmax")
X = np.random.default_rng(7).uniform(-1, 1, (2, 4))

ENTRY = {  # every entry point where y meets a cost
    "backward": lambda net, y, cost: backward(net, X, y, cost),
    "backward_loop": lambda net, y, cost: backward_loop(net, X, y, cost),
    "mean_cost": lambda net, y, cost: mean_cost(net, X, y, cost),
    "train": lambda net, y, cost: train(net, X, y, cost, eta=0.1, m=2, epochs=1),
    "train y_val": lambda net, y, cost: train(net, X, _good(net), cost, eta=0.1, m=2, epochs=1, x_val=X, y_val=y),
    "check_equations": lambda net, y, cost: check_equations(net, X, y, cost),
    "check_backward": lambda net, y, cost: check_backward(net, X, y, cost),
    "check_update_step": lambda net, y, cost: check_update_step(net, X, y, cost),
}


def _good(net):
    return np.eye(3)[:, [0, 1, 2, 0]] if net is SOFT_NET else np.array([[0.0, 1.0, 1.0, 0.0]] * 2)


@pytest.mark.parametrize("entry", ENTRY)
def test_plus_minus_one_labels_are_refused_by_cross_entropy(entry):
    y = np.array([[-1.0, 1.0, 1.0, -1.0], [1.0, -1.0, 1.0, 1.0]])
    with pytest.raises(ValueError, match=re.escape("cross-entropy needs every target in [0, 1]")) as info:
        ENTRY[entry](SIG_NET, y, "cross_entropy")
    assert "±1 labels" in str(info.value) and "0/1 convention" in str(info.value)
    assert "+ 1) / 2" in str(info.value)


@pytest.mark.parametrize("entry", ENTRY)
def test_targets_outside_0_1_are_refused_by_cross_entropy(entry):
    y = np.array([[0.0, 1.5, 1.0, 0.0], [1.0, 0.0, 0.5, 1.0]])
    with pytest.raises(ValueError, match=r"y(_val)? has 1 entry outside, the first y(_val)?\[0, 1\] = 1\.5\."):
        ENTRY[entry](SIG_NET, y, "cross_entropy")


@pytest.mark.parametrize("entry", ENTRY)
def test_integer_labels_are_refused_by_softmax_cross_entropy(entry):
    y = np.array([[0.0, 2.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])  # labels in row 0
    with pytest.raises(ValueError, match=r"softmax cross-entropy needs each column of y(_val)? to be a "
                                         r"probability vector") as info:
        ENTRY[entry](SOFT_NET, y, "softmax_cross_entropy")
    assert "integer class labels" in str(info.value)
    assert "bpcore.datasets.one_hot(labels, n_classes)" in str(info.value)


@pytest.mark.parametrize("entry", ENTRY)
def test_an_all_zero_column_is_refused_by_softmax_cross_entropy(entry):
    y = np.eye(3)[:, [0, 1, 2, 0]]
    y[:, 2] = 0.0
    with pytest.raises(ValueError, match=re.escape("the first is column 2 = [0., 0., 0.] (sum 0).")):
        ENTRY[entry](SOFT_NET, y, "softmax_cross_entropy")


def test_the_gradient_such_targets_would_have_given_is_wrong():
    """Why refuse: with Σ_j y_j ≠ 1, δ^L = a − y is not ∂C/∂z^L (which is a·Σ_j y_j − y)."""
    z = np.array([[0.5], [0.0], [-0.5]])
    y = np.array([[3.0], [0.0], [0.0]])  # a class label (3) where a one-hot column belongs
    true = numerical_gradient(lambda: SoftmaxCrossEntropyCost.value(z, None, y), z, 1e-5)
    np.testing.assert_allclose(true, 3 * softmax(z) - y, rtol=1e-8)
    ours = softmax(z) - y
    assert np.linalg.norm(ours - true) > 0.5 * np.linalg.norm(true)
    with pytest.raises(ValueError):
        validate_target("softmax_cross_entropy", y)


def test_valid_targets_are_accepted():
    validate_target("cross_entropy", np.array([[0.0, 1.0, 0.25]]))
    validate_target("softmax_cross_entropy", np.array([[0.2, 1.0], [0.8, 0.0]]))
    validate_target("softmax_cross_entropy", np.array([[1 / 3] * 2] * 3, dtype=np.float32))  # float32 rounding
    validate_target("quadratic", np.array([[-5.0, 7.0]]))
    g = backward(SOFT_NET, X, datasets.one_hot([0, 1, 2, 0], 3), "softmax_cross_entropy")
    assert np.all(np.isfinite(g.grad_w[1]))


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
