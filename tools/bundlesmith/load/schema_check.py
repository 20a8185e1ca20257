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

# Whether a value of any shape (loaded YAML) is valid under a schema.
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


# The keywords Draft 7 and Draft 2020-12 define alike (those that only annotate included): a schema of the
# contract that uses no other is checked by fastjsonschema, whose newest draft is 7.
_COMMON_KEYWORDS = frozenset({
    "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples", "default", "x-format",
    "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
    "uniqueItems", "minLength", "maxLength", "pattern", "minimum", "maximum", "anyOf", "oneOf", "allOf", "not"})
_ANNOTATIONS = frozenset({"$comment", "title", "description", "examples", "x-format"})


@cache
def fast_check(name: str) -> Test | None:
    """A function telling, much faster than jsonschema, whether a value is valid under the named schema:
    fastjsonschema's validator compiled from it, or None where the schema uses a keyword the two drafts do
    not define alike (jsonschema alone decides). jsonschema itself is asked only about an invalid value,
    for its errors, which it locates."""
    root = schema(name)
    if not _alike_in_draft7(root):
        return None
    import fastjsonschema

    # without its `$id`, the schema's `$ref`s (pointers into it: _alike_in_draft7) resolve within it, never
    # against an address (fastjsonschema would fetch one)
    draft7 = {**{k: v for k, v in root.items() if k != "$id"}, "$schema": "http://json-schema.org/draft-07/schema#"}
    validate = fastjsonschema.compile(draft7, use_default=False, use_formats=False)

    def test(value: Any) -> bool:
        try:
            validate(value)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return test


def _alike_in_draft7(schema: object) -> bool:
    """Whether the schema means the same in Draft 7: only common keywords, `items` a single schema (a list
    is Draft 7's prefixItems), `$ref` a pointer into the document with no keyword beside it (Draft 7 ignores
    those)."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict) or not set(schema) <= _COMMON_KEYWORDS:
        return False
    ref = schema.get("$ref")
    if ref is not None and (not isinstance(ref, str) or not ref.startswith("#/") or set(schema) - _ANNOTATIONS - {"$ref"}):
        return False
    if isinstance(schema.get("items"), list):
        return False
    subs = [*schema.get("properties", {}).values(), *schema.get("$defs", {}).values(),
            *schema.get("anyOf", []), *schema.get("oneOf", []), *schema.get("allOf", [])]
    subs += [schema[k] for k in ("items", "additionalProperties", "not") if k in schema]
    return all(_alike_in_draft7(sub) for sub in subs)


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
