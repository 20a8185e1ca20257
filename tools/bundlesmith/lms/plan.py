"""What a bundle's LMS kit says, decided once: its frameworks, the competencies to attach and with which rule
outcome, the package to upload and what each of its SCOs reports.

Statuses come from the one coverage model (`coverage.model`): a standard the bundle assesses is "complete the
competency", one it only introduces or develops is "attach evidence"; nothing here decides what "assessed"
or "met" means.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bundlesmith.coverage.model import ItemCoverage, bundle_coverage_model
from bundlesmith.model import AUTO_MARKED_METHODS, Bundle, Catalogue, Framework, StandardItem
from bundlesmith.render.packages import package_filename
from bundlesmith.render.scorm_plan import PackagePlan, ncname, plan_package

COMPLETE = "complete"
EVIDENCE = "evidence"
# The words Moodle and Totara show for each rule outcome (course and activity competency settings).
RULE_WORDS = {COMPLETE: "Complete the competency", EVIDENCE: "Attach evidence"}
PREFERRED_SCORM = ("1.2", "2004")  # 1.2 first: what the Learning Hub, ESR's national content and Moodle run best


ID_LIMIT = 100  # Moodle cuts longer id numbers (two could then clash); Totara refuses them


def idnumber(item: StandardItem) -> str:
    """The competency's id number in every LMS file: `<framework>.<code>`, the id the SCORM 1.2 package
    reports for it at run time (cmi.objectives.n.id), so an administrator can match the two."""
    return _within_limit(ncname(f"{item.framework}.{item.code}"))


def framework_idnumber(framework: Framework) -> str:
    """A framework's id number: its id and version (a new version is a new framework in an LMS)."""
    return _within_limit(ncname(f"{framework.id}-{framework.version}"))


def _within_limit(name: str) -> str:
    """An id number of at most 100 characters: a longer one (a framework id near its 80-character limit and
    a long code) keeps its start and ends with a hash of the whole, so it stays unique and stable."""
    if len(name) <= ID_LIMIT:
        return name
    return name[:ID_LIMIT - 9] + "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Competency:
    """A standard (or indicator) to attach to the course and the SCORM activity, with its rules."""

    item: StandardItem
    framework: Framework
    coverage: ItemCoverage
    scored_in_package: bool  # a SCO scores it (an auto-marked knowledge check reports an objective for it)
    other_methods: tuple[str, ...]  # how else it is assessed (a workplace observation, a discussion): outside the package

    @property
    def course_rule(self) -> str:
        """Upon course completion: complete the competency when the bundle assesses it, else attach evidence."""
        return COMPLETE if self.coverage.assessed else EVIDENCE

    @property
    def activity_rule(self) -> str:
        """Upon completion of the SCORM activity: complete only what the package itself scores."""
        return COMPLETE if self.coverage.assessed and self.scored_in_package else EVIDENCE

    @property
    def permalink(self) -> str:
        return self.framework.permalink(self.item.code)


@dataclass(frozen=True)
class ScoReport:
    """What one SCO reports to the LMS."""

    title: str
    identifier: str
    mastery: int | None
    objectives: tuple[str, ...]  # run-time objective ids, as the package to upload names them
    questions: int  # interactions: one per knowledge-check question


@dataclass(frozen=True)
class Kit:
    catalogue: Catalogue
    bundle: Bundle
    variant: str | None
    frameworks: tuple[Framework, ...]  # every framework the bundle's targets and modules use, in catalogue order
    competencies: tuple[Competency, ...]  # met standards and indicators, targets first, in framework order
    not_met: tuple[ItemCoverage, ...]  # targets the bundle does not meet: nothing to attach
    scorm_version: str  # the package to upload
    package: str  # its file name in build/scorm/
    packages: dict[str, str]  # every SCORM version the bundle is built in -> file name
    scos: tuple[ScoReport, ...]

    @property
    def pass_mark(self) -> int:
        return self.bundle.scorm.mastery_score

    @property
    def assessed(self) -> tuple[Competency, ...]:
        """The standards the bundle assesses: the badge's alignments."""
        return tuple(c for c in self.competencies if c.course_rule == COMPLETE)


def plan_kit(catalogue: Catalogue, bundle: Bundle) -> Kit:
    """The kit of one bundle in one view."""
    variant = catalogue.variant.id if catalogue.variant else None
    coverage = bundle_coverage_model(catalogue, bundle)
    versions = [v for v in PREFERRED_SCORM if v in bundle.scorm.versions]
    chosen = versions[0] if versions else bundle.scorm.versions[0]
    package = plan_package(catalogue, bundle, chosen, lambda module: ())
    scored = {(m.id, o.standard) for m in package.modules for o in package.objectives(m)}
    met = [c for c in coverage.targets if c.met] + [c for c in coverage.not_targeted if c.met]
    order = {i.ref: n for n, i in enumerate(i for f in catalogue.frameworks.values() for i in f.items)}
    competencies = tuple(_competency(catalogue, c, scored) for c in sorted(met, key=lambda c: (not c.targeted,
                                                                                              order[c.item.ref])))
    used = {c.item.framework for c in coverage.targets + coverage.not_targeted}
    return Kit(
        catalogue=catalogue, bundle=bundle, variant=variant,
        frameworks=tuple(f for fid, f in catalogue.frameworks.items() if fid in used),
        competencies=competencies, not_met=tuple(c for c in coverage.targets if not c.met),
        scorm_version=chosen, package=package_filename(bundle.id, bundle.version, variant, chosen),
        packages={v: package_filename(bundle.id, bundle.version, variant, v) for v in bundle.scorm.versions},
        scos=_scos(package),
    )


def _competency(catalogue: Catalogue, cov: ItemCoverage, scored: set[tuple[str, str]]) -> Competency:
    item = cov.item
    mine = [a for c in cov.counting for a in c.alignments if a.strength == "assesses"]
    methods = sorted({a.assessment.method for a in mine if a.assessment and a.assessment.method not in AUTO_MARKED_METHODS})
    # A SCO reports an objective for what its module assesses with a knowledge check (a standard or one of
    # its indicators): that scores this item.
    in_package = any((c.module.id, a.standard) in scored for c in cov.counting for a in c.alignments)
    return Competency(item, catalogue.frameworks[item.framework], cov, in_package, tuple(methods))


def _scos(package: PackagePlan) -> tuple[ScoReport, ...]:
    reports = []
    for sco in package.scos:
        objectives = tuple(dict.fromkeys(o.id for m in sco.modules for o in package.objectives(m)))
        questions = sum(len(m.quiz.questions) for m in sco.modules if m.quiz is not None)
        reports.append(ScoReport(sco.title, sco.identifier, sco.mastery, objectives, questions))
    return tuple(reports)
