"""Compute one bundle's coverage document (the content of `coverage.json`) from the catalogue.

The document is plain JSON data (dicts, lists, strings, numbers, booleans, None) in a fixed order, so that
every view of it says the same thing and the same input always gives the same bytes. It never holds the
build time. What is met, assessed or a gap comes from the one coverage model (coverage/model.py), which
`check` and the site read too; this module only lays it out, with the figures reviewers read:
- a module's full minutes count towards each standard it aligns to (so per-standard minutes overlap and
  do not add up to the bundle's total); a domain's minutes count each module once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from bundlesmith.coverage import SCHEMA_VERSION
from bundlesmith.coverage.document import (
    AlignmentRow,
    AssessmentInfo,
    BundleInfo,
    Contribution,
    Contributor,
    CoProduction,
    Coverage,
    Currency,
    Domain,
    FrameworkInfo,
    Gap,
    LevelGap,
    Matrix,
    MatrixRow,
    ModuleCoProduction,
    ModuleCurrency,
    ModuleRow,
    QuizItem,
    ReadingInfo,
    SinceChanges,
    StandardDetail,
    Summary,
)
from bundlesmith.coverage.model import GAP_KINDS, LEVEL_GAP_KINDS, ItemCoverage, bundle_coverage_model, counts
from bundlesmith.coverage.provenance import Sources, provenance
from bundlesmith.diagnostics import Span
from bundlesmith.model import STRENGTH_LETTER, WRITING_TEAM_ROLES, Bundle, Catalogue, Framework, Module
from bundlesmith.readability import module_reading_level

MODULE_URL = "../../modules/{id}/index.html"  # index.html: the links also work opened from disk
STANDARD_URL = "../../standards/{framework}/{code}/index.html"


def module_url(module_id: str, anchor: str = "") -> str:
    return MODULE_URL.format(id=module_id) + anchor


def standard_url(ref: str) -> str:
    framework, _, code = ref.partition(":")
    return STANDARD_URL.format(framework=framework, code=code)


def _span(span: Span) -> str:
    return str(span)


def bundle_coverage(catalogue: Catalogue, bundle: Bundle, packages: Iterable[Any] = (), today: date | None = None,
                    since: Mapping[str, Any] | None = None, sources: Sources | None = None,
                    provenance_: dict[str, Any] | None = None) -> Coverage:
    """The coverage document of one bundle (with the catalogue's variant applied, if any).

    `sources` shares what is read from the project (git, links) between the bundles of a run;
    `provenance_` is the bundle's provenance when the caller has already worked it out."""
    today = today or date.today()
    modules = [catalogue.modules[m] for m in bundle.module_ids if m in catalogue.modules]
    model = bundle_coverage_model(catalogue, bundle)
    targeted = [c.item.ref for c in model.targets]
    alignments = _alignments(catalogue, modules)
    by_standard: dict[str, list[AlignmentRow]] = {}
    for row in alignments:
        by_standard.setdefault(row["standard"], []).append(row)
    frameworks = _frameworks_in_scope(catalogue, bundle, alignments)
    details = [_standard_detail(catalogue, cov, alignments, modules) for cov in model.targets]
    not_targeted = [_standard_detail(catalogue, cov, alignments, modules) for cov in model.not_targeted]
    gaps: list[Gap] = [{"standard": d["ref"], "title": d["title"], "kind": kind, "modules": [m["id"] for m in d["modules"]],
             "detail": _gap_detail(kind, d)} for d in details for kind in d["gaps"]]
    level_gaps: list[LevelGap] = [{"standard": g.item.ref, "title": g.item.label, "kind": g.kind, "levels": list(g.levels),
                   "href": standard_url(g.item.ref)} for g in model.level_gaps]
    module_rows = [_module_row(bundle, module, catalogue) for module in modules]
    co_production = _co_production(bundle, modules)
    currency = _currency(modules, today, bundle, since)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "bundle-coverage",
        "bundle": _bundle_info(catalogue, bundle),
        "links": {"module": MODULE_URL, "standard": STANDARD_URL,
                  "note": "relative to site/reports/<bundle>/ inside the built site"},
        "summary": _summary(modules, details, not_targeted, gaps, co_production, currency, level_gaps),
        "frameworks": [_framework_info(catalogue.frameworks[f]) for f in frameworks],
        "modules": module_rows,
        "matrix": _matrix(details, modules),
        "standards": details,
        "not_targeted": not_targeted,
        "gaps": gaps,
        "level_gaps": level_gaps,
        "alignments": alignments,
        "domains": _domains(catalogue, frameworks, targeted, by_standard, modules),
        "co_production": co_production,
        "currency": currency,
        "provenance": provenance_ or provenance(catalogue, bundle, packages, sources),
    }


def _frameworks_in_scope(catalogue: Catalogue, bundle: Bundle, alignments: list[AlignmentRow]) -> list[str]:
    names = {t.partition(":")[0] for t, _ in bundle.targets} | {a["standard"].partition(":")[0] for a in alignments}
    return [fid for fid in catalogue.frameworks if fid in names]


def _alignments(catalogue: Catalogue, modules: list[Module]) -> list[AlignmentRow]:
    """The tidy table: one row per alignment a module of the bundle makes, in bundle then file order."""
    rows: list[AlignmentRow] = []
    for module in modules:
        quiz = module.quiz
        for a in module.standards:
            standard = catalogue.standard_of(a.standard)
            if standard is None:
                continue
            assessment: AssessmentInfo | None = None
            if a.assessment is not None:
                items: list[QuizItem] = []
                for qid in a.assessment.items:
                    question = quiz.question(qid) if quiz else None
                    items.append({"id": qid, "prompt": question.prompt if question else ""})
                assessment = {"method": a.assessment.method, "items": items}
            rows.append({
                "module": module.id,
                "standard": standard.ref,
                "aligned_to": a.standard,
                "strength": a.strength,
                "letter": STRENGTH_LETTER[a.strength],
                "counts": counts(module),
                "local": module.local,
                "outcomes": [{"id": o, "text": outcome.text if (outcome := module.outcome(o)) else ""}
                             for o in a.outcomes],
                "evidence": list(a.evidence),
                "href": module_url(module.id, a.evidence[0] if a.evidence else ""),
                "assessment": assessment,
                "source": _span(a.span),
            })
    return rows


def _standard_detail(catalogue: Catalogue, cov: ItemCoverage, alignments: list[AlignmentRow],
                     modules: list[Module]) -> StandardDetail:
    """One standard or indicator as the reports show it: the model's status and gaps, and its figures."""
    item = cov.item
    ref = item.ref
    framework = catalogue.frameworks[item.framework]
    by_id = {m.id: m for m in modules}
    entries: list[Contribution] = []
    for c in cov.contributions:
        mine = [r for r in alignments if r["module"] == c.module.id and r["aligned_to"] in c.via]
        entries.append({"id": c.module.id, "title": c.module.title, "strength": c.strength,
                        "letter": STRENGTH_LETTER[c.strength], "counts": c.counts, "local": c.module.local,
                        "status": c.module.review.status,
                        "via": sorted(set(c.via) - {ref}),
                        "href": next((r["href"] for r in mine if r["evidence"]), module_url(c.module.id))})
    counting_ids = {c.module.id for c in cov.counting}
    counted_rows = [r for r in alignments if r["module"] in counting_ids
                    and any(r["aligned_to"] in c.via for c in cov.counting if c.module.id == r["module"])]
    return {
        "ref": ref,
        "framework": item.framework,
        "code": item.code,
        "domain": item.parent if item.type == "standard" else _domain_of(catalogue, item.framework, item.parent),
        "title": item.label,
        "statement": item.statement,
        "levels": list(item.levels),
        "local": item.local or framework.local,
        "targeted": cov.targeted,
        "href": standard_url(ref if item.type == "standard" else f"{item.framework}:{item.parent}"),
        "permalink": framework.permalink(item.code),
        "status": cov.status,
        "met": cov.met,
        "assessed": cov.assessed,
        "expected": cov.expected,
        "modules": entries,
        "minutes_guided": sum(by_id[m].guided_minutes for m in counting_ids),
        "minutes_self_directed": sum(by_id[m].self_directed_minutes for m in counting_ids),
        "assessment_methods": sorted({r["assessment"]["method"] for r in counted_rows if r["assessment"]}),
        "quiz_items": [{"module": r["module"], "id": i["id"], "prompt": i["prompt"]}
                       for r in counted_rows if r["assessment"] for i in r["assessment"]["items"]],
        "outcomes": [{"module": r["module"], "id": o["id"], "text": o["text"]} for r in counted_rows for o in r["outcomes"]],
        "gaps": list(cov.gaps),
    }


def _domain_of(catalogue: Catalogue, framework: str, standard: str | None) -> str | None:
    """The domain an indicator's standard belongs to."""
    parent = catalogue.standard(f"{framework}:{standard}") if standard else None
    return parent.parent if parent is not None else None


def _gap_detail(kind: str, detail: StandardDetail) -> str:
    names = ", ".join(f"{m['id']} ({m['status']})" for m in detail["modules"])
    return {
        "not-met": "no module of the bundle aligns to this standard",
        "draft-or-retired-only": f"only draft or retired modules align to it: {names}",
        "local-only": "met only by local (variant) content: "
                      + ", ".join(m["id"] for m in detail["modules"] if m["counts"]),
        "unassessed": "delivered but no module assesses it: "
                      + ", ".join(f"{m['id']} ({m['letter']})" for m in detail["modules"] if m["counts"]),
    }[kind]


def _module_row(bundle: Bundle, module: Module, catalogue: Catalogue) -> ModuleRow:
    section = next(s for s in bundle.sections if module.id in s.module_ids)
    return {
        "id": module.id,
        "title": module.title,
        "version": module.version,
        "section": section.title,
        "local": module.local,
        "local_slots": list(module.local_slots),
        "status": module.review.status,
        "counts": counts(module),
        "levels": list(module.levels),
        "minutes_guided": module.guided_minutes,
        "minutes_self_directed": module.self_directed_minutes,
        "outcomes": [{"id": o.id, "text": o.text} for o in module.outcomes],
        "quiz_items": [q.id for q in module.quiz.questions] if module.quiz else [],
        "href": module_url(module.id),
        "path": module.path,
        "reading": _reading(module),
    }


def _reading(module: Module) -> ReadingInfo | None:
    level = module_reading_level(module)
    return level.to_json() if level is not None else None


def _matrix(details: list[StandardDetail], modules: list[Module]) -> Matrix:
    """Targeted standards (rows) x modules (columns, bundle order); a cell is I, D, A or empty."""
    columns = [m.id for m in modules]
    rows: list[MatrixRow] = []
    for d in details:
        found = {e["id"]: e for e in d["modules"]}
        rows.append({"standard": d["ref"], "cells": [
            {"letter": found[mid]["letter"], "strength": found[mid]["strength"], "counts": found[mid]["counts"],
             "href": found[mid]["href"]} if mid in found else None for mid in columns]})
    return {"columns": columns, "rows": rows}


def _domains(catalogue: Catalogue, frameworks: list[str], targeted: list[str],
             by_standard: dict[str, list[AlignmentRow]], modules: list[Module]) -> list[Domain]:
    by_id = {m.id: m for m in modules}
    out: list[Domain] = []
    for fid in frameworks:
        framework = catalogue.frameworks[fid]
        for domain in framework.domains:
            refs = [f"{fid}:{c}" for c in domain.children
                    if (child := catalogue.standard(f"{fid}:{c}")) is not None and child.type == "standard"]
            mine = [r for r in refs if r in targeted]
            counting = {r["module"] for ref in refs for r in by_standard.get(ref, []) if r["counts"]}
            met = [r for r in mine if any(x["counts"] for x in by_standard.get(r, []))]
            assessed = [r for r in mine if any(x["counts"] and x["strength"] == "assesses" for x in by_standard.get(r, []))]
            guided = sum(by_id[m].guided_minutes for m in counting)
            self_directed = sum(by_id[m].self_directed_minutes for m in counting)
            out.append({
                "framework": fid, "code": domain.code, "title": domain.title, "local": domain.local or framework.local,
                "standards": len(refs), "targeted": len(mine), "met": len(met), "assessed": len(assessed),
                "share_met": round(len(met) / len(mine), 4) if mine else None,
                "share_assessed": round(len(assessed) / len(mine), 4) if mine else None,
                "modules": [m.id for m in modules if m.id in counting],
                "minutes_guided": guided, "minutes_self_directed": self_directed,
                "hours": round((guided + self_directed) / 60, 2),
            })
    return out


def _co_production(bundle: Bundle, modules: list[Module]) -> CoProduction:
    required = list(bundle.require_any_of)
    rows: list[ModuleCoProduction] = []
    roles: dict[str, list[str]] = {}
    for module in modules:
        module_roles: list[Contributor] = [{"role": c.role, "contribution": c.contribution, "date": c.date or None,
                         "outside_team": c.role not in WRITING_TEAM_ROLES} for c in module.co_creation]
        names = {c.role for c in module.co_creation}
        for name in names:
            roles.setdefault(name, []).append(module.id)
        flag = None
        if required and not names & set(required):
            flag = "missing-required-role"
        elif not names - WRITING_TEAM_ROLES:
            flag = "writing-team-only"
        rows.append({"module": module.id, "local": module.local, "roles": module_roles,
                     "outside_team": bool(names - WRITING_TEAM_ROLES), "flag": flag})
    return {
        "require_any_of": required,
        "roles": [{"role": r, "outside_team": r not in WRITING_TEAM_ROLES, "modules": roles[r]} for r in sorted(roles)],
        "modules": rows,
        "flagged": [r["module"] for r in rows if r["flag"]],
    }


def _currency(modules: list[Module], today: date, bundle: Bundle, since: Mapping[str, Any] | None) -> Currency:
    rows: list[ModuleCurrency] = []
    for m in modules:
        due = m.review.next_review
        overdue = due is not None and due < today
        rows.append({"module": m.id, "version": m.version, "status": m.review.status,
                     "reviewed": m.review.reviewed.isoformat() if m.review.reviewed else None,
                     "next_review": due.isoformat() if due else None,
                     "approved_by": m.review.approved_by or None,
                     "overdue": overdue, "days_overdue": (today - due).days if due is not None and overdue else 0})
    return {"as_of": today.isoformat(), "modules": rows, "overdue": [r["module"] for r in rows if r["overdue"]],
            "since": _changes(since, bundle, modules) if since is not None else None}


def _changes(previous: Mapping[str, Any], bundle: Bundle, modules: list[Module]) -> SinceChanges:
    """What changed since a previous coverage.json: modules added, removed and version-bumped."""
    from bundlesmith.coverage.changes import module_changes

    return {
        "bundle_version": previous.get("bundle", {}).get("version"),
        "content_hash": previous.get("provenance", {}).get("content_hash"),
        **module_changes(previous.get("modules", []), [{"id": m.id, "version": m.version} for m in modules]),
    }


def _bundle_info(catalogue: Catalogue, bundle: Bundle) -> BundleInfo:
    acc = bundle.accreditation
    variant = catalogue.variant
    return {
        "id": bundle.id, "title": bundle.title, "version": bundle.version, "levels": list(bundle.levels),
        "description": bundle.description, "audience": bundle.audience or None,
        "variant": {"id": variant.id, "title": variant.title} if variant else None,
        "sections": [{"title": s.title, "local": s.local, "modules": list(s.module_ids)} for s in bundle.sections],
        "targets": [t for t, _ in bundle.targets],
        "accreditation": {"body": acc.body or None, "status": acc.status, "reference": acc.reference or None,
                          "valid_until": acc.valid_until.isoformat() if acc.valid_until else None} if acc else None,
        "path": bundle.path,
    }


def _framework_info(framework: Framework) -> FrameworkInfo:
    return {"id": framework.id, "title": framework.title, "version": framework.version, "status": framework.status,
            "publisher": framework.publisher, "local": framework.local, "base_uri": framework.base_uri}


def _summary(modules: list[Module], details: list[StandardDetail], not_targeted: list[StandardDetail], gaps: list[Gap],
             co_production: CoProduction, currency: Currency, level_gaps: list[LevelGap]) -> Summary:
    counting = [m for m in modules if counts(m)]
    return {
        "modules": len(modules),
        "modules_counting": len(counting),
        "modules_local": sum(m.local for m in modules),
        "minutes_guided": sum(m.guided_minutes for m in counting),
        "minutes_self_directed": sum(m.self_directed_minutes for m in counting),
        "targeted_standards": len(details),
        "met": sum(d["met"] for d in details),
        "assessed": sum(d["assessed"] for d in details),
        "delivered_only": sum(d["met"] and not d["assessed"] for d in details),
        "not_met": sum(not d["met"] for d in details),
        "gaps": len(gaps),
        "gaps_by_kind": {k: sum(g["kind"] == k for g in gaps) for k in GAP_KINDS},
        "level_gaps": len(level_gaps),
        "level_gaps_by_kind": {k: sum(g["kind"] == k for g in level_gaps) for k in LEVEL_GAP_KINDS},
        "not_targeted_standards": len(not_targeted),
        "not_targeted_met": sum(d["met"] for d in not_targeted),
        "overdue_modules": len(currency["overdue"]),
        "co_production_flags": len(co_production["flagged"]),
    }
