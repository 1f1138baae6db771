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
:func:`check_bp3`                      ``(delta_l) -> grad_b``                     04
:func:`check_bp4`                      ``(delta_l, a_prev) -> grad_w``             04
:func:`check_cross_entropy_backward`   ``(net, x, y) -> (grad_w, grad_b)``         04
:func:`check_numerical_gradient`       ``(f, p, h) -> grad``                       05
:func:`check_update_parameter`         ``(p, grad_sum, eta, m) -> p_new``          06
:func:`check_sgd_epoch`                ``(net, x, y, cost, eta, m, rng) -> net``   07
:func:`check_update_ratio`             ``(net, grads, eta, m) -> [None, r_1..]``   07
:func:`check_xavier_init`              ``(n_in, n_out, rng) -> w``                 09
:func:`check_softmax_delta`            ``(z_L, a_L, y) -> delta_L``                08
:func:`check_softmax_delta_long`       ``(z_L, a_L, y) -> delta_L``                08
:func:`check_hidden_delta_sizes`       ``(net, x, y) -> {cost: ‖δ^1‖}``            08
:func:`check_delta_bound`              ``(net) -> bound``                          09
=====================================  ==========================================  ========

Modules: :mod:`~bpcore.feedback.engine` (Feedback, calling the learner's
function, writing the verdict), :mod:`~bpcore.feedback.slips` (the
catalogue), :mod:`~bpcore.feedback.problems` (the seeded test problems), and
the checkers by topic: :mod:`~bpcore.feedback.equations`, :mod:`~bpcore.feedback.gradients`,
:mod:`~bpcore.feedback.backward_pass`,
:mod:`~bpcore.feedback.gradient_checking`, :mod:`~bpcore.feedback.training`,
:mod:`~bpcore.feedback.initialisation`, :mod:`~bpcore.feedback.costs`.
"""

from .engine import Feedback
from .equations import check_bp1, check_bp2, check_cross_entropy_delta, check_forward
from .gradients import check_bp3, check_bp4
from .gradient_checking import check_numerical_gradient
from .initialisation import check_xavier_init
from .slips import SLIPS
from .training import check_sgd_epoch, check_update_parameter, check_update_ratio
# notebooks 08 and 09
from .costs import check_hidden_delta_sizes, check_softmax_delta, check_softmax_delta_long
from .initialisation import check_delta_bound
# notebook 04: the whole backward pass
from .backward_pass import check_cross_entropy_backward

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
    "check_xavier_init",
    # notebooks 08 and 09
    "check_softmax_delta",
    "check_softmax_delta_long",
    "check_hidden_delta_sizes",
    "check_delta_bound",
    # notebook 04: the whole backward pass
    "check_cross_entropy_backward",
]
