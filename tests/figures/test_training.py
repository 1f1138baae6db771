"""bpcore.figures.training: what each figure draws, from plain data (no explorer).

A history is a real :class:`bpcore.train.History` or one written out by hand; a
sweep is a plain namespace with the fields the figures read. Every expected value
(limits, colours, labels, failure marks) comes from those inputs.
"""

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bpcore import init_network, train  # noqa: E402
from bpcore.datasets import moons, spiral, train_test_split  # noqa: E402
from bpcore.figures.style import CLASS_COLOURS, DIVERGED_COLOUR, TRAIN_COLOUR, VAL_COLOUR  # noqa: E402
from bpcore.figures.training import (plot_decision_boundary, plot_loss, plot_lr_grid,  # noqa: E402
                                     plot_lr_sweep, plot_training)
from bpcore.train import History  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _rgba(colour):
    return tuple(np.round(matplotlib.colors.to_rgba(colour), 6))


@pytest.fixture(scope="module")
def moons_run():
    """A (2, 6, 1) network trained 20 epochs on moons, with held-out data."""
    rng = np.random.default_rng(3)
    x, y = moons(rng, n=80, noise=0.1)
    x, y, x_val, y_val = train_test_split(x, y, rng)
    net = init_network([2, 6, 1], rng, init="xavier", hidden="tanh")
    net, history = train(net, x, y, "cross_entropy", eta=0.5, m=10, epochs=20, rng=4, x_val=x_val, y_val=y_val)
    return SimpleNamespace(net=net, history=history, x=x, y=y, x_val=x_val, y_val=y_val)


# --------------------------------------------------------------------------- decision boundary


def test_decision_boundary_covers_the_data_with_one_scatter_per_class(moons_run):
    r = moons_run
    ax = plot_decision_boundary(r.net, r.x, r.y, x_val=r.x_val, y_val=r.y_val, title="moons")
    points = np.hstack([r.x, r.x_val])
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < points[0].min() and points[0].max() < x1 and y0 < points[1].min() and points[1].max() < y1
    assert ax.get_images()[0].get_extent() == [x0, x1, y0, y1]
    assert ax.get_title() == "moons" and (ax.get_xlabel(), ax.get_ylabel()) == ("x₁", "x₂")
    train_0, train_1, val_0, val_1 = ax.collections[-4:]
    labels = r.y[0].astype(int)
    np.testing.assert_allclose(train_1.get_offsets(), r.x[:, labels == 1].T)
    # training points are filled in the class colour, held-out points hollow with a class-colour edge
    assert _rgba(train_0.get_facecolor()[0]) == _rgba(CLASS_COLOURS[0])
    assert _rgba(train_1.get_facecolor()[0]) == _rgba(CLASS_COLOURS[1])
    assert len(val_1.get_facecolor()) == 0 or val_1.get_facecolor()[0][3] == 0
    assert _rgba(val_1.get_edgecolor()[0]) == _rgba(CLASS_COLOURS[1])
    assert [t.get_label() for t in (train_0, train_1)] == ["class 0", "class 1"]
    assert not val_0.get_label().startswith("class")


def test_decision_boundary_draws_the_half_contour_for_two_classes_only(moons_run):
    r = moons_run
    ax = plot_decision_boundary(r.net, r.x, r.y, resolution=40)
    contours = [c for c in ax.collections if isinstance(c, matplotlib.contour.ContourSet)]
    assert len(contours) == 1 and list(contours[0].levels) == [0.5]
    rng = np.random.default_rng(5)
    x, y = spiral(rng, n=60)
    net = init_network([2, 5, 3], rng, hidden="tanh", output="softmax")
    ax = plot_decision_boundary(net, x, y, resolution=30)
    assert not any(isinstance(c, matplotlib.contour.ContourSet) for c in ax.collections)
    assert [c.get_label() for c in ax.collections] == ["class 0", "class 1", "class 2"]


def test_decision_boundary_draws_into_the_given_axes(moons_run):
    fig, (left, right) = plt.subplots(1, 2)
    out = plot_decision_boundary(moons_run.net, moons_run.x, moons_run.y, ax=right, resolution=20)
    assert out is right and not left.get_images() and right.get_images()


# --------------------------------------------------------------------------- loss curves


def test_loss_draws_training_and_held_out_on_a_log_axis(moons_run):
    h = moons_run.history
    ax = plot_loss(h, epochs=30)
    train_line, val_line = ax.get_lines()
    np.testing.assert_allclose(train_line.get_xdata(), np.arange(1, 21))
    np.testing.assert_allclose(train_line.get_ydata(), h.loss)
    np.testing.assert_allclose(val_line.get_ydata(), h.val_loss)
    assert train_line.get_color() == TRAIN_COLOUR and val_line.get_color() == VAL_COLOUR
    assert val_line.get_linestyle() == "--"
    assert ax.get_yscale() == "log" and ax.get_xlim() == (0, 30.5)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training", "held-out"]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Loss", "epoch", "mean cost")


def test_loss_marks_eta_changes_and_divergence():
    h = History(eta=10.0, m=5, loss=[0.7, 0.9, 4.0], diverged=True)
    ax = plot_loss(h, eta_changes=[(2, 10.0)], title="")
    lines = ax.get_lines()
    assert len(lines) == 2 and list(lines[1].get_xdata()) == [2.5, 2.5]   # training, then the η mark
    texts = [t.get_text() for t in ax.texts]
    assert "η → 10" in texts
    note = next(t for t in ax.texts if t.get_text().startswith("diverged"))
    assert note.get_text() == "diverged in epoch 4 (η = 10)" and note.get_color() == DIVERGED_COLOUR
    assert ax.get_xlim() == (0, 3.5) and ax.get_title() == ""


def test_loss_of_an_untrained_run_is_an_empty_linear_axis():
    ax = plot_loss(History(eta=0.1, m=10))
    assert ax.get_lines() == [] and ax.get_legend() is None and ax.get_yscale() == "linear"
    assert ax.get_xlim() == (0, 1.5) and not ax.texts


def test_training_figure_has_the_boundary_with_accuracy_and_the_loss_with_eta_and_m(moons_run):
    r = moons_run
    fig = plot_training(r.net, r.history, r.x, r.y, r.x_val, r.y_val, title="moons")
    boundary, loss = fig.get_axes()
    assert boundary.get_title() == f"moons · accuracy {100 * r.history.accuracy[-1]:.0f} %"
    assert loss.get_title() == "Loss (η = 0.5, m = 10)"
    assert boundary.get_images() and len(loss.get_lines()) == 2


# --------------------------------------------------------------------------- sweeps


def _sweep():
    """Four learning rates: two fine, one whose loss rose, one that diverged."""
    return SimpleNamespace(
        etas=np.array([0.01, 0.1, 1.0, 10.0]),
        final_loss=np.array([0.5, 0.2, 0.9, np.nan]),
        final_val_loss=np.array([0.55, 0.25, 0.95, np.nan]),
        diverged=np.array([False, False, False, True]),
        rose=np.array([False, False, True, False]),
        start_loss=0.7,
    )


def test_sweep_marks_divergence_at_the_top_and_rises_with_triangles():
    sweep = _sweep()
    ax = plot_lr_sweep(sweep, current_eta=0.1)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    by_label = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(by_label["training, final"].get_xdata(), [0.01, 0.1])
    np.testing.assert_allclose(by_label["training, final"].get_ydata(), [0.5, 0.2])
    np.testing.assert_allclose(by_label["held-out, final"].get_ydata(), [0.55, 0.25])
    top = 0.95 * 3
    assert by_label["diverged"].get_marker() == "x" and by_label["diverged"].get_color() == DIVERGED_COLOUR
    np.testing.assert_allclose(by_label["diverged"].get_xydata(), [[10.0, top]])
    assert by_label["loss rose"].get_marker() == "^"
    np.testing.assert_allclose(by_label["loss rose"].get_xydata(), [[1.0, 0.9]])
    np.testing.assert_allclose(by_label["loss at the start"].get_ydata(), [0.7, 0.7])
    assert any(list(line.get_xdata()) == [0.1, 0.1] for line in ax.get_lines())   # current η
    np.testing.assert_allclose(ax.get_ylim(), (0.2 / 2, top * 40))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "diverged" in legend and "loss rose" in legend


def test_sweep_without_failures_has_no_failure_marks():
    sweep = _sweep()
    sweep.diverged[:] = sweep.rose[:] = False
    sweep.final_loss[-1] = sweep.final_val_loss[-1] = 1.5
    labels = [line.get_label() for line in plot_lr_sweep(sweep).get_lines()]
    assert "diverged" not in labels and "loss rose" not in labels


def _grid_sweep(moons_run):
    """Two runs of the grid: the trained one and a diverged one (the initial network, no history left)."""
    r = moons_run
    data = SimpleNamespace(x=r.x, y=r.y, x_val=r.x_val, y_val=r.y_val)
    good = SimpleNamespace(eta=0.5, net=r.net, history=r.history, start_loss=0.8, target=20, data=data)
    diverged = History(eta=10.0, m=10, loss=[0.8, 30.0], val_loss=[0.8, 31.0], diverged=True)
    bad = SimpleNamespace(eta=10.0, net=r.net, history=diverged, start_loss=0.8, target=20, data=data)
    return SimpleNamespace(runs=[good, bad])


def test_grid_has_a_boundary_over_a_loss_per_eta_with_shared_limits(moons_run):
    sweep = _grid_sweep(moons_run)
    fig = plot_lr_grid(sweep)
    axes = fig.get_axes()
    assert len(axes) == 4
    top, bottom = axes[:2], axes[2:]
    acc = 100 * moons_run.history.accuracy[-1]
    assert top[0].get_title() == f"η = 0.5: {acc:.0f} %" and top[1].get_title() == "η = 10: diverged"
    assert all(ax.get_images() and not ax.get_xticks().size for ax in top)
    lo = 10.0 ** np.floor(np.log10(min(moons_run.history.loss + moons_run.history.val_loss)))
    assert bottom[0].get_ylim() == bottom[1].get_ylim() == (lo, 100.0)
    assert bottom[1].get_legend() is None and bottom[0].get_legend() is not None
    assert any(t.get_text().startswith("diverged in epoch 3") for t in bottom[1].texts)


def test_grid_picks_runs_by_eta_and_says_which_exist(moons_run):
    sweep = _grid_sweep(moons_run)
    fig = plot_lr_grid(sweep, etas=[10.0])
    assert len(fig.get_axes()) == 2 and "diverged" in fig.get_axes()[0].get_title()
    with pytest.raises(ValueError, match=r"the sweep has η = \[0.5, 10.0\]; asked for \[1.0\]"):
        plot_lr_grid(sweep, etas=[1.0])


def test_grid_status_says_when_the_loss_rose(moons_run):
    sweep = _grid_sweep(moons_run)
    sweep.runs[0].start_loss = moons_run.history.loss[-1] / 2
    assert plot_lr_grid(sweep, etas=[0.5]).get_axes()[0].get_title().endswith("%, loss rose")


def test_training_figures_do_not_need_the_explorer():
    import subprocess
    import sys

    code = ("import sys, bpcore.figures.training, bpcore.figures.gradients; "
            "print(sorted(m for m in sys.modules if m.startswith(('bpcore.explore', 'bpcore.widgets', 'ipywidgets'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
