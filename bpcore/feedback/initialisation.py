"""Checker for Xavier (Glorot) initialisation: the shape, the mean, the spread, the seed.

Random weights cannot be compared element by element, so the learner's w is
judged by its statistics on two large layers; the scales of the usual slips
(the variance as the standard deviation, LeCun's, He's, unscaled) are slip
variants like any other.
"""

from __future__ import annotations

import numpy as np

from ..network import init_scale
from .engine import Case, Feedback, Spec, as_arrays, call, failed, fmt_shape, passed, recognise
from .slips import Slip

__all__ = ["check_xavier_init"]

LAYERS = ((300, 300), (500, 200))  # (n_in, n_out)
SEED = 91
STD_RTOL = 0.05  # a standard deviation within 5 % of the target passes
MEAN_SE = 6      # a mean within 6 standard errors of 0 passes

XAVIER_INIT = Spec(
    checker="check_xavier_init", equation="Xavier init",
    formula="w^l ~ N(0, 2/(n_{l-1} + n_l)), shape (n_l, n_{l-1})",
    notebook="09_initialisation_and_depth.ipynb", reference="bpcore.network.init_scale('xavier', n_in, n_out)",
    arg_names=("n_in", "n_out", "rng"), out_names=("w",), out_shapes=("(n_out, n_in)",))

# A variant gives the standard deviation the slip would produce; case.args is (n_in, n_out).
XAVIER_INIT_SLIPS = [
    Slip(id="variance_as_std", variant=lambda c: 2 / (c.args[0] + c.args[1]),
         explain="Your standard deviation is 2/(n_in + n_out), the variance. N(0, σ²) has standard "
                 "deviation σ: use np.sqrt(2 / (n_in + n_out))."),
    Slip(id="lecun_scale", variant=lambda c: init_scale("lecun", *c.args),
         explain="Your standard deviation is √(1/n_in), LeCun's scale (the same as Xavier's only when "
                 "n_in = n_out). Xavier averages fan-in and fan-out: √(2/(n_in + n_out))."),
    Slip(id="he_scale", variant=lambda c: init_scale("he", *c.args),
         explain="Your standard deviation is √(2/n_in), He's scale (made for ReLU). Xavier uses "
                 "√(2/(n_in + n_out))."),
    Slip(id="unit_normal", variant=lambda c: init_scale("normal", *c.args),
         explain="Your weights have standard deviation 1 (unscaled N(0, 1)). Multiply by "
                 "√(2/(n_in + n_out))."),
]


def _draw_twice(fn, case: Case):
    """w drawn twice with generators from the same seed, or the Feedback that ends the check."""
    draws = []
    for _ in range(2):
        args = (*case.args, np.random.default_rng(SEED))
        w, problem = call(fn, XAVIER_INIT, args, where=f"for {case.label}")
        if problem is None:
            w, problem = as_arrays(w, XAVIER_INIT)
        if problem is not None:
            return None, problem
        draws.append(w[0])
    return draws, None


def _layer_problem(case: Case, w, w_again):
    """The Feedback on one layer's shape, values, seed use or mean; None if they are right."""
    n_in, n_out = case.args
    if w.shape != (n_out, n_in):
        transposed = w.shape == (n_in, n_out)
        why = (" w^l has one row per neuron of layer l (j) and one column per neuron of layer l−1 (k), "
               "so that z^l = w^l a^{l-1}.") if transposed else ""
        return failed(XAVIER_INIT, "transposed_shape" if transposed else "wrong_shape",
                      f"For {case.label} your w has shape {fmt_shape(w.shape)}; expected (n_out, n_in) = "
                      f"{fmt_shape((n_out, n_in))}.{why}")
    if not np.all(np.isfinite(w)):
        return failed(XAVIER_INIT, "wrong_values", f"For {case.label} your w contains NaN or inf.")
    if not np.array_equal(w, w_again):
        return failed(XAVIER_INIT, "ignores_rng",
                      "Called twice with the same seed, your function returned different weights: "
                      "draw from the rng passed in (rng.standard_normal or rng.normal), never "
                      "np.random, so that the same seed always gives the same network.")
    if abs(float(w.mean())) > MEAN_SE * case.expected[0] / np.sqrt(w.size):
        return failed(XAVIER_INIT, "nonzero_mean",
                      f"For {case.label} your weights have mean {float(w.mean()):.3g}; they should be "
                      "centred at 0 (e.g. rng.normal(0.0, std, size) or rng.standard_normal(...) * std).")
    return None


def check_xavier_init(fn) -> Feedback:
    """Check Xavier (Glorot) initialisation: w^l ~ N(0, 2/(n_{l-1} + n_l)), shape (n_l, n_{l-1}).

    Parameters
    ----------
    fn : callable ``fn(n_in, n_out, rng) -> w``
        n_in = n_{l-1}, n_out = n_l, rng : numpy.random.Generator (the only
        source of randomness). Returns w of shape (n_out, n_in) with mean 0
        and variance 2/(n_in + n_out). (Glorot's uniform version, U(−r, r)
        with r = √(6/(n_in + n_out)), has the same variance and passes too.)

    Returns
    -------
    Feedback
        Checked on layers 300 → 300 and 500 → 200: the shape, a mean within 6
        standard errors of 0, a standard deviation within 5 % of
        √(2/(n_in + n_out)) (:func:`bpcore.network.init_scale`, the scale
        :func:`bpcore.network.init_network` uses for ``init="xavier"``), and
        that the same seed gives the same weights.

    Taught in ``notebooks/09_initialisation_and_depth.ipynb``.
    """
    measured = []
    for n_in, n_out in LAYERS:
        case = Case(label=f"n_in = {n_in}, n_out = {n_out}", args=(n_in, n_out),
                    expected=(float(init_scale("xavier", n_in, n_out)),))
        draws, problem = _draw_twice(fn, case)
        if problem is None:
            problem = _layer_problem(case, *draws)
        if problem is not None:
            return problem
        measured.append(Case(label=case.label, args=case.args, expected=case.expected,
                             extra={"std": float(draws[0].std())}))

    def std_is(c, std):
        return abs(c.extra["std"] / std - 1) < STD_RTOL

    if all(std_is(c, c.expected[0]) for c in measured):
        return passed(XAVIER_INIT, "Your weights have the shape (n_out, n_in), mean ≈ 0 and a standard "
                      "deviation within 5 % of √(2/(n_in + n_out)) for layers 300 → 300 and 500 → 200, and "
                      "the same seed gives the same weights.")
    slip = recognise(XAVIER_INIT_SLIPS, measured, std_is)
    if slip is not None:
        return failed(XAVIER_INIT, slip.id, slip.explain)
    off = next(c for c in measured if not std_is(c, c.expected[0]))
    return failed(XAVIER_INIT, "wrong_std",
                  f"For {off.label} your weights have standard deviation {off.extra['std']:.3g}; expected "
                  f"√(2/(n_in + n_out)) = {off.expected[0]:.3g}.")
