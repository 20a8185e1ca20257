"""What a build is asked for (`BuildOptions`) and what it says back (`BuildResult`).

Small on purpose: the command line builds the options, and a build with nothing to do answers, without
importing the stages that do the work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bundlesmith.diagnostics import Diagnostic

OUTPUTS = ("site", "scorm", "reports", "lms", "badges", "case", "print")


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    only: frozenset[str] = frozenset(OUTPUTS)
    bundles: tuple[str, ...] = ()
    variants: tuple[str, ...] | None = None  # None: national and every variant; (): national only
    jobs: int | None = None
    today: date | None = None
    dry_run: bool = False
    force: bool = False  # rebuild even when nothing changed

    @property
    def workers(self) -> int:
        from bundlesmith.workers import job_count

        return job_count(self.jobs)


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)  # errors
    warnings: list[Diagnostic] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)  # the folders of build/ this build wrote
    ok: bool = True


def site_dirname(variant: str | None) -> str:
    """A view's site in build/: site/, or site-<variant>/."""
    return "site" if variant is None else f"site-{variant}"


def reports_dirname(variant: str | None) -> str:
    """A view's reports in build/: reports/, or reports/<variant>/."""
    return "reports" if variant is None else f"reports/{variant}"
