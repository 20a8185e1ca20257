"""Small helpers shared by the loaders: spans, dates and safe field access on checked YAML."""

from __future__ import annotations

from datetime import date

from bundlesmith.diagnostics import Diagnostic, Span, error
from bundlesmith.load.yaml_source import Scalar, YList, YMap, YValue


def span_of(data: object, key: Scalar, path: str) -> Span:
    """The span of a key in a YMap (or of an item in a YList)."""
    if isinstance(data, YMap):
        return Span(path, data.line_of(key))
    if isinstance(data, YList) and isinstance(key, int):
        return Span(path, data.line_of(key))
    return Span(path, getattr(data, "line", 0))


def mapping(data: object, key: str) -> YMap:
    """A mapping field of checked YAML, or an empty mapping where the field is missing or not a mapping."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, YMap) else YMap()


def items_with_spans(data: object, key: str, path: str) -> list[tuple[YValue, Span]]:
    """The items of a list field, each with its own line."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(item, span_of(value, i, path)) for i, item in enumerate(value)]


def text(data: object, key: str, default: str = "") -> str:
    value = data.get(key, default) if isinstance(data, dict) else default
    return str(value).strip() if value is not None else default


def strings(data: object, key: str) -> tuple[str, ...]:
    value = data.get(key) if isinstance(data, dict) else None
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def whole_number(data: object, key: str, default: int) -> int:
    """A field that holds a whole number (YAML's `true` is not one), or `default`."""
    value = data.get(key, default) if isinstance(data, dict) else default
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def parse_date(value: object, span: Span, field: str, problems: list[Diagnostic]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(error(span, "bad-date", f"'{field}' is not a real date: '{value}'"))
        return None
