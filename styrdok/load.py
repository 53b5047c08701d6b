"""Stage 1, load: read every content file once, safely, into plain Python data.

One loader serves every command. It uses PyYAML's C parser with YAML 1.2 core
scalars (only ``true``/``false`` are booleans, dates stay strings), and rejects
duplicate keys, anchors and aliases, tags, oversized files and invalid UTF-8.
Each file's text is kept, so that a later stage that must point at a line and
column composes the YAML again from memory, only for the files it reports on.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import ContentError, Diagnostic

MAX_FILE_BYTES = 1024 * 1024
SUFFIXES = (".yaml", ".yml", ".md")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)
# A top-level "type: x" or "id: x" line, read from a file that could not be parsed.
DECLARED = re.compile(r"^(type|id):[ \t]*[\"']?([A-Za-z0-9_-]+)", re.M)
# An anchor (&a) or alias (*a) can only start a node: after start, space or an indicator.
ANCHOR_HINT = re.compile(r"(?:^|[\s:\-\[{,])[&*][^\s]", re.M)

# YAML 1.2 core schema: the scalars that are not strings.
CORE_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
]

SYNTAX_MESSAGES = {
    "mapping values are not allowed": "kolon på oväntad plats; sätt citattecken runt text som innehåller ': '",
    "found character that cannot start any token": "tecknet får inte inleda ett värde (tabbtecken är inte tillåtna som indrag; citera text som börjar med @ eller `)",
    "did not find expected key": "fel indrag: raden passar inte in bland nycklarna ovanför",
    "did not find expected '-' indicator": "fel indrag: en lista och en nyckel blandas på samma nivå",
    "did not find expected ',' or ']'": "listan inom [ ] avslutas aldrig med ]",
    "did not find expected ',' or '}'": "mappningen inom { } avslutas aldrig med }",
    "found unexpected end of stream": "filen tar slut mitt i ett värde; saknas ett avslutande citattecken?",
    "could not find expected ':'": "en nyckel saknar kolon",
    "found undefined alias": "alias (*) är inte tillåtna",
    "expected <block end>, but found": "fel indrag: raden passar inte in i strukturen ovanför",
    "found unknown escape character": "okänd escape-sekvens inom dubbla citattecken",
    "found a tab character": "tabbtecken är inte tillåtna; använd mellanslag",
    "but found another document": "filen får bara innehålla ett YAML-dokument",
}


@dataclass
class SourceFile:
    """One loaded content file: its data, and its text for finding positions."""

    path: str
    data: Any
    text: str = ""  # the YAML text (front matter for Markdown files)
    body: str | None = None  # Markdown body of a section file
    body_line: int = 1  # line where the Markdown body starts
    line_offset: int = 0  # lines before the YAML part (front matter)
    sha256: str = ""  # of the file's bytes, for provenance

    @cached_property
    def node(self) -> yaml.Node | None:
        """The YAML node tree, composed again only when a position is needed."""
        return _Loader(self.text).get_single_node()


STR, INT, FLOAT, BOOL, NULL, SEQ, MAP = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map"))
SCALARS = {
    INT: lambda v: int(v[2:], 8) if v.startswith("0o") else int(v, 0) if v.startswith("0x") else int(v),
    FLOAT: lambda v: float(v.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf").lower().replace(".nan", "nan")),
    BOOL: lambda v: v in ("true", "True", "TRUE"),
    NULL: lambda v: None,
}


class _Loader(yaml.CSafeLoader):
    """PyYAML's C parser and composer, with YAML 1.2 core scalars resolved quickly."""

    RESOLVERS: dict[str, list] = {}

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in self.RESOLVERS.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return STR
        return SEQ if kind is yaml.SequenceNode else MAP


for _tag, _pattern, _first in CORE_RESOLVERS:
    for _char in _first:
        _Loader.RESOLVERS.setdefault(_char, []).append((_tag, re.compile(_pattern)))


class _Failure(Exception):
    def __init__(self, line: int, col: int, message: str):
        self.line, self.col, self.message = line, col, message


def _fail_at(mark, message: str) -> _Failure:
    return _Failure(mark.line + 1, mark.column + 1, message)


def load_file(path: Path, display: str) -> SourceFile:
    """Load one YAML or Markdown-with-front-matter file, or raise ContentError."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ContentError(Diagnostic(display, 1, 1, _too_large(size)))
    return load_bytes(path.read_bytes(), display, markdown=path.suffix == ".md")


def load_bytes(raw: bytes, display: str, *, markdown: bool = False) -> SourceFile:
    """Load one file's bytes (from disk or from git), or raise ContentError."""
    try:
        if len(raw) > MAX_FILE_BYTES:
            raise _Failure(1, 1, _too_large(len(raw)))
        text = _decode(raw)
        source = _load_markdown(text, display) if markdown else SourceFile(display, _parse(text, 0), text)
        source.sha256 = hashlib.sha256(raw).hexdigest()
        return source
    except _Failure as failure:
        raise ContentError(Diagnostic(display, failure.line, failure.col, failure.message)) from None


def _too_large(size: int) -> str:
    return f"filen är för stor ({size / 1048576:.1f} MiB); högst {MAX_FILE_BYTES // 1048576} MiB tillåts"


def _decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        col = len(raw[line_start:error.start].decode("utf-8", "replace")) + 1
        raise _Failure(line, col, f"ogiltig UTF-8 (byte 0x{raw[error.start]:02x}); spara filen som UTF-8") from None


def _parse(text: str, line_offset: int) -> Any:
    """Parse one YAML document into plain data, with strict rules."""
    if "\t" in text:
        _reject_tab_indent(text, line_offset)
    if ("&" in text or "*" in text) and ANCHOR_HINT.search(text):
        _reject_anchors(text, line_offset)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _Failure(1 + line_offset, 1, "filen är tom")
        return _build(node)
    except yaml.MarkedYAMLError as error:
        # An unclosed quote is best shown where it opens, not where the file ends.
        opened = error.context_mark if "quoted scalar" in (error.context or "") else None
        mark = opened or error.problem_mark or error.context_mark
        raise _Failure(mark.line + 1 + line_offset, mark.column + 1, _syntax_message(error)) from None
    except _Failure as failure:
        failure.line += line_offset
        raise
    finally:
        loader.dispose()


def _build(node) -> Any:
    """Plain data from a node tree: strings, numbers, booleans, null, lists, mappings."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag == STR:
            return node.value
        if node.tag in SCALARS:
            return SCALARS[node.tag](node.value)
        raise _fail_at(node.start_mark, f"taggen {node.tag} är inte tillåten; skriv värdet utan tagg")
    if node.tag not in (SEQ, MAP):
        raise _fail_at(node.start_mark, f"taggen {node.tag} är inte tillåten; skriv värdet utan tagg")
    if kind is yaml.SequenceNode:
        return [_build(item) for item in node.value]
    mapping = {}
    for key_node, value_node in node.value:
        if key_node.tag != STR or type(key_node) is not yaml.ScalarNode:
            what = ("sammanslagning med << är inte tillåten" if key_node.tag.endswith(":merge")
                    else f"nyckeln {key_node.value!r} måste vara text; sätt citattecken runt den")
            raise _fail_at(key_node.start_mark, what)
        key = key_node.value
        if key in mapping:
            raise _fail_at(key_node.start_mark, f"nyckeln \"{key}\" förekommer två gånger")
        mapping[key] = _build(value_node)
    return mapping


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or ""
    for english, swedish in SYNTAX_MESSAGES.items():
        if english in problem:
            return f"YAML-syntaxfel: {swedish}"
    return f"YAML-syntaxfel ({problem})"


def _reject_tab_indent(text: str, line_offset: int) -> None:
    for number, line in enumerate(text.split("\n"), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            raise _Failure(number + line_offset, indent.index("\t") + 1, "tabbtecken är inte tillåtna som indrag; använd mellanslag")


def _reject_anchors(text: str, line_offset: int) -> None:
    """Point at the first alias, or else the first anchor: content must be plain data."""
    anchor = None
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent):
                anchor = event
                break
            if anchor is None and getattr(event, "anchor", None):
                anchor = event
    except yaml.MarkedYAMLError:
        pass  # a syntax error ("*kursiv*" only looked like an alias): the parse that follows reports it
    if anchor is not None:
        failure = _fail_at(anchor.start_mark, "ankare och alias (&, *) är inte tillåtna; skriv ut värdet i stället")
        failure.line += line_offset
        raise failure


def _load_markdown(text: str, display: str) -> SourceFile:
    """A Markdown section: YAML front matter between --- lines, then the body."""
    match = FRONT_MATTER.match(text)
    if not match:
        raise _Failure(1, 1, "Markdown-filen saknar inledande metadata mellan två rader med ---")
    front = match.group(1)
    body_line = text.count("\n", 0, match.end()) + 1
    return SourceFile(display, _parse(front, 1), front, body=text[match.end():], body_line=body_line, line_offset=1)


def locate(source: SourceFile, path: tuple, *, key: bool = False) -> tuple[int, int]:
    """The 1-based (line, col) of the value at ``path``, or of its key when ``key``.

    Follows the path as far as the document goes, so a missing field points at the
    mapping that should hold it.
    """
    node, key_node = _walk(source.node, path)
    target = key_node if key and key_node is not None else node
    if target is None:
        return 1, 1
    return target.start_mark.line + 1 + source.line_offset, target.start_mark.column + 1


def node_at(source: SourceFile, path: tuple):
    """The YAML node of the value at ``path`` (or of its deepest existing parent)."""
    return _walk(source.node, path)[0]


def _walk(node, path: tuple):
    key_node = None
    for step in path:
        child = _child(node, step)
        if child is None:
            break
        key_node, node = child
    return node, key_node


def _child(node, step):
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == step:
                return key_node, value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step], node.value[step]
    return None


@dataclass
class LoadedContent:
    """Every file under a content directory, and the files that could not be read."""

    root: Path
    files: list[SourceFile]
    problems: list[Diagnostic]
    # path -> (type, id) that a file which could not be read appears to declare (None if unclear)
    unreadable: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def load_content(root: Path, display_root: Path | None = None) -> LoadedContent:
    """Load every ``*.yaml`` and ``*.md`` file below ``root``, in path order."""
    prefix = _display(root, display_root or root.parent)
    files, problems, unreadable = [], [], {}
    for relative in _content_files(root):
        display = f"{prefix}/{relative}" if prefix else relative
        try:
            files.append(load_file(root / relative, display))
        except ContentError as error:
            problems.append(error.diagnostic)
            unreadable[display] = declared(root / relative)
    return LoadedContent(root, files, problems, unreadable)


def declared(path: Path) -> tuple[str | None, str | None]:
    """The type and id a file that could not be parsed appears to declare, so that what
    refers to it can wait for it instead of being reported as dangling."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return None, None
    found = dict(DECLARED.findall(path.read_bytes().decode("utf-8", "replace")))
    return found.get("type"), found.get("id")


def _content_files(root: Path) -> list[str]:
    """Relative POSIX paths of the content files below ``root``, sorted."""
    found = []
    for directory, folders, names in os.walk(root):
        folders.sort()
        base = os.path.relpath(directory, root).replace(os.sep, "/")
        found += [name if base == "." else f"{base}/{name}" for name in names if name.endswith(SUFFIXES)]
    return sorted(found)


def _display(path: Path, display_root: Path) -> str:
    try:
        return path.relative_to(display_root).as_posix()
    except ValueError:
        return path.as_posix()
