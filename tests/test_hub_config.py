"""The class hub's configuration (hub/jupyterhub_config.py), read as JupyterHub reads it.

The file is executed with a fresh traitlets Config, in a folder of the test's own
(the folder the hub starts in), without starting anything: who may log in (the
list of learners, or a refusal to start that says what to create), the address,
terminals, culling, and the start-up warning when learners could not run the venv.
That these settings take effect in real servers is tests/test_hub.py's part.
"""

import logging
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from tests import hub_support

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "hub" / "jupyterhub_config.py"


def load(folder: Path, monkeypatch, variable=None):
    """Execute the class config as JupyterHub does, started in ``folder``; (config, namespace)."""
    from traitlets.config import Config

    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(CONFIG)}
    monkeypatch.chdir(folder)
    if variable is None:
        monkeypatch.delenv("BPCORE_HUB_LEARNERS", raising=False)
    else:
        monkeypatch.setenv("BPCORE_HUB_LEARNERS", variable)
    exec(compile(CONFIG.read_text(encoding="utf-8"), str(CONFIG), "exec"), namespace)
    return config, namespace


def test_without_a_list_of_learners_the_hub_refuses_to_start_and_says_what_to_create(tmp_path, monkeypatch):
    with pytest.raises(SystemExit) as refused:
        load(tmp_path, monkeypatch)
    message = str(refused.value)
    assert f"there is no list of learners, {tmp_path / 'learners.txt'}." in message
    assert f"Write the username of each learner on a line of its own in {tmp_path / 'learners.txt'} " in message
    assert "set BPCORE_HUB_LEARNERS to the path of such a file" in message
    assert "BPCORE_HUB_LEARNERS=none" in message


def test_the_learners_file_in_the_hubs_folder_says_who_may_log_in(tmp_path, monkeypatch):
    (tmp_path / "learners.txt").write_text(
        "# spring class\n\nada\n  grace   # the TA\nalan\n", encoding="utf-8")
    config, _ = load(tmp_path, monkeypatch)
    assert config.Authenticator.allowed_users == {"ada", "grace", "alan"}
    assert config.Authenticator.allow_existing_users is False  # users the hub knew from before are not let in


def test_bpcore_hub_learners_names_another_file(tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "class-b").write_text("ada\n", encoding="utf-8")
    config, _ = load(tmp_path, monkeypatch, variable=str(tmp_path / "elsewhere" / "class-b"))
    assert config.Authenticator.allowed_users == {"ada"}
    config, _ = load(tmp_path, monkeypatch, variable="elsewhere/class-b")  # relative to the hub's folder
    assert config.Authenticator.allowed_users == {"ada"}
    with pytest.raises(SystemExit, match=f"there is no list of learners, {tmp_path / 'class-c'}"):
        load(tmp_path, monkeypatch, variable="class-c")


def test_a_list_that_names_nobody_or_two_names_on_a_line_is_refused(tmp_path, monkeypatch):
    learners = tmp_path / "learners.txt"
    learners.write_text("# nobody yet\n\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=f"nobody could log in: {learners} lists no username"):
        load(tmp_path, monkeypatch)
    learners.write_text("ada\nada lovelace\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=f"{learners}, line 2: expected one username, got 'ada lovelace'"):
        load(tmp_path, monkeypatch)


def test_none_leaves_who_may_log_in_to_the_instructors_own_config(tmp_path, monkeypatch):
    config, _ = load(tmp_path, monkeypatch, variable="none")
    assert "allowed_users" not in config.Authenticator and "allow_existing_users" not in config.Authenticator


def test_it_listens_on_this_machine_only_without_terminals_and_culls_kernels_and_servers(tmp_path, monkeypatch):
    (tmp_path / "learners.txt").write_text("ada\n", encoding="utf-8")
    config, ns = load(tmp_path, monkeypatch)
    assert config.JupyterHub.bind_url == "http://127.0.0.1:8000"
    args = config.Spawner.args
    assert "--ServerApp.terminals_enabled=False" in args
    assert "--MappingKernelManager.cull_connected=True" in args
    assert f"--MappingKernelManager.cull_idle_timeout={ns['KERNEL_IDLE_SECONDS']}" in args
    assert f"--ServerApp.shutdown_no_activity_timeout={ns['SERVER_IDLE_SECONDS']}" in args
    assert (ns["KERNEL_IDLE_SECONDS"], ns["CULL_EVERY_SECONDS"], ns["SERVER_IDLE_SECONDS"]) == (3600, 300, 3600)
    options = [a.split("=", 1)[0] for a in args]
    assert len(options) == len(set(options))  # an option given twice stops the server at start


def test_the_hub_tests_write_the_list_where_the_class_config_reads_it(tmp_path, monkeypatch):
    _, ns = load(tmp_path, monkeypatch, variable="none")
    assert (hub_support.LEARNERS_FILE, hub_support.LEARNERS_VARIABLE) == (ns["LEARNERS_FILE"], ns["LEARNERS_VARIABLE"])


def _closed_above(path: Path) -> list:
    return [str(p) for p in Path(path).parents if not p.stat().st_mode & stat.S_IXOTH]


@pytest.fixture
def open_tmp():
    """A folder under the system's temp folder that other users may enter (pytest's own is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="bpcore-hub-modes-"))
    os.chmod(folder, 0o755)
    if _closed_above(folder):
        pytest.skip(f"folders above {folder} are closed to other users: {_closed_above(folder)}")
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o755)
    shutil.rmtree(folder)


def _venv(folder: Path, folder_mode: int, file_mode: int) -> Path:
    """folder/venv/bin/python, a link to python3.12 beside it, as a venv has."""
    bin_dir = folder / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python3.12"
    python.write_text("#!/bin/sh\n")
    python.chmod(file_mode)
    (bin_dir / "python").symlink_to("python3.12")
    os.chmod(folder / "venv", folder_mode)
    return bin_dir / "python"


@pytest.fixture
def namespace(tmp_path, monkeypatch):
    return load(tmp_path, monkeypatch, variable="none")[1]


def test_what_other_users_cannot_reach_is_named(open_tmp, namespace):
    blocked_for_others = namespace["blocked_for_others"]
    python = _venv(open_tmp, 0o755, 0o755)
    assert blocked_for_others(python, execute=True) is None
    os.chmod(python.resolve(), 0o750)
    assert blocked_for_others(python, execute=True) == (
        f"{python} is a link to {python.resolve()}, and {python.resolve()} is -rwxr-x---: other users cannot run it")
    assert blocked_for_others(python.resolve(), execute=True) == (
        f"{python.resolve()} is -rwxr-x---: other users cannot run it")
    os.chmod(python.resolve(), 0o644)
    assert blocked_for_others(python) is None
    assert blocked_for_others(python, execute=True).endswith("is -rw-r--r--: other users cannot run it")
    os.chmod(python.resolve(), 0o600)
    assert blocked_for_others(python).endswith("is -rw-------: other users cannot read it")
    os.chmod(open_tmp / "venv", 0o700)
    assert blocked_for_others(python, execute=True) == (
        f"the folder {open_tmp / 'venv'} is drwx------: other users cannot enter it")


def test_a_link_into_a_closed_folder_is_followed(open_tmp, namespace):
    home = open_tmp / "root"
    home.mkdir(mode=0o755)
    target = _venv(home, 0o700, 0o755)  # like pyenv's python under /root, which a venv links to
    (open_tmp / "opt").mkdir(mode=0o755)
    (open_tmp / "opt" / "python").symlink_to(target)
    assert namespace["blocked_for_others"](open_tmp / "opt" / "python", execute=True) == (
        f"{open_tmp / 'opt' / 'python'} is a link to {target}, and "
        f"the folder {home / 'venv'} is drwx------: other users cannot enter it")


def test_the_hub_warns_at_start_up_when_learners_could_not_run_the_venv(open_tmp, namespace):
    closed = open_tmp / "root"
    closed.mkdir(mode=0o700)
    warnings = []
    problems = namespace["warn_if_learners_cannot_run_the_venv"](
        python=closed / "python", root=ROOT, warn=lambda *args: warnings.append(args[0] % args[1:]))
    assert problems[0] == f"the folder {closed} is drwx------: other users cannot enter it"
    assert len(warnings) == 1
    assert "each learner's server runs as that learner's Unix user, so it would not start" in warnings[0]
    assert problems[0] in warnings[0] and "/opt/bpcore" in warnings[0] and "chmod -R a+rX" in warnings[0]


def test_no_warning_when_every_user_can_run_the_venv(open_tmp, namespace):
    if _closed_above(ROOT / "tools"):
        pytest.skip(f"this checkout is in a folder closed to other users: {_closed_above(ROOT / 'tools')}")
    python = _venv(open_tmp, 0o755, 0o755)
    warnings = []
    assert namespace["warn_if_learners_cannot_run_the_venv"](python=python, root=ROOT, warn=warnings.append) == []
    assert warnings == []


def test_the_start_up_warning_reaches_the_hubs_log(open_tmp, monkeypatch, caplog):
    (open_tmp / "learners.txt").write_text("ada\n", encoding="utf-8")
    closed = open_tmp / "closed"
    closed.mkdir(mode=0o700)
    monkeypatch.setattr("sys.executable", str(closed / "python"))
    with caplog.at_level(logging.WARNING, logger="JupyterHub"):
        load(open_tmp, monkeypatch)
    assert [r.name for r in caplog.records if "so it would not start" in r.getMessage()] == ["JupyterHub"]
