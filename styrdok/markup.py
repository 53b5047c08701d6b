"""The text policy: content reaches a document only as text, or as the small
Markdown subset that Markdown fields allow.

Plain fields (labels, names, table cells, ...) go through ``plain``, which escapes
every character that pandoc's reader (``READER``) could take as syntax. Markdown
fields go through ``inline`` or ``markdown``: they are parsed with markdown-it and
written out again from its tokens. Only paragraphs, emphasis, strong emphasis,
lists, footnotes and links to ``https:``/``http:``/``mailto:`` or into the document
survive (and headings in sections); every run of text is escaped like a plain
field. So pandoc reads exactly what markdown-it read, whatever pandoc syntax
(attributes, spans, divs, raw blocks, metadata blocks, math) the text holds.

Why the escaping is complete: with ``READER``'s extensions, pandoc gives meaning
(1) anywhere to ``\\ ` * _ [ ] < & { } # $ ^ ~ | >``, escaped everywhere here, and
to quotes, dashes and dots (typography only, left alone); (2) at a line start also
to bullets and ordered list markers (``-``, ``+``, ``1.``, ``a)``, ``(iv)``), to
``:`` and ``=``, escaped wherever a run of text starts a line. Every other line
start and all indentation come from the writer below, never from content.

For validation, ``problems`` names what a Markdown field holds that the policy
refuses, and ``length_problems`` enforces the caps on words and fields.
"""

from __future__ import annotations

import re
from functools import lru_cache

# What pandoc reads: strict Markdown plus exactly the extensions styrdok's
# templates and its change report (styrdok.changes: struck text, tracked-change
# spans) use. Tables come from list-table divs, metadata from the first block.
READER = "markdown_strict-raw_html-shortcut_reference_links-spaced_reference_links" + "".join(
    f"+{extension}" for extension in (
        "all_symbols_escapable", "auto_identifiers", "blank_before_blockquote", "blank_before_header",
        "bracketed_spans", "escaped_line_breaks", "fancy_lists", "fenced_divs", "footnotes", "header_attributes",
        "inline_notes", "intraword_underscores", "smart", "space_in_atx_header", "startnum", "strikeout",
        "yaml_metadata_block"))

SPECIAL = re.compile(r"[\\`*_\[\]<>&{}#$^~|]")
LINE_START = re.compile(
    r"(?P<mark>[-+](?=\s|$)|-[-\s]*$|[:=])"
    r"|(?P<number>\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)(?=[.)](?:\s|$))"
    r"|(?P<paren>\()(?=(?:\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)\)(?:\s|$))")

SAFE_TARGETS = ("https://", "http://", "mailto:", "#")
URL_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#@!$&*+,;=%]")

WORD_LIMIT = 100  # characters in one word (a web address may be longer)
URL_LIMIT = 2000
FIELD_LIMIT = 20_000  # characters in one field
SECTION_LIMIT = 200_000  # characters in a section's Markdown body
# A word is a run of characters other than space, tab and line breaks. The
# patterns start with a fixed character set, which the regex engine scans fast.
LONG_WORD = re.compile(rf"[^ \t\r\n]{{{WORD_LIMIT + 1},}}")  # at the start of a text
LONG_WORD_AFTER = re.compile(rf"[ \t\r\n]([^ \t\r\n]{{{WORD_LIMIT + 1},}})")
URL = re.compile(r"(?:https?://|mailto:)[^\s<>()\[\]]*", re.I)

# A Markdown field needs a full parse at validation only if one of these
# matches: every construct the policy refuses needs one of these characters, a
# line of rule, underline or table characters, indentation (code blocks), an
# image, or a link destination that does not start safely (a destination
# always follows "](" or a reference's "]:"). Other text is paragraphs,
# emphasis, lists, footnotes and safe links only.
SYNTAX_CHARACTERS = re.compile(r"[<`\\$#{}|~>\t]")
LINE_CONSTRUCT = r"(?: {4}| {0,3}(?:\+[-=]|:::)|[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*[-=*_][-=*_ \t]*\r?(?:\n|\Z))"
FIRST_LINE = re.compile(LINE_CONSTRUCT)
LATER_LINE = re.compile("\n" + LINE_CONSTRUCT)
UNSAFE_BRACKET = re.compile(r"!\[|(?:\]\(|\[(?!\^)[^\]]*\]:)\s*(?!(?i:https?://|mailto:|#))")
PANDOC_SYNTAX = [
    (re.compile(r"\{=[^}]*\}"), "råformat med {=...} är inte tillåtet"),
    (re.compile(r"(?<=[\])`*_])\{(?!=)|\{(?=[#.])|\{(?!=)[^}\n]*="), "attribut och spann med {...} är inte tillåtna"),
    (re.compile(r"^ {0,3}:::", re.M), "avsnitt med ::: är inte tillåtna"),
    (re.compile(r"\\[A-Za-z]+"), "TeX-kommandon (\\kommando) är inte tillåtna"),
    (re.compile(r"\$[^$\s][^$]*\$"), "formler med $ är inte tillåtna; skriv ut texten"),
    (re.compile(r"^ {0,3}(?:\|.*\||\+[-=]+\+)", re.M), "tabeller är inte tillåtna i text"),
]

REFUSED = {
    "html_block": "HTML är inte tillåtet",
    "html_inline": "HTML är inte tillåtet",
    "fence": "kodblock är inte tillåtna",
    "code_block": "kodblock (rader med fyra inledande mellanslag) är inte tillåtna",
    "code_inline": "kod med ` är inte tillåten",
    "image": "bilder är inte tillåtna i text",
    "heading": "rubriker är bara tillåtna i textavsnitt (.md-filer)",
    "blockquote": "citatblock med > är inte tillåtna",
    "hr": "linjer och block med --- är inte tillåtna",
}
NEEDLES = {"html_block": "<", "html_inline": "<", "fence": "`", "code_inline": "`", "image": "![",
           "heading": "#", "blockquote": ">"}


def plain(text) -> str:
    """A plain field as Markdown that pandoc reads as exactly this text, on one line."""
    return escape(" ".join(str(text).split()))


def escape(text: str, *, line_start: bool = True) -> str:
    """Escape every character pandoc could read as syntax (see the module docstring)."""
    if "\n" in text or "\r" in text:  # only the writer starts lines (an entity can hold one)
        text = re.sub(r"[\r\n]+", " ", text)
    text = SPECIAL.sub(r"\\\g<0>", text)
    if not line_start:
        return text
    match = LINE_START.match(text)
    if not match:
        return text
    if match["number"]:
        return text[:match.end()] + "\\" + text[match.end():]
    return "\\" + text


@lru_cache(maxsize=4096)
def inline(text) -> str:
    """A Markdown field as one line of inline Markdown (for cells, headings, captions)."""
    writer = _Writer(str(text), "inline")
    return writer.inline_field()


@lru_cache(maxsize=4096)
def markdown(text, kind: str = "block") -> str:
    """A Markdown field (``block``, or ``section`` with headings) as block Markdown."""
    writer = _Writer(str(text), kind)
    return writer.block_field()


def problems(text: str, *, kind: str) -> list[tuple[int, int, str]]:
    """``(line offset, column offset, Swedish message)`` for each refused construct.

    ``kind`` is ``inline`` (one paragraph), ``block`` (prose) or ``section``
    (prose with headings).
    """
    found = []
    if kind == "inline" and "\n\n" in text.strip():
        found.append((text.index("\n\n", len(text) - len(text.lstrip())), "texten ska vara ett enda stycke utan tomma rader"))
    if _needs_parse(text):
        found += [(match.start(), message) for pattern, message in PANDOC_SYNTAX for match in pattern.finditer(text)]
        writer = _Writer(text, kind)
        writer.inline_field() if kind == "inline" else writer.block_field()
        found += writer.found
    return _positions(text, found) if found else []


def length_problems(text: str, limit: int = FIELD_LIMIT) -> list[tuple[int, int, str]]:
    """``(line offset, column offset, Swedish message)`` if the field, or a word in it, is too long."""
    found = []
    if len(text) > limit:
        found.append((limit, f"texten har {len(text)} tecken; högst {limit} tecken är tillåtna"))
    for start, word in _long_words(text):
        urls = [len(url) for url in URL.findall(word)]
        if len(word) - sum(urls) > WORD_LIMIT or max(urls, default=0) > URL_LIMIT:
            found.append((start, f"ordet som börjar med \"{word[:30]}\" har {len(word)} tecken; "
                                 f"ett ord får ha högst {WORD_LIMIT} tecken (en webbadress högst {URL_LIMIT})"))
            break
    return _positions(text, found) if found else []


def may_be_too_long(raw: str) -> bool:
    """False only if no value parsed from this YAML text can break a cap.

    A value is never longer than the text it comes from (anchors and aliases are
    refused), and its words only join across lines through a backslash at a line end
    inside double quotes.
    """
    if len(raw) > FIELD_LIMIT or "\\\n" in raw or "\\\r" in raw:
        return True
    return max(map(len, raw.split("\n"))) > WORD_LIMIT and next(_long_words(raw), None) is not None


def _long_words(text: str):
    """``(offset, word)`` for every word longer than WORD_LIMIT."""
    first = LONG_WORD.match(text)
    if first:
        yield 0, first.group()
    for match in LONG_WORD_AFTER.finditer(text):
        yield match.start(1), match.group(1)


def _needs_parse(text: str) -> bool:
    return bool(SYNTAX_CHARACTERS.search(text) or FIRST_LINE.match(text) or LATER_LINE.search(text)
                or ("[" in text and UNSAFE_BRACKET.search(text)))


def _positions(text: str, found: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """Character offsets as (line, column) offsets, one message per kind, in text order."""
    seen, result = set(), []
    for offset, message in sorted(found):
        if message not in seen:
            seen.add(message)
            line_start = text.rfind("\n", 0, offset) + 1
            result.append((text.count("\n", 0, offset), offset - line_start, message))
    return result


@lru_cache(maxsize=1)
def _parser():
    """markdown-it, loaded on first need. Every link is parsed, so the policy judges it."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    parser = MarkdownIt("commonmark").use(footnote_plugin)
    parser.validateLink = lambda url: True
    return parser


class _Writer:
    """Writes one field's markdown-it tokens out as Markdown pandoc reads the same way.

    Whatever the policy refuses is written as plain text (or left out) and noted in
    ``found`` as (character offset, message) for validation.
    """

    def __init__(self, text: str, kind: str):
        self.text = text
        self.kind = kind
        self.env: dict = {}
        self.found: list[tuple[int, str]] = []
        self.notes: list[str] = []
        self._line_starts = None

    # ---- fields ----------------------------------------------------------
    def inline_field(self) -> str:
        tokens = _parser().parseInline(self.text, self.env)
        return self._inline(tokens[0].children or [], 0, one_line=True).strip() if tokens else ""

    def block_field(self) -> str:
        from markdown_it.tree import SyntaxTreeNode

        tree = SyntaxTreeNode(_parser().parse(self.text, self.env))
        for reference in self.env.get("references", {}).values():  # also those no link uses
            self._link_target(reference["href"], None)
        blocks = self._blocks(tree.children)
        return "\n\n".join(blocks + self.notes)

    # ---- blocks ----------------------------------------------------------
    def _blocks(self, nodes) -> list[str]:
        blocks = []
        for node in nodes:
            block = self._block(node)
            if block:
                blocks.append(block)
        return blocks

    def _block(self, node) -> str:
        kind, line = node.type, node.map[0] if node.map else 0
        if kind == "paragraph":
            return self._inline(node.children[0].token.children, line)
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node)
        if kind == "footnote_block":
            self.notes += [self._note(note) for note in node.children if note.meta.get("label") is not None]
            return ""
        if kind == "heading" and self.kind == "section":
            return "#" * int(node.tag[1]) + " " + self._inline(node.children[0].token.children, line, one_line=True)
        self._refuse(kind, line)
        if kind in ("blockquote", "heading"):
            return "\n\n".join(self._blocks(node.children) if kind == "blockquote" else
                               [self._inline(node.children[0].token.children, line)])
        if kind == "hr":
            return ""
        return "\n".join(escape(part) for part in node.content.strip("\n").split("\n") if part.strip())

    def _list(self, node) -> str:
        tight = all(child.hidden for item in node.children for child in item.children if child.type == "paragraph")
        gap = "\n" if tight else "\n\n"
        items = []
        for item in node.children:
            marker = item.markup if node.type == "bullet_list" else f"{item.info}{item.markup}"
            body = gap.join(self._blocks(item.children))
            items.append(f"{marker} {indent_block(body, len(marker) + 1)}".rstrip())
        return gap.join(items)

    def _note(self, note) -> str:
        label = note.meta["label"]
        body = "\n\n".join(self._blocks(note.children))
        return f"[^{_note_label(label, note.meta['id'])}]: {indent_block(body, 4)}"

    # ---- inlines ---------------------------------------------------------
    def _inline(self, tokens, line: int, *, one_line: bool = False) -> str:
        out: list[str] = []
        links: list[str | None] = []  # target of each open link; None: written as text
        line_start = True
        for position, token in enumerate(tokens):
            kind = token.type
            if kind == "text":
                out.append(escape(token.content, line_start=line_start))
            elif kind in ("softbreak", "hardbreak"):
                out.append(" " if one_line else ("\n" if kind == "softbreak" else "\\\n"))
                line += 1
                line_start = not one_line
                continue
            elif kind in ("em_open", "em_close", "strong_open", "strong_close"):
                out.append(token.markup)
            elif kind == "link_open":
                target = self._link_target(token.attrs.get("href", ""), line)
                links.append(target)
                if target is not None:
                    _guard_bang(out)
                    out.append("[")
            elif kind == "link_close":
                target = links.pop() if links else None
                if target is not None:
                    out.append(f"]({target})")
            elif kind == "footnote_ref":
                _guard_bang(out)
                out.append(self._footnote_ref(token, line))
                if _next_is_text(tokens, position, (":", "(")):
                    out.append("\\")  # "[^1]:" would define a note, "[^1](" could make a link
            else:
                self._refuse(kind, line)
                out.append(escape(token.content, line_start=line_start))
            line_start = False
        return "".join(out)

    def _link_target(self, href: str, line: int | None) -> str | None:
        if href.lower().startswith(SAFE_TARGETS):
            return URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), href)
        self._note_problem(line, href or "](", f'länkadressen "{href[:60]}" är inte tillåten; '
                                               "länka bara till https:, http:, mailto: eller inom dokumentet (#)")
        return None

    def _footnote_ref(self, token, line: int) -> str:
        note = self.env["footnotes"]["list"][token.meta["id"]]
        if note.get("label") is None:  # an inline note, ^[...]
            return "^[" + self._inline(note.get("tokens") or [], line, one_line=True) + "]"
        return f"[^{_note_label(note['label'], token.meta['id'])}]"

    # ---- problems --------------------------------------------------------
    def _refuse(self, kind: str, line: int) -> None:
        message = REFUSED.get(kind, f"Markdown-konstruktionen {kind} är inte tillåten")
        self._note_problem(line, NEEDLES.get(kind, ""), message)

    def _note_problem(self, line: int | None, needle: str, message: str) -> None:
        """Record a problem on a line of the field (None: any line), at the needle if found."""
        if line is None:
            self.found.append((max(self.text.find(needle), 0), message))
            return
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        start = self._line_starts[min(line, len(self._line_starts) - 1)]
        end = self.text.find("\n", start)
        column = self.text.find(needle, start, end if end >= 0 else len(self.text)) if needle else -1
        self.found.append((column if column >= 0 else start, message))


def indent_block(text: str, width: int) -> str:
    """Block Markdown indented to continue a list item or note (first line not indented)."""
    lines = str(text).strip().split("\n")
    pad = " " * width
    return "\n".join([lines[0]] + [pad + line if line.strip() else "" for line in lines[1:]])


def _note_label(label: str, number: int) -> str:
    return label if re.fullmatch(r"[\w-]+", label) else f"not-{number}"


def _guard_bang(out: list[str]) -> None:
    """Escape a "!" that ends the output so far: before "[" it would start an image."""
    if out and out[-1].endswith("!"):
        backslashes = len(out[-1][:-1]) - len(out[-1][:-1].rstrip("\\"))
        if backslashes % 2 == 0:
            out[-1] = out[-1][:-1] + "\\!"


def _next_is_text(tokens, position: int, starts: tuple[str, ...]) -> bool:
    following = tokens[position + 1] if position + 1 < len(tokens) else None
    return following is not None and following.type == "text" and following.content.startswith(starts)
