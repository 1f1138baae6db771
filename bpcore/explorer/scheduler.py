"""Jobs run a tick at a time on the kernel's event loop; callbacks handed to that loop.

A widget callback runs inside the kernel and, while it runs, no other message
(a Pause click) is handled. So a long job never runs to the end inside a click:
it is a generator doing a little work per ``next()`` (a *tick*), and
:class:`Scheduler` calls one tick at a time with ``loop.call_later`` on the event
loop of the thread that made it (its *home*). Between ticks the kernel handles
widget messages, so a cancel or a new job acts within one tick.

JupyterLab 4 with ipykernel 7 may deliver widget messages on a kernel *subshell*
thread instead of the main one. :meth:`Scheduler.guard` hands such callbacks to
the home loop (``call_soon_threadsafe``), so only one thread ever touches the
state the jobs work on. Without a running loop (tests, plain Python) or in
``mode="sync"`` jobs run to the end inside the call.

An exception in a callback or a tick never reaches the notebook as a traceback
(ipykernel 7 forwards the kernel's stderr into the cell output): the traceback
goes to a log file and ``on_error`` turns the exception into a message. Warnings
raised there (numpy's overflow warnings, say) go to the same log, not to stderr.

:class:`FrameTimer` decides when the next frame may be drawn.

Knows nothing about bpcore or ipywidgets.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import threading
import time
import traceback
import warnings
from pathlib import Path
from typing import Callable, Optional

__all__ = ["MODES", "Scheduler", "FrameTimer"]

#: "async": ticks on the running event loop; "sync": jobs run to the end; "auto": async if a loop runs.
MODES = ("auto", "async", "sync")
DEFAULT_LOG = Path(tempfile.gettempdir()) / "bpcore-explorer.log"


class Scheduler:
    """Runs one job at a time, a tick per event-loop turn, on its home thread.

    Parameters
    ----------
    mode : one of :data:`MODES`
    on_error : callable(exception), optional
        Called (on the home thread) after an exception in a guarded callback or
        a tick; the running job is cancelled first.
    on_change : callable(), optional
        Called whenever :attr:`running` changes.
    log_path : path of the file tracebacks are appended to (default in the temporary folder)

    Attributes
    ----------
    running : str or None, the name of the running job
    last_error : the last exception caught, or None
    """

    def __init__(self, mode: str = "auto", on_error: Optional[Callable] = None,
                 on_change: Optional[Callable] = None, log_path=None):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}; got {mode!r}")
        if log_path is not None and not isinstance(log_path, (str, os.PathLike)):
            raise TypeError(f"log_path must be a file path (str or pathlib.Path) or None; got {log_path!r}")
        self.mode, self.on_error, self.on_change = mode, on_error, on_change
        self.log_path = Path(log_path) if log_path is not None else DEFAULT_LOG
        self.running = None
        self.last_error = None
        self._job = 0
        self._home_thread = threading.get_ident()
        try:
            self._home_loop = None if mode == "sync" else asyncio.get_running_loop()
        except RuntimeError:
            self._home_loop = None

    @property
    def home_loop(self):
        """The event loop the scheduler was made on (None in ``mode="sync"`` or outside a kernel)."""
        return self._home_loop

    def guard(self, fn: Callable, *args) -> Callable:
        """``fn(*args, *callback_args)`` as a callback: run on the home thread, errors reported.

        A call arriving on another thread is queued on the home loop and runs
        between two ticks; if that loop has closed, it runs where it arrived.
        """

        def run(*cb_args):
            try:
                with self._logging_warnings():
                    fn(*args, *cb_args)
            except Exception as exc:  # noqa: BLE001 - reported as a message, never a traceback
                self.report(exc)

        def wrapped(*cb_args):
            loop = self._home_loop
            if loop is not None and threading.get_ident() != self._home_thread:
                try:
                    loop.call_soon_threadsafe(run, *cb_args)
                    return
                except RuntimeError:  # the loop has closed (kernel shutting down)
                    pass
            run(*cb_args)

        return wrapped

    def _log(self, write) -> None:
        try:
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
                write(log)
        except OSError:
            pass  # no log is better than a traceback in the notebook

    @contextlib.contextmanager
    def _logging_warnings(self):
        """Warnings raised inside go to the log file, not to stderr (the notebook)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield
            finally:
                for w in caught:
                    self._log(lambda log, w=w: log.write(
                        warnings.formatwarning(w.message, w.category, w.filename, w.lineno)))

    def report(self, exc: Exception) -> None:
        """Log the traceback, cancel the running job and tell ``on_error``."""
        self.last_error = exc
        self._log(lambda log: traceback.print_exception(exc, file=log))
        self.cancel()
        if self.on_error is not None:
            try:
                self.on_error(exc)
            except Exception:  # noqa: BLE001 - the message itself failed; keep the notebook clean
                pass

    def cancel(self) -> None:
        """Stop the running job before its next tick."""
        self._job += 1
        self._set_running(None)

    def start(self, job, name: str, wait: bool = False) -> None:
        """Cancel the running job and start ``job`` (a generator): its first tick runs now.

        With ``wait=True``, in ``mode="sync"`` or without an event loop the job runs
        to the end before this returns; otherwise one tick per loop turn follows.
        """
        loop = None if wait else self._loop()
        self.cancel()
        jid = self._job
        self._set_running(name)
        if not self._tick(jid, job):
            return
        if loop is None:
            while self._tick(jid, job):
                pass
        else:
            self._schedule(loop, jid, job)

    def _set_running(self, name) -> None:
        self.running = name
        if self.on_change is not None:
            self.on_change()

    def _loop(self):
        if self.mode == "sync":
            return None
        if self._home_loop is not None and threading.get_ident() == self._home_thread:
            return self._home_loop
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            if self.mode == "async":
                raise RuntimeError("mode='async' needs a running event loop (a Jupyter kernel)") from None
            return None

    def _schedule(self, loop, jid, job) -> None:
        def later():
            if self._tick(jid, job):
                self._schedule(loop, jid, job)

        loop.call_later(0.001, later)

    def _tick(self, jid, job) -> bool:
        """One step of a job; True if there is more to do."""
        if jid != self._job:
            return False
        try:
            with self._logging_warnings():
                next(job)
            return jid == self._job
        except StopIteration:
            if jid == self._job:
                self._set_running(None)
            return False
        except Exception as exc:  # noqa: BLE001 - reported as a message, never a traceback
            self.report(exc)
            return False


class FrameTimer:
    """When the next frame may be drawn, and how long the frames took.

    At most one frame every ``interval`` seconds, and never more often than
    leaves 2/3 of the time for the work between frames.
    """

    def __init__(self, interval: float = 0.25, clock: Callable[[], float] = time.perf_counter):
        self.interval = interval
        self.clock = clock  # seconds, as time.perf_counter
        self.seconds = []  # drawing time of each frame
        self._next = 0.0

    @property
    def frames(self) -> int:
        return len(self.seconds)

    def due(self) -> bool:
        return self.clock() >= self._next

    def hold(self, held: bool = True) -> None:
        """Draw only when asked (a job run to the end inside one call), or from now on again."""
        self._next = float("inf") if held else 0.0

    def draw(self, fn: Callable) -> None:
        """Call ``fn()`` (which draws a frame) and time it."""
        t0 = self.clock()
        fn()
        t1 = self.clock()
        dt = t1 - t0
        self.seconds.append(dt)
        self._next = t1 + max(self.interval, 2 * dt)
