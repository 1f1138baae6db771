"""Training views: loss curves, decision boundaries, learning-rate sweeps and grids.

Every function draws numbers computed elsewhere (:mod:`bpcore.train`,
:mod:`bpcore.explorer`) and returns the ``Axes`` or ``Figure`` it drew on, so a
test can inspect it. Pass ``ax=`` to draw into an existing axes; without it a
new pyplot figure is made, which a notebook shows with ``plt.show()``. The
explorer's live views are :mod:`bpcore.explorer.views`.

Colours are the Okabe–Ito palette (safe for the common colour-vision
deficiencies); classes also differ by marker shape and the held-out curve by
line style, so nothing relies on colour alone.

matplotlib is imported only in plotting modules (this one and
:mod:`bpcore.gradplots`), never by ``import bpcore``.

Used by ``notebooks/07_training_on_toy_data.ipynb`` and :mod:`bpcore.explorer.views`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .figures.style import (CLASS_COLOURS, CLASS_MARKERS, DIVERGED_COLOUR, OKABE_ITO, TRAIN_COLOUR,
                            VAL_COLOUR, boundary_grid, boundary_image, plain_log_ticks)
from .train import class_labels

__all__ = [
    "OKABE_ITO",
    "CLASS_COLOURS",
    "TRAIN_COLOUR",
    "VAL_COLOUR",
    "boundary_image",
    "plot_decision_boundary",
    "plot_loss",
    "plot_training",
    "plot_lr_sweep",
    "plot_lr_grid",
]

def _axes(ax, figsize=(5, 3.5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_decision_boundary(net, x, y, ax=None, x_val=None, y_val=None, resolution: int = 100,
                           title=None):
    """The network's decision regions over the data.

    Background: class colours mixed by the network's probabilities, with the
    0.5 contour (two classes) drawn as a black line. Points: training data as
    filled markers, held-out data as hollow ones, one marker shape per class.

    Parameters
    ----------
    net : Network with 2 inputs
    x : ndarray (2, N); y : ndarray (1, N) of 0/1 or (k, N) one-hot
    x_val, y_val : optional held-out data, same layout
    resolution : grid points per side

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (4, 3.5))
    pts = x if x_val is None else np.hstack([x, x_val])
    extent, probs = boundary_grid(net, pts, resolution)
    ax.imshow(boundary_image(probs), origin="lower", extent=extent, aspect="auto",
              interpolation="nearest")
    if probs.shape[0] == 2:
        g0 = np.linspace(extent[0], extent[1], resolution)
        g1 = np.linspace(extent[2], extent[3], resolution)
        if probs[1].min() < 0.5 < probs[1].max():
            ax.contour(g0, g1, probs[1], levels=[0.5], colors="k", linewidths=1.0)
    for xs, ys, hollow in ((x, y, False), (x_val, y_val, True)):
        if xs is None:
            continue
        labels = class_labels(ys)
        for k in range(int(max(labels.max(initial=0) + 1, probs.shape[0]))):
            sel = labels == k
            if not sel.any():
                continue
            colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
            ax.scatter(xs[0, sel], xs[1, sel], s=16, marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
                       facecolors="none" if hollow else colour, edgecolors=colour if hollow else "k",
                       linewidths=0.8 if hollow else 0.4,
                       label=f"class {k}" if not hollow else None)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    if title:
        ax.set_title(title)
    return ax


def plot_loss(history, ax=None, eta_changes=(), title=None, epochs=None):
    """Training and held-out loss per epoch, on a log scale.

    Parameters
    ----------
    history : bpcore.train.History
    eta_changes : sequence of (epoch, eta)
        Dotted vertical lines where the learning rate was changed mid-run.
    epochs : int, optional
        Fix the x-axis to 0..epochs (so a streaming curve does not rescale).

    A diverged run gets a note naming the epoch and η.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    n = len(history.loss)
    e = np.arange(1, n + 1)
    if n:
        ax.plot(e, history.loss, color=TRAIN_COLOUR, lw=1.6, label="training")
        if history.val_loss:
            ax.plot(e, history.val_loss, color=VAL_COLOUR, lw=1.6, ls="--", label="held-out")
        finite = [v for v in list(history.loss) + list(history.val_loss) if np.isfinite(v) and v > 0]
        if finite:
            ax.set_yscale("log")
            plain_log_ticks(ax.yaxis, subs=(1.0, 3.0))
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    for epoch, eta in eta_changes:
        ax.axvline(epoch + 0.5, color=OKABE_ITO["black"], ls=":", lw=1)
        ax.annotate(f"η → {eta:.3g}", (epoch + 0.5, 0.95), xycoords=("data", "axes fraction"),
                    fontsize=8, ha="left", va="top")
    if history.diverged:
        ax.text(0.03, 0.05, f"diverged in epoch {n + 1} (η = {history.eta:.3g})",
                transform=ax.transAxes, color=DIVERGED_COLOUR, fontsize=9, fontweight="bold")
    ax.set_xlim(0, max(epochs or 0, n, 1) + 0.5)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean cost")
    ax.set_title("Loss" if title is None else title)
    return ax


def plot_training(net, history, x, y, x_val=None, y_val=None, title=None, eta_changes=()):
    """Decision boundary (left) and loss curves (right) for one trained network.

    Returns
    -------
    matplotlib Figure
    """
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(9, 3.5))
    acc = history.accuracy[-1] if history.accuracy else None
    head = f"{title} · " if title else ""
    plot_decision_boundary(net, x, y, ax=ax0, x_val=x_val, y_val=y_val,
                           title=f"{head}accuracy {100 * acc:.0f} %" if acc is not None else title)
    plot_loss(history, ax=ax1, eta_changes=eta_changes,
              title=f"Loss (η = {history.eta:.3g}, m = {history.m})")
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.25)  # fixed: no layout pass
    return fig


def plot_lr_sweep(sweep, ax=None, current_eta=None):
    """Final loss against η on a log–log scale, marking where training failed.

    Runs that diverged are drawn as × at the top edge, runs whose loss ended
    above where it started as ▲; the dashed line is the starting loss.

    Parameters
    ----------
    sweep : bpcore.explorer.SweepResult
    current_eta : float, optional, drawn as a dotted vertical line

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    etas = np.asarray(sweep.etas)
    ok = ~(sweep.diverged | sweep.rose)
    ax.plot(etas[ok], sweep.final_loss[ok], "o-", color=TRAIN_COLOUR, lw=1.4, ms=5,
            label="training, final")
    ax.plot(etas[ok], sweep.final_val_loss[ok], "s--", color=VAL_COLOUR, lw=1.2, ms=4,
            mfc="none", label="held-out, final")
    ax.axhline(sweep.start_loss, color="0.4", ls="--", lw=0.8, label="loss at the start")
    finite = np.concatenate([sweep.final_loss, sweep.final_val_loss, [sweep.start_loss]])
    finite = finite[np.isfinite(finite) & (finite > 0)]
    top = float(finite.max()) * 3 if finite.size else 1.0
    if sweep.diverged.any():
        ax.plot(etas[sweep.diverged], np.full(sweep.diverged.sum(), top), "x", color=DIVERGED_COLOUR,
                ms=9, mew=2, label="diverged")
    if sweep.rose.any():
        ax.plot(etas[sweep.rose], np.minimum(sweep.final_loss[sweep.rose], top), "^",
                color=DIVERGED_COLOUR, ms=7, label="loss rose")
    if current_eta is not None:
        ax.axvline(current_eta, color=OKABE_ITO["black"], ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_ticks(ax.xaxis)
    plain_log_ticks(ax.yaxis, subs=(1.0, 3.0))
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("mean cost after training")
    ax.set_title("Learning-rate sweep (same initial weights)")
    if finite.size:  # headroom above the markers for the legend
        ax.set_ylim(finite.min() / 2, top * 40)
    ax.legend(fontsize=7, frameon=False, loc="upper left", ncol=2, columnspacing=0.8,
              handlelength=1.6)
    return ax


def plot_lr_grid(sweep, etas=None, figsize=(10, 4)):
    """A grid: one column per η, decision boundary above, loss curves below.

    The static stand-in for moving the learning-rate slider (handouts).

    Parameters
    ----------
    sweep : bpcore.explorer.SweepResult (its ``runs`` hold networks and histories)
    etas : sequence of float, optional
        Show only the runs with these learning rates (default: all).

    Returns
    -------
    matplotlib Figure
    """
    runs = sweep.runs
    if etas is not None:
        runs = [r for r in runs if np.any(np.isclose(r.eta, etas, rtol=1e-9))]
        if len(runs) != len(etas):
            raise ValueError(f"the sweep has η = {[float(r.eta) for r in sweep.runs]}; asked for {list(etas)}")
    fig, axes = plt.subplots(2, len(runs), figsize=figsize, squeeze=False,
                             gridspec_kw={"height_ratios": [1.15, 1]})
    ylim = _decade_range([v for r in runs for v in r.history.loss + r.history.val_loss + [r.start_loss]])
    for j, run in enumerate(runs):
        d, h = run.data, run.history
        if h.diverged:
            status = "diverged"
        elif h.accuracy and h.accuracy[-1] is not None:
            status = f"{100 * h.accuracy[-1]:.0f} %" + (", loss rose" if h.loss[-1] > run.start_loss else "")
        else:
            status = f"loss {h.loss[-1]:.2g}" if h.loss else "untrained"
        ax = plot_decision_boundary(run.net, d.x, d.y, ax=axes[0, j], x_val=d.x_val, y_val=d.y_val,
                                    resolution=60, title=f"η = {run.eta:.3g}: {status}")
        ax.set_xlabel("")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel("")
        ax = plot_loss(h, ax=axes[1, j], epochs=run.target, title="")
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
        ax.set_ylim(*ylim)
        if j:
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
        if ax.get_legend() is not None and j:
            ax.get_legend().remove()
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.1, top=0.93, wspace=0.12, hspace=0.28)
    return fig


def _decade_range(values):
    """(lo, hi) powers of ten around the positive finite values: the loss axis's limits.

    The limits only change when the curve crosses a decade, so most streamed
    frames keep the axes (and the cached background) as they were.
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return 0.1, 1.0
    lo = 10.0 ** np.floor(np.log10(values.min()))
    hi = 10.0 ** np.ceil(np.log10(values.max() * 1.0001))
    return lo, max(hi, lo * 10)
