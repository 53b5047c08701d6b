"""Charts of indicators (styrdok.charts): drawn at build time, described in Swedish in
every format, numbered "Diagram N.", and the same bytes in two builds."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pikepdf
import pytest
import yaml

from browser import axe_violations, chromium, needs_chromium
from figures import check_pdf_figures, figure_alts, first_and_last, indicators, names, swedish
from styrdok import charts
from styrdok.cache import DIRECTORY as CACHE_DIRECTORY, ExportCache
from styrdok.cli import main
from styrdok.load import load_content
from styrdok.model import build_model
from styrdok.project import default_branding
from styrdok.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PLAN = "verksamhetsplan-2025"
# plan-1000-fler is built as adopted in 2023 (as_of), before it had charts; the information
# document of 2025 shows its indicators' charts
DOCUMENTS_WITH_INDICATORS = ["verksamhetsplan-2025", "delarsrapport-2025-08", "information-plan-1000-fler-2025"]


def charted() -> list[dict]:
    """The indicators the plan's chart appendix shows, as their files hold them."""
    document = yaml.safe_load((CONTENT / "dokument" / f"{PLAN}.yaml").read_text(encoding="utf-8"))
    ids = [i for block in document["contents"] if "charts" in block for i in block["charts"]["indicators"]]
    return [yaml.safe_load((CONTENT / "indikatorer" / f"{i}.yaml").read_text(encoding="utf-8")) for i in ids]


def expected_alts() -> list[tuple[str, list[str]]]:
    """Per chart, in order: the indicator's name, and the first and last values its text must
    name: a line, bars for women and men when split, a line per year for monthly values."""
    found = []
    for indicator in charted():
        values = indicator["values"]
        kinds = ["line"]
        if indicator.get("gender_split") and any("women" in v and "men" in v for v in values):
            kinds.append("gender")
        months = [v["period"][:4] for v in values if len(v["period"]) == 7]
        if any(months.count(year) > 1 for year in months):
            kinds.append("monthly")
        found += [(indicator["name"], first_and_last(indicator, kind)) for kind in kinds]
    return found


def build(out: Path) -> Path:
    assert main(["build", PLAN, "--content", str(CONTENT), "--output", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def output(example_output) -> Path:
    return example_output  # the plan is one of the example's documents, built once per session (conftest.py)


def test_the_plan_has_at_least_three_charts_of_each_kind_it_uses():
    assert len(expected_alts()) >= 3
    assert len({name for name, _ in expected_alts()}) >= 3


def test_every_pdf_figure_has_alt_text_naming_the_first_and_last_value(output):
    alts = figure_alts(pikepdf.open(output / f"{PLAN}.pdf"))
    assert alts and all(alt.strip() for alt in alts)
    chart_alts = [alt for alt in alts if alt.startswith(tuple(name for name, _ in expected_alts()))]
    assert len(chart_alts) == len(expected_alts())
    for alt, (name, values) in zip(chart_alts, expected_alts()):
        assert alt.startswith(name)
        for value in values:
            assert names(alt, value), (value, alt)


def test_pdf_charts_are_numbered_figures(output):
    text = (output / f"{PLAN}.md").read_text(encoding="utf-8")
    captions = re.findall(r"^\*Diagram (\d+)\. ", text, re.M)
    assert captions == [str(n) for n in range(1, len(expected_alts()) + 1)]


def test_docx_has_each_chart_as_png_with_its_description(output):
    with zipfile.ZipFile(output / f"{PLAN}.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
    descriptions = [d for d in re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)
                    if d.startswith(tuple(name for name, _ in expected_alts()))]
    assert len(descriptions) == len(expected_alts())
    for description, (_name, values) in zip(descriptions, expected_alts()):
        assert all(names(description, value) for value in values), description
    assert sum(n.endswith(".png") for n in media) >= len(expected_alts())
    assert not any(n.endswith(".svg") for n in media)


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def test_html_embeds_each_chart_as_svg_with_alt(output):
    parser = Images()
    parser.feed((output / f"{PLAN}.html").read_text(encoding="utf-8"))
    shown = [i for i in parser.images if i.get("alt", "").startswith(tuple(name for name, _ in expected_alts()))]
    assert len(shown) == len(expected_alts())
    for image, (_name, values) in zip(shown, expected_alts()):
        assert image["src"].startswith("data:image/svg+xml;base64,")
        assert all(names(image["alt"], value) for value in values), image["alt"]


def test_no_chart_file_is_left_in_the_output(output):
    assert not [p for p in output.rglob("*") if p.suffix in (".svg", ".png")]


def test_two_builds_give_the_same_bytes(output, tmp_path):
    """The second build draws no chart: it finds them all in its cache, and no other file."""
    drawn = [p for p in (output.parent / CACHE_DIRECTORY).glob("??/*") if p.name.split(".")[1] in ("svg", "png")]
    assert len(drawn) >= 2 * 2 * len(expected_alts())  # each chart as SVG and PNG, with its hash
    for entry in drawn:
        (tmp_path / CACHE_DIRECTORY / entry.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(entry, tmp_path / CACHE_DIRECTORY / entry.parent.name / entry.name)
    with mock.patch.object(charts, "_draw", side_effect=AssertionError("a chart was drawn again")):
        again = build(tmp_path / "again")
    for suffix in ("md", "pdf", "docx", "html"):
        name = f"{PLAN}.{suffix}"
        assert (output / name).read_bytes() == (again / name).read_bytes(), name


def test_drawn_files_are_reproducible_and_carry_no_date(tmp_path):
    chart = charts.line_chart("a/1", "Andel", ["2022", "2023"], ["år 2022", "år 2023"], [12.3, 14.1],
                              unit="procent", number=swedish, direction="Öka", comparisons=[("Riket", [12.0, 13.0])])
    first = charts.write([chart], tmp_path / "one", {"pdf", "docx"}, default_branding())
    second = charts.write([chart], tmp_path / "two", {"pdf", "docx"}, default_branding())
    assert [p.suffix for p in first] == [".png", ".svg"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "Matplotlib v" not in svg
    assert b"Software" not in first[0].read_bytes()
    charts.remove(first)
    assert not (tmp_path / "one" / "a").exists()


def test_a_damaged_chart_entry_is_drawn_anew_and_a_sound_one_is_shared(tmp_path):
    chart = charts.line_chart("a/1", "Andel", ["2022", "2023"], ["år 2022", "år 2023"], [12.3, 14.1],
                              unit="procent", number=swedish)
    cache, branding = ExportCache(tmp_path / CACHE_DIRECTORY), default_branding()
    png, svg = charts.write([chart], tmp_path / "one", {"pdf", "docx"}, branding, cache)
    expected = {".png": png.read_bytes(), ".svg": svg.read_bytes()}
    entries = {p.suffix: p for p in cache.directory.glob("??/*") if not p.name.endswith(".sha256")}
    assert {suffix: entry.read_bytes() for suffix, entry in entries.items()} == expected
    entries[".svg"].unlink()  # not written in place: that would change a published file too
    entries[".svg"].write_bytes(b"<svg/>")
    entries[".png"].with_name(entries[".png"].name + ".sha256").write_text("0" * 64 + "\n", encoding="ascii")
    again = charts.write([chart], tmp_path / "two", {"pdf", "docx"}, branding, cache)
    assert {p.suffix: p.read_bytes() for p in again} == expected
    assert {suffix: entry.read_bytes() for suffix, entry in entries.items()} == expected  # made anew
    moved = dataclasses.replace(chart, path="b/2")  # the same chart in another document
    with mock.patch.object(charts, "_draw", side_effect=AssertionError("a chart was drawn again")):
        shared = charts.write([moved], tmp_path / "three", {"html"}, branding, cache)
    assert [p.read_bytes() for p in shared] == [expected[".svg"]]
    other = dataclasses.replace(branding, accent="#123456")
    assert cache.chart_key(chart, ".svg", other) != cache.chart_key(chart, ".svg", branding)
    assert cache.chart_key(dataclasses.replace(chart, target=13.0), ".svg", branding) != cache.chart_key(chart, ".svg", branding)


def test_alt_text_tells_the_change_target_and_comparison():
    chart = charts.line_chart("x", "Andelen", ["2022", "2024"], ["år 2022", "år 2024"], [12.3, 14.1],
                              unit="procent", number=swedish, direction="Öka",
                              comparisons=[("Riket", [13.0, None]), ("Målet", [None, None])])
    assert chart.alt == ("Andelen. Värdet ökade från 12,3 procent år 2022 till 14,1 procent år 2024. "
                         "Målet är att värdet ska öka. Riket hade 13 procent år 2022.")
    assert [s.label for s in chart.series] == ["Utfall", "Riket"]
    negative = charts.line_chart("x", "Resultat", ["2023", "2024"], ["år 2023", "år 2024"], [-7605.5, 1200],
                                 unit="tkr", number=swedish, target=0)
    assert "från \u22127\u00a0605,5 tkr år 2023 till 1\u00a0200 tkr år 2024" in negative.alt
    assert negative.alt.endswith("Målet är 0 tkr.")


def test_gender_alt_text_names_every_period():
    chart = charts.gender_chart("x", "Sjukfrånvaro", ["2023", "aug 2024"], ["år 2023", "i augusti 2024"],
                                [8.1, 7.9], [5.2, None], unit="procent", number=swedish)
    assert chart.alt == "Sjukfrånvaro, kvinnor och män. År 2023 8,1 procent för kvinnor och 5,2 procent för män."


@pytest.fixture(scope="module")
def model():
    return build_model(load_content(CONTENT))


@pytest.mark.parametrize("document", ["verksamhetsplan-2025", "delarsrapport-2025-08", "plan-1000-fler"])
def test_every_kind_of_document_can_show_charts_with_their_table(model, document):
    doc = model.items[document]
    block = {"charts": {"title": "Nyckeltal", "table": True, "indicators": ["ind-arbetsloshet-18-64"]}}
    doc.contents = [b for b in doc.contents if "charts" not in b] + [block]
    rendered = Renderer(model, ROOT / "templates").render(doc, f"{doc.kind}.md.j2")
    appendix = rendered[rendered.index("Nyckeltal\n"):]
    assert appendix.index("Indikatorerna i diagrammen.") < appendix.index("*Diagram 1. Arbetslöshet")
    assert [c.path for c in rendered.charts] == [f"diagram-{document}/1", f"diagram-{document}/2"]
    assert re.findall(r"\]\((diagram-[^)]*)\)", rendered) == [c.file("pdf") for c in rendered.charts]


def test_matplotlib_loads_only_when_a_document_has_charts():
    code = ("import sys; from styrdok import export, publish, render, charts; "
            "charts.write([], None, {'pdf'}, None); print('matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"


def test_every_figure_in_every_example_pdf_names_its_series_first_and_last_value(example_output):
    known = indicators(CONTENT)
    for document in DOCUMENTS_WITH_INDICATORS:
        assert check_pdf_figures(example_output / f"{document}.pdf", known) >= 3, document
    for pdf in example_output.glob("*.pdf"):
        check_pdf_figures(pdf, known)


@needs_chromium
def test_html_pages_with_charts_have_no_axe_violations(example_output):
    with chromium() as browser:
        page = browser.new_page()
        for document in DOCUMENTS_WITH_INDICATORS:
            page.goto((example_output / f"{document}.html").as_uri())
            assert page.locator("img[src^='data:image/svg+xml']").count() >= 3, document
            violations = axe_violations(page)
            assert not violations, (document, [(v["id"], len(v["nodes"])) for v in violations])
