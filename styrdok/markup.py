"""The safe Markdown subset that text fields accept.

Text reaches Pandoc, and through it Word, typst and HTML. Only prose structure is
allowed: paragraphs, emphasis, lists, links, footnotes (and headings in sections).
Raw HTML, code blocks, images, raw ``{=format}`` attributes, TeX commands and
``$`` math are refused, so content never reaches a typesetter as code.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Only text containing one of these needs a full parse; plain prose passes at once.
SUSPICIOUS = ("<", "\\", "$", "`", "{=", "![", "~~~", "\t", "\n    ", "\n|")
RAW_ATTRIBUTE = re.compile(r"\{=[^}]*\}")
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
DOLLAR_MATH = re.compile(r"\$[^$\s][^$]*\$")

ALLOWED_BLOCKS = {
    "paragraph_open", "paragraph_close", "inline", "bullet_list_open", "bullet_list_close",
    "ordered_list_open", "ordered_list_close", "list_item_open", "list_item_close",
    "blockquote_open", "blockquote_close", "hr", "footnote_block_open", "footnote_block_close",
    "footnote_open", "footnote_close", "footnote_anchor",
}
HEADINGS = {"heading_open", "heading_close"}
ALLOWED_INLINE = {
    "text", "softbreak", "hardbreak", "em_open", "em_close", "strong_open", "strong_close",
    "link_open", "link_close", "footnote_ref", "footnote_anchor", "code_inline",
}
REFUSED = {
    "html_block": "HTML är inte tillåtet",
    "html_inline": "HTML är inte tillåtet",
    "fence": "kodblock är inte tillåtna",
    "code_block": "kodblock (rader med fyra inledande mellanslag) är inte tillåtna",
    "image": "bilder är inte tillåtna i text",
    "heading_open": "rubriker är bara tillåtna i textavsnitt (.md-filer)",
    "table_open": "tabeller är inte tillåtna i text",
}


@lru_cache(maxsize=1)
def _parser():
    """markdown-it, loaded on first need: most text never needs a full parse."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    return MarkdownIt("commonmark").use(footnote_plugin)


def problems(text: str, *, kind: str) -> list[tuple[int, str]]:
    """``(line offset within text, Swedish message)`` for each refused construct.

    ``kind`` is ``inline`` (one paragraph), ``block`` (prose) or ``section``
    (prose with headings).
    """
    found = []
    if kind == "inline" and "\n\n" in text.strip():
        found.append((text.strip().index("\n\n"), "texten ska vara ett enda stycke utan tomma rader"))
    if not (any(marker in text for marker in SUSPICIOUS) or text.startswith(("    ", "|"))):
        return _lines(text, found)
    for pattern, message in (
        (RAW_ATTRIBUTE, "råformat med {=...} är inte tillåtet"),
        (TEX_COMMAND, "TeX-kommandon (\\kommando) är inte tillåtna"),
        (DOLLAR_MATH, "formler med $ är inte tillåtna; skriv ut texten"),
    ):
        match = pattern.search(text)
        if match:
            found.append((match.start(), message))
    found += _token_problems(text, headings=kind == "section")
    return _lines(text, found)


def _token_problems(text: str, *, headings: bool) -> list[tuple[int, str]]:
    allowed = ALLOWED_BLOCKS | HEADINGS if headings else ALLOWED_BLOCKS
    lines = text.split("\n")
    found = []
    for token in _parser().parse(text):
        kinds = [token.type] if token.type != "inline" else [child.type for child in token.children or []]
        for kind in kinds:
            if kind not in allowed and kind not in ALLOWED_INLINE:
                line = token.map[0] if token.map else 0
                offset = sum(len(part) + 1 for part in lines[:line])
                found.append((offset, REFUSED.get(kind, f"Markdown-konstruktionen {kind} är inte tillåten")))
    return found


def _lines(text: str, found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Convert character offsets into line offsets, keeping one message per kind."""
    seen, result = set(), []
    for offset, message in sorted(found):
        if message not in seen:
            seen.add(message)
            result.append((text.count("\n", 0, offset), message))
    return result
