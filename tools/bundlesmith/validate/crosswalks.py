"""Rules about crosswalks: every code on either side exists, nothing is mapped twice, a partial mapping names
its gap and never exempts, a variant's local standards are mapped only from that variant, reviews are current.

The review date is compared with `today`, which `check --today DATE` sets (so a test or a CI job can pin
it); without it, the date the command runs.
"""

from __future__ import annotations

from datetime import date

from bundlesmith.diagnostics import Diagnostic, Span, did_you_mean, error, warning
from bundlesmith.model import Catalogue, Crosswalk, Mapping


def check_crosswalks(catalogue: Catalogue, today: date) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for crosswalk in catalogue.crosswalks.values():
        if catalogue.variant is not None and not crosswalk.local:
            # A national crosswalk is checked in the national view; here only what the variant changes.
            problems += _local_targets(catalogue, crosswalk)
            continue
        problems += _source_items(crosswalk)
        problems += _mappings(catalogue, crosswalk)
        problems += _review(crosswalk, today)
    return problems


def _source_items(crosswalk: Crosswalk) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    seen: dict[str, Span] = {}
    for item in crosswalk.source.items:
        if item.code in seen:
            problems.append(error(item.span, "duplicate-id",
                                  f"duplicate source code '{item.code}' in {crosswalk.source.id} (first at {seen[item.code]})"))
        seen.setdefault(item.code, item.span)
    return problems


def _mappings(catalogue: Catalogue, crosswalk: Crosswalk) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    codes = [i.code for i in crosswalk.source.items]
    refs = [i.ref for f in catalogue.frameworks.values() for i in f.items if i.type != "domain"]
    seen: dict[tuple[str, str], Span] = {}
    for mapping in crosswalk.mappings:
        span = mapping.span
        if crosswalk.source.item(mapping.source) is None:
            problems.append(error(span, "unknown-source-code",
                                  f"'{mapping.source}' is not an item of {crosswalk.source.id} "
                                  f"(list it under source.items)", did_you_mean(mapping.source, codes)))
        target = catalogue.standard(mapping.target)
        fid = mapping.target.partition(":")[0]
        if target is None:
            if fid not in catalogue.frameworks:
                problems.append(error(span, "unknown-framework", f"unknown framework '{fid}' in '{mapping.target}'",
                                      did_you_mean(fid, catalogue.frameworks)))
            else:
                problems.append(error(span, "unknown-standard", f"unknown standard '{mapping.target}'",
                                      did_you_mean(mapping.target, refs)))
        elif target.type == "domain":
            problems.append(error(span, "mapped-to-domain",
                                  f"'{mapping.target}' is a domain; map to one of its standards or indicators instead"))
        elif target.local and not crosswalk.local:
            problems.extend(_local_target_error(catalogue, crosswalk, mapping))
        pair = (mapping.source, mapping.target)
        if pair in seen:
            problems.append(error(span, "duplicate-mapping",
                                  f"'{mapping.source}' is mapped to '{mapping.target}' twice (first at {seen[pair]})"))
        seen.setdefault(pair, span)
        if mapping.coverage == "partial" and not mapping.gap:
            problems.append(error(span, "partial-without-gap",
                                  f"the partial mapping of '{mapping.source}' to '{mapping.target}' does not say "
                                  "what is missing", "add 'gap: ...' naming what a holder still has to learn"))
        if mapping.coverage == "partial" and mapping.route == "exemption":
            problems.append(error(span, "partial-exemption",
                                  f"'{mapping.source}' covers '{mapping.target}' only partly, so it cannot exempt: "
                                  "prior learning counts only for what it fully meets", "use route: top-up"))
    return problems


def _local_targets(catalogue: Catalogue, crosswalk: Crosswalk) -> list[Diagnostic]:
    problems = []
    for mapping in crosswalk.mappings:
        target = catalogue.standard(mapping.target)
        if target is not None and target.local:
            problems.extend(_local_target_error(catalogue, crosswalk, mapping))
    return problems


def _local_target_error(catalogue: Catalogue, crosswalk: Crosswalk, mapping: Mapping) -> list[Diagnostic]:
    where = f"content/variants/{catalogue.variant.id}/crosswalks/" if catalogue.variant else "the variant's crosswalks/"
    return [error(mapping.span, "crosswalk-local-target",
                  f"national crosswalk '{crosswalk.id}' maps to the local standard '{mapping.target}'",
                  f"a variant's local standards are mapped by a crosswalk in {where}")]


def _review(crosswalk: Crosswalk, today: date) -> list[Diagnostic]:
    review = crosswalk.review
    problems = []
    if review.next_review and review.next_review < today:
        problems.append(warning(review.span, "crosswalk-review-overdue",
                                f"the review of crosswalk '{crosswalk.id}' was due on {review.next_review}"))
    if review.reviewed_on and review.next_review and review.next_review < review.reviewed_on:
        problems.append(warning(review.span, "review-dates", "next_review is before the review date"))
    return problems
