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
  connection files, in a runtime folder short enough for a socket's path (107 bytes
  on Linux, 103 on macOS).

The notebooks, ``start.sh`` and the class hub's own configuration keep Jupyter's defaults.
"""

from __future__ import annotations

import atexit
import shutil
import stat
import sys
import tempfile
import uuid
from pathlib import Path

from jupyter_client.connect import port_names
from jupyter_client.manager import AsyncKernelManager, KernelManager
from traitlets import HasTraits, default

# sun_path holds 108 bytes on Linux and 104 on macOS and the BSDs, the last one NUL
SOCKET_PATH_MAX = 107 if sys.platform.startswith("linux") else 103
# The longest socket name a server's kernel gets in its runtime folder: kernel-<uuid>-ipc-<n>.
LAB_SOCKET_NAME = len(f"/kernel-{uuid.uuid4()}-ipc-99999")
# ... and an in-process kernel in socket_dir(): <12 hex digits>-<n>.
OWN_SOCKET_NAME = len(f"/{uuid.uuid4().hex[:12]}-99999")
LAB_KERNEL_ARGS = ["--KernelManager.transport=ipc"]  # for a JupyterLab or jupyterhub-singleuser command
# Code for a kernel to run: it prints the transport the kernel itself was given.
ASK_TRANSPORT = "import json, ipykernel.connect as c; print(json.loads(c.get_connection_info())['transport'])"

_socket_dir: Path | None = None


def short_runtime_dir(prefix: str, longest_name: int = LAB_SOCKET_NAME) -> Path:
    """A new, private folder for kernels' sockets whose names are up to ``longest_name``
    characters (with their leading "/" and any subfolder) and still fit a socket's path.
    It is made in the system's temporary folder, or in /tmp when that one's path is too long
    (macOS's is about 49 characters); the caller removes it (``shutil.rmtree``). Raises
    ValueError, with the lengths, when neither has room."""
    budget = SOCKET_PATH_MAX - longest_name
    for parent in dict.fromkeys([tempfile.gettempdir(), "/tmp"]):
        if len(str(Path(parent) / prefix)) + 8 <= budget and Path(parent).is_dir():  # mkdtemp adds 8 characters
            return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    raise ValueError(
        f"the kernels' Unix sockets need a folder of at most {budget} characters for their names of up to "
        f"{longest_name}; the temporary folder {tempfile.gettempdir()} ({len(tempfile.gettempdir())}) leaves "
        f"no room and /tmp is missing; set TMPDIR to a short folder")


def socket_dir() -> Path:
    """This process's folder for in-process kernels' sockets, made on first use, removed at exit."""
    global _socket_dir
    if _socket_dir is None:
        _socket_dir = short_runtime_dir("bpcore-kernels-", OWN_SOCKET_NAME)
        atexit.register(shutil.rmtree, _socket_dir, True)
    return _socket_dir


class _IpcTransport(HasTraits):
    """``transport = "ipc"`` by default and, over ipc, a socket prefix of each manager's own in
    :func:`socket_dir` (two kernels starting at once never pick the same file). A manager
    given ``transport="tcp"`` keeps jupyter_client's address."""

    @default("transport")
    def _default_transport(self):
        return "ipc"

    @default("ip")
    def _default_ip(self):
        if self.transport == "ipc":
            return str(socket_dir() / uuid.uuid4().hex[:12])
        return super()._ip_default()


class IpcKernelManager(_IpcTransport, KernelManager):
    """jupyter_client's KernelManager, talking to its kernel over Unix sockets of its own."""


class AsyncIpcKernelManager(_IpcTransport, AsyncKernelManager):
    """jupyter_client's AsyncKernelManager (nbclient's default), over Unix sockets of its own."""


def socket_paths(info: dict) -> list:
    """The five socket files of an ipc kernel, from its connection info (``ip`` is their prefix)."""
    return [Path(f"{info['ip']}-{info[name]}") for name in port_names]


def is_socket(path: Path) -> bool:
    """Whether ``path`` is a bound Unix socket."""
    return path.exists() and stat.S_ISSOCK(path.stat().st_mode)


def use_ipc_kernels_in_nbval() -> None:
    """Make nbval start its kernels with :class:`IpcKernelManager` (it builds
    ``KernelManager(...)`` from its own module's name and takes no configuration)."""
    import nbval.kernel

    nbval.kernel.KernelManager = IpcKernelManager
