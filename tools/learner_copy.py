"""A learner's own copy of the series: made once, never overwritten, new notebooks added.

The notebooks a learner works in must survive an update of the series (a
``git pull``, a new image on the hub). So the learner never works in
``notebooks/``: this tool copies each notebook of the series into the
learner's own folder **only if that folder has no file of that name yet**.
A first run copies the whole series; later runs add the notebooks the series
gained and leave every existing file, edited or not, exactly as it is.

Both ways of working use it: ``start.sh`` (copy in ``my-notebooks/`` of the
checkout, git-ignored) and the JupyterHub configuration in ``hub/`` (copy in
each learner's ``~/my-notebooks``, made by the learner's own server process
just before it starts, so the files belong to the learner).

Usage (the venv's python or any python 3)::

    python tools/learner_copy.py DEST                  # make or complete the copy in DEST
    python tools/learner_copy.py DEST --fresh 05       # also: a fresh copy of notebook 05
    python tools/learner_copy.py DEST -- CMD [ARG ...] # then replace this process with CMD

``--fresh NN`` renames the learner's ``NN_*.ipynb`` to ``NN_*.mine-<time>.ipynb``
(kept, never deleted) and copies the series' current version in its place.
Without it, a notebook of the series that DEST lacks (because the learner deleted
or renamed it) is copied back at the next run; a renamed one stays as it was named.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# Which files the series has: the rule in bpcore/handouts/series.py (standard library only), loaded by
# path so that copying the series needs neither numpy nor an installed bpcore (start.sh runs this first).
_spec = importlib.util.spec_from_file_location("_bpcore_series", ROOT / "bpcore" / "handouts" / "series.py")
_series_rules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_series_rules)
notebook_paths = _series_rules.notebook_paths


def _series(series: Path) -> list:
    paths = notebook_paths(Path(series))
    if not paths:
        raise ValueError(f"no notebooks NN_*.ipynb in the series folder {series}")
    return paths


def _copy_new(source: Path, target: Path) -> bool:
    """Copy source to target unless target exists; True if copied. Never overwrites,
    even in a race, and never leaves a half-written notebook under the target's name."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    try:
        os.link(partial, target)  # atomic, and fails if the target exists
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: exclusive create instead
        try:
            with open(target, "xb") as out:
                out.write(partial.read_bytes())
        except FileExistsError:
            return False
    finally:
        partial.unlink()
    return True


def make_copy(dest: Path, series: Path = NOTEBOOKS) -> list:
    """Copy into ``dest`` every notebook of ``series`` that ``dest`` has no file for.

    Returns the names copied (all of them the first time, new notebooks of the
    series later, none when the copy is complete). Existing files are never
    touched. Raises ValueError if ``dest`` is a file or the series is empty.
    """
    dest, paths = Path(dest).expanduser(), _series(series)
    if dest.exists() and not dest.is_dir():
        raise ValueError(f"the learner's copy must be a folder; {dest} is a file")
    dest.mkdir(parents=True, exist_ok=True)
    return [p.name for p in paths if not (dest / p.name).exists() and _copy_new(p, dest / p.name)]


def series_notebook(number: str, series: Path = NOTEBOOKS) -> Path:
    """The series' notebook that ``number`` names ("05", "5", "05_gradient_checking" or its file name).
    Raises ValueError, listing the numbers the series has, for any other."""
    paths = _series(series)
    match = [p for p in paths if str(number) in (p.name, p.stem) or p.name[:2] == str(number).zfill(2)]
    if not match:
        raise ValueError(f"the series has no notebook {number!r}; it has {', '.join(p.name[:2] for p in paths)}")
    return match[0]


def fresh(dest: Path, number: str, series: Path = NOTEBOOKS) -> Path | None:
    """Put the series' current notebook ``number`` (e.g. "05") into ``dest``.

    The learner's own version, if any, is renamed to ``NN_name.mine-<time>.ipynb``
    first (a free name; nothing is deleted). Only that notebook is copied. Returns
    the kept file's path, or None if the learner had no such notebook. Raises
    ValueError for an unknown number.
    """
    dest, source = Path(dest).expanduser(), series_notebook(number, series)
    if dest.exists() and not dest.is_dir():
        raise ValueError(f"the learner's copy must be a folder; {dest} is a file")
    dest.mkdir(parents=True, exist_ok=True)
    mine = dest / source.name
    kept = None
    if mine.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        kept = mine.with_name(f"{mine.stem}.mine-{stamp}.ipynb")
        n = 1
        while kept.exists():
            n += 1
            kept = mine.with_name(f"{mine.stem}.mine-{stamp}-{n}.ipynb")
        mine.rename(kept)
    _copy_new(source, mine)
    return kept


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = []
    if "--" in argv:
        cut = argv.index("--")
        argv, command = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", help="the learner's folder, e.g. my-notebooks or ~/my-notebooks")
    parser.add_argument("--fresh", metavar="NN", action="append", default=[],
                        help="also give a fresh copy of notebook NN (yours is kept, renamed)")
    parser.add_argument("--series", type=Path, default=NOTEBOOKS, help="the series folder (default: notebooks/)")
    args = parser.parse_args(argv)
    try:
        for number in args.fresh:
            kept = fresh(args.dest, number, args.series)
            name = series_notebook(number, args.series).name
            if kept is not None:
                print(f"{args.dest}: {name} is the series' version again; yours is kept as {kept.name}")
            else:
                print(f"{args.dest}: {name} is the series' version (you had no {name})")
        added = make_copy(args.dest, args.series)
    except (ValueError, OSError) as exc:
        print(f"learner_copy: {exc}", file=sys.stderr)
        return 2
    if added:
        print(f"{args.dest}: added {len(added)} notebook(s) of the series: {', '.join(added)}")
    elif args.fresh:
        print(f"{args.dest}: every other notebook is as you left it")
    else:
        print(f"{args.dest}: your copy already has every notebook of the series (nothing overwritten)")
    sys.stdout.flush()
    if command:
        try:
            os.execvp(command[0], command)
        except OSError as exc:
            print(f"learner_copy: cannot run {command[0]!r}: {exc}", file=sys.stderr)
            return 127
    return 0


if __name__ == "__main__":
    sys.exit(main())
