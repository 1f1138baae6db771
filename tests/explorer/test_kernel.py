"""In a real Jupyter kernel, an exception inside an explorer callback never reaches the notebook.

ipykernel 7 forwards what the kernel process writes to its stderr (``sys.__stderr__``, file
descriptor 2) into the notebook as a stream output, so a traceback printed there would
reach the learner. This test starts a kernel with jupyter_client, builds an explorer in
it, breaks its drawing, and then changes a control the way JupyterLab does: a ``comm_msg``
to the slider's model, sent on the shell channel. Every message the kernel publishes is
collected; none may be an error, a stderr stream or contain a traceback, and the status
line must say where the details were written.
"""

import json
import queue
import time

import pytest

jupyter_client = pytest.importorskip("jupyter_client")

TIMEOUT = 60


@pytest.fixture(scope="module")
def kernel():
    from tests.kernel_support import IpcKernelManager  # over Unix sockets (see there why)

    km = IpcKernelManager(kernel_name="python3")
    km.start_kernel(env={"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"})
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _drain(kc, seconds):
    """Every iopub message for ``seconds``."""
    out, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            out.append(kc.get_iopub_msg(timeout=0.1))
        except queue.Empty:
            pass
    return out


def _run(kc, code):
    """Execute ``code``; return (stdout text, every iopub message until the kernel is idle)."""
    msg_id = kc.execute(code)
    messages, deadline = [], time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        messages.append(msg)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" \
                and msg["content"]["execution_state"] == "idle":
            break
    stdout = "".join(m["content"]["text"] for m in messages
                     if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
    return stdout, messages


def _leaks(messages):
    """The messages that would put an error or a traceback into the notebook."""
    bad = []
    for m in messages:
        kind, content = m["msg_type"], m["content"]
        if kind == "error" or (kind == "stream" and content.get("name") == "stderr") \
                or "Traceback" in json.dumps(content):
            bad.append((kind, str(content)[:300]))
    return bad


def _send_value(kc, model_id, value):
    """What JupyterLab sends when a control's value changes."""
    content = {"comm_id": model_id, "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}}
    kc.shell_channel.send(kc.session.msg("comm_msg", content))


SETUP = """
from bpcore.explorer import explorer
ex = explorer(n=60, width=6, epochs=30, log_path={log!r})
real_render, calls = ex.canvas.render, [0]

def flaky(*args):
    calls[0] += 1
    if calls[0] > {good_frames}:
        raise RuntimeError("boom in a callback")
    return real_render(*args)

ex.canvas.render = flaky
print(ex.controls["width"].model_id, ex.scheduler.mode, ex.scheduler._home_loop is not None)
"""


@pytest.mark.parametrize("good_frames", [0, 1], ids=["in-the-message-handler", "in-a-later-tick"])
def test_an_exception_in_a_callback_stays_out_of_the_notebook(kernel, tmp_path, good_frames):
    """The retrain's first frame is drawn inside the comm handler, its last in a tick on the event loop."""
    log = tmp_path / "explorer.log"
    out, messages = _run(kernel, SETUP.format(log=str(log), good_frames=good_frames))
    assert not _leaks(messages), _leaks(messages)
    model_id, mode, has_loop = out.split()
    assert mode == "auto" and has_loop == "True"  # ticks on the kernel's event loop, as in JupyterLab
    _send_value(kernel, model_id, 5)  # width 6 → 5: retrain, and drawing fails
    published = _drain(kernel, 3.0)
    assert not _leaks(published), _leaks(published)
    out, messages = _run(kernel, "print(ex.message); print(type(ex.last_error).__name__); print(ex.running)")
    assert not _leaks(messages)
    assert "Something went wrong: RuntimeError: boom in a callback" in out
    assert f"written to {log}" in out and out.split("\n")[1:3] == ["RuntimeError", "None"]
    out, _ = _run(kernel, "print(calls[0])")
    assert int(out) == good_frames + 1  # it failed where intended
    assert "Traceback" in log.read_text() and "boom in a callback" in log.read_text()
    _run(kernel, "ex.canvas.render = real_render")  # and it recovers
    _send_value(kernel, model_id, 4)
    _drain(kernel, 2.0)
    out, _ = _run(kernel, "print(ex.settings.width, ex.message.startswith('Done: 30 epochs'))")
    assert out.split() == ["4", "True"]
