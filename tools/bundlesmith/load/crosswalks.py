"""Load crosswalks: `content/crosswalks/<id>.yml` (and a variant's `crosswalks/`).

A crosswalk names an external framework or qualification (codes and short titles only) and maps its items
to our standards and indicators. Cross-file rules (do the codes exist, is the review due) are in
validate/crosswalks.py; here only the file itself is read and checked against its schema.
"""

from __future__ import annotations

from pathlib import Path

from bundlesmith.diagnostics import Diagnostic, error
from bundlesmith.load import schema_check
from bundlesmith.load.common import items_with_spans, parse_date, span_of, strings, text
from bundlesmith.load.yaml_source import load_yaml_file
from bundlesmith.model import Crosswalk, CrosswalkReview, CrosswalkSource, Mapping, SourceItem


def load_crosswalk(file: Path, path: str, local: bool = False,
                   raw: bytes | None = None) -> tuple[Crosswalk | None, list[Diagnostic]]:
    data, problems = load_yaml_file(file, path, raw)
    if data is None:
        return None, problems
    problems += schema_check.check(data, "crosswalk", path)
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None, problems
    cid = data["id"]
    if cid != file.stem:
        problems.append(error(span_of(data, "id", path), "id-mismatch",
                              f"crosswalk id '{cid}' does not match the file name '{file.name}'",
                              f"name the file {cid}.yml"))
    raw_source = data.get("source") if isinstance(data.get("source"), dict) else {}
    items = tuple(SourceItem(text(item, "code"), text(item, "title"), span)
                  for item, span in items_with_spans(raw_source, "items", path)
                  if isinstance(item, dict) and isinstance(item.get("code"), str))
    source = CrosswalkSource(
        id=text(raw_source, "id"), title=text(raw_source, "title"), version=text(raw_source, "version"),
        publisher=text(raw_source, "publisher"), url=text(raw_source, "url"), licence=text(raw_source, "licence"),
        items=items, span=span_of(data, "source", path))
    raw_review = data.get("reviewed") if isinstance(data.get("reviewed"), dict) else {}
    review = CrosswalkReview(
        by=text(raw_review, "by"),
        date=parse_date(raw_review.get("date"), span_of(raw_review, "date", path), "reviewed.date", problems),
        next_review=parse_date(raw_review.get("next_review"), span_of(raw_review, "next_review", path),
                               "reviewed.next_review", problems),
        span=span_of(data, "reviewed", path))
    mappings = []
    for entry, span in items_with_spans(data, "mappings", path):
        if not isinstance(entry, dict) or not isinstance(entry.get("from"), str) or not isinstance(entry.get("to"), str):
            continue
        months = entry.get("currency_months")
        mappings.append(Mapping(
            source=entry["from"], target=entry["to"], relation=text(entry, "relation"),
            coverage=text(entry, "coverage"), gap=text(entry, "gap"), route=text(entry, "route"),
            evidence=strings(entry, "evidence"),
            currency_months=months if isinstance(months, int) and not isinstance(months, bool) else None,
            span=span))
    return Crosswalk(id=cid, title=text(data, "title"), source=source, mappings=tuple(mappings), review=review,
                     path=path, span=span_of(data, "id", path), local=local), problems

