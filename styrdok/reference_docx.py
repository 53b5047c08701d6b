"""The reference.docx that DOCX export takes its styles from, made from the branding.

Starts from pandoc's own reference document and restyles it with python-docx
as a sober Swedish municipal report: A4, the branding's font and alignment (the
PDF's font, embedded so that readers without it see the same text, unless the
branding names a separate Word font), headings in its accent colour, tables
with a shaded repeating header row, captions below tables, Swedish language,
and a running header (title, diarienummer) and footer (version line, "Sida N av
M") built from fields that Word and LibreOffice fill from the document
properties pandoc writes (TITLE, DOCPROPERTY). The first page (cover or
letterhead) has no running header or footer; it holds the logo, with its
alternative text, when the branding has one. The same branding always gives
the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import subprocess
import uuid
import zipfile
from pathlib import Path

import pypandoc
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from lxml import etree

from .fonts import STYLES, font_files, panose, subset_font
from .project import Branding

MUTED = "555555"
RULE = "AFAFAF"
TEXT_WIDTH = 9071  # twips: A4 (210 mm) minus 2 x 25 mm margins

W = nsdecls("w")


def default_reference() -> Document:
    """pandoc's built-in reference.docx, opened with python-docx."""
    data = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        check=True, capture_output=True).stdout
    return Document(io.BytesIO(data))


def replace_child(parent, xml) -> None:
    """Put an element (or its xml) into parent, replacing one with the same tag."""
    new = parse_xml(xml) if isinstance(xml, str) else xml
    old = parent.find(new.tag)
    if old is not None:
        old.addprevious(new)
        parent.remove(old)
    else:
        parent.append(new)


def ppr_order(ppr) -> None:
    """Sort pPr children into schema order (Word rejects some disorder)."""
    order = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "numPr",
             "pBdr", "shd", "tabs", "suppressAutoHyphens", "spacing", "ind",
             "contextualSpacing", "jc", "outlineLvl", "rPr"]
    rank = {qn(f"w:{name}"): i for i, name in enumerate(order)}
    for child in sorted(ppr, key=lambda e: rank.get(e.tag, len(order))):
        ppr.append(child)


def rpr_order(rpr) -> None:
    """Sort rPr children into schema order."""
    order = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "vanish", "color",
             "spacing", "kern", "sz", "szCs", "u", "lang"]
    rank = {qn(f"w:{name}"): i for i, name in enumerate(order)}
    for child in sorted(rpr, key=lambda e: rank.get(e.tag, len(order))):
        rpr.append(child)


def style(doc: Document, name: str, kind: str = "paragraph", based_on: str | None = None,
          style_id: str | None = None):
    """The style element called name, created when missing (give style_id for
    Word's built-in styles, e.g. "header" / "Header")."""
    for existing in doc.styles.element.findall(qn("w:style")):
        if existing.find(qn("w:name")).get(qn("w:val")).lower() == name.lower():
            return existing
    custom = "" if style_id else ' w:customStyle="1"'
    style_id = style_id or name.replace(" ", "")
    basis = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    element = parse_xml(f'<w:style {W} w:type="{kind}"{custom} w:styleId="{style_id}">'
                        f'<w:name w:val="{name}"/>{basis}<w:qFormat/></w:style>')
    doc.styles.element.append(element)
    return element


def run_props(element, *, size: float | None = None, bold: bool | None = None,
              italic: bool | None = None, color: str | None = None, font: str | None = None) -> None:
    """Set run properties (size in points) on a style or rPrDefault element."""
    rpr = element.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {W}/>")
        element.append(rpr)
    if font:
        replace_child(rpr, f'<w:rFonts {W} w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" w:eastAsia="{font}"/>')
    for tag, value in (("b", bold), ("bCs", bold), ("i", italic), ("iCs", italic)):
        if value is not None:
            replace_child(rpr, f'<w:{tag} {W} w:val="{int(value)}"/>')
    if color:
        replace_child(rpr, f'<w:color {W} w:val="{color}"/>')
    if size:
        replace_child(rpr, f'<w:sz {W} w:val="{round(size * 2)}"/>')
        replace_child(rpr, f'<w:szCs {W} w:val="{round(size * 2)}"/>')
    rpr_order(rpr)


def para_props(element, *, before: float | None = None, after: float | None = None,
               line: float | None = None, jc: str | None = None, keep_next: bool | None = None,
               page_break: bool = False, extra: str = "") -> None:
    """Set paragraph properties (spacing in points, line as a multiple)."""
    ppr = element.find(qn("w:pPr"))
    if ppr is None:
        ppr = parse_xml(f"<w:pPr {W}/>")
        rpr = element.find(qn("w:rPr"))
        if rpr is not None:
            rpr.addprevious(ppr)
        else:
            element.append(ppr)
    if before is not None or after is not None or line is not None:
        attrs = ""
        if before is not None:
            attrs += f' w:before="{round(before * 20)}"'
        if after is not None:
            attrs += f' w:after="{round(after * 20)}"'
        if line is not None:
            attrs += f' w:line="{round(line * 240)}" w:lineRule="auto"'
        replace_child(ppr, f"<w:spacing {W}{attrs}/>")
    if jc:
        replace_child(ppr, f'<w:jc {W} w:val="{jc}"/>')
    if keep_next is not None:
        existing = ppr.find(qn("w:keepNext"))
        if keep_next and existing is None:
            ppr.append(parse_xml(f"<w:keepNext {W}/>"))
        elif not keep_next and existing is not None:
            ppr.remove(existing)
    if page_break:
        replace_child(ppr, f"<w:pageBreakBefore {W}/>")
    if extra:
        for child in list(parse_xml(f"<w:pPr {W}>{extra}</w:pPr>")):
            replace_child(ppr, child)
    ppr_order(ppr)


def reference_docx(branding: Branding) -> bytes:
    """The reference document for one branding."""
    doc = default_reference()
    font = branding.word_font or branding.font
    style_document(doc, font, _word_colour(branding.accent), _word_colour(branding.table_header),
                   justify=branding.justify)
    page_setup(doc)
    if branding.logo:
        add_logo(doc, branding.logo.file, branding.logo.alt, branding.logo.height_mm)
    embedded = {} if branding.word_font else font_files(branding.font)
    settings(doc, embed_fonts=bool(embedded))
    doc.core_properties.title = "Referensdokument för styrdok"
    return save_reproducibly(doc, functools.partial(embed_font, family=font, files=embedded) if embedded else None)


def _word_colour(colour: str) -> str:
    """"#1d4f76" as Word writes it: "1D4F76"."""
    return colour.lstrip("#").upper()


def style_document(doc: Document, font: str, accent: str, head_fill: str, justify: bool = False) -> None:
    """Fonts, language and spacing defaults, then each style pandoc uses."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    run_props(rpr_default, font=font, size=10.5)
    rpr = rpr_default.find(qn("w:rPr"))
    replace_child(rpr, f'<w:lang {W} w:val="sv-SE" w:eastAsia="sv-SE" w:bidi="ar-SA"/>')
    rpr_order(rpr)

    # Theme fonts in styles would override the default font: use one font throughout.
    for rfonts in doc.styles.element.iter(qn("w:rFonts")):
        for attr in list(rfonts.attrib):
            if attr.endswith("Theme") or attr.endswith("theme"):
                del rfonts.attrib[attr]
        for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
            rfonts.set(qn(f"w:{attr}"), font)

    para_props(style(doc, "Body Text"), before=0, after=6, line=1.15, jc="both" if justify else "left")
    para_props(style(doc, "Compact"), before=1, after=1, line=1.0, jc="left")
    para_props(style(doc, "Block Text"), before=3, after=9, jc="left")
    lead_in = style(doc, "Lead In", based_on="BodyText")  # a short line after a heading (styrdok.lua)
    para_props(lead_in, keep_next=True)

    run_props(style(doc, "Title"), size=26, bold=True, color=accent)
    para_props(style(doc, "Title"), before=0, after=6, line=1.0, jc="left", keep_next=True)
    run_props(style(doc, "Subtitle"), size=15, bold=False, color=MUTED)
    para_props(style(doc, "Subtitle"), before=0, after=24, jc="left")
    run_props(style(doc, "Date"), size=10.5, color=MUTED)
    para_props(style(doc, "Date"), jc="left")

    for level, size, before, after in ((1, 16, 24, 9), (2, 13, 18, 6), (3, 11, 14, 4), (4, 10.5, 12, 3)):
        heading = style(doc, f"heading {level}")
        run_props(heading, size=size, bold=True, italic=level == 4, color=accent)
        para_props(heading, before=before, after=after, line=1.0, jc="left", keep_next=True)

    toc_heading = style(doc, "TOC Heading")
    run_props(toc_heading, size=16, bold=True, color=accent)
    para_props(toc_heading, before=0, after=12, page_break=True)
    for level in (1, 2, 3, 4):
        toc = style(doc, f"toc {level}", based_on="Normal", style_id=f"TOC{level}")
        run_props(toc, bold=level == 1)
        para_props(toc, before=6 if level == 1 else 1, after=1, jc="left",
                   extra=f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
                         f'<w:ind w:left="{(level - 1) * 340}"/>')
    note = style(doc, "Contents Note", based_on="Normal")  # the contents' first line (docx_toc)
    run_props(note, size=9, italic=True, color=MUTED)
    para_props(note, before=0, after=6, jc="left")

    caption = style(doc, "Caption")
    run_props(caption, size=9, italic=True, color=MUTED)
    para_props(caption, before=4, after=12, jc="left")
    para_props(style(doc, "Table Caption"), keep_next=False)
    para_props(style(doc, "Image Caption"), keep_next=False)
    para_props(style(doc, "Figure"), jc="center")
    para_props(style(doc, "Captioned Figure"), jc="center", keep_next=True)

    footnote = style(doc, "Footnote Text")
    run_props(footnote, size=8.5)
    para_props(footnote, before=0, after=2, jc="left")
    run_props(style(doc, "Hyperlink", kind="character"), color=accent)

    cover_styles(doc, accent)
    table_style(doc, accent, head_fill)
    header_footer_styles(doc)


def cover_styles(doc: Document, accent: str) -> None:
    """Styles used by the cover page / letterhead in styrdok.openxml."""
    org = style(doc, "Cover Organisation", based_on="Normal")
    run_props(org, size=15, bold=True, color=accent)
    para_props(org, before=0, after=0, extra=_left_rule(accent))
    adm = style(doc, "Cover Administration", based_on="Normal")
    run_props(adm, size=11, color=MUTED)
    para_props(adm, before=0, after=30, extra=_left_rule(accent))
    memo = style(doc, "Memo Heading", based_on="Normal")
    run_props(memo, size=13, bold=True)
    para_props(memo, before=12, after=8, keep_next=True)
    facts = style(doc, "Cover Facts", based_on="Normal")
    run_props(facts, size=9.5)
    para_props(facts, before=0, after=3, jc="left",
               extra=f'<w:tabs><w:tab w:val="left" w:pos="{Mm(38).twips}"/></w:tabs>')
    label = style(doc, "Cover Label", kind="character")
    run_props(label, color=MUTED)
    kind = style(doc, "Cover Kind", based_on="Normal")
    run_props(kind, size=11, bold=True, color=MUTED)
    para_props(kind, before=0, after=0, keep_next=True)
    letterhead = style(doc, "Letterhead", based_on="Normal")
    run_props(letterhead, size=7.5, color=MUTED)
    para_props(letterhead, before=24, after=0, jc="left", keep_next=True,  # spaced above the first line only
               extra=f'<w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="{RULE}"/></w:pBdr>'
                     '<w:contextualSpacing/>')
    para_props(style(doc, "Cover Break", based_on="Normal"), before=0, after=0, line=0.1)


def _left_rule(accent: str) -> str:
    return (f'<w:pBdr><w:left w:val="single" w:sz="24" w:space="8" w:color="{accent}"/></w:pBdr>'
            f'<w:ind w:left="200"/>')


def table_style(doc: Document, accent: str, head_fill: str) -> None:
    """The "Table" style pandoc assigns: rules between rows, shaded bold header."""
    old = style(doc, "Table", kind="table")
    new = parse_xml(f"""
<w:style {W} w:type="table" w:default="1" w:styleId="Table">
  <w:name w:val="Table"/>
  <w:basedOn w:val="TableNormal"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr>
  <w:rPr><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr>
  <w:tblPr>
    <w:tblInd w:w="0" w:type="dxa"/>
    <w:tblBorders>
      <w:bottom w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
      <w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:pPr><w:suppressAutoHyphens/></w:pPr>
    <w:rPr><w:b/><w:bCs/></w:rPr>
    <w:tblPr/>
    <w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>
    <w:tcPr>
      <w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" w:color="{accent}"/></w:tcBorders>
      <w:shd w:val="clear" w:color="auto" w:fill="{head_fill}"/>
      <w:vAlign w:val="bottom"/>
    </w:tcPr>
  </w:tblStylePr>
</w:style>""")
    old.addprevious(new)
    old.getparent().remove(old)


def header_footer_styles(doc: Document) -> None:
    header = style(doc, "header", based_on="Normal", style_id="Header")
    run_props(header, size=8, color=MUTED)
    para_props(header, before=0, after=0, jc="left", extra=(
        f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="{RULE}"/></w:pBdr>'
        f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'))
    footer = style(doc, "footer", based_on="Normal", style_id="Footer")
    run_props(footer, size=7.5, color=MUTED)
    para_props(footer, before=0, after=0, jc="left", extra=(
        f'<w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="{RULE}"/></w:pBdr>'
        f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>'))


def field(instruction: str, size: float | None = None) -> str:
    """A simple field (e.g. PAGE) as run XML, with an empty cached result."""
    rpr = f'<w:rPr><w:sz w:val="{round(size * 2)}"/></w:rPr>' if size else ""
    return (f'<w:fldSimple {W} w:instr=" {instruction} "><w:r>{rpr}<w:t xml:space="preserve"></w:t>'
            f"</w:r></w:fldSimple>")


def text(value: str, size: float | None = None) -> str:
    rpr = f'<w:rPr><w:sz w:val="{round(size * 2)}"/></w:rPr>' if size else ""
    return f'<w:r {W}>{rpr}<w:t xml:space="preserve">{value}</w:t></w:r>'


def tab() -> str:
    return f"<w:r {W}><w:tab/></w:r>"


def fill_paragraph(paragraph, style_id: str, parts: list[str]) -> None:
    paragraph._p.get_or_add_pPr().style = style_id
    for xml in parts:
        paragraph._p.append(parse_xml(xml))


def page_setup(doc: Document) -> None:
    """A4 with 25 mm margins; running header and footer from page 2 on."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(28), Mm(25)
    section.header_distance, section.footer_distance = Mm(12), Mm(12)
    section.different_first_page_header_footer = True
    for part in (section.first_page_header, section.first_page_footer):
        part.is_linked_to_previous = False
        part.paragraphs[0]._p.get_or_add_pPr().style = None  # no rule on the cover

    fill_paragraph(section.header.paragraphs[0], "Header", [
        field("TITLE"), tab(), field("DOCPROPERTY diarienummer")])
    fill_paragraph(section.footer.paragraphs[0], "Footer", [
        field("DOCPROPERTY provenance"), tab(),
        text("Sida ", 8), field("PAGE", 8), text(" av ", 8), field("NUMPAGES", 8)])


def settings(doc: Document, embed_fonts: bool = False) -> None:
    """Swedish defaults; ask Word to update fields (TOC, header) on opening; use the
    fonts embedded in the file."""
    element = doc.settings.element
    if embed_fonts:
        element.find(qn("w:zoom")).addnext(parse_xml(f"<w:embedTrueTypeFonts {W}/>"))
    tab_stop = element.find(qn("w:defaultTabStop"))
    tab_stop.addnext(parse_xml(f'<w:autoHyphenation {W} w:val="true"/>'))
    anchor = element.find(qn("w:savePreviewPicture"))
    anchor.addnext(parse_xml(f'<w:updateFields {W} w:val="true"/>'))
    element.find(qn("w:themeFontLang")).set(qn("w:val"), "sv-SE")
    element.find(qn("w:decimalSymbol")).set(qn("w:val"), ",")
    element.find(qn("w:listSeparator")).set(qn("w:val"), ";")


def add_logo(doc: Document, image: Path, alt: str, height_mm: float) -> None:
    """The logo in the first page's header: on the cover page and the memo's letterhead."""
    paragraph = doc.sections[0].first_page_header.paragraphs[0]
    picture = paragraph.add_run().add_picture(str(image), height=Mm(height_mm))
    picture._inline.docPr.set("name", "Logotyp")
    picture._inline.docPr.set("descr", alt)


FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
EMBED_TAGS = {"regular": "embedRegular", "bold": "embedBold", "italic": "embedItalic", "bold_italic": "embedBoldItalic"}


def embed_font(parts: dict[str, bytes], family: str, files: dict[str, Path]) -> None:
    """Embed the family's styles in the package ``parts`` (name -> bytes), as Word does:
    each a subset, obfuscated with a key derived from its bytes (ECMA-376 part 2)."""
    table = etree.fromstring(parts["word/fontTable.xml"])
    for old in table.findall(qn("w:font")):
        if old.get(qn("w:name")) == family:
            table.remove(old)
    entry = etree.SubElement(table, qn("w:font"), {qn("w:name"): family})
    classification = panose(files["regular"])
    sans = classification[2:4] in ("0B", "0C", "0D")  # PANOSE serif style: sans serif
    for tag, value in (("panose1", classification), ("charset", "00"), ("family", "swiss" if sans else "roman"),
                       ("pitch", "variable")):
        etree.SubElement(entry, qn(f"w:{tag}"), {qn("w:val"): value})
    relationships = []
    for number, (style, path) in enumerate(sorted(files.items(), key=lambda item: STYLES.index(item[0])), 1):
        data = subset_font(path)
        key = uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])
        parts[f"word/fonts/font{number}.odttf"] = _obfuscate(data, key)
        relationships.append(f'<Relationship Id="rIdFont{number}" Type="{FONT_RELATIONSHIP}" '
                             f'Target="fonts/font{number}.odttf"/>')
        etree.SubElement(entry, qn(f"w:{EMBED_TAGS[style]}"),
                         {qn("r:id"): f"rIdFont{number}", qn("w:fontKey"): "{" + str(key).upper() + "}"})
    parts["word/fontTable.xml"] = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/_rels/fontTable.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{"".join(relationships)}</Relationships>'
    ).encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    parts["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Default Extension="odttf" ContentType="{OBFUSCATED_FONT}"/></Types>', 1).encode("utf-8")



def _obfuscate(font: bytes, key: uuid.UUID) -> bytes:
    """XOR the first 32 bytes with the key's bytes, read from the end of its text form."""
    mask = bytes.fromhex(key.hex)[::-1]
    head = bytes(byte ^ mask[i % 16] for i, byte in enumerate(font[:32]))
    return head + font[32:]


def save_reproducibly(doc: Document, finish=None) -> bytes:
    """The document with fixed zip timestamps, so the same input gives identical bytes.
    ``finish``, if given, may change the package's parts (name -> bytes) first."""
    buffer, result = io.BytesIO(), io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    if finish:
        finish(parts)
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                            compress_type=zipfile.ZIP_DEFLATED)
    return result.getvalue()
