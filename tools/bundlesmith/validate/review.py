"""Rules about currency and co-production: reviews due, voices from outside the writing team."""

from __future__ import annotations

from datetime import date

from bundlesmith.diagnostics import Diagnostic, warning
from bundlesmith.model import WRITING_TEAM_ROLES, Catalogue


def check_review(catalogue: Catalogue, today: date) -> list[Diagnostic]:
    problems = []
    for module in catalogue.modules.values():
        review = module.review
        if review.next_review and review.next_review < today and review.status != "retired":
            problems.append(warning(review.span, "review-overdue",
                                    f"review was due on {review.next_review.isoformat()}"))
        if review.reviewed and review.next_review and review.next_review < review.reviewed:
            problems.append(warning(review.span, "review-dates", "next_review is before reviewed"))
        if not {c.role for c in module.co_creation} - WRITING_TEAM_ROLES:
            span = module.co_creation[0].span if module.co_creation else module.span
            problems.append(warning(span, "no-outside-voice",
                                    "no co-creation role from outside the writing team "
                                    "(for example patient-representative, lived-experience, staff-network)"))
    return problems
