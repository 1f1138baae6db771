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

from .validation import is_whole_number, validate_eta

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
    if p.shape != grad_sum.shape:
        raise ValueError(
            f"a gradient must have the shape of its parameter; expected {p.shape}, "
            f"got {grad_sum.shape}"
        )
    return p - (eta / m) * grad_sum


def update(net, grads, eta, m=None):
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

    Returns
    -------
    Network
        New parameters; ``net`` is unchanged.

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    eta = validate_eta(eta)
    m = grads.m if m is None else m
    if not is_whole_number(m) or m < 1:
        raise ValueError(f"m (examples averaged over) must be a positive integer; got m={m!r}")
    w = [None] + [update_parameter(net.w[l], grads.grad_w[l], eta, m) for l in range(1, net.L + 1)]
    b = [None] + [update_parameter(net.b[l], grads.grad_b[l], eta, m) for l in range(1, net.L + 1)]
    return net.with_params(w, b)


def update_ratios(net, grads, eta, m) -> list:
    """The size of one step relative to the weights: (η/m)·‖Σ_x ∂C_x/∂w^l‖ / ‖w^l‖ per layer.

    Frobenius norms. ``grads`` holds sums over m examples (as :func:`bpcore.backprop.backward`
    returns them). Returns a list indexed like the network, slot 0 None; inf where w^l = 0.
    Taught in ``notebooks/07_training_on_toy_data.ipynb``.
    """
    ratios = [None]
    for l in range(1, net.L + 1):
        w_norm = float(np.linalg.norm(net.w[l]))
        step = (eta / m) * float(np.linalg.norm(grads.grad_w[l]))
        ratios.append(step / w_norm if w_norm > 0 else float("inf"))
    return ratios
