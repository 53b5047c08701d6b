"""The Word files as LibreOffice shows them: converted to PDF by LibreOffice headless and
read back. The contents list the real headings, and no formatted number breaks across
lines. One LibreOffice run converts both documents (starting it takes seconds).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

DOCUMENTS = ("verksamhetsplan-2025", "delarsrapport-2025-04")
CONTENT = Path(__file__).resolve().parent.parent / "content"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# A number as styrdok formats it: digit groups joined by no-break spaces, or a decimal comma.
NUMBER = re.compile(r"−?\d{1,3}(?:\u00a0\d{3})+(?:,\d+)?|−?\d+,\d+")

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) saknas; installera libreoffice-writer-nogui, som .ci/run gör")


@pytest.fixture(scope="module")
def rendered(example_output, tmp_path_factory) -> dict[str, list[str]]:
    """Document -> the text of each page of LibreOffice's PDF of its Word file."""
    directory = tmp_path_factory.mktemp("libreoffice")
    run = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(directory / 'profil').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(directory),
         *(str(example_output / f"{name}.docx") for name in DOCUMENTS)],
        capture_output=True, text=True, timeout=240)
    pages = {}
    for name in DOCUMENTS:
        pdf = directory / f"{name}.pdf"
        assert pdf.is_file(), run.stdout + run.stderr
        pages[name] = [_plain(page.extract_text()) for page in PdfReader(str(pdf)).pages]
    return pages


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _headings(markdown: str, deepest: int) -> list[str]:
    """The document's headings down to a level, as its Markdown has them."""
    found = re.findall(rf"(?m)^(#{{1,{deepest}}}) (.+?)(?: \{{[^}}]*\}})?$", markdown.split("\n---\n", 1)[1])
    return [" ".join(text.split()) for _, text in found]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_contents_page_lists_the_real_headings(rendered, example_output, name):
    pages = rendered[name]
    contents = next(i for i, text in enumerate(pages) if "Innehåll" in text.splitlines()[:3] + [text[:200]])
    listed = " ".join(" ".join(pages[contents:contents + 3]).split())
    assert "Sidnummer visas när innehållsförteckningen uppdateras i Word." in listed
    definition = yaml.safe_load((CONTENT / "dokument" / f"{name}.yaml").read_text(encoding="utf-8"))
    depth = definition.get("contents_depth", 2)  # the document's own, else its kind's (styrdok.yaml)
    headings = _headings((example_output / f"{name}.md").read_text(encoding="utf-8"), depth)
    assert len(headings) > 10
    position = 0
    for heading in headings:  # every heading, in order
        found = listed.find(heading, position)
        assert found >= 0, f"{heading!r} saknas i innehållsförteckningen"
        position = found + len(heading)


def _header_words(markdown: str) -> set[str]:
    """The words in the first row of every table (list-table divs: the row after the caption)."""
    words, rows = set(), re.findall(r"(?ms)^::: \{\.list-table[^\n]*\n[^\n]*\n\n(- - .*?)(?=^- - |^:::)", markdown)
    for row in rows:
        for cell in re.findall(r"(?m)^(?:- )?  ?- (.*)$", row):
            words |= {w.strip("*.,:()") for w in cell.split() if len(w.strip("*.,:()")) > 3}
    return words


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_number_or_table_header_word_breaks_across_lines(rendered, example_output, name):
    """LibreOffice breaks a word that does not fit its column anywhere ("Kommunbidr/ag",
    "351 08/4"); every formatted number and header word must come back whole."""
    markdown = (example_output / f"{name}.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    shown = [line for line in markdown.splitlines() if not line.startswith((":::", "!["))]  # an image's alt text is not on the page
    numbers = {n for line in shown for n in NUMBER.findall(line)}
    header_words = _header_words(markdown)
    assert len(numbers) > 20 and {"Kommunbidrag", "Förväntade", "Jämförvärde"} & header_words
    text = "\n".join(line for page in rendered[name] for line in page.splitlines())
    broken = sorted(n for n in numbers if _plain(n) not in text)
    assert not broken, f"tal delade över rader: {broken[:10]}"
    broken = sorted(w for w in header_words if not re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text))
    assert not broken, f"ord i tabellhuvuden delade över rader: {broken[:10]}"
