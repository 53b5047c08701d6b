"""The Word file reads as the PDF does: the same font (embedded) and alignment."""

from __future__ import annotations

import dataclasses
import io
import zipfile

from docx import Document
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont

from styrdok.branding import Presentation, typst_definitions
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
    from lxml import etree
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
