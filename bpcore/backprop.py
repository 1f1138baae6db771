"""The four backpropagation equations, and the backward pass built from them.

=====  ==========================================  ===============================
BP1    δ^L = C'(a^L) ⊙ σ'(z^L)                     :func:`output_error`
BP2    δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)        :func:`backpropagate_error`
BP3    ∂C/∂b^l_j = δ^l_j                            :func:`bias_gradient`
BP4    ∂C/∂w^l_jk = δ^l_j a^{l-1}_k,                :func:`weight_gradient`
       in matrix form ∂C/∂w^l = δ^l (a^{l-1})^T
=====  ==========================================  ===============================

With a batch of m columns, δ^l has shape (n_l, m) and BP3/BP4 return the
**sum** over the batch, Σ_x ∂C_x/∂b^l and Σ_x ∂C_x/∂w^l: the matrix product
δ^l (a^{l-1})^T adds the m outer products up by itself. The update rule then
divides by m (:mod:`bpcore.update`).

:func:`backward` is the matrix (minibatch) form; :func:`backward_loop` is a
deliberately plain loop over examples, one column at a time, kept so that a
test and ``notebooks/06_the_update_rule.ipynb`` can show the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .costs import get_cost, validate_cost_output, validate_target
from .network import Network, forward
from .validation import validate_network, validate_x, validate_y, what_arrived

__all__ = [
    "output_error",
    "backpropagate_error",
    "bias_gradient",
    "weight_gradient",
    "Gradients",
    "backward",
    "backward_loop",
]


def output_error(cost, z_L, a_L, y, sigma):
    """BP1: the output error δ^L = ∂C/∂z^L = C'(a^L) ⊙ σ'(z^L).

    The cost computes it (it knows when the product simplifies to a − y); see
    :mod:`bpcore.costs`.

    Parameters
    ----------
    cost : cost class or name
    z_L, a_L : ndarray, shape (n_L, m)
    y : ndarray, shape (n_L, m)
    sigma : Activation of the output layer

    Returns
    -------
    delta_L : ndarray, shape (n_L, m)

    Taught in ``notebooks/02_output_error_bp1.ipynb``.
    """
    if not (_is_matrix(z_L) and _is_matrix(a_L) and _is_matrix(y) and z_L.shape == a_L.shape == y.shape):
        _shape_error("BP1", "z_L, a_L and y all of shape (n_L, m)", z_L=z_L, a_L=a_L, y=y)
    return get_cost(cost).delta(z_L, a_L, y, sigma)


def backpropagate_error(w_next, delta_next, z_l, sigma):
    """BP2: δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l).

    Parameters
    ----------
    w_next : ndarray, shape (n_{l+1}, n_l)
        w^{l+1}.
    delta_next : ndarray, shape (n_{l+1}, m)
        δ^{l+1}.
    z_l : ndarray, shape (n_l, m)
    sigma : Activation of layer l (elementwise)

    Returns
    -------
    delta_l : ndarray, shape (n_l, m)

    Taught in ``notebooks/03_backpropagating_the_error_bp2.ipynb``.
    """
    if not (_is_matrix(w_next) and _is_matrix(delta_next) and _is_matrix(z_l)
            and w_next.shape == (delta_next.shape[0], z_l.shape[0]) and delta_next.shape[1] == z_l.shape[1]):
        _shape_error("BP2", "w_next = w^{l+1} of shape (n_{l+1}, n_l), delta_next = δ^{l+1} of shape "
                     "(n_{l+1}, m) and z_l of shape (n_l, m)", w_next=w_next, delta_next=delta_next, z_l=z_l)
    return (w_next.T @ delta_next) * sigma.prime(z_l)


def bias_gradient(delta_l):
    """BP3: ∂C/∂b^l = δ^l, summed over the batch's columns.

    Parameters
    ----------
    delta_l : ndarray, shape (n_l, m)

    Returns
    -------
    grad_b : ndarray, shape (n_l, 1)
        Σ_x ∂C_x/∂b^l (for m = 1 this is δ^l itself).

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
    """
    if not _is_matrix(delta_l):
        _shape_error("BP3", "delta_l = δ^l of shape (n_l, m)", delta_l=delta_l)
    return delta_l.sum(axis=1, keepdims=True)


def weight_gradient(delta_l, a_prev):
    """BP4: ∂C/∂w^l = δ^l (a^{l-1})^T, i.e. ∂C/∂w^l_jk = δ^l_j a^{l-1}_k.

    For one example this is an outer product of a column and a row. For a
    batch, the matrix product sums the m outer products: Σ_x δ^l_x (a^{l-1}_x)^T.

    Parameters
    ----------
    delta_l : ndarray, shape (n_l, m)
    a_prev : ndarray, shape (n_{l-1}, m)
        a^{l-1} (a^0 = x).

    Returns
    -------
    grad_w : ndarray, shape (n_l, n_{l-1}), the shape of w^l
        Σ_x ∂C_x/∂w^l.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
    """
    if not (_is_matrix(delta_l) and _is_matrix(a_prev) and delta_l.shape[1] == a_prev.shape[1]):
        _shape_error("BP4", "delta_l = δ^l of shape (n_l, m) and a_prev = a^{l-1} of shape (n_{l-1}, m), "
                     "the same m", delta_l=delta_l, a_prev=a_prev)
    return delta_l @ a_prev.T


def _is_matrix(arr) -> bool:
    return isinstance(arr, np.ndarray) and arr.ndim == 2


def _shape_error(equation: str, expected: str, **arrays):
    """Raise for arguments of an equation that are not 2-D arrays of matching shapes."""
    for name, arr in arrays.items():
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"{equation} needs {expected}; {name} is {what_arrived(arr)}, not a numpy array")
    got = ", ".join(f"{name} {arr.shape}" for name, arr in arrays.items())
    raise ValueError(f"{equation} needs {expected}; got {got}")


@dataclass(frozen=True)
class Gradients:
    """Result of a backward pass, indexed l = 0..L like the network (slot 0 None).

    Attributes
    ----------
    grad_w : list, ``grad_w[l]`` shape (n_l, n_{l-1}) = Σ_x ∂C_x/∂w^l
    grad_b : list, ``grad_b[l]`` shape (n_l, 1) = Σ_x ∂C_x/∂b^l
    delta : list, ``delta[l]`` shape (n_l, m)
    z, a : lists from the forward pass (``a[0]`` is x)
    m : int, number of examples summed over
    """

    grad_w: list
    grad_b: list
    delta: list
    z: list
    a: list
    m: int


def _prepare(net, x, y, cost, validate):
    cost = get_cost(cost)
    if validate:
        validate_network(net)
        validate_cost_output(cost, net.output)
        x = validate_x(x, net.sizes[0])
        y = validate_y(y, net.sizes[-1], x.shape[1])
        validate_target(cost, y)
    return cost, x, y


def backward(net: Network, x, y, cost="quadratic", validate: bool = True) -> Gradients:
    """Backpropagation for a column example or a minibatch (matrix form).

    Forward pass, then BP1 at layer L, BP2 for l = L−1 down to 1, and BP3/BP4
    at every layer. Layers are *indexed* 1..L as in the maths; only the loop
    that fills them runs from L down, because δ^l needs δ^{l+1}.

    Parameters
    ----------
    net : Network
    x : ndarray, shape (n_0, m)
    y : ndarray, shape (n_L, m)
    cost : str or cost class
    validate : bool
        Validate the inputs: the network (:func:`bpcore.validation.validate_network`),
        x and y (shapes, finiteness), the cost/output pairing and targets the cost
        accepts (:func:`bpcore.costs.validate_target`).

    Returns
    -------
    Gradients
        Gradients summed over the m examples.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
    """
    cost, x, y = _prepare(net, x, y, cost, validate)
    L = net.L
    z, a = forward(net, x, validate=False)
    delta = [None] * (L + 1)
    delta[L] = output_error(cost, z[L], a[L], y, net.sigma(L))
    for l in range(L - 1, 0, -1):
        delta[l] = backpropagate_error(net.w[l + 1], delta[l + 1], z[l], net.sigma(l))
    grad_b = [None] + [bias_gradient(delta[l]) for l in range(1, L + 1)]
    grad_w = [None] + [weight_gradient(delta[l], a[l - 1]) for l in range(1, L + 1)]
    return Gradients(grad_w, grad_b, delta, z, a, x.shape[1])


def backward_loop(net: Network, x, y, cost="quadratic", validate: bool = True) -> Gradients:
    """The same gradients as :func:`backward`, one example (column) at a time.

    Deliberately plain, like Nielsen's ``update_mini_batch``: for each column
    x_i, run :func:`backward` on that single column and add the gradients up.
    Used to show (test and notebook 06) that the matrix form equals
    Σ_x ∂C_x/∂w. Much slower; never used for training.

    Parameters and return value as for :func:`backward`; ``delta``, ``z``
    and ``a`` are stacked back into (n_l, m) matrices.

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    cost, x, y = _prepare(net, x, y, cost, validate)
    L, m = net.L, x.shape[1]
    per_example = [backward(net, x[:, i : i + 1], y[:, i : i + 1], cost, validate=False) for i in range(m)]

    def total(name):  # Σ over the m examples, added up one at a time
        return [None] + [sum(getattr(g, name)[l] for g in per_example) for l in range(1, L + 1)]

    def stack(name):
        return [None] + [
            np.hstack([getattr(g, name)[l] for g in per_example]) for l in range(1, L + 1)
        ]

    a = stack("a")
    a[0] = x
    return Gradients(total("grad_w"), total("grad_b"), stack("delta"), stack("z"), a, m)
