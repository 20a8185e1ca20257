"""The pipeline in one screen: load -> validate -> plan -> render -> emit.

The CLI calls these functions; they return values and diagnostics and never print.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bundlesmith.diagnostics import Diagnostic, Severity
from bundlesmith.load.project import apply_variant, available_variants, load_catalogue, load_national
from bundlesmith.model import Catalogue
from bundlesmith.validate import validate


@dataclass(frozen=True)
class Checked:
    """A loaded catalogue (national, or with one variant applied) and every problem found in it."""

    catalogue: Catalogue
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def check(root: Path, variant: str | None = None, today: date | None = None,
          reject_raw_html: bool = False) -> Checked:
    """Load and validate one view of the project: national content, or national plus one variant."""
    catalogue, problems = load_catalogue(root, variant)
    problems += validate(catalogue, today, reject_raw_html)
    return Checked(catalogue, tuple(problems))


def check_all(root: Path, variants: tuple[str, ...] | None = None, today: date | None = None,
              reject_raw_html: bool = False) -> list[Checked]:
    """The national view and each variant's view (all variants unless some are named)."""
    names = available_variants(root) if variants is None else variants
    national, problems = load_national(root)
    results = [Checked(national, tuple(problems + validate(national, today, reject_raw_html)))]
    for name in names:
        overlaid, variant_problems = apply_variant(national, name)
        results.append(Checked(overlaid, tuple(variant_problems + validate(overlaid, today, reject_raw_html))))
    return results


def merged_diagnostics(results: list[Checked]) -> list[Diagnostic]:
    """Every distinct diagnostic across views, sorted by file and line."""
    unique: dict[tuple, Diagnostic] = {}
    for result in results:
        for d in result.diagnostics:
            unique.setdefault((d.sort_key, d.severity), d)
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1].value))]
