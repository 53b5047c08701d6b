"""Reader-facing text is plain Swedish: no English, no git or programming jargon, no field
names and no leaked empty values, in any format of any document of the example build.

The colophon's values (the version number and the checksum) are hexadecimal and match no
word here; its labels are Swedish.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from styrdok.cli import main

ROOT = Path(__file__).resolve().parent.parent

# Whole words, case-sensitive where a Swedish word could share the letters in lower case.
BLOCKLIST = re.compile(r"""
    \b(?i:commit|commits|sha256|git|lineage|hash|yaml|json|jinja|template|markdown|pandoc|typst
       |build|draft|undefined|true|false)\b
  | \b(None|null|nan|NaN)\b
  | \b[a-z]+_[a-z0-9_]+\b          # a field name: expected_year, content_sha256
  | \{\{|\}\}|\{%|%\}              # template syntax that was not rendered
""", re.VERBOSE)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def docx_text(path: Path) -> str:
    """Every paragraph's text in the body, headers, footers and footnotes."""
    package = zipfile.ZipFile(path)
    names = [n for n in package.namelist() if re.fullmatch(r"word/(document|header\d+|footer\d+|footnotes)\.xml", n)]
    lines = []
    for name in names:
        for paragraph in etree.fromstring(package.read(name)).iter(f"{W}p"):
            lines.append("".join(t.text or "" for t in paragraph.iter(f"{W}t")))
    return "\n".join(lines)


class _Text(HTMLParser):
    """The page's visible text and the alternative texts of its images."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.hidden += 1
        alt = dict(attrs).get("alt")
        if tag == "img" and alt:
            self.parts.append(alt)

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


READERS = {"pdf": pdf_text, "docx": docx_text, "html": html_text}


@pytest.fixture(scope="module")
def texts(example_output) -> dict[str, str]:
    """File name -> reader-facing text, for every PDF, Word file and web page."""
    return {path.name: READERS[path.suffix[1:]](path)
            for path in sorted(example_output.iterdir()) if path.suffix[1:] in READERS}


def test_every_format_of_every_document_is_read(texts):
    assert len(texts) == 30  # five documents and their memos, three formats each
    assert all(len(text) > 500 for text in texts.values())


def test_no_jargon_field_names_or_empty_values_reach_readers(texts):
    found = {}
    for name, text in texts.items():
        for line in text.splitlines():
            for match in BLOCKLIST.finditer(line):
                found.setdefault(name, []).append(f"{match.group(0)!r} in {line.strip()[:120]!r}")
    assert not found, "\n".join(f"{name}: {hit}" for name, hits in found.items() for hit in hits[:5])


def test_the_blocklist_fires_on_what_it_is_for():
    for text in ("Commit add180b", "innehåll sha256:97df", "planens versioner i git", "lineage-fälten",
                 "Uppdrag None", "värdet nan", "expected_year", "{{ doc.title }}", "True"):
        assert BLOCKLIST.search(text), text
    for text in ("Version add180b · 26 november 2026", "Innehållets kontrollsumma (SHA-256): 97df21a7",
                 "Status: Pågår", "Uppdrag 3. Öka andelen", "Versionsnummer: add180b64baf0000"):
        assert not BLOCKLIST.search(text), text


def test_the_expected_year_is_said_once(texts):
    """A follow-up comment that already says when the work is done gets no generated repeat."""
    for name, text in texts.items():
        if name.endswith(".pdf"):
            flat = " ".join(text.split())
            repeated = re.findall(r"bli klart (\d{4})\. (?:Uppdraget|Åtgärden) väntas bli klart \1\.", flat)
            assert not repeated, name


def test_an_assignment_without_a_number_is_named_by_its_title(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "dokument" / "information-plan-1000-fler-2025.yaml").unlink()  # compares with git history
    assignment = content / "uppdrag" / "uppdrag-minska-administration.yaml"
    assignment.write_text(re.sub(r'(?m)^number: "1"\n', "", assignment.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["build", "verksamhetsplan-2025", "delarsrapport-2025-08", "--format", "md",
                 "--content", str(content), "--output", str(tmp_path / "ut")]) == 0
    for name in ("verksamhetsplan-2025.md", "delarsrapport-2025-08.md"):
        text = (tmp_path / "ut" / name).read_text(encoding="utf-8")
        assert "None" not in text and "Uppdrag 1." not in text, name
        assert re.search(r"\n#+ Minska den administrativa bördan", text), name
        assert "till uppdraget Minska den administrativa bördan" in text, name
