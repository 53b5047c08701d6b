"""The render stage: Markdown structure of the example documents, computed apart from the templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from styrdok.load import load_content
from styrdok.model import build_model
from styrdok.numbering import measure_numbers
from styrdok.pipeline import check
from styrdok.project import load_project
from styrdok.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
NBSP, MINUS = "\u00a0", "\u2212"


@pytest.fixture(scope="module")
def content():
    return build_model(load_content(ROOT / "content"))


@pytest.fixture(scope="module")
def rendered(content):
    renderer = Renderer(content, ROOT / "templates")
    return {doc.id: renderer.render(doc, f"{doc.kind}.md.j2") for doc in content.documents}


def _measures_in_scope(content, document) -> set[str]:
    """Measures whose parent chain reaches a goal the document lists (independent of the templates)."""
    listed = {goal for block in document.contents for goal in block.get("goals", [])}
    origins = {origin for block in document.contents for origin in block.get("origins", [])}

    def reaches(item) -> bool:
        if getattr(item, "origin", None) and item.origin.id in origins and not item.parents:
            return True
        return item.id in listed or any(reaches(parent) for parent in item.parents)

    return {m.id for m in content.of_type("measure") if reaches(m)}


def test_rendering_is_deterministic(content, rendered):
    again = Renderer(content, ROOT / "templates")
    assert {doc.id: again.render(doc, f"{doc.kind}.md.j2") for doc in content.documents} == rendered


def test_captions_are_numbered_through_each_document(rendered):
    for text in rendered.values():
        numbers = [int(n) for n in re.findall(r"^Tabell (\d+)\. \S", text, re.M)]
        assert numbers == list(range(1, len(numbers) + 1))
        assert "Tabell 1: Tabell" not in text


def test_business_plan_has_expected_table_count(rendered):
    captions = re.findall(r"^Tabell \d+\. (.*)$", rendered["verksamhetsplan-2025"], re.M)
    assert len([c for c in captions if c.startswith("Nämndens indikatorer till fokusmål")]) == 4
    assert any(c.startswith("Nämndens åtgärder till Uppdrag 14.") for c in captions)
    assert captions[-1].startswith("Plan för uppföljning")


def test_every_measure_appears_exactly_once(content, rendered):
    for document in content.documents:
        if not any("goals" in block for block in document.contents):
            continue  # an attachment with only text and revision tables shows no measures of its own
        text = rendered[document.id]
        scope = _measures_in_scope(content, document)
        assert scope, document.id
        numbered = re.findall(r"^- - (\d+)\\\. (.*)$", text, re.M)
        assert [int(n) for n, _ in numbered] == list(range(1, len(scope) + 1)), document.id
        for measure_id in scope:
            measure_text = " ".join(content.items[measure_id].text.split())
            assert sum(1 for _, shown in numbered if shown == measure_text) == 1, (document.id, measure_id)


MEASURE_ROW = re.compile(r"^- - (\S+)\\\. (.*)$", re.M)  # a measure table's first cell: "7\. Text"


def _numbers_shown(content, text: str) -> list[tuple[str, str]]:
    """(measure id, number) for every row of a document's Markdown that shows a measure's text
    after a number, in document order."""
    by_text = {" ".join(m.text.split()): m.id for m in content.of_type("measure")}
    return [(by_text[shown], number) for number, shown in MEASURE_ROW.findall(text) if shown in by_text]


@pytest.mark.parametrize("project", [ROOT, ROOT / "examples" / "alvnas"], ids=["example", "alvnas"])
def test_the_numbering_is_what_each_document_shows(project):
    """styrdok.numbering (used by diffs and revision tables) against the rendered documents: the
    same measures, the same numbers, in the same order. (Älvnäs has no measures: both are empty.)"""
    project = load_project(project)
    result = check(project.content, project.schemas)
    content = build_model(result.loaded, result.schemas)
    renderer = Renderer(content, project.templates, content_dir=project.content)
    for document in content.documents:
        shown = _numbers_shown(content, renderer.render(document, project.templates.kind(document.kind).template))
        numbers = measure_numbers(content, document)
        assert shown == [(measure_id, str(number)) for measure_id, number in numbers.items()], document.id


def test_business_plan_shows_all_42_measures(content, rendered):
    numbered = re.findall(r"^- - (\d+)\\\. ", rendered["verksamhetsplan-2025"], re.M)
    assert len(numbered) == 42


def test_heading_levels_never_skip(rendered):
    for doc_id, text in rendered.items():
        body = text.split("\n---\n", 1)[1]
        levels = [len(m) for m in re.findall(r"^(#+) ", body, re.M)]
        assert levels[0] == 1, doc_id
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), doc_id


def test_goals_head_their_sections(content, rendered):
    text = rendered["verksamhetsplan-2025"]
    assert "\n# Kommunfullmäktiges fokusmål\n" in text  # the level's heading above them all
    for goal in content.of_type("goal"):
        if goal.level.id == "council_goal":
            assert f"\n## Fokusmål {goal.number}: " in text


def test_swedish_number_format(rendered):
    text = rendered["verksamhetsplan-2025"]
    assert f"5{NBSP}337" in text  # thousands separator
    assert f"{MINUS}1{NBSP}157" in text  # proper minus on costs
    assert "(okt)" in text  # partial period
    assert not re.search(r"\d,\d{3}\b(?!,)", text.replace(f"{NBSP}", " ").split("# Budget")[1].split("# Bilaga")[0])


def test_memo_has_numbered_att_clauses(content):
    renderer = Renderer(content, ROOT / "templates")
    document = content.items["verksamhetsplan-2025"]
    memo = renderer.render(document, "tjansteskrivelse.md.j2")
    clauses = re.findall(r"^(\d+)\. \*\*att\*\* ", memo, re.M)
    assert [int(c) for c in clauses] == list(range(1, len(document.memo["clauses"]) + 1))
    for heading in ("Förslag till beslut", "Ärendet", "Beredning", "Beslutsunderlag"):
        assert f"# {heading}" in memo
    assert document.memo["signature"]["name"] in memo
