"""Check loaded YAML against the contract's JSON Schemas, turning each failure into a located diagnostic."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeAlias

from bundlesmith.diagnostics import Diagnostic, Span, did_you_mean, error
from bundlesmith.load.yaml_source import YList, YMap

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

# A value of any shape against one keyword of a schema. Each test narrows the value with jsonschema's own
# type check before it touches it, which a static checker cannot follow: hence `Any`.
Test: TypeAlias = Callable[[Any], bool]

_TYPE_NAMES = {
    "string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
    "array": "a list", "object": "a mapping (key: value lines)", "null": "empty",
}


@cache
def validator(name: str) -> Draft202012Validator:
    """The schema's Draft 2020-12 validator (jsonschema is imported only when a file is actually checked)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(name))


@cache
def schema(name: str) -> dict[str, Any]:
    """The named schema of the contract (schemas/NAME.json), as JSON."""
    text = resources.files("bundlesmith.schemas").joinpath(f"{name}.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)  # each of the contract's schemas is an object
    return loaded


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return "text"


def _field_name(path: Sequence[str | int]) -> str:
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "the file"


def line_at(data: object, path: Sequence[str | int], default: int = 1) -> int:
    """The line of the key or list item at `path`, or of the nearest container that has one."""
    line = getattr(data, "line", 0) or default
    node = data
    for part in path:
        if isinstance(node, YMap) and part in node:  # noqa: SIM114 (a branch per container, each typed)
            line, node = node.line_of(part), node[part]
        elif isinstance(node, YList) and isinstance(part, int) and part < len(node):
            line, node = node.line_of(part), node[part]
        else:
            break
    return line


def check(data: object, schema_name: str, path: str, root_line: int = 1) -> list[Diagnostic]:
    """All the ways `data` breaks the named schema, each at the line of the offending value."""
    if not isinstance(data, dict) and schema(schema_name).get("type") == "object":
        return [error(Span(path, root_line), "not-a-mapping",
                      f"expected a mapping of fields (key: value lines), found {_describe(data)}")]
    quick = fast_check(schema_name)
    if quick is not None and quick(data):
        return []  # valid: jsonschema would find nothing, so it is asked only to locate errors
    problems: list[Diagnostic] = []
    for err in sorted(validator(schema_name).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(_to_diagnostic(err, data, path, root_line))
    return problems


class _Unsupported(Exception):
    """The schema uses a keyword the fast pass does not know: jsonschema alone decides."""


# Keywords that only annotate: they never make a value invalid (there is no format checker).
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default",
                          "x-format", "deprecated", "readOnly", "writeOnly"})


@cache
def fast_check(name: str) -> Test | None:
    """A function telling, much faster than jsonschema, whether a value is valid under the named schema.

    It decides exactly as jsonschema does for the keywords the contract's schemas use, using jsonschema's
    own type checks and equality; a schema with any other keyword gets None (jsonschema alone decides).
    """
    from jsonschema import _utils

    checker = validator(name)
    root = schema(name)
    # jsonschema's own check for each type, called directly (its dispatch costs more than the check)
    checks = getattr(checker.TYPE_CHECKER, "_type_checkers", {})

    def is_type(value: object, kind: str, _checks: dict[str, Any] = checks, _checker: Any = checker.TYPE_CHECKER,
                ) -> bool:
        check = _checks.get(kind)
        return bool(check(_checker, value)) if check is not None else checker.is_type(value, kind)
    equal, uniq = _utils.equal, _utils.uniq
    compiled: dict[int, list[Test]] = {}

    def compile_(schema: object) -> Test:
        if schema is True:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, dict):
            raise _Unsupported(schema)
        key = id(schema)
        if key in compiled:  # a recursive $ref: call through the slot filled in below
            slot = compiled[key]
            return lambda value: slot[0](value)
        slot = compiled[key] = [lambda value: True]  # filled in below, once the schema's own tests exist
        tests = tuple(_keyword(keyword, argument, schema) for keyword, argument in schema.items()
                      if keyword not in _ANNOTATIONS)

        def check(value: object) -> bool:
            return all(test(value) for test in tests)

        slot[0] = check
        return check

    def _keyword(keyword: str, argument: Any, schema: dict[str, Any]) -> Test:
        if keyword == "type":
            types = tuple(argument) if isinstance(argument, list) else (argument,)
            if len(types) == 1 and types[0] in checks:
                only, type_checker = checks[types[0]], checker.TYPE_CHECKER
                return lambda value: only(type_checker, value)
            return lambda value: any(is_type(value, t) for t in types)
        if keyword == "properties":
            properties = tuple((prop, compile_(sub)) for prop, sub in argument.items())
            return lambda value: not is_type(value, "object") or all(
                sub(value[prop]) for prop, sub in properties if prop in value)
        if keyword == "additionalProperties":
            if "patternProperties" in schema:
                raise _Unsupported(keyword)
            known = frozenset(schema.get("properties", {}))
            if argument is False:
                return lambda value: not is_type(value, "object") or all(k in known for k in value)
            sub = compile_(argument)
            return lambda value: not is_type(value, "object") or all(
                sub(value[k]) for k in value if k not in known)
        if keyword == "required":
            names = tuple(argument)
            return lambda value: not is_type(value, "object") or all(n in value for n in names)
        if keyword == "items":
            if "prefixItems" in schema:
                raise _Unsupported(keyword)
            sub = compile_(argument)
            return lambda value: not is_type(value, "array") or all(sub(item) for item in value)
        if keyword == "pattern":
            import re
            return lambda value: not is_type(value, "string") or re.search(argument, value) is not None
        if keyword == "minLength":
            return lambda value: not is_type(value, "string") or len(value) >= argument
        if keyword == "maxLength":
            return lambda value: not is_type(value, "string") or len(value) <= argument
        if keyword == "minimum":
            return lambda value: not is_type(value, "number") or not value < argument
        if keyword == "maximum":
            return lambda value: not is_type(value, "number") or not value > argument
        if keyword == "minItems":
            return lambda value: not is_type(value, "array") or len(value) >= argument
        if keyword == "maxItems":
            return lambda value: not is_type(value, "array") or len(value) <= argument
        if keyword == "uniqueItems":
            return lambda value: not argument or not is_type(value, "array") or uniq(value)
        if keyword == "enum":
            options = tuple(argument)
            return lambda value: any(equal(option, value) for option in options)
        if keyword == "const":
            return lambda value: equal(value, argument)
        if keyword == "oneOf":
            subs = tuple(compile_(sub) for sub in argument)
            return lambda value: sum(1 for sub in subs if sub(value)) == 1
        if keyword == "$ref":
            if not isinstance(argument, str) or not argument.startswith("#/"):
                raise _Unsupported(keyword)
            target = root
            for part in argument[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return compile_(target)
        raise _Unsupported(keyword)

    try:
        return compile_(root)
    except (_Unsupported, KeyError, TypeError):
        return None


def _to_diagnostic(err: ValidationError, data: object, path: str, root_line: int) -> Diagnostic:
    where = list(err.absolute_path)
    field = _field_name(where)
    line = line_at(data, where, root_line)
    span = Span(path, line)
    kind = err.validator
    value = err.instance
    rule: dict[str, Any] = err.schema if isinstance(err.schema, dict) else {}
    argument: Any = err.validator_value  # the keyword's argument in the schema: JSON
    if kind == "required":
        missing = err.message.split("'")[1]
        name = _field_name([*where, missing])
        return error(span, "missing-field", f"missing required field '{name}'")
    if kind == "additionalProperties":
        known = list(rule.get("properties", {}))
        extras = sorted(set(value) - set(known)) if isinstance(value, dict) else []
        key = extras[0] if extras else "?"
        key_line = value.line_of(key) if isinstance(value, YMap) else line
        return error(Span(path, key_line), "unknown-field",
                     f"unknown field '{_field_name([*where, key])}'", did_you_mean(key, known))
    if kind == "type":
        wanted = " or ".join(_TYPE_NAMES.get(str(w), str(w)) for w in (argument if isinstance(argument, list) else [argument]))
        return error(span, "wrong-type", f"'{field}' must be {wanted}, not {_describe(value)}")
    if kind == "enum":
        options = [str(o) for o in argument]
        return error(span, "bad-value", f"'{field}' must be one of {', '.join(options)}; got '{value}'",
                     did_you_mean(str(value), options))
    if kind == "pattern":
        fmt = rule.get("x-format", f"text matching {argument}")
        return error(span, "bad-format", f"'{field}' must be {fmt}; got '{value}'")
    if kind in ("minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "uniqueItems"):
        explain = {
            "minItems": f"needs at least {argument} item(s)",
            "maxItems": f"allows at most {argument} items",
            "minLength": "must not be empty",
            "maxLength": f"must be at most {argument} characters",
            "minimum": f"must be at least {argument}",
            "maximum": f"must be at most {argument}",
            "uniqueItems": "must not repeat a value",
        }[kind]
        return error(span, "bad-value", f"'{field}' {explain}")
    return error(span, "bad-value", f"'{field}': {err.message}")
