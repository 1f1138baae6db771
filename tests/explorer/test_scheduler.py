"""The scheduler on its own: ticks, cancelling, the hand-off to the home loop, errors. No ipywidgets."""

import ast
import asyncio
import threading
import time
from pathlib import Path

import pytest

from bpcore.explorer import scheduler as scheduler_module
from bpcore.explorer.scheduler import FrameTimer, Scheduler


def _counting_job(log, n):
    for i in range(n):
        log.append(i)
        yield


def test_modes_are_checked():
    with pytest.raises(ValueError, match="mode must be one of 'auto', 'async', 'sync'; got 'threads'"):
        Scheduler("threads")


def test_without_an_event_loop_a_job_runs_to_the_end_inside_start():
    changes, log = [], []
    s = Scheduler(on_change=lambda: changes.append(s.running))
    s.start(_counting_job(log, 5), "count")
    assert log == [0, 1, 2, 3, 4] and s.running is None
    assert changes == [None, "count", None]  # cancel the previous job, start, finish


def test_on_an_event_loop_a_job_runs_one_tick_per_turn_and_cancel_stops_it():
    async def scenario():
        s, log = Scheduler("async"), []
        s.start(_counting_job(log, 1000), "count")
        assert log == [0] and s.running == "count"  # the first tick runs at once, the rest later
        while len(log) < 5:
            await asyncio.sleep(0.001)
        s.cancel()
        stopped_at = len(log)
        await asyncio.sleep(0.02)
        return s, log, stopped_at

    s, log, stopped_at = asyncio.run(scenario())
    assert len(log) == stopped_at < 1000 and s.running is None


def test_a_new_job_cancels_the_running_one():
    async def scenario():
        s, first, second = Scheduler("async"), [], []
        s.start(_counting_job(first, 1000), "first")
        await asyncio.sleep(0.005)
        s.start(_counting_job(second, 3), "second")
        while s.running:
            await asyncio.sleep(0.001)
        n_first = len(first)
        await asyncio.sleep(0.01)
        return first, second, n_first

    first, second, n_first = asyncio.run(scenario())
    assert second == [0, 1, 2] and len(first) == n_first < 1000


def test_wait_runs_to_the_end_even_on_a_loop():
    async def scenario():
        s, log = Scheduler("async"), []
        s.start(_counting_job(log, 50), "count", wait=True)
        return s, log

    s, log = asyncio.run(scenario())
    assert len(log) == 50 and s.running is None


def test_async_mode_needs_an_event_loop():
    s, log = Scheduler("async"), []
    with pytest.raises(RuntimeError, match="needs a running event loop"):
        s.start(_counting_job(log, 3), "count")
    assert s.running is None and log == []


def test_a_callback_from_another_thread_runs_on_the_home_thread_between_ticks():
    async def scenario():
        s, seen, log = Scheduler("async"), [], []
        callback = s.guard(lambda *args: seen.append((threading.get_ident(), args)), "fixed")
        s.start(_counting_job(log, 1000), "count")
        clicker = threading.Thread(target=callback, args=("arg",))
        clicker.start()
        clicker.join()
        assert seen == []  # queued for the home loop, not run on the clicking thread
        while not seen:
            await asyncio.sleep(0.001)
        s.cancel()
        return seen

    home = threading.get_ident()
    assert asyncio.run(scenario()) == [(home, ("fixed", "arg"))]


def test_a_callback_on_the_home_thread_runs_at_once():
    seen = []
    Scheduler().guard(seen.append, 1)()
    assert seen == [1]


def test_a_callback_runs_where_it_arrives_once_the_home_loop_has_closed():
    async def make():
        return Scheduler("async")

    s = asyncio.run(make())  # its loop is closed now
    seen = []
    thread = threading.Thread(target=s.guard(lambda: seen.append(threading.get_ident())))
    thread.start()
    thread.join()
    assert len(seen) == 1 and seen[0] != threading.get_ident()


def test_an_exception_in_a_callback_is_logged_and_reported_never_printed(tmp_path, capsys):
    errors, log = [], tmp_path / "explorer.log"
    s = Scheduler(on_error=errors.append, log_path=log)

    def broken():
        raise RuntimeError("boom")

    s.guard(broken)()
    assert isinstance(s.last_error, RuntimeError) and errors == [s.last_error]
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and "boom" not in out.out + out.err
    text = log.read_text()
    assert "Traceback" in text and "RuntimeError: boom" in text and "in broken" in text


def test_an_exception_in_a_tick_stops_the_job_and_is_reported(tmp_path):
    errors = []
    s = Scheduler(on_error=errors.append, log_path=tmp_path / "log")

    def job():
        yield
        raise ValueError("bad tick")

    s.start(job(), "job")
    assert s.running is None and str(errors[0]) == "bad tick"


def test_a_failing_error_handler_or_log_still_keeps_the_notebook_clean(tmp_path, capsys):
    def handler(exc):
        raise KeyError("handler broke")

    s = Scheduler(on_error=handler, log_path=tmp_path / "no such folder" / "log")
    s.guard(lambda: 1 / 0)()
    assert isinstance(s.last_error, ZeroDivisionError)
    assert capsys.readouterr().err == ""


def test_frame_timer_spaces_frames_and_holds():
    """On a clock the test moves (seconds), so no load on the machine changes the answers."""
    now = [0.0]

    def drawing(seconds):
        return lambda: now.__setitem__(0, now[0] + seconds)

    timer = FrameTimer(interval=0.05, clock=lambda: now[0])
    assert timer.due() and timer.frames == 0
    timer.draw(drawing(0.001))
    assert timer.frames == 1 and timer.seconds == [pytest.approx(0.001)] and not timer.due()
    now[0] += 0.049
    assert not timer.due()
    now[0] += 0.002  # the interval after the end of the frame
    assert timer.due()
    timer.hold()
    assert not timer.due()
    timer.hold(False)
    assert timer.due()
    timer.draw(drawing(0.1))  # slow frames: at least twice their time between them
    now[0] += 0.19
    assert not timer.due()
    now[0] += 0.02
    assert timer.due()


def test_frame_timer_reads_the_real_clock_by_default():
    timer = FrameTimer(interval=0.05)
    timer.draw(lambda: time.sleep(0.001))
    assert timer.frames == 1 and timer.seconds[0] >= 0.001


def test_the_scheduler_knows_nothing_about_bpcore_or_ipywidgets():
    tree = ast.parse(Path(scheduler_module.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "a relative import reaches into bpcore"
            imported.add(node.module)
    assert imported and not any(name.startswith(("bpcore", "ipywidgets", "numpy", "matplotlib"))
                                for name in imported)
