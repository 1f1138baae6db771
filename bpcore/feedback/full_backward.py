"""Checker for a whole backward pass (notebook 04, Exercise 4.3): cross-entropy with a sigmoid output.

:func:`check_cross_entropy_backward` runs the learner's backward pass on two small networks and
compares every layer's ∂C/∂w^l and ∂C/∂b^l with :func:`bpcore.backprop.backward` and with finite
differences. When they differ it names a known slip (:data:`BACKWARD_CE_SLIPS`: the quadratic
cost's δ^L kept, ∂C/∂a^L for δ^L, a missing transpose or σ' in BP2, σ'(a), one activation for every
layer, means for sums, a^l for a^{l-1}, ...), or reads the layers from the output down and says
which equation, at which layer, goes wrong first. No message shows the corrected code.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid_prime
from ..backprop import backward, bias_gradient, weight_gradient
from ..costs import get_cost
from ..gradcheck import numerical_parameter_gradients, relative_error
from ..network import forward, init_network
from .engine import ATOL, FD_TOL, RTOL, Case, Feedback, Spec, call, failed, fmt_shape, passed, returned_none
from .slips import Slip

__all__ = ["check_cross_entropy_backward"]

NOTEBOOK = "04_gradients_bp3_bp4.ipynb"

CROSS_ENTROPY = "cross_entropy"

BACKWARD_CE = Spec(
    checker="check_cross_entropy_backward", equation="backward pass (cross-entropy)",
    formula="BP1 for the cross-entropy and a sigmoid output, then BP2, BP3 and BP4 at every layer",
    notebook=NOTEBOOK, reference="bpcore.backprop.backward (cost='cross_entropy')",
    arg_names=("net", "x", "y"), out_names=("grad_w", "grad_b"),
    out_shapes=("lists indexed like the network, slot 0 None",),
    shape_hint="BP2's (w^{l+1})^T δ^{l+1} multiplies (n_l, n_{l+1}) by (n_{l+1}, m), and BP4's "
               "δ^l (a^{l-1})^T multiplies (n_l, m) by (m, n_{l-1}): a shape mismatch usually means a "
               "transpose is missing in one of them.",
    fd_what="finite differences of the cross-entropy C = Σ_x C_x with respect to every w^l and b^l")


def _backward_cases() -> list:
    """A network whose hidden layers are square (sigmoid, m = 4) and one with none (tanh, m = 3)."""
    cases = []
    for sizes, hidden, m, seed in (((2, 3, 3, 3), "sigmoid", 4, 81), ((3, 4, 2, 1), "tanh", 3, 82)):
        rng = np.random.default_rng(seed)
        net = init_network(sizes, rng, init="normal", hidden=hidden, output="sigmoid")
        x = rng.standard_normal((sizes[0], m))
        y = rng.integers(0, 2, size=(sizes[-1], m)).astype(np.float64)
        g = backward(net, x, y, CROSS_ENTROPY)
        num_w, num_b = numerical_parameter_gradients(net, x, y, get_cost(CROSS_ENTROPY))
        cases.append(Case(label=f"{'-'.join(map(str, sizes))} with {hidden} hidden layers, m = {m}",
                          args=(net, x, y), expected=(g.grad_w, g.grad_b),
                          extra={"numeric": (num_w, num_b), "m": m}))
    return cases


def _slipped(c, *, bp1=None, back=None, prime=None, bp4=None, prev=1):
    """The backward pass of case c, (grad_w, grad_b), with a slip made in BP1, BP2 or BP4.

    bp1(net, z_L, a_L, y) replaces δ^L = a^L − y; back(w_next, delta_next) replaces
    (w^{l+1})^T δ^{l+1}; prime(net, l, z_l, a_l) replaces σ'(z^l); bp4(delta_l, a_prev)
    replaces δ^l (a^{l-1})^T, and prev = 0 gives it a^l instead of a^{l-1}.
    """
    net, x, y = c.args
    L = net.L
    z, a = forward(net, x, validate=False)
    delta = [None] * (L + 1)
    delta[L] = bp1(net, z[L], a[L], y) if bp1 else a[L] - y
    for l in range(L - 1, 0, -1):
        carried = back(net.w[l + 1], delta[l + 1]) if back else net.w[l + 1].T @ delta[l + 1]
        delta[l] = carried * (prime(net, l, z[l], a[l]) if prime else net.sigma(l).prime(z[l]))
    grad_b = [None] + [bias_gradient(delta[l]) for l in range(1, L + 1)]
    grad_w = [None] + [(bp4 or weight_gradient)(delta[l], a[l - prev]) for l in range(1, L + 1)]
    return grad_w, grad_b


def _scaled(c, factor):
    """bpcore's gradients of case c, every one times ``factor``."""
    return tuple([None] + [factor * g for g in grads[1:]] for grads in c.expected)


BACKWARD_CE_SLIPS = [
    Slip(id="kept_sigma_prime",
         variant=lambda c: _slipped(c, bp1=lambda net, z, a, y: (a - y) * net.sigma(net.L).prime(z)),
         explain="Your gradients are those of δ^L = (a^L − y) ⊙ σ'(z^L), the quadratic cost's output "
                 "error. The cross-entropy has its own C'(a^L), and with a sigmoid output BP1 simplifies "
                 "(notebook 02, section 6 and Exercise 2.2). BP2, BP3 and BP4 stay as in section 4."),
    Slip(id="derivative_wrt_a", variant=lambda c: _slipped(c, bp1=lambda net, z, a, y: (a - y) / (a * (1 - a))),
         explain="Your δ^L is C'(a^L) = ∂C/∂a^L = (a^L − y)/(a^L(1 − a^L)), not δ^L = ∂C/∂z^L. BP1 "
                 "multiplies it by σ'(z^L) = a^L(1 − a^L), which cancels the denominator (notebook 02)."),
    Slip(id="wrong_sign", variant=lambda c: _slipped(c, bp1=lambda net, z, a, y: y - a),
         explain="Every gradient has the wrong sign: the output error is δ^L = a^L − y, positive where "
                 "the output is too large, so that gradient descent pushes it down. BP2–BP4 carry the "
                 "sign of δ^L to every layer."),
    Slip(id="missing_transpose", variant=lambda c: _slipped(c, back=lambda w, d: w @ d),
         explain="Your hidden layers' δ^l come from w^{l+1} δ^{l+1}, without the transpose. w^{l+1} "
                 "carries signals forwards, from layer l to layer l+1; the error goes backwards through "
                 "(w^{l+1})^T, shape (n_l, n_{l+1}) (BP2, notebook 03)."),
    Slip(id="sigma_prime_of_a", variant=lambda c: _slipped(c, prime=lambda net, l, z, a: net.sigma(l).prime(a)),
         explain="Your BP2 multiplies by σ'(a^l): σ' takes the weighted input z^l, not the activation "
                 "a^l (notebook 01)."),
    Slip(id="missing_sigma_prime", variant=lambda c: _slipped(c, prime=lambda net, l, z, a: 1.0),
         explain="Your BP2 leaves out the factor σ'(z^l): z^{l+1} depends on z^l through a^l = σ(z^l), "
                 "which contributes σ'(z^l) (notebook 03)."),
    Slip(id="ignores_sigma", variant=lambda c: _slipped(c, prime=lambda net, l, z, a: sigmoid_prime(z)),
         explain="Your hidden layers use the sigmoid's σ' although the second test network has tanh "
                 "hidden layers: BP2 needs the derivative of layer l's own activation, σ'(z^l) with the "
                 "σ of that layer (section 4's my_backward asks each layer for it)."),
    Slip(id="mean_instead_of_sum",
         variant=lambda c: _scaled(c, 1 / c.extra["m"]),
         explain="Your gradients are all m times too small: the means over the batch (or δ^L divided by "
                 "m). C = Σ_x C_x, so BP3 and BP4 give the sums over the m examples; the 1/m belongs to "
                 "the update rule, w → w − (η/m) Σ_x ∂C_x/∂w."),
    Slip(id="a_l_for_a_prev", variant=lambda c: _slipped(c, prev=0),
         explain="Your ∂C/∂w^l uses a^l where BP4 has a^{l-1}: w^l_jk connects neuron k of layer l−1 "
                 "to neuron j of layer l, so ∂C/∂w^l_jk = δ^l_j a^{l-1}_k, with a^0 = x (section 2)."),
    Slip(id="reversed_order", variant=lambda c: _slipped(c, bp4=lambda d, a: a @ d.T),
         explain="Your ∂C/∂w^l are a^{l-1} (δ^l)^T, the transposes of the gradients. Rows follow j "
                 "(layer l) and columns k (layer l−1), like w^l_jk: ∂C/∂w^l = δ^l (a^{l-1})^T has the "
                 "shape of w^l, (n_l, n_{l-1}) (section 3)."),
    Slip(id="swapped_gradients", variant=lambda c: (c.expected[1], c.expected[0]),
         explain="You returned (grad_b, grad_w); the order is (grad_w, grad_b): first the weights' "
                 "gradients, then the biases'."),
]


def _what(x) -> str:
    return f"a {type(x).__name__}" + (f" of length {len(x)}" if isinstance(x, (tuple, list)) else "")


def _float_array(x):
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind not in "fiub":
        raise TypeError(type(x).__name__)
    return arr.astype(np.float64)


def _as_gradients(result, L: int):
    """The learner's (grad_w, grad_b), or a Gradients, as two lists of float arrays; or (None, Feedback)."""
    if result is None:
        return None, returned_none(BACKWARD_CE)
    if hasattr(result, "grad_w") and hasattr(result, "grad_b"):
        result = (result.grad_w, result.grad_b)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return None, failed(BACKWARD_CE, "wrong_type", "Your function should return the pair (grad_w, grad_b) "
                            f"of lists; got {_what(result)}.")
    out = []
    for name, grads in zip(("grad_w", "grad_b"), result):
        if not isinstance(grads, (tuple, list)) or len(grads) != L + 1:
            return None, failed(BACKWARD_CE, "wrong_type",
                                f"Your {name} should be a list indexed like the network, of length L + 1 = "
                                f"{L + 1}: slot 0 None, then one array per layer l = 1..{L}; got {_what(grads)}.")
        arrays = [None]
        for l in range(1, L + 1):
            if grads[l] is None:
                return None, failed(BACKWARD_CE, "returned_none",
                                    f"Your {name}[{l}] is None: does the loop reach layer {l}, and is its "
                                    "result stored and returned?")
            try:
                arrays.append(_float_array(grads[l]))
            except (TypeError, ValueError):
                return None, failed(BACKWARD_CE, "wrong_type", f"Your {name}[{l}] should be a numpy array "
                                    f"of numbers; got a {type(grads[l]).__name__}.")
        out.append(arrays)
    return tuple(out), None


def _same(got, want) -> bool:
    """Every layer's ∂C/∂w^l and ∂C/∂b^l: same shape, finite, close."""
    return all(g.shape == np.shape(w) and np.all(np.isfinite(g)) and np.allclose(g, w, rtol=RTOL, atol=ATOL)
               for gs, ws in zip(got, want) for g, w in zip(gs[1:], ws[1:]))


def _slipped_gradients(slip: Slip, case: Case):
    """The slip's gradients for ``case`` as float arrays, or None where the slipped formula raises."""
    with np.errstate(all="ignore"):
        try:
            return tuple([None] + [np.asarray(g, dtype=np.float64) for g in gs[1:]] for gs in slip.variant(case))
        except Exception:  # the slipped formula does not fit this case's shapes
            return None


def _fits(slip: Slip, runs: list, cases: list) -> bool:
    """The learner reproduces the slip in every case (raising where it raises), and it is not right."""
    differs = matched = False
    for (got, raised), case in zip(runs, cases):
        v = _slipped_gradients(slip, case)
        if raised is not None:
            if v is not None:
                return False
            differs = True
        elif v is None or not _same(got, v):
            return False
        else:
            matched = True
            differs = differs or not _same(v, case.expected)
    return differs and matched


def _where(l: int, name: str, L: int) -> str:
    """Which equation to suspect, from the first wrong gradient met going down from the output
    (at each layer ∂C/∂b^l is looked at first, so a wrong ∂C/∂w^l comes with a right ∂C/∂b^l)."""
    if name == "w":
        return (f"Your ∂C/∂b^{l} is right but ∂C/∂w^{l} is not: δ^{l} is right, so BP4 at layer {l} is "
                f"wrong. ∂C/∂w^{l}_jk = δ^{l}_j a^{l - 1}_k, summed over the examples (a^0 = x).")
    if l == L:
        return (f"Your ∂C/∂b^{L} (the output layer) is wrong already. It is Σ_x δ^{L}_x, so the output "
                f"error δ^{L} (BP1, the step that changes for cross-entropy) or its sum over the examples "
                "(BP3) is wrong.")
    return (f"Layer {l + 1}'s gradients are right, but ∂C/∂b^{l} is not: δ^{l + 1} is right, so BP2 "
            f"(δ^{l} from δ^{l + 1}) or BP3 at layer {l} is wrong.")


def _factor(g, w, what: str) -> str:
    """'It is c × the right one' when g = c·w for one c ≠ 1, else ''."""
    mask = np.abs(w) > 1e-8
    if not mask.any() or not np.all(np.isfinite(g)) or not np.allclose(g[~mask], 0.0, atol=ATOL):
        return ""
    ratios = g[mask] / w[mask]
    c = float(np.median(ratios))
    if np.isclose(c, 1.0) or not np.allclose(ratios, c, rtol=1e-6, atol=0):
        return ""
    return f"Your {what} is {c:.4g} × the right one: a factor has slipped in or out (a sign, an m?)."


def _first_wrong_layer(got, case: Case, right: int, n: int) -> Feedback:
    """Read the layers from the output down; explain the first wrong ∂C/∂b^l or ∂C/∂w^l."""
    L = case.args[0].L
    for l in range(L, 0, -1):
        for name, i in (("b", 1), ("w", 0)):
            g, w = got[i][l], case.expected[i][l]
            if g.shape != w.shape:
                hint = " That is the transposed shape." if g.shape == w.shape[::-1] else ""
                return failed(BACKWARD_CE, "wrong_shape",
                              f"In the test case {case.label}, your ∂C/∂{name}^{l} has shape "
                              f"{fmt_shape(g.shape)}; a gradient has the shape of its parameter, {name}^{l}: "
                              f"{fmt_shape(w.shape)}.{hint}")
            if np.all(np.isfinite(g)) and np.allclose(g, w, rtol=RTOL, atol=ATOL):
                continue
            diff = np.where(np.isfinite(g), np.abs(g - w), np.inf)
            k = tuple(int(v) for v in np.unravel_index(np.argmax(diff), diff.shape))
            detail = (f"(In the test case {case.label}, your grad_{name}[{l}][{k[0]}, {k[1]}] is {g[k]:.4g}; "
                      f"expected {w[k]:.4g}. Right in {right} of {n} test cases.)")
            return failed(BACKWARD_CE, "wrong_values", _where(l, name, L), _factor(g, w, f"∂C/∂{name}^{l}"),
                          detail)
    raise AssertionError("_first_wrong_layer called on gradients that are right")


def check_cross_entropy_backward(fn) -> Feedback:
    """Check a whole backward pass for the cross-entropy cost with a sigmoid output layer.

    δ^L = a^L − y (BP1: σ'(z^L) cancels), then BP2 for l = L−1..1 with each hidden layer's own σ',
    BP3 and BP4 at every layer, summed over the batch.

    Parameters
    ----------
    fn : callable ``fn(net, x, y) -> (grad_w, grad_b)``
        net : a Network, w^l of shape (n_l, n_{l-1}); x : shape (n_0, m); y : 0/1 targets, shape
        (n_L, m). Returns two lists indexed like the network (slot 0 None): ``grad_w[l]``
        = Σ_x ∂C_x/∂w^l of shape (n_l, n_{l-1}) and ``grad_b[l]`` = Σ_x ∂C_x/∂b^l of shape
        (n_l, 1). A :class:`bpcore.backprop.Gradients` is accepted too.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.backward` (cost="cross_entropy") on a 2-3-3-3 network
        with sigmoid hidden layers (m = 4) and a 3-4-2-1 network with tanh hidden layers (m = 3),
        and with finite differences of C = Σ_x C_x in every w^l and b^l.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb`` (Exercise 4.3).
    """
    cases = _backward_cases()
    runs = []
    for case in cases:
        result, problem = call(fn, BACKWARD_CE, case.args, where=f"in the test case {case.label}")
        if problem is not None and problem.slip not in ("exception", "shape_mismatch"):
            return problem
        if problem is None:
            result, problem = _as_gradients(result, case.args[0].L)
            if problem is not None:
                return problem
        runs.append((result, problem))
    good = [raised is None and _same(got, c.expected) for (got, raised), c in zip(runs, cases)]
    if all(good):
        labels = "; ".join(c.label for c in cases)
        lines = [f"Your gradients match {BACKWARD_CE.reference} at every layer in {len(cases)} test cases "
                 f"({labels})."]
        if all(relative_error(g, n) < FD_TOL for (got, _), c in zip(runs, cases)
               for gs, ns in zip(got, c.extra["numeric"]) for g, n in zip(gs[1:], ns[1:])):
            lines.append(f"They also agree with {BACKWARD_CE.fd_what} (relative error < 1e-6).")
        return passed(BACKWARD_CE, *lines)
    slip = next((s for s in BACKWARD_CE_SLIPS if _fits(s, runs, cases)), None)
    if slip is not None:
        raised = next((c for (_, r), c in zip(runs, cases) if r is not None), None)
        also = (f"(In the test case {raised.label} the same mistake raised an error: there the shapes "
                "do not fit.)") if raised is not None else ""
        return failed(BACKWARD_CE, slip.id, slip.explain, also)
    problem = next((r for _, r in runs if r is not None), None)
    if problem is not None:
        return problem
    got, case = next((got, c) for (got, _), c, ok in zip(runs, cases, good) if not ok)
    return _first_wrong_layer(got, case, sum(good), len(cases))
