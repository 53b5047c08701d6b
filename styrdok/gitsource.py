"""Content at any git ref, read straight from git objects; the work tree is never touched.

``load_at`` lists a content directory with one ``git ls-tree`` and reads every blob
through one ``git cat-file --batch`` process; ``load_version`` also validates it, with
the schemas of that ref. Versions sharing a ``BlobCache`` read and parse a file that
did not change between them once. ``commits_touching`` tells, with one ``git log``,
which commits between two refs changed each file.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from .diagnostics import ContentError, Diagnostic
from .git import GitError, run_git
from .history import REASONS, history_gap
from .load import SUFFIXES, LoadedContent, SourceFile, load_bytes
from .pipeline import SetupError, load_schemas, schema_dir_for
from .schema import SchemaSet

FILE_MODES = (b"100644", b"100755")


@dataclass(frozen=True)
class Commit:
    """One commit: full id, author, author date (ISO 8601) and subject line."""

    id: str
    author: str
    date: str
    subject: str

    @property
    def short(self) -> str:
        return self.id[:7]

    @property
    def utc(self) -> str:
        """The date as Word wants it in tracked changes: 2025-05-02T10:00:00Z."""
        return iso_utc(self.date)


def iso_utc(date: str) -> str:
    moment = datetime.fromisoformat(date)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git in ``repo``; a failure is a SetupError with git's own message."""
    try:
        return run_git(repo, *args, stdin=stdin)
    except GitError as error:
        raise SetupError(str(error)) from None


def repo_root(path: Path) -> Path:
    """The top of the git work tree holding ``path`` (which need not exist)."""
    existing = Path(path).resolve()
    while not existing.is_dir() and existing != existing.parent:
        existing = existing.parent
    try:
        return Path(run_git(existing, "rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        raise SetupError(f"{path} ligger inte i något git-arkiv; jämförelser mellan versioner kräver git") from None


def relative_path(repo: Path, path: Path) -> str:
    """``path`` relative to the repository top, as git writes it ("." for the top)."""
    try:
        return Path(path).resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        raise SetupError(f"{path} ligger utanför git-arkivet {repo}") from None


def resolve(repo: Path, ref: str) -> str:
    """The commit id a tag, branch or commit names."""
    try:
        commit = run_git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").decode().strip()
    except GitError:
        commit = ""
    if not commit:
        why = f"; {REASONS['shallow']}" if history_gap(repo, ref) == "shallow" else ""
        raise SetupError(f'"{ref}" är ingen känd version (tagg, commit eller gren) i {repo}{why}')
    return commit


def commit_date(repo: Path, commit: str) -> str:
    """The committer date of a commit, ISO 8601."""
    return git(repo, "log", "-1", "--format=%cI", commit).decode().strip()


def list_tree(repo: Path, commit: str, directories: list[str], suffixes: tuple[str, ...] = SUFFIXES) -> dict[str, bytes]:
    """Repo path → object id of every regular file ending in ``suffixes`` below the directories."""
    listing = git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *directories)
    entries = {}
    for entry in listing.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        if not name:
            continue
        mode, kind, oid = meta.split(b" ")
        path = name.decode("utf-8", "surrogateescape")
        if kind == b"blob" and mode in FILE_MODES and path.endswith(suffixes):
            entries[path] = oid
    return entries


def cat_blobs(repo: Path, oids: list[bytes]) -> list[bytes]:
    """The contents of many blobs, through one ``git cat-file --batch`` process."""
    if not oids:
        return []
    output = git(repo, "cat-file", "--batch", stdin=b"".join(oid + b"\n" for oid in oids))
    blobs, position = [], 0
    while position < len(output):  # "<oid> <type> <size>\n<data>\n" per object
        header_end = output.index(b"\n", position)
        size = int(output[position:header_end].rsplit(b" ", 1)[1])
        blobs.append(output[header_end + 1:header_end + 1 + size])
        position = header_end + size + 2
    return blobs


class BlobCache:
    """Blobs and parsed files by object id, shared by the versions one diff reads.

    Git names a blob by its content, so a file unchanged between two refs is read and
    parsed once.
    """

    def __init__(self):
        self.blobs: dict[bytes, bytes] = {}
        self.parsed: dict[tuple[bytes, str], object] = {}  # (oid, display path) -> SourceFile or Diagnostic
        self.schemas: dict = {}

    def fetch(self, repo: Path, entries: dict[str, bytes]) -> None:
        missing = sorted({oid for oid in entries.values() if oid not in self.blobs})
        self.blobs.update(zip(missing, cat_blobs(repo, missing)))

    def load(self, oid: bytes, display: str):
        key = (oid, display)
        if key not in self.parsed:
            try:
                self.parsed[key] = load_bytes(self.blobs[oid], display, markdown=display.endswith(".md"))
            except ContentError as error:
                self.parsed[key] = error.diagnostic
        return self.parsed[key]


def loaded_from_tree(entries: dict[str, bytes], cache: BlobCache, content: str, prefix: str) -> LoadedContent:
    """A LoadedContent of the entries below ``content``, shown as ``prefix/relative`` like the work-tree loader."""
    files, problems = [], []
    base = "" if content in ("", ".") else content.rstrip("/") + "/"
    for path in sorted(p for p in entries if p.startswith(base) and p.endswith(SUFFIXES)):
        relative = path[len(base):]
        loaded = cache.load(entries[path], f"{prefix}/{relative}" if prefix else relative)
        (files if isinstance(loaded, SourceFile) else problems).append(loaded)
    return LoadedContent(Path(prefix or content), files, problems)


def display_prefix(repo: Path, content: str) -> str:
    """What the working-tree loader puts before relative paths: the content directory's name."""
    return PurePosixPath(content).name if content not in ("", ".") else repo.name


def load_at(repo: Path, ref: str, content: str, cache: BlobCache | None = None) -> LoadedContent:
    """Load the content directory ``content`` (relative to the repo top) as it is at ``ref``."""
    cache = cache or BlobCache()
    entries = list_tree(repo, resolve(repo, ref), [content])
    if not entries:
        raise SetupError(f'versionen "{ref}" har inga innehållsfiler i {content}/')
    cache.fetch(repo, entries)
    return loaded_from_tree(entries, cache, content, display_prefix(repo, content))


SCHEMA_SUFFIX = ".schema.json"


@dataclass
class Version:
    """A validated content tree at one ref."""

    ref: str
    commit: str
    date: str  # committer date, ISO 8601
    loaded: LoadedContent
    schemas: SchemaSet


class VersionInvalid(Exception):
    """The content at a ref has errors; ``diagnostics`` says which."""

    def __init__(self, ref: str, diagnostics: list[Diagnostic]):
        super().__init__(f'innehållet i versionen "{ref}" har fel')
        self.ref, self.diagnostics = ref, diagnostics


def load_version(repo: Path, ref: str, content: str, schemas: Path | None = None,
                 cache: BlobCache | None = None) -> Version:
    """Load and validate ``content`` at ``ref``, with the schemas beside it at that ref.

    ``schemas`` (a directory) overrides them; without either, the schemas of the work
    tree are used. Versions that share a ``cache`` read and parse shared files once.
    """
    from .validate import validate

    cache = cache or BlobCache()
    commit = resolve(repo, ref)
    beside = None if schemas or content in ("", ".") else str(PurePosixPath(content).parent / "schemas")
    entries = list_tree(repo, commit, [content] + ([beside] if beside else []), SUFFIXES + (SCHEMA_SUFFIX,))
    cache.fetch(repo, entries)
    loaded = loaded_from_tree(entries, cache, content, display_prefix(repo, content))
    if not loaded.files and not loaded.problems:
        raise SetupError(f'versionen "{ref}" har inga innehållsfiler i {content}/')
    schema_blobs = {p: cache.blobs[oid] for p, oid in entries.items() if p.endswith(SCHEMA_SUFFIX)}
    schema_set = _schema_set(schema_blobs, schemas or schema_dir_for(repo / content, None), cache.schemas)
    errors = [d for d in validate(loaded, schema_set) if d.severity == "error"]
    if errors:
        raise VersionInvalid(ref, errors)
    return Version(ref, commit, commit_date(repo, commit), loaded, schema_set)


def _schema_set(blobs: dict[str, bytes], fallback: Path, cache: dict) -> SchemaSet:
    """Schemas from git blobs when there are any, else from ``fallback``; parsed once per set."""
    key = tuple(sorted(blobs.items())) or str(fallback)
    if key not in cache:
        if not blobs:
            cache[key] = load_schemas(fallback)
        else:
            with tempfile.TemporaryDirectory(prefix="styrdok-schemas-") as directory:
                for path, data in blobs.items():
                    (Path(directory) / PurePosixPath(path).name).write_bytes(data)
                cache[key] = load_schemas(Path(directory))
    return cache[key]


def commits_touching(repo: Path, from_ref: str, to_ref: str, paths: list[str]) -> dict[str, list[Commit]]:
    """For each repo path, the commits in ``from_ref..to_ref`` that changed it, oldest first."""
    result: dict[str, list[Commit]] = {path: [] for path in paths}
    if not paths:
        return result
    directories = sorted({str(PurePosixPath(p).parent) for p in paths})
    log = git(repo, "log", "--no-renames", "--reverse", "--name-only", "-z",
              "--format=%x1e%H%x1f%an%x1f%aI%x1f%s", f"{resolve(repo, from_ref)}..{resolve(repo, to_ref)}",
              "--", *directories).decode("utf-8", "surrogateescape")
    for record in log.split("\x1e")[1:]:
        header, _, names = record.partition("\0")
        commit = Commit(*header.split("\x1f", 3))
        for name in names.lstrip("\n").split("\0"):
            if name in result:
                result[name].append(commit)
    return result
