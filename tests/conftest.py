"""Fixtures shared by test modules."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Callable

import pytest

from styrdok.cli import main

ROOT = Path(__file__).resolve().parent.parent


def made_once(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """The directory ``name``, made by ``make`` once per test run: under pytest-xdist the first
    worker to ask makes it while the others wait, then all read the same files."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's directory, shared by its workers
    made, done = base / name, base / f"{name}.done"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            make(made)
            done.touch()
    return made


@pytest.fixture(scope="session")
def example_output(tmp_path_factory) -> Path:
    """The example content built once, every document in every format, for the tests that read it."""
    def build(out: Path) -> None:
        assert main(["build", "--content", str(ROOT / "content"), "--output", str(out)]) == 0
    return made_once(tmp_path_factory, "example-output", build)


@pytest.fixture(scope="session")
def alvnas_output(tmp_path_factory) -> Path:
    """The second example (examples/alvnas) built once from its project file, in every format."""
    def build(out: Path) -> None:
        assert main(["build", "--project", str(ROOT / "examples" / "alvnas"), "--output", str(out)]) == 0
    return made_once(tmp_path_factory, "alvnas-output", build)
