"""bpcore.figures.gradients: each plot draws the data it was given, in order, on the Agg backend."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bpcore.figures import gradients  # noqa: E402
from bpcore.activations import relu_prime, sigmoid_prime  # noqa: E402
from bpcore.figures.style import LINE_COLOURS  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _data_lines(ax):
    """Lines that carry data (drop the one-point 'best h' star markers)."""
    return [line for line in ax.get_lines() if len(line.get_xdata()) > 1]


def test_h_vcurve_draws_each_scheme_on_log_axes_and_marks_minimum():
    h = np.logspace(-10, 0, 11)
    forward = 1e-3 * h + 1e-16 / h
    central = 1e-3 * h ** 2 + 1e-16 / h
    ax = gradients.plot_h_vcurve(h, {"forward": forward, "central": central})
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    lines = _data_lines(ax)
    assert [line.get_label() for line in lines] == ["forward", "central"]
    np.testing.assert_allclose(lines[0].get_xdata(), h)
    np.testing.assert_allclose(lines[1].get_ydata(), central)
    stars = [line for line in ax.get_lines() if len(line.get_xdata()) == 1]
    assert [float(s.get_xdata()[0]) for s in stars] == [h[np.argmin(forward)], h[np.argmin(central)]]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["forward", "central"]


def test_h_vcurve_keeps_exact_zero_errors_visible():
    h = np.array([1e-3, 1e-2])
    ax = gradients.plot_h_vcurve(h, {"central": [0.0, 1e-5]})
    ydata = _data_lines(ax)[0].get_ydata()
    assert ydata[0] > 0 and ydata[1] == 1e-5


@pytest.mark.parametrize("h, errors", [
    (np.array([1e-3, -1e-2]), {"c": [1.0, 1.0]}),
    (np.array([1e-3, 1e-2]), {"c": [1.0, 1.0, 1.0]}),
])
def test_h_vcurve_rejects_bad_input(h, errors):
    with pytest.raises(ValueError, match="h|shape"):
        gradients.plot_h_vcurve(h, errors)


def test_plot_curves_uses_given_axes_and_x_values():
    fig, ax = plt.subplots()
    out = gradients.plot_curves({"a": [3, 2, 1], "b": [1, 2]}, ax=ax, x={"a": [0, 5, 10], "b": [1, 2]},
                                logy=True, title="t")
    assert out is ax
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "b"]
    np.testing.assert_allclose(lines[0].get_xdata(), [0, 5, 10])
    np.testing.assert_allclose(lines[1].get_ydata(), [1, 2])
    assert ax.get_yscale() == "log" and ax.get_title() == "t"
    assert lines[0].get_color() != lines[1].get_color()


def test_curve_panels_one_axes_per_panel_with_labels_and_log_x():
    panels = {"quadratic": {"w=0.6": [1.0, 0.5], "w=2": [1.0, 0.9]}, "cross-entropy": {"w=0.6": [2.0, 1.0]}}
    fig = gradients.plot_curve_panels(panels, ylabel={"quadratic": "C_quad", "cross-entropy": "C_ce"},
                                      sharey=False, logx={"cross-entropy": True},
                                      x={"quadratic": {"w=0.6": [1, 2], "w=2": [1, 2]},
                                         "cross-entropy": {"w=0.6": [1, 10]}})
    assert isinstance(fig, matplotlib.figure.Figure)
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == ["quadratic", "cross-entropy"]
    assert [len(ax.get_lines()) for ax in axes] == [2, 1]
    assert [ax.get_ylabel() for ax in axes] == ["C_quad", "C_ce"]
    assert axes[0].get_xscale() == "linear" and axes[1].get_xscale() == "log"
    np.testing.assert_allclose(axes[1].get_lines()[0].get_xdata(), [1, 10])


def test_delta_norms_plots_layers_from_one():
    ax = gradients.plot_delta_norms({"sigmoid": [1e-4, 1e-3, 1e-2], "relu": [1.0, 1.0, 1.0]})
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["sigmoid", "relu"]
    np.testing.assert_allclose(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(lines[0].get_ydata(), [1e-4, 1e-3, 1e-2])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "layer l"


def test_delta_norms_grid_one_panel_per_activation():
    table = {act: {"lecun": np.ones(4), "he": 2 * np.ones(4), "normal": np.ones(4)}
             for act in ("sigmoid", "tanh", "relu")}
    fig = gradients.plot_delta_norms_grid(table)
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == ["sigmoid", "tanh", "relu"]
    assert all(len(ax.get_lines()) == 3 for ax in axes)
    np.testing.assert_allclose(axes[2].get_lines()[1].get_ydata(), 2 * np.ones(4))
    assert axes[0].get_ylabel() and not axes[1].get_ylabel()


def test_activation_primes_draws_sigma_prime_of_z_and_the_quarter_line():
    z = np.linspace(-3, 3, 61)
    ax = gradients.plot_activation_primes(("sigmoid", "relu"), z=z)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["sigmoid'(z)", "relu'(z)", "1/4"]
    np.testing.assert_allclose(lines[0].get_ydata(), sigmoid_prime(z))
    np.testing.assert_allclose(lines[1].get_ydata(), relu_prime(z))
    np.testing.assert_allclose(lines[2].get_ydata(), [0.25, 0.25])


def test_activation_primes_rejects_softmax():
    with pytest.raises(ValueError, match="not elementwise"):
        gradients.plot_activation_primes(("softmax",))


def test_curves_take_the_shared_line_colours_in_order():
    ax = gradients.plot_curves({"a": [1, 2], "b": [2, 1], "c": [1, 1]})
    colours = [matplotlib.colors.to_hex(line.get_color()) for line in ax.get_lines()]
    assert colours == [c.lower() for c in LINE_COLOURS[:3]]


def test_outer_product_draws_delta_the_row_and_their_product_with_values():
    delta = np.array([[0.5], [-2.0]])
    a_prev = np.array([[1.0], [0.25], [-1.0]])
    grad_w = delta @ a_prev.T
    fig = gradients.plot_outer_product(delta, a_prev, grad_w)
    ax_delta, ax_row, ax_grad = fig.get_axes()
    np.testing.assert_allclose(ax_delta.get_images()[0].get_array(), delta)
    np.testing.assert_allclose(ax_row.get_images()[0].get_array(), a_prev.T)
    np.testing.assert_allclose(ax_grad.get_images()[0].get_array(), grad_w)
    assert [t.get_text() for t in ax_grad.texts] == [f"{v:.2g}" for v in grad_w.ravel()]
    # each panel's colour scale is symmetric about 0
    assert ax_grad.get_images()[0].get_clim() == (-2.0, 2.0)
    assert "(2, 1)" in ax_delta.get_ylabel() and "(1, 3)" in ax_row.get_title()
    assert "(2, 3)" in ax_grad.get_xlabel()


@pytest.mark.parametrize("delta, a_prev, grad_w, match", [
    (np.ones((2, 2)), np.ones((3, 1)), np.ones((2, 3)), "single columns"),
    (np.ones((2, 1)), np.ones((3, 1)), np.ones((3, 2)), r"grad_w must have shape .*\(2, 3\)"),
])
def test_outer_product_rejects_wrong_shapes(delta, a_prev, grad_w, match):
    with pytest.raises(ValueError, match=match):
        gradients.plot_outer_product(delta, a_prev, grad_w)


def test_importing_bpcore_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, bpcore; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
