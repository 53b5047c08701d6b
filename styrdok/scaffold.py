"""Scaffolding: new items, a new period's follow-ups and a new municipality repository,
written as YAML in the project's own style and validated at once."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .load import LoadedContent, SourceFile
from .schema import SchemaSet

NOT_UPDATED = "updated"  # follow-up field written as `updated: false` until the comment is revised
ID_WORDS = 5  # an id keeps at most this many words of the title
LINKING_WORDS = {"i", "och", "att", "for", "av", "pa", "med", "till", "som", "en", "ett", "det", "den", "om", "fran",
                 "vid", "under", "efter", "mot", "ur", "de", "samt", "eller"}  # an id does not end with one
SPECIAL_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "œ": "oe", "ð": "d", "þ": "th"})


class ScaffoldError(Exception):
    """Why nothing could be created: a Swedish sentence for the user."""


def slug(text: str, words: int = ID_WORDS) -> str:
    """An id fragment: ``Höja valdeltagandet i Ekbacka`` → ``hoja-valdeltagandet-i-ekbacka``."""
    plain = unicodedata.normalize("NFKD", text.lower().translate(SPECIAL_LETTERS))
    ascii_text = "".join(char for char in plain if not unicodedata.combining(char))
    parts = re.findall(r"[a-z0-9]+", ascii_text)[:words]
    while len(parts) > 1 and parts[-1] in LINKING_WORDS:
        parts.pop()
    return "-".join(parts)


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … when it is taken."""
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def yaml_scalar(value) -> str:
    """One value in flow style, strings in double quotes only when YAML needs them."""
    if isinstance(value, str):
        plain = yaml.safe_dump(value, allow_unicode=True, width=10**6, default_flow_style=True).strip()
        plain = plain.removesuffix("\n...").removesuffix("...").strip()
        return value if plain == value else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


# --- reading the content as it is -------------------------------------------------------

@dataclass
class Content:
    """What scaffolding needs to know of a content tree: its items, files and schemas."""

    root: Path
    loaded: LoadedContent
    schemas: SchemaSet
    items: dict[str, SourceFile] = field(default_factory=dict)

    def __post_init__(self):
        self.items = {f.data["id"]: f for f in self.loaded.files
                      if isinstance(f.data, dict) and isinstance(f.data.get("id"), str)}

    @property
    def model(self) -> dict:
        return next((f.data for f in self.items.values() if f.data.get("type") == "model"), {})

    def of_type(self, item_type: str) -> list[SourceFile]:
        return [f for f in self.items.values() if f.data.get("type") == item_type]

    def path_of(self, source: SourceFile) -> Path:
        """The file's path on disk (``source.path`` starts with the content directory's name)."""
        return self.root.parent / source.path

    def type_named(self, name: str) -> str:
        """The item type a user names: its schema name (assignment) or its Swedish label (uppdrag)."""
        wanted = slug(name, words=10)
        declared = self.model.get("types") or {}
        for item_type in self.schemas.types:
            labels = [item_type, self.schemas.title(item_type)]
            if isinstance(declared.get(item_type), dict):
                labels += [declared[item_type].get("label", ""), declared[item_type].get("plural", "")]
            if wanted in {slug(label, words=10) for label in labels}:
                return item_type
        names = ", ".join(sorted(slug(self.schemas.title(t), words=10) for t in self.schemas.types
                                 if t not in ("follow_up", "model", "organisation", "document", "section")))
        raise ScaffoldError(f'okänd objekttyp "{name}"; välj bland {names}')

    def folder_for(self, item_type: str) -> Path:
        """Where items of the type live: the folder most of them are in, else one named after the type."""
        folders = Counter(self.path_of(f).parent for f in self.of_type(item_type))
        if folders:
            return folders.most_common(1)[0][0]
        declared = (self.model.get("types") or {}).get(item_type)
        label = declared.get("plural") if isinstance(declared, dict) else self.schemas.title(item_type)
        return self.root / slug(label or item_type, words=10)

    def id_prefix(self, item_type: str) -> str:
        """The naming style of the type's ids (``atgard-``), when most of them share one."""
        prefixes = Counter(f.data["id"].split("-")[0] for f in self.of_type(item_type) if "-" in f.data["id"])
        if not prefixes:
            return ""
        prefix, count = prefixes.most_common(1)[0]
        return f"{prefix}-" if count * 2 > len(self.of_type(item_type)) else ""

    def property(self, item_type: str, name: str) -> dict:
        """A field's schema with its ``$ref`` resolved (the field's own keys win)."""
        schema = self.schemas.type_schemas[item_type]
        prop = dict(schema.get("properties", {}).get(name, {}))
        if "$ref" in prop:
            resolver = self.schemas.registry.resolver(base_uri=schema.get("$id", ""))
            prop = {**resolver.lookup(prop.pop("$ref")).contents, **prop}
        return prop


def read_content(root: Path, schemas: Path | None = None) -> Content:
    """The content tree at ``root`` with its schemas (default: beside it, else styrdok's own)."""
    from .load import load_content
    from .pipeline import load_schemas, schema_dir_for

    loaded = load_content(root)
    return Content(root, loaded, load_schemas(schema_dir_for(root, schemas)).for_content(loaded))


# --- a new item --------------------------------------------------------------------------

def new_item(content: Content, type_name: str, title: str, parent: str | None = None) -> Path:
    """Write a new item of the type ``type_name`` called ``title``; its path."""
    item_type = content.type_named(type_name)
    if parent is not None and parent not in content.items:
        raise ScaffoldError(f'det finns inget objekt med id "{parent}" att lägga det nya under')
    base = slug(title)
    if not base:
        raise ScaffoldError("rubriken behöver minst en bokstav eller siffra för att ge ett id")
    prefix = content.id_prefix(item_type)
    item_id = unique_id(base if base.startswith(prefix) else prefix + base, set(content.items))
    schema = content.schemas.type_schemas[item_type]
    required = schema.get("required", [])
    known = {"type": item_type, "id": item_id}
    if parent is not None:
        known["parents"] = [parent]
    fields = {}
    for name in schema.get("properties", {}):
        if name not in known and (name in required or (name in ("title", "text", "name") and not _has_title(known))):
            fields[name] = _placeholder(content, item_type, name, title, known)
    siblings = _siblings(content, item_type, parent, known.get("level"))
    if _numbered(content, item_type, "number"):
        known["number"] = next_number([f.data.get("number") for f in siblings])
    if _numbered(content, item_type, "order"):
        known["order"] = next_order([f.data.get("order") for f in siblings])
    lines = []
    for name in schema.get("properties", {}):
        lines += fields.get(name) or ([f"{name}: {yaml_scalar(known[name])}"] if name in known else [])
    path = content.folder_for(item_type) / f"{item_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    return path


def _numbered(content: Content, item_type: str, field: str) -> bool:
    """Whether items of the type carry ``field``: the schema requires it, or they have it in use."""
    schema = content.schemas.type_schemas[item_type]
    return field in schema.get("required", []) or any(field in f.data for f in content.of_type(item_type))


def _has_title(known: dict) -> bool:
    return any(name in known for name in ("title", "text", "name"))


def _siblings(content: Content, item_type: str, parent: str | None, level: str | None) -> list[SourceFile]:
    """The items the new one is numbered among: those under the same parent (and on the same
    level), or without a parent the top-level ones, else every item of the type."""
    same = [f for f in content.of_type(item_type) if f.data.get("level") == level
            and (parent in (f.data.get("parents") or []) if parent else not f.data.get("parents"))]
    return same or ([] if parent else content.of_type(item_type))


def next_number(numbers: list) -> str:
    """The number after the highest: ``7.9`` → ``7.10``, ``N1.1`` → ``N1.2``, none → ``1``."""
    def key(number: str):
        return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", number)]

    written = sorted((n for n in numbers if isinstance(n, str) and re.search(r"\d", n)), key=key)
    if not written:
        return "1"
    last = written[-1]
    digits = list(re.finditer(r"\d+", last))[-1]
    return f"{last[:digits.start()]}{int(digits.group()) + 1}{last[digits.end():]}"


def next_order(orders: list) -> int:
    """The order after the highest, in the steps the siblings use (10 when unclear)."""
    values = sorted(o for o in orders if isinstance(o, int))
    if not values:
        return 10
    steps = Counter(b - a for a, b in zip(values, values[1:]) if b > a)
    step = steps.most_common(1)[0][0] if steps else 10
    return values[-1] + step


def _placeholder(content: Content, item_type: str, name: str, title: str, known: dict) -> list[str]:
    """The lines of one field the user fills in: a Swedish comment and a value that validates."""
    prop = content.property(item_type, name)
    what = prop.get("description") or prop.get("title") or name
    if name in ("title", "text", "name") and not _has_title(known):
        known[name] = title
        return [f"{name}: {yaml_scalar(title)}"]
    vocabulary = _vocabulary(content, prop.get("x-vocabulary", ""), known.get("parents"))
    if vocabulary:
        choices = ", ".join(f'{e["id"]} ({e.get("label", "")})' for e in vocabulary)
        known[name] = vocabulary[0]["id"]
        return [f"# Skriv: {what} Välj bland: {choices}.", f"{name}: {vocabulary[0]['id']}"]
    value = _example_value(content, item_type, name, prop)
    return [f"# Skriv: {what}", f"{name}: {yaml_scalar(value)}"]


def _vocabulary(content: Content, name: str, parents: list | None) -> list[dict]:
    """The entries of a model vocabulary; for ``levels``, those allowed under the parent's level."""
    if name != "levels":
        return [e for e in (content.model.get("vocabularies") or {}).get(name) or [] if isinstance(e, dict)]
    parent_levels = {content.items[p].data.get("level") for p in parents or []}
    return [e for e in content.model.get("levels") or []
            if isinstance(e, dict) and (not parents or parent_levels & set(e.get("parents") or []))]


def _example_value(content: Content, item_type: str, name: str, prop: dict):
    """A valid starting value to replace: what most items of the type have, else one of the schema's kind."""
    kind = prop.get("type")
    existing = Counter(yaml_scalar(f.data[name]) for f in content.of_type(item_type) if name in f.data)
    if existing:
        return yaml.safe_load(existing.most_common(1)[0][0])
    if kind == "integer" and prop.get("minimum", 0) >= 1900:
        return date.today().year
    if "enum" in prop:
        return prop["enum"][0]
    return {"integer": 0, "number": 0, "boolean": False, "array": []}.get(kind, "Skriv här")


# --- a new period ------------------------------------------------------------------------

CARRIED = ("status", "assessment", "assessment_kind", "reason", "expected_year", "comment")


@dataclass
class PeriodResult:
    created: list[Path]
    existing: list[str]  # items that already had a follow-up for the period
    previous: str
    started: list[str] = field(default_factory=list)  # items followed up for the first time


def new_period(content: Content, period: str, previous: str | None = None) -> PeriodResult:
    """Write the follow-ups of ``period``, each prefilled from the item's follow-up of
    ``previous`` (default: the latest period before it) and marked as not yet updated."""
    follow_ups = content.of_type("follow_up")
    periods = sorted({f.data.get("period") for f in follow_ups if isinstance(f.data.get("period"), str)})
    if previous is None:
        earlier = [p for p in periods if p < period]
        if not earlier:
            raise ScaffoldError(f"det finns inga uppföljningar före {period} att utgå från; ange --från")
        previous = earlier[-1]
    elif previous not in periods:
        raise ScaffoldError(f"det finns inga uppföljningar för perioden {previous}")
    done_already = {f.data["item"] for f in follow_ups if f.data.get("period") == period}
    created, existing = [], []
    for source in sorted((f for f in follow_ups if f.data.get("period") == previous), key=lambda f: f.path):
        item = source.data["item"]
        if item in done_already:
            existing.append(item)
            continue
        path = _period_folder(content.path_of(source), previous, period) / _period_name(source, previous, period)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as file:
            file.write(_follow_up_text(source.data, period, _renamed(source.data["id"], previous, period)))
        created.append(path)
    result = PeriodResult(created, existing, previous)
    followed = done_already | {f.data["item"] for f in follow_ups if f.data.get("period") == previous}
    _start_follow_ups(content, period, followed, result)
    return result


def _start_follow_ups(content: Content, period: str, followed: set[str], result: PeriodResult) -> None:
    """A follow-up of ``period`` for each item the model wants followed up that has none to copy:
    the first value of each required field's vocabulary and a comment to write, marked as not updated."""
    from .model import governance_model

    model = governance_model(content.model)
    folder = result.created[0].parent if result.created else content.folder_for("follow_up") / period
    for item_id, source in sorted(content.items.items()):
        item = source.data
        if item_id in followed or item.get("type") in ("follow_up", "model", "organisation", "document", "section"):
            continue
        values = {}
        for name in model.follow_up:
            binding = model.binding(name, item["type"], item.get("level"), lambda: _ancestors(content, item_id))
            if binding and binding.required:
                values[name] = next((t for t in model.vocabularies[binding.vocabulary].values() if not t.done), None) \
                    or next(iter(model.vocabularies[binding.vocabulary].values()))
        if not values:
            continue
        path = folder / f"{period}-{item_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as file:
            file.write(_first_follow_up_text(item_id, period, values))
        result.created.append(path)
        result.started.append(item_id)


def _ancestors(content: Content, item_id: str) -> set[str]:
    found, waiting = set(), list(content.items[item_id].data.get("parents") or [])
    while waiting:
        parent = waiting.pop()
        if parent not in found and parent in content.items:
            found.add(parent)
            waiting += content.items[parent].data.get("parents") or []
    return found


FIRST_VALUES = {"comment": "Skriv vad som är gjort och vad som återstår.",
                "reason": "Skriv varför.", "expected_year": None}


def _first_follow_up_text(item_id: str, period: str, values: dict) -> str:
    lines = ["type: follow_up", f"id: {yaml_scalar(f'{period}-{item_id}')}", f"item: {yaml_scalar(item_id)}",
             f"period: {json.dumps(period)}"]
    required = set()
    for name, term in values.items():
        lines += [f"# Skriv: {name} är satt till {term.label}; välj det värde som gäller.", f"{name}: {term.id}"]
        required |= set(term.requires)
    if "assessment" in values:
        kind = "utfall" if len(period) == 4 or period.endswith("-12") else "prognos"
        lines += ["# Skriv: prognos vid delårsrapporter, utfall i årsbokslutet.", f"assessment_kind: {kind}"]
    if "expected_year" in required:
        lines += ["# Skriv: året arbetet väntas bli klart.", f"expected_year: {period[:4]}"]
    lines += ["# Första uppföljningen av objektet. Skriv kommentaren och ta sedan bort raden updated: false;",
              "# en sådan uppföljning kan inte publiceras.", f"{NOT_UPDATED}: false",
              f"comment: {FIRST_VALUES['comment']}"]
    if "reason" in required:
        lines.append(f"reason: {FIRST_VALUES['reason']}")
    return "\n".join(lines) + "\n"


def _renamed(text: str, previous: str, period: str) -> str:
    return text.replace(previous, period) if previous in text else f"{period}-{text}"


def _period_folder(path: Path, previous: str, period: str) -> Path:
    """A folder named after the period beside the previous one's, or the same folder."""
    folder = path.parent
    return folder.parent / period if folder.name == previous else folder


def _period_name(source: SourceFile, previous: str, period: str) -> str:
    name = Path(source.path).name
    return name.replace(previous, period) if previous in name else f"{period}-{name}"


def _follow_up_text(old: dict, period: str, new_id: str) -> str:
    lines = ["type: follow_up", f"id: {yaml_scalar(new_id)}", f"item: {yaml_scalar(old['item'])}",
             f"period: {json.dumps(period)}"]
    for name in CARRIED:
        if name not in old:
            continue
        value = old[name]
        if name == "comment":
            lines.append("# Kommentaren och orsaken är från förra perioden. Skriv om dem för den här perioden och ta")
            lines.append("# sedan bort raden updated: false; en sådan uppföljning kan inte publiceras.")
            lines.append(f"{NOT_UPDATED}: false")
        if isinstance(value, str) and "\n" in value.strip():
            lines.append(f"{name}: |")
            lines += [f"  {line}".rstrip() for line in value.rstrip("\n").split("\n")]
        else:
            lines.append(f"{name}: {yaml_scalar(value)}")
    return "\n".join(lines) + "\n"


# --- a new repository --------------------------------------------------------------------

def starter_dir() -> Path:
    """The starter repository that ``init`` copies, shipped inside the package."""
    return Path(__file__).resolve().parent / "starter"


def new_repository(target: Path, ci_dir: Path) -> list[Path]:
    """Create a municipality's repository in ``target`` (new or empty); the files written."""
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"katalogen {target} är inte tom; välj en ny katalog")
    shutil.copytree(starter_dir(), target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (target / "gitignore").rename(target / ".gitignore")
    shutil.copy(ci_dir / "pre-commit-config.yaml", target / ".pre-commit-config.yaml")
    workflows = target / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for workflow in sorted((ci_dir / "github").glob("*.yml")):
        shutil.copy(workflow, workflows / workflow.name)
    shutil.copy(ci_dir / "gitlab-ci.yml", target / ".gitlab-ci.yml")
    return sorted(p for p in target.rglob("*") if p.is_file())
