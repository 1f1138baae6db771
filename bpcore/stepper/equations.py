"""The stepper's equations in the series' notation, with the numbers of one example put in.

Plain characters: ``δ^2_1`` is δ²₁, ``w^3_21`` is w³₂₁ (j = 2 in layer 3, k = 1 in layer 2),
``a^0_k`` is the input x_k. Each :class:`Line` ends with a form that has the numbers
substituted and evaluates, read as Python (× is *, − is -, ½ is 0.5, ² is **2, ln is the
natural log), to the value shown, up to the rounding of the numbers written in.

The numbers are read from a :class:`~bpcore.stepper.steps.BackwardPass`, which holds what
bpcore computed (forward, backward, update); nothing here computes a value of its own,
apart from σ'(z) evaluated by the layer's own activation.

No matplotlib, no ipywidgets. Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["number", "Line", "title", "lines"]


def number(v) -> str:
    """A value as the stepper writes it: 4 significant digits, − for minus (1.234e−05 when tiny)."""
    v = float(v)
    if v == 0 or not math.isfinite(v):
        return "0" if v == 0 else str(v)
    text = f"{v:.4g}" if 1e-3 <= abs(v) < 1e5 else f"{v:.3e}"
    return text.replace("-", "−")


def _operand(v) -> str:
    """A number inside a product or sum: negative ones in brackets."""
    return f"({number(v)})" if float(v) < 0 else number(v)


def _probability(p) -> str:
    """p in (0, 1) inside ln: enough digits that neither p nor 1 − p rounds to 0."""
    for digits in range(4, 18):
        text = f"{float(p):.{digits}g}"
        if 0.0 < float(text) < 1.0 or not 0.0 < p < 1.0:
            return text.replace("-", "−")
    return number(p)



@dataclass(frozen=True)
class Line:
    """One equation with the numbers in: ``lhs relation forms[0] = forms[1] = ... = value``.

    The last form has the numbers substituted (:attr:`substituted`); ``note`` says why the
    form is what it is (e.g. why σ' cancels).
    """

    lhs: str
    forms: tuple
    value: float
    relation: str = "="
    note: str = ""

    @property
    def substituted(self) -> str:
        return self.forms[-1]

    @property
    def value_text(self) -> str:
        return number(self.value)

    def text(self) -> str:
        forms = list(self.forms) + ([] if self.forms[-1] == self.value_text else [self.value_text])
        return f"{self.lhs} {self.relation} " + " = ".join(forms)


# ----------------------------------------------------------------------------- equations
def title(bp, step) -> str:
    """The heading of ``step``: its equation for the whole layer, e.g. 'BP3, layer 2: ∂C/∂b^2 = δ^2'."""
    l, L, kind = step.layer, bp.net.L, step.kind
    sigma = "softmax" if bp.net.sigma(l).name == "softmax" else "σ"
    bp1 = "(a^{L} − y) ⊙ σ'(z^{L})" if bp.cost == "quadratic" else "a^{L} − y"
    return {
        "z": f"Forward, layer {l}: z^{l} = w^{l} a^{l - 1} + b^{l}",
        "a": f"Forward, layer {l}: a^{l} = {sigma}(z^{l})",
        "cost": f"The cost of this example: {_COST_FORMULA[bp.cost].format(L=L)}",
        "BP1": "BP1, output error: δ^{L} = ".format(L=L) + bp1.format(L=L),
        "BP2": f"BP2, layer {l}: δ^{l} = ((w^{l + 1})^T δ^{l + 1}) ⊙ σ'(z^{l})",
        "BP3": f"BP3, layer {l}: ∂C/∂b^{l} = δ^{l}",
        "BP4": f"BP4, layer {l}: ∂C/∂w^{l} = δ^{l} (a^{l - 1})^T",
        "update": f"Update, layer {l} (m = 1, η = {bp.eta:g}): w^{l} → w^{l} − η ∂C/∂w^{l}, "
                  f"b^{l} → b^{l} − η ∂C/∂b^{l}",
    }[kind]


_COST_FORMULA = {
    "quadratic": "C = ½ Σ_j (a^{L}_j − y_j)²",
    "cross_entropy": "C = −Σ_j [y_j ln a^{L}_j + (1 − y_j) ln(1 − a^{L}_j)]",
    "softmax_cross_entropy": "C = −Σ_j y_j ln a^{L}_j",
}


def _z_lines(bp, l, j):
    w, b, a, z = bp.net.w[l], bp.net.b[l], bp.grads.a[l - 1], bp.grads.z[l]
    ks = range(1, w.shape[1] + 1)
    symbolic = " + ".join(f"w^{l}_{j}{k} a^{l - 1}_{k}" for k in ks) + f" + b^{l}_{j}"
    numbers = " + ".join(f"{_operand(w[j - 1, k - 1])} × {_operand(a[k - 1, 0])}" for k in ks)
    return (Line(f"z^{l}_{j}", (symbolic, f"{numbers} + {_operand(b[j - 1, 0])}"), z[j - 1, 0]),)


def _a_lines(bp, l, j):
    name, z, a = bp.net.sigma(l).name, bp.grads.z[l][:, 0], bp.grads.a[l][j - 1, 0]
    zj = z[j - 1]
    if name == "softmax":
        others = range(1, len(z) + 1)
        forms = (f"exp(z^{l}_{j}) / (" + " + ".join(f"exp(z^{l}_{i})" for i in others) + ")",
                 f"exp({number(zj)}) / (" + " + ".join(f"exp({number(z[i - 1])})" for i in others) + ")")
    else:
        forms = {
            "sigmoid": (f"σ(z^{l}_{j}) = 1 / (1 + exp(−z^{l}_{j}))", f"1 / (1 + exp({number(-zj)}))"),
            "tanh": (f"tanh(z^{l}_{j})", f"tanh({number(zj)})"),
            "relu": (f"max(0, z^{l}_{j})", f"max(0, {number(zj)})"),
            "leaky_relu": (f"max(0.01 z^{l}_{j}, z^{l}_{j})", f"max(0.01 × {_operand(zj)}, {number(zj)})"),
        }[name]
    return (Line(f"a^{l}_{j}", forms, a),)


def _cost_lines(bp, l, j):
    a, y, L = bp.grads.a[bp.net.L][:, 0], bp.y[:, 0], bp.net.L
    js = range(1, len(a) + 1)
    if bp.cost == "quadratic":
        forms = ("½ [" + " + ".join(f"(a^{L}_{i} − y_{i})²" for i in js) + "]",
                 "½ × (" + " + ".join(f"({number(a[i - 1])} − {number(y[i - 1])})²" for i in js) + ")")
    elif bp.cost == "cross_entropy":
        forms = ("−[" + " + ".join(f"y_{i} ln a^{L}_{i} + (1 − y_{i}) ln(1 − a^{L}_{i})" for i in js) + "]",
                 "−(" + " + ".join(f"{number(y[i - 1])} × ln({_probability(a[i - 1])}) + (1 − {number(y[i - 1])})"
                                   f" × ln(1 − {_probability(a[i - 1])})" for i in js) + ")")
    else:
        forms = ("−(" + " + ".join(f"y_{i} ln a^{L}_{i}" for i in js) + ")",
                 "−(" + " + ".join(f"{number(y[i - 1])} × ln({_probability(a[i - 1])})" for i in js) + ")")
    return (Line("C", forms, bp.C, note="the cost of this one example (m = 1)"),)


def _prime_line(bp, l, j) -> Line:
    sigma = bp.net.sigma(l)
    z, a = bp.grads.z[l][j - 1, 0], bp.grads.a[l][j - 1, 0]
    value = sigma.prime(bp.grads.z[l])[j - 1, 0]
    forms, note = {
        "sigmoid": ((f"a^{l}_{j} (1 − a^{l}_{j})", f"{number(a)} × (1 − {number(a)})"),
                    "for the sigmoid, σ'(z) = σ(z)(1 − σ(z)) = a(1 − a)"),
        "tanh": ((f"1 − (a^{l}_{j})²", f"1 − {_operand(a)}²"), "for tanh, σ'(z) = 1 − tanh²(z) = 1 − a²"),
        "relu": ((f"1 if z^{l}_{j} > 0 else 0", f"1 if {number(z)} > 0 else 0"), "ReLU's slope"),
        "leaky_relu": ((f"1 if z^{l}_{j} > 0 else 0.01", f"1 if {number(z)} > 0 else 0.01"), "leaky ReLU's slope"),
    }[sigma.name]
    return Line(f"σ'(z^{l}_{j})", forms, value, note=note)


def _bp1_lines(bp, l, j):
    a, y, delta = bp.grads.a[l][j - 1, 0], bp.y[j - 1, 0], bp.grads.delta[l][j - 1, 0]
    if bp.cost == "quadratic":
        prime = _prime_line(bp, l, j)
        forms = (f"(a^{l}_{j} − y_{j}) σ'(z^{l}_{j})", f"({number(a)} − {number(y)}) × {_operand(prime.value)}")
        return Line(f"δ^{l}_{j}", forms, delta), prime
    note = ("cross-entropy with a sigmoid output: C'(a) σ'(z) = a − y, σ' cancels" if bp.cost == "cross_entropy"
            else "softmax has no elementwise σ'(z); softmax cross-entropy gives δ^L = a^L − y directly")
    return (Line(f"δ^{l}_{j}", (f"a^{l}_{j} − y_{j}", f"{number(a)} − {number(y)}"), delta, note=note),)


def _bp2_lines(bp, l, j):
    w, d = bp.net.w[l + 1], bp.grads.delta[l + 1]
    prime = _prime_line(bp, l, j)
    rows = range(1, w.shape[0] + 1)
    forms = ("(" + " + ".join(f"w^{l + 1}_{i}{j} δ^{l + 1}_{i}" for i in rows) + f") σ'(z^{l}_{j})",
             "(" + " + ".join(f"{_operand(w[i - 1, j - 1])} × {_operand(d[i - 1, 0])}" for i in rows)
             + f") × {_operand(prime.value)}")
    return Line(f"δ^{l}_{j}", forms, bp.grads.delta[l][j - 1, 0]), prime


def _bp3_lines(bp, l, j):
    delta = bp.grads.delta[l][j - 1, 0]
    return (Line(f"∂C/∂b^{l}_{j}", (f"δ^{l}_{j}", number(delta)), bp.grads.grad_b[l][j - 1, 0],
                 note="b^l_j enters only z^l_j, with slope 1"),)


def _bp4_lines(bp, l, j, k):
    delta, a = bp.grads.delta[l][j - 1, 0], bp.grads.a[l - 1][k - 1, 0]
    return (Line(f"∂C/∂w^{l}_{j}{k}", (f"δ^{l}_{j} a^{l - 1}_{k}", f"{_operand(delta)} × {_operand(a)}"),
                 bp.grads.grad_w[l][j - 1, k - 1]),)


def _update_lines(bp, l, j, k):
    w, gw = bp.net.w[l][j - 1, k - 1], bp.grads.grad_w[l][j - 1, k - 1]
    b, gb = bp.net.b[l][j - 1, 0], bp.grads.grad_b[l][j - 1, 0]
    eta = number(bp.eta)
    return (Line(f"w^{l}_{j}{k}", (f"w^{l}_{j}{k} − η ∂C/∂w^{l}_{j}{k}", f"{number(w)} − {eta} × {_operand(gw)}"),
                 bp.net_after.w[l][j - 1, k - 1], relation="→"),
            Line(f"b^{l}_{j}", (f"b^{l}_{j} − η ∂C/∂b^{l}_{j}", f"{number(b)} − {eta} × {_operand(gb)}"),
                 bp.net_after.b[l][j - 1, 0], relation="→"))




_BUILDERS = {"z": _z_lines, "a": _a_lines, "cost": _cost_lines, "BP1": _bp1_lines, "BP2": _bp2_lines,
             "BP3": _bp3_lines}


def lines(bp, step, j, k) -> tuple:
    """The :class:`Line` s of ``step`` for neuron j of its layer and weight w^l_jk (1-based, in range).

    The first line is the step's own quantity (z^l_j, a^l_j, C, δ^l_j, ∂C/∂b^l_j, ∂C/∂w^l_jk or
    the updated w^l_jk); the others are what it needs (σ'(z^l_j), the updated b^l_j).
    """
    if step.kind in _BUILDERS:
        return tuple(_BUILDERS[step.kind](bp, step.layer, j))
    return tuple((_bp4_lines if step.kind == "BP4" else _update_lines)(bp, step.layer, j, k))
