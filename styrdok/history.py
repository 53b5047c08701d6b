"""Blocks that read the repository's history, and whether this copy of it has that history.

A revision table (``revisions: {document, since}``) compares a plan with an earlier git
version; a document with ``as_of`` is built from the content of an earlier version. A shallow clone (the default checkout of GitHub Actions) or an archive without
``.git`` lacks that version, and so does a new repository started from another's content.
Validation warns about each such block or document (``problem``), and a build leaves out
the documents that need one (``require`` raises ``HistoryMissing``) and builds all the others.
"""

from __future__ import annotations

from pathlib import Path

from .git import GitError, run_git

REASONS = {
    "shallow": "kopian av förrådet saknar den delen av historiken (en grund klon). Hämta hela historiken med "
               "\"git fetch --unshallow\", eller klona med \"fetch-depth: 0\" i GitHub Actions (\"GIT_DEPTH: 0\" i GitLab CI)",
    "no-git": "innehållet ligger inte i något git-förråd (till exempel en uppackad ZIP-fil). Bygg i en klon av "
              "förrådet med hela historiken (\"git clone\"; i GitHub Actions med \"fetch-depth: 0\")",
    "unknown": "versionen finns inte i förrådet; ange en tagg, commit eller gren som finns",
}


# What needs the earlier version: a revision table (``revisions.since``), or a document
# built as adopted (``as_of``).
REVISIONS = "revideringstabellen jämför med versionen {ref}"
AS_OF = "dokumentet byggs ur innehållet som det var i versionen {ref}"


class HistoryMissing(Exception):
    """A document needs a version this copy of the repository lacks."""

    def __init__(self, document: str, ref: str, gap: str, need: str = REVISIONS):
        super().__init__(f"{document} byggdes inte: {need.format(ref=ref)}, men {REASONS[gap]}.")
        self.document = document


def require(document: str, content: Path, ref: str, need: str = REVISIONS) -> None:
    """Raise ``HistoryMissing`` unless the repository holding ``content`` has ``ref``."""
    gap = history_gap(content, ref)
    if gap:
        raise HistoryMissing(document, ref, gap, need)


def problem(ref: str, gap: str, need: str = REVISIONS) -> str:
    """The Swedish message for a block or document whose version ``ref`` has this gap."""
    if gap == "unknown":
        return f'versionen "{ref}" finns inte i förrådet: ingen tagg, commit eller gren heter så'
    return f"{need.format(ref=ref)}, men {REASONS[gap]}; dokumentet kan inte byggas här, men övriga dokument kan"


def history_gap(path: Path, ref: str) -> str | None:
    """Why ``ref`` cannot be read in the repository holding the directory ``path``, or None
    when it can: "no-git", "shallow" (a clone without the history that holds it) or
    "unknown" (no such version in a complete history)."""
    try:
        run_git(path, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        return None
    except GitError:
        pass
    try:
        shallow = run_git(path, "rev-parse", "--is-shallow-repository").strip()
    except GitError:
        return "no-git"
    return "shallow" if shallow == b"true" else "unknown"
