"""Editor support: JSON schemas for yaml-language-server (VS Code's YAML extension) that
add what lives in the model configuration, and the VS Code settings that use them.

The editor schemas are the repository's schemas with, added from the content:
- enums for statuses, assessments, levels, origins and every other vocabulary field, each
  value's Swedish label as its description (``enumDescriptions``/``markdownEnumDescriptions``);
- enums of the existing ids a reference (``x-ref``) may name;
- a Swedish ``patternErrorMessage`` on every pattern, and an ``errorMessage`` on each of
  these enums (yaml-language-server shows it instead of its English enum message).
They are generated (``styrdok schemas``), since the ids change with the content.
"""

from __future__ import annotations

import json
from pathlib import Path

from .load import LoadedContent, load_content
from .schema import SchemaSet

DRAFT = "http://json-schema.org/draft-07/schema#"  # the draft yaml-language-server knows best
EXTENSIONS = {"recommendations": ["redhat.vscode-yaml"]}
NOT_ITEMS = ("follow_up", "model", "organisation", "unit", "group", "document", "section")


def editor_schemas(loaded: LoadedContent, schemas: SchemaSet) -> dict[str, dict]:
    """File name → editor schema, one per schema in the set."""
    model = next((f.data for f in loaded.files if isinstance(f.data, dict) and f.data.get("type") == "model"), {})
    vocabularies = {name: [e for e in entries if isinstance(e, dict) and "id" in e]
                    for name, entries in (model.get("vocabularies") or {}).items() if isinstance(entries, list)}
    vocabularies["levels"] = [e for e in model.get("levels") or [] if isinstance(e, dict) and "id" in e]
    ids = _ids_by_type(loaded)
    result = {}
    for path in sorted(schemas.dir.glob("*.schema.json")):  # as written: documents hold Python's patterns
        name, schema = path.name, json.loads(path.read_text(encoding="utf-8"))
        schema.pop("$id", None)  # references then resolve beside the file, not on the web
        schema["$schema"] = DRAFT
        _annotate(schema, vocabularies, ids)
        properties = schema.get("properties", {})
        if name == "follow_up.schema.json":
            for field, rules in (model.get("follow_up") or {}).items():  # status, assessment, …
                if field in properties and isinstance(rules, list):
                    bound = [v for rule in rules if isinstance(rule, dict) for v in vocabularies.get(rule.get("vocabulary"), [])]
                    _add_enum(properties[field], list({e["id"]: e for e in bound}.values()))
        result[name] = schema
    return result


def _ids_by_type(loaded: LoadedContent) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for source in loaded.files:
        data = source.data
        if isinstance(data, dict) and isinstance(data.get("id"), str) and isinstance(data.get("type"), str):
            ids.setdefault(data["type"], []).append(data["id"])
            if data["type"] == "organisation":
                for key, kind in (("units", "unit"), ("groups", "group")):
                    ids.setdefault(kind, []).extend(u["id"] for u in data.get(key) or [] if isinstance(u, dict) and "id" in u)
    return {kind: sorted(set(found)) for kind, found in ids.items()}


def _annotate(node, vocabularies: dict, ids: dict) -> None:
    """Add enums for ``x-vocabulary`` and ``x-ref`` and a Swedish message for each pattern, in place."""
    if isinstance(node, list):
        for child in node:
            _annotate(child, vocabularies, ids)
        return
    if not isinstance(node, dict):
        return
    for child in node.values():
        _annotate(child, vocabularies, ids)
    if node.get("x-vocabulary") in vocabularies:
        _add_enum(node, vocabularies[node["x-vocabulary"]])
    if "x-ref" in node:
        wanted = _referable(node["x-ref"], ids)
        if wanted:
            _keep_siblings(node)
            node["enum"] = wanted
            node["errorMessage"] = "Det finns inget objekt med det id:t. Skriv id:t för ett befintligt objekt."
    if "pattern" in node:
        node["patternErrorMessage"] = pattern_message(node)


def _referable(kinds, ids: dict[str, list[str]]) -> list[str]:
    """The existing ids of the kinds an ``x-ref`` names (``*``: every item)."""
    if kinds == "*":
        kinds = [kind for kind in ids if kind not in NOT_ITEMS]
    elif isinstance(kinds, str):
        kinds = [kinds]
    return sorted({i for kind in kinds for i in ids.get(kind, [])})


def pattern_message(node: dict) -> str:
    """The Swedish message for a value that does not match a pattern: what the value should look like."""
    what = node.get("description") or node.get("title") or "Värdet"
    return f"Fel form. {what}"


def _add_enum(node: dict, entries: list[dict]) -> None:
    if not entries:
        return
    _keep_siblings(node)
    node["enum"] = [e["id"] for e in entries]
    node["enumDescriptions"] = [str(e.get("label", e["id"])) for e in entries]
    node["markdownEnumDescriptions"] = [_entry_text(e) for e in entries]
    choices = ", ".join(f'{e["id"]} ({e.get("label", e["id"])})' for e in entries)
    node["errorMessage"] = f"Välj ett av värdena: {choices}."


def _keep_siblings(node: dict) -> None:
    """Move a ``$ref`` into ``allOf``: draft-07 (and so yaml-language-server) ignores the
    keywords beside a ``$ref``, such as the enum added here."""
    if "$ref" in node:
        node["allOf"] = [{"$ref": node.pop("$ref")}, *node.get("allOf", [])]


def _entry_text(entry: dict) -> str:
    label = str(entry.get("label", entry["id"]))
    description = entry.get("description")
    return f"**{label}**. {description}" if description else f"**{label}**"


def folder_schemas(loaded: LoadedContent, schemas: SchemaSet) -> dict[str, str]:
    """Glob of YAML content files (relative to the project directory) → schema file name: a
    whole folder of the content directory (with its subfolders, such as one per period)
    when all its files have one type, else each file by itself."""
    files = {t: _schema_file(t, schemas) for t in schemas.types}
    typed = [(Path(s.path), files.get(s.data.get("type"))) for s in loaded.files
             if isinstance(s.data, dict) and s.path.endswith((".yaml", ".yml"))]
    by_folder: dict[Path, set] = {}
    for path, schema in typed:
        by_folder.setdefault(Path(*path.parts[:2]), set()).add(schema)
    mapping = {}
    for path, schema in typed:
        folder = Path(*path.parts[:2])
        if schema is None:
            continue
        if len(by_folder[folder]) == 1 and len(path.parts) > 2:
            mapping[f"{folder.as_posix()}/**/*.yaml"] = schema
        else:
            mapping[path.as_posix()] = schema
    return dict(sorted(mapping.items()))


def _schema_file(item_type: str, schemas: SchemaSet) -> str | None:
    wanted = schemas.type_schemas[item_type].get("$id")
    return next((name for name, doc in schemas.documents.items() if doc.get("$id") == wanted), None)


def vscode_settings(mapping: dict[str, str], schema_dir: str) -> dict:
    """``.vscode/settings.json``: each editor schema with the content globs it applies to."""
    by_schema: dict[str, list[str]] = {}
    for pattern, schema in mapping.items():
        by_schema.setdefault(f"./{schema_dir}/{schema}", []).append(pattern)
    return {"yaml.schemas": by_schema, "yaml.validate": True, "yaml.completion": True, "yaml.hover": True}


def write_editor_schemas(content: Path, schemas_dir: Path | None, target: Path) -> int:
    """Write the editor schemas into ``target`` and the VS Code settings beside the project;
    the number of schemas written."""
    from .pipeline import load_schemas, schema_dir_for

    loaded = load_content(content)
    schemas = load_schemas(schema_dir_for(content, schemas_dir)).for_content(loaded)
    target.mkdir(parents=True, exist_ok=True)
    written = editor_schemas(loaded, schemas)
    for name, schema in written.items():
        (target / name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    project = content.resolve().parent
    vscode = project / ".vscode"
    vscode.mkdir(exist_ok=True)
    relative = Path(target.resolve()).relative_to(project).as_posix()
    mapping = folder_schemas(loaded, schemas)
    if (project / "styrdok.yaml").is_file() and (target / "project.schema.json").is_file():
        mapping["styrdok.yaml"] = "project.schema.json"
    settings = vscode_settings(mapping, relative)
    (vscode / "settings.json").write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (vscode / "extensions.json").write_text(json.dumps(EXTENSIONS, indent=2) + "\n", encoding="utf-8")
    return len(written)
