"""Running git: one small helper that every git-reading module shares."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """git is missing, or the command failed (its stderr is the message)."""


def run_git(directory: Path, *args: str) -> str:
    """Run ``git args`` in ``directory`` and return its stripped standard output."""
    try:
        run = subprocess.run(["git", *args], cwd=directory, capture_output=True, text=True, check=True)
    except FileNotFoundError:
        raise GitError("git finns inte installerat") from None
    except subprocess.CalledProcessError as error:
        raise GitError(error.stderr.strip() or f"git {' '.join(args)} misslyckades") from None
    return run.stdout.strip()
