"""start.sh works where learners run it: as root (a container, a cloud notebook, a fresh VM) too.

The script runs in a sandbox: a copy of start.sh, requirements.txt, tools/ and
notebooks/, whose ``.venv`` is already "installed" (its ``.installed`` stamp is
newer than requirements.txt), so start.sh goes straight to making the learner's
copy and starting JupyterLab. Its ``.venv/bin/jupyter`` is either

* a stand-in that records the arguments it was given (root and non-root runs), or
* this venv's real ``jupyter`` (a root run that must reach the server).

Non-root runs use the user ``nobody`` when the tests run as root.
"""

import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.browser_support import free_port, jupyter_env, wait_for_status

ROOT = Path(__file__).resolve().parent.parent
ROOT_LINE = "Running as root (as in a container): starting JupyterLab with --allow-root."
IS_ROOT = os.geteuid() == 0
SERIES = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RECORDER = """#!/bin/sh
# stands in for jupyter: records its arguments
"{python}" -c 'import json, sys; print("JUPYTER-ARGV " + json.dumps(sys.argv[1:]))' "$@"
"""


def _sandbox(folder: Path, python: str, jupyter: str = None) -> Path:
    """A copy of the parts of the checkout start.sh uses, with a ready .venv."""
    for name in ("start.sh", "requirements.txt"):
        shutil.copy2(ROOT / name, folder / name)
    (folder / "tools").mkdir()
    for name in ("learner_copy.py", "notebooks.py"):
        shutil.copy2(ROOT / "tools" / name, folder / "tools" / name)
    (folder / "bpcore" / "handouts").mkdir(parents=True)
    shutil.copy2(ROOT / "bpcore" / "handouts" / "series.py", folder / "bpcore" / "handouts" / "series.py")
    (folder / "notebooks").mkdir()
    for name in SERIES:
        shutil.copy2(ROOT / "notebooks" / name, folder / "notebooks" / name)
    bin_dir = folder / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(python)
    if jupyter is None:
        (bin_dir / "jupyter").write_text(RECORDER.format(python=python))
        (bin_dir / "jupyter").chmod(0o755)
    else:
        (bin_dir / "jupyter").symlink_to(jupyter)
    stamp = folder / ".venv" / ".installed"
    stamp.touch()
    mtime = (folder / "requirements.txt").stat().st_mtime + 60
    os.utime(stamp, (mtime, mtime))
    return folder


def _path_with(python: str, tmp: Path) -> str:
    """PATH whose python3 is ``python`` (start.sh checks python3's version first)."""
    shims = tmp / "path-bin"
    shims.mkdir(exist_ok=True)
    if not (shims / "python3").exists():
        (shims / "python3").symlink_to(python)
    return f"{shims}:/usr/bin:/bin"


def _run_recorded(sandbox: Path, python: str, user=None, extra=()) -> tuple:
    env = {"PATH": _path_with(python, sandbox.parent), "HOME": str(sandbox.parent), "LANG": "C.UTF-8"}
    result = subprocess.run(["bash", str(sandbox / "start.sh"), *extra], cwd="/", env=env, user=user,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    argv = [json.loads(line.split(" ", 1)[1]) for line in lines if line.startswith("JUPYTER-ARGV ")]
    assert len(argv) == 1, result.stdout
    return lines, argv[0]


def _python_for(user) -> str:
    """An interpreter ``user`` may run (this venv's sits under /root when we are root)."""
    for candidate in (sys.executable, os.path.realpath(sys.executable), "/usr/bin/python3",
                      "/usr/local/bin/python3"):
        if candidate and os.path.exists(candidate):
            try:
                probe = subprocess.run([candidate, "-c", "import sys; sys.exit(sys.version_info < (3, 10))"],
                                       user=user, capture_output=True, timeout=60)
            except PermissionError:
                continue
            if probe.returncode == 0:
                return candidate
    pytest.skip(f"no Python 3.10+ that the user {user} may run (needed to run start.sh as non-root)")


@pytest.mark.skipif(not IS_ROOT, reason="runs start.sh as root: run the tests as root (CI does)")
def test_as_root_it_passes_allow_root_and_says_so_once(tmp_path):
    sandbox = tmp_path / "checkout"
    sandbox.mkdir()
    _sandbox(sandbox, sys.executable)
    lines, argv = _run_recorded(sandbox, sys.executable, extra=["--no-browser", "--port=9999"])
    assert lines.count(ROOT_LINE) == 1
    assert argv == ["lab", "my-notebooks/00_start_here.ipynb", "--allow-root", "--no-browser", "--port=9999"]


def test_as_another_user_it_never_passes_allow_root():
    user = "nobody" if IS_ROOT else None
    home = Path(tempfile.mkdtemp(prefix="bpcore-start-"))  # not under pytest's 0700 tmp: nobody must enter
    try:
        sandbox = home / "checkout"
        sandbox.mkdir()
        python = _python_for(user)
        _sandbox(sandbox, python)
        if user is not None:
            uid, gid = pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid
            for path in [home, *home.rglob("*")]:
                os.lchown(path, uid, gid)
        lines, argv = _run_recorded(sandbox, python, user=user, extra=["--no-browser"])
        assert not any("root" in line for line in lines), lines
        assert argv == ["lab", "my-notebooks/00_start_here.ipynb", "--no-browser"]
        assert sorted(p.name for p in (sandbox / "my-notebooks").iterdir()) == SERIES
        if user is not None:  # it really ran as that user
            assert (sandbox / "my-notebooks" / SERIES[0]).stat().st_uid == uid
    finally:
        shutil.rmtree(home)


def test_it_opens_the_learners_copy_and_a_second_start_keeps_their_edits(tmp_path):
    sandbox = tmp_path / "checkout"
    sandbox.mkdir()
    _sandbox(sandbox, sys.executable)
    lines, _ = _run_recorded(sandbox, sys.executable)
    assert f"my-notebooks: added {len(SERIES)} notebook(s) of the series: {', '.join(SERIES)}" in lines
    mine = sandbox / "my-notebooks"
    assert [(mine / n).read_bytes() for n in SERIES] == [(ROOT / "notebooks" / n).read_bytes() for n in SERIES]

    edited = mine / SERIES[0]
    edited.write_text('{"cells": [], "note": "my answers"}', encoding="utf-8")
    (sandbox / "notebooks" / SERIES[1]).write_text("an update of the series", encoding="utf-8")
    lines, _ = _run_recorded(sandbox, sys.executable)
    assert "my-notebooks: your copy already has every notebook of the series (nothing overwritten)" in lines
    assert edited.read_text(encoding="utf-8") == '{"cells": [], "note": "my answers"}'
    assert (mine / SERIES[1]).read_bytes() == (ROOT / "notebooks" / SERIES[1]).read_bytes()


def test_fresh_gives_a_fresh_copy_of_a_notebook_and_the_rest_goes_to_jupyterlab(tmp_path):
    sandbox = tmp_path / "checkout"
    sandbox.mkdir()
    _sandbox(sandbox, sys.executable)
    _run_recorded(sandbox, sys.executable)
    mine = sandbox / "my-notebooks"
    fifth = next(name for name in SERIES if name.startswith("05_"))
    (mine / fifth).write_text('{"note": "my answers"}', encoding="utf-8")
    lines, argv = _run_recorded(sandbox, sys.executable, extra=["--no-browser", "--fresh", "05", "--port=9999"])
    kept = [p.name for p in mine.glob("05_*.mine-*.ipynb")]
    assert len(kept) == 1 and (mine / kept[0]).read_text(encoding="utf-8") == '{"note": "my answers"}'
    assert (mine / fifth).read_bytes() == (ROOT / "notebooks" / fifth).read_bytes()
    assert lines[:2] == [f"my-notebooks: {fifth} is the series' version again; yours is kept as {kept[0]}",
                         "my-notebooks: every other notebook is as you left it"]
    assert argv == ["lab", "my-notebooks/00_start_here.ipynb", *(["--allow-root"] if IS_ROOT else []),
                    "--no-browser", "--port=9999"]
    env = {"PATH": _path_with(sys.executable, tmp_path), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    bare = subprocess.run(["bash", str(sandbox / "start.sh"), "--fresh"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert bare.returncode == 2 and "--fresh needs a notebook number, e.g. --fresh 05" in bare.stderr


@pytest.mark.skipif(not IS_ROOT, reason="runs start.sh as root: run the tests as root (CI does)")
def test_as_root_the_real_jupyterlab_starts_and_serves_the_learners_copy(tmp_path):
    sandbox = tmp_path / "checkout"
    sandbox.mkdir()
    _sandbox(sandbox, sys.executable, jupyter=str(Path(sys.executable).parent / "jupyter"))
    port, token = free_port(), secrets.token_hex(24)
    env = jupyter_env(tmp_path / "jupyter")
    env["PATH"] = _path_with(sys.executable, tmp_path) + ":" + env.get("PATH", "")
    log_path = tmp_path / "start.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            ["bash", str(sandbox / "start.sh"), "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             "--ServerApp.terminals_enabled=False", "--LabApp.news_url=None",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            cwd="/", env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_status(url, token, proc, lambda: log_path.read_text(errors="replace"), 120)
        request = urllib.request.Request(f"{url}/api/contents", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            listing = json.load(response)
        assert sorted(item["name"] for item in listing["content"]) == SERIES  # the root is the copy
        text = log_path.read_text(errors="replace")
        assert text.splitlines().count(ROOT_LINE) == 1
        assert "Running as root is not recommended" not in text
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # start.sh exec'd JupyterLab: this pid is the server
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
