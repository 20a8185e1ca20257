"""The one coverage model: for a bundle, what each targeted standard or indicator is (met, assessed, a gap of
which kind) and which standards its level expects. Every reader uses it: `check`'s target rules, the site's
bundle and standard pages, every report format (through `compute.bundle_coverage`), the `--fail-on` gate and
the CLI's summary line. No other module decides what "met", "assessed" or "gap" means.

The rules, each in one function here (docs/coverage.md, "Vocabulary", names them the same way):
- `counts(module)`: a module counts when its review status is approved or in review; draft and retired
  modules are shown but meet nothing;
- `contributions(...)`: a module contributes to a *standard* through an alignment to it or to any of its
  indicators; to an *indicator* only through an alignment to that indicator (a standard-level alignment
  does not show that each of its indicators is covered);
- `status(...)`: the one status word of a targeted item (STATUSES), and `gaps(...)` the gap kinds it
  raises (GAP_KINDS);
- `expected(...)`: a standard is expected in a bundle when the framework gives it one of the bundle's
  levels; `level_gaps(...)` lists those not targeted, and targeted ones that are only introduced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from bundlesmith.model import STRENGTHS, Alignment, Bundle, Catalogue, MemoKey, Module, StandardItem

COUNTING_STATUSES = ("approved", "in-review")

# Every status a targeted standard or indicator can have, and the words every output uses for it.
STATUSES = {
    "assessed": "Met and assessed",
    "delivered": "Delivered but never assessed",
    "local-only": "Met only by local content",
    "draft-or-retired-only": "Met only by draft or retired content",
    "not-met": "Not met",
}
# Gap kinds, the words for them, and the --fail-on condition each trips.
GAP_KINDS = ("not-met", "draft-or-retired-only", "local-only", "unassessed")
GAP_WORDS = {
    "not-met": "Not met",
    "draft-or-retired-only": "Met only by draft or retired content",
    "local-only": "Met only by local content",
    "unassessed": "Delivered but never assessed",
}
GAP_CONDITION = {"not-met": "gaps", "draft-or-retired-only": "gaps", "local-only": "gaps", "unassessed": "unassessed"}
LEVEL_GAP_KINDS = ("expected-not-targeted", "targeted-only-introduced")
LEVEL_GAP_WORDS = {
    "expected-not-targeted": "Expected at this bundle's level but not targeted",
    "targeted-only-introduced": "Targeted but only introduced",
}


def counts(module: Module) -> bool:
    """Whether a module meets the standards it aligns to (its review status is approved or in review)."""
    return module.review.status in COUNTING_STATUSES


@dataclass(frozen=True, slots=True)
class Contribution:
    """One module of the bundle aligning to an item: its strongest strength and the alignments behind it."""

    module: Module
    strength: str
    alignments: tuple[Alignment, ...]

    @property
    def counts(self) -> bool:
        return counts(self.module)

    @property
    def via(self) -> tuple[str, ...]:
        """The indicators (or the standard) the alignments name."""
        return tuple(dict.fromkeys(a.standard for a in self.alignments))


@dataclass(frozen=True, slots=True)
class ItemCoverage:
    """How one bundle covers one standard or indicator."""

    item: StandardItem
    targeted: bool
    expected: bool  # the framework gives it one of the bundle's levels
    contributions: tuple[Contribution, ...]  # every module of the bundle aligning to it, counting or not

    @property
    def counting(self) -> tuple[Contribution, ...]:
        return tuple(c for c in self.contributions if c.counts)

    @property
    def met(self) -> bool:
        return bool(self.counting)

    @property
    def assessed(self) -> bool:
        return any(c.strength == "assesses" for c in self.counting)

    @property
    def strengths(self) -> tuple[str, ...]:
        """The strengths of the counting modules, weakest first."""
        found = {c.strength for c in self.counting}
        return tuple(s for s in STRENGTHS if s in found)

    @property
    def status(self) -> str:
        return status(self)

    @property
    def words(self) -> str:
        return STATUSES[self.status]

    @property
    def gaps(self) -> tuple[str, ...]:
        return gaps(self) if self.targeted else ()


def status(cov: ItemCoverage) -> str:
    """The one status of an item: not met, draft or retired only, local only, delivered, assessed."""
    if not cov.contributions:
        return "not-met"
    if not cov.counting:
        return "draft-or-retired-only"
    if all(c.module.local for c in cov.counting):
        return "local-only"
    return "assessed" if cov.assessed else "delivered"


def gaps(cov: ItemCoverage) -> tuple[str, ...]:
    """The gap kinds a targeted item raises (a local-only item that is never assessed raises both)."""
    kind = status(cov)
    if kind in ("not-met", "draft-or-retired-only"):
        return (kind,)
    found = ["local-only"] if kind == "local-only" else []
    if not cov.assessed:
        found.append("unassessed")
    return tuple(found)


@dataclass(frozen=True, slots=True)
class LevelGap:
    item: StandardItem
    kind: str  # LEVEL_GAP_KINDS
    levels: tuple[str, ...]  # the bundle's levels the framework gives the standard


@dataclass(frozen=True)
class BundleCoverage:
    bundle: Bundle
    targets: tuple[ItemCoverage, ...]  # targeted standards and indicators, in framework order
    not_targeted: tuple[ItemCoverage, ...]  # the other standards of the frameworks in scope
    level_gaps: tuple[LevelGap, ...]

    @property
    def met(self) -> int:
        return sum(t.met for t in self.targets)

    @property
    def assessed(self) -> int:
        return sum(t.assessed for t in self.targets)

    def gap_count(self, kind: str) -> int:
        return sum(kind in t.gaps for t in self.targets)

    @property
    def gaps(self) -> int:
        """Targets that trip `--fail-on gaps` (not met, draft or retired only, local only)."""
        return sum(any(GAP_CONDITION[g] == "gaps" for g in t.gaps) for t in self.targets)

    @property
    def unassessed(self) -> int:
        return self.gap_count("unassessed")


def contributions(catalogue: Catalogue, modules: list[Module], item: StandardItem,
                  reached: Mapping[str, Mapping[int, list[Alignment]]] | None = None) -> tuple[Contribution, ...]:
    """The modules aligning to an item: to a standard directly or through its indicators; to an indicator
    only directly. `reached`: the modules' alignments by the item each counts for (`reach`), when the
    caller asks about many items."""
    reached = reach(catalogue, modules) if reached is None else reached
    found = []
    for position, mine in sorted(reached.get(item.ref, {}).items()):
        strength = max((a.strength for a in mine), key=STRENGTHS.index)
        found.append(Contribution(modules[position], strength, tuple(mine)))
    return tuple(found)


def reach(catalogue: Catalogue, modules: list[Module]) -> dict[str, dict[int, list[Alignment]]]:
    """Item ref -> module (its position in `modules`) -> its alignments that count for the item, in order."""
    found: dict[str, dict[int, list[Alignment]]] = {}
    for position, module in enumerate(modules):
        for alignment in module.standards:
            if alignment.strength in STRENGTHS:
                for ref in _counts_for(catalogue, alignment.standard):
                    found.setdefault(ref, {}).setdefault(position, []).append(alignment)
    return found


def _counts_for(catalogue: Catalogue, ref: str) -> tuple[str, ...]:
    """What an alignment to `ref` counts for: that item, and the standard an indicator belongs to."""
    standard = catalogue.standard_of(ref)
    if standard is not None and standard.type == "standard" and standard.ref != ref:
        return (ref, standard.ref)
    return (ref,)


def expected(item: StandardItem, bundle: Bundle) -> bool:
    """Whether the framework expects this standard at one of the bundle's levels."""
    return item.type == "standard" and bool(set(item.levels) & set(bundle.levels))


def targeted_items(catalogue: Catalogue, bundle: Bundle) -> list[StandardItem]:
    """What the bundle's targets name (a framework, a domain, a standard or an indicator), in framework order."""
    refs: set[str] = set()
    for target, _ in bundle.targets:
        refs.update(i.ref for i in catalogue.expand_target(target) if i is not None)
    return [i for fw in catalogue.frameworks.values() for i in fw.items if i.ref in refs and i.type != "domain"]


def bundle_coverage_model(catalogue: Catalogue, bundle: Bundle) -> BundleCoverage:
    """The coverage of one bundle in one view (catalogue), worked out once per catalogue and bundle."""
    return catalogue.memo_of(_COVERAGE, bundle, lambda: _compute(catalogue, bundle))


_COVERAGE: MemoKey[dict[str, BundleCoverage]] = MemoKey("coverage")  # bundle id -> its coverage


def _compute(catalogue: Catalogue, bundle: Bundle) -> BundleCoverage:
    modules = [catalogue.modules[m] for m in bundle.module_ids if m in catalogue.modules]
    targets = targeted_items(catalogue, bundle)
    refs = {t.ref for t in targets}
    scope = _frameworks_in_scope(catalogue, bundle, modules)
    reached = reach(catalogue, modules)
    covered = tuple(ItemCoverage(i, True, expected(i, bundle), contributions(catalogue, modules, i, reached))
                    for i in targets)
    others = tuple(ItemCoverage(i, False, expected(i, bundle), contributions(catalogue, modules, i, reached))
                   for fid in scope for i in catalogue.frameworks[fid].standards if i.ref not in refs)
    level_gaps = tuple(
        [LevelGap(c.item, "expected-not-targeted", _levels(c.item, bundle)) for c in others if c.expected]
        + [LevelGap(c.item, "targeted-only-introduced", _levels(c.item, bundle)) for c in covered
           if c.met and c.strengths == ("introduces",)])
    return BundleCoverage(bundle, covered, others, level_gaps)


def _levels(item: StandardItem, bundle: Bundle) -> tuple[str, ...]:
    return tuple(level for level in bundle.levels if level in item.levels)


def _frameworks_in_scope(catalogue: Catalogue, bundle: Bundle, modules: list[Module]) -> list[str]:
    names = {t.partition(":")[0] for t, _ in bundle.targets} | {a.standard.partition(":")[0]
                                                                   for m in modules for a in m.standards}
    return [fid for fid in catalogue.frameworks if fid in names]


@cache
def gap_words(kind: str) -> str:
    return GAP_WORDS.get(kind) or LEVEL_GAP_WORDS[kind]
