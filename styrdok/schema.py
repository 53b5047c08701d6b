"""The JSON Schemas in ``schemas/``: loading, checking, and Swedish error messages.

Every schema file is registered under its ``$id``. ``item.schema.json`` dispatches on
the ``type`` field with ``if``/``then``; the mapping from type to schema is read from
it. A municipality's own item types are declared in its model configuration (``types``)
and each named schema file is added to that dispatch: ``for_content`` returns the set
extended with them.

Schemas also carry styrdok's own annotations, which drive the cross-file checks:
``x-ref`` (the value is the id of an item of these types, or of any item for ``"*"``),
``x-vocabulary`` (the value is an id in that vocabulary of the model) and
``x-markdown`` (the value is Markdown text, ``inline`` or ``block``).

A schema directory that cannot serve (invalid JSON, a malformed keyword, a ``$ref``
to nothing) raises ``SchemaInvalid`` with one Swedish line naming the file.

Two validators share the work: jsonschema-rs answers "valid or not" for every item,
and python-jsonschema explains, in Swedish, only the items that fail. A ``pattern``
means what JSON Schema says (ECMA-262) in both: jsonschema-rs reads it so already,
and for python-jsonschema each pattern is rewritten (``python_pattern``).
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

ITEM_SCHEMA = "item.schema.json"
ANNOTATION_KEYS = ("x-ref", "x-vocabulary", "x-markdown")
MARKDOWN_KINDS = ("inline", "block")

TYPE_NAMES = {
    "object": "en mappning (nyckel: värde)",
    "array": "en lista",
    "string": "text",
    "integer": "ett heltal",
    "number": "ett tal",
    "boolean": "true eller false",
    "null": "ett tomt värde",
}


class SchemaInvalid(Exception):
    """A schema is malformed; the message (Swedish) names the file and the place in it."""


@dataclass(frozen=True)
class Annotation:
    """A styrdok annotation found at a path pattern (``*`` = every list item)."""

    path: tuple
    key: str
    value: Any


@dataclass(frozen=True)
class SchemaError:
    """One schema violation: where (a data path, the key or the value) and what."""

    path: tuple
    message: str
    at_key: bool = False


class SchemaSet:
    """All schemas of a content repository, ready to check items."""

    def __init__(self, schema_dir: Path):
        self.dir = schema_dir
        self.documents = _read_documents(schema_dir)
        if ITEM_SCHEMA not in self.documents:
            raise SchemaInvalid(f"{ITEM_SCHEMA} saknas; det anger vilka objekttyper som finns")
        self.registry = Registry().with_resources(
            (doc["$id"], Resource.from_contents(_with_python_patterns(doc))) for doc in self.documents.values()
        )
        for name, document in self.documents.items():
            _check_document(name, document, self.registry)
        self.fast_registry = jsonschema_rs.Registry([(doc["$id"], doc) for doc in self.documents.values()])
        self.base = self  # the set as read from the directory, without declared types
        self._derived: dict[tuple, SchemaSet] = {}
        self._fields: dict[str, dict[str, Any]] = {}
        self._use(self.documents[ITEM_SCHEMA])
        self.builtin_types = tuple(self.types)

    def _use(self, item_schema: dict) -> None:
        """Dispatch items through ``item_schema``: type schemas, annotations, checkers."""
        self.item_schema = item_schema
        resolver = self.registry.resolver(base_uri=item_schema["$id"])
        self._validator = None  # python-jsonschema's, built when an item fails
        self._fingerprint: str | None = None
        self.is_valid = self._fast_validator().is_valid
        self.type_schemas = _type_schemas(item_schema, resolver)
        self.types = sorted(self.type_schemas)
        self.annotations = {t: _type_annotations(t, s, resolver) for t, s in self.type_schemas.items()}
        self._annotated: dict[tuple, list[Annotation]] = {}

    @property
    def validator(self):
        """python-jsonschema's validator of ``item_schema``, which explains what fails; loaded
        only then, since an item that passes is checked by jsonschema-rs alone."""
        if self._validator is None:
            from jsonschema import Draft202012Validator

            self._validator = Draft202012Validator(_with_python_patterns(self.item_schema), registry=self.registry)
        return self._validator

    @property
    def fingerprint(self) -> str:
        """The sha256 of the item schema and every schema file: what an item's verdict depends on."""
        if self._fingerprint is None:
            shown = json.dumps([self.item_schema, self.documents], sort_keys=True, ensure_ascii=False)
            self._fingerprint = hashlib.sha256(shown.encode("utf-8")).hexdigest()
        return self._fingerprint

    def for_content(self, loaded) -> "SchemaSet":
        """This set extended with the item types the content's model declares (see ``declared_types``)."""
        return self.with_types(declared_types(loaded, self))

    def with_types(self, types: dict[str, str]) -> "SchemaSet":
        """A set that also dispatches each ``type → schema file`` given; built once per distinct set."""
        base, key = self.base, tuple(sorted(types.items()))
        if not key:
            return base
        if key not in base._derived:
            item_schema = copy.deepcopy(base.item_schema)
            item_schema["properties"]["type"]["enum"] = list(item_schema["properties"]["type"]["enum"]) + [t for t, _ in key]
            item_schema["allOf"] = list(item_schema.get("allOf", [])) + [_dispatch(t, base.documents[f]["$id"]) for t, f in key]
            derived = copy.copy(base)
            derived._fields = {}
            derived._use(item_schema)
            base._derived[key] = derived
        return base._derived[key]

    def fields(self, item_type: str) -> dict[str, Any]:
        """The top-level fields a type's schema allows, in schema order, each with the value it
        has when absent: the schema's ``default``, an empty list for a list, else None."""
        if item_type not in self._fields:
            schema = self.type_schemas.get(item_type, {})
            resolver = self.registry.resolver(base_uri=schema.get("$id", ""))
            self._fields[item_type] = {name: _absent_value(sub, resolver) for name, sub in schema.get("properties", {}).items()}
        return self._fields[item_type]

    def errors(self, data: Any) -> list[SchemaError]:
        """Every violation in one item, explained in Swedish (empty when valid)."""
        if self.is_valid(data):
            return []
        try:
            explained = explain_errors(self.validator, data)
        except re.error:  # a pattern only ECMA-262 reads (jsonschema-rs accepted it)
            explained = []
        return explained or self._fast_errors(data)

    def _fast_errors(self, data: Any) -> list[SchemaError]:
        """jsonschema-rs's own findings, for the rare item python-jsonschema reads otherwise
        (a regular expression feature Python lacks): a failed item always says where."""
        return [SchemaError(tuple(error.instance_path), f'{_where(tuple(error.instance_path))} har fel form eller ett värde som inte är tillåtet')
                for error in self._fast_validator().iter_errors(data)]

    def _fast_validator(self):
        return jsonschema_rs.Draft202012Validator(self.item_schema, registry=self.fast_registry)

    def annotated(self, item_type: str, *keys: str) -> list[Annotation]:
        """The annotations of a type with one of ``keys``, in schema order."""
        found = self._annotated.get((item_type, keys))
        if found is None:
            found = self._annotated[item_type, keys] = [a for a in self.annotations[item_type] if a.key in keys]
        return found

    def title(self, item_type: str) -> str:
        return self.type_schemas[item_type].get("title", item_type)


def explain_errors(validator, data: Any) -> list[SchemaError]:
    """Every violation of ``data`` against a jsonschema validator, in Swedish, once each."""
    found: dict[tuple, SchemaError] = {}
    for error in validator.iter_errors(data):
        for explained in _explain(error):
            found.setdefault((explained.path, explained.message), explained)
    return list(found.values())


def _read_documents(schema_dir: Path) -> dict[str, dict]:
    """Every ``*.schema.json`` by file name; each must be a JSON object with an ``$id``."""
    documents = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        try:
            document = json.loads(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError:
            raise SchemaInvalid(f"schemat {path.name} är inte sparat som UTF-8") from None
        except json.JSONDecodeError as error:
            raise SchemaInvalid(f"schemat {path.name} är inte giltig JSON (rad {error.lineno}, kolumn {error.colno})") from None
        except RecursionError:
            raise SchemaInvalid(f"schemat {path.name} är för djupt nästlat") from None
        if not isinstance(document, dict) or not isinstance(document.get("$id"), str):
            raise SchemaInvalid(f"schemat {path.name} ska vara ett JSON-objekt med ett $id")
        documents[path.name] = document
    return documents


ECMA_CLASSES = {  # what \d, \w and \s match in ECMA-262, as the inside of a Python character class
    "d": "0-9",
    "w": "A-Za-z0-9_",
    "s": "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff",
}


def python_pattern(pattern: str) -> str:
    """A JSON Schema ``pattern`` (ECMA-262) as Python must write it to mean the same: ``$``
    matches only at the very end (never before a final newline), ``.`` stops at every line
    end, and ``\\d``, ``\\w``, ``\\s`` are ECMA's (ASCII digits and letters, Unicode spaces)."""
    translated, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
            if char.lower() in ECMA_CLASSES and not (in_class and char.isupper()):
                inside = ECMA_CLASSES[char.lower()]
                char = inside if in_class else f"[{'^' if char.isupper() else ''}{inside}]"
            else:
                char = "\\" + char
        elif char == "\\":
            escaped = True
            continue
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        elif char == "." and not in_class:
            char = r"[^\n\r\u2028\u2029]"
        translated.append(char)
    return "".join(translated) + ("\\" if escaped else "")


def _with_python_patterns(schema: Any) -> Any:
    """The schema with every ``pattern`` rewritten by ``python_pattern``, for python-jsonschema."""
    if isinstance(schema, list):
        return [_with_python_patterns(sub) for sub in schema]
    if not isinstance(schema, dict):
        return schema
    result = {}
    for key, value in schema.items():
        if key == "pattern" and isinstance(value, str):
            value = python_pattern(value)
        elif key not in ("enum", "const", "default", "examples"):
            value = _with_python_patterns(value)
        result[key] = value
    return result


EXPECTED = {  # what a malformed keyword's value should be, for the message naming it
    "type": "en av typerna " + ", ".join(TYPE_NAMES) + " (eller en lista av dem)",
    "pattern": "ett giltigt reguljärt uttryck",
    "$ref": "en hänvisning till ett schema som finns",
    "required": "en lista av fältnamn",
    "enum": "en lista",
    "properties": "en mappning från fältnamn till scheman",
    "uniqueItems": "true eller false",
    **{key: "ett heltal, 0 eller större" for key in ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")},
    **{key: "ett tal" for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")},
    **{key: "en lista av scheman" for key in ("allOf", "anyOf", "oneOf")},
}


METASCHEMA = jsonschema_rs.Draft202012Validator({"$ref": "https://json-schema.org/draft/2020-12/schema"},
                                                 validate_formats=True)  # a "pattern" must be an ECMA-262 expression


def _check_document(name: str, document: dict, registry: Registry) -> None:
    """Raise ``SchemaInvalid`` naming the place of the first malformed keyword or ``$ref`` to nothing."""
    error = next(METASCHEMA.iter_errors(document), None)
    if error is not None:
        path, value = tuple(error.instance_path), error.instance
    else:
        path, value = _unresolvable_ref(document, registry.resolver(base_uri=document["$id"]))
        if not path:
            return
    keyword = next((step for step in reversed(path) if isinstance(step, str) and step in EXPECTED), None)
    expected = EXPECTED.get(keyword, "ett schema som följer JSON Schema 2020-12")
    where = "/".join(map(str, path)) or "översta nivån"
    shown = json.dumps(value, ensure_ascii=False)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    raise SchemaInvalid(f"schemat {name} är felaktigt vid {where}: värdet {shown} ska vara {expected}")


def _unresolvable_ref(schema: Any, resolver, path: tuple = ()) -> tuple[tuple, Any]:
    """Where in a schema the first ``$ref`` to nothing is, and the reference; ``()`` when none."""
    children = schema.items() if isinstance(schema, dict) else enumerate(schema) if isinstance(schema, list) else ()
    for key, value in children:
        if key == "$ref" and isinstance(value, str):
            try:
                resolver.lookup(value)
            except Unresolvable:
                return path + (key,), value
        elif key not in ("enum", "const", "default", "examples"):
            found = _unresolvable_ref(value, resolver, path + (key,))
            if found[0]:
                return found
    return (), None


def declared_types(loaded, schemas: SchemaSet) -> dict[str, str]:
    """``type → schema file`` for each item type the model file declares that can be used:
    a new name whose schema file is in the schema directory. The validator reports the rest."""
    model = next((f.data for f in loaded.files if isinstance(f.data, dict) and f.data.get("type") == "model"), None)
    declared = model.get("types") if model else None
    if not isinstance(declared, dict):
        return {}
    found = {}
    for name, entry in declared.items():
        schema_file = type_schema_file(name, entry)
        if name not in schemas.builtin_types and isinstance(schema_file, str) and schema_file in schemas.documents:
            found[name] = schema_file
    return found


def type_schema_file(name: str, entry) -> Any:
    """The schema file a declared type names, by default ``<type>.schema.json``."""
    return entry.get("schema", f"{name}.schema.json") if isinstance(entry, dict) else None


def _dispatch(item_type: str, schema_id: str) -> dict:
    return {"if": {"type": "object", "required": ["type"], "properties": {"type": {"const": item_type}}},
            "then": {"$ref": schema_id}}


def _absent_value(schema: dict, resolver) -> Any:
    while "$ref" in schema and "default" not in schema and "type" not in schema:
        resolved = resolver.lookup(schema["$ref"])
        schema, resolver = resolved.contents, resolved.resolver
    if "default" in schema:
        return schema["default"]
    return [] if schema.get("type") == "array" else None


def _type_schemas(item_schema: dict, resolver) -> dict[str, dict]:
    """Read ``type → schema`` from the item schema's if/then dispatch."""
    result = {}
    for branch in item_schema.get("allOf", []):
        try:
            item_type = branch["if"]["properties"]["type"]["const"]
            schema = resolver.lookup(branch["then"]["$ref"]).contents
        except (KeyError, TypeError, Unresolvable):
            raise SchemaInvalid(f"{ITEM_SCHEMA}: varje del av allOf ska ha formen "
                                '{"if": {"properties": {"type": {"const": TYP}}}, "then": {"$ref": SCHEMA}}') from None
        if not isinstance(schema, dict) or not isinstance(schema.get("$id"), str):
            raise SchemaInvalid(f"{ITEM_SCHEMA}: typen {item_type} ska hänvisa till ett eget schema med ett $id")
        result[item_type] = schema
    return result


def _type_annotations(item_type: str, schema: dict, resolver) -> list[Annotation]:
    try:
        return _annotations(schema, resolver.lookup(schema["$id"]).resolver)
    except Unresolvable as error:
        raise SchemaInvalid(f"schemat för typen {item_type} hänvisar till {error.ref}, som inte finns") from None
    except SchemaInvalid as error:
        raise SchemaInvalid(f"schemat för typen {item_type} är felaktigt: {error}") from None


def _annotations(schema: dict, resolver, path: tuple = (), seen: frozenset = frozenset()) -> list[Annotation]:
    """Collect styrdok annotations by walking a schema, following $ref (once per branch)."""
    if not isinstance(schema, dict) or id(schema) in seen:
        return []
    seen = seen | {id(schema)}
    found = [_annotation(path, key, schema[key]) for key in ANNOTATION_KEYS if key in schema]
    if "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        found += _annotations(resolved.contents, resolved.resolver, path, seen)
    for name, sub in schema.get("properties", {}).items():
        found += _annotations(sub, resolver, path + (name,), seen)
    for key in ("items", "additionalProperties"):
        found += _annotations(schema.get(key), resolver, path + ("*",), seen)
    for sub in schema.get("allOf", []) + [schema.get(k) for k in ("then", "else") if k in schema]:
        found += _annotations(sub, resolver, path, seen)
    return found


def _annotation(path: tuple, key: str, value: Any) -> Annotation:
    valid = {
        "x-ref": value == "*" or isinstance(value, list) and all(isinstance(kind, str) for kind in value),
        "x-vocabulary": isinstance(value, str),
        "x-markdown": value in MARKDOWN_KINDS,
    }[key]
    if not valid:
        raise SchemaInvalid(f'{key} vid {describe_path(path) or "översta nivån"} har värdet {json.dumps(value, ensure_ascii=False)[:60]}; '
                            "x-ref ska vara en lista av objekttyper eller \"*\", x-vocabulary namnet på en vokabulär och x-markdown inline eller block")
    return Annotation(path, key, value)


def values_at(data: Any, pattern: tuple) -> list[tuple[tuple, Any]]:
    """``(path, value)`` for every value matching a path pattern, in document order."""
    if "*" not in pattern:  # one value at most
        for step in pattern:
            if not isinstance(data, dict) or step not in data:
                return []
            data = data[step]
        return [(pattern, data)]
    found = [((), data)]
    for step in pattern:
        deeper = []
        for path, value in found:
            if step == "*":
                if isinstance(value, list):
                    deeper += [(path + (index,), item) for index, item in enumerate(value)]
                elif isinstance(value, dict):
                    deeper += [(path + (key,), item) for key, item in value.items()]
            elif isinstance(value, dict) and step in value:
                deeper.append((path + (step,), value[step]))
        if not deeper:
            return deeper
        found = deeper
    return found


def describe_path(path: tuple) -> str:
    """A path as staff read it: ``values[2].period`` with 1-based positions."""
    text = ""
    for step in path:
        text += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def suggest(value: str, options) -> str:
    """' Menade du "x"?' when something close exists, else ''."""
    close = difflib.get_close_matches(str(value), list(options), n=1, cutoff=0.6)
    return f' Menade du "{close[0]}"?' if close else ""


def _explain(error) -> list[SchemaError]:
    """Turn one jsonschema error into plain Swedish, pointing at the right place."""
    path = tuple(error.absolute_path)
    kind, value, schema, instance = error.validator, error.validator_value, error.schema, error.instance
    where = _where(path)
    if kind == "required":
        name = re.match(r"'(.*)' is a required property", error.message).group(1)
        title = schema.get("properties", {}).get(name, {}).get("title")
        label = f" ({title})" if title else ""
        return [SchemaError(path, f'fältet "{describe_path(path + (name,))}"{label} saknas', at_key=bool(path))]
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        return [
            SchemaError(path + (key,), f'okänt fält "{describe_path(path + (key,))}".{suggest(key, allowed)} Tillåtna fält här: {", ".join(allowed)}', at_key=True)
            for key in sorted(set(instance) - set(allowed))
        ]
    if kind == "type":
        return [SchemaError(path, f"{where} ska vara {_type_name(value)}, men är {_describe_value(instance)}")]
    if kind in ("enum", "const"):
        options = value if kind == "enum" else [value]
        shown = ", ".join(json.dumps(o, ensure_ascii=False) for o in options)
        return [SchemaError(path, f"{where} har ett värde som inte är tillåtet: {_describe_value(instance)}. Tillåtna värden: {shown}.{suggest(instance, [str(o) for o in options])}")]
    if kind == "pattern":
        hint = schema.get("description", "")
        return [SchemaError(path, f"{where} har fel form: {_describe_value(instance)}. {hint}".rstrip())]
    return [SchemaError(path, f"{where} {_limit_message(kind, value)}")]


def _where(path: tuple) -> str:
    return f'fältet "{describe_path(path)}"' if path else "filen"


def _limit_message(kind: str, value) -> str:
    messages = {
        "minLength": "får inte vara tomt",
        "maxLength": f"är för långt (högst {value} tecken)",
        "minimum": f"måste vara minst {value}",
        "maximum": f"får vara högst {value}",
        "exclusiveMinimum": f"måste vara större än {value}",
        "exclusiveMaximum": f"måste vara mindre än {value}",
        "minItems": f"måste ha minst {value} {'värde' if value == 1 else 'värden'}",
        "maxItems": f"får ha högst {value} värden",
        "uniqueItems": "innehåller samma värde mer än en gång",
        "minProperties": f"måste ha minst {value} {'fält' if value == 1 else 'fält'}",
        "maxProperties": f"får ha högst {value} fält; dela upp dem i separata poster",
        "false": "är inte tillåtet här",
    }
    return messages.get(kind, f"är ogiltigt ({kind})")


def _type_name(value) -> str:
    names = [value] if isinstance(value, str) else value
    return " eller ".join(TYPE_NAMES.get(name, name) for name in names)


def _describe_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "tomt"
    if isinstance(value, str):  # as JSON, so that a newline shows as \n and the message stays one line
        return f"texten {json.dumps(value[:60], ensure_ascii=False)}"
    if isinstance(value, dict):
        return "en mappning"
    if isinstance(value, list):
        return "en lista"
    return f"talet {value}"
