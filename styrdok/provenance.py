"""Provenance: which commit and which content a build came from.

Every document carries it (footer and file properties) and so does the manifest, so
an auditor can tie a published file to the repository. The commit time is also the
build's timestamp, which makes a rebuild of the same commit byte-identical.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .git import GitError, git_text
from .load import LoadedContent


@dataclass(frozen=True)
class Provenance:
    commit: str | None  # full commit id, None outside git (an archive): "unknown" in the line
    commit_date: str | None  # ISO 8601, UTC
    content_sha256: str  # over every content file's path and bytes
    timestamp: int  # SOURCE_DATE_EPOCH for pandoc and typst
    modified: bool = False  # uncommitted changes in the build's inputs

    def line(self) -> str:
        """The short Swedish line printed in footers."""
        digest = f"innehåll sha256:{self.content_sha256[:12]}"
        if not self.commit:
            return f"Commit okänd (byggd utanför git, till exempel ur en ZIP-fil), {digest}"
        suffix = " med ändringar som inte är incheckade" if self.modified else ""
        return f"Commit {self.commit[:12]} ({self.commit_date[:10]}){suffix}, {digest}"

    def as_dict(self) -> dict:
        return {"commit": self.commit, "commit_date": self.commit_date, "content_sha256": self.content_sha256,
                "modified": self.modified}


def content_digest(loaded: LoadedContent) -> str:
    """sha256 over each content file's path and the sha256 of its bytes, in path order."""
    lines = sorted(f"{source.path}\0{source.sha256}\n" for source in loaded.files)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def provenance_of(loaded: LoadedContent, inputs: list[Path]) -> Provenance:
    """The provenance of a build of ``loaded``, whose other inputs are ``inputs``."""
    digest = content_digest(loaded)
    commit = _git(loaded.root, "log", "-1", "--format=%H %ct")
    if not commit:
        return Provenance(None, None, digest, _epoch_override(0))
    commit_id, seconds = commit.split()
    date = datetime.fromtimestamp(int(seconds), timezone.utc).isoformat()
    modified = bool(_git(loaded.root, "status", "--porcelain", "--", loaded.root, *inputs))
    return Provenance(commit_id, date, digest, _epoch_override(int(seconds)), modified)


def _epoch_override(default: int) -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.isdigit() else default


def _git(directory: Path, *args) -> str:
    """git's output, or "" outside a repository (a build needs no git)."""
    try:
        return git_text(directory, *map(str, args))
    except GitError:
        return ""
