"""Stage 2, validate: every file against its schema, then the checks across files.

All problems are collected in one run and returned as diagnostics, each pointing at
a file, a line and a column. Nothing here knows a municipality's vocabulary: levels,
statuses and their required fields come from the content's ``model`` item, and the
fields that hold references or Markdown are found through schema annotations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from . import history, markup
from .diagnostics import Diagnostic
from .kolada import missing_years
from .load import LoadedContent, SourceFile, locate, node_at
from .model import vocabulary_for
from .schema import SchemaSet, describe_path, suggest, values_at

CONFIG_TYPES = ("organisation", "model")
MEMO_SUFFIX = "-tjansteskrivelse"  # a document's memo is built as <id>-tjansteskrivelse, as publish names it


class Workspace(Protocol):
    """What a build would use besides the content: the templates and the git history."""

    def kinds(self) -> list[str]:
        """The document kinds there are templates for."""

    def history_gap(self, ref: str) -> str | None:
        """Why the git version ``ref`` cannot be read here ("no-git", "shallow", "unknown"), or None."""


@dataclass
class Index:
    """Valid items by id, plus organisation units and groups as referable entries."""

    items: dict[str, SourceFile] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # id -> item type, "unit" or "group"

    def add(self, item_id: str, kind: str, source: SourceFile) -> None:
        self.items[item_id] = source
        self.kinds[item_id] = kind

    def of_type(self, kind: str) -> list[SourceFile]:
        return [self.items[i] for i, k in self.kinds.items() if k == kind]


class Validator:
    """Collects diagnostics for one content tree."""

    def __init__(self, loaded: LoadedContent, schemas: SchemaSet, workspace: Workspace | None = None):
        self.loaded = loaded
        self.schemas = schemas
        self.workspace = workspace
        self.diagnostics: list[Diagnostic] = list(loaded.problems)
        self.index = Index()
        self.model: dict = {}

    def report(self, source: SourceFile, path: tuple, message: str, *, key: bool = False, severity: str = "error") -> None:
        line, col = locate(source, path, key=key)
        self.diagnostics.append(Diagnostic(source.path, line, col, message, severity))

    def run(self, period: str | None = None) -> list[Diagnostic]:
        valid = [source for source in self.loaded.files if self._check_schema(source)]
        self._index(valid)
        self._check_config()
        for source in valid:
            self._check_markdown(source)
            self._check_references(source)
        if self.model:
            self._check_levels()
            self._check_follow_ups()
        self._check_cycles()
        self._check_orphans()
        self._check_unused_sections()
        self._check_documents()
        self.diagnostics += missing_years(valid)
        if period:
            self._check_period_complete(period)
        return sorted(set(self.diagnostics))

    def _check_schema(self, source: SourceFile) -> bool:
        errors = self.schemas.errors(source.data)
        for error in errors:
            self.report(source, error.path, error.message, key=error.at_key)
        return not errors

    def _index(self, valid: list[SourceFile]) -> None:
        for source in valid:
            item_id, item_type = source.data["id"], source.data["type"]
            if item_id in self.index.items:
                first = self.index.items[item_id]
                self.report(source, ("id",), f'id "{item_id}" används redan i {first.path}; varje id måste vara unikt')
                continue
            self.index.add(item_id, item_type, source)
            if item_type == "organisation":
                self._index_units(source)

    def _index_units(self, source: SourceFile) -> None:
        for kind, key in (("unit", "units"), ("group", "groups")):
            for position, entry in enumerate(source.data.get(key, [])):
                if entry["id"] in self.index.items:
                    self.report(source, (key, position, "id"), f'id "{entry["id"]}" används redan; varje id måste vara unikt')
                else:
                    self.index.add(entry["id"], kind, source)

    def _check_config(self) -> None:
        for config_type in CONFIG_TYPES:
            found = self.index.of_type(config_type)
            if len(found) > 1:
                for extra in found[1:]:
                    self.report(extra, ("type",), f'det får bara finnas en fil av typen {config_type}; den första är {found[0].path}')
            elif not found:
                self.diagnostics.append(Diagnostic(self._root_name(), 1, 1, f"innehållet saknar en fil av typen {config_type} (konfiguration)"))
        models = self.index.of_type("model")
        self.model = models[0].data if models else {}

    def _root_name(self) -> str:
        return self.loaded.root.name

    def _check_markdown(self, source: SourceFile) -> None:
        for annotation in self.schemas.annotations[source.data["type"]]:
            if annotation.key != "x-markdown":
                continue
            for path, text in values_at(source.data, annotation.path):
                if isinstance(text, str):
                    for line_offset, column, message in markup.problems(text, kind=annotation.value):
                        self._report_in_text(source, path, line_offset, column, message)
        if source.body is not None:
            found = markup.problems(source.body, kind="section") + markup.length_problems(source.body, markup.SECTION_LIMIT)
            for line_offset, column, message in found:
                self.diagnostics.append(Diagnostic(source.path, source.body_line + line_offset, column + 1, message))
        if markup.may_be_too_long(source.text):
            self._check_lengths(source)

    def _check_lengths(self, source: SourceFile) -> None:
        """The text policy's caps on words and fields, for every string but ids and references."""
        names = {path for annotation in self.schemas.annotations[source.data["type"]]
                 if annotation.key in ("x-ref", "x-vocabulary") for path, _ in values_at(source.data, annotation.path)}
        for path, text in _strings(source.data):
            if path[-1:] != ("id",) and path not in names:
                for line_offset, column, message in markup.length_problems(text):
                    self._report_in_text(source, path, line_offset, column, message)

    def _report_in_text(self, source: SourceFile, path: tuple, line_offset: int, column: int, message: str) -> None:
        line, col = locate(source, path)
        style = getattr(node_at(source, path), "style", None)
        if style in ("|", ">"):  # block scalars start on the line after the key, indented
            line += line_offset + 1
            lines = source.text.split("\n")
            text_line = lines[line - 1 - source.line_offset] if line - 1 - source.line_offset < len(lines) else ""
            col = len(text_line) - len(text_line.lstrip(" ")) + (column if style == "|" else 0) + 1  # > folds lines
        elif line_offset:
            line, col = line + line_offset, 1
        else:
            col += column + (1 if style in ("'", '"') else 0)
        self.diagnostics.append(Diagnostic(source.path, line, col, f'fältet "{describe_path(path)}": {message}'))

    def _check_references(self, source: SourceFile) -> None:
        for annotation in self.schemas.annotations[source.data["type"]]:
            if annotation.key == "x-ref":
                for path, ref in values_at(source.data, annotation.path):
                    self._check_reference(source, path, ref, annotation.value)
            elif annotation.key == "x-vocabulary" and self.model:
                for path, value in values_at(source.data, annotation.path):
                    self._check_vocabulary(source, path, value, annotation.value)

    def _check_reference(self, source: SourceFile, path: tuple, ref: str, allowed: list[str]) -> None:
        kind = self.index.kinds.get(ref)
        if kind is None:
            candidates = [i for i, k in self.index.kinds.items() if k in allowed]
            self.report(source, path, f'"{ref}" finns inte.{suggest(ref, candidates)}')
        elif kind not in allowed:
            wanted = " eller ".join(self._type_label(k) for k in allowed)
            self.report(source, path, f'"{ref}" är {self._type_label(kind).lower()}, men här krävs {wanted.lower()}')

    def _type_label(self, kind: str) -> str:
        labels = {"unit": "En nämnd eller ett bolag", "group": "En grupp"}
        return labels.get(kind) or self.schemas.title(kind)

    def _check_vocabulary(self, source: SourceFile, path: tuple, value: str, vocabulary: str) -> None:
        entries = self.model.get(vocabulary, [])
        ids = [entry["id"] for entry in entries]
        if value not in ids:
            shown = ", ".join(f'{entry["id"]} ({entry["label"]})' for entry in entries)
            self.report(source, path, f'"{value}" finns inte i modellens {vocabulary}. Tillåtna: {shown}.{suggest(value, ids)}')

    def _check_levels(self) -> None:
        levels = {level["id"]: level for level in self.model["levels"]}
        for source in self.index.of_type("goal"):
            goal = source.data
            allowed = levels.get(goal["level"], {}).get("parents", [])
            for position, parent_id in enumerate(goal.get("parents", [])):
                parent = self.index.items.get(parent_id)
                if parent is None or parent.data["type"] != "goal" or goal["level"] not in levels:
                    continue
                if parent.data["level"] not in allowed:
                    names = ", ".join(levels[p]["label"] for p in allowed) or "inga (toppnivå)"
                    self.report(source, ("parents", position), f'ett mål på nivån {levels[goal["level"]]["label"]} får inte ligga under {levels.get(parent.data["level"], {}).get("label", parent.data["level"])}; tillåtna överordnade nivåer: {names}')

    def _check_follow_ups(self) -> None:
        seen: dict[tuple, SourceFile] = {}
        for source in self.index.of_type("follow_up"):
            data = source.data
            item = self.index.items.get(data["item"])
            if item is None:
                continue
            key = (data["item"], data["period"])
            if key in seen:
                self.report(source, ("item",), f'"{data["item"]}" har redan en uppföljning för {data["period"]} i {seen[key].path}')
            seen.setdefault(key, source)
            self._check_status(source, item.data)
            self._check_assessment(source, item.data)

    def _check_status(self, source: SourceFile, item: dict) -> None:
        data = source.data
        vocabulary = vocabulary_for(self.model.get("statuses", {}), item["type"], item.get("level"))
        if vocabulary is None:
            if "status" in data:
                self.report(source, ("status",), f"modellen har ingen statusvokabulär för {self._item_label(item)}; ta bort fältet status", key=True)
            return
        if "status" not in data:
            self.report(source, (), f'fältet "status" ({self._field_title("status")}) saknas: {self._item_label(item)} ska ha en status')
            return
        entry = self._vocabulary_entry(source, "status", vocabulary, f"för {self._item_label(item)}")
        for required in entry["requires"] if entry else ():
            if required not in data:
                self.report(source, ("status",), f'statusen {entry["label"]} kräver fältet "{required}" ({self._field_title(required)})', key=True)
        if entry and not entry.get("done") and data.get("expected_year", 9999) < int(data["period"][:4]):
            self.report(source, ("expected_year",), f'arbetet väntas klart {data["expected_year"]}, före periodens år; ange ett nytt år',
                        severity="warning")

    def _check_assessment(self, source: SourceFile, item: dict) -> None:
        scale = vocabulary_for(self.model.get("assessment_scales", {}), item["type"], item.get("level"))
        if scale is None:
            if "assessment" in source.data:
                self.report(source, ("assessment",), f"modellen har ingen bedömningsskala för {self._item_label(item)}", key=True)
        elif "assessment" not in source.data:
            self.report(source, (), f'fältet "assessment" ({self._field_title("assessment")}) saknas: {self._item_label(item)} ska bedömas')
        else:
            self._vocabulary_entry(source, "assessment", scale, f"för {self._item_label(item)}")

    def _vocabulary_entry(self, source: SourceFile, key: str, vocabulary: list[dict], context: str) -> dict | None:
        value = source.data[key]
        entry = next((e for e in vocabulary if e["id"] == value), None)
        if entry is None:
            ids = [e["id"] for e in vocabulary]
            shown = ", ".join(f'{e["id"]} ({e["label"]})' for e in vocabulary)
            self.report(source, (key,), f'värdet "{value}" finns inte {context}. Tillåtna: {shown}.{suggest(value, ids)}')
        return entry

    def _item_label(self, item: dict) -> str:
        return f'{self._type_label(item["type"]).lower()} "{item["id"]}"'

    def _field_title(self, name: str) -> str:
        return self.schemas.type_schemas["follow_up"]["properties"].get(name, {}).get("title", name)

    def _check_cycles(self) -> None:
        graph = {i: s.data.get("parents", []) for i, s in self.index.items.items() if self.index.kinds[i] not in ("unit", "group")}
        for cycle in find_cycles(graph):
            self.report(self.index.items[cycle[0]], ("parents",), "cykel i hierarkin: " + " → ".join(cycle))

    def _check_orphans(self) -> None:
        shown = self._below(self._goals_in_documents())
        for source in self.index.of_type("measure"):
            if any(parent not in self.index.items for parent in source.data["parents"]):
                continue  # already reported as a dangling reference
            if source.data["id"] not in shown:
                self.report(source, ("parents",), "åtgärden visas inte i något dokument: ingen av dess överordnade finns med i ett dokuments contents (goals eller origins)", key=True)

    def _goals_in_documents(self) -> set[str]:
        """Ids a document lists: its goals, and the assignments of its origin sections."""
        shown, origins = set(), set()
        for source in self.index.of_type("document"):
            for block in source.data["contents"]:
                shown.update(block.get("goals", []))
                origins.update(block.get("origins", []))
        shown.update(s.data["id"] for s in self.index.of_type("assignment") if s.data["origin"] in origins)
        return shown

    def _below(self, tops: set[str]) -> set[str]:
        """``tops`` and every item under them, however deep (no recursion, cycles allowed)."""
        children = defaultdict(list)
        for item_id, kind in self.index.kinds.items():
            if kind not in ("unit", "group"):
                for parent in self.index.items[item_id].data.get("parents", []):
                    children[parent].append(item_id)
        reached, waiting = set(tops), list(tops)
        while waiting:
            for child in children.get(waiting.pop(), ()):
                if child not in reached:
                    reached.add(child)
                    waiting.append(child)
        return reached

    def _check_unused_sections(self) -> None:
        used = {block["section"] for s in self.index.of_type("document") for block in s.data["contents"] if "section" in block}
        for source in self.index.of_type("section"):
            if source.data["id"] not in used:
                self.report(source, ("id",), "textavsnittet används inte i något dokument", severity="warning")

    def _check_documents(self) -> None:
        """What a build would otherwise meet first: clashing file names, unknown kinds and versions."""
        documents = self.index.of_type("document")
        memos = {source.data["id"] + MEMO_SUFFIX: source for source in documents if "memo" in source.data}
        kinds = self.workspace.kinds() if self.workspace else None
        for source in documents:
            data = source.data
            if data["id"] in memos:
                other = memos[data["id"]]
                self.report(source, ("id",), f'dokumentet får samma filnamn som tjänsteskrivelsen till "{other.data["id"]}" i {other.path}; välj ett annat id')
            if kinds is not None and data["kind"] not in kinds:
                self.report(source, ("kind",), f'dokumentslaget "{data["kind"]}" finns inte: det finns ingen mall {data["kind"]}.md.j2. '
                                               f'Tillgängliga: {", ".join(kinds)}.{suggest(data["kind"], kinds)}')
            for position, block in enumerate(data["contents"]):
                if "revisions" in block and self.workspace:
                    self._check_history(source, position, block["revisions"]["since"])

    def _check_history(self, source: SourceFile, position: int, ref: str) -> None:
        """A revision table's earlier version: an unknown one is an error; one this copy of
        the repository lacks (a shallow clone, an archive) a warning, since the other
        documents still build."""
        gap = self.workspace.history_gap(ref)
        if gap:
            severity = "error" if gap == "unknown" else "warning"
            self.report(source, ("contents", position, "revisions", "since"), history.problem(ref, gap), severity=severity)

    def _check_period_complete(self, period: str) -> None:
        covered = {s.data["item"] for s in self.index.of_type("follow_up") if s.data["period"] == period}
        tables = [self.model.get("statuses", {}), self.model.get("assessment_scales", {})]
        for item_id, kind in self.index.kinds.items():
            if kind in ("unit", "group") or item_id in covered:
                continue
            source = self.index.items[item_id]
            if any(vocabulary_for(table, source.data["type"], source.data.get("level")) for table in tables):
                self.report(source, ("id",), f"{self._item_label(source.data)} saknar uppföljning för perioden {period}")


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Every cycle one depth-first pass meets, each as a closed path (a → b → a)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles = []
    for start in sorted(graph):
        if start in state:
            continue
        state[start], path, stack = 1, [start], [iter(graph[start])]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(child) == 1:
                cycles.append(path[path.index(child):] + [child])
            elif child in graph and child not in state:
                state[child] = 1
                path.append(child)
                stack.append(iter(graph[child]))
    return cycles


def _strings(data):
    """Every string in a file's data, with its path (no recursion, whatever the nesting)."""
    stack = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, (dict, list)):
            stack += [(path + (key,), child) for key, child in (value.items() if isinstance(value, dict) else enumerate(value))]


def validate(loaded: LoadedContent, schemas: SchemaSet, *, period: str | None = None,
             workspace: Workspace | None = None) -> list[Diagnostic]:
    """Validate a loaded content tree; returns sorted diagnostics (empty when clean).

    With a ``workspace``, also what a build needs of it: a template for every document
    kind, and every git version a revision table compares with.
    """
    return Validator(loaded, schemas, workspace).run(period)
