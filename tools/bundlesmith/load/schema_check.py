"""Check loaded YAML against the contract's JSON Schemas, turning each failure into a located diagnostic."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from bundlesmith.diagnostics import Diagnostic, Span, did_you_mean, error
from bundlesmith.load.yaml_source import YList, YMap

_TYPE_NAMES = {
    "string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
    "array": "a list", "object": "a mapping (key: value lines)", "null": "empty",
}


@lru_cache(maxsize=None)
def validator(name: str):
    """The schema's Draft 2020-12 validator (jsonschema is imported only when a file is actually checked)."""
    from jsonschema import Draft202012Validator

    text = resources.files("bundlesmith.schemas").joinpath(f"{name}.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def schema(name: str) -> dict:
    return validator(name).schema


def _describe(value) -> str:
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


def _field_name(path) -> str:
    parts = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "the file"


def line_at(data, path, default: int = 1) -> int:
    """The line of the key or list item at `path`, or of the nearest container that has one."""
    line = getattr(data, "line", 0) or default
    node = data
    for part in path:
        if isinstance(node, YMap) and part in node:
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, YList) and isinstance(part, int) and part < len(node):
            line = node.line_of(part)
            node = node[part]
        else:
            break
    return line


def check(data, schema_name: str, path: str, root_line: int = 1) -> list[Diagnostic]:
    """All the ways `data` breaks the named schema, each at the line of the offending value."""
    if not isinstance(data, dict) and schema(schema_name).get("type") == "object":
        return [error(Span(path, root_line), "not-a-mapping",
                      f"expected a mapping of fields (key: value lines), found {_describe(data)}")]
    problems = []
    for err in sorted(validator(schema_name).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(_to_diagnostic(err, data, path, root_line))
    return problems


def _to_diagnostic(err, data, path: str, root_line: int) -> Diagnostic:
    where = list(err.absolute_path)
    field = _field_name(where)
    line = line_at(data, where, root_line)
    span = Span(path, line)
    kind = err.validator
    value = err.instance
    if kind == "required":
        missing = err.message.split("'")[1]
        name = _field_name(where + [missing])
        return error(span, "missing-field", f"missing required field '{name}'")
    if kind == "additionalProperties":
        known = list(err.schema.get("properties", {}))
        extras = sorted(set(value) - set(known)) if isinstance(value, dict) else []
        key = extras[0] if extras else "?"
        key_line = value.line_of(key) if isinstance(value, YMap) else line
        return error(Span(path, key_line), "unknown-field",
                     f"unknown field '{_field_name(where + [key])}'", did_you_mean(key, known))
    if kind == "type":
        wanted = err.validator_value
        wanted = " or ".join(_TYPE_NAMES.get(w, w) for w in (wanted if isinstance(wanted, list) else [wanted]))
        return error(span, "wrong-type", f"'{field}' must be {wanted}, not {_describe(value)}")
    if kind == "enum":
        options = [str(o) for o in err.validator_value]
        return error(span, "bad-value", f"'{field}' must be one of {', '.join(options)}; got '{value}'",
                     did_you_mean(str(value), options))
    if kind == "pattern":
        fmt = err.schema.get("x-format", f"text matching {err.validator_value}")
        return error(span, "bad-format", f"'{field}' must be {fmt}; got '{value}'")
    if kind in ("minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "uniqueItems"):
        explain = {
            "minItems": f"needs at least {err.validator_value} item(s)",
            "maxItems": f"allows at most {err.validator_value} items",
            "minLength": "must not be empty",
            "maxLength": f"must be at most {err.validator_value} characters",
            "minimum": f"must be at least {err.validator_value}",
            "maximum": f"must be at most {err.validator_value}",
            "uniqueItems": "must not repeat a value",
        }[kind]
        return error(span, "bad-value", f"'{field}' {explain}")
    return error(span, "bad-value", f"'{field}': {err.message}")
