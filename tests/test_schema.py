"""The schemas, and the two validators (jsonschema-rs decides, python-jsonschema explains) that must agree on every input."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator

from styrdok.load import load_content
from styrdok.schema import SchemaSet, python_pattern

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


def _patterns(schema) -> set[str]:
    if isinstance(schema, list):
        return set().union(*map(_patterns, schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    found = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
    return found.union(*(_patterns(value) for key, value in schema.items() if key != "pattern"))


def test_the_two_validators_agree_on_content_and_mutations():
    rng = random.Random(20251126)
    items = _content_items()
    assert len(items) >= 10
    checked = invalid = 0
    for item in items:
        for candidate in [item, *_mutations(item, rng, 25)]:
            expected = SCHEMAS.validator.is_valid(candidate)
            assert SCHEMAS.is_valid(candidate) == expected, json.dumps(candidate, ensure_ascii=False)[:500]
            assert bool(SCHEMAS.errors(candidate)) == (not expected)
            checked += 1
            invalid += not expected
    assert invalid > checked // 4  # the mutations really do break things


@pytest.mark.parametrize("value", ODD_VALUES + [[1, True], [{"a": 1}, {"a": 1.0}], 10**20, {"x": 1, "a": 2}])
def test_the_two_validators_agree_on_edge_cases(value):
    schema = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "array", "uniqueItems": True}, {"enum": [True, "x"]},
                        {"type": "object", "dependentRequired": {"x": ["a"]}, "minProperties": 1}]}
    assert jsonschema_rs.Draft202012Validator(schema).is_valid(value) == Draft202012Validator(schema).is_valid(value)


EDGE_TEXTS = ["", "a", "abc", "abc\n", "abc\r", "\nabc", "a\nb", "a\u2028b", "fokusmal-1", "fokusmal-1\n", "Fokusmal-1",
              "a b", "a\u00a0b", "a\ufeffb", "a\tb", "٣", "2025", "2025\n", "2025-13", "2025-08", "2025-08-31",
              "ÅÄÖ-2025-1", "åäö", "_x", "x_y", "#a1B2c3", "#a1B2c3\n", "logo.png", "logo.PNG\n", "mall.md.j2",
              "a/b.md.j2", "https://x", "http:/x", "N00001", "N00001\n", "x.schema.json", "x.schema.json\n"]
PATTERNS = sorted(_patterns(SCHEMAS.documents) | {r"^\d+$", r"^\w+$", r"^\S+$", r"^[\w-]+$", r"^a.b$", r"^[^\d]+$", r"\.md$"})


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_pattern_means_the_same_to_both_validators(pattern):
    """ECMA-262 as JSON Schema says: $ only at the very end, ASCII \\d and \\w, Unicode \\s."""
    fast = jsonschema_rs.Draft202012Validator({"pattern": pattern})
    explaining = Draft202012Validator({"pattern": python_pattern(pattern)})
    for text in EDGE_TEXTS:
        assert fast.is_valid(text) == explaining.is_valid(text), (pattern, text)


def test_an_id_with_a_final_newline_fails_in_both_validators():
    item = {"type": "goal", "id": "fokusmal-1\n", "level": "council_goal", "title": "T", "number": "1", "parents": []}
    assert not SCHEMAS.is_valid(item)
    assert [error.path for error in SCHEMAS.errors(item)] == [("id",)]
