"""The fidelity check: every section and table kind of the reference documents, as listed
in tests/fidelity/reference-parts.yaml, is found in the generated example documents."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

LIST = Path(__file__).parent / "fidelity" / "reference-parts.yaml"
DOCUMENTS = yaml.safe_load(LIST.read_text(encoding="utf-8"))["documents"]
KINDS = ("heading", "caption", "columns", "text", "pdf")


def _parts(key: str) -> list:
    return [pytest.param(doc["output"], part, id=f'{doc["output"]}: {part["part"]}')
            for doc in DOCUMENTS for part in doc.get(key, [])]


def header_rows(markdown: str) -> list[list[str]]:
    """The header row of every list-table: its cells, in order."""
    rows = []
    for block in re.findall(r"^::: \{\.list-table[^\n]*\n(.*?)^:::$", markdown, re.M | re.S):
        cells = []
        for line in block.split("\n"):
            if line.startswith("- - "):
                if cells:
                    break
                cells.append(line[4:])
            elif line.startswith("  - ") and cells:
                cells.append(line[4:])
        rows.append(cells)
    return rows


def position(markdown: str, pdf_text: str, part: dict, start: int = 0) -> int:
    """Where the part is (an offset in the Markdown, or in the PDF text), or -1."""
    body = markdown[start:]
    if "heading" in part:
        match = re.search(rf"^#+ {re.escape(part['heading'])}", body, re.M)
    elif "caption" in part:
        match = re.search(rf"^Tabell \d+\. {re.escape(part['caption'])}", body, re.M)
    elif "columns" in part:
        return 0 if [str(c) for c in part["columns"]] in header_rows(body) else -1
    elif "text" in part:
        return body.find(part["text"])
    else:
        return pdf_text.find(part["pdf"])
    return match.start() + start if match else -1


def found(output: Path, document: str, part: dict) -> bool:
    markdown = (output / f"{document}.md").read_text(encoding="utf-8")
    pdf_text = _pdf_text(output / f"{document}.pdf") if "pdf" in part else ""
    start = 0
    if "after" in part:
        start = position(markdown, pdf_text, {"heading": part["after"]})
        if start < 0:
            return False
    return position(markdown, pdf_text, part, start) >= 0


_PDF_TEXTS: dict[Path, str] = {}


def _pdf_text(path: Path) -> str:
    if path not in _PDF_TEXTS:
        _PDF_TEXTS[path] = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                                          text=True, check=True).stdout
    return _PDF_TEXTS[path]


def test_the_list_is_well_formed():
    outputs = {doc["output"] for doc in DOCUMENTS}
    assert len(outputs) == len(DOCUMENTS)
    for doc in DOCUMENTS:
        for part in doc["parts"] + doc.get("known_gaps", []):
            assert "part" in part and sum(kind in part for kind in KINDS) == 1, part
        assert len(doc["parts"]) == len({p["part"] for p in doc["parts"]}), doc["output"]


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) saknas")


@needs_pdftotext
@pytest.mark.parametrize("document, part", _parts("parts"))
def test_each_reference_part_is_in_the_generated_document(example_output, document, part):
    assert found(example_output, document, part), f'{part["part"]} saknas i {document}'


@needs_pdftotext
@pytest.mark.parametrize("document, part", _parts("known_gaps"))
def test_known_gaps_are_still_missing(example_output, document, part):
    """When a known gap appears, move it from known_gaps to parts."""
    assert not found(example_output, document, part), f'{part["part"]} finns nu: flytta den till parts'


def test_a_part_that_disappears_is_missed(example_output, tmp_path):
    """Removing a section, a table column or a caption makes the check fail."""
    document = "delarsrapport-2025-04"
    text = (example_output / f"{document}.md").read_text(encoding="utf-8")
    parts = {p["part"]: p for d in DOCUMENTS if d["output"] == document for p in d["parts"]}
    cases = [("Risker och osäkerheter", text.replace("# Risker och osäkerheter", "# Övrigt")),
             ("Statustabellen med tre kolumner", text.replace("  - Vad som ska kommenteras\n", "")),
             ("Resultat per verksamhet", re.sub(r"^Tabell (\d+)\. Kommunbidrag", r"Tabell \1. Annat", text, flags=re.M))]
    for name, changed in cases:
        assert found(example_output, document, parts[name])
        (tmp_path / f"{document}.md").write_text(changed, encoding="utf-8")
        assert not found(tmp_path, document, parts[name]), name
