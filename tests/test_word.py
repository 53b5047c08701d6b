"""The Word file reads as the PDF does: the same font (embedded) and alignment, contents written
out at build time, tables that fit their words, and header and footer values in place."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import etree

from styrdok.branding import Presentation, typst_definitions
from styrdok.docx_toc import write_contents
from styrdok.export import export
from styrdok.fonts import font_files, metrics
from styrdok.project import default_branding
from styrdok.reference_docx import reference_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _deobfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 part 2: the first 32 bytes XOR the key's bytes, last byte first."""
    mask = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    return bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32])) + data[32:]


def test_the_pdf_font_is_embedded_in_the_word_file_in_four_styles():
    data = reference_docx(default_branding())
    package = zipfile.ZipFile(io.BytesIO(data))
    word = Document(io.BytesIO(data))
    default = word.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert default.get(qn("w:ascii")) == "DejaVu Sans"
    assert word.settings.element.find(qn("w:embedTrueTypeFonts")) is not None
    table = etree.fromstring(package.read("word/fontTable.xml"))
    entry = next(f for f in table.iterchildren(f"{W}font") if f.get(f"{W}name") == "DejaVu Sans")
    targets = {r.get("Id"): r.get("Target") for r in etree.fromstring(package.read("word/_rels/fontTable.xml.rels"))}
    styles = {}
    for embed in entry:
        if embed.tag.startswith(f"{W}embed"):
            font = TTFont(io.BytesIO(_deobfuscate(package.read("word/" + targets[embed.get(f"{R}id")]),
                                                  embed.get(f"{W}fontKey"))))
            assert font["name"].getBestFamilyName() == "DejaVu Sans"
            assert {ord(c) for c in "åäöÅÄÖé–−\u00a0"} <= set(font.getBestCmap())
            styles[embed.tag.removeprefix(f"{W}embed")] = font["name"].getBestSubFamilyName()
    assert styles == {"Regular": "Book", "Bold": "Bold", "Italic": "Oblique", "BoldItalic": "Bold Oblique"}
    assert 'Extension="odttf"' in package.read("[Content_Types].xml").decode("utf-8")
    assert len(data) < 250_000  # subsets, not the full fonts (1.4 MB)


def test_a_separate_word_font_is_named_and_not_embedded():
    data = reference_docx(dataclasses.replace(default_branding(), word_font="Arial"))
    package = zipfile.ZipFile(io.BytesIO(data))
    assert not [name for name in package.namelist() if name.startswith("word/fonts/")]
    default = Document(io.BytesIO(data)).styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert default.get(qn("w:ascii")) == "Arial"


def _body_alignment(data: bytes) -> str:
    return Document(io.BytesIO(data)).styles["Body Text"].element.find(qn("w:pPr")).find(qn("w:jc")).get(qn("w:val"))


def test_ragged_right_by_default_and_justified_on_request_in_every_format():
    ragged, justified = default_branding(), dataclasses.replace(default_branding(), justify=True)
    assert _body_alignment(reference_docx(ragged)) == "left"
    assert _body_alignment(reference_docx(justified)) == "both"
    assert b"justify: false" in typst_definitions(ragged) and b"justify: true" in typst_definitions(justified)
    css = [Presentation(branding=b)._stylesheet().read_text(encoding="utf-8") for b in (ragged, justified)]
    assert "text-align: justify" not in css[0] and "main p { text-align: justify; }" in css[1]


# ---- The finished Word file: contents, tables, header and footer --------------------

SAMPLE = """---
title: "Plan för prov"
date: "2025-01-01"
lang: sv-SE
organisation: "Ekbacka kommun"
administration: "Förvaltningen"
committee: "Nämnden"
diarienummer: "AMN-2025-1"
doctype: plan
provenance: "Version abc1234 · 1 januari 2025"
---

# Inledning

Text.

## Bakgrund

Text.

### Detaljer som inte står i innehållet

Text.

# Ekonomi

::: {.list-table widths="8,46,46" aligns="r,l,l"}
Tabell 1. Kommunbidrag.

- - Kommunbidrag
  - Verksamhet
  - Kommentar
- - 351\u00a0084
  - Politisk verksamhet
  - - en punkt
    - en annan punkt
:::
"""


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    out = tmp_path_factory.mktemp("word")
    path = export(SAMPLE, out, "prov", {"docx"}, timestamp=1735689600)["docx"]
    package = zipfile.ZipFile(path)
    return path, {name: package.read(name) for name in package.namelist()}


def _body(parts):
    return etree.fromstring(parts["word/document.xml"]).find(f"{W}body")


def test_contents_list_the_headings_to_the_depth_with_links_to_bookmarks(finished):
    body = _body(finished[1])
    entries = [(p.find(f"{W}pPr/{W}pStyle").get(f"{W}val"), "".join(p.itertext()), p.find(f"{W}hyperlink"))
               for p in body.iter(f"{W}p") if p.find(f"{W}hyperlink") is not None]
    assert [(style, text) for style, text, _ in entries] == [
        ("TOC1", "Inledning"), ("TOC2", "Bakgrund"), ("TOC1", "Ekonomi")]  # default depth 2
    bookmarks = {b.get(f"{W}name"): b for b in body.iter(f"{W}bookmarkStart")}
    for _, text, link in entries:
        heading = bookmarks[link.get(f"{W}anchor")].getparent()
        assert "".join(heading.itertext()) == text and heading.find(f"{W}pPr/{W}pStyle").get(f"{W}val").startswith("Heading")


def test_contents_stay_a_field_word_can_refresh(finished):
    body = _body(finished[1])
    marks = [(e.get(f"{W}fldCharType"), None) if e.tag == f"{W}fldChar" else ("text", "".join(e.itertext()))
             for e in body.iter(f"{W}fldChar", f"{W}instrText", f"{W}t")
             if e.tag != f"{W}t" or e.getparent().getparent().tag != f"{W}hyperlink"]
    kinds = [kind for kind, _ in marks]
    begin, separate, end = kinds.index("begin"), kinds.index("separate"), kinds.index("end")
    assert marks[begin + 1][1].startswith('TOC \\o "1-2" \\h')
    assert begin < separate < end
    assert marks[separate + 1] == ("text", "Sidnummer visas när innehållsförteckningen uppdateras i Word.")
    links_inside = [link for link in body.iter(f"{W}hyperlink")]
    assert links_inside and all(link.getparent().getparent().tag == f"{W}sdtContent" for link in links_inside)


def test_tables_fill_the_text_width_and_fit_their_longest_words(finished):
    body = _body(finished[1])
    table = body.find(f"{W}tbl")
    page, margins = body.find(f"{W}sectPr/{W}pgSz"), body.find(f"{W}sectPr/{W}pgMar")
    width = int(page.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))
    assert width == 9072  # A4 less 2 x 25 mm
    assert table.find(f"{W}tblPr/{W}tblW").attrib == {f"{W}type": "dxa", f"{W}w": str(width)}
    grid = [int(c.get(f"{W}w")) for c in table.iter(f"{W}gridCol")]
    assert sum(grid) == width
    bold = metrics(font_files("DejaVu Sans")["bold"])
    assert grid[0] > bold.width("Kommunbidrag", 8.5) * 20 + 170 > width * 0.08  # widened from 8 %
    assert abs(grid[1] - grid[2]) < 10  # the others gave up the same share (up to rounding)
    for row in table.iter(f"{W}tr"):
        assert row.find(f"{W}trPr/{W}cantSplit") is not None
        assert [int(c.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for c in row.iter(f"{W}tc")] == grid
    indents = [p.find(f"{W}pPr/{W}ind") for p in table.iter(f"{W}p") if p.find(f"{W}pPr/{W}numPr") is not None]
    assert len(indents) == 2 and all(i.get(f"{W}left") == "240" for i in indents)
    assert "351\u00a0084" in "".join(table.itertext())


def test_header_and_footer_fields_carry_their_values(finished):
    parts = finished[1]
    texts = "".join(parts[n].decode("utf-8") for n in parts if n.startswith(("word/header", "word/footer")))
    assert "Plan för prov" in texts and "AMN-2025-1" in texts and "Version abc1234 · 1 januari 2025" in texts


def test_finishing_keeps_the_order_and_dates_of_the_parts(finished, tmp_path):
    path, _ = finished
    again = export(SAMPLE, tmp_path, "prov", {"docx"}, timestamp=1735689600)["docx"]
    assert again.read_bytes() == path.read_bytes()
    infos = zipfile.ZipFile(path).infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} <= {(2025, 1, 1, 0, 0, 0), (1980, 1, 1, 0, 0, 0)}


def test_a_contents_field_without_a_depth_lists_every_heading():
    body = etree.fromstring(
        f'<w:body xmlns:w="{W[1:-1]}"><w:p><w:r><w:fldChar w:fldCharType="begin"/>'
        '<w:instrText>TOC \\h</w:instrText><w:fldChar w:fldCharType="separate"/><w:fldChar w:fldCharType="end"/>'
        '</w:r></w:p><w:p><w:pPr><w:pStyle w:val="H1"/></w:pPr><w:r><w:t>Ett</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:pStyle w:val="H4"/></w:pPr><w:r><w:t>Fyra</w:t></w:r></w:p></w:body>')
    write_contents(body, {"H1": 1, "H4": 4})
    assert [("".join(link.itertext()), link.get(f"{W}anchor")) for link in body.iter(f"{W}hyperlink")] == [
        ("Ett", "_Toc00000001"), ("Fyra", "_Toc00000002")]


def test_a_family_is_found_as_if_every_font_file_were_read():
    from fontTools.ttLib import TTFont

    from styrdok import fonts

    paths = sorted(fonts.font_dir().glob("*.ttf"))
    families = {TTFont(path, lazy=True)["name"].getBestFamilyName() for path in paths}
    assert "DejaVu Sans" in families
    for family in families:
        assert fonts.font_files(family) == fonts._family_files(family, paths), family


def test_a_word_measures_the_same_the_second_time():
    from styrdok import fonts

    measure = fonts.Metrics(font_files("DejaVu Sans")["regular"])
    first = measure.width("Prognosintervall", 8.5)
    assert measure.width("Prognosintervall", 8.5) == first and measure.width("Prognosintervall", 17) == 2 * first
    assert measure.width("Prognos", 8.5) < first
