"""Fixtures shared by test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from styrdok.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def example_output(tmp_path_factory) -> Path:
    """The example content built once, every document in every format, for the tests that read it."""
    out = tmp_path_factory.mktemp("example-output")
    assert main(["build", "--content", str(ROOT / "content"), "--output", str(out)]) == 0
    return out
