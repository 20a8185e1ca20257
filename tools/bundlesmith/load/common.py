"""Small helpers shared by the loaders: spans, dates and safe field access on checked YAML."""

from __future__ import annotations

from datetime import date

from bundlesmith.diagnostics import Diagnostic, Span, error
from bundlesmith.load.yaml_source import YList, YMap


def span_of(data, key, path: str) -> Span:
    """The span of a key in a YMap (or of an item in a YList)."""
    if isinstance(data, YMap):
        return Span(path, data.line_of(key))
    if isinstance(data, YList):
        return Span(path, data.line_of(key))
    return Span(path, getattr(data, "line", 0))


def items_with_spans(data: YMap, key: str, path: str) -> list[tuple[object, Span]]:
    """The items of a list field, each with its own line."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(item, span_of(value, i, path)) for i, item in enumerate(value)]


def text(data, key: str, default: str = "") -> str:
    value = data.get(key, default) if isinstance(data, dict) else default
    return str(value).strip() if value is not None else default


def strings(data, key: str) -> tuple[str, ...]:
    value = data.get(key) if isinstance(data, dict) else None
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def parse_date(value, span: Span, field: str, problems: list[Diagnostic]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(error(span, "bad-date", f"'{field}' is not a real date: '{value}'"))
        return None
