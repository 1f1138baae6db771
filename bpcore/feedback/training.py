"""Checkers for training: the update rule, one epoch of minibatch SGD, the update/weight ratio, and
the η a learning-rate sweep recommends (:func:`check_sweep_choice`, on the explorer's sweep).

check_update_parameter compares arrays on three cases; the two training
checkers run the learner's function on a small moons problem
(:func:`~bpcore.feedback.problems.moons_problem`) and compare with
:func:`bpcore.train.sgd_epoch` and :func:`bpcore.update.update_ratios`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from ..backprop import backward
from ..network import Network
from ..train import sgd_epoch
from ..update import update, update_parameter, update_ratios
from .engine import Case, Feedback, Spec, call, check, failed, fmt_shape, passed, recognise, returned_none
from .slips import Slip
from .problems import MOONS_COST, moons_problem

__all__ = ["check_update_parameter", "check_minibatch_step", "check_sgd_epoch", "check_update_ratio",
           "check_sweep_choice"]

# --------------------------------------------------------------------------- the update rule

def _unchanged_p(case):
    """After each call: p must still hold its old values (the update returns a new array).

    Puts p and grad_sum back either way, so the slip variants see the original arguments.
    """
    p, p0 = case.args[0], case.extra["p0"]
    changed = p.shape != p0.shape or not np.array_equal(p, p0)
    p[...] = p0
    case.args[1][...] = case.extra["g0"]
    if changed:
        return ("changed_in_place",
                "Your function changed p in place (with -= or by assigning into p): the caller's "
                "parameter changed too, so the network before the step is lost. bpcore's update "
                "returns new arrays and leaves the old network as it was (section 1, 'the old network "
                "is unchanged'); the comparisons of notebook 06 rely on that.")
    return None


UPDATE_PARAMETER = Spec(
    checker="check_update_parameter", equation="update", formula="p → p − (η/m) Σ_x ∂C_x/∂p",
    notebook="06_the_update_rule.ipynb", reference="bpcore.update.update_parameter",
    arg_names=("p", "grad_sum", "eta", "m"), out_names=("p_new",), out_shapes=("the shape of p",),
    shape_hint="p and grad_sum have the same shape, and the update is elementwise: no matrix product "
               "and no transpose.", copy_args=False, after_call=_unchanged_p)


def _step_with(c, factor):
    p, g, eta, m = c.args
    return p - factor(eta, m) * g


UPDATE_PARAMETER_SLIPS = [
    Slip(id="missing_1_over_m", variant=lambda c: _step_with(c, lambda eta, m: eta),
         explain="Your result is p − η Σ_x ∂C_x/∂p: the 1/m is missing. grad_sum adds up m examples' "
                 "gradients; dividing by m turns it into their average, the gradient of the mean cost, "
                 "so the step size does not grow with the batch (section 1, 'Why divide by m?')."),
    Slip(id="eta_times_m", variant=lambda c: _step_with(c, lambda eta, m: eta * m),
         explain="Your result is p − η·m Σ_x ∂C_x/∂p: the step is η times the MEAN of the m "
                 "gradients, so m divides, it does not multiply."),
    Slip(id="missing_eta", variant=lambda c: _step_with(c, lambda eta, m: 1 / m),
         explain="Your result is p − (1/m) Σ_x ∂C_x/∂p: the learning rate η is missing."),
    Slip(id="m_over_eta", variant=lambda c: _step_with(c, lambda eta, m: m / eta),
         explain="Your result is p − (m/η) Σ_x ∂C_x/∂p: the fraction is upside down; the step is "
                 "η times the mean gradient."),
    Slip(id="wrong_sign", variant=lambda c: _step_with(c, lambda eta, m: -eta / m),
         explain="Your result is p + (η/m) Σ_x ∂C_x/∂p: that climbs the gradient. Gradient descent "
                 "steps against it, downhill (section 1, 'Where it comes from')."),
    Slip(id="returned_step", variant=lambda c: c.args[2] / c.args[3] * c.args[1],
         explain="You returned the step (η/m) Σ_x ∂C_x/∂p, not the new parameter p − (η/m) Σ_x ∂C_x/∂p."),
    Slip(id="returned_step", variant=lambda c: -c.args[2] / c.args[3] * c.args[1],
         explain="You returned the change −(η/m) Σ_x ∂C_x/∂p, not the new parameter: the change still "
                 "has to be applied to p."),
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
        (4, 1) bias (η = 0.1, m = 5). A function that changes p in place fails
        (slip ``changed_in_place``), even when it returns the right values.

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    rng = np.random.default_rng(71)
    cases = []
    for shape, eta, m, what in (((3, 3), 0.5, 4, "w"), ((2, 4), 3.0, 10, "w"), ((4, 1), 0.1, 5, "b")):
        p = rng.standard_normal(shape)
        g = rng.standard_normal(shape)
        cases.append(Case(label=f"{what} {fmt_shape(shape)}, η = {eta:g}, m = {m}", args=(p, g, eta, m),
                          expected=(update_parameter(p, g, eta, m),),
                          extra={"p0": p.copy(), "g0": g.copy()}))
    return check(fn, UPDATE_PARAMETER, cases, UPDATE_PARAMETER_SLIPS)


# --------------------------------------------------------------------------- one minibatch step, loop form

MINIBATCH_STEP = Spec(
    checker="check_minibatch_step", equation="one minibatch step",
    formula="p → p − (η/m) Σ_x ∂C_x/∂p, the sum over the m examples, for every w^l and b^l",
    notebook="06_the_update_rule.ipynb", reference="bpcore.update.update",
    arg_names=("net", "example_grads", "eta"), out_names=("net",), out_shapes=("a Network of the same sizes",))


def _stepped(c, eta_over_m=None, grads=None, biases=True):
    """The network after one step of ``eta_over_m`` × the summed ``grads`` (default: all of them)."""
    net, example_grads, eta = c.args
    m = len(example_grads)
    k = eta / m if eta_over_m is None else eta_over_m(eta, m)
    grads = example_grads if grads is None else grads(example_grads)
    layers = range(1, net.L + 1)
    # Written out, not update_parameter: a slipped step may have η ≤ 0, which the maths refuses.
    return net.with_params(
        [None] + [net.w[l] - k * sum(g.grad_w[l] for g in grads) for l in layers],
        [None] + [net.b[l] - (k * sum(g.grad_b[l] for g in grads) if biases else 0) for l in layers])


MINIBATCH_STEP_SLIPS = [
    Slip(id="unchanged_network", variant=lambda c: c.args[0],
         explain="Your network is the one you were given: the step was not applied, or the new network "
                 "was not returned."),
    Slip(id="overwrote_instead_of_adding", variant=lambda c: _stepped(c, grads=lambda gs: gs[-1:]),
         explain="Your step uses only the LAST example's gradient: inside the loop the running sum was "
                 "overwritten by each example's gradient instead of having it added. Σ_x ∂C_x/∂p needs "
                 "every example's term added to what came before (section 3, the loop form)."),
    Slip(id="one_example", variant=lambda c: _stepped(c, grads=lambda gs: gs[:1]),
         explain="Your step uses only the first example's gradient. The update sums over all m examples "
                 "of the minibatch."),
    Slip(id="missing_1_over_m", variant=lambda c: _stepped(c, lambda eta, m: eta),
         explain="Your step is m times too large: η Σ_x ∂C_x/∂p, without the 1/m. (A step of η per "
                 "example, as bpcore's update gives when it is handed one example's gradients, whose m "
                 "is 1, adds up to the same.) The update divides the sum by the m of the whole minibatch "
                 "(section 1, 'Why divide by m?')."),
    Slip(id="divided_by_m_twice", variant=lambda c: _stepped(c, lambda eta, m: eta / m ** 2),
         explain="Your step is m times too small: the sum was divided by m twice, once to average it "
                 "and once more in η/m. η/m times the SUM is already η times the mean."),
    Slip(id="wrong_sign", variant=lambda c: _stepped(c, lambda eta, m: -eta / m),
         explain="Your step climbs the gradient: the update SUBTRACTS (η/m) Σ_x ∂C_x/∂p."),
    Slip(id="missing_bias_update", variant=lambda c: _stepped(c, biases=False),
         explain="Your weights are right but your biases did not move: the update rule applies to every "
                 "b^l as well, with Σ_x ∂C_x/∂b^l."),
]


def _first_difference(got: Network, want: Network) -> str:
    """Which parameter first differs, e.g. "your b^2 differs (your w^1, w^2 are right)"."""
    right = []
    for l in range(1, want.L + 1):
        for name, g, w in (("w", got.w[l], want.w[l]), ("b", got.b[l], want.b[l])):
            if np.shape(g) != w.shape or not np.allclose(g, w):
                said = f" ({', '.join(right)} right)" if right else ""
                return f"your {name}^{l} differs from bpcore.update's{said}."
            right.append(f"{name}^{l}")
    return ""


def check_minibatch_step(fn) -> Feedback:
    """Check one step of minibatch gradient descent from per-example gradients, in the loop form.

    Parameters
    ----------
    fn : callable ``fn(net, example_grads, eta) -> Network``
        net : a Network, w^l of shape (n_l, n_{l-1}), b^l of shape (n_l, 1);
        example_grads : a list of m :class:`bpcore.backprop.Gradients`, one per
        example x of the minibatch, ``example_grads[i].grad_w[l]`` being
        ∂C_x/∂w^l (shape of w^l) and ``.grad_b[l]`` ∂C_x/∂b^l; eta : η > 0.
        Returns the Network after p → p − (η/m) Σ_x ∂C_x/∂p for every w^l and
        b^l; net itself must not change.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.update.update` applied to the matrix form's
        sums, ``backward(net, x, y)`` on the whole minibatch, for a 2-4-3-1
        moons network with m = 4 (η = 0.5) and m = 3 (η = 2).

    Taught in ``notebooks/06_the_update_rule.ipynb`` (Exercise 6.2).
    """
    if not callable(fn):
        return check(fn, MINIBATCH_STEP, [], [])
    net, x, y = moons_problem((2, 4, 3, 1), 6)
    runs = []
    for m, eta, start in ((4, 0.5, 0), (3, 2.0, 10)):
        cols = range(start, start + m)
        case = Case(label=f"m = {m}, η = {eta:g}", expected=(update(net, backward(
                        net, x[:, cols], y[:, cols], MOONS_COST), eta),),
                    args=(net, [backward(net, x[:, [i]], y[:, [i]], MOONS_COST) for i in cols], eta))
        given = net.copy()
        got, problem = call(lambda: fn(given, copy.deepcopy(case.args[1]), eta), MINIBATCH_STEP, (),
                            where=f"in the test case {case.label}")
        if problem is not None:
            return problem
        if not _same_network(given, net):
            return failed(MINIBATCH_STEP, "changed_in_place",
                          "Your function changed the network it was given (its w^l or b^l arrays, in "
                          "place): the caller's network is lost. Build new arrays for the new network "
                          "and leave net as it was, like bpcore's update (section 1).")
        if got is None:
            return returned_none(MINIBATCH_STEP)
        if not isinstance(got, Network) or got.sizes != net.sizes:
            return failed(MINIBATCH_STEP, "wrong_type", f"Your function returned {type(got).__name__}; "
                          f"return the new Network, of the same sizes {net.sizes}.")
        runs.append((case, got))
    wrong = [(case, got) for case, got in runs if not _same_network(got, case.expected[0])]
    if not wrong:
        return passed(MINIBATCH_STEP, f"Your step gives the same weights and biases as bpcore.update on the "
                                      f"matrix form's sums in {len(runs)} test cases "
                                      f"({'; '.join(c.label for c, _ in runs)}).")
    got_by_label = {case.label: got for case, got in runs}
    slip = recognise(MINIBATCH_STEP_SLIPS, [c for c, _ in runs],
                     lambda c, variant: _same_network(got_by_label[c.label], variant))
    if slip is not None:
        return failed(MINIBATCH_STEP, slip.id, slip.explain)
    case, got = wrong[0]
    return failed(MINIBATCH_STEP, "wrong_values", f"In the test case {case.label}: "
                  + _first_difference(got, case.expected[0]),
                  "Each new parameter is the old one minus η/m times the sum of the m examples' "
                  "gradients for that parameter.")


# --------------------------------------------------------------------------- one epoch of SGD

SGD_EPOCH = Spec(
    checker="check_sgd_epoch", equation="one epoch of minibatch SGD",
    formula="shuffle, then w → w − (η/m) Σ_x ∂C_x/∂w for each block of m columns",
    notebook="07_training_on_toy_data.ipynb", reference="bpcore.train.sgd_epoch",
    arg_names=("net", "x", "y", "cost", "eta", "m", "rng"), out_names=("net",),
    out_shapes=("a Network of the same sizes",),
    shape_hint="A minibatch is m whole columns of x and the same m columns of y, shapes (n_0, m) and "
               "(n_L, m): examples are columns, so pick columns, not rows, and pass the block on as it is.")


def _epoch_with(c, eta, order):
    """sgd_epoch with a slip made: the step (eta/m)·Σ_x ∂C_x/∂p, the columns taken in ``order``."""
    net, x, y, cost, _, m, _ = c.args
    layers = range(1, net.L + 1)
    for k in range(0, order.size, m):
        cols = order[k:k + m]
        g = backward(net, x[:, cols], y[:, cols], cost)
        # Written out, not update_parameter: a slipped step may have η ≤ 0, which the maths refuses.
        net = net.with_params([None] + [net.w[l] - (eta / m) * g.grad_w[l] for l in layers],
                              [None] + [net.b[l] - (eta / m) * g.grad_b[l] for l in layers])
    return net


def _epoch_shuffled_every_block(c):
    """sgd_epoch with a new permutation drawn for every block (the shuffle inside the loop)."""
    net, x, y, cost, eta, m, _ = c.args
    rng, N = np.random.default_rng(c.extra["seed"]), x.shape[1]
    layers = range(1, net.L + 1)
    for k in range(0, N, m):
        cols = rng.permutation(N)[k:k + m]
        g = backward(net, x[:, cols], y[:, cols], cost)
        net = net.with_params([None] + [net.w[l] - (eta / m) * g.grad_w[l] for l in layers],
                              [None] + [net.b[l] - (eta / m) * g.grad_b[l] for l in layers])
    return net


def _full_batch_step(c):
    """One step of η/N times the gradient summed over all N columns (full-batch descent)."""
    net, x, y, cost, eta, _, _ = c.args
    N, g = x.shape[1], backward(net, x, y, cost)
    return net.with_params([None] + [net.w[l] - (eta / N) * g.grad_w[l] for l in range(1, net.L + 1)],
                           [None] + [net.b[l] - (eta / N) * g.grad_b[l] for l in range(1, net.L + 1)])


SGD_EPOCH_SLIPS = [
    Slip(id="wrong_values", variant=lambda c: c.args[0],
         explain="The weights did not change: the update rule builds a NEW network and leaves the old "
                 "one as it was, so each step's new network has to be kept for the next block and "
                 "returned at the end (section 1)."),
    Slip(id="missing_1_over_m", variant=lambda c: _epoch_with(c, c.extra["eta"] * c.extra["m"], c.extra["perm"]),
         explain="Your steps are m times too large: the gradients of a block are the SUM over its m "
                 "columns (BP3, BP4), so the update divides them by m: w → w − (η/m) Σ_x ∂C_x/∂w "
                 "(notebook 06, 'Why divide by m?')."),
    Slip(id="wrong_scale", variant=lambda c: _epoch_with(c, c.extra["eta"] / c.extra["m"], c.extra["perm"]),
         explain="Your steps are m times too small: the summed gradient was divided by m twice. bpcore's "
                 "update already applies η/m to the sum; averaging the gradients before it divides again."),
    Slip(id="wrong_sign", variant=lambda c: _epoch_with(c, -c.extra["eta"], c.extra["perm"]),
         explain="Your steps go uphill: the update SUBTRACTS (η/m) Σ_x ∂C_x/∂w."),
    Slip(id="no_shuffle", variant=lambda c: _epoch_with(c, c.extra["eta"], np.arange(c.extra["perm"].size)),
         explain="You did not shuffle: an epoch draws ONE permutation of the N columns from the generator "
                 "it is given, then walks through the shuffled columns in blocks of m (section 1, step 1)."),
    Slip(id="shuffled_every_block", variant=_epoch_shuffled_every_block,
         explain="You drew a new permutation for every block: then some columns are used twice in the "
                 "epoch and others not at all. An epoch shuffles ONCE, before its loop, and then walks "
                 "through that one shuffled order in blocks of m, so every example is seen exactly once "
                 "(section 1, steps 1 and 2)."),
    Slip(id="one_full_batch_step", variant=lambda c: _full_batch_step(c),
         explain="Your epoch took ONE step on all N columns at once: that is full-batch gradient descent. "
                 "Minibatch SGD takes N/m steps per epoch, one for each block of m shuffled columns, each "
                 "from the network the previous step left (section 1, step 2)."),
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
                extra={"eta": eta, "m": m, "perm": np.random.default_rng(seed).permutation(N), "seed": seed})
    got, problem = call(fn, SGD_EPOCH, case.args, where=f"in the test case {case.label}")
    if problem is not None:
        return problem
    if not isinstance(got, Network):
        return failed(SGD_EPOCH, "returned_none" if got is None else "wrong_type",
                      f"Your function returned {type(got).__name__}; give back the new Network, the one "
                      "the update rule gave after the last minibatch.")
    if _same_network(got, case.expected[0]):
        return passed(SGD_EPOCH, f"Your epoch gives the same weights and biases as bpcore.train.sgd_epoch "
                                 f"({case.label}, {N // m} steps).")
    slip = recognise(SGD_EPOCH_SLIPS, [case], lambda c, variant: _same_network(got, variant))
    if slip is not None:
        return failed(SGD_EPOCH, slip.id, slip.explain)
    return failed(SGD_EPOCH, "wrong_values",
                  "Your weights differ from bpcore.train.sgd_epoch. An epoch shuffles the columns once "
                  "with the generator it is given, then for each block of m shuffled columns (the same "
                  "columns of x and y) runs the forward pass and BP1–BP4 on the block and applies the "
                  "update rule to every w^l and b^l (section 1).")


# --------------------------------------------------------------------------- the update/weight ratio

UPDATE_RATIO = Spec(
    checker="check_update_ratio", equation="update/weight ratio",
    formula="(η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖ for l = 1..L",
    notebook="07_training_on_toy_data.ipynb", reference="bpcore.update.update_ratios",
    arg_names=("net", "grads", "eta", "m"), out_names=("ratios",),
    out_shapes=("a list [None, r_1, ..., r_L] indexed like the network",),
    shape_hint="Each r_l is one number: the Frobenius norm (square root of the sum of squared entries) "
               "of the step of w^l divided by that of w^l itself.")

UPDATE_RATIO_SLIPS = [
    Slip(id="missing_eta", variant=lambda c: c.expected[0] * c.args[3] / c.args[2],
         explain="Your ratios lack the factor η/m: the step is (η/m) Σ_x ∂C_x/∂w^l, not the gradient "
                 "sum itself."),
    Slip(id="missing_1_over_m", variant=lambda c: c.expected[0] * c.args[3],
         explain="Your ratios are m times too large: the gradient that backward returns is a SUM over the "
                 "m examples (BP4); the step divides it by m."),
    Slip(id="missing_eta", variant=lambda c: c.expected[0] / c.args[2],
         explain="Your ratios lack η: the step is (η/m) Σ_x ∂C_x/∂w^l."),
    Slip(id="wrong_values", variant=lambda c: 1 / c.expected[0],
         explain="Your ratios are upside down: divide the size of the step by the size of the weights."),
    Slip(id="not_divided_by_weights", variant=lambda c: c.expected[0] * np.array(
            [np.linalg.norm(c.args[0].w[l]) for l in range(1, c.args[0].L + 1)]),
         explain="Your numbers are the size of each step, (η/m)·‖Σ_x ∂C_x/∂w^l‖, not yet compared with the "
                 "weights: the ratio divides by ‖w^l‖, so it says what fraction of the weights one step "
                 "changes (section 6)."),
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
                  "Your ratios differ from bpcore.update.update_ratios. Each layer's ratio is η/m times "
                  "the Frobenius norm of the summed gradient of w^l (BP4), divided by the Frobenius norm "
                  "of w^l (section 6).")


# --------------------------------------------------------------------------- choosing η from a sweep

SWEEP_CHOICE = Spec(
    checker="check_sweep_choice", equation="choosing η from a sweep",
    formula="the lowest final held-out loss among the runs that neither diverged nor ended above their start",
    notebook="07_training_on_toy_data.ipynb", reference="bpcore.explorer.run.SweepResult.best_eta",
    arg_names=("sweep",), out_names=("eta",), out_shapes=("one number",),
    shape_hint="Return one number: the learning rate η of the run you choose.")

#: A made-up sweep in which each wrong rule picks another η: (η, final training loss, final held-out
#: loss, diverged, ended above its start). The right choice is η = 0.1 (held-out 0.05).
_MADE_UP = ((0.01, 0.60, 0.62, False, False), (0.03, 0.64, 0.66, False, False),
            (0.1, 0.08, 0.05, False, False), (0.3, 0.02, 0.09, False, False),
            (1.0, 0.25, 0.30, False, False), (3.0, 5.0, 0.01, True, False),
            (10.0, 0.90, 0.03, False, True))
_MADE_UP_CHOICE = 0.1


@dataclass(frozen=True)
class _MadeUpSweep:
    """The arrays of a sweep result (bpcore.explorer.run.SweepResult), without its runs."""

    etas: np.ndarray
    final_loss: np.ndarray
    final_val_loss: np.ndarray
    diverged: np.ndarray
    rose: np.ndarray


def _made_up_sweep() -> _MadeUpSweep:
    etas, loss, val, diverged, rose = (np.array(col) for col in zip(*_MADE_UP))
    return _MadeUpSweep(etas.astype(float), loss.astype(float), val.astype(float), diverged.astype(bool),
                        rose.astype(bool))


def _pick(sweep, loss, keep):
    """The η of the smallest ``loss`` among the runs ``keep`` marks (NaN if none)."""
    keep = keep & np.isfinite(loss)
    return float(sweep.etas[np.flatnonzero(keep)[np.argmin(loss[keep])]]) if keep.any() else float("nan")


def _ok(s):
    return ~(s.diverged | s.rose)


SWEEP_CHOICE_SLIPS = [
    Slip(id="chose_by_training_loss", variant=lambda c: _pick(c.args[0], c.args[0].final_loss, _ok(c.args[0])),
         explain="You chose by the final TRAINING loss. The training loss keeps falling while a network "
                 "learns its training points by heart; the held-out loss says whether it learned the shape "
                 "(section 3), so the sweep chooses by the held-out loss (section 7)."),
    Slip(id="kept_failed_runs",
         variant=lambda c: _pick(c.args[0], c.args[0].final_val_loss, np.ones(c.args[0].etas.size, bool)),
         explain="You chose among all the runs, a failed one included. A run that diverged was stopped "
                 "when its loss blew up, and one that ended above its starting loss got worse: whatever "
                 "their last held-out loss, neither η trains this network. Leave out the runs marked "
                 "diverged or risen, then compare the rest (section 7)."),
    Slip(id="kept_risen_runs", variant=lambda c: _pick(c.args[0], c.args[0].final_val_loss, ~c.args[0].diverged),
         explain="You left out the runs that diverged but kept one that ended with its training loss above "
                 "where it started (the sweep's 'rose', ▲ in its plot). Such a run got worse without blowing "
                 "up: it failed too (section 7)."),
    Slip(id="largest_good_eta",
         variant=lambda c: float(np.max(c.args[0].etas[_ok(c.args[0])])) if _ok(c.args[0]).any() else float("nan"),
         explain="You chose the largest η that did not fail. On moons that is also the best run, but only "
                 "by chance: the sweep chooses by the final held-out loss, and a large η that survives can "
                 "still end worse than a smaller one (section 7)."),
    Slip(id="highest_loss",
         variant=lambda c: float(c.args[0].etas[_ok(c.args[0])][np.argmax(c.args[0].final_val_loss[_ok(c.args[0])])]),
         explain="You chose the run with the HIGHEST held-out loss among those that did not fail: a lower "
                 "loss is the better run."),
]


def check_sweep_choice(fn, sweep) -> Feedback:
    """Check the η a learning-rate sweep recommends: the lowest final held-out loss among the runs that
    neither diverged nor ended above their starting loss.

    Parameters
    ----------
    fn : callable ``fn(sweep) -> eta``
        sweep : with arrays ``etas``, ``final_loss``, ``final_val_loss`` (mean costs after the
        last epoch), ``diverged`` and ``rose`` (bool), one entry per run. Returns one number, an
        η of ``etas``.
    sweep : bpcore.explorer.run.SweepResult
        A real sweep (notebook 07 gives the explorer's sweep of the circles data for 30 epochs);
        its ``best_eta`` is the reference. (This package does not import the explorer.)

    Returns
    -------
    Feedback
        Compared on ``sweep`` and on a made-up sweep of 7 runs in which each usual wrong rule picks
        another η. Passing, it also prints what part (b) of the exercise asks about: the next η up
        in ``sweep``, its update/weight ratio at the start and the edge 2/λ_max.

    Taught in ``notebooks/07_training_on_toy_data.ipynb`` (Exercise 7.3).
    """
    circles = sweep
    cases = [Case(label=f"the sweep given, {sweep.etas.size} runs", args=(sweep,), expected=(sweep.best_eta,)),
             Case(label="a made-up sweep of 7 runs", args=(_made_up_sweep(),), expected=(_MADE_UP_CHOICE,))]
    got = []
    for case in cases:
        value, problem = call(fn, SWEEP_CHOICE, case.args, where=f"on {case.label}")
        if problem is not None:
            return problem
        if value is None:
            return returned_none(SWEEP_CHOICE)
        if isinstance(value, bool) or np.ndim(value) != 0 or not np.issubdtype(np.asarray(value).dtype, np.number):
            return failed(SWEEP_CHOICE, "wrong_type",
                          f"On {case.label} your function returned {type(value).__name__} "
                          f"{np.shape(value) if np.ndim(value) else ''}; return one number, the η of the run "
                          "you choose.")
        got.append(float(value))

    def same(a, b):
        return bool(np.isclose(a, b, rtol=1e-12, atol=0.0))

    if all(same(g, c.expected[0]) for g, c in zip(got, cases)):
        return passed(SWEEP_CHOICE, _passed_lines(circles, cases, got))
    slip = recognise(SWEEP_CHOICE_SLIPS, cases, lambda c, variant: same(got[cases.index(c)], variant))
    if slip is not None:
        return failed(SWEEP_CHOICE, slip.id, slip.explain)
    if all(any(same(g, i) for i in range(c.args[0].etas.size)) and not any(same(g, e) for e in c.args[0].etas)
           for g, c in zip(got, cases)):
        return failed(SWEEP_CHOICE, "returned_index",
                      "Your numbers are positions in the sweep (0, 1, 2, ...), not learning rates: return the "
                      "η of the chosen run, the entry of etas at that position.")
    wrong = next(c for g, c in zip(got, cases) if not same(g, c.expected[0]))
    return failed(SWEEP_CHOICE, "wrong_values",
                  f"On {wrong.label} your function chose η = {got[cases.index(wrong)]:g}, which is not the "
                  "sweep's recommendation. Leave out the runs that diverged or ended above their start, then "
                  "take the η whose final held-out (not training) loss is lowest (section 7).")


def _passed_lines(sweep, cases, got) -> str:
    lines = [f"Your choice matches SweepResult.best_eta in 2 test cases ({cases[0].label}: η = {got[0]:g}; "
             f"{cases[1].label}, in which each usual wrong rule picks another η: η = {got[1]:g})."]
    i = int(np.flatnonzero(sweep.etas == got[0])[0])
    if i + 1 < sweep.etas.size and getattr(sweep, "runs", None):
        r = sweep.runs[i + 1]   # the start's ratio, as the explorer's maths pane shows it (first m columns)
        g = backward(r.net0, r.data.x[:, :r.m], r.data.y[:, :r.m], r.settings.cost)
        ratio = max(update_ratios(r.net0, g, r.eta, r.m)[1:])
        what = "diverged" if sweep.diverged[i + 1] else ("ended above its start" if sweep.rose[i + 1]
                                                         else sweep.regimes[i + 1])
        lines.append(f"For part (b): in the sweep given, the next η up, {r.eta:g}, {what}; its largest "
                     f"update/weight ratio at the start is {ratio:.2g}, and the edge 2/λ_max at the initial "
                     f"weights is {sweep.eta_edge:.2g}.")
    return "\n".join(lines)
