"""Every kernel the tests start talks over Unix sockets of its own, not TCP ports.

A TCP port that jupyter_client picks for a kernel can be taken by another process before
the kernel binds it, and the kernel dies at start ("Address already in use"); with two
pytest-xdist workers starting kernels, the whole suite met this about once in ten runs.
tests/kernel_support.py gives nbval, nbclient, nbgrader, the explorer's kernel test and
the JupyterLab servers kernels over ``ipc`` instead. Each test here starts a kernel the
way one of them does and asks the kernel itself which transport it was given.
"""

from __future__ import annotations

import json
import stat
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests import kernel_support
from tests.kernel_support import SOCKET_PATH_MAX, AsyncIpcKernelManager

ASK = "import json, ipykernel.connect as c; print(json.loads(c.get_connection_info())['transport'])"
PORTS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


def _sockets(prefix: str, info: dict) -> list:
    return [Path(f"{prefix}-{info[name]}") for name in PORTS]


def _is_socket(path: Path) -> bool:
    return path.exists() and stat.S_ISSOCK(path.stat().st_mode)


def _one_cell(tmp_path) -> tuple:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ASK)])
    return nb, {"metadata": {"path": str(tmp_path)}}


def _printed(nb) -> str:
    return "".join(o.get("text", "") for o in nb.cells[0].outputs).strip()


def test_nbval_kernels_bind_unix_sockets_of_their_own_and_remove_them():
    from nbval.kernel import RunningKernel

    kernel = RunningKernel("python3")
    try:
        km = kernel.km
        info = km.get_connection_info()
        assert info["transport"] == "ipc"
        assert Path(km.ip).parent == kernel_support.socket_dir()
        sockets = _sockets(km.ip, info)
        assert all(_is_socket(p) for p in sockets), sockets  # bound by the kernel
        assert max(len(str(p)) for p in sockets) <= SOCKET_PATH_MAX
        msg_id = kernel.kc.execute(ASK)
        text = ""
        while True:
            msg = kernel.kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                text += msg["content"]["text"]
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        assert text.strip() == "ipc"  # what the kernel itself was given
    finally:
        kernel.stop()
    assert not any(p.exists() for p in sockets)


def test_two_kernels_started_together_get_different_sockets():
    from tests.kernel_support import IpcKernelManager

    first, second = IpcKernelManager(kernel_name="python3"), IpcKernelManager(kernel_name="python3")
    assert first.ip != second.ip  # a prefix each: neither can pick the other's file


def test_nbclient_with_the_ipc_manager_runs_its_kernel_over_unix_sockets(tmp_path):
    nb, resources = _one_cell(tmp_path)
    NotebookClient(nb, timeout=60, kernel_name="python3", resources=resources,
                   kernel_manager_class=AsyncIpcKernelManager).execute()
    assert _printed(nb) == "ipc"


def test_the_control_jupyter_clients_own_manager_would_use_tcp(tmp_path):
    """What the managers above change: the kernel is told the transport in its connection file."""
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(connection_file=str(tmp_path / "kernel.json"))
    km.write_connection_file()  # picks ports; starts no kernel
    try:
        assert json.loads((tmp_path / "kernel.json").read_text(encoding="utf-8"))["transport"] == "tcp"
    finally:
        km.cleanup_connection_file()


def test_nbgraders_execute_under_the_course_config_runs_over_unix_sockets(tmp_path):
    from tests.handouts.grading_support import load_course_config, nbgrader_or_skip

    nbgrader_or_skip()
    from bpcore.handouts.course import CONFIG_NAME
    from nbgrader.preprocessors import Execute

    (tmp_path / CONFIG_NAME).write_text("c = get_config()\n", encoding="utf-8")
    nb, resources = _one_cell(tmp_path)
    Execute(config=load_course_config(tmp_path)).preprocess(nb, resources)
    assert _printed(nb) == "ipc"


def test_a_lab_servers_kernels_bind_unix_sockets_in_its_runtime_folder(tmp_path):
    pytest.importorskip("jupyterlab")
    from tests.browser_support import LabServer

    with LabServer(tmp_path, []) as server:
        headers = {"Authorization": f"token {server.token}", "Content-Type": "application/json"}

        def call(method, path, body=None):
            request = urllib.request.Request(server.url + path, method=method, headers=headers,
                                             data=None if body is None else json.dumps(body).encode())
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"null")

        kernel = call("POST", "/api/kernels", {"name": "python3"})
        connection = server.runtime_dir / f"kernel-{kernel['id']}.json"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not connection.exists():
            time.sleep(0.2)
        info = json.loads(connection.read_text(encoding="utf-8"))
        assert info["transport"] == "ipc"
        sockets = _sockets(info["ip"], info)
        while time.monotonic() < deadline and not all(_is_socket(p) for p in sockets):
            time.sleep(0.2)
        assert all(_is_socket(p) for p in sockets), sockets
        assert all(p.parent == server.runtime_dir for p in sockets)
        call("DELETE", f"/api/kernels/{kernel['id']}")
    assert not server.runtime_dir.exists()  # the server's folder goes with it
