"""A JupyterLab server the tests start gives its kernels Unix sockets in its own runtime folder.

tests/browser_support.py's LabServer passes ``--KernelManager.transport=ipc`` and a short
runtime folder (tests/kernel_support.py says why). This starts one, starts a kernel through
its REST API, as JupyterLab does, and finds the kernel's sockets bound there. It starts a
server, so it runs on the main Python only (noxfile.MAIN_PYTHON_ONLY).
"""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from tests.kernel_support import is_socket, socket_paths


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
        sockets = socket_paths(info)
        while time.monotonic() < deadline and not all(is_socket(p) for p in sockets):
            time.sleep(0.2)
        assert all(is_socket(p) for p in sockets), sockets
        assert all(p.parent == server.runtime_dir for p in sockets)
        call("DELETE", f"/api/kernels/{kernel['id']}")
