"""The shape of the coverage documents: `coverage.json` of a bundle and `framework.json` of a framework view.

compute.py and framework.py build them; every report (HTML, XLSX, CSV, Markdown, the heatmap, the change
log) reads them. The keys are the JSON's keys, in the order they are written (schemas/coverage.schema.json
is the published contract).
"""

from __future__ import annotations

from typing import Any, TypedDict

# ---- one bundle: coverage.json


class QuizItem(TypedDict):
    id: str
    prompt: str


class AssessmentInfo(TypedDict):
    method: str
    items: list[QuizItem]


class OutcomeInfo(TypedDict):
    id: str
    text: str


class AlignmentRow(TypedDict):
    """One alignment a module of the bundle makes (the tidy table)."""

    module: str
    standard: str
    aligned_to: str
    strength: str
    letter: str
    counts: bool
    local: bool
    outcomes: list[OutcomeInfo]
    evidence: list[str]
    href: str
    assessment: AssessmentInfo | None
    source: str


class Contribution(TypedDict):
    """A module that aligns to a standard, as the standard's row lists it."""

    id: str
    title: str
    strength: str
    letter: str
    counts: bool
    local: bool
    status: str
    via: list[str]
    href: str


class ModuleQuizItem(TypedDict):
    module: str
    id: str
    prompt: str


class ModuleOutcome(TypedDict):
    module: str
    id: str
    text: str


class StandardDetail(TypedDict):
    """A standard or indicator with the coverage model's status and gaps, and its figures."""

    ref: str
    framework: str
    code: str
    domain: str | None
    title: str
    statement: str
    levels: list[str]
    local: bool
    targeted: bool
    href: str
    permalink: str
    status: str
    met: bool
    assessed: bool
    expected: bool
    modules: list[Contribution]
    minutes_guided: int
    minutes_self_directed: int
    assessment_methods: list[str]
    quiz_items: list[ModuleQuizItem]
    outcomes: list[ModuleOutcome]
    gaps: list[str]


class Gap(TypedDict):
    standard: str
    title: str
    kind: str
    modules: list[str]
    detail: str


class LevelGap(TypedDict):
    standard: str
    title: str
    kind: str
    levels: list[str]
    href: str


class ReadingInfo(TypedDict):
    words: int
    sentences: int
    syllables: int
    flesch_kincaid_grade: float
    reading_age: int


class ModuleRow(TypedDict):
    id: str
    title: str
    version: str
    section: str
    local: bool
    local_slots: list[str]
    status: str
    counts: bool
    levels: list[str]
    minutes_guided: int
    minutes_self_directed: int
    outcomes: list[OutcomeInfo]
    quiz_items: list[str]
    href: str
    path: str
    reading: ReadingInfo | None


class Cell(TypedDict):
    letter: str
    strength: str
    counts: bool
    href: str


class MatrixRow(TypedDict):
    standard: str
    cells: list[Cell | None]  # one per module (column); None where the module does not align


class Matrix(TypedDict):
    columns: list[str]
    rows: list[MatrixRow]


class Domain(TypedDict):
    framework: str
    code: str
    title: str
    local: bool
    standards: int
    targeted: int
    met: int
    assessed: int
    share_met: float | None
    share_assessed: float | None
    modules: list[str]
    minutes_guided: int
    minutes_self_directed: int
    hours: float


class Contributor(TypedDict):
    role: str
    contribution: str
    date: str | None
    outside_team: bool


class ModuleCoProduction(TypedDict):
    module: str
    local: bool
    roles: list[Contributor]
    outside_team: bool
    flag: str | None


class RoleModules(TypedDict):
    role: str
    outside_team: bool
    modules: list[str]


class CoProduction(TypedDict):
    require_any_of: list[str]
    roles: list[RoleModules]
    modules: list[ModuleCoProduction]
    flagged: list[str]


class ModuleVersion(TypedDict):
    id: str
    version: str


VersionBump = TypedDict("VersionBump", {"id": str, "from": str, "to": str})  # "from" is a keyword


class ModuleChanges(TypedDict):
    added: list[ModuleVersion]
    removed: list[ModuleVersion]
    version_bumped: list[VersionBump]


class SinceChanges(ModuleChanges):
    """What changed since a previous coverage.json (`--since`)."""

    bundle_version: str | None
    content_hash: str | None


class ModuleCurrency(TypedDict):
    module: str
    version: str
    status: str
    reviewed: str | None
    next_review: str | None
    approved_by: str | None
    overdue: bool
    days_overdue: int


class Currency(TypedDict):
    as_of: str
    modules: list[ModuleCurrency]
    overdue: list[str]
    since: SinceChanges | None


class VariantInfo(TypedDict):
    id: str
    title: str


class SectionInfo(TypedDict):
    title: str
    local: bool
    modules: list[str]


class AccreditationInfo(TypedDict):
    body: str | None
    status: str
    reference: str | None
    valid_until: str | None


class BundleInfo(TypedDict):
    id: str
    title: str
    version: str
    levels: list[str]
    description: str
    audience: str | None
    variant: VariantInfo | None
    sections: list[SectionInfo]
    targets: list[str]
    accreditation: AccreditationInfo | None
    path: str


class FrameworkInfo(TypedDict):
    id: str
    title: str
    version: str
    status: str
    publisher: str
    local: bool
    base_uri: str


class Links(TypedDict):
    module: str
    standard: str
    note: str


class Summary(TypedDict):
    modules: int
    modules_counting: int
    modules_local: int
    minutes_guided: int
    minutes_self_directed: int
    targeted_standards: int
    met: int
    assessed: int
    delivered_only: int
    not_met: int
    gaps: int
    gaps_by_kind: dict[str, int]
    level_gaps: int
    level_gaps_by_kind: dict[str, int]
    not_targeted_standards: int
    not_targeted_met: int
    overdue_modules: int
    co_production_flags: int


class Coverage(TypedDict):
    """coverage.json: one bundle's coverage, as every report of it reads it."""

    schema_version: str
    kind: str
    bundle: BundleInfo
    links: Links
    summary: Summary
    frameworks: list[FrameworkInfo]
    modules: list[ModuleRow]
    matrix: Matrix
    standards: list[StandardDetail]
    not_targeted: list[StandardDetail]
    gaps: list[Gap]
    level_gaps: list[LevelGap]
    alignments: list[AlignmentRow]
    domains: list[Domain]
    co_production: CoProduction
    currency: Currency
    provenance: dict[str, Any]  # coverage/provenance.py's record of the sources and packages (JSON)


class BundleSummary(TypedDict):
    """What the framework view and the reports' index read of one bundle's coverage.json (framework.py's
    `bundle_summary`), so that a reports folder never holds every bundle's whole document at once."""

    bundle: BundleInfo
    summary: Summary
    content_hash: str
    standards: dict[str, tuple[bool, str | None]]  # ref -> (targeted, the strongest counting strength, if any)


# ---- the framework view: framework.json


class BundleCell(TypedDict):
    bundle: str
    targeted: bool
    strength: str | None
    letter: str | None
    met: bool
    assessed: bool


class LevelCoverage(TypedDict):
    level: str
    bundles: list[str]
    assessed_by: list[str]
    covered: bool


class FrameworkStandard(TypedDict):
    ref: str
    framework: str
    code: str
    domain: str | None
    title: str
    levels: list[str]
    local: bool
    href: str
    bundles: list[BundleCell]
    level_coverage: list[LevelCoverage]
    met_by_any: bool
    assessed_by_any: bool


class FrameworkLevelGap(TypedDict):
    standard: str
    level: str


class BundleReport(TypedDict):
    id: str
    title: str
    version: str
    levels: list[str]
    report: str
    content_hash: str


class FrameworkListing(TypedDict):
    id: str
    title: str
    version: str
    local: bool
    levels: list[str]


class FrameworkTotals(TypedDict):
    standards: int
    met_by_any: int
    assessed_by_any: int
    level_gaps: int


class FrameworkCoverage(TypedDict):
    """framework.json: every standard of the frameworks, which bundles cover it and at which levels."""

    schema_version: str
    kind: str
    variant: VariantInfo | None
    bundles: list[BundleReport]
    frameworks: list[FrameworkListing]
    summary: FrameworkTotals
    standards: list[FrameworkStandard]
    level_gaps: list[FrameworkLevelGap]
