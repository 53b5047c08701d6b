"""Layout of the built documents as readers see them: PDF pages read back with pdfplumber,
Word files read as XML (and rendered by LibreOffice where a test needs pages), web pages in
headless Chromium at 320 px and at desktop width.

- headings and their lead-in lines ("Berörda: …") never end a page;
- table header words never overprint each other, and "−1,0 till −0,3" stays on one line;
- a table's row groups stay on one page; appendices start a page;
- the business plan's contents fit on one page, without assignment titles or hyphens;
- the web pages reflow at 320 px (wide tables scroll in their own region), axe finds nothing;
- no empty value ("None", "null", "nan") reaches any output.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from browser import axe_violations, chromium, needs_chromium
from styrdok.export import export

MM = 72 / 25.4
TOP, BOTTOM = 28 * MM, 25 * MM  # styrdok.typ's page margins: the running header and footer lie outside
BODY_SIZE = 10.0  # points; every heading is larger
LEAD_INS = ("Berörda:", "Status:", "Bedömning")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def body_lines(page) -> list[dict]:
    """The page's text lines between the running header and footer."""
    return [line for line in page.extract_text_lines() if TOP < line["top"] < page.height - BOTTOM]


def is_heading_or_lead_in(line: dict) -> bool:
    return line["chars"][0]["size"] > BODY_SIZE + 0.2 or line["text"].startswith(LEAD_INS)


@pytest.fixture(scope="module")
def read_pdfs(example_output) -> dict[str, list[tuple[list[dict], list[str]]]]:
    """Every example PDF (reports and memos), read once: per page, its body lines and
    its overprinted table letters."""
    out = {}
    for path in sorted(example_output.glob("*.pdf")):
        with pdfplumber.open(path) as pdf:
            out[path.name] = [(body_lines(page), words_overlapping(page)) for page in pdf.pages]
    return out


@pytest.fixture(scope="module")
def pdfs(read_pdfs) -> dict[str, list[list[dict]]]:
    """Per example PDF, per page, its body lines."""
    return {name: [lines for lines, _ in pages] for name, pages in read_pdfs.items()}


def pdf_text(pdfs, name: str) -> str:
    return "\n".join(line["text"] for lines in pdfs[name] for line in lines)


def test_no_page_ends_with_a_heading_or_a_lead_in_line(pdfs):
    assert len(pdfs) == 10
    ends = [(name, number, lines[-1]["text"]) for name, pages in pdfs.items()
            for number, lines in enumerate(pages, 1) if lines and is_heading_or_lead_in(lines[-1])]
    assert not ends, ends


def test_the_check_sees_headings_and_lead_ins(pdfs):
    """The fonts the check relies on: the business plan has headings larger than the body text."""
    lines = [line for lines in pdfs["verksamhetsplan-2025.pdf"] for line in lines]
    headings = [line["text"] for line in lines if is_heading_or_lead_in(line)]
    assert any(text.startswith("Fokusmål 1") for text in headings)
    assert any(text.startswith("Uppdrag 1.") for text in headings)
    assert any(text.startswith("Berörda:") for text in headings)


def words_overlapping(page) -> list[str]:
    """Bold table text (8.5 pt: header cells and totals) where one letter overprints
    another. Letters, not words: pdfplumber reads two overprinted words as one."""
    lines: dict[int, list[dict]] = {}
    for char in page.chars:
        if "Bold" in char["fontname"] and abs(char["size"] - 8.5) < 0.2 and char["text"].strip():
            lines.setdefault(round(char["top"]), []).append(char)
    found = []
    for chars in lines.values():
        chars.sort(key=lambda c: c["x0"])
        for before, after in zip(chars, chars[1:]):
            if after["x0"] < before["x1"] - 1.0:  # more than kerning
                found.append(before["text"] + after["text"])
    return found


@pytest.mark.parametrize("name", ["delarsrapport-2025-04.pdf", "delarsrapport-2025-08.pdf"])
def test_interim_report_table_headers_never_overlap(read_pdfs, pdfs, name):
    overlaps = {number: found for number, (_, found) in enumerate(read_pdfs[name], 1) if found}
    assert not overlaps, overlaps
    text = pdf_text(pdfs, name)
    assert "Prognosintervall" in text and " till " in text
    assert not re.search(r"\d till\n", text), "a prognosis interval wraps"


def test_the_overlap_check_fires_on_overprinted_words(tmp_path):
    markdown = ('---\ntitle: Prov\ndoctype: memo\n---\n\n::: {.list-table widths="80,10,10"}\nTabell 1. Prov.\n\n'
                "- - Belopp\n  - Prognosintervall\n  - Kommunbidrag\n- - A\n  - 1\n  - 2\n:::\n")
    export(markdown, tmp_path, "prov", {"pdf"}, timestamp=1735689600)
    with pdfplumber.open(tmp_path / "prov.pdf") as pdf:
        assert words_overlapping(pdf.pages[0])


def test_appendices_start_a_page(pdfs):
    starts = {}
    for number, lines in enumerate(pdfs["verksamhetsplan-2025.pdf"], 1):
        for index, line in enumerate(lines):
            if line["text"].startswith("Bilaga ") and is_heading_or_lead_in(line):
                starts[line["text"]] = (number, index)
    assert len(starts) >= 3
    assert all(index == 0 for _, index in starts.values()), starts


def test_the_business_plan_contents_fit_one_page(pdfs):
    contents = [line["text"] for line in pdfs["verksamhetsplan-2025.pdf"][1]]
    following = [line["text"] for line in pdfs["verksamhetsplan-2025.pdf"][2]]
    assert contents[0] == "Innehåll" and any(text.startswith("Fokusmål 1") for text in contents)
    assert not any(text.startswith("Uppdrag") for text in contents)  # contents_depth: 2
    assert not any(re.search(r"[-\u00ad]$", text) for text in contents), "a hyphenated contents entry"
    assert not any(". . . ." in text or "....." in text for text in following), "the contents run on"


def test_the_word_contents_have_the_documents_depth(example_output):
    package = zipfile.ZipFile(example_output / "verksamhetsplan-2025.docx")
    document = etree.fromstring(package.read("word/document.xml"))
    styles = [p.find(f"{W}pPr/{W}pStyle") for p in document.iter(f"{W}p")]
    levels = {s.get(f"{W}val") for s in styles if s is not None and s.get(f"{W}val").startswith("TOC")}
    assert {"TOC1", "TOC2"} <= levels and "TOC3" not in levels  # contents_depth: 2


def test_the_thematic_plan_keeps_its_years_on_one_line(pdfs):
    text = pdf_text(pdfs, "plan-1000-fler.pdf")
    assert "2023–2026" in text
    assert not re.search(r"\d{4}–\n", text)


def test_word_headings_and_lead_ins_keep_with_the_next_paragraph(example_output):
    package = zipfile.ZipFile(example_output / "verksamhetsplan-2025.docx")
    styles = etree.fromstring(package.read("word/styles.xml"))
    kept = {s.get(f"{W}styleId") for s in styles.iter(f"{W}style") if s.find(f"{W}pPr/{W}keepNext") is not None}
    assert {"Heading1", "Heading2", "Heading3", "LeadIn"} <= kept
    document = etree.fromstring(package.read("word/document.xml"))
    lead_ins = ["".join(p.itertext()) for p in document.iter(f"{W}p")
                if p.find(f"{W}pPr/{W}pStyle[@{W}val='LeadIn']") is not None]
    assert any(text.startswith("Berörda:") for text in lead_ins)


# ---- Row groups ---------------------------------------------------------------------

def grouped_table(groups: int, marked: bool) -> str:
    """A plan with one long table of indicators, each with its Kvinnor and Män rows."""
    rows = "".join(f"- - Indikator {i} med ett längre namn\n  - {i}\n  - {i + 1}\n  - Källa {i}\n"
                   f"- - *Kvinnor*\n  - {i}\n  - {i}\n  - \n- - *Män*\n  - {i}\n  - {i}\n  - \n" for i in range(groups))
    attribute = f' row-groups="{",".join(["3"] * groups)}"' if marked else ""
    return (f'---\ntitle: Grupper\ndoctype: memo\n---\n\n# Tabell\n\n::: {{.list-table widths="40,20,20,20"{attribute}}}\n'
            f"Tabell 1. Grupper.\n\n- - Indikator\n  - 2023\n  - 2024\n  - Källa\n{rows}:::\n")


def last_rows(pdf_path: Path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [body_lines(page)[-1]["text"] for page in pdf.pages[:-1]]


def gender_rows_apart(pages: list[list[dict]]) -> list[tuple[int, str]]:
    """(page, line) of every Kvinnor or Män row that is not on the page of the row before it
    in its group: a Kvinnor row first on its page or right under the repeated table header,
    a Män row not under its Kvinnor row (a value's wrapped note, "(okt)", may lie between).
    The rows' labels are set in italics, which tells them from prose."""
    apart = []
    for number, lines in enumerate(pages, 1):
        for index, line in enumerate(lines):
            if not re.search("Oblique|Italic", line["chars"][0]["fontname"]):
                continue
            before = lines[index - 1]["text"] if index else ""
            header = index and "Bold" in lines[index - 1]["chars"][0]["fontname"]
            if line["text"].startswith("Kvinnor") and (not before or header) \
                    or line["text"].startswith("Män") and not before.startswith(("Kvinnor", "(")):
                apart.append((number, line["text"]))
    return apart


def test_indicator_totals_keep_their_kvinnor_and_man_rows(pdfs):
    """The business plan once split Kvinnor/Män from their total at a page break (page 26)."""
    assert sum(line["text"].startswith("Kvinnor") and "Oblique" in line["chars"][0]["fontname"]
               for pages in pdfs.values() for lines in pages for line in lines) > 25  # rows with values
    assert {name: apart for name, pages in pdfs.items() if (apart := gender_rows_apart(pages))} == {}


def test_word_indicator_rows_keep_with_their_total(example_output):
    """Every paragraph of an indicator's total row and of its Kvinnor row keeps with the next row."""
    document = etree.fromstring(zipfile.ZipFile(example_output / "verksamhetsplan-2025.docx").read("word/document.xml"))
    checked = 0
    for table in document.iter(f"{W}tbl"):
        rows = table.findall(f"{W}tr")
        for total, women, men in zip(rows, rows[1:], rows[2:]):
            if "".join(women.find(f"{W}tc").itertext()) != "Kvinnor":
                continue
            assert "".join(men.find(f"{W}tc").itertext()) == "Män"
            for row in (total, women):
                assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in row.iter(f"{W}p"))
            checked += 1
    assert checked > 20


def test_a_table_breaks_only_between_its_row_groups(tmp_path):
    export(grouped_table(40, marked=False), tmp_path, "plain", {"pdf"}, timestamp=1735689600)
    export(grouped_table(40, marked=True), tmp_path, "grouped", {"pdf", "docx", "html"}, timestamp=1735689600)
    assert not all(row.startswith("Män") for row in last_rows(tmp_path / "plain.pdf"))  # the test can fail
    with pdfplumber.open(tmp_path / "plain.pdf") as pdf:
        assert gender_rows_apart([body_lines(page) for page in pdf.pages])  # and so can gender_rows_apart
    with pdfplumber.open(tmp_path / "grouped.pdf") as pdf:
        assert not gender_rows_apart([body_lines(page) for page in pdf.pages])
    ends = last_rows(tmp_path / "grouped.pdf")
    assert ends and all(row.startswith("Män") for row in ends), ends
    html = (tmp_path / "grouped.html").read_text(encoding="utf-8")
    assert html.count('rowspan="3"') == 40  # Källa spans its group
    document = zipfile.ZipFile(tmp_path / "grouped.docx").read("word/document.xml").decode()
    rows = re.findall(r"<w:tr[ >].*?</w:tr>", document, re.S)
    assert len(rows) == 121
    for index, row in enumerate(rows[1:]):
        assert ("<w:keepNext/>" in row) == (index % 3 != 2), index  # the group's last row may break after


def test_bad_row_groups_are_an_error(tmp_path):
    from styrdok.export import ExportError

    markdown = grouped_table(2, marked=True).replace('row-groups="3,3"', 'row-groups="3,4"')
    with pytest.raises(ExportError, match="row-groups"):
        export(markdown, tmp_path, "bad", {"html"}, timestamp=1735689600)


# ---- Empty values ---------------------------------------------------------------------

def test_no_empty_value_in_any_markdown(example_output):
    """The PDF, Word and web pages are checked by test_reader_text; the Markdown here."""
    found = {path.name: m.group(0) for path in example_output.glob("*.md")
             if (m := re.search(r"\b(None|null|nan|NaN)\b", path.read_text(encoding="utf-8")))}
    assert not found, found


# ---- Web pages ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def web_pages(example_output, alvnas_output) -> list[Path]:
    """Every example web page, of both example municipalities."""
    return sorted(example_output.glob("*.html")) + sorted(alvnas_output.glob("*.html"))


def test_every_table_scrolls_in_a_named_focusable_region(web_pages):
    # Named by its caption ("Tabell 4. …"), or, without one, by the heading above it.
    region = re.compile(r'<div class="table-scroll" role="region" tabindex="0" aria-label="(Tabell \d+\. )?[^"]+">\s*<table')
    tables = 0
    for path in web_pages:
        html = path.read_text(encoding="utf-8")
        assert len(region.findall(html)) == html.count("<table"), path.name
        assert 'aria-label="Tabell"' not in html, path.name
        tables += html.count("<table")
    assert tables > 50


@needs_chromium
def test_pages_reflow_at_320_px_and_axe_finds_nothing(web_pages):
    """Every page at 320 px, with axe; at desktop width the widest page with axe, every
    page for its width (axe takes seconds a page)."""
    assert len(web_pages) == 12
    problems = {}
    with chromium() as browser:
        for width in (320, 1280):
            page = browser.new_page(viewport={"width": width, "height": 800})
            for path in web_pages:
                page.goto(path.as_uri())
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    problems[(width, path.name)] = f"scrollWidth {scroll}"
                if width == 320 or path.name == "verksamhetsplan-2025.html":
                    if violations := axe_violations(page):
                        problems[(width, path.name)] = [v["id"] for v in violations]
            page.close()
    assert not problems, problems
