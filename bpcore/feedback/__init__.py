"""Exercise feedback: run a learner's function, say which equation is wrong and why.

Every ``check_*`` function takes the learner's function (not its result), calls
it on small seeded test cases, and compares what comes back with bpcore's own
implementation, the one reference; where a derivative is involved, the
reference is also confirmed against finite differences (:mod:`bpcore.gradcheck`).
When the result is wrong, the checker names the slip (an id from
:data:`SLIPS`) if the result equals the equation with that slip made in every
test case. A function that raises, returns ``None`` or the wrong shape gets a
plain message; no traceback reaches the learner.

Each checker returns a :class:`Feedback`: ``.passed``, ``.equation``, ``.slip``
and ``.message``, which is also what ``print(feedback)`` and Jupyter show.

=====================================  ==========================================  ========
checker                                learner's function                          notebook
=====================================  ==========================================  ========
:func:`check_forward`                  ``(w, b, a_prev, sigma) -> (z, a)``         01
:func:`check_bp1`                      ``(z_L, a_L, y) -> delta_L``                02
:func:`check_cross_entropy_delta`      ``(z_L, a_L, y) -> delta_L``                02, 08
:func:`check_bp2`                      ``(w_next, delta_next, z_l) -> delta_l``    03
:func:`check_deltas`                   ``(net, x, y) -> [None, δ^1, ..., δ^L]``    03
:func:`check_linear_delta`             ``(net, delta_L) -> delta_1``               03
:func:`check_bp3`                      ``(delta_l) -> grad_b``                     04
:func:`check_bp4`                      ``(delta_l, a_prev) -> grad_w``             04
:func:`check_cross_entropy_backward`   ``(net, x, y) -> (grad_w, grad_b)``         04
:func:`check_target_change_factor`     ``(a_out, y_old, y_new) -> factor``         04
:func:`check_numerical_gradient`       ``(f, p, h) -> grad``                       05
:func:`check_gradient_verdict`         ``(g, g_num, u, near_kink, tol) -> str``    05
:func:`check_step_choice`              ``(g, noise, steps) -> h``                  05
:func:`check_update_parameter`         ``(p, grad_sum, eta, m) -> p_new``          06
:func:`check_minibatch_step`           ``(net, example_grads, eta) -> net``        06
:func:`check_edge_of_stability`        ``(H) -> 2/λ_max``                          06
:func:`check_sgd_epoch`                ``(net, x, y, cost, eta, m, rng) -> net``   07
:func:`check_update_ratio`             ``(net, grads, eta, m) -> [None, r_1..]``   07
:func:`check_sweep_choice`             ``(sweep) -> eta``                          07
:func:`check_xavier_init`              ``(n_in, n_out, rng) -> w``                 09
:func:`check_layer_shapes`             ``(sizes, m) -> [(w, b, z shapes), ...]``   00
:func:`check_seed_weighted_input`      ``(w, b, a_prev, k) -> z_k``                00
:func:`check_batch_sizes`              ``(N, m) -> [m of each update]``            00
:func:`check_forward_pass`             ``(net, x) -> (z, a)``                      01
:func:`check_weight_index`             ``(sizes, l, j, k) -> (shape, index)``      01
:func:`check_tanh_output_error`        ``(z_L, a_L, y) -> delta_L``                02
:func:`check_softmax_delta`            ``(z_L, a_L, y) -> delta_L``                08
:func:`check_softmax_delta_long`       ``(z_L, a_L, y) -> delta_L``                08
:func:`check_hidden_delta_sizes`       ``(net, x, y) -> {cost: ‖δ^1‖}``            08
:func:`check_delta_bound`              ``(net) -> bound``                          09
=====================================  ==========================================  ========

Modules: :mod:`~bpcore.feedback.engine` (Feedback, calling the learner's
function, writing the verdict), :mod:`~bpcore.feedback.slips` (the
catalogue), :mod:`~bpcore.feedback.problems` (the seeded test problems), and
the checkers by topic: :mod:`~bpcore.feedback.notation` (shapes and indices),
:mod:`~bpcore.feedback.forward` (the forward pass), :mod:`~bpcore.feedback.output_error`
(BP1), :mod:`~bpcore.feedback.equations` (BP2), :mod:`~bpcore.feedback.gradients` (BP3, BP4),
:mod:`~bpcore.feedback.backward_pass` and :mod:`~bpcore.feedback.full_backward` (whole passes),
:mod:`~bpcore.feedback.target_change` (the factor of a new target),
:mod:`~bpcore.feedback.gradient_checking` (central differences),
:mod:`~bpcore.feedback.gradient_verdicts` (a check's verdict and its step h), :mod:`~bpcore.feedback.training`,
:mod:`~bpcore.feedback.initialisation`, :mod:`~bpcore.feedback.costs`, :mod:`~bpcore.feedback.backward_pass`,
:mod:`~bpcore.feedback.curvature`.
"""

from .engine import Feedback
from .equations import check_bp2
from .forward import check_forward, check_forward_pass
from .gradients import check_bp3, check_bp4
from .output_error import check_bp1, check_cross_entropy_delta, check_tanh_output_error
from .gradient_checking import check_numerical_gradient
from .initialisation import check_xavier_init
from .notation import check_batch_sizes, check_layer_shapes, check_seed_weighted_input, check_weight_index
from .slips import SLIPS
from .training import check_sgd_epoch, check_sweep_choice, check_update_parameter, check_update_ratio
# notebooks 08 and 09
from .costs import check_hidden_delta_sizes, check_softmax_delta, check_softmax_delta_long
from .initialisation import check_delta_bound
# notebooks 03 and 06: the backward sweep, a linear chain, a minibatch step, the edge of stability
from .backward_pass import check_deltas, check_linear_delta
from .curvature import check_edge_of_stability
from .training import check_minibatch_step
# notebook 04: the whole backward pass, the factor of a new target
from .full_backward import check_cross_entropy_backward
from .target_change import check_target_change_factor

__all__ = [
    "Feedback",
    "SLIPS",
    "check_forward",
    "check_bp1",
    "check_cross_entropy_delta",
    "check_bp2",
    "check_bp3",
    "check_bp4",
    "check_numerical_gradient",
    "check_update_parameter",
    "check_sgd_epoch",
    "check_update_ratio",
    "check_sweep_choice",
    "check_xavier_init",
    # notebooks 08 and 09
    "check_softmax_delta",
    "check_softmax_delta_long",
    "check_hidden_delta_sizes",
    "check_delta_bound",
    # notebooks 03 and 06
    "check_deltas",
    "check_linear_delta",
    "check_minibatch_step",
    "check_edge_of_stability",
    # notebook 04: the whole backward pass, the factor of a new target
    "check_cross_entropy_backward",
    "check_target_change_factor",
]

# notebooks 00-02: reading the notation, the whole forward pass, a tanh output layer
__all__ += ["check_layer_shapes", "check_seed_weighted_input", "check_batch_sizes", "check_forward_pass",
            "check_weight_index", "check_tanh_output_error"]

# notebook 05: the three verdicts, choosing the step h
from .gradient_verdicts import check_gradient_verdict, check_step_choice  # noqa: E402

__all__ += ["check_gradient_verdict", "check_step_choice"]
