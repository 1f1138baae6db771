"""bpcore.figures.style: the palette, the decision boundary's grid and colours, log axes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bpcore import init_network  # noqa: E402
from bpcore.figures.style import (CLASS_COLOURS, CLASS_MARKERS, LINE_COLOURS, OKABE_ITO,  # noqa: E402
                                  boundary_grid, boundary_image, decade_range, plain_log_ticks,
                                  scatter_classes)
from bpcore.network import forward  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_colours_come_from_the_okabe_ito_palette_and_are_distinct():
    palette = set(OKABE_ITO.values())
    for colours in (CLASS_COLOURS, LINE_COLOURS):
        assert set(colours) <= palette and len(set(colours)) == len(colours)
    assert OKABE_ITO["yellow"] not in LINE_COLOURS          # too pale for a curve on white
    assert len(CLASS_MARKERS) == len(set(CLASS_MARKERS)) >= len(CLASS_COLOURS)


def test_boundary_grid_covers_the_data_and_holds_the_network_output():
    rng = np.random.default_rng(0)
    net = init_network([2, 3, 1], rng)
    x = np.array([[-1.0, 2.0, 0.5], [0.0, 1.0, -3.0]])
    extent, probs = boundary_grid(net, x, resolution=7, pad=0.5)
    assert extent == (-1.5, 2.5, -3.5, 1.5)
    assert probs.shape == (2, 7, 7)
    np.testing.assert_allclose(probs.sum(axis=0), 1.0)
    # row i is the i-th x1 value from the bottom; column j the j-th x0 value
    corner = np.array([[2.5], [-3.5]])
    a_L = forward(net, corner)[1][-1][0, 0]
    np.testing.assert_allclose(probs[:, 0, -1], [1 - a_L, a_L])


def test_boundary_grid_normalises_several_outputs():
    rng = np.random.default_rng(1)
    net = init_network([2, 4, 3], rng)                     # three sigmoids: not summing to 1 by themselves
    extent, probs = boundary_grid(net, rng.normal(size=(2, 5)), resolution=6)
    assert probs.shape == (3, 6, 6)
    np.testing.assert_allclose(probs.sum(axis=0), 1.0)


def test_boundary_image_mixes_class_colours_by_probability():
    sure = np.zeros((3, 1, 2))
    sure[0, 0, 0] = sure[2, 0, 1] = 1.0
    img = boundary_image(sure, lighten=0.0)
    assert np.allclose(img[0, 0], matplotlib.colors.to_rgb(CLASS_COLOURS[0]))
    assert np.allclose(img[0, 1], matplotlib.colors.to_rgb(CLASS_COLOURS[2]))
    unsure = np.full((2, 1, 1), 0.5)
    mixed = boundary_image(unsure, lighten=0.0, levels=None)[0, 0]
    expected = (np.array(matplotlib.colors.to_rgb(CLASS_COLOURS[0]))
                + matplotlib.colors.to_rgb(CLASS_COLOURS[1])) / 2
    assert np.allclose(mixed, expected)
    p = np.random.default_rng(0).dirichlet([1, 1, 1], size=(4, 4)).transpose(2, 0, 1)
    assert np.all(boundary_image(p).min(axis=2) >= 0.5)  # banded but never darker than the lightened colours


def test_boundary_image_bands_probabilities_into_levels():
    p = np.stack([np.full((1, 1), 0.61), np.full((1, 1), 0.39)])
    banded = boundary_image(p, lighten=0.0, levels=5)[0, 0]
    c0, c1 = (np.array(matplotlib.colors.to_rgb(c)) for c in CLASS_COLOURS[:2])
    assert np.allclose(banded, 0.6 * c0 + 0.4 * c1)


def test_scatter_classes_one_collection_per_present_class():
    fig, ax = plt.subplots()
    x = np.array([[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 0.0, 1.0]])
    y = np.array([[1, 0, 0, 0], [0, 0, 0, 0], [0, 1, 1, 1]])     # one-hot; class 1 has no points
    filled = scatter_classes(ax, x, y, labelled=True)
    assert [c.get_label() for c in filled] == ["class 0", "class 2"]
    np.testing.assert_allclose(filled[1].get_offsets(), x[:, 1:].T)
    assert matplotlib.colors.to_hex(filled[1].get_facecolor()[0]) == CLASS_COLOURS[2].lower()
    hollow = scatter_classes(ax, x, y, hollow=True, labelled=True)
    assert not any(c.get_label().startswith("class") for c in hollow)
    assert matplotlib.colors.to_hex(hollow[0].get_edgecolor()[0]) == CLASS_COLOURS[0].lower()


def test_plain_log_ticks_label_decades_as_plain_numbers():
    fig, ax = plt.subplots()
    ax.set_yscale("log")
    ax.set_ylim(0.01, 10)
    plain_log_ticks(ax.yaxis)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if 0.01 <= t.get_position()[1] <= 10]
    assert labels == ["0.01", "0.1", "1", "10"]
    assert not ax.yaxis.get_minorticklocs().size


@pytest.mark.parametrize("values, expected", [
    ([0.3, 0.04], (0.01, 1.0)),
    ([2.0, 2.0], (1.0, 10.0)),           # one decade at least
    ([1.0, 10.0], (1.0, 100.0)),         # a value on a power of ten gets headroom
    ([np.nan, -1.0, 0.0, np.inf], (0.1, 1.0)),
])
def test_decade_range_is_powers_of_ten_around_positive_finite_values(values, expected):
    assert decade_range(values) == pytest.approx(expected)
