"""The schemas, and the fast checker that must agree with jsonschema on every input."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from styrdok.fastcheck import Unsupported, compile_schema
from styrdok.load import load_content
from styrdok.schema import SchemaSet

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = SchemaSet(ROOT / "schemas")
ODD_VALUES = [None, True, False, 0, 1, 1.0, 2.5, -3, "", "x", "yes", "2025", "Ogiltigt Id", [], ["x"], [1, 1], {}, {"x": 1}]


def _content_items() -> list[dict]:
    items = []
    for tree in (ROOT / "content", ROOT / "tests" / "fixtures" / "minimal"):
        if tree.is_dir():
            items += [source.data for source in load_content(tree).files]
    return items


def _mutations(item: dict, rng: random.Random, count: int):
    """Random single-point changes anywhere in an item: drop, add, or replace a value."""
    for _ in range(count):
        mutated = copy.deepcopy(item)
        container, key = _random_slot(mutated, rng)
        action = rng.choice(["replace", "drop", "add"])
        if action == "drop" and isinstance(container, dict):
            del container[key]
        elif action == "add" and isinstance(container, dict):
            container[rng.choice(["okant", "titel", "type", "id", "parents"])] = rng.choice(ODD_VALUES)
        else:
            container[key] = copy.deepcopy(rng.choice(ODD_VALUES))
        yield mutated


def _random_slot(data, rng):
    container, key = data, rng.choice(list(data))
    while isinstance(container[key], (dict, list)) and container[key] and rng.random() < 0.6:
        container = container[key]
        key = rng.choice(list(container)) if isinstance(container, dict) else rng.randrange(len(container))
    return container, key


def test_every_schema_property_has_swedish_title_and_description():
    """Editors show title and description as hover help: directly, or from the $ref target."""
    missing = []
    for path in sorted((ROOT / "schemas").glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resolver = SCHEMAS.registry.resolver(base_uri=schema["$id"])
        _collect_untitled(schema, path.name, resolver, missing)
    assert not missing, missing


def _collect_untitled(schema, where, resolver, missing):
    if not isinstance(schema, dict):
        return
    for name, sub in schema.get("properties", {}).items():
        target = resolver.lookup(sub["$ref"]).contents if "$ref" in sub else {}
        if not all(sub.get(key) or target.get(key) for key in ("title", "description")):
            missing.append(f"{where}.{name}")
        _collect_untitled(sub, f"{where}.{name}", resolver, missing)
    for key in ("items", "additionalProperties"):
        _collect_untitled(schema.get(key), f"{where}[]", resolver, missing)
    for name, sub in schema.get("$defs", {}).items():
        _collect_untitled(sub, f"{where}#{name}", resolver, missing)


def test_schemas_use_if_then_not_one_of():
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "schemas").glob("*.json"))
    assert '"oneOf"' not in text


def test_fast_checker_agrees_with_jsonschema_on_content_and_mutations():
    rng = random.Random(20251126)
    items = _content_items()
    assert len(items) >= 10
    checked = invalid = 0
    for item in items:
        for candidate in [item, *_mutations(item, rng, 25)]:
            expected = SCHEMAS.validator.is_valid(candidate)
            assert SCHEMAS.is_valid(candidate) == expected, json.dumps(candidate, ensure_ascii=False)[:500]
            checked += 1
            invalid += not expected
    assert invalid > checked // 4  # the mutations really do break things


@pytest.mark.parametrize("value", ODD_VALUES + [[1, True], [{"a": 1}, {"a": 1.0}], 10**20, {"x": 1, "a": 2}])
def test_fast_checker_edge_cases_agree(value):
    schema = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "array", "uniqueItems": True}, {"enum": [True, "x"]},
                        {"type": "object", "dependentRequired": {"x": ["a"]}, "minProperties": 1}]}
    from jsonschema import Draft202012Validator
    assert compile_schema(schema, None)(value) == Draft202012Validator(schema).is_valid(value)


def test_the_project_schemas_compile_to_the_fast_check():
    """A keyword the fast check lacks would silently send every file through jsonschema."""
    compile_schema(SCHEMAS.item_schema, SCHEMAS.registry.resolver(base_uri=SCHEMAS.item_schema["$id"]))


def test_unknown_keyword_is_refused_so_callers_fall_back():
    with pytest.raises(Unsupported):
        compile_schema({"prefixItems": [{"type": "string"}]}, None)
