"""The pre-commit hook through ``pre-commit try-repo``, on staged changes in a temporary repository.

The hook is switched to ``language: system`` with this checkout's styrdok on the PATH,
so pre-commit installs nothing; ``python bench/precommit.py`` runs the same scenario
with ``language: python`` and its install (a minute or more).
"""

from __future__ import annotations

import os
import sys

import yaml

from bench.precommit import ROOT, hook_repository, municipality, scenario


def test_the_hook_file_declares_styrdok_validate():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "styrdok-validate")
    assert hook["entry"] == "styrdok validate --only-files" and hook["language"] == "python"
    assert hook["require_serial"] is True and hook.get("pass_filenames", True) is True


def test_the_hook_reports_staged_files_only(tmp_path):
    shim = tmp_path / "bin" / "styrdok"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m styrdok "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {"PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    problems = scenario(municipality(tmp_path / "kommun"), hook_repository(tmp_path / "styrdok", "system"), env)
    assert not problems, "\n".join(problems)
