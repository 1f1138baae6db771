"""The output folder: write only what we own, never over an edit, and index pages of what is there.

Every file the builder writes is recorded in the folder's manifest (:data:`MANIFEST`) with
the SHA-256 of what was written. A later build overwrites a file only if it is still exactly
that: a file the tool did not write, or one changed since (an instructor's edit), is refused
with its name unless ``force`` is given. Nothing is ever deleted. Writes are atomic (a
temporary file, then a rename), and the new hash is recorded before the rename, so an
interrupted build can be run again.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
from pathlib import Path

from . import VERSION_LABELS, VERSIONS, HandoutError

__all__ = ["MANIFEST", "OutputFolder", "handout_name", "index_html", "version_index_html"]

MANIFEST = ".bpcore-handouts.json"
_HANDOUT_RE = re.compile(r"^(student|instructor)/(.+)-(student|instructor)\.(html|pdf|ipynb)$")
_FORMAT_LABELS = {"html": "HTML", "pdf": "PDF", "ipynb": "notebook"}
_STYLE = "<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.6}</style>"


def handout_name(path: Path, version: str, fmt: str) -> str:
    """Where a handout goes, relative to the output folder: ``version/stem-version.fmt``."""
    return f"{version}/{Path(path).stem}-{version}.{fmt}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OutputFolder:
    """Writes files into ``root``, recording each one's hash in a manifest; never touches other files.

    Attributes
    ----------
    root : Path; manifest : Path of the manifest; force : overwrite refused files all the same
    files : dict, relative posix path -> list of the SHA-256 hashes its content may have (the last
        written; during a write, also the one before)
    titles : dict, notebook stem -> its title, for the index pages
    """

    def __init__(self, root: Path, force: bool = False):
        self.root = Path(root)
        self.manifest = self.root / MANIFEST
        self.force = force
        self.files, self.titles = {}, {}
        if self.root.exists() and not self.root.is_dir():
            raise HandoutError(f"--out {self.root} is a file, not a folder")
        if self.manifest.is_file():
            try:
                data = json.loads(self.manifest.read_text(encoding="utf-8"))
                files = data.get("files", {})
                # a list: an older manifest without hashes, so every file counts as changed
                self.files = {rel: list(files[rel]) if isinstance(files, dict) else [] for rel in files}
                self.titles = dict(data.get("titles", {}))
            except (ValueError, AttributeError, TypeError):
                raise HandoutError(
                    f"{self.manifest} is not a bpcore-handouts manifest; choose another --out"
                ) from None

    @property
    def owned(self) -> set:
        """The files this tool wrote here (relative posix paths)."""
        return set(self.files)

    def state(self, rel: str) -> str:
        """'new' (not there), 'ours' (as written), 'changed' (edited since) or 'foreign' (not ours)."""
        target = self.root / rel
        if not target.exists() and not target.is_symlink():
            return "new"
        if rel not in self.files or target.is_symlink() or target.is_dir():
            return "foreign"
        return "ours" if _sha256(target.read_bytes()) in self.files[rel] else "changed"

    def check(self, relpaths) -> None:
        """HandoutError naming every target that exists and is not as this tool wrote it (unless force)."""
        if self.force:
            return
        states = {rel: self.state(rel) for rel in relpaths}
        foreign = sorted(r for r, s in states.items() if s == "foreign")
        changed = sorted(r for r, s in states.items() if s == "changed")
        parts = []
        if foreign:
            parts.append(f"{self.root} already holds files that bpcore-handouts did not write; it will not "
                         f"overwrite them:{_listing(foreign)}\nMove them away or choose another folder with --out.")
        if changed:
            parts.append(f"these files in {self.root} were changed since bpcore-handouts wrote them; it will "
                         f"not overwrite them:{_listing(changed)}\nMove them away, or rebuild with --force to "
                         "overwrite them.")
        if parts:
            raise HandoutError("\n".join(parts))

    def save(self) -> None:
        """Write the manifest (atomically)."""
        self.root.mkdir(parents=True, exist_ok=True)
        data = {"tool": "bpcore-handouts", "files": dict(sorted(self.files.items())),
                "titles": dict(sorted(self.titles.items()))}
        tmp = self.manifest.with_name(self.manifest.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.manifest)

    def write(self, rel: str, data) -> Path:
        """Write bytes or text atomically to root/rel: a new file, or one of ours as we wrote it."""
        target = self.root / rel
        state = self.state(rel)
        if state in ("foreign", "changed") and not self.force:
            why = "was not written by" if state == "foreign" else "was changed since it was written by"
            raise HandoutError(f"{target} {why} bpcore-handouts; not overwriting it (--force would)")
        data = data.encode("utf-8") if isinstance(data, str) else data
        digest = _sha256(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        accepted = self.files.get(rel, []) if state == "ours" else []
        self.files[rel] = list(dict.fromkeys([*accepted, digest]))
        self.save()  # before the rename: an interrupted build leaves either content accepted
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self.files[rel] = [digest]
        return target

    def copy(self, rel: str, source: Path) -> None:
        """Copy a file unless our copy of it is already there, unchanged."""
        data = Path(source).read_bytes()
        if self.state(rel) == "ours" and self.files[rel] == [_sha256(data)]:
            return
        self.write(rel, data)


def _listing(paths) -> str:
    more = f"\n  ... and {len(paths) - 8} more" if len(paths) > 8 else ""
    return "".join(f"\n  {p}" for p in paths[:8]) + more


def _handouts(folder: OutputFolder) -> dict:
    """stem -> [(version, format, rel)] of the handouts recorded in the manifest and still there."""
    rows = {}
    for rel in sorted(folder.files):
        match = _HANDOUT_RE.match(rel)
        if match and (folder.root / rel).is_file():
            rows.setdefault(match.group(2), []).append((match.group(1), match.group(4), rel))
    return dict(sorted(rows.items()))


def _page(title: str, intro: str, items) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"{_STYLE}</head><body><h1>{html.escape(title)}</h1>{intro}<ul>\n" + "\n".join(items)
            + "\n</ul></body></html>\n")


def index_html(folder: OutputFolder, course: str = "") -> str:
    """The folder's front page: every handout recorded in the manifest (and still there), and the
    nbgrader course folder ``course`` if one was built."""
    lines = []
    for stem, links in _handouts(folder).items():
        cells = " · ".join(f'<a href="{html.escape(rel)}">{v} {_FORMAT_LABELS[f]}</a>' for v, f, rel in links)
        lines.append(f"<li><strong>{html.escape(folder.titles.get(stem, stem))}</strong>: {cells}</li>")
    versions = [v for v in VERSIONS if (folder.root / v / "index.html").is_file()]
    intro = ("<p>Give learners the <code>student/</code> folder (it includes <code>mathjax/</code>, so the "
             "maths shows offline). The <code>instructor/</code> folder has the solutions."
             + "".join(f' <a href="{v}/index.html">{v.capitalize()} index</a>.' for v in versions) + "</p>")
    if course and (folder.root / course).is_dir():
        intro += (f'<p>The nbgrader course is in <a href="{course}/"><code>{course}/</code></a>: run nbgrader '
                  "from that folder (one assignment per notebook, in <code>source/</code>).</p>")
    return _page("bpcore handouts", intro, lines)


def version_index_html(folder: OutputFolder, version: str) -> str:
    """``<version>/index.html``: that version's handouts in the series' order, with titles."""
    lines = []
    for stem, links in _handouts(folder).items():
        mine = [(f, rel.split("/", 1)[1]) for v, f, rel in links if v == version]
        if mine:
            cells = " · ".join(f'<a href="{html.escape(rel)}">{_FORMAT_LABELS[f]}</a>' for f, rel in mine)
            lines.append(f"<li>{html.escape(folder.titles.get(stem, stem))}: {cells}</li>")
    return _page(f"bpcore handouts · {VERSION_LABELS[version]}", "", lines)
