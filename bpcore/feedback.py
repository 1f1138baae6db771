"""Exercise feedback: run a learner's function, say which equation is wrong and why.

Every ``check_*`` function takes the learner's function (not its result), calls
it on small seeded test cases (a square and a non-square layer, m ≥ 2
examples), and compares what comes back with bpcore's own implementation, the
one reference. Where a derivative is involved, the reference is also confirmed
against finite differences (:mod:`bpcore.gradcheck`).

When the result is wrong, the checker recomputes the equation with each common
slip deliberately made (σ'(a) for σ'(z), a missing transpose, a wrong sign, a
wrong η/m scale, a mean for a sum, ...) and, if the learner's result equals one
of them in every test case, names it. A function that raises, returns ``None``
or returns the wrong shape gets a plain message; no traceback reaches the
learner.

Each checker returns a :class:`Feedback`: ``.passed``, ``.equation``, ``.slip``
(an id from :data:`SLIPS`, or None) and ``.message``, which is also what
``print(feedback)`` and Jupyter show. Messages are deterministic (fixed seeds,
rounded numbers), so a notebook that prints one passes strict nbval.

=====================================  ==================================  ========
checker                                learner's function                  notebook
=====================================  ==================================  ========
:func:`check_forward`                  ``(w, b, a_prev, sigma) -> (z, a)``  01
:func:`check_bp1`                      ``(z_L, a_L, y) -> delta_L``         02
:func:`check_cross_entropy_delta`      ``(z_L, a_L, y) -> delta_L``         02, 08
:func:`check_bp2`                      ``(w_next, delta_next, z_l)``        03
:func:`check_bp3`                      ``(delta_l) -> grad_b``              04
:func:`check_bp4`                      ``(delta_l, a_prev) -> grad_w``      04
:func:`check_numerical_gradient`       ``(f, p, h) -> grad``                05
:func:`check_update_parameter`                   ``(p, grad_sum, eta, m) -> p_new``   06
:func:`check_xavier_init`              ``(n_in, n_out, rng) -> w``          09
=====================================  ==================================  ========
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .activations import get_activation, sigmoid, sigmoid_prime
from .backprop import backward, backpropagate_error, bias_gradient, output_error, weight_gradient
from .costs import CrossEntropyCost, QuadraticCost
from .gradcheck import cost_from_z, numerical_gradient, relative_error, total_cost
from .network import Network, forward, init_network, init_scale
from .update import update_parameter

__all__ = [
    "Feedback",
    "SLIPS",
    "check_forward",
    "check_bp1",
    "check_bp2",
    "check_bp3",
    "check_bp4",
    "check_update_parameter",
    "check_numerical_gradient",
    "check_cross_entropy_delta",
    "check_xavier_init",
]

#: Every slip a checker can name, with a one-line description.
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
}

RTOL = 1e-6
ATOL = 1e-9
FD_TOL = 1e-6


@dataclass(frozen=True)
class Feedback:
    """The verdict on one exercise.

    Attributes
    ----------
    passed : bool
    equation : str
        The equation checked, e.g. "BP2".
    message : str
        What to tell the learner; ``str(feedback)`` and Jupyter show it.
    slip : str or None
        The recognised mistake, a key of :data:`SLIPS` (None when passed, or
        when the mistake is not one we know).
    """

    passed: bool
    equation: str
    message: str
    slip: Optional[str] = None

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"Feedback(passed={self.passed}, equation={self.equation!r}, slip={self.slip!r})"

    def _repr_pretty_(self, p, cycle) -> None:  # IPython / Jupyter: show the message
        p.text(self.message)


# --------------------------------------------------------------------------- engine


@dataclass
class _Case:
    """One test case: the learner's arguments and bpcore's answer."""

    label: str
    args: tuple
    expected: tuple                      # bpcore's outputs (arrays)
    numeric: Optional[np.ndarray] = None  # finite differences of the first output
    extra: dict = field(default_factory=dict)


@dataclass
class _Slip:
    id: str
    variant: Callable  # _Case -> tuple of arrays, computed with the slip; may raise
    explain: str


@dataclass
class _Spec:
    equation: str
    formula: str
    reference: str
    notebook: str
    checker: str
    arg_names: tuple
    out_names: tuple
    out_shapes: tuple  # words, e.g. "(n_l, m): one column per example"
    cases: list
    slips: list
    shape_hint: str
    fd_what: str = ""
    copy_args: bool = True
    after_call: Optional[Callable] = None  # (case) -> Feedback-making str or None


@dataclass
class _Run:
    outs: Optional[tuple] = None
    exc: Optional[BaseException] = None


def _quiet_call(fn, *args):
    """Call fn(*args) with numpy warnings silenced; return (result, exception)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                return fn(*args), None
            except Exception as exc:  # the learner's code is arbitrary
                return None, exc


def _copy(x):
    return x.copy() if isinstance(x, np.ndarray) else x


def _fmt_shape(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _fmt_exc(exc: BaseException) -> str:
    text = str(exc).strip().replace("\n", " ")
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _is_shape_error(exc: BaseException) -> bool:
    if not isinstance(exc, ValueError):
        return False
    text = str(exc).lower()
    return any(s in text for s in ("matmul", "shape", "broadcast", "aligned", "dimension"))


def _as_array(x):
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind not in "fiub":
        raise TypeError(type(x).__name__)
    return arr.astype(np.float64)


def _close(got: tuple, want: tuple) -> bool:
    for g, w in zip(got, want):
        if g.shape != w.shape or not np.all(np.isfinite(g)):
            return False
        if not np.allclose(g, w, rtol=RTOL, atol=ATOL):
            return False
    return True


def _variant(slip: _Slip, case: _Case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                out = slip.variant(case)
            except Exception:
                return None
    out = out if isinstance(out, tuple) else (out,)
    return tuple(np.asarray(o, dtype=np.float64) for o in out)


def _slip_matches(slip: _Slip, runs: list, cases: list) -> bool:
    """The learner's result equals the slipped formula in every case (raising where it raises)."""
    differs = value_match = False
    for run, case in zip(runs, cases):
        v = _variant(slip, case)
        if run.exc is not None:
            if v is not None:
                return False
            differs = True
        else:
            if v is None or not _close(run.outs, v):
                return False
            value_match = True
            if not _close(v, case.expected):
                differs = True
    return differs and value_match


def _head_fail(spec: _Spec) -> str:
    return f"✗ {spec.equation}: {spec.formula} — not right yet."


def _foot(spec: _Spec) -> str:
    return f"(Taught in {spec.notebook}.)"


def _fail(spec, slip, *lines) -> Feedback:
    text = "\n".join([_head_fail(spec), *[l for l in lines if l], _foot(spec)])
    return Feedback(False, spec.equation, text, slip)


def _args_desc(spec: _Spec, case: _Case) -> str:
    parts = []
    for name, arg in zip(spec.arg_names, case.args):
        if isinstance(arg, np.ndarray):
            parts.append(f"{name} {_fmt_shape(arg.shape)}")
        elif isinstance(arg, (int, float)) and not isinstance(arg, bool):
            parts.append(f"{name} = {arg:g}")
    return ", ".join(parts)


def _not_callable(checker: str, equation: str, fn) -> Feedback:
    return Feedback(
        False, equation,
        f"✗ {equation}: {checker} needs your function itself, e.g. {checker}(my_function), "
        f"not the result of calling it; got a {type(fn).__name__}.",
        "not_callable")


def _not_implemented(equation: str, exc) -> Feedback:
    detail = f" ({exc})" if str(exc) else ""
    return Feedback(
        False, equation,
        f"✗ {equation}: not implemented yet{detail}. Replace the `raise NotImplementedError` "
        "line with your code, run the cell, then run the check again.",
        "not_implemented")


def _outputs(result, spec: _Spec):
    """The learner's result as a tuple of float arrays, or (None, problem, slip)."""
    n = len(spec.out_names)
    if result is None:
        return None, "Your function returned None: is the `return` line missing?", "returned_none"
    if n > 1:
        if not isinstance(result, (tuple, list)) or len(result) != n:
            got = f"a {type(result).__name__}"
            if isinstance(result, (tuple, list)):
                got += f" of length {len(result)}"
            return None, (f"Your function should return the pair ({', '.join(spec.out_names)}); "
                          f"got {got}."), "wrong_type"
        items = tuple(result)
    else:
        items = (result,)
    arrays = []
    for name, item in zip(spec.out_names, items):
        if item is None:
            return None, f"Your {name} is None: is a `return` or an assignment missing?", "returned_none"
        try:
            arrays.append(_as_array(item))
        except (TypeError, ValueError):
            return None, (f"Your {name} should be a numpy array of numbers; "
                          f"got a {type(item).__name__}."), "wrong_type"
    return tuple(arrays), None, None


def _scale_factor(runs, cases):
    """c if every result equals c × the expected one (single output), else None."""
    ratios = []
    for run, case in zip(runs, cases):
        if run.outs is None or len(run.outs) != 1:
            return None
        g, w = run.outs[0], case.expected[0]
        if g.shape != w.shape or not np.all(np.isfinite(g)):
            return None
        mask = np.abs(w) > 1e-8
        if not mask.any():
            return None
        r = g[mask] / w[mask]
        if not np.allclose(g[~mask], 0.0, atol=ATOL):
            return None
        ratios.append(r)
    ratios = np.concatenate(ratios)
    c = float(np.median(ratios))
    if np.allclose(ratios, c, rtol=1e-6, atol=0) and not np.isclose(c, 1.0):
        return c
    return None


def _check(fn, spec: _Spec) -> Feedback:
    if not callable(fn):
        return _not_callable(spec.checker, spec.equation, fn)
    runs, notes = [], []
    for case in spec.cases:
        args = tuple(_copy(a) for a in case.args) if spec.copy_args else case.args
        result, exc = _quiet_call(fn, *args)
        if isinstance(exc, NotImplementedError):
            return _not_implemented(spec.equation, exc)
        if spec.after_call is not None:
            problem = spec.after_call(case)
            if problem:
                return _fail(spec, problem[0], problem[1])
        if spec.copy_args:
            for name, before, after in zip(spec.arg_names, case.args, args):
                if isinstance(before, np.ndarray) and (
                        after.shape != before.shape or not np.array_equal(after, before)):
                    note = (f"Note: your function changed its argument {name} in place. It is safer "
                            "to return a new array (bpcore's functions never change their inputs).")
                    if note not in notes:
                        notes.append(note)
        if exc is not None:
            runs.append(_Run(exc=exc))
            continue
        outs, problem, slip = _outputs(result, spec)
        if problem:
            return _fail(spec, slip, problem)
        runs.append(_Run(outs=outs))

    good = [r.exc is None and _close(r.outs, c.expected) for r, c in zip(runs, spec.cases)]
    if all(good):
        labels = "; ".join(c.label for c in spec.cases)
        lines = [f"✓ {spec.equation} correct: {spec.formula}",
                 f"Your function matches {spec.reference} in {len(spec.cases)} test cases ({labels})."]
        if spec.fd_what and all(
                c.numeric is not None and relative_error(r.outs[0], c.numeric) < FD_TOL
                for r, c in zip(runs, spec.cases)):
            lines.append(f"It also agrees with {spec.fd_what} (relative error < 1e-6).")
        return Feedback(True, spec.equation, "\n".join(lines + notes), None)

    for slip in spec.slips:
        if _slip_matches(slip, runs, spec.cases):
            raised = [c for r, c in zip(runs, spec.cases) if r.exc is not None]
            extra = ""
            if raised:
                first = next(r for r in runs if r.exc is not None)
                why = "the shapes do not fit" if _is_shape_error(first.exc) else "the same mistake"
                extra = (f"(In the test case {raised[0].label} it raised "
                         f"{type(first.exc).__name__}: {why}.)")
            return _fail(spec, slip.id, slip.explain, extra, *notes)

    for run, case in zip(runs, spec.cases):
        if run.exc is not None:
            exc = run.exc
            where = f"in the test case {case.label} ({_args_desc(spec, case)})"
            if _is_shape_error(exc):
                return _fail(spec, "shape_mismatch", f"Your function raised {_fmt_exc(exc)} {where}.",
                             spec.shape_hint, *notes)
            if isinstance(exc, TypeError):
                hint = (f"A TypeError often means an argument is used as the wrong kind of thing; "
                        f"the arguments are ({', '.join(spec.arg_names)}), in that order.")
            elif isinstance(exc, NameError):
                hint = ("A name is not defined: a typo, or a cell above that has not been run "
                        "(use the function's own arguments).")
            elif isinstance(exc, IndexError):
                hint = f"An index is out of range: check the shapes, {spec.out_shapes[0]}."
            else:
                hint = ""
            return _fail(spec, "exception", f"Your function raised {_fmt_exc(exc)} {where}.", hint, *notes)

    for run, case in zip(runs, spec.cases):
        for name, g, w, words in zip(spec.out_names, run.outs, case.expected, spec.out_shapes):
            if g.shape != w.shape:
                hint = ""
                if g.shape == w.shape[::-1]:
                    hint = " That is the transposed shape."
                elif g.ndim == 1 and w.ndim == 2 and g.shape[0] == w.shape[0]:
                    hint = " A 1-D array has lost its column: keep 2-D arrays (e.g. keepdims=True)."
                return _fail(spec, "wrong_shape",
                             f"In the test case {case.label}, your {name} has shape {_fmt_shape(g.shape)}; "
                             f"expected {_fmt_shape(w.shape)}, {words}.{hint}", *notes)

    c = _scale_factor(runs, spec.cases)
    if c is not None:
        return _fail(spec, "wrong_scale",
                     f"Your result is {c:.4g} × the correct one in every test case: a factor has "
                     "slipped in or out (a sign, a 2, an m or an η?).", *notes)
    wrong = [c for c, ok in zip(spec.cases, good) if not ok]
    for run, case in zip(runs, spec.cases):
        for name, g, w in zip(spec.out_names, run.outs, case.expected):
            if not _close((g,), (w,)):
                diff = np.where(np.isfinite(g), np.abs(g - w), np.inf)
                i = tuple(int(k) for k in np.unravel_index(np.argmax(diff), diff.shape))
                idx = f"[{', '.join(map(str, i))}]" if i else ""
                right = len(spec.cases) - len(wrong)
                return _fail(spec, "wrong_values",
                             f"In the test case {case.label}, your {name}{idx} is {g[i]:.4g}; "
                             f"expected {w[i]:.4g}. (Right in {right} of {len(spec.cases)} test cases.)",
                             "Compare your code with the equation term by term, and check the "
                             "shapes of the intermediate results.", *notes)
    raise AssertionError("unreachable: a wrong result was not classified")  # pragma: no cover


# --------------------------------------------------------------------------- test cases


SIGMOID = get_activation("sigmoid")


def _network(sizes, m, seed, cost="quadratic"):
    """A small all-sigmoid network with a batch and its backward pass (bpcore's answer)."""
    rng = np.random.default_rng(seed)
    net = init_network(sizes, rng, init="normal")
    x = rng.standard_normal((sizes[0], m))
    if cost == "quadratic":
        y = rng.random((sizes[-1], m))
    else:
        y = rng.integers(0, 2, size=(sizes[-1], m)).astype(np.float64)
    return net, x, y, backward(net, x, y, cost)


def _numeric_delta(net, g, l, y, cost):
    """δ^l = ∂C/∂z^l by central differences (bpcore.gradcheck)."""
    z_l = g.z[l].copy()
    return numerical_gradient(lambda: cost_from_z(net, z_l, l, y, cost), z_l)


def _numeric_param(net, x, y, cost, p):
    cost_cls = QuadraticCost if cost == "quadratic" else CrossEntropyCost
    return numerical_gradient(lambda: total_cost(net, x, y, cost_cls), p)


def _sp(z):
    return sigmoid_prime(z)


# --------------------------------------------------------------------------- forward


def check_forward(fn) -> Feedback:
    """Check one layer of the forward pass: z^l = w^l a^{l-1} + b^l, a^l = σ(z^l).

    Parameters
    ----------
    fn : callable ``fn(w, b, a_prev, sigma) -> (z, a)``
        w : shape (n_l, n_{l-1}); b : shape (n_l, 1); a_prev : shape
        (n_{l-1}, m); sigma : the activation, called as ``sigma(z)`` (the
        checker passes bpcore's sigmoid and tanh). Returns z and a, each of
        shape (n_l, m).

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.network.forward` on a square layer (3 → 3,
        sigmoid, m = 3) and a non-square one (4 → 2, tanh, m = 3). Recognises
        (a, z) swapped, w^T in place of w, a missing bias, a flattened bias, a
        missing activation and a hard-coded sigmoid.

    Taught in ``notebooks/01_forward_propagation.ipynb``.
    """
    cases = []
    for n_in, n_out, m, act, seed in ((3, 3, 3, "sigmoid", 11), (4, 2, 3, "tanh", 12)):
        rng = np.random.default_rng(seed)
        w = rng.standard_normal((n_out, n_in))
        b = rng.standard_normal((n_out, 1))
        a_prev = rng.standard_normal((n_in, m))
        net = Network((n_in, n_out), [None, w], [None, b], hidden=act, output=act)
        z, a = forward(net, a_prev)
        cases.append(_Case(f"{n_in} → {n_out} neurons, {act}, m = {m}",
                           (w, b, a_prev, get_activation(act)), (z[1], a[1])))

    def pre(c, zf):
        w, b, a_prev, s = c.args
        z = zf(w, b, a_prev)
        return z, s(z)

    slips = [
        _Slip("swapped_outputs", lambda c: c.expected[::-1],
              "You returned (a, z); the order is (z, a): first the weighted input z^l, then the "
              "activation a^l = σ(z^l)."),
        _Slip("extra_transpose", lambda c: pre(c, lambda w, b, a: w.T @ a + b),
              "Your z equals (w^l)^T a^{l-1} + b^l. No transpose in the forward pass: w^l has "
              "shape (n_l, n_{l-1}) and w^l_jk connects neuron k in layer l−1 to neuron j in "
              "layer l, so w^l a^{l-1} is already (n_l, n_{l-1}) @ (n_{l-1}, m) = (n_l, m)."),
        _Slip("missing_bias", lambda c: pre(c, lambda w, b, a: w @ a),
              "Your z equals w^l a^{l-1} without the bias: add b^l (shape (n_l, 1); numpy "
              "broadcasts it over the m columns)."),
        _Slip("bias_as_row", lambda c: pre(c, lambda w, b, a: w @ a + b.reshape(1, -1)),
              "Your bias was added along the rows: b^l was flattened to shape (n_l,), and numpy "
              "broadcasts a 1-D array across the columns' entries. Keep b^l a column of shape "
              "(n_l, 1) so each neuron j gets its own b^l_j in every example."),
        _Slip("missing_activation", lambda c: (c.expected[0], c.expected[0]),
              "Your a equals z: apply the activation, a^l = σ(z^l) = sigma(z)."),
        _Slip("ignores_sigma", lambda c: (c.expected[0], sigmoid(c.expected[0])),
              "Your a is always the sigmoid of z: use the sigma passed in (the second test case "
              "passes tanh), a = sigma(z)."),
    ]
    spec = _Spec(
        "forward", "z^l = w^l a^{l-1} + b^l,  a^l = σ(z^l)", "bpcore.network.forward",
        "01_forward_propagation.ipynb", "check_forward",
        ("w", "b", "a_prev", "sigma"), ("z", "a"),
        ("(n_l, m): one column per example",) * 2, cases, slips,
        "w^l a^{l-1} multiplies (n_l, n_{l-1}) @ (n_{l-1}, m): use w @ a_prev, with no transpose, and "
        "add b of shape (n_l, 1) as it is.")
    return _check(fn, spec)


# --------------------------------------------------------------------------- BP1


def _bp1_cases(cost, seed):
    cases = []
    for sizes, m, s in (((2, 3), 3, seed), ((3, 4, 2), 4, seed + 1)):
        net, x, y, g = _network(sizes, m, s, cost)
        L = net.L
        numeric = _numeric_delta(net, g, L, y, cost)
        label = f"n_L = {sizes[-1]}, m = {m}"
        expected = output_error(cost, g.z[L], g.a[L], y, SIGMOID)
        cases.append(_Case(label, (g.z[L], g.a[L], y), (expected,), numeric, {"m": m}))
    return cases


_BP1_SHAPE_HINT = ("⊙ is the elementwise (Hadamard) product: in numpy write *, not @ or np.dot. "
                   "z_L, a_L, y and δ^L all have shape (n_L, m).")


def check_bp1(fn) -> Feedback:
    """Check BP1 for the quadratic cost and a sigmoid output: δ^L = (a^L − y) ⊙ σ'(z^L).

    Parameters
    ----------
    fn : callable ``fn(z_L, a_L, y) -> delta_L``
        z_L, a_L, y and delta_L all have shape (n_L, m). Use
        ``bpcore.activations.sigmoid_prime`` for σ'.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.output_error` (quadratic cost
        C = ½‖a − y‖², sigmoid output) on (n_L, m) = (3, 3) and (2, 4), and
        with finite differences of C with respect to z^L. Recognises σ'(a),
        a(1 − a) applied to z, σ(z) for σ'(z), a forgotten σ', the sign
        (y − a), @ for ⊙, a factor 2 and a division by m.

    Taught in ``notebooks/02_output_error_bp1.ipynb``.
    """
    cases = _bp1_cases("quadratic", 21)

    def gen(c, deriv):
        z, a, y = c.args
        return (a - y) * deriv(z, a)

    slips = [
        _Slip("sigma_prime_of_a", lambda c: gen(c, lambda z, a: _sp(a)),
              "Your result equals (a^L − y) ⊙ σ'(a^L): σ' takes the weighted input z^L, not the "
              "activation a^L. Use sigmoid_prime(z_L)."),
        _Slip("derivative_form_on_z", lambda c: gen(c, lambda z, a: z * (1 - z)),
              "Your result equals (a^L − y) ⊙ z^L(1 − z^L). For the sigmoid, σ'(z) = σ(z)(1 − σ(z)) "
              "= a(1 − a): the formula in terms of a must get a, not z. Use sigmoid_prime(z_L) "
              "or a_L * (1 - a_L)."),
        _Slip("sigma_not_prime", lambda c: gen(c, lambda z, a: a),
              "Your result equals (a^L − y) ⊙ σ(z^L): that is σ itself (= a^L), not its "
              "derivative σ'(z^L)."),
        _Slip("wrong_sign", lambda c: gen(c, lambda z, a: -_sp(z)),
              "Your result is −δ^L: the sign is flipped. C = ½‖a − y‖² gives C'(a) = a − y, "
              "not y − a."),
        _Slip("missing_sigma_prime", lambda c: gen(c, lambda z, a: 1.0),
              "Your result equals a^L − y: the factor σ'(z^L) is missing. By the chain rule "
              "δ^L = ∂C/∂a^L · ∂a^L/∂z^L, and ∂a^L/∂z^L = σ'(z^L). (a − y alone is the output "
              "error of the cross-entropy cost, where σ' cancels; not of the quadratic cost.)"),
        _Slip("matmul_not_hadamard", lambda c: (c.args[1] - c.args[2]) @ _sp(c.args[0]),
              "Your result equals (a^L − y) @ σ'(z^L), a matrix product. ⊙ is the elementwise "
              "product: write (a_L - y) * sigmoid_prime(z_L)."),
        _Slip("matmul_not_hadamard", lambda c: (c.args[1] - c.args[2]) @ _sp(c.args[0]).T,
              "Your result is a matrix product of (a^L − y) and σ'(z^L). ⊙ is the elementwise "
              "product: write (a_L - y) * sigmoid_prime(z_L)."),
        _Slip("factor_two", lambda c: gen(c, lambda z, a: 2 * _sp(z)),
              "Your result is 2(a^L − y) ⊙ σ'(z^L). Our quadratic cost is C = ½‖a − y‖²; the ½ "
              "cancels the 2, so C'(a) = a − y."),
        _Slip("divided_by_m", lambda c: gen(c, lambda z, a: _sp(z)) / c.extra["m"],
              "Your result is δ^L divided by m. δ^L is computed per example, one column each; "
              "the 1/m belongs to the update rule, w → w − (η/m) Σ_x ∂C_x/∂w."),
    ]
    spec = _Spec(
        "BP1", "δ^L = C'(a^L) ⊙ σ'(z^L) = (a^L − y) ⊙ σ'(z^L)", "bpcore.backprop.output_error",
        "02_output_error_bp1.ipynb", "check_bp1", ("z_L", "a_L", "y"), ("delta_L",),
        ("(n_L, m), like z_L",), cases, slips, _BP1_SHAPE_HINT,
        "finite differences of C with respect to z^L")
    return _check(fn, spec)


def check_cross_entropy_delta(fn) -> Feedback:
    """Check BP1 for the cross-entropy cost and a sigmoid output: δ^L = a^L − y.

    With C = −Σ [y ln a + (1 − y) ln(1 − a)], C'(a) = (a − y)/(a(1 − a)); with a
    sigmoid output σ'(z) = a(1 − a), so δ^L = C'(a^L) ⊙ σ'(z^L) = a^L − y.

    Parameters
    ----------
    fn : callable ``fn(z_L, a_L, y) -> delta_L``
        All arrays have shape (n_L, m); y holds 0/1 labels.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.output_error` with
        ``cost="cross_entropy"`` and with finite differences of C with respect
        to z^L. Recognises the sign, σ'(z) kept (the quadratic cost's δ),
        ∂C/∂a returned instead of ∂C/∂z, σ'(a) and a division by m.

    Taught in ``notebooks/02_output_error_bp1.ipynb`` and
    ``notebooks/08_costs_and_saturation.ipynb``.
    """
    cases = _bp1_cases("cross_entropy", 31)

    def dCda(c):
        z, a, y = c.args
        return (a - y) / (a * (1 - a))

    slips = [
        _Slip("wrong_sign", lambda c: c.args[2] - c.args[1],
              "Your result is y − a^L: the sign is flipped. δ^L = a^L − y (positive when the "
              "output is too large, so gradient descent pushes it down)."),
        _Slip("kept_sigma_prime", lambda c: (c.args[1] - c.args[2]) * _sp(c.args[0]),
              "Your result is (a^L − y) ⊙ σ'(z^L): that is the quadratic cost's δ^L. For "
              "cross-entropy, C'(a) = (a − y)/(a(1 − a)) and σ'(z) = a(1 − a) cancel, leaving "
              "a^L − y."),
        _Slip("derivative_wrt_a", dCda,
              "Your result is C'(a^L) = ∂C/∂a^L = (a − y)/(a(1 − a)), not δ^L = ∂C/∂z^L. Multiply "
              "by σ'(z^L) = a(1 − a), and it simplifies to a^L − y."),
        _Slip("sigma_prime_of_a", lambda c: dCda(c) * _sp(c.args[1]),
              "Your result equals C'(a^L) ⊙ σ'(a^L): σ' takes the weighted input z^L, not a^L. "
              "With σ'(z^L) = a(1 − a) it simplifies to a^L − y."),
        _Slip("divided_by_m", lambda c: (c.args[1] - c.args[2]) / c.extra["m"],
              "Your result is (a^L − y)/m. δ^L is per example, one column each; the 1/m belongs "
              "to the update rule."),
    ]
    spec = _Spec(
        "BP1 (cross-entropy)", "δ^L = C'(a^L) ⊙ σ'(z^L) = a^L − y", "bpcore.backprop.output_error "
        "(cost='cross_entropy')", "02_output_error_bp1.ipynb and 08_costs_and_saturation.ipynb",
        "check_cross_entropy_delta", ("z_L", "a_L", "y"), ("delta_L",), ("(n_L, m), like z_L",),
        cases, slips, _BP1_SHAPE_HINT, "finite differences of the cross-entropy C with respect to z^L")
    return _check(fn, spec)


# --------------------------------------------------------------------------- BP2


def check_bp2(fn) -> Feedback:
    """Check BP2 with sigmoid hidden layers: δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l).

    Parameters
    ----------
    fn : callable ``fn(w_next, delta_next, z_l) -> delta_l``
        w_next : w^{l+1}, shape (n_{l+1}, n_l); delta_next : δ^{l+1}, shape
        (n_{l+1}, m); z_l : shape (n_l, m). Returns δ^l, shape (n_l, m). Use
        ``bpcore.activations.sigmoid_prime``.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.backpropagate_error` on a square
        layer pair (n_l = n_{l+1} = 3, m = 2) and a non-square one (n_l = 4,
        n_{l+1} = 2, m = 3), and with finite differences of C with respect to
        z^l. Recognises σ'(a), a(1 − a) applied to z, a missing transpose,
        a forgotten σ', the sign, a transposed result and a division by m.

    Taught in ``notebooks/03_backpropagating_the_error_bp2.ipynb``.
    """
    cases = []
    for sizes, m, seed in (((2, 3, 3), 2, 41), ((3, 4, 2), 3, 42)):
        net, x, y, g = _network(sizes, m, seed)
        l = 1
        cases.append(_Case(f"n_l = {sizes[1]}, n_{{l+1}} = {sizes[2]}, m = {m}",
                           (net.w[2], g.delta[2], g.z[1]),
                           (backpropagate_error(net.w[2], g.delta[2], g.z[1], SIGMOID),),
                           _numeric_delta(net, g, l, y, "quadratic"), {"m": m}))

    def gen(c, back, deriv):
        w, d, z = c.args
        return back(w, d) * deriv(z)

    wt = lambda w, d: w.T @ d  # noqa: E731
    slips = [
        _Slip("sigma_prime_of_a", lambda c: gen(c, wt, lambda z: _sp(sigmoid(z))),
              "Your result equals ((w^{l+1})^T δ^{l+1}) ⊙ σ'(a^l), with σ'(a^l) in place of "
              "σ'(z^l): σ' takes the weighted input z, not the activation a. Use sigmoid_prime(z_l)."),
        _Slip("derivative_form_on_z", lambda c: gen(c, wt, lambda z: z * (1 - z)),
              "Your result uses z^l(1 − z^l) for σ'(z^l). For the sigmoid σ'(z) = σ(z)(1 − σ(z)) = "
              "a(1 − a): the formula in terms of a must get a = σ(z), not z. Use sigmoid_prime(z_l)."),
        _Slip("missing_transpose", lambda c: gen(c, lambda w, d: w @ d, _sp),
              "Your result equals (w^{l+1} δ^{l+1}) ⊙ σ'(z^l): the transpose is missing. w^{l+1} "
              "has shape (n_{l+1}, n_l) and carries signals forwards, from layer l to l+1; the error "
              "goes backwards, from l+1 to l, through (w^{l+1})^T: (n_l, n_{l+1}) @ (n_{l+1}, m) = "
              "(n_l, m). Use w_next.T @ delta_next."),
        _Slip("missing_sigma_prime", lambda c: gen(c, wt, lambda z: 1.0),
              "Your result equals (w^{l+1})^T δ^{l+1}: the factor σ'(z^l) is missing. By the chain "
              "rule, z^{l+1} depends on z^l through a^l = σ(z^l), which contributes σ'(z^l)."),
        _Slip("sigma_not_prime", lambda c: gen(c, wt, sigmoid),
              "Your result uses σ(z^l) (= a^l) where its derivative σ'(z^l) belongs."),
        _Slip("wrong_sign", lambda c: -c.expected[0],
              "Your result is −δ^l: the sign is flipped somewhere (BP2 itself has no minus sign)."),
        _Slip("transposed_result", lambda c: c.expected[0].T,
              "Your result is the transpose of δ^l. δ^l has one row per neuron of layer l and one "
              "column per example: shape (n_l, m), like z^l."),
        _Slip("divided_by_m", lambda c: c.expected[0] / c.extra["m"],
              "Your result is δ^l divided by m. δ^l is per example; the 1/m belongs to the update "
              "rule."),
    ]
    spec = _Spec(
        "BP2", "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)", "bpcore.backprop.backpropagate_error",
        "03_backpropagating_the_error_bp2.ipynb", "check_bp2", ("w_next", "delta_next", "z_l"),
        ("delta_l",), ("(n_l, m), like z_l",), cases, slips,
        "(w^{l+1})^T δ^{l+1} multiplies (n_l, n_{l+1}) @ (n_{l+1}, m): a shape mismatch in this "
        "matrix product usually means a missing transpose (w_next.T). And ⊙ is elementwise: *, not @.",
        "finite differences of C with respect to z^l")
    return _check(fn, spec)


# --------------------------------------------------------------------------- BP3, BP4


def _layer_cases(seed):
    """(label, net, x, y, g, l, m) for a square and a non-square last layer."""
    out = []
    for sizes, m, s in (((2, 3, 3), 3, seed), ((3, 4, 2), 3, seed + 1)):
        net, x, y, g = _network(sizes, m, s)
        out.append((f"n_l = {sizes[2]}, n_{{l-1}} = {sizes[1]}, m = {m}", net, x, y, g, 2, m))
    return out


def check_bp3(fn) -> Feedback:
    """Check BP3: ∂C/∂b^l_j = δ^l_j, summed over the batch: Σ_x δ^l_x, shape (n_l, 1).

    Parameters
    ----------
    fn : callable ``fn(delta_l) -> grad_b``
        delta_l : δ^l, shape (n_l, m), one column per example. Returns
        Σ_x ∂C_x/∂b^l, shape (n_l, 1), the shape of b^l.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.bias_gradient` for δ^l of shape
        (3, 3) and (2, 3), and with finite differences of C with respect to b^l.
        Recognises the mean instead of the sum, a lost keepdims, the wrong
        axis, no sum, a sum of everything, one example only and the sign.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
    """
    cases = []
    for label, net, x, y, g, l, m in _layer_cases(51):
        cases.append(_Case(label, (g.delta[l],), (bias_gradient(g.delta[l]),),
                           _numeric_param(net, x, y, "quadratic", net.b[l]), {"m": m}))
    d = lambda c: c.args[0]  # noqa: E731
    slips = [
        _Slip("mean_instead_of_sum", lambda c: d(c).mean(axis=1, keepdims=True),
              "Your result is the mean over the batch, (1/m) Σ_x δ^l_x. BP3 gives the SUM, "
              "Σ_x ∂C_x/∂b^l = Σ_x δ^l_x, because C = Σ_x C_x; the 1/m belongs to the update "
              "rule, b → b − (η/m) Σ_x ∂C_x/∂b."),
        _Slip("missing_keepdims", lambda c: d(c).sum(axis=1),
              "Your result has shape (n_l,): the sum over the examples lost its column. Use "
              "delta_l.sum(axis=1, keepdims=True) for shape (n_l, 1), the shape of b^l (a 1-D "
              "gradient would broadcast b − ... into an (n_l, n_l) matrix)."),
        _Slip("wrong_axis", lambda c: d(c).sum(axis=0, keepdims=True),
              "You summed over axis 0, the neurons. Columns are examples: sum over axis=1 (with "
              "keepdims=True) to add the m examples' δ^l_x, giving shape (n_l, 1)."),
        _Slip("wrong_axis", lambda c: d(c).sum(axis=0),
              "You summed over axis 0, the neurons. Columns are examples: sum over axis=1 (with "
              "keepdims=True) to add the m examples' δ^l_x, giving shape (n_l, 1)."),
        _Slip("no_sum", lambda c: d(c),
              "You returned δ^l itself, one column per example. For a batch, ∂C/∂b^l = Σ_x δ^l_x: "
              "add the columns up (delta_l.sum(axis=1, keepdims=True)), shape (n_l, 1) like b^l."),
        _Slip("sum_all", lambda c: np.sum(d(c)),
              "You summed every entry into one number. Each bias b^l_j gets its own gradient "
              "Σ_x δ^l_jx: sum over the examples only (axis=1, keepdims=True)."),
        _Slip("one_example", lambda c: d(c)[:, :1],
              "You returned only the first example's δ^l. Sum over all m columns."),
        _Slip("wrong_sign", lambda c: -c.expected[0],
              "Your result is −Σ_x δ^l_x: the sign is flipped (∂C/∂b^l_j = +δ^l_j)."),
    ]
    spec = _Spec(
        "BP3", "∂C/∂b^l_j = δ^l_j  (for a batch: Σ_x δ^l_x, shape (n_l, 1))",
        "bpcore.backprop.bias_gradient", "04_gradients_bp3_bp4.ipynb", "check_bp3", ("delta_l",),
        ("grad_b",), ("(n_l, 1), the shape of b^l",), cases, slips,
        "∂C/∂b^l adds up the columns of δ^l: delta_l.sum(axis=1, keepdims=True).",
        "finite differences of C with respect to b^l")
    return _check(fn, spec)


def check_bp4(fn) -> Feedback:
    """Check BP4: ∂C/∂w^l = δ^l (a^{l-1})^T, i.e. ∂C/∂w^l_jk = δ^l_j a^{l-1}_k, summed over the batch.

    Parameters
    ----------
    fn : callable ``fn(delta_l, a_prev) -> grad_w``
        delta_l : δ^l, shape (n_l, m); a_prev : a^{l-1}, shape (n_{l-1}, m).
        Returns Σ_x ∂C_x/∂w^l, shape (n_l, n_{l-1}), the shape of w^l.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.backprop.weight_gradient` on a square
        layer (3 → 3, m = 3) and a non-square one (4 → 2, m = 3), and with
        finite differences of C with respect to w^l. Recognises a missing
        transpose, the reversed outer product a (δ)^T, the transpose on the
        wrong factor, ⊙ for the outer product, the mean for the sum, one
        example only and the sign.

    Taught in ``notebooks/04_gradients_bp3_bp4.ipynb``.
    """
    cases = []
    for label, net, x, y, g, l, m in _layer_cases(61):
        cases.append(_Case(label, (g.delta[l], g.a[l - 1]), (weight_gradient(g.delta[l], g.a[l - 1]),),
                           _numeric_param(net, x, y, "quadratic", net.w[l]), {"m": m}))
    slips = [
        _Slip("missing_transpose", lambda c: c.args[0] @ c.args[1],
              "Your result equals δ^l a^{l-1}, without the transpose. ∂C/∂w^l_jk = δ^l_j a^{l-1}_k "
              "is an outer product: column δ^l (n_l, m) times row (a^{l-1})^T (m, n_{l-1}), which "
              "also sums over the m examples. Use delta_l @ a_prev.T."),
        _Slip("reversed_order", lambda c: c.args[1] @ c.args[0].T,
              "Your result is a^{l-1} (δ^l)^T, the transpose of the gradient. Rows follow j (layer "
              "l) and columns k (layer l−1), like w^l_jk: ∂C/∂w^l = δ^l (a^{l-1})^T has the shape "
              "of w^l, (n_l, n_{l-1})."),
        _Slip("wrong_transpose", lambda c: c.args[0].T @ c.args[1],
              "Your result equals (δ^l)^T a^{l-1}: the transpose is on the wrong factor. Use "
              "δ^l (a^{l-1})^T = delta_l @ a_prev.T, shape (n_l, n_{l-1})."),
        _Slip("hadamard_not_outer", lambda c: c.args[0] * c.args[1],
              "Your result is the elementwise product δ^l ⊙ a^{l-1}. Every weight w^l_jk needs "
              "δ^l_j times a^{l-1}_k, for all pairs (j, k): an outer product, "
              "delta_l @ a_prev.T, shape (n_l, n_{l-1})."),
        _Slip("mean_instead_of_sum", lambda c: c.expected[0] / c.extra["m"],
              "Your result is the mean over the batch. BP4 gives the SUM Σ_x δ^l_x (a^{l-1}_x)^T "
              "(exactly what delta_l @ a_prev.T computes); the 1/m belongs to the update rule, "
              "w → w − (η/m) Σ_x ∂C_x/∂w."),
        _Slip("one_example", lambda c: c.args[0][:, :1] @ c.args[1][:, :1].T,
              "You used only the first example. With m columns, δ^l (a^{l-1})^T sums the m outer "
              "products by itself: use the whole matrices, delta_l @ a_prev.T."),
        _Slip("wrong_sign", lambda c: -c.expected[0],
              "Your result is −δ^l (a^{l-1})^T: the sign is flipped."),
    ]
    spec = _Spec(
        "BP4", "∂C/∂w^l_jk = δ^l_j a^{l-1}_k, i.e. ∂C/∂w^l = δ^l (a^{l-1})^T",
        "bpcore.backprop.weight_gradient", "04_gradients_bp3_bp4.ipynb", "check_bp4",
        ("delta_l", "a_prev"), ("grad_w",), ("(n_l, n_{l-1}), the shape of w^l",), cases, slips,
        "δ^l (a^{l-1})^T multiplies (n_l, m) @ (m, n_{l-1}): a shape mismatch here usually means a "
        "missing transpose on a_prev (delta_l @ a_prev.T).",
        "finite differences of C with respect to w^l")
    return _check(fn, spec)


# --------------------------------------------------------------------------- update


def check_update_parameter(fn) -> Feedback:
    """Check the update rule: p → p − (η/m) Σ_x ∂C_x/∂p.

    Parameters
    ----------
    fn : callable ``fn(p, grad_sum, eta, m) -> p_new``
        p : a parameter (w^l of shape (n_l, n_{l-1}), or b^l of shape (n_l, 1));
        grad_sum : Σ_x ∂C_x/∂p over the m examples, the shape of p;
        eta : the learning rate η > 0; m : the number of examples summed.
        Returns the new parameter, the shape of p.

    Returns
    -------
    Feedback
        Compared with :func:`bpcore.update.update_parameter` on a square
        (3, 3) weight (η = 0.5, m = 4), a (2, 4) weight (η = 3, m = 10) and a
        (4, 1) bias (η = 0.1, m = 5). Recognises a missing 1/m, η·m, a missing
        η, m/η, the sign, and returning the step instead of the new parameter.
        Changing p in place is noted (not failed).

    Taught in ``notebooks/06_the_update_rule.ipynb``.
    """
    rng = np.random.default_rng(71)
    cases = []
    for shape, eta, m, what in (((3, 3), 0.5, 4, "w"), ((2, 4), 3.0, 10, "w"), ((4, 1), 0.1, 5, "b")):
        p = rng.standard_normal(shape)
        g = rng.standard_normal(shape)
        cases.append(_Case(f"{what} {_fmt_shape(shape)}, η = {eta:g}, m = {m}", (p, g, eta, m),
                           (update_parameter(p, g, eta, m),)))

    def gen(c, factor):
        p, g, eta, m = c.args
        return p - factor(eta, m) * g

    slips = [
        _Slip("missing_1_over_m", lambda c: gen(c, lambda eta, m: eta),
              "Your result is p − η Σ_x ∂C_x/∂p: the 1/m is missing. grad_sum adds up m examples' "
              "gradients; dividing by m turns it into their average, so the step size does not "
              "grow with the batch."),
        _Slip("eta_times_m", lambda c: gen(c, lambda eta, m: eta * m),
              "Your result is p − η·m Σ_x ∂C_x/∂p: multiply by η/m, not η·m."),
        _Slip("missing_eta", lambda c: gen(c, lambda eta, m: 1 / m),
              "Your result is p − (1/m) Σ_x ∂C_x/∂p: the learning rate η is missing."),
        _Slip("m_over_eta", lambda c: gen(c, lambda eta, m: m / eta),
              "Your result is p − (m/η) Σ_x ∂C_x/∂p: the fraction is upside down; it is η/m."),
        _Slip("wrong_sign", lambda c: gen(c, lambda eta, m: -eta / m),
              "Your result is p + (η/m) Σ_x ∂C_x/∂p: that climbs the gradient. Gradient descent "
              "steps against it: p − (η/m) Σ_x ∂C_x/∂p."),
        _Slip("returned_step", lambda c: c.args[2] / c.args[3] * c.args[1],
              "You returned the step (η/m) Σ_x ∂C_x/∂p, not the new parameter: return "
              "p − (η/m) * grad_sum."),
        _Slip("returned_step", lambda c: -c.args[2] / c.args[3] * c.args[1],
              "You returned the change −(η/m) Σ_x ∂C_x/∂p, not the new parameter: add p, "
              "return p - (eta / m) * grad_sum."),
    ]
    spec = _Spec(
        "update", "p → p − (η/m) Σ_x ∂C_x/∂p", "bpcore.update.update_parameter",
        "06_the_update_rule.ipynb", "check_update_parameter", ("p", "grad_sum", "eta", "m"), ("p_new",),
        ("the shape of p",), cases, slips,
        "p and grad_sum have the same shape; the update is elementwise: p - (eta / m) * grad_sum.")
    return _check(fn, spec)


# --------------------------------------------------------------------------- finite differences


def _perturbed(f, p, i, delta):
    old = p[i]
    try:
        p[i] = old + delta
        return f()
    finally:
        p[i] = old


def _diff(case, kind):
    f, p, h = case.args
    grad = np.zeros(p.shape)
    if kind == "all":
        p0 = p.copy()
        try:
            p += h
            fp = f()
            p -= 2 * h
            fm = f()
        finally:
            p[...] = p0
        return np.full(p.shape, (fp - fm) / (2 * h))
    f0 = f()
    for i in np.ndindex(p.shape):
        if kind == "forward":
            grad[i] = (_perturbed(f, p, i, h) - f0) / h
        else:
            grad[i] = (f0 - _perturbed(f, p, i, -h)) / h
    return grad


def check_numerical_gradient(fn) -> Feedback:
    """Check a central-difference gradient: ∂f/∂p_i ≈ (f(p + h e_i) − f(p − h e_i)) / 2h.

    Parameters
    ----------
    fn : callable ``fn(f, p, h) -> grad``
        f : a function with no arguments returning a float; it reads the array
        p, so perturb p **in place**, one element at a time, and restore it.
        p : ndarray, any shape; h : the step. Returns grad, the shape of p.

    Returns
    -------
    Feedback
        f is the quadratic cost Σ_x C_x of a small sigmoid network and p its
        weight matrix w^1, of shape (2, 2) and (2, 3), with h = 1e-4.
        Compared with :func:`bpcore.gradcheck.numerical_gradient` and with
        backprop's ∂C/∂w^1. Recognises forward and backward differences, h for
        2h, the sign, all elements perturbed at once, a perturbed copy that f
        never sees, and p not restored.

    Taught in ``notebooks/05_gradient_checking.ipynb``.
    """
    cases = []
    h = 1e-4
    for sizes, m, seed in (((2, 2, 1), 3, 81), ((3, 2, 1), 3, 82)):
        net, x, y, g = _network(sizes, m, seed)
        p = net.w[1]

        def f(net=net, x=x, y=y):
            return total_cost(net, x, y, QuadraticCost)

        expected = numerical_gradient(f, p, h)
        cases.append(_Case(f"p = w^1 of shape {_fmt_shape(p.shape)}, h = 1e-4", (f, p, h),
                           (expected,), g.grad_w[1], {"p0": p.copy()}))

    def restored(case):
        p, p0 = case.args[1], case.extra["p0"]
        if p.shape != p0.shape or not np.allclose(p, p0, rtol=1e-10, atol=1e-12):
            p[...] = p0
            return ("p_not_restored",
                    "Your function left p changed: after perturbing p[i] and evaluating f, put the "
                    "old value back (ideally in a `finally:` block). Otherwise every later element "
                    "is measured at a shifted point, and the caller's parameters are corrupted.")
        p[...] = p0  # undo ulp-level drift so later cases start from the same point
        return None

    slips = [
        _Slip("forward_difference", lambda c: _diff(c, "forward"),
              "Your result equals the forward difference (f(p + h) − f(p))/h. Its error shrinks "
              "like h; the central difference (f(p + h) − f(p − h))/(2h) is accurate to h², far "
              "better for the same h."),
        _Slip("backward_difference", lambda c: _diff(c, "backward"),
              "Your result equals the backward difference (f(p) − f(p − h))/h. Use the central "
              "difference (f(p + h) − f(p − h))/(2h): its error shrinks like h², not h."),
        _Slip("missing_factor_2", lambda c: 2 * c.expected[0],
              "Your result is twice the central difference: the two points p + h and p − h are 2h "
              "apart, so divide by 2h, not h."),
        _Slip("wrong_sign", lambda c: -c.expected[0],
              "Your result has the wrong sign: it is (f(p + h) − f(p − h))/(2h), the value at "
              "p + h first."),
        _Slip("perturbed_all_at_once", lambda c: _diff(c, "all"),
              "Every element of your result is the same number: you perturbed all of p at once "
              "(p + h). Perturb one element p[i] at a time, for each index i "
              "(e.g. np.ndindex(p.shape))."),
        _Slip("perturbation_not_seen", lambda c: np.zeros(c.args[1].shape),
              "Your result is all zeros: f() never saw the perturbation. f reads the array p "
              "itself, so change p in place (p[i] = old + h), call f(), and restore p[i] = old; "
              "a perturbed copy is invisible to f."),
    ]
    spec = _Spec(
        "central difference", "∂f/∂p_i ≈ (f(p + h e_i) − f(p − h e_i)) / 2h",
        "bpcore.gradcheck.numerical_gradient", "05_gradient_checking.ipynb",
        "check_numerical_gradient", ("f", "p", "h"), ("grad",), ("the shape of p",), cases, slips,
        "grad has the shape of p; perturb one element p[i] at a time.",
        "backprop's ∂C/∂w^1", copy_args=False, after_call=restored)
    return _check(fn, spec)


# --------------------------------------------------------------------------- Xavier


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
        √(2/(n_in + n_out)) (the scale :func:`bpcore.network.init_network`
        uses for ``init="xavier"``), and that the same seed gives the same
        weights. Recognises the transposed shape, the variance used as the
        standard deviation, LeCun's and He's scales, unscaled N(0, 1), a
        non-zero mean and an ignored rng.

    Taught in ``notebooks/09_initialisation_and_depth.ipynb``.
    """
    equation = "Xavier init"
    formula = "w^l ~ N(0, 2/(n_{l-1} + n_l)), shape (n_l, n_{l-1})"
    head = f"✗ {equation}: {formula} — not right yet."
    foot = "(Taught in 09_initialisation_and_depth.ipynb.)"

    def fail(slip, *lines):
        return Feedback(False, equation, "\n".join([head, *lines, foot]), slip)

    if not callable(fn):
        return _not_callable("check_xavier_init", equation, fn)
    layers = ((300, 300), (500, 200))
    seed = 91
    stds = []
    for n_in, n_out in layers:
        label = f"n_in = {n_in}, n_out = {n_out}"
        results = []
        for _ in range(2):
            w, exc = _quiet_call(fn, n_in, n_out, np.random.default_rng(seed))
            if isinstance(exc, NotImplementedError):
                return _not_implemented(equation, exc)
            if exc is not None:
                return fail("exception", f"Your function raised {_fmt_exc(exc)} for {label}.")
            if w is None:
                return fail("returned_none", "Your function returned None: is the `return` line missing?")
            try:
                w = _as_array(w)
            except (TypeError, ValueError):
                return fail("wrong_type", f"Your function should return a numpy array; got a {type(w).__name__}.")
            results.append(w)
        w = results[0]
        if w.shape != (n_out, n_in):
            if w.shape == (n_in, n_out):
                return fail("transposed_shape",
                            f"For {label} your w has shape {_fmt_shape(w.shape)}; expected (n_out, n_in) = "
                            f"{_fmt_shape((n_out, n_in))}. w^l has one row per neuron of layer l (j) and one "
                            "column per neuron of layer l−1 (k), so that z^l = w^l a^{l-1}.")
            return fail("wrong_shape", f"For {label} your w has shape {_fmt_shape(w.shape)}; expected "
                        f"(n_out, n_in) = {_fmt_shape((n_out, n_in))}.")
        if not np.all(np.isfinite(w)):
            return fail("wrong_values", f"For {label} your w contains NaN or inf.")
        if not np.array_equal(results[0], results[1]):
            return fail("ignores_rng",
                        "Called twice with the same seed, your function returned different weights: "
                        "draw from the rng passed in (rng.standard_normal or rng.normal), never "
                        "np.random, so that the same seed always gives the same network.")
        target = float(init_scale("xavier", n_in, n_out))
        if abs(float(w.mean())) > 6 * target / np.sqrt(w.size):
            return fail("nonzero_mean",
                        f"For {label} your weights have mean {float(w.mean()):.3g}; they should be "
                        "centred at 0 (e.g. rng.normal(0.0, std, size) or rng.standard_normal(...) * std).")
        stds.append((float(w.std()), target, n_in, n_out))

    if all(abs(s / t - 1) < 0.05 for s, t, _, _ in stds):
        text = "\n".join([
            f"✓ {equation} correct: {formula}",
            "Your weights have the shape (n_out, n_in), mean ≈ 0 and a standard deviation within 5 % "
            "of √(2/(n_in + n_out)) for layers 300 → 300 and 500 → 200, and the same seed gives the "
            "same weights."])
        return Feedback(True, equation, text, None)

    candidates = [
        ("variance_as_std", lambda i, o: 2 / (i + o),
         "Your standard deviation is 2/(n_in + n_out), the variance. N(0, σ²) has standard "
         "deviation σ: use np.sqrt(2 / (n_in + n_out))."),
        ("lecun_scale", lambda i, o: np.sqrt(1 / i),
         "Your standard deviation is √(1/n_in), LeCun's scale (the same as Xavier's only when "
         "n_in = n_out). Xavier averages fan-in and fan-out: √(2/(n_in + n_out))."),
        ("he_scale", lambda i, o: np.sqrt(2 / i),
         "Your standard deviation is √(2/n_in), He's scale (made for ReLU). Xavier uses "
         "√(2/(n_in + n_out))."),
        ("unit_normal", lambda i, o: 1.0,
         "Your weights have standard deviation 1 (unscaled N(0, 1)). Multiply by "
         "√(2/(n_in + n_out))."),
    ]
    for slip, std_fn, text in candidates:
        if all(abs(s / std_fn(i, o) - 1) < 0.05 for s, _, i, o in stds):
            return fail(slip, text)
    s, t, i, o = next(x for x in stds if abs(x[0] / x[1] - 1) >= 0.05)
    return fail("wrong_std",
                f"For n_in = {i}, n_out = {o} your weights have standard deviation {s:.3g}; expected "
                f"√(2/(n_in + n_out)) = {t:.3g}.")
