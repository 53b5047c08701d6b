"""Documents as adopted: a document definition's ``as_of`` builds it from an earlier version.

The example's 2023 plan names the commit that holds it as the committee adopted it (the
repository's own history); the shallow-clone behaviour is in test_shallow.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from gitrepos import git
from styrdok.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLAN = "plan-1000-fler"
ADOPTED = "aed08690da74f2c0d056671c57f5391704e9b27c"  # "Example history: Plan för 1000 fler as adopted in 2023"


def test_the_example_plan_names_its_adopted_version():
    definition = yaml.safe_load((ROOT / "content" / "dokument" / f"{PLAN}.yaml").read_text(encoding="utf-8"))
    assert definition["as_of"] == ADOPTED


def test_the_2023_plan_is_built_from_its_2023_version(example_output):
    plan = (example_output / f"{PLAN}.md").read_text(encoding="utf-8")
    # the 2023 wording of measure 3, not the 2025 revision's, and its 2023 period
    assert "3\\. Utveckla samarbetet mellan arbetsmarknadsverksamheten och vuxenutbildningen" in plan
    assert "Utveckla de språkstödjande insatserna så att både individer och arbetsgivare får stöd" not in plan
    assert "Utgå från hela hushållet när utbildning och insatser planeras" in plan
    assert "Utgå från hela hushållets situation" not in plan
    # the document history as adopted: no version 2.0 from 2024
    assert "Antagen av nämnden." in plan and "Reviderad inför 2025" not in plan
    # indicator values known when it was adopted: only 2022 is a column, no 2023 or 2024 value
    headers = re.findall(r"^- - Indikatorer målområde \d\n((?:  - .*\n)+)", plan, re.M)
    assert headers and all(h.splitlines()[0] == "  - 2022" and "2023" not in h and "2024" not in h for h in headers)
    assert "(sep)" not in plan


def test_its_provenance_names_the_version_it_was_built_from(example_output):
    plan = (example_output / f"{PLAN}.md").read_text(encoding="utf-8")
    assert re.search(r'^provenance: "(Utkast efter version|Version) aed0869 · 19 oktober 2023"$', plan, re.M)
    assert f"- Versionsnummer: {ADOPTED}\n" in plan and "- Versionens datum: 19 oktober 2023\n" in plan
    assert "- Framställt med mallarna i versionen: " in plan
    memo = (example_output / f"{PLAN}-tjansteskrivelse.md").read_text(encoding="utf-8")
    assert f"- Versionsnummer: {ADOPTED}\n" in memo
    other = (example_output / "verksamhetsplan-2025.md").read_text(encoding="utf-8")
    assert ADOPTED not in other and "Framställt med mallarna" not in other


def test_the_revision_information_compares_with_the_adopted_version(example_output):
    information = (example_output / "information-plan-1000-fler-2025.md").read_text(encoding="utf-8")
    assert "# Revideringar av åtgärder" in information
    # the old wording in the table is the adopted plan's
    assert "Utveckla samarbetet mellan arbetsmarknadsverksamheten och vuxenutbildningen" in information


def _repository_with(tmp_path: Path, as_of: str) -> Path:
    """The example content in a new repository (without the example's history), the plan's as_of set."""
    repo = tmp_path / "kommun"
    shutil.copytree(ROOT / "content", repo / "content")
    definition = repo / "content" / "dokument" / f"{PLAN}.yaml"
    definition.write_text(definition.read_text(encoding="utf-8").replace(ADOPTED, as_of), encoding="utf-8")
    git(repo, "init", "--quiet")
    return repo


def test_an_unknown_version_is_an_error_at_the_definitions_line(tmp_path, capsys):
    repo = _repository_with(tmp_path, "antagen-2023")
    line = next(n for n, text in enumerate((repo / "content" / "dokument" / f"{PLAN}.yaml").read_text(encoding="utf-8")
                                           .splitlines(), 1) if text.startswith("as_of:"))
    for command in ("validate", "build"):
        assert main([command, "--content", str(repo / "content"), *(["--output", str(tmp_path / "ut")] if command == "build" else [])]) == 1
        out = capsys.readouterr().out
        assert re.search(rf'dokument/{PLAN}\.yaml:{line}:8: versionen "antagen-2023" finns inte i förrådet: '
                         r"ingen tagg, commit eller gren heter så", out), out
    assert not (tmp_path / "ut").exists()
