"""The CI gate: which bundles break accreditation under `--fail-on`, as diagnostics that point at the source.

Conditions (the gap kinds and their words are the coverage model's, coverage/model.py):
- `gaps`: a targeted standard is not met, met only by draft or retired modules, or met only by local content;
- `unassessed`: a targeted standard is delivered but no counting module assesses it;
- `level-gaps`: a standard the framework expects at one of the bundle's levels is not targeted, or a
  targeted standard is only introduced;
- `overdue`: a module of the bundle is past its `review.next_review` date;
- `co-production`: a module lacks every role the bundle requires (`co_creation.require_any_of`), or was
  shaped only by the writing team (educator, subject-expert).
"""

from __future__ import annotations

from bundlesmith.coverage.document import Coverage
from bundlesmith.coverage.model import GAP_CONDITION, LEVEL_GAP_WORDS
from bundlesmith.diagnostics import Diagnostic, Severity, Span
from bundlesmith.model import Catalogue

# `check` errors that the coverage report itself shows (a gap, a missing role, an unapproved module in an
# approved bundle): they must not stop the report, since showing them is its purpose. Any other error does.
REPORTED_ERRORS = frozenset({"target-gap", "co-creation-required", "accredited-unapproved"})
CONDITIONS = ("gaps", "unassessed", "level-gaps", "overdue", "co-production")


def parse_conditions(text: str | None) -> tuple[str, ...]:
    """`gaps,overdue` -> ("gaps", "overdue"); ValueError naming the unknown ones."""
    if not text:
        return ()
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in CONDITIONS]
    if unknown:
        raise ValueError(f"unknown condition(s) {', '.join(unknown)} (choose from {', '.join(CONDITIONS)})")
    return names


def _target_span(catalogue: Catalogue, bundle_id: str, ref: str) -> Span:
    bundle = catalogue.bundles[bundle_id]
    for target, span in bundle.targets:
        if any(item is not None and item.ref == ref for item in catalogue.expand_target(target)):
            return span
    return bundle.span


def offenders(catalogue: Catalogue, documents: list[Coverage], conditions: tuple[str, ...]) -> list[Diagnostic]:
    """One error per offender of each condition asked for, in bundle then report order."""
    found: list[Diagnostic] = []
    for doc in documents:
        bid = doc["bundle"]["id"]
        for gap in doc["gaps"]:
            condition = GAP_CONDITION[gap["kind"]]
            if condition in conditions:
                found.append(Diagnostic(_target_span(catalogue, bid, gap["standard"]), Severity.ERROR,
                                        f"coverage-{gap['kind']}",
                                        f"{bid}: {gap['standard']} {gap['title']}: {gap['detail']}"))
        if "level-gaps" in conditions:
            for level_gap in doc["level_gaps"]:
                kind, standard = level_gap["kind"], level_gap["standard"]
                span = (_target_span(catalogue, bid, standard) if kind == "targeted-only-introduced"
                        else catalogue.bundles[bid].span)
                found.append(Diagnostic(span, Severity.ERROR, f"coverage-{kind}",
                                        f"{bid}: {standard} {level_gap['title']}: {LEVEL_GAP_WORDS[kind].lower()} "
                                        f"(level {', '.join(level_gap['levels'])})"))
        if "overdue" in conditions:
            for row in doc["currency"]["modules"]:
                if row["overdue"]:
                    module = catalogue.modules[row["module"]]
                    found.append(Diagnostic(module.review.span, Severity.ERROR, "coverage-overdue",
                                            f"{bid}: module {row['module']} was due for review on {row['next_review']} "
                                            f"({row['days_overdue']} days ago)"))
        if "co-production" in conditions:
            required = ", ".join(doc["co_production"]["require_any_of"])
            for shaped in doc["co_production"]["modules"]:
                if shaped["flag"]:
                    module = catalogue.modules[shaped["module"]]
                    why = (f"has none of the roles the bundle requires ({required})"
                           if shaped["flag"] == "missing-required-role" else "was shaped only by the writing team")
                    span = module.co_creation[0].span if module.co_creation else module.span
                    found.append(Diagnostic(span, Severity.ERROR, f"coverage-{shaped['flag']}",
                                            f"{bid}: module {shaped['module']} {why}"))
    return found
