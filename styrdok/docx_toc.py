"""The Word file's table of contents, written at build time.

pandoc writes the contents as an empty TOC field that only desktop Word fills, after
a prompt; LibreOffice and Word on the web show an empty page. Here the field gets its
result: one entry per heading down to the field's own depth (``\\o "1-N"``, which
pandoc takes from the document kind's contents depth), each a link to a bookmark on
its heading. It stays a field, so desktop Word can refresh it. Page numbers are
not known before a word processor lays out the pages, so the entries have none and a
first line says so; refreshing in Word replaces the lines with numbered ones.
"""

from __future__ import annotations

import re

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

NOTE = "Sidnummer visas när innehållsförteckningen uppdateras i Word."
NOTE_STYLE = "ContentsNote"
BOOKMARK_PREFIX = "_Toc"  # Word's own prefix: hidden bookmarks made for the contents
DEPTH = re.compile(r'\\o\s+"(\d)-(\d)"')


def write_contents(body: etree._Element, outline_levels: dict[str, int]) -> None:
    """Fill the TOC field in ``body`` (w:body) with links to its headings.

    ``outline_levels`` maps paragraph style ids to heading levels (1 = top). A body
    without a TOC field is left as it is.
    """
    field = _toc_paragraph(body)
    if field is None:
        return
    paragraph, instruction = field
    depth = DEPTH.search(instruction)
    first, last = (int(level) for level in depth.groups()) if depth else (1, 9)  # Word's default: every level
    headings = [(level, p) for p in body.iterchildren(f"{W}p")
                if first <= (level := outline_levels.get(_style(p), 0)) <= last]
    ids = [int(value) for value in body.xpath("//w:bookmarkStart/@w:id", namespaces={"w": W_NS}) if value.isdigit()]
    last_id = max(ids, default=0)
    entries = []
    for number, (level, heading) in enumerate(headings, 1):
        name = f"{BOOKMARK_PREFIX}{number:08d}"
        _bookmark(heading, name, last_id + number)
        entries.append(_entry(level, _text(heading), name))
    result = [_note(instruction)] + entries
    result[-1].append(_run(_element("fldChar", fldCharType="end")))
    paragraph.addprevious(result[0])
    for element in result[1:]:
        paragraph.addprevious(element)
    paragraph.getparent().remove(paragraph)


def _toc_paragraph(body: etree._Element) -> tuple[etree._Element, str] | None:
    """The paragraph holding pandoc's TOC field, and the field's instruction."""
    for text in body.iter(f"{W}instrText"):
        if (text.text or "").strip().startswith("TOC"):
            return next(text.iterancestors(f"{W}p")), text.text.strip()
    return None


def _style(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else ""


def _text(paragraph: etree._Element) -> str:
    """The heading's visible text (runs and links; not footnote marks or field codes)."""
    parts = []
    for element in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br"):
        parts.append(element.text or "" if element.tag == f"{W}t" else " ")
    return " ".join("".join(parts).split())


def _bookmark(heading: etree._Element, name: str, bookmark_id: int) -> None:
    properties = heading.find(f"{W}pPr")
    start = _element("bookmarkStart", id=str(bookmark_id), name=name)
    if properties is not None:
        properties.addnext(start)
    else:
        heading.insert(0, start)
    heading.append(_element("bookmarkEnd", id=str(bookmark_id)))


def _note(instruction: str) -> etree._Element:
    """The first line of the field's result; it opens the field."""
    paragraph = _paragraph(NOTE_STYLE)
    paragraph.append(_run(_element("fldChar", fldCharType="begin", dirty="true")))
    paragraph.append(_run(_element("instrText", text=instruction, preserve=True)))
    paragraph.append(_run(_element("fldChar", fldCharType="separate")))
    paragraph.append(_run(_element("t", text=NOTE, preserve=True)))
    return paragraph


def _entry(level: int, text: str, bookmark: str) -> etree._Element:
    paragraph = _paragraph(f"TOC{level}")
    link = etree.SubElement(paragraph, f"{W}hyperlink", {f"{W}anchor": bookmark, f"{W}history": "1"})
    link.append(_run(_element("t", text=text, preserve=True)))
    return paragraph


def _paragraph(style: str) -> etree._Element:
    paragraph = etree.Element(f"{W}p")
    etree.SubElement(etree.SubElement(paragraph, f"{W}pPr"), f"{W}pStyle", {f"{W}val": style})
    return paragraph


def _run(child: etree._Element) -> etree._Element:
    run = etree.Element(f"{W}r")
    run.append(child)
    return run


def _element(tag: str, *, text: str | None = None, preserve: bool = False, **attributes: str) -> etree._Element:
    element = etree.Element(f"{W}{tag}", {f"{W}{key}": value for key, value in attributes.items()})
    if preserve:
        element.set(XML_SPACE, "preserve")
    element.text = text
    return element
