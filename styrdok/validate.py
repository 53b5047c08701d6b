"""Stage 2, validate: every file against its schema, then the checks across files.

All problems are collected in one run and returned as diagnostics, each pointing at
a file, a line and a column. Nothing here knows a municipality's vocabulary: levels,
vocabularies, the follow-up fields bound to them and the item types come from the
content's ``model`` item, and the fields that hold references or Markdown are found
through schema annotations. A file that cannot be read or fails its schema is held:
what refers to it waits, and one note at the file counts what waits on it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from . import history, markup, phrases
from .diagnostics import Diagnostic
from .kolada import missing_years
from .load import LoadedContent, SourceFile, locate, node_at
from .model import GovernanceModel, governance_model, nearest, reserved_names
from .schema import SchemaSet, describe_path, suggest, type_schema_file, values_at

CONFIG_TYPES = ("organisation", "model")
MEMO_SUFFIX = "-tjansteskrivelse"  # a document's memo is the file <id>-tjansteskrivelse (publish, verify, site)


class Workspace(Protocol):
    """What a build would use besides the content: the templates and the git history."""

    def kinds(self) -> list[str]:
        """The document kinds there are templates for."""

    def history_gap(self, ref: str) -> str | None:
        """Why the git version ``ref`` cannot be read here ("no-git", "shallow", "unknown"), or None."""

    def file_at(self, ref: str, path: str) -> dict | None:
        """The data of the content file ``path`` (relative to the content directory) at ``ref``, or None."""


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

    def __init__(self, loaded: LoadedContent, schemas: SchemaSet, workspace: Workspace | None = None, memory=None):
        self.loaded = loaded
        self.schemas = schemas
        self.workspace = workspace
        self.memory = memory  # a ParseCache: what the checks of a file's own data and text found last time
        self.text_keys: dict[str, str] = {}  # item type -> the key of its text checks in memory
        self.diagnostics: list[Diagnostic] = list(loaded.problems)
        self.index = Index()
        self.model: dict = {}
        self.governance: GovernanceModel | None = None
        self.held: dict[str, str] = {}  # id -> file that failed, for items that could not be read or checked
        self.held_types: dict[str, str | None] = {}  # file that failed -> the type it declares
        self.waiting: dict[str, Counter] = defaultdict(Counter)  # failed file -> (singular, plural) -> how many wait
        self.failed_documents: list[SourceFile] = []  # documents that failed their schema

    def report(self, source: SourceFile, path: tuple, message: str, *, key: bool = False, severity: str = "error") -> None:
        line, col = locate(source, path, key=key)
        self.diagnostics.append(Diagnostic(source.path, line, col, message, severity))

    def run(self, period: str | None = None) -> list[Diagnostic]:
        self.period = period
        self.schemas = self.schemas.for_content(self.loaded)
        for path, (item_type, item_id) in self.loaded.unreadable.items():
            self._hold(item_id, item_type, path)
        valid = [source for source in self.loaded.files if self._check_schema(source)]
        self._index(valid)
        self._check_config()
        for source in valid:
            self._check_text(source)
            self._check_references(source)
            self._check_self_merge(source)
        if self.governance:
            self._check_levels()
            self._check_follow_ups()
        self._check_cycles()
        if "document" not in {kind for kind, _id in self.loaded.unreadable.values()}:  # an unread document may show anything
            self._check_orphans()
            self._check_unused_sections()
        self._check_documents()
        if self.governance:
            self._check_figures()
        self.diagnostics += missing_years(valid)
        if period and self.governance:
            self._check_period_complete(period)
        self._report_waiting()
        return sorted(set(self.diagnostics))

    def _check_schema(self, source: SourceFile) -> bool:
        data = source.data
        model_file = self._type_waits_on(data)
        if model_file:
            self.waiting[model_file][(f"fil av typen {data['type']}", f"filer av typen {data['type']}")] += 1
            self._hold(data.get("id"), data["type"], model_file)
            return False
        if self.memory is not None and self.memory.passed(source, self.schemas.fingerprint):
            return True
        errors = self.schemas.errors(data)
        if not errors and self.memory is not None:
            self.memory.remember_passed(source, self.schemas.fingerprint)
        for error in errors:
            self.report(source, error.path, error.message, key=error.at_key)
        if errors and isinstance(data, dict):
            self._hold(data.get("id"), data.get("type"), source.path)
            if data.get("type") == "document":
                self.failed_documents.append(source)
        return not errors

    def _hold(self, item_id, item_type, path: str) -> None:
        """Remember an item that could not be read or checked, so that what refers to it waits."""
        self.held_types.setdefault(path, item_type if isinstance(item_type, str) else None)
        if isinstance(item_id, str):
            self.held.setdefault(item_id, path)

    def _type_waits_on(self, data) -> str | None:
        """The model file an item's unknown type waits on: the model could not be read, or it
        declares the type but the type cannot be used until the model's own error is fixed."""
        item_type = data.get("type") if isinstance(data, dict) else None
        if not isinstance(item_type, str) or item_type in self.schemas.type_schemas:
            return None
        for path, (kind, _id) in self.loaded.unreadable.items():
            if kind == "model":
                return path
        models = [s for s in self.loaded.files if isinstance(s.data, dict) and s.data.get("type") == "model"]
        declared = models[0].data.get("types") if models else None
        return models[0].path if isinstance(declared, dict) and item_type in declared else None

    def _report_waiting(self) -> None:
        for path, counts in self.waiting.items():
            parts = [f"{n} {one if n == 1 else many}" for (one, many), n in sorted(counts.items())]
            self.diagnostics.append(Diagnostic(path, 1, 1, f"{' och '.join(parts)} väntar på den här filen och "
                                                           "kontrolleras när felet här är rättat", "note"))

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
            elif not found and config_type not in self.held_types.values():
                self.diagnostics.append(Diagnostic(self._root_name(), 1, 1, f"innehållet saknar en fil av typen {config_type} (konfiguration)"))
        models = self.index.of_type("model")
        if models and self._check_model(models[0]):
            self.model, self.governance = models[0].data, governance_model(models[0].data)
        elif models:
            self._hold(models[0].data["id"], "model", models[0].path)

    def _root_name(self) -> str:
        return self.loaded.root.name

    def _check_text(self, source: SourceFile) -> None:
        """``_check_markdown``, or what it found last time for the same file and annotations."""
        if self.memory is None:
            return self._check_markdown(source)
        item_type = source.data["type"]
        if item_type not in self.text_keys:
            self.text_keys[item_type] = hashlib.sha256(repr(self.schemas.annotations[item_type]).encode()).hexdigest()
        found = self.memory.remembered(source, self.text_keys[item_type])
        if found is None:
            before = len(self.diagnostics)
            self._check_markdown(source)
            found = self.diagnostics[before:]
            self.memory.remember(source, self.text_keys[item_type], found)
        else:
            self.diagnostics += found

    def _check_markdown(self, source: SourceFile) -> None:
        for annotation in self.schemas.annotated(source.data["type"], "x-markdown"):
            for path, text in values_at(source.data, annotation.path):
                if isinstance(text, str):
                    if _in_figures(source, path):
                        text = phrases.mask(text)
                    elif "{" in text:
                        self._check_stray_placeholders(source, path, text)
                    for line_offset, column, message in markup.problems(text, kind=annotation.value):
                        self._report_in_text(source, path, line_offset, column, message)
        if source.body is not None:
            body = phrases.mask(source.body)
            found = markup.problems(body, kind="section") + markup.length_problems(source.body, markup.SECTION_LIMIT)
            for line_offset, column, message in found:
                self.diagnostics.append(Diagnostic(source.path, source.body_line + line_offset, column + 1, message))
        if markup.may_be_too_long(source.text):
            self._check_lengths(source)

    def _check_stray_placeholders(self, source: SourceFile, path: tuple, text: str) -> None:
        """A placeholder in a field where none is replaced would show as written: a warning."""
        placeholders, _ = phrases.find(text)
        where = ", ".join(phrases.IN_FIGURES)
        found = [(p.start, f"{{{p.source}}} ersätts inte här utan visas som det står; platshållare fungerar bara "
                           f"i tjänsteskrivelsens texter ({where}) och i textavsnitt") for p in placeholders]
        for line_offset, column, message in markup._positions(text, found):
            self._report_in_text(source, path, line_offset, column, message, "warning")

    def _check_lengths(self, source: SourceFile) -> None:
        """The text policy's caps on words and fields, for every string but ids and references."""
        names = {path for annotation in self.schemas.annotated(source.data["type"], "x-ref", "x-vocabulary")
                 for path, _ in values_at(source.data, annotation.path)}
        for path, text in _strings(source.data):
            if path[-1:] != ("id",) and path not in names:
                for line_offset, column, message in markup.length_problems(text):
                    self._report_in_text(source, path, line_offset, column, message)

    def _report_in_text(self, source: SourceFile, path: tuple, line_offset: int, column: int, message: str,
                        severity: str = "error") -> None:
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
        self.diagnostics.append(Diagnostic(source.path, line, col, f'fältet "{describe_path(path)}": {message}', severity))

    def _check_references(self, source: SourceFile) -> None:
        for annotation in self.schemas.annotated(source.data["type"], "x-ref", "x-vocabulary"):
            if annotation.key == "x-ref":
                for path, ref in values_at(source.data, annotation.path):
                    self._check_reference(source, path, ref, annotation.value)
            elif annotation.key == "x-vocabulary" and self.governance:
                for path, value in values_at(source.data, annotation.path):
                    self._check_vocabulary(source, path, value, annotation.value)

    def _check_self_merge(self, source: SourceFile) -> None:
        """A measure merged with or replacing itself would make a revision table say "merged
        with" its own number."""
        data = source.data
        if "merged_into" not in data and not data.get("replaces"):
            return
        paths = [("merged_into",)] + [("replaces", i) for i in range(len(data.get("replaces") or []))]
        for path in paths:
            value = data.get(path[0]) if len(path) == 1 else data["replaces"][path[1]]
            if value is not None and value == data.get("id"):
                field = {"merged_into": "Sammanslagen med", "replaces": "Ersätter"}[path[0]]
                self.report(source, path, f'"{value}" är objektets eget id; en åtgärd kan inte slås ihop med eller '
                                          f'ersätta sig själv (fältet "{path[0]}", {field})')

    def _check_reference(self, source: SourceFile, path: tuple, ref: str, allowed: list[str] | str) -> None:
        kind = self.index.kinds.get(ref)
        if kind is None:
            waits_on = self._waits_on(ref, allowed)
            if waits_on:
                self.waiting[waits_on][("hänvisning", "hänvisningar")] += 1
                return
            candidates = [i for i, k in self.index.kinds.items() if _allows(allowed, k)]
            self.report(source, path, f'"{ref}" finns inte.{suggest(ref, candidates)}')
        elif not _allows(allowed, kind):
            wanted = "ett innehållsobjekt" if allowed == "*" else " eller ".join(self._type_label(k) for k in allowed)
            self.report(source, path, f'"{ref}" är {self._type_label(kind).lower()}, men här krävs {wanted.lower()}')

    def _waits_on(self, ref: str, allowed: list[str] | str) -> str | None:
        """The failed file a dangling reference waits on: the item's own, or the organisation's for a unit."""
        if ref in self.held:
            return self.held[ref]
        if allowed != "*" and set(allowed) <= {"unit", "group"}:
            return next((path for path, kind in self.held_types.items() if kind == "organisation"), None)
        return None

    def _type_label(self, kind: str) -> str:
        labels = {"unit": "En nämnd eller ett bolag", "group": "En grupp"}
        return labels.get(kind) or self.schemas.title(kind)

    def _check_vocabulary(self, source: SourceFile, path: tuple, value: str, vocabulary: str) -> None:
        entries = self.governance.vocabulary(vocabulary)
        if entries is not None:  # a vocabulary the model lacks is reported once, at the model
            self._check_term(source, path, value, entries, f"i vokabulären {vocabulary}")

    def _check_term(self, source: SourceFile, path: tuple, value, entries: dict, where: str):
        """The vocabulary entry a value names, or None after reporting the allowed ones and the nearest."""
        if isinstance(value, str) and value in entries:
            return entries[value]
        close, by_id = nearest(value, entries)
        hint = "" if close is None else f' Menade du "{close.id}"?' if by_id else f' Menade du "{close.id}" ({close.label})?'
        shown = ", ".join(f"{entry.id} ({entry.label})" for entry in entries.values())
        self.report(source, path, f'värdet "{value}" finns inte {where}.{hint} Tillåtna: {shown}.')
        return None

    def _check_model(self, source: SourceFile) -> bool:
        """The model's own consistency: declared types, follow-up bindings, the vocabularies
        the schemas name. Returns False (after reporting) when the model cannot be used."""
        before = len(self.diagnostics)
        for name, entry in source.data.get("types", {}).items():
            self._check_declared_type(source, name, entry)
        vocabularies = set(source.data.get("vocabularies", {})) | {k for k in ("origins", "target_directions") if k in source.data}
        for name, rules in source.data.get("follow_up", {}).items():
            self._check_bindings(source, name, rules, vocabularies)
        used = {(a.value, t) for t, found in self.schemas.annotations.items() for a in found if a.key == "x-vocabulary"}
        for vocabulary, item_type in sorted(used):
            if vocabulary not in vocabularies and vocabulary != "levels":
                self.report(source, ("vocabularies",), f'vokabulären "{vocabulary}" saknas under vocabularies; schemat för '
                                                       f'{self._type_label(item_type).lower()} använder den', key=True)
        return len(self.diagnostics) == before

    def _check_declared_type(self, source: SourceFile, name: str, entry: dict) -> None:
        where = ("types", name)
        schema_file = type_schema_file(name, entry)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            self.report(source, where, f'typnamnet "{name}" får bara innehålla a–z, siffror och _, och börja med en bokstav', key=True)
        elif name in self.schemas.builtin_types or name in ("unit", "group"):
            self.report(source, where, f'typen "{name}" finns redan i styrdok; välj ett annat namn', key=True)
        elif schema_file not in self.schemas.documents:
            self.report(source, where, f'schemafilen {schema_file} finns inte i {self.schemas.dir}', key=True)
        else:
            clashes = sorted(set(self.schemas.type_schemas[name].get("properties", {})) & reserved_names(name))
            for field_name in clashes:
                self.report(source, where, f'fältet "{field_name}" i {schema_file} har ett namn som styrdok själv använder; '
                                           "byt namn på fältet", key=True)

    def _check_bindings(self, source: SourceFile, name: str, rules: list[dict], vocabularies: set[str]) -> None:
        fields = self.schemas.type_schemas["follow_up"].get("properties", {})
        if name not in fields:
            self.report(source, ("follow_up", name), f'uppföljningar har inget fält "{name}"; lägg till det i '
                                                     f'follow_up.schema.json eller rätta namnet.{suggest(name, fields)}', key=True)
        levels = {level["id"] for level in source.data["levels"]}
        for position, rule in enumerate(rules):
            where = ("follow_up", name, position)
            if rule["vocabulary"] not in vocabularies:
                self.report(source, where + ("vocabulary",), f'vokabulären "{rule["vocabulary"]}" finns inte under '
                                                             f'vocabularies.{suggest(rule["vocabulary"], vocabularies)}')
            if not {"types", "levels", "under"} & rule.keys():
                self.report(source, where, "regeln måste ange vilka objekt den gäller: types, levels eller under")
            declared = set(source.data.get("types") or {})  # a declared type's own errors are reported there
            for key, known in (("types", set(self.schemas.types) | declared), ("levels", levels)):
                for index, value in enumerate(rule.get(key, [])):
                    if value not in known:
                        self.report(source, where + (key, index), f'"{value}" finns inte bland {key}.{suggest(value, known)}')
            for index, value in enumerate(rule.get("under", [])):
                if self.index.kinds.get(value) == "document":
                    listed = [i for block in self.index.items[value].data["contents"] for i in block.get("goals", []) + block.get("objects", [])]
                    self.report(source, where + ("under", index), f'"{value}" är ett dokument, och inget ligger under ett dokument; '
                                                                  f'ange i stället målen det tar med: {", ".join(listed) or "(inga)"}')

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
            self._check_bound_fields(source, item.data)
            if data.get("updated") is False:
                self.report(source, ("updated",), "kommentaren är inte skriven för perioden än (raden updated: false); "
                                                  "skriv om den och ta sedan bort raden", key=True,
                            severity="error" if data["period"] == self.period else "warning")

    def _check_bound_fields(self, source: SourceFile, item: dict) -> None:
        """Every follow-up field the model binds to a vocabulary, for the item followed up:
        there when required, a value in that vocabulary, with the fields the value requires."""
        data = source.data
        for name in self.governance.follow_up:
            binding = self.governance.binding(name, item["type"], item.get("level"), lambda: self._ancestors(item["id"]))
            if binding is None:
                if name in data:
                    self.report(source, (name,), f'modellen har ingen vokabulär för fältet "{name}" för {self._item_label(item)}; '
                                                 "ta bort fältet", key=True)
            elif name not in data:
                if binding.required:
                    self.report(source, (), f'fältet "{name}" ({self._field_title(name)}) saknas: {self._item_label(item)} '
                                            f"ska ha ett värde ur vokabulären {binding.vocabulary}")
            else:
                vocabulary = self.governance.vocabularies[binding.vocabulary]
                entry = self._check_term(source, (name,), data[name], vocabulary, f"för {self._item_label(item)}")
                if entry:
                    self._check_requires(source, name, entry, vocabulary)

    def _check_requires(self, source: SourceFile, name: str, entry, vocabulary: dict) -> None:
        data = source.data
        for required in entry.requires:
            if required not in data:
                self.report(source, (name,), f'statusen {entry.label} kräver fältet "{required}" ({self._field_title(required)})', key=True)
        progress = any(e.done for e in vocabulary.values())
        if progress and not entry.done and data.get("expected_year", 9999) < int(data["period"][:4]):
            self.report(source, ("expected_year",), f'arbetet väntas klart {data["expected_year"]}, före periodens år; ange ett nytt år',
                        severity="warning")

    def _ancestors(self, item_id: str) -> set[str]:
        found, waiting = set(), list(self.index.items[item_id].data.get("parents", []))
        while waiting:
            parent = waiting.pop()
            if parent not in found and parent in self.index.items:
                found.add(parent)
                waiting += self.index.items[parent].data.get("parents", [])
        return found

    def _item_label(self, item: dict) -> str:
        return f'{self._type_label(item["type"]).lower()} "{item["id"]}"'

    def _field_title(self, name: str) -> str:
        return self.schemas.type_schemas["follow_up"]["properties"].get(name, {}).get("title", name)

    def _check_cycles(self) -> None:
        graph = {i: s.data.get("parents", []) for i, s in self.index.items.items() if self.index.kinds[i] not in ("unit", "group")}
        for cycle in find_cycles(graph):
            self.report(self.index.items[cycle[0]], ("parents",), "cykel i hierarkin: " + " → ".join(cycle))

    def _check_orphans(self) -> None:
        # what reaches a failed file is given the benefit of the doubt
        shown = self._below(self._goals_in_documents() | set(self.held))
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
                shown.update(block.get("goals", []) + block.get("objects", []))
                origins.update(block.get("origins", []))
        mentioned = self._mentioned_by_failed_documents()
        shown, origins = shown | mentioned, origins | mentioned
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

    def _mentioned_by_failed_documents(self) -> set[str]:
        """Every text in a document that failed its schema: what it may show, given the benefit of the doubt."""
        found, waiting = set(), [source.data for source in self.failed_documents]
        while waiting:
            value = waiting.pop()
            if isinstance(value, str):
                found.add(value)
            elif isinstance(value, (list, dict)):
                waiting += value.values() if isinstance(value, dict) else value
        return found

    def _check_unused_sections(self) -> None:
        used = {block["section"] for s in self.index.of_type("document") for block in s.data["contents"] if "section" in block}
        used |= self._mentioned_by_failed_documents()
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
            if "as_of" in data and self.workspace:
                self._check_history(source, ("as_of",), data["as_of"], history.AS_OF)
                self._check_adopted_definition(source)
            for position, block in enumerate(data["contents"]):
                if "revisions" in block:
                    self._check_since(source, ("contents", position, "revisions"), block["revisions"])

    def _check_since(self, source: SourceFile, path: tuple, block: dict) -> None:
        """The version a revision table compares with: its ``since``, else the as_of of the
        plan it names (``model._compare_with_adopted``)."""
        plan = self.index.items.get(block["document"])
        since = block.get("since") or (plan.data.get("as_of") if plan and self.index.kinds[block["document"]] == "document" else None)
        if since is None:
            if plan is not None:  # an unknown document is reported as such
                self.report(source, path, f'revideringstabellen anger ingen version att jämföra med: ange "since", eller "as_of" i '
                                          f'dokumentet "{block["document"]}" om tabellen ska jämföra med planen som den antogs')
        elif self.workspace:
            self._check_history(source, path + (("since",) if "since" in block else ()), since)

    def _check_adopted_definition(self, source: SourceFile) -> None:
        """A document built as adopted takes its whole definition from that version: a field
        of today's file that says something else there has no effect, which staff are told."""
        ref = source.data["as_of"]
        if self.workspace.history_gap(ref):
            return
        relative = source.path.removeprefix(self._root_name() + "/")
        adopted = self.workspace.file_at(ref, relative)
        if not isinstance(adopted, dict) or adopted.get("id") != source.data["id"]:
            return  # the definition lies elsewhere in that version; the build finds it by its id
        version = ref[:7] if re.fullmatch(r"[0-9a-f]{40}", ref) else ref
        titles = self.schemas.type_schemas["document"]["properties"]
        for name in [*source.data, *(name for name in adopted if name not in source.data)]:
            if name in ("type", "id", "as_of") or source.data.get(name) == adopted.get(name):
                continue
            title = titles.get(name, {}).get("title")
            field_name = f'fältet "{name}"' + (f" ({title})" if title else "")
            if name not in source.data:
                where, what = ("as_of",), f"{field_name} är borttaget här men används ändå"
            else:
                where, what = (name,), f"{field_name} har ingen verkan"
            there = "ser annorlunda ut" if name in source.data and name in adopted else ("finns" if name in adopted else "saknas")
            self.report(source, where, f"{what}: dokumentet byggs som det antogs, ur versionen {version}, där fältet {there}. "
                                       "Ångra ändringen, eller ange i as_of en senare version där den finns med",
                        key=True, severity="warning")

    def _check_figures(self) -> None:
        """Placeholders in memos and sections (``styrdok.phrases``): each names something the
        model has and the documents showing the text can count; numbers written by hand
        before a countable noun get a warning."""
        names = phrases.Names(self.schemas, self.governance)
        nouns = names.nouns()
        documents = self.index.of_type("document")
        for source in (document for document in documents if "as_of" not in document.data):  # else the memo is the version's
            for field_name in phrases.IN_FIGURES:
                text = source.data.get("memo", {}).get(field_name)
                if isinstance(text, str):
                    for offset, message, severity in self._figure_problems(text, names, nouns, [source.data]):
                        for line_offset, column, text_message in markup._positions(text, [(offset, message)]):
                            self._report_in_text(source, ("memo", field_name), line_offset, column, text_message, severity)
        for source in self.index.of_type("section"):
            users = [d.data for d in documents if any(b.get("section") == source.data["id"] for b in d.data["contents"])]
            for offset, message, severity in self._figure_problems(source.body or "", names, nouns, users):
                for line_offset, column, text_message in markup._positions(source.body, [(offset, message)]):
                    self.diagnostics.append(Diagnostic(source.path, source.body_line + line_offset, column + 1, text_message, severity))

    def _figure_problems(self, text: str, names, nouns: dict, documents: list[dict]) -> list[tuple[int, str, str]]:
        """(offset, Swedish message, severity) for the placeholders and hand-written counts in one text."""
        placeholders, malformed = phrases.find(text)
        found = [(offset, message, "error") for offset, message in malformed]
        for placeholder in placeholders:
            problem = names.problem(placeholder)
            shown = "{" + placeholder.source + "}"
            if problem is None and placeholder.kind == phrases.REVISION:
                lacking = [d["id"] for d in documents if not any("revisions" in b for b in d["contents"])]
                if lacking:
                    problem = f"{shown} räknar raderna i dokumentets revideringstabell, men {', '.join(lacking)} har ingen (revisions under contents)"
            elif problem is None and names.follow_up_fields(placeholder):
                lacking = [d["id"] for d in documents if not d.get("period")]
                if lacking:
                    problem = (f"{shown} räknas i uppföljningarna för dokumentets period, men {', '.join(lacking)} "
                               "har ingen period (fältet period)")
            if problem:
                found.append((placeholder.start, problem, "error"))
        found += [(count.start, self._hand_count_message(count, documents), "warning")
                  for count in phrases.hand_counts(text, nouns)]
        return found

    def _hand_count_message(self, count, documents: list[dict]) -> str:
        """Swedish warning for a number written by hand: a contradiction when it is larger than
        all the document shows of its kind, else a request for a placeholder."""
        totals = {d["id"]: self._count_shown(d, count.path) for d in documents}
        over = {d: n for d, n in totals.items() if count.value > n}
        said = f'talet "{count.written}" före "{count.noun}" '
        fix = f"skriv en platshållare, till exempel {count.placeholder}, så att talet räknas fram ur innehållet"
        if over:
            shown = ", ".join(f"{d} visar bara {n} i allt" for d, n in over.items())
            return f"{said}säger emot underlaget: {shown}; {fix}"
        shown = "".join(f" ({', '.join(f'{d} visar {n} i allt' for d, n in totals.items())})" if totals else "")
        return f"{said}är skrivet för hand och kan komma att säga emot underlaget{shown}; {fix}"

    def _count_shown(self, document: dict, path: tuple) -> int:
        """How many items of a type (and goal level) a document shows, from the files as written."""
        blocks = document["contents"]
        tops = {i for block in blocks for i in block.get("goals", []) + block.get("objects", [])}
        origins = {o for block in blocks for o in block.get("origins", [])}
        tops |= {s.data["id"] for s in self.index.of_type("assignment") if s.data["origin"] in origins and not s.data.get("parents")}
        shown = [self.index.items[i].data for i in self._below(tops) if i in self.index.items]
        return sum(1 for data in shown if data.get("type") == path[0] and (len(path) < 3 or data.get(path[1]) == path[2]))

    def _check_history(self, source: SourceFile, path: tuple, ref: str, need: str = history.REVISIONS) -> None:
        """An earlier version a document needs: an unknown one is an error; one this copy of
        the repository lacks (a shallow clone, an archive) a warning, since the other
        documents still build."""
        gap = self.workspace.history_gap(ref)
        if gap:
            severity = "error" if gap == "unknown" else "warning"
            self.report(source, path, history.problem(ref, gap, need), severity=severity)

    def _check_period_complete(self, period: str) -> None:
        covered = {s.data["item"] for s in self.index.of_type("follow_up") if s.data["period"] == period}
        for item_id, kind in self.index.kinds.items():
            if kind in ("unit", "group") or item_id in covered:
                continue
            item = self.index.items[item_id].data
            bindings = [self.governance.binding(name, item["type"], item.get("level"), lambda: self._ancestors(item_id))
                        for name in self.governance.follow_up]
            if any(binding and binding.required for binding in bindings):
                self.report(self.index.items[item_id], ("id",), f"{self._item_label(item)} saknar uppföljning för perioden {period}")


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


def _allows(allowed: list[str] | str, kind: str) -> bool:
    """Whether an ``x-ref`` admits an item of this kind; ``"*"`` admits every content item."""
    return kind not in ("unit", "group", *CONFIG_TYPES) if allowed == "*" else kind in allowed


def _in_figures(source: SourceFile, path: tuple) -> bool:
    """Whether a field's placeholders are replaced: a document's memo texts."""
    return source.data.get("type") == "document" and path[:1] == ("memo",) and path[1:2] in [(f,) for f in phrases.IN_FIGURES]


def _is_block_scalar(source: SourceFile, path: tuple) -> bool:
    return getattr(node_at(source, path), "style", None) in ("|", ">")


def validate(loaded: LoadedContent, schemas: SchemaSet, *, period: str | None = None,
             workspace: Workspace | None = None, memory=None) -> list[Diagnostic]:
    """Validate a loaded content tree; returns sorted diagnostics (empty when clean).

    With a ``workspace``, also what a build needs of it: a template for every document
    kind, and every git version a revision table compares with. With a ``memory`` (a
    ``ParseCache``), the checks of an unchanged file's own text are not run again.
    """
    return Validator(loaded, schemas, workspace, memory).run(period)
