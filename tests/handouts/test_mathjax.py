"""bpcore.handouts.mathjax: which MathJax folder is used, and which of its files a handout copies."""

from __future__ import annotations

import pytest

from bpcore.handouts import HandoutError
from bpcore.handouts.mathjax import MATHJAX_CONFIG, find_mathjax, mathjax_files, mathjax_src


def _fake_mathjax(folder):
    for rel in ("MathJax.js", f"config/{MATHJAX_CONFIG}.js", "config/Other.js", "jax/input/TeX/config.js",
                "jax/output/SVG/jax.js", "fonts/HTML-CSS/TeX/woff/a.woff", "unpacked/MathJax.js"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("x")
    return folder


def test_files_are_the_parts_tex_and_commonhtml_need(tmp_path):
    files = mathjax_files(_fake_mathjax(tmp_path))
    assert files == ["MathJax.js", f"config/{MATHJAX_CONFIG}.js", "jax/input/TeX/config.js",
                     "fonts/HTML-CSS/TeX/woff/a.woff"]
    assert mathjax_src() == f"mathjax/MathJax.js?config={MATHJAX_CONFIG}"


def test_the_folder_asked_for_wins_over_the_environment(tmp_path, monkeypatch):
    asked, env = _fake_mathjax(tmp_path / "asked"), _fake_mathjax(tmp_path / "env")
    monkeypatch.setenv("BPCORE_MATHJAX", str(env))
    assert find_mathjax(asked) == asked
    assert find_mathjax() == env
    monkeypatch.setenv("BPCORE_MATHJAX", str(tmp_path / "nothing"))
    with pytest.raises(HandoutError, match=r"MathJax 2 was not found \(looked in .*nothing\)"):
        find_mathjax()


def test_a_folder_without_the_config_is_not_mathjax_2(tmp_path):
    (tmp_path / "MathJax.js").write_text("x")            # e.g. MathJax 3 has no config/ folder
    with pytest.raises(HandoutError, match="apt-get install libjs-mathjax"):
        find_mathjax(tmp_path)
