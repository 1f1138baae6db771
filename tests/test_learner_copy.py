"""The learner's own copy (tools/learner_copy.py): made once, never overwritten, new notebooks added.

start.sh and the JupyterHub configuration both rely on it, so what protects a
learner's edits from an update of the series is tested here once.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "learner_copy.py"
_spec = importlib.util.spec_from_file_location("learner_copy", SCRIPT)
learner_copy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(learner_copy)


def _series(folder: Path, names) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(f'{{"series": "{name}", "version": 1}}\n', encoding="utf-8")
    return folder


def test_first_run_copies_the_whole_series_byte_for_byte(tmp_path):
    series = _series(tmp_path / "series", ["00_start.ipynb", "01_next.ipynb"])
    (series / "notes.txt").write_text("not a notebook of the series")
    added = learner_copy.make_copy(tmp_path / "mine", series)
    assert added == ["00_start.ipynb", "01_next.ipynb"]
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == added
    for name in added:
        assert (tmp_path / "mine" / name).read_bytes() == (series / name).read_bytes()


def test_an_update_of_the_series_never_overwrites_the_learners_notebooks(tmp_path):
    series = _series(tmp_path / "series", ["00_start.ipynb", "01_next.ipynb"])
    mine = tmp_path / "mine"
    learner_copy.make_copy(mine, series)
    (mine / "00_start.ipynb").write_text("my answers", encoding="utf-8")
    # the series is updated: 00 and 01 change, 02 is new
    _series(series, ["00_start.ipynb", "01_next.ipynb"])
    (series / "00_start.ipynb").write_text("version 2 of the series", encoding="utf-8")
    (series / "01_next.ipynb").write_text("version 2 of the series", encoding="utf-8")
    _series(series, ["02_new.ipynb"])

    added = learner_copy.make_copy(mine, series)

    assert added == ["02_new.ipynb"]
    assert (mine / "00_start.ipynb").read_text(encoding="utf-8") == "my answers"
    assert (mine / "01_next.ipynb").read_text(encoding="utf-8") != "version 2 of the series"
    assert (mine / "02_new.ipynb").read_bytes() == (series / "02_new.ipynb").read_bytes()
    assert learner_copy.make_copy(mine, series) == []


def test_a_notebook_that_appeared_meanwhile_is_not_overwritten(tmp_path):
    series = _series(tmp_path / "series", ["00_start.ipynb"])
    target = tmp_path / "00_start.ipynb"
    target.write_text("written by another start a moment ago", encoding="utf-8")
    assert learner_copy._copy_new(series / "00_start.ipynb", target) is False
    assert target.read_text(encoding="utf-8") == "written by another start a moment ago"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["00_start.ipynb", "series"]  # no leftovers


def test_fresh_keeps_the_learners_version_under_a_new_name(tmp_path):
    series = _series(tmp_path / "series", ["00_start.ipynb", "05_checks.ipynb"])
    mine = tmp_path / "mine"
    learner_copy.make_copy(mine, series)
    (mine / "05_checks.ipynb").write_text("my answers", encoding="utf-8")

    kept = learner_copy.fresh(mine, "05", series)

    assert kept.parent == mine and kept.name.startswith("05_checks.mine-") and kept.suffix == ".ipynb"
    assert kept.read_text(encoding="utf-8") == "my answers"
    assert (mine / "05_checks.ipynb").read_bytes() == (series / "05_checks.ipynb").read_bytes()
    # the kept file is not a notebook of the series, so later runs leave it alone and add nothing
    assert learner_copy.make_copy(mine, series) == []
    second = learner_copy.fresh(mine, "5", series)
    assert second != kept and kept.read_text(encoding="utf-8") == "my answers"


def test_fresh_without_a_copy_just_adds_that_notebook(tmp_path):
    series = _series(tmp_path / "series", ["00_start.ipynb", "05_checks.ipynb"])
    assert learner_copy.fresh(tmp_path / "mine", "05_checks.ipynb", series) is None
    assert os.listdir(tmp_path / "mine") == ["05_checks.ipynb"]  # the rest is make_copy's, which reports it


@pytest.mark.parametrize("number", ["7", "99", "start"])
def test_fresh_names_the_notebooks_the_series_has(tmp_path, number):
    series = _series(tmp_path / "series", ["00_start.ipynb", "05_checks.ipynb"])
    with pytest.raises(ValueError, match=r"no notebook .* it has 00, 05"):
        learner_copy.fresh(tmp_path / "mine", number, series)


def test_bad_destination_or_empty_series_is_a_clear_error(tmp_path):
    series = _series(tmp_path / "series", ["00_start.ipynb"])
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ValueError, match="must be a folder; .*a-file is a file"):
        learner_copy.make_copy(tmp_path / "a-file", series)
    with pytest.raises(ValueError, match="no notebooks NN_\\*.ipynb in the series folder"):
        learner_copy.make_copy(tmp_path / "mine", tmp_path / "empty")


def test_default_series_is_the_projects_notebooks(tmp_path):
    added = learner_copy.make_copy(tmp_path / "mine")
    expected = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert added == expected and len(added) >= 10


def test_command_after_double_dash_replaces_the_process(tmp_path):
    """The hub's Spawner.cmd: copy first, then exec the single-user server in the same process."""
    series = _series(tmp_path / "series", ["00_start.ipynb"])
    probe = "import os, sys; print('pid', os.getpid(), 'args', sys.argv[1:])"
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(tmp_path / "mine"), "--series", str(series),
         "--", sys.executable, "-c", probe, "--extra", "x"],
        stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    lines = out.splitlines()
    assert lines[0] == f"{tmp_path / 'mine'}: added 1 notebook(s) of the series: 00_start.ipynb"
    assert lines[1] == f"pid {proc.pid} args ['--extra', 'x']"


def _run(*args) -> list:
    result = subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def test_fresh_on_the_command_line_says_what_it_did_and_nothing_contrary(tmp_path):
    series = _series(tmp_path / "series", ["00_start.ipynb", "05_checks.ipynb"])
    mine = tmp_path / "mine"
    _run(mine, "--series", series)
    (mine / "05_checks.ipynb").write_text("my answers", encoding="utf-8")
    lines = _run(mine, "--series", series, "--fresh", "05")
    kept = [p.name for p in mine.glob("05_checks.mine-*.ipynb")]
    assert len(kept) == 1 and (mine / kept[0]).read_text(encoding="utf-8") == "my answers"
    assert lines == [f"{mine}: 05_checks.ipynb is the series' version again; yours is kept as {kept[0]}",
                     f"{mine}: every other notebook is as you left it"]
    assert (mine / "05_checks.ipynb").read_bytes() == (series / "05_checks.ipynb").read_bytes()

    (mine / "00_start.ipynb").unlink()
    (mine / "05_checks.ipynb").unlink()
    lines = _run(mine, "--series", series, "--fresh", "5")
    assert lines == [f"{mine}: 05_checks.ipynb is the series' version (you had no 05_checks.ipynb)",
                     f"{mine}: added 1 notebook(s) of the series: 00_start.ipynb"]


def test_command_line_errors_exit_non_zero_with_the_reason(tmp_path):
    series = _series(tmp_path / "series", ["00_start.ipynb"])
    result = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "mine"), "--series", str(series),
                             "--fresh", "42"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "the series has no notebook '42'; it has 00" in result.stderr
    missing = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "mine"), "--series", str(series),
                              "--", str(tmp_path / "no-such-program")], capture_output=True, text=True,
                             timeout=60)
    assert missing.returncode == 127 and "cannot run" in missing.stderr
    assert os.listdir(tmp_path / "mine") == ["00_start.ipynb"]
