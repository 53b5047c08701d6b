"""A fast yes/no JSON Schema check for the keywords styrdok's schemas use.

``jsonschema`` stays the authority: it explains every error. This module only
answers "valid or not" quickly, by compiling a schema once into nested closures,
so that validating thousands of valid files costs little more than parsing them.
A schema with a keyword this module does not know raises ``Unsupported``, and the
caller falls back to ``jsonschema`` for it.
"""

from __future__ import annotations

import re
from typing import Any, Callable

Check = Callable[[Any], bool]

ANNOTATIONS = {
    "$schema", "$id", "$defs", "$comment", "title", "description", "default",
    "examples", "deprecated", "readOnly", "writeOnly", "format",
}


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not implement."""


def compile_schema(schema: Any, resolver) -> Check:
    """Compile a schema (with a ``referencing`` resolver for $ref) into a check."""
    return _Compiler(resolver).compile(schema)


class _Compiler:
    def __init__(self, resolver):
        self.resolver = resolver
        self.cache: dict[int, list] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _accept
        if schema is False:
            return _reject
        key = id(schema)
        if key in self.cache:  # recursion or reuse: late-bound
            cell = self.cache[key]
            return lambda value: cell[0](value)
        cell: list = [None]
        self.cache[key] = cell
        checks = [check for check in self._keyword_checks(schema) if check is not None]
        cell[0] = _all_of(checks)
        return cell[0]

    def _keyword_checks(self, schema: dict):
        for keyword, value in schema.items():
            if keyword in ANNOTATIONS or keyword in ("then", "else") or keyword.startswith("x-"):
                continue  # annotations (styrdok's and anyone's x- keywords) never affect validity
            builder = getattr(self, "_kw_" + keyword.lstrip("$"), None)
            if builder is None:
                raise Unsupported(keyword)
            yield builder(value, schema)

    def _kw_ref(self, ref, _schema):
        resolved = self.resolver.lookup(ref)
        return _Compiler.with_cache(self, resolved.resolver).compile(resolved.contents)

    @staticmethod
    def with_cache(parent: "_Compiler", resolver) -> "_Compiler":
        child = _Compiler(resolver)
        child.cache = parent.cache
        return child

    def _kw_type(self, types, _schema):
        names = [types] if isinstance(types, str) else list(types)
        if len(names) == 1:
            return TYPE_TESTS[names[0]]
        tests = [TYPE_TESTS[name] for name in names]
        return lambda value: any(test(value) for test in tests)

    def _kw_enum(self, options, _schema):
        if all(isinstance(option, str) for option in options):
            allowed = frozenset(options)
            return lambda value: isinstance(value, str) and value in allowed
        return lambda value: any(json_equal(value, option) for option in options)

    def _kw_const(self, expected, _schema):
        return lambda value: json_equal(value, expected)

    def _kw_properties(self, properties, _schema):
        compiled = [(name, self.compile(sub)) for name, sub in properties.items()]

        def check(value):
            if not isinstance(value, dict):
                return True
            for name, sub in compiled:
                if name in value and not sub(value[name]):
                    return False
            return True

        return check

    def _kw_required(self, names, _schema):
        needed = frozenset(names)
        return lambda value: not isinstance(value, dict) or needed <= value.keys()

    def _kw_dependentRequired(self, dependencies, _schema):
        pairs = list(dependencies.items())
        return lambda value: not isinstance(value, dict) or all(
            all(name in value for name in needed) for key, needed in pairs if key in value
        )

    def _kw_additionalProperties(self, extra, schema):
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        known = frozenset(schema.get("properties", ()))
        if extra is False:
            return lambda value: not isinstance(value, dict) or known.issuperset(value)
        sub = self.compile(extra)
        return lambda value: not isinstance(value, dict) or all(
            sub(item) for key, item in value.items() if key not in known
        )

    def _kw_minProperties(self, limit, _schema):
        return lambda value: not isinstance(value, dict) or len(value) >= limit

    def _kw_maxProperties(self, limit, _schema):
        return lambda value: not isinstance(value, dict) or len(value) <= limit

    def _kw_items(self, items, schema):
        if "prefixItems" in schema or not isinstance(items, (dict, bool)):
            raise Unsupported("prefixItems")
        sub = self.compile(items)
        return lambda value: not isinstance(value, list) or all(sub(item) for item in value)

    def _kw_minItems(self, limit, _schema):
        return lambda value: not isinstance(value, list) or len(value) >= limit

    def _kw_maxItems(self, limit, _schema):
        return lambda value: not isinstance(value, list) or len(value) <= limit

    def _kw_uniqueItems(self, unique, _schema):
        if not unique:
            return None
        return lambda value: not isinstance(value, list) or _unique(value)

    def _kw_minLength(self, limit, _schema):
        return lambda value: not isinstance(value, str) or len(value) >= limit

    def _kw_maxLength(self, limit, _schema):
        return lambda value: not isinstance(value, str) or len(value) <= limit

    def _kw_pattern(self, pattern, _schema):
        search = re.compile(pattern).search
        return lambda value: not isinstance(value, str) or search(value) is not None

    def _kw_minimum(self, limit, _schema):
        return lambda value: not _is_number(value) or value >= limit

    def _kw_maximum(self, limit, _schema):
        return lambda value: not _is_number(value) or value <= limit

    def _kw_exclusiveMinimum(self, limit, _schema):
        return lambda value: not _is_number(value) or value > limit

    def _kw_exclusiveMaximum(self, limit, _schema):
        return lambda value: not _is_number(value) or value < limit

    def _kw_allOf(self, schemas, _schema):
        dispatch = self._dispatch(schemas)
        if dispatch:
            return dispatch
        return _all_of([self.compile(sub) for sub in schemas])

    def _dispatch(self, schemas) -> Check | None:
        """``allOf`` of ``if: {properties: {P: {const: "v"}}}, then: S`` keyed on one
        property becomes one dictionary lookup instead of an if per branch."""
        key, table = None, {}
        for sub in schemas:
            condition = sub.get("if", {}) if set(sub) == {"if", "then"} else {}
            properties = condition.get("properties", {})
            if len(properties) != 1 or set(condition) - {"type", "required", "properties"}:
                return None
            (name, test), = properties.items()
            if set(test) != {"const"} or not isinstance(test["const"], str) or (key and name != key):
                return None
            if condition.get("type", "object") != "object" or set(condition.get("required", [name])) != {name}:
                return None
            key = name
            table[test["const"]] = self.compile(sub["then"])

        def check(value):
            if not isinstance(value, dict):
                return True
            branch = table.get(value.get(key)) if isinstance(value.get(key), str) else None
            return branch(value) if branch else True

        return check if table else None

    def _kw_anyOf(self, schemas, _schema):
        subs = [self.compile(sub) for sub in schemas]
        return lambda value: any(sub(value) for sub in subs)

    def _kw_oneOf(self, schemas, _schema):
        subs = [self.compile(sub) for sub in schemas]
        return lambda value: sum(1 for sub in subs if sub(value)) == 1

    def _kw_not(self, sub_schema, _schema):
        sub = self.compile(sub_schema)
        return lambda value: not sub(value)

    def _kw_if(self, condition, schema):
        test = self.compile(condition)
        then = self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))
        return lambda value: then(value) if test(value) else otherwise(value)


def _accept(_value) -> bool:
    return True


def _reject(_value) -> bool:
    return False


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return _accept
    if len(checks) == 1:
        return checks[0]

    def check(value):
        for sub in checks:
            if not sub(value):
                return False
        return True

    return check


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


TYPE_TESTS: dict[str, Check] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "number": _is_number,
    "integer": lambda value: (isinstance(value, int) and not isinstance(value, bool))
    or (isinstance(value, float) and value.is_integer()),
}


def json_equal(left, right) -> bool:
    """Equality as JSON Schema means it: true is not 1, and 1 equals 1.0."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    return left == right


def _unique(values: list) -> bool:
    if all(isinstance(value, str) for value in values):
        return len(set(values)) == len(values)
    return not any(
        json_equal(values[i], values[j]) for i in range(len(values)) for j in range(i + 1, len(values))
    )
