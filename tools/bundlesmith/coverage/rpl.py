"""The prior-learning (RPL) map: what a holder of an external framework or qualification may skip in a bundle.

The rule lives here and only here (`decide`); the `rpl` command, the `rpl-<crosswalk>` reports and the site's
"Already hold ...?" page all read its result. It follows regulated practice: prior learning counts only for
what it fully meets, and the whole mapping is kept for quality assurance.

- An alignment is *recognised* when it `develops` or `assesses` (an `introduces` alignment teaches nothing a
  holder must show).
- A recognised alignment is *met* by the crosswalk (`met_by`) when a `coverage: full` `exactMatchOf` mapping
  targets its standard or indicator (or, for an indicator, its standard); when `coverage: full` mappings
  (`isPartOf` or `exactMatchOf`) together target every indicator of its standard; or, for an indicator, when
  a `coverage: full` `isPartOf` mapping targets it. `isRelatedTo` and
  `partial` mappings never meet anything: they tell the holder and the assessor what is related.
- A module is `exempt` when it has at least one recognised alignment and the crosswalk meets all of them;
  `top-up` when it meets some; `take` otherwise.
- What remains of a top-up: the outcomes named by an alignment that is not met (or named by no met
  alignment), and the sections an unmet alignment gives as its evidence.
- Minutes saved: all of an exempt module's, none of a module to take; for a top-up, the module's minutes
  times the share of its outcomes that no longer remain, rounded down.
"""

from __future__ import annotations

from dataclasses import dataclass

from bundlesmith.model import Alignment, Bundle, Catalogue, Crosswalk, Mapping, Module, Outcome

RECOGNISED = ("develops", "assesses")
DECISIONS = {"exempt": "Exempt", "top-up": "Top-up", "take": "Take the module"}


@dataclass(frozen=True)
class AlignmentMatch:
    """One recognised alignment of a module, and how the crosswalk bears on it."""

    alignment: Alignment
    met_by: tuple[Mapping, ...]  # the full mappings that meet it (empty: not met)
    related: tuple[Mapping, ...]  # every mapping to its standard, one of its indicators, or its own target

    @property
    def met(self) -> bool:
        return bool(self.met_by)


@dataclass(frozen=True)
class ModuleRpl:
    module: Module
    decision: str  # DECISIONS
    alignments: tuple[AlignmentMatch, ...]
    remaining_outcomes: tuple[Outcome, ...]
    remaining_sections: tuple[tuple[str, str], ...]  # (anchor, heading text)
    minutes_saved: int

    @property
    def words(self) -> str:
        return DECISIONS[self.decision]

    @property
    def evidence(self) -> tuple[tuple[str, int | None, str], ...]:
        """What a holder is asked for: (evidence, currency in months, source code) of each mapping relied on."""
        found: dict[tuple[str, int | None, str], None] = {}
        for match in self.alignments:
            for mapping in match.met_by:
                for kind in mapping.evidence:
                    found.setdefault((kind, mapping.currency_months, mapping.source), None)
        return tuple(found)


@dataclass(frozen=True)
class RplMap:
    bundle: Bundle
    crosswalk: Crosswalk
    modules: tuple[ModuleRpl, ...]

    @property
    def minutes_total(self) -> int:
        return sum(m.module.minutes for m in self.modules)

    @property
    def minutes_saved(self) -> int:
        return sum(m.minutes_saved for m in self.modules)

    def count(self, decision: str) -> int:
        return sum(m.decision == decision for m in self.modules)


def met_by(catalogue: Catalogue, crosswalk: Crosswalk, ref: str) -> tuple[Mapping, ...]:
    """The full mappings of the crosswalk that together meet one standard or indicator (empty: not met)."""
    item = catalogue.standard(ref)
    if item is None:
        return ()
    full = [m for m in crosswalk.mappings if m.coverage == "full"]
    exact = [m for m in full if m.relation == "exactMatchOf"
             and (m.target == ref or (item.type == "indicator" and m.target == f"{item.framework}:{item.parent}"))]
    if exact:
        return tuple(exact)
    if item.type == "indicator":
        return tuple(m for m in full if m.relation == "isPartOf" and m.target == ref)
    if item.type == "standard" and item.children:
        parts = [m for m in full if m.relation in ("isPartOf", "exactMatchOf")]
        chosen = []
        for code in item.children:
            these = [m for m in parts if m.target == f"{item.framework}:{code}"]
            if not these:
                return ()
            chosen += these
        return tuple(chosen)
    return ()


def _related(catalogue: Catalogue, crosswalk: Crosswalk, ref: str) -> tuple[Mapping, ...]:
    standard = catalogue.standard_of(ref)
    refs = {ref}
    if standard is not None:
        refs |= {standard.ref} | {f"{standard.framework}:{c}" for c in standard.children}
    return tuple(m for m in crosswalk.mappings if m.target in refs)


def decide(catalogue: Catalogue, crosswalk: Crosswalk, module: Module) -> ModuleRpl:
    """The one RPL rule: exempt, top-up or take, what remains and the minutes saved (see the module docstring)."""
    matches = tuple(AlignmentMatch(a, met_by(catalogue, crosswalk, a.standard),
                                   _related(catalogue, crosswalk, a.standard))
                    for a in module.standards if a.strength in RECOGNISED)
    met = [m for m in matches if m.met]
    if matches and len(met) == len(matches):
        return ModuleRpl(module, "exempt", matches, (), (), module.minutes)
    if not met:
        return ModuleRpl(module, "take", matches, module.outcomes, (), 0)
    unmet = [m.alignment for m in matches if not m.met]
    covered = {o for m in met for o in m.alignment.outcomes} - {o for a in unmet for o in a.outcomes}
    remaining = tuple(o for o in module.outcomes if o.id not in covered)
    headings = {h.id: h.text for h in (module.prepared.headings if module.prepared else ())}
    anchors = dict.fromkeys(e[1:] for a in unmet for e in a.evidence if e.startswith("#"))
    sections = tuple((anchor, headings.get(anchor, anchor)) for anchor in anchors)
    skipped = len(module.outcomes) - len(remaining)
    saved = module.minutes * skipped // len(module.outcomes) if module.outcomes else 0
    return ModuleRpl(module, "top-up", matches, remaining, sections, saved)


def rpl_map(catalogue: Catalogue, bundle: Bundle, crosswalk: Crosswalk) -> RplMap:
    """The RPL map of one bundle for holders of one crosswalk's source, module by module in reading order."""
    modules = [catalogue.modules[m] for m in bundle.module_ids if m in catalogue.modules]
    return RplMap(bundle, crosswalk, tuple(decide(catalogue, crosswalk, m) for m in modules))
