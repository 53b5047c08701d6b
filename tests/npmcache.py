"""npm packages that tests run, installed once per machine (pinned versions) into
``STYRDOK_NPM_CACHE`` (default ~/.cache/styrdok-tests), each in a directory of its own."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

CACHE = Path(os.environ.get("STYRDOK_NPM_CACHE", Path.home() / ".cache" / "styrdok-tests"))


def npm_installed(directory: str, package: str, version: str) -> Path:
    """The node_modules directory holding ``package`` at ``version``, installed there first if missing."""
    prefix = CACHE / directory
    if not (prefix / "node_modules" / package / "package.json").is_file():
        prefix.mkdir(parents=True, exist_ok=True)
        run = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix),
                              f"{package}@{version}"], capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
    return prefix / "node_modules"
