"""Temporary git repositories of the project, for tests of clones, history and CI scripts."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("build.py", "styrdok", "schemas", "templates", "content")
ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@ekbacka.se", "GIT_COMMITTER_NAME": "Test",
       "GIT_COMMITTER_EMAIL": "test@ekbacka.se", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
       "GIT_AUTHOR_DATE": "2025-09-16T10:00:00+02:00", "GIT_COMMITTER_DATE": "2025-09-16T10:00:00+02:00"}


def git(repo: Path, *args: str) -> str:
    run = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **ENV}, capture_output=True, text=True)
    assert run.returncode == 0, f"git {' '.join(args)}: {run.stderr}"
    return run.stdout.strip()


def project_repo(where: Path, names: tuple[str, ...] = PROJECT, content: Path | None = None) -> Path:
    """A new repository holding a copy of the project's ``names`` (and ``content`` as its
    content directory, if given), committed once on main."""
    where.mkdir(parents=True)
    if content:
        shutil.copytree(content, where / "content")
    copy_project(where, names)
    (where / ".gitignore").write_text("output\n.output.*\n__pycache__/\n", encoding="utf-8")
    git(where, "init", "--quiet", "--initial-branch=main")
    commit_all(where, "Första versionen")
    return where


def copy_project(where: Path, names) -> None:
    """Copy the project's files and directories ``names`` into ``where``."""
    for name in names:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, where / name)


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", message)
    return git(repo, "rev-parse", "HEAD")
