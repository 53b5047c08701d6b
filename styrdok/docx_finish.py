"""Finishing pandoc's DOCX so that it reads the same in Word, Word on the web and LibreOffice.

Four changes to the package pandoc wrote, all decided from the package itself:

- the table of contents gets real entries (``docx_toc``);
- every table gets explicit column widths in twips that fill the text width, widened
  where a column is too narrow for its longest word or number, so that no word breaks
  inside ("Kommunbidr/ag", "351 08/4" in LibreOffice); lists in cells are indented
  as little as in the PDF, and no row splits across pages; rows joined by a cell
  spanning them (a row group) keep together;
- a memo's letterhead (addresses, phone, e-mail, web: the paragraphs the body template
  closes with) moves into the first page's footer, above the version line, as in the PDF;
- the running header's and footer's fields (title, diarienummer, version line) get
  their values as cached results, which is what viewers that do not compute fields show.

The package is rewritten with its parts in the same order and with the same zip dates,
so the same input still gives the same bytes.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .docx_toc import W, W_NS, write_contents
from .fonts import Metrics, font_files, metrics

DOCUMENT = "word/document.xml"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
TITLE = ".//{http://purl.org/dc/elements/1.1/}title"
FALLBACK_FONT = "DejaVu Sans"  # wide: measuring with it errs on the safe side for other fonts
WORD_SLACK = 1.06  # room for rounding and other renderers' spacing when a word must fit
CELL_LIST_INDENT = 240  # twips: a list item's text in a cell starts 4 mm in, its bullet at the edge
# Children that come after w:ind in w:pPr, and after w:cantSplit in w:trPr (schema order).
AFTER_IND = {f"{{{W_NS}}}{tag}" for tag in ("contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
             "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange")}
AFTER_CANT_SPLIT = {f"{{{W_NS}}}{tag}" for tag in ("trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden",
                    "ins", "del", "trPrChange")}
BREAKS = re.compile(r"[ \t\n]+")  # where a line may break; no-break spaces hold numbers together


def finish_docx(path: Path) -> None:
    """Rewrite the DOCX at ``path`` in place (through a temporary file beside it)."""
    with zipfile.ZipFile(path) as package:
        items = package.infolist()
        parts = {item.filename: package.read(item.filename) for item in items}
    finish_parts(parts)
    temporary = path.with_name(path.name + ".finishing")
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as package:
            for item in items:
                package.writestr(zipfile.ZipInfo(item.filename, date_time=item.date_time), parts[item.filename],
                                 compress_type=zipfile.ZIP_DEFLATED)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def finish_parts(parts: dict[str, bytes]) -> None:
    """Apply the four changes to the package's parts (name -> bytes)."""
    styles = _Styles(etree.fromstring(parts["word/styles.xml"]))
    document = etree.fromstring(parts[DOCUMENT])
    body = document.find(f"{W}body")
    write_contents(body, styles.outline_levels())
    numbering = _list_indents(etree.fromstring(parts["word/numbering.xml"])) if "word/numbering.xml" in parts else {}
    for table in body.iterchildren(f"{W}tbl"):
        fit_table(table, styles.table_look(table, _text_width(body)), numbering)
        keep_row_groups(table)
    _letterhead_in_first_footer(body, parts)
    parts[DOCUMENT] = _serialise(document)
    values = _properties(parts)
    for name in parts:
        if re.fullmatch(r"word/(header|footer)\d+\.xml", name):
            part = etree.fromstring(parts[name])
            if _fill_fields(part, values):
                parts[name] = _serialise(part)


# ---- Tables ------------------------------------------------------------------------

@dataclass(frozen=True)
class TableLook:
    """What decides a table's column widths: the width to fill and the cells' text."""

    width: int  # twips
    size: float  # points
    margins: int  # twips, a cell's left and right margin together
    regular: Metrics
    bold: Metrics


def fit_table(table: etree._Element, look: TableLook, indents: dict[tuple[str, str], int]) -> None:
    """Set the grid, the table's and every cell's width in twips, filling look.width.

    The relative widths pandoc gave are kept where they leave room for each column's
    longest unbreakable word; narrower columns take what they need from the others.
    A table without relative widths (automatic layout) is left as it is.
    """
    properties = table.find(f"{W}tblPr")
    grid = table.findall(f"{W}tblGrid/{W}gridCol")
    table_width = properties.find(f"{W}tblW") if properties is not None else None
    if not grid or table_width is None or table_width.get(f"{W}type") == "auto":
        return
    relative = [int(column.get(f"{W}w", "0")) for column in grid]
    if sum(relative) <= 0:
        return
    _compact_lists(table, indents)
    needed = _needed_widths(table, len(grid), look, indents)
    widths = distribute([look.width * r / sum(relative) for r in relative], needed, look.width)
    for column, width in zip(grid, widths):
        column.set(f"{W}w", str(width))
    table_width.attrib.clear()
    table_width.attrib.update({f"{W}type": "dxa", f"{W}w": str(look.width)})
    for row in table.iterchildren(f"{W}tr"):
        _keep_together(row)
        column = 0
        for cell in row.iterchildren(f"{W}tc"):
            span = _span(cell)
            cell_properties = cell.find(f"{W}tcPr")
            if cell_properties is None:
                cell_properties = etree.Element(f"{W}tcPr")
                cell.insert(0, cell_properties)
            for old in cell_properties.findall(f"{W}tcW"):
                cell_properties.remove(old)
            width = etree.Element(f"{W}tcW", {f"{W}w": str(sum(widths[column:column + span])), f"{W}type": "dxa"})
            cell_properties.insert(1 if cell_properties.find(f"{W}cnfStyle") is not None else 0, width)
            column += span


def keep_row_groups(table: etree._Element) -> None:
    """Rows joined by a cell spanning them (a row group, list-table.lua) stay on one page:
    each row whose next row continues the spanning cell keeps with it."""
    rows = table.findall(f"{W}tr")
    for row, following in zip(rows, rows[1:]):
        if following.find(f"{W}tc/{W}tcPr/{W}vMerge") is None:
            continue
        if all(merge.get(f"{W}val") == "restart" for merge in following.iterfind(f"{W}tc/{W}tcPr/{W}vMerge")):
            continue
        for paragraph in row.iter(f"{W}p"):
            properties = paragraph.find(f"{W}pPr")
            if properties is None:
                properties = etree.SubElement(paragraph, f"{W}pPr")
                paragraph.insert(0, properties)
            if properties.find(f"{W}keepNext") is None:
                style = properties.find(f"{W}pStyle")
                properties.insert(0 if style is None else 1, etree.Element(f"{W}keepNext"))


def _compact_lists(table: etree._Element, indents: dict[tuple[str, str], int]) -> None:
    """List items in cells get a small hanging indent instead of the page's 12.7 mm."""
    for properties in table.iter(f"{W}pPr"):
        if properties.find(f"{W}numPr") is not None:
            for old in properties.findall(f"{W}ind"):
                properties.remove(old)
            _insert(properties, etree.Element(f"{W}ind", {f"{W}left": str(CELL_LIST_INDENT),
                                                          f"{W}hanging": str(CELL_LIST_INDENT)}), AFTER_IND)


def _keep_together(row: etree._Element) -> None:
    """The row may not break across pages."""
    properties = row.find(f"{W}trPr")
    if properties is None:
        properties = etree.Element(f"{W}trPr")
        row.insert(1 if row.find(f"{W}tblPrEx") is not None else 0, properties)
    if properties.find(f"{W}cantSplit") is None:
        _insert(properties, etree.Element(f"{W}cantSplit"), AFTER_CANT_SPLIT)


def _insert(parent: etree._Element, child: etree._Element, later: set[str]) -> None:
    """Put child before the first of parent's children that the schema puts after it."""
    following = next((element for element in parent if element.tag in later), None)
    if following is None:
        parent.append(child)
    else:
        following.addprevious(child)


def _needed_widths(table: etree._Element, columns: int, look: TableLook,
                   indents: dict[tuple[str, str], int]) -> list[int]:
    """Per column, the twips its widest unbreakable word needs (cells spanning
    several columns are not counted)."""
    needed = [0] * columns
    for row in table.iterchildren(f"{W}tr"):
        header = row.find(f"{W}trPr/{W}tblHeader") is not None
        column = 0
        for cell in row.iterchildren(f"{W}tc"):
            span = _span(cell)
            if span == 1 and column < columns:
                for paragraph in cell.iter(f"{W}p"):
                    word = max(_words(paragraph, header, look), default=0.0)
                    need = round(word * 20 * WORD_SLACK) + look.margins + _indent(paragraph, indents)
                    needed[column] = max(needed[column], need)
            column += span
    return needed


def _words(paragraph: etree._Element, header: bool, look: TableLook) -> list[float]:
    """The widths in points of the paragraph's unbreakable words, each in its run's face."""
    pieces: list[tuple[str, bool]] = []
    for run in paragraph.iter(f"{W}r"):
        bold = header or _is_bold(run)
        for child in run:
            if child.tag == f"{W}t":
                pieces.append((child.text or "", bold))
            elif child.tag in (f"{W}tab", f"{W}br"):
                pieces.append((" ", bold))
    widths, current = [], 0.0
    for text, bold in pieces:
        face = look.bold if bold else look.regular
        parts = BREAKS.split(text)
        for i, part in enumerate(parts):
            if i > 0:
                widths.append(current)
                current = 0.0
            current += face.width(part, look.size)
    widths.append(current)
    return widths


def _is_bold(run: etree._Element) -> bool:
    bold = run.find(f"{W}rPr/{W}b")
    return bold is not None and bold.get(f"{W}val", "true") not in ("0", "false", "off")


def _indent(paragraph: etree._Element, indents: dict[tuple[str, str], int]) -> int:
    """A list item's indentation in twips: its own, else its list level's."""
    numbering = paragraph.find(f"{W}pPr/{W}numPr")
    if numbering is None:
        return 0
    own = paragraph.find(f"{W}pPr/{W}ind")
    if own is not None and own.get(f"{W}left"):
        return int(own.get(f"{W}left"))
    number, level = numbering.find(f"{W}numId"), numbering.find(f"{W}ilvl")
    key = (number.get(f"{W}val") if number is not None else "", level.get(f"{W}val") if level is not None else "0")
    return indents.get(key, 0)


def distribute(widths: list[float], needed: list[int], total: int) -> list[int]:
    """Widths summing to total: at least what each column needs, taken from the columns
    with room to spare in proportion to that room. If the words cannot all fit, the
    columns with the shortest words ("Minska", "5 787 (okt)") still get what they need,
    and the columns with the longest words share the rest in proportion to their needs,
    so that each comes as close to its widest word as the others."""
    if sum(needed) >= total:
        widths = _short_words_first(needed, total)
    else:
        short = sum(max(n - w, 0) for w, n in zip(widths, needed))
        room = [max(w - n, 0) for w, n in zip(widths, needed)]
        widths = [max(w, n) - short * r / sum(room) if short else w for w, n, r in zip(widths, needed, room)]
    rounded = [int(w) for w in widths]
    widest = max(range(len(rounded)), key=lambda i: rounded[i])
    rounded[widest] += total - sum(rounded)
    return rounded



def _short_words_first(needed: list[int], total: int) -> list[float]:
    """Widths for words that cannot all fit: every column whose need lies under a common
    level gets its need; the columns above it share the rest in proportion to their needs."""
    ascending = sorted(needed)
    for kept, need in enumerate(ascending):
        level = (total - sum(ascending[:kept])) / (len(needed) - kept)
        if level <= need:
            break
    long = sum(n for n in needed if n >= level)
    rest = total - sum(n for n in needed if n < level)
    return [rest * n / long if n >= level else n for n in needed]

def _span(cell: etree._Element) -> int:
    span = cell.find(f"{W}tcPr/{W}gridSpan")
    return int(span.get(f"{W}val")) if span is not None else 1


def _list_indents(numbering: etree._Element) -> dict[tuple[str, str], int]:
    """(numId, ilvl) -> the left indentation of that list level, in twips."""
    abstract = {}
    for definition in numbering.iterchildren(f"{W}abstractNum"):
        abstract[definition.get(f"{W}abstractNumId")] = {
            level.get(f"{W}ilvl"): int(indent.get(f"{W}left", indent.get(f"{W}start", "0")))
            for level in definition.iterchildren(f"{W}lvl")
            if (indent := level.find(f"{W}pPr/{W}ind")) is not None}
    indents = {}
    for number in numbering.iterchildren(f"{W}num"):
        levels = abstract.get(number.find(f"{W}abstractNumId").get(f"{W}val"), {})
        for level, left in levels.items():
            indents[(number.get(f"{W}numId"), level)] = left
    return indents


def _text_width(body: etree._Element) -> int:
    """The page's width between its margins, in twips, from the last section's properties."""
    section = body.find(f"{W}sectPr")
    size = section.find(f"{W}pgSz") if section is not None else None
    margins = section.find(f"{W}pgMar") if section is not None else None
    if size is None or margins is None:
        return 9071  # A4 with 25 mm margins
    return int(size.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))


# ---- Styles ------------------------------------------------------------------------

class _Styles:
    """What the finishing reads from word/styles.xml."""

    def __init__(self, root: etree._Element):
        self.by_id = {style.get(f"{W}styleId"): style for style in root.iterchildren(f"{W}style")}
        self.defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")

    def outline_levels(self) -> dict[str, int]:
        """Paragraph style id -> heading level (1 = top), for styles with an outline level."""
        levels = {}
        for style_id in self.by_id:
            level = self._inherited(style_id, f"{W}pPr/{W}outlineLvl")
            if level is not None and level.get(f"{W}val", "").isdigit() and int(level.get(f"{W}val")) < 9:
                levels[style_id] = int(level.get(f"{W}val")) + 1
        return levels

    def table_look(self, table: etree._Element, width: int) -> TableLook:
        style = table.find(f"{W}tblPr/{W}tblStyle")
        style_id = style.get(f"{W}val") if style is not None else ""
        size = self._inherited(style_id, f"{W}rPr/{W}sz")
        if size is None and self.defaults is not None:
            size = self.defaults.find(f"{W}sz")
        margins = 0
        for side in (("left", "start"), ("right", "end")):
            found = next((m for name in side if (m := self._inherited(style_id, f"{W}tblPr/{W}tblCellMar/{W}{name}"))
                          is not None), None)
            margins += int(found.get(f"{W}w")) if found is not None else 108  # Word's default
        faces = font_files(self._font()) or font_files(FALLBACK_FONT)
        return TableLook(width, int(size.get(f"{W}val")) / 2 if size is not None else 10.0, margins,
                         metrics(faces["regular"]), metrics(faces.get("bold", faces["regular"])))

    def _font(self) -> str:
        fonts = self.defaults.find(f"{W}rFonts") if self.defaults is not None else None
        return fonts.get(f"{W}ascii", "") if fonts is not None else ""

    def _inherited(self, style_id: str, path: str):
        """The element at path in the style or the nearest style it is based on."""
        seen = set()
        while style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            found = style.find(path)
            if found is not None:
                return found
            based = style.find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else ""
        return None


# ---- Header and footer fields ------------------------------------------------------

# ---- Letterhead -------------------------------------------------------------------

LETTERHEAD = "Letterhead"  # the paragraph style of the letterhead's lines (styrdok.openxml)
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _letterhead_in_first_footer(body: etree._Element, parts: dict[str, bytes]) -> None:
    """Move the letterhead's paragraphs from the end of the body into the first page's
    footer, followed by the running footer's line (version, "Sida N av M")."""
    letterhead = [p for p in body.iterchildren(f"{W}p")
                  if p.find(f"{W}pPr/{W}pStyle[@{W}val='{LETTERHEAD}']") is not None]
    footers = _footer_parts(body, parts)
    if not letterhead or "first" not in footers:
        return
    first = etree.fromstring(parts[footers["first"]])
    for old in first.findall(f"{W}p"):
        first.remove(old)
    for paragraph in letterhead:
        body.remove(paragraph)
        first.append(paragraph)
    if "default" in footers:
        for line in etree.fromstring(parts[footers["default"]]).findall(f"{W}p"):
            first.append(line)
    parts[footers["first"]] = _serialise(first)


def _footer_parts(body: etree._Element, parts: dict[str, bytes]) -> dict[str, str]:
    """The footer parts of the (last) section by type ("first", "default"): part names."""
    section = body.find(f"{W}sectPr")
    rels = etree.fromstring(parts.get("word/_rels/document.xml.rels", b"<Relationships/>"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    references = section.findall(f"{W}footerReference") if section is not None else []
    found = {ref.get(f"{W}type"): "word/" + targets.get(ref.get(RELATIONSHIP), "") for ref in references}
    return {kind: name for kind, name in found.items() if name in parts}


def _properties(parts: dict[str, bytes]) -> dict[str, str]:
    """Field instruction -> value: TITLE and every DOCPROPERTY of the package."""
    values = {}
    if "docProps/core.xml" in parts:
        title = etree.fromstring(parts["docProps/core.xml"]).find(TITLE)
        values["TITLE"] = title.text or "" if title is not None else ""
    if "docProps/custom.xml" in parts:
        for prop in etree.fromstring(parts["docProps/custom.xml"]).iterchildren(f"{CUSTOM}property"):
            values[f"DOCPROPERTY {prop.get('name')}"] = "".join(prop.itertext())
    return values


def _fill_fields(part: etree._Element, values: dict[str, str]) -> bool:
    """Give each simple field with a known value that value as its cached result."""
    changed = False
    for field in part.iter(f"{W}fldSimple"):
        value = values.get(" ".join(field.get(f"{W}instr", "").split()))
        text = field.find(f"{W}r/{W}t")
        if value is not None and text is not None:
            text.text = value
            changed = True
    return changed


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
