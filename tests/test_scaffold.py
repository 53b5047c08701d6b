"""Scaffolding: `init` a municipality repository, `ny` items, `ny-period` follow-ups, and the
issue's "done when" sequence (without the pip step) run in-process."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from gitrepos import git
from styrdok import scaffold
from styrdok.cli import main


@pytest.fixture
def kommun(tmp_path, monkeypatch) -> Path:
    """A repository made by `styrdok init kommun`, as the working directory."""
    monkeypatch.chdir(tmp_path)
    assert main(["init", "kommun", "--format", "md"]) == 0
    monkeypatch.chdir(tmp_path / "kommun")
    return tmp_path / "kommun"


def _content(repo: Path) -> scaffold.Content:
    return scaffold.read_content(repo / "content")


def _data(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_done_when_sequence_without_pip(kommun, capsys):
    for name in ("styrdok.yaml", "README.md", ".pre-commit-config.yaml", ".gitlab-ci.yml", ".github/workflows/styrdok.yml",
                 ".vscode/settings.json", ".vscode/extensions.json", "content/config/model.yaml"):
        assert (kommun / name).is_file(), name
    assert (kommun / "output" / "plan.md").is_file()  # init built at once
    git(kommun, "init", "-q")
    if shutil.which("pre-commit"):  # only writes the hook; installs nothing until the first commit
        run = subprocess.run(["pre-commit", "install"], cwd=kommun, capture_output=True, text=True,
                             env={**os.environ, "PRE_COMMIT_HOME": str(kommun.parent / "cache")})
        assert run.returncode == 0, run.stderr
        assert (kommun / ".git" / "hooks" / "pre-commit").is_file()
    assert main(["ny", "uppdrag", "Minska väntetiderna för försörjningsstöd"]) == 0
    assert main(["ny-period", "2025-08"]) == 0
    capsys.readouterr()
    assert (kommun / "content" / "uppdrag" / "uppdrag-minska-vantetiderna-for-forsorjningsstod.yaml").is_file()
    assert (kommun / "content" / "uppfoljning" / "2025-08" / "2025-08-uppdrag-1.yaml").is_file()
    assert main(["build", "--format", "md,html"]) == 0
    assert "Byggde 2 filer för 1 dokument" in capsys.readouterr().err
    assert (kommun / "output" / "plan.html").is_file()


def test_init_refuses_a_directory_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "kommun").mkdir()
    (tmp_path / "kommun" / "egen.txt").write_text("x")
    assert main(["init", str(tmp_path / "kommun")]) == 2
    assert "är inte tom" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "kommun").iterdir()) == ["egen.txt"]


@pytest.mark.parametrize("title, expected", [
    ("Öka valdeltagandet i Åkerby", "oka-valdeltagandet-i-akerby"),
    ("Café för äldre på Ängö", "cafe-for-aldre-pa-ango"),
    ("Stärk samverkan med civilsamhället och näringslivet", "stark-samverkan-med-civilsamhallet"),
    ("  Ökad  trygghet!! (2026) ", "okad-trygghet-2026"),
])
def test_ids_are_transliterated_from_the_title(title, expected):
    assert scaffold.slug(title) == expected


def test_a_new_item_gets_the_types_prefix_folder_required_fields_and_comments(kommun):
    assert main(["ny", "uppdrag", "Öka valdeltagandet i Åkerby"]) == 0
    path = kommun / "content" / "uppdrag" / "uppdrag-oka-valdeltagandet-i-akerby.yaml"
    text = path.read_text(encoding="utf-8")
    data = _data(path)
    assert data["type"] == "assignment" and data["title"] == "Öka valdeltagandet i Åkerby"
    assert {"year", "origin", "committees"} <= set(data)  # every required field of the schema
    assert data["number"] == "2"  # after uppdrag-1's "1"
    assert "# Skriv: Vem som gav uppdraget" in text and "kf (Kommunfullmäktige)" in text


def test_ids_are_unique_and_order_and_number_follow_the_siblings(kommun):
    repo = _content(kommun)
    assert scaffold.next_number(["1", "7.9", "7.10"]) == "7.11"
    assert scaffold.next_number(["N1.1", "N1.2"]) == "N1.3"
    assert scaffold.next_order([310, 320, 340]) == 350
    first = scaffold.new_item(repo, "åtgärd", "Öppna en mottagning", parent="uppdrag-1")
    second = scaffold.new_item(_content(kommun), "atgard", "Öppna en mottagning", parent="uppdrag-1")
    assert (first.name, second.name) == ("atgard-oppna-en-mottagning.yaml", "atgard-oppna-en-mottagning-2.yaml")
    assert first.parent == second.parent == kommun / "content" / "atgarder"
    assert _data(second)["parents"] == ["uppdrag-1"]


def test_order_continues_in_the_siblings_steps(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(scaffold.starter_dir() / "content", content)
    for number, order in ((2, 100), (3, 120)):
        (content / "atgarder" / f"atgard-{number}.yaml").write_text(
            f"type: measure\nid: atgard-{number}\ntext: Text.\nparents: [uppdrag-1]\norder: {order}\n", encoding="utf-8")
    path = scaffold.new_item(_content(tmp_path), "åtgärd", "Nästa steg", parent="uppdrag-1")
    assert _data(path)["order"] == 140


def test_an_unknown_type_or_parent_is_a_swedish_error(kommun, capsys):
    assert main(["ny", "kaffe", "Titel"]) == 2
    assert 'okänd objekttyp "kaffe"' in capsys.readouterr().err
    assert main(["ny", "åtgärd", "Titel", "--under", "finns-inte"]) == 2
    assert 'inget objekt med id "finns-inte"' in capsys.readouterr().err


def test_a_new_period_is_prefilled_and_refused_until_the_comments_are_revised(kommun, capsys):
    assert main(["ny-period", "2025-12", "--från", "2025-04"]) == 0
    copied = kommun / "content" / "uppfoljning" / "2025-12" / "2025-12-uppdrag-1.yaml"
    data = _data(copied)
    assert (data["id"], data["period"], data["status"], data["expected_year"]) == ("2025-12-uppdrag-1", "2025-12", "paborjad", 2025)
    assert data["updated"] is False and data["comment"] == "Arbetet pågår."
    first = _data(kommun / "content" / "uppfoljning" / "2025-12" / "2025-12-atgard-1.yaml")  # no earlier follow-up
    assert first["status"] == "paborjad" and first["updated"] is False
    capsys.readouterr()

    assert main(["validate", "--period", "2025-12"]) == 1
    marker_line = copied.read_text(encoding="utf-8").splitlines().index("updated: false") + 1
    out = capsys.readouterr().out
    assert f"content/uppfoljning/2025-12/2025-12-uppdrag-1.yaml:{marker_line}:1: kommentaren är inte skriven för perioden" in out

    for path in copied.parent.glob("*.yaml"):  # the comments revised
        path.write_text(path.read_text(encoding="utf-8").replace("updated: false\n", ""), encoding="utf-8")
    assert main(["validate", "--period", "2025-12"]) == 0


def test_a_period_without_an_earlier_one_is_a_swedish_error(kommun, capsys):
    assert main(["ny-period", "2024-12"]) == 2
    assert "inga uppföljningar före 2024-12" in capsys.readouterr().err


def test_a_goal_gets_a_level_allowed_under_its_parent_and_the_next_number_on_it(kommun):
    under = _data(scaffold.new_item(_content(kommun), "mål", "Fler ska ha ett arbete", parent="fokusmal-1"))
    assert (under["level"], under["number"]) == ("committee_goal", "N1.2")  # after namndmal-1's N1.1
    top = _data(scaffold.new_item(_content(kommun), "mål", "Trygghet för alla"))
    assert (top["level"], top["number"], top.get("parents")) == ("council_goal", "2", None)
    assert main(["validate"]) == 0
