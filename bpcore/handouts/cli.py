"""The ``bpcore-handouts`` command (also ``python -m bpcore.handouts``); see :mod:`bpcore.handouts`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import FORMATS, PAPERS, VERSIONS, HandoutError
from .build import build, default_notebooks_dir, select_notebooks, shown

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bpcore-handouts",
        description="Build student and instructor handouts (HTML, PDF, notebooks) and an nbgrader course "
                    "from the notebooks as committed.",
    )
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="numbers (02), file names or paths; default: every notebook")
    parser.add_argument("--version", choices=(*VERSIONS, "both"), default="both",
                        help="which version to build (default: both)")
    parser.add_argument("--format", action="append", type=_formats, metavar="FORMAT",
                        help=f"what to build: {', '.join(FORMATS)} or all (the default); repeat it or join "
                             "with commas, e.g. --format html,ipynb. ipynb: student and instructor notebooks; "
                             "nbgrader: the course folder nbgrader/ (one assignment per notebook)")
    parser.add_argument("--paper", choices=sorted(PAPERS), default="a4", type=str.lower,
                        help="paper size for the PDF and for printing the HTML (default: a4)")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: build/handouts next to notebooks/)")
    parser.add_argument("--notebooks-dir", metavar="DIR", help="where the notebooks are (default: ./notebooks)")
    parser.add_argument("--chromium", metavar="PATH", help="chromium executable (default: chromium on PATH)")
    parser.add_argument("--mathjax", metavar="DIR", help="MathJax 2 folder (default: Debian's libjs-mathjax)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite files edited since bpcore-handouts wrote them (and files it did not write)")
    parser.add_argument("--list", action="store_true", help="list the notebooks and exit")
    return parser


def _formats(text: str) -> tuple:
    """'html,ipynb' -> ('html', 'ipynb'); 'all' -> FORMATS."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    bad = [n for n in names if n not in (*FORMATS, "all")]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(FORMATS)} or all; got {text!r}")
    return FORMATS if "all" in names else tuple(names)


def main(argv=None) -> int:
    """The command line; returns the exit code (0 built, 1 build failed, 2 usage or missing tool)."""
    try:
        return _main(argv)
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv) -> int:
    args = _parser().parse_args(argv)
    notebooks_dir = Path(args.notebooks_dir) if args.notebooks_dir else default_notebooks_dir()
    versions = VERSIONS if args.version == "both" else (args.version,)
    asked = [f for group in (args.format or [FORMATS]) for f in group]
    formats = tuple(f for f in FORMATS if f in asked)
    try:
        if args.list:
            for path in select_notebooks(args.notebooks, notebooks_dir):
                print(path.stem)
            return 0
        t0 = time.perf_counter()
        results = build(args.notebooks, versions, formats, args.paper, args.out, notebooks_dir,
                        args.chromium, args.mathjax, log=lambda line: print(line, flush=True), force=args.force)
    except HandoutError as exc:
        print(f"bpcore-handouts: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bpcore-handouts: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # a build failure: say what, without a traceback
        if os.environ.get("BPCORE_HANDOUTS_DEBUG"):
            raise
        what = str(exc) if isinstance(exc, RuntimeError) else f"{type(exc).__name__}: {exc}"
        print(f"bpcore-handouts: error: the build failed: {what}\n"
              "(set BPCORE_HANDOUTS_DEBUG=1 to see the traceback)", file=sys.stderr)
        return 1
    if results:
        out = results[0]["out"]
        count = len({r["notebook"] for r in results})
        print(f"built {len(results)} handout file(s) for {count} notebook(s) in "
              f"{time.perf_counter() - t0:.1f} s; see {shown(out / 'index.html')}")
    return 0
