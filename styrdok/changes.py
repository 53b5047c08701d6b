"""The change report of a ChangeSet: terminal, Markdown, HTML, and Word with tracked changes.

Every change is first described as a field title and a list of fragments (kept,
deleted and inserted text); each format then shows the fragments its own way: colours
on a terminal, ~~struck~~ and **strong** text in Markdown and HTML, and real tracked
changes (``w:del``/``w:ins`` with author and date) in Word.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .diff import Change, ChangeSet
from .indicators import IndicatorValue, shown
from .gitsource import iso_utc
from .oserror import reason
from .pipeline import PACKAGE_ROOT, SetupError, load_schemas
from .schema import SchemaSet

# The report's order, as auditors read it: 1. status and assessment changes; 2. indicator values;
# 3. new, removed and restructured items; 4. reworded text. A new kind of change takes its place
# in this tuple (indicator comparisons between periods belong right after "status").
SECTIONS = (("status", "Statusändringar"), ("value", "Ändrade indikatorvärden"),
            ("added", "Tillagda"), ("removed", "Borttagna"), ("moved", "Flyttade"), ("renumbered", "Omnumrerade"),
            ("changed", "Ändrade"))
COUNTS = {"added": ("tillagd", "tillagda"), "removed": ("borttagen", "borttagna"), "changed": ("ändrat fält", "ändrade fält"),
          "status": ("statusändring", "statusändringar"), "value": ("ändrat indikatorvärde", "ändrade indikatorvärden"),
          "renumbered": ("omnumrering", "omnumreringar"), "moved": ("flytt", "flyttar")}
FALLBACK = {"body": "Text", "number": "Nummer", "order": "Ordning", "parents": "Hör till", "level": "Nivå",
            "total": "Totalt", "women": "Kvinnor", "men": "Män"}
STEP = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")
CONTEXT_WORDS = 8
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!~|^$@\"'])")
# Dates and numbers never break across lines: a hyphen between digits ("2025-08") becomes a
# no-break hyphen, a space between digit groups ("5 337") a no-break space, a minus sign the real one.
UNBREAKABLE = ((re.compile(r"(?<=\d)-(?=\d)"), "\u2011"), (re.compile(r"(?<=\d) (?=\d{3}\b)"), "\u00a0"),
               (re.compile(r"(?<![\w\d])-(?=\d)"), "\u2212"))
STYLES = {"delete": "red strike", "insert": "green", "plain": ""}
KIND_STYLES = {"added": "green", "removed": "red", "changed": "yellow", "status": "cyan", "value": "cyan",
               "renumbered": "magenta", "moved": "magenta"}


@dataclass(frozen=True)
class Fragment:
    """A piece of a described change: "plain", "delete" or "insert" text."""

    style: str
    text: str


class Titles:
    """Swedish names of item types and fields, from the schemas' ``title`` annotations."""

    def __init__(self, schemas: SchemaSet | None):
        self.schemas = schemas or load_schemas(PACKAGE_ROOT / "schemas")

    def type(self, item_type: str) -> str:
        schema = self.schemas.type_schemas.get(item_type)
        return schema.get("title", item_type) if schema else item_type

    def field(self, item_type: str, field: str) -> str:
        """"memo.arendet" → "Tjänsteskrivelse › Ärendet"; list positions stay as "[2]", keys as they are."""
        node, resolver = self._root(item_type)
        names: list[str] = []
        for index, name in STEP.findall(field):
            node = node or {}
            if index:
                names[-1:] = [f"{names[-1] if names else ''} [{index}]".strip()]
                node, resolver = self._deref(node.get("items") or {}, resolver)
                continue
            child = node.get("properties", {}).get(name)
            if child is None:  # a mapping's key, an entry of a list the model keys by id, or a model-only field
                extra = node.get("additionalProperties")
                inner = extra if isinstance(extra, dict) else node.get("items")
                names.append(name if inner else FALLBACK.get(name, name))
                node, resolver = self._deref(inner or {}, resolver)
                continue
            title = child.get("title")
            node, resolver = self._deref(child, resolver)
            names.append(title or node.get("title") or FALLBACK.get(name, name))
        return " › ".join(names)

    def _root(self, item_type: str):
        schema = self.schemas.type_schemas.get(item_type)
        if not schema:
            return None, None
        return schema, self.schemas.registry.resolver(base_uri=schema.get("$id", ""))

    @staticmethod
    def _deref(node: dict, resolver):
        while resolver is not None and isinstance(node, dict) and "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            node, resolver = {**resolved.contents, **{k: v for k, v in node.items() if k != "$ref"}}, resolved.resolver
        return node, resolver


# --------------------------------------------------------------------------
# Describing changes
# --------------------------------------------------------------------------


def sections(changeset: ChangeSet) -> list[tuple[str, str, list[tuple[str, list[tuple[Change, list[Change]]]]]]]:
    """(kind, heading, [(item type, [(first change, the item's changes)])]) in report order."""
    result = []
    for kind, heading in SECTIONS:
        by_type: dict[str, dict[str, list[Change]]] = {}
        for change in changeset.of_kind(kind):
            by_type.setdefault(change.item_type, {}).setdefault(change.item_id, []).append(change)
        if by_type:
            types = [(t, [(group[0], group) for group in items.values()]) for t, items in by_type.items()]
            result.append((kind, heading, types))
    return result


def describe(change: Change, titles: Titles, changeset: ChangeSet) -> tuple[str, list[Fragment]]:
    """A change's field title and its fragments (old → new, or a word diff)."""
    kind = change.kind
    if kind in ("added", "removed"):
        return "", []
    if kind == "changed" and change.words:
        return titles.field(change.item_type, change.field), _elide(change.words)
    if kind == "status":
        period = f" {change.period}" if changeset.mode == "refs" else ""
        return titles.field("follow_up", change.field) + period, _old_new(change.old_label, change.new_label)
    if kind == "value":
        return indicator_value(change, titles, changeset)
    if kind == "renumbered" and change.document:
        return f"Nummer i {_document_title(changeset, change.document)}", _old_new(change.old, change.new)
    return titles.field(change.item_type, change.field), _old_new(change.old, change.new)


def indicator_value(change: Change, titles: Titles, changeset: ChangeSet) -> tuple[str, list[Fragment]]:
    """An indicator's changed value as the reports show it ("5 787 (okt)"), under its period
    and series: "oktober 2024, Kvinnor"; comparing periods, each value's own period."""
    fmt = _formatter(changeset)
    indicator = changeset.content.items.get(change.item_id) if changeset.content else None
    decimals = getattr(indicator, "decimals", None)
    series = titles.field(change.item_type, f"values[1].{change.series}").split(" › ")[-1]

    def when(period: str) -> str:
        return period if len(period) == 4 else f"{fmt.month_name(int(period[5:7]))} {period[:4]}"

    def value(period: str, number) -> str | None:
        if number is None:
            return None
        return shown(IndicatorValue(period, **{change.series: number}), change.series, decimals, fmt.number, fmt.month_short)

    old_period = change.old_period or change.period
    where = when(change.period) if old_period == change.period else f"{when(old_period)} → {when(change.period)}"
    old, new = value(old_period, change.old), value(change.period, change.new)
    if old is None or new is None:
        return f"{where}, {series}", _old_new(old, new)
    return f"{where}, {series}", [Fragment("delete", old), Fragment("plain", " → "), Fragment("insert", new)]


def _formatter(changeset: ChangeSet):
    """Numbers and months written as the reports write them (the renderer's own methods)."""
    from .render import Renderer

    class Swedish:
        locale = "sv_SE"
        number, month_short, month_name = Renderer.number, Renderer.month_short, Renderer.month_name

    return Swedish()


def _old_new(old, new) -> list[Fragment]:
    """"old → new", or only the side that exists."""
    if old is None:
        return [Fragment("plain", "tillagt: "), Fragment("insert", _show(new))]
    if new is None:
        return [Fragment("plain", "borttaget: "), Fragment("delete", _show(old))]
    return [Fragment("delete", _show(old)), Fragment("plain", " → "), Fragment("insert", _show(new))]


def _elide(words) -> list[Fragment]:
    """Word-diff fragments; long unchanged runs keep a few words of context around "…"."""
    fragments = []
    last = len(words) - 1
    for position, op in enumerate(words):
        text = op.text.replace("\n\n", "¶")
        if op.op == "equal":
            fragments.append(Fragment("plain", _context(text.split(" "), position > 0, position < last)))
        else:
            fragments.append(Fragment(op.op, text))
    return _spaced(fragments)


def _context(tokens: list[str], after_change: bool, before_change: bool) -> str:
    """An unchanged run: the words next to the changes around it, "…" for the rest."""
    head = tokens[:CONTEXT_WORDS] if after_change else []
    tail = tokens[-CONTEXT_WORDS:] if before_change else []
    if len(tokens) <= len(head) + len(tail):
        return " ".join(tokens)
    return " ".join([*head, "…", *tail])


def _spaced(fragments: list[Fragment]) -> list[Fragment]:
    """Single spaces between runs, so that markup never touches a word."""
    result = []
    for index, fragment in enumerate(fragments):
        if index:
            result.append(Fragment("plain", " "))
        result.append(fragment)
    return result


def _show(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)):
        return str(value).replace(".", ",")
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value) or "(tom)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show(v)}" for k, v in value.items()) or "(tom)"
    return " ".join(str(value).split())


def _document_title(changeset: ChangeSet, document_id: str) -> str:
    document = changeset.content.items.get(document_id) if changeset.content else None
    return f"{document.title} ({document_id})" if document else document_id


def attribution(change: Change, changeset: ChangeSet) -> tuple[str, str]:
    """(author, UTC date) for a tracked change: the last commit that touched the item, else styrdok."""
    if change.commits:
        last = change.commits[-1]
        return last.author, last.utc
    return "styrdok", iso_utc(changeset.date) if changeset.date else "1970-01-01T00:00:00Z"


def title(changeset: ChangeSet) -> str:
    return f"Ändringar mellan {changeset.old} och {changeset.new}"


def summary(changeset: ChangeSet) -> str:
    if not changeset.changes:
        return "Inga ändringar."
    parts = []
    for kind, _heading in SECTIONS:
        count = len(changeset.of_kind(kind))
        if count:
            one, many = COUNTS[kind]
            parts.append(f"{count} {one if count == 1 else many}")
    total = len(changeset.changes)
    return f"{total} {'ändring' if total == 1 else 'ändringar'}: {', '.join(parts)}."


def _commit_line(commit) -> str:
    return f"{commit.short} {commit.date[:10]} {commit.author}: {commit.subject}"


# --------------------------------------------------------------------------
# Terminal
# --------------------------------------------------------------------------


def print_text(changeset: ChangeSet, file=None) -> None:
    """Coloured and grouped on a terminal; with [-struck-] and {+new+} markers elsewhere."""
    from rich.console import Console
    from rich.text import Text

    console = Console(file=file or sys.stdout, highlight=False, soft_wrap=True)
    markers = console.color_system is None
    titles = Titles(changeset.schemas)
    console.print(Text(f"{title(changeset)}. {summary(changeset)}", style="bold"))
    for kind, heading, types in sections(changeset):
        console.print()
        console.print(Text(heading, style=f"bold {KIND_STYLES[kind]}"))
        for item_type, items in types:
            console.print(Text(f"  {titles.type(item_type)}", style="bold"))
            for first, group in items:
                console.print(Text(f"    {first.label} ", style=KIND_STYLES[kind]) + Text(f"({first.item_id})", style="dim"))
                for change in group:
                    field, fragments = describe(change, titles, changeset)
                    if field:
                        console.print(Text(f"      {field}: ") + _rich(fragments, markers))
                for commit in _commits(group):
                    console.print(Text(f"      {_commit_line(commit)}", style="dim"))


def _rich(fragments: list[Fragment], markers: bool):
    from rich.text import Text

    text = Text()
    for fragment in fragments:
        shown = fragment.text
        if markers and fragment.style == "delete":
            shown = f"[-{shown}-]"
        elif markers and fragment.style == "insert":
            shown = f"{{+{shown}+}}"
        text.append(shown, style=STYLES[fragment.style])
    return text


def _commits(group: list[Change]):
    found = {c.id: c for change in group for c in change.commits}
    return sorted(found.values(), key=lambda c: (c.utc, c.id))


# --------------------------------------------------------------------------
# Markdown (and through it HTML and DOCX)
# --------------------------------------------------------------------------


def markdown(changeset: ChangeSet, *, tracked: bool = False) -> str:
    """The report as Pandoc Markdown; ``tracked`` shows edits as Word tracked-change spans."""
    titles = Titles(changeset.schemas)
    lines = _front_matter(changeset) + [_introduction(changeset), ""]
    if changeset.changes:
        lines += [_legend(tracked), ""]
    for kind, heading, types in sections(changeset):
        lines += [f"# {heading}", ""]
        for item_type, items in types:
            lines += [f"## {escape(titles.type(item_type))}", ""]
            for first, group in items:
                lines += _item_block(first, group, kind, titles, changeset, tracked)
    return "\n".join(lines).rstrip("\n") + "\n"


def _front_matter(changeset: ChangeSet) -> list[str]:
    organisation = changeset.content.organisation if changeset.content else None
    meta = {"title": escape(title(changeset)), "date": escape(changeset.date[:10]), "date-meta": changeset.date[:10],
            "lang": "sv-SE", "doctype": "plan"}
    if organisation:  # pandoc reads metadata values as Markdown
        meta.update(organisation=escape(organisation.municipality), administration=escape(organisation.administration))
    return ["---", *(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()), "---", ""]


def _introduction(changeset: ChangeSet) -> str:
    if changeset.mode == "periods":
        scope = (f"Rapporten jämför uppföljningen för perioden {escape(changeset.old)} med uppföljningen för perioden "
                 f"{escape(changeset.new)}, objekt för objekt.")
    else:
        scope = (f"Rapporten jämför innehållet i versionen {escape(changeset.old)} (`{changeset.old_commit[:7]}`) med "
                 f"versionen {escape(changeset.new)} (`{changeset.new_commit[:7]}`), objekt för objekt. Varje ändring "
                 "visas med de commits som ändrade objektets fil, med författare och datum.")
    return f"{scope} {summary(changeset)}"


def _legend(tracked: bool) -> str:
    if tracked:
        return "Ändringarna visas som spårade ändringar: struken text är borttagen och understruken text är ny."
    return "Ändringar i text visas ord för ord: ~~struken text~~ är borttagen och **fet text** är ny."


def _item_block(first: Change, group: list[Change], kind: str, titles: Titles, changeset: ChangeSet,
                tracked: bool) -> list[str]:
    name = f"{escape(first.label)} (`{first.item_id}`)"
    if kind in ("added", "removed"):
        if tracked:
            fragment = Fragment("insert" if kind == "added" else "delete", first.label)
            name = f"{_fragments_md([fragment], True, *attribution(first, changeset))} (`{first.item_id}`)"
        lines = [f"- {name}"] + [f"    - {escape(_commit_line(c))}" for c in _commits(group)]
        return lines + [""]
    lines = [f"**{name}**", ""]
    for change in group:
        field, fragments = describe(change, titles, changeset)
        author, date = attribution(change, changeset)
        lines.append(f"- *{escape(field)}:* {_fragments_md(fragments, tracked, author, date)}")
    lines.append("")
    commits = _commits(group)
    if commits:
        lines += ["Commits som ändrade filen:", ""] + [f"- {escape(_commit_line(c))}" for c in commits] + [""]
    return lines


def _fragments_md(fragments: list[Fragment], tracked: bool, author: str, date: str) -> str:
    parts = []
    for fragment in fragments:
        text = escape(fragment.text)
        if fragment.style == "plain" or not text.strip():
            parts.append(text)
        elif tracked:
            kind = "deletion" if fragment.style == "delete" else "insertion"
            parts.append(f'[{text}]{{.{kind} author="{_attribute(author)}" date="{date}"}}')
        else:
            parts.append(f"~~{text}~~" if fragment.style == "delete" else f"**{text}**")
    return "".join(parts)


def escape(text: str) -> str:
    """Literal text in Pandoc Markdown: punctuation that could be markup is backslash-escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", unbreakable(re.sub(r"[^\S\u00a0]+", " ", str(text))))  # no-break spaces stay


def unbreakable(text: str) -> str:
    """``text`` with its dates and numbers kept whole on one line (see ``UNBREAKABLE``)."""
    for pattern, replacement in UNBREAKABLE:
        text = pattern.sub(replacement, text)
    return text


def _attribute(value: str) -> str:
    return value.replace("\\", "/").replace('"', "”")


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def write(changeset: ChangeSet, fmt: str, output: Path | None) -> Path | None:
    """Write the report in ``fmt`` (text, md, html or docx) to ``output``, or print text and md.

    A file appears complete or not at all (written under a temporary name, then renamed);
    raises SetupError when it cannot be written."""
    if fmt == "text" and output is None:
        print_text(changeset)
        return None
    if fmt == "md" and output is None:
        sys.stdout.write(markdown(changeset))
        return None
    output = output or default_output(changeset, fmt)
    try:
        if Path(output).is_dir():  # also through a symlink, which a rename would replace
            raise IsADirectoryError(errno.EISDIR, "")
        if fmt == "text":
            with _replacing(Path(output)) as stream:
                print_text(changeset, stream)
            return output
        return _export(changeset, fmt, output)
    except OSError as error:
        raise SetupError(f"kan inte skriva rapporten till {output}: {reason(error)}") from None


@contextmanager
def _replacing(target: Path):
    """A text stream to a temporary file beside ``target``, which replaces it when complete."""
    temporary = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as stream:
            yield stream
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def default_output(changeset: ChangeSet, fmt: str) -> Path:
    """andringar-FROM-TO.FORMAT in the current directory, with refs made safe as file names."""
    def safe(name: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "version"

    return Path(f"andringar-{safe(changeset.old)}-{safe(changeset.new)}.{fmt}")


def _export(changeset: ChangeSet, fmt: str, output: Path) -> Path:
    """Pandoc through styrdok's export stage, into a temporary name, then renamed into place."""
    from .export import export

    target = Path(output).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    text = markdown(changeset, tracked=fmt == "docx")
    with tempfile.TemporaryDirectory(prefix=".styrdok-diff-", dir=target.parent) as directory:
        paths = export(text, Path(directory), "rapport", {fmt}, timestamp=_epoch(changeset.date))
        os.replace(paths[fmt], target)
    return Path(output)


def _epoch(date: str) -> int:
    return int(datetime.fromisoformat(iso_utc(date).replace("Z", "+00:00")).timestamp()) if date else 0
