"""The published web page, checked after pandoc wrote it: nothing in it can run.

Belt and braces behind the text policy (``styrdok.markup``): every element is
one that pandoc writes for styrdok's Markdown and HTML template, no attribute is
an event handler or otherwise unknown, links go to ``https:``, ``http:``,
``mailto:`` or inside the page, and the only ``data:`` URLs are the images
(charts) that pandoc embedded from the build directory.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ELEMENTS = frozenset({
    "html", "head", "meta", "title", "style", "body", "header", "nav", "main", "footer", "section", "div",
    "p", "span", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "hr", "br",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    "a", "em", "strong", "del", "code", "pre", "sup", "sub", "img",
})
ATTRIBUTES = frozenset({
    "class", "id", "lang", "dir", "role", "aria-labelledby", "aria-label", "aria-hidden", "title",
    "href", "src", "alt", "width", "height", "style", "type", "start", "colspan", "rowspan",
    "charset", "name", "content", "tabindex",
})
LINK = re.compile(r"(?:#|https?://|mailto:)", re.I)
IMAGE = re.compile(r"data:image/(?:png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z")
STYLE = re.compile(r"[\w\s:;%.#-]*\Z")


def problems(html: str) -> list[str]:
    """Swedish descriptions of everything in the page that is not allowed (empty when safe)."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ELEMENTS or (tag == "style" and not self.in_head):
            self.problems.append(f"elementet <{tag}> är inte tillåtet")
        self.in_head = self.in_head or tag == "head"
        for name, value in attrs:
            self._check_attribute(tag, name, value or "")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False

    def _check_attribute(self, tag: str, name: str, value: str) -> None:
        plain = re.sub(r"[\s\x00-\x1f]", "", value)  # browsers ignore these inside a URL
        if name.startswith("on"):
            self.problems.append(f"händelseattributet {name} på <{tag}> är inte tillåtet")
        elif name not in ATTRIBUTES:
            self.problems.append(f"attributet {name} på <{tag}> är inte tillåtet")
        elif name == "href" and not LINK.match(plain):
            self.problems.append(f'länken "{value[:60]}" är inte tillåten')
        elif name == "src" and not (tag == "img" and IMAGE.match(value)):
            self.problems.append(f'källan "{value[:60]}" på <{tag}> är inte tillåten')
        elif name == "tabindex" and value != "0":  # in the reading order only, never first
            self.problems.append(f'tabindex="{value[:10]}" på <{tag}> är inte tillåtet')
        elif name == "style" and not STYLE.match(value):
            self.problems.append(f'stilen "{value[:60]}" på <{tag}> är inte tillåten')
