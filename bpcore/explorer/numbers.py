"""The numbers behind the four equations right now, and the texts the explorer shows.

:func:`live_numbers` computes, from :func:`bpcore.backprop.backward` on one
minibatch, |δ^l| per layer (BP1, BP2), |∂C/∂b^l| and |∂C/∂w^l| (BP3, BP4), the
update/weight ratio (η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖ of the update rule
(:func:`bpcore.update.update_ratios`) and how many hidden units pass (almost) no
gradient (:func:`stuck_units`: *saturated* sigmoid/tanh, *dead* ReLU).
:func:`live_maths_html` writes them into the maths pane. The other functions are
the lines the explorer shows: the loss line, the status after a run, a pause, a
step, a reset or a sweep, the learning-rate marks 1/λ_max and 2/λ_max next to the
η slider, and the words for each regime ("converging", "oscillating",
"diverging"; :func:`bpcore.curvature.run_regime`).

Every text names the learning rate η, as the controls do. The colours of the
texts are :data:`TEXT_COLOURS`, each at least 4.5:1 against the notebook's white.

Taught in ``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..activations import get_activation
from ..backprop import backward
from ..curvature import step_regime
from ..network import Network, forward
from ..update import update_ratios
from .settings import ETA_MAX, ETA_MIN

__all__ = ["TEXT_COLOURS", "REGIME_COLOURS", "UNIT_STATES", "LiveNumbers", "live_numbers", "stuck_units",
           "ratio_verdict", "live_maths_html", "loss_text", "eta_schedule_text", "run_title", "diagnose",
           "finished_text", "pause_text", "step_text", "edge_text", "suggest_eta", "sweep_progress_text", "sweep_summary",
           "error_text"]

#: Text colours on white, each with a contrast ratio ≥ 4.5:1 (WCAG AA): darker shades of the
#: Okabe–Ito palette of bpcore.figures.style (the HTML here needs no matplotlib).
TEXT_COLOURS = {"info": "#444444", "blue": "#0072B2", "green": "#00785A", "orange": "#8F5B00",
                "vermillion": "#B34700"}
#: The colour each run regime is written and marked in (text, sweep markers).
REGIME_COLOURS = {"converging": TEXT_COLOURS["green"], "oscillating": TEXT_COLOURS["orange"],
                  "diverging": TEXT_COLOURS["vermillion"]}
_REGIME_MEANING = {"converging": "the loss fell steadily", "oscillating": "the loss zig-zags on its way down",
                   "diverging": "the loss ended above where it started"}
#: Hidden activation → (the word for a unit that passes (almost) no gradient, what that means).
UNIT_STATES = {
    "sigmoid": ("saturated", "|z| so large that σ'(z) < 1 % of σ'(0) for every example"),
    "tanh": ("saturated", "|z| so large that σ'(z) < 1 % of σ'(0) for every example"),
    "relu": ("dead", "z < 0 for every example, so σ'(z) = 0: zero gradient"),
    "leaky_relu": ("stuck on the leaky side", "z < 0 for every example, so only the slope 0.01 passes gradient"),
}


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
    stuck : hidden units of layer l that pass (almost) no gradient on the minibatch
        (:func:`stuck_units`); None for the output layer
    widths : n_l, the number of units of layer l
    eta, m : the learning rate and the batch size
    hidden, output : the activation names
    """

    delta: list
    grad_b: list
    grad_w: list
    weight: list
    ratio: list
    stuck: list
    widths: list
    eta: float
    m: int
    hidden: str = "tanh"
    output: str = "sigmoid"

    @property
    def L(self) -> int:
        return len(self.delta) - 1


def stuck_units(hidden: str, z) -> int:
    """How many units of one layer pass (almost) no gradient back for any of the m examples.

    z : ndarray (n_l, m), the weighted inputs of a hidden layer. A ReLU (or leaky
    ReLU) unit is stuck when z ≤ 0 for every example (:data:`UNIT_STATES`: *dead*,
    or on the leaky side); a sigmoid or tanh unit when σ'(z) < 1 % of σ'(0) for
    every example (*saturated*: |z| ≳ 6 for the sigmoid, ≳ 3 for tanh).
    """
    z = np.asarray(z, dtype=float)
    if hidden in ("relu", "leaky_relu"):
        passing = z > 0
    else:
        prime = get_activation(hidden).prime
        passing = prime(z) >= 0.01 * prime(np.zeros(1))[0]
    return int(np.sum(~passing.any(axis=1)))


def live_numbers(net: Network, x, y, cost, eta: float, m: int) -> LiveNumbers:
    """|δ^l|, |∂C/∂b^l|, |∂C/∂w^l|, the update/weight ratio and the stuck units, per layer.

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
        stuck = [None] + [stuck_units(net.hidden, g.z[l]) for l in range(1, net.L)] + [None]
    return LiveNumbers(delta, grad_b, grad_w, weight, ratio, stuck, list(net.sizes), float(eta), m,
                       net.hidden, net.output)


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


_BP1 = {  # the output error: BP1 for an elementwise output, a^L − y for softmax with its cross-entropy
    "elementwise": r"\delta^L = C'(a^L) \odot \sigma'(z^L)",
    "softmax": r"\delta^L = a^L - y \quad \text{(softmax with its cross-entropy: no elementwise } \sigma')",
}
_EQUATIONS = [
    ("BP2", r"\delta^l = \big((w^{l+1})^T \delta^{l+1}\big) \odot \sigma'(z^l)"),
    ("BP3", r"\partial C / \partial b^l_j = \delta^l_j"),
    ("BP4", r"\partial C / \partial w^l_{jk} = a^{l-1}_k \delta^l_j"),
    ("update", r"w^l \to w^l - \tfrac{\eta}{m} \sum_x \partial C_x / \partial w^l"),
]
_VERDICT_COLOUR = {"tiny": TEXT_COLOURS["blue"], "small": TEXT_COLOURS["blue"], "healthy": TEXT_COLOURS["green"],
                   "large": TEXT_COLOURS["orange"], "huge": TEXT_COLOURS["vermillion"],
                   "zero": TEXT_COLOURS["vermillion"]}
_ADVICE = {
    "huge": "one step moves the weights by a third of their size or more: expect jumps, "
            "oscillation or divergence. A smaller η would be steadier.",
    "large": "big steps: fast progress, but the loss may bounce. If it does, try a smaller η.",
    "healthy": "steps small against the weights but not negligible: these networks train well "
               "here (CS231n's rule of thumb for big networks is ≈ 1e-3).",
    "small": "small steps: training is slow. A larger η would get there sooner.",
    "tiny": "tiny steps: the weights hardly move. Increase η.",
}


def _layers(values) -> str:
    return ", ".join(f"{l}: {v:.2g}" for l, v in enumerate(values) if l >= 1)


def _stuck_row(numbers: LiveNumbers) -> str:
    word = UNIT_STATES[numbers.hidden][0]
    return "; ".join(f"layer {l}: {numbers.stuck[l]} of {numbers.widths[l]} {word}"
                     for l in range(1, numbers.L) if numbers.stuck[l])


def _zero_advice(numbers: LiveNumbers) -> str:
    word, meaning = UNIT_STATES[numbers.hidden]
    stuck = _stuck_row(numbers)
    where = f" ({stuck})" if stuck else ""
    return (f"no gradient reaches at least one layer: its {numbers.hidden} units are {word}{where}, "
            f"i.e. {meaning}. The network has stopped learning. Press Reset and use a smaller η.")


def live_maths_html(numbers: LiveNumbers) -> str:
    """HTML (with $…$ maths) showing the four equations with the current numbers.

    BP1 is written C'(a^L) ⊙ σ'(z^L) for an elementwise output and δ^L = a^L − y for a
    softmax output with its cross-entropy. One row per equation; the BP2 row also says
    how many hidden units are saturated (or dead), the update row shows each layer's
    update/weight ratio with a verdict, and a sentence says what the largest one means for η.
    """
    L = numbers.L
    ratios = [f"{l}: <span style='color:{_VERDICT_COLOUR[ratio_verdict(r)]}'>{r:.1e} ({ratio_verdict(r)})"
              f"</span>" for l, r in enumerate(numbers.ratio) if l >= 1]
    stuck = _stuck_row(numbers)
    hidden = (_layers(numbers.delta[:L]) + (f" ({stuck})" if stuck else "")) if L > 1 else "(no hidden layer)"
    rows = [
        f"|δ<sup>{L}</sup>| = {numbers.delta[L]:.2g}",
        "|δ<sup>l</sup>| for l = " + hidden,
        "|∂C/∂b<sup>l</sup>| for l = " + _layers(numbers.grad_b),
        "|∂C/∂w<sup>l</sup>| for l = " + _layers(numbers.grad_w),
        "(η/m)·|∇w<sup>l</sup>|/|w<sup>l</sup>| for l = " + ", ".join(ratios),
    ]
    worst = max(numbers.ratio[1:], key=lambda r: r if np.isfinite(r) else math.inf)
    verdict = "zero" if any(r == 0 for r in numbers.ratio[1:]) else ratio_verdict(worst)
    advice = _zero_advice(numbers) if verdict == "zero" else _ADVICE[verdict]
    bp1 = _BP1["softmax" if numbers.output == "softmax" else "elementwise"]
    body = "".join(f"<tr><td><b>{name}</b></td><td>${tex}$</td><td>{now}</td></tr>"
                   for (name, tex), now in zip([("BP1", bp1)] + _EQUATIONS, rows))
    return (
        "<div class='bp-maths-body'>"
        f"<table><tr><th></th><th>equation</th><th>now (η = {numbers.eta:.3g}, m = {numbers.m}, "
        f"one minibatch)</th></tr>{body}</table>"
        f"<p><b style='color:{_VERDICT_COLOUR[verdict]}'>{verdict}</b> (largest update/weight ratio "
        f"{worst:.1e}): {advice}</p></div>"
    )


# ---------------------------------------------------------------------------- texts about a run
def _pct(v) -> str:
    return "–" if v is None else f"{100 * v:.0f} %"


def eta_schedule_text(run, sep: str = " ") -> str:
    """Which η trained which epochs: 'η = 0.1', or 'η = 0.1 for epochs 1–30, then η = 1 from epoch 31'."""
    segments = run.eta_segments
    if len(segments) == 1:
        return f"η{sep}={sep}{segments[0][2]:.3g}"
    parts = [f"η{sep}={sep}{eta:.3g} for epochs {first}–{last}" if last > first else
             f"η{sep}={sep}{eta:.3g} for epoch {first}" for first, last, eta in segments[:-1]]
    first, _, eta = segments[-1]
    return ", then ".join(parts + [f"η{sep}={sep}{eta:.3g} from epoch {first}"])


def run_title(run) -> str:
    """The explorer's title line: the settings, with the η schedule of a run whose η changed."""
    s = run.settings
    if not run.eta_changes:
        return s.describe(epochs=run.target)
    return s.describe(eta_text=eta_schedule_text(run, sep=""), epochs=max(run.target, run.epoch))


def loss_text(run) -> str:
    """One line with the epoch, η, the training and held-out loss and accuracy of a Run.

    E.g. ``epoch 100/100 · η = 0.1 · training loss 0.0280 · held-out loss 0.0811 ·
    accuracy 100 % / 96 %``; after a change of η, ``η = 1 since epoch 31``.
    Losses use 3 significant digits.
    """
    h = run.history
    since = f" since epoch {run.eta_changes[-1][0] + 1}" if run.eta_changes else ""
    head = f"epoch {run.epoch}/{max(run.target, run.epoch)} · η = {run.eta:.3g}{since}"
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


def suggest_eta(eta: float, eta_edge: float) -> float:
    """A smaller η to try: the largest 1·10^k or 3·10^k below both η and the edge 2/λ_max (η/10 without an edge)."""
    limit = min(eta, eta_edge) if np.isfinite(eta_edge) and eta_edge > 0 else eta / 10
    k = math.floor(math.log10(limit))
    for candidate in (3 * 10.0 ** k, 10.0 ** k, 3 * 10.0 ** (k - 1)):
        if candidate < limit * (1 - 1e-9):
            return float(f"{candidate:.3g}")
    return float(f"{limit / 10:.3g}")


def _edge_clause(run) -> str:
    edge = run.curvature(initial=True).eta_edge
    if not np.isfinite(edge):
        return ""
    return f"; η is {run.eta / edge:.2g}× the edge of stability 2/λ_max = {edge:.3g} of the initial weights"


def _stuck_clause(run) -> str:
    """', and 12 of 32 hidden tanh units are saturated (…)' measured on the training data, or ''."""
    net = run.net
    if net.L < 2:
        return ""
    with np.errstate(all="ignore"):
        z, _ = forward(net, run.data.x, validate=False)
    stuck = sum(stuck_units(net.hidden, z[l]) for l in range(1, net.L))
    if not stuck:
        return ""
    word, meaning = UNIT_STATES[net.hidden]
    total = sum(net.sizes[1:-1])
    return f", and {stuck} of {total} hidden {net.hidden} units are {word} ({meaning})"


def _blowup(run) -> str:
    """Why the diverged epoch went wrong: bpcore.train's own words (its divergence check)."""
    return run.blown_reason or "training blew up"


def diagnose(run) -> Optional[str]:
    """A plain message when a Run is diverging, else None.

    Training that blew up (a NaN or infinite loss, overflowing or saturating
    weights: ``history.diverged``) and a run whose loss ended above where it
    started under the current η (:attr:`Run.regime` "diverging") both get a
    message naming the epoch or the losses, η against the edge of stability
    2/λ_max, the hidden units that are saturated or dead, and a smaller η to try.
    """
    h = run.history
    if not (h.diverged or h.failed or (run.done and run.regime == "diverging")):
        return None
    edge = run.curvature(initial=True).eta_edge
    advice = f" Try a smaller η, e.g. η = {suggest_eta(run.eta, edge):g}."
    if h.diverged and run.blown_at_start:
        return (f"Training cannot proceed: {_blowup(run)}, and it was so at the initial weights, so no η "
                f"helps. Change the initialiser, the seed or the width, then train again.")
    if h.diverged:
        return (f"Diverging: training blew up in epoch {run.epoch + 1} with η = {run.eta:.3g} ({_blowup(run)})"
                f"{_edge_clause(run)}. The last finite weights are kept.{advice}")
    if h.failed and run.regime != "diverging":  # the whole run ended above its start, the last η's part did not
        return (f"Training failed: the training loss ended above where the run started ({run.start_loss:.3g} "
                f"→ {h.loss[-1]:.3g}){_edge_clause(run)}{_stuck_clause(run)}.{advice}")
    since = run.eta_changes[-1][0] if run.eta_changes else 0
    before = run.start_loss if since == 0 else h.loss[since - 1]
    return (f"Diverging: the training loss rose from {before:.3g} to {h.loss[-1]:.3g} with η = {run.eta:.3g}"
            f"{_edge_clause(run)}: the steps overshoot the valley{_stuck_clause(run)}.{advice}")


def _regime_words(regime: Optional[str]) -> str:
    return "not trained yet" if regime is None else f"{regime} ({_REGIME_MEANING[regime]})"


def finished_text(run):
    """(status text, kind) for a run that stopped at its target: its regime, or what went wrong."""
    message = diagnose(run)
    if message:
        return message, "warning"
    h = run.history
    if not h.loss:
        return f"Done: no epochs trained with {eta_schedule_text(run)}.", "info"
    under = "" if not run.eta_changes else f" under η = {run.eta:.3g}"
    return (f"Done: {run.epoch} epochs with {eta_schedule_text(run)}; {_regime_words(run.regime)}{under}; "
            f"training loss {run.start_loss:.3g} → {h.loss[-1]:.3g}.", "info")


def pause_text(run) -> str:
    """The status after Pause: where the run stopped and how it is going."""
    so_far = "" if run.regime is None else f": {run.regime} so far"
    return (f"Paused at epoch {run.epoch} ({eta_schedule_text(run)}){so_far}. "
            "Train resumes; Step runs one epoch.")


def step_text(run) -> str:
    """The status after Step: the epoch reached and how it is going (or why it is diverging)."""
    message = diagnose(run)
    if message:
        return message
    so_far = "" if run.regime is None else f": {run.regime} so far"
    return f"Stepped to epoch {run.epoch} ({eta_schedule_text(run)}){so_far}."


def edge_text(marks, eta: float, epoch: int, initial=None) -> str:
    """The line next to the η slider: 2/λ_max and 1/λ_max at the current weights, and where η falls.

    E.g. 'edge of stability 2/λ_max = 1.67 (1/λ_max = 0.833) at epoch 0 · η = 0.1 ≤ 1/λ_max:
    converging steps from these weights'. ``marks`` (and ``initial``, those of the initial
    weights, named once the weights have moved) are :class:`bpcore.curvature.CurvatureMarks`.
    """
    approx = "=" if marks.converged else "≈"
    start = ""
    if initial is not None and epoch > 0 and np.isfinite(initial.eta_edge):
        start = f" ({initial.eta_edge:.3g} at the initial weights)"
    if not marks.lambda_max > 0:
        return (f"λ_max {approx} {marks.lambda_max:.3g} at epoch {epoch}{start}: no direction curves up, "
                "so no η overshoots along it")
    head = (f"edge of stability 2/λ_max {approx} {marks.eta_edge:.3g} (1/λ_max {approx} "
            f"{marks.eta_oscillation:.3g}) at epoch {epoch}{start}")
    regime = step_regime(eta, marks.lambda_max)
    where = {"converging": "≤ 1/λ_max", "oscillating": "between 1/λ_max and 2/λ_max",
             "diverging": "≥ 2/λ_max"}[regime]
    return f"{head} · η = {eta:.3g} {where}: {regime} steps from these weights"


# ---------------------------------------------------------------------------- the sweep
def sweep_progress_text(sweep, total: int) -> str:
    """The loss line while a sweep runs, e.g. 'sweep 3/11 · η = 0.01 → training loss 0.452 (converging)'."""
    eta, loss, regime = sweep.etas[-1], sweep.final_loss[-1], sweep.regimes[-1]
    return f"sweep {len(sweep.etas)}/{total} · η = {eta:.3g} → training loss {loss:.3g} ({regime})"


def _eta_range(etas) -> str:
    etas = sorted(etas)
    return f"η = {etas[0]:.3g}" if len(etas) == 1 else f"η = {etas[0]:.3g} … {etas[-1]:.3g}"


def sweep_summary(sweep, total: Optional[int] = None) -> str:
    """What a sweep found: the best η, the η of each regime, and the edge 2/λ_max of the initial weights.

    ``total`` is the number of η asked for; a sweep stopped early says how far it got.
    """
    n = len(sweep.etas)
    head = "Sweep done" if sweep.complete else f"Sweep stopped after {n} of {total or n} η (the plot shows those)"
    if n == 0:
        return f"{head}."
    found = [f"{regime} at {_eta_range(sweep.etas[[r == regime for r in sweep.regimes]])}"
             for regime in _REGIME_MEANING if regime in sweep.regimes]
    best = sweep.best_eta
    best_text = (f"lowest final held-out loss at η ≈ {best:.3g}" if np.isfinite(best)
                 else "no run ended below its starting loss")
    edge = f"; edge of stability 2/λ_max = {sweep.eta_edge:.3g} at the initial weights" \
        if np.isfinite(sweep.eta_edge) else ""
    return f"{head}: {best_text}; " + ", ".join(found) + f"{edge}."


def error_text(exc: Exception, log_path) -> str:
    """The status after an exception in a callback: what it was and where the details went."""
    return (f"Something went wrong: {type(exc).__name__}: {exc}. The details (the traceback) were written to "
            f"{log_path}. Your settings are kept; change a control or press Reset to go on.")


def refused_text(label: str, old, new, exc: Exception) -> str:
    """The status after a control gave a value the explorer cannot use (it is put back to ``old``)."""
    if label == "learning rate η":
        return (f"Not applied: the learning rate η must be a number from {ETA_MIN:g} to {ETA_MAX:g}; "
                f"got {new!r}. η stays {old:.3g}.")
    return f"Not applied: {exc}. The {label} control is back at {old!r}."


def text_html(text: str, kind: str = "info", css_class: str = "") -> str:
    """``text`` as HTML that wraps: "info" in grey, "warning" and "error" in bold vermillion (≥ 4.5:1)."""
    colour, weight = (TEXT_COLOURS["info"], "normal") if kind == "info" else (TEXT_COLOURS["vermillion"], "bold")
    return (f"<div class='{css_class or 'bp-text-' + kind}' style='color:{colour};font-weight:{weight};"
            f"white-space:normal;overflow-wrap:anywhere;line-height:1.45'>{html.escape(text)}</div>")
