"""A private JupyterLab server and headless Chromium for the real-browser test.

Follows the recipe in the project's browser-test notes: JupyterLab on
127.0.0.1 with a random token, a temporary COPY of the notebooks as its root
(autosave writes into the files), temporary JUPYTER_* and IPython folders,
user settings that stop the news toast and the kernel dialog, Debian's
/usr/bin/chromium driven by Playwright through ``executable_path`` (never
``playwright install``). Only processes started here are stopped, by PID.

The rule for a machine without a browser (:func:`require_browser`): the test
skips, saying how to install what is missing, except in CI (``CI=true``), where
it fails, so a CI run can never pass by skipping the browser.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-extensions",
]
INSTALL_HINT = "install it with `apt-get install chromium` (Debian/Ubuntu); never `playwright install`"


def require_browser():
    """The path of Chromium, or skip (fail under CI=true) saying what is missing and how to get it."""
    import pytest

    problems = []
    chromium = find_chromium()
    if chromium is None:
        problems.append(f"Chromium not found: {INSTALL_HINT}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is missing: pip install -r requirements.txt")
    if problems:
        message = "; ".join(problems)
        if os.environ.get("CI") == "true":
            pytest.fail(f"real-browser test cannot run in CI: {message}", pytrace=False)
        pytest.skip(message)
    return chromium


def save_screenshot(page, label: str) -> Path:
    """A screenshot of the whole page, kept in test-artifacts/browser/ (not only when a test fails)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{label}.png"
    page.screenshot(path=str(path))  # the viewport, as a learner sees it
    return path


def find_chromium():
    """Path of Debian's chromium, or None."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(config_dir: Path) -> None:
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab"
    files = {
        "apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                "checkForUpdates": False},
        "notebook-extension/tracker.jupyterlab-settings": {"autoStartDefaultKernel": True},
    }
    for rel, content in files.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content), encoding="utf-8")


class LabServer:
    """JupyterLab serving a temporary copy of some notebooks. Use as a context manager."""

    def __init__(self, tmp: Path, notebooks):
        self.tmp = Path(tmp)
        self.root = self.tmp / "notebooks"
        self.root.mkdir(parents=True)
        for nb in notebooks:
            shutil.copy(nb, self.root / Path(nb).name)
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.tmp / "jupyterlab.log"
        self.proc = None

    def env(self) -> dict:
        env = dict(os.environ)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            path = self.tmp / name.lower()
            path.mkdir(exist_ok=True)
            env[name] = str(path)
        env.pop("MPLBACKEND", None)  # the notebooks draw inline
        env.pop("JUPYTER_PATH", None)
        env["PYTHONHASHSEED"] = "0"
        _write_settings(Path(env["JUPYTER_CONFIG_DIR"]))
        return env

    def __enter__(self):
        cmd = [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=self.env(), stdout=self._log,
                                     stderr=subprocess.STDOUT)
        try:
            self._wait_ready(90)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(f"{self.url}/api/status",
                                         headers={"Authorization": f"token {self.token}"})
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise TimeoutError(f"JupyterLab did not answer /api/status within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-200_000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM the server we started (it shuts its kernels down), then make sure it is gone."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        self.proc = None

    def __exit__(self, *exc):
        self.stop()
        return False

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}"


def save_failure_artifacts(page, server, label: str) -> list:
    """Screenshot of the page and the server log, kept in test-artifacts/browser/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    saved = []
    if page is not None:
        shot = ARTIFACTS / f"{stamp}-{label}.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
            saved.append(shot)
        except Exception:  # noqa: BLE001 - best effort while reporting another failure
            pass
    if server is not None:
        log = ARTIFACTS / f"{stamp}-{label}-jupyterlab.log"
        log.write_text(server.log(), encoding="utf-8")
        saved.append(log)
    return saved
