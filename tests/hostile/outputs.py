"""Reading built files as a reader (or an attacker) would, for the hostile corpus and the output scan.

``views`` gives the texts of one file to search for strings that must not be there;
``dangers`` lists what in a file could run code, leak a local file or hide text:
scripts, event handlers, unsafe URL schemes, foreign embedded data, PDF actions,
Word field codes, white or hidden text, and the effect of injected typst code.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
from pypdf import PdfReader

# What a Python error looks like when it leaks into a message meant for a person.
PYTHON_ERROR = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b|\[Errno \d+\]|Traceback")
# Effects of the typst payloads in the corpus: `panic("INJECTED " + str(6*7))`.
TYPST_EFFECT = re.compile(r"INJECTED\s*42")
# A file the runner puts beside every case tree; its content must never reach an output.
CANARY_NAME = "hemlig.txt"
CANARY_TEXT = "HEMLIGT-7f3a9c-INNEHALL"

SAFE_SCHEMES = {"http", "https", "mailto"}
# Inline <svg> (pandoc embeds SVG images so) is allowed; its scripts, handlers and links are not.
SCRIPT_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
                   "foreignobject", "template", "portal", "noscript"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                  "cite", "longdesc", "srcset", "ping", "manifest", "codebase", "lowsrc", "dynsrc"}
# Embedded data styrdok may write itself: raster or SVG images (charts, the branding logo).
OWN_DATA_URL = re.compile(r"data:image/(png|jpeg|svg\+xml);base64,", re.I)
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8")
HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(\.0*)?\s*(;|$)|font-size\s*:\s*0"
                          r"|color\s*:\s*(white|#fff\b|#ffffff)", re.I)
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
DATA_URL = re.compile(r"data:([^,;\"'\s)]*)((?:;[^,\"'\s)]*)*),([A-Za-z0-9+/=%\s]*)", re.I)


@lru_cache(maxsize=1)
def local_secrets() -> tuple[str, ...]:
    """Local file content that must never reach an output: /etc/passwd's first line,
    /etc/hostname when it is long enough to be told apart from ordinary text, the canary."""
    secrets = [CANARY_TEXT]
    for path, shortest in (("/etc/passwd", 12), ("/etc/hostname", 6)):
        try:
            first = Path(path).read_text(encoding="utf-8", errors="replace").strip().splitlines()[0].strip()
        except (OSError, IndexError):
            continue
        if len(first) >= shortest:
            secrets.append(first)
    return tuple(secrets)


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: control characters and whitespace removed, lower case."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(value)).lower()
    match = SCHEME.match(cleaned)
    return match.group(1) if match else None


class _HtmlReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.problems: list[str] = []
        self.data_payloads: list[bytes] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._check_tag(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check_tag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            if re.search(r"url\s*\(|expression\s*\(|javascript:|@import", data, re.I):
                self.problems.append("CSS med url(), expression() eller @import")
        else:
            self.text.append(data)

    def _check_tag(self, tag, attrs):
        if tag == "style":
            self._in_style = True
        if tag in SCRIPT_ELEMENTS:
            self.problems.append(f"elementet <{tag}>")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.problems.append("<meta http-equiv>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"händelseattributet {name}= på <{tag}>")
            elif "typst" in name:
                self.problems.append(f"typst-attributet {name}= på <{tag}>")
            elif name == "hidden":
                self.problems.append(f"attributet hidden på <{tag}>")
            elif name == "style" and re.search(r"url\s*\(|expression\s*\(|javascript:", value, re.I):
                self.problems.append(f"style med url/expression på <{tag}>")
            elif name == "style" and HIDING_STYLE.search(value):
                self.problems.append(f"dold text (style=\"{value[:40]}\") på <{tag}>")
            elif name in URL_ATTRIBUTES or name.endswith(":href"):
                self._check_url(tag, name, value)

    def _check_url(self, tag, name, value):
        scheme = url_scheme(value)
        if scheme is None or scheme in SAFE_SCHEMES:
            return
        if scheme == "data" and tag == "img" and name == "src" and OWN_DATA_URL.match(value.strip()):
            payload = _base64(value.split(",", 1)[1])
            self.data_payloads.append(payload)
            if not (payload.startswith(IMAGE_MAGIC) or payload.lstrip()[:5] in (b"<?xml", b"<svg ")):
                self.problems.append("en bild i data:-URL som inte är en bild")
            return
        self.problems.append(f"{name}= med schemat {scheme}: på <{tag}>")


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode(re.sub(r"\s", "", text) + "===", validate=False)
    except (binascii.Error, ValueError):
        return b""


def _html(path: Path) -> tuple[str, _HtmlReader]:
    source = path.read_text(encoding="utf-8", errors="replace")
    reader = _HtmlReader()
    reader.feed(source)
    reader.close()
    return source, reader


def docx_text(path: Path) -> str:
    """The text of a Word file's body: runs joined within a paragraph, paragraphs by a space."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8", "replace")
    paragraphs = ("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", part)) for part in re.split(r"</w:p>", xml))
    return " ".join(html.unescape(" ".join(paragraphs)).split())


def read_pdf(path: Path) -> tuple[list[str], list[str]]:
    """Each page's text, and the text drawn in a fill colour of 95 % white or more (hidden the way
    typst's `fill: white` hides it), in one pass."""
    hidden: list[str] = []
    state = {"fill": (0.0,), "stack": []}

    def operator(op, args, _cm, _tm):
        if op == b"q":
            state["stack"].append(state["fill"])
        elif op == b"Q" and state["stack"]:
            state["fill"] = state["stack"].pop()
        elif op in (b"sc", b"scn", b"rg", b"g", b"k"):
            numbers = tuple(float(a) for a in args if isinstance(a, (int, float)))
            if op == b"k" and len(numbers) == 4:  # CMYK: white is no ink at all
                numbers = (1.0,) if max(numbers) <= 0.05 else (0.0,)
            if numbers:
                state["fill"] = numbers

    def text(chunk, *_):
        if chunk.strip() and min(state["fill"]) >= 0.95:
            hidden.append(chunk)

    pages = [page.extract_text(visitor_operand_before=operator, visitor_text=text) or ""
             for page in PdfReader(str(path)).pages]
    return pages, hidden


@dataclass(frozen=True)
class Examination:
    """One built file read once: its texts by kind (html, html-text, html-data, docx, docx-text,
    pdf, pdf-page-N, pdf-streams, md) and what in it is dangerous."""

    views: dict[str, str]
    dangers: list[str]


_EXAMINED: dict[tuple[str, int], Examination] = {}


def views(path: Path) -> dict[str, str]:
    return examine(path).views


def dangers(path: Path) -> list[str]:
    """What in one built file could run code, leak a local file, hide text or show typst's effect."""
    return examine(path).dangers


def examine(path: Path) -> Examination:
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _EXAMINED:
        _EXAMINED[key] = _examine(path)
    return _EXAMINED[key]


def prefetch(paths: list[Path], workers: int = 2) -> None:
    """Examine many files in parallel (reading PDF text is slow), for later calls to examine."""
    missing = [p for p in paths if (str(p), p.stat().st_mtime_ns) not in _EXAMINED]
    if len(missing) < 4:
        return
    missing.sort(key=lambda p: p.stat().st_size, reverse=True)  # the largest PDFs first, to balance
    with ProcessPoolExecutor(workers) as pool:
        for path, found in zip(missing, pool.map(_examine, missing)):
            _EXAMINED[(str(path), path.stat().st_mtime_ns)] = found


def _examine(path: Path) -> Examination:
    suffix = path.suffix.lower()
    found: list[str] = []
    if suffix == ".html":
        source, reader = _html(path)
        decoded = [_base64(m.group(3)) if ";base64" in m.group(2).lower() else m.group(3).encode()
                   for m in DATA_URL.finditer(source)]
        texts = {"html": source, "html-text": " ".join("".join(reader.text).split()),
                 "html-data": b"\n".join(decoded).decode("utf-8", "replace")}
        found += reader.problems
    elif suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            members = [f"== {name} ==\n" + archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        texts = {"docx": "\n".join(members), "docx-text": docx_text(path)}
        found += _docx_dangers(path)
    elif suffix == ".pdf":
        pages, hidden = read_pdf(path)
        texts = {"pdf": "\n".join(pages), "pdf-streams": _pdf_streams(path)}
        texts.update({f"pdf-page-{number}": text for number, text in enumerate(pages, 1)})
        found += _pdf_dangers(path) + [f"osynlig (vit) text i PDF:en: {text[:40]!r}" for text in hidden]
    else:
        texts = {"md" if suffix == ".md" else "other": path.read_bytes().decode("utf-8", "replace")}
    for kind, text in texts.items():
        if TYPST_EFFECT.search(text):
            found.append(f"effekten av inskjuten typst-kod (INJECTED 42) i {kind}")
        found += [f"innehåll från en lokal fil ({secret[:12]}…) i {kind}" for secret in local_secrets() if secret in text]
    return Examination(texts, found)


def _pdf_streams(path: Path) -> str:
    parts = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes().decode("latin-1"))
                except pikepdf.PdfError:
                    continue
    return "\n".join(parts)


def _pdf_dangers(path: Path) -> list[str]:
    found = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary):
                continue
            action = str(obj.get("/S", ""))
            if action in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition") or "/JS" in obj:
                found.append(f"PDF-åtgärden {action or '/JS'}")
            if "/URI" in obj:
                scheme = url_scheme(str(obj["/URI"]))
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append(f"PDF-länk med schemat {scheme}:")
            if obj.get("/Type") == "/EmbeddedFile" or "/EmbeddedFiles" in obj:
                found.append("en inbäddad fil i PDF:en")
    return found


def _docx_dangers(path: Path) -> list[str]:
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(".rels"):
                for target in re.findall(rb'Target="([^"]*)"[^>]*TargetMode="External"', data):
                    scheme = url_scheme(html.unescape(target.decode("utf-8", "replace")))
                    if scheme is None or scheme not in SAFE_SCHEMES:
                        found.append(f"extern relation till {target[:40].decode('utf-8', 'replace')!r}")
            elif name.startswith("word/media/") and not data.startswith(IMAGE_MAGIC) and b"<svg" not in data[:400]:
                found.append(f"{name} är ingen bild")
            elif name == "word/document.xml":
                text = data.decode("utf-8", "replace")
                if re.search(r"<w:instrText[^>]*>[^<]*\b(INCLUDETEXT|INCLUDEPICTURE|DDE|DDEAUTO|LINK)\b", text):
                    found.append("ett fältkoder som hämtar filer (INCLUDE/DDE/LINK)")
                if "<w:altChunk" in text:
                    found.append("altChunk (inbäddat främmande dokument)")
                if re.search(r"<w:(vanish|specVanish|webHidden)\b", text):
                    found.append("dold text (w:vanish)")
                if re.search(r'<w:color w:val="(FFFFFF|ffffff)"', text):
                    found.append("vit text (w:color FFFFFF)")
    return found
