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

from ..figures.style import (OKABE_ITO, TRAIN_COLOUR, VAL_COLOUR, boundary_grid, boundary_image,
                             decade_range, plain_log_ticks, scatter_classes)
from .numbers import REGIME_COLOURS, TEXT_COLOURS
from .settings import ETA_MAX, ETA_MIN

__all__ = ["FONT", "WIDTH", "TOP_HEIGHT", "SWEEP_HEIGHT", "ExplorerViews", "ExplorerCanvas", "explorer_figure"]


#: Font sizes in points: tick labels and legends never below 9 pt.
FONT = {"tick": 10, "label": 10, "title": 10, "legend": 9, "note": 10}
#: The figure's width and its rows' heights, in inches; and the margins (left, right, bottom, top)
#: of each panel. The widget shows the picture as wide as the notebook's output; in JupyterLab at
#: 1024 px (file browser open) that is about 600 px, 100 px per inch of figure, so 10-pt text
#: shows at about 10 pt, and stays ≥ 9 pt down to an output 540 px wide.
WIDTH, TOP_HEIGHT, SWEEP_HEIGHT = 6.0, 2.8, 2.6
_BOUNDARY = (0.3, 3.55, 0.45, 0.35)
_LOSS = (3.2, 0.3, 0.5, 0.35)  # right: half of a 4-digit epoch label
_SWEEP = (0.8, 0.3, 0.5, 0.35)


def _place(fig, margins, row_bottom, row_height, height):
    """An Axes inside the row [row_bottom, row_bottom + row_height] (inches) with the given margins."""
    left, right, bottom, top = margins
    return fig.add_axes([left / WIDTH, (row_bottom + bottom) / height, (WIDTH - left - right) / WIDTH,
                         (row_height - bottom - top) / height])


class ExplorerViews:
    """The explorer's views drawn into a figure, updated in place frame after frame.

    Top left: the decision boundary over the training (filled markers) and
    held-out (hollow markers) points. Top right: training and held-out loss per
    epoch on a log scale, with η changes, the run's regime and divergence marked.
    Below, full width (once a sweep exists): final loss against η, each run
    marked by its regime, with a vertical line at the edge of stability 2/λ_max
    of the initial weights.

    Artists are made once and updated; :meth:`update` returns a key of
    everything that is not redrawn every frame (axes limits, titles, data),
    so :class:`ExplorerCanvas` can keep a cached background and redraw only
    the moving parts (see ``benchmarks/widget_latency.py``).

    Parameters
    ----------
    fig : matplotlib Figure (pyplot's or a plain one), :data:`WIDTH` inches wide
    resolution : decision-boundary grid points per side
    """

    def __init__(self, fig, resolution: int = 60):
        self.fig = fig
        self.resolution = resolution
        self._layout = None

    def _build(self, with_sweep: bool):
        fig = self.fig
        fig.clear()
        fig.set_size_inches(WIDTH, TOP_HEIGHT + (SWEEP_HEIGHT if with_sweep else 0.0))
        height = fig.get_figheight()
        row = SWEEP_HEIGHT if with_sweep else 0.0
        self.ax_b = ax = _place(fig, _BOUNDARY, row, TOP_HEIGHT, height)
        self.ax_l = _place(fig, _LOSS, row, TOP_HEIGHT, height)
        self.ax_s = _place(fig, _SWEEP, 0.0, SWEEP_HEIGHT, height) if with_sweep else None
        self.image = ax.imshow(np.ones((2, 2, 3)), origin="lower", aspect="auto",
                               interpolation="nearest", extent=(0, 1, 0, 1))
        self.contour = None
        self.points = []
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("x₁", labelpad=2, fontsize=FONT["label"])
        ax.set_ylabel("x₂", labelpad=2, fontsize=FONT["label"])
        ax.set_title("filled: training · hollow: held-out", fontsize=FONT["legend"])
        ax = self.ax_l
        self.line_train, = ax.plot([], [], color=TRAIN_COLOUR, lw=1.6, label="training")
        self.line_val, = ax.plot([], [], color=VAL_COLOUR, lw=1.6, ls="--", label="held-out")
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis, subs=(1.0, 3.0))
        ax.tick_params(labelsize=FONT["tick"])
        ax.set_xlabel("epoch", labelpad=2, fontsize=FONT["label"])
        ax.set_ylabel("mean cost", labelpad=2, fontsize=FONT["label"])
        ax.legend(loc="lower left", fontsize=FONT["legend"], frameon=False, handlelength=1.8)
        self.note = ax.text(0.97, 0.95, "", transform=ax.transAxes, fontsize=FONT["note"],
                            fontweight="bold", ha="right", va="top")
        # Anchored at the right: a long title (η changed mid-run) grows into the gap on the left.
        self.loss_title = ax.text(1.0, 1.03, "", transform=ax.transAxes, fontsize=FONT["title"], ha="right",
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
        etas = " → ".join(f"{eta:.3g}" for _, _, eta in run.eta_segments)
        since = f" from epoch {run.eta_changes[-1][0] + 1}" if run.eta_changes else ""
        self.loss_title.set_text(f"Loss (η = {etas}{since}, m = {run.m})")
        marks = tuple(run.eta_changes)
        if marks != self._marks:
            for artist in self.marks:
                artist.remove()
            self.marks = []
            for epoch, eta in marks:
                self.marks.append(self.ax_l.axvline(epoch + 0.5, color=OKABE_ITO["black"], ls=":", lw=1))
                self.marks.append(self.ax_l.annotate(
                    f"η → {eta:.3g}", (epoch + 0.5, 0.03), xycoords=("data", "axes fraction"),
                    fontsize=FONT["legend"], ha="right", va="bottom", rotation=90))
            self._marks = marks
        self._draw_note(run)
        return xlim, ylim, marks

    def _draw_note(self, run):
        """The run's regime in its colour (once it has two losses); how training blew up if it did."""
        regime = run.regime
        if run.history.diverged:
            text = f"diverging: blew up in epoch {run.epoch + 1}"
        else:
            text = "" if regime is None or not run.epoch else regime
        self.note.set_text(text)
        self.note.set_color(REGIME_COLOURS.get(regime, TEXT_COLOURS["info"]))

    def _draw_sweep(self, sweep, current_eta):
        """Final loss against η, a marker per regime, the edge 2/λ_max and the current η."""
        ax = self.ax_s
        ax.clear()
        etas, loss = np.asarray(sweep.etas), np.asarray(sweep.final_loss)
        finite = np.concatenate([loss, sweep.final_val_loss, [sweep.start_loss]])
        finite = finite[np.isfinite(finite) & (finite > 0)]
        top = float(finite.max()) * 2 if finite.size else 1.0
        ok = np.isfinite(loss) & ~np.asarray(sweep.diverged)
        ax.plot(etas[ok], loss[ok], "-", color=TRAIN_COLOUR, lw=1.2, label="training, final")
        ax.plot(etas[ok], np.asarray(sweep.final_val_loss)[ok], "--", color=VAL_COLOUR, lw=1.0,
                label="held-out, final")
        ax.axhline(sweep.start_loss, color="0.35", ls="--", lw=0.8, label="at the start")
        for regime, marker in (("converging", "o"), ("oscillating", "D"), ("diverging", "X")):
            sel = np.array([r == regime for r in sweep.regimes], dtype=bool)
            if sel.any():
                y = np.where(ok[sel], np.minimum(loss[sel], top), top)  # blown-up runs at the top edge
                ax.plot(etas[sel], y, marker, color=REGIME_COLOURS[regime], ms=7, mec="k", mew=0.5,
                        ls="none", label=regime)
        edge = sweep.eta_edge
        lo, hi = ETA_MIN, ETA_MAX
        if len(etas):
            lo, hi = min(etas.min(), edge if np.isfinite(edge) else np.inf) / 2, max(etas.max(), 0) * 2
        if np.isfinite(edge) and edge > 0:
            ax.axvline(edge, color=OKABE_ITO["black"], ls="--", lw=1.2, label=f"2/λ_max = {edge:.3g}")
            hi = max(hi, edge * 2)
        if current_eta is not None:
            ax.axvline(current_eta, color=OKABE_ITO["black"], ls=":", lw=1, label="slider's η")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        if finite.size:  # headroom above the markers for the legend
            ax.set_ylim(finite.min() / 2, top * 100)
        plain_log_ticks(ax.xaxis)
        plain_log_ticks(ax.yaxis)
        ax.tick_params(labelsize=FONT["tick"])
        ax.set_xlabel("learning rate η (2/λ_max: edge of stability at the initial weights)", labelpad=2,
                      fontsize=FONT["label"])
        ax.set_ylabel("final mean cost", labelpad=2, fontsize=FONT["label"])
        partial = "" if sweep.complete else " — stopped early"
        ax.set_title(f"η sweep from the same initial weights{partial}", fontsize=FONT["title"], loc="left")
        ax.legend(fontsize=FONT["legend"], frameon=False, loc="upper left", ncol=4, columnspacing=0.8,
                  handlelength=1.5, handletextpad=0.4, borderaxespad=0.2)

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
            self._draw_sweep(sweep, run.eta)
        self._sweep_key = sweep_key
        return (self._layout, id(self._data), xlim, ylim, marks, sweep_key, tuple(self.fig.get_size_inches()))


def explorer_figure(run, sweep=None):
    """The explorer's views as a static pyplot figure, for handouts and printed copies.

    The same drawing code and layout as the live explorer (:class:`ExplorerViews`),
    with the epoch and accuracy in the boundary's title.

    Parameters
    ----------
    run : Run (e.g. ``ex.run`` from the live explorer)
    sweep : SweepResult, optional (a full-width panel below)

    Returns
    -------
    matplotlib Figure
    """
    fig = plt.figure(figsize=(WIDTH, TOP_HEIGHT))
    views = ExplorerViews(fig, resolution=100)
    views.update(run, sweep)
    h = run.history
    acc = f" · accuracy {100 * h.accuracy[-1]:.0f} %" if h.accuracy and h.accuracy[-1] is not None else ""
    views.ax_b.set_title(f"epoch {run.epoch}{acc}", fontsize=FONT["title"])
    return fig


class ExplorerCanvas:
    """The live explorer's figure, rendered to PNG bytes for an ``ipywidgets.Image``.

    A plain ``Figure`` on the Agg canvas, outside pyplot: drawing it neither
    shows it in the notebook nor keeps it in pyplot's list of open figures.
    Frames blit: the axes, ticks, labels and legends are drawn once into a
    cached background and only the moving artists (boundary image, contour,
    points, loss curves) are drawn on top, until the limits or titles change.
    The PNG is encoded with light compression (fast; a frame is ~60 kB).

    The figure is :data:`WIDTH` inches wide and :data:`TOP_HEIGHT` high (plus
    :data:`SWEEP_HEIGHT` with a sweep); the widget shows it at the notebook's
    width, so ``dpi`` sets only its sharpness.

    Parameters
    ----------
    dpi : int, pixels per inch of the PNG
    resolution : decision-boundary grid points per side (fewer draw faster)

    Attributes
    ----------
    full_draws, blits : int, how many frames needed a full draw / only a blit
    """

    def __init__(self, dpi=120, resolution=60):
        self.fig = Figure(figsize=(WIDTH, TOP_HEIGHT), dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        self.views = ExplorerViews(self.fig, resolution)
        self._key = None
        self._background = None
        self.full_draws = self.blits = 0

    def render(self, run, sweep=None) -> bytes:
        """Draw ``run`` (and ``sweep``) and return the PNG bytes."""
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
