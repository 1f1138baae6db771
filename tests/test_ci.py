"""One rule for "are we in CI" (tests/ci.py), and nothing else reads the CI variable."""

import re
from pathlib import Path

import pytest

from tests import ci

ROOT = Path(__file__).resolve().parent.parent
READS_CI = re.compile(r"""(environ\.get|getenv)\(\s*["']CI["']|environ\[\s*["']CI["']\s*\]""")


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), (" true ", True),
    ("", False), ("false", False), ("0", False), ("no", False),
])
def test_ci_is_true_1_or_yes(monkeypatch, value, expected):
    monkeypatch.setenv("CI", value)
    assert ci.in_ci() is expected


def test_without_the_variable_it_is_not_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert ci.in_ci() is False


def test_a_missing_dependency_skips_locally_and_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="^no widget: install it$"):
        ci.require(["no widget: install it"], "the widget test")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="^the widget test cannot run in CI: no widget: install it$"):
        ci.require(["no widget: install it"], "the widget test")
    ci.require([], "the widget test")  # nothing missing: nothing happens


def test_only_tests_ci_reads_the_ci_variable():
    files = [*ROOT.glob("*.py"), *(p for folder in ("bpcore", "tests", "tools", "benchmarks", "hub")
                                   for p in (ROOT / folder).rglob("*.py") if "node_modules" not in p.parts)]
    assert ROOT / "tests" / "ci.py" in files and len(files) > 50  # the scan sees the tree
    readers = sorted(str(p.relative_to(ROOT)) for p in files if READS_CI.search(p.read_text(encoding="utf-8")))
    assert readers == ["tests/ci.py"]
