"""The layout shows the design: flat maths that imports no teaching layer, and each role in its place.

Read from the import graph (the AST of every module), not from a list kept by hand, so a new
import in the wrong place fails here.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bpcore"
TEACHING = ("bpcore.feedback", "bpcore.explorer", "bpcore.figures", "bpcore.handouts", "bpcore.stepper")
DRAWING = ("matplotlib", "PIL", "ipywidgets")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set:
    """Every module ``path`` imports, as absolute dotted names (relative imports resolved)."""
    tree = ast.parse(path.read_text())
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module
            found.add(stem)
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
MATHS = sorted(name for name, p in MODULES.items() if p.parent == PACKAGE and p.name != "__init__.py")


def _starts(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_maths_modules_are_found():
    assert {"bpcore.activations", "bpcore.costs", "bpcore.network", "bpcore.backprop", "bpcore.update",
            "bpcore.gradcheck", "bpcore.datasets", "bpcore.train", "bpcore.validation"} <= set(MATHS)


@pytest.mark.parametrize("module", MATHS + ["bpcore"])
def test_the_maths_imports_no_teaching_layer_and_nothing_that_draws(module):
    bad = sorted(i for i in _imports(MODULES[module]) if _starts(i, TEACHING + DRAWING))
    assert not bad, f"{module} imports {bad}: the maths stays numpy-only and below the teaching layers"


def test_only_widget_modules_import_ipywidgets():
    importers = sorted(name for name, p in MODULES.items() if any(_starts(i, ("ipywidgets",)) for i in _imports(p)))
    assert importers, "the import scan found no ipywidgets import at all: it is broken"
    assert all(name.endswith(".widget") for name in importers), importers


def test_matplotlib_only_where_something_is_drawn():
    importers = sorted(name for name, p in MODULES.items() if any(_starts(i, ("matplotlib", "PIL")) for i in _imports(p)))
    assert importers
    allowed = ("bpcore.figures", "bpcore.explorer.views", "bpcore.stepper.drawing")
    assert all(_starts(name, allowed) for name in importers), importers


def test_import_bpcore_loads_neither_matplotlib_nor_ipywidgets():
    code = "import sys, bpcore; print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _public_functions():
    where = defaultdict(list)
    for name, path in MODULES.items():
        if path.name == "__init__.py":
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                where[node.name].append(name)
    return where


def test_no_two_public_functions_share_a_name():
    shared = {fn: mods for fn, mods in _public_functions().items() if len(mods) > 1}
    assert not shared, f"public functions defined twice: {shared}"


def test_the_duplicate_name_scan_can_see_functions():
    assert "check_update_step" in _public_functions() and "check_update_parameter" in _public_functions()


LABEL = re.compile(r"\bissue[ _-]?[0-9]", re.IGNORECASE)


def test_no_code_test_or_script_refers_to_an_issue_number():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    if not files:
        pytest.skip("not a git checkout")
    code = [f for f in files if f.endswith((".py", ".sh", ".cfg", ".toml")) or f.startswith(".ci/")]
    hits = [f for f in code if LABEL.search((ROOT / f).read_text(errors="replace"))
            and f != "tests/test_layout.py"]
    assert not hits, f"these refer to an issue number; name what they protect instead: {hits}"
