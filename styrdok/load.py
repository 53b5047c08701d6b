"""Stage 1, load: read every content file once, safely, into plain Python data.

One loader serves every command. It uses PyYAML's C parser with YAML 1.2 core
scalars (only ``true``/``false`` are booleans, dates stay strings), and rejects
duplicate keys, anchors and aliases, tags, oversized files, invalid UTF-8, control
characters and nesting deeper than ``MAX_DEPTH``. It reads only regular files inside
the content tree, never more than ``MAX_FILE_BYTES``. Every problem, PyYAML's own
included, becomes a Swedish message at a line and column. Windows line endings are
accepted. Each file's text is kept, so that a later stage that must point at a line
and column composes the YAML again from memory, only for the files it reports on.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import ContentError, Diagnostic, os_reason

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 50  # nested lists and mappings
# Above this many characters that can open a list or mapping, nesting is measured
# from parser events before composing: PyYAML's C composer recurses per level.
SAFE_INDICATORS = 1000
SUFFIXES = (".yaml", ".yml", ".md")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)
# A top-level "type: x" or "id: x" line, read from a file that could not be parsed.
DECLARED = re.compile(r"^(type|id):[ \t]*[\"']?([A-Za-z0-9_-]+)", re.M)
# An anchor (&a) or alias (*a) can only start a node: after start, space or an indicator.
ANCHOR_HINT = re.compile(r"(?:^|[\s:\-\[{,])[&*][^\s]", re.M)
# Characters a content file may hold: tab, newline and printable text. This refuses
# C0 and C1 control characters, DEL, U+2028/U+2029 (YAML would count them as line
# breaks) and the non-characters U+FFFE/U+FFFF.
FORBIDDEN = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CHARACTER_NAMES = {"\0": "nolltecken (NUL)", "\x1b": "escape-tecken (ESC)", "\x7f": "raderingstecken (DEL)",
                   "\u2028": "radavgränsare (U+2028)", "\u2029": "styckeavgränsare (U+2029)"}

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

NOT_REGULAR = "filen är ingen vanlig fil (utan till exempel en pipe eller en enhet); lägg en vanlig textfil här"
TOO_DEEP = f"för djup nästling: högst {MAX_DEPTH} nivåer av listor och mappningar inuti varandra tillåts"
SYNTAX = "YAML-syntaxfel: "
QUOTE_HINT = "sätt citattecken runt texten"
ANCHORS = f"ankare och alias (&, *) är inte tillåtna; börjar texten med & eller *, {QUOTE_HINT}"
DIRECTIVE = f"rader som börjar med % är inte tillåtna; börjar texten med %, {QUOTE_HINT}"
TAGS = f"taggar (!) är inte tillåtna; börjar texten med !, {QUOTE_HINT}"
BLOCK_SCALAR = "efter | eller > får bara - eller + och en siffra stå; texten hör hemma på raderna under"
BAD_INDENT = "fel indrag: raden passar inte in bland nycklarna ovanför"
# libyaml's problem texts (and, where the problem alone says little, its contexts) in Swedish.
PROBLEMS = {
    "mapping values are not allowed": "kolon på oväntad plats; sätt citattecken runt text som innehåller ': '",
    "found unexpected ':'": "kolon på oväntad plats; sätt citattecken runt text som innehåller ':'",
    "mapping keys are not allowed": f"frågetecken på oväntad plats; börjar texten med '? ', {QUOTE_HINT}",
    "block sequence entries are not allowed": f"ett listvärde (- ) på oväntad plats; kontrollera indraget, eller börjar texten med '- ', {QUOTE_HINT}",
    "found character that cannot start any token": "tecknet får inte inleda ett värde (tabbtecken är inte tillåtna som indrag; citera text som börjar med @ eller `)",
    "did not find expected key": BAD_INDENT,
    "did not find expected '-' indicator": "fel indrag: en lista och en nyckel blandas på samma nivå",
    "did not find expected ',' or ']'": "oväntat tecken i listan inom [ ]; skilj värdena åt med kommatecken och citera värden som innehåller : [ ] { }",
    "did not find expected ',' or '}'": "oväntat tecken i mappningen inom { }; skilj fälten åt med kommatecken och citera värden som innehåller : [ ] { }",
    "did not find expected node content": "ett värde saknas här; kontrollera kommatecken och klamrar",
    "did not find expected <document start>": "texten hör inte till filens fält; kontrollera indraget",
    "found unexpected end of stream": "filen tar slut mitt i ett värde; saknas ett avslutande citattecken?",
    "found unexpected document indicator": "en rad med --- eller ... står mitt i ett citerat värde; saknas ett avslutande citattecken?",
    "could not find expected ':'": "en nyckel saknar kolon, eller raden är fel indragen och hör till värdet ovanför",
    "found undefined alias": ANCHORS,
    "found duplicate anchor": ANCHORS,
    "found unknown escape character": "okänd escape-sekvens efter \\ inom dubbla citattecken; skriv \\\\ eller använd enkla citattecken",
    "hexdecimal number": "ogiltig teckenkod efter \\x, \\u eller \\U inom dubbla citattecken",
    "Unicode character escape": "ogiltig teckenkod efter \\x, \\u eller \\U inom dubbla citattecken",
    "tab character": "tabbtecken är inte tillåtna; använd mellanslag",
    "but found another document": "filen får bara innehålla ett YAML-dokument; ta bort raden med --- eller ...",
    "incompatible YAML document": DIRECTIVE,
    "directive": DIRECTIVE,
    "version number": DIRECTIVE,
    "tag handle": TAGS,
    "tag URI": TAGS,
    "URI escaped octet": TAGS,
    "expected '!'": TAGS,
    "expected '>'": TAGS,
    "indentation indicator": BLOCK_SCALAR,
    "control characters": "otillåtet styrtecken",
    "UTF-8": "ogiltig UTF-8; spara filen som UTF-8",
    "UTF-16": "ogiltig UTF-8; spara filen som UTF-8",
}
CONTEXTS = {
    "an alias": ANCHORS,
    "an anchor": ANCHORS,
    "a directive": DIRECTIVE,
    "a tag": TAGS,
    "a block scalar": BLOCK_SCALAR,
}
UNKNOWN_SYNTAX = "filen kan inte läsas som YAML här; kontrollera indrag, kolon och citattecken"


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
MAX_NUMBER_LENGTH = 30  # larger than any amount in kronor; Python cannot even print 4300 digits
SCALARS = {
    INT: lambda v: int(v[2:], 8) if v.startswith("0o") else int(v, 0) if v.startswith("0x") else int(v),
    FLOAT: lambda v: float(v.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf").lower().replace(".nan", "nan")),
    BOOL: lambda v: v in ("true", "True", "TRUE"),
    NULL: lambda v: None,
}


class _Loader(yaml.CSafeLoader):
    """PyYAML's C parser and composer, with YAML 1.2 core scalars resolved quickly."""

    RESOLVERS: dict[str, list] = {}
    # The C composer calls these around every node for path-based resolvers, which styrdok
    # has none of: C builtins that take the same arguments and do nothing save the calls.
    descend_resolver = slice  # (parent, index) -> a throwaway slice
    ascend_resolver = tuple  # () -> ()

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


def _character_name(char: str) -> str:
    return CHARACTER_NAMES.get(char, f"styrtecken (U+{ord(char):04X})")


class _Failure(Exception):
    def __init__(self, line: int, col: int, message: str):
        self.line, self.col, self.message = line, col, message


def _fail_at(mark, message: str) -> _Failure:
    return _Failure(mark.line + 1, mark.column + 1, message)


def _fail_at_offset(text: str, offset: int, message: str) -> _Failure:
    line_start = text.rfind("\n", 0, offset) + 1
    return _Failure(text.count("\n", 0, offset) + 1, offset - line_start + 1, message)


def load_file(path: Path | str, display: str, root: Path | None = None, *, info: os.stat_result | None = None) -> SourceFile:
    """Load one YAML or Markdown-with-front-matter file, or raise ContentError.

    Only a regular file is read, and through a symbolic link only a file inside the
    resolved directory ``root`` (by default the file's own directory). ``info`` is the
    file's ``os.lstat``, when the caller has it already.
    """
    name = os.fspath(path)
    try:
        raw = _read(name, root if root is not None else Path(name).parent.resolve(), info)
    except _Failure as failure:
        raise ContentError(Diagnostic(display, failure.line, failure.col, failure.message)) from None
    try:
        return load_bytes(raw, display, markdown=name.endswith(".md"))
    except ContentError as error:
        error.declared = declared(raw)
        raise


def _read(path: str, root: Path, info: os.stat_result | None = None) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes of a regular file; never blocks on a pipe or a device."""
    try:
        mode = (info or os.lstat(path)).st_mode
        if stat.S_ISLNK(mode):
            if not Path(os.path.realpath(path, strict=True)).is_relative_to(root):
                raise _Failure(1, 1, "filen är en länk till en plats utanför innehållskatalogen; lägg själva filen här i stället")
            mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise _Failure(1, 1, NOT_REGULAR)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            opened = os.fstat(descriptor)
            if not stat.S_ISREG(opened.st_mode):  # replaced since the check above
                raise _Failure(1, 1, NOT_REGULAR)
            raw = _read_open(descriptor, opened.st_size)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise _Failure(1, 1, _unreadable(Path(path), error)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _Failure(1, 1, _too_large(os.stat(path).st_size))
    return raw


def _read_open(descriptor: int, size: int) -> bytes:
    """The bytes of an open file of ``size`` bytes, at most MAX_FILE_BYTES + 1 of them: one
    read, asking for a byte more to see the end, and more reads only if the file grew."""
    raw, wanted = b"", min(size, MAX_FILE_BYTES) + 1
    while len(raw) <= MAX_FILE_BYTES:
        raw += os.read(descriptor, wanted - len(raw))
        if len(raw) < wanted:  # a short read: the end of the file
            break
        wanted = MAX_FILE_BYTES + 1
    return raw


def _unreadable(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "filen är en länk som pekar på sig själv i en slinga; ersätt länken med själva filen"
    if error.errno == errno.ENOENT and path.is_symlink():
        return "filen är en länk till något som inte finns; ersätt länken med själva filen"
    return f"filen kan inte läsas: {os_reason(error)}"


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
    """The file's text: UTF-8 without BOM, line endings as \\n, no control characters."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _Failure(1, 1, "filen är sparad som UTF-16; spara den som UTF-8")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        col = len(raw[line_start:error.start].decode("utf-8", "replace")) + 1
        raise _Failure(line, col, f"ogiltig UTF-8 (byte 0x{raw[error.start]:02x}); spara filen som UTF-8") from None
    if "\r" in text:  # Windows (\r\n) and old Mac (\r) line endings
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    forbidden = FORBIDDEN.search(text)
    if forbidden:
        name = _character_name(forbidden.group())
        raise _fail_at_offset(text, forbidden.start(), f"otillåtet tecken: {name}; ta bort det eller skriv om texten")
    return text


def _parse(text: str, line_offset: int) -> Any:
    """Parse one YAML document into plain data, with strict rules."""
    try:
        return _parse_strict(text)
    except _Failure as failure:
        failure.line += line_offset
        raise


def _parse_strict(text: str) -> Any:
    try:
        if "\t" in text:
            _reject_tab_indent(text)
        anchors = ("&" in text or "*" in text) and ANCHOR_HINT.search(text)
        if anchors or len(text) > SAFE_INDICATORS and sum(text.count(char) for char in "[{-?:") > SAFE_INDICATORS:
            _check_events(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise _syntax_failure(error, text) from None
    if node is None:
        raise _Failure(1, 1, "filen är tom")
    return _build(node, 1)


def _build(node, depth: int) -> Any:
    """Plain data from a node tree: strings, numbers, booleans, null, lists, mappings."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag == STR:
            if node.style == '"' and FORBIDDEN.search(node.value):  # written as an escape such as \\x1f
                raise _fail_at(node.start_mark, f"otillåtet tecken: {_character_name(FORBIDDEN.search(node.value).group())}; "
                                                "ta bort det eller skriv om texten")
            return node.value
        if node.tag in SCALARS:
            if len(node.value) > MAX_NUMBER_LENGTH and node.tag in (INT, FLOAT):
                raise _fail_at(node.start_mark, f"talet har för många siffror (högst {MAX_NUMBER_LENGTH} tecken)")
            return SCALARS[node.tag](node.value)
        raise _fail_at(node.start_mark, f"taggen {node.tag} är inte tillåten; skriv värdet utan tagg")
    if node.tag not in (SEQ, MAP):
        raise _fail_at(node.start_mark, f"taggen {node.tag} är inte tillåten; skriv värdet utan tagg")
    if depth > MAX_DEPTH:
        raise _fail_at(node.start_mark, TOO_DEEP)
    if kind is yaml.SequenceNode:
        return [_build(item, depth + 1) for item in node.value]
    mapping = {}
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode:
            raise _fail_at(key_node.start_mark, "en nyckel måste vara text, inte en lista eller en mappning")
        if key_node.tag != STR:
            what = ("sammanslagning med << är inte tillåten" if key_node.tag.endswith(":merge")
                    else f'nyckeln "{key_node.value}" måste vara text; sätt citattecken runt den')
            raise _fail_at(key_node.start_mark, what)
        key = key_node.value
        if key in mapping:
            raise _fail_at(key_node.start_mark, f"nyckeln \"{key}\" förekommer två gånger")
        mapping[key] = _build(value_node, depth + 1)
    return mapping


def _check_events(text: str) -> None:
    """Nesting depth, then the first alias or else the first anchor, from parser events.

    Events come from libyaml's own stack, so this is safe at any depth; composing a
    node tree is not.
    """
    depth, anchor = 0, None
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        kind = type(event)
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            depth += 1
            if depth > MAX_DEPTH:
                raise _fail_at(event.start_mark, TOO_DEEP)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            depth -= 1
        elif kind is yaml.AliasEvent:
            raise _fail_at(event.start_mark, ANCHORS)
        if anchor is None and getattr(event, "anchor", None):
            anchor = event
    if anchor is not None:
        raise _fail_at(anchor.start_mark, ANCHORS)


def _syntax_failure(error: yaml.YAMLError, text: str) -> _Failure:
    """Any PyYAML error as a Swedish message at the line and column of the actual problem."""
    if not isinstance(error, yaml.MarkedYAMLError):  # a ReaderError counts bytes
        offset = len(text.encode("utf-8")[:getattr(error, "position", 0)].decode("utf-8", "replace"))
        return _fail_at_offset(text, offset, SYNTAX + _translate(str(getattr(error, "reason", "")), ""))
    problem, context = error.problem or "", error.context or ""
    mark, opened = error.problem_mark or error.context_mark, error.context_mark
    message = _translate(problem, context)
    if opened and _shown_where_it_opens(problem, context):
        mark = opened
    elif opened and "flow" in context and mark.line != opened.line:
        mark, message = opened, UNCLOSED["sequence" if "sequence" in context else "mapping"]
    elif problem.startswith("did not find expected <document start>"):
        line, indent = _first_line(text)
        if indent:
            return _Failure(line, 1, SYNTAX + "filens första rad är indragen; fälten på översta nivån ska börja längst till vänster")
    elif message == BAD_INDENT and mark.column > _indent(text, mark.line):
        message = f"oväntad text efter värdet; {QUOTE_HINT} om värdet ska innehålla den"
    return _clamped(text, mark, SYNTAX + message)


UNCLOSED = {"sequence": "listan inom [ ] som börjar här avslutas aldrig med ]",
            "mapping": "mappningen inom { } som börjar här avslutas aldrig med }"}


def _translate(problem: str, context: str) -> str:
    for english, swedish in PROBLEMS.items():
        if english in problem:
            return swedish
    for english, swedish in CONTEXTS.items():
        if english in context:
            return swedish
    return UNKNOWN_SYNTAX


def _shown_where_it_opens(problem: str, context: str) -> bool:
    """An alias, an anchor, a directive, a key without its colon and an unclosed quote point at their start."""
    return (context.endswith(("an alias", "an anchor", "a directive")) or problem.startswith("could not find expected ':'")
            or "quoted scalar" in context and problem in ("found unexpected end of stream", "found unexpected document indicator"))


def _first_line(text: str) -> tuple[int, int]:
    """The number and indentation of the first line that is neither blank nor a comment."""
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            return number, len(line) - len(stripped)
    return 1, 0


def _indent(text: str, index: int) -> int:
    line = text.split("\n")[index] if index <= text.count("\n") else ""
    return len(line) - len(line.lstrip(" "))


def _clamped(text: str, mark, message: str) -> _Failure:
    """At the mark, or at the end of the last line when the mark is past it (at the end of the file)."""
    content = text.rstrip("\n")
    if mark.line > content.count("\n"):
        return _fail_at_offset(text, len(content), message)
    return _fail_at(mark, message)


def _reject_tab_indent(text: str) -> None:
    for number, line in enumerate(text.split("\n"), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            raise _Failure(number, indent.index("\t") + 1, "tabbtecken är inte tillåtna som indrag; använd mellanslag")


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


def load_content(root: Path, display_root: Path | None = None, load=None) -> LoadedContent:
    """Load every ``*.yaml`` and ``*.md`` file below ``root``, in path order, each with
    ``load`` (by default ``load_file``; a ``ParseCache``'s ``load`` reuses earlier runs)."""
    load = load or load_file
    base = os.fspath(root)
    prefix = _display(root, display_root or root.parent)
    inside = root.resolve()
    files, problems, unreadable = [], [], {}
    for relative, error in _content_files(root):
        display = f"{prefix}/{relative}" if prefix and relative else prefix or relative
        if error is not None:
            problems.append(Diagnostic(display, 1, 1, f"katalogen kan inte läsas: {os_reason(error)}"))
            continue
        try:
            files.append(load(f"{base}/{relative}", display, inside))
        except ContentError as error:
            problems.append(error.diagnostic)
            unreadable[display] = error.declared
    return LoadedContent(root, files, problems, unreadable)


def declared(raw: bytes) -> tuple[str | None, str | None]:
    """The type and id a file that could not be parsed appears to declare, so that what
    refers to it can wait for it instead of being reported as dangling."""
    found = dict(DECLARED.findall(raw.decode("utf-8", "replace")))
    return found.get("type"), found.get("id")


def _content_files(root: Path) -> list[tuple[str, OSError | None]]:
    """Relative POSIX paths of the content files below ``root``, sorted, with the
    directories that could not be listed (and why)."""
    found = []

    def unreadable(error: OSError) -> None:
        relative = os.path.relpath(error.filename, root).replace(os.sep, "/")
        found.append(("" if relative == "." else relative, error))

    for directory, folders, names in os.walk(root, onerror=unreadable):
        folders.sort()
        base = os.path.relpath(directory, root).replace(os.sep, "/")
        found += [(name if base == "." else f"{base}/{name}", None) for name in names if name.endswith(SUFFIXES)]
    return sorted(found, key=lambda entry: entry[0])


def _display(path: Path, display_root: Path) -> str:
    try:
        return path.relative_to(display_root).as_posix()
    except ValueError:
        return path.as_posix()
