"""Bad input gets a ValueError or TypeError saying what was expected and what arrived.

Every bad input is tried at each public entry point that takes it
(forward, backward, backward_loop, train, the gradient checks, accuracy...), and
the message is matched, shapes included.
"""

import re

import numpy as np
import pytest

from bpcore import (
    accuracy,
    backward,
    backward_loop,
    check_backward,
    check_equations,
    check_update_step,
    forward,
    init_network,
    mean_cost,
    predict,
    predict_labels,
    train,
    update,
)
from bpcore.activations import get_activation
from bpcore.costs import get_cost
from bpcore.validation import validate_sizes

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
