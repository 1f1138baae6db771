"""Every kernel the tests start talks over Unix sockets of its own, not TCP ports.

A TCP port that jupyter_client picks for a kernel can be taken by another process before
the kernel binds it, and the kernel dies at start ("Address already in use"); with two
pytest-xdist workers starting kernels, the whole suite met this about once in ten runs.
tests/kernel_support.py gives nbval, nbclient, nbgrader, the explorer's kernel test, the
JupyterLab servers and the test hub kernels over ``ipc`` instead. The tests here start
kernels as nbval and nbclient do and ask the kernel itself which transport it was given,
and check that no test starts a kernel any other way. nbgrader's kernels are checked in
tests/handouts/test_grading_kernels.py, a Lab server's in tests/test_lab_kernels.py and the
hub learners' in tests/test_hub.py (those run on the main Python only).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests import kernel_support
from tests.kernel_support import ASK_TRANSPORT, SOCKET_PATH_MAX, AsyncIpcKernelManager, is_socket, socket_paths


def _one_cell(tmp_path) -> tuple:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ASK_TRANSPORT)])
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
        sockets = socket_paths(info)
        assert all(is_socket(p) for p in sockets), sockets  # bound by the kernel
        assert max(len(str(p)) for p in sockets) <= SOCKET_PATH_MAX
        msg_id = kernel.kc.execute(ASK_TRANSPORT)
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


def test_two_managers_get_different_socket_prefixes():
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


TESTS = Path(__file__).resolve().parent
KERNEL_STARTERS = {"NotebookClient", "KernelManager", "AsyncKernelManager", "RunningKernel", "start_new_kernel"}


def test_no_test_starts_a_kernel_over_tcp():
    """Every NotebookClient a test builds names the ipc manager, and no test builds jupyter_client's
    own managers or nbval's kernel (the control above and tests/kernel_support.py aside)."""
    found, wrong = 0, []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == "kernel_support.py" or "fixtures" in path.parts:  # fixtures: a maintainer's builder
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in KERNEL_STARTERS:
                continue
            found += 1
            where = f"{path.relative_to(TESTS)}:{node.lineno}"
            if name == "NotebookClient":
                manager = next((k.value for k in node.keywords if k.arg == "kernel_manager_class"), None)
                if getattr(manager, "id", None) != "AsyncIpcKernelManager":
                    wrong.append(where)
            elif not (path == Path(__file__).resolve() and name in {"AsyncKernelManager", "RunningKernel"}):
                wrong.append(where)
    assert found >= 4  # the scan sees the calls it is about
    assert wrong == [], f"kernels started without the ipc manager (tests/kernel_support.py): {wrong}"
