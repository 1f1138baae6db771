"""MathJax 2: where it is, and which of its files a handout needs to show its maths offline.

Every handout loads ``mathjax/MathJax.js`` from next to its HTML; the build copies
:func:`mathjax_files` there from the folder :func:`find_mathjax` found (Debian's
libjs-mathjax, or the PyPI package jupyter-server-mathjax, or one given with
``--mathjax`` / ``BPCORE_MATHJAX``).
"""

from __future__ import annotations

import os
from pathlib import Path

from . import HandoutError

__all__ = ["MATHJAX_CONFIG", "find_mathjax", "mathjax_files", "mathjax_src"]

MATHJAX_CONFIG = "TeX-AMS_CHTML"
# What MathJax 2 loads for TeX input and CommonHTML output (checked by printing
# with every other request blocked).
MATHJAX_PARTS = (
    "MathJax.js",
    f"config/{MATHJAX_CONFIG}.js",
    "jax/input/TeX",
    "jax/element",
    "jax/output/CommonHTML",
    "extensions",
    "fonts/HTML-CSS/TeX/woff",
    "fonts/HTML-CSS/TeX/otf",
    "localization/en",
)
MATHJAX_DIRS = (Path("/usr/share/javascript/mathjax"), Path("/usr/share/mathjax"))
INSTALL_MATHJAX = (
    "Install MathJax 2 with `sudo apt-get install libjs-mathjax` (Debian/Ubuntu), or pass "
    "--mathjax DIR (or set BPCORE_MATHJAX) to a folder holding MathJax 2.7's MathJax.js."
)


def mathjax_src(folder: str = "mathjax") -> str:
    """The script address a handout loads MathJax from, relative to the HTML."""
    return f"{folder}/MathJax.js?config={MATHJAX_CONFIG}"


def _candidates(explicit):
    """Folders to look in, in order: the one asked for, else BPCORE_MATHJAX, else the usual places."""
    if explicit:
        return [Path(explicit)]
    if os.environ.get("BPCORE_MATHJAX"):
        return [Path(os.environ["BPCORE_MATHJAX"])]
    candidates = list(MATHJAX_DIRS)
    try:  # the PyPI package jupyter-server-mathjax ships the same MathJax 2.7 files
        import jupyter_server_mathjax

        candidates.append(Path(jupyter_server_mathjax.__file__).parent / "static")
    except ImportError:
        pass
    return candidates


def find_mathjax(explicit=None) -> Path:
    """The folder holding MathJax 2's MathJax.js; HandoutError saying how to install it."""
    candidates = _candidates(explicit)
    for folder in candidates:
        if (folder / "MathJax.js").is_file() and (folder / "config" / f"{MATHJAX_CONFIG}.js").is_file():
            return folder
    looked = ", ".join(str(c) for c in candidates)
    raise HandoutError(f"MathJax 2 was not found (looked in {looked}). {INSTALL_MATHJAX}")


def mathjax_files(folder: Path) -> list:
    """Relative paths (posix) of the MathJax files a handout needs, found in ``folder``."""
    files = []
    for part in MATHJAX_PARTS:
        path = folder / part
        if path.is_file():
            files.append(part)
        elif path.is_dir():
            files += sorted(p.relative_to(folder).as_posix() for p in path.rglob("*") if p.is_file())
    return files
