"""Hidden tests of notebook 05: the central difference, the three verdicts, the choice of h."""

from __future__ import annotations

import warnings

import numpy as np

from ...costs import get_cost
from ...gradcheck import STEPS, cost_from_z, numerical_gradient
from ...network import forward
from ...verdicts import judge
from .support import call_quietly, expect, fresh_dims, fresh_net, register, same_array, same_number

# --------------------------------------------------------------------------- gradient checking (05)


@register("check_numerical_gradient")
def _numerical_gradient(fn, rng):
    cost = get_cost("quadratic")
    for h in (1e-4, 1e-5, 5e-2):  # a large h too: the learner must use the h passed
        sizes, m = tuple(fresh_dims(rng, 3, 1, 4)), fresh_dims(rng, 1, 1, 4)[0]
        net = fresh_net(rng, sizes)
        x, y = rng.standard_normal((sizes[0], m)), rng.random((sizes[-1], m))
        p = net.w[1]

        def f(net=net, x=x, y=y):
            return cost_from_z(net, forward(net, x, validate=False)[0][net.L], net.L, y, cost)

        want, p0 = numerical_gradient(f, p, h), p.copy()
        case = f"p = w^1 of shape {p.shape}, h = {h:g}"
        got = call_quietly(fn, f, p, h, copy=False)  # f reads p itself
        expect(np.allclose(p, p0, rtol=1e-10, atol=1e-12), "p after your function returned (not restored?)", case)
        same_array(got, want, "your gradient", case)
    _raising_f(fn, f, p, h)


class _FromF(Exception):
    """What the hidden test's f raises on its third call."""


def _raising_f(fn, f, p, h) -> None:
    """When f raises, the learner's function passes the error on, with p restored."""
    calls, p0 = [], p.copy()

    def f_raises():
        calls.append(1)
        if len(calls) == 3:
            raise _FromF("raised by f on its third call")
        return f()

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            fn(f_raises, p, h)
            passed_on = False
        except _FromF:
            passed_on = True
        except Exception:  # the learner's own error, or f's replaced by another
            passed_on = False
    case = f"f raising on its third call, p of shape {p.shape}"
    expect(passed_on, "what your function raises (f's error, passed on)", case)
    expect(np.allclose(p, p0, rtol=1e-10, atol=1e-12), "p after f raised (not restored?)", case)


def _reference_verdict(g, g_num, u, near_kink, tol) -> str:
    """bpcore's verdict (:func:`bpcore.verdicts.judge`) on g against g_num, element by element."""
    diff = np.abs(g - g_num)
    allowed = u + tol * (np.abs(g) + np.abs(g_num))
    excess = np.where(diff == 0, 0.0, diff / allowed)
    i = np.unravel_index(np.argmax(excess), excess.shape)
    return judge(float(excess[i]), float(np.linalg.norm(g_num)), float(np.linalg.norm(u)), near_kink,
                 lambda: "", diff[i], allowed[i], g[i], g_num[i], i)[0]


@register("check_gradient_verdict")
def _gradient_verdict(fn, rng):
    tol = 1e-7
    shape = tuple(fresh_dims(rng, 2, 2, 7))
    g_num = rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 0)
    u = np.full(shape, 1e-9)
    off = g_num.copy()
    off[tuple(int(rng.integers(0, n)) for n in shape)] += 1e-6
    tiny = 1e-12 * rng.standard_normal(shape)  # smaller than the resolution u
    cases = [("close, large", g_num + 1e-10 * rng.standard_normal(shape), g_num, u, 0),
             ("one element off", off, g_num, u, 0), ("one element off, near a kink", off, g_num, u, 2),
             ("below the resolution", -tiny, tiny, u, 0),
             ("within tol but not u", g_num * (1 + 0.5 * tol), g_num, u * 1e-6, 0)]
    for label, g, gn, uu, kink in cases:
        want = _reference_verdict(g, gn, uu, kink, tol)
        got = call_quietly(fn, g, gn, uu, kink, tol)
        got = " ".join(got.lower().split()) if isinstance(got, str) else got
        expect(got == want, "your verdict", f"{label}, shape {shape}")


@register("check_step_choice")
def _step_choice(fn, rng):
    cost = get_cost("quadratic")
    for steps in (STEPS, tuple(np.geomspace(3e-8, 3e-2, 9)), STEPS[1:5]):
        sizes, m = tuple(fresh_dims(rng, 3, 2, 5)), fresh_dims(rng, 1, 2, 6)[0]
        net = fresh_net(rng, sizes)
        x, y = 3 * rng.standard_normal((sizes[0], m)), rng.random((sizes[-1], m))
        w = net.w[1]

        def g(h, net=net, x=x, y=y, w=w):
            def C():
                return cost_from_z(net, forward(net, x, validate=False)[0][net.L], net.L, y, cost)
            old = w[0, 0]
            try:
                w[0, 0] = old + h
                up = C()
                w[0, 0] = old - h
                return (up - C()) / (2 * h)
            finally:
                w[0, 0] = old

        noise = float(np.finfo(np.float64).eps * 10.0 ** rng.uniform(0, 6))
        errors = [noise / h + abs(g(2 * h) - g(h)) / 3 for h in steps]
        got = call_quietly(fn, g, noise, steps)
        same_number(got, float(steps[int(np.argmin(errors))]), "your step h",
                f"{len(steps)} steps from {steps[0]:.0e} to {steps[-1]:.0e}, noise {noise:.0e}")
