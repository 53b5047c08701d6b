"""Column widths that leave room for each column's longest unbreakable word.

A table's relative widths (percent of the text width) come from its template. Where a
column is too narrow for its widest word ("Prognosintervall", "−1,0 till −0,3" held by
no-break spaces), that word would overprint the next column in the PDF or break in the
middle; and a header of several short words ("Åtgärd i planen (åtgärd i VP 2025)") would
stand one word a line. ``fit`` widens such columns, taking the room from columns with room to spare,
measured with the font's advance widths as the PDF sets a table: 8.5 pt text, bold
header, 5 pt padding on each side (styrdok.typ).
"""

from __future__ import annotations

import re

from .docx_finish import FALLBACK_FONT, WORD_SLACK, distribute
from .fonts import font_files, metrics

TEXT_WIDTH = 453.5  # points: A4 (210 mm) minus 2 x 25 mm margins
SIZE = 8.5  # points, the tables' text size
PADDING = 10.0  # points, a cell's left and right padding together
HEADER_LINES = 3  # a header cell wraps to at most this many lines
LIST_INDENT = 13.0  # points, a list item's text in a cell after its bullet
BREAKS = re.compile(r"[ \t\n]+")  # where a line may break; no-break spaces hold numbers together
MARKUP = re.compile(r"\\(?=\S)|\*+")  # escapes and emphasis marks, which take no room


def fit(widths: list[float], rows: list[list[str]], header_rows: int = 1, font: str = FALLBACK_FONT) -> list[float]:
    """Widths in percent (one decimal, summing to 100) for the rows' cells (Markdown); a
    header wraps to at most HEADER_LINES lines where the words leave room for that."""
    needed = needed_widths(len(widths), rows, header_rows, font, HEADER_LINES)
    if sum(needed) > TEXT_WIDTH:
        needed = needed_widths(len(widths), rows, header_rows, font)
    total = sum(widths)
    scaled = [TEXT_WIDTH * width / total for width in widths]
    fitted = distribute(scaled, [round(n) for n in needed], round(TEXT_WIDTH))
    return [round(100 * width / sum(fitted), 1) for width in fitted]


def needed_widths(columns: int, rows: list[list[str]], header_rows: int = 1, font: str = FALLBACK_FONT,
                  header_lines: int | None = None) -> list[float]:
    """Each column's width in points for its widest word, and, given header_lines, for its
    header in at most that many lines."""
    faces = font_files(font) or font_files(FALLBACK_FONT)
    regular, bold = metrics(faces["regular"]), metrics(faces.get("bold", faces["regular"]))
    needed = [0.0] * columns
    for index, row in enumerate(rows):
        for column, cell in enumerate(row[:columns]):
            for line in str(cell).splitlines():
                indent = LIST_INDENT if line.lstrip().startswith("- ") else 0.0
                face = bold if index < header_rows or "**" in line else regular
                words = BREAKS.split(MARKUP.sub("", line.lstrip().removeprefix("- ")))
                widest = max((face.width(word, SIZE) for word in words), default=0.0)
                if header_lines and index < header_rows:
                    widest = max(widest, _wrapped_width(words, face, header_lines))
                needed[column] = max(needed[column], widest * WORD_SLACK + PADDING + indent)
    return needed


def too_narrow(widths: str, rows: list[list[str]]) -> str:
    """The columns (numbered from 1, "1,7") that fit_attribute leaves narrower than their
    widest word as the PDF sets it (without the slack Word needs), because the words cannot
    all fit the text width: the PDF may hyphenate those columns, and only those."""
    if not widths:
        return ""
    fitted = [float(width) for width in fit_attribute(widths, rows).split(",")]
    needed = needed_widths(len(fitted), rows)
    return ",".join(str(column) for column, (width, need) in enumerate(zip(fitted, needed), 1)
                    if width / 100 * TEXT_WIDTH < (need - PADDING) / WORD_SLACK + PADDING)


def _wrapped_width(words: list[str], face, lines: int) -> float:
    """The narrowest width at which the words wrap into at most so many lines."""
    spans = sorted(face.width(" ".join(words[i:j]), SIZE) for i in range(len(words)) for j in range(i + 1, len(words) + 1))
    return next(width for width in spans if _line_count(words, face, width) <= lines)


def _line_count(words: list[str], face, width: float) -> int:
    """How many lines the words take, filled greedily into the width."""
    count, line = 1, ""
    for word in words:
        joined = f"{line} {word}" if line else word
        if line and face.width(joined, SIZE) > width:
            count, joined = count + 1, word
        line = joined
    return count


def fit_attribute(widths: str, rows: list[list[str]]) -> str:
    """fit for a list-table's widths attribute ("40,25,35"); empty stays empty."""
    if not widths:
        return widths
    fitted = fit([float(width) for width in widths.split(",")], rows)
    return ",".join(f"{width:g}" for width in fitted)
