"""Bad input gets a ValueError or TypeError saying what was expected and what arrived.

Every bad input is tried at each public entry point that takes it
(forward, backward, backward_loop, train, the gradient checks, accuracy...), and
the message is matched, shapes included.
"""

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

import bpcore
from bpcore import (
    Network,
    accuracy,
    backpropagate_error,
    backward,
    backward_loop,
    bias_gradient,
    check_backward,
    check_equations,
    check_update_step,
    forward,
    init_network,
    mean_cost,
    output_error,
    predict,
    predict_labels,
    train,
    update,
    update_parameter,
    weight_gradient,
)
from bpcore import datasets
from bpcore.activations import get_activation
from bpcore.costs import get_cost
from bpcore.explorer import Run, Settings, checked_etas, iter_lr_sweep, lr_sweep
from bpcore.explorer.settings import parse_etas
from bpcore.network import init_scale
from bpcore.train import train_epochs
from bpcore.update import update_ratios
from bpcore.validation import real_number, validate_network, validate_rng, validate_sizes, whole_number

NET = init_network((3, 4, 2), 0)  # n_0 = 3 inputs, n_L = 2 outputs
X = np.random.default_rng(0).uniform(-1, 1, (3, 5))  # m = 5 examples as columns
Y = np.random.default_rng(1).uniform(0, 1, (2, 5))

X_ENTRY = {  # entry points that take x alone
    "forward": lambda x: forward(NET, x),
    "predict": lambda x: predict(NET, x),
    "predict_labels": lambda x: predict_labels(NET, x),
}
XY_ENTRY = {  # entry points that take x and y
    "backward": lambda x, y: backward(NET, x, y),
    "backward_loop": lambda x, y: backward_loop(NET, x, y),
    "train": lambda x, y: train(NET, x, y, eta=0.1, m=1, epochs=1),
    "check_equations": lambda x, y: check_equations(NET, x, y),
    "check_backward": lambda x, y: check_backward(NET, x, y),
    "check_update_step": lambda x, y: check_update_step(NET, x, y),
    "accuracy": lambda x, y: accuracy(NET, x, y),
    "mean_cost": lambda x, y: mean_cost(NET, x, y),
}
ALL_X = {**X_ENTRY, **{k: (lambda f: lambda x: f(x, Y[:, : x.shape[-1]] if x.ndim == 2 else Y))(f)
                       for k, f in XY_ENTRY.items()}}


def test_entry_points_accept_good_input():
    """So that every failure below is due to the one bad thing in it."""
    for f in X_ENTRY.values():
        f(X)
    for f in XY_ENTRY.values():
        f(X, Y)


# --- x ------------------------------------------------------------------------------------

@pytest.mark.parametrize("entry", ALL_X)
def test_x_with_the_wrong_number_of_rows(entry):
    with pytest.raises(ValueError, match=re.escape("x must have 3 rows (one per input neuron, shape (3, m)); "
                                                   "got shape (4, 5).")):
        ALL_X[entry](np.ones((4, 5)))


@pytest.mark.parametrize("entry", ALL_X)
def test_batch_passed_as_rows_suggests_transpose(entry):
    rows = X.T  # shape (5, 3): five examples as rows
    with pytest.raises(ValueError, match=re.escape(
            "x must have 3 rows (one per input neuron, shape (3, m)); got shape (5, 3). It looks like the "
            "examples are rows; bpcore wants them as columns, so pass x.T (shape (3, 5)).")):
        ALL_X[entry](rows)


@pytest.mark.parametrize("entry", X_ENTRY)
def test_one_example_as_a_1d_vector(entry):
    with pytest.raises(ValueError, match=re.escape("got a 1-D array of shape (3,). Use x.reshape(-1, 1) "
                                                   "for one example.")):
        X_ENTRY[entry](np.ones(3))


def test_x_with_three_dimensions():
    with pytest.raises(ValueError, match=re.escape("x must be 2-D with shape (3, m); got shape (3, 5, 1)")):
        forward(NET, np.ones((3, 5, 1)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("entry", ALL_X)
def test_non_finite_x(entry, bad):
    x = X.copy()
    x[1, 2] = bad
    with pytest.raises(ValueError, match=re.escape("x must contain only finite numbers; found 1 NaN/inf "
                                                   "value(s) in x of shape (3, 5), the first at index (1, 2)")):
        ALL_X[entry](x)


@pytest.mark.parametrize("x, pattern", [
    ("abc", "x must be a numpy array of numbers; got str"),
    (np.array([["a"], ["b"], ["c"]]), "x must hold numbers; got an array of dtype <U1"),
    (np.array([[None], [1], [2]], dtype=object), "x must hold numbers; got an array of dtype object"),
])
def test_x_that_is_not_numbers(x, pattern):
    with pytest.raises(TypeError, match=re.escape(pattern)):
        forward(NET, x)


# --- y --------------------------------------------------------------------------------------

@pytest.mark.parametrize("entry", XY_ENTRY)
def test_y_not_matching_the_output_layer(entry):
    with pytest.raises(ValueError, match=re.escape(
            "y must have shape (2, 5) to match the output layer (n_L = 2) and the 5 example(s) in x; got shape "
            "(3, 5). The output layer has 2 neuron(s) but y has 3 row(s).")):
        XY_ENTRY[entry](X, np.zeros((3, 5)))


@pytest.mark.parametrize("entry", XY_ENTRY)
def test_y_not_matching_the_number_of_examples(entry):
    with pytest.raises(ValueError, match=re.escape("y must have shape (2, 5) to match the output layer (n_L = 2) "
                                                   "and the 5 example(s) in x; got shape (2, 4).")):
        XY_ENTRY[entry](X, np.zeros((2, 4)))


@pytest.mark.parametrize("entry", XY_ENTRY)
def test_y_as_rows_suggests_transpose(entry):
    with pytest.raises(ValueError, match=re.escape("got shape (5, 2). It looks like the examples are rows; "
                                                   "pass y.T.")):
        XY_ENTRY[entry](X, Y.T)


def test_y_as_a_1d_vector_for_one_output():
    net = init_network((3, 1), 0)
    with pytest.raises(ValueError, match=re.escape("y must have shape (1, 5) (one row per output neuron, one "
                                                   "column per example); got a 1-D array of shape (5,). Use "
                                                   "y.reshape(1, -1) for one output.")):
        backward(net, X, np.zeros(5))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("entry", XY_ENTRY)
def test_non_finite_y(entry, bad):
    y = Y.copy()
    y[0, 4] = bad
    with pytest.raises(ValueError, match=re.escape("y must contain only finite numbers; found 1 NaN/inf "
                                                   "value(s) in y of shape (2, 5), the first at index (0, 4)")):
        XY_ENTRY[entry](X, y)


def test_validation_data_is_checked_under_its_own_name():
    with pytest.raises(ValueError, match=re.escape("x_val must have 3 rows")):
        train(NET, X, Y, m=5, epochs=1, x_val=np.ones((2, 4)), y_val=np.ones((2, 4)))
    with pytest.raises(ValueError, match=re.escape("y_val must have shape (2, 4)")):
        train(NET, X, Y, m=5, epochs=1, x_val=np.ones((3, 4)), y_val=np.ones((2, 3)))
    with pytest.raises(ValueError, match=re.escape("y_val must contain only finite numbers")):
        train(NET, X, Y, m=5, epochs=1, x_val=np.ones((3, 2)), y_val=np.array([[0.0, np.nan], [1.0, 0.0]]))


# --- empty data ---------------------------------------------------------------------------------

@pytest.mark.parametrize("entry", X_ENTRY)
def test_empty_x(entry):
    with pytest.raises(ValueError, match=re.escape("x is empty: expected shape (3, m) with m ≥ 1; got shape (3, 0)")):
        X_ENTRY[entry](np.ones((3, 0)))


@pytest.mark.parametrize("entry", XY_ENTRY)
def test_empty_batch(entry):
    with pytest.raises(ValueError, match=re.escape("x is empty: expected shape (3, m) with m ≥ 1; got shape (3, 0)")):
        XY_ENTRY[entry](np.ones((3, 0)), np.ones((2, 0)))


def test_empty_rows():
    with pytest.raises(ValueError, match=re.escape("x is empty: expected shape (3, m) with m ≥ 1; got shape (0, 5)")):
        forward(NET, np.ones((0, 5)))


# --- names ----------------------------------------------------------------------------------------

VALID_ACTIVATIONS = "identity, leaky_relu, relu, sigmoid, softmax, tanh"
VALID_COSTS = "cross_entropy, quadratic, softmax_cross_entropy"


@pytest.mark.parametrize("call", [
    lambda: get_activation("sigmod"),
    lambda: init_network((2, 1), 0, hidden="sigmod"),
    lambda: init_network((2, 1), 0, output="sigmod"),
])
def test_unknown_activation_lists_the_valid_names(call):
    with pytest.raises(ValueError, match=re.escape(f"unknown activation 'sigmod'; expected one of: "
                                                   f"{VALID_ACTIVATIONS}")):
        call()


@pytest.mark.parametrize("call", [
    lambda: get_cost("mse"),
    lambda: backward(NET, X, Y, "mse"),
    lambda: backward_loop(NET, X, Y, "mse"),
    lambda: train(NET, X, Y, "mse"),
    lambda: check_equations(NET, X, Y, "mse"),
    lambda: mean_cost(NET, X, Y, "mse"),
])
def test_unknown_cost_lists_the_valid_names(call):
    with pytest.raises(ValueError, match=re.escape(f"unknown cost 'mse'; expected one of: {VALID_COSTS}")):
        call()


@pytest.mark.parametrize("call, pattern", [
    (lambda: backward(NET, X, Y, "softmax_cross_entropy"),
     "cost 'softmax_cross_entropy' cannot be used with output activation 'sigmoid': softmax cross-entropy "
     "needs output='softmax'"),
    (lambda: train(init_network((3, 2), 0, output="tanh"), X, Y, "cross_entropy"),
     "cost 'cross_entropy' cannot be used with output activation 'tanh': cross-entropy needs every output "
     "in (0, 1); use output='sigmoid'"),
    (lambda: check_equations(init_network((3, 2), 0, output="softmax"), X, np.eye(2)[:, [0, 1, 0, 1, 1]],
                             "quadratic"),
     "cost 'quadratic' cannot be used with output activation 'softmax': softmax is not elementwise"),
])
def test_incompatible_cost_and_output(call, pattern):
    with pytest.raises(ValueError, match=re.escape(pattern)):
        call()


# --- η and m ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("eta", [0, 0.0, -1, -1e-9, float("nan"), float("inf"), -float("inf")])
def test_eta_must_be_positive_and_finite(eta):
    with pytest.raises(ValueError, match=re.escape(f"the learning rate eta must be a finite number > 0; "
                                                   f"got eta={float(eta)!r}")):
        train(NET, X, Y, eta=eta, m=5, epochs=1)


@pytest.mark.parametrize("eta", ["0.1", None, [0.1], True])
def test_eta_must_be_a_number(eta):
    with pytest.raises(TypeError, match=re.escape(f"the learning rate eta must be a number > 0; got {eta!r}")):
        train(NET, X, Y, eta=eta, m=5, epochs=1)


def test_eta_checked_in_update_too():
    with pytest.raises(ValueError, match="got eta=-0.5"):
        update(NET, backward(NET, X, Y), eta=-0.5)


def test_batch_larger_than_the_data_says_how_to_get_full_batch():
    with pytest.raises(ValueError, match=re.escape("the batch size m=10 is larger than the N=5 training "
                                                   "examples (the default is m=10); pass m=5 (or m=None)")):
        train(NET, X, Y, eta=0.1, epochs=1)


@pytest.mark.parametrize("m", [0, -1, 2.5, True, "10"])
def test_batch_size_out_of_range(m):
    with pytest.raises(ValueError, match=re.escape(f"the batch size m must be an integer from 1 to N = 5 (m = N "
                                                   f"is full-batch descent); got m={m!r}")):
        train(NET, X, Y, eta=0.1, m=m, epochs=1)


@pytest.mark.parametrize("epochs", [-1, 1.5, True, None])
def test_bad_epochs(epochs):
    with pytest.raises(ValueError, match=re.escape(f"epochs must be a whole number ≥ 0; got {epochs!r}")):
        train(NET, X, Y, eta=0.1, m=5, epochs=epochs)


# --- sizes -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sizes", [(), (3,), [5]])
def test_sizes_with_fewer_than_two_layers(sizes):
    with pytest.raises(ValueError, match=re.escape(
            f"sizes needs at least two layers (an input and an output layer), e.g. (2, 1); got {tuple(sizes)!r} "
            f"with {len(sizes)} layer(s)")):
        init_network(sizes, 0)


@pytest.mark.parametrize("sizes", [(2, 0, 1), (2, -3), (2, 1.5), (2, True), ("2", 1)])
def test_sizes_with_a_bad_width(sizes):
    with pytest.raises(ValueError, match=re.escape(f"every layer width must be a positive integer; got {sizes!r}")):
        init_network(sizes, 0)


def test_sizes_not_a_sequence():
    with pytest.raises(TypeError, match=re.escape("sizes must be a sequence of layer widths like (2, 3, 1); got 3")):
        validate_sizes(3)


def test_numpy_integer_sizes_are_fine():
    assert init_network(np.array([3, 4, 2]), 0).sizes == (3, 4, 2)


# =====================================================================================================
# The catalogue: one row per bad input, across the public API.
#
# bad(id, call, exception type, expected, got): ``call()`` must raise exactly that exception type, from
# bpcore's own code (not numpy's), with a message containing every fragment of ``expected`` (what should
# have arrived) and of ``got`` (what did arrive). A fragment is a str or a tuple of str. To add a bad
# input, add a row to the list of its topic (or a new list and a line in CATALOGUE).
# =====================================================================================================

BPCORE_DIR = Path(bpcore.__file__).resolve().parent
G = backward(NET, X, Y)  # valid gradients for NET on (X, Y)
X2, Y2 = np.ones((2, 10)), np.ones((1, 10))  # 10 examples for the data-set helpers
SOFTMAX_NET = init_network((X.shape[0], 3), 0, output="softmax")  # three classes, for label targets


def bad(case_id, call, exc, expected, got):
    """One catalogue row; see the comment above."""
    as_tuple = lambda f: (f,) if isinstance(f, str) else tuple(f)  # noqa: E731
    return pytest.param(call, exc, as_tuple(expected), as_tuple(got), id=case_id)


def edited(w=None, b=None, **fields):
    """NET with some parameters replaced by hand, as a learner would: edited(w={1: ...}, hidden=...)."""
    ws, bs = list(NET.w), list(NET.b)
    for l, value in (w or {}).items():
        ws[l] = value
    for l, value in (b or {}).items():
        bs[l] = value
    return dataclasses.replace(NET, w=ws, b=bs, **fields)


def with_value(arr, index, value):
    arr = arr.copy()
    arr[index] = value
    return arr


# --- a network edited by hand, at every entry point that takes one ------------------------------------

NET_ENTRIES = {  # name -> call with the given network; everything else valid
    "forward": lambda net: forward(net, X),
    "predict": lambda net: predict(net, X),
    "predict_labels": lambda net: predict_labels(net, X),
    "backward": lambda net: backward(net, X, Y),
    "backward_loop": lambda net: backward_loop(net, X, Y),
    "mean_cost": lambda net: mean_cost(net, X, Y),
    "update": lambda net: update(net, G, 0.1),
    "update_ratios": lambda net: update_ratios(net, G, 0.1, 5),
    "train": lambda net: train(net, X, Y, eta=0.1, m=5, epochs=1),
    "train_epochs": lambda net: train_epochs(net, X, Y, eta=0.1, m=5, rng=0),
    "check_equations": lambda net: check_equations(net, X, Y),
    "check_backward": lambda net: check_backward(net, X, Y),
    "check_update_step": lambda net: check_update_step(net, X, Y),
}
W_NAN = with_value(NET.w[1], (2, 0), np.nan)
NET_DEFECTS = [  # (id, network, exception, expected, got, also refused by update?)
    ("w1-a-list", edited(w={1: NET.w[1].tolist()}), TypeError,
     ("w^1 (net.w[1]) must be a numpy array", "shape (4, 3) = (n_1, n_0)"), "got a list of shape (4, 3)", True),
    ("b2-a-list", edited(b={2: NET.b[2].tolist()}), TypeError,
     ("b^2 (net.b[2]) must be a numpy array", "shape (2, 1) = (n_2, 1)"), "got a list of shape (2, 1)", True),
    ("w2-transposed", edited(w={2: NET.w[2].T}), ValueError,
     "w^2 (net.w[2]) must have shape (2, 4) = (n_2, n_1)", ("got shape (4, 2)", "It is transposed"), True),
    ("w1-wrong-shape", edited(w={1: np.ones((4, 5))}), ValueError,
     "w^1 (net.w[1]) must have shape (4, 3)", "got shape (4, 5)", True),
    ("b1-1d", edited(b={1: NET.b[1].ravel()}), ValueError,
     "b^1 (net.b[1]) must have shape (4, 1)", ("got shape (4,)", "1-D bias"), True),
    ("b1-a-row", edited(b={1: NET.b[1].T}), ValueError,
     "b^1 (net.b[1]) must have shape (4, 1)", ("got shape (1, 4)", "It is a row"), True),
    ("w1-nan", edited(w={1: W_NAN}), ValueError,
     ("w^1 (net.w[1]) must hold finite numbers",),
     ("already contain NaN or inf", "found 1 NaN/inf value(s)", "the first, nan, at index (2, 0)"), False),
    ("b2-inf", edited(b={2: with_value(NET.b[2], (1, 0), np.inf)}), ValueError,
     "b^2 (net.b[2]) must hold finite numbers", ("already contain NaN or inf", "the first, inf, at index (1, 0)"),
     False),
    ("w2-minus-inf", edited(w={2: with_value(NET.w[2], (0, 3), -np.inf)}), ValueError,
     "w^2 (net.w[2]) must hold finite numbers", "the first, -inf, at index (0, 3)", False),
    ("w1-strings", edited(w={1: NET.w[1].astype(str)}), TypeError,
     "w^1 (net.w[1]) must be a numpy array of real numbers", "got an array of dtype <U", True),
    ("w1-objects", edited(w={1: NET.w[1].astype(object)}), TypeError,
     "must be a numpy array of real numbers", "got an array of dtype object", True),
    ("w1-bools", edited(w={1: NET.w[1] > 0}), TypeError,
     "must be a numpy array of real numbers", "got an array of dtype bool", True),
    ("w1-complex", edited(w={1: NET.w[1] + 0j}), TypeError,
     "must be a numpy array of real numbers", "got an array of dtype complex128", True),
    ("w1-a-float", edited(w={1: 0.5}), TypeError, "shape (4, 3)", "got a float (0.5)", True),
    ("w1-None", edited(w={1: None}), TypeError, "shape (4, 3)", "got None", True),
    ("w1-ragged", edited(w={1: [[1.0, 2.0], [3.0]]}), TypeError, "shape (4, 3)", "ragged", True),
    ("a-layer-missing", Network(NET.sizes, [None, NET.w[1]], NET.b), ValueError,
     "net.w must hold L + 1 = 3 entries for sizes (3, 4, 2)", "got 2 entries", True),
    ("no-leading-None", Network(NET.sizes, NET.w[1:], NET.b), ValueError,
     "net.w must hold L + 1 = 3 entries", ("got 2 entries", "the leading None is missing"), True),
    ("a-layer-too-many", Network(NET.sizes, NET.w + [np.ones((2, 2))], NET.b), ValueError,
     "net.w must hold L + 1 = 3 entries", "got 4 entries", True),
    ("slot-0-not-None", Network(NET.sizes, NET.w, [np.zeros((3, 1))] + NET.b[1:]), ValueError,
     "net.b[0] must be None", "got a numpy array of shape (3, 1)", True),
    ("w-an-array", Network(NET.sizes, np.array([1.0, 2.0, 3.0]), NET.b), TypeError,
     "net.w must be a list [None, w^1, ..., w^2]", "got ndarray", True),
    ("sizes-disagree", edited(sizes=(3, 5, 2)), ValueError,
     "w^1 (net.w[1]) must have shape (5, 3) = (n_1, n_0) for sizes (3, 5, 2)", "got shape (4, 3)", True),
    ("sizes-with-a-bool", edited(sizes=(3, True, 2)), ValueError,
     "every layer width must be a positive integer", "n_1 = True (bool)", True),
    ("unknown-output", edited(output="sigmod"), ValueError,
     ("net.output", "expected one of: identity"), "unknown activation 'sigmod'", True),
    ("softmax-hidden", edited(hidden="softmax"), ValueError,
     "softmax can only be the output activation", "got hidden='softmax'", True),
    ("not-a-network", {"w": NET.w, "b": NET.b}, TypeError, "net must be a bpcore Network", "got dict", True),
]
NETWORK_ROWS = [
    bad(f"{entry}-{defect}", (lambda f, net: lambda: f(net))(NET_ENTRIES[entry], net), exc, expected, got)
    for defect, net, exc, expected, got, by_update in NET_DEFECTS
    for entry in NET_ENTRIES if by_update or entry != "update"
] + [
    # m = n_1 = 4: a (4,) bias would broadcast into a (4, 4) z^1 without any error from numpy
    bad("forward-1d-bias-where-it-would-broadcast", lambda: forward(edited(b={1: NET.b[1].ravel()}), X[:, :4]),
        ValueError, "b^1 (net.b[1]) must have shape (4, 1)", "got shape (4,)"),
]

# --- gradients, η and m in the update rule ---------------------------------------------------------------

OTHER_NET = init_network((3, 5, 2), 0)
UPDATE_ROWS = [
    bad("update-grads-a-tuple", lambda: update(NET, (G.grad_w, G.grad_b), 0.1), TypeError,
        "grads must be the Gradients that backward(net, x, y) returns", "got tuple"),
    bad("update-grads-of-another-network", lambda: update(NET, backward(OTHER_NET, X, Y), 0.1), ValueError,
        "grads.grad_w[1] (Σ_x ∂C_x/∂w^1) must have the shape of w^1, (4, 3)", "got shape (5, 3)"),
    bad("update-grad-a-list", lambda: update(NET, dataclasses.replace(G, grad_b=[None, [0.0] * 4, G.grad_b[2]]), 0.1),
        TypeError, "grads.grad_b[1] (Σ_x ∂C_x/∂b^1) must be a numpy array of shape (4, 1)", "got a list of shape (4,)"),
    bad("update-grads-a-layer-short", lambda: update(NET, dataclasses.replace(G, grad_w=G.grad_w[:2]), 0.1),
        ValueError, "grads.grad_w must hold L + 1 = 3 entries", "got 2 entries"),
    bad("update-eta-negative", lambda: update(NET, G, -0.5), ValueError,
        "the learning rate eta must be a finite number > 0", "got eta=-0.5"),
    bad("softmax-labels-as-a-row", lambda: train(SOFTMAX_NET, X, np.array([[0, 1, 2, 1, 0]]), "softmax_cross_entropy"),
        ValueError, ("y must have shape (3, 5)", "one-hot them: y = bpcore.datasets.one_hot(labels, 3)"),
        "got shape (1, 5)"),
    bad("softmax-labels-1d", lambda: check_equations(SOFTMAX_NET, X, np.array([0, 1, 2, 1, 0]), "softmax_cross_entropy"),
        ValueError, "one-hot them: y = bpcore.datasets.one_hot(labels, 3)", "got a 1-D array of shape (5,)"),
    bad("softmax-labels-as-a-column", lambda: backward(SOFTMAX_NET, X, np.array([[0, 1, 2, 1, 0]]).T, "softmax_cross_entropy"),
        ValueError, "one-hot them", "got shape (5, 1)"),
    bad("update-eta-a-string", lambda: update(NET, G, "0.1"), TypeError,
        "the learning rate eta must be a number > 0", "got '0.1'"),
    bad("update-eta-a-bool", lambda: update(NET, G, True), TypeError, "eta must be a number > 0", "got True"),
    bad("update-m-zero", lambda: update(NET, G, 0.1, m=0), ValueError,
        "m (examples averaged over) must be a whole number ≥ 1", "got m=0"),
    bad("update-m-a-float", lambda: update(NET, G, 0.1, m=2.5), TypeError, "must be a whole number ≥ 1",
        "got 2.5 (float)"),
    bad("update-m-a-bool", lambda: update(NET, G, 0.1, m=True), TypeError, "must be a whole number ≥ 1",
        "got True (bool)"),
    bad("update_parameter-p-a-list", lambda: update_parameter([[1.0]], np.ones((1, 1)), 0.1, 1), TypeError,
        "p must be a numpy array", "got a list of shape (1, 1)"),
    bad("update_parameter-shapes-differ", lambda: update_parameter(np.ones((3, 2)), np.ones((2, 3)), 0.1, 1),
        ValueError, ("a gradient must have the shape of its parameter", "expected (3, 2)"), "got (2, 3)"),
    bad("update_parameter-eta-nan", lambda: update_parameter(np.ones(2), np.ones(2), float("nan"), 1), ValueError,
        "eta must be a finite number > 0", "got eta=nan"),
    bad("update_parameter-m-negative", lambda: update_parameter(np.ones(2), np.ones(2), 0.1, -3), ValueError,
        "m (examples averaged over) must be a whole number ≥ 1", "got m=-3"),
    bad("update_ratios-m-a-float", lambda: update_ratios(NET, G, 0.1, 5.0), TypeError,
        "m (examples averaged over) must be a whole number ≥ 1", "got 5.0 (float)"),
    bad("update_ratios-eta-zero", lambda: update_ratios(NET, G, 0, 5), ValueError,
        "eta must be a finite number > 0", "got eta=0.0"),
]

# --- the four equations, called directly --------------------------------------------------------------

SIGMA = get_activation("sigmoid")
BP_ROWS = [
    bad("BP1-y-transposed", lambda: output_error("quadratic", np.ones((2, 5)), np.ones((2, 5)), np.ones((5, 2)), SIGMA),
        ValueError, "BP1 needs z_L, a_L and y all of shape (n_L, m)", "y (5, 2)"),
    bad("BP1-1d-z", lambda: output_error("quadratic", np.ones(2), np.ones(2), np.ones(2), SIGMA), ValueError,
        "all of shape (n_L, m)", "z_L (2,)"),
    bad("BP1-y-a-list", lambda: output_error("quadratic", np.ones((1, 1)), np.ones((1, 1)), [[1.0]], SIGMA),
        TypeError, "all of shape (n_L, m)", "y is a list of shape (1, 1), not a numpy array"),
    bad("BP2-delta-rows", lambda: backpropagate_error(NET.w[2], np.ones((3, 5)), np.ones((4, 5)), SIGMA),
        ValueError, "delta_next = δ^{l+1} of shape (n_{l+1}, m)", ("w_next (2, 4)", "delta_next (3, 5)")),
    bad("BP2-z-rows", lambda: backpropagate_error(NET.w[2], np.ones((2, 5)), np.ones((3, 5)), SIGMA),
        ValueError, "z_l of shape (n_l, m)", "z_l (3, 5)"),
    bad("BP2-m-differs", lambda: backpropagate_error(NET.w[2], np.ones((2, 5)), np.ones((4, 4)), SIGMA),
        ValueError, "BP2 needs", ("delta_next (2, 5)", "z_l (4, 4)")),
    bad("BP2-w-transposed", lambda: backpropagate_error(NET.w[2].T, np.ones((2, 5)), np.ones((4, 5)), SIGMA),
        ValueError, "w_next = w^{l+1} of shape (n_{l+1}, n_l)", "w_next (4, 2)"),
    bad("BP3-1d-delta", lambda: bias_gradient(np.ones(4)), ValueError, "BP3 needs delta_l = δ^l of shape (n_l, m)",
        "delta_l (4,)"),
    bad("BP3-delta-a-list", lambda: bias_gradient([1.0, 2.0]), TypeError, "BP3 needs delta_l",
        "delta_l is a list of shape (2,)"),
    bad("BP4-m-differs", lambda: weight_gradient(np.ones((4, 5)), np.ones((3, 4))), ValueError,
        "a_prev = a^{l-1} of shape (n_{l-1}, m), the same m", ("delta_l (4, 5)", "a_prev (3, 4)")),
    bad("BP4-1d-a", lambda: weight_gradient(np.ones((4, 1)), np.ones(3)), ValueError, "BP4 needs", "a_prev (3,)"),
    bad("BP4-a-a-list", lambda: weight_gradient(np.ones((4, 1)), [[1.0]]), TypeError, "BP4 needs",
        "a_prev is a list of shape (1, 1), not a numpy array"),
]

# --- seeds --------------------------------------------------------------------------------------------

SEEDED = {  # every public function that takes rng, called with the given rng
    "init_network": lambda rng: init_network((2, 1), rng),
    "xor": lambda rng: datasets.xor(rng),
    "circles": lambda rng: datasets.circles(rng),
    "moons": lambda rng: datasets.moons(rng),
    "spiral": lambda rng: datasets.spiral(rng),
    "gauss": lambda rng: datasets.gauss(rng),
    "regression_1d": lambda rng: datasets.regression_1d(rng),
    "load": lambda rng: datasets.load("moons", rng),
    "train_test_split": lambda rng: datasets.train_test_split(X2, Y2, rng),
}
SEED_EXPECTED = "rng must be a seed: a whole number ≥ 0 or a numpy.random.Generator"
SEED_ROWS = [
    bad(f"{name}-rng-None", (lambda f: lambda: f(None))(f), TypeError, SEED_EXPECTED,
        ("got None", "rng=None is not accepted: numpy would draw a fresh seed from the operating system"))
    for name, f in SEEDED.items()
] + [
    bad("init_network-rng-negative", lambda: init_network((2, 1), -1), ValueError, SEED_EXPECTED, "got rng=-1"),
    bad("moons-rng-a-float", lambda: datasets.moons(2.0), TypeError, SEED_EXPECTED, ("got 2.0 (float)", "rng=2")),
    bad("xor-rng-a-bool", lambda: datasets.xor(True), TypeError, SEED_EXPECTED, "got True (bool)"),
    bad("spiral-rng-a-string", lambda: datasets.spiral("0"), TypeError, SEED_EXPECTED, "got '0' (str)"),
    bad("circles-rng-RandomState", lambda: datasets.circles(np.random.RandomState(0)), TypeError, SEED_EXPECTED,
        ("(RandomState)", "legacy")),
    bad("train_test_split-rng-global-numpy", lambda: datasets.train_test_split(X2, Y2, np.random), TypeError,
        SEED_EXPECTED, "legacy global generator"),
    bad("validate_rng-own-name", lambda: validate_rng([0], "data_seed"), TypeError,
        "data_seed must be a seed", "got [0] (list)"),
]

# --- data-set arguments -------------------------------------------------------------------------------

DATA_ROWS = [
    bad("moons-n-zero", lambda: datasets.moons(0, n=0), ValueError,
        "n (number of examples) must be a whole number ≥ 2", "got n=0"),
    bad("xor-n-a-float", lambda: datasets.xor(0, n=2.5), TypeError, "n (number of examples) must be a whole number",
        "got 2.5 (float)"),
    bad("gauss-n-a-bool", lambda: datasets.gauss(0, n=True), TypeError, "must be a whole number ≥ 2",
        "got True (bool)"),
    bad("regression-n-a-string", lambda: datasets.regression_1d(0, n="100"), TypeError, "must be a whole number ≥ 1",
        "got '100' (str)"),
    bad("spiral-n-below-k", lambda: datasets.spiral(0, n=2, k=3), ValueError, "must be a whole number ≥ 3",
        "got n=2"),
    bad("moons-noise-negative", lambda: datasets.moons(0, noise=-0.1), ValueError, "noise must be a finite number ≥ 0",
        "got noise=-0.1"),
    bad("circles-noise-nan", lambda: datasets.circles(0, noise=float("nan")), ValueError,
        "noise must be a finite number ≥ 0", "got noise=nan"),
    bad("xor-noise-a-string", lambda: datasets.xor(0, noise="0.1"), TypeError, "noise must be a number ≥ 0",
        "got '0.1' (str)"),
    bad("gauss-noise-a-bool", lambda: datasets.gauss(0, noise=False), TypeError, "noise must be a number ≥ 0",
        "got False (bool)"),
    bad("circles-factor-one", lambda: datasets.circles(0, factor=1.0), ValueError,
        ("factor (the inner circle's radius; the outer one is 1)", "≥ 0 and < 1"), "got factor=1.0"),
    bad("circles-factor-negative", lambda: datasets.circles(0, factor=-0.5), ValueError, "≥ 0 and < 1",
        "got factor=-0.5"),
    bad("circles-factor-a-string", lambda: datasets.circles(0, factor="0.5"), TypeError, "factor", "got '0.5' (str)"),
    bad("gauss-spread-zero", lambda: datasets.gauss(0, spread=0), ValueError,
        "spread (the diameter of the circle of centres) must be a finite number > 0", "got spread=0.0"),
    bad("gauss-spread-inf", lambda: datasets.gauss(0, spread=float("inf")), ValueError, "a finite number > 0",
        "got spread=inf"),
    bad("gauss-spread-None", lambda: datasets.gauss(0, spread=None), TypeError, "spread", "got None (NoneType)"),
    bad("spiral-k-one", lambda: datasets.spiral(0, k=1), ValueError, "k (number of classes) must be a whole number ≥ 2",
        "got k=1"),
    bad("gauss-k-a-float", lambda: datasets.gauss(0, k=3.0), TypeError, "k (number of classes) must be a whole number",
        "got 3.0 (float)"),
    bad("spiral-k-a-bool", lambda: datasets.spiral(0, k=True), TypeError, "must be a whole number ≥ 2",
        "got True (bool)"),
    bad("load-unknown-name", lambda: datasets.load("moon", 0), ValueError, "expected one of: xor, circles, moons",
        "unknown data set 'moon'"),
    bad("load-name-None", lambda: datasets.load(None, 0), ValueError, "expected one of: xor", "unknown data set None"),
    bad("load-parameter-it-lacks", lambda: datasets.load("moons", 0, k=3), TypeError,
        "data set 'moons' takes the parameters n, noise", "got 'k' as well"),
]

# --- one_hot and train_test_split ---------------------------------------------------------------------

LABELS_EXPECTED = "labels must be whole numbers 0..2, one per example, shape (n,)"
SPLIT_ROWS = [
    bad("one_hot-2.5", lambda: datasets.one_hot([0, 2.5], 3), ValueError, LABELS_EXPECTED, "got 2.5 at index 1"),
    bad("one_hot-nan", lambda: datasets.one_hot(np.array([np.nan, 1.0]), 3), ValueError, LABELS_EXPECTED,
        "got nan at index 0"),
    bad("one_hot-inf", lambda: datasets.one_hot([1.0, np.inf], 3), ValueError, LABELS_EXPECTED, "got inf at index 1"),
    bad("one_hot-negative", lambda: datasets.one_hot([0, -1], 3), ValueError, "labels must be in 0..2",
        "got values -1..0"),
    bad("one_hot-k-or-more", lambda: datasets.one_hot([0, 3], 3), ValueError, "labels must be in 0..2",
        "got values 0..3"),
    bad("one_hot-bools", lambda: datasets.one_hot([True, False], 3), TypeError, LABELS_EXPECTED, "of dtype bool"),
    bad("one_hot-strings", lambda: datasets.one_hot(["cat", "dog"], 3), TypeError, LABELS_EXPECTED, "of dtype <U3"),
    bad("one_hot-a-row-matrix", lambda: datasets.one_hot([[0, 1, 2]], 3), ValueError, LABELS_EXPECTED,
        "got shape (1, 3)"),
    bad("one_hot-k-zero", lambda: datasets.one_hot([0], 0), ValueError,
        "k (number of classes) must be a whole number ≥ 1", "got k=0"),
    bad("one_hot-k-a-float", lambda: datasets.one_hot([0], 2.0), TypeError, "k (number of classes)", "got 2.0 (float)"),
    bad("split-lengths-differ", lambda: datasets.train_test_split(X2, np.ones((1, 8)), 0), ValueError,
        "x and y must have the same number of columns (examples)", ("x of shape (2, 10)", "y of shape (1, 8)")),
    bad("split-y-as-rows", lambda: datasets.train_test_split(X2, np.ones((10, 1)), 0), ValueError,
        "the same number of columns", ("y of shape (10, 1)", "pass y.T")),
    bad("split-1d-x", lambda: datasets.train_test_split(np.ones(10), Y2, 0), ValueError,
        "x must be a 2-D array, one column per example", "got shape (10,)"),
    bad("split-y-a-list", lambda: datasets.train_test_split(X2, [1, 0], 0), ValueError,
        "y must be a 2-D array", "got a list of shape (2,)"),
    bad("split-fraction-zero", lambda: datasets.train_test_split(X2, Y2, 0, 0), ValueError,
        "test_fraction (the share of the columns held out) must be a finite number strictly between 0 and 1",
        "got test_fraction=0.0"),
    bad("split-fraction-one", lambda: datasets.train_test_split(X2, Y2, 0, 1.0), ValueError,
        "strictly between 0 and 1", "got test_fraction=1.0"),
    bad("split-fraction-percent", lambda: datasets.train_test_split(X2, Y2, 0, 25), ValueError,
        "strictly between 0 and 1", "got test_fraction=25.0"),
    bad("split-fraction-nan", lambda: datasets.train_test_split(X2, Y2, 0, float("nan")), ValueError,
        "strictly between 0 and 1", "got test_fraction=nan"),
    bad("split-fraction-a-string", lambda: datasets.train_test_split(X2, Y2, 0, "0.2"), TypeError,
        "test_fraction (the share of the columns held out) must be a number", "got '0.2' (str)"),
    bad("split-fraction-a-bool", lambda: datasets.train_test_split(X2, Y2, 0, True), TypeError,
        "must be a number strictly between 0 and 1", "got True (bool)"),
    bad("split-too-few-examples", lambda: datasets.train_test_split(X2[:, :4], Y2[:, :4], 0, 0.01), ValueError,
        "each part needs at least one", "cannot split 4 example(s) with test_fraction=0.01"),
]

# --- building a network -------------------------------------------------------------------------------

INIT_ROWS = [
    bad("sizes-a-string", lambda: init_network("23", 0), TypeError, "sizes must be a sequence of layer widths",
        "got '23'"),
    bad("sizes-an-int", lambda: init_network(3, 0), TypeError, "a sequence of layer widths like (2, 3, 1)", "got 3"),
    bad("sizes-one-layer", lambda: init_network((3,), 0), ValueError, "sizes needs at least two layers",
        "got (3,) with 1 layer(s)"),
    bad("sizes-a-zero-width", lambda: init_network((2, 0, 1), 0), ValueError,
        "every layer width must be a positive integer", "n_1 = 0 (int)"),
    bad("sizes-a-float-width", lambda: init_network((2, 1.5), 0), ValueError,
        "every layer width must be a positive integer", "n_1 = 1.5 (float)"),
    bad("sizes-a-bool-width", lambda: init_network((True, 1), 0), ValueError,
        "every layer width must be a positive integer", "n_0 = True (bool)"),
    bad("init-unknown", lambda: init_network((2, 1), 0, init="glorot"), ValueError,
        "expected one of: normal, lecun, xavier, he", "unknown initialiser 'glorot'"),
    bad("init-a-list", lambda: init_network((2, 1), 0, init=["he"]), TypeError,
        "init must be the name of an initialiser, one of: normal, lecun, xavier, he", "got ['he'] (list)"),
    bad("init-None", lambda: init_network((2, 1), 0, init=None), TypeError, "init must be the name of an initialiser",
        "got None (NoneType)"),
    bad("hidden-softmax", lambda: init_network((2, 3, 1), 0, hidden="softmax"), ValueError,
        "softmax can only be the output activation", "got hidden='softmax'"),
    bad("output-not-a-name", lambda: init_network((2, 1), 0, output=3), TypeError,
        "activation must be a name (str)", "got int 3"),
    bad("init_scale-unknown", lambda: init_scale("glorot", 3, 2), ValueError, "expected one of: normal",
        "unknown initialiser 'glorot'"),
    bad("init_scale-fan-in-zero", lambda: init_scale("he", 0, 2), ValueError,
        "n_in (n_{l-1}, the fan-in) must be a whole number ≥ 1", "got n_in=0"),
    bad("init_scale-fan-out-a-float", lambda: init_scale("xavier", 3, 2.0), TypeError,
        "n_out (n_l, the fan-out) must be a whole number ≥ 1", "got 2.0 (float)"),
]

# --- the number validators themselves -----------------------------------------------------------------

NUMBER_ROWS = [
    bad("whole_number-a-bool", lambda: whole_number(True, "epochs", 0), TypeError, "epochs must be a whole number ≥ 0",
        "got True (bool)"),
    bad("whole_number-above-maximum", lambda: whole_number(11, "k", 1, 10), ValueError,
        "k must be a whole number from 1 to 10", "got k=11"),
    bad("whole_number-meaning", lambda: whole_number(-1, "n", 1, meaning="number of examples"), ValueError,
        "n (number of examples) must be a whole number ≥ 1", "got n=-1"),
    bad("real_number-nan", lambda: real_number(float("nan"), "h", above=0), ValueError,
        "h must be a finite number > 0", "got h=nan"),
    bad("real_number-a-bool", lambda: real_number(False, "noise", 0), TypeError, "noise must be a number ≥ 0",
        "got False (bool)"),
    bad("real_number-above-maximum", lambda: real_number(2, "tol", maximum=1), ValueError,
        "tol must be a finite number ≤ 1", "got tol=2.0"),
    bad("real_number-half-open-interval", lambda: real_number(1.0, "p", 0, below=1), ValueError,
        "p must be a finite number ≥ 0 and < 1", "got p=1.0"),
]

# --- training and the gradient checks: the numbers they take ------------------------------------------

TRAIN_ROWS = [
    bad("train-rng-None", lambda: train(NET, X, Y, eta=0.1, m=5, epochs=1, rng=None), TypeError,
        SEED_EXPECTED, "got None"),
    bad("train-climb-factor-below-1", lambda: train(NET, X, Y, eta=0.1, m=5, epochs=1, climb_factor=0.5),
        ValueError, "climb_factor must be a finite number ≥ 1", "got climb_factor=0.5"),
    bad("train-eta-nan", lambda: train(NET, X, Y, eta=float("nan"), m=5, epochs=1), ValueError,
        "the learning rate eta must be a finite number > 0", "got eta=nan"),
    bad("train_epochs-start-epoch-negative", lambda: train_epochs(NET, X, Y, eta=0.1, m=5, rng=0, start_epoch=-1),
        ValueError, "start_epoch must be a whole number ≥ 0", "got start_epoch=-1"),
    bad("train_epochs-start-loss-a-string", lambda: train_epochs(NET, X, Y, eta=0.1, m=5, rng=0, start_loss="1"),
        TypeError, "start_loss must be a number ≥ 0", "got '1' (str)"),
    bad("check_equations-h-zero", lambda: check_equations(NET, X, Y, h=0.0), ValueError, "h", "0"),
    bad("check_equations-tol-negative", lambda: check_equations(NET, X, Y, tol=-1e-7), ValueError, "tol", "-1e-07"),
    bad("check_update_step-eta-zero", lambda: check_update_step(NET, X, Y, eta=0.0), ValueError,
        "the learning rate eta must be a finite number > 0", "got eta=0.0"),
]

# --- the training explorer: settings, sweeps, runs and the widget, from code ------------------------

def _explorer():
    """One small explorer for the rows below, made on first use (it imports ipywidgets and matplotlib)."""
    if not hasattr(_explorer, "made"):
        import matplotlib

        matplotlib.use("Agg")
        from bpcore.explorer import explorer

        _explorer.made = explorer(mode="sync", train=False, n=40, width=4, epochs=10)
    return _explorer.made


def _explorer_class():
    from bpcore.explorer import Explorer, explorer

    return Explorer, explorer


ETA_RANGE = "must be a number from 0.0001 to 100"
EXPLORER_ROWS = [
    bad("Settings-eta-nan", lambda: Settings(eta=float("nan")), ValueError,
        "eta (the learning rate η) must be a finite number", "got eta=nan"),
    bad("Settings-eta-above-the-slider", lambda: Settings(eta=1e3), ValueError, ETA_RANGE, "got eta=1000.0"),
    bad("Settings-eta-a-bool", lambda: Settings(eta=True), TypeError, "eta (the learning rate η) must be a number",
        "got True (bool)"),
    bad("Settings-width-a-bool", lambda: Settings(width=True), TypeError, "width must be a whole number from 1 to 32",
        "got True (bool)"),
    bad("Settings-epochs-a-float", lambda: Settings(epochs=10.0), TypeError, "epochs must be a whole number",
        "got 10.0 (float)"),
    bad("Settings-seed-None", lambda: Settings(seed=None), TypeError, "seed must be a seed: a whole number ≥ 0",
        "seed=None is not accepted"),
    bad("Settings-seed-a-float", lambda: Settings(seed=2.0), TypeError, "seed must be a seed",
        ("got 2.0 (float)", "Pass seed=2")),
    bad("Settings-seed-negative", lambda: Settings(seed=-1), ValueError, "seed must be a seed", "got seed=-1"),
    bad("Settings-seed-a-Generator", lambda: Settings(seed=np.random.default_rng(0)), TypeError,
        "seed must be a whole number from 0 to 2147483647", "got a Generator"),
    bad("Settings-data_seed-a-string", lambda: Settings(data_seed="0"), TypeError, "data_seed must be a seed",
        "got '0' (str)"),
    bad("Settings-batch-larger-than-N", lambda: Settings(batch_size=151), ValueError,
        ("choose at most 150", "or None for the full batch"), "batch_size=151 is larger than the N=150"),
    bad("Settings-cost-for-other-data", lambda: Settings(dataset="spiral", cost="cross_entropy"), ValueError,
        "choose one of 'softmax_cross_entropy', 'quadratic'", "cost 'cross_entropy' does not fit the spiral data"),
    bad("checked_etas-empty", lambda: checked_etas([]), ValueError, "etas must hold 1 to 25 learning rates", "got 0"),
    bad("checked_etas-nan", lambda: checked_etas([0.1, float("nan")]), ValueError,
        "etas[1] (the learning rate η) must be a finite number", "got etas[1]=nan"),
    bad("checked_etas-out-of-range", lambda: checked_etas([1e3]), ValueError, ETA_RANGE, "got etas[0]=1000.0"),
    bad("checked_etas-a-number", lambda: checked_etas(0.1), TypeError, "etas must be a list of learning rates",
        "got 0.1"),
    bad("checked_etas-a-bool", lambda: checked_etas([0.1, True]), TypeError, "etas[1] (the learning rate η)",
        "got True (bool)"),
    bad("parse_etas-a-word", lambda: parse_etas("0.1, fast"), ValueError, "numbers separated by commas",
        "got 'fast'"),
    bad("lr_sweep-out-of-range", lambda: lr_sweep(Settings(n=40), [0.1, 1e3]), ValueError, ETA_RANGE,
        "etas[1]=1000.0"),
    bad("iter_lr_sweep-empty", lambda: iter_lr_sweep(Settings(n=40), []), ValueError, "must hold 1 to 25", "got 0"),
    bad("Run-settings-a-dict", lambda: Run({"eta": 0.1}), TypeError, "settings must be a bpcore.explorer.Settings",
        "got dict"),
    bad("Run-set_eta-nan", lambda: Run(Settings(n=40)).set_eta(float("nan")), ValueError,
        "eta (the learning rate η) must be a finite number", "got eta=nan"),
    bad("Explorer-set-eta-nan", lambda: _explorer().set(eta=float("nan")), ValueError,
        "eta (the learning rate η) must be a finite number", "got eta=nan"),
    bad("Explorer-set-width-a-bool", lambda: _explorer().set(width=True), TypeError, "width must be a whole number",
        "got True (bool)"),
    bad("Explorer-set-unknown-name", lambda: _explorer().set(learning_rate=0.1), TypeError,
        "set() takes Settings fields", "got learning_rate"),
    bad("Explorer-sweep-empty", lambda: _explorer().sweep(etas=[]), ValueError, "must hold 1 to 25", "got 0"),
    bad("Explorer-sweep-nan", lambda: _explorer().sweep(etas=[0.1, float("nan")]), ValueError,
        "etas[1] (the learning rate η) must be a finite number", "got etas[1]=nan"),
    bad("explorer-tick_seconds-zero", lambda: _explorer_class()[1](tick_seconds=0), ValueError,
        "tick_seconds must be a finite number > 0.0 and ≤ 1.0", "got tick_seconds=0.0"),
    bad("explorer-frame_interval-nan", lambda: _explorer_class()[1](frame_interval=float("nan")), ValueError,
        "frame_interval must be a finite number from 0.0 to 10.0", "got frame_interval=nan"),
    bad("explorer-unknown-keyword", lambda: _explorer_class()[1](learning_rate=0.1), TypeError,
        "explorer() takes Settings fields", "got learning_rate"),
    bad("explorer-unknown-mode", lambda: _explorer_class()[1](mode="threads"), ValueError, "mode must be one of",
        "got 'threads'"),
    bad("explorer-log_path-a-number", lambda: _explorer_class()[1](log_path=3), TypeError,
        "log_path must be a file path (str or pathlib.Path) or None", "got 3"),
    bad("Explorer-settings-a-dict", lambda: _explorer_class()[0]({"eta": 0.1}), TypeError,
        "settings must be a bpcore.explorer.Settings or None", "got dict"),
]

CATALOGUE = (NETWORK_ROWS + UPDATE_ROWS + BP_ROWS + SEED_ROWS + DATA_ROWS + SPLIT_ROWS + INIT_ROWS
             + NUMBER_ROWS + TRAIN_ROWS + EXPLORER_ROWS)


@pytest.mark.parametrize("call, exc, expected, got", CATALOGUE)
def test_catalogue_of_bad_inputs(call, exc, expected, got):
    with pytest.raises(Exception) as info:
        call()
    message = str(info.value)
    assert type(info.value) is exc, f"{type(info.value).__name__} instead of {exc.__name__}: {message}"
    missing = [fragment for fragment in expected + got if fragment not in message]
    assert not missing, f"the message {message!r} lacks {missing}"
    where = info.traceback[-1]  # the frame that raised: a raise statement in bpcore, not numpy at work
    assert BPCORE_DIR in Path(str(where.path)).resolve().parents and "raise" in str(where.statement), \
        f"raised at {where.path}:{where.lineno + 1} ({str(where.statement).strip()}), not by a bpcore check: {message}"


def test_catalogue_covers_at_least_a_hundred_bad_inputs():
    assert len(CATALOGUE) >= 100
    assert len({row.id for row in CATALOGUE}) == len(CATALOGUE), "two rows share an id"


def test_every_network_defect_starts_from_a_network_that_works():
    """The defects are edits of NET; NET itself and each entry point's other arguments are valid."""
    for call in NET_ENTRIES.values():
        call(NET)
    for f in SEEDED.values():
        f(0)


# --- and what is not bad: a check that cries wolf is a bug ---------------------------------------------

def test_integer_and_float32_parameters_and_tuples_are_networks_too():
    ints = Network((2, 2, 1), [None, np.array([[1, -2], [0, 3]]), np.array([[2, 1]])],
                   (None, np.array([[0], [1]]), np.array([[-1]])))
    floats = Network((2, 2, 1), [None] + [w.astype(float) for w in ints.w[1:]],
                     [None] + [b.astype(float) for b in ints.b[1:]])
    x, y = np.array([[0.5, -1.0], [2.0, 0.0]]), np.array([[1.0, 0.0]])
    np.testing.assert_array_equal(predict(ints, x), predict(floats, x))
    np.testing.assert_array_equal(backward_loop(ints, x, y).grad_w[1], backward_loop(floats, x, y).grad_w[1])
    np.testing.assert_array_equal(update(ints, backward(ints, x, y), 0.5).w[1],
                                  update(floats, backward(floats, x, y), 0.5).w[1])
    net32 = NET.with_params([None] + [w.astype(np.float32) for w in NET.w[1:]], NET.b)
    assert predict(net32, X).shape == (2, 5)


def test_one_layer_network_may_name_any_hidden_activation():
    """With L = 1 there is no hidden layer, so hidden='softmax' is never used and not an error."""
    net = Network((3, 2), [None, np.ones((2, 3))], [None, np.zeros((2, 1))], hidden="softmax", output="softmax")
    assert predict(net, X).shape == (2, 5)


def test_update_lets_nan_through_so_train_can_report_the_divergence():
    """NaN reaching update in a loop means the steps diverged; train says so. The next backward refuses it."""
    blown = edited(w={1: W_NAN})
    stepped = update(blown, G, 0.1)
    assert np.isnan(stepped.w[1][2, 0]) and np.isfinite(stepped.w[2]).all()
    with pytest.raises(ValueError, match=re.escape("net's parameters already contain NaN or inf")):
        backward(stepped, X, Y)


def test_seeds_give_the_numbers_they_always_gave():
    generator = np.random.default_rng(5)
    assert validate_rng(generator) is generator  # used as it is, and advanced by the caller's draws
    for seed in (5, np.int64(5), np.uint8(5), np.random.SeedSequence(5)):
        np.testing.assert_array_equal(validate_rng(seed).standard_normal(3),
                                      np.random.default_rng(5).standard_normal(3))
    np.testing.assert_array_equal(init_network((3, 2), np.int64(7)).w[1], init_network((3, 2), 7).w[1])
    np.testing.assert_array_equal(datasets.moons(np.random.default_rng(3))[0], datasets.moons(3)[0])


def test_labels_may_be_integral_floats_or_numpy_integers():
    np.testing.assert_array_equal(datasets.one_hot(np.array([2.0, 0.0]), 3), datasets.one_hot([2, 0], 3))
    np.testing.assert_array_equal(datasets.one_hot(np.array([1], dtype=np.uint8), np.int64(2)), [[0.0], [1.0]])
    assert datasets.one_hot([], 3).shape == (3, 0)


def test_validators_return_what_they_checked():
    assert validate_network(NET) is NET
    assert whole_number(np.int32(4), "n", 1) == 4 and type(whole_number(np.int32(4), "n", 1)) is int
    assert real_number(np.float32(0.5), "noise", 0) == 0.5
    assert real_number(0.5, "p", above=0, below=1) == 0.5
