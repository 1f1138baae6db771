"""Minibatch stochastic gradient descent, with a history and divergence detection.

Each epoch reshuffles the N training columns once, then walks through them in
blocks of m columns. For each block: backprop (BP1–BP4) gives Σ_x ∂C_x/∂w, and
the update rule subtracts (η/m) times it. m = N is full-batch gradient
descent, the seed's reading of m.

:func:`train_epochs` runs one epoch at a time and can continue a run from a
given network, epoch number and starting loss; :func:`train` is a loop over
it that keeps a :class:`History`.

Taught in ``notebooks/06_the_update_rule.ipynb`` and
``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count, islice
from typing import Callable, Iterator, NamedTuple, Optional

import numpy as np

from .backprop import backward
from .costs import get_cost, validate_cost_output, validate_target
from .network import Network, forward
from .update import update
from .validation import (is_whole_number, real_number, validate_eta, validate_network, validate_rng, validate_x,
                         validate_y, whole_number)

__all__ = ["History", "Epoch", "sgd_epoch", "train_epochs", "train", "end_of_training", "ended_above", "stuck_layer",
           "mean_cost", "accuracy", "predict_labels", "class_labels"]


@dataclass(frozen=True)
class Epoch:
    """One epoch of :func:`train_epochs`.

    Attributes
    ----------
    number : int
        The epoch's number in the whole run, counted from 1 (``start_epoch + 1`` first).
    net : Network
        The parameters after this epoch. For a diverged epoch, the parameters from
        *before* it: the last finite ones.
    loss, accuracy : float
        Mean cost and accuracy on the training data after the epoch (accuracy
        None for regression targets).
    val_loss, val_accuracy : float or None
        The same on held-out data, None without it.
    diverged : bool
        True if this epoch blew up; :func:`train_epochs` stops after it.
    message : str
        For a diverged epoch, why, naming η and a smaller one; else "".
    reason : str
        For a diverged epoch, the bare reason (e.g. "the loss became NaN or infinite"); else "".
    stuck_at_start : bool
        True if that reason, a layer with every unit saturated or dead, was already true of
        the starting weights: not η's doing.
    best_loss : float
        The lowest mean training cost of the run so far, its start included (pass it
        back as ``best_loss`` to continue the run exactly).
    """

    number: int
    net: Network
    loss: float
    accuracy: Optional[float] = None
    val_loss: Optional[float] = None
    val_accuracy: Optional[float] = None
    diverged: bool = False
    message: str = ""
    best_loss: Optional[float] = None
    reason: str = ""
    stuck_at_start: bool = False


@dataclass
class History:
    """What happened during :func:`train`, one entry per completed epoch.

    Attributes
    ----------
    loss, accuracy : list of float
        Mean cost (1/N Σ_x C_x) and accuracy on the training data after each epoch.
        ``accuracy`` holds None for regression targets.
    val_loss, val_accuracy : list of float
        The same on held-out data, if it was given (else empty).
    eta, m : the learning rate and batch size used
    diverged : bool
        True if training stopped because it blew up: a NaN or infinite loss, overflowing
        weights, weighted inputs beyond ``Z_LIMIT``, a layer whose every unit is saturated
        or dead (:func:`stuck_layer`), or a loss that climbed far above the best it reached.
    failed : bool
        True if training failed: it diverged, or it ended (at its last epoch, or stopped
        by the callback) with the loss above where it started.
    failed_epoch : int or None
        The epoch in which it diverged (counted from 1), else None.
    net_epoch : int
        The epoch whose parameters :func:`train` returned (0: the initial ones). After a
        divergence it is ``failed_epoch - 1``: the last finite parameters.
    start_loss : float or None
        The mean training cost before the first epoch.
    stopped : bool
        True if the callback asked to stop early.
    message : str
        A plain-language account of how training ended.
    """

    eta: float
    m: int
    start_loss: Optional[float] = None
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    diverged: bool = False
    failed: bool = False
    failed_epoch: Optional[int] = None
    stopped: bool = False
    message: str = ""

    @property
    def epochs(self) -> int:
        """Number of completed epochs."""
        return len(self.loss)

    @property
    def net_epoch(self) -> int:
        """The epoch whose parameters the run ended with (0: the initial ones)."""
        return self.epochs

    def add(self, epoch: Epoch) -> None:
        """Record one :class:`Epoch`: its numbers, or for a diverged one why it diverged."""
        if epoch.diverged:
            self.diverged = self.failed = True
            self.failed_epoch, self.message = epoch.number, epoch.message
            return
        self.loss.append(epoch.loss)
        self.accuracy.append(epoch.accuracy)
        if epoch.val_loss is not None:
            self.val_loss.append(epoch.val_loss)
            self.val_accuracy.append(epoch.val_accuracy)

    def __repr__(self) -> str:
        last = f", last loss {self.loss[-1]:.4g}" if self.loss else ""
        return f"History({self.epochs} epochs, eta={self.eta:g}, m={self.m}{last}: {self.message})"


def _is_classification(y) -> bool:
    return bool(np.all((y == 0) | (y == 1)))


def predict_labels(net: Network, x):
    """Class predictions for x of shape (n_0, m).

    One output neuron: label 1 where a^L > 0.5, else 0. Several output neurons:
    the index of the largest a^L_j in each column. Returns an int array of shape (m,).
    """
    return class_labels(forward(net, x)[1][-1])


def class_labels(a):
    """Class labels of outputs or targets a, shape (n_L, m): a > 0.5 for one row, else argmax.

    Returns an int array of shape (m,).
    """
    a = np.asarray(a)
    return (a[0] > 0.5).astype(int) if a.shape[0] == 1 else np.argmax(a, axis=0)


def accuracy(net: Network, x, y):
    """Fraction of columns classified correctly (0/1 targets or one-hot columns).

    Parameters
    ----------
    x : ndarray, shape (n_0, m)
    y : ndarray, shape (n_L, m), entries 0 or 1

    Returns
    -------
    float in [0, 1]
    """
    x = validate_x(x, net.sizes[0])
    y = validate_y(y, net.sizes[-1], x.shape[1])
    return float(np.mean(predict_labels(net, x) == class_labels(y)))


def mean_cost(net: Network, x, y, cost="quadratic") -> float:
    """The mean cost (1/m) Σ_x C_x over the m columns of x."""
    cost = get_cost(cost)
    z, a = forward(net, x)
    y = validate_y(y, net.sizes[-1], a[-1].shape[1])  # a mismatched y would broadcast silently
    validate_target(cost, y)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return cost.value(z[-1], a[-1], y) / a[-1].shape[1]


def _batch_size(m, N) -> int:
    if m is None:
        return N
    if is_whole_number(m) and m > N >= 1:
        raise ValueError(
            f"the batch size m={m} is larger than the N={N} training examples (the default "
            f"is m=10); pass m={N} (or m=None) for full-batch descent, or a smaller m"
        )
    if not is_whole_number(m) or not 1 <= m <= N:
        raise ValueError(
            f"the batch size m must be an integer from 1 to N = {N} (m = N is full-batch "
            f"descent); got m={m!r}"
        )
    return int(m)


def sgd_epoch(net: Network, x, y, cost, eta, m, rng) -> Network:
    """One epoch of minibatch SGD. Pure: returns a new Network.

    Checks nothing, for speed: :func:`train_epochs` validates its inputs once.

    Parameters
    ----------
    net : Network
    x : ndarray, shape (n_0, N); y : ndarray, shape (n_L, N)
    cost : cost class
    eta : float > 0
    m : int, 1 ≤ m ≤ N
    rng : numpy.random.Generator, used for this epoch's shuffle

    The minibatches are the columns ``perm[k:k+m]`` for k = 0, m, 2m, ...; the
    last one is shorter when m does not divide N. :func:`_minibatches` hands
    them over in a fast memory layout (same numbers).

    Taught in ``notebooks/06_the_update_rule.ipynb`` and ``notebooks/07_training_on_toy_data.ipynb``.
    """
    perm = rng.permutation(x.shape[1])  # 1. shuffle the columns once
    for x_batch, y_batch in _minibatches(x, y, perm, m):  # 2. blocks of m columns
        grads = backward(net, x_batch, y_batch, cost, validate=False)  # forward pass, BP1-BP4, summed
        net = update(net, grads, eta, validate=False)  # w -> w - (eta/m) * sum
    return net


# The shuffled copy is made a chunk of whole minibatches at a time, each a few
# MB: small enough to stay in the CPU cache between being copied and being used
# by the steps' matrix products, instead of a second N-column copy in memory.
SHUFFLE_CHUNK_BYTES = 8 * 2**20


def _minibatches(x, y, perm, m):
    """Yield ``(x[:, perm[k:k+m]], y[:, perm[k:k+m]])`` for k = 0, m, 2m, ...

    Fast layout, same numbers: x and y are used in Fortran order, where each
    column (example) is contiguous in memory (x = X.T for data stored one
    example per row already is; a C-ordered x is converted here). The shuffled
    examples are copied a chunk of whole minibatches at a time (:func:`_chunks`),
    so each step's block is one contiguous slice that is still in the cache:
    the steps slice, they never gather.
    """
    x, y = np.asfortranarray(x), np.asfortranarray(y)  # no copy if already so
    for chunk in _chunks(perm, m, column_bytes=x.shape[0] * x.itemsize):
        xs, ys = x[:, chunk], y[:, chunk]  # the shuffled examples, Fortran-ordered
        for k in range(0, chunk.size, m):
            yield xs[:, k : k + m], ys[:, k : k + m]


def _chunks(perm, m, column_bytes):
    """Split the epoch's order ``perm`` into consecutive chunks of whole minibatches.

    Each chunk holds a multiple of m indices (the last one may be shorter), so
    the minibatches are exactly ``perm[k:k+m]`` for k = 0, m, 2m, ...: chunking
    changes where copies are made, never which examples form a step.
    """
    per_chunk = m * max(1, SHUFFLE_CHUNK_BYTES // (m * column_bytes))
    return [perm[start : start + per_chunk] for start in range(0, perm.size, per_chunk)]


# Weighted inputs this large mean the step size has blown the weights up: every
# sigmoid/tanh is saturated (σ' = 0 to machine precision) and ReLU units pass
# numbers that overflow soon after, whatever the loss says at that epoch.
Z_LIMIT = 1e8

# A run whose last loss is above its first by more than this fraction ended above where it
# started: it failed. The margin keeps the wobble of SGD at a converged loss from counting.
RISE_TOLERANCE = 0.01

# A loss that climbs this many times above the best it reached, and above where it
# started, has left the minimum for good: a bounded cost (cross-entropy at chance is
# log 2 per example) never rises a million-fold, so a relative climb is the test.
CLIMB_FACTOR = 10.0


def _divergence_check(net: Network, x, y, cost):
    """The mean cost on (x, y), why training diverged (or None), a^L and the z^l list (None if not finite).

    a^L is returned so that the epoch's accuracy needs no second forward pass, and
    z for :func:`stuck_layer`.

    Diverged means: a parameter or some z^l is not finite (finite but huge
    weights can overflow in w^l a^{l-1}), or some |z^l| exceeds ``Z_LIMIT``, or
    the loss is not finite. Call inside ``np.errstate(over="ignore", invalid="ignore")``.
    """
    if not all(np.isfinite(net.w[l]).all() and np.isfinite(net.b[l]).all() for l in range(1, net.L + 1)):
        return float("nan"), "the loss became NaN or infinite (the weights overflowed)", None, None
    z, a = forward(net, x, validate=False)
    if not all(np.isfinite(z[l]).all() for l in range(1, net.L + 1)):
        return float("nan"), "the loss became NaN or infinite (the weighted inputs z overflowed)", None, None
    z_max = max(float(np.max(np.abs(z[l]))) for l in range(1, net.L + 1))
    loss = cost.value(z[-1], a[-1], y) / x.shape[1]
    if z_max > Z_LIMIT:
        return loss, (f"the weighted inputs reached |z| = {z_max:.2g}, far beyond any useful scale "
                      f"(the weights are running away)"), a[-1], z
    if not np.isfinite(loss):
        return loss, "the loss became NaN or infinite", a[-1], z
    return loss, None, a[-1], z


def ended_above(first: float, last: float) -> bool:
    """True if a loss went from ``first`` to ``last`` and ended above it by more than RISE_TOLERANCE (or is NaN)."""
    return not last <= first * (1 + RISE_TOLERANCE)


def stuck_layer(net: Network, z, cost) -> Optional[str]:
    """Why no gradient can pass some layer l, or None: σ'(z^l) = 0 for every unit and every example.

    Then BP2 makes δ^l = 0 (and every δ below it), so layers 1..l stop learning:
    sigmoid or tanh units saturated (σ' rounds to 0), or ReLU units dead (z ≤ 0).
    The output layer counts only where δ^L carries σ'(z^L) (the quadratic cost).
    ``z`` is the forward pass's list z[1..L].
    """
    quadratic = get_cost(cost).name == "quadratic"
    for l in range(1, net.L + 1):
        sigma = net.sigma(l)
        if not sigma.elementwise or (l == net.L and not quadratic):
            continue
        if not np.any(sigma.prime(z[l])):
            state = ("dead (z ≤ 0 for every example)" if sigma.kinks else
                     "saturated (σ'(z) rounds to 0 for every example)")
            below = "layer 1 has" if l == 1 else f"layers 1..{l} have"
            return (f"every {sigma.name} unit of layer {l} is {state}, so BP2 passes no error back "
                    f"through it and {below} stopped learning")
    return None


class _Inputs(NamedTuple):
    """Validated training inputs: what every epoch of one run shares."""

    x: np.ndarray  # (n_0, N), Fortran order
    y: np.ndarray  # (n_L, N), Fortran order
    cost: type
    eta: float
    m: int
    x_val: Optional[np.ndarray]
    y_val: Optional[np.ndarray]
    y_labels: Optional[np.ndarray]  # class labels of y, None for regression targets


def _validated(net: Network, x, y, cost, eta, m, x_val, y_val) -> _Inputs:
    validate_network(net)  # NaN already in the parameters is reported as that, not blamed on η
    cost = get_cost(cost)
    validate_cost_output(cost, net.output)
    eta = validate_eta(eta)
    x = validate_x(x, net.sizes[0])
    y = validate_y(y, net.sizes[-1], x.shape[1])
    validate_target(cost, y)
    x, y = np.asfortranarray(x), np.asfortranarray(y)  # once here, not in every sgd_epoch
    m = _batch_size(m, x.shape[1])
    if (x_val is None) != (y_val is None):
        given, missing = ("x_val", "y_val") if y_val is None else ("y_val", "x_val")
        raise ValueError(f"held-out data needs both x_val and y_val; got {given} without {missing}")
    if x_val is not None:
        x_val = validate_x(x_val, net.sizes[0], "x_val")
        y_val = validate_y(y_val, net.sizes[-1], x_val.shape[1], "y_val")
        validate_target(cost, y_val, "y_val")
    y_labels = class_labels(y) if _is_classification(y) else None
    return _Inputs(x, y, cost, eta, m, x_val, y_val, y_labels)


def train_epochs(
    net: Network,
    x,
    y,
    *,
    cost="quadratic",
    eta: float,
    m: Optional[int],
    rng,
    x_val=None,
    y_val=None,
    start_epoch: int = 0,
    start_loss: Optional[float] = None,
    best_loss: Optional[float] = None,
    climb_factor: float = CLIMB_FACTOR,
) -> Iterator[Epoch]:
    """Minibatch SGD one epoch at a time: yields an :class:`Epoch` after each one, without end.

    The inputs are validated when this is called (not at the first epoch). To
    continue a run, pass its current network, the number of epochs done
    (``start_epoch``), its loss before the first epoch (``start_loss``) and the
    same generator ``rng``: the epochs are then exactly those of one long run.

    Parameters
    ----------
    net : Network
        Starting parameters (not changed).
    x : ndarray, shape (n_0, N); y : ndarray, shape (n_L, N)
    cost : str or cost class
    eta : float
        Learning rate η > 0.
    m : int or None
        Batch size; None or N means full-batch gradient descent.
    rng : numpy.random.Generator or int
        Seeds the per-epoch shuffles; a Generator is advanced, not copied.
    x_val, y_val : ndarray, optional
        Held-out data, evaluated after each epoch.
    start_epoch : int ≥ 0
        Epochs already done: the first one yielded is number ``start_epoch + 1``.
    start_loss : float, optional
        The run's mean training cost before its first epoch (default: that of ``net``).
    best_loss : float, optional
        The lowest mean training cost the run reached so far (default: ``start_loss``);
        the last :class:`Epoch`'s ``best_loss`` when continuing.
    climb_factor : float > 1
        An epoch also diverges when its loss is above ``start_loss`` and more than
        this many times the best loss the run reached.

    Yields
    ------
    Epoch
        After each epoch. Divergence (a NaN or infinite loss, overflowing weights or
        weighted inputs, saturated units with |z| > ``Z_LIMIT``, or a loss that climbed
        far above its best)
        is checked after every epoch; a diverged epoch is yielded with
        ``diverged=True``, the network from before it and a plain message, and is
        the last one. Take as many epochs as you want, e.g. with ``itertools.islice``.

    Taught in ``notebooks/07_training_on_toy_data.ipynb``.
    """
    inputs = _validated(net, x, y, cost, eta, m, x_val, y_val)
    start_epoch = whole_number(start_epoch, "start_epoch", minimum=0)
    if start_loss is not None:
        start_loss = real_number(start_loss, "start_loss", minimum=0)
    if best_loss is not None:
        best_loss = real_number(best_loss, "best_loss", minimum=0)
    climb_factor = real_number(climb_factor, "climb_factor", minimum=1)
    return _epochs(net, inputs, validate_rng(rng), start_epoch, start_loss, best_loss, climb_factor)


def _epochs(net, inputs: _Inputs, rng, start_epoch, start_loss, best, climb_factor):
    """The generator behind :func:`train_epochs`, on validated inputs."""
    x, y, cost, eta = inputs.x, inputs.y, inputs.cost, inputs.eta
    if start_loss is None:
        start_loss = mean_cost(net, x, y, cost)
    best = start_loss if best is None else min(best, start_loss)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        stuck_before = stuck_layer(net, forward(net, x, validate=False)[0], cost)
    for number in count(start_epoch + 1):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            new_net = sgd_epoch(net, x, y, cost, eta, inputs.m, rng)
            loss, why, a_L, z = _divergence_check(new_net, x, y, cost)
            if why is None and loss > start_loss and loss > climb_factor * best:
                why = (f"the loss climbed to {loss:.3g}, more than {climb_factor:g} times the best it reached "
                       f"({best:.3g}) and above where it started ({start_loss:.3g})")
            if why is None and loss >= start_loss:  # stuck and not better than at the start
                why = stuck_layer(new_net, z, cost)
        if why is not None and why == stuck_before:
            yield Epoch(number, net, loss, diverged=True, best_loss=best, reason=why, stuck_at_start=True, message=(
                f"Training cannot proceed: {why}, and it was so before the first epoch (epoch "
                f"{number - 1}'s weights), so it is not eta's doing. Start from other weights: another "
                f"seed or initialiser, or smaller weights. The network returned is the one after epoch "
                f"{number - 1}."))
            return
        if why is not None:
            yield Epoch(number, net, loss, diverged=True, best_loss=best, reason=why, message=(
                f"Training diverged in epoch {number} with learning rate eta={eta:g}: {why}. "
                f"The step (eta/m)·Σ∂C/∂w is too large; try a smaller eta, e.g. eta={eta / 10:g}. "
                f"The network returned is the one after epoch {number - 1}, before it blew up."))
            return
        best = min(best, loss)
        net = new_net
        yield _measured(number, net, loss, a_L, inputs, best)


def _measured(number, net, loss, a_L, inputs: _Inputs, best_loss) -> Epoch:
    """The Epoch record: accuracy from the divergence check's a^L, and the held-out numbers."""
    acc = val_loss = val_acc = None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        if inputs.y_labels is not None:
            acc = float(np.mean(class_labels(a_L) == inputs.y_labels))
        if inputs.x_val is not None:
            val_loss = mean_cost(net, inputs.x_val, inputs.y_val, inputs.cost)
            if inputs.y_labels is not None:
                val_acc = accuracy(net, inputs.x_val, inputs.y_val)
    return Epoch(number, net, loss, acc, val_loss, val_acc, best_loss=best_loss)


def train(
    net: Network,
    x,
    y,
    cost="quadratic",
    eta: float = 1.0,
    m: Optional[int] = 10,
    epochs: int = 10,
    rng=0,
    x_val=None,
    y_val=None,
    callback: Optional[Callable] = None,
    climb_factor: float = CLIMB_FACTOR,
):
    """Train with minibatch SGD and return ``(net, history)``.

    A loop over the epochs of :func:`train_epochs` that records them in a
    :class:`History`.

    Parameters
    ----------
    net : Network
        Starting parameters (not changed; a new Network is returned).
    x : ndarray, shape (n_0, N); y : ndarray, shape (n_L, N)
    cost : str or cost class
    eta : float
        Learning rate η > 0.
    m : int or None
        Batch size; None or N means full-batch gradient descent.
    epochs : int ≥ 0
    rng : numpy.random.Generator or int
        Seeds the per-epoch shuffles. Same seed, same result.
    x_val, y_val : ndarray, optional
        Held-out data, evaluated after each epoch.
    callback : callable, optional
        ``callback(epoch, net, history)`` after each epoch (epoch counts from
        1). Return False to stop early. Widgets and progress bars hook in here.
    climb_factor : float > 1
        Training also counts as diverged when the loss is above its starting value
        and more than this many times the best it reached.

    Returns
    -------
    net : Network
        The last parameters whose loss was finite. If training diverged this is
        the network from *before* the epoch that blew up (``history.net_epoch``),
        never a NaN network.
    history : History
        ``history.failed``, ``history.diverged``, ``history.failed_epoch`` and
        ``history.message`` say whether, when and why training failed: it blew up,
        or it ended with the loss above where it started. No exception is raised
        for a failed run and no warning printed. NaN or inf already in ``net`` is
        refused with a ValueError before the first epoch.

    Taught in ``notebooks/07_training_on_toy_data.ipynb``.
    """
    inputs = _validated(net, x, y, cost, eta, m, x_val, y_val)
    if not is_whole_number(epochs) or epochs < 0:
        raise ValueError(f"epochs must be a whole number ≥ 0; got {epochs!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function callback(epoch, net, history), or None; got {callback!r} "
                        f"({type(callback).__name__})")
    climb_factor = real_number(climb_factor, "climb_factor", minimum=1)
    start_loss = mean_cost(net, inputs.x, inputs.y, inputs.cost)
    history = History(eta=inputs.eta, m=inputs.m, start_loss=start_loss)
    for epoch in islice(_epochs(net, inputs, validate_rng(rng), 0, start_loss, None, climb_factor), epochs):
        history.add(epoch)
        if epoch.diverged:
            return net, history
        net = epoch.net
        if callback is not None and callback(epoch.number, net, history) is False:
            history.stopped = True
            history.message = end_of_training(history, f"Stopped by the callback after epoch {epoch.number}.")
            return net, history
    history.message = end_of_training(history, f"Finished {history.epochs} epoch(s)." if epochs else "No epochs run.")
    return net, history


def end_of_training(history: History, ended: str) -> str:
    """How a run that did not blow up ended: ``ended``, or that it failed (``history.failed`` set).

    A run fails when its last loss is above where it started (:func:`ended_above`); the message names
    η and suggests a smaller one. :func:`train` and the explorer's runs both end here.
    """
    if not history.loss or not ended_above(history.start_loss, history.loss[-1]):
        return ended
    history.failed = True
    return (f"Training failed: after {history.epochs} epoch(s) with learning rate eta={history.eta:g} "
            f"the loss ended above where it started ({history.start_loss:.3g} → {history.loss[-1]:.3g}). "
            f"The steps overshoot; try a smaller eta, e.g. eta={history.eta / 10:g}."
            + (f" ({ended})" if history.stopped else ""))
