"""Documents as adopted: a document definition's ``as_of`` builds it from an earlier version.

The example's 2023 plan names the commit that holds it as the committee adopted it (the
repository's own history); the shallow-clone behaviour is in test_shallow.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from gitrepos import commit_all, git
from styrdok import publish
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


def _adopted_as_tagged(tmp_path: Path) -> Path:
    """The content of a new repository, committed once and tagged antagen-2023, which the
    plan's ``as_of`` names."""
    repo = _repository_with(tmp_path, "antagen-2023")
    commit_all(repo, "Antagen av nämnden")
    git(repo, "tag", "antagen-2023")
    return repo / "content"


MEASURE = Path("atgarder") / "atgard-sprakstodjande-insatser.yaml"  # shown in the plan


def _edit_measure(content: Path, new: str) -> None:
    path = content / MEASURE
    path.write_text(re.sub(r"så att både [^ ]+", f"så att både {new}", path.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")


def test_the_adopted_render_is_kept_and_a_moved_tag_builds_anew(tmp_path, monkeypatch):
    """The plan as adopted is rendered once per commit its tag names: later edits to the
    content load nothing of the version, and moving the tag makes the next build render
    from the tag's new commit."""
    content, output = _adopted_as_tagged(tmp_path), tmp_path / "ut"
    repo = content.parent
    _edit_measure(content, "reviderade")
    revised = commit_all(repo, "Reviderad")
    loads, original = [], publish.adopted
    monkeypatch.setattr(publish, "adopted", lambda *args: loads.append(args) or original(*args))

    def build():
        publish.build(content, output, documents=[PLAN], formats={"md"})

    build()
    first = (output / f"{PLAN}.md").read_text(encoding="utf-8")
    assert "så att både individer" in first and "reviderade" not in first and len(loads) == 1
    _edit_measure(content, "ändrade")  # an edit the adopted plan does not show
    build()
    assert (output / f"{PLAN}.md").read_text(encoding="utf-8") == first and len(loads) == 1
    git(repo, "tag", "--force", "antagen-2023", revised)
    build()  # nothing in the work tree changed since the last build; the tag did
    assert "så att både reviderade" in (output / f"{PLAN}.md").read_text(encoding="utf-8") and len(loads) == 2


def test_a_field_the_adopted_version_overrides_is_a_warning_at_its_line(tmp_path, capsys):
    content = _adopted_as_tagged(tmp_path)
    definition = content / "dokument" / f"{PLAN}.yaml"
    text = definition.read_text(encoding="utf-8").replace("title: Plan för 1000 fler", "title: Ny plan för 1000 fler")
    definition.write_text(re.sub(r"(?ms)^memo:.*?(?=^history:)", "", text), encoding="utf-8")
    lines = definition.read_text(encoding="utf-8").splitlines()
    title, as_of = (next(n for n, line in enumerate(lines, 1) if line.startswith(key)) for key in ("title:", "as_of:"))
    assert main(["validate", "--content", str(content)]) == 0
    out = capsys.readouterr().out
    said = "dokumentet byggs som det antogs, ur versionen antagen-2023, där fältet"
    assert f'{PLAN}.yaml:{title}:1: varning: fältet "title" (Titel) har ingen verkan: {said} ser annorlunda ut.' in out, out
    assert f'{PLAN}.yaml:{as_of}:1: varning: fältet "memo" (Tjänsteskrivelse) är borttaget här men används ändå: {said} finns.' in out
    assert out.count("antagen-2023, där fältet") == 2  # the unchanged fields say nothing
    # the revision table names no version of its own: it compares with the plan's as_of
    information = content / "dokument" / f"information-{PLAN}-2025.yaml"
    blocks = yaml.safe_load(information.read_text(encoding="utf-8"))["contents"]
    assert [b["revisions"] for b in blocks if "revisions" in b][0]["document"] == PLAN and not any("since" in b.get("revisions", {}) for b in blocks)
    definition.write_text(re.sub(r"(?m)^as_of: .*\n", "", definition.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["validate", "--content", str(content)]) == 1
    assert re.search(rf"information-{PLAN}-2025\.yaml:\d+:\d+: revideringstabellen anger ingen version att jämföra med: "
                     rf'ange "since", eller "as_of" i dokumentet "{PLAN}"', capsys.readouterr().out)
