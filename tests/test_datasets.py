"""Toy data sets: documented shapes, balanced labels, seeds, noise = 0, bad arguments."""

import re

import numpy as np
import pytest

from bpcore import datasets
from bpcore.datasets import (
    DATASETS,
    circles,
    gauss,
    load,
    moons,
    one_hot,
    regression_1d,
    spiral,
    train_test_split,
    xor,
)

# name -> (kwargs, x rows, y rows, number of classes or None for regression)
CASES = {
    "xor": ({}, 2, 1, 2),
    "circles": ({}, 2, 1, 2),
    "moons": ({}, 2, 1, 2),
    "spiral": ({"k": 3}, 2, 3, 3),
    "spiral5": ({"k": 5}, 2, 5, 5),
    "gauss": ({"k": 2}, 2, 1, 2),
    "gauss4": ({"k": 4}, 2, 4, 4),
    "regression_1d": ({}, 1, 1, None),
}


def _fn(name):
    return DATASETS[name.rstrip("0123456789")]


def _labels(y):
    return y[0].astype(int) if y.shape[0] == 1 else np.argmax(y, axis=0)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("n", [60, 61])
def test_shapes_are_the_documented_ones(name, n):
    kwargs, rows_x, rows_y, k = CASES[name]
    x, y = _fn(name)(np.random.default_rng(0), n=n, **kwargs)
    assert x.shape == (rows_x, n)
    assert y.shape == (rows_y, n)
    assert x.dtype == y.dtype == np.float64
    assert np.all(np.isfinite(x)) and np.all(np.isfinite(y))
    if k is not None:
        if rows_y == 1:
            assert set(np.unique(y)) <= {0.0, 1.0}
        else:  # one-hot columns
            assert set(np.unique(y)) == {0.0, 1.0}
            np.testing.assert_array_equal(y.sum(axis=0), 1.0)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c[3] is not None])
@pytest.mark.parametrize("n", [60, 61, 200])
def test_labels_are_balanced(name, n):
    kwargs, _, _, k = CASES[name]
    _, y = _fn(name)(np.random.default_rng(1), n=n, **kwargs)
    counts = np.bincount(_labels(y), minlength=k)
    assert len(counts) == k
    assert counts.max() - counts.min() <= 1  # xor too: label 1 on two of the four corners


def test_labels_are_shuffled_not_blocked():
    _, y = moons(np.random.default_rng(2), n=100)
    assert 0 < y[0, :50].sum() < 50


@pytest.mark.parametrize("name", CASES)
def test_same_seed_same_numbers_different_seed_different_numbers(name):
    kwargs = CASES[name][0]
    fn = _fn(name)
    x1, y1 = fn(np.random.default_rng(42), n=50, **kwargs)
    x2, y2 = fn(np.random.default_rng(42), n=50, **kwargs)
    x3, _ = fn(np.random.default_rng(43), n=50, **kwargs)
    x4, y4 = fn(42, n=50, **kwargs)  # an int seeds a Generator the same way
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(x1, x4)
    np.testing.assert_array_equal(y1, y4)
    assert not np.array_equal(x1, x3)


def test_the_global_numpy_random_state_is_not_used():
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    for name in CASES:
        _fn(name)(np.random.default_rng(0), n=20, **CASES[name][0])
    np.testing.assert_array_equal(np.random.get_state()[1], before)


# --- noise = 0: exact geometry -------------------------------------------------------

def test_xor_four_points_noise_free():
    x, y = xor(np.random.default_rng(0), n=4, noise=0.0)
    np.testing.assert_array_equal(x, [[0, 0, 1, 1], [0, 1, 0, 1]])
    np.testing.assert_array_equal(y, [[0, 1, 1, 0]])


def test_xor_more_points_noise_free_are_corners():
    x, y = xor(np.random.default_rng(0), n=40, noise=0.0)
    assert set(map(tuple, x.T)) == {(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}
    np.testing.assert_array_equal(y[0], (x[0] != x[1]).astype(float))


def test_circles_noise_free_lie_on_the_two_radii():
    x, y = circles(np.random.default_rng(0), n=100, noise=0.0, factor=0.3)
    r = np.hypot(x[0], x[1])
    np.testing.assert_allclose(r[y[0] == 0], 1.0, rtol=1e-14)
    np.testing.assert_allclose(r[y[0] == 1], 0.3, rtol=1e-14)


def test_moons_noise_free_lie_on_the_half_circles():
    x, y = moons(np.random.default_rng(0), n=100, noise=0.0)
    top, bottom = y[0] == 0, y[0] == 1
    np.testing.assert_allclose(np.hypot(x[0, top], x[1, top]), 1.0, rtol=1e-14)
    assert np.all(x[1, top] >= 0)
    np.testing.assert_allclose(np.hypot(x[0, bottom] - 1.0, x[1, bottom] - 0.5), 1.0, rtol=1e-14)
    assert np.all(x[1, bottom] <= 0.5)


def test_spiral_noise_free_points_are_within_the_unit_disc_on_their_arm():
    x, y = spiral(np.random.default_rng(0), n=90, noise=0.0, k=3)
    r = np.hypot(x[0], x[1])
    assert np.all(r <= 1.0)
    labels = np.argmax(y, axis=0)
    # theta = label·2π/k + 4r, and x = (r sin θ, r cos θ)
    theta = labels * 2 * np.pi / 3 + 4 * r
    np.testing.assert_allclose(x[0], r * np.sin(theta), atol=1e-14)
    np.testing.assert_allclose(x[1], r * np.cos(theta), atol=1e-14)


def test_gauss_noise_free_points_sit_on_their_centres():
    x, y = gauss(np.random.default_rng(0), n=40, noise=0.0, k=4, spread=2.0)
    labels = np.argmax(y, axis=0)
    for j in range(4):
        pts = x[:, labels == j]
        assert np.allclose(pts, pts[:, :1])  # all the same point
        np.testing.assert_allclose(np.hypot(*pts[:, 0]), 1.0, rtol=1e-14)  # radius spread/2


def test_regression_noise_free_is_the_sine():
    x, y = regression_1d(np.random.default_rng(0), n=50, noise=0.0)
    np.testing.assert_allclose(y, 0.5 + 0.5 * np.sin(2 * np.pi * x), rtol=1e-15)
    assert np.all(np.diff(x[0]) >= 0) and 0 <= x.min() and x.max() <= 1


def test_noise_changes_points_by_about_its_size():
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    x0, _ = circles(rng_a, n=2000, noise=0.0)
    x1, _ = circles(rng_b, n=2000, noise=0.1)
    assert np.std(x1 - x0) == pytest.approx(0.1, rel=0.1)


# --- bad arguments ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["xor", "circles", "moons", "spiral", "gauss", "regression_1d"])
@pytest.mark.parametrize("n", [0, -5])
def test_n_out_of_range_rejected(name, n):
    with pytest.raises(ValueError, match=rf"n \(number of examples\) must be a whole number ≥ \d+; got n={n!r}"):
        DATASETS[name](np.random.default_rng(0), n=n)


@pytest.mark.parametrize("name", ["xor", "circles", "moons", "spiral", "gauss", "regression_1d"])
@pytest.mark.parametrize("n", [2.5, "10", None, True])
def test_n_that_is_not_a_whole_number_rejected(name, n):
    with pytest.raises(TypeError, match=rf"n \(number of examples\) must be a whole number ≥ \d+; "
                                        rf"got {re.escape(repr(n))} \({type(n).__name__}\)"):
        DATASETS[name](np.random.default_rng(0), n=n)


@pytest.mark.parametrize("name", ["xor", "circles", "moons", "spiral", "gauss", "regression_1d"])
@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf")])
def test_bad_noise_rejected(name, noise):
    with pytest.raises(ValueError, match=rf"noise must be a finite number ≥ 0; got noise={noise!r}"):
        DATASETS[name](np.random.default_rng(0), n=10, noise=noise)


@pytest.mark.parametrize("name", ["xor", "circles", "moons", "spiral", "gauss", "regression_1d"])
@pytest.mark.parametrize("noise", ["0.1", None, True])
def test_noise_that_is_not_a_number_rejected(name, noise):
    with pytest.raises(TypeError, match=rf"noise must be a number ≥ 0; got {re.escape(repr(noise))}"):
        DATASETS[name](np.random.default_rng(0), n=10, noise=noise)


def test_too_few_points_for_the_classes():
    with pytest.raises(ValueError, match="≥ 3; got n=2"):
        spiral(0, n=2, k=3)
    with pytest.raises(ValueError, match="≥ 2; got n=1"):
        moons(0, n=1)


@pytest.mark.parametrize("k, exc", [(1, ValueError), (0, ValueError), (2.0, TypeError), (True, TypeError)])
def test_bad_k_rejected(k, exc):
    with pytest.raises(exc, match=r"k \(number of classes\) must be a whole number ≥ 2"):
        spiral(0, n=30, k=k)
    with pytest.raises(exc, match=r"k \(number of classes\) must be a whole number ≥ 2"):
        gauss(0, n=30, k=k)


# --- helpers ------------------------------------------------------------------------------

def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0, 1], 3), [[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match=r"labels must be in 0..2; got values 0..3"):
        one_hot([0, 3], 3)


def test_load_by_name():
    x1, y1 = load("moons", np.random.default_rng(0), n=30, noise=0.2)
    x2, y2 = moons(np.random.default_rng(0), n=30, noise=0.2)
    np.testing.assert_array_equal(x1, x2)
    x3, y3 = load("spiral", 0, n=30, k=4)
    assert y3.shape == (4, 30)
    x4, _ = load("circles", 0, n=30)  # noise=None: the data set's default
    np.testing.assert_array_equal(x4, circles(0, n=30)[0])
    with pytest.raises(ValueError, match=r"unknown data set 'moon'; expected one of: xor, circles, moons, "
                                         r"spiral, gauss, regression_1d"):
        load("moon", 0)


def test_train_test_split():
    x, y = moons(0, n=100)
    x_tr, y_tr, x_te, y_te = train_test_split(x, y, np.random.default_rng(0), test_fraction=0.2)
    assert x_tr.shape == (2, 80) and y_tr.shape == (1, 80)
    assert x_te.shape == (2, 20) and y_te.shape == (1, 20)
    # a partition of the columns, pairs kept together
    both = np.hstack([x_tr, x_te])
    assert sorted(map(tuple, both.T)) == sorted(map(tuple, x.T))
    lookup = {tuple(c): v for c, v in zip(x.T, y[0])}
    assert all(lookup[tuple(c)] == v for c, v in zip(x_te.T, y_te[0]))
    again = train_test_split(x, y, np.random.default_rng(0), test_fraction=0.2)
    np.testing.assert_array_equal(again[2], x_te)


@pytest.mark.parametrize("frac", [0, 1, -0.5, 1.5])
def test_train_test_split_bad_fraction(frac):
    x, y = moons(0, n=10)
    with pytest.raises(ValueError, match=r"test_fraction \(the share of the columns held out\) must be a finite "
                                         rf"number strictly between 0 and 1; got test_fraction={float(frac)!r}"):
        train_test_split(x, y, 0, test_fraction=frac)


def test_train_test_split_too_small():
    x, y = xor(0, n=4)
    with pytest.raises(ValueError, match=r"cannot split 4 example\(s\) with test_fraction=0.01"):
        train_test_split(x, y, 0, test_fraction=0.01)


def test_module_does_not_use_sklearn():
    import inspect
    source = inspect.getsource(datasets)
    assert "import sklearn" not in source and "from sklearn" not in source


@pytest.mark.parametrize("name", sorted(datasets.DATASETS))
def test_default_noise_is_what_load_uses(name):
    x1, _ = load(name, 0, n=60)
    x2, _ = load(name, 0, n=60, noise=datasets.DEFAULT_NOISE[name])
    np.testing.assert_array_equal(x1, x2)
    assert datasets.DEFAULT_NOISE[name] > 0  # every default shows noise; noise=0 is asked for


@pytest.mark.parametrize("name", sorted(datasets.N_CLASSES))
def test_n_classes_is_the_number_of_labels_load_makes(name):
    _, y = load(name, 0, n=60)
    labels = y[0] if y.shape[0] == 1 else np.argmax(y, axis=0)
    assert len(np.unique(labels)) == datasets.N_CLASSES[name]
