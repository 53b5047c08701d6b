"""The whole build of the example content: every document in every format, checked as a reader would."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from styrdok import publish
from styrdok.cli import main
from styrdok.export import ExportError

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PLAN = "verksamhetsplan-2025"


@pytest.fixture(scope="module")
def output(example_output):
    return example_output  # built once per session (conftest.py)


def test_every_document_in_every_format_is_in_the_manifest(output):
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    documents = {p.stem for p in (CONTENT / "dokument").glob("*.yaml")}
    built = {(a["document"], a["format"]) for a in manifest["artifacts"]}
    assert built == {(d, f) for d in documents for f in ("md", "docx", "pdf", "html")}
    for artifact in manifest["artifacts"]:
        assert hashlib.sha256((output / artifact["path"]).read_bytes()).hexdigest() == artifact["sha256"]
    assert not list(output.parent.glob(f".{output.name}.builds/.staging-*"))


def test_docx_uses_real_styles_and_swedish(output):
    word = WordDocument(str(output / f"{PLAN}.docx"))
    styles = {p.style.name for p in word.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= styles
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert "Kommunfullmäktiges fokusmål" in headings
    assert any(p.text.startswith("Fokusmål 1") for p in word.paragraphs if p.style.name == "Heading 2")
    captions = [p.text for p in word.paragraphs if p.text.startswith("Tabell ")]
    assert captions and all(re.match(r"Tabell \d+\. \S", c) and "Tabell 1: " not in c for c in captions)
    assert word.tables and all(t.style is not None for t in word.tables)
    xml = zipfile.ZipFile(output / f"{PLAN}.docx").read("word/document.xml").decode("utf-8")
    assert "<w:tblHeader" in xml  # repeating header rows
    styles_xml = zipfile.ZipFile(output / f"{PLAN}.docx").read("word/styles.xml").decode("utf-8")
    assert 'w:val="sv-SE"' in styles_xml
    assert word.core_properties.title == "Verksamhetsplan och budget 2025"


def test_pdf_is_tagged_with_language_title_and_pdfa(output):
    reader = PdfReader(str(output / f"{PLAN}.pdf"))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv-SE"
    assert "/StructTreeRoot" in root
    assert reader.metadata.title == "Verksamhetsplan och budget 2025"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    text = "".join(page.extract_text() for page in reader.pages[4:16])  # the first goal's pages
    assert "Tabell 1. Nämndens åtgärd till Uppdrag 1." in text
    assert "Tabell 1: Tabell" not in text


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.lang = [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang")


def test_html_is_accessible(output):
    parser = _Headings()
    parser.feed((output / f"{PLAN}.html").read_text(encoding="utf-8"))
    assert parser.lang == "sv"
    assert parser.tags.count("h1") == 1 and "h2" in parser.tags and "h3" in parser.tags
    assert "th" in parser.tags and "caption" in parser.tags
    assert "script" not in parser.tags


def test_selection_builds_only_what_was_asked(tmp_path):
    assert main(["build", PLAN, "--format", "md,html", "--content", str(CONTENT), "--output", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["manifest.json", f"{PLAN}-tjansteskrivelse.html", f"{PLAN}-tjansteskrivelse.md", f"{PLAN}.html", f"{PLAN}.md"]


def test_relative_output_directory(tmp_path, monkeypatch):
    """The quick start builds into output/ relative to where it runs."""
    monkeypatch.chdir(tmp_path)
    assert main(["build", PLAN, "--format", "md,docx", "--content", str(CONTENT), "--output", "output"]) == 0
    assert (tmp_path / "output" / f"{PLAN}.docx").stat().st_size > 10_000


def test_unknown_document_or_format_is_a_usage_error(tmp_path, capsys):
    assert main(["build", "finns-inte", "--content", str(CONTENT), "--output", str(tmp_path)]) == 2
    assert "okänt dokument: finns-inte" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--format", "odt", "--output", str(tmp_path)])
    assert exit_info.value.code == 2


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_invalid_content_builds_nothing_and_keeps_output(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", PLAN, "--format", "md", "--content", str(CONTENT), "--output", str(out)]) == 0
    before = _snapshot(out)
    broken = tmp_path / "content"
    shutil.copytree(CONTENT, broken)
    (broken / "mal" / "fokusmal-1-ekonomi.yaml").write_text("type: goal\nid: fokusmal-1-ekonomi\n", encoding="utf-8")
    assert main(["build", "--content", str(broken), "--output", str(out)]) == 1
    assert "fokusmal-1-ekonomi.yaml:1:1" in capsys.readouterr().out
    assert _snapshot(out) == before


def test_failed_export_keeps_the_last_good_output(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert main(["build", "--format", "md", "--content", str(CONTENT), "--output", str(out)]) == 0
    before = _snapshot(out)
    shutil.rmtree(tmp_path / ".styrdok-cache")  # so that the build exports again
    calls = []

    def failing_export(markdown, staging, stem, formats, **options):
        calls.append(stem)
        if len(calls) == 3:
            raise ExportError("PDF-filen kunde inte sättas: testfel")
        return real_export(markdown, staging, stem, formats, **options)

    real_export = publish.export
    monkeypatch.setattr(publish, "export", failing_export)
    assert main(["build", "--format", "md", "--content", str(CONTENT), "--output", str(out)]) == 1
    assert len(calls) >= 3
    assert _snapshot(out) == before
    assert not list(tmp_path.glob(".out.builds/.staging-*"))
    assert len(list(tmp_path.glob(".out.builds/*"))) == 1
