"""Parsed content files kept between runs, so that a second check re-reads only what changed.

The cache lives in ``.styrdok-cache/parsed/`` beside the content directory (ignored by
git through a ``.gitignore`` of its own; deleting it only makes the next run slower), one file per content directory. It holds,
for every file that loaded, its size, modification time and inode, the sha256 of its
bytes, what the loader made of it (the data and the Markdown body), whether it passed
its schema (``passed``) and what the checks of the file's own text found (``remembered``). A file whose size, time and inode are
unchanged is taken from the cache without being read; any other file is read and parsed
as usual. As git does, a file modified within ``RACY_SECONDS`` of the moment its entry
was made is read again, since a second edit in the same instant keeps its size and time.
A cached file's text is read again only when a message must point at a line in it.

The cache file is Python's ``marshal`` format (plain values only, never code) behind the
sha256 of its bytes: a corrupt, truncated or foreign cache file, or one from another
Python or styrdok, is ignored and written anew. Files that fail to load are never
cached, so their problems are always found afresh.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import secrets
import stat
import sys
import time
from pathlib import Path

from .diagnostics import ContentError, Diagnostic
from .load import SourceFile, load_file

DIRECTORY = ".styrdok-cache"  # shared with the export cache (cache.py)
RACY_SECONDS = 2
CODE = ("load.py", "markup.py", "validate.py", "schema.py", "parse_cache.py")  # what an entry's recipe depends on


def _format() -> str:
    code = hashlib.sha256()
    for name in CODE:
        code.update((Path(__file__).parent / name).read_bytes())
    return f"styrdok parse cache 1 {sys.version} {code.hexdigest()}"


FORMAT = _format()


class ParseCache:
    """The cached files of one content directory; ``load`` stands in for ``load.load_file``."""

    def __init__(self, content: Path, directory: Path | None = None):
        self.root = content.resolve()
        directory = directory if directory is not None else self.root.parent / DIRECTORY
        name = hashlib.sha256(f"{self.root}".encode("utf-8")).hexdigest()[:32]
        self.file = directory / "parsed" / name
        self.started = time.time_ns()
        self.entries = self._read()
        self.kept: dict[str, dict] = {}  # display path -> entry, for the files loaded this run
        self.changed = False

    def load(self, path: Path, display: str, root: Path | None = None) -> SourceFile:
        """The file as ``load_file`` would load it: from the cache when unchanged, else read."""
        try:
            info = os.lstat(path)
        except OSError:
            info = None
        signature = (info.st_size, info.st_mtime_ns, info.st_ino) if info and stat.S_ISREG(info.st_mode) else None
        entry = self.entries.get(display)
        try:
            if signature and entry and entry["stat"] == signature and entry["made"] - signature[1] > RACY_SECONDS * 10**9:
                source = CachedSourceFile(path, root, display, entry)
                self.kept[display] = entry
                return source
        except (KeyError, TypeError):  # an entry of another shape: read the file
            pass
        source = load_file(path, display, root, info=info)
        if signature:
            self.kept[display] = {"stat": signature, "made": self.started, "sha256": source.sha256, "data": source.data,
                                  "body": source.body, "body_line": source.body_line, "line_offset": source.line_offset,
                                  "checks": None, "passed": None}
            self.changed = True
        return source

    def remembered(self, source: SourceFile, key: str) -> list[Diagnostic] | None:
        """What the checks of ``source``'s own text found when last run with ``key``, if they were."""
        checks = self.kept.get(source.path, {}).get("checks")
        try:
            return [Diagnostic(*found) for found in checks[1]] if checks and checks[0] == key else None
        except (IndexError, TypeError):  # an entry of another shape: check again
            return None

    def passed(self, source: SourceFile, key: str) -> bool:
        """Whether ``source`` passed its schema when last checked against the schemas ``key``."""
        return self.kept.get(source.path, {}).get("passed") == key

    def remember_passed(self, source: SourceFile, key: str) -> None:
        entry = self.kept.get(source.path)
        if entry is not None and entry["sha256"] == source.sha256 and entry.get("passed") != key:
            entry["passed"] = key
            self.changed = True

    def remember(self, source: SourceFile, key: str, found: list[Diagnostic]) -> None:
        entry = self.kept.get(source.path)
        if entry is not None and entry["sha256"] == source.sha256:
            entry["checks"] = (key, [(d.path, d.line, d.col, d.message, d.severity) for d in found])
            self.changed = True

    def save(self) -> None:
        """Write the entries of this run's files, if anything changed; a cache that cannot
        be written only costs the next run time."""
        if not self.changed and self.kept.keys() == self.entries.keys():
            return
        body = marshal.dumps({"format": FORMAT, "root": str(self.root), "files": self.kept})
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.file.parent.parent / ".gitignore"  # git never shows the cache, even without the project's own rule
            if not ignore.exists():
                ignore.write_text("# made by styrdok: the whole cache is ignored\n*\n", encoding="utf-8")
            temporary = self.file.with_name(f".{self.file.name}.{secrets.token_hex(4)}.tmp")
            temporary.write_bytes(hashlib.sha256(body).digest() + body)
            os.replace(temporary, self.file)
        except OSError:
            pass

    def _read(self) -> dict[str, dict]:
        try:
            raw = self.file.read_bytes()
            if hashlib.sha256(raw[32:]).digest() != raw[:32]:
                return {}
            stored = marshal.loads(raw[32:])
            if stored.get("format") != FORMAT or stored.get("root") != str(self.root):
                return {}
            return {display: entry for display, entry in stored["files"].items() if type(entry) is dict}
        except (OSError, ValueError, EOFError, AttributeError, TypeError, KeyError):
            return {}


class CachedSourceFile(SourceFile):
    """A file taken from the cache; its text is read from disk only when asked for."""

    def __init__(self, file: Path, root: Path | None, display: str, entry: dict):
        self._file, self._root, self._text = file, root, None
        self.path, self.data, self.body, self.body_line = display, entry["data"], entry["body"], entry["body_line"]
        self.line_offset, self.sha256 = entry["line_offset"], entry["sha256"]

    @property
    def text(self) -> str:
        if self._text is None:
            try:
                self._text = load_file(self._file, self.path, self._root).text
            except ContentError:  # changed since this run began: positions fall back to line 1
                self._text = ""
        return self._text

    @text.setter
    def text(self, value: str | None) -> None:
        self._text = value
