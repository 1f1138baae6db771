"""The explorer's live views: decision boundary, loss curves and η sweep, frame after frame.

:class:`ExplorerViews` draws a :class:`~bpcore.explorer.run.Run` into a figure and
updates its artists in place. :class:`ExplorerCanvas` is the live explorer's
figure: a plain ``matplotlib.figure.Figure`` on the Agg canvas (not registered
with pyplot, so nothing is shown twice) rendered to PNG bytes for an
``ipywidgets.Image``. :func:`explorer_figure` draws the same views as a static
pyplot figure, for handouts and printed copies.

The boundary and the points are drawn through :mod:`bpcore.figures.style`, like
the static figures, so the two never disagree.

Used by ``notebooks/07_training_on_toy_data.ipynb`` (through :mod:`bpcore.explorer.widget`).
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..figures.style import (DIVERGED_COLOUR, OKABE_ITO, TRAIN_COLOUR, VAL_COLOUR, boundary_grid,
                             boundary_image, decade_range, plain_log_ticks, scatter_classes)
from ..figures.training import plot_lr_sweep

__all__ = ["ExplorerViews", "ExplorerCanvas", "explorer_figure"]


class ExplorerViews:
    """The explorer's views drawn into a figure, updated in place frame after frame.

    Left: the decision boundary over the training (filled markers) and
    held-out (hollow markers) points. Middle: training and held-out loss per
    epoch on a log scale, with η changes and divergence marked. Right (once a
    sweep exists): final loss against η.

    Artists are made once and updated; :meth:`update` returns a key of
    everything that is not redrawn every frame (axes limits, titles, data),
    so :class:`ExplorerCanvas` can keep a cached background and redraw only
    the moving parts (see ``benchmarks/widget_latency.py``).

    Parameters
    ----------
    fig : matplotlib Figure (pyplot's or a plain one)
    resolution : decision-boundary grid points per side
    """

    def __init__(self, fig, resolution: int = 60):
        self.fig = fig
        self.resolution = resolution
        self._layout = None

    def _build(self, with_sweep: bool):
        fig = self.fig
        fig.clear()
        n = 3 if with_sweep else 2
        axes = fig.subplots(1, n, gridspec_kw={"width_ratios": [1, 1.2, 1.2][:n]})
        fig.subplots_adjust(left=0.04 if n == 2 else 0.03, right=0.985, bottom=0.15, top=0.86,
                            wspace=0.25 if n == 2 else 0.3)
        self.ax_b, self.ax_l = axes[0], axes[1]
        self.ax_s = axes[2] if with_sweep else None
        ax = self.ax_b
        self.image = ax.imshow(np.ones((2, 2, 3)), origin="lower", aspect="auto",
                               interpolation="nearest", extent=(0, 1, 0, 1))
        self.contour = None
        self.points = []
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("x₁", labelpad=1)
        ax.set_ylabel("x₂", labelpad=1)
        ax.set_title("filled: training · hollow: held-out", fontsize=9)
        ax = self.ax_l
        self.line_train, = ax.plot([], [], color=TRAIN_COLOUR, lw=1.6, label="training")
        self.line_val, = ax.plot([], [], color=VAL_COLOUR, lw=1.6, ls="--", label="held-out")
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis, subs=(1.0, 3.0))
        ax.set_xlabel("epoch", labelpad=1)
        ax.set_ylabel("mean cost", labelpad=1)
        ax.legend(loc="lower left", fontsize=8, frameon=False, handlelength=1.8)
        self.note = ax.text(0.03, 0.93, "", transform=ax.transAxes, color=DIVERGED_COLOUR,
                            fontsize=9, fontweight="bold", va="top")
        self.loss_title = ax.text(0.0, 1.02, "", transform=ax.transAxes, fontsize=10, ha="left",
                                  va="bottom")
        self.marks = []
        self._layout, self._data, self._marks, self._sweep_key = with_sweep, None, None, None
        self._net0 = self._ylim = None

    def _draw_points(self, data):
        for collection in self.points:
            collection.remove()
        self.points = (scatter_classes(self.ax_b, data.x, data.y, size=14)
                       + scatter_classes(self.ax_b, data.x_val, data.y_val, hollow=True, size=14))
        pts = np.hstack([data.x, data.x_val])
        extent = (pts[0].min() - 0.3, pts[0].max() + 0.3, pts[1].min() - 0.3, pts[1].max() + 0.3)
        self.ax_b.set_xlim(*extent[:2])
        self.ax_b.set_ylim(*extent[2:])
        self.image.set_extent(extent)
        self._data = data

    @property
    def dynamic(self) -> list:
        """Artists that change every frame, in drawing order."""
        artists = [self.image] + ([self.contour] if self.contour is not None else []) + self.points
        return artists + list(self.ax_b.spines.values()) + [
            self.line_train, self.line_val, self.note, self.loss_title]

    def _draw_boundary(self, run):
        d = run.data
        extent, probs = boundary_grid(run.net, np.hstack([d.x, d.x_val]), self.resolution)
        self.image.set_data(boundary_image(probs))
        if self.contour is not None:
            self.contour.remove()
            self.contour = None
        if probs.shape[0] == 2 and probs[1].min() < 0.5 < probs[1].max():
            g0 = np.linspace(extent[0], extent[1], self.resolution)
            g1 = np.linspace(extent[2], extent[3], self.resolution)
            self.contour = self.ax_b.contour(g0, g1, probs[1], levels=[0.5], colors="k", linewidths=1.0)

    def _draw_loss(self, run):
        """The loss curves and their labels; returns (xlim, ylim, η marks)."""
        h = run.history
        e = np.arange(1, len(h.loss) + 1)
        self.line_train.set_data(e, h.loss)
        self.line_val.set_data(e[: len(h.val_loss)], h.val_loss)
        ylim = decade_range(list(h.loss) + list(h.val_loss) + [run.start_loss])
        if self._net0 is run.net0 and self._ylim is not None:
            # Same data and initial weights: only widen, so runs at different η share an axis.
            ylim = (min(ylim[0], self._ylim[0]), max(ylim[1], self._ylim[1]))
        self._net0, self._ylim = run.net0, ylim
        xlim = (0, max(run.target, run.epoch, 1) + 0.5)
        self.ax_l.set_ylim(*ylim)
        self.ax_l.set_xlim(*xlim)
        self.loss_title.set_text(f"Loss (η = {run.eta:.3g}, m = {run.m})")
        marks = tuple(run.eta_changes)
        if marks != self._marks:
            for artist in self.marks:
                artist.remove()
            self.marks = []
            for epoch, eta in marks:
                self.marks.append(self.ax_l.axvline(epoch + 0.5, color=OKABE_ITO["black"], ls=":", lw=1))
                self.marks.append(self.ax_l.annotate(
                    f"η → {eta:.3g}", (epoch + 0.5, 0.97), xycoords=("data", "axes fraction"),
                    fontsize=8, ha="left", va="top"))
            self._marks = marks
        self.note.set_text(f"diverged in epoch {run.epoch + 1} (η = {run.eta:.3g})" if h.diverged else "")
        return xlim, ylim, marks

    def update(self, run, sweep=None):
        """Show the current state of ``run`` (a Run) and ``sweep`` (a SweepResult or None).

        Returns the key of the slowly changing parts (limits, titles, data, sweep).
        """
        if self._layout is None or self._layout != (sweep is not None):
            self._build(sweep is not None)
        if self._data is not run.data:
            self._draw_points(run.data)
        self._draw_boundary(run)
        xlim, ylim, marks = self._draw_loss(run)
        sweep_key = None if sweep is None else (id(sweep), len(sweep.etas), run.eta)
        if sweep is not None and sweep_key != self._sweep_key:
            self.ax_s.clear()
            plot_lr_sweep(sweep, ax=self.ax_s, current_eta=run.eta)
            self.ax_s.set_title("η sweep (same initial weights)", fontsize=10)
        self._sweep_key = sweep_key
        return (self._layout, id(self._data), xlim, ylim, marks, sweep_key,
                tuple(self.fig.get_size_inches()))


def explorer_figure(run, sweep=None, figsize=None):
    """The explorer's views as a static pyplot figure, for handouts and printed copies.

    The same drawing code as the live explorer (:class:`ExplorerViews`), with
    the epoch and accuracy in the boundary's title.

    Parameters
    ----------
    run : Run (e.g. ``ex.run`` from the live explorer)
    sweep : SweepResult, optional (a third panel)

    Returns
    -------
    matplotlib Figure
    """
    figsize = figsize or ((10, 3.4) if sweep is not None else (8, 3.4))
    fig = plt.figure(figsize=figsize)
    views = ExplorerViews(fig, resolution=100)
    views.update(run, sweep)
    h = run.history
    acc = f" · accuracy {100 * h.accuracy[-1]:.0f} %" if h.accuracy and h.accuracy[-1] is not None else ""
    views.ax_b.set_title(f"epoch {run.epoch}{acc}\n(filled: training · hollow: held-out)", fontsize=9)
    return fig


class ExplorerCanvas:
    """The live explorer's figure, rendered to PNG bytes for an ``ipywidgets.Image``.

    A plain ``Figure`` on the Agg canvas, outside pyplot: drawing it neither
    shows it in the notebook nor keeps it in pyplot's list of open figures.
    Frames blit: the axes, ticks, labels and legends are drawn once into a
    cached background and only the moving artists (boundary image, contour,
    points, loss curves) are drawn on top, until the limits or titles change.
    The PNG is encoded with light compression (fast; a frame is ~40 kB).

    Parameters
    ----------
    figsize : (width, height) in inches without the sweep panel; dpi : int
    resolution : decision-boundary grid points per side (fewer draw faster)

    Attributes
    ----------
    full_draws, blits : int, how many frames needed a full draw / only a blit
    """

    def __init__(self, figsize=(8, 3.0), dpi=80, resolution=60):
        self.fig = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        self.size = figsize
        self.views = ExplorerViews(self.fig, resolution)
        self._key = None
        self._background = None
        self.full_draws = self.blits = 0

    def render(self, run, sweep=None) -> bytes:
        """Draw ``run`` (and ``sweep``) and return the PNG bytes."""
        width = self.size[0] * (1.45 if sweep is not None else 1.0)
        if abs(self.fig.get_figwidth() - width) > 1e-9:
            self.fig.set_size_inches(width, self.size[1])
        key = self.views.update(run, sweep)
        dynamic = self.views.dynamic
        if key != self._key:
            for artist in dynamic:
                artist.set_visible(False)
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            for artist in dynamic:
                artist.set_visible(True)
            self._key = key
            self.full_draws += 1
        else:
            self.blits += 1
        self.canvas.restore_region(self._background)
        for artist in dynamic:
            artist.axes.draw_artist(artist)
        buf = io.BytesIO()
        PIL.Image.fromarray(np.asarray(self.canvas.buffer_rgba())[..., :3]).save(
            buf, format="png", compress_level=1)
        return buf.getvalue()
