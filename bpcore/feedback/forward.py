"""Checkers for the forward pass (notebook 01): one layer, and the whole network layer by layer.

check_forward runs the learner's layer on a square and a non-square case and
compares with :func:`bpcore.network.forward`; check_forward_pass runs the
learner's whole pass on two networks whose hidden and output activations
differ, and traces a wrong result to the first layer that leaves bpcore's.
The slips each one recognises are listed next to it, as
:class:`~bpcore.feedback.slips.Slip` variants.
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation, sigmoid
from ..network import Network, forward, init_network
from .engine import Case, Feedback, Spec, call, check, failed, fmt_shape, passed, recognise, returned_none
from .slips import Slip

__all__ = ["check_forward", "check_forward_pass"]


# --------------------------------------------------------------------------- forward

FORWARD = Spec(
    checker="check_forward", equation="forward", formula="z^l = w^l a^{l-1} + b^l,  a^l = σ(z^l)",
    notebook="01_forward_propagation.ipynb", reference="bpcore.network.forward",
    arg_names=("w", "b", "a_prev", "sigma"), out_names=("z", "a"),
    out_shapes=("(n_l, m): one column per example",) * 2,
    shape_hint="w^l a^{l-1} multiplies (n_l, n_{l-1}) by (n_{l-1}, m), giving (n_l, m): no transpose is "
               "needed, and the bias column b^l, shape (n_l, 1), is added to every column as it is "
               "(notebook 01, sections 3 and 4).")


def _forward_with(c, z_of):
    w, b, a_prev, s = c.args
    z = z_of(w, b, a_prev)
    return z, s(z)


FORWARD_SLIPS = [
    Slip(id="swapped_outputs", variant=lambda c: c.expected[::-1],
         explain="You returned (a, z); the order is (z, a): first the weighted input z^l, then the "
                 "activation a^l = σ(z^l)."),
    Slip(id="extra_transpose", variant=lambda c: _forward_with(c, lambda w, b, a: w.T @ a + b),
         explain="Your z equals (w^l)^T a^{l-1} + b^l. No transpose in the forward pass: w^l has "
                 "shape (n_l, n_{l-1}) and w^l_jk connects neuron k in layer l−1 to neuron j in "
                 "layer l, so w^l a^{l-1} is already (n_l, n_{l-1}) times (n_{l-1}, m) = (n_l, m)."),
    Slip(id="missing_bias", variant=lambda c: _forward_with(c, lambda w, b, a: w @ a),
         explain="Your z equals w^l a^{l-1} without the bias: add b^l (shape (n_l, 1); numpy "
                 "broadcasts it over the m columns)."),
    Slip(id="bias_as_row", variant=lambda c: _forward_with(c, lambda w, b, a: w @ a + b.reshape(1, -1)),
         explain="Your bias was added along the rows: b^l was flattened to shape (n_l,), and numpy "
                 "broadcasts a 1-D array across the columns' entries. Keep b^l a column of shape "
                 "(n_l, 1) so each neuron j gets its own b^l_j in every example."),
    Slip(id="missing_activation", variant=lambda c: (c.expected[0], c.expected[0]),
         explain="Your a equals z: apply the activation passed in, a^l = σ(z^l)."),
    Slip(id="ignores_sigma", variant=lambda c: (c.expected[0], sigmoid(c.expected[0])),
         explain="Your a is always the sigmoid of z: apply the sigma passed in (the second test case "
                 "passes tanh)."),
]


def check_forward(fn) -> Feedback:
    """Check one layer of the forward pass: z^l = w^l a^{l-1} + b^l, a^l = σ(z^l).

    Parameters
    ----------
    fn : callable ``fn(w, b, a_prev, sigma) -> (z, a)``
        w : shape (n_l, n_{l-1}); b : shape (n_l, 1); a_prev : shape
        (n_{l-1}, m); sigma : the activation, called as ``sigma(z)`` (the
        checker passes bpcore's sigmoid and tanh). Returns z and a, each of
        shape (n_l, m).

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.network.forward` on a square layer (3 → 3,
        sigmoid, m = 3) and a non-square one (4 → 2, tanh, m = 3).

    Taught in ``notebooks/01_forward_propagation.ipynb``.
    """
    cases = []
    for n_in, n_out, m, act, seed in ((3, 3, 3, "sigmoid", 11), (4, 2, 3, "tanh", 12)):
        rng = np.random.default_rng(seed)
        w = rng.standard_normal((n_out, n_in))
        b = rng.standard_normal((n_out, 1))
        a_prev = rng.standard_normal((n_in, m))
        z, a = forward(Network((n_in, n_out), [None, w], [None, b], hidden=act, output=act), a_prev)
        cases.append(Case(label=f"{n_in} → {n_out} neurons, {act}, m = {m}",
                          args=(w, b, a_prev, get_activation(act)), expected=(z[1], a[1])))
    return check(fn, FORWARD, cases, FORWARD_SLIPS)


# --------------------------------------------------------------------------- the whole forward pass

FORWARD_PASS = Spec(
    checker="check_forward_pass", equation="forward pass",
    formula="a^0 = x;  z^l = w^l a^{l-1} + b^l,  a^l = σ(z^l) with layer l's own σ, for l = 1..L",
    notebook="01_forward_propagation.ipynb", reference="bpcore.network.forward",
    arg_names=("net", "x"), out_names=("z", "a"),
    out_shapes=("a list of length L + 1: z[0] = None, then z[l] of shape (n_l, m)",
                "a list of length L + 1: a[0] = x, then a[l] of shape (n_l, m)"),
    shape_hint="Layer l multiplies w^l, shape (n_l, n_{l-1}), by the activation of the layer just before "
               "it, a^{l-1}, shape (n_{l-1}, m) (notebook 01, sections 3 and 6).")


def _pass_with(c, layer):
    """The forward pass with ``layer(net, l, a_prev) -> (z_l, a_l)`` in place of the right one."""
    net, x = c.args
    z, a = [None], [x]
    for l in range(1, net.L + 1):
        z_l, a_l = layer(net, l, a[l - 1])
        z.append(z_l)
        a.append(a_l)
    return z, a


def _layer_with(sigma_of=None, bias=True):
    def layer(net, l, a_prev):
        z_l = net.w[l] @ a_prev + (net.b[l] if bias else 0.0)
        return z_l, (sigma_of(net, l) if sigma_of else net.sigma(l))(z_l)
    return layer


FORWARD_PASS_SLIPS = [
    Slip(id="swapped_outputs", variant=lambda c: c.expected[::-1],
         explain="You returned (a, z); the order is (z, a), like bpcore.forward."),
    Slip(id="not_indexed_like_layers", variant=lambda c: (c.expected[0][1:], c.expected[1][1:]),
         explain="Your lists start at layer 1. Index them like the layers, so that z[l] is z^l: "
                 "slot 0 holds z[0] = None (the input has no weighted input) and a[0] = x (a^0 = x)."),
    Slip(id="ignores_sigma", variant=lambda c: _pass_with(c, _layer_with(lambda net, l: sigmoid)),
         explain="Your activations are the sigmoid at every layer. Each layer has its own activation: "
                 "in the first test case the hidden layers are tanh and only the output is a sigmoid."),
    Slip(id="wrong_layer_activation",
         variant=lambda c: _pass_with(c, _layer_with(lambda net, l: net.sigma(net.L))),
         explain="Your activations use the output layer's σ at every layer. Layer l applies its own "
                 "activation: the hidden layers 1..L−1 have one, the output layer L may have another."),
    Slip(id="wrong_layer_activation", variant=lambda c: _pass_with(c, _layer_with(lambda net, l: net.sigma(1))),
         explain="Your activations use the hidden layers' σ at the output layer too. Layer l applies its "
                 "own activation: the output layer L may have another one than the hidden layers."),
    Slip(id="missing_activation", variant=lambda c: _pass_with(c, _layer_with(lambda net, l: lambda z: z)),
         explain="Your a^l equals z^l at every layer: apply layer l's activation, a^l = σ(z^l), before "
                 "the next layer reads it."),
    Slip(id="missing_bias", variant=lambda c: _pass_with(c, _layer_with(bias=False)),
         explain="Your z^l equals w^l a^{l-1} without the bias: every layer adds its b^l (shape (n_l, 1), "
                 "broadcast over the m columns)."),
]


def _as_lists(result):
    """The learner's (z, a) as two lists of None or float arrays; None if it is not of that form."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return None
    lists = []
    for part in result:
        if not isinstance(part, (tuple, list)):
            return None
        items = []
        for item in part:
            try:
                arr = None if item is None else np.asarray(item)
            except (TypeError, ValueError):
                return None
            if arr is not None and (arr.dtype == object or arr.dtype.kind not in "fiub"):
                return None
            items.append(None if arr is None else arr.astype(np.float64))
        lists.append(items)
    return tuple(lists)


def _same_item(g, w) -> bool:
    if g is None or w is None:
        return g is None and w is None
    return g.shape == w.shape and bool(np.all(np.isfinite(g))) and np.allclose(g, w, rtol=1e-6, atol=1e-9)


def _same_pass(got, want) -> bool:
    want = _as_lists(want)
    return got is not None and want is not None and all(
        len(g) == len(w) and all(_same_item(gi, wi) for gi, wi in zip(g, w)) for g, w in zip(got, want))


def _first_difference(case: Case, got) -> tuple:
    """(slip, line): the first place where the learner's (z, a) leaves bpcore's, in layer order."""
    (z, a), (z_want, a_want) = got, case.expected
    L = len(z_want) - 1
    where = f"In the test case {case.label}"
    if len(z) != L + 1 or len(a) != L + 1:
        return "wrong_shape", (f"{where}, your lists have lengths {len(z)} and {len(a)}; both should have "
                               f"length L + 1 = {L + 1}: slot 0, then one entry per layer l = 1..{L}.")
    if z[0] is not None:
        return "not_indexed_like_layers", f"{where}, your z[0] is not None: the input layer has no weighted input."
    if not _same_item(a[0], _as_lists(case.expected)[1][0]):
        return "not_indexed_like_layers", f"{where}, your a[0] is not the input x itself (a^0 = x)."
    for l in range(1, L + 1):
        for name, mine, ref in ((f"z^{l}", z[l], z_want[l]), (f"a^{l}", a[l], a_want[l])):
            if mine is None:
                return "returned_none", f"{where}, your {name} is None."
            if mine.shape != ref.shape:
                return "wrong_shape", (f"{where}, your {name} has shape {fmt_shape(mine.shape)}; expected "
                                       f"(n_{l}, m) = {fmt_shape(ref.shape)}.")
            if not _same_item(mine, ref):
                before = "the layers before it are right" if l > 1 else "it is the first layer"
                rule = (f"z^{l} = w^{l} a^{l - 1} + b^{l}" if name.startswith("z")
                        else f"a^{l} = σ(z^{l}) with layer {l}'s own activation")
                return "wrong_values", (f"{where}, your {name} is the first thing that differs from "
                                        f"bpcore.forward ({before}): check {rule}.")
    return "wrong_values", f"{where}, your result differs from bpcore.forward."


def check_forward_pass(fn) -> Feedback:
    """Check the whole forward pass: a^0 = x, then z^l = w^l a^{l-1} + b^l and a^l = σ(z^l) for l = 1..L.

    Parameters
    ----------
    fn : callable ``fn(net, x) -> (z, a)``
        net : a :class:`bpcore.network.Network`, ``net.w[l]`` of shape
        (n_l, n_{l-1}), ``net.b[l]`` of shape (n_l, 1), ``net.sigma(l)`` the
        activation of layer l; x : shape (n_0, m). Returns two lists of
        length L + 1 indexed like the layers: z[0] = None and a[0] = x, then
        z[l] and a[l] of shape (n_l, m).

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.network.forward`, layer by layer, on a
        (2, 5, 3, 1) network with tanh hidden layers and a sigmoid output
        (m = 6) and a (3, 4, 2) network with a sigmoid hidden layer and a tanh
        output (m = 4). A wrong result is traced to the first layer that
        differs.

    Taught in ``notebooks/01_forward_propagation.ipynb``.
    """
    cases = []
    for sizes, hidden, output, m, seed in (((2, 5, 3, 1), "tanh", "sigmoid", 6, 13),
                                           ((3, 4, 2), "sigmoid", "tanh", 4, 14)):
        rng = np.random.default_rng(seed)
        net = init_network(sizes, rng, init="normal", hidden=hidden, output=output)
        x = rng.standard_normal((sizes[0], m))
        cases.append(Case(label=f"sizes {sizes}, {hidden} hidden, {output} output, m = {m}", args=(net, x),
                          expected=forward(net, x)))
    got = {}
    for case in cases:
        result, problem = call(fn, FORWARD_PASS, case.args, where=f"in the test case {case.label}")
        if problem is not None:
            return problem
        if result is None:
            return returned_none(FORWARD_PASS)
        got[case.label] = _as_lists(result)
        if got[case.label] is None:
            return failed(FORWARD_PASS, "wrong_type", "Your function should return the pair (z, a): two lists "
                          f"holding None or a numpy array per layer; got a {type(result).__name__}.")
    if all(_same_pass(got[c.label], c.expected) for c in cases):
        return passed(FORWARD_PASS, f"Your z and a match bpcore.network.forward at every layer in "
                      f"{len(cases)} test cases ({'; '.join(c.label for c in cases)}).")
    slip = recognise(FORWARD_PASS_SLIPS, cases, lambda c, v: _same_pass(got[c.label], v))
    if slip is not None:
        return failed(FORWARD_PASS, slip.id, slip.explain)
    wrong = next(c for c in cases if not _same_pass(got[c.label], c.expected))
    slip_id, line = _first_difference(wrong, got[wrong.label])
    return failed(FORWARD_PASS, slip_id, line)
