"""A private JupyterLab server and headless Chromium for the real-browser tests.

Follows the recipe in the project's browser-test notes: JupyterLab on
127.0.0.1 with a random token, a temporary COPY of the notebooks as its root
(autosave writes into the files), temporary JUPYTER_* and IPython folders,
user settings that stop the news toast and the kernel dialog, Debian's
/usr/bin/chromium driven by Playwright through ``executable_path`` (never
``playwright install``). Only processes started here are stopped, by PID.

:func:`require_browser` applies the suite's rule for a missing browser (tests/ci.py: skip locally,
saying how to install it; fail when CI=true, so CI can never pass by skipping); :func:`open_and_run_all` opens a notebook, clears its stored outputs and runs
every cell; :func:`tab_to` moves the keyboard focus with Tab alone.
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

from tests.ci import require
from tests.kernel_support import LAB_KERNEL_ARGS, short_runtime_dir

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-extensions",
]
INSTALL_HINT = "install it with `apt-get install chromium` (Debian/Ubuntu); never `playwright install`"


def find_chromium():
    """Path of Debian's chromium, or None."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def require_browser() -> str:
    """Path of Chromium, with Playwright importable; otherwise skip or fail (in CI)."""
    problems = []
    chromium = find_chromium()
    if chromium is None:
        problems.append(f"Chromium not found: {INSTALL_HINT}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is missing: pip install -r requirements.txt")
    require(problems, "the real-browser test")
    return chromium


def explorer_loss_text(eta: float) -> str:
    """The loss text the explorer shows once its default run with this η has finished."""
    from bpcore.explorer import Run, Settings, loss_text

    run = Run(Settings(eta=eta))
    run.advance(run.target)
    return loss_text(run)


def save_screenshot(page, label: str) -> Path:
    """A screenshot of the viewport, as a learner sees it, kept in test-artifacts/browser/ (not only on failure)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{label}.png"
    page.screenshot(path=str(path))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_lab_settings(config_dir: Path) -> None:
    """User settings that stop the news toast and the kernel dialog (browser-test notes)."""
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


def jupyter_env(tmp: Path) -> dict:
    """os.environ with private JUPYTER_* and IPython folders under ``tmp`` and the
    user settings that stop the news toast and the kernel dialog."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        path = Path(tmp) / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env.pop("MPLBACKEND", None)  # the notebooks draw inline
    env.pop("JUPYTER_PATH", None)
    env["PYTHONHASHSEED"] = "0"
    write_lab_settings(Path(env["JUPYTER_CONFIG_DIR"]))
    return env


def wait_for_status(url: str, token: str, proc, log, timeout: float) -> None:
    """Wait until ``GET url/api/status`` with the token answers 200; fail early if
    ``proc`` exits. ``log()`` returns the server's log for the error message."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {proc.returncode}:\n{log()}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"JupyterLab did not answer {url}/api/status within {timeout} s:\n{log()}")


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
        self.runtime_dir = None  # the server's kernels' connection files and Unix sockets

    def env(self) -> dict:
        env = jupyter_env(self.tmp)
        if self.runtime_dir is not None:
            env["JUPYTER_RUNTIME_DIR"] = str(self.runtime_dir)
        return env

    def __enter__(self):
        cmd = [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            *LAB_KERNEL_ARGS,  # kernels over Unix sockets, in the short runtime folder (tests/kernel_support.py)
        ]
        self.runtime_dir = short_runtime_dir("bpcore-lab-")
        try:
            self._log = open(self.log_path, "wb")
            self.proc = subprocess.Popen(cmd, cwd=self.root, env=self.env(), stdout=self._log,
                                         stderr=subprocess.STDOUT)
            self._wait_ready(90)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        wait_for_status(self.url, self.token, self.proc, self.log, timeout)

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-200_000:]
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM the server we started (it shuts its kernels down), then make sure it is gone."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
            self._log.close()
            self.proc = None
        if self.runtime_dir is not None:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)

    def __exit__(self, *exc):
        self.stop()
        return False

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}"


# JupyterLab selectors (browser-test notes). The widgets' own classes (.bp-*) are set in their widget modules.
CELLS = ".jp-Notebook .jp-Cell"
OUTPUTS = ".jp-Notebook .jp-OutputArea-output"
def _last_output_line(name: str) -> str:
    """The first line the last code cell of ``notebooks/name`` prints, as committed (strict nbval keeps it true)."""
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    last = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    parts = [o.get("text", o.get("data", {}).get("text/plain", "")) for o in last.get("outputs", [])]
    text = "".join(p if isinstance(p, str) else "".join(p) for p in parts)
    return text.strip().splitlines()[0].split(" (")[0]


# Notebook 07's last output after Run All: the last exercise's check on its stub (the explorer is above it).
EXPLORER_NOTEBOOK_LAST_OUTPUT = _last_output_line("07_training_on_toy_data.ipynb")
KERNEL_NAME = "[data-jp-item-name='kernelName'] jp-button"
EXECUTION = ".jp-Notebook-ExecutionIndicator"


def open_notebook(page, url: str, n_cells: int) -> None:
    """Go to a notebook and wait until every cell is there and its Python kernel is idle."""
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator(CELLS)).to_have_count(n_cells)
    expect(page.locator(KERNEL_NAME)).to_have_attribute("aria-label", "Python 3 (ipykernel)")
    expect(page.locator(EXECUTION)).to_have_attribute("data-status", "idle")


def clear_all_outputs(page) -> None:
    """Edit > Clear Outputs of All Cells, so stale stored outputs cannot satisfy a wait."""
    from playwright.sync_api import expect

    page.locator("li.lm-MenuBar-item", has_text="Edit").click()
    page.locator("#jp-mainmenu-edit li[data-command='editmenu:clear-all']").click()
    expect(page.locator(OUTPUTS)).to_have_count(0)


def run_all(page) -> None:
    """Run > Run All Cells (returns at once: wait for an output the last cell prints)."""
    page.locator("li.lm-MenuBar-item", has_text="Run").click()
    page.locator("#jp-mainmenu-run li[data-command='runmenu:run-all']").click()


def wait_until_every_code_cell_ran(page, timeout_ms: float = 180_000) -> None:
    """After clear_all_outputs and run_all: every code cell whose input shows has an execution
    count, and the execution indicator is idle. (Cells with hidden input, the collapsed
    solutions, show no count; the indicator stays busy until every scheduled cell has run.)"""
    page.wait_for_function(
        """() => {
          const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')];
          const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
          return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()))
                 && status && status.getAttribute('data-status') === 'idle';
        }""", timeout=timeout_ms)


def save_failure_artifacts(page, server, label: str, log_name: str = "jupyterlab") -> list:
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
        log = ARTIFACTS / f"{stamp}-{label}-{log_name}.log"
        log.write_text(server.log(), encoding="utf-8")
        saved.append(log)
    return saved



def open_and_run_all(page, server, notebook: Path, expect, done_text: str) -> None:
    """Open ``notebook``, wait for its idle kernel, clear the stored outputs, run all cells, and
    wait until an output containing ``done_text`` appears and the kernel is idle again."""
    n_cells = len(json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"])
    page.goto(server.notebook_url(Path(notebook).name))
    expect(page.locator(".jp-Notebook .jp-Cell")).to_have_count(n_cells)
    expect(page.locator("[data-jp-item-name='kernelName'] jp-button")).to_have_attribute(
        "aria-label", "Python 3 (ipykernel)")
    expect(page.locator(".jp-Notebook-ExecutionIndicator")).to_have_attribute("data-status", "idle")
    page.locator("li.lm-MenuBar-item", has_text="Edit").click()  # stale outputs must not satisfy a wait
    page.locator("#jp-mainmenu-edit li[data-command='editmenu:clear-all']").click()
    expect(page.locator(".jp-Notebook .jp-OutputArea-output")).to_have_count(0)
    page.locator("li.lm-MenuBar-item", has_text="Run").click()
    page.locator("#jp-mainmenu-run li[data-command='runmenu:run-all']").click()
    expect(page.locator(".jp-Notebook .jp-OutputArea-output", has_text=done_text)).to_have_count(1)
    expect(page.locator(".jp-Notebook-ExecutionIndicator")).to_have_attribute("data-status", "idle")


def tab_to(page, selector: str, backwards: bool = False, limit: int = 12) -> int:
    """Press Tab (Shift+Tab) until the focused element is inside ``selector``; returns the presses."""
    inside = f"() => !!(document.activeElement && document.activeElement.closest({json.dumps(selector)}))"
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(inside):
            return presses
    raise AssertionError(f"{selector} not reached with {limit} presses of {'Shift+' if backwards else ''}Tab")
