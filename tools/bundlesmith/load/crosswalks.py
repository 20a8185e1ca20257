"""Load crosswalks: `content/crosswalks/<id>.yml` (and a variant's `crosswalks/`).

A crosswalk names an external framework or qualification (codes and short titles only) and maps its items
to our standards and indicators. Cross-file rules (do the codes exist, is the review due) are in
validate/crosswalks.py; here only the file itself is read and checked against its schema.
"""

from __future__ import annotations

from pathlib import Path

from bundlesmith.diagnostics import Diagnostic, error
from bundlesmith.load import schema_check
from bundlesmith.load.common import items_with_spans, mapping, parse_date, span_of, strings, text
from bundlesmith.load.yaml_source import load_yaml_file
from bundlesmith.model import Crosswalk, CrosswalkReview, CrosswalkSource, Mapping, SourceItem


def load_crosswalk(file: Path, path: str, local: bool = False,
                   raw: bytes | None = None) -> tuple[Crosswalk | None, list[Diagnostic]]:
    data, problems = load_yaml_file(file, path, raw)
    if data is None:
        return None, problems
    problems += schema_check.check(data, "crosswalk", path)
    cid = data.get("id") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(cid, str):
        return None, problems
    if cid != file.stem:
        problems.append(error(span_of(data, "id", path), "id-mismatch",
                              f"crosswalk id '{cid}' does not match the file name '{file.name}'",
                              f"name the file {cid}.yml"))
    raw_source = mapping(data, "source")
    items = tuple(SourceItem(text(item, "code"), text(item, "title"), span)
                  for item, span in items_with_spans(raw_source, "items", path)
                  if isinstance(item, dict) and isinstance(item.get("code"), str))
    source = CrosswalkSource(
        id=text(raw_source, "id"), title=text(raw_source, "title"), version=text(raw_source, "version"),
        publisher=text(raw_source, "publisher"), url=text(raw_source, "url"), licence=text(raw_source, "licence"),
        items=items, span=span_of(data, "source", path))
    raw_review = mapping(data, "reviewed")
    review = CrosswalkReview(
        by=text(raw_review, "by"),
        reviewed_on=parse_date(raw_review.get("date"), span_of(raw_review, "date", path), "reviewed.date", problems),
        next_review=parse_date(raw_review.get("next_review"), span_of(raw_review, "next_review", path),
                               "reviewed.next_review", problems),
        span=span_of(data, "reviewed", path))
    mappings = []
    for entry, span in items_with_spans(data, "mappings", path):
        if not isinstance(entry, dict):
            continue
        source_id, target_id, months = entry.get("from"), entry.get("to"), entry.get("currency_months")
        if not isinstance(source_id, str) or not isinstance(target_id, str):
            continue
        mappings.append(Mapping(
            source=source_id, target=target_id, relation=text(entry, "relation"),
            coverage=text(entry, "coverage"), gap=text(entry, "gap"), route=text(entry, "route"),
            evidence=strings(entry, "evidence"),
            currency_months=months if isinstance(months, int) and not isinstance(months, bool) else None,
            span=span))
    return Crosswalk(id=cid, title=text(data, "title"), source=source, mappings=tuple(mappings), review=review,
                     path=path, span=span_of(data, "id", path), local=local), problems

