"""The command line: output formats, warnings and --strict, exit codes, Swedish help."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from styrdok.cli import main

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture()
def broken(tmp_path) -> Path:
    """A small tree with one error and one warning."""
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    (content / "atgarder" / "fel.yaml").write_text("type: measure\nid: fel\ntext: T\nparents: [uppdrag-9]\n", encoding="utf-8")
    (content / "texter" / "oanvand.md").write_text("---\ntype: section\nid: oanvand\ntitle: Gammalt\n---\nText.\n", encoding="utf-8")
    return content


def test_text_format_sorts_errors_and_warnings(broken, capsys):
    assert main(["validate", "--content", str(broken)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        'content/atgarder/fel.yaml:4:11: "uppdrag-9" finns inte. Menade du "uppdrag-1"?',
        "content/texter/oanvand.md:3:5: varning: textavsnittet används inte i något dokument",
    ]
    assert err.strip() == "1 fel och 1 varningar i 12 filer."


def test_json_format(broken, capsys):
    main(["validate", "--content", str(broken), "--format", "json"])
    found = json.loads(capsys.readouterr().out)
    assert [(d["path"], d["line"], d["col"], d["severity"]) for d in found] == [
        ("content/atgarder/fel.yaml", 4, 11, "error"), ("content/texter/oanvand.md", 3, 5, "warning")]


def test_github_format(broken, capsys):
    main(["validate", "--content", str(broken), "--format", "github"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::error file=content/atgarder/fel.yaml,line=4,col=11::")
    assert lines[1].startswith("::warning file=content/texter/oanvand.md,line=3,col=5::")


def test_warnings_alone_pass_unless_strict(broken, capsys):
    (broken / "atgarder" / "fel.yaml").unlink()
    assert main(["validate", "--content", str(broken)]) == 0
    assert main(["validate", "--content", str(broken), "--strict"]) == 1
    assert "oanvand.md:3:5: textavsnittet" in capsys.readouterr().out


def test_a_delay_expected_in_the_past_warns(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    follow_up = content / "uppfoljning" / "2025-04-uppdrag-1.yaml"
    follow_up.write_text(follow_up.read_text(encoding="utf-8").replace("expected_year: 2025", "expected_year: 2024"), encoding="utf-8")
    assert main(["validate", "--content", str(content)]) == 0
    assert "varning: arbetet väntas klart 2024, före periodens år" in capsys.readouterr().out


def test_missing_content_directory_is_exit_2(tmp_path, capsys):
    assert main(["validate", "--content", str(tmp_path / "saknas")]) == 2
    assert "innehållskatalogen" in capsys.readouterr().err


def test_help_is_swedish_and_usage_errors_exit_2():
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "--help"], capture_output=True, text=True)
    assert run.returncode == 0 and "användning:" in run.stdout and "kommandon" in run.stdout
    for command in ("validate", "build", "verify"):
        assert command in run.stdout
    wrong = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate", "--format", "xml"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "ogiltigt val" in wrong.stderr and "Traceback" not in wrong.stderr
