"""JupyterHub for a class working through the series.

Run it as root from a folder for the hub's own state (its database, cookie
secret and the list of learners), with the venv of a checkout that has
requirements.txt and hub/requirements.txt installed and ``npm ci --prefix hub``
done (Node.js 22.12 or newer; the README says why)::

    cd /srv/bpcore-hub && /opt/bpcore/.venv/bin/jupyterhub -f /opt/bpcore/hub/jupyterhub_config.py

What this file sets (the README's "For a class" says how to change each):

* Who may log in: the usernames in ``learners.txt`` in the folder the hub starts
  in, one per line (``#`` starts a comment), or in the file that the environment
  variable BPCORE_HUB_LEARNERS names; read at each start, and only they (and
  admin_users) may log in. The list is checked at login, not at each request:
  a name taken off it stops new logins only, and a learner already logged in
  keeps a valid cookie (14 days by default); the README says how to remove
  someone fully. Without that file the hub does not start, and says what to
  create. BPCORE_HUB_LEARNERS=none leaves it to a config of your own
  (``allowed_users``, ``allowed_groups``, ``allow_all``).
* The address: http://127.0.0.1:8000, this machine only. Open it to the class
  over HTTPS only: a TLS proxy in front, or ``bind_url`` with ``ssl_cert`` and
  ``ssl_key`` in a config of your own.
* Each learner's server is this checkout's venv, so every kernel imports bpcore.
  With JupyterHub's default spawner that server runs as the learner's Unix user,
  so the venv's python and the checkout must be readable (and the python
  executable) by every user: the hub warns at start-up if they are not.
* Before the server starts, the learner's own process runs
  ``tools/learner_copy.py ~/my-notebooks``: the series is copied into the
  learner's home once; later starts only add notebooks the series gained and
  never overwrite the learner's files (the same tool start.sh uses).
* The server opens notebook 00 of that copy; the copy is its root folder.
* JupyterLab asks no questions (no news, no update checks, extensions
  read-only) and has no terminals, which the series does not need. That is not
  a security boundary: a kernel runs shell commands as the same user a terminal
  would (with a spawner that runs every server as the hub's user, root).
* Culling: a kernel idle for an hour is shut down, even while its notebook is
  open in a tab (the notebook stays saved; its variables are gone); a server
  with no kernels and no requests for an hour stops itself.

Everything else is JupyterHub's default: the authenticator (the machine's Unix
accounts, PAM) and the spawner (each learner's server runs as that learner's
Unix user, in their home).
"""

import logging
import os
import stat
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LEARNER_COPY = "~/my-notebooks"
LEARNERS_VARIABLE = "BPCORE_HUB_LEARNERS"
LEARNERS_FILE = "learners.txt"  # in the folder the hub starts in, beside its database
LEAVE_IT_TO_MY_CONFIG = "none"
KERNEL_IDLE_SECONDS = 3600   # a kernel with no activity for this long is shut down, tab open or not
CULL_EVERY_SECONDS = 300     # how often the server looks for such kernels
SERVER_IDLE_SECONDS = 3600   # a server with no kernels and no requests for this long stops itself
log = logging.getLogger("JupyterHub")


def learners_file(environ=os.environ, cwd=None):
    """The file that lists who may log in, or None when BPCORE_HUB_LEARNERS=none."""
    named = environ.get(LEARNERS_VARIABLE, "").strip()
    if named.lower() == LEAVE_IT_TO_MY_CONFIG:
        return None
    return Path(cwd or os.getcwd()) / (Path(named).expanduser() if named else LEARNERS_FILE)


def read_learners(path: Path) -> set:
    """The usernames in ``path``: one per line; blank lines and ``#`` comments are skipped.
    Raises SystemExit with what to create or fix, so the hub does not start without a list."""
    how = (f"Write the username of each learner on a line of its own in {path} "
           f"(the names they log in with; '#' starts a comment), or set {LEARNERS_VARIABLE} to the path "
           f"of such a file. If a config of your own decides who may log in (allowed_users, "
           f"allowed_groups, allow_all), set {LEARNERS_VARIABLE}={LEAVE_IT_TO_MY_CONFIG}.")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SystemExit(f"bpcore class hub: nobody could log in: there is no list of learners, {path}. "
                         f"{how}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SystemExit(f"bpcore class hub: cannot read the list of learners {path}: {exc}. {how}") from None
    names = set()
    for number, line in enumerate(text.splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        if len(name.split()) > 1:
            raise SystemExit(f"bpcore class hub: {path}, line {number}: expected one username, "
                             f"got {name!r}. {how}")
        names.add(name)
    if not names:
        raise SystemExit(f"bpcore class hub: nobody could log in: {path} lists no username. {how}")
    return names


def blocked_for_others(path: Path, execute: bool = False):
    """Why a user other than the owner cannot read (and, with ``execute``, run) ``path``, or None.

    Follows symbolic links; every folder on the way needs search permission (x) for others,
    the file itself read permission (r) and, with ``execute``, x for others."""
    given = path = Path(os.path.abspath(path))
    seen = set()

    def why(text):
        return (f"{given} is a link to {path}, and " if path != given else "") + text

    while True:
        for folder in reversed(path.parents):
            try:
                mode = folder.stat().st_mode
            except OSError as exc:
                return why(f"{folder} cannot be inspected ({exc.strerror})")
            if not mode & stat.S_IXOTH:
                return why(f"the folder {folder} is {stat.filemode(mode)}: other users cannot enter it")
        try:
            info = path.lstat()
        except OSError as exc:
            return why(f"{path} cannot be inspected ({exc.strerror})")
        if not stat.S_ISLNK(info.st_mode):
            break
        if path in seen:
            return why(f"{path} is a loop of symbolic links")
        seen.add(path)
        path = Path(os.path.abspath(path.parent / os.readlink(path)))
    needed = stat.S_IROTH | (stat.S_IXOTH if execute else 0)
    if info.st_mode & needed != needed:
        return why(f"{path} is {stat.filemode(info.st_mode)}: other users cannot {'run' if execute else 'read'} it")
    return None


def warn_if_learners_cannot_run_the_venv(python=sys.executable, root=ROOT, warn=log.warning):
    """At start-up: a warning naming the first thing other users cannot reach. Returns the problems."""
    problems = [p for p in (blocked_for_others(Path(python), execute=True),
                            blocked_for_others(Path(root) / "tools" / "learner_copy.py")) if p]
    if problems:
        warn("bpcore class hub: with JupyterHub's default spawner each learner's server runs as that "
             "learner's Unix user, so it would not start: %s. Every user must be able to run the venv's "
             "python, %s, and to read the checkout, %s. Put the checkout and its venv in a "
             "folder everyone can read, e.g. /opt/bpcore, with a venv made from a Python every user may run "
             "(the system's /usr/bin/python3, not one under /root); `chmod -R a+rX /opt/bpcore` fixes the "
             "modes. A spawner that runs every server as the hub's own user does not need this.",
             "; ".join(problems), python, root)
    return problems


_learners = learners_file()
if _learners is not None:
    c.Authenticator.allowed_users = read_learners(_learners)
    c.Authenticator.allow_existing_users = False  # the file is the list: a name taken out of it cannot log in again
    log.info("bpcore class hub: %d learner(s) may log in, from %s", len(c.Authenticator.allowed_users), _learners)
warn_if_learners_cannot_run_the_venv()

c.JupyterHub.bind_url = "http://127.0.0.1:8000"  # this machine only; the README says how to open it

c.Spawner.cmd = [sys.executable, str(ROOT / "tools" / "learner_copy.py"), LEARNER_COPY, "--",
                 str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = LEARNER_COPY
c.Spawner.default_url = "/lab/tree/00_start_here.ipynb"
c.Spawner.args = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
    "--ServerApp.terminals_enabled=False",
    f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE_SECONDS}",
    f"--MappingKernelManager.cull_interval={CULL_EVERY_SECONDS}",
    "--MappingKernelManager.cull_connected=True",
    f"--ServerApp.shutdown_no_activity_timeout={SERVER_IDLE_SECONDS}",
]
c.Spawner.start_timeout = 120  # a class logging in at once starts many servers on few cores
c.Spawner.http_timeout = 90

_proxy = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
if _proxy.exists():  # installed by `npm ci --prefix hub`; otherwise JupyterHub looks on PATH
    c.ConfigurableHTTPProxy.command = [str(_proxy)]
