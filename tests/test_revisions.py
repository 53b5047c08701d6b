"""The generated revision table: kinds derived from two versions plus lineage fields, never typed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from styrdok.load import load_content
from styrdok.model import build_model
from styrdok.revisions import revision_table

ROOT = Path(__file__).resolve().parent.parent
PLAN = "plan-1000-fler"
ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@ekbacka.se", "GIT_COMMITTER_NAME": "Test",
       "GIT_COMMITTER_EMAIL": "t@ekbacka.se", "GIT_AUTHOR_DATE": "2025-01-01T10:00:00", "GIT_COMMITTER_DATE": "2025-01-01T10:00:00"}


def _edit(content: Path, measure: str, **changes) -> None:
    path = content / "atgarder" / f"{measure}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _revise(content: Path) -> None:
    """Numbers 1–6 of the plan: reworded, merged, dropped, replaced, done, kept."""
    _edit(content, "atgard-uppsokande-arbete", text="Sök upp fler arbetslösa i alla stadsdelar.", reason="Målgruppen vidgades.")
    _edit(content, "atgard-studie-och-yrkesvagledning", merged_into="atgard-uppsokande-arbete", reason="Ingår nu i åtgärd 1.")
    leaving = yaml.safe_load((content / "atgarder" / "atgard-sprakstodjande-insatser.yaml").read_text(encoding="utf-8"))
    _edit(content, "atgard-sprakstodjande-insatser", parents=[p for p in leaving["parents"] if not p.startswith("malomrade")])
    old = content / "atgarder" / "atgard-insatser-med-civilsamhallet.yaml"
    replaced = yaml.safe_load(old.read_text(encoding="utf-8"))
    old.unlink()
    for follow_up in (content / "uppfoljning").rglob("*atgard-insatser-med-civilsamhallet.yaml"):
        follow_up.unlink()
    replaced.update(id="atgard-civilsamhallet-ny", text="Gör insatser tillsammans med idéburna organisationer.",
                    replaces=["atgard-insatser-med-civilsamhallet"], reason="Ny inriktning efter utvärderingen.")
    (content / "atgarder" / "atgard-civilsamhallet-ny.yaml").write_text(yaml.safe_dump(replaced, allow_unicode=True), encoding="utf-8")
    done = content / "uppfoljning" / "2025-08" / "2025-08-atgard-evidensbaserade-metoder.yaml"
    follow_up = yaml.safe_load(done.read_text(encoding="utf-8"))
    follow_up.update(status="fardig", comment="Metoderna används nu i hela verksamheten.")
    follow_up.pop("expected_year", None)
    done.write_text(yaml.safe_dump(follow_up, allow_unicode=True), encoding="utf-8")


def test_kinds_follow_from_the_two_versions(tmp_path):
    new_dir = tmp_path / "content"
    shutil.copytree(ROOT / "content", new_dir)
    _revise(new_dir)
    old, new = build_model(load_content(ROOT / "content")), build_model(load_content(new_dir))
    table = revision_table(old, new, PLAN, "v2023")
    kinds = {r.number: (r.kind, r.target, r.comment) for r in table.revisions}
    assert kinds[1] == ("reworded", 2, "Målgruppen vidgades.")  # measure 2 was merged into it
    assert kinds[2] == ("merged", 1, "Ingår nu i åtgärd 1.")
    assert kinds[3][0] == "dropped"
    assert kinds[4] == ("reworded", None, "Ny inriktning efter utvärderingen.")
    assert kinds[5] == ("done", None, "Metoderna används nu i hela verksamheten.")
    assert kinds[6][0] == "kept"
    assert [r.number for r in table.revisions] == list(range(1, len(table.revisions) + 1))
    assert table.revisions[0].text.startswith("Förvaltningen söker aktivt upp")  # the old wording
    assert not table.additions


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env={**os.environ, **ENV}, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_a_document_includes_the_table_from_git_history(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("build.py", "styrdok", "schemas", "templates", "content"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, repo / name)
    _git(repo, "init", "--quiet")
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "Plan 2023")
    earlier = _git(repo, "rev-parse", "HEAD")
    _revise(repo / "content")
    document = repo / "content" / "dokument" / "information-plan-1000-fler-2025.yaml"
    data = yaml.safe_load(document.read_text(encoding="utf-8"))
    data["contents"] = [b for b in data["contents"] if "revisions" not in b] + [{"revisions": {"document": PLAN, "since": earlier}}]
    document.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan = repo / "content" / "dokument" / f"{PLAN}.yaml"  # the plan as adopted: this repository's first version
    plan.write_text(re.sub(r"(?m)^as_of: \S+", f"as_of: {earlier}", plan.read_text(encoding="utf-8")), encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "--quiet", "-m", "Revidering 2025")
    run = subprocess.run([sys.executable, "build.py", "build", "information-plan-1000-fler-2025", "--format", "md"],
                         cwd=repo, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    text = (repo / "output" / "information-plan-1000-fler-2025.md").read_text(encoding="utf-8")
    assert "# Revideringar av åtgärder i Plan för 1000 fler i egen försörjning" in text
    rows = re.findall(r"^- - (\d+)\n  - (.*)\n  - (.*)\n  -(.*)\n", text, re.M)
    kinds = {int(number): (kind, comment.strip()) for number, _old, kind, comment in rows}
    assert kinds[1] == ("Ny formulering: Sök upp fler arbetslösa i alla stadsdelar.",
                        "Slås ihop med åtgärd 2. Målgruppen vidgades.")
    assert kinds[2] == ("Ny formulering: Sök upp fler arbetslösa i alla stadsdelar.",
                        "Slås ihop med åtgärd 1. Ingår nu i åtgärd 1.")
    assert kinds[3][0] == "Utgår." and kinds[5][0] == "Klart." and kinds[6][0] == "Kvar."


def test_the_example_crosswalk_never_merges_a_measure_with_itself(example_output):
    """Old measure 15 and a business-plan measure outside the plan became one: the row names
    the other one by its number in the business plan, and shows the new wording."""
    text = (example_output / "information-plan-1000-fler-2025.md").read_text(encoding="utf-8")
    rows = re.findall(r"^- - (\d+)(?: \((\d+)\))?\n  - (.*)\n  - (.*)\n  -(.*)\n", text, re.M)
    assert len(rows) == 24
    for number, _business, _old, _kind, comment in rows:
        assert f"ihop med åtgärd {number}." not in comment and f"Sammanslagen med {number}" not in comment
    by_number = {int(row[0]): row for row in rows}
    assert by_number[15][3].startswith("Ny formulering: Bygg vidare på *En god investering*")
    assert "Slås ihop med åtgärd 10 i VP 2025 som inte ingår i planen" in by_number[15][4]
    assert by_number[1][1] == "17"  # its number in the business plan of that version
    assert "Åtgärd i planen (åtgärd i VP 2025)" in text
    added = text[text.index("Tillägg av åtgärder"):]
    assert "- - Åtgärd i VP 2025\n  - Uppdrag i Mål och budget\n  - Åtgärd" in added
    assert "- - 11\n  - 14\\. Öka andelen Ekbackabor som försörjer sig själva." in added


def test_self_merge_is_a_validation_error(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    _edit(content, "atgard-studie-och-yrkesvagledning", merged_into="atgard-studie-och-yrkesvagledning")
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate", "--content", str(content)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "atgard-studie-och-yrkesvagledning.yaml:" in run.stdout + run.stderr
    assert "kan inte slås ihop med eller ersätta sig själv" in run.stdout + run.stderr
