"""The Pythons the project promises are exactly the ones it tests, and every one gets exact pins.

noxfile.PYTHONS is the one list: the README, start.sh and pyproject.toml must
name the same versions, and requirements.txt must give each of them exactly one
``==`` pin of every package (environment markers choose it).
"""

import ast
import re
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _pythons() -> list:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["PYTHONS"]:
            return ast.literal_eval(node.value)
    raise AssertionError("noxfile.py has no PYTHONS list")


def _key(version: str) -> tuple:
    return tuple(int(part) for part in version.split("."))


def test_the_list_is_consecutive_minor_versions():
    versions = _pythons()
    keys = [_key(v) for v in versions]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(b == (a[0], a[1] + 1) for a, b in zip(keys, keys[1:])), versions


def test_readme_names_exactly_the_tested_versions():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.startswith("Tested on Python ")]
    assert len(lines) == 1, "the README needs one line 'Tested on Python X.Y, ... and X.Y, ...'"
    assert re.findall(r"\b3\.\d+\b", lines[0]) == _pythons()
    assert not re.search(r"Python 3\.\d+ or (newer|later)", text), "an open-ended promise is untested"


def test_start_sh_checks_the_same_range():
    versions = _pythons()
    text = (ROOT / "start.sh").read_text(encoding="utf-8")
    low, high = _key(versions[0]), _key(versions[-1])
    assert f"sys.version_info < {low}" in text
    assert f"sys.version_info[:2] > {high}" in text
    assert f"tested on Python {versions[0]} to {versions[-1]}" in text
    assert f"needs Python {versions[0]} or newer" in text


def test_pyproject_requires_the_oldest_tested_version():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">={_pythons()[0]}"' in text


def test_every_version_gets_exactly_one_exact_pin_of_each_package():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    requirements = [Requirement(line) for line in lines if line and not line.startswith("-")]
    names = {r.name.lower() for r in requirements}
    for version in _pythons():
        env = {"python_version": version, "python_full_version": f"{version}.0"}
        chosen = [r for r in requirements if r.marker is None or r.marker.evaluate(env)]
        counts = {name: sum(r.name.lower() == name for r in chosen) for name in names}
        assert all(n == 1 for n in counts.values()), (version, counts)
        for r in chosen:
            specs = list(r.specifier)
            assert len(specs) == 1 and specs[0].operator == "==", (version, str(r))


def test_every_test_the_matrix_leaves_to_the_main_version_exists():
    """A misspelt path in MAIN_PYTHON_ONLY would run browser, handout or hub tests in every matrix session."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.Assign)
                and any(getattr(t, "id", "") == "MAIN_PYTHON_ONLY" for t in n.targets))
    paths = ast.literal_eval(node.value)
    assert "tests/test_browser.py" in paths
    assert [p for p in paths if not (ROOT / p).exists()] == []
    browsers = {f"tests/{p.name}" for p in (ROOT / "tests").glob("test_browser*.py")}
    assert browsers <= set(paths), f"browser tests the matrix would run: {browsers - set(paths)}"
