#!/usr/bin/env python3
"""The pre-commit hook as a municipality meets it: ``pre-commit try-repo`` on styrdok.

    python bench/precommit.py

copies styrdok into a temporary git repository, and a municipality's content into
another, and runs the ``styrdok-validate`` hook of ``.pre-commit-hooks.yaml`` with
``pre-commit try-repo`` on staged changes, as ``git commit`` would. pre-commit
installs styrdok with all its dependencies into an environment of its own first
(``language: python``), which takes a minute or more, so this runs here and not among
the tests. tests/test_precommit.py runs the same scenario with the hook switched to
``language: system`` and styrdok on the PATH, which needs no install.

Exit status 0 when the hook behaves: it fails on an error in a staged file, reports only
the staged files, and passes once the staged file is fixed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STYRDOK = ["pyproject.toml", "requirements.txt", "README.md", "build.py", "styrdok", "templates", "schemas",
           ".pre-commit-hooks.yaml"]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@ekbacka.se", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@ekbacka.se", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
STAGED_ERROR = ("content/atgarder/atgard-1.yaml", "parents: [uppdrag-1]", "parents: [uppdrag-9]")
OLD_ERROR = ("content/indikatorer/ind-1.yaml", "parents: [fokusmal-1]", "parents: [fokusmal-9]")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def _edit(repo: Path, change: tuple[str, str, str]) -> None:
    name, old, new = change
    path = repo / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def hook_repository(where: Path, language: str = "python") -> Path:
    """A git repository of styrdok with its hooks file, the hook's language set to ``language``."""
    where.mkdir(parents=True)
    for name in STYRDOK:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, where / name)
    hooks = where / ".pre-commit-hooks.yaml"
    hooks.write_text(re.sub(r"(?m)^(\s*language:) python$", rf"\1 {language}", hooks.read_text(encoding="utf-8")),
                     encoding="utf-8")
    _git(where, "init", "--quiet")
    _git(where, "add", "-A")
    _git(where, "commit", "--quiet", "-m", "styrdok")
    return where


def municipality(where: Path) -> Path:
    """A municipality's repository whose committed content already has an error in one file."""
    where.mkdir(parents=True)
    shutil.copytree(MINIMAL, where / "content")
    _edit(where, OLD_ERROR)
    _git(where, "init", "--quiet")
    _git(where, "add", "-A")
    _git(where, "commit", "--quiet", "-m", "Innehåll")
    return where


def try_hook(repo: Path, hooks: Path, env: dict) -> subprocess.CompletedProcess:
    """``pre-commit try-repo`` of the hook on what is staged in ``repo``."""
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "styrdok-validate"],
                          cwd=repo, env={**os.environ, **GIT_ENV, **env}, capture_output=True, text=True)


def scenario(repo: Path, hooks: Path, env: dict) -> list[str]:
    """Stage an error, then its fix; return what went wrong (nothing when the hook behaves)."""
    problems = []
    _edit(repo, (STAGED_ERROR[0], "sina processer", "sina rutiner"))  # a change that stays when the error is fixed
    _edit(repo, STAGED_ERROR)
    _git(repo, "add", "-A")
    failed = try_hook(repo, hooks, env)
    output = failed.stdout + failed.stderr
    if failed.returncode != 1 or "content/atgarder/atgard-1.yaml:6:" not in output or "uppdrag-9" not in output:
        problems.append(f"the staged error was not reported (exit {failed.returncode}):\n{output}")
    if "ind-1.yaml" in output:
        problems.append(f"an error in a file that was not staged was reported:\n{output}")
    _edit(repo, STAGED_ERROR[:1] + STAGED_ERROR[:0:-1])  # back to the right reference
    _git(repo, "add", "-A")
    passed = try_hook(repo, hooks, env)
    if passed.returncode != 0 or "Passed" not in passed.stdout:
        problems.append(f"the fixed file did not pass (exit {passed.returncode}):\n{passed.stdout}{passed.stderr}")
    return problems


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="styrdok-precommit-") as temporary:
        base = Path(temporary)
        started = time.perf_counter()
        problems = scenario(municipality(base / "kommun"), hook_repository(base / "styrdok"),
                            {"PRE_COMMIT_HOME": str(base / "cache")})
    print(f"pre-commit try-repo (language: python, with install): {time.perf_counter() - started:.0f} s")
    for problem in problems:
        print(f"FEL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
