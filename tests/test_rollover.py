"""`rulla-over ÅR`: next year's plan from this year's content, in the example and in Älvnäs's own model."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
import yaml

from gitrepos import ROOT, copy_project
from styrdok import rollover
from styrdok.cli import main


@pytest.fixture
def ekbacka(tmp_path) -> Path:
    copy_project(tmp_path, ("styrdok.yaml", "content", "schemas", "templates"))
    return tmp_path


@pytest.fixture
def alvnas(tmp_path) -> Path:
    shutil.copytree(ROOT / "examples" / "alvnas", tmp_path / "alvnas", ignore=shutil.ignore_patterns("output", ".output*"))
    return tmp_path / "alvnas"


def files_of(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file()}


def changed_lines(before: bytes, after: Path) -> list[str]:
    diff = difflib.unified_diff(before.decode().splitlines(), after.read_text(encoding="utf-8").splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_the_example_rolls_over_to_2026(ekbacka, capsys):
    content = ekbacka / "content"
    before = files_of(content)
    assert main(["rulla-over", "2026", "--project", str(ekbacka)]) == 0
    summary = capsys.readouterr().err
    # An unfinished assignment (status Påbörjad in 2025-08) is carried over: only these lines change.
    assert changed_lines(before["uppdrag/uppdrag-valdeltagande.yaml"], content / "uppdrag" / "uppdrag-valdeltagande.yaml") == [
        "-year: 2025", "-origin: kf", "+year: 2026", "+origin: kvarvarande", "+original_year: 2025"]
    # One carried over before keeps the year it was first given.
    remaining = yaml.safe_load((content / "uppdrag" / "uppdrag-kv-bostader-sociala-andamal.yaml").read_text(encoding="utf-8"))
    assert (remaining["year"], remaining["origin"], remaining["original_year"]) == (2026, "kvarvarande", 2024)
    # A finished measure (Färdig in 2025-08) is closed in 2025.
    assert changed_lines(before["atgarder/atgard-en-aktiv-sommar.yaml"], content / "atgarder" / "atgard-en-aktiv-sommar.yaml") == [
        "+years: {from: 2025, to: 2025}"]
    # The year's documents are copied with the new year, and the texts and tables they name.
    plan = yaml.safe_load((content / "dokument" / "verksamhetsplan-2026.yaml").read_text(encoding="utf-8"))
    assert (plan["id"], plan["title"], plan["date"]) == ("verksamhetsplan-2026", "Verksamhetsplan och budget 2026", "2025-12-03")
    assert {"section": "vp-2026-inledning"} in plan["contents"] and {"budget": "budget-2026"} in plan["contents"]
    assert (content / "texter" / "vp-2026-inledning.md").is_file() and (content / "budget" / "budget-2026.yaml").is_file()
    assert not (content / "dokument" / "delarsrapport-2026-08.yaml").exists()  # a period's report is not a plan
    for name in ("verksamhetsplan-2025.yaml", "delarsrapport-2025-08.yaml"):
        assert (content / "dokument" / name).read_bytes() == before[f"dokument/{name}"]
    assert "uppdrag-valdeltagande (uppdrag, Påbörjad)" in summary
    assert "ofärdiga objekt från 2025 förs över till 2026 som kvarvarande uppdrag från tidigare år:" in summary
    assert "  atgard-en-aktiv-sommar (åtgärd)" in summary and "  verksamhetsplan-2025 → verksamhetsplan-2026" in summary
    assert main(["validate", "--project", str(ekbacka)]) == 0
    assert not list(content.rglob(".*.rulla-over"))


def test_a_second_rollover_to_the_same_year_changes_nothing(ekbacka, capsys):
    assert main(["rulla-over", "2026", "--project", str(ekbacka)]) == 0
    after = files_of(ekbacka / "content")
    assert main(["rulla-over", "2026", "--project", str(ekbacka)]) == 2
    assert "finns redan, så nästa års plan verkar redan vara startad" in capsys.readouterr().err
    assert files_of(ekbacka / "content") == after


def test_alvnas_rolls_over_with_its_own_statuses(alvnas, capsys):
    content = alvnas / "innehall"
    before = files_of(content)
    assert main(["rulla-over", "2027", "--project", str(alvnas)]) == 0
    summary = capsys.readouterr().err
    unfinished = content / "ataganden" / "at-arbetslag-centrum.yaml"  # Försenat in 2026-08
    assert changed_lines(before["ataganden/at-arbetslag-centrum.yaml"], unfinished) == ["-year: 2026", "+year: 2027"]
    assert (content / "ataganden" / "at-aktivitetsombud.yaml").read_bytes() == before["ataganden/at-aktivitetsombud.yaml"]
    plan = yaml.safe_load((content / "dokument" / "processplan-2027.yaml").read_text(encoding="utf-8"))
    assert (plan["id"], plan["title"]) == ("processplan-2027", "Processplan 2027")
    assert "at-arbetslag-centrum (åtagande, Försenat)" in summary and "processplan-2026 → processplan-2027" in summary
    assert "kvarvarande" not in summary  # Älvnäs's model names no origin for carried-over items
    assert main(["validate", "--project", str(alvnas)]) == 0


def test_a_rollover_that_would_not_validate_writes_nothing(ekbacka, capsys):
    content = ekbacka / "content"
    # Next year's calendar id is already taken by a budget: the copied plan would name a budget as its calendar.
    budget = (content / "budget" / "budget-2025.yaml").read_text(encoding="utf-8")
    (content / "budget" / "uppfoljningsplan-2026.yaml").write_text(
        budget.replace("id: budget-2025", "id: uppfoljningsplan-2026"), encoding="utf-8")
    before = files_of(content)
    assert main(["rulla-over", "2026", "--project", str(ekbacka)]) == 1
    out, err = capsys.readouterr()
    assert "content/dokument/verksamhetsplan-2026.yaml:" in out and "ingen fil ändrades" in err
    assert files_of(content) == before


def test_a_failed_write_puts_every_file_back(ekbacka, monkeypatch, capsys):
    content = ekbacka / "content"
    before = files_of(content)
    replaced = []
    real_replace = rollover.os.replace

    def failing(source, target):
        if len(replaced) == 5:
            raise OSError(28, "No space left on device", str(target))
        replaced.append(target)
        real_replace(source, target)

    monkeypatch.setattr(rollover.os, "replace", failing)
    assert main(["rulla-over", "2026", "--project", str(ekbacka)]) == 2
    assert len(replaced) == 5 and "fel:" in capsys.readouterr().err
    assert files_of(content) == before


def test_the_year_must_be_a_year(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["rulla-over", "nästa"])
    assert exit_.value.code == 2 and 'ogiltigt år "nästa"' in capsys.readouterr().err
