"""Load modules: Markdown files with YAML front matter under `content/modules/` (and a variant's `modules/`)."""

from __future__ import annotations

import re
from pathlib import Path

from bundlesmith.diagnostics import Diagnostic, Span
from bundlesmith.load import schema_check
from bundlesmith.load.common import items_with_spans, mapping, parse_date, span_of, strings, text
from bundlesmith.load.front_matter import split_front_matter
from bundlesmith.load.markdown_scan import scan_body
from bundlesmith.load.yaml_source import YMap, YValue, parse_yaml, read_text
from bundlesmith.model import Alignment, Assessment, CoCreation, Module, Outcome, ParsedBody, Review


def load_module(file: Path, path: str, local: bool = False, raw: bytes | None = None,
                abbr: dict[str, str] | None = None) -> tuple[Module | None, str | None, list[Diagnostic]]:
    """The module, or None with the id it claimed (so references to it do not cascade into errors).
    `abbr`: the glossary's acronyms (glossary.abbreviations), marked in the rendered body."""
    source, problems = read_text(file, path, raw)
    if source is None:
        return None, file.stem, problems
    split, split_problems = split_front_matter(source, path)
    problems += split_problems
    if split is None:
        return None, file.stem, problems
    data, yaml_problems = parse_yaml(split.front_matter, path, line_offset=split.front_matter_line - 1)
    problems += yaml_problems
    claimed = _claimed_id(split.front_matter) or file.stem
    if data is None:
        if not yaml_problems:
            problems += schema_check.check(data, "module", path, root_line=1)
        return None, claimed, problems
    problems += schema_check.check(data, "module", path, root_line=split.front_matter_line)
    if not isinstance(data, dict):
        return None, claimed, problems
    scan, scan_problems = scan_body(split.body, path, split.body_offset, abbr)
    problems += scan_problems
    mid = data.get("id")
    if not isinstance(mid, str):
        return None, None, problems
    time = mapping(data, "time")
    review = mapping(data, "review")
    module = Module(
        id=mid,
        title=text(data, "title"),
        version=text(data, "version"),
        summary=text(data, "summary"),
        levels=strings(data, "levels"),
        guided_minutes=_minutes(time.get("guided")),
        self_directed_minutes=_minutes(time.get("self_directed")),
        outcomes=tuple(
            Outcome(text(o, "id"), text(o, "text"), span)
            for o, span in items_with_spans(data, "outcomes", path) if isinstance(o, dict)
        ),
        standards=tuple(_alignment(a, standard, span, path) for a, span in items_with_spans(data, "standards", path)
                        if isinstance(a, dict) and isinstance(standard := a.get("standard"), str)),
        co_creation=tuple(
            CoCreation(text(c, "role"), text(c, "contribution"), text(c, "date"), span)
            for c, span in items_with_spans(data, "co_creation", path) if isinstance(c, dict)
        ),
        review=Review(
            status=text(review, "status"),
            reviewed=parse_date(review.get("reviewed"), span_of(review, "reviewed", path), "review.reviewed", problems),
            next_review=parse_date(review.get("next_review"), span_of(review, "next_review", path),
                                   "review.next_review", problems),
            approved_by=text(review, "approved_by"),
            span=span_of(data, "review", path),
        ),
        prerequisites=tuple((str(p), span) for p, span in items_with_spans(data, "prerequisites", path)),
        licence=text(data, "licence"),
        keywords=strings(data, "keywords"),
        body=split.body,
        body_line=split.body_offset,
        quiz=scan.quiz,
        slots=scan.slots,
        references=scan.references,
        anchors=scan.anchors,
        path=path,
        file=file,
        span=span_of(data, "id", path),
        local=local,
        raw_html=scan.raw_html,
        prepared=scan.prepared if isinstance(scan.prepared, ParsedBody) else None,
        prose=scan.prose,
    )
    return module, mid, problems


def _claimed_id(front_matter: str) -> str | None:
    """The id a module meant to have, read leniently, so a YAML error does not cascade into reference errors."""
    match = re.search(r"^id:\s*['\"]?([a-z][a-z0-9-]*)", front_matter, re.MULTILINE)
    return match.group(1) if match else None


def _minutes(value: YValue) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _alignment(raw: YMap, standard: str, span: Span, path: str) -> Alignment:
    assessment = raw.get("assessment")
    return Alignment(
        standard=standard,
        strength=text(raw, "strength"),
        outcomes=strings(raw, "outcomes"),
        evidence=strings(raw, "evidence"),
        assessment=Assessment(text(assessment, "method"), strings(assessment, "items"),
                              span_of(raw, "assessment", path)) if isinstance(assessment, dict) else None,
        span=span,
    )
