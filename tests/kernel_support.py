"""Kernels for the tests that talk to them over Unix sockets (ZeroMQ's ``ipc``), not TCP ports.

Why: with the default TCP transport, jupyter_client picks a kernel's five ports by binding
port 0 and closing the socket, and the kernel binds them a moment later. Any other process
that takes a port in between (the other pytest-xdist worker starting its own kernel, a
JupyterLab or JupyterHub server, the browser) makes the kernel die at start with "Address
already in use"; the whole suite met this about once in ten runs. A socket file under a
folder of this run's own is taken by no one else, so the race is gone rather than retried.

- :class:`IpcKernelManager` and :class:`AsyncIpcKernelManager` are jupyter_client's
  managers with ``transport = "ipc"`` and a socket prefix of their own per kernel.
- :func:`use_ipc_kernels_in_nbval` makes nbval's kernels start that way; a test that runs
  nbclient's ``NotebookClient`` passes ``kernel_manager_class=AsyncIpcKernelManager``, and
  the nbgrader round trip sets it in its configuration (tests/handouts/grading_support.py).
- :data:`LAB_KERNEL_ARGS` and :func:`short_runtime_dir` do the same for a JupyterLab or
  JupyterHub server that the tests start: its kernels' sockets sit next to their
  connection files, in a runtime folder short enough for a socket's path (at most 107
  bytes on Linux).

The notebooks, ``start.sh`` and the class hub's own configuration keep Jupyter's defaults.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager, KernelManager
from traitlets import default

SOCKET_PATH_MAX = 107  # sun_path holds 108 bytes on Linux, the last one NUL
# The longest socket name a kernel gets under a runtime folder: kernel-<uuid>-ipc-<n>.
LONGEST_SOCKET_NAME = len(f"/kernel-{uuid.uuid4()}-ipc-99999")
LAB_KERNEL_ARGS = ["--KernelManager.transport=ipc"]  # for a JupyterLab or jupyterhub-singleuser command

_socket_dir: Path | None = None


def short_runtime_dir(prefix: str) -> Path:
    """A new, private folder in the system's temporary folder whose kernel sockets fit a
    socket's path; the caller removes it (``shutil.rmtree``). Raises RuntimeError, naming
    the folder, when the temporary folder's path is too long for that (set TMPDIR shorter)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if len(str(path)) + LONGEST_SOCKET_NAME > SOCKET_PATH_MAX:
        shutil.rmtree(path, ignore_errors=True)
        raise RuntimeError(
            f"the kernels' Unix sockets need a folder path of at most {SOCKET_PATH_MAX - LONGEST_SOCKET_NAME} "
            f"characters; the temporary folder gives {path} ({len(str(path))}); set TMPDIR to a shorter folder")
    return path


def socket_dir() -> Path:
    """This process's folder for in-process kernels' sockets, made on first use, removed at exit."""
    global _socket_dir
    if _socket_dir is None:
        _socket_dir = short_runtime_dir("bpcore-kernels-")
        atexit.register(shutil.rmtree, _socket_dir, True)
    return _socket_dir


def _socket_prefix() -> str:
    # each kernel a prefix of its own: two kernels starting at once never pick the same file
    return str(socket_dir() / uuid.uuid4().hex[:12])


class IpcKernelManager(KernelManager):
    """jupyter_client's KernelManager, talking to its kernel over Unix sockets of its own."""

    @default("transport")
    def _default_transport(self):
        return "ipc"

    @default("ip")
    def _default_ip(self):
        return _socket_prefix()


class AsyncIpcKernelManager(AsyncKernelManager):
    """jupyter_client's AsyncKernelManager (nbclient's default), over Unix sockets of its own."""

    @default("transport")
    def _default_transport(self):
        return "ipc"

    @default("ip")
    def _default_ip(self):
        return _socket_prefix()


def use_ipc_kernels_in_nbval() -> None:
    """Make nbval start its kernels with :class:`IpcKernelManager` (it builds
    ``KernelManager(...)`` from its own module's name and takes no configuration)."""
    import nbval.kernel

    nbval.kernel.KernelManager = IpcKernelManager
