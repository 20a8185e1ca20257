"""Validate stage: cross-file rules over the loaded catalogue. Each rule returns diagnostics; nothing prints."""

from __future__ import annotations

from datetime import date

from bundlesmith.diagnostics import Diagnostic
from bundlesmith.model import Catalogue
from bundlesmith.validate import (
    accessibility,
    bundles,
    crosswalks,
    frameworks,
    glossary,
    links,
    modules,
    plain_english,
    review,
    schedule,
)
from bundlesmith.validate.memo import shared


def validate(catalogue: Catalogue, today: date | None = None, reject_raw_html: bool = False,
             seen: dict[str, object] | None = None) -> list[Diagnostic]:
    """Cross-file rules over one view. Views validated one after another may share `seen` (an empty dict
    at first) so that what depends only on one module and the files it links to is worked out once."""
    today = today or date.today()
    problems: list[Diagnostic] = []
    memo = shared(seen)
    problems += modules.check_modules(catalogue, memo)
    problems += links.check_links(catalogue, memo)
    problems += bundles.check_bundles(catalogue)
    problems += schedule.check_schedules(catalogue)
    problems += review.check_review(catalogue, today)
    problems += accessibility.check_accessibility(catalogue, memo)
    problems += plain_english.check_plain_english(catalogue, memo)
    problems += glossary.check_glossary(catalogue)
    problems += crosswalks.check_crosswalks(catalogue, today)
    problems += frameworks.check_related(catalogue)
    if reject_raw_html:
        problems += links.check_raw_html(catalogue)
    return problems
