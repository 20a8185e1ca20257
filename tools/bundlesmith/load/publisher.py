"""Load who publishes the site: `content/publisher.yml` (the accessibility statement is written from it)."""

from __future__ import annotations

from pathlib import Path

from bundlesmith.diagnostics import Diagnostic
from bundlesmith.load import schema_check
from bundlesmith.load.common import items_with_spans, mapping, parse_date, span_of, strings, text
from bundlesmith.load.yaml_source import load_yaml_file
from bundlesmith.model import KnownIssue, Publisher

PUBLISHER_FILE = "content/publisher.yml"


def load_publisher(file: Path, path: str, raw: bytes | None = None) -> tuple[Publisher | None, list[Diagnostic]]:
    data, problems = load_yaml_file(file, path, raw)
    if data is None:
        return None, problems
    problems += schema_check.check(data, "publisher", path)
    if not isinstance(data, dict):
        return None, problems
    contact = mapping(data, "contact")
    statement = mapping(data, "statement")
    days = contact.get("response_days")
    issues = tuple(
        KnownIssue(issue=text(item, "issue"), criteria=strings(item, "criteria"),
                   fix_by=parse_date(item.get("fix_by"), span_of(item, "fix_by", path), "fix_by", problems), span=span)
        for item, span in items_with_spans(data, "known_issues", path) if isinstance(item, dict))
    publisher = Publisher(
        organisation=text(data, "organisation"), email=text(contact, "email"), phone=text(contact, "phone"),
        url=text(contact, "url"), response_days=days if isinstance(days, int) and not isinstance(days, bool) else None,
        enforcement=text(data, "enforcement", "great-britain"),
        prepared=parse_date(statement.get("prepared"), span_of(statement, "prepared", path), "statement.prepared", problems),
        reviewed=parse_date(statement.get("reviewed"), span_of(statement, "reviewed", path), "statement.reviewed", problems),
        tested=text(statement, "tested"), known_issues=issues, path=path, span=span_of(data, "organisation", path))
    return publisher, problems
