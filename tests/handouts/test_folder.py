"""bpcore.handouts.folder: the output folder keeps a manifest and never overwrites a file it did not write."""

from __future__ import annotations

import hashlib
import json

import pytest

from bpcore.handouts import HandoutError, cli
from bpcore.handouts.folder import MANIFEST, OutputFolder, handout_name, index_html
from tests.handouts.support import make_series, mathjax_or_skip


def test_never_overwrites_files_it_did_not_write(tmp_path, capsys):
    mathjax_or_skip()
    folder = make_series(tmp_path)
    out = tmp_path / "handouts"
    (out / "student").mkdir(parents=True)
    mine = out / "student" / "00_start_here-student.html"
    mine.write_text("an instructor's own file")
    rc = cli.main(["00", "--notebooks-dir", str(folder), "--out", str(out), "--format", "html"])
    assert rc == 2
    assert "did not write" in capsys.readouterr().err
    assert mine.read_text() == "an instructor's own file"
    assert sorted(p.name for p in out.rglob("*")) == ["00_start_here-student.html", "student"]
    # a build into a folder of its own can be repeated: it overwrites only its own files
    out2 = tmp_path / "own"
    for _ in range(2):
        assert cli.main(["00", "--notebooks-dir", str(folder), "--out", str(out2), "--format", "html"]) == 0
    manifest = json.loads((out2 / ".bpcore-handouts.json").read_text())
    written = {p.relative_to(out2).as_posix() for p in out2.rglob("*") if p.is_file()}
    assert written - set(manifest["files"]) == {".bpcore-handouts.json"}
    assert "student/mathjax/MathJax.js" in written and "index.html" in written


def test_writes_are_recorded_with_their_hash_and_reopened_from_the_manifest(tmp_path):
    out = OutputFolder(tmp_path / "out")
    target = out.write("student/a-student.html", "<p>a</p>")
    assert target.read_text() == "<p>a</p>"
    again = OutputFolder(tmp_path / "out")
    assert again.owned == {"student/a-student.html"}
    assert again.files["student/a-student.html"] == [hashlib.sha256(b"<p>a</p>").hexdigest()]
    assert again.state("student/a-student.html") == "ours"
    again.write("student/a-student.html", b"<p>b</p>")          # its own file, as written: overwritten
    assert target.read_bytes() == b"<p>b</p>"
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(HandoutError, match="notes.txt was not written by bpcore-handouts"):
        again.write("notes.txt", "x")
    with pytest.raises(HandoutError, match=r"did not write.*\n  notes.txt"):
        again.check(["student/a-student.html", "notes.txt"])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST, "notes.txt", "student"]


def test_an_edited_file_is_refused_by_name_unless_forced(tmp_path):
    out = OutputFolder(tmp_path)
    target = out.write("student/a-student.ipynb", "{}")
    out.save()
    target.write_text('{"an instructor": "edit"}')
    again = OutputFolder(tmp_path)
    assert again.state("student/a-student.ipynb") == "changed"
    with pytest.raises(HandoutError, match=r"changed since bpcore-handouts wrote them.*\n  student/a-student.ipynb"
                                           r"\n.*--force"):
        again.check(["student/a-student.ipynb", "index.html"])
    with pytest.raises(HandoutError, match="a-student.ipynb was changed since it was written by bpcore-handouts"):
        again.write("student/a-student.ipynb", "{}")
    assert target.read_text() == '{"an instructor": "edit"}'
    forced = OutputFolder(tmp_path, force=True)
    forced.check(["student/a-student.ipynb"])
    forced.write("student/a-student.ipynb", "{}")
    assert target.read_text() == "{}" and forced.state("student/a-student.ipynb") == "ours"


def test_an_interrupted_write_leaves_a_folder_that_builds_again(tmp_path, monkeypatch):
    out = OutputFolder(tmp_path)
    out.write("index.html", "old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("bpcore.handouts.folder.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        out.write("index.html", "new")
    monkeypatch.undo()
    again = OutputFolder(tmp_path)   # the manifest accepts the old content and the new one
    assert (tmp_path / "index.html").read_text() == "old" and again.state("index.html") == "ours"
    again.write("index.html", "new")


def test_a_manifest_without_hashes_counts_its_files_as_changed(tmp_path):
    (tmp_path / "index.html").write_text("x")
    (tmp_path / MANIFEST).write_text(json.dumps({"tool": "bpcore-handouts", "files": ["index.html"]}))
    folder = OutputFolder(tmp_path)
    assert folder.owned == {"index.html"} and folder.state("index.html") == "changed"


def test_a_rebuild_refuses_an_edited_handout_by_name_and_force_overwrites_it(tmp_path, capsys):
    folder = make_series(tmp_path)
    out = tmp_path / "out"
    args = ["00", "--notebooks-dir", str(folder), "--out", str(out), "--format", "ipynb,nbgrader"]
    assert cli.main(args) == 0
    edited = out / "nbgrader" / "source" / "00_start_here" / "00_start_here.ipynb"
    edited.write_text(edited.read_text().replace("Handout sample", "My own title"))
    capsys.readouterr()
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "changed since bpcore-handouts wrote them" in err and "nbgrader/source/00_start_here/00_start_here.ipynb" in err
    assert "My own title" in edited.read_text()
    assert cli.main(args + ["--force"]) == 0
    assert "My own title" not in edited.read_text()


def test_a_foreign_manifest_or_a_file_as_folder_is_refused(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / MANIFEST).write_text("[1, 2]")
    with pytest.raises(HandoutError, match="is not a bpcore-handouts manifest"):
        OutputFolder(tmp_path / "x")
    (tmp_path / "f").write_text("a file")
    with pytest.raises(HandoutError, match="is a file, not a folder"):
        OutputFolder(tmp_path / "f")


def test_index_links_the_handouts_that_are_there(tmp_path):
    out = OutputFolder(tmp_path)
    for version in ("student", "instructor"):
        out.write(handout_name("notebooks/02_bp1.ipynb", version, "html"), "x")
    out.write(handout_name("02_bp1.ipynb", "student", "pdf"), b"%PDF")
    out.write("student/03_gone-student.html", "x")
    (tmp_path / "student" / "03_gone-student.html").unlink()        # recorded but not there
    page = index_html(out)
    assert page.count("<li>") == 1
    assert ('<a href="instructor/02_bp1-instructor.html">instructor HTML</a> · '
            '<a href="student/02_bp1-student.html">student HTML</a> · '
            '<a href="student/02_bp1-student.pdf">student PDF</a>') in page
    assert "03_gone" not in page
