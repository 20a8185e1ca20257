"""Rules for bundles: modules exist, targets resolve and are met, accreditation and co-creation hold."""

from __future__ import annotations

from bundlesmith.diagnostics import Diagnostic, did_you_mean, error, warning
from bundlesmith.model import Bundle, Catalogue


def check_bundles(catalogue: Catalogue) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for bundle in catalogue.bundles.values():
        problems += _check_membership(catalogue, bundle)
        problems += _check_targets(catalogue, bundle)
        problems += _check_accreditation(catalogue, bundle)
        problems += _check_co_creation(catalogue, bundle)
    return problems


def _check_membership(catalogue: Catalogue, bundle: Bundle) -> list[Diagnostic]:
    problems, seen = [], {}
    for section in bundle.sections:
        for mid, span in section.modules:
            if mid in seen:
                problems.append(error(span, "duplicate-module", f"module '{mid}' is already in this bundle (at {seen[mid]})"))
                continue
            seen[mid] = span
            if mid not in catalogue.modules and mid not in catalogue.broken:
                problems.append(error(span, "unknown-module", f"unknown module '{mid}'",
                                      did_you_mean(mid, catalogue.modules)))
            elif mid in catalogue.modules and catalogue.modules[mid].review.status == "retired":
                problems.append(warning(span, "retired-module", f"module '{mid}' is retired"))
    return problems


def met_standards(catalogue: Catalogue, bundle: Bundle) -> dict[str, set[str]]:
    """For each standard ref the bundle's modules align to (indicators count for their standard): strengths."""
    met: dict[str, set[str]] = {}
    for mid in bundle.module_ids:
        module = catalogue.modules.get(mid)
        if module is None:
            continue
        for alignment in module.standards:
            item = catalogue.standard_of(alignment.standard)
            if item is not None:
                met.setdefault(item.ref, set()).add(alignment.strength)
    return met


def _check_targets(catalogue: Catalogue, bundle: Bundle) -> list[Diagnostic]:
    problems = []
    met = met_standards(catalogue, bundle)
    incomplete = any(m in catalogue.broken for m in bundle.module_ids)
    for target, span in bundle.targets:
        fid, _, code = target.partition(":")
        if fid not in catalogue.frameworks:
            problems.append(error(span, "unknown-framework", f"target '{target}' names unknown framework '{fid}'",
                                  did_you_mean(fid, catalogue.frameworks)))
            continue
        if code and catalogue.standard(target) is None:
            refs = [i.ref for i in catalogue.frameworks[fid].items]
            problems.append(error(span, "unknown-standard", f"target '{target}' is not in framework '{fid}'",
                                  did_you_mean(target, refs)))
            continue
        if incomplete:
            continue  # a module failed to load; its alignments are unknown, so gaps would be guesses
        for standard in catalogue.expand_target(target):
            strengths = met.get(standard.ref)
            if not strengths:
                via = f" (from target '{target}')" if standard.ref != target else ""
                problems.append(error(span, "target-gap",
                                      f"target {standard.ref} '{standard.title}'{via} is met by no module of the bundle"))
            elif "assesses" not in strengths and strengths == {"introduces"}:
                problems.append(warning(span, "target-never-assessed",
                                        f"target {standard.ref} is only introduced, never developed or assessed"))
    return problems


def _check_accreditation(catalogue: Catalogue, bundle: Bundle) -> list[Diagnostic]:
    accreditation = bundle.accreditation
    if accreditation is None or accreditation.status != "approved":
        return []
    problems = []
    for mid in bundle.module_ids:
        module = catalogue.modules.get(mid)
        if module is not None and module.review.status != "approved":
            problems.append(error(accreditation.span, "accredited-unapproved",
                                  f"bundle is accredited (status approved) but module '{mid}' is "
                                  f"'{module.review.status}', not approved"))
    return problems


def _check_co_creation(catalogue: Catalogue, bundle: Bundle) -> list[Diagnostic]:
    if not bundle.require_any_of:
        return []
    problems = []
    wanted = set(bundle.require_any_of)
    for section in bundle.sections:
        for mid, span in section.modules:
            module = catalogue.modules.get(mid)
            if module is not None and not wanted & {c.role for c in module.co_creation}:
                problems.append(error(span, "co-creation-required",
                                      f"module '{mid}' has no co-creation role the bundle requires "
                                      f"({', '.join(bundle.require_any_of)})"))
    return problems
