"""Stage 4, render: a Document of the model becomes deterministic Markdown.

The Jinja2 templates in ``templates/`` hold all presentation: headings, table
columns, captions and wording. This module gives them the model, Swedish number
formatting (through babel) and a ``DocumentContext`` that numbers tables and
measures in the order the template shows them, so every measure appears once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel.dates import get_month_names
from babel.numbers import format_decimal

from .model import Assignment, Content, Document, FollowUp, Goal, Indicator, Item, Measure, Status, vocabulary_for
from .project import Branding, Templates
from .provenance import Provenance
from .template_errors import explain

KINDS = {"Assignment": Assignment, "Goal": Goal, "Indicator": Indicator, "Measure": Measure}

MINUS = "\u2212"
BLOCK_START = re.compile(r"^(\s*)(\d+)([.)])(\s)|^(\s*)([-+*>#|])(\s|$)")


class RenderError(Exception):
    """A template is missing or broken (Swedish message)."""


@dataclass
class MeasureGroup:
    """Sibling goals shown together, and the measures their shared table lists."""

    goals: list[Goal]
    measures: list[tuple[int, Measure]]


@dataclass
class DocumentContext:
    """Numbering state while one document renders: tables and measures."""

    content: Content
    document: Document
    tables: int = 0
    appendices: int = 0
    numbers: dict[str, int] = field(default_factory=dict)
    revisions: dict = field(default_factory=dict)  # "since" ref -> RevisionTable

    def caption(self, text: str) -> str:
        """The next table's caption: "Tabell N. text"."""
        self.tables += 1
        text = collapse(text)
        return f"{self.tables}. {text}" + ("" if text.endswith((".", "!", "?")) else ".")

    def resolve(self, ids: list[str]) -> list[Item]:
        return [self.content.items[item_id] for item_id in ids]

    def appendix(self) -> int:
        self.appendices += 1
        return self.appendices

    def children(self, item: Item, kind: str) -> list:
        """Children of a kind, by class name (``Assignment``, ``Indicator``, ``Goal``)."""
        return self.content.children_of(item, KINDS[kind])

    def take_measures(self, *parents: Item) -> list[tuple[int, Measure]]:
        """Measures of these parents not yet shown, numbered through the document."""
        taken = []
        for parent in parents:
            for measure in self.content.children_of(parent, Measure):
                if measure.id not in self.numbers:
                    self.numbers[measure.id] = len(self.numbers) + 1
                    taken.append((self.numbers[measure.id], measure))
        return taken

    def number_of(self, measure: Measure) -> int | None:
        return self.numbers.get(measure.id)

    def subgoal_groups(self, goal: Goal) -> list[tuple[str, list[MeasureGroup]]]:
        """Child goals under their level's heading; neighbours sharing measures share a table."""
        sections: dict[str, list[MeasureGroup]] = {}
        for child in self.content.children_of(goal, Goal):
            heading = child.level.heading or child.level.plural
            groups = sections.setdefault(heading, [])
            own = {m.id for m in self.content.children_of(child, Measure)}
            if groups and own and own == {m.id for m in self._measures_of(groups[-1].goals)}:
                groups[-1].goals.append(child)
            else:
                groups.append(MeasureGroup([child], []))
        for groups in sections.values():
            for group in groups:
                group.measures = self.take_measures(*group.goals)
        return list(sections.items())

    def _measures_of(self, goals: list[Goal]) -> list[Measure]:
        return [m for g in goals for m in self.content.children_of(g, Measure)]

    def follow_up(self, item: Item) -> FollowUp | None:
        """The item's follow-up for the document's period."""
        return self.content.follow_ups.get(self.document.period or "", {}).get(item.id)

    def assignments(self) -> list[Assignment]:
        """Every assignment the document shows: under its goals, then in its origin sections."""
        shown = [a for goal in self._listed_goals() for a in self.content.children_of(goal, Assignment)]
        return shown + [a for origin in self._listed_origins() for a in self.of_origin(origin)]

    def measures(self) -> list[Measure]:
        """Every measure under the document's assignments and committee goals, once each."""
        parents = self.assignments() + [g for goal in self._listed_goals() for g in self.content.children_of(goal, Goal)]
        unique = {m.id: m for parent in parents for m in self.content.children_of(parent, Measure)}
        return list(unique.values())

    def of_origin(self, origin: str) -> list[Assignment]:
        return [a for a in self.content.of_type(Assignment) if a.origin.id == origin and not a.parents]

    def status_counts(self, items: list[Item]) -> list[tuple[Status, int]]:
        """How many items have each status this period, in the vocabulary's order."""
        return [(status, len(group)) for status, group in self._by_status(items)]

    def by_status_and_year(self, items: list[Item]) -> list[tuple[Status, list[tuple[int | None, list]]]]:
        """Items grouped by status, then by the year they are expected done."""
        result = []
        for status, group in self._by_status(items):
            years = sorted({self.follow_up(i).expected_year for i in group}, key=lambda y: (y is None, y or 0))
            result.append((status, [(year, [i for i in group if self.follow_up(i).expected_year == year]) for year in years]))
        return result

    def _by_status(self, items: list[Item]) -> list[tuple[Status, list]]:
        followed = [i for i in items if self.follow_up(i) and self.follow_up(i).status]
        if not followed:
            return []
        vocabulary = vocabulary_for(self.content.model.statuses, *followed[0].vocabulary_keys) or {}
        groups = [(status, [i for i in followed if self.follow_up(i).status.id == status.id]) for status in vocabulary.values()]
        return [(status, group) for status, group in groups if group]

    def statuses_for(self, kind: str) -> list[Status]:
        return list(self.content.model.statuses.get(kind, {}).values())

    def _listed_goals(self) -> list[Goal]:
        return [self.content.items[g] for block in self.document.contents for g in block.get("goals", [])]

    def _listed_origins(self) -> list[str]:
        return [o for block in self.document.contents for o in block.get("origins", [])]

    def indicator_years(self, indicators: list) -> list[int]:
        if self.document.indicator_years:
            return list(self.document.indicator_years)
        return sorted({value.year for indicator in indicators for value in indicator.values})


def collapse(text: str) -> str:
    """Inline text on one line: newlines and runs of spaces become one space."""
    return " ".join(str(text).split())


def cell(text) -> str:
    """Inline Markdown that is safe at the start of a list item or table cell."""
    return BLOCK_START.sub(_escape_marker, collapse(text))


def _escape_marker(match: re.Match) -> str:
    if match.group(2):
        return f"{match.group(1)}{match.group(2)}\\{match.group(3)}{match.group(4)}"
    return f"{match.group(5)}\\{match.group(6)}{match.group(7)}"


def indent_block(text: str, width: int) -> str:
    """Block Markdown indented to continue a list item (first line not indented)."""
    lines = str(text).strip().split("\n")
    pad = " " * width
    return "\n".join([lines[0]] + [pad + line if line.strip() else "" for line in lines[1:]])


class Renderer:
    """Renders documents of one content model with one set of templates.

    ``templates`` is a template directory or a ``Templates`` search path (the project's
    own directory first, then styrdok's), looked up file by file.
    """

    def __init__(self, content: Content, templates: Path | Templates, locale: str = "sv_SE",
                 provenance: Provenance | None = None, branding: Branding | None = None):
        self.content = content
        self.locale = locale
        self.templates = templates if isinstance(templates, Templates) else Templates((Path(templates),))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.templates.search_path]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
        )
        self.env.filters.update(
            number=self.number, amount=self.amount, cell=cell, collapse=collapse, indent_block=indent_block,
            join_list=join_list, bold=bold, yaml_string=lambda v: json.dumps(str(v), ensure_ascii=False),
            month_short=self.month_short, month_name=self.month_name,
        )
        self.env.globals.update(organisation=content.organisation, model=content.model, content=content,
                                provenance=provenance,
                                wordmark=branding and branding.municipality or content.organisation.municipality)

    def render(self, document: Document, template: str, revisions: dict | None = None) -> str:
        """Render one template for a document into Markdown."""
        return tidy(self._render(DocumentContext(self.content, document, revisions=revisions or {}), template))

    def measure_numbers(self, document: Document) -> dict[str, int]:
        """Measure id → the display number the document's own template gives it."""
        context = DocumentContext(self.content, document)
        self._render(context, self.templates.kind(document.kind).template)
        return dict(context.numbers)

    def _render(self, context: DocumentContext, template: str) -> str:
        try:
            return self.env.get_template(template).render(document=context.document, doc=context)
        except jinja2.TemplateNotFound as error:
            if error.name != template:  # included by another template: say where
                raise RenderError(self._explain(error, template, context.document)) from None
            searched = " och ".join(self.env.loader.searchpath)
            raise RenderError(f"mallen {error.name} finns inte (sökt i {searched}; när dokumentet "
                              f"{context.document.id} ({context.document.source}) byggdes)") from None
        except Exception as error:  # a template that fails: file, line and document, never a traceback
            raise RenderError(self._explain(error, template, context.document)) from None

    def _explain(self, error: Exception, template: str, document: Document) -> str:
        return explain(error, self.templates.find(template) or template, f"dokumentet {document.id} ({document.source})")

    def number(self, value, decimals: int | None = None) -> str:
        """Swedish number: 5 337, 1,53, −7 605 (non-breaking space, real minus)."""
        if value is None:
            return ""
        pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale).replace("-", MINUS)

    def amount(self, value, decimals: int = 0) -> str:
        """A signed amount in a table's unit; a range as "−5 till 3"; never "−0"."""
        if isinstance(value, dict):
            return f"{self.amount(value['low'], decimals)} till {self.amount(value['high'], decimals)}"
        if value is not None and round(value, decimals) == 0:
            value = 0
        return self.number(value, decimals)

    def month_short(self, month: int) -> str:
        return get_month_names("abbreviated", locale=self.locale)[month].rstrip(".")

    def month_name(self, month: int) -> str:
        return get_month_names("wide", locale=self.locale)[month]


def bold(value) -> str:
    """Strong emphasis for a non-empty cell (total rows)."""
    return f"**{value}**" if str(value).strip() else ""


def join_list(items, conjunction: str) -> str:
    """"a, b och c" with the conjunction the template gives."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def tidy(text: str) -> str:
    """Deterministic layout: no trailing spaces, at most one blank line, one final newline."""
    lines = [line.rstrip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip("\n") + "\n"

