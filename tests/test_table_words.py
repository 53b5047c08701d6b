"""Table cells as readers see them in the PDF: a value's month note stays on the line of its
number ("5 787 (okt)"), and a column of short words ("Minska") is never hyphenated, even in
tables whose longest words cannot all fit the page width."""

from __future__ import annotations

import re

import pdfplumber
import pytest

from styrdok.docx_finish import distribute

NOTE = re.compile(r"^\((jan|feb|mars|apr|maj|juni|juli|aug|sep|okt|nov|dec)\b")
NUMBER = re.compile(r"^−?[\d ]*\d(,\d+)?$")


def notes_apart_from_their_number(page) -> list[str]:
    """Month notes ("(okt)") without a number just left of them on the same line."""
    words = page.extract_words()
    apart = []
    for note in (w for w in words if NOTE.match(w["text"])):
        beside = [w for w in words if abs(w["top"] - note["top"]) < 1.5
                  and 0 <= note["x0"] - w["x1"] < 6 and NUMBER.match(w["text"])]
        if not beside:
            apart.append(f"{note['text']} at {note['top']:.0f} pt")
    return apart


@pytest.mark.parametrize("name", ["verksamhetsplan-2025.pdf", "delarsrapport-2025-08.pdf"])
def test_month_notes_stay_with_their_number_and_short_words_are_whole(example_output, name):
    with pdfplumber.open(example_output / name) as pdf:
        apart = {number: found for number, page in enumerate(pdf.pages, 1)
                 if (found := notes_apart_from_their_number(page))}
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "(okt)" in text or "(aug)" in text
    assert not apart, apart
    assert "Minska" in text and not re.search(r"Mins-?\n", text), "a target column hyphenates 'Minska'"


def test_short_word_columns_keep_their_need_when_not_all_words_fit():
    widths = distribute([134, 33, 33, 33, 38, 67, 116], [132, 38, 60, 60, 41, 72, 127], 453)
    assert sum(widths) == 453
    assert widths[1:6] == [38, 60, 60, 41, 72]
    assert widths[0] == 93 and widths[6] == 89  # the long-word columns share the rest as their needs weigh


def test_columns_with_room_still_give_it_up_in_proportion():
    assert distribute([100, 100, 253], [50, 150, 60], 453) == [89, 150, 214]
