"""The tests/ tree is a package: test files in different folders may share a name.

pytest imports a test file in a folder with ``__init__.py`` as ``tests.<folder>.<name>``;
in a folder without one, as plain ``<name>``, so two ``test_widget.py`` in two folders
would clash. Helpers are imported as ``from tests.<module> import ...``.
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_every_folder_with_tests_is_a_package():
    folders = {p.parent for p in TESTS.rglob("test_*.py")} | {TESTS}
    assert TESTS / "explorer" in folders  # the scan sees the subfolders
    missing = sorted(str(f.relative_to(TESTS.parent)) for f in folders if not (f / "__init__.py").exists())
    assert not missing, f"add an empty __init__.py to: {missing}"
