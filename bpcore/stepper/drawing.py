"""The stepper's network diagram (matplotlib), live and as a static strip for handouts.

Neurons are circles coloured by the value the current step knows (a^l or z^l in the
forward pass, δ^l in the backward pass; grey where it is not computed yet), edges are
coloured and thickened by w^l in the forward pass and by ∂C/∂w^l in the backward pass
(the updated w^l once a layer is updated). Colours run from blue (negative) through
light grey (0) to vermillion (positive), from bpcore.figures.style's Okabe–Ito palette;
each quantity has one scale for the whole pass, so layers compare. The step's layers are
shaded, the neurons and weights its equation uses are ringed and outlined, and an arrow
shows which way values flow (a forward, δ back).

:class:`NetworkDiagram` keeps one figure per network and only changes colours, texts and
positions between steps, so a step redraws quickly (the widget's PNG frames).
:func:`step_strip` draws a few key steps side by side with their equations: the stepper on
paper.
"""

from __future__ import annotations

import io
import re
import textwrap

import matplotlib.colors
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from ..figures.style import OKABE_ITO
from .steps import BackwardPass, Walk, picture, view

__all__ = ["CMAP", "UNKNOWN", "pretty", "NetworkDiagram", "step_strip", "KEY_STEPS"]

#: Negative values blue, zero light grey, positive vermillion.
CMAP = matplotlib.colors.LinearSegmentedColormap.from_list(
    "bp_stepper", [OKABE_ITO["blue"], "#EAEAEA", OKABE_ITO["vermillion"]])
#: Fill of a neuron (and colour of an edge) whose value the step has not computed yet.
UNKNOWN = "#FFFFFF"
UNKNOWN_EDGE = "#E2E2E2"
HIGHLIGHT = OKABE_ITO["yellow"]
#: The steps :func:`step_strip` shows by default (kind, which layer: "L", "1").
KEY_STEPS = (("a", "L"), ("cost", "L"), ("BP1", "L"), ("BP2", "1"), ("BP4", "1"), ("update", "1"))

_SUP = str.maketrans("0123456789T−-", "⁰¹²³⁴⁵⁶⁷⁸⁹ᵀ⁻⁻")
_SUB = str.maketrans("0123456789j", "₀₁₂₃₄₅₆₇₈₉ⱼ")


def pretty(text: str) -> str:
    """Plain-character indices as Unicode: 'δ^2_1' → 'δ²₁', '(w^3)^T' → '(w³)ᵀ'."""
    text = re.sub(r"\^\{([^}]*)\}|\^([0-9T]+)", lambda m: (m.group(1) or m.group(2)).translate(_SUP), text)
    return re.sub(r"_([0-9]+|j\b)", lambda m: m.group(1).translate(_SUB), text)


def _short(value) -> str:
    """A value inside a circle: 2 significant digits, '3e−05' when tiny, never '−0'."""
    value = float(value) + 0.0
    if value == 0:
        return "0"
    text = f"{value:.2g}" if abs(value) >= 0.01 else f"{value:.0e}".replace("e-0", "e-")
    return text.replace("-", "−")


def _positions(sizes):
    """Neuron j of layer l (1-based) at (l, (n_l + 1)/2 − j): neuron 1 on top."""
    return [np.array([(l, (n + 1) / 2 - j) for j in range(1, n + 1)], dtype=float) for l, n in enumerate(sizes)]


class _Diagram:
    """The artists of one network drawing on one axes, updated in place for each step."""

    def __init__(self, ax, sizes, node_size=760.0, font=6.5):
        self.ax, self.sizes = ax, tuple(sizes)
        self.pos = _positions(sizes)
        L, self.top = len(sizes) - 1, max(sizes) / 2
        ax.set_xlim(-0.7, L + 0.95)
        ax.set_ylim(-self.top - 0.95, self.top + 0.15)
        ax.set_axis_off()
        self.band = ax.add_patch(Rectangle((0, -self.top), 1, 2 * self.top, facecolor=HIGHLIGHT, alpha=0.28,
                                           edgecolor="none", zorder=0))
        self.edges = [None] + [ax.add_collection(LineCollection(self._segments(l), zorder=1, capstyle="round"))
                               for l in range(1, L + 1)]
        self.halo = ax.add_collection(LineCollection([], colors="k", linewidths=4.6, zorder=1.5))
        self.used = ax.add_collection(LineCollection([], linewidths=2.6, zorder=1.6))
        xy = np.vstack(self.pos)
        self.nodes = ax.scatter(xy[:, 0], xy[:, 1], s=node_size, linewidths=0.8, edgecolors="#555555", zorder=3)
        self.rings = ax.scatter(xy[:1, 0], xy[:1, 1], s=node_size * 1.9, facecolors="none", edgecolors="k",
                                zorder=3.5)
        self.texts = [ax.text(x, y, "", ha="center", va="center", fontsize=font, zorder=4) for x, y in xy]
        self._labels(font)
        self.targets = [ax.text(L + 0.3, y, "", ha="left", va="center", fontsize=font) for _, y in self.pos[L]]
        self.arrow = ax.add_patch(FancyArrowPatch((0, 0), (1, 0), arrowstyle="-|>", mutation_scale=12,
                                                  color="#333333", lw=1.4, zorder=2))
        self.arrow_text = ax.text(0, 0, "", ha="center", va="top", fontsize=font + 0.5, color="#333333")

    def _labels(self, font):
        L = len(self.sizes) - 1
        for l, p in enumerate(self.pos):
            for j, (x, y) in enumerate(p, start=1):
                self.ax.text(x - 0.17, y + 0.17, str(j), ha="right", va="bottom", fontsize=font - 0.5,
                             color="#777777")
            name = "input a⁰ = x" if l == 0 else (f"layer {l} (output)" if l == L else f"layer {l}")
            self.ax.text(l, -self.top - 0.05, name, ha="center", va="top", fontsize=font + 0.5, color="#333333")

    def _segments(self, l):
        """Edges of layer l, in the order of w^l.ravel(): j (layer l) major, k (layer l−1) minor."""
        return [(self.pos[l - 1][k], self.pos[l][j]) for j in range(self.sizes[l]) for k in range(self.sizes[l - 1])]

    def show(self, bp: BackwardPass, v, pic) -> None:
        """Colour and mark everything for step view ``v`` with the values of picture ``pic``."""
        self._fill_neurons(pic)
        self._colour_edges(pic)
        self._mark(bp, v, pic)
        self._arrow(v)
        for text, y in zip(self.targets, bp.y[:, 0]):
            text.set_text(f"y = {y:g}")

    def _rows(self):
        start = 0
        for n in self.sizes:
            yield self.texts[start:start + n]
            start += n

    def _fill_neurons(self, pic):
        colours = []
        for (quantity, values), row in zip(pic.neurons, self._rows()):
            for i, text in enumerate(row):
                if values is None:
                    colours.append(UNKNOWN)
                    text.set_text("")
                    continue
                share = float(values[i]) / pic.scale[quantity]
                colours.append(CMAP(0.5 + 0.5 * share))
                text.set_text(_short(values[i]))
                text.set_color("white" if abs(share) > 0.62 else "black")
        self.nodes.set_facecolors(colours)

    def _colour_edges(self, pic):
        for l in range(1, len(self.sizes)):
            quantity, values = pic.edges[l]
            if values is None:
                self.edges[l].set_colors(UNKNOWN_EDGE)
                self.edges[l].set_linewidths(0.6)
                continue
            share = np.ravel(values) / pic.scale[quantity]
            self.edges[l].set_colors(CMAP(0.5 + 0.5 * share))
            self.edges[l].set_linewidths(0.5 + 2.5 * np.abs(share))

    def _mark(self, bp, v, pic):
        layers = [l for l, _ in v.neurons]
        lo, hi = min(layers), max(layers)
        self.band.set_bounds(lo - 0.42, -self.top, hi - lo + 0.84, 2 * self.top)
        self.rings.set_offsets(np.array([self.pos[l][j - 1] for l, j in v.neurons]))
        target = v.neurons[0] if v.j is not None else None
        self.rings.set_linewidths([2.4 if n == target else 1.0 for n in v.neurons])
        segments = [(self.pos[l - 1][k - 1], self.pos[l][j - 1]) for l, j, k in v.edges]
        self.halo.set_segments(segments)
        self.used.set_segments(segments)
        colours = []
        for l, j, k in v.edges:
            # z^l and BP2 read the weights themselves, whatever the edges show in this phase
            quantity, values = ("w", bp.net.w[l]) if v.step.kind in ("z", "BP2") else pic.edges[l]
            colours.append(UNKNOWN_EDGE if values is None else
                           CMAP(0.5 + 0.5 * values[j - 1, k - 1] / pic.scale[quantity]))
        self.used.set_colors(colours or ["k"])

    def _arrow(self, v):
        kind, l = v.step.kind, v.step.layer
        if kind not in ("z", "BP2"):
            self.arrow.set_visible(False)
            self.arrow_text.set_text("")
            return
        start, end = (l - 1, l) if kind == "z" else (l + 1, l)
        gap = 0.2 if end > start else -0.2
        y = -self.top - 0.6
        self.arrow.set_positions((start + gap, y), (end - gap, y))
        self.arrow.set_visible(True)
        self.arrow_text.set_position(((start + end) / 2, y - 0.08))
        self.arrow_text.set_text(pretty(f"a^{l - 1} flows forward into z^{l}" if kind == "z"
                                        else f"δ^{l + 1} flows back into δ^{l}"))


_NAMES = {"a": "a", "z": "z", "δ": "δ", "w": "w", "∂C/∂w": "∂C/∂w", "new w": "w after the update"}


def legend(pic) -> str:
    """What the colours show at this step, e.g. 'neurons: δ · edges: ∂C/∂w · blue < 0 < vermillion'."""
    def names(pairs):
        shown = [_NAMES[q] for q, values in pairs if values is not None]
        return ", ".join(dict.fromkeys(shown)) or "not computed yet"

    return f"neurons: {names(pic.neurons[1:])} · edges: {names(pic.edges[1:])} · blue < 0 < vermillion"


def _equation_text(v, width=110) -> str:
    lines = []
    for line in v.lines:
        lines += textwrap.wrap(pretty(line.text()), width, subsequent_indent="      ")
    if v.numeric is not None:
        lines.append(pretty(f"finite differences: {v.numeric_label} = {_number(v.numeric)}"))
    return "\n".join(lines)


def _number(value) -> str:
    from .equations import number

    return number(value)


class NetworkDiagram:
    """The live diagram of one network: a figure whose artists change colour from step to step.

    Parameters
    ----------
    sizes : (n_0, ..., n_L)
    dpi : resolution of the PNG frames

    ``render(bp, v, pic)`` returns a PNG (bytes) for step view ``v`` (from
    :func:`bpcore.stepper.steps.view`) and picture ``pic`` (:func:`~bpcore.stepper.steps.picture`).
    The figure is not registered with pyplot, so nothing appears in the notebook by itself.
    """

    def __init__(self, sizes, dpi: int = 90):
        L, widest = len(sizes) - 1, max(sizes)
        self.sizes = tuple(sizes)
        self.figure = Figure(figsize=(1.9 + 1.55 * (L + 1), 1.5 + 0.5 * max(widest, 3)), dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_axes((0.01, 0.07, 0.98, 0.82))
        self.diagram = _Diagram(self.ax, sizes)
        self.title = self.figure.text(0.5, 0.975, "", ha="center", va="top", fontsize=9.5, weight="bold")
        self.legend = self.figure.text(0.5, 0.012, "", ha="center", va="bottom", fontsize=7.5, color="#333333")

    def draw(self, bp: BackwardPass, v, pic) -> Figure:
        """Update the figure for step view ``v``; returns it."""
        self.title.set_text(pretty(f"Step {v.position + 1} of {v.count}: {v.title}"))
        self.legend.set_text(legend(pic))
        self.diagram.show(bp, v, pic)
        return self.figure

    def render(self, bp: BackwardPass, v, pic) -> bytes:
        """The figure for step view ``v`` as PNG bytes."""
        self.draw(bp, v, pic)
        buffer = io.BytesIO()
        self.figure.canvas.print_png(buffer)
        return buffer.getvalue()


def _key_positions(bp: BackwardPass, key_steps) -> list:
    L = bp.net.L
    positions = []
    for kind, which in key_steps:
        layer = L if which == "L" else int(which)
        found = [i for i, s in enumerate(bp.steps) if s.kind == kind and s.layer == layer]
        positions += found[:1]
    return positions


def step_strip(source, key_steps=KEY_STEPS, j=None, k=None, columns: int = 2):
    """A few key steps of one backward pass, drawn with their equations: the stepper on paper.

    Parameters
    ----------
    source : Walk or BackwardPass (a Walk uses its example and its picked j, k unless given)
    key_steps : (kind, layer) pairs, layer "L" or a number; steps the network lacks
        (BP2 when L = 1) are left out. Default :data:`KEY_STEPS`: a^L, C, BP1, BP2 at
        layer 1, BP4 at layer 1, the update of layer 1.
    j, k : the neuron and weight the equations are written for (default: the Walk's pick, else 1)
    columns : panels per row

    Returns
    -------
    matplotlib.figure.Figure (made with pyplot, so the notebook shows it)
    """
    import matplotlib.pyplot as plt

    bp = source.bp if isinstance(source, Walk) else source
    j = (source.j if isinstance(source, Walk) else 1) if j is None else j
    k = (source.k if isinstance(source, Walk) else 1) if k is None else k
    positions = _key_positions(bp, key_steps)
    if not positions:
        raise ValueError(f"none of the key steps {key_steps!r} is a step of this network")
    rows = -(-len(positions) // columns)
    sizes = bp.net.sizes
    panel_h = 1.7 + 0.4 * max(max(sizes), 3)
    fig = plt.figure(figsize=(5.0 * columns, panel_h * rows))
    grid = fig.add_gridspec(rows, columns, left=0.01, right=0.99, top=0.97, bottom=0.01, hspace=0.12,
                            wspace=0.04)
    for n, position in enumerate(positions):
        v = view(bp, position, j, k)
        pic = picture(bp, position)
        cell = grid[n // columns, n % columns].subgridspec(2, 1, height_ratios=(2.6, 1.0), hspace=0.0)
        ax = fig.add_subplot(cell[0])
        _Diagram(ax, sizes, node_size=520.0, font=6.0).show(bp, v, pic)
        ax.set_title(textwrap.fill(pretty(f"Step {v.position + 1} of {v.count}: {v.title}"), 64), fontsize=8,
                     weight="bold")
        text_ax = fig.add_subplot(cell[1])
        text_ax.set_axis_off()
        text_ax.text(0.03, 1.0, _equation_text(v, width=84) + "\n" + legend(pic), ha="left", va="top",
                     fontsize=7.5, transform=text_ax.transAxes)
    return fig
