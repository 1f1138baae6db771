"""The slip catalogue: every mistake a checker can name, and the Slip a checker lists it with.

A :class:`~bpcore.feedback.engine.Feedback` carries one of the keys of
:data:`SLIPS` in ``.slip``. A checker lists the slips it recognises as
:class:`Slip` variants (the answer with the slip made), next to the checker in its
topic module: :mod:`~bpcore.feedback.notation`, :mod:`~bpcore.feedback.forward`,
:mod:`~bpcore.feedback.output_error`, :mod:`~bpcore.feedback.equations`,
:mod:`~bpcore.feedback.gradients`, :mod:`~bpcore.feedback.backward_pass`,
:mod:`~bpcore.feedback.full_backward`, :mod:`~bpcore.feedback.target_change`,
:mod:`~bpcore.feedback.gradient_checking`,
:mod:`~bpcore.feedback.gradient_verdicts`,
:mod:`~bpcore.feedback.training`, :mod:`~bpcore.feedback.curvature`,
:mod:`~bpcore.feedback.initialisation` and :mod:`~bpcore.feedback.costs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

__all__ = ["SLIPS", "Slip"]

#: Slip id → what the learner did.
SLIPS = {
    "not_callable": "the checker was given something other than a function",
    "not_implemented": "the exercise stub still raises NotImplementedError",
    "returned_none": "the function returned None (a missing return)",
    "wrong_type": "the function returned something that is not an array (or not the pair asked for)",
    "exception": "the function raised an exception",
    "shape_mismatch": "a matrix product or broadcast failed on the shapes (often a missing transpose)",
    "wrong_shape": "the result has the wrong shape",
    "wrong_values": "the result has the right shape but wrong values",
    "wrong_scale": "the result is a constant multiple of the correct one",
    "sigma_prime_of_a": "σ'(a) in place of σ'(z)",
    "derivative_form_on_z": "the derivative written in terms of a, a(1 − a), applied to z",
    "sigma_not_prime": "σ(z) in place of σ'(z)",
    "missing_sigma_prime": "the factor σ'(z) forgotten",
    "kept_sigma_prime": "σ'(z^L) kept although it cancels for cross-entropy with a sigmoid output",
    "derivative_wrt_a": "∂C/∂a^L returned in place of δ^L = ∂C/∂z^L",
    "missing_transpose": "w instead of w^T (or a^{l-1} instead of (a^{l-1})^T)",
    "extra_transpose": "w^T where w belongs",
    "wrong_transpose": "the transpose put on the wrong factor",
    "transposed_result": "the result is the transpose of the correct one",
    "reversed_order": "a^{l-1} (δ^l)^T instead of δ^l (a^{l-1})^T",
    "matmul_not_hadamard": "a matrix product @ where ⊙ (elementwise *) belongs",
    "hadamard_not_outer": "an elementwise product where the outer product δ (a)^T belongs",
    "wrong_sign": "the sign flipped (e.g. y − a instead of a − y)",
    "factor_two": "C'(a) = 2(a − y) although C = ½‖a − y‖²",
    "divided_by_m": "δ divided by m (δ is per example; the 1/m belongs to the update)",
    "mean_instead_of_sum": "the mean over the batch instead of the sum",
    "missing_keepdims": "sum over the batch without keepdims: shape (n_l,) instead of (n_l, 1)",
    "wrong_axis": "summed over the neurons (axis 0) instead of the examples (axis 1)",
    "no_sum": "the per-example values returned without summing over the batch",
    "sum_all": "everything summed into one number",
    "one_example": "only the first example (column) used",
    "swapped_outputs": "(a, z) returned instead of (z, a)",
    "missing_bias": "the bias b^l left out",
    "bias_as_row": "the bias flattened to shape (n_l,), so it is added along rows",
    "missing_activation": "σ not applied: a = z",
    "ignores_sigma": "a fixed activation used instead of the sigma passed in",
    "missing_1_over_m": "the 1/m left out of η/m",
    "eta_times_m": "η·m instead of η/m",
    "missing_eta": "the learning rate η left out",
    "m_over_eta": "m/η instead of η/m",
    "returned_step": "the step (η/m)·Σ∂C/∂p returned instead of the new parameter",
    "forward_difference": "a forward difference (f(p + h) − f(p))/h instead of a central one",
    "backward_difference": "a backward difference (f(p) − f(p − h))/h instead of a central one",
    "missing_factor_2": "divided by h instead of 2h",
    "perturbed_all_at_once": "every element perturbed at once instead of one at a time",
    "perturbation_not_seen": "a perturbed copy made, but f() reads p itself, so it never saw the change",
    "p_not_restored": "p not restored after perturbing it",
    "transposed_shape": "w of shape (n_in, n_out) instead of (n_out, n_in)",
    "variance_as_std": "2/(n_in + n_out) used as the standard deviation instead of the variance",
    "lecun_scale": "LeCun's √(1/n_in) instead of Xavier's √(2/(n_in + n_out))",
    "he_scale": "He's √(2/n_in) instead of Xavier's √(2/(n_in + n_out))",
    "unit_normal": "unscaled N(0, 1) weights",
    "wrong_std": "the spread of the weights is wrong",
    "nonzero_mean": "the weights are not centred at 0",
    "ignores_rng": "the rng passed in is not used, so the same seed gives different weights",
    "no_shuffle": "the examples taken in their stored order, never shuffled",
    # notebooks 08 and 09: the softmax output error, saturated hidden units, the depth bound
    "softmax_elementwise": "softmax treated as elementwise: only the Jacobian's diagonal a(1 − a) used",
    "sigmoid_prime_for_softmax": "the sigmoid's σ'(z) used for a softmax output",
    "used_sum_to_one": "the shortcut a − y used where the target columns do not sum to 1",
    "jacobian_diag_only": "the softmax Jacobian without its −a a^T term",
    "jacobian_outer_only": "the softmax Jacobian without its diagonal term diag(a)",
    "jacobian_sign": "diag(a) + a a^T instead of diag(a) − a a^T",
    "jacobian_of_z": "the softmax Jacobian built from z instead of a",
    "overwrote_in_loop": "a loop over the examples that overwrote its result, keeping the last column",
    "output_layer_delta": "the output layer's δ^L measured instead of a hidden layer's δ^l",
    "squared_norm": "a squared norm (a sum of squares without the square root)",
    "norm_per_example": "the mean of per-example norms instead of the norm of the whole array",
    "swapped_costs": "the values of the two costs swapped",
    "one_cost_twice": "the same cost used for both values",
    "weights_left_out": "the bound 4^{−(L−1)} without the weights' norms",
    "first_layer_included": "‖w^1‖ included, although δ^1 is computed from w^2 onwards",
    "exponent_off_by_one": "the power of 1/4 off by one (one factor σ' per hidden layer, L − 1 in all)",
    "sum_not_product": "the norms added instead of multiplied",
    "spectral_norm": "the spectral norm (largest singular value) instead of the Frobenius norm",
    # -- the backward sweep and a linear chain (notebook 03)
    "not_indexed_by_layer": "the list of δ^l lacks the empty slot 0, so delta[l] is not δ^l",
    "stopped_early": "the backward loop stopped before layer 1",
    "sigma_prime_of_next_layer": "σ'(z^{l+1}) in place of σ'(z^l)",
    "reversed_product": "the transposed weight matrices multiplied in the reverse order",
    "extra_layer": "one weight matrix too many in the product (w^1 included)",
    # -- the update rule, a minibatch step, the edge of stability (notebook 06)
    "changed_in_place": "an argument changed in place (e.g. with -=), so the caller's array changed too",
    "overwrote_instead_of_adding": "the loop overwrote its running sum instead of adding to it",
    "divided_by_m_twice": "the sum divided by m twice (averaged first, then η/m)",
    "missing_bias_update": "the biases left unchanged: only the weights updated",
    "unchanged_network": "the network returned unchanged",
    "edge_from_smallest": "2/λ_min (the flattest direction) instead of 2/λ_max",
    "one_over_lambda": "1/λ_max (one step to the minimum) instead of the edge 2/λ_max",
    "diagonal_as_eigenvalues": "the diagonal entries of H taken for its eigenvalues",
    # ---- notebooks 00-02: shapes and indices, the whole forward pass, a tanh output layer
    "bias_shape": "b^l given a shape other than the column (n_l, 1)",
    "examples_as_rows": "the examples as rows, (m, n_l), instead of columns, (n_l, m)",
    "wrong_layers": "the list runs over the wrong layers (the input layer 0 included, or layer L left out)",
    "column_not_row": "the seed's w^L_kj read from column k instead of row k",
    "whole_layer": "the whole layer's weighted inputs returned instead of one neuron's",
    "products_not_summed": "the products w_kj a_j returned without adding them up",
    "dropped_remainder": "the last, smaller minibatch left out",
    "last_batch_full_size": "the last, smaller minibatch counted as m examples",
    "swapped_count": "m minibatches of N/m examples instead of N/m minibatches of m",
    "one_based_in_code": "the maths indices (from 1) used as numpy indices (from 0)",
    "swapped_indices": "the index (k, j) in place of (j, k)",
    "from_to_order": "w^l_jk read as 'from j to k': shape (n_{l-1}, n_l) and index (k, j)",
    "layer_off_by_one": "the sizes of layers l + 1 and l used for layer l",
    "not_indexed_like_layers": "the lists not indexed like the layers (z[0] = None and a[0] = x missing)",
    "wrong_layer_activation": "one layer's activation used at another layer",
    "other_activation_prime": "the derivative of another activation (the sigmoid's) used",
    "tanh_form_on_z": "tanh'(z) written as 1 − a² but given z: 1 − z²",
    "missing_square": "1 − tanh(z) in place of 1 − tanh²(z)",
    # notebook 04: the whole backward pass
    "a_l_for_a_prev": "a^l used in BP4 where a^{l-1} belongs",
    "swapped_gradients": "(grad_b, grad_w) returned instead of (grad_w, grad_b)",
    # notebook 04: the factor of a new target
    "inverted_ratio": "the factor inverted: it takes the gradients for the new target back to the old one's",
    "difference_not_ratio": "a difference (of the targets or the output errors) where the gradients change by a factor",
    "hard_wired_targets": "a factor that holds only for section 5's targets, y_old = 1 and y_new = 0",
    "absolute_factor": "the size of the factor without its sign",
    "extra_sigma_prime": "σ'(z^L) kept in the factor, where it cancels",
    "new_error_only": "the new target's output error alone, not compared with the old one's",
    # ---- notebook 05: restoring p when f fails, the three verdicts, choosing the step h
    "p_not_restored_on_error": "p left perturbed when f raised (no finally)",
    "exception_swallowed": "f's error caught and hidden instead of passed on",
    "relative_error_only": "the relative-error rule alone, without the resolution of the finite differences",
    "no_cannot_tell": "only the verdicts agrees and wrong, never cannot tell",
    "size_test_missing": "the gradient's size never compared with its resolution",
    "kink_ignored": "a difference near a kink called wrong",
    "resolution_left_out": "the allowed difference without u, the finite differences' own error",
    "tol_left_out": "the allowed difference without its tol floor",
    "undecided_before_wrong": "the size tested before the differences, so a small wrong gradient is cannot tell",
    "norm_not_elementwise": "norms compared instead of every element",
    "roundoff_ignored": "the step chosen from the measured truncation alone, without the round-off ε·S/h",
    "truncation_ignored": "the step chosen from the round-off alone, so always the largest",
    "smallest_step": "the smallest step chosen, as if a smaller h were always more accurate",
    "returned_error_not_step": "the smallest estimated error returned instead of its step h",
    # training (notebook 07): one epoch of SGD, the update/weight ratio
    "one_full_batch_step": "one step on all N columns at once instead of one step per block of m",
    "not_divided_by_weights": "the size of the step, not divided by the size of the weights",
    "shuffled_every_block": "a new shuffle drawn for every block instead of one per epoch",
    # the learning-rate sweep (notebook 07): which η to recommend
    "chose_by_training_loss": "η chosen by the training loss instead of the held-out loss",
    "kept_failed_runs": "η chosen among all runs, the diverged and risen ones included",
    "kept_risen_runs": "η chosen among runs that did not diverge, one that ended above its start included",
    "largest_good_eta": "the largest η that did not fail, whatever its held-out loss",
    "highest_loss": "the η with the highest loss instead of the lowest",
    "returned_index": "the position of the η in the sweep returned instead of the η itself",
}


@dataclass(frozen=True, kw_only=True)
class Slip:
    """A common mistake: ``variant(case)`` is the answer with the slip made; ``explain`` says so.

    ``id`` must be a key of :data:`SLIPS`.
    """

    id: str
    variant: Callable
    explain: str

    def __post_init__(self):
        if self.id not in SLIPS:
            raise ValueError(f"slip id {self.id!r} is not in the catalogue bpcore.feedback.SLIPS")
