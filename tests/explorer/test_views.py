"""The live views: what they draw is what bpcore.figures.style computes from the run."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bpcore.explorer.run import Run, lr_sweep  # noqa: E402
from bpcore.explorer.settings import Settings  # noqa: E402
from bpcore.explorer.views import ExplorerCanvas, ExplorerViews, explorer_figure  # noqa: E402
from bpcore.figures.style import boundary_grid, boundary_image, decade_range  # noqa: E402
from bpcore.network import Network, init_network  # noqa: E402
from bpcore.train import class_labels  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"
SMALL = dict(n=60, width=6, epochs=30)
DIVERGES = dict(dataset="moons", activation="leaky_relu", cost="cross_entropy", eta=10.0,
                batch_size=None, epochs=30)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _trained(**settings):
    run = Run(Settings(**settings))
    run.advance(run.target)
    return run


def _png_size(data):
    assert data.startswith(PNG)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_the_boundary_and_the_points_are_drawn_through_the_style():
    run = _trained(**SMALL)
    views = ExplorerViews(plt.figure(), resolution=30)
    views.update(run)
    d = run.data
    extent, probs = boundary_grid(run.net, np.hstack([d.x, d.x_val]), 30)
    np.testing.assert_array_equal(views.image.get_array(), boundary_image(probs))
    assert views.contour is not None  # two classes, and the boundary crosses the picture
    drawn = np.vstack([c.get_offsets() for c in views.points])
    assert drawn.shape == (d.N + d.x_val.shape[1], 2)
    labels = class_labels(d.y)
    first = views.points[0].get_offsets()  # class 0 of the training points, filled
    np.testing.assert_array_equal(first, d.x[:, labels == 0].T)
    assert views.ax_b.get_xlim() == pytest.approx((extent[0], extent[1]))


def test_the_loss_view_shows_the_history_on_decade_limits_and_marks_eta_changes():
    run = _trained(**SMALL)
    run.set_eta(1.0)
    run.target += 5
    run.advance(5)
    views = ExplorerViews(plt.figure())
    views.update(run)
    h = run.history
    assert list(views.line_train.get_ydata()) == h.loss and list(views.line_val.get_ydata()) == h.val_loss
    assert views.ax_l.get_ylim() == pytest.approx(decade_range(h.loss + h.val_loss + [run.start_loss]))
    assert views.loss_title.get_text() == f"Loss (η = 1, m = {run.m})"
    assert any(t.get_text() == "η → 1" for t in views.ax_l.texts) and views.note.get_text() == ""


def test_a_diverged_run_is_marked_with_its_epoch_and_eta():
    run = _trained(**DIVERGES)
    assert run.diverged
    views = ExplorerViews(plt.figure())
    views.update(run)
    assert views.note.get_text() == f"diverged in epoch {run.epoch + 1} (η = 10)"


def test_three_classes_get_no_contour_and_the_sweep_gets_a_panel():
    run = _trained(dataset="spiral", **SMALL)
    views = ExplorerViews(plt.figure())
    views.update(run)
    assert views.contour is None and len(views.fig.axes) == 2
    sweep = lr_sweep(run.settings, [0.1, 1.0])
    views.update(run, sweep)
    assert len(views.fig.axes) == 3 and views.ax_s.get_xscale() == "log"


def test_canvas_renders_png_and_blits_when_only_the_moving_parts_change():
    run = Run(Settings(**SMALL))
    canvas = ExplorerCanvas()
    first = canvas.render(run)
    assert _png_size(first) == (640, 240) and canvas.full_draws == 1
    run.advance(1)
    second = canvas.render(run)  # same limits and titles: a blit
    assert canvas.blits == 1 and second != first
    wide = canvas.render(run, lr_sweep(run.settings, [0.1, 1.0]))
    assert _png_size(wide)[0] > 640 and canvas.full_draws == 2


def test_the_static_figure_draws_the_same_views():
    run = _trained(**SMALL)
    fig = explorer_figure(run)
    assert len(fig.axes) == 2
    assert "Loss (η = 0.1, m = 10)" in [t.get_text() for t in fig.axes[1].texts]
    assert fig.axes[0].get_title().startswith(f"epoch 30 · accuracy {100 * run.history.accuracy[-1]:.0f} %")
    assert len(explorer_figure(run, lr_sweep(run.settings, [0.1])).axes) == 3


# ---------------------------------------------------------------- the style the views draw with
def test_boundary_grid_covers_the_data_and_gives_probabilities():
    x = np.array([[-1.0, 2.0, 0.5], [0.0, 1.0, -3.0]])
    net = init_network([2, 3], 0, output="softmax", hidden="tanh")
    extent, probs = boundary_grid(net, x, resolution=21)
    assert probs.shape == (3, 21, 21) and np.allclose(probs.sum(axis=0), 1)
    assert extent[0] < -1 and extent[1] > 2 and extent[2] < -3 and extent[3] > 1
    # One sigmoid output deciding on the sign of x1: probabilities [1 - a, a] flip across x1 = 0.
    w = [None, np.array([[50.0, 0.0]])]
    b = [None, np.zeros((1, 1))]
    step = Network((2, 1), w, b, "sigmoid", "sigmoid")
    extent, probs = boundary_grid(step, np.array([[-1.0, 1.0], [-1.0, 1.0]]), resolution=10)
    assert probs.shape == (2, 10, 10)
    assert np.all(probs[1][:, :5] < 0.01) and np.all(probs[1][:, 5:] > 0.99)


def test_decade_range_rounds_out_to_powers_of_ten():
    assert decade_range([0.03, 0.5]) == pytest.approx((0.01, 1.0))
    assert decade_range([0.1]) == pytest.approx((0.1, 1.0))
    assert decade_range([float("nan"), -1.0, 0.0]) == (0.1, 1.0)
    assert decade_range([2.0, float("inf")]) == pytest.approx((1.0, 10.0))



def test_static_grid_and_sweep_plots_of_an_explorer_sweep_mark_failures():
    from bpcore.figures.training import plot_loss, plot_lr_grid, plot_lr_sweep

    sweep = lr_sweep(Settings(**SMALL, activation="leaky_relu", batch_size=None), [0.1, 10.0])
    assert sweep.diverged[-1]
    fig = plot_lr_grid(sweep)
    assert len(fig.axes) == 4 and "diverged" in fig.axes[1].get_title()
    with pytest.raises(ValueError, match="asked for"):
        plot_lr_grid(sweep, etas=[1.0])
    ax = plot_lr_sweep(sweep, current_eta=0.1)
    assert ax.get_xscale() == "log" and "diverged" in [t.get_text() for t in ax.get_legend().get_texts()]
    ax = plot_loss(sweep.runs[1].history)
    assert any("diverged in epoch" in t.get_text() for t in ax.texts)
