"""Stage 4, render: a Document of the model becomes deterministic Markdown.

The Jinja2 templates in ``templates/`` hold all presentation: headings, table
columns, captions and wording. This module gives them the model, Swedish number
formatting (through babel) and a ``DocumentContext`` that numbers tables in the
order the template shows them, and gives each measure, shown once, its number in the
document (``styrdok.numbering``).

Templates place every string from content through one of the text policy's
filters (``styrdok.markup``): ``text`` for plain fields, ``inline`` and
``markdown`` for Markdown fields. Nothing from content reaches the Markdown as
syntax any other way.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2
from babel.dates import get_month_names
from babel.numbers import format_decimal

from . import charts, images, indicators, markup, numbering, phrases, reads, table_widths
from .model import Content, Item, Term
from .project import Branding, Templates
from .provenance import Provenance
from .template_errors import explain

MINUS = "\u2212"


class RenderError(Exception):
    """A template is missing or broken (Swedish message)."""


@dataclass
class MeasureGroup:
    """Sibling goals shown together, and the measures their shared table lists."""

    goals: list[Item]
    measures: list[tuple[int | str, Item]]


@dataclass
class DocumentContext:
    """Numbering state while one document renders: tables and measures."""

    content: Content
    document: Item
    tables: int = 0
    appendices: int = 0
    revisions: dict = field(default_factory=dict)  # "since" ref -> RevisionTable
    renderer: Renderer | None = None  # number and month formatting, for charts
    charts: list = field(default_factory=list)  # charts.Chart and images.StagedImage the Markdown shows
    shown: set[str] = field(default_factory=set)  # measures taken so far

    @cached_property
    def numbers(self) -> dict[str, int | str]:
        """Measure id -> its number in the document (``styrdok.numbering``); made when a template
        first asks, so that a document showing no measures reads none."""
        return numbering.measure_numbers(self.content, self.document)

    @cached_property
    def counted(self) -> int:
        """The last number of a measure without a fixed number."""
        return sum(self.content.items[i].number is None for i in self.numbers)

    def chart(self, indicator: Item, kind: str = "line") -> str:
        """Markdown for the next chart of an indicator (a kind in ``styrdok.charts.KINDS``) and
        its caption "Diagram N."; the chart itself is drawn at export."""
        if kind not in charts.KINDS:
            raise ValueError(f"okänt slags diagram: {kind} (kan vara {', '.join(charts.KINDS)})")
        number = sum(isinstance(c, charts.Chart) for c in self.charts) + 1
        chart = charts.of_indicator(indicator, kind, f"diagram-{self.document.id}/{number}",
                                    collapse(indicator.name), self.renderer)
        if chart is None:
            return "Det finns för få värden för att visa ett diagram."
        self.charts.append(chart)
        caption = markup.inline(indicator.name) + charts.KINDS[kind]
        return f"{chart.image('pdf')}\n\n*Diagram {number}. {caption}.*"

    def image(self, path: str, alt: str) -> str:
        """Markdown for a committed image at ``path``, relative to the content directory
        (``styrdok.images``); copied into the build for the export."""
        if self.renderer is None or self.renderer.content_dir is None:
            raise images.ImageError("bilder kan bara visas när dokumentet byggs ur en innehållskatalog")
        image = images.declare(self.renderer.content_dir, path, alt)
        reads.image_read(image.source.relative_to(self.renderer.content_dir.resolve()).as_posix())
        self.charts.append(image)
        return image.image("pdf")

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
        """Children of one type: ``internal_control``, or by class-style name (``Assignment``)."""
        return self.content.children_of(item, type_name(kind))

    def take_measures(self, *parents: Item) -> list[tuple[int | str, Item]]:
        """Measures of these parents not yet shown, each with its number in the document. A
        measure the numbering does not reach (a template of one's own may show one) gets
        its fixed number, or else the next number after the document's last."""
        taken = []
        for parent in parents:
            for measure in self.content.children_of(parent, "measure"):
                if measure.id not in self.shown:
                    self.shown.add(measure.id)
                    if measure.id not in self.numbers:
                        self.counted += measure.number is None
                        self.numbers[measure.id] = self.counted if measure.number is None else measure.number
                    taken.append((self.numbers[measure.id], measure))
        return taken

    def number_of(self, measure: Item) -> int | str | None:
        return self.numbers.get(measure.id)

    def subgoal_groups(self, goal: Item) -> list[tuple[str, list[MeasureGroup]]]:
        """Child goals under their level's heading; neighbours sharing measures share a table."""
        sections = []
        for heading, children in numbering.subgoal_sections(self.content, goal):
            groups: list[MeasureGroup] = []
            for child in children:
                own = {m.id for m in self.content.children_of(child, "measure")}
                if groups and own and own == {m.id for m in self._measures_of(groups[-1].goals)}:
                    groups[-1].goals.append(child)
                else:
                    groups.append(MeasureGroup([child], []))
            sections.append((heading, groups))
        for _heading, groups in sections:
            for group in groups:
                group.measures = self.take_measures(*group.goals)
        return sections

    def _measures_of(self, goals: list[Item]) -> list[Item]:
        return [m for g in goals for m in self.content.children_of(g, "measure")]

    def follow_up(self, item: Item) -> Item | None:
        """The item's follow-up for the document's period."""
        return self.content.follow_ups.get(self.document.period or "", {}).get(item.id)

    def assignments(self) -> list[Item]:
        """Every assignment the document shows: under its goals, then in its origin sections."""
        shown = [a for goal in self._listed_goals() for a in self.content.children_of(goal, "assignment")]
        return shown + [a for origin in self._listed_origins() for a in self.of_origin(origin)]

    def measures(self) -> list[Item]:
        """Every measure the document shows, once each, in its order (``styrdok.numbering``)."""
        return [self.content.items[i] for i in numbering.measure_numbers(self.content, self.document)]

    def shown_items(self) -> list[Item]:
        """Every item the document shows: its goals and objects and the assignments of its
        origin sections, with everything under them, once each."""
        tops = self._listed_goals() + [self.content.items[i] for block in self.document.contents for i in block.get("objects", [])]
        tops += [a for origin in self._listed_origins() for a in self.of_origin(origin)]
        found = {item.id: item for item in tops}
        waiting = list(tops)
        while waiting:
            for child in self.content.children.get(waiting.pop().id, ()):
                if child.id not in found:
                    found[child.id] = child
                    waiting.append(child)
        return list(found.values())

    def figures(self, text: str) -> str:
        """Prose with its placeholders replaced by the document's figures (``styrdok.phrases``)."""
        return phrases.resolve(str(text), self)

    def of_origin(self, origin: str) -> list[Item]:
        return numbering.origin_assignments(self.content, origin)

    def counts(self, items: list[Item], field: str = "status") -> list[tuple[Term, int]]:
        """How many items have each value of a follow-up field this period: every entry of the
        vocabularies the items use, in order, with 0 for an entry no item has."""
        return [(term, len(group)) for term, group in self._grouped(items, field)]

    def status_counts(self, items: list[Item], field: str = "status") -> list[tuple[Term, int]]:
        """Like ``counts``, without the entries no item has."""
        return [(term, n) for term, n in self.counts(items, field) if n]

    def by_status_and_year(self, items: list[Item]) -> list[tuple[Term, list[tuple[int | None, list]]]]:
        """Items grouped by status, then by the year they are expected done."""
        result = []
        for status, group in self._grouped(items, "status"):
            if not group:
                continue
            years = sorted({self.follow_up(i).expected_year for i in group}, key=lambda y: (y is None, y or 0))
            result.append((status, [(year, [i for i in group if self.follow_up(i).expected_year == year]) for year in years]))
        return result

    def _grouped(self, items: list[Item], field: str) -> list[tuple[Term, list]]:
        terms: list[Term] = []
        for item in items:
            vocabulary = self.content.model.vocabulary_for(field, item) or {}
            terms += [term for term in vocabulary.values() if term not in terms]
        followed = [(i, getattr(self.follow_up(i), field, None)) for i in items if self.follow_up(i)]
        return [(term, [i for i, value in followed if value == term]) for term in terms]

    def statuses_for(self, kind: str, field: str = "status") -> list[Term]:
        """The entries a follow-up field takes for items of a type, as the model binds it."""
        binding = self.content.model.binding(field, type_name(kind), None, set)
        return list(self.content.model.vocabularies[binding.vocabulary].values()) if binding else []

    def _listed_goals(self) -> list[Item]:
        return [self.content.items[g] for block in self.document.contents for g in block.get("goals", [])]

    def _listed_origins(self) -> list[str]:
        return [o for block in self.document.contents for o in block.get("origins", [])]

    def indicator_years(self, indicators: list) -> list[int]:
        if self.document.indicator_years:
            return list(self.document.indicator_years)
        return sorted({value.year for indicator in indicators for value in indicator.series})


def type_name(kind: str) -> str:
    """An item type from a template's name for it: ``Assignment`` → ``assignment``,
    ``InternalControl`` → ``internal_control``; type names pass unchanged."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", kind).lower()


def collapse(text: str) -> str:
    """Inline text on one line: newlines and runs of spaces become one space."""
    return " ".join(str(text).split())


class Rendered(str):
    """A document's Markdown, and the charts (``charts``) its images refer to."""

    def __new__(cls, markdown: str, charts: tuple = ()):
        rendered = super().__new__(cls, markdown)
        rendered.charts = charts
        return rendered


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates by file and source checksum (Jinja checks the checksum itself),
    kept for the life of the process, and in files in the build's cache directory
    (``keep_in``), so that the next build compiles only the templates that were edited.
    A file begins with the sha256 of the rest and is named by the template, Jinja's and
    Python's versions and the environment's options (``_compiled_key``); one that does not
    match its hash, or that Jinja cannot read, is compiled anew. (Compiled code is run:
    the cache directory is trusted as much as the output beside it, like the rendered
    Markdown kept there.)"""

    def __init__(self):
        self.code: dict[str, bytes] = {}
        self.directory: Path | None = None
        self.new: dict[str, bytes] = {}  # compiled since the last ``write``

    def keep_in(self, directory: Path) -> None:
        """Read compiled templates from ``directory`` from now on; ``write`` keeps those compiled anew there."""
        self.directory = directory

    def load_bytecode(self, bucket) -> None:
        key = _compiled_key(bucket)
        for read in (self.code.get, self._read):
            code = read(key)
            if code is not None:
                try:
                    bucket.bytecode_from_string(code)  # resets the bucket when the source changed
                except Exception:  # noqa: BLE001 (bytes Jinja cannot read: compile anew)
                    bucket.reset()
                if bucket.code is not None:
                    return

    def dump_bytecode(self, bucket) -> None:
        key = _compiled_key(bucket)
        self.code[key] = self.new[key] = bucket.bytecode_to_string()

    def _read(self, key: str) -> bytes | None:
        if self.directory is None:
            return None
        try:
            digest, _, code = (self.directory / key).read_bytes().partition(b"\n")
        except OSError:
            return None
        return code if hashlib.sha256(code).hexdigest().encode("ascii") == digest else None

    def write(self) -> None:
        """Keep the templates compiled anew as files (once the build may write beside its
        output); a cache that cannot be written only costs the next build time."""
        new, self.new = self.new, {}
        for key, code in new.items() if self.directory else ():
            path = self.directory / key
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
                temporary.write_bytes(hashlib.sha256(code).hexdigest().encode("ascii") + b"\n" + code)
                os.replace(temporary, path)
            except OSError:
                pass


def _compiled_key(bucket) -> str:
    """sha256 of the template (Jinja's key: its name and file), Jinja's and Python's
    versions and the environment's options that change the compiled code."""
    env = bucket.environment
    options = (jinja2.__version__, sys.version, env.block_start_string, env.block_end_string,
               env.variable_start_string, env.variable_end_string, env.comment_start_string,
               env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
               env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.autoescape,
               env.optimized, env.is_async, env.finalize is None, sorted(env.extensions), bucket.key)
    return hashlib.sha256(repr(options).encode("utf-8")).hexdigest()


COMPILED = _CompiledTemplates()


class Renderer:
    """Renders documents of one content model with one set of templates.

    ``templates`` is a template directory or a ``Templates`` search path (the project's
    own directory first, then styrdok's), looked up file by file.
    """

    def __init__(self, content: Content, templates: Path | Templates, locale: str = "sv_SE",
                 provenance: Provenance | None = None, branding: Branding | None = None,
                 content_dir: Path | None = None):
        self.content = content
        self.content_dir = content_dir  # where committed images (``doc.image``) are read from
        self.locale = locale
        self.templates = templates if isinstance(templates, Templates) else Templates((Path(templates),))
        self.env = _Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.templates.search_path]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
            bytecode_cache=COMPILED,
        )
        self.env.filters.update(
            text=markup.plain, inline=markup.inline, markdown=markup.markdown, indent_block=markup.indent_block,
            number=self.number, amount=self.amount,
            join_list=join_list, bold=bold, yaml_string=lambda v: json.dumps(str(v), ensure_ascii=False),
            month_short=self.month_short, month_name=self.month_name,
            number_words=lambda n, gender="common": phrases.number_words(n, gender, self.number),
            status_list=lambda counts, gender="common": phrases.status_list(counts, gender, self.number),
            indicator_value=self.indicator_value, years_with_values=indicators.years_with_values,
            split_given=indicators.split_given,
            indicator_change=self.indicator_change, period_short=self.period_short,
            fit_widths=table_widths.fit_attribute, too_narrow=table_widths.too_narrow,
        )
        self.env.globals.update(organisation=content.organisation, model=content.model, content=content,
                                provenance=provenance,
                                wordmark=branding and branding.municipality or content.organisation.municipality)

    def render(self, document: Item, template: str, revisions: dict | None = None,
               provenance: Provenance | None = None) -> Rendered:
        """Render one template for a document into Markdown, with the charts it shows;
        ``provenance`` is the document's own (default: the renderer's)."""
        context = DocumentContext(self.content, document, revisions=revisions or {}, renderer=self)
        extra = {"provenance": provenance} if provenance else {}
        return Rendered(tidy(self._render(context, template, **extra)), tuple(context.charts))

    def _render(self, context: DocumentContext, template: str, **extra) -> str:
        try:
            return self.env.get_template(template).render(document=context.document, doc=context, **extra)
        except jinja2.TemplateNotFound as error:
            if error.name != template:  # included by another template: say where
                raise RenderError(self._explain(error, template, context.document)) from None
            searched = " och ".join(self.env.loader.searchpath)
            raise RenderError(f"mallen {error.name} finns inte (sökt i {searched}; när dokumentet "
                              f"{context.document.id} ({context.document.source_file}) byggdes)") from None
        except Exception as error:  # a template that fails: file, line and document, never a traceback
            raise RenderError(self._explain(error, template, context.document)) from None

    def _explain(self, error: Exception, template: str, document: Item) -> str:
        return explain(error, self.templates.find(template) or template, f"dokumentet {document.id} ({document.source_file})")

    def number(self, value, decimals: int | None = None) -> str:
        """Swedish number: 5 337, 1,53, −7 605 (non-breaking space, real minus)."""
        if value is None:
            return ""
        pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale).replace("-", MINUS)

    def amount(self, value, decimals: int = 0) -> str:
        """A signed amount in a table's unit; a range as "−5 till 3"; never "−0"."""
        if isinstance(value, dict):
            return f"{self.amount(value['low'], decimals)}\u00a0till\u00a0{self.amount(value['high'], decimals)}"
        if value is not None and round(value, decimals) == 0:
            value = 0
        return self.number(value, decimals)

    def indicator_value(self, value, indicator: Item, part: str = "total") -> str:
        """One value of an indicator as its tables show it: "5 787 (okt)", "14,1 (prel.)",
        "saknas"; with the indicator's decimals."""
        return indicators.shown(value, part, indicator.decimals, self.number, self.month_short)

    def indicator_change(self, indicator: Item, part: str = "total") -> str:
        """The change of a part since a year before: "+0,4", "−0,3 procentenheter" for a percentage."""
        pair = indicator.compared(part)
        if pair is None:
            return ""
        decimals = indicator.decimals or 0
        change = round(getattr(pair[1], part) - getattr(pair[0], part), decimals)
        sign = "+" if change > 0 else ""
        return sign + self.number(change or 0, decimals) + (" procentenheter" if indicator.unit == "procent" else "")

    def period_short(self, value) -> str:
        """A value's period as a column header: "2024" or "aug 2024"."""
        return str(value.year) if value.month is None else f"{self.month_short(value.month)} {value.year}"

    def month_short(self, month: int) -> str:
        return get_month_names("abbreviated", locale=self.locale)[month].rstrip(".")

    def month_name(self, month: int) -> str:
        return get_month_names("wide", locale=self.locale)[month]


class _Environment(jinja2.Environment):
    """Jinja's environment, noting each template a render loads (``styrdok.reads``)."""

    def _load_template(self, name, globals):
        reads.template_loaded(name)
        return super()._load_template(name, globals)


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

