"""A real JupyterHub on 127.0.0.1 serving a class: for tests/test_hub.py and benchmarks/hub_learner_cost.py.

Follows the project's verified JupyterHub recipe: the class configuration
(hub/jupyterhub_config.py) loaded by tests/hub_test_config.py, JupyterHub from
this venv, configurable-http-proxy from hub/node_modules (``npm ci --prefix
hub``), the learners listed in learners.txt in the hub's folder (as the README
tells an instructor), three free loopback ports, a shared-password login, one
home per learner, an admin service token. Learners' servers are started through the
hub's REST API, in parallel. Kernels are driven over the hub's websocket
exactly as JupyterLab drives them. Only processes started here are stopped,
by PID, after the hub's own shutdown.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from tests.browser_support import free_port, write_lab_settings
from tests.kernel_support import LAB_SOCKET_NAME, short_runtime_dir

ROOT = Path(__file__).resolve().parent.parent
CLASS_CONFIG = ROOT / "hub" / "jupyterhub_config.py"
TEST_CONFIG = ROOT / "tests" / "hub_test_config.py"
PROXY = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
VENV_BIN = Path(sys.executable).parent
INSTALL_HINT = ("install the hub with `.venv/bin/pip install -r hub/requirements.txt` and "
                "`npm ci --prefix hub` (Node.js and npm from your system's packages)")
WAIT = 120  # seconds for any one step on a loaded 2-core machine
LEARNERS_FILE, LEARNERS_VARIABLE = "learners.txt", "BPCORE_HUB_LEARNERS"  # as in hub/jupyterhub_config.py


def missing() -> list:
    """What the hub needs and this machine lacks, each with how to install it."""
    problems = []
    for module in ("jupyterhub", "psutil", "requests", "websocket"):
        try:
            __import__(module)
        except ImportError:
            problems.append(f"the Python package {module} is missing: {INSTALL_HINT}")
    for program in ("jupyterhub", "jupyterhub-singleuser"):
        if not (VENV_BIN / program).exists():
            problems.append(f"{VENV_BIN / program} is missing: {INSTALL_HINT}")
    if not PROXY.exists():
        problems.append(f"configurable-http-proxy is missing ({PROXY}): {INSTALL_HINT}")
    if not any((Path(d) / "node").exists() for d in os.environ.get("PATH", "").split(os.pathsep) if d):
        problems.append("node is not on PATH: apt-get install nodejs npm (configurable-http-proxy runs on it)")
    return problems


class Hub:
    """JupyterHub serving ``learners`` (allowed users) from homes under ``tmp/users``.
    Use as a context manager; ``start_servers`` starts learners' servers."""

    def __init__(self, tmp: Path, learners):
        self.tmp = Path(tmp)
        self.learners = list(learners)
        self.state, self.users, self.run_dir = (self.tmp / n for n in ("state", "users", "run"))
        for folder in (self.state, self.users, self.run_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.password = secrets.token_hex(12)
        self.admin_token = secrets.token_hex(32)
        self.log_path = self.tmp / "jupyterhub.log"
        self.proc = None
        self.runtime_dir = None  # learners' kernels' connection files and Unix sockets, one folder each
        self.url = None
        self._tokens = {}
        self._seen = set()  # every pid started under the hub, for the final check

    # -- start and stop -------------------------------------------------------------------
    def __enter__(self):
        for learner in self.learners:  # no news toast, no kernel dialog (browser-test notes)
            write_lab_settings(self.users / learner / ".jupyter")
        (self.run_dir / LEARNERS_FILE).write_text(  # who may log in, as an instructor writes it
            "# the class\n" + "".join(f"{learner}\n" for learner in self.learners), encoding="utf-8")
        try:
            self._start()
        except RuntimeError:  # a free port taken meanwhile makes the hub exit at start: retry once
            self.stop()
            self._start()
        return self

    def _start(self):
        port, internal, proxy_api = free_port(), free_port(), free_port()
        if self.runtime_dir is None:  # a folder per learner in it (tests/hub_test_config.py)
            self.runtime_dir = short_runtime_dir(
                "bpcore-hub-", len(f"/{max(self.learners, key=len)}") + LAB_SOCKET_NAME)
        self.url = f"http://127.0.0.1:{port}"
        env = dict(os.environ)
        env.update({
            "HUB_CLASS_CONFIG": str(CLASS_CONFIG), "HUB_STATE_DIR": str(self.state),
            "HUB_USERS_DIR": str(self.users), "HUB_RUNTIME_DIR": str(self.runtime_dir),
            "HUB_PORT": str(port), "HUB_INTERNAL_PORT": str(internal), "HUB_PROXY_API_PORT": str(proxy_api),
            "HUB_LEARNER_PASSWORD": self.password, "HUB_ADMIN_TOKEN": self.admin_token,
            "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(32),
            "PATH": os.pathsep.join([str(VENV_BIN), str(PROXY.parent), env.get("PATH", "")]),
        })
        env.pop("MPLBACKEND", None)
        env.pop(LEARNERS_VARIABLE, None)  # the class config's default: learners.txt in the hub's folder
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(TEST_CONFIG)], cwd=self.run_dir,
                                     env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self._seen.add(self.proc.pid)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:  # CHP answers 404 until the hub has registered: wait for 200
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with code {self.proc.returncode}:\n{self.log()}")
            try:
                if self.api("GET", "/hub/api", timeout=2).status_code == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"JupyterHub did not answer /hub/api within {WAIT} s:\n{self.log()}")

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self) -> list:
        """Shut the hub down through its API (servers and proxy too), then make sure every
        process seen under it is gone. Returns the pids that had to be killed."""
        import psutil

        if self.proc is None:
            return []
        self._remember_processes()
        if self.proc.poll() is None:
            try:
                self.api("POST", "/hub/api/shutdown", json={"servers": True, "proxy": True}, timeout=10)
            except OSError:
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
        self._log.close()
        self.proc = None
        killed = []
        deadline = time.monotonic() + 15
        for pid in sorted(self._seen):
            try:
                survivor = psutil.Process(pid)
                survivor.wait(timeout=max(0.1, deadline - time.monotonic()))
            except psutil.NoSuchProcess:
                continue
            except psutil.TimeoutExpired:
                killed.append(pid)
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    try:
                        survivor.send_signal(sig)
                        survivor.wait(timeout=5)
                        break
                    except psutil.TimeoutExpired:
                        continue
                    except psutil.NoSuchProcess:
                        break
        shutil.rmtree(self.runtime_dir, ignore_errors=True)
        self.runtime_dir = None
        return killed

    def _remember_processes(self):
        import psutil

        if self.proc is not None and self.proc.poll() is None:
            try:
                self._seen.update(p.pid for p in psutil.Process(self.proc.pid).children(recursive=True))
            except psutil.NoSuchProcess:
                pass

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-200_000:]
        except OSError:
            return ""

    # -- REST -----------------------------------------------------------------------------
    def api(self, method: str, path: str, token: str = None, **kwargs):
        """An HTTP request to the hub's public address (through CHP). Admin token by default."""
        import requests

        headers = {"Authorization": f"token {token or self.admin_token}", **kwargs.pop("headers", {})}
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        return requests.request(method, self.url + path, headers=headers, **kwargs)

    def token(self, learner: str) -> str:
        """An API token of ``learner``'s own (the learner's scopes, nothing more)."""
        if learner not in self._tokens:
            r = self.api("POST", f"/hub/api/users/{learner}/tokens", json={"note": "test", "expires_in": 3600})
            assert r.status_code == 201, (r.status_code, r.text)
            self._tokens[learner] = r.json()["token"]
        return self._tokens[learner]

    def start_servers(self, learners) -> dict:
        """Start these learners' servers in parallel; return {learner: seconds to ready}."""
        times, errors = {}, {}

        def one(learner):
            t0 = time.monotonic()
            try:
                self._start_server(learner)
                times[learner] = time.monotonic() - t0
            except BaseException as exc:  # noqa: BLE001 - reported below with the hub log
                errors[learner] = exc

        threads = [threading.Thread(target=one, args=(learner,)) for learner in learners]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise RuntimeError(f"servers did not start: {errors!r}\n{self.log()}")
        self._remember_processes()
        return times

    def _start_server(self, learner):
        r = self.api("POST", f"/hub/api/users/{learner}/server", timeout=WAIT)
        if r.status_code not in (201, 202):
            raise RuntimeError(f"starting {learner}'s server answered {r.status_code}: {r.text}")
        deadline = time.monotonic() + WAIT
        while not self.user(learner)["servers"].get("", {}).get("ready"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{learner}'s server was not ready within {WAIT} s")
            time.sleep(0.3)
        r = self.api("GET", f"/user/{learner}/api/status", token=self.token(learner))
        if r.status_code != 200:
            raise RuntimeError(f"{learner}'s server answered {r.status_code} to its own token")

    def login_session(self, learner: str, password: str = None, follow: bool = True):
        """A requests.Session that has logged ``learner`` in through the hub's login form and
        followed the redirects (OAuth included) to the learner's JupyterLab, which starts the
        learner's server; with ``follow=False`` only the login form's own answer. Returns
        (session, the final response)."""
        import re

        import requests

        session = requests.Session()
        form = session.get(self.url + "/hub/login", timeout=60)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text)
        data = {"username": learner, "password": password or self.password, **({"_xsrf": xsrf.group(1)} if xsrf else {})}
        landed = session.post(self.url + "/hub/login", data=data, timeout=WAIT, allow_redirects=follow)
        return session, landed

    def stop_server(self, learner):
        r = self.api("DELETE", f"/hub/api/users/{learner}/server", timeout=WAIT)
        if r.status_code not in (202, 204):
            raise RuntimeError(f"stopping {learner}'s server answered {r.status_code}: {r.text}")
        deadline = time.monotonic() + WAIT
        while self.user(learner)["servers"]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{learner}'s server did not stop within {WAIT} s")
            time.sleep(0.3)

    def user(self, learner: str) -> dict:
        r = self.api("GET", f"/hub/api/users/{learner}")
        assert r.status_code == 200, (r.status_code, r.text)
        return r.json()

    def server_pid(self, learner: str) -> int:
        return self.user(learner)["servers"][""]["state"]["pid"]

    def learner_processes(self, learner: str) -> list:
        """psutil processes of the learner's server and everything under it (the kernels)."""
        import psutil

        server = psutil.Process(self.server_pid(learner))
        children = server.children(recursive=True)
        self._seen.update(p.pid for p in [server, *children])
        return [server, *children]

    def home(self, learner: str) -> Path:
        return self.users / learner


class Kernel:
    """A kernel of ``learner``'s server, started like JupyterLab does (a session for a
    notebook path, so it runs in the notebook's folder) and driven over the websocket."""

    def __init__(self, hub: Hub, learner: str, path: str, token: str = None):
        import websocket

        self.hub, self.learner, self.token = hub, learner, token or hub.token(learner)
        r = hub.api("POST", f"/user/{learner}/api/sessions", token=self.token,
                    json={"path": path, "name": path, "type": "notebook", "kernel": {"name": "python3"}})
        assert r.status_code == 201, (r.status_code, r.text)
        self.session_id, self.id = r.json()["id"], r.json()["kernel"]["id"]
        ws_url = hub.url.replace("http://", "ws://") + f"/user/{learner}/api/kernels/{self.id}/channels"
        self.ws = websocket.create_connection(ws_url, header=[f"Authorization: token {self.token}"], timeout=WAIT)
        self.session = uuid.uuid4().hex

    def execute(self, code: str, timeout: float = WAIT) -> list:
        """Run ``code``; return its outputs as nbformat-like dicts (stream, error, display data)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.learner, "session": self.session,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        outputs, deadline = [], time.monotonic() + timeout
        while True:
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id or msg.get("channel") != "iopub":
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content["execution_state"] == "idle":
                return outputs
            if kind == "stream":
                outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
            elif kind == "error":
                outputs.append({"output_type": "error", "ename": content["ename"], "evalue": content["evalue"]})
            elif kind in ("display_data", "execute_result"):
                outputs.append({"output_type": kind, "data": content["data"]})

    def close(self):
        self.ws.close()
        self.hub.api("DELETE", f"/user/{self.learner}/api/sessions/{self.session_id}", token=self.token)


def stdout_of(outputs) -> str:
    return "".join(o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == "stdout")


def login(page, hub: Hub, learner: str) -> None:
    """Log ``learner`` in through the hub's own login form (the OAuth redirects follow)."""
    page.goto(hub.url + "/hub/login")
    page.fill("#username_input", learner)
    page.fill("#password_input", hub.password)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{learner}/lab**")
