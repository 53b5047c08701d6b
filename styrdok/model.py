"""Stage 3, model: validated data becomes domain objects with resolved references.

``build_model`` takes the files the load stage read (and validation accepted) and
returns a ``Content``: every Goal, Assignment, Measure, Indicator, FollowUp and
Document, with ids replaced by the objects they name and children indexed under
their parents. Labels and vocabularies come from the content's own configuration.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .load import LoadedContent

DEFAULT_ORDER = 100


@dataclass(frozen=True)
class Term:
    """A vocabulary entry: an id written in content, a label shown in reports."""

    id: str
    label: str
    abbreviation: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    plural: str
    parents: tuple[str, ...]
    heading: str | None = None


@dataclass(frozen=True)
class Status:
    id: str
    label: str
    requires: tuple[str, ...]
    done: bool = False
    description: str | None = None
    summary: dict | None = None  # phrases for generated prose: plural, common, neuter

    def phrase(self, count: int, gender: str) -> str:
        """"färdiga" for several, "färdig"/"färdigt" for one (by the noun's gender)."""
        forms = self.summary or {}
        key = "plural" if count != 1 else gender
        return forms.get(key, self.label.lower())


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


@dataclass(eq=False)
class Item:
    """Every content item: its id, its type and the file it came from."""

    type_name: ClassVar[str] = ""  # the item's `type` in content
    id: str
    source: str
    parents: list = field(default_factory=list)
    order: int = DEFAULT_ORDER

    @property
    def vocabulary_keys(self) -> tuple[str, str | None]:
        """What selects this item's status vocabulary: its type and goal level."""
        level = getattr(self, "level", None)
        return self.type_name, level.id if level else None

    @property
    def sort_key(self) -> tuple:
        return (self.order, natural_key(getattr(self, "number", None) or ""), self.id)


@dataclass(eq=False)
class Goal(Item):
    type_name: ClassVar[str] = "goal"
    level: Level | None = None
    title: str = ""
    number: str | None = None
    description: str | None = None


@dataclass(eq=False)
class Assignment(Item):
    type_name: ClassVar[str] = "assignment"
    title: str = ""
    year: int = 0
    origin: Term | None = None
    number: str | None = None
    original_year: int | None = None
    committees: list = field(default_factory=list)
    description: str | None = None
    merged_into: str | None = None
    replaces: list = field(default_factory=list)


@dataclass(eq=False)
class SteeringDocument(Item):
    type_name: ClassVar[str] = "steering_document"
    title: str = ""
    kind: str | None = None
    adopted_by: str | None = None
    year: int | None = None
    url: str | None = None


@dataclass(eq=False)
class Measure(Item):
    type_name: ClassVar[str] = "measure"
    text: str = ""
    expected_effects: list[str] = field(default_factory=list)
    steering_documents: list[SteeringDocument] = field(default_factory=list)
    years: dict | None = None
    activities: list[str] = field(default_factory=list)
    merged_into: str | None = None
    replaces: list = field(default_factory=list)
    reason: str | None = None


@dataclass(frozen=True)
class IndicatorValue:
    period: str
    total: float | None = None
    women: float | None = None
    men: float | None = None

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def month(self) -> int | None:
        return int(self.period[5:7]) if len(self.period) > 4 else None


@dataclass(eq=False)
class Indicator(Item):
    type_name: ClassVar[str] = "indicator"
    name: str = ""
    source_name: str = ""
    unit: str | None = None
    definition: str | None = None
    gender_split: bool = False
    direction: Term | None = None
    target_value: float | None = None
    comparison: dict | None = None
    values: list[IndicatorValue] = field(default_factory=list)

    def value_for(self, year: int) -> IndicatorValue | None:
        """The latest value within a year (a full year beats a partial period)."""
        within = [v for v in self.values if v.year == year]
        return max(within, key=lambda v: (v.month is None, v.month or 0)) if within else None


@dataclass(eq=False)
class Section(Item):
    type_name: ClassVar[str] = "section"
    title: str = ""
    body: str = ""


@dataclass(eq=False)
class Budget(Item):
    type_name: ClassVar[str] = "budget"
    title: str = ""
    introduction: str | None = None
    tables: list[dict] = field(default_factory=list)


@dataclass(eq=False)
class Calendar(Item):
    type_name: ClassVar[str] = "calendar"
    title: str = ""
    caption: str = ""
    introduction: str | None = None
    months: list[dict] = field(default_factory=list)


@dataclass(eq=False)
class FollowUp(Item):
    type_name: ClassVar[str] = "follow_up"
    item: Item | None = None
    period: str = ""
    status: Status | None = None
    assessment: Term | None = None
    assessment_kind: str | None = None
    comment: str | None = None
    reason: str | None = None
    expected_year: int | None = None


@dataclass(eq=False)
class Document(Item):
    type_name: ClassVar[str] = "document"
    kind: str = ""
    title: str = ""
    subtitle: str | None = None
    committee: Unit | None = None
    date: str = ""
    diarienummer: str = ""
    handlaggare: list[str] = field(default_factory=list)
    period: str | None = None
    indicator_years: list[int] | None = None
    contents: list[dict] = field(default_factory=list)
    memo: dict | None = None
    history: list[dict] = field(default_factory=list)


@dataclass
class GovernanceModel:
    """The municipality's model: levels and vocabularies, from ``model`` content."""

    levels: dict[str, Level]
    origins: dict[str, Term]
    directions: dict[str, Term]
    statuses: dict[str, dict[str, Status]]
    scales: dict[str, dict[str, Term]]


@dataclass
class Organisation:
    municipality: str
    administration: str
    units: dict[str, Unit]
    groups: dict[str, Group]


@dataclass
class Content:
    """The whole model of one content tree."""

    organisation: Organisation
    model: GovernanceModel
    items: dict[str, Item]
    children: dict[str, list[Item]]
    follow_ups: dict[str, dict[str, FollowUp]]  # period -> item id -> follow-up

    def of_type(self, cls: type) -> list:
        return sorted((i for i in self.items.values() if type(i) is cls), key=lambda i: i.sort_key)

    def children_of(self, item: Item, cls: type) -> list:
        return sorted((c for c in self.children.get(item.id, []) if type(c) is cls), key=lambda c: c.sort_key)

    @property
    def documents(self) -> list[Document]:
        return self.of_type(Document)

    @property
    def steering_documents(self) -> list[SteeringDocument]:
        return sorted(self.of_type(SteeringDocument), key=lambda d: (d.title.lower(), d.id))


def vocabulary_for(table: dict, kind: str, level: str | None = None):
    """A per-type vocabulary: the goal level's entry if there is one, else the item type's."""
    return table.get(level) or table.get(kind)


def natural_key(text: str) -> tuple:
    """Sort "2" before "14" and "N1.1" before "N1.10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", text))


def build_model(loaded: LoadedContent) -> Content:
    """Build the domain model from loaded, validated content."""
    raw = {source.data["id"]: source for source in loaded.files}
    by_type: dict[str, list] = defaultdict(list)
    for source in loaded.files:
        by_type[source.data["type"]].append(source)
    organisation = _organisation(by_type["organisation"][0].data)
    model = _governance_model(by_type["model"][0].data)
    items: dict[str, Item] = {}
    for item_type, factory in FACTORIES.items():
        for source in by_type[item_type]:
            items[source.data["id"]] = factory(source.data, source.path, model, organisation)
    _resolve(items, raw, organisation, model)
    return Content(organisation, model, items, _children(items), _follow_ups(items))


def _organisation(data: dict) -> Organisation:
    return Organisation(
        municipality=data["municipality"],
        administration=data["administration"],
        units={u["id"]: Unit(u["id"], u["abbreviation"], u["name"], u["kind"]) for u in data["units"]},
        groups={g["id"]: Group(g["id"], g["label"]) for g in data.get("groups", [])},
    )


def _terms(entries: list[dict]) -> dict[str, Term]:
    return {e["id"]: Term(e["id"], e["label"], e.get("abbreviation"), e.get("description")) for e in entries}


def _governance_model(data: dict) -> GovernanceModel:
    return GovernanceModel(
        levels={l["id"]: Level(l["id"], l["label"], l["plural"], tuple(l["parents"]), l.get("heading")) for l in data["levels"]},
        origins=_terms(data["origins"]),
        directions=_terms(data["target_directions"]),
        statuses={
            item_type: {s["id"]: Status(s["id"], s["label"], tuple(s["requires"]), s.get("done", False), s.get("description"), s.get("summary"))
                        for s in entries}
            for item_type, entries in data["statuses"].items()
        },
        scales={item_type: _terms(entries) for item_type, entries in data["assessment_scales"].items()},
    )


def _common(data: dict, source: str) -> dict:
    return {"id": data["id"], "source": source, "order": data.get("order", DEFAULT_ORDER)}


def _goal(data, source, model, _org):
    return Goal(**_common(data, source), level=model.levels[data["level"]], title=data["title"],
                number=data.get("number"), description=data.get("description"))


def _assignment(data, source, model, _org):
    return Assignment(**_common(data, source), title=data["title"], year=data["year"], origin=model.origins[data["origin"]],
                      number=data.get("number"), original_year=data.get("original_year"), description=data.get("description"),
                      merged_into=data.get("merged_into"), replaces=data.get("replaces", []))


def _measure(data, source, _model, _org):
    return Measure(**_common(data, source), text=data["text"], expected_effects=data.get("expected_effects", []),
                   years=data.get("years"), activities=data.get("activities", []), merged_into=data.get("merged_into"),
                   replaces=data.get("replaces", []), reason=data.get("reason"))


def _indicator(data, source, model, _org):
    target = data["target"]
    return Indicator(**_common(data, source), name=data["name"], source_name=data["source"], unit=data.get("unit"),
                     definition=data.get("definition"), gender_split=data.get("gender_split", False),
                     direction=model.directions.get(target.get("direction")), target_value=target.get("value"),
                     comparison=data.get("comparison"), values=[IndicatorValue(**v) for v in data.get("values", [])])


def _simple(cls, *fields):
    def factory(data, source, _model, _org):
        return cls(**_common(data, source), **{f: data[f] for f in fields if f in data})
    return factory


def _section(data, source, _model, _org):
    return Section(**_common(data, source), title=data["title"], body=data.get("body", ""))


def _follow_up(data, source, _model, _org):
    return FollowUp(**_common(data, source), period=data["period"], comment=data.get("comment"), reason=data.get("reason"),
                    expected_year=data.get("expected_year"), assessment_kind=data.get("assessment_kind"))


def _document(data, source, _model, org):
    fields = ("kind", "title", "subtitle", "date", "diarienummer", "handlaggare", "period", "indicator_years", "contents", "memo", "history")
    return Document(**_common(data, source), committee=org.units[data["committee"]], **{f: data[f] for f in fields if f in data})


FACTORIES = {
    "goal": _goal,
    "assignment": _assignment,
    "measure": _measure,
    "indicator": _indicator,
    "steering_document": _simple(SteeringDocument, "title", "kind", "adopted_by", "year", "url"),
    "section": _section,
    "budget": _simple(Budget, "title", "introduction", "tables"),
    "calendar": _simple(Calendar, "title", "caption", "introduction", "months"),
    "document": _document,
    "follow_up": _follow_up,
}


def _resolve(items: dict[str, Item], raw: dict, organisation: Organisation, model: GovernanceModel) -> None:
    """Replace ids by objects: parents, committees, steering documents, follow-up items."""
    named = {**organisation.units, **organisation.groups}
    for item in items.values():
        data: dict[str, Any] = raw[item.id].data
        item.parents = [items[p] for p in data.get("parents", [])]
        if isinstance(item, Assignment):
            item.committees = [named[c] for c in data["committees"]]
        elif isinstance(item, Measure):
            item.steering_documents = [items[s] for s in data.get("steering_documents", [])]
        elif isinstance(item, FollowUp):
            item.item = items[data["item"]]
            subject = raw[data["item"]].data
            keys = (subject["type"], subject.get("level"))
            if "status" in data:
                item.status = vocabulary_for(model.statuses, *keys)[data["status"]]
            if "assessment" in data:
                item.assessment = vocabulary_for(model.scales, *keys)[data["assessment"]]
        elif isinstance(item, Section):
            item.body = raw[item.id].body or ""


def _children(items: dict[str, Item]) -> dict[str, list[Item]]:
    children: dict[str, list[Item]] = defaultdict(list)
    for item in items.values():
        for parent in item.parents:
            children[parent.id].append(item)
    return dict(children)


def _follow_ups(items: dict[str, Item]) -> dict[str, dict[str, FollowUp]]:
    periods: dict[str, dict[str, FollowUp]] = defaultdict(dict)
    for item in items.values():
        if isinstance(item, FollowUp):
            periods[item.period][item.item.id] = item
    return dict(periods)
