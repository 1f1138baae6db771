"""The gradient-descent update (the seed's last two equations).

    w^l → w^l − (η/m) Σ_x ∂C_x/∂w^l
    b^l → b^l − (η/m) Σ_x ∂C_x/∂b^l

η (``eta``) is the learning rate, which the seed writes as n, the same letter
as its example index. m is the number of examples the gradients were summed
over: the minibatch size, or the whole training set N for full-batch descent
(the seed's reading). :func:`bpcore.backprop.backward` returns the sums, so
the 1/m here turns them into averages.

Taught in ``notebooks/06_the_update_rule.ipynb``.
"""

from __future__ import annotations

import numpy as np

from .backprop import Gradients
from .validation import validate_eta, validate_network, what_arrived, whole_number

__all__ = ["update", "update_parameter", "update_ratios"]


def update_parameter(p, grad_sum, eta, m):
    """One parameter: p − (η/m) Σ_x ∂C_x/∂p   (the update rule).

    Parameters
    ----------
    p : ndarray, any shape (w^l: (n_l, n_{l-1}); b^l: (n_l, 1))
    grad_sum : ndarray, same shape as p
        Σ_x ∂C_x/∂p over the m examples.
    eta : float > 0
    m : int ≥ 1

    Returns
    -------
    ndarray, same shape as p (a new array; p is not changed)

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    for name, arr in (("p", p), ("grad_sum", grad_sum)):
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"{name} must be a numpy array (p is w^l or b^l, grad_sum of the same "
                            f"shape); got {what_arrived(arr)}")
    if p.shape != grad_sum.shape:
        raise ValueError(
            f"a gradient must have the shape of its parameter; expected {p.shape}, "
            f"got {grad_sum.shape}"
        )
    return _step(p, grad_sum, validate_eta(eta), _validate_m(m))


def _step(p, grad_sum, eta, m):
    """The update rule itself, on validated arguments."""
    return p - (eta / m) * grad_sum


def _validate_m(m) -> int:
    return whole_number(m, "m", 1, meaning="examples averaged over")


def update(net, grads, eta, m=None, validate: bool = True):
    """Apply the update rule to every layer l = 1..L and return a new Network.

    Parameters
    ----------
    net : Network
    grads : Gradients
        From :func:`bpcore.backprop.backward`: sums over the batch.
    eta : float
        Learning rate η > 0.
    m : int, optional
        Number of examples the sums cover; defaults to ``grads.m``.
    validate : bool
        Validate net's shapes and types (:func:`bpcore.validation.validate_network`),
        the shapes of the gradients, η and m. NaN or inf in net or grads are
        not refused here: in a training loop they are the sign of divergence,
        which the caller detects (:func:`bpcore.train.train` reports it as
        such), and the next forward or backward refuses them. A training loop
        that validated once passes False.

    Returns
    -------
    Network
        New parameters; ``net`` is unchanged.

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    if validate:
        _validate_gradients(validate_network(net, finite=False), grads)
        eta = validate_eta(eta)
    m = grads.m if m is None else m
    if validate:
        m = _validate_m(m)
    w = [None] + [_step(net.w[l], grads.grad_w[l], eta, m) for l in range(1, net.L + 1)]
    b = [None] + [_step(net.b[l], grads.grad_b[l], eta, m) for l in range(1, net.L + 1)]
    return net.with_params(w, b)


def _validate_gradients(net, grads) -> None:
    """grads.grad_w[l] and grads.grad_b[l] have the shapes of w^l and b^l, l = 1..L."""
    if not isinstance(grads, Gradients):
        raise TypeError(
            f"grads must be the Gradients that backward(net, x, y) returns; got {type(grads).__name__}"
        )
    for symbol, params, sums in (("w", net.w, grads.grad_w), ("b", net.b, grads.grad_b)):
        if not isinstance(sums, (list, tuple)) or len(sums) != net.L + 1:
            found = f"{len(sums)} entries" if isinstance(sums, (list, tuple)) else type(sums).__name__
            raise ValueError(
                f"grads.grad_{symbol} must hold L + 1 = {net.L + 1} entries (None, then one per layer "
                f"of sizes {net.sizes}); got {found}"
            )
        for l in range(1, net.L + 1):
            g, where = sums[l], f"grads.grad_{symbol}[{l}] (Σ_x ∂C_x/∂{symbol}^{l})"
            if not isinstance(g, np.ndarray):
                raise TypeError(f"{where} must be a numpy array of shape {params[l].shape}; "
                                f"got {what_arrived(g)}")
            if g.shape != params[l].shape:
                raise ValueError(f"a gradient must have the shape of its parameter: {where} must have "
                                 f"the shape of {symbol}^{l}, {params[l].shape}; got shape {g.shape}")


def update_ratios(net, grads, eta, m) -> list:
    """The size of one step relative to the weights: (η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖ per layer.

    Frobenius norms. ``grads`` holds sums over m examples (as :func:`bpcore.backprop.backward`
    returns them). Returns a list indexed like the network, slot 0 None; inf where w^l = 0.
    Validates its arguments like :func:`update`.
    Taught in ``notebooks/07_training_on_toy_data.ipynb``.
    """
    _validate_gradients(validate_network(net), grads)
    eta, m = validate_eta(eta), _validate_m(m)
    ratios = [None]
    for l in range(1, net.L + 1):
        w_norm = float(np.linalg.norm(net.w[l]))
        step = (eta / m) * float(np.linalg.norm(grads.grad_w[l]))
        ratios.append(step / w_norm if w_norm > 0 else float("inf"))
    return ratios
