"""Backprop by hand: a 2-2-1 sigmoid network with quadratic cost, every number written out.

In the style of scikit-learn's ``test_mlp.py`` (a hand-worked tiny network with
every intermediate number in comments) and micrograd's ``test_engine.py``
(forward and backward checked separately against a reference).

The reference numbers below were worked out with nothing but the scalar
formulas and a calculator (σ(z) = 1/(1 + e^(−z)), σ'(z) = σ(z)(1 − σ(z))), one
neuron at a time, never with bpcore; they are written to 12 significant
digits and asserted to a relative tolerance of 1e-10.

Then: the matrix (minibatch) form equals the sum of per-example gradients
(``backward`` vs ``backward_loop``) to within 1e-12, for several architectures
and batch sizes.
"""

import numpy as np
import pytest

from bpcore import (
    backpropagate_error,
    backward,
    backward_loop,
    bias_gradient,
    forward,
    init_network,
    output_error,
    update,
    weight_gradient,
)
from bpcore.activations import get_activation
from bpcore.datasets import one_hot
from bpcore.network import Network

RTOL = 1e-10  # the references carry 12 significant digits

# ---------------------------------------------------------------------------
# The network.  Layers l = 1, 2 (L = 2); sizes (n_0, n_1, n_2) = (2, 2, 1).
#
#   w^1 = [[0.1,  0.2],      b^1 = [[0.0],
#          [0.3, -0.1]]             [0.1]]
#   w^2 = [[0.5, -0.5]]      b^2 = [[0.1]]
#
# Example A: x = (1, 2)^T, y = 1.     Example B: x = (0, 1)^T, y = 0.
# Learning rate η = 0.5.
# ---------------------------------------------------------------------------
W1 = np.array([[0.1, 0.2], [0.3, -0.1]])
B1 = np.array([[0.0], [0.1]])
W2 = np.array([[0.5, -0.5]])
B2 = np.array([[0.1]])
ETA = 0.5

X_A, Y_A = np.array([[1.0], [2.0]]), np.array([[1.0]])
X_B, Y_B = np.array([[0.0], [1.0]]), np.array([[0.0]])


def hand_net():
    return Network((2, 2, 1), [None, W1.copy(), W2.copy()], [None, B1.copy(), B2.copy()],
                   hidden="sigmoid", output="sigmoid")


# ---------------------------------------------------------------------------
# Example A, forward pass
#   z^1_1 = 0.1·1 + 0.2·2 + 0.0        = 0.5
#   z^1_2 = 0.3·1 − 0.1·2 + 0.1        = 0.2
#   a^1_1 = σ(0.5) = 1/(1 + e^−0.5)    = 0.622459331202
#   a^1_2 = σ(0.2) = 1/(1 + e^−0.2)    = 0.549833997312
#   z^2   = 0.5·0.622459331202 − 0.5·0.549833997312 + 0.1
#         = 0.5·0.072625333890 + 0.1   = 0.136312666945
#   a^2   = σ(0.136312666945)          = 0.534025496992
#   C     = ½ (a^2 − y)² = ½ (−0.465974503008)² = 0.108566118727
#
# Example A, backward pass
#   σ'(z^2)   = 0.534025496992 · (1 − 0.534025496992)        = 0.248842265554
#   δ^2       = (a^2 − y) σ'(z^2) = −0.465974503008 · 0.248842265554
#             = −0.115954151019                                         (BP1)
#   σ'(z^1_1) = 0.622459331202 · 0.377540668798              = 0.235003712202
#   σ'(z^1_2) = 0.549833997312 · 0.450166002688              = 0.247516572712
#   δ^1_1     = w^2_11 δ^2 σ'(z^1_1) =  0.5 · −0.115954151019 · 0.235003712202
#             = −0.0136248279673                                        (BP2)
#   δ^1_2     = w^2_12 δ^2 σ'(z^1_2) = −0.5 · −0.115954151019 · 0.247516572712
#             =  0.0143502870260                                        (BP2)
#   ∂C/∂b^2   = δ^2 = −0.115954151019                                   (BP3)
#   ∂C/∂b^1   = δ^1 = (−0.0136248279673, 0.0143502870260)^T             (BP3)
#   ∂C/∂w^2_1k = δ^2 a^1_k: −0.115954151019 · 0.622459331202 = −0.0721767432934
#                           −0.115954151019 · 0.549833997312 = −0.0637555343597   (BP4)
#   ∂C/∂w^1_jk = δ^1_j x_k:
#       [[−0.0136248279673 · 1, −0.0136248279673 · 2],    [[−0.0136248279673, −0.0272496559346],
#        [ 0.0143502870260 · 1,  0.0143502870260 · 2]]  =  [ 0.0143502870260,  0.0287005740519]]  (BP4)
#
# Example A, update with η = 0.5, m = 1: p → p − 0.5 ∂C/∂p
#   w^1 → [[0.1 + 0.5·0.0136248279673, 0.2 + 0.5·0.0272496559346],
#          [0.3 − 0.5·0.0143502870260, −0.1 − 0.5·0.0287005740519]]
#       = [[0.106812413984, 0.213624827967], [0.292824856487, −0.114350287026]]
#   b^1 → [[0.0 + 0.5·0.0136248279673], [0.1 − 0.5·0.0143502870260]]
#       = [[0.00681241398366], [0.0928248564870]]
#   w^2 → [[0.5 + 0.5·0.0721767432934, −0.5 + 0.5·0.0637555343597]]
#       = [[0.536088371647, −0.468122232820]]
#   b^2 → 0.1 + 0.5·0.115954151019 = 0.157977075509
# ---------------------------------------------------------------------------
A_Z1 = np.array([[0.5], [0.2]])
A_A1 = np.array([[0.622459331202], [0.549833997312]])
A_Z2 = np.array([[0.136312666945]])
A_A2 = np.array([[0.534025496992]])
A_COST = 0.108566118727
A_D2 = np.array([[-0.115954151019]])
A_D1 = np.array([[-0.0136248279673], [0.0143502870260]])
A_GW2 = np.array([[-0.0721767432934, -0.0637555343597]])
A_GW1 = np.array([[-0.0136248279673, -0.0272496559346], [0.0143502870260, 0.0287005740519]])
A_NEW_W1 = np.array([[0.106812413984, 0.213624827967], [0.292824856487, -0.114350287026]])
A_NEW_B1 = np.array([[0.00681241398366], [0.0928248564870]])
A_NEW_W2 = np.array([[0.536088371647, -0.468122232820]])
A_NEW_B2 = np.array([[0.157977075509]])

# ---------------------------------------------------------------------------
# Example B, forward pass (x = (0, 1)^T, y = 0)
#   z^1 = (0.1·0 + 0.2·1 + 0.0, 0.3·0 − 0.1·1 + 0.1) = (0.2, 0.0)
#   a^1 = (σ(0.2), σ(0)) = (0.549833997312, 0.5)
#   z^2 = 0.5·0.549833997312 − 0.5·0.5 + 0.1 = 0.124916998656
#   a^2 = σ(0.124916998656) = 0.531188703830
#   C   = ½ (0.531188703830)² = 0.141080719538
# Example B, backward pass
#   σ'(z^2) = 0.531188703830 · 0.468811296170 = 0.249027264753
#   δ^2     = 0.531188703830 · 0.249027264753 = 0.132280469983              (BP1)
#   δ^1     = ( 0.5 · 0.132280469983 · 0.247516572712,                      (BP2)
#              −0.5 · 0.132280469983 · 0.25) = (0.0163708042834, −0.0165350587478)
#   ∂C/∂w^2 = δ^2 (a^1)^T = [[0.0727322995769, 0.0661402349913]]           (BP4)
#   ∂C/∂w^1 = δ^1 x^T     = [[0, 0.0163708042834], [0, −0.0165350587478]]   (BP4)
#
# The batch {A, B} as a 2-column matrix, x = [[1, 0], [2, 1]], y = [[1, 0]]:
# backward returns the SUMS over the two columns,
#   Σ C       = 0.108566118727 + 0.141080719538 = 0.249646838265
#   Σ ∂C/∂b^2 = −0.115954151019 + 0.132280469983 = 0.0163263189636
#   Σ ∂C/∂b^1 = (−0.0136248279673 + 0.0163708042834, 0.0143502870260 − 0.0165350587478)
#             = (0.00274597631608, −0.00218477172186)
#   Σ ∂C/∂w^2 = (−0.0721767432934 + 0.0727322995769, −0.0637555343597 + 0.0661402349913)
#             = (0.000555556283563, 0.00238470063157)
#   Σ ∂C/∂w^1 = [[−0.0136248279673 + 0,  −0.0272496559346 + 0.0163708042834],
#                [ 0.0143502870260 + 0,   0.0287005740519 − 0.0165350587478]]
#             = [[−0.0136248279673, −0.0108788516512], [0.0143502870260, 0.0121655153041]]
# and the update divides by m = 2:  p → p − (0.5/2) Σ ∂C/∂p
#   w^1 → [[0.1 + 0.25·0.0136248279673, 0.2 + 0.25·0.0108788516512],
#          [0.3 − 0.25·0.0143502870260, −0.1 − 0.25·0.0121655153041]]
#       = [[0.103406206992, 0.202719712913], [0.296412428244, −0.103041378826]]
#   b^1 → [[0.0 − 0.25·0.00274597631608], [0.1 + 0.25·0.00218477172186]]
#       = [[−0.000686494079021], [0.100546192930]]
#   w^2 → [[0.5 − 0.25·0.000555556283563, −0.5 − 0.25·0.00238470063157]]
#       = [[0.499861110929, −0.500596175158]]
#   b^2 → 0.1 − 0.25·0.0163263189636 = 0.0959184202591
# ---------------------------------------------------------------------------
B_Z1 = np.array([[0.2], [0.0]])
B_A1 = np.array([[0.549833997312], [0.5]])
B_Z2 = np.array([[0.124916998656]])
B_A2 = np.array([[0.531188703830]])
B_D2 = np.array([[0.132280469983]])
B_D1 = np.array([[0.0163708042834], [-0.0165350587478]])
B_GW2 = np.array([[0.0727322995769, 0.0661402349913]])
B_GW1 = np.array([[0.0, 0.0163708042834], [0.0, -0.0165350587478]])

AB_COST = 0.249646838265
AB_GB2 = np.array([[0.0163263189636]])
AB_GB1 = np.array([[0.00274597631608], [-0.00218477172186]])
AB_GW2 = np.array([[0.000555556283563, 0.00238470063157]])
AB_GW1 = np.array([[-0.0136248279673, -0.0108788516512], [0.0143502870260, 0.0121655153041]])
AB_NEW_W1 = np.array([[0.103406206992, 0.202719712913], [0.296412428244, -0.103041378826]])
AB_NEW_B1 = np.array([[-0.000686494079021], [0.100546192930]])
AB_NEW_W2 = np.array([[0.499861110929, -0.500596175158]])
AB_NEW_B2 = np.array([[0.0959184202591]])

X_AB = np.hstack([X_A, X_B])
Y_AB = np.hstack([Y_A, Y_B])
SIGMOID = get_activation("sigmoid")


def close(actual, desired, rtol=RTOL, atol=1e-15):
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol)


# --- one example -----------------------------------------------------------

def test_hand_worked_forward_one_example():
    z, a = forward(hand_net(), X_A)
    assert z[0] is None
    np.testing.assert_array_equal(a[0], X_A)
    close(z[1], A_Z1)
    close(a[1], A_A1)
    close(z[2], A_Z2)
    close(a[2], A_A2)
    from bpcore.costs import QuadraticCost
    close(QuadraticCost.value(z[2], a[2], Y_A), A_COST)


def test_hand_worked_each_equation_one_example():
    """BP1–BP4 called one by one on the hand-worked numbers (not on bpcore's forward)."""
    delta2 = output_error("quadratic", A_Z2, A_A2, Y_A, SIGMOID)
    close(delta2, A_D2, rtol=1e-9)
    delta1 = backpropagate_error(W2, A_D2, A_Z1, SIGMOID)
    close(delta1, A_D1, rtol=1e-9)
    close(bias_gradient(A_D2), A_D2)
    close(bias_gradient(A_D1), A_D1)
    close(weight_gradient(A_D2, A_A1), A_GW2)
    close(weight_gradient(A_D1, X_A), A_GW1)


def test_hand_worked_backward_one_example():
    g = backward(hand_net(), X_A, Y_A, "quadratic")
    assert g.m == 1
    close(g.delta[2], A_D2)
    close(g.delta[1], A_D1)
    close(g.grad_b[2], A_D2)
    close(g.grad_b[1], A_D1)
    close(g.grad_w[2], A_GW2)
    close(g.grad_w[1], A_GW1)
    # the forward quantities it cached are the hand-worked ones too
    close(g.z[1], A_Z1)
    close(g.a[2], A_A2)


def test_hand_worked_update_one_example():
    net = hand_net()
    new = update(net, backward(net, X_A, Y_A, "quadratic"), ETA)
    close(new.w[1], A_NEW_W1)
    close(new.b[1], A_NEW_B1)
    close(new.w[2], A_NEW_W2)
    close(new.b[2], A_NEW_B2)
    # the old network is untouched
    np.testing.assert_array_equal(net.w[1], W1)
    np.testing.assert_array_equal(net.b[2], B2)


# --- a batch of two examples: columns are examples, gradients are summed -----

def test_hand_worked_forward_batch_of_two():
    z, a = forward(hand_net(), X_AB)
    close(z[1], np.hstack([A_Z1, B_Z1]))
    close(a[1], np.hstack([A_A1, B_A1]))
    close(z[2], np.hstack([A_Z2, B_Z2]))
    close(a[2], np.hstack([A_A2, B_A2]))
    from bpcore.costs import QuadraticCost
    close(QuadraticCost.value(z[2], a[2], Y_AB), AB_COST)


def test_hand_worked_backward_batch_of_two_sums_the_examples():
    g = backward(hand_net(), X_AB, Y_AB, "quadratic")
    assert g.m == 2
    # δ keeps one column per example ...
    close(g.delta[2], np.hstack([A_D2, B_D2]))
    close(g.delta[1], np.hstack([A_D1, B_D1]))
    # ... while BP3 and BP4 add the two examples' gradients up
    close(g.grad_b[2], AB_GB2)
    close(g.grad_b[1], AB_GB1)
    close(g.grad_w[2], AB_GW2)
    close(g.grad_w[1], AB_GW1)
    # and the sums are the per-example hand-worked gradients added (the 12-digit
    # addends are ~0.07 and cancel to ~0.0006, so compare absolutely at 1e-13)
    close(g.grad_w[2], A_GW2 + B_GW2, atol=1e-13)
    close(g.grad_w[1], A_GW1 + B_GW1, atol=1e-13)


def test_hand_worked_update_batch_of_two_divides_by_m():
    net = hand_net()
    new = update(net, backward(net, X_AB, Y_AB, "quadratic"), ETA)
    close(new.w[1], AB_NEW_W1)
    close(new.b[1], AB_NEW_B1)
    close(new.w[2], AB_NEW_W2)
    close(new.b[2], AB_NEW_B2)


# --- matrix form == sum of per-example gradients ------------------------------

ARCHITECTURES = [
    ((2, 1), "sigmoid", "sigmoid", "quadratic"),
    ((2, 3, 1), "sigmoid", "sigmoid", "cross_entropy"),
    ((3, 4, 4, 2), "tanh", "identity", "quadratic"),
    ((1, 5, 1), "relu", "identity", "quadratic"),
    ((4, 3, 5, 3), "leaky_relu", "softmax", "softmax_cross_entropy"),
    ((5, 8, 6, 4, 2), "tanh", "tanh", "quadratic"),
]


def _data(rng, sizes, cost, m):
    x = rng.uniform(-1, 1, (sizes[0], m))
    if cost == "softmax_cross_entropy":
        y = one_hot(rng.integers(0, sizes[-1], m), sizes[-1])
    elif cost == "cross_entropy":
        y = rng.integers(0, 2, (sizes[-1], m)).astype(float)
    else:
        y = rng.uniform(-1, 1, (sizes[-1], m))
    return x, y


@pytest.mark.parametrize("m", [1, 2, 7, 32])
@pytest.mark.parametrize("sizes, hidden, output, cost", ARCHITECTURES)
def test_matrix_form_equals_sum_of_per_example_gradients(sizes, hidden, output, cost, m):
    rng = np.random.default_rng([len(sizes), m, sum(sizes)])
    net = init_network(sizes, rng, init="xavier", hidden=hidden, output=output)
    net = net.with_params(net.w, [None] + [0.3 * rng.standard_normal(b.shape) for b in net.b[1:]])
    x, y = _data(rng, sizes, cost, m)
    g = backward(net, x, y, cost)
    loop = backward_loop(net, x, y, cost)
    assert g.m == loop.m == m
    for l in range(1, net.L + 1):
        scale_w = max(1.0, np.abs(loop.grad_w[l]).max())
        scale_b = max(1.0, np.abs(loop.grad_b[l]).max())
        assert g.grad_w[l].shape == net.w[l].shape
        assert g.grad_b[l].shape == net.b[l].shape
        # summation order differs (BLAS vs a running sum): agreement to 1e-12 of the scale
        np.testing.assert_allclose(g.grad_w[l], loop.grad_w[l], rtol=1e-12, atol=1e-12 * scale_w)
        np.testing.assert_allclose(g.grad_b[l], loop.grad_b[l], rtol=1e-12, atol=1e-12 * scale_b)
        np.testing.assert_allclose(g.delta[l], loop.delta[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(g.z[l], loop.z[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(g.a[l], loop.a[l], rtol=1e-12, atol=1e-15)


def test_per_example_loop_really_is_a_sum_of_single_column_passes():
    """Independent of backward_loop: add single-column backward passes by hand."""
    rng = np.random.default_rng(11)
    net = init_network((3, 4, 2), rng, init="lecun", hidden="tanh", output="sigmoid")
    x, y = _data(rng, (3, 4, 2), "quadratic", 5)
    g = backward(net, x, y)
    for l in (1, 2):
        total_w = sum(backward(net, x[:, [i]], y[:, [i]]).grad_w[l] for i in range(5))
        total_b = sum(backward(net, x[:, [i]], y[:, [i]]).grad_b[l] for i in range(5))
        np.testing.assert_allclose(g.grad_w[l], total_w, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(g.grad_b[l], total_b, rtol=1e-12, atol=1e-15)


def test_backward_gradients_have_parameter_shapes_and_delta_has_batch_columns():
    rng = np.random.default_rng(3)
    sizes = (3, 5, 4, 2)
    net = init_network(sizes, rng)
    x, y = _data(rng, sizes, "quadratic", 6)
    g = backward(net, x, y)
    assert g.grad_w[0] is None and g.grad_b[0] is None
    for l in range(1, 4):
        assert g.grad_w[l].shape == (sizes[l], sizes[l - 1])
        assert g.grad_b[l].shape == (sizes[l], 1)
        assert g.delta[l].shape == (sizes[l], 6)


def test_backward_does_not_change_its_inputs():
    rng = np.random.default_rng(4)
    net = init_network((2, 3, 1), rng)
    x, y = _data(rng, (2, 3, 1), "quadratic", 4)
    before = [w.copy() for w in net.w[1:]], [b.copy() for b in net.b[1:]], x.copy(), y.copy()
    backward(net, x, y)
    backward_loop(net, x, y)
    for w, w0 in zip(net.w[1:], before[0]):
        np.testing.assert_array_equal(w, w0)
    for b, b0 in zip(net.b[1:], before[1]):
        np.testing.assert_array_equal(b, b0)
    np.testing.assert_array_equal(x, before[2])
    np.testing.assert_array_equal(y, before[3])


def test_backward_twice_gives_the_same_gradients_nothing_accumulates():
    rng = np.random.default_rng(5)
    net = init_network((2, 3, 1), rng)
    x, y = _data(rng, (2, 3, 1), "quadratic", 4)
    g1, g2 = backward(net, x, y), backward(net, x, y)
    for l in (1, 2):
        np.testing.assert_array_equal(g1.grad_w[l], g2.grad_w[l])
