"""JupyterHub for a class working through the series.

Run it as root from a folder for the hub's own state (its database and cookie
secret), with the venv of a checkout that has requirements.txt and
hub/requirements.txt installed and ``npm ci --prefix hub`` done::

    cd /srv/bpcore-hub && /opt/bpcore/.venv/bin/jupyterhub -f /opt/bpcore/hub/jupyterhub_config.py

What this file sets; everything else is JupyterHub's default, which a class
adapts (see the README's "For a class"): the authenticator (default: the
machine's Unix accounts, PAM), the spawner (default: each learner's server
runs as that learner's Unix user, in their home), the address (default: all
interfaces, port 8000; put HTTPS in front, or set ``ssl_cert``/``ssl_key``).

* Each learner's server is this checkout's venv, so every kernel imports bpcore.
* Before the server starts, the learner's own process runs
  ``tools/learner_copy.py ~/my-notebooks``: the series is copied into the
  learner's home once; later starts only add notebooks the series gained and
  never overwrite the learner's files (the same tool start.sh uses).
* The server opens notebook 00 of that copy; the copy is its root folder.
* JupyterLab asks no questions (no news, no update checks, extensions read-only),
  and a kernel idle for an hour is shut down so forgotten kernels do not pile up.
"""

import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LEARNER_COPY = "~/my-notebooks"

c.Spawner.cmd = [sys.executable, str(ROOT / "tools" / "learner_copy.py"), LEARNER_COPY, "--",
                 str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = LEARNER_COPY
c.Spawner.default_url = "/lab/tree/00_start_here.ipynb"
c.Spawner.args = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
    "--MappingKernelManager.cull_idle_timeout=3600",
    "--MappingKernelManager.cull_interval=300",
]
c.Spawner.start_timeout = 120  # a class logging in at once starts many servers on few cores
c.Spawner.http_timeout = 90

_proxy = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
if _proxy.exists():  # installed by `npm ci --prefix hub`; otherwise JupyterHub looks on PATH
    c.ConfigurableHTTPProxy.command = [str(_proxy)]
