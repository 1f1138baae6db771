"""The numbers behind the four equations right now, and the texts the explorer shows.

:func:`live_numbers` computes, from :func:`bpcore.backprop.backward` on one
minibatch, |δ^l| per layer (BP1, BP2), |∂C/∂b^l| and |∂C/∂w^l| (BP3, BP4) and the
update/weight ratio (η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖ of the update rule
(:func:`bpcore.update.update_ratios`). :func:`live_maths_html` writes them into
the maths pane; :func:`loss_text`, :func:`diagnose`, :func:`sweep_progress_text` and
:func:`sweep_summary` are the lines above the plot.

Taught in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..backprop import backward
from ..network import Network
from ..update import update_ratios

__all__ = ["LiveNumbers", "live_numbers", "ratio_verdict", "loss_text", "diagnose", "live_maths_html",
           "sweep_progress_text", "sweep_summary"]


@dataclass(frozen=True)
class LiveNumbers:
    """The numbers in the four equations and the update rule, for one minibatch.

    All lists are indexed l = 0..L like the network (slot 0 is None).

    Attributes
    ----------
    delta : |δ^l|, the mean over the m examples of the column norm ‖δ^l_x‖ (BP1 for l = L, BP2 below)
    grad_b : ‖Σ_x ∂C_x/∂b^l‖ (BP3)
    grad_w : ‖Σ_x ∂C_x/∂w^l‖, Frobenius norm (BP4)
    weight : ‖w^l‖, Frobenius norm
    ratio : (η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖ — the size of one update step relative to the weights
    eta, m : the learning rate and the batch size
    """

    delta: list
    grad_b: list
    grad_w: list
    weight: list
    ratio: list
    eta: float
    m: int

    @property
    def L(self) -> int:
        return len(self.delta) - 1


def live_numbers(net: Network, x, y, cost, eta: float, m: int) -> LiveNumbers:
    """|δ^l|, |∂C/∂b^l|, |∂C/∂w^l| and the update/weight ratio, per layer.

    Computed by :func:`bpcore.backprop.backward` on the first m columns of
    ``x`` (a fixed probe minibatch of the size training uses), at the current
    weights. ``ratio[l]`` is the relative size of the next update of w^l (see
    :func:`ratio_verdict` for what is healthy).

    Parameters
    ----------
    net : Network
    x : ndarray (n_0, N); y : ndarray (n_L, N)
    cost : str
    eta : float; m : int (≤ N)

    Returns
    -------
    LiveNumbers
    """
    m = int(min(m, x.shape[1]))
    layers = range(1, net.L + 1)
    with np.errstate(all="ignore"):
        g = backward(net, x[:, :m], y[:, :m], cost)
        delta = [None] + [float(np.mean(np.linalg.norm(g.delta[l], axis=0))) for l in layers]
        grad_b = [None] + [float(np.linalg.norm(g.grad_b[l])) for l in layers]
        grad_w = [None] + [float(np.linalg.norm(g.grad_w[l])) for l in layers]
        weight = [None] + [float(np.linalg.norm(net.w[l])) for l in layers]
        ratio = update_ratios(net, g, eta, m)
    return LiveNumbers(delta, grad_b, grad_w, weight, ratio, float(eta), m)


def ratio_verdict(ratio: float) -> str:
    """Plain words for an update/weight ratio.

    'zero' (no gradient reaches the layer: dead ReLUs or saturated units),
    'tiny' (< 1e-6), 'small' (< 1e-4), 'healthy' (up to 3e-2), 'large' (up to
    0.3) or 'huge'. CS231n's rule of thumb for large networks is ≈ 1e-3; the
    small networks here train well from about 1e-4 to a few 1e-2 and start
    to overshoot when one step moves the weights by a third of their size
    (calibrated on moons, circles, spiral and gauss with tanh and ReLU).
    """
    if not np.isfinite(ratio) or ratio > 0.3:
        return "huge"
    if ratio == 0:
        return "zero"
    if ratio > 3e-2:
        return "large"
    if ratio >= 1e-4:
        return "healthy"
    if ratio >= 1e-6:
        return "small"
    return "tiny"


def _pct(v) -> str:
    return "–" if v is None else f"{100 * v:.0f} %"


def loss_text(run) -> str:
    """One line with the epoch, η, the training and held-out loss and accuracy of a Run.

    E.g. ``epoch 100/100 · η = 0.1 · training loss 0.0280 · held-out loss 0.0811 ·
    accuracy 100 % / 96 %``. Losses use 3 significant digits.
    """
    h = run.history
    head = f"epoch {run.epoch}/{max(run.target, run.epoch)} · η = {run.eta:.3g}"
    if not h.loss:
        return f"{head} · training loss {run.start_loss:.3g} (untrained)"
    text = f"{head} · training loss {h.loss[-1]:.3g}"
    if h.val_loss:
        text += f" · held-out loss {h.val_loss[-1]:.3g}"
    if h.accuracy and h.accuracy[-1] is not None:
        text += f" · accuracy {_pct(h.accuracy[-1])}"
        if h.val_accuracy:
            text += f" / {_pct(h.val_accuracy[-1])}"
    return text


def diagnose(run) -> Optional[str]:
    """A plain message when a Run's training went wrong, else None.

    Divergence (NaN, inf, explosion): ``history.message``, which names η and
    suggests a smaller one. A loss that ended above where it started without
    diverging (e.g. sigmoids saturated by huge steps): a message saying so,
    also naming η and a smaller one.
    """
    h = run.history
    if h.diverged:
        return h.message
    if h.loss and run.done and h.loss[-1] > run.start_loss:
        return (f"The training loss rose from {run.start_loss:.3g} to {h.loss[-1]:.3g} with learning "
                f"rate eta={run.eta:g}: the steps overshoot the valley and push the neurons into "
                f"saturation. Try a smaller eta, e.g. eta={run.eta / 10:g}.")
    return None


_EQUATIONS = [
    ("BP1", r"\delta^L = \nabla_a C \odot \sigma'(z^L)"),
    ("BP2", r"\delta^l = \big((w^{l+1})^T \delta^{l+1}\big) \odot \sigma'(z^l)"),
    ("BP3", r"\partial C / \partial b^l_j = \delta^l_j"),
    ("BP4", r"\partial C / \partial w^l_{jk} = a^{l-1}_k \delta^l_j"),
    ("update", r"w^l \to w^l - \tfrac{\eta}{m} \sum_x \partial C_x / \partial w^l"),
]
# Okabe–Ito blue, green, orange and vermillion, as in bpcore.figures.style (HTML needs no matplotlib).
_VERDICT_COLOUR = {"tiny": "#0072B2", "small": "#0072B2", "healthy": "#009E73",
                   "large": "#E69F00", "huge": "#D55E00", "zero": "#D55E00"}
_ADVICE = {
    "huge": "one step moves the weights by a third of their size or more: expect jumps, "
            "oscillation or divergence. A smaller η would be steadier.",
    "large": "big steps: fast progress, but the loss may bounce. If it does, try a smaller η.",
    "healthy": "steps small against the weights but not negligible: these networks train well "
               "here (CS231n's rule of thumb for big networks is ≈ 1e-3).",
    "small": "small steps: training is slow. A larger η would get there sooner.",
    "tiny": "tiny steps: the weights hardly move. Increase η.",
    "zero": "no gradient reaches at least one layer (every ReLU is off, or the units are "
            "saturated): the network has stopped learning. Press Reset and use a smaller η.",
}


def _layers(values) -> str:
    return ", ".join(f"{l}: {v:.2g}" for l, v in enumerate(values) if l >= 1)


def live_maths_html(numbers: LiveNumbers) -> str:
    """HTML (with $…$ maths) showing the four equations with the current numbers.

    One row per equation; the update row shows each layer's update/weight
    ratio with a verdict, and a sentence says what the largest one means for η.
    """
    L = numbers.L
    ratios = [f"{l}: <span style='color:{_VERDICT_COLOUR[ratio_verdict(r)]}'>{r:.1e} ({ratio_verdict(r)})"
              f"</span>" for l, r in enumerate(numbers.ratio) if l >= 1]
    rows = [
        f"|δ<sup>{L}</sup>| = {numbers.delta[L]:.2g}",
        "|δ<sup>l</sup>| for l = " + (_layers(numbers.delta[:L]) if L > 1 else "(no hidden layer)"),
        "|∂C/∂b<sup>l</sup>| for l = " + _layers(numbers.grad_b),
        "|∂C/∂w<sup>l</sup>| for l = " + _layers(numbers.grad_w),
        "(η/m)·|∇w<sup>l</sup>|/|w<sup>l</sup>| for l = " + ", ".join(ratios),
    ]
    worst = max(numbers.ratio[1:], key=lambda r: r if np.isfinite(r) else math.inf)
    verdict = "zero" if any(r == 0 for r in numbers.ratio[1:]) else ratio_verdict(worst)
    body = "".join(f"<tr><td><b>{name}</b></td><td>${tex}$</td><td>{now}</td></tr>"
                   for (name, tex), now in zip(_EQUATIONS, rows))
    return (
        "<div class='bp-maths-body'>"
        f"<table><tr><th></th><th>equation</th><th>now (η = {numbers.eta:.3g}, m = {numbers.m}, "
        f"one minibatch)</th></tr>{body}</table>"
        f"<p><b>{verdict}</b> (largest update/weight ratio {worst:.1e}): {_ADVICE[verdict]}</p></div>"
    )


def sweep_progress_text(sweep, total: int) -> str:
    """The loss line while a sweep runs, e.g. 'sweep 3/9 · η = 0.01 → training loss 0.452'."""
    eta, loss = sweep.etas[-1], sweep.final_loss[-1]
    return (f"sweep {len(sweep.etas)}/{total} · η = {eta:.3g} → training loss {loss:.3g}"
            + (" (diverged)" if sweep.diverged[-1] else ""))


def sweep_summary(sweep) -> str:
    """What a finished sweep found: the best η, and from where training failed."""
    bad = sweep.etas[sweep.diverged | sweep.rose]
    tail = (f"; training failed (diverged or loss rose) at η ≥ {bad.min():.3g}" if bad.size
            else "; no run diverged")
    return f"Sweep done: lowest final training loss at η ≈ {sweep.best_eta:.3g}{tail}."
