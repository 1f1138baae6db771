"""The stepper's steps as data: every number is bpcore's, every check agrees, every equation adds up.

Expected values are computed here independently, with bpcore's forward, backward,
mean_cost and update on the same example; the equation texts are evaluated as Python
and must give the value shown, within the rounding of the numbers written into them.
"""

import math
import re
import subprocess
import sys

import numpy as np
import pytest

from bpcore import backward, forward, mean_cost, update
from bpcore.gradcheck import numerical_deltas, numerical_parameter_gradients
from bpcore.costs import get_cost
from bpcore.stepper import Line, Setup, Walk, number, picture, step_list, view

SETUPS = {
    "default": Setup(),
    "tanh-cross-entropy": Setup(sizes=(2, 4, 1), hidden="tanh", cost="cross_entropy", dataset="circles",
                                init="xavier", seed=3),
    "relu-softmax-spiral": Setup(sizes=(2, 5, 4, 3), hidden="relu", cost="softmax_cross_entropy",
                                 dataset="spiral", init="he", seed=1),
    "leaky-four-layers": Setup(sizes=(2, 8, 8, 8, 2), hidden="leaky_relu", cost="quadratic", dataset="gauss",
                               seed=2, eta=0.1),
    "one-layer": Setup(sizes=(2, 2), cost="softmax_cross_entropy", dataset="xor", noise=0.2),
}


# ----------------------------------------------------------------------------- evaluating the text
NAMES = {"exp": math.exp, "ln": math.log, "tanh": math.tanh, "max": max}
LITERAL = re.compile(r"(?<![\w.*])\d+(?:\.\d+)?(?:e-?\d+)?")  # not an exponent after **


def python(text: str) -> str:
    return text.replace("−", "-").replace("×", "*").replace("½", "0.5").replace("²", "**2")


def evaluate(expression: str) -> float:
    return float(eval(expression, {"__builtins__": {}}, NAMES))  # noqa: S307 - our own text, in a test


def rounding_bound(expression: str) -> float:
    """How far the expression can move when each number in it moves by its rounding (5e-4 relative)."""
    base, total = evaluate(expression), 0.0
    for m in LITERAL.finditer(expression):
        bumped = expression[:m.start()] + repr(float(m.group()) * (1 + 5e-4)) + expression[m.end():]
        total += abs(evaluate(bumped) - base)
    return total


def adds_up(line: Line) -> bool:
    """The substituted form, read as Python, gives the line's value up to the rounding written into it."""
    expression = python(line.substituted)
    return abs(evaluate(expression) - line.value) <= 2 * rounding_bound(expression) + 1e-12 + 1e-9 * abs(line.value)


def test_the_text_check_catches_a_wrong_number():
    right = Line("z", ("w a + b", "0.5 × (−0.25) + 0.1"), -0.025)
    assert adds_up(right)
    assert not adds_up(Line("z", ("w a + b", "0.5 × 0.25 + 0.1"), -0.025))   # a sign lost
    assert not adds_up(Line("z", ("w a + b", "0.5 × (−0.25) + 0.1"), -0.026))  # the value off by 4 %


# ----------------------------------------------------------------------------- what bpcore says
def expected(walk: Walk, step, j, k):
    """The value of ``step`` for neuron j / weight w^l_jk, from bpcore on the walk's example."""
    net, x, y, cost, eta = walk.net, walk.bp.x, walk.bp.y, walk.setup.cost, walk.setup.eta
    z, a = forward(net, x)
    g = backward(net, x, y, cost)
    l = step.layer
    return {
        "z": lambda: z[l][j - 1, 0], "a": lambda: a[l][j - 1, 0], "cost": lambda: mean_cost(net, x, y, cost),
        "BP1": lambda: g.delta[l][j - 1, 0], "BP2": lambda: g.delta[l][j - 1, 0],
        "BP3": lambda: g.grad_b[l][j - 1, 0], "BP4": lambda: g.grad_w[l][j - 1, k - 1],
        "update": lambda: update(net, g, eta, m=1).w[l][j - 1, k - 1],
    }[step.kind]()


def picks(walk, step):
    sizes = walk.net.sizes
    js = sorted({1, sizes[step.layer]}) if sizes[step.layer] > 3 else range(1, sizes[step.layer] + 1)
    ks = sorted({1, sizes[step.layer - 1]})
    return [(j, k) for j in js for k in ks]


@pytest.fixture(scope="module", params=list(SETUPS), ids=list(SETUPS))
def walk(request):
    return Walk(SETUPS[request.param], index=5)


def test_every_value_is_bpcores_and_every_equation_adds_up(walk):
    for position, step in enumerate(walk.steps):
        for j, k in picks(walk, step):
            v = view(walk.bp, position, j, k)
            assert v.value == expected(walk, step, v.j or 1, v.k or 1), (step, j, k)
            for line in v.lines:
                assert adds_up(line), f"{step}: {line.text()} does not evaluate to {line.value}"
                assert line.text().endswith(f"= {number(line.value)}")


def test_every_derivative_agrees_with_finite_differences(walk):
    cost = get_cost(walk.setup.cost)
    g = backward(walk.net, walk.bp.x, walk.bp.y, cost)
    num_delta = numerical_deltas(walk.net, g.z, walk.bp.y, cost)
    num_w, num_b = numerical_parameter_gradients(walk.net, walk.bp.x, walk.bp.y, cost)
    checked = 0
    for position, step in enumerate(walk.steps):
        for j, k in picks(walk, step):
            v = view(walk.bp, position, j, k)
            if step.phase in ("forward", "cost"):
                assert v.numeric is None and v.rel_error is None
                continue
            own = {"BP1": num_delta, "BP2": num_delta}.get(step.kind)
            if own is not None:
                assert v.numeric == own[step.layer][v.j - 1, 0]
            elif step.kind == "BP3":
                assert v.numeric == num_b[step.layer][v.j - 1, 0]
            elif step.kind == "BP4":
                assert v.numeric == num_w[step.layer][v.j - 1, v.k - 1]
            assert abs(v.value - v.numeric) <= 1e-6 * (abs(v.value) + abs(v.numeric)) + 1e-9, (step, v)
            checked += 1
    assert checked > 0


def test_the_steps_come_in_the_order_of_the_algorithm():
    kinds = [(s.kind, s.layer) for s in step_list(3)]
    assert kinds == [("z", 1), ("a", 1), ("z", 2), ("a", 2), ("z", 3), ("a", 3), ("cost", 3), ("BP1", 3),
                     ("BP2", 2), ("BP2", 1), ("BP3", 3), ("BP4", 3), ("BP3", 2), ("BP4", 2), ("BP3", 1),
                     ("BP4", 1), ("update", 1), ("update", 2), ("update", 3)]
    assert [s.kind for s in step_list(1)] == ["z", "a", "cost", "BP1", "BP3", "BP4", "update"]


def test_the_equations_are_written_in_the_series_notation():
    walk = Walk(index=5)
    bp2 = view(walk.bp, [s.kind for s in walk.steps].index("BP2"), j=1)
    assert bp2.title == "BP2, layer 2: δ^2 = ((w^3)^T δ^3) ⊙ σ'(z^2)"
    assert bp2.lines[0].text().startswith("δ^2_1 = (w^3_11 δ^3_1 + w^3_21 δ^3_2) σ'(z^2_1) = (")
    w = walk.net.w[3]
    d = backward(walk.net, walk.bp.x, walk.bp.y, "quadratic").delta[3]
    assert f"{number(w[0, 0])} × {number(d[0, 0])}" in bp2.lines[0].substituted.replace("(", "").replace(")", "")
    assert bp2.lines[1].lhs == "σ'(z^2_1)"
    bp4 = view(walk.bp, [s.kind for s in walk.steps].index("BP4"), j=2, k=3)
    assert bp4.lines[0].text().startswith("∂C/∂w^3_23 = δ^3_2 a^2_3 = ")
    update_line = view(walk.bp, len(walk.steps) - 1, j=1, k=2).lines[0]
    assert update_line.relation == "→" and update_line.text().startswith("w^3_12 → w^3_12 − η ∂C/∂w^3_12 = ")


def test_bp1_says_why_its_form_has_no_sigma_prime():
    softmax = Walk(SETUPS["relu-softmax-spiral"], index=0)
    v = view(softmax.bp, [s.kind for s in softmax.steps].index("BP1"), j=2)
    assert len(v.lines) == 1 and v.lines[0].forms[0] == "a^3_2 − y_2" and "softmax" in v.lines[0].note
    ce = Walk(SETUPS["tanh-cross-entropy"], index=0)
    v = view(ce.bp, [s.kind for s in ce.steps].index("BP1"))
    assert "σ' cancels" in v.lines[0].note
    quadratic = Walk(index=0)
    v = view(quadratic.bp, [s.kind for s in quadratic.steps].index("BP1"))
    assert v.lines[1].lhs == "σ'(z^3_1)" and v.lines[0].forms[0] == "(a^3_1 − y_1) σ'(z^3_1)"


def test_picks_are_clamped_to_the_layer_and_remembered():
    walk = Walk(SETUPS["tanh-cross-entropy"], index=0)  # 2-4-1
    walk.pick(j=3, k=2)
    assert (walk.view(0).j, walk.view(0).k) == (3, None)            # z^1_3: layer 1 has 4 neurons
    assert walk.view(3).j == 1                                       # a^2: one output neuron
    bp4_1 = [(s.kind, s.layer) for s in walk.steps].index(("BP4", 1))
    assert (walk.view(bp4_1).j, walk.view(bp4_1).k) == (3, 2)
    assert walk.view(4).j is None                                    # the cost: no neuron
    with pytest.raises(ValueError, match="j"):
        walk.pick(j=0)


def test_next_back_and_replay():
    walk = Walk(index=4)
    first = walk.view()
    assert walk.at_start and not walk.back() and walk.position == 0
    seen = [walk.step]
    while walk.next():
        seen.append(walk.step)
    assert tuple(seen) == walk.steps and walk.at_end
    assert not walk.next() and walk.at_end
    assert walk.back() and walk.position == len(walk.steps) - 2
    walk.replay()
    assert walk.position == 0 and walk.index == 4 and walk.view() == first


def test_new_examples_are_drawn_from_the_seed_and_replay():
    one, two = Walk(), Walk()
    for _ in range(4):
        one.new_example()
        two.new_example()
    assert one.examples == two.examples and len(set(one.examples)) > 1
    assert Walk(Setup(example_seed=1)).examples[0] != one.examples[0] or \
        Walk(Setup(example_seed=2)).examples[0] != one.examples[0]
    one.next()
    one.new_example(7)
    assert one.index == 7 and one.position == 0
    x, y = one.x_all[:, [7]], one.y_all[:, [7]]
    assert np.array_equal(one.bp.x, x) and np.array_equal(one.bp.y, y)
    with pytest.raises(ValueError, match="index"):
        one.new_example(one.x_all.shape[1])


def test_the_picture_shows_what_the_step_has_computed():
    walk = Walk(index=2)
    g = walk.bp.grads
    pic = picture(walk.bp, 0)                                        # z^1
    assert [q for q, _ in pic.neurons] == ["a", "z", "z", "z"]
    assert np.array_equal(pic.neurons[1][1], g.z[1][:, 0]) and pic.neurons[2][1] is None
    assert all(q == "w" for q, _ in pic.edges[1:])
    bp1 = [s.kind for s in walk.steps].index("BP1")
    pic = picture(walk.bp, bp1)
    assert [values is None for _, values in pic.neurons[1:]] == [True, True, False]
    assert all(values is None for _, values in pic.edges[1:])
    bp4_3 = [(s.kind, s.layer) for s in walk.steps].index(("BP4", 3))
    pic = picture(walk.bp, bp4_3)
    assert np.array_equal(pic.edges[3][1], g.grad_w[3]) and pic.edges[2][1] is None
    pic = picture(walk.bp, len(walk.steps) - 2)                      # update of layer 2
    assert [q for q, _ in pic.edges[1:]] == ["new w", "new w", "∂C/∂w"]
    assert np.array_equal(pic.edges[2][1], walk.bp.net_after.w[2])
    assert pic.scale["δ"] == max(np.max(np.abs(g.delta[l])) for l in (1, 2, 3))


@pytest.mark.parametrize("changes, message", [
    (dict(sizes=(3, 2)), "sizes must be"), (dict(sizes=(2, 9, 1)), "sizes must be"),
    (dict(sizes=(2, 3, 3, 3, 3, 1)), "sizes must be"), (dict(hidden="softmax"), "hidden"),
    (dict(cost="hinge"), "cost"), (dict(dataset="mnist"), "dataset"), (dict(eta=-1.0), "eta"),
    (dict(cost="softmax_cross_entropy", sizes=(2, 3, 1)), "n_L must be 2"),
    (dict(dataset="spiral", sizes=(2, 3, 1)), "n_L must be 3"), (dict(n=2), "n"),
    (dict(seed=-1), "seed"), (dict(noise=3.0), "noise"),
])
def test_bad_setups_are_refused_with_a_reason(changes, message):
    with pytest.raises((ValueError, TypeError), match=message):
        Setup(**changes)


def test_number_formatting():
    assert number(-0.001234567) == "−0.001235" and number(2.0) == "2" and number(0.0) == "0"
    assert number(1.5e-7) == "1.500e−07" and number(123456.0) == "1.235e+05"


def test_steps_and_equations_import_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, bpcore.stepper as s; s.Walk(); "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
