"""Minibatch stochastic gradient descent, with a history and divergence detection.

Each epoch reshuffles the N training columns once (one gather), then walks
through them in contiguous blocks of m columns. For each block: backprop
(BP1–BP4) gives Σ_x ∂C_x/∂w, and the update rule subtracts (η/m) times it.
m = N is full-batch gradient descent, the seed's reading of m.

Taught in ``notebooks/06_the_update_rule.ipynb`` and
``notebooks/07_training_on_toy_data.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .backprop import backward
from .costs import get_cost, validate_cost_output, validate_target
from .network import Network, forward
from .update import update
from .validation import is_whole_number, validate_eta, validate_x, validate_y

__all__ = ["History", "sgd_epoch", "train", "mean_cost", "accuracy", "predict_labels", "class_labels"]


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
        True if training stopped because the loss became NaN or inf or exploded.
    stopped : bool
        True if the callback asked to stop early.
    message : str
        A plain-language account of how training ended.
    """

    eta: float
    m: int
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    diverged: bool = False
    stopped: bool = False
    message: str = ""

    @property
    def epochs(self) -> int:
        """Number of completed epochs."""
        return len(self.loss)

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


# The shuffled copy is made a chunk of whole minibatches at a time, each a few
# MB: small enough to stay in the CPU cache between being copied and being used
# by the steps' matrix products, instead of a second N-column copy in memory.
SHUFFLE_CHUNK_BYTES = 8 * 2**20


def _chunks(perm, m, column_bytes):
    """Split the epoch's order ``perm`` into consecutive chunks of whole minibatches.

    Each chunk holds a multiple of m indices (the last one may be shorter), so
    the minibatches are exactly ``perm[k:k+m]`` for k = 0, m, 2m, ...: chunking
    changes where copies are made, never which examples form a step.
    """
    per_chunk = m * max(1, SHUFFLE_CHUNK_BYTES // (m * column_bytes))
    return [perm[start : start + per_chunk] for start in range(0, perm.size, per_chunk)]


def sgd_epoch(net: Network, x, y, cost, eta, m, rng) -> Network:
    """One epoch of minibatch SGD. Pure: returns a new Network.

    Parameters
    ----------
    net : Network
    x : ndarray, shape (n_0, N); y : ndarray, shape (n_L, N)
        Already validated.
    cost : cost class
    eta : float > 0
    m : int, 1 ≤ m ≤ N
    rng : numpy.random.Generator, used for this epoch's shuffle

    Notes
    -----
    Data layout, for speed (the numbers are the same as without it): x and y
    are used in Fortran order, where each column (example) is contiguous in
    memory; x = X.T for data stored one example per row already is, and a
    C-ordered x is converted once per epoch. The shuffled examples are copied
    a chunk of whole minibatches at a time (:func:`_chunks`), so each step's
    ``xs[:, k:k+m]`` is one contiguous block that is still in the cache: the
    steps slice, they never gather.

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    perm = rng.permutation(x.shape[1])
    x, y = np.asfortranarray(x), np.asfortranarray(y)  # no copy if already so
    for chunk in _chunks(perm, m, column_bytes=x.shape[0] * x.itemsize):
        xs, ys = x[:, chunk], y[:, chunk]  # the shuffled examples, Fortran-ordered
        for k in range(0, chunk.size, m):
            grads = backward(net, xs[:, k : k + m], ys[:, k : k + m], cost, validate=False)
            net = update(net, grads, eta)
    return net


# Weighted inputs this large mean the step size has blown the weights up: every
# sigmoid/tanh is saturated (σ' = 0 to machine precision) and a clipped
# cross-entropy stops growing, so the loss alone would not show the divergence.
Z_LIMIT = 1e8


def _divergence_check(net: Network, x, y, cost):
    """The mean cost on (x, y), why training diverged (or None), and a^L.

    a^L is returned so that the epoch's accuracy needs no second forward pass.

    Diverged means: a parameter or some z^l is not finite (finite but huge
    weights can overflow in w^l a^{l-1}), or some |z^l| exceeds ``Z_LIMIT``, or
    the loss is not finite. Call inside ``np.errstate(over="ignore", invalid="ignore")``.
    """
    if not all(np.isfinite(net.w[l]).all() and np.isfinite(net.b[l]).all() for l in range(1, net.L + 1)):
        return float("nan"), "the loss became NaN or infinite (the weights overflowed)", None
    z, a = forward(net, x, validate=False)
    if not all(np.isfinite(z[l]).all() for l in range(1, net.L + 1)):
        return float("nan"), "the loss became NaN or infinite (the weighted inputs z overflowed)", None
    z_max = max(float(np.max(np.abs(z[l]))) for l in range(1, net.L + 1))
    loss = cost.value(z[-1], a[-1], y) / x.shape[1]
    if z_max > Z_LIMIT:
        return loss, f"the weighted inputs reached |z| = {z_max:.2g}, so the units are saturated and learning has stopped", a[-1]
    if not np.isfinite(loss):
        return loss, "the loss became NaN or infinite", a[-1]
    return loss, None, a[-1]


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
    explode_factor: float = 1e6,
):
    """Train with minibatch SGD and return ``(net, history)``.

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
    explode_factor : float
        Training also counts as diverged when the loss exceeds this many times
        its starting value.

    Returns
    -------
    net : Network
        The last parameters whose loss was finite. If training diverged this is
        the network from *before* the epoch that blew up, never a NaN network.
    history : History
        ``history.diverged`` and ``history.message`` say whether and why training
        stopped. No exception is raised for divergence and no warning printed.

    Taught in ``notebooks/07_training_on_toy_data.ipynb``.
    """
    cost = get_cost(cost)
    validate_cost_output(cost, net.output)
    eta = validate_eta(eta)
    x = validate_x(x, net.sizes[0])
    y = validate_y(y, net.sizes[-1], x.shape[1])
    validate_target(cost, y)
    x, y = np.asfortranarray(x), np.asfortranarray(y)  # once here, not in every sgd_epoch
    N = x.shape[1]
    m = _batch_size(m, N)
    if not is_whole_number(epochs) or epochs < 0:
        raise ValueError(f"epochs must be a whole number ≥ 0; got {epochs!r}")
    has_val = x_val is not None
    if has_val:
        x_val = validate_x(x_val, net.sizes[0], "x_val")
        y_val = validate_y(y_val, net.sizes[-1], x_val.shape[1], "y_val")
        validate_target(cost, y_val, "y_val")
    rng = np.random.default_rng(rng)
    classify = _is_classification(y)
    y_labels = class_labels(y) if classify else None
    history = History(eta=eta, m=m)
    start_loss = mean_cost(net, x, y, cost)

    for epoch in range(1, epochs + 1):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            new_net = sgd_epoch(net, x, y, cost, eta, m, rng)
            loss, why, a_L = _divergence_check(new_net, x, y, cost)
        if why is None and loss > explode_factor * max(start_loss, 1e-12):
            why = f"the loss exploded to {loss:.3g} (it started at {start_loss:.3g})"
        if why is not None:
            history.diverged = True
            history.message = (
                f"Training diverged in epoch {epoch} with learning rate eta={eta:g}: {why}. "
                f"The step (eta/m)·Σ∂C/∂w is too large; try a smaller eta, "
                f"e.g. eta={eta / 10:g}. The network returned is the one from before this epoch."
            )
            return net, history
        net = new_net
        history.loss.append(loss)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            history.accuracy.append(float(np.mean(class_labels(a_L) == y_labels)) if classify else None)
            if has_val:
                history.val_loss.append(mean_cost(net, x_val, y_val, cost))
                history.val_accuracy.append(accuracy(net, x_val, y_val) if classify else None)
        if callback is not None and callback(epoch, net, history) is False:
            history.stopped = True
            history.message = f"Stopped by the callback after epoch {epoch}."
            return net, history

    history.message = f"Finished {history.epochs} epoch(s)." if epochs else "No epochs run."
    return net, history
