"""The live views: what they draw is what bpcore.figures.style computes from the run."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bpcore.explorer.run import Run, lr_sweep  # noqa: E402
from bpcore.explorer.settings import Settings  # noqa: E402
from bpcore.explorer.numbers import REGIME_COLOURS  # noqa: E402
from bpcore.explorer.run import SweepResult  # noqa: E402
from bpcore.explorer.settings import SWEEP_ETAS  # noqa: E402
from bpcore.explorer.views import FONT, WIDTH, ExplorerCanvas, ExplorerViews, explorer_figure  # noqa: E402
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
    assert views.loss_title.get_text() == f"Loss (η = 0.1 → 1 from epoch 31, m = {run.m})"
    assert any(t.get_text() == "η → 1" for t in views.ax_l.texts)
    assert views.note.get_text() == run.regime and views.note.get_color() == REGIME_COLOURS[run.regime]


def test_a_diverged_run_is_marked_with_its_epoch_and_eta():
    run = _trained(**DIVERGES)
    assert run.diverged
    views = ExplorerViews(plt.figure())
    views.update(run)
    assert views.note.get_text() == f"diverging: blew up in epoch {run.epoch + 1}"
    assert views.note.get_color() == REGIME_COLOURS["diverging"]


def test_three_classes_get_no_contour_and_the_sweep_gets_a_panel():
    run = _trained(dataset="spiral", **SMALL)
    views = ExplorerViews(plt.figure())
    views.update(run)
    assert views.contour is None and len(views.fig.axes) == 2
    sweep = lr_sweep(run.settings, [0.1, 1.0])
    views.update(run, sweep)
    assert len(views.fig.axes) == 3 and views.ax_s.get_xscale() == "log"
    # The sweep is a row of its own, the full width below the boundary and the loss.
    assert views.ax_s.get_position().y1 < views.ax_b.get_position().y0
    assert views.ax_s.get_position().width > 0.8


def test_canvas_renders_png_and_blits_when_only_the_moving_parts_change():
    run = Run(Settings(**SMALL))
    canvas = ExplorerCanvas()
    first = canvas.render(run)
    width, height = _png_size(first)
    assert width == round(WIDTH * canvas.fig.dpi) and canvas.full_draws == 1
    run.advance(1)
    second = canvas.render(run)  # same limits and titles: a blit
    assert canvas.blits == 1 and second != first
    tall = canvas.render(run, lr_sweep(run.settings, [0.1, 1.0]))
    assert _png_size(tall)[0] == width and _png_size(tall)[1] > 1.5 * height and canvas.full_draws == 2


def test_the_static_figure_draws_the_same_views():
    run = _trained(**SMALL)
    fig = explorer_figure(run)
    assert len(fig.axes) == 2
    assert "Loss (η = 0.1, m = 10)" in [t.get_text() for t in fig.axes[1].texts]
    assert fig.axes[0].get_title() == f"epoch 30 · accuracy {100 * run.history.accuracy[-1]:.0f} %"
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


# ---------------------------------------------------------------- readable: sizes, fonts, nothing clipped
def _scenarios():
    """Runs and sweeps that stretch the layout: mixed η, divergence, three classes, the whole sweep grid."""
    mixed = _trained(**SMALL)
    mixed.set_eta(3.0)
    mixed.target += 30
    mixed.advance(30)
    blown = _trained(**DIVERGES, n=60)
    spiral = _trained(dataset="spiral", **SMALL)
    grid = lr_sweep(Settings(**SMALL), SWEEP_ETAS)
    return [(mixed, None), (blown, lr_sweep(blown.settings, [0.01, 10.0, 100.0])), (spiral, grid),
            (_trained(**SMALL), grid)]


def _drawn_tick_labels(axis):
    """The tick labels matplotlib draws: those whose tick lies inside the axis' view limits."""
    lo, hi = sorted(axis.get_view_interval())
    return [tick.label1 for tick in axis.get_major_ticks() if tick.label1.get_visible() and tick.label1.get_text()
            and lo * (1 - 1e-9) <= tick.get_loc() <= hi * (1 + 1e-9)]


def _drawn_texts(fig, renderer):
    """Every non-empty visible text of the figure, tick labels only where drawn."""
    tick_labels = {id(tick.label1) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
                   for tick in axis.get_major_ticks() + axis.get_minor_ticks()}
    others = [t for t in fig.findobj(matplotlib.text.Text) if id(t) not in tick_labels and t.get_visible()
              and t.get_text().strip() and t.get_window_extent(renderer).width > 0]
    return others + [t for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) for t in _drawn_tick_labels(axis)]


@pytest.mark.parametrize("case", range(4))
def test_every_text_is_at_least_9_pt_and_inside_the_picture(case):
    run, sweep = _scenarios()[case]
    canvas = ExplorerCanvas()
    canvas.render(run, sweep)
    fig = canvas.fig
    renderer = canvas.canvas.get_renderer()
    box = fig.bbox
    texts = _drawn_texts(fig, renderer)
    ticks = [t for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) for t in _drawn_tick_labels(axis)]
    assert len(ticks) >= 8 and set(map(id, ticks)) <= set(map(id, texts))  # the scan sees the tick labels
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 9]
    assert not small, f"text below 9 pt: {small}"
    clipped = []
    for t in texts:
        ext = t.get_window_extent(renderer)
        if ext.x0 < box.x0 - 0.5 or ext.x1 > box.x1 + 0.5 or ext.y0 < box.y0 - 0.5 or ext.y1 > box.y1 + 0.5:
            clipped.append(t.get_text())
    assert not clipped, f"clipped at the picture's edge: {clipped}"
    assert min(FONT.values()) >= 9


def test_the_panels_are_large_enough_to_read():
    run, sweep = _scenarios()[3]
    canvas = ExplorerCanvas(dpi=96)  # about the CSS pixels of the notebook's output at 1024 px
    canvas.render(run, sweep)
    renderer = canvas.canvas.get_renderer()
    for ax, (w, h) in ((canvas.views.ax_b, (200, 160)), (canvas.views.ax_l, (230, 160)),
                       (canvas.views.ax_s, (450, 150))):
        ext = ax.get_window_extent(renderer)
        assert ext.width >= w and ext.height >= h, (ax, ext)
    # No two panels overlap, labels included.
    boxes = [ax.get_tightbbox(renderer) for ax in canvas.fig.axes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)


def test_the_sweep_marks_the_edge_of_stability_and_each_regime():
    run = _trained(**SMALL)
    sweep = lr_sweep(run.settings, [0.01, 1.0, 30.0, 100.0])
    views = ExplorerViews(plt.figure())
    views.update(run, sweep)
    ax = views.ax_s
    edge = [line for line in ax.lines if line.get_label().startswith("2/λ_max")]
    assert len(edge) == 1 and edge[0].get_xdata()[0] == pytest.approx(sweep.eta_edge)
    assert edge[0].get_label() == f"2/λ_max = {sweep.eta_edge:.3g}"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for regime in set(sweep.regimes):
        assert regime in legend
        marker = next(line for line in ax.lines if line.get_label() == regime)
        assert marker.get_color() == REGIME_COLOURS[regime]
        assert len(marker.get_xdata()) == sweep.regimes.count(regime)
    assert ax.get_xlim()[0] < min(sweep.etas) and ax.get_xlim()[1] > max(sweep.etas)


def test_a_sweep_stopped_early_is_drawn_and_says_so():
    run = _trained(**SMALL)
    full = lr_sweep(run.settings, [0.01, 0.1, 1.0])
    partial = SweepResult.from_runs(full.runs[:2], full.eta_edge, complete=False)
    views = ExplorerViews(plt.figure())
    views.update(run, partial)
    assert "stopped early" in views.ax_s.get_title(loc="left")
