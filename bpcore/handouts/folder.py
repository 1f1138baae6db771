"""The output folder: write only what we own, and an index page of what is there.

Every file the builder writes is recorded first in the folder's manifest
(:data:`MANIFEST`); a file that is not in it is never overwritten, and nothing is
ever deleted. Writes are atomic (a temporary file, then a rename).
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from pathlib import Path

from . import HandoutError

__all__ = ["MANIFEST", "OutputFolder", "handout_name", "index_html"]

MANIFEST = ".bpcore-handouts.json"
_HANDOUT_RE = re.compile(r"^(student|instructor)/(.+)-(student|instructor)\.(html|pdf)$")


def handout_name(path: Path, version: str, fmt: str) -> str:
    """Where a handout goes, relative to the output folder: ``version/stem-version.fmt``."""
    return f"{version}/{Path(path).stem}-{version}.{fmt}"


class OutputFolder:
    """Writes files into ``root``, recording them in a manifest; never touches other files.

    Attributes
    ----------
    root : Path; manifest : Path of the manifest
    owned : set of str, the paths (relative, posix) this tool wrote there
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.manifest = self.root / MANIFEST
        self.owned = set()
        if self.root.exists() and not self.root.is_dir():
            raise HandoutError(f"--out {self.root} is a file, not a folder")
        if self.manifest.is_file():
            try:
                data = json.loads(self.manifest.read_text(encoding="utf-8"))
                self.owned = set(data.get("files", []))
            except (ValueError, AttributeError):
                raise HandoutError(
                    f"{self.manifest} is not a bpcore-handouts manifest; choose another --out"
                ) from None

    def check(self, relpaths) -> None:
        """HandoutError if a target exists and was not written by this tool."""
        foreign = {r for r in relpaths if (self.root / r).exists() and r not in self.owned}
        foreign |= {r for r in relpaths if (self.root / r).is_symlink() or (self.root / r).is_dir()}
        if foreign:
            listing = "\n  ".join(sorted(foreign)[:8])
            more = f"\n  ... and {len(foreign) - 8} more" if len(foreign) > 8 else ""
            raise HandoutError(
                f"{self.root} already holds files that bpcore-handouts did not write; it will not "
                f"overwrite them:\n  {listing}{more}\nMove them away or choose another folder with --out."
            )

    def claim(self, relpaths) -> None:
        """Record files in the manifest before writing them (so an interrupted build can be redone)."""
        new = set(relpaths) - self.owned
        if new:
            self.owned |= new
            self.save()

    def save(self) -> None:
        """Write the manifest (atomically)."""
        self.root.mkdir(parents=True, exist_ok=True)
        data = {"tool": "bpcore-handouts", "files": sorted(self.owned)}
        tmp = self.manifest.with_name(self.manifest.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.manifest)

    def write(self, rel: str, data) -> Path:
        """Write bytes or text atomically to root/rel (a file we own or a new one)."""
        target = self.root / rel
        if target.exists() and rel not in self.owned:
            raise HandoutError(f"{target} exists and was not written by bpcore-handouts; not overwriting it")
        target.parent.mkdir(parents=True, exist_ok=True)
        self.claim([rel])
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return target

    def copy(self, rel: str, source: Path) -> None:
        """Copy a file unless an identical-size copy we own is already there."""
        target = self.root / rel
        if rel in self.owned and target.is_file() and target.stat().st_size == source.stat().st_size:
            return
        self.write(rel, source.read_bytes())


def index_html(folder: OutputFolder) -> str:
    """A page linking every handout recorded in the folder's manifest (and still there)."""
    rows = {}
    for rel in sorted(folder.owned):
        match = _HANDOUT_RE.match(rel)
        if match and (folder.root / rel).is_file():
            rows.setdefault(match.group(2), []).append((match.group(1), match.group(4), rel))
    lines = []
    for stem, links in rows.items():
        cells = " · ".join(f'<a href="{html.escape(rel)}">{v} {f.upper()}</a>' for v, f, rel in links)
        lines.append(f"<li><strong>{html.escape(stem)}</strong>: {cells}</li>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>bpcore handouts</title>'
        "<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.6}</style></head>"
        "<body><h1>bpcore handouts</h1><p>Give learners the <code>student/</code> folder (it includes "
        "<code>mathjax/</code>, so the maths shows offline). The <code>instructor/</code> folder has the "
        "solutions.</p><ul>\n" + "\n".join(lines) + "\n</ul></body></html>\n"
    )
