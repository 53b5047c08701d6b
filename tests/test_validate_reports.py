"""validate for pre-commit and CI: findings of named files only, and GitLab's Code Quality report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from styrdok.cli import main

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"


@pytest.fixture
def broken(tmp_path, monkeypatch) -> Path:
    """The minimal content with a bad reference in the measure and in the assignment."""
    content = tmp_path / "innehall"
    shutil.copytree(MINIMAL, content)
    for name, old, new in (("atgarder/atgard-1.yaml", "parents: [uppdrag-1]", "parents: [uppdrag-9]"),
                           ("uppdrag/uppdrag-1.yaml", "parents: [fokusmal-1]", "parents: [fokusmal-9]")):
        path = content / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # paths as pre-commit passes them: relative to the repository
    return content


def test_only_files_reports_the_named_files_but_checks_everything(broken, capsys):
    assert main(["validate", "--content", "innehall", "--only-files", "innehall/atgarder/atgard-1.yaml",
                 "README.md"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("innehall/atgarder/atgard-1.yaml:6:") and "uppdrag-9" in out
    assert "uppdrag-1.yaml" not in out
    assert "1 fel och 0 varningar i de 2 angivna filerna. Hela innehållet: 2 fel" in err


def test_only_files_without_findings_passes_and_accepts_absolute_paths(broken, capsys):
    assert main(["validate", "--content", str(broken), "--only-files", str(broken / "dokument" / "plan.yaml")]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("0 fel och 0 varningar i den angivna filen. Hela innehållet: 2 fel")


def test_gitlab_code_quality_report(broken, capsys):
    assert main(["validate", "--content", "innehall", "--format", "gitlab"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(issue["location"]["path"], issue["location"]["lines"]["begin"]) for issue in report] == [
        ("innehall/atgarder/atgard-1.yaml", 6), ("innehall/uppdrag/uppdrag-1.yaml", 13)]
    for issue in report:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["check_name"] == "styrdok-validate" and issue["severity"] == "major"
        assert len(issue["fingerprint"]) == 64
    assert "uppdrag-9" in report[0]["description"]
    # A line added above a finding moves it, but its fingerprint stays (GitLab tracks it as the same issue).
    measure = broken / "atgarder" / "atgard-1.yaml"
    measure.write_text("# kommentar\n" + measure.read_text(encoding="utf-8"), encoding="utf-8")
    main(["validate", "--content", "innehall", "--format", "gitlab"])
    moved = json.loads(capsys.readouterr().out)
    assert moved[0]["location"]["lines"]["begin"] == 7 and moved[0]["fingerprint"] == report[0]["fingerprint"]
    assert len({issue["fingerprint"] for issue in moved}) == 2


def test_gitlab_report_without_findings_is_an_empty_list(capsys):
    assert main(["validate", "--content", str(MINIMAL), "--format", "gitlab"]) == 0
    assert json.loads(capsys.readouterr().out) == []
