"""The notation checkers of notebooks 00 and 01: correct code passes, each slip is named, the stub fails.

Every "learner" function is written the way a learner would write the
mistake, not taken from the checker's slip variants, so these tests fail if a
checker stops recognising a slip or starts blaming the wrong one.
"""

import numpy as np
import pytest

from bpcore.feedback import check_batch_sizes, check_layer_shapes, check_seed_weighted_input, check_weight_index
from tests.feedback.support import assert_names_slip, assert_passes, case_id, raises


# --------------------------------------------------------------------------- correct answers

def shapes_ok(sizes, m):
    return [((sizes[l], sizes[l - 1]), (sizes[l], 1), (sizes[l], m)) for l in range(1, len(sizes))]


def shapes_ok_zero_based_loop(sizes, m):
    # a loop over numpy positions i = 0..L-1 is also right: layer l = i + 1
    return [((sizes[i + 1], sizes[i]), (sizes[i + 1], 1), (sizes[i + 1], m)) for i in range(len(sizes) - 1)]


def shapes_ok_from_numpy(sizes, m):
    # shapes read off real (zero) arrays are numpy tuples of ints: also accepted
    out = []
    for l in range(1, len(sizes)):
        w = np.zeros((sizes[l], sizes[l - 1]))
        out.append((w.shape, np.zeros((sizes[l], 1)).shape, (w @ np.zeros((sizes[l - 1], m))).shape))
    return out


def seed_ok(w, b, a_prev, k):
    return sum(w[k, j] * a_prev[j, 0] for j in range(w.shape[1])) + b[k, 0]


def seed_ok_matrix(w, b, a_prev, k):
    return (w @ a_prev + b)[k]          # an array of shape (1,): one number, accepted


def batches_ok(N, m):
    sizes = [m] * (N // m)
    if N % m:
        sizes.append(N % m)
    return sizes


def batches_ok_slices(N, m):
    return [len(range(N)[k:k + m]) for k in range(0, N, m)]


def index_ok(sizes, l, j, k):
    return (sizes[l], sizes[l - 1]), (j - 1, k - 1)


CORRECT = [
    (check_layer_shapes, shapes_ok, "shapes"),
    (check_layer_shapes, shapes_ok_zero_based_loop, "shapes"),
    (check_layer_shapes, shapes_ok_from_numpy, "shapes"),
    (check_seed_weighted_input, seed_ok, "the seed's forward equation"),
    (check_seed_weighted_input, seed_ok_matrix, "the seed's forward equation"),
    (check_batch_sizes, batches_ok, "minibatches of an epoch"),
    (check_batch_sizes, batches_ok_slices, "minibatches of an epoch"),
    (check_weight_index, index_ok, "w^l_jk"),
]


@pytest.mark.parametrize("checker, fn, equation", CORRECT, ids=lambda v: getattr(v, "__name__", str(v)))
def test_correct_solution_passes(checker, fn, equation):
    assert_passes(checker(fn), equation)


# --------------------------------------------------------------------------- slips, written as a learner would

def shapes_transposed(sizes, m):
    return [((sizes[l - 1], sizes[l]), (sizes[l], 1), (sizes[l], m)) for l in range(1, len(sizes))]


def shapes_flat_bias(sizes, m):
    return [((sizes[l], sizes[l - 1]), (sizes[l],), (sizes[l], m)) for l in range(1, len(sizes))]


def shapes_bias_per_example(sizes, m):
    return [((sizes[l], sizes[l - 1]), (sizes[l], m), (sizes[l], m)) for l in range(1, len(sizes))]


def shapes_rows(sizes, m):
    return [((sizes[l], sizes[l - 1]), (sizes[l], 1), (m, sizes[l])) for l in range(1, len(sizes))]


def shapes_from_layer_0(sizes, m):
    return [((sizes[l], sizes[l - 1]), (sizes[l], 1), (sizes[l], m)) for l in range(len(sizes))]


def shapes_stop_short(sizes, m):
    return [((sizes[l], sizes[l - 1]), (sizes[l], 1), (sizes[l], m)) for l in range(1, len(sizes) - 1)]


def seed_column(w, b, a_prev, k):
    return float(np.dot(w[:, k], a_prev[:, 0]) + b[k, 0])


def seed_no_bias(w, b, a_prev, k):
    return float(w[k, :] @ a_prev[:, 0])


def seed_no_sum(w, b, a_prev, k):
    return w[k, :] * a_prev[:, 0] + b[k, 0]


def seed_whole_layer(w, b, a_prev, k):
    return w @ a_prev + b


def batches_floor(N, m):
    return [m] * (N // m)


def batches_ceil(N, m):
    return [m] * int(np.ceil(N / m))


def batches_swapped(N, m):
    return [N // m] * m


def index_not_shifted(sizes, l, j, k):
    return (sizes[l], sizes[l - 1]), (j, k)


def index_swapped(sizes, l, j, k):
    return (sizes[l], sizes[l - 1]), (k - 1, j - 1)


def index_from_to(sizes, l, j, k):
    return (sizes[l - 1], sizes[l]), (k - 1, j - 1)


def index_shape_transposed(sizes, l, j, k):
    return (sizes[l - 1], sizes[l]), (j - 1, k - 1)


def index_next_layer(sizes, l, j, k):
    return (sizes[l + 1], sizes[l]), (j - 1, k - 1)


SLIP_CASES = [
    (check_layer_shapes, shapes_transposed, "transposed_shape", "(n_l, n_{l-1})"),
    (check_layer_shapes, shapes_flat_bias, "bias_shape", "(n_l, 1)"),
    (check_layer_shapes, shapes_bias_per_example, "bias_shape", "one bias per example"),
    (check_layer_shapes, shapes_rows, "examples_as_rows", "Examples are columns"),
    (check_layer_shapes, shapes_from_layer_0, "wrong_layers", "the input layer 0 has no w"),
    (check_layer_shapes, shapes_stop_short, "wrong_layers", "the output layer L has them"),
    (check_seed_weighted_input, seed_column, "column_not_row", "no transpose"),
    (check_seed_weighted_input, seed_no_bias, "missing_bias", "b^L_k"),
    (check_seed_weighted_input, seed_no_sum, "products_not_summed", "implicit sum over j"),
    (check_seed_weighted_input, seed_whole_layer, "whole_layer", "a single number"),
    (check_batch_sizes, batches_floor, "dropped_remainder", "never used"),
    (check_batch_sizes, batches_ceil, "last_batch_full_size", "smaller"),
    (check_batch_sizes, batches_swapped, "swapped_count", "other way round"),
    (check_weight_index, index_not_shifted, "one_based_in_code", "numpy from 0"),
    (check_weight_index, index_swapped, "swapped_indices", "other way round"),
    (check_weight_index, index_from_to, "from_to_order", "(to, from)"),
    (check_weight_index, index_shape_transposed, "transposed_shape", "one row per neuron of layer l"),
    (check_weight_index, index_next_layer, "layer_off_by_one", "w^{l+1}"),
]


@pytest.mark.parametrize("checker, fn, slip, fragment", SLIP_CASES, ids=case_id(SLIP_CASES))
def test_slip_is_caught_and_named(checker, fn, slip, fragment):
    assert_names_slip(checker(fn), slip, fragment)


# --------------------------------------------------------------------------- answers no slip explains

def test_unknown_wrong_shapes_point_at_the_first_wrong_one_and_the_two_rules():
    result = check_layer_shapes(lambda sizes, m: [((n, n), (n, 1), (n, m)) for n in sizes[1:]])
    assert result.slip == "wrong_shape"
    assert "shape of w^1 is (6, 6)" in result.message and "every example is a column" in result.message


def test_wrong_number_of_layers_says_how_many_there_are():
    result = check_layer_shapes(lambda sizes, m: shapes_ok(sizes, m)[:1])
    assert result.slip == "wrong_shape" and "L = 3 layers" in result.message


def test_shapes_in_the_wrong_form_are_explained():
    result = check_layer_shapes(lambda sizes, m: "(4, 6)")
    assert result.slip == "wrong_type" and "one triple per layer" in result.message


def test_batch_sizes_that_do_not_add_up_to_N_say_so():
    result = check_batch_sizes(lambda N, m: [m] * 3)
    assert result.slip == "wrong_values" and "exactly once" in result.message


def test_batch_sizes_with_a_small_batch_in_the_middle_say_where_the_remainder_goes():
    result = check_batch_sizes(lambda N, m: sorted(batches_ok(N, m)))
    assert result.slip == "wrong_values" and "the last holds what is left over" in result.message


def test_the_number_of_updates_alone_is_not_the_list():
    result = check_batch_sizes(lambda N, m: -(-N // m))
    assert result.slip == "wrong_type" and "one number" in result.message


def test_a_numpy_array_of_batch_sizes_is_accepted():
    assert check_batch_sizes(lambda N, m: np.array(batches_ok(N, m))).passed


def test_weight_index_says_which_part_is_wrong():
    result = check_weight_index(lambda sizes, l, j, k: ((sizes[l], sizes[l - 1]), (j - 1, 0)))
    assert result.slip == "wrong_values" and "your index is wrong" in result.message


def test_non_square_cases_tell_row_from_column():
    """The transposed reading raises on the non-square layers; the square one shows wrong values."""
    result = check_seed_weighted_input(seed_column)
    assert "(In the test case" in result.message and "the shapes do not fit" in result.message


# --------------------------------------------------------------------------- what every checker does

NEW_CHECKERS = [check_layer_shapes, check_seed_weighted_input, check_batch_sizes, check_weight_index]


@pytest.mark.parametrize("checker", NEW_CHECKERS, ids=lambda c: c.__name__)
def test_the_stub_fails_with_not_implemented(checker):
    result = checker(raises(NotImplementedError("Exercise 0.1: write it")))
    assert not result.passed and result.slip == "not_implemented"
    assert "not implemented yet (Exercise 0.1: write it)" in result.message


@pytest.mark.parametrize("checker", NEW_CHECKERS, ids=lambda c: c.__name__)
def test_generic_failures_are_explained_by_the_engine(checker, monkeypatch):
    from tests.feedback import test_engine as generic

    generic.test_exception_becomes_feedback(checker)
    generic.test_returning_none_is_explained(checker)
    generic.test_not_a_function(checker)
    generic.test_non_array_result(checker)
    generic.test_every_failing_verdict_has_the_engine_header_and_footer(checker)
    generic.test_every_verdict_is_built_by_the_engine(checker, monkeypatch)


def test_new_checkers_document_equation_shapes_and_notebook():
    for checker in NEW_CHECKERS:
        doc = checker.__doc__
        assert "Parameters" in doc and "Returns" in doc and "shape" in doc
        assert "Taught in ``notebooks/" in doc
