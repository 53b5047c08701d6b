"""The second example organisation, examples/alvnas (Älvnäs kommun, a fictional municipality):
it builds to every format from its own project file, its reports show what its YAML says,
styrdok's package knows nothing of its model, and it shares no template with the first example."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from figures import check_pdf_figures, indicators
from styrdok.project import BUILTIN_TEMPLATES, load_project

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "alvnas"
CONTENT = EXAMPLE / "innehall"
LOGO = EXAMPLE / "profil" / "logotyp.png"
LOGO_ALT = "Älvnäs kommuns logotyp, en grön älv under en sol"
PLAN, REPORT = "processplan-2026", "uppfoljning-2026-08"
# Names the engine itself defines, and ordinary Swedish words that styrdok's own messages use.
ENGINE_VOCABULARIES = {"origins", "target_directions"}
GENERIC_WORDS = {"Klart", "klart"}


def _items() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(CONTENT.rglob("*.yaml"))]


def _of_type(kind: str) -> list[dict]:
    return [item for item in _items() if item["type"] == kind]


def _model() -> dict:
    return yaml.safe_load((CONTENT / "config" / "model.yaml").read_text(encoding="utf-8"))


def _follow_ups() -> dict[str, dict]:
    return {f["item"]: f for f in _of_type("follow_up")}


@pytest.fixture(scope="module")
def built(alvnas_output) -> Path:
    return alvnas_output  # built once per session, in every format, from its project file (conftest.py)


def _text(built: Path, document: str) -> str:
    return (built / f"{document}.md").read_text(encoding="utf-8")


def _pdf_text(built: Path, document: str) -> str:
    return "".join(page.extract_text() for page in PdfReader(built / f"{document}.pdf").pages)


def test_builds_every_format(built):
    for document in (PLAN, REPORT):
        for extension in ("md", "docx", "pdf", "html"):
            assert (built / f"{document}.{extension}").stat().st_size > 0, (document, extension)


def _perspective_of(goals: dict[str, dict], goal_id: str) -> str:
    goal = goals[goal_id]
    return goal_id if not goal.get("parents") else _perspective_of(goals, goal["parents"][0])


def _table_rows(markdown: str, caption: str) -> list[list[str]]:
    """The rows of a list-table by (the start of) its caption, each a list of cell texts."""
    block = markdown.split(caption, 1)[1].split("\n:::", 1)[0]
    rows: list[list[str]] = []
    for line in block.splitlines():
        if line.startswith("- - "):
            rows.append([line[4:]])
        elif line.startswith("  - "):
            rows[-1].append(line[4:])
    return rows


def test_status_count_table_counts_the_yaml_and_shows_zero_columns(built):
    goals = {g["id"]: g for g in _of_type("goal")}
    follow_ups = _follow_ups()
    statuses = next(entries for name, entries in _model()["vocabularies"].items()
                    if name == _model()["follow_up"]["status"][0]["vocabulary"])
    expected: dict[str, Counter] = {}
    for commitment in _of_type("commitment"):
        perspective = _perspective_of(goals, commitment["parents"][0])
        expected.setdefault(perspective, Counter())[follow_ups[commitment["id"]]["status"]] += 1
    totals = sum(expected.values(), Counter())
    assert any(totals[s["id"]] == 0 for s in statuses), "the example should have a status no commitment has"

    rows = _table_rows(_text(built, REPORT), "Antal åtaganden per status och perspektiv")
    assert rows[0] == ["Perspektiv"] + [f"{s['symbol']} {s['label']}" for s in statuses] + ["Totalt"]
    for row in rows[1:-1]:
        perspective = next(g for g in goals.values() if row[0].endswith(g["title"]) and not g.get("parents"))
        counts = expected[perspective["id"]]
        assert row[1:] == [str(counts[s["id"]]) for s in statuses] + [str(sum(counts.values()))]
    assert rows[-1][1:] == [f"**{totals[s['id']]}**" for s in statuses] + [f"**{sum(totals.values())}**"]
    assert len(rows) == 2 + len(expected)


def test_every_commitment_shows_status_completion_trend_and_dated_comment(built):
    markdown, pdf = _text(built, REPORT), _pdf_text(built, REPORT)
    follow_ups = _follow_ups()
    completions = [follow_ups[c["id"]]["completion"] for c in _of_type("commitment")]
    assert 0 in completions
    for commitment in _of_type("commitment"):
        f = follow_ups[commitment["id"]]
        assert re.search(rf"- - {re.escape(commitment['title'])}\n  - [✓▶⚠○] \w[^\n]*\n  - {f['completion']} %\n", markdown), commitment["id"]
    assert "0 %" in pdf and "100 %" in pdf
    assert "(28 augusti 2026)" in markdown  # a comment's date, written out


def test_internal_control_points_and_their_results(built):
    plan, report = _text(built, PLAN), _text(built, REPORT)
    labels = {e["id"]: e["label"] for e in _model()["vocabularies"]["control_result"]}
    follow_ups = _follow_ups()
    points = _of_type("control_point")
    assert len(points) == 4
    for point in points:
        assert point["title"] in plan and point["method"] in plan
        assert point["title"] in report and labels[follow_ups[point["id"]]["result"]] in report


def test_sick_leave_by_gender(built):
    indicators = [i for i in _of_type("indicator") if "jukfrånvaro" in i["name"]]
    assert len(indicators) == 2
    for document in (PLAN, REPORT):
        markdown, pdf = _text(built, document), _pdf_text(built, document)
        for indicator in indicators:
            rows = _table_rows(markdown, indicator["name"])
            assert rows[0] == ["Period", "Totalt", "Kvinnor", "Män"]
            for value, row in zip(indicator["values"], rows[1:], strict=True):
                women, men = (f"{value[k]:.1f}".replace(".", ",") for k in ("women", "men"))
                assert row[2:] == [women, men]
                assert f"{women} {men}" in pdf


def test_logo_with_alt_text_in_every_format(built):
    logo = LOGO.read_bytes()
    for document in (PLAN, REPORT):
        assert any(page.images for page in PdfReader(built / f"{document}.pdf").pages)
        html = (built / f"{document}.html").read_text(encoding="utf-8")
        assert re.search(rf'<img [^>]*alt="{LOGO_ALT}"', html)
        with zipfile.ZipFile(built / f"{document}.docx") as docx:
            assert logo in [docx.read(n) for n in docx.namelist() if n.startswith("word/media/")]
            assert any(f'descr="{LOGO_ALT}"' in docx.read(n).decode() for n in docx.namelist() if n.endswith(".xml"))


def _model_names() -> set[str]:
    """Every type name, level id and label, vocabulary name, and value id and label of the example."""
    model, names = _model(), set()
    for level in model["levels"]:
        names |= {level["id"], level["label"], level["plural"]}
    for name, entry in model["types"].items():
        names |= {name, entry["label"], entry["plural"]}
    for name, entries in model["vocabularies"].items():
        if name not in ENGINE_VOCABULARIES:  # the engine's own, shared by every model (and its starter)
            names |= {name} | {e["id"] for e in entries} | {e["label"] for e in entries}
    return names - GENERIC_WORDS


def test_styrdok_knows_nothing_of_the_example_model():
    names = _model_names()
    assert {"commitment", "control_point", "perspective", "Inriktningspunkt", "Pågår"} <= names
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![\w-])")
    hits = []
    for path in sorted((ROOT / "styrdok").rglob("*")):
        if path.is_file() and path.suffix != ".pyc":
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                hits += [f"{path.relative_to(ROOT)}:{number}: {m.group(1)}" for m in pattern.finditer(line)]
    assert not hits, hits


def test_grep_would_catch_a_name_in_the_package(tmp_path):
    """The pattern of the previous test finds a level id written in code, case-sensitively."""
    names = _model_names()
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    assert pattern.search('if level == "direction_point":')
    assert not pattern.search('if level == "Direction_point":')


def test_the_examples_share_no_template_except_the_builtins():
    first, second = load_project(ROOT), load_project(EXAMPLE)
    assert first.templates.search_path == (BUILTIN_TEMPLATES.resolve(),)  # the first example: built-ins only
    own = second.templates.search_path[0]
    assert own == (EXAMPLE / "mallar").resolve() and second.templates.search_path[1:] == (BUILTIN_TEMPLATES.resolve(),)
    builtin = {p.relative_to(BUILTIN_TEMPLATES): p.read_bytes() for p in BUILTIN_TEMPLATES.rglob("*") if p.is_file()}
    for path in own.rglob("*"):
        if path.is_file():
            name = path.relative_to(own)
            assert name not in builtin, f"{name} overrides a built-in template"
            assert path.read_bytes() not in builtin.values(), f"{name} is a copy of a built-in template"
    for kind in ("processplan", "uppfoljningsrapport"):
        assert second.templates.find(second.templates.kind(kind).template).parent == own


def test_every_pdf_figure_names_its_series_first_and_last_value(built):
    known = indicators(EXAMPLE / "innehall")
    for document in ("processplan-2026", "uppfoljning-2026-08"):
        assert check_pdf_figures(built / f"{document}.pdf", known) >= 3, document


def test_a_committed_map_is_placed_in_every_format(built):
    import base64

    png = (EXAMPLE / "innehall" / "bilder" / "omsorgsomraden.png").read_bytes()
    with zipfile.ZipFile(built / "processplan-2026.docx") as docx:
        assert png in [docx.read(n) for n in docx.namelist() if n.startswith("word/media/")]
    assert base64.b64encode(png).decode() in (built / "processplan-2026.html").read_text(encoding="utf-8")
    sizes = [(image.image.width, image.image.height) for page in PdfReader(built / "processplan-2026.pdf").pages
             for image in page.images]
    assert (800, 480) in sizes
    assert not [p for p in built.rglob("*.png")]  # the staged copy is gone
