"""Builds that use every core and reuse earlier work: the output never depends on either."""

from __future__ import annotations

from pathlib import Path

import pytest

from styrdok import publish
from styrdok.cli import main

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
DOCUMENTS = ["plan-1000-fler", "information-plan-1000-fler-2025"]  # four exports: each with its memo


def files_of(output: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(output.iterdir())}


def test_output_is_the_same_for_one_and_four_workers(tmp_path):
    one, four = tmp_path / "one" / "output", tmp_path / "four" / "output"
    publish.build(CONTENT, one, documents=DOCUMENTS, workers=1)
    publish.build(CONTENT, four, documents=DOCUMENTS, workers=4)
    assert (one / "manifest.json").read_bytes() == (four / "manifest.json").read_bytes()
    assert files_of(one) == files_of(four)
    assert len(files_of(one)) == 1 + 4 * 4


def test_jobs_option_must_be_a_positive_number(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["build", "--jobs", "0"])
    assert exit.value.code == 2
    assert "--jobs" in capsys.readouterr().err
