"""Figures in prose: placeholders that memos and text sections use for generated counts.

A content author writes ``{measure}`` or ``{measure.status.paborjad:ord}`` in a memo's
text or a section, and the build writes the count there, from the same data as the
report. A placeholder is a name, never code::

    {TYPE}                       how many items of the type the document shows
    {TYPE.FIELD.VALUE}           ... whose field has this value (more pairs narrow it)
    {TYPE.FIELD}                 ... whose field has any value (for example assessed goals)
    {TYPE.FIELD:lista}           "40 som pågående och tre som väntande", per vocabulary entry
    {revision.KIND}              rows of the document's revision table of a kind (``REVISION_KINDS``)

TYPE is an item type (``measure``, or one the model declares), FIELD one of its fields or
a follow-up field the model binds to a vocabulary (then counted in the document's period),
VALUE an id as written in content. A format after ``:`` (``FORMATS``) writes small numbers
as words. Names are checked against the model at validation (``Names``); the build
replaces each placeholder with plain text (``resolve``) before the text policy
(``styrdok.markup``) reads the field, so what comes in is always text.

``hand_counts`` finds numbers written by hand in front of a countable noun, for the
validation warning that asks for a placeholder instead (and says when the number is
larger than all there are).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .schema import suggest

PLACEHOLDER = re.compile(r"(?<!\\)\{([^{}\n]*)\}?")
NAME = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_-]+)*")
FORMATS = ("ord", "ord-ett", "lista", "lista-ett")  # words up to twelve; each value with its count ("-ett": neuter)
REVISION = "revision"
REVISION_KINDS = ("kept", "reworded", "done", "merged", "dropped", "added")
WORDS = ("noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv")
MARKDOWN_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
NUMBER = r"\b(?P<number>\d+|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv)"
ENDINGS = r"(?:er|erna|en|et|na|ar|arna|or|orna|n)?\b"
YEAR = re.compile(r"(?:19|20)\d\d")
IN_FIGURES = ("arendet", "beredning", "foredragning", "ekonomiska_konsekvenser")  # memo fields with placeholders


@dataclass(frozen=True)
class Placeholder:
    start: int  # offset of "{" in the text
    end: int  # offset after "}"
    source: str  # the text between the braces
    path: tuple[str, ...]  # the name's parts: type, then field, value, field, value, ...
    format: str = ""

    @property
    def kind(self) -> str:
        return self.path[0]

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(field, value) conditions; a last field without a value is ``open_field``."""
        rest = self.path[1:]
        return [(rest[i], rest[i + 1]) for i in range(0, len(rest) - 1, 2)]

    @property
    def open_field(self) -> str | None:
        rest = self.path[1:]
        return rest[-1] if len(rest) % 2 else None


def find(text: str) -> tuple[list[Placeholder], list[tuple[int, str]]]:
    """The placeholders in a text, and (offset, Swedish message) for each malformed one."""
    found, problems = [], []
    for match in PLACEHOLDER.finditer(text):
        inner = match.group(1)
        if not match.group().endswith("}") or match.group() == "{":
            problems.append((match.start(), "klammerparentesen { avslutas inte med } på samma rad; "
                                            "skriv \\{ om du menar tecknet"))
            continue
        name, _, fmt = inner.strip().partition(":")
        if not NAME.fullmatch(name):
            problems.append((match.start(), f'"{{{inner}}}" är ingen platshållare: skriv namnet med små '
                                            "bokstäver och punkter, till exempel {measure.status.paborjad}"))
        elif fmt and fmt not in FORMATS:
            problems.append((match.start(), f'formatet "{fmt}" i {{{inner}}} finns inte; '
                                            f'tillåtna: {", ".join(FORMATS)}'))
        else:
            found.append(Placeholder(match.start(), match.end(), inner, tuple(name.split(".")), fmt))
    return found, problems


def mask(text: str) -> str:
    """The text with every placeholder as letters of the same length, for the text policy's check."""
    return PLACEHOLDER.sub(lambda m: "x" * len(m.group()) if m.group().endswith("}") else m.group(), text)


class Names:
    """What placeholders may name in one content model: the types that hang in the tree of
    goals (their schema has ``parents``), their fields, and the values of the fields bound to
    a vocabulary. Built from the schemas and the model."""

    def __init__(self, schemas, governance):
        self.governance = governance
        self.fields: dict[str, dict[str, dict | None]] = {}  # type -> field -> vocabulary entries (or None)
        countable = [kind for kind in schemas.types if "parents" in schemas.type_schemas[kind].get("properties", {})]
        self.titles = {kind: schemas.title(kind) for kind in countable}
        for kind in countable:
            own = {name: None for name in schemas.type_schemas[kind].get("properties", {}) if name != "type"}
            for annotation in schemas.annotations.get(kind, ()):
                if annotation.key == "x-vocabulary" and annotation.path[1:] in ((), ("*",)) and annotation.path[0] in own:
                    own[annotation.path[0]] = governance.vocabulary(annotation.value)
            for name, bindings in governance.follow_up.items():
                for binding in bindings:
                    if kind in binding.types if binding.types else (kind == "goal" or not binding.levels):
                        own[name] = {**(own.get(name) or {}), **governance.vocabularies.get(binding.vocabulary, {})}
            self.fields[kind] = own

    def nouns(self) -> dict[str, tuple[str, ...]]:
        """Countable nouns in lower case (type and level names, singular and plural), each
        with the name of the placeholder that counts it."""
        found = {}
        for level in self.governance.levels.values():
            for noun in (level.label, level.plural):
                found.setdefault(noun.lower(), ("goal", "level", level.id))
        for kind, title in self.titles.items():
            for noun in filter(None, (title, getattr(self.governance.types.get(kind), "plural", None))):
                found.setdefault(noun.lower(), (kind,))
        return found

    def follow_up_fields(self, placeholder: Placeholder) -> list[str]:
        """The fields of a placeholder that are counted in a period's follow-ups."""
        names = [f for f, _ in placeholder.pairs] + ([placeholder.open_field] if placeholder.open_field else [])
        return [name for name in names if name in self.governance.follow_up]

    def problem(self, placeholder: Placeholder) -> str | None:
        """Swedish message if the placeholder names something the model lacks, else None."""
        shown = "{" + placeholder.source + "}"
        if placeholder.kind == REVISION:
            if len(placeholder.path) > 2 or placeholder.path[1:] and placeholder.path[1] not in REVISION_KINDS:
                wrong = placeholder.path[1] if len(placeholder.path) > 1 else ""
                return f'{shown}: "{wrong}" är inget slags revidering; tillåtna: {", ".join(REVISION_KINDS)}.{suggest(wrong, REVISION_KINDS)}'
            return f"{shown}: formatet lista gäller inte revideringar" if placeholder.format.startswith("lista") else None
        if placeholder.kind not in self.fields:
            return f'{shown}: typen "{placeholder.kind}" finns inte.{suggest(placeholder.kind, list(self.fields) + [REVISION])}'
        fields = self.fields[placeholder.kind]
        conditions = placeholder.pairs + ([(placeholder.open_field, None)] if placeholder.open_field else [])
        for name, value in conditions:
            if name not in fields:
                return f'{shown}: {placeholder.kind} har inget fält "{name}".{suggest(name, fields)}'
            vocabulary = fields[name]
            if value is not None and vocabulary is not None and value not in vocabulary:
                return (f'{shown}: "{value}" finns inte bland värdena för {name}; tillåtna: '
                        f'{", ".join(vocabulary)}.{suggest(value, vocabulary)}')
        if placeholder.format.startswith("lista") and not (placeholder.open_field in self.governance.follow_up):
            return f"{shown}: formatet lista kräver att namnet slutar med ett uppföljningsfält, till exempel {{{placeholder.kind}.status:lista}}"
        return None


def resolve(text: str, doc) -> str:
    """The text with every placeholder replaced by its figure for the document ``doc``
    (a ``render.DocumentContext``), escaped so that Markdown reads it as text."""
    placeholders, _ = find(text)
    if not placeholders:
        return text
    shown = doc.shown_items()
    out, position = [], 0
    for placeholder in placeholders:
        out += [text[position:placeholder.start], _literal(figure(placeholder, doc, shown))]
        position = placeholder.end
    return "".join(out + [text[position:]])


def figure(placeholder: Placeholder, doc, shown: list) -> str:
    """What one placeholder stands for in a document, as Swedish text."""
    gender = "neuter" if placeholder.format.endswith("-ett") else "common"
    if placeholder.kind == REVISION:
        count = _revision_count(doc, placeholder.path[1] if len(placeholder.path) > 1 else None)
    else:
        items = [i for i in shown if i.type_name == placeholder.kind
                 and all(_matches(_value(doc, i, name), value) for name, value in placeholder.pairs)]
        if placeholder.format.startswith("lista"):
            return status_list(doc.status_counts(items, placeholder.open_field), gender, doc.renderer.number)
        if placeholder.open_field:
            items = [i for i in items if _value(doc, i, placeholder.open_field) not in (None, "", [])]
        count = len(items)
    if placeholder.format.startswith("ord"):
        return number_words(count, gender, doc.renderer.number)
    return doc.renderer.number(count)


def number_words(n: int, gender: str = "common", number=str) -> str:
    """Numbers up to twelve as words ("en", or "ett" for a neuter noun), larger ones by ``number``."""
    if 0 <= n < len(WORDS):
        return "ett" if n == 1 and gender == "neuter" else WORDS[n]
    return number(n)


def status_list(counts, gender: str = "common", number=str) -> str:
    """"två som färdiga och 20 som pågående": each entry with its count, its phrase by the
    noun's gender, joined as a Swedish list."""
    from .render import join_list  # render imports this module

    parts = [f"{number_words(n, gender, number)} som {term.phrase(n, gender)}" for term, n in counts]
    return join_list(parts, "och") if parts else "inga"


def _value(doc, item, name: str):
    if name in doc.content.model.follow_up:
        follow_up = doc.follow_up(item)
        return getattr(follow_up, name, None) if follow_up else None
    return getattr(item, name, None)


def _matches(value, wanted: str) -> bool:
    if isinstance(value, list):
        return any(_matches(v, wanted) for v in value)
    return value is not None and str(getattr(value, "id", value)).lower() == wanted


def _revision_count(doc, kind: str | None) -> int:
    tables = list(doc.revisions.values())
    if not tables:
        return 0
    table = tables[0]
    if kind == "added":
        return len(table.additions)
    return sum(1 for r in table.revisions if kind is None or r.kind == kind)


def _literal(text: str) -> str:
    """Generated text as Markdown that reads as exactly this text."""
    return MARKDOWN_PUNCTUATION.sub(r"\\\g<0>", text)


@dataclass(frozen=True)
class HandCount:
    """A number written by hand before a countable noun."""

    start: int  # offset of the number in the text
    written: str  # the number as written: "58", "sju"
    noun: str  # the noun as written: "åtgärder"
    path: tuple[str, ...]  # the placeholder that counts the noun: ("measure",), ("goal", "level", "target_area")

    @property
    def value(self) -> int:
        return int(self.written) if self.written.isdigit() else WORDS.index(self.written.lower())

    @property
    def placeholder(self) -> str:
        return "{" + ".".join(self.path) + "}"


def hand_counts(text: str, nouns: dict[str, tuple[str, ...]]) -> list[HandCount]:
    """Every number written by hand just before a countable noun ("22 uppdrag", "fyra nya
    åtgärder"), with what counts the noun; placeholders and years are left alone."""
    if not nouns:
        return []
    stems = sorted(nouns, key=len, reverse=True)
    pattern = re.compile(NUMBER + r"(?:\s+\w+)?\s+(?P<noun>(?:" + "|".join(map(re.escape, stems)) + ")" + ENDINGS + ")", re.I)
    found = []
    for match in pattern.finditer(mask(text)):
        if not YEAR.fullmatch(match["number"]):
            path = next(nouns[stem] for stem in stems if match["noun"].lower().startswith(stem))
            found.append(HandCount(match.start("number"), match["number"], match["noun"], path))
    return found
