"""One look for every figure: palette, markers, log ticks and the decision boundary.

Colours are the Okabe–Ito palette (safe for the common colour-vision deficiencies);
classes also differ by marker shape and the held-out curve by line style, so nothing
relies on colour alone. The static figures (:mod:`bpcore.figures.training`) and the
explorer's live views both draw the decision boundary through :func:`boundary_grid`,
:func:`boundary_image` and :func:`scatter_classes`, so the two never disagree.
"""

from __future__ import annotations

import matplotlib.colors
import matplotlib.ticker
import numpy as np

from ..network import forward
from ..train import class_labels

__all__ = [
    "OKABE_ITO", "CLASS_COLOURS", "CLASS_MARKERS", "TRAIN_COLOUR", "VAL_COLOUR", "DIVERGED_COLOUR",
    "boundary_grid", "boundary_image", "plain_log_ticks", "scatter_classes", "decade_range",
]

#: The Okabe–Ito colourblind-safe palette.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
#: Class k is drawn in CLASS_COLOURS[k] with CLASS_MARKERS[k].
CLASS_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"], OKABE_ITO["purple"])
CLASS_MARKERS = ("o", "s", "^", "D")
TRAIN_COLOUR, VAL_COLOUR = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
DIVERGED_COLOUR = OKABE_ITO["vermillion"]


def boundary_grid(net, x, resolution: int = 80, pad: float = 0.3):
    """The network's class probabilities on a square grid around the data.

    Parameters
    ----------
    net : Network with 2 inputs
    x : ndarray (2, N), the points the grid must cover
    resolution : int, grid points per side

    Returns
    -------
    extent : tuple (x0_min, x0_max, x1_min, x1_max)
    probs : ndarray (k, resolution, resolution), k ≥ 2, summing to 1 over k;
        row i is x1 = the i-th grid value from the bottom. For one output
        neuron k = 2 with probs [1 − a^L, a^L].
    """
    lo, hi = x.min(axis=1) - pad, x.max(axis=1) + pad
    g0, g1 = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    xx, yy = np.meshgrid(g0, g1)
    with np.errstate(all="ignore"):
        a_L = forward(net, np.vstack([xx.ravel(), yy.ravel()]), validate=False)[1][-1]
    a_L = np.nan_to_num(np.clip(a_L, 0.0, 1.0), nan=0.5)
    if a_L.shape[0] == 1:
        probs = np.vstack([1.0 - a_L, a_L])
    else:
        probs = a_L / np.maximum(a_L.sum(axis=0, keepdims=True), 1e-12)
    return (lo[0], hi[0], lo[1], hi[1]), probs.reshape(-1, resolution, resolution)


def boundary_image(probs, lighten: float = 0.55, levels: int = 8):
    """An RGB image mixing the class colours by probability.

    Parameters
    ----------
    probs : ndarray (k, R, R), summing to 1 over k (from :func:`boundary_grid`)
    lighten : float in [0, 1), how far the colours are blended towards white
    levels : int or None
        Probabilities are rounded to multiples of 1/levels, so the picture shows
        bands of confidence (and its PNG stays small); None keeps them smooth.

    Returns
    -------
    ndarray (R, R, 3) of floats in [0, 1]. Where the network is unsure
    (probabilities near 1/k) the colours mix; where it is sure, the pixel takes
    its class's (lightened) colour.
    """
    if levels:
        probs = np.round(np.asarray(probs) * levels)
        probs = probs / np.maximum(probs.sum(axis=0, keepdims=True), 1)  # bands still sum to 1
    colours = np.array([matplotlib.colors.to_rgb(c) for c in CLASS_COLOURS[: probs.shape[0]]])
    colours = colours + lighten * (1.0 - colours)
    return np.clip(np.tensordot(probs, colours, axes=(0, 0)), 0.0, 1.0)


def scatter_classes(ax, x, y, hollow: bool = False, size: float = 16, n_classes: int = 0,
                    labelled: bool = False) -> list:
    """Draw the points of each class with its colour and marker; return the collections.

    Training data are filled markers with a black edge, held-out data (``hollow=True``)
    hollow markers in the class colour. ``n_classes`` draws at least that many classes'
    legend entries' worth of colours; classes without points are skipped.

    x : ndarray (2, N); y : ndarray (1, N) of 0/1 or (k, N) one-hot
    """
    labels = class_labels(y)
    drawn = []
    for k in range(int(max(labels.max(initial=0) + 1, n_classes))):
        sel = labels == k
        if not sel.any():
            continue
        colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
        drawn.append(ax.scatter(
            x[0, sel], x[1, sel], s=size, marker=CLASS_MARKERS[k % len(CLASS_MARKERS)],
            facecolors="none" if hollow else colour, edgecolors=colour if hollow else "k",
            linewidths=0.8 if hollow else 0.4,
            label=f"class {k}" if labelled and not hollow else None))
    return drawn


def plain_log_ticks(axis, subs=(1.0,)):
    """Log-axis ticks labelled 0.01, 0.1, 1 … (plain text: no mathtext to lay out each frame)."""
    axis.set_major_locator(matplotlib.ticker.LogLocator(subs=subs, numticks=8))
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_locator(matplotlib.ticker.NullLocator())


def decade_range(values):
    """(lo, hi) powers of ten around the positive finite values: a log axis's limits.

    The limits only change when the values cross a decade, so most streamed
    frames keep the axes (and a cached background) as they were.
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return 0.1, 1.0
    lo = 10.0 ** np.floor(np.log10(values.min()))
    hi = 10.0 ** np.ceil(np.log10(values.max() * 1.0001))
    return lo, max(hi, lo * 10)
