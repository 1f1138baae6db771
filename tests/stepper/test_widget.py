"""The stepper widget driven through its handlers (no browser): buttons, picker, example field, errors.

Expected numbers come from an independent :class:`bpcore.stepper.Walk` on the same set-up,
whose own values the tests in test_steps.py compare with bpcore.
"""

import asyncio
import re
import threading

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from bpcore.stepper import Setup, Stepper, Walk, number, stepper  # noqa: E402
from bpcore.stepper.widget import KEYBOARD_HELP, maths_html  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def st(tmp_path):
    return stepper(index=5, log_path=tmp_path / "stepper.log")


def _press(st, name, times=1):
    for _ in range(times):
        st.buttons[name].click()


def _shown_value(st) -> str:
    return re.search(r"class='bp-stepper-value'>([^<]*)<", st.equation.value).group(1)


def test_one_call_opens_the_stepper_at_its_first_step(st):
    assert isinstance(st, Stepper) and st.walk.index == 5 and st.walk.position == 0
    assert bytes(st.plot.value).startswith(PNG)
    assert "<b>Step 1 of 19</b> · forward · z, layer 1" == st.progress.value
    assert KEYBOARD_HELP in st.status.value
    assert "z<sup>1</sup><sub>1</sub> = w<sup>1</sup><sub>11</sub> a<sup>0</sup><sub>1</sub>" in st.equation.value
    bundle = st._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Stepper(2-3-3-2 sigmoid, quadratic cost")


def test_widgets_have_stable_class_names_and_are_plain_focusable_controls(st):
    for name in ("back", "next", "replay", "new"):
        assert f"bp-stepper-{name}" in st.buttons[name]._dom_classes
        assert isinstance(st.buttons[name], W.Button)
    for widget, name in ((st.pick_j, "j"), (st.pick_k, "k"), (st.index, "index"), (st.plot, "plot"),
                         (st.equation, "equation"), (st.check, "check"), (st.status, "status"),
                         (st.progress, "progress")):
        assert f"bp-stepper-{name}" in widget._dom_classes
    assert "bp-stepper" in st.box._dom_classes


def test_next_and_back_walk_through_the_pass_showing_each_value_and_its_check(st):
    walk = Walk(Setup(), index=5)
    for position in range(len(walk.steps)):
        v = walk.view(position)
        assert st.walk.position == position
        assert _shown_value(st) == number(v.value)
        if v.numeric is None:
            assert "bp-stepper-fd" not in st.check.value and "bp-stepper-nocheck" in st.check.value
        else:
            assert f"<span class='bp-stepper-fd'>{number(v.numeric)}</span>" in st.check.value
            assert "agrees ✓" in st.check.value
        _press(st, "next")
    assert st.walk.at_end and "last step" in st.status.value
    assert not st.buttons["next"].disabled  # a disabled button would drop the keyboard focus
    _press(st, "back", 3)
    assert st.walk.position == len(walk.steps) - 4


def test_back_at_the_start_and_replay(st):
    _press(st, "back")
    assert st.walk.position == 0 and "first step" in st.status.value and not st.buttons["back"].disabled
    _press(st, "next", 9)
    shown = _shown_value(st)
    _press(st, "replay")
    assert st.walk.position == 0 and st.walk.index == 5 and "Replaying example 5" in st.status.value
    _press(st, "next", 9)
    assert _shown_value(st) == shown


def test_new_example_follows_the_seeded_sequence(st):
    walk = Walk(Setup(), index=5)
    _press(st, "next", 4)
    _press(st, "new", 2)
    walk.new_example()
    walk.new_example()
    assert st.walk.examples == walk.examples and st.walk.position == 0
    assert st.index.value == walk.index and f"example {walk.index} of moons" in st.title.value
    st.index.value = 11
    assert st.walk.index == 11 and st.walk.position == 0


def test_the_picker_follows_the_layer_and_rewrites_the_equation(st):
    _press(st, "next", 8)                                   # BP2 at layer 2: 3 neurons
    assert [v for _, v in st.pick_j.options] == [1, 2, 3] and st.pick_k.disabled and not st.pick_j.disabled
    st.pick_j.value = 3
    assert st.walk.j == 3 and "δ<sup>2</sup><sub>3</sub> = (w<sup>3</sup><sub>13</sub>" in st.equation.value
    picked = Walk(Setup(), index=5)
    picked.pick(j=3)
    assert _shown_value(st) == number(picked.view(8).value)
    _press(st, "next", 3)                                   # BP4 at layer 3: 2 neurons, k from 3
    assert [v for _, v in st.pick_j.options] == [1, 2] and st.pick_j.value == 2 and not st.pick_k.disabled
    st.pick_k.value = 3
    assert "∂C/∂w<sup>3</sup><sub>23</sub>" in st.equation.value
    _press(st, "back", 5)                                   # the cost: nothing to pick
    assert st.walk.step.kind == "cost" and st.pick_j.disabled and st.pick_k.disabled
    expected = Walk(Setup(), index=5)
    expected.pick(3, 3)
    assert st.view == expected.view(st.walk.position)


def test_a_revisited_step_is_not_drawn_again(st, monkeypatch):
    calls = []
    render = st.diagram.render
    monkeypatch.setattr(st.diagram, "render", lambda *a: calls.append(1) or render(*a))
    _press(st, "next")
    _press(st, "back")
    _press(st, "next")
    assert len(calls) == 1


def test_the_next_frame_is_drawn_ahead_on_the_event_loop(tmp_path):
    async def scenario():
        st = stepper(index=5, log_path=tmp_path / "log")
        await asyncio.sleep(0.01)                 # the loop draws step 2 while step 1 is read
        calls = []
        render = st.diagram.render
        st.diagram.render = lambda *a: calls.append(1) or render(*a)
        st.buttons["next"].click()
        await asyncio.sleep(0.01)
        return st, calls

    st, calls = asyncio.run(scenario())
    assert st.walk.position == 1 and len(calls) == 1      # step 2 came from the cache; step 3 drawn ahead
    assert (5, 2, 1, None) in st._frames and st.last_error is None


def test_a_move_clears_the_message_of_the_end(st):
    _press(st, "back")
    assert "first step" in st.status.value
    _press(st, "next")
    assert "first step" not in st.status.value and st.walk.position == 1


def test_an_error_in_a_callback_is_a_message_and_its_traceback_goes_to_the_log(st, tmp_path, capsys, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(st.walk, "next", broken)
    _press(st, "next")
    assert isinstance(st.last_error, RuntimeError)
    assert "Something went wrong: RuntimeError: boom" in st.status.value and "Traceback" not in st.status.value
    assert "bp-stepper-error" in st.status.value
    log = (tmp_path / "stepper.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "boom" in log
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    monkeypatch.undo()
    _press(st, "next")
    assert st.walk.position == 1  # it goes on after the error


def test_a_click_from_another_thread_is_handed_to_the_home_loop(tmp_path):
    ran_on = []

    async def scenario():
        st = stepper(index=5, log_path=tmp_path / "log")
        step = st.walk.next
        st.walk.next = lambda: ran_on.append(threading.get_ident()) or step()
        other = threading.Thread(target=st.buttons["next"].click)
        other.start()
        other.join()
        assert st.walk.position == 0  # not run on the subshell-like thread
        for _ in range(100):
            if st.walk.position == 1:
                break
            await asyncio.sleep(0.005)
        return st

    st = asyncio.run(scenario())
    assert st.walk.position == 1 and ran_on == [threading.get_ident()] and st.last_error is None


def test_stepper_takes_setup_fields_and_refuses_others():
    st = stepper(sizes=(2, 4, 1), hidden="tanh", cost="cross_entropy", index=0)
    assert st.walk.setup.sizes == (2, 4, 1) and st.walk.net.hidden == "tanh"
    with pytest.raises(TypeError, match="unknown settings"):
        stepper(width=3)
    with pytest.raises(ValueError, match="sizes"):
        stepper(sizes=(3, 2))


def test_the_static_figure_is_the_strip_of_the_current_example(st):
    fig = st.figure()
    assert len([ax for ax in fig.axes if ax.get_title()]) == 6


def test_maths_html_escapes_and_sets_indices():
    assert maths_html("δ^2_1 < (w^3)^T") == "δ<sup>2</sup><sub>1</sub> &lt; (w<sup>3</sup>)<sup>T</sup>"
