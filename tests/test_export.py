"""Tests of the export stage (styrdok.export) on tests/fixtures/sample.md."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from styrdok.export import ExportError, export

FIXTURE = Path(__file__).parent / "fixtures" / "sample.md"
TIMESTAMP = 1735689600  # 2025-01-01 00:00:00 UTC
TITLE = "Verksamhetsplan och budget 2025"
CAPTION_1 = "Tabell 1. Nämndens åtgärder till Uppdrag 1. Minska den administrativa belastningen."
ALT_START = "Stapeldiagram över antal besök 2022–2024"
ALL = {"md", "docx", "pdf", "html"}


def make_chart(directory: Path) -> None:
    """The chart the fixture refers to (diagram.png)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.bar(["2022", "2023", "2024"], [5337, 6609, 5787], color="#1d4f76")
    ax.set_ylabel("Antal besök")
    fig.savefig(directory / "diagram.png", dpi=100, metadata={"Software": None})
    plt.close(fig)


@pytest.fixture(scope="module")
def resources(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("resources")
    make_chart(directory)
    return directory


@pytest.fixture(scope="module")
def sample() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory, resources, sample) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    return export(sample, out, "sample", ALL, timestamp=TIMESTAMP, resource_dir=resources)


def build(markdown: str, out: Path, resources: Path, formats=frozenset(ALL)) -> dict[str, Path]:
    return export(markdown, out, "doc", set(formats), timestamp=TIMESTAMP, resource_dir=resources)


def as_memo(markdown: str) -> str:
    return markdown.replace("doctype: plan", "doctype: memo")


# ---- API ------------------------------------------------------------------


def test_writes_each_requested_format(built, sample):
    assert set(built) == ALL
    for fmt, path in built.items():
        assert path.name == f"sample.{fmt}"
        assert path.stat().st_size > 0
    assert built["md"].read_text(encoding="utf-8") == sample
    assert not list(built["md"].parent.glob(".*tmp"))


def test_only_requested_formats(tmp_path, resources, sample):
    paths = build(sample, tmp_path, resources, {"html"})
    assert set(paths) == {"html"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.html"]


def test_reproducible(built, tmp_path, resources, sample):
    again = export(sample, tmp_path, "sample", ALL, timestamp=TIMESTAMP, resource_dir=resources)
    for fmt in ALL:
        first = hashlib.sha256(built[fmt].read_bytes()).hexdigest()
        second = hashlib.sha256(again[fmt].read_bytes()).hexdigest()
        assert first == second, fmt


# ---- DOCX -----------------------------------------------------------------


@pytest.fixture(scope="module")
def docx(built):
    return Document(str(built["docx"]))


def paragraphs_with_style(doc, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == style]


def test_docx_headings_use_heading_styles(docx):
    assert "Inledning" in paragraphs_with_style(docx, "Heading 1")
    assert "Kommunfullmäktiges fokusmål" in paragraphs_with_style(docx, "Heading 1")
    assert "Nämndens uppdrag" in paragraphs_with_style(docx, "Heading 2")
    assert "Uppdrag 1. Minska den administrativa belastningen" in paragraphs_with_style(docx, "Heading 3")
    assert paragraphs_with_style(docx, "Title") == [TITLE]


def test_docx_tables_have_style_and_repeating_header(docx):
    assert len(docx.tables) == 2
    for table in docx.tables:
        assert table.style.name == "Table"
        rows = table._tbl.tr_lst
        assert rows[0].trPr is not None and rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(r.trPr is None or r.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
    assert [c.text for c in docx.tables[0].rows[0].cells] == [
        "Nämndens åtgärd", "Koppling till styrdokument", "Förväntade effekter av åtgärden"]
    assert docx.tables[1].rows[1].cells[1].text == "5\u00a0337"
    assert docx.tables[1].rows[4].cells[1].text == "−7\u00a0605"


def test_docx_table_style_shades_header_row(docx):
    style = docx.styles["Table"].element
    first_row = [e for e in style.findall(qn("w:tblStylePr")) if e.get(qn("w:type")) == "firstRow"]
    assert first_row and first_row[0].find(f".//{qn('w:shd')}").get(qn("w:fill"))


def test_docx_caption_once_without_automatic_number(docx):
    texts = [p.text for p in docx.paragraphs]
    assert [t for t in texts if re.search(r"Tabell\s1\b|Table\s1\b", t)] == [CAPTION_1]
    assert CAPTION_1 in paragraphs_with_style(docx, "Table Caption")
    assert "SEQ" not in docx.element.body.xml  # no caption numbering field


def test_docx_language_page_and_fields(docx):
    lang = docx.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "sv-SE"
    section = docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    header = section.header._element.xml
    footer = section.footer._element.xml
    assert "TITLE" in header and "DOCPROPERTY diarienummer" in header
    assert "PAGE" in footer and "NUMPAGES" in footer and "Sida" in footer
    assert docx.core_properties.title == TITLE


def test_docx_image_has_alt_text(docx):
    descriptions = [e.get("descr") for e in docx.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(descriptions) == 1 and descriptions[0].startswith(ALT_START)


def test_docx_plan_has_cover_and_toc(docx):
    texts = [p.text for p in docx.paragraphs]
    assert texts[:2] == ["Ekbacka kommun", "Arbetsmarknadsförvaltningen"]
    assert "Diarienummer\tAMN-2024-00525" in texts
    assert "TOC \\o" in docx.element.body.xml


# ---- PDF ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(built):
    with pikepdf.open(built["pdf"]) as document:
        yield document


def text_of(pdf_path: Path) -> str:
    """The PDF's text with every run of whitespace (also no-break) as one space."""
    text = " ".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def pdf_text(built) -> str:
    return text_of(built["pdf"])


def struct_elements(node):
    """All structure elements below node (depth first)."""
    if isinstance(node, pikepdf.Array):
        for item in node:
            yield from struct_elements(item)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        if "/K" in node:
            yield from struct_elements(node.K)


def test_pdf_language_title_and_tags(pdf):
    assert str(pdf.Root.Lang) == "sv-SE"
    assert str(pdf.docinfo.Title) == TITLE
    assert "/StructTreeRoot" in pdf.Root
    assert bool(pdf.Root.MarkInfo.Marked)
    tags = {str(e.S) for e in struct_elements(pdf.Root.StructTreeRoot.K)}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Caption", "/Figure", "/TOC"} <= tags


def test_pdf_declares_pdfa_2a_and_ua_1(pdf):
    meta = pdf.open_metadata()
    assert meta.get("pdfaid:part") == "2"
    assert meta.get("pdfaid:conformance") == "A"
    assert meta.get("pdfuaid:part") == "1"
    assert meta.get("dc:title") == TITLE


def test_pdf_figure_has_alt_text(pdf):
    alts = [str(e.Alt) for e in struct_elements(pdf.Root.StructTreeRoot.K)
            if str(e.S) == "/Figure" and "/Alt" in e]
    assert any(alt.startswith(ALT_START) for alt in alts)


def test_pdf_text(pdf_text):
    assert len(re.findall(r"Tabell 1\b", pdf_text)) == 1
    assert CAPTION_1 in pdf_text
    assert "Innehåll" in pdf_text
    assert "AMN-2024-00525" in pdf_text
    assert re.search(r"Sida 3 av \d", pdf_text)
    assert "−7 605" in pdf_text


# ---- HTML -----------------------------------------------------------------


@pytest.fixture(scope="module")
def html(built) -> str:
    return built["html"].read_text(encoding="utf-8")


def test_html_structure(html):
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="sv"' in html
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == [TITLE]
    assert re.search(r'<h2 id="inledning">Inledning</h2>', html)
    assert re.search(r"<h3[^>]*>Nämndens uppdrag</h3>", html)
    assert len(re.findall(r"<th[ >]", html)) == 9
    assert html.count("<caption>") == 2
    assert 'role="doc-toc"' in html


def test_html_caption_once(html):
    text = re.sub(r"<[^>]*>", "", html)  # the caption also names the table's scrolling region (aria-label)
    assert len(re.findall(r"Tabell\s1\b", text)) == 1
    assert re.search(r'role="region" tabindex="0" aria-label="Tabell 1\. Nämndens åtgärder', html)
    assert re.search(r"<caption>\s*Tabell 1\. Nämndens åtgärder", html)


def test_html_is_self_contained(html):
    assert "<style" in html and 'rel="stylesheet"' not in html
    assert re.search(r'<img [^>]*src="data:image/png;base64,', html)
    assert re.search(rf'alt="{ALT_START}', html)


# ---- Memo -----------------------------------------------------------------


def test_memo_layout(tmp_path, resources, sample):
    paths = build(as_memo(sample), tmp_path, resources, {"docx", "pdf", "html"})
    text = text_of(paths["pdf"])
    assert "Tjänsteskrivelse till arbetsmarknadsnämnden" in text
    assert "Innehåll" not in text
    html = paths["html"].read_text(encoding="utf-8")
    assert "Tjänsteskrivelse till arbetsmarknadsnämnden" in html and 'role="doc-toc"' not in html
    doc = Document(str(paths["docx"]))
    assert "TOC \\o" not in doc.element.body.xml
    assert "Tjänsteskrivelse till arbetsmarknadsnämnden" in [p.text for p in doc.paragraphs]


# ---- Safety and errors --------------------------------------------------------


def test_raw_code_in_content_stays_text(tmp_path, resources, sample):
    hostile = sample + (
        '\nRå kod: `#panic("typst")`{=typst} och <script>alert(1)</script> och $x$.\n\n'
        '```{=typst}\n#panic("block")\n```\n')
    paths = build(hostile, tmp_path, resources, {"pdf", "html"})
    html = paths["html"].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    text = text_of(paths["pdf"])
    assert '#panic("typst")' in text and "$x$" in text


def test_missing_title_is_an_error_and_leaves_no_files(tmp_path, resources, sample):
    untitled = sample.replace(f"title: {TITLE}\n", "")
    with pytest.raises(ExportError, match="saknar titel"):
        build(untitled, tmp_path, resources)
    assert list(tmp_path.iterdir()) == []


def test_failed_export_keeps_previous_files(tmp_path, resources, sample):
    paths = build(sample, tmp_path, resources)
    before = {fmt: path.read_bytes() for fmt, path in paths.items()}
    with pytest.raises(ExportError):
        build(sample.replace("diagram.png", "saknas.png"), tmp_path, resources)
    assert {fmt: path.read_bytes() for fmt, path in paths.items()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths.values())


def test_image_without_alt_text_is_an_error(tmp_path, resources, sample):
    with pytest.raises(ExportError, match="alternativtext"):
        build(re.sub(r"!\[[^\]]*\]", "![]", sample), tmp_path, resources, {"html"})


def test_missing_image_is_an_error(tmp_path, sample):
    with pytest.raises(ExportError, match="finns inte"):
        build(sample, tmp_path, tmp_path, {"pdf"})
    assert list(tmp_path.iterdir()) == []


def test_malformed_list_table_is_an_error(tmp_path, resources, sample):
    broken = sample.replace("- - Indikator", "- Indikator", 1)
    with pytest.raises(ExportError, match="list-table"):
        build(broken, tmp_path, resources, {"docx"})


def test_skipped_heading_level_is_an_error(tmp_path, resources, sample):
    skipping = sample.replace("## Nämndens uppdrag", "### Nämndens uppdrag")
    with pytest.raises(ExportError, match="rubriknivåer får inte hoppas över"):
        build(skipping, tmp_path, resources, {"html"})


def test_unknown_format_is_an_error(tmp_path, sample):
    with pytest.raises(ExportError, match="Okänt exportformat"):
        export(sample, tmp_path, "doc", {"odt"}, timestamp=TIMESTAMP)
