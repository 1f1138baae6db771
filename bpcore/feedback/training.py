"""Checkers for training: the update rule, one epoch of minibatch SGD, the update/weight ratio.

check_update_parameter compares arrays on three cases; the two training
checkers run the learner's function on a small moons problem
(:func:`~bpcore.feedback.problems.moons_problem`) and compare with
:func:`bpcore.train.sgd_epoch` and :func:`bpcore.update.update_ratios`.
"""

from __future__ import annotations

import numpy as np

from ..backprop import backward
from ..network import Network
from ..train import sgd_epoch
from ..update import update_parameter, update_ratios
from .engine import Case, Feedback, Spec, call, check, failed, fmt_shape, passed, recognise, returned_none
from .slips import Slip
from .problems import MOONS_COST, moons_problem

__all__ = ["check_update_parameter", "check_sgd_epoch", "check_update_ratio"]

# --------------------------------------------------------------------------- the update rule

UPDATE_PARAMETER = Spec(
    checker="check_update_parameter", equation="update", formula="p → p − (η/m) Σ_x ∂C_x/∂p",
    notebook="06_the_update_rule.ipynb", reference="bpcore.update.update_parameter",
    arg_names=("p", "grad_sum", "eta", "m"), out_names=("p_new",), out_shapes=("the shape of p",),
    shape_hint="p and grad_sum have the same shape; the update is elementwise: p - (eta / m) * grad_sum.")


def _step_with(c, factor):
    p, g, eta, m = c.args
    return p - factor(eta, m) * g


UPDATE_PARAMETER_SLIPS = [
    Slip(id="missing_1_over_m", variant=lambda c: _step_with(c, lambda eta, m: eta),
         explain="Your result is p − η Σ_x ∂C_x/∂p: the 1/m is missing. grad_sum adds up m examples' "
                 "gradients; dividing by m turns it into their average, so the step size does not "
                 "grow with the batch."),
    Slip(id="eta_times_m", variant=lambda c: _step_with(c, lambda eta, m: eta * m),
         explain="Your result is p − η·m Σ_x ∂C_x/∂p: multiply by η/m, not η·m."),
    Slip(id="missing_eta", variant=lambda c: _step_with(c, lambda eta, m: 1 / m),
         explain="Your result is p − (1/m) Σ_x ∂C_x/∂p: the learning rate η is missing."),
    Slip(id="m_over_eta", variant=lambda c: _step_with(c, lambda eta, m: m / eta),
         explain="Your result is p − (m/η) Σ_x ∂C_x/∂p: the fraction is upside down; it is η/m."),
    Slip(id="wrong_sign", variant=lambda c: _step_with(c, lambda eta, m: -eta / m),
         explain="Your result is p + (η/m) Σ_x ∂C_x/∂p: that climbs the gradient. Gradient descent "
                 "steps against it: p − (η/m) Σ_x ∂C_x/∂p."),
    Slip(id="returned_step", variant=lambda c: c.args[2] / c.args[3] * c.args[1],
         explain="You returned the step (η/m) Σ_x ∂C_x/∂p, not the new parameter: return "
                 "p − (η/m) * grad_sum."),
    Slip(id="returned_step", variant=lambda c: -c.args[2] / c.args[3] * c.args[1],
         explain="You returned the change −(η/m) Σ_x ∂C_x/∂p, not the new parameter: add p, "
                 "return p - (eta / m) * grad_sum."),
]


def check_update_parameter(fn) -> Feedback:
    """Check the update rule: p → p − (η/m) Σ_x ∂C_x/∂p.

    Parameters
    ----------
    fn : callable ``fn(p, grad_sum, eta, m) -> p_new``
        p : a parameter (w^l of shape (n_l, n_{l-1}), or b^l of shape (n_l, 1));
        grad_sum : Σ_x ∂C_x/∂p over the m examples, the shape of p;
        eta : the learning rate η > 0; m : the number of examples summed.
        Returns the new parameter, the shape of p.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.update.update_parameter` on a square
        (3, 3) weight (η = 0.5, m = 4), a (2, 4) weight (η = 3, m = 10) and a
        (4, 1) bias (η = 0.1, m = 5). Changing p in place is noted (not failed).

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    rng = np.random.default_rng(71)
    cases = []
    for shape, eta, m, what in (((3, 3), 0.5, 4, "w"), ((2, 4), 3.0, 10, "w"), ((4, 1), 0.1, 5, "b")):
        p = rng.standard_normal(shape)
        g = rng.standard_normal(shape)
        cases.append(Case(label=f"{what} {fmt_shape(shape)}, η = {eta:g}, m = {m}", args=(p, g, eta, m),
                          expected=(update_parameter(p, g, eta, m),)))
    return check(fn, UPDATE_PARAMETER, cases, UPDATE_PARAMETER_SLIPS)


# --------------------------------------------------------------------------- one epoch of SGD

SGD_EPOCH = Spec(
    checker="check_sgd_epoch", equation="one epoch of minibatch SGD",
    formula="shuffle, then w → w − (η/m) Σ_x ∂C_x/∂w for each block of m columns",
    notebook="07_training_on_toy_data.ipynb", reference="bpcore.train.sgd_epoch",
    arg_names=("net", "x", "y", "cost", "eta", "m", "rng"), out_names=("net",),
    out_shapes=("a Network of the same sizes",),
    shape_hint="A minibatch is x[:, cols] and y[:, cols] for m column indices cols; pass it to "
               "backward(net, xb, yb, cost) as it is.")


def _epoch_with(c, eta, order):
    """sgd_epoch with a slip made: the step (eta/m)·Σ_x ∂C_x/∂p, the columns taken in ``order``."""
    net, x, y, cost, _, m, _ = c.args
    layers = range(1, net.L + 1)
    for k in range(0, order.size, m):
        cols = order[k:k + m]
        g = backward(net, x[:, cols], y[:, cols], cost)
        net = net.with_params([None] + [update_parameter(net.w[l], g.grad_w[l], eta, m) for l in layers],
                              [None] + [update_parameter(net.b[l], g.grad_b[l], eta, m) for l in layers])
    return net


SGD_EPOCH_SLIPS = [
    Slip(id="wrong_values", variant=lambda c: c.args[0],
         explain="The weights did not change: keep the network that update() returns "
                 "(net = update(net, grads, eta)) and return it at the end."),
    Slip(id="missing_1_over_m", variant=lambda c: _epoch_with(c, c.extra["eta"] * c.extra["m"], c.extra["perm"]),
         explain="Your steps are m times too large: backward() returns the SUM over the minibatch, so the "
                 "update divides it by m: w → w − (η/m) Σ_x ∂C_x/∂w."),
    Slip(id="wrong_scale", variant=lambda c: _epoch_with(c, c.extra["eta"] / c.extra["m"], c.extra["perm"]),
         explain="Your steps are m times too small: divide the summed gradient by m once (update() already "
                 "does it; do not average the gradients first)."),
    Slip(id="wrong_sign", variant=lambda c: _epoch_with(c, -c.extra["eta"], c.extra["perm"]),
         explain="Your steps go uphill: the update SUBTRACTS (η/m) Σ_x ∂C_x/∂w."),
    Slip(id="no_shuffle", variant=lambda c: _epoch_with(c, c.extra["eta"], np.arange(c.extra["perm"].size)),
         explain="You did not shuffle: take perm = rng.permutation(N) once per epoch and walk through the "
                 "columns x[:, perm] in blocks of m."),
]


def _same_network(got: Network, want: Network) -> bool:
    return got.sizes == want.sizes and all(
        np.allclose(got.w[l], want.w[l]) and np.allclose(got.b[l], want.b[l]) for l in range(1, want.L + 1))


def check_sgd_epoch(fn, *, seed: int = 0) -> Feedback:
    """Check one epoch of minibatch SGD: shuffle, then p → p − (η/m) Σ_x ∂C_x/∂p per block of m columns.

    Parameters
    ----------
    fn : callable ``fn(net, x, y, cost, eta, m, rng) -> Network``
        net : a Network with w^l of shape (n_l, n_{l-1}); x : shape (n_0, N);
        y : shape (n_L, N); cost : a cost name; eta : η; m : the batch size;
        rng : numpy.random.Generator, for the one shuffle of the epoch.
        Returns the network after the N/m steps.
    seed : int
        Seeds the initial weights and the shuffle.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.train.sgd_epoch`, given a generator from
        the same seed, on a 2-5-1 tanh network and N = 45 moons points
        (m = 5, η = 0.5).

    Taught in ``notebooks/07_training_on_toy_data.ipynb`` (Exercise 7.1).
    """
    net, x, y = moons_problem((2, 5, 1), seed)
    eta, m, N = 0.5, 5, x.shape[1]
    case = Case(label=f"N = {N}, m = {m}, η = {eta:g}",
                args=(net, x, y, MOONS_COST, eta, m, np.random.default_rng(seed)),
                expected=(sgd_epoch(net, x, y, MOONS_COST, eta, m, np.random.default_rng(seed)),),
                extra={"eta": eta, "m": m, "perm": np.random.default_rng(seed).permutation(N)})
    got, problem = call(fn, SGD_EPOCH, case.args, where=f"in the test case {case.label}")
    if problem is not None:
        return problem
    if not isinstance(got, Network):
        return failed(SGD_EPOCH, "returned_none" if got is None else "wrong_type",
                      f"Your function returned {type(got).__name__}; return the Network that update() "
                      "gives back after the last minibatch.")
    if _same_network(got, case.expected[0]):
        return passed(SGD_EPOCH, f"Your epoch gives the same weights and biases as bpcore.train.sgd_epoch "
                                 f"({case.label}, {N // m} steps).")
    slip = recognise(SGD_EPOCH_SLIPS, [case], lambda c, variant: _same_network(got, variant))
    if slip is not None:
        return failed(SGD_EPOCH, slip.id, slip.explain)
    return failed(SGD_EPOCH, "wrong_values",
                  "Your weights differ from bpcore.train.sgd_epoch. Shuffle once with perm = "
                  "rng.permutation(N); then for each block of m columns of x[:, perm] and y[:, perm] run "
                  "grads = backward(net, xb, yb, cost) and net = update(net, grads, eta).")


# --------------------------------------------------------------------------- the update/weight ratio

UPDATE_RATIO = Spec(
    checker="check_update_ratio", equation="update/weight ratio",
    formula="(η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖ for l = 1..L",
    notebook="07_training_on_toy_data.ipynb", reference="bpcore.update.update_ratios",
    arg_names=("net", "grads", "eta", "m"), out_names=("ratios",),
    out_shapes=("a list [None, r_1, ..., r_L] indexed like the network",),
    shape_hint="Norms are numbers: np.linalg.norm(grads.grad_w[l]) / np.linalg.norm(net.w[l]).")

UPDATE_RATIO_SLIPS = [
    Slip(id="missing_eta", variant=lambda c: c.expected[0] * c.args[3] / c.args[2],
         explain="Your ratios lack the factor η/m: the step is (η/m) Σ_x ∂C_x/∂w^l, not the gradient "
                 "sum itself."),
    Slip(id="missing_1_over_m", variant=lambda c: c.expected[0] * c.args[3],
         explain="Your ratios are m times too large: grads.grad_w[l] is a SUM over the m examples; the "
                 "step divides it by m."),
    Slip(id="missing_eta", variant=lambda c: c.expected[0] / c.args[2],
         explain="Your ratios lack η: the step is (η/m) Σ_x ∂C_x/∂w^l."),
    Slip(id="wrong_values", variant=lambda c: 1 / c.expected[0],
         explain="Your ratios are upside down: divide the size of the step by the size of the weights."),
]


def _per_layer(got, L: int):
    """The learner's [None, r_1, ..., r_L] as an array (r_1, ..., r_L), or the Feedback on its form."""
    if got is None:
        return None, returned_none(UPDATE_RATIO)
    try:
        length = len(got)
        ratios = np.array([float(got[l]) for l in range(1, L + 1)])
    except (TypeError, IndexError, ValueError):
        return None, failed(UPDATE_RATIO, "wrong_type",
                            f"Return a list indexed like the network: [None, ratio_1, …, ratio_{L}] "
                            f"(length L + 1 = {L + 1}).")
    if length != L + 1:
        return None, failed(UPDATE_RATIO, "wrong_shape",
                            f"Return a list of length L + 1 = {L + 1}: slot 0 None, then one ratio per layer.")
    return ratios, None


def check_update_ratio(fn, *, seed: int = 0) -> Feedback:
    """Check the update/weight ratio of each layer: r_l = (η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖ (Frobenius norms).

    Parameters
    ----------
    fn : callable ``fn(net, grads, eta, m) -> list``
        net : a Network, w^l of shape (n_l, n_{l-1}); grads : from
        :func:`bpcore.backprop.backward` on m examples, ``grads.grad_w[l]``
        the sum Σ_x ∂C_x/∂w^l, shape (n_l, n_{l-1}); eta : η; m : the batch
        size. Returns a list indexed like the network, [None, r_1, ..., r_L].
    seed : int
        Seeds the weights.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.update.update_ratios` on a 2-6-6-1 tanh
        network and the first m = 10 of 45 moons points (η = 0.3).

    Taught in ``notebooks/07_training_on_toy_data.ipynb`` (Exercise 7.2).
    """
    net, x, y = moons_problem((2, 6, 6, 1), seed)
    eta, m = 0.3, 10
    grads = backward(net, x[:, :m], y[:, :m], MOONS_COST)
    case = Case(label=f"a 2-6-6-1 network (η = {eta:g}, m = {m})", args=(net, grads, eta, m),
                expected=(np.array(update_ratios(net, grads, eta, m)[1:]),))
    got, problem = call(fn, UPDATE_RATIO, case.args, where=f"for {case.label}")
    if problem is None:
        got, problem = _per_layer(got, net.L)
    if problem is not None:
        return problem
    want = case.expected[0]
    if np.allclose(got, want, rtol=1e-6):
        return passed(UPDATE_RATIO, f"Your ratios match bpcore.update.update_ratios for {case.label}: "
                      + ", ".join(f"layer {l}: {r:.1e}" for l, r in enumerate(want, start=1)) + ".")
    slip = recognise(UPDATE_RATIO_SLIPS, [case], lambda c, variant: np.allclose(got, variant, rtol=1e-6))
    if slip is not None:
        return failed(UPDATE_RATIO, slip.id, slip.explain)
    return failed(UPDATE_RATIO, "wrong_values",
                  "Your ratios differ from bpcore.update.update_ratios. Use Frobenius norms, "
                  "np.linalg.norm(grads.grad_w[l]) and np.linalg.norm(net.w[l]), and the step size η/m.")
