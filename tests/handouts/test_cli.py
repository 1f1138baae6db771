"""bpcore.handouts.cli: the bpcore-handouts command's errors say what to do, and it writes nowhere it should not."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from bpcore.handouts import cli, pdf
from tests.handouts.support import ROOT, make_series, mathjax_or_skip


def test_the_console_script_and_python_m_run_the_same_main():
    script = [e for e in entry_points(group="console_scripts") if e.name == "bpcore-handouts"]
    assert [e.value for e in script] == ["bpcore.handouts.cli:main"] and script[0].load() is cli.main
    out = subprocess.run([sys.executable, "-m", "bpcore.handouts", "--list", "1", "02"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["01_forward_propagation", "02_output_error_bp1"]


def test_list_shows_the_series(tmp_path, capsys):
    folder = make_series(tmp_path)
    assert cli.main(["--list", "--notebooks-dir", str(folder)]) == 0
    assert capsys.readouterr().out.split() == ["00_start_here", "01_forward_propagation", "02_output_error_bp1"]


def test_missing_notebook_name_is_a_clear_error(tmp_path, capsys):
    folder = make_series(tmp_path)
    rc = cli.main(["42", "--notebooks-dir", str(folder), "--format", "html"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "no notebook matches '42'" in err and "00_start_here" in err and "Traceback" not in err


def test_missing_chromium_is_a_clear_error(tmp_path, capsys, monkeypatch):
    folder = make_series(tmp_path)
    rc = cli.main(["00", "--notebooks-dir", str(folder), "--chromium", str(tmp_path / "no-chromium")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "chromium was not found" in err and "apt-get install chromium" in err and "Traceback" not in err
    # no chromium on PATH at all
    monkeypatch.delenv("BPCORE_CHROMIUM", raising=False)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert cli.main(["00", "--notebooks-dir", str(folder), "--format", "pdf"]) == 2
    assert "apt-get install chromium" in capsys.readouterr().err
    assert not (tmp_path / "build").exists()   # it failed before writing anything


def test_missing_mathjax_is_a_clear_error(tmp_path, capsys):
    folder = make_series(tmp_path)
    rc = cli.main(["00", "--notebooks-dir", str(folder), "--format", "html",
                   "--mathjax", str(tmp_path / "no-mathjax")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "MathJax 2 was not found" in err and "apt-get install libjs-mathjax" in err and "Traceback" not in err


def test_refuses_to_write_into_notebooks(tmp_path, capsys):
    folder = make_series(tmp_path)
    before = sorted(p.name for p in folder.rglob("*"))
    rc = cli.main(["00", "--notebooks-dir", str(folder), "--out", str(folder / "handouts"), "--format", "html"])
    assert rc == 2
    assert "never written into the notebooks folder" in capsys.readouterr().err
    assert sorted(p.name for p in folder.rglob("*")) == before


def test_a_broken_notebook_is_a_clear_error(tmp_path, capsys):
    mathjax_or_skip()
    folder = make_series(tmp_path)
    (folder / "01_forward_propagation.ipynb").write_text("{not json", encoding="utf-8")
    rc = cli.main(["01", "--notebooks-dir", str(folder), "--format", "html", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == 2 and "01_forward_propagation.ipynb is not a readable notebook" in err and "Traceback" not in err


def test_formats_can_be_joined_or_repeated_and_a_wrong_one_is_refused(tmp_path, capsys):
    folder = make_series(tmp_path)
    out = tmp_path / "out"
    rc = cli.main(["00", "--notebooks-dir", str(folder), "--out", str(out), "--format", "ipynb",
                   "--format", "nbgrader", "--version", "student", "--mathjax", str(tmp_path / "no-mathjax")])
    assert rc == 0, capsys.readouterr().err                          # notebooks need neither MathJax nor chromium
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [".bpcore-handouts.json", "index.html", "nbgrader/nbgrader_config.py",
                       "nbgrader/source/00_start_here/00_start_here.ipynb", "student/00_start_here-student.ipynb",
                       "student/index.html"]
    assert "built 2 handout file(s) for 1 notebook(s)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["--format", "html,docx"])
    assert "choose from html, pdf, ipynb, nbgrader or all; got 'html,docx'" in capsys.readouterr().err
