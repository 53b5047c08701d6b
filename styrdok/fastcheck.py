"""A fast yes/no JSON Schema check for the keywords styrdok's schemas use.

``jsonschema`` stays the authority: it explains every error. This module only
answers "valid or not" quickly, by compiling a schema once into nested closures,
so that validating thousands of valid files costs little more than parsing them.
A schema with a keyword this module does not know raises ``Unsupported``, and the
caller falls back to ``jsonschema`` for it. A keyword whose value is malformed (a
``type`` of 5, a ``pattern`` that is no regular expression, a ``$ref`` to nothing)
raises ``SchemaInvalid`` with a Swedish message naming the schema file and place.

``pattern`` means what JSON Schema says (ECMA-262): ``$`` matches only at the very
end, never before a final newline as in Python, so ``^[a-z]+$`` refuses "abc\\n".
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Callable

from referencing.exceptions import Unresolvable

Check = Callable[[Any], bool]

ANNOTATIONS = {
    "$schema", "$id", "$defs", "$comment", "title", "description", "default",
    "examples", "deprecated", "readOnly", "writeOnly", "format",
}


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not implement."""


class SchemaInvalid(Exception):
    """A schema is malformed; the message (Swedish) names the file and the place in it."""


@functools.lru_cache(maxsize=None)
def ecma_regex(pattern: str) -> re.Pattern:
    """A JSON Schema ``pattern`` compiled for Python: a ``$`` outside brackets becomes ``\\Z``."""
    translated, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        translated.append(char)
    return re.compile("".join(translated))


def compile_schema(schema: Any, resolver, document: str = "schemat") -> Check:
    """Compile a schema (with a ``referencing`` resolver for $ref) into a check.

    ``document`` names the schema file in the message of ``SchemaInvalid``.
    """
    return _Compiler(resolver, document).compile(schema)


class _Compiler:
    def __init__(self, resolver, document: str, path=()):
        self.resolver = resolver
        self.document = document
        self.path = list(path)  # where in the document the keyword being compiled is
        self.cache: dict[int, list] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _accept
        if schema is False:
            return _reject
        if not isinstance(schema, dict):
            raise self.invalid(schema, "ett schema (en mappning, true eller false)")
        key = id(schema)
        if key in self.cache:  # recursion or reuse: late-bound
            cell = self.cache[key]
            return lambda value: cell[0](value)
        cell: list = [None]
        self.cache[key] = cell
        checks = [check for check in self._keyword_checks(schema) if check is not None]
        cell[0] = _all_of(checks)
        return cell[0]

    def compile_at(self, schema: Any, *steps) -> Check:
        self.path += steps
        try:
            return self.compile(schema)
        finally:
            del self.path[len(self.path) - len(steps):]

    def invalid(self, value: Any, expected: str) -> SchemaInvalid:
        where = "/".join(map(str, self.path)) or "översta nivån"
        shown = json.dumps(value, ensure_ascii=False)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return SchemaInvalid(f"schemat {self.document} är felaktigt vid {where}: värdet {shown} ska vara {expected}")

    def _keyword_checks(self, schema: dict) -> list:
        checks = []
        for keyword, value in schema.items():
            if keyword in ANNOTATIONS or keyword in ("then", "else") or keyword.startswith("x-"):
                continue  # annotations (styrdok's and anyone's x- keywords) never affect validity
            builder = getattr(self, "_kw_" + keyword.lstrip("$"), None)
            if builder is None:
                raise Unsupported(keyword)
            self.path.append(keyword)
            try:
                checks.append(builder(value, schema))
            finally:
                self.path.pop()
        return checks

    def _kw_ref(self, ref, _schema):
        if not isinstance(ref, str):
            raise self.invalid(ref, "en hänvisning (text)")
        try:
            resolved = self.resolver.lookup(ref)
        except Unresolvable:
            raise self.invalid(ref, "en hänvisning till ett schema som finns") from None
        document, _, fragment = ref.partition("#")
        child = _Compiler(resolved.resolver, document.rsplit("/", 1)[-1] or self.document,
                          [step for step in fragment.split("/") if step])
        child.cache = self.cache
        return child.compile(resolved.contents)

    def _kw_type(self, types, _schema):
        names = [types] if isinstance(types, str) else types
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n in TYPE_TESTS for n in names):
            raise self.invalid(types, "en av typerna " + ", ".join(TYPE_TESTS) + " (eller en lista av dem)")
        if len(names) == 1:
            return TYPE_TESTS[names[0]]
        tests = [TYPE_TESTS[name] for name in names]
        return lambda value: any(test(value) for test in tests)

    def _kw_enum(self, options, _schema):
        if not isinstance(options, list):
            raise self.invalid(options, "en lista")
        if all(isinstance(option, str) for option in options):
            allowed = frozenset(options)
            return lambda value: isinstance(value, str) and value in allowed
        return lambda value: any(json_equal(value, option) for option in options)

    def _kw_const(self, expected, _schema):
        return lambda value: json_equal(value, expected)

    def _kw_properties(self, properties, _schema):
        if not isinstance(properties, dict):
            raise self.invalid(properties, "en mappning från fältnamn till scheman")
        compiled = [(name, self.compile_at(sub, name)) for name, sub in properties.items()]

        def check(value):
            if not isinstance(value, dict):
                return True
            for name, sub in compiled:
                if name in value and not sub(value[name]):
                    return False
            return True

        return check

    def _kw_required(self, names, _schema):
        self._strings(names)
        needed = frozenset(names)
        return lambda value: not isinstance(value, dict) or needed <= value.keys()

    def _kw_dependentRequired(self, dependencies, _schema):
        if not isinstance(dependencies, dict):
            raise self.invalid(dependencies, "en mappning från fältnamn till listor av fältnamn")
        for needed in dependencies.values():
            self._strings(needed)
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
        self._count(limit)
        return lambda value: not isinstance(value, dict) or len(value) >= limit

    def _kw_maxProperties(self, limit, _schema):
        self._count(limit)
        return lambda value: not isinstance(value, dict) or len(value) <= limit

    def _kw_items(self, items, schema):
        if "prefixItems" in schema or not isinstance(items, (dict, bool)):
            raise Unsupported("prefixItems")
        sub = self.compile(items)
        return lambda value: not isinstance(value, list) or all(sub(item) for item in value)

    def _kw_minItems(self, limit, _schema):
        self._count(limit)
        return lambda value: not isinstance(value, list) or len(value) >= limit

    def _kw_maxItems(self, limit, _schema):
        self._count(limit)
        return lambda value: not isinstance(value, list) or len(value) <= limit

    def _kw_uniqueItems(self, unique, _schema):
        if not isinstance(unique, bool):
            raise self.invalid(unique, "true eller false")
        if not unique:
            return None
        return lambda value: not isinstance(value, list) or _unique(value)

    def _kw_minLength(self, limit, _schema):
        self._count(limit)
        return lambda value: not isinstance(value, str) or len(value) >= limit

    def _kw_maxLength(self, limit, _schema):
        self._count(limit)
        return lambda value: not isinstance(value, str) or len(value) <= limit

    def _kw_pattern(self, pattern, _schema):
        if not isinstance(pattern, str):
            raise self.invalid(pattern, "ett reguljärt uttryck (text)")
        try:
            search = ecma_regex(pattern).search
        except re.error:
            raise self.invalid(pattern, "ett giltigt reguljärt uttryck") from None
        return lambda value: not isinstance(value, str) or search(value) is not None

    def _kw_minimum(self, limit, _schema):
        self._number(limit)
        return lambda value: not _is_number(value) or value >= limit

    def _kw_maximum(self, limit, _schema):
        self._number(limit)
        return lambda value: not _is_number(value) or value <= limit

    def _kw_exclusiveMinimum(self, limit, _schema):
        self._number(limit)
        return lambda value: not _is_number(value) or value > limit

    def _kw_exclusiveMaximum(self, limit, _schema):
        self._number(limit)
        return lambda value: not _is_number(value) or value < limit

    def _kw_allOf(self, schemas, _schema):
        self._check_list(schemas)
        dispatch = self._dispatch(schemas)
        if dispatch:
            return dispatch
        return _all_of(self._schema_list(schemas))

    def _dispatch(self, schemas) -> Check | None:
        """``allOf`` of ``if: {properties: {P: {const: "v"}}}, then: S`` keyed on one
        property becomes one dictionary lookup instead of an if per branch."""
        key, table = None, {}
        for index, sub in enumerate(schemas):
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
            table[test["const"]] = self.compile_at(sub["then"], index, "then")

        def check(value):
            if not isinstance(value, dict):
                return True
            branch = table.get(value.get(key)) if isinstance(value.get(key), str) else None
            return branch(value) if branch else True

        return check if table else None

    def _kw_anyOf(self, schemas, _schema):
        subs = self._schema_list(schemas)
        return lambda value: any(sub(value) for sub in subs)

    def _kw_oneOf(self, schemas, _schema):
        subs = self._schema_list(schemas)
        return lambda value: sum(1 for sub in subs if sub(value)) == 1

    def _kw_not(self, sub_schema, _schema):
        sub = self.compile(sub_schema)
        return lambda value: not sub(value)

    def _kw_if(self, condition, schema):
        test = self.compile(condition)
        self.path.pop()  # then and else sit beside if
        then = self.compile_at(schema.get("then", True), "then")
        otherwise = self.compile_at(schema.get("else", True), "else")
        self.path.append("if")
        return lambda value: then(value) if test(value) else otherwise(value)

    def _schema_list(self, schemas) -> list[Check]:
        self._check_list(schemas)
        return [self.compile_at(sub, index) for index, sub in enumerate(schemas)]

    def _check_list(self, schemas) -> None:
        if not isinstance(schemas, list) or not schemas or not all(isinstance(sub, (dict, bool)) for sub in schemas):
            raise self.invalid(schemas, "en lista av scheman")

    def _strings(self, names) -> None:
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise self.invalid(names, "en lista av fältnamn")

    def _count(self, limit) -> None:
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise self.invalid(limit, "ett heltal, 0 eller större")

    def _number(self, limit) -> None:
        if not _is_number(limit):
            raise self.invalid(limit, "ett tal")


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
