"""Figures about gradients and errors: the h V-curve, saturation, |δ^l| per layer, BP4.

Every function takes numbers that a notebook computed (the computation is the
lesson; the plotting is not) and returns the matplotlib ``Axes`` or ``Figure``
it drew on, so a test can inspect the lines. Pass ``ax=`` to draw into an
existing axes. Nothing here calls ``plt.show()``: the notebook cell does.

Curves take :data:`bpcore.figures.style.LINE_COLOURS` in order (Okabe–Ito), with
line styles and markers as a second cue.

Used by ``notebooks/01_forward_propagation.ipynb`` (σ'),
``notebooks/02_output_error_bp1.ipynb`` (curves),
``notebooks/03_backpropagating_the_error_bp2.ipynb`` (|δ^l| per layer),
``notebooks/04_gradients_bp3_bp4.ipynb`` (BP4's outer product),
``notebooks/05_gradient_checking.ipynb`` (V-curve),
``notebooks/06_the_update_rule.ipynb`` (loss curves),
``notebooks/08_costs_and_saturation.ipynb`` (saturation),
``notebooks/09_initialisation_and_depth.ipynb`` (|δ^l| per layer, σ').
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..activations import get_activation
from .style import LINE_COLOURS

__all__ = [
    "plot_h_vcurve",
    "plot_curves",
    "plot_curve_panels",
    "plot_delta_norms",
    "plot_delta_norms_grid",
    "plot_activation_primes",
    "plot_outer_product",
]

_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_STYLES = ("-", "--", "-.", ":")


def _axes(ax, figsize=(6, 3.5)):
    """(fig, ax): the given axes' figure, or a new figure with one axes."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    else:
        fig = ax.figure
    return fig, ax


def _style(i):
    """Colour, line style and marker of the i-th line."""
    return dict(color=LINE_COLOURS[i % len(LINE_COLOURS)], linestyle=_STYLES[i % len(_STYLES)],
                marker=_MARKERS[i % len(_MARKERS)])


def plot_h_vcurve(h, errors, ax=None, title="Finite-difference error against the step h",
                  ylabel="|numerical − exact| derivative"):
    """Log-log plot of a finite-difference error against the step h (the V-curve).

    For large h the error is truncation (∝ h for forward differences, ∝ h² for
    central differences); for small h it is round-off (∝ ε/h). The minimum of
    each curve is the best step.

    Parameters
    ----------
    h : array_like, shape (k,)
        Steps, positive.
    errors : dict {label: array_like of shape (k,)}
        One curve per difference scheme, e.g. {"forward": ..., "central": ...}.
        Zero errors (exact by luck) are drawn at the floor 1e-17 so the log
        scale does not drop them.
    ax : matplotlib Axes, optional
    title, ylabel : str

    Returns
    -------
    matplotlib Axes, with one line per entry of ``errors`` (in order) and a
    marker at each curve's minimum.

    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    h = np.asarray(h, dtype=float)
    if h.ndim != 1 or np.any(h <= 0):
        raise ValueError(f"h must be a 1-D array of positive steps; got shape {h.shape}")
    _, ax = _axes(ax)
    for i, (label, err) in enumerate(errors.items()):
        err = np.asarray(err, dtype=float)
        if err.shape != h.shape:
            raise ValueError(f"errors[{label!r}] must have the shape of h, {h.shape}; got {err.shape}")
        err = np.maximum(err, 1e-17)
        style = _style(i)
        ax.loglog(h, err, label=label, color=style["color"], linestyle=style["linestyle"],
                  marker=style["marker"], markersize=3)
        best = int(np.argmin(err))
        ax.loglog([h[best]], [err[best]], marker="*", markersize=12, color=style["color"],
                  linestyle="none")
    ax.set_xlabel("step h")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(title="★ = best h")
    return ax


def plot_curves(curves, ax=None, xlabel="epoch", ylabel="cost", title=None, logy=False, x=None):
    """Several curves of one quantity against a common x (epochs, steps...).

    Parameters
    ----------
    curves : dict {label: array_like}
        One line per entry; curves may have different lengths.
    ax : matplotlib Axes, optional
    xlabel, ylabel, title : str
    logy : bool
        Log scale on y.
    x : dict {label: array_like}, optional
        x values per curve (default 0, 1, 2, ...).

    Returns
    -------
    matplotlib Axes with one line per curve, in order.

    Used in ``notebooks/06_the_update_rule.ipynb`` and
    ``notebooks/08_costs_and_saturation.ipynb``.
    """
    _, ax = _axes(ax)
    for i, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        xs = np.arange(len(values)) if x is None else np.asarray(x[label], dtype=float)
        style = _style(i)
        ax.plot(xs, values, label=label, color=style["color"], linestyle=style["linestyle"])
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def plot_curve_panels(panels, xlabel="epoch", ylabel="cost", x=None, sharey=True, logx=False,
                      figsize=(10, 3.5)):
    """Side-by-side panels of curves, e.g. one per cost function or per starting point.

    Parameters
    ----------
    panels : dict {panel title: {curve label: array_like}}
        E.g. {"quadratic cost": {"w=0.6, b=0.9": [...], "w=2, b=2": [...]},
              "cross-entropy cost": {...}}.
    xlabel, ylabel : str, or dict {panel title: str}
        Axis labels, shared or one per panel.
    x : dict {panel title: {curve label: array_like}}, optional
        x values per curve (default 0, 1, 2, ...).
    sharey : bool
        Share the y axis between panels (False when panels show different quantities).
    logx : bool or dict {panel title: bool}
        Log scale on x.
    figsize : tuple

    Returns
    -------
    matplotlib Figure with one Axes per panel, each with one line per curve.

    Used in ``notebooks/06_the_update_rule.ipynb`` (full batch against minibatch)
    and ``notebooks/08_costs_and_saturation.ipynb`` (the learning slowdown).
    """
    fig, axes = plt.subplots(1, len(panels), figsize=figsize, sharey=sharey, squeeze=False,
                             layout="constrained")
    for ax, (title, curves) in zip(axes[0], panels.items()):
        def pick(v, default=None):
            return v.get(title, default) if isinstance(v, dict) else v
        plot_curves(curves, ax=ax, xlabel=pick(xlabel, ""), ylabel=pick(ylabel, ""), title=title,
                    x=None if x is None else x[title])
        if pick(logx, False):
            ax.set_xscale("log")
    return fig


def plot_delta_norms(norms, ax=None, title=r"Size of $\delta^l$ per layer", ylabel=r"$\|\delta^l\|$ (mean over examples)"):
    """The size of the error δ^l at each layer l = 1..L, one line per setting.

    Parameters
    ----------
    norms : dict {label: array_like of shape (L,)}
        ``norms[label][l - 1]`` is the size of δ^l (e.g. the mean column norm).
    ax : matplotlib Axes, optional
    title, ylabel : str

    Returns
    -------
    matplotlib Axes (log y) with one line per label; x data are the layers 1..L.

    Taught in ``notebooks/09_initialisation_and_depth.ipynb``.
    """
    _, ax = _axes(ax)
    for i, (label, values) in enumerate(norms.items()):
        values = np.asarray(values, dtype=float)
        layers = np.arange(1, len(values) + 1)
        style = _style(i)
        ax.semilogy(layers, np.maximum(values, 1e-300), label=label, color=style["color"],
                    linestyle=style["linestyle"], marker=style["marker"], markersize=4)
    ax.set_xlabel("layer l")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return ax


def plot_delta_norms_grid(table, figsize=(10, 3.5), ylabel=r"$\|\delta^l\|$ (mean over examples)"):
    """|δ^l| per layer, one panel per activation, one line per initialisation.

    Parameters
    ----------
    table : dict {panel title: {label: array_like of shape (L,)}}
        E.g. {"sigmoid": {"normal": [...], "xavier": [...]}, "relu": {...}}.
    figsize : tuple
    ylabel : str

    Returns
    -------
    matplotlib Figure with one Axes per panel, sharing the log y axis.

    Taught in ``notebooks/09_initialisation_and_depth.ipynb``.
    """
    fig, axes = plt.subplots(1, len(table), figsize=figsize, sharey=True, squeeze=False,
                             layout="constrained")
    for k, (ax, (title, norms)) in enumerate(zip(axes[0], table.items())):
        plot_delta_norms(norms, ax=ax, title=title, ylabel=ylabel if k == 0 else "")
    return fig


def plot_activation_primes(names=("sigmoid", "tanh", "relu"), z=None, ax=None,
                           title="σ'(z): how much each layer passes back"):
    """σ'(z) for several activations, with the line σ' = 1/4 (sigmoid's maximum).

    BP2 multiplies by σ'(z^l) at every layer, so an activation whose derivative
    is at most 1/4 shrinks δ^l by at least 4× per layer unless the weights make
    up for it.

    Parameters
    ----------
    names : sequence of activation names (elementwise ones)
    z : array_like, optional, default a grid on [−6, 6]
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib Axes with one line per activation, then the dotted 1/4 line.

    Taught in ``notebooks/09_initialisation_and_depth.ipynb``.
    """
    z = np.linspace(-6, 6, 601) if z is None else np.asarray(z, dtype=float)
    _, ax = _axes(ax)
    for i, name in enumerate(names):
        act = get_activation(name)
        if act.prime is None:
            raise ValueError(f"{name!r} is not elementwise: it has no σ'(z) to plot")
        style = _style(i)
        ax.plot(z, act.prime(z), label=f"{name}'(z)", color=style["color"], linestyle=style["linestyle"])
    ax.axhline(0.25, color="grey", linestyle=":", label="1/4")
    ax.set_xlabel("z")
    ax.set_ylabel("σ'(z)")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def plot_outer_product(delta, a_prev, grad_w, cell=0.6):
    """BP4 for one example as a picture: the column δ^l times the row (a^{l-1})^T.

    Drawn like a multiplication table: the row (a^{l-1})^T, shape (1, n_{l-1}),
    on top; the column δ^l, shape (n_l, 1), on the left; and their outer
    product ∂C/∂w^l = δ^l (a^{l-1})^T, shape (n_l, n_{l-1}), the shape of w^l,
    in between: entry (j, k) is δ^l_j a^{l-1}_k, the row header times the
    column header. Every cell is labelled with its value (2 significant
    digits). Each panel has its own colour scale, symmetric about 0
    (diverging "PuOr", colourblind-safe).

    Parameters
    ----------
    delta : array_like, shape (n_l, 1)
        δ^l of one example (a column).
    a_prev : array_like, shape (n_{l-1}, 1)
        a^{l-1} of the same example (a column; drawn transposed, as a row).
    grad_w : array_like, shape (n_l, n_{l-1})
        The outer product, computed by the caller.
    cell : float
        Size of one cell in inches.

    Returns
    -------
    matplotlib Figure with three Axes, in the order δ^l, (a^{l-1})^T, ∂C/∂w^l.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
    """
    delta = np.asarray(delta, dtype=float)
    a_prev = np.asarray(a_prev, dtype=float)
    grad_w = np.asarray(grad_w, dtype=float)
    if delta.ndim != 2 or delta.shape[1] != 1 or a_prev.ndim != 2 or a_prev.shape[1] != 1:
        raise ValueError(
            f"delta and a_prev must be single columns of shape (n, 1); got {delta.shape} and {a_prev.shape}")
    expected = (delta.shape[0], a_prev.shape[0])
    if grad_w.shape != expected:
        raise ValueError(f"grad_w must have shape (n_l, n_(l-1)) = {expected}; got {grad_w.shape}")
    n_l, n_prev = expected
    fig = plt.figure(figsize=(min(10.0, cell * (n_prev + 1) + 2.2), min(4.0, cell * (n_l + 1) + 1.2)),
                     layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1, n_prev], height_ratios=[1, n_l])
    ax_delta, ax_row, ax_grad = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1])

    def draw(ax, values):
        limit = max(float(np.max(np.abs(values))), 1e-12)
        ax.imshow(values, cmap="PuOr", vmin=-limit, vmax=limit)
        for (r, c), v in np.ndenumerate(values):
            ax.text(c, r, f"{v:.2g}", ha="center", va="center", fontsize=8,
                    color="white" if abs(v) > 0.6 * limit else "black")
        ax.set_xticks([])
        ax.set_yticks([])

    draw(ax_delta, delta)
    ax_delta.set_ylabel(r"$\delta^l$" + f"  ({n_l}, 1)")
    ax_delta.set_yticks(range(n_l), [f"j={j}" for j in range(n_l)], fontsize=7)
    draw(ax_row, a_prev.T)
    ax_row.set_title(r"$(a^{l-1})^T$" + f"  (1, {n_prev})", fontsize=10)
    draw(ax_grad, grad_w)
    ax_grad.set_xticks(range(n_prev), [f"k={k}" for k in range(n_prev)], fontsize=7)
    ax_grad.set_xlabel(r"$\partial C/\partial w^l = \delta^l (a^{l-1})^T$" + f"  ({n_l}, {n_prev}): "
                       + r"entry $(j, k) = \delta^l_j\, a^{l-1}_k$")
    return fig
