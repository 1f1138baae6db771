"""Curvature of the mean loss: λ_max by power iteration, the edge η = 2/λ_max, and run labels.

The closed-form problem: a one-layer linear network (identity output,
quadratic cost). Its mean loss C̄ = (1/2N) Σ_x ‖w x + b − y‖² is a quadratic in
(w, b) whose Hessian, per output row, is (1/N) X̃ X̃^T with X̃ = [x; 1] (the bias
column of ones included). Everything λ_max claims is checked against
numpy.linalg.eigvalsh of that matrix, and the edge against full-batch runs.
"""

import numpy as np
import pytest

from bpcore import backward, init_network, mean_cost, train, update
from bpcore.curvature import (
    REGIMES,
    CurvatureMarks,
    Sharpness,
    curvature_marks,
    edge_of_stability,
    hessian_vector_product,
    largest_eigenvalue,
    mean_gradient,
    run_regime,
    sharpness,
    step_regime,
)
from bpcore.train import History


def _linear_problem(n_out=1, N=40, seed=1):
    """A linear net [3, n_out] and data with unequal spreads, so the eigenvalues differ."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((3, N)) * np.array([[2.0], [1.0], [0.5]]) + 0.3
    y = rng.standard_normal((n_out, N))
    net = init_network([3, n_out], rng, init="lecun", hidden="identity", output="identity")
    x_tilde = np.vstack([x, np.ones((1, N))])
    return net, x, y, x_tilde @ x_tilde.T / N  # H for one output row, order [w_1.., b]


def _flat(net):
    return np.concatenate([p.ravel() for l in range(1, net.L + 1) for p in (net.w[l], net.b[l])])


# --------------------------------------------------------------------------- closed form


def test_power_iteration_matches_the_closed_form_hessian_of_a_linear_network():
    net, x, y, H = _linear_problem()
    true = np.linalg.eigvalsh(H)
    est = sharpness(net, x, y, "quadratic", rng=0, tol=1e-10)
    print(f"\nlinear net: estimated λ_max = {est.lambda_max:.12g}, eigvalsh λ_max = {true[-1]:.12g} "
          f"(all eigenvalues {np.round(true, 4)}), {est.iterations} iterations")
    assert isinstance(est, Sharpness) and est.converged
    assert est.lambda_max == pytest.approx(true[-1], rel=1e-9)
    u = np.linalg.eigh(H)[1][:, -1]  # the order [w_11, w_12, w_13, b_1] is the module's flat order
    assert abs(float(est.v @ u)) == pytest.approx(1.0, abs=1e-6)
    assert np.linalg.norm(est.v) == pytest.approx(1.0)


def test_several_outputs_have_the_same_curvatures_per_row():
    """With n_L = 2 the Hessian is block diagonal, two copies of (1/N) X̃ X̃^T: same λ_max."""
    net, x, y, H = _linear_problem(n_out=2)
    est = sharpness(net, x, y, rng=3, tol=1e-10)
    assert est.lambda_max == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-9)


def test_mean_gradient_is_backprops_sums_over_n_in_the_flat_order():
    rng = np.random.default_rng(3)
    net = init_network([2, 3, 2], rng, hidden="tanh", output="sigmoid")
    x, y = rng.standard_normal((2, 7)), rng.uniform(0, 1, (2, 7))
    g = backward(net, x, y)
    parts = (g.grad_w[1], g.grad_b[1], g.grad_w[2], g.grad_b[2])  # w^1 row by row, b^1, w^2, b^2
    expected = np.concatenate([p.ravel() for p in parts]) / 7
    np.testing.assert_array_equal(mean_gradient(net, x, y), expected)


def test_hessian_vector_product_is_the_closed_form_product():
    net, x, y, H = _linear_problem()
    v = np.random.default_rng(5).standard_normal(4)
    np.testing.assert_allclose(hessian_vector_product(net, x, y, "quadratic", v), H @ v, rtol=1e-7, atol=1e-9)


def test_the_hessian_is_of_the_mean_loss_not_the_sum():
    """Doubling the data set by repeating it leaves the mean loss, so λ_max, unchanged."""
    net, x, y, _ = _linear_problem()
    one = sharpness(net, x, y, tol=1e-10).lambda_max
    two = sharpness(net, np.hstack([x, x]), np.hstack([y, y]), tol=1e-10).lambda_max
    assert two == pytest.approx(one, rel=1e-9)


def _full_batch(net, x, y, eta, steps):
    """Full-batch descent by hand: the mean loss after each step, and the nets."""
    nets = [net]
    for _ in range(steps):
        nets.append(update(nets[-1], backward(nets[-1], x, y), eta))
    return nets


def test_full_batch_converges_just_below_the_edge_and_diverges_just_above():
    net, x, y, H = _linear_problem()
    lam = np.linalg.eigvalsh(H)[-1]
    edge = edge_of_stability(lam)
    N = x.shape[1]
    coef = np.linalg.lstsq(np.vstack([x, np.ones((1, N))]).T, y.ravel(), rcond=None)[0]
    best = 0.5 * np.mean((coef @ np.vstack([x, np.ones((1, N))]) - y) ** 2)  # the minimum of C̄
    start = mean_cost(net, x, y)

    below, h_below = train(net, x, y, "quadratic", eta=0.9 * edge, m=N, epochs=300, rng=0)
    above, h_above = train(net, x, y, "quadratic", eta=1.1 * edge, m=N, epochs=300, rng=0)
    print(f"\n2/λ = {edge:.4g}; η = 0.9·2/λ: {h_below.message} loss {start:.4g} → "
          f"{h_below.loss[-1]:.6g} (minimum {best:.6g}); η = 1.1·2/λ: {h_above.message}")
    assert not h_below.diverged and h_below.epochs == 300
    assert h_below.loss[-1] - best < 1e-6 * (start - best)
    assert run_regime([start] + h_below.loss) == "converging"
    assert h_above.diverged
    assert run_regime(h_above) == "diverging"


@pytest.mark.parametrize("factor", [0.9, 1.1])
def test_the_sharpest_direction_is_multiplied_by_one_minus_eta_lambda_per_step(factor):
    """Along the top eigenvector u the gradient's component goes × (1 − ηλ) per step: −0.8 or −1.2."""
    net, x, y, H = _linear_problem()
    lam, u = np.linalg.eigh(H)[0][-1], np.linalg.eigh(H)[1][:, -1]
    eta = factor * 2 / lam
    components = []
    for n in _full_batch(net, x, y, eta, 8):
        g = backward(n, x, y)
        components.append(float(np.concatenate([g.grad_w[1].ravel(), g.grad_b[1].ravel()]) @ u) / x.shape[1])
    ratios = np.array(components[1:]) / np.array(components[:-1])
    np.testing.assert_allclose(ratios, 1 - eta * lam, rtol=1e-6)


# --------------------------------------------------------------------------- nonlinear networks


def _assembled_hessian(net, x, y, cost):
    P = _flat(net).size
    H = np.column_stack([hessian_vector_product(net, x, y, cost, e) for e in np.eye(P)])
    return H, P


@pytest.mark.parametrize("hidden, output, cost", [("sigmoid", "sigmoid", "quadratic"),
                                                  ("tanh", "sigmoid", "cross_entropy"),
                                                  ("tanh", "softmax", "softmax_cross_entropy")])
def test_power_iteration_agrees_with_the_hessian_assembled_column_by_column(hidden, output, cost):
    rng = np.random.default_rng(7)
    n_out = 2 if output == "softmax" else 1
    net = init_network([2, 3, n_out], rng, init="normal", hidden=hidden, output=output)
    x = rng.standard_normal((2, 12))
    y = np.eye(2)[:, rng.integers(0, 2, 12)] if n_out == 2 else rng.integers(0, 2, (1, 12)).astype(float)
    H, P = _assembled_hessian(net, x, y, cost)
    assert np.max(np.abs(H - H.T)) < 1e-7 * np.max(np.abs(H))  # a Hessian is symmetric
    true = np.linalg.eigvalsh((H + H.T) / 2)
    est = sharpness(net, x, y, cost, rng=0, tol=1e-10, max_iterations=5000)
    print(f"\n{hidden}/{output}/{cost}: P = {P}, power iteration {est.lambda_max:.10g}, "
          f"eigvalsh {true[-1]:.10g} (smallest {true[0]:.4g})")
    assert est.converged
    assert est.lambda_max == pytest.approx(true[-1], rel=1e-6)


def test_hessian_diagonal_matches_second_differences_of_the_mean_cost():
    """Independent of backprop: ∂²C̄/∂θ_j² from three values of C̄ (mean_cost)."""
    rng = np.random.default_rng(2)
    net = init_network([2, 3, 1], rng, init="normal", hidden="tanh", output="sigmoid")
    x, y = rng.standard_normal((2, 10)), rng.uniform(0, 1, (1, 10))
    H, _ = _assembled_hessian(net, x, y, "quadratic")
    eps = 1e-4
    for j, (l, i, k) in enumerate([(1, 0, 0), (1, 2, 1), (2, 0, 2)]):
        def c(d, l=l, i=i, k=k):
            w = [None] + [wl.copy() for wl in net.w[1:]]
            w[l][i, k] += d
            return mean_cost(net.with_params(w, net.b), x, y)
        col = i * 2 + k if l == 1 else 9 + k  # flat order: w^1 (3×2), b^1 (3), w^2 (1×3), b^2
        second = (c(eps) - 2 * c(0.0) + c(-eps)) / eps**2
        assert H[col, col] == pytest.approx(second, rel=1e-5, abs=1e-7)


def test_sharpness_leaves_the_network_unchanged_and_is_reproducible():
    rng = np.random.default_rng(4)
    net = init_network([2, 4, 1], rng, hidden="tanh", output="sigmoid")
    x, y = rng.standard_normal((2, 20)), rng.integers(0, 2, (1, 20)).astype(float)
    before = _flat(net).copy()
    a = sharpness(net, x, y, "cross_entropy", rng=11)
    b = sharpness(net, x, y, "cross_entropy", rng=np.random.default_rng(11))
    c = sharpness(net, x, y, "cross_entropy", rng=12)
    np.testing.assert_array_equal(_flat(net), before)
    assert a.lambda_max == b.lambda_max and np.array_equal(a.v, b.v)
    assert c.lambda_max == pytest.approx(a.lambda_max, rel=1e-4)  # another start, the same eigenvalue


# --------------------------------------------------------------------------- power iteration itself


@pytest.mark.parametrize("diagonal, expected", [([-5.0, 1.0, 2.0], 2.0),   # most negative dominates
                                                ([-3.0, -1.0], -1.0),      # no positive curvature
                                                ([4.0, 1.0, -2.0], 4.0),
                                                ([0.0, 0.0], 0.0)])
def test_largest_eigenvalue_is_the_largest_not_the_largest_in_magnitude(diagonal, expected):
    Q = np.linalg.qr(np.random.default_rng(0).standard_normal((len(diagonal),) * 2))[0]
    H = Q @ np.diag(diagonal) @ Q.T
    est = largest_eigenvalue(lambda v: H @ v, len(diagonal), rng=1, tol=1e-12, max_iterations=2000)
    assert est.converged
    assert est.lambda_max == pytest.approx(expected, abs=1e-9)


def test_too_few_iterations_are_reported_as_not_converged():
    H = np.diag([1.0, 0.999, 0.5])
    est = largest_eigenvalue(lambda v: H @ v, 3, rng=0, tol=1e-12, max_iterations=3)
    assert not est.converged and est.iterations == 3


# --------------------------------------------------------------------------- the edge and the labels


def test_edge_of_stability_is_two_over_lambda():
    assert edge_of_stability(4.0) == 0.5
    assert edge_of_stability(0.0) == float("inf") and edge_of_stability(-1.0) == float("inf")


@pytest.mark.parametrize("eta_times_lam", [0.3, 0.99, 1.0, 1.01, 1.5, 1.99, 2.01, 3.0])
def test_step_regime_says_what_the_one_dimensional_iteration_does(eta_times_lam):
    """Run w ← w − η C'(w) on C = λw²/2 and compare the label with what w did."""
    lam = 2.5
    eta = eta_times_lam / lam
    w = [1.0]
    for _ in range(60):
        w.append(w[-1] - eta * lam * w[-1])
    w = np.array(w)
    flips = bool(np.all(np.sign(w[1:]) == -np.sign(w[:-1])))
    shrinks = abs(w[-1]) < abs(w[0])
    observed = "diverging" if not shrinks else "oscillating" if flips else "converging"
    assert step_regime(eta, lam) == observed


def test_run_regime_rules():
    assert run_regime([1.0, 0.5, 0.3, 0.2]) == "converging"
    assert run_regime([1.0, 0.5, 0.52, 0.3, 0.2]) == "converging"  # one small rise: 0.02 < 0.25 × 0.82
    assert run_regime([1.0, 0.4, 0.7, 0.3, 0.5, 0.2]) == "oscillating"  # rises 0.5 ≥ 0.25 × 1.3
    assert run_regime([1.0, 0.4, 0.7, 0.3, 0.5, 0.2], rise_fraction=0.5) == "converging"
    assert run_regime([1.0, 0.5, 1.2]) == "diverging"  # ended above the start
    assert run_regime([1.0, 0.5, float("nan")]) == "diverging"
    assert run_regime([1.0, 1.0, 1.0]) == "converging"  # at a minimum already
    assert run_regime(History(eta=1.0, m=1, loss=[0.5], diverged=True)) == "diverging"
    assert run_regime(History(eta=1.0, m=1, loss=[0.5, 0.4, 0.3])) == "converging"
    assert set(REGIMES) == {"converging", "oscillating", "diverging"}


def test_curvature_marks_are_one_and_two_over_lambda_max():
    rng = np.random.default_rng(9)
    net = init_network([2, 8, 8, 1], rng, init="xavier", hidden="tanh", output="sigmoid")
    x, y = rng.standard_normal((2, 60)), rng.integers(0, 2, (1, 60)).astype(float)
    marks = curvature_marks(net, x, y, "cross_entropy")
    tight = sharpness(net, x, y, "cross_entropy", tol=1e-10, max_iterations=5000).lambda_max
    assert isinstance(marks, CurvatureMarks) and marks.converged
    assert marks.eta_edge == pytest.approx(2 / tight, rel=1e-3)
    assert marks.eta_oscillation == pytest.approx(marks.eta_edge / 2)
    assert curvature_marks(net, x, y, "cross_entropy") == marks  # pure: same inputs, same marks


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("eta", [0.0, -0.1, float("nan")])
def test_step_regime_rejects_a_learning_rate_that_is_not_positive(eta):
    with pytest.raises(ValueError, match="learning rate eta must be a finite number > 0"):
        step_regime(eta, 1.0)


def test_bad_input_gets_clear_messages():
    net, x, y, _ = _linear_problem()
    with pytest.raises(ValueError, match="curvature lam > 0"):
        step_regime(0.1, 0.0)
    with pytest.raises(TypeError, match=r"max_iterations must be a whole number.*True \(bool\)"):
        sharpness(net, x, y, max_iterations=True)
    with pytest.raises(ValueError, match="max_iterations must be a whole number ≥ 1"):
        sharpness(net, x, y, max_iterations=0)
    with pytest.raises(ValueError, match="tol must be a finite number > 0"):
        sharpness(net, x, y, tol=0.0)
    with pytest.raises(ValueError, match="step h must be a finite number > 0"):
        sharpness(net, x, y, h=-1e-5)
    with pytest.raises(ValueError, match=r"x must have 3 rows.*pass x.T"):
        sharpness(net, x.T, y)
    with pytest.raises(ValueError, match=r"y must have shape \(1, 40\)"):
        sharpness(net, x, y[:, :10])
    with pytest.raises(ValueError, match=r"v must be a flat vector of shape \(4,\)"):
        hessian_vector_product(net, x, y, "quadratic", np.ones((4, 1)))
    with pytest.raises(TypeError, match="net must be a bpcore Network"):
        sharpness([net], x, y)
    with pytest.raises(TypeError, match="lambda_max must be a number"):
        edge_of_stability(True)
    with pytest.raises(ValueError, match="at least two losses"):
        run_regime([1.0])
    with pytest.raises(ValueError, match="rise_fraction must be a finite number from 0.0 to 1.0"):
        run_regime([1.0, 0.5], rise_fraction=2.0)
