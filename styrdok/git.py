"""Running git: the one helper every git-reading module shares."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """git is missing, or the command failed (the message is git's own last line)."""


def run_git(directory: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run ``git args`` in ``directory`` and return its standard output."""
    try:
        run = subprocess.run(["git", *args], cwd=directory, input=stdin, capture_output=True)
    except OSError as error:
        raise GitError(f"git kunde inte startas: {error}") from None
    if run.returncode != 0:
        message = run.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} misslyckades: {message[-1] if message else run.returncode}")
    return run.stdout


def git_text(directory: Path, *args: str) -> str:
    """``run_git`` as stripped text."""
    return run_git(directory, *args).decode("utf-8", "replace").strip()
