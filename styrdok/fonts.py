"""The font files styrdok ships: matplotlib's DejaVu families.

They are found by family name and style, cut down to the characters Swedish documents
use (small enough to embed in every Word file), and measured (how wide a word is).
Fonts that typst carries inside itself (Libertinus Serif, New Computer Modern) have no
file here: a Word file then names the font without embedding it. fontTools is imported
only when a font is read (it takes a third of a second), not when this module is.
"""

from __future__ import annotations

import functools
import importlib.util
import io
from pathlib import Path

STYLES = ("regular", "bold", "italic", "bold_italic")

# What a Swedish text needs, with room for editing: Latin letters with their accents,
# punctuation and dashes, no-break spaces, the real minus, euro, ≤ ≥ and the bullets.
REPERTOIRE = [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2010, 0x2030),
              0x2039, 0x203A, 0x2044, 0x20AC, 0x2122, 0x2192, 0x2212, 0x2264, 0x2265, 0x25E6]


@functools.cache
def font_dir() -> Path:
    """matplotlib's directory of TrueType fonts, found without importing matplotlib (slow)."""
    spec = importlib.util.find_spec("matplotlib")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


@functools.cache
def font_files(family: str) -> dict[str, Path]:
    """The family's files by style ("regular", "bold", ...); {} when styrdok has none.

    Reading a file's names takes most of the time, so the files named after the family
    ("DejaVuSans*.ttf", as matplotlib names them) are read first, and the others only
    when those hold no regular style."""
    paths = sorted(font_dir().glob("*.ttf"))
    named = [path for path in paths if path.name.startswith(family.replace(" ", ""))]
    return _family_files(family, named) or _family_files(family, paths)


def _family_files(family: str, paths: list[Path]) -> dict[str, Path]:
    """The files among ``paths`` of the family, by style; {} without a regular style."""
    from fontTools.ttLib import TTFont

    found: dict[str, Path] = {}
    for path in paths:
        font = TTFont(path, lazy=True)
        if font["name"].getBestFamilyName() != family:
            continue
        mac_style = font["head"].macStyle  # bit 0 bold, bit 1 italic
        found.setdefault(STYLES[(mac_style & 1) + 2 * (mac_style >> 1 & 1)], path)
    return found if "regular" in found else {}


@functools.cache
def subset_font(path: Path) -> bytes:
    """The font cut down to REPERTOIRE: outlines, widths and names.

    Without hinting (about half the size; screens and printers render well without)
    and without OpenType layout (kerning and ligatures), which Word does not apply by
    default and which makes subsetting three times slower; table widths are measured
    without kerning too.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF"]  # FFTM: FontForge's timestamps
    font = TTFont(path, lazy=True, recalcTimestamp=False)  # the same bytes on every run
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=REPERTOIRE)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def panose(path: Path) -> str:
    """The font's PANOSE classification as 20 hex digits (how Word picks a look-alike)."""
    from fontTools.ttLib import TTFont

    classification = TTFont(path, lazy=True)["OS/2"].panose
    return "".join(f"{value:02X}" for value in vars(classification).values())


class Metrics:
    """Advance widths of one font file, to measure words."""

    def __init__(self, path: Path):
        from fontTools.ttLib import TTFont

        font = TTFont(path, lazy=True)
        self.units = font["head"].unitsPerEm
        self.cmap = font.getBestCmap()
        self.advance = {name: width for name, (width, _) in font["hmtx"].metrics.items()}
        self.fallback = self.advance.get(self.cmap.get(ord("n")), self.units // 2)
        self.words: dict[str, int] = {}  # text -> its width in font units, as measured so far

    def width(self, text: str, size: float) -> float:
        """The width of text at size points, in points."""
        units = self.words.get(text)
        if units is None:
            units = self.words[text] = sum(self.advance.get(self.cmap.get(ord(char)), self.fallback) for char in text)
        return units * size / self.units


@functools.cache
def metrics(path: Path) -> Metrics:
    return Metrics(path)
