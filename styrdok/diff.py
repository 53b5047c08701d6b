"""Semantic diff: what changed between two versions of the content, item by item.

Items are matched by their stable id (follow-ups by their item and period), so a
renumbered, reworded or moved item is one changed item, never a removal plus an
addition. Every field an item has is compared, whatever its type. ``compare`` takes two models; ``diff_refs`` loads two git refs first and
attributes every change to the commits that touched its file; ``diff_periods``
compares two reporting periods' follow-ups within one model.
"""

from __future__ import annotations

import calendar
import dataclasses
import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Iterator

from . import gitsource
from .gitsource import Commit
from .model import Content, Group, Indicator, Item, Level, Term, Unit, build_model, natural_key
from .indicators import period_key
from .numbering import measure_numbers
from .pipeline import SetupError
from .schema import SchemaSet, describe_path

TYPE_ORDER = ("goal", "assignment", "measure", "indicator", "follow_up", "steering_document", "document",
              "section", "budget", "calendar", "organisation", "model")
KIND_ORDER = ("added", "removed", "moved", "renumbered", "changed", "status", "value")
SERIES = ("total", "women", "men")
TOKEN = re.compile(r"\n\n|\S+")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SPECIAL = {"id", "type", "parents", "number"}  # compared as identity, moves and renumbering
FOLLOW_UP_SPECIAL = {"id", "type", "parents", "item", "period"}


@dataclass(frozen=True)
class WordOp:
    """A run of words in a word diff: kept ("equal"), deleted or inserted."""

    op: str
    text: str


@dataclass
class Change:
    """One change to one item; subclasses say which kind."""

    kind: ClassVar[str] = ""
    item_type: str
    item_id: str
    label: str = ""  # how the item is named in reports
    field: str = ""  # "title", "memo.arendet", "expected_effects[2]"; empty for the whole item
    old: Any = None
    new: Any = None
    sources: tuple[str, ...] = ()  # the item's file, before and after
    commits: tuple[Commit, ...] = ()  # commits between the versions that touched those files

    @property
    def detail(self) -> tuple:
        return ()

    @property
    def key(self) -> tuple:
        """Stable order: item type, id, field, kind, then the kind's own detail."""
        rank = TYPE_ORDER.index(self.item_type) if self.item_type in TYPE_ORDER else len(TYPE_ORDER)
        return (rank, self.item_type, self.item_id, natural_key(self.field), KIND_ORDER.index(self.kind), self.detail)


@dataclass
class Added(Change):
    kind: ClassVar[str] = "added"


@dataclass
class Removed(Change):
    kind: ClassVar[str] = "removed"


@dataclass
class FieldChange(Change):
    """A field's value changed; ``words`` is the word diff when both values are text."""

    kind: ClassVar[str] = "changed"
    words: tuple[WordOp, ...] = ()


@dataclass
class StatusChange(Change):
    """A follow-up's field that holds a vocabulary value (status, assessment, …) of an item; old/new are ids."""

    kind: ClassVar[str] = "status"
    period: str = ""
    old_label: str | None = None
    new_label: str | None = None

    @property
    def detail(self) -> tuple:
        return (self.period,)


@dataclass
class ValueChange(Change):
    """An indicator's value for one period and series (total, women or men)."""

    kind: ClassVar[str] = "value"
    period: str = ""
    series: str = "total"
    old_period: str = ""  # comparing periods: the period the old value is from (else ``period``)

    @property
    def detail(self) -> tuple:
        return (self.period, SERIES.index(self.series))


@dataclass
class Renumbered(Change):
    """A display number changed: a goal's or assignment's ``number``, or a measure's in ``document``."""

    kind: ClassVar[str] = "renumbered"
    document: str = ""

    @property
    def detail(self) -> tuple:
        return (self.document,)


@dataclass
class Moved(Change):
    """The item's parents changed; old/new are tuples of parent ids."""

    kind: ClassVar[str] = "moved"


@dataclass
class ChangeSet:
    """Every change between two versions (git refs) or two periods, in stable order."""

    old: str  # the FROM side as named: a ref or a period
    new: str
    changes: list[Change]
    mode: str = "refs"  # "refs" or "periods"
    date: str = ""  # the TO side's date (ISO 8601), for changes no commit explains
    old_commit: str = ""
    new_commit: str = ""
    content: Content | None = dataclasses.field(default=None, repr=False, compare=False)  # the TO side
    schemas: SchemaSet | None = dataclasses.field(default=None, repr=False, compare=False)  # the TO side's

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------


def diff_refs(content_dir: Path, old_ref: str, new_ref: str, *, schemas: Path | None = None) -> ChangeSet:
    """Compare ``content_dir`` at two git refs, read from git objects; commits attributed.

    Raises SetupError (no repository, unknown ref) or gitsource.VersionInvalid.
    """
    repo = gitsource.repo_root(content_dir)
    content = gitsource.relative_path(repo, content_dir)
    cache = gitsource.BlobCache()
    old = gitsource.load_version(repo, old_ref, content, schemas, cache)
    new = gitsource.load_version(repo, new_ref, content, schemas, cache)
    new_model = build_model(new.loaded, new.schemas)
    before = {f.path: f for f in old.loaded.files}
    unchanged = {f.path for f in new.loaded.files if before.get(f.path) is f}  # one blob, parsed once
    changes = compare(build_model(old.loaded, old.schemas), new_model, unchanged=unchanged)
    config = {f.data["type"]: f.path for f in new.loaded.files if f.data["type"] in ("organisation", "model")}
    for change in changes:
        change.sources = change.sources or ((config[change.item_type],) if change.item_type in config else ())
    _attribute(changes, repo, content, old.commit, new.commit)
    return ChangeSet(old_ref, new_ref, changes, "refs", new.date, old.commit, new.commit, new_model,
                     new.schemas.for_content(new.loaded))


def diff_periods(content: Content, old_period: str, new_period: str, *, schemas: SchemaSet | None = None) -> ChangeSet:
    """Compare each item's follow-up in ``old_period`` with its follow-up in ``new_period``."""
    for period in (old_period, new_period):
        if period not in content.follow_ups:
            known = ", ".join(sorted(content.follow_ups)) or "inga"
            raise SetupError(f"perioden {period} har inga uppföljningar (perioder med uppföljningar: {known})")
    old, new = content.follow_ups[old_period], content.follow_ups[new_period]
    pairs = [(old.get(i), new.get(i)) for i in sorted(old.keys() | new.keys())]
    changes = sorted(_follow_up_changes(pairs) + indicator_period_changes(content, old_period, new_period),
                     key=lambda c: c.key)
    return ChangeSet(old_period, new_period, changes, "periods", period_end(new_period), content=content,
                     schemas=schemas)


def compare(old: Content, new: Content, *, unchanged: set[str] = frozenset()) -> list[Change]:
    """Every change from ``old`` to ``new``, in stable order.

    ``unchanged`` names files known to be identical in both versions (git says so):
    their items are not compared field by field, which is what makes large diffs fast.
    """
    def differ(a: Item | None, b: Item | None) -> bool:
        return a is None or b is None or a.source_file != b.source_file or a.source_file not in unchanged

    changes = _config_changes(old, new) + _item_changes(old, new, differ)
    old_follow_ups, new_follow_ups = _follow_ups_by_key(old), _follow_ups_by_key(new)
    keys = [k for k in old_follow_ups.keys() | new_follow_ups.keys() if differ(old_follow_ups.get(k), new_follow_ups.get(k))]
    changes += _follow_up_changes([(old_follow_ups.get(k), new_follow_ups.get(k)) for k in sorted(keys)])
    changes += _renumbering(old, new)
    return sorted(changes, key=lambda c: c.key)


def period_end(period: str) -> str:
    """The last day of a period ("2025-08" → 2025-08-31), as an ISO timestamp."""
    year, month = int(period[:4]), int(period[5:7]) if len(period) > 4 else 12
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}T00:00:00Z"


# --------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------


def label(item: Item) -> str:
    """A short name for an item: its level and number, then its title, name or text."""
    if item.type_name == "follow_up":
        return f"{item.period}, {label(item.item)}"
    text = shorten(next((value for value in (getattr(item, f, None) for f in ("title", "name", "text"))
                         if isinstance(value, str) and value), item.id))
    if isinstance(item.level, Level):
        return f"{item.level.label} {item.number}: {text}" if item.number else f"{item.level.label}: {text}"
    return f"{item.number}. {text}" if item.number else text


def shorten(text: str, width: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _item_changes(old: Content, new: Content, differ) -> list[Change]:
    before = {i: item for i, item in old.items.items() if item.type_name != "follow_up"}
    after = {i: item for i, item in new.items.items() if item.type_name != "follow_up"}
    changes: list[Change] = []
    for item_id in sorted(i for i in before.keys() | after.keys() if differ(before.get(i), after.get(i))):
        a, b = before.get(item_id), after.get(item_id)
        if a is not None and b is not None and a.type_name == b.type_name:
            changes += _item_diff(a, b)
            continue
        if a is not None:
            changes.append(Removed(a.type_name, a.id, label(a), sources=(a.source_file,)))
        if b is not None:
            changes.append(Added(b.type_name, b.id, label(b), sources=(b.source_file,)))
    return changes


def _item_diff(a: Item, b: Item) -> list[Change]:
    """Field changes, moves, renumbering and indicator values of one item in both versions."""
    base = {"item_type": b.type_name, "item_id": b.id, "label": label(b), "sources": _sources(a, b)}
    changes: list[Change] = []
    old_parents, new_parents = tuple(p.id for p in a.parents), tuple(p.id for p in b.parents)
    if old_parents != new_parents:
        changes.append(Moved(**base, field="parents", old=old_parents, new=new_parents))
    if a.number != b.number:
        changes.append(Renumbered(**base, field="number", old=a.number, new=b.number))
    if isinstance(b, Indicator):
        changes += _value_changes(a, b, base)
    skip = SPECIAL | ({"values"} if isinstance(b, Indicator) else set())
    changes += _field_changes(a, b, base, skip)
    return changes


def _field_changes(a: Item, b: Item, base: dict, skip: set) -> list[Change]:
    """A FieldChange for every (nested) value of every field that differs, with a word diff for text."""
    changes = []
    for name in dict.fromkeys(a.field_names + b.field_names):
        if name in skip:
            continue
        for path, x, y in _walk((name,), plain(getattr(a, name, None)), plain(getattr(b, name, None))):
            words = word_diff(x, y) if isinstance(x, str) and isinstance(y, str) else ()
            changes.append(FieldChange(**base, field=describe_path(path), old=x, new=y, words=words))
    return changes


def _value_changes(a: Indicator, b: Indicator, base: dict) -> list[Change]:
    old, new = {v.period: v for v in a.series}, {v.period: v for v in b.series}
    changes = []
    for period in sorted(old.keys() | new.keys()):
        for series in SERIES:
            x, y = getattr(old.get(period), series, None), getattr(new.get(period), series, None)
            if not _same(x, y):
                changes.append(ValueChange(**base, field="values", old=x, new=y, period=period, series=series))
    return changes


def indicator_period_changes(content: Content, old_period: str, new_period: str) -> list[Change]:
    """Each indicator's latest value as of the end of each period, where the two differ."""
    changes = []
    for item in sorted((i for i in content.items.values() if isinstance(i, Indicator)), key=lambda i: i.id):
        base = {"item_type": item.type_name, "item_id": item.id, "label": label(item), "sources": (item.source_file,)}
        for series in SERIES:
            x, y = (_latest_by(item, series, period) for period in (old_period, new_period))
            if x is not y and (x is None or y is None or not _same(getattr(x, series), getattr(y, series))):
                changes.append(ValueChange(**base, field="values", old=getattr(x, series, None), new=getattr(y, series, None),
                                           period=getattr(y, "period", new_period), series=series,
                                           old_period=getattr(x, "period", old_period)))
    return changes


def _latest_by(indicator: Indicator, series: str, period: str):
    """The indicator's latest value of a series from a period up to the end of ``period``."""
    known = [v for v in indicator.series if getattr(v, series) is not None and period_key(v.period) <= period_key(period)]
    return known[-1] if known else None


def _config_changes(old: Content, new: Content) -> list[Change]:
    """The organisation and the governance model, compared as plain data."""
    changes = []
    for name in ("organisation", "model"):
        a, b = getattr(old, name), getattr(new, name)
        base = {"item_type": name, "item_id": name, "label": new.organisation.municipality if b is new.organisation else name}
        for path, x, y in _walk((), plain(dataclasses.asdict(a)), plain(dataclasses.asdict(b))):
            words = word_diff(x, y) if isinstance(x, str) and isinstance(y, str) else ()
            changes.append(FieldChange(**base, field=describe_path(path), old=x, new=y, words=words))
    return changes


def _sources(a: Item, b: Item) -> tuple[str, ...]:
    return (a.source_file,) if a.source_file == b.source_file else (a.source_file, b.source_file)


# --------------------------------------------------------------------------
# Follow-ups
# --------------------------------------------------------------------------


def _follow_ups_by_key(content: Content) -> dict[tuple[str, str], Item]:
    return {(period, item_id): f for period, by_item in content.follow_ups.items() for item_id, f in by_item.items()}


def _follow_up_changes(pairs: list[tuple[Item | None, Item | None]]) -> list[Change]:
    """Added and removed follow-ups; for pairs, changes of vocabulary values and of other fields."""
    changes: list[Change] = []
    for a, b in pairs:
        if a is None or b is None:
            kind, f = (Added, b) if a is None else (Removed, a)
            changes.append(kind("follow_up", f.id, label(f), sources=(f.source_file,)))
            continue
        subject = b.item
        terms = [n for n in dict.fromkeys(a.field_names + b.field_names)
                 if isinstance(getattr(a, n, None), Term) or isinstance(getattr(b, n, None), Term)]
        for name in terms:
            x, y = getattr(a, name, None), getattr(b, name, None)
            if getattr(x, "id", None) != getattr(y, "id", None):
                changes.append(StatusChange(subject.type_name, subject.id, label(subject), name, getattr(x, "id", None),
                                            getattr(y, "id", None), _sources(a, b), period=b.period,
                                            old_label=getattr(x, "label", None), new_label=getattr(y, "label", None)))
        base = {"item_type": "follow_up", "item_id": b.id, "label": label(b), "sources": _sources(a, b)}
        changes += _field_changes(a, b, base, FOLLOW_UP_SPECIAL | set(terms))
    return changes


# --------------------------------------------------------------------------
# Renumbering of measures in documents
# --------------------------------------------------------------------------


def _renumbering(old: Content, new: Content) -> list[Change]:
    """Measures whose number in a document (``styrdok.numbering``) differs between the versions."""
    changes: list[Change] = []
    shared = sorted({d.id for d in old.documents} & {d.id for d in new.documents})
    for doc_id in shared:
        before, after = measure_numbers(old, old.items[doc_id]), measure_numbers(new, new.items[doc_id])
        for measure_id in sorted(before.keys() & after.keys()):
            if before[measure_id] != after[measure_id]:
                m, n = old.items[measure_id], new.items[measure_id]
                changes.append(Renumbered(n.type_name, n.id, label(n), "number", before[measure_id], after[measure_id],
                                          _sources(m, n), document=doc_id))
    return changes


# --------------------------------------------------------------------------
# Values: plain data, structural walk, word diff
# --------------------------------------------------------------------------


def plain(value):
    """Model values as plain data: items and vocabulary entries by id, lists and dicts kept."""
    if isinstance(value, Item):
        return value.id
    if isinstance(value, (Term, Level, Unit, Group)):
        return value.id
    if dataclasses.is_dataclass(value):
        return plain(dataclasses.asdict(value))
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _same(a, b) -> bool:
    """Equal values, where true is not 1 and text differing only in line wrapping is equal."""
    if isinstance(a, str) and isinstance(b, str):
        return a == b or normal_text(a) == normal_text(b)
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def _walk(path: tuple, old, new) -> Iterator[tuple[tuple, Any, Any]]:
    """(path, old, new) for every differing leaf; mappings by key, lists entry by entry."""
    if _same(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys(), key=str):
            yield from _walk(path + (key,), old.get(key), new.get(key))
    elif isinstance(old, list) and isinstance(new, list):
        yield from _walk_list(path, old, new)
    else:
        yield path, old, new


def _walk_list(path: tuple, old: list, new: list) -> Iterator[tuple[tuple, Any, Any]]:
    """Lists aligned by content: replaced entries are walked into pairwise, the rest added or removed."""
    matcher = difflib.SequenceMatcher(None, [_hashable(v) for v in old], [_hashable(v) for v in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(paired):
            yield from _walk(path + (j1 + offset,), old[i1 + offset], new[j1 + offset])
        for index in range(i1 + paired, i2):
            yield path + (index,), old[index], None
        for index in range(j1 + paired, j2):
            yield path + (index,), None, new[index]


def _hashable(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, str):
        return normal_text(value)
    return (type(value) is bool, value)


def normal_text(text: str) -> str:
    """Text with line wrapping undone: paragraphs of single-spaced words."""
    return "\n\n".join(" ".join(p.split()) for p in PARAGRAPH_BREAK.split(text.strip()))


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """Runs of kept, deleted and inserted words; a paragraph break is the token "\\n\\n"."""
    a, b = TOKEN.findall(normal_text(old)), TOKEN.findall(normal_text(new))
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(WordOp("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(WordOp("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            ops.append(WordOp("insert", " ".join(b[j1:j2])))
    return tuple(ops)


# --------------------------------------------------------------------------
# Commits
# --------------------------------------------------------------------------


def _attribute(changes: list[Change], repo: Path, content: str, old_commit: str, new_commit: str) -> None:
    """Give every change the commits between the versions that touched its item's files."""
    prefix = gitsource.display_prefix(repo, content)
    base = "" if content in ("", ".") else content + "/"

    def repo_path(display: str) -> str:
        return base + display[len(prefix) + 1:] if prefix else base + display

    paths = sorted({repo_path(s) for change in changes for s in change.sources})
    touched = gitsource.commits_touching(repo, old_commit, new_commit, paths)
    for change in changes:
        found = {c.id: c for s in change.sources for c in touched.get(repo_path(s), [])}
        change.commits = tuple(sorted(found.values(), key=lambda c: (c.utc, c.id)))
