"""Rules for bundles: modules exist, targets resolve and are met, accreditation and co-creation hold."""

from __future__ import annotations

from bundlesmith.coverage.model import bundle_coverage_model
from bundlesmith.diagnostics import Diagnostic, Span, did_you_mean, error, warning
from bundlesmith.model import STRENGTHS, Bundle, Catalogue


def check_bundles(catalogue: Catalogue) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for bundle in catalogue.bundles.values():
        problems += _check_membership(catalogue, bundle)
        problems += _check_targets(catalogue, bundle)
        problems += _check_accreditation(catalogue, bundle)
        problems += _check_co_creation(catalogue, bundle)
    return problems


def _check_membership(catalogue: Catalogue, bundle: Bundle) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    seen: dict[str, Span] = {}
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


def _check_targets(catalogue: Catalogue, bundle: Bundle) -> list[Diagnostic]:
    """Targets resolve; each targeted standard or indicator is met, and assessed, as the coverage model says."""
    problems = []
    # A module that failed to load, or an alignment with an unknown strength (reported where it is written):
    # coverage would be a guess, so no gap is reported that fixing those could remove.
    incomplete = any(m in catalogue.broken or any(a.strength not in STRENGTHS for a in catalogue.modules[m].standards)
                     for m in bundle.module_ids if m in catalogue.modules or m in catalogue.broken)
    coverage = None if incomplete else {c.item.ref: c for c in bundle_coverage_model(catalogue, bundle).targets}
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
        if coverage is None:
            continue  # a module failed to load; its alignments are unknown, so gaps would be guesses
        for item in catalogue.expand_target(target):
            cov = coverage.get(item.ref)
            if cov is None:
                continue
            via = f" (from target '{target}')" if item.ref != target else ""
            named = f"target {item.ref} '{item.label}'{via}"
            kinds = cov.gaps
            if "not-met" in kinds:
                problems.append(error(span, "target-gap", f"{named} is met by no module of the bundle"))
            elif "draft-or-retired-only" in kinds:
                names = ", ".join(f"{c.module.id} ({c.module.review.status})" for c in cov.contributions)
                problems.append(error(span, "target-gap", f"{named} is met only by draft or retired modules: {names}"))
            if "local-only" in kinds:
                names = ", ".join(c.module.id for c in cov.counting)
                problems.append(warning(span, "target-local-only", f"{named} is met only by local content: {names}"))
            if "unassessed" in kinds:
                how = " and ".join(PAST[s] for s in cov.strengths)
                problems.append(warning(span, "target-never-assessed",
                                        f"{named} is delivered but never assessed (only {how})"))
    return problems


PAST = {"introduces": "introduced", "develops": "developed", "assesses": "assessed"}


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
