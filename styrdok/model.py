"""Stage 3, model: validated data becomes items with resolved references.

``build_model`` takes the files the load stage read (and validation accepted) and
returns a ``Content``. Every item, of whatever type the schemas declare, is an
``Item``: its core fields are typed, and every other field its schema allows is an
attribute holding the value as written. Fields a schema marks as references
(``x-ref``) or vocabulary values (``x-vocabulary``) hold the items and entries they
name, and so do follow-up fields the model binds to a vocabulary. Children are
indexed under their parents. Labels and vocabularies come from the content's own
configuration.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Callable

from .indicators import Comparison, IndicatorValue, Development, compared, latest_within, period_key, development
from .load import LoadedContent
from .schema import type_schema_file

DEFAULT_ORDER = 100
CONFIG_TYPES = ("organisation", "model")


@dataclass(frozen=True)
class Term:
    """A vocabulary entry: an id written in content, a label shown in reports.

    Optional presentation and rules: an abbreviation, a description, a symbol shown
    before the label, the follow-up fields it requires, whether it means the work is
    done, the phrases a generated summary uses for it, and what its comment must say.
    """

    id: str
    label: str
    abbreviation: str | None = None
    description: str | None = None
    symbol: str | None = None
    requires: tuple[str, ...] = ()
    done: bool = False
    summary: dict | None = None  # phrases for generated prose: plural, common, neuter
    guidance: str | None = None  # what a comment with this value must say

    @property
    def shown(self) -> str:
        """"✓ Färdig": the symbol, then the label as its text, so no reader gets the symbol alone."""
        return f"{self.symbol} {self.label}" if self.symbol else self.label

    def phrase(self, count: int, gender: str) -> str:
        """"färdiga" for several, "färdig"/"färdigt" for one (by the noun's gender)."""
        forms = self.summary or {}
        key = "plural" if count != 1 else gender
        return forms.get(key, self.label.lower())


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    plural: str
    parents: tuple[str, ...]
    heading: str | None = None


@dataclass(frozen=True)
class Unit:
    """A committee, board or company that an assignment can name."""

    id: str
    abbreviation: str
    name: str
    kind: str


@dataclass(frozen=True)
class Group:
    """A named set of units, such as "Alla nämnder och bolag"."""

    id: str
    label: str

    @property
    def abbreviation(self) -> str:
        return self.label


@dataclass(frozen=True)
class Binding:
    """A follow-up field's vocabulary for the items it applies to.

    Every condition given must hold for the item followed up: its type is one of
    ``types``, its goal level one of ``levels``, it lies ``under`` one of these items.
    """

    field: str
    vocabulary: str
    types: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    under: tuple[str, ...] = ()
    required: bool = True

    @property
    def rank(self) -> int:
        """Most specific first: a subtree, then a goal level, then an item type."""
        return 0 if self.under else 1 if self.levels else 2

    def applies(self, item_type: str, level: str | None, ancestors: Callable[[], set[str]]) -> bool:
        return ((not self.types or item_type in self.types) and (not self.levels or level in self.levels)
                and (not self.under or bool(ancestors() & set(self.under))))


@dataclass(frozen=True)
class ItemType:
    """An item type the municipality declares: its schema file and Swedish names."""

    id: str
    label: str
    plural: str
    schema: str


class Item:
    """One content item, of any type.

    Core fields are typed: ``id``, ``type``, ``parents`` (the parent items), ``order``,
    ``number`` (a designation or fixed display number) and ``level`` (a goal's Level).
    Every other field the item's schema allows is an attribute holding the value as
    written, 0 and false included; a field left out holds its schema default, an empty
    list for a list, or None. The names the pipeline itself uses (``reserved_names``)
    cannot be fields.
    """

    def __init__(self, type_name: str, source_file: str, fields: dict[str, Any]):
        self.__dict__.update(fields)
        self.type_name = type_name
        self.source_file = source_file
        self.field_names = tuple(fields)
        self.id: str = fields["id"]
        self.order: int = DEFAULT_ORDER if fields.get("order") is None else fields["order"]
        self.number = fields.get("number")
        self.level = fields.get("level")
        self.parents: list = fields.get("parents") or []

    def __repr__(self) -> str:
        return f"<{self.type_name} {self.id}>"

    @property
    def sort_key(self) -> tuple:
        return (self.order, natural_key(str(self.number or "")), self.id)

    def resolve(self, model: GovernanceModel) -> None:
        """Derive what a type's own behaviour needs once references are resolved."""


class Indicator(Item):
    """An indicator: its values as a series, its target as a direction or a value (also per
    year), its comparison series, unit and decimals (``styrdok.indicators``)."""

    direction: Term | None = None

    def resolve(self, model: GovernanceModel) -> None:
        for name, absent in (("decimals", None), ("comparisons", []), ("values", [])):
            self.__dict__.setdefault(name, absent)  # content from before these fields (an earlier version)
        directions = model.vocabularies.get("target_directions", {})
        self.direction = directions.get((self.target or {}).get("direction"))
        self.year_targets = {t["year"]: directions.get(t["direction"]) if "direction" in t else t["value"]
                             for t in (self.target or {}).get("years", [])}

    @property
    def source_name(self) -> str:
        return self.source

    @property
    def target_value(self) -> float | None:
        return (self.target or {}).get("value")

    def target_for(self, year: int) -> float | Term | None:
        """The target for a year: a number or a direction, the year's own before the general one."""
        if year in self.year_targets:
            return self.year_targets[year]
        return self.direction or self.target_value

    @cached_property
    def series(self) -> list[IndicatorValue]:
        return sorted((IndicatorValue.of(v) for v in self.values), key=lambda v: period_key(v.period))

    @cached_property
    def comparison_series(self) -> list[Comparison]:
        return [Comparison.of(entry) for entry in self.comparisons]

    def value_for(self, year: int) -> IndicatorValue | None:
        """The latest value within a year (a full year beats a partial period)."""
        return latest_within(self.series, year)

    @cached_property
    def monthly(self) -> bool:
        """Whether some year has values for at least two months: a line across the months."""
        months = [v.year for v in self.series if v.month is not None and v.total is not None]
        return any(months.count(year) > 1 for year in set(months))

    @cached_property
    def desired(self) -> str | None:
        """The direction id the target wants: its own, or towards a target value from the latest value."""
        if self.direction:
            return self.direction.id
        latest = next((v for v in reversed(self.series) if v.total is not None), None)
        if self.target_value is None or latest is None:
            return None
        return "oka" if self.target_value > latest.total else "minska" if self.target_value < latest.total else "behall"

    def compared(self, part: str = "total") -> tuple[IndicatorValue, IndicatorValue] | None:
        """The latest value of a part and the value a year before it (``styrdok.indicators.compared``)."""
        return compared(self.series, part)

    @cached_property
    def development(self) -> Development | None:
        """The arrow (↗ → ↘) and its text ("ökar, i önskad riktning"), or None without two values."""
        return development(self.series, self.desired)


BEHAVIOUR: dict[str, type[Item]] = {"indicator": Indicator}
CORE_FIELDS = ("id", "type", "parents", "order", "number", "level")


def reserved_names(item_type: str) -> set[str]:
    """Attribute names an item of this type uses itself, which no schema field may take."""
    cls = BEHAVIOUR.get(item_type, Item)
    probe = cls.__new__(cls)
    Item.__init__(probe, item_type, "", {"id": ""})
    return (set(dir(probe)) - set(CORE_FIELDS)) | {"type_name", "source_file", "field_names"}


@dataclass
class GovernanceModel:
    """The municipality's model, from ``model`` content: goal levels, named vocabularies,
    the vocabularies of follow-up fields, and the item types it declares."""

    levels: dict[str, Level]
    vocabularies: dict[str, dict[str, Term]]
    follow_up: dict[str, list[Binding]]  # field -> bindings, most specific first
    types: dict[str, ItemType]

    @property
    def origins(self) -> dict[str, Term]:
        return self.vocabularies.get("origins", {})

    def vocabulary(self, name: str) -> dict | None:
        """A named vocabulary; ``levels`` names the goal levels."""
        return self.levels if name == "levels" else self.vocabularies.get(name)

    def binding(self, field: str, item_type: str, level: str | None, ancestors: Callable[[], set[str]]) -> Binding | None:
        """The binding that gives a follow-up field its vocabulary for an item, if any."""
        return next((b for b in self.follow_up.get(field, ()) if b.applies(item_type, level, ancestors)), None)

    def vocabulary_for(self, field: str, item: Item) -> dict[str, Term] | None:
        """The vocabulary of a follow-up field for the item followed up."""
        level = item.level.id if isinstance(item.level, Level) else None
        binding = self.binding(field, item.type_name, level, lambda: ancestor_ids(item))
        return self.vocabularies.get(binding.vocabulary) if binding else None


@dataclass
class Organisation:
    municipality: str
    administration: str
    units: dict[str, Unit]
    groups: dict[str, Group]
    contact: dict | None = None  # addresses, phone, e-mail and web for the memo's letterhead


@dataclass
class Content:
    """The whole model of one content tree."""

    organisation: Organisation
    model: GovernanceModel
    items: dict[str, Item]
    children: dict[str, list[Item]]
    follow_ups: dict[str, dict[str, Item]]  # period -> item id -> follow-up

    def of_type(self, item_type: str) -> list:
        return sorted((i for i in self.items.values() if i.type_name == item_type), key=lambda i: i.sort_key)

    def children_of(self, item: Item, item_type: str) -> list:
        return sorted((c for c in self.children.get(item.id, []) if c.type_name == item_type), key=lambda c: c.sort_key)

    @property
    def documents(self) -> list[Item]:
        return self.of_type("document")

    @property
    def steering_documents(self) -> list[Item]:
        return sorted(self.of_type("steering_document"), key=lambda d: (d.title.lower(), d.id))


def natural_key(text: str) -> tuple:
    """Sort "2" before "14" and "N1.1" before "N1.10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", text))


def ancestor_ids(item: Item) -> set[str]:
    """Ids of every item above this one, through parents at any depth."""
    found: set[str] = set()
    waiting = list(item.parents)
    while waiting:
        parent = waiting.pop()
        if parent.id not in found:
            found.add(parent.id)
            waiting += parent.parents
    return found


def nearest(value, terms: dict) -> tuple[Any, bool]:
    """The entry a mistyped value most likely means, and whether it was found by its id
    rather than its label: one whose label or abbreviation the value is (in any case),
    else the closest id or label. (None, False) when nothing is close."""
    text = " ".join(str(value).split()).casefold()
    names: dict[str, tuple[Any, bool]] = {}
    for term in terms.values():
        for name in (term.id, term.label, getattr(term, "abbreviation", None)):
            if name:
                names.setdefault(name.casefold(), (term, name == term.id))
    if text in names:
        return names[text]
    close = difflib.get_close_matches(text, list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else (None, False)


def build_model(loaded: LoadedContent, schemas=None) -> Content:
    """Build the domain model from loaded, validated content and its schemas."""
    schemas = (schemas or _package_schemas()).for_content(loaded)
    configuration = {source.data["type"]: source.data for source in loaded.files if source.data["type"] in CONFIG_TYPES}
    organisation = _organisation(configuration["organisation"])
    model = governance_model(configuration["model"])
    items: dict[str, Item] = {}
    shapes: dict[str, tuple[dict, list]] = {}  # item type -> its fields, all None; those with a default
    for source in loaded.files:
        item_type = source.data["type"]
        if item_type not in CONFIG_TYPES:
            if item_type not in shapes:
                absent = schemas.fields(item_type)
                shapes[item_type] = dict.fromkeys(absent), [(n, d) for n, d in absent.items() if d is not None]
            blank, defaults = shapes[item_type]
            fields = {**blank, **source.data}
            for name, default in defaults:
                if name not in source.data:
                    fields[name] = [] if default == [] else copy.deepcopy(default)  # each item its own list
            if source.body is not None:
                fields["body"] = source.body
            items[source.data["id"]] = BEHAVIOUR.get(item_type, Item)(item_type, source.path, fields)
    _resolve(items, organisation, model, schemas)
    _compare_with_adopted(items)
    return Content(organisation, model, items, _children(items), _follow_ups(items))


@lru_cache(maxsize=1)
def _package_schemas():
    from .pipeline import PACKAGE_ROOT, load_schemas

    return load_schemas(PACKAGE_ROOT / "schemas")


def _organisation(data: dict) -> Organisation:
    return Organisation(
        municipality=data["municipality"],
        administration=data["administration"],
        units={u["id"]: Unit(u["id"], u["abbreviation"], u["name"], u["kind"]) for u in data["units"]},
        groups={g["id"]: Group(g["id"], g["label"]) for g in data.get("groups", [])},
        contact=data.get("contact"),
    )


def _terms(entries: list[dict]) -> dict[str, Term]:
    return {e["id"]: Term(e["id"], e["label"], e.get("abbreviation"), e.get("description"), e.get("symbol"),
                          tuple(e.get("requires", ())), e.get("done", False), e.get("summary"), e.get("guidance"))
            for e in entries}


def governance_model(data: dict) -> GovernanceModel:
    """The model of a (schema-valid) ``model`` file.

    The older form is read too, so that earlier versions in git still load: ``origins``
    and ``target_directions`` beside ``vocabularies``, and ``statuses`` and
    ``assessment_scales`` holding a vocabulary per item type or goal level.
    """
    levels = {l["id"]: Level(l["id"], l["label"], l["plural"], tuple(l["parents"]), l.get("heading")) for l in data["levels"]}
    vocabularies = {name: _terms(entries) for name, entries in data.get("vocabularies", {}).items()}
    bindings: dict[str, list[Binding]] = defaultdict(list)
    for name, rules in data.get("follow_up", {}).items():
        bindings[name] += [Binding(name, r["vocabulary"], tuple(r.get("types", ())), tuple(r.get("levels", ())),
                                   tuple(r.get("under", ())), r.get("required", True)) for r in rules]
    for key in ("origins", "target_directions"):
        if key in data:
            vocabularies.setdefault(key, _terms(data[key]))
    for key, name in (("statuses", "status"), ("assessment_scales", "assessment")):
        for selector, entries in data.get(key, {}).items():
            vocabularies[f"{name}-{selector}"] = _terms(entries)
            where = {"levels": (selector,)} if selector in levels else {"types": (selector,)}
            bindings[name].append(Binding(name, f"{name}-{selector}", **where))
    types = {name: ItemType(name, entry["label"], entry["plural"], type_schema_file(name, entry))
             for name, entry in data.get("types", {}).items()}
    return GovernanceModel(levels, vocabularies, {f: sorted(b, key=lambda b: b.rank) for f, b in bindings.items()}, types)


def _resolve(items: dict[str, Item], organisation: Organisation, model: GovernanceModel, schemas) -> None:
    """Replace ids by what they name: items, units and groups (``x-ref``), vocabulary
    entries (``x-vocabulary``) in an item's own fields, and the values of follow-up
    fields bound to a vocabulary. Nested values (inside lists of mappings) keep their ids."""
    named = {**organisation.units, **organisation.groups}
    plans = {t: [(a.path[0], a.key, a.value) for a in found if a.key in ("x-ref", "x-vocabulary") and _own_field(a.path)]
             for t, found in schemas.annotations.items()}
    for item in items.values():
        for name, key, value in plans.get(item.type_name, ()):
            current = getattr(item, name)
            if current is None:
                continue
            lookup = (lambda i: items[i] if i in items else named[i]) if key == "x-ref" else model.vocabulary(value).__getitem__
            setattr(item, name, [lookup(v) for v in current] if isinstance(current, list) else lookup(current))
    for item in items.values():
        item.resolve(model)
        if item.type_name == "follow_up":
            for name in model.follow_up:
                value = getattr(item, name, None)
                if isinstance(value, str):
                    setattr(item, name, model.vocabulary_for(name, item.item)[value])


def _compare_with_adopted(items: dict[str, Item]) -> None:
    """A revision table without ``since`` compares with the version the plan it names is
    built as adopted from (that plan's ``as_of``); validation makes sure there is one."""
    for item in items.values():
        if item.type_name == "document":
            item.contents = [_since_adopted(block, items) for block in item.contents]


def _since_adopted(block: dict, items: dict[str, Item]) -> dict:
    revisions = block.get("revisions")
    as_of = revisions and "since" not in revisions and getattr(items.get(revisions["document"]), "as_of", None)
    return {**block, "revisions": {**revisions, "since": as_of}} if as_of else block


def _own_field(path: tuple) -> bool:
    """A top-level field, or the entries of a top-level list."""
    return len(path) == 1 or (len(path) == 2 and path[1] == "*")


def _children(items: dict[str, Item]) -> dict[str, list[Item]]:
    children: dict[str, list[Item]] = defaultdict(list)
    for item in items.values():
        for parent in item.parents:
            children[parent.id].append(item)
    return dict(children)


def _follow_ups(items: dict[str, Item]) -> dict[str, dict[str, Item]]:
    periods: dict[str, dict[str, Item]] = defaultdict(dict)
    for item in items.values():
        if item.type_name == "follow_up":
            periods[item.period][item.item.id] = item
    return dict(periods)
