"""bpcore: the backpropagation equations as a small, exact numpy package.

Modules, one role each:

- ``activations`` σ and σ'(z), looked up by name
- ``costs``       C and its output error δ^L (BP1)
- ``network``     parameters w^l, b^l for l = 1..L, initialisers, forward pass
- ``backprop``    BP1–BP4 and the backward pass (matrix form and per-example loop)
- ``update``      w → w − (η/m) Σ ∂C_x/∂w
- ``curvature``   λ_max of the mean loss and the edge η = 2/λ_max
- ``gradcheck``   finite-difference checks, equation by equation
- ``resolution``  what finite differences can resolve (round-off and rounding bounds)
- ``verdicts``    agrees / wrong / cannot tell, and the report of a check
- ``datasets``    seeded toy data, examples as columns
- ``train``       minibatch SGD with a history and divergence detection

Plotting and widgets live in their own modules and import matplotlib and
ipywidgets only there.
"""

from .activations import ACTIVATIONS, get_activation
from .backprop import (
    Gradients,
    backpropagate_error,
    backward,
    backward_loop,
    bias_gradient,
    output_error,
    weight_gradient,
)
from .costs import COSTS, get_cost
from .gradcheck import check_backward, check_equations, check_update_step
from .network import Network, forward, init_network, predict
from .train import History, accuracy, mean_cost, predict_labels, train
from .update import update, update_parameter

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS", "COSTS", "Gradients", "History", "Network",
    "accuracy", "backpropagate_error", "backward", "backward_loop", "bias_gradient",
    "check_backward", "check_equations", "check_update_step", "forward", "get_activation",
    "get_cost", "init_network", "mean_cost", "output_error", "predict", "predict_labels",
    "train", "update", "update_parameter", "weight_gradient",
]
