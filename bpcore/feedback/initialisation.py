"""Checkers for notebook 09 (initialisation and depth): Xavier initialisation, and a bound on δ^1.

:func:`check_xavier_init`: random weights cannot be compared element by
element, so the learner's w is judged by its statistics on two large layers;
the scales of the usual slips (the variance as the standard deviation, LeCun's,
He's, unscaled) are slip variants like any other.

:func:`check_delta_bound`: the bound ‖δ^1‖ ≤ 4^{−(L−1)} ‖w^2‖_F ⋯ ‖w^L‖_F ‖δ^L‖ of
a sigmoid network, from BP2, σ' ≤ 1/4 and the Cauchy–Schwarz inequality.
"""

from __future__ import annotations

import numpy as np

from ..backprop import backward
from ..network import init_network, init_scale
from .engine import Case, Feedback, Spec, as_arrays, call, check, failed, fmt_shape, passed, recognise
from .slips import Slip

__all__ = ["check_xavier_init", "check_delta_bound"]

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
         explain="Your standard deviation is 2/(n_in + n_out), the variance. N(0, σ²) has variance σ² "
                 "and standard deviation σ, the square root of the variance."),
    Slip(id="lecun_scale", variant=lambda c: init_scale("lecun", *c.args),
         explain="Your standard deviation is √(1/n_in), LeCun's scale (the same as Xavier's only when "
                 "n_in = n_out). Xavier averages fan-in and fan-out: √(2/(n_in + n_out))."),
    Slip(id="he_scale", variant=lambda c: init_scale("he", *c.args),
         explain="Your standard deviation is √(2/n_in), He's scale (made for ReLU). Xavier uses "
                 "√(2/(n_in + n_out))."),
    Slip(id="unit_normal", variant=lambda c: init_scale("normal", *c.args),
         explain="Your weights have standard deviation 1 (unscaled N(0, 1)). Xavier's weights have "
                 "standard deviation √(2/(n_in + n_out)), so a standard normal draw needs scaling."),
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
                      "draw every number from the generator passed in as rng, never from numpy's "
                      "global random functions, so that the same seed always gives the same network.")
    if abs(float(w.mean())) > MEAN_SE * case.expected[0] / np.sqrt(w.size):
        return failed(XAVIER_INIT, "nonzero_mean",
                      f"For {case.label} your weights have mean {float(w.mean()):.3g}; they should be "
                      "centred at 0: a normal distribution with mean 0, or uniform on an interval "
                      "symmetric about 0.")
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


# --------------------------------------------------------------------------- the bound on δ^1 (09)

DELTA_BOUND = Spec(
    checker="check_delta_bound", equation="Bound on δ^1",
    formula="‖δ^1‖ ≤ B ‖δ^L‖, the one-layer bound ‖δ^l‖ ≤ ¼ ‖w^{l+1}‖_F ‖δ^{l+1}‖ chained from δ^L down to δ^1",
    notebook="09_initialisation_and_depth.ipynb",
    reference="bpcore's chained bound B",
    arg_names=("net",), out_names=("bound",), out_shapes=("one number",))

BOUND_NETWORKS = (((2, 16, 1), "normal"), ((3, 5, 4, 2), "lecun"), ((2, 8, 8, 8, 1), "xavier"))
BOUND_SEED = 91
BOUND_M = 6


def _frobenius(w) -> float:
    return float(np.sqrt(np.sum(w * w)))


def _bound_with(c, *, power=0, norm=_frobenius, first=2, combine=np.prod, quarter=0.25):
    """The bound with a slip made: the power of 1/4 shifted, another norm, layers from ``first``, ..."""
    net = c.args[0]
    norms = [norm(net.w[l]) for l in range(first, net.L + 1)]
    return np.asarray(quarter ** (net.L - 1 + power) * float(combine(norms)))


def _bound_cases() -> list:
    """Three seeded sigmoid networks (L = 2, 3, 4), with ‖δ^1‖/‖δ^L‖ measured on a batch of 6."""
    cases = []
    for n, (sizes, init) in enumerate(BOUND_NETWORKS):
        rng = np.random.default_rng(BOUND_SEED + n)
        net = init_network(sizes, rng, init=init, hidden="sigmoid", output="sigmoid")
        x = rng.standard_normal((sizes[0], BOUND_M))
        y = rng.integers(0, 2, size=(sizes[-1], BOUND_M)).astype(np.float64)
        delta = backward(net, x, y, "cross_entropy").delta
        bound = 0.25 ** (net.L - 1) * np.prod([_frobenius(net.w[l]) for l in range(2, net.L + 1)])
        cases.append(Case(label=f"sizes {list(sizes)}, init={init!r}", args=(net,), expected=(np.asarray(bound),),
                          extra={"ratio": float(np.linalg.norm(delta[1]) / np.linalg.norm(delta[net.L]))}))
    return cases


DELTA_BOUND_SLIPS = [
    Slip(id="weights_left_out", variant=lambda c: np.asarray(0.25 ** (c.args[0].L - 1)),
         explain="Your bound is 4^{−(L−1)} alone. σ' ≤ 1/4 bounds only the factor ⊙ σ'(z^l) of BP2; the "
                 "weights multiply in too, through (w^{l+1})^T, and their norms can exceed 1."),
    Slip(id="first_layer_included", variant=lambda c: _bound_with(c, first=1),
         explain="Your product includes ‖w^1‖_F. δ^1 is computed by BP2 from w^2, ..., w^L; the first "
                 "layer's weights w^1 never multiply δ on the way down."),
    Slip(id="exponent_off_by_one", variant=lambda c: _bound_with(c, power=1),
         explain="Your power of 1/4 is L. BP2 multiplies by σ'(z^l) once per hidden layer, l = 1, ..., L − 1: "
                 "that is L − 1 factors (δ^L itself is given)."),
    Slip(id="exponent_off_by_one", variant=lambda c: _bound_with(c, power=-1),
         explain="Your power of 1/4 is L − 2. BP2 multiplies by σ'(z^l) once per hidden layer, "
                 "l = 1, ..., L − 1: that is L − 1 factors."),
    Slip(id="squared_norm", variant=lambda c: _bound_with(c, norm=lambda w: np.sum(w * w)),
         explain="Your bound uses ‖w^l‖_F², the sum of squares without its square root."),
    Slip(id="sum_not_product", variant=lambda c: _bound_with(c, combine=np.sum),
         explain="Your bound adds the norms ‖w^l‖_F. Each layer multiplies δ by its own factor, so the "
                 "factors multiply: a product over l = 2, ..., L."),
    Slip(id="spectral_norm", variant=lambda c: _bound_with(c, norm=lambda w: np.linalg.norm(w, 2)),
         explain="Your bound uses the spectral norm (the largest singular value). That is a valid, tighter "
                 "bound, but not the one derived in section 3, which uses the Frobenius norm "
                 "‖w‖_F = √(Σ_j Σ_k w_jk²)."),
    Slip(id="missing_sigma_prime", variant=lambda c: _bound_with(c, quarter=1.0),
         explain="Your bound has no factor 1/4: it is the product of the weights' norms alone. Each sigmoid "
                 "layer also multiplies by σ'(z^l) ≤ 1/4."),
]


def check_delta_bound(fn) -> Feedback:
    """Check the bound on a sigmoid network's first-layer error: ‖δ^1‖ ≤ B ‖δ^L‖.

    From BP2, δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l) with 0 < σ'(z) ≤ 1/4, and
    ‖(w^{l+1})^T δ‖ ≤ ‖w^{l+1}‖_F ‖δ‖ (Cauchy–Schwarz, row by row), so
    B = 4^{−(L−1)} Π_{l=2}^{L} ‖w^l‖_F with the Frobenius norm ‖w‖_F = √(Σ_jk w_jk²).

    Parameters
    ----------
    fn : callable ``fn(net) -> bound``
        net : a Network whose hidden layers are sigmoid (w^l of shape
        (n_l, n_{l-1})). Returns B, one number.

    Returns
    -------
    Feedback
        Compared with 4^{−(L−1)} Π ‖w^l‖_F on three seeded sigmoid networks
        (L = 2, 3, 4); the pass message also says how the measured
        ‖δ^1‖/‖δ^L‖ on a batch of 6 compares with the bound and with
        4^{−(L−1)} alone.

    Taught in ``notebooks/09_initialisation_and_depth.ipynb``.
    """
    cases = _bound_cases()
    result = check(fn, DELTA_BOUND, cases, DELTA_BOUND_SLIPS)
    if not result.passed:
        return result
    below = sum(c.extra["ratio"] <= float(c.expected[0]) for c in cases)
    beyond = sum(c.extra["ratio"] > 0.25 ** (c.args[0].L - 1) for c in cases)
    return passed(DELTA_BOUND, *result.message.splitlines()[1:],
                  f"Measured on a batch of {BOUND_M} examples, ‖δ^1‖/‖δ^L‖ is below your bound on "
                  f"{below} of the {len(cases)} networks, and above 4^{{−(L−1)}} alone on {beyond} of them.")
