"""The Word files carry what the PDF and web page show on the cover and in the memo:
the document type and Dokumentansvarig on a plan's cover; the organisation's addresses,
phone, e-mail and web, and room for the signature, in its memo."""

from __future__ import annotations

from pathlib import Path

import yaml
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _cover(document: Document) -> list[str]:
    """The paragraphs before the contents, which start after the cover's page break."""
    texts = []
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Cover Break":
            return texts
        texts.append(paragraph.text)
    raise AssertionError("no cover page break")


def test_plan_cover_has_document_type_and_owner(example_output):
    source = _yaml(CONTENT / "dokument" / "verksamhetsplan-2025.yaml")
    assert source["document_type"] and source["document_owner"]  # the check below can fail
    cover = _cover(Document(str(example_output / "verksamhetsplan-2025.docx")))
    assert cover.index(source["document_type"]) == cover.index(source["title"]) - 1
    assert f"Dokumentansvarig\t{source['document_owner']}" in cover


def test_memo_has_letterhead_and_room_for_the_signature(example_output):
    contact = _yaml(CONTENT / "config" / "organisation.yaml")["contact"]
    memo = _yaml(CONTENT / "dokument" / "verksamhetsplan-2025.yaml")["memo"]
    document = Document(str(example_output / "verksamhetsplan-2025-tjansteskrivelse.docx"))
    paragraphs = document.paragraphs
    assert not [p for p in paragraphs if p.style.name == "Letterhead"]  # in the first page's footer
    footer = document.sections[-1].first_page_footer.paragraphs
    letterhead = [p.text for p in footer if p.style.name == "Letterhead"]
    assert letterhead == [f"Postadress: {contact['postal_address']}", f"Besöksadress: {contact['visiting_address']}",
                          f"Telefon: {contact['phone']}", f"E-post: {contact['email']}", contact["web"]]
    texts = [p.text for p in paragraphs]
    signature = texts.index(f"{memo['signature']['name']}\n{memo['signature']['title']}")
    assert texts[signature - 1].split("\n") == ["\xa0"] * 3  # three empty lines to sign on


def test_plan_has_no_letterhead(example_output):
    paragraphs = Document(str(example_output / "verksamhetsplan-2025.docx")).paragraphs
    assert not [p.text for p in paragraphs if p.style.name == "Letterhead"]
