"""Provenance: which commit and which content a build came from.

Every document carries it, worded for readers: a short line in the page footer, the
full values on the closing "Dokumentinformation" page and in the file properties. The
manifest has it as data. An auditor can so tie a published file to the repository. The
commit time is also the build's timestamp, which makes a rebuild of the same commit
byte-identical.

A document's checksum and its "modified" mark cover exactly what the document was made
from (``for_document``): the content files and committed images it read, the content's structure (which items
exist and how they hang together, ``styrdok.reads``), the schemas, the templates it used,
the branding, styrdok's own code and any earlier version it compares with. So an edit
changes only the documents that show it. The structure counts as modified when an
uncommitted change adds or removes a content file or changes one's structural fields
(``structure_changed``); a change elsewhere in a file marks only the documents that read
it. The manifest keeps the build's checksum over every content file too.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path

from .diagnostics import ContentError
from .git import GitError, git_text, run_git
from .load import SUFFIXES, LoadedContent, _display, load_bytes
from .reads import structure_of


SHORT = 7  # characters of the commit id in the footer line


@dataclass(frozen=True)
class Provenance:
    commit: str | None  # full commit id, None outside git (an archive): "unknown" in the line
    commit_date: str | None  # ISO 8601, UTC
    content_sha256: str  # over every content file's path and bytes
    timestamp: int  # SOURCE_DATE_EPOCH for pandoc and typst
    modified: bool = False  # uncommitted changes in the build's inputs
    built_with: str | None = None  # a document built as adopted (``as_of``): the build's own commit
    changed: frozenset[Path] = frozenset()  # the files with those changes (resolved paths)
    structure_modified: bool = False  # uncommitted changes in the content's structure

    def line(self) -> str:
        """The short Swedish line in page footers: "Version add180b · 26 november 2026"."""
        if not self.commit:
            return "Utkast utan versionsnummer"
        version = f"{'Utkast efter version' if self.modified else 'Version'} {self.commit[:SHORT]}"
        return f"{version} · {self.date()}"

    def date(self) -> str:
        """The commit's date in Swedish ("26 november 2026"), "" outside git."""
        if not self.commit_date:
            return ""
        from babel.dates import format_date  # loaded when a document is rendered

        return format_date(date.fromisoformat(self.commit_date[:10]), "d MMMM y", locale="sv_SE")

    def details(self) -> list[tuple[str, str]]:
        """(label, value) rows for the closing "Dokumentinformation" section and the file properties."""
        rows = [("Versionsnummer", self.commit or "saknas, dokumentet är inte framställt ur en sparad version")]
        if self.commit:
            rows.append(("Versionens datum", self.date()))
        rows.append(("Underlagets kontrollsumma (SHA-256)", self.content_sha256))
        if self.built_with:
            rows.append(("Framställt med mallarna i versionen", self.built_with))
        if self.modified:
            rows.append(("Anmärkning", "Underlaget hade ändringar som ännu inte var sparade som en version."))
        return rows

    def at_version(self, commit: str, commit_date: str, content_sha256: str) -> Provenance:
        """The provenance of a document this build makes from the content of an earlier version."""
        return Provenance(commit, commit_date, content_sha256, self.timestamp, self.modified, built_with=self.commit)

    def summary(self) -> str:
        """Every detail on one line, for the PDF's and Word file's properties."""
        return "; ".join(f"{label}: {value}" for label, value in self.details())

    def as_dict(self) -> dict:
        return {"commit": self.commit, "commit_date": self.commit_date, "content_sha256": self.content_sha256,
                "modified": self.modified}


    def for_document(self, inputs: dict[str, str], files: list[Path]) -> Provenance:
        """The provenance of one document made from ``inputs`` (name -> sha256 of its bytes),
        which are the ``files`` named and the content's structure: its checksum is theirs,
        and it is modified when one of them has uncommitted changes."""
        modified = self.structure_modified or any(path in self.changed for path in files)
        return replace(self, content_sha256=inputs_digest(inputs), modified=modified, changed=frozenset(),
                       structure_modified=False)


def inputs_digest(inputs: dict[str, str]) -> str:
    """sha256 over each input's name and the sha256 of its bytes, in name order."""
    lines = sorted(f"{name}\0{sha256}\n" for name, sha256 in inputs.items())
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def content_digest(loaded: LoadedContent) -> str:
    """sha256 over each content file's path and the sha256 of its bytes, in path order."""
    return inputs_digest({source.path: source.sha256 for source in loaded.files})


def provenance_of(loaded: LoadedContent, inputs: list[Path]) -> Provenance:
    """The provenance of a build of ``loaded``, whose other inputs are ``inputs``."""
    digest = content_digest(loaded)
    commit = _git(loaded.root, "log", "-1", "--format=%H %ct")
    if not commit:
        return Provenance(None, None, digest, _epoch_override(0))
    commit_id, seconds = commit.split()
    date = datetime.fromtimestamp(int(seconds), timezone.utc).isoformat()
    changed = _uncommitted(loaded.root, [loaded.root, *inputs])
    try:
        structure = structure_changed(loaded, changed)
    except GitError:
        structure = True
    return Provenance(commit_id, date, digest, _epoch_override(int(seconds)), bool(changed), changed=changed,
                      structure_modified=structure)


def structure_changed(loaded: LoadedContent, changed: frozenset[Path]) -> bool:
    """Whether the uncommitted ``changed`` files add or remove a content file, or change
    what ``reads.structure_of`` a content file is, compared with the commit."""
    root = loaded.root.resolve()
    prefix = _display(loaded.root, loaded.root.parent) + "/"
    current = {root / source.path.removeprefix(prefix): source for source in loaded.files}
    edited = [path for path in changed if path.is_relative_to(root) and path.name.endswith(SUFFIXES)]
    if any(path not in current for path in edited):  # removed (or unreadable)
        return True
    committed = _committed(root, edited)
    for path in edited:
        source = current[path]
        try:
            old = load_bytes(committed[path], source.path, markdown=path.suffix == ".md") if committed[path] is not None else None
        except ContentError:
            return True
        if old is None or structure_of(old.data) != structure_of(source.data):
            return True
    return False


def _committed(directory: Path, paths: list[Path]) -> dict[Path, bytes | None]:
    """The bytes of each file at the commit (None when it is new), through one ``git cat-file``."""
    if not paths:
        return {}
    top = Path(git_text(directory, "rev-parse", "--show-toplevel")).resolve()
    names = [f"HEAD:{path.relative_to(top).as_posix()}" for path in paths]
    output = run_git(directory, "cat-file", "--batch", stdin="".join(f"{name}\n" for name in names).encode("utf-8"))
    found, position = {}, 0
    for path in paths:  # "<oid> <type> <size>\n<data>\n", or "<name> missing\n"
        header_end = output.index(b"\n", position)
        header = output[position:header_end].split(b" ")
        if header[-1] == b"missing":
            found[path], position = None, header_end + 1
            continue
        size = int(header[-1])
        found[path] = output[header_end + 1:header_end + 1 + size] if header[-2] == b"blob" else None
        position = header_end + size + 2
    return found


def _uncommitted(directory: Path, paths: list[Path]) -> frozenset[Path]:
    """The files among ``paths`` (resolved) that differ from the commit, or are new."""
    try:
        top = Path(git_text(directory, "rev-parse", "--show-toplevel")).resolve()
        inside = [str(path) for path in (Path(p).resolve() for p in paths) if path.is_relative_to(top)]
        listing = run_git(directory, "status", "--porcelain", "-z", "--untracked-files=all", "--", *inside) if inside else b""
    except GitError:
        return frozenset()
    entries, found = iter(listing.decode("utf-8", "surrogateescape").split("\0")), set()
    for entry in entries:
        if len(entry) > 3:
            found.add(Path(top, entry[3:]).resolve())
            if entry[0] in "RC":  # a rename or copy: the next entry is the old name
                found.add(Path(top, next(entries, "")).resolve())
    return frozenset(found)


def _epoch_override(default: int) -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.isdigit() else default


def _git(directory: Path, *args) -> str:
    """git's output, or "" outside a repository (a build needs no git)."""
    try:
        return git_text(directory, *map(str, args))
    except GitError:
        return ""
