"""Exported files kept by what they were made from, so a build exports only what changed.

The cache is the directory ``.styrdok-cache`` beside the output (git-ignored; deleting it
at any time only makes the next build slower). An entry is the file ``<key>.<format>``
with ``<key>.<format>.sha256`` beside it, the sha256 of the file's bytes. The key is the
sha256 of everything the file is made from: the Markdown, the format, the file's name,
the build's timestamp and the export settings (branding, the contents' depth, every file
of the pandoc templates along the template search path, styrdok's own code and the
versions of pandoc, typst and the fonts). An entry is used only when its bytes match its
hash, so a corrupt or foreign entry is made anew, never trusted.

A build that succeeded also leaves a stamp per output (``outputs/<sha256 of its path>``):
the digest of every input file's path and bytes, the git commit and status, and the
build's options, with the sha256 of the manifest it published and the commit each
earlier version its documents compared with had. A build whose stamp matches, whose
earlier versions still name those commits, and whose output still holds exactly those
bytes, has nothing to do.

Drawn charts are entries too (``<key>.svg``, ``<key>.png``), keyed by the chart's data
but not its path, so an edit that changes a document's Markdown redraws none of its
charts, and documents that show the same chart share one file.

Entries are hard-linked into the staging directory (a copy on a file system without
hard links), so a warm build copies no bytes; a new entry is linked from the file
just exported.

Rendered Markdown is kept too (``MarkdownCache``): per document, a dependency record of
what its last render read (``styrdok.reads``), and the Markdown and charts under the key
of everything read. Each of these files begins with the sha256 of the rest, so a corrupt
or foreign one is rendered anew.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
import re
import secrets
import time
from contextlib import suppress
from pathlib import Path

from .branding import PANDOC_DIR, Presentation
from .git import GitError, git_text
from .outputdir import MANIFEST, _link, sha256_of
from .parse_cache import DIRECTORY  # noqa: F401 (the one cache directory, for publish and the tests)
from .project import Branding

FORMAT = "styrdok export cache 1"  # changes when the key's recipe changes
CHART_FORMAT = "styrdok chart cache 1"  # the same, for drawn charts
UNUSED_DAYS = 30  # an entry no build has used for this long is removed
IMAGE = re.compile(r"!\[[^\]]*\]\(<?([^)>\s]+)")


class ExportCache:
    """The exported files of one output's cache directory, for one build (the export
    settings are read once per build, so a long-running process sees template edits)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._settings: dict[tuple, str] = {}

    def key(self, markdown: str, fmt: str, stem: str, presentation: Presentation, timestamp: int,
            charts: tuple = ()) -> str:
        """The sha256 of what the file ``stem.fmt`` is made from, the data of its charts included."""
        look = (presentation.templates.search_path, presentation.branding, presentation.contents_depth)
        if look not in self._settings:
            self._settings[look] = _settings(*look)
        digest = hashlib.sha256()
        for part in (FORMAT, fmt, stem, str(timestamp), self._settings[look], _images(markdown), repr(charts), markdown):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def chart_key(self, chart, suffix: str, branding: Branding) -> str:
        """The sha256 of what a chart's file of type ``suffix`` is drawn from: the chart's
        data (not its path, so documents showing the same chart share it), the branding,
        styrdok's code and the versions of matplotlib (and its fonts) and babel."""
        digest = hashlib.sha256()
        for part in (CHART_FORMAT, suffix, _tools(), _installed("babel", "babel"), repr(branding),
                     repr(dataclasses.replace(chart, path=""))):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def fetch(self, key: str, fmt: str, target: Path) -> str | None:
        """Put the entry at ``target`` and return its sha256; None (and no file) if
        there is none, or its bytes do not match its hash."""
        entry = self._entry(key, fmt)
        try:
            expected = entry.with_name(entry.name + ".sha256").read_text(encoding="ascii").strip()
            _link(entry, target)
        except (OSError, UnicodeDecodeError):
            return None
        actual = sha256_of(target)
        if actual != expected:
            target.unlink()
            return None
        with suppress(OSError):
            os.utime(entry.with_name(entry.name + ".sha256"))  # marks the entry as used
        return actual

    def store(self, key: str, fmt: str, source: Path, sha256: str) -> None:
        """Keep ``source`` (whose sha256 is given) as the entry for ``key``; a cache that
        cannot be written only costs the next build time."""
        entry = self._entry(key, fmt)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            temporary = entry.with_name(f".{entry.name}.{secrets.token_hex(4)}.tmp")
            _link(source, temporary)
            os.replace(temporary, entry)
            temporary.write_text(sha256 + "\n", encoding="ascii")
            os.replace(temporary, entry.with_name(entry.name + ".sha256"))
        except OSError:
            pass

    def prune(self) -> None:
        """Remove entries no build has used for ``UNUSED_DAYS`` days (rendered Markdown and
        dependency records too), and what killed builds left (temporary files, an entry
        without its hash) after an hour."""
        now = time.time()
        try:
            for path in self.directory.glob("[0-9a-f][0-9a-f]/*"):  # not the stamps in outputs/
                marker = path if path.name.endswith(".sha256") else path.with_name(path.name + ".sha256")
                try:
                    stale = now - marker.stat().st_mtime > UNUSED_DAYS * 86400
                except FileNotFoundError:
                    stale = now - path.stat().st_mtime > 3600
                if stale:
                    path.unlink(missing_ok=True)
            for path in [*self.directory.glob("markdown/??/*"), *self.directory.glob("records/*")]:
                if now - path.stat().st_mtime > (UNUSED_DAYS * 86400 if path.suffix == ".json" else 3600):
                    path.unlink(missing_ok=True)
        except OSError:
            pass

    def unchanged(self, output: Path, stamp: str, git_directory: Path) -> dict | None:
        """The manifest of ``output`` if the last build recorded ``stamp`` for it, the git
        refs its documents read name the same commits, and every file there still has the
        bytes the manifest lists; else None."""
        try:
            line, versions = self._stamp_file(output).read_text(encoding="utf-8").split("\n", 1)
            recorded, manifest_sha256 = line.split()
            manifest_path = output / MANIFEST
            if recorded != stamp or sha256_of(manifest_path) != manifest_sha256:
                return None
            if not _same_commits(git_directory, json.loads(versions)):
                return None
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            for artifact in manifest["artifacts"]:
                if sha256_of(output / os.path.basename(artifact["path"])) != artifact["sha256"]:
                    return None
            return manifest
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def record(self, output: Path, stamp: str, versions: dict[str, str]) -> None:
        """Note that ``output`` now holds the build of ``stamp``, whose documents read the
        earlier ``versions`` (git ref -> commit)."""
        path = self._stamp_file(output)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            text = f"{stamp} {sha256_of(output / MANIFEST)}\n{json.dumps(versions, sort_keys=True)}"
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            pass

    def _stamp_file(self, output: Path) -> Path:
        return self.directory / "outputs" / hashlib.sha256(str(output).encode("utf-8")).hexdigest()

    def _entry(self, key: str, fmt: str) -> Path:
        return self.directory / key[:2] / f"{key}.{fmt}"


class MarkdownCache:
    """Rendered documents of one cache directory: dependency records by the render's
    context, Markdown by the key of every input it read."""

    def __init__(self, directory: Path):
        self.directory = directory

    def reads(self, context: str) -> dict | None:
        """The dependency record last written for ``context``, or None."""
        return _read_checked(self.directory / "records" / f"{context}.json")

    def markdown(self, key: str) -> dict | None:
        """The rendered document kept under ``key`` ({"markdown", "charts"}), or None."""
        entry = _read_checked(self.directory / "markdown" / key[:2] / f"{key}.json")
        return entry if entry is not None and entry.get("key") == key else None

    def store(self, context: str, reads: dict, key: str, rendered: dict) -> None:
        """Keep a render: its Markdown under ``key`` and what it read under ``context``."""
        _write_checked(self.directory / "markdown" / key[:2] / f"{key}.json", {**rendered, "key": key})
        _write_checked(self.directory / "records" / f"{context}.json", reads)


def _write_checked(path: Path, data: dict) -> None:
    """``data`` as JSON after a line with its sha256, replaced atomically; a cache that
    cannot be written only costs the next build time."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        temporary.write_text(hashlib.sha256(text.encode("utf-8")).hexdigest() + "\n" + text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


def _read_checked(path: Path) -> dict | None:
    """What ``_write_checked`` wrote, if its hash still matches (the file is marked as used)."""
    try:
        digest, _, text = path.read_text(encoding="utf-8").partition("\n")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
            return None
        data = json.loads(text)
        with suppress(OSError):
            os.utime(path)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def inputs_stamp(paths: list[Path], git_directory: Path, options: str) -> str:
    """The sha256 of every file under ``paths`` (path and bytes), the git commit and refs
    and status seen from ``git_directory``, styrdok's code and tools, and the build's ``options``."""
    digest = hashlib.sha256(f"{FORMAT}\n{_tools()}\n{options}\n{_git_state(git_directory, paths)}\n".encode("utf-8"))
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update(f"{path}\0".encode("utf-8"))
            with suppress(OSError):
                digest.update(sha256_of(path).encode("ascii"))
    return digest.hexdigest()


def _git_state(directory: Path, paths: list[Path]) -> str:
    """HEAD and the uncommitted changes among ``paths`` (the provenance's "modified");
    "" outside git. (Other refs matter only as the earlier versions the documents
    compare with, which the stamp checks by themselves.)"""
    try:
        return (git_text(directory, "rev-parse", "--verify", "--quiet", "HEAD") + "\n"
                + git_text(directory, "status", "--porcelain", "--", *map(str, paths)))
    except GitError:
        return ""


def _same_commits(directory: Path, versions: dict[str, str]) -> bool:
    """Whether each git ref still names the commit given for it."""
    if not versions:
        return True
    if any(ref.startswith("-") for ref in versions):
        return False
    try:
        found = git_text(directory, "rev-parse", *(f"{ref}^{{commit}}" for ref in versions)).split()
    except GitError:
        return False
    return found == list(versions.values())


def _settings(search_path: tuple[Path, ...], branding: Branding, contents_depth: int) -> str:
    """What export reads besides the Markdown, as one text."""
    parts = [repr(branding), str(contents_depth), _tools()]
    if branding.logo:
        parts.append(sha256_of(branding.logo.file))
    for directory in search_path:
        pandoc = directory / PANDOC_DIR
        files = sorted(p for p in pandoc.rglob("*") if p.is_file()) if pandoc.is_dir() else []
        parts += [str(pandoc), *(f"{p.relative_to(pandoc)} {sha256_of(p)}" for p in files)]
    return "\n".join(parts)


@functools.cache
def code_digest() -> str:
    """sha256 of styrdok's own code (every module's name and bytes)."""
    code = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        code.update(path.name.encode() + b"\0" + path.read_bytes())
    return code.hexdigest()


@functools.cache
def _tools() -> str:
    """styrdok's code, and the versions of pandoc, typst and the fonts (matplotlib's)."""
    versions = [_installed(distribution, module) for distribution, module in
                (("pypandoc_binary", "pypandoc"), ("typst", "typst"), ("matplotlib", "matplotlib"))]
    pandoc = importlib.util.find_spec("pypandoc")  # the bundled binary, found without importing pypandoc
    if pandoc and pandoc.origin:
        binary = Path(pandoc.origin).parent / "files" / "pandoc"
        if binary.is_file():
            stat = binary.stat()
            versions.append(f"pandoc {stat.st_size} {stat.st_mtime_ns}")
    return f"styrdok {code_digest()}\n" + "\n".join(versions)


def _installed(distribution: str, module: str) -> str:
    """The installed version of a package, from its metadata directory's name (without
    importing it or ``importlib.metadata``, which a build with nothing to do would pay for)."""
    spec = importlib.util.find_spec(module)
    if not spec or not spec.origin:
        return f"{distribution} none"
    found = sorted(p.name for p in Path(spec.origin).parent.parent.glob(f"{distribution}-*.dist-info"))
    return f"{distribution} {' '.join(found) or 'unknown'}"


def _images(markdown: str) -> str:
    """The bytes' hashes of local images the Markdown shows (none today; for safety)."""
    found = []
    for name in IMAGE.findall(markdown):
        path = Path(name)
        if path.is_absolute() and path.is_file():
            found.append(f"{name} {sha256_of(path)}")
    return "\n".join(found)
