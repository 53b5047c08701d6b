"""Figures in prose: every count in every memo (and in the sections) agrees with the data.

The expected figures are computed here straight from the YAML files, without styrdok's
model, renderer or placeholder code; revision counts are read from the revision table of
the built document itself.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tarfile
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from styrdok.pipeline import check

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
MEMO_FIELDS = ("arendet", "beredning", "foredragning", "ekonomiska_konsekvenser")
WORDS = ["noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_.-]*)(?::([a-z-]+))?\}")
REVISION_LABELS = {"Kvar": "kept", "Ny formulering": "reworded", "Klart": "done", "Utgår": "dropped"}
# a merged measure's comment names the plan's measure it joins (not a measure from outside the plan)
MERGED = re.compile(r"Slås ihop med åtgärd \d+(?: \(\d+ i [^)]*\))?\.")
# a number written by hand in front of a noun the example counts
HAND_COUNT = re.compile(r"\b(?!(?:19|20)\d\d\b)(\d+|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv)(?:\s+\w+)?\s+"
                        r"(uppdrag\w*|åtgärd\w*|mål|målen|fokusmål|nämndmål|målområd\w*|indikator\w*)\b", re.I)


# ---- the content, read directly -------------------------------------------------------
@lru_cache(maxsize=2)
def _content(as_of: str | None = None) -> dict:
    """The content as it is now, or as it was in version ``as_of`` (read with git)."""
    items, sections = {}, {}
    for name, text in _files(as_of):
        if name.endswith(".yaml"):
            data = yaml.load(text, Loader=yaml.CSafeLoader)
            items[data["id"]] = data
        elif name.endswith(".md"):
            _, front, body = text.split("---\n", 2)
            sections[yaml.safe_load(front)["id"]] = body
    return {"items": items, "sections": sections}


def _files(as_of: str | None) -> list[tuple[str, str]]:
    if as_of is None:
        return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(CONTENT.rglob("*")) if p.suffix in (".yaml", ".md")]
    archive = subprocess.run(["git", "archive", as_of, "content"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return [(m.name, tar.extractfile(m).read().decode("utf-8")) for m in tar.getmembers() if m.isfile()
                and m.name.endswith((".yaml", ".md"))]


def _shown(items: dict, document: dict) -> list[dict]:
    """Everything the document shows: its goals, objects and origin assignments, and all under them."""
    blocks = document["contents"]
    tops = [g for b in blocks for g in b.get("goals", []) + b.get("objects", [])]
    origins = {o for b in blocks for o in b.get("origins", [])}
    tops += [i for i, d in items.items() if d["type"] == "assignment" and d["origin"] in origins and not d.get("parents")]
    children = {}
    for item_id, data in items.items():
        for parent in data.get("parents", []) if isinstance(data.get("parents"), list) else []:
            children.setdefault(parent, []).append(item_id)
    found, waiting = set(tops), list(tops)
    while waiting:
        for child in children.get(waiting.pop(), []):
            if child not in found:
                found.add(child)
                waiting.append(child)
    return [items[i] for i in found]


def _follow_up(items: dict, item_id: str, period: str | None) -> dict:
    return next((d for d in items.values() if d["type"] == "follow_up" and d["item"] == item_id and d["period"] == period), {})


def _word(n: int, neuter: bool) -> str:
    if n == 1 and neuter:
        return "ett"
    return WORDS[n] if n < len(WORDS) else str(n)


def _revision_counts(built_document: str) -> Counter:
    """Rows per kind in the built document's revision table, and its added measures."""
    counts = Counter()
    for title, key in (("Revideringar av åtgärder i", None), ("Tillägg av åtgärder i", "added")):
        match = re.search(rf"^Tabell \d+\. {title}.*?\n\n(.*?)\n:::", built_document, re.M | re.S)
        if not match:
            continue
        rows = [re.split(r"\n  -(?: |$)", row) for row in match.group(1).split("\n- - ")[1:]]
        header = re.split(r"\n  -(?: |$)", match.group(1).split("\n- - ")[0].removeprefix("- - "))
        for row in rows:
            if key:
                counts[key] += 1
            else:
                label = re.split(r"[:.]", row[header.index("Revidering")].strip())[0]
                merged = MERGED.match(row[header.index("Kommentar")].strip())
                counts["merged" if merged else REVISION_LABELS[label]] += 1
    return counts


def _expected(name: str, fmt: str | None, content: dict, document: dict, built_document: str) -> str:
    """What one placeholder must read in the document, computed from the YAML."""
    items = content["items"]
    model = next(d for d in items.values() if d["type"] == "model")
    neuter = bool(fmt and fmt.endswith("-ett"))
    path = name.split(".")
    if path[0] == "revision":
        counts = _revision_counts(built_document)
        n = counts[path[1]] if len(path) > 1 else sum(v for k, v in counts.items() if k != "added")
    else:
        def value(item, field):
            if field in model["follow_up"]:
                return _follow_up(items, item["id"], document.get("period")).get(field)
            return item.get(field)

        def matches(v, wanted):
            return any(matches(x, wanted) for x in v) if isinstance(v, list) else v is not None and str(v).lower() == wanted

        chosen = [i for i in _shown(items, document) if i["type"] == path[0]
                  and all(matches(value(i, path[k]), path[k + 1]) for k in range(1, len(path) - 1, 2))]
        if len(path) % 2 == 0:  # ends in a field without a value
            field = path[-1]
            if fmt and fmt.startswith("lista"):
                vocabulary = model["vocabularies"][model["follow_up"][field][0]["vocabulary"]]
                counts = Counter(value(i, field) for i in chosen)
                parts = []
                for term in vocabulary:
                    n = counts[term["id"]]
                    if n:
                        forms = term.get("summary") or {}
                        phrase = forms.get("plural" if n != 1 else ("neuter" if neuter else "common"), term["label"].lower())
                        parts.append(f"{_word(n, neuter)} som {phrase}")
                return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]
            chosen = [i for i in chosen if value(i, field) not in (None, "", [])]
        n = len(chosen)
    return _word(n, neuter) if fmt and fmt.startswith("ord") else f"{n:,}".replace(",", "\u00a0")


def _normal(text: str) -> str:
    """Markdown as plain words: no escapes, one space between words."""
    return " ".join(text.replace("\\", "").split())


def _filled(text: str, content: dict, document: dict, built_document: str) -> str:
    return PLACEHOLDER.sub(lambda m: _expected(m.group(1), m.group(2), content, document, built_document), text)


# ---- the tests ------------------------------------------------------------------------
def _memo_documents() -> list[str]:
    return sorted(i for i, d in _content()["items"].items() if d["type"] == "document" and "memo" in d)


def test_the_memos_that_contradicted_their_reports_use_placeholders():
    content = _content()
    assert len(_memo_documents()) >= 5
    for document_id in ("delarsrapport-2025-04", "delarsrapport-2025-08", "information-plan-1000-fler-2025"):
        memo = content["items"][document_id]["memo"]
        assert PLACEHOLDER.search(memo["foredragning"]), document_id


@pytest.mark.parametrize("document_id", _memo_documents())
def test_every_count_in_the_memo_comes_from_the_data(example_output, document_id):
    as_of = _content()["items"][document_id].get("as_of")
    content = _content(as_of)
    document = content["items"][document_id]
    built_memo = _normal((example_output / f"{document_id}-tjansteskrivelse.md").read_text(encoding="utf-8"))
    built_document = (example_output / f"{document_id}.md").read_text(encoding="utf-8")
    for field in MEMO_FIELDS:
        text = document["memo"].get(field)
        if not text:
            continue
        for count in HAND_COUNT.finditer(PLACEHOLDER.sub("", text)):
            # only a document built as adopted keeps its memo of then, with counts written by hand
            assert as_of, f"{document_id} {field}: ett tal är skrivet för hand: {count.group(0)}"
            assert _hand_count_is_right(count, content["items"], document), f"{document_id} {field}: {count.group(0)}"
        for paragraph in text.split("\n\n"):
            expected = _normal(re.sub(r"^- ", "", _filled(paragraph, content, document, built_document), flags=re.M))
            assert expected in built_memo.replace(" - ", " "), f"{document_id} {field}: {expected}"
        assert not PLACEHOLDER.search(built_memo)


def _hand_count_is_right(count: re.Match, items: dict, document: dict) -> bool:
    """A count written by hand in a memo of then equals what that version's document shows."""
    written, noun = count.group(1).lower(), count.group(2).lower()
    n = WORDS.index(written) if written in WORDS else int(written)
    shown = _shown(items, document)
    if noun.startswith("åtgärd"):
        return n == sum(1 for i in shown if i["type"] == "measure")
    if noun.startswith("målområd"):
        return n == sum(1 for i in shown if i["type"] == "goal" and i.get("level") == "target_area")
    return False


@pytest.mark.parametrize("document_id", sorted(i for i, d in _content()["items"].items() if d["type"] == "document"))
def test_every_count_in_the_sections_comes_from_the_data(example_output, document_id):
    content = _content()
    document = content["items"][document_id]
    built_document = (example_output / f"{document_id}.md").read_text(encoding="utf-8")
    for section in (b["section"] for b in document["contents"] if "section" in b):
        body = content["sections"][section]
        assert not HAND_COUNT.search(PLACEHOLDER.sub("", body)), f"{section}: ett tal är skrivet för hand"
        for paragraph in re.split(r"\n\n+", body.strip()):
            if PLACEHOLDER.search(paragraph):
                expected = _normal(_filled(paragraph, content, document, built_document))
                assert expected in _normal(built_document), f"{section}: {expected}"


def test_the_memos_and_reports_agree(example_output):
    """The interim memos and the reports' own summaries give the same measure counts."""
    for period in ("2025-04", "2025-08"):
        report = _normal((example_output / f"delarsrapport-{period}.md").read_text(encoding="utf-8"))
        memo = _normal((example_output / f"delarsrapport-{period}-tjansteskrivelse.md").read_text(encoding="utf-8"))
        summary = re.search(r"Av (\d+) åtgärder bedöms (.*?)\.", report)
        assert f"Av nämndens {summary.group(1)} åtgärder bedöms {summary.group(2)}." in memo


# ---- validation -----------------------------------------------------------------------
def _validate_with(tmp_path: Path, edit) -> list:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    edit(content)
    return check(content).diagnostics


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_example_has_no_figure_diagnostics():
    messages = [d for d in check(CONTENT).diagnostics if "platshållar" in d.message or "för hand" in d.message]
    assert messages == []


@pytest.mark.parametrize("placeholder, fragment", [
    ("{measures}", 'typen "measures" finns inte. Menade du "measure"?'),
    ("{measure.staus.paborjad}", 'measure har inget fält "staus". Menade du "status"?'),
    ("{measure.status.klar}", '"klar" finns inte bland värdena för status'),
    ("{measure:orden}", 'formatet "orden"'),
    ("{Åtgärder}", "är ingen platshållare"),
    ("{measure.origin.kf:lista}", 'measure har inget fält "origin"'),
    ("{assignment.origin:lista}", "formatet lista kräver"),
    ("{revision.kvar}", '"kvar" är inget slags revidering'),
    ("{revision}", "har ingen (revisions under contents)"),
    ("{measure", "avslutas inte med }"),
])
def test_a_wrong_placeholder_is_an_error_at_its_line_and_column(tmp_path, placeholder, fragment):
    memo = "content/dokument/delarsrapport-2025-04.yaml"
    diagnostics = _validate_with(tmp_path, lambda c: _replace(
        c / "dokument" / "delarsrapport-2025-04.yaml", "    Förvaltningen har berett ärendet",
        f"    Förvaltningen har berett {placeholder} ärendet"))
    found = [d for d in diagnostics if fragment in d.message]
    assert len(found) == 1, [d.text() for d in diagnostics]
    lines = (tmp_path / memo).read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, 1) if placeholder in text)
    assert (found[0].severity, found[0].line, found[0].col) == ("error", line, lines[line - 1].index(placeholder) + 1)
    assert found[0].path.endswith("delarsrapport-2025-04.yaml")


def test_a_period_count_in_a_document_without_period_is_an_error(tmp_path):
    diagnostics = _validate_with(tmp_path, lambda c: _replace(
        c / "dokument" / "verksamhetsplan-2025.yaml", "Förvaltningen har berett ärendet.",
        "Förvaltningen har berett ärendet. {measure.status.paborjad}"))
    assert [d.severity for d in diagnostics if "har ingen period" in d.message] == ["error"]


def test_a_placeholder_in_a_section_is_checked_at_its_line(tmp_path):
    diagnostics = _validate_with(tmp_path, lambda c: _replace(
        c / "texter" / "delar-2025-04-inledning.md", "## Så läser du rapporten", "## Så läser du {rapporten}"))
    found = [d for d in diagnostics if '"rapporten" finns inte' in d.message]
    lines = (tmp_path / "content/texter/delar-2025-04-inledning.md").read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, 1) if "{rapporten}" in text)
    assert [(d.path.endswith("delar-2025-04-inledning.md"), d.line, d.col) for d in found] == [(True, line, 16)]


def test_a_hand_written_count_is_a_warning_at_the_number(tmp_path):
    diagnostics = _validate_with(tmp_path, lambda c: _replace(
        c / "dokument" / "delarsrapport-2025-04.yaml", "Av nämndens {measure} åtgärder", "Av nämndens 58 åtgärder"))
    found = [d for d in diagnostics if "talet" in d.message]
    assert len(found) == 1 and found[0].severity == "warning"
    assert '"58"' in found[0].message and "{measure}" in found[0].message
    assert "säger emot underlaget: delarsrapport-2025-04 visar bara 43 i allt" in found[0].message
    line = (tmp_path / "content/dokument/delarsrapport-2025-04.yaml").read_text(encoding="utf-8").split("\n")[found[0].line - 1]
    assert line[found[0].col - 1:].startswith("58 åtgärder")


def test_an_escaped_brace_is_text(tmp_path):
    diagnostics = _validate_with(tmp_path, lambda c: _replace(
        c / "dokument" / "delarsrapport-2025-04.yaml", "Förvaltningen har berett ärendet",
        "Förvaltningen har berett \\{ärendet\\}"))
    assert not [d for d in diagnostics if d.severity == "error"]


def test_a_hand_written_count_that_may_be_right_is_a_warning_too(tmp_path):
    diagnostics = _validate_with(tmp_path, lambda c: _replace(
        c / "texter" / "delar-2025-04-inledning.md", "Nämnden har {assignment.origin.kf} uppdrag", "Nämnden har 22 uppdrag"))
    found = [d for d in diagnostics if "talet" in d.message]
    assert [(d.severity, d.path.endswith("delar-2025-04-inledning.md")) for d in found] == [("warning", True)]
    assert "(delarsrapport-2025-04 visar 26 i allt)" in found[0].message and "{assignment}" in found[0].message


def test_a_placeholder_where_none_is_replaced_is_a_warning(tmp_path):
    diagnostics = _validate_with(tmp_path, lambda c: _replace(
        c / "dokument" / "delarsrapport-2025-04.yaml", "    - godkänna delårsrapporten per april 2025",
        "    - godkänna delårsrapporten per april 2025 med {measure} åtgärder"))
    found = [d for d in diagnostics if "ersätts inte här" in d.message]
    assert [(d.severity, d.path.endswith("delarsrapport-2025-04.yaml")) for d in found] == [("warning", True)]
