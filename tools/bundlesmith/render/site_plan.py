"""Which pages the learners' site has, where they live, and how the navigation groups them.

The URL layout is a contract (coverage reports link to it): `modules/<id>/`, `bundles/<id>/`,
`standards/<framework>/` and `standards/<framework>/<code>/`.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bundlesmith.coverage.model import BundleCoverage, ItemCoverage, bundle_coverage_model
from bundlesmith.model import STRENGTH_LETTER, Alignment, Bundle, Catalogue, Module, Section, StandardItem

if TYPE_CHECKING:
    from bundlesmith.coverage.rpl import RplMap

HOME = "index.md"
BUNDLES_INDEX = "bundles/index.md"
MODULES_INDEX = "modules/index.md"
STANDARDS_INDEX = "standards/index.md"
GLOSSARY = "glossary/index.md"
ACCESSIBILITY = "accessibility.md"  # generated from content/publisher.yml when the project has one
NAV_SECTION_LIMIT = 40  # entries per navigation section, so that each page's navigation stays short


def module_uri(module_id: str) -> str:
    return f"modules/{module_id}/index.md"


def group_uri(group: str) -> str:
    """A group of modules (a folder under content/modules/): `modules/_groups/<slug>/`, never a module's
    address (module ids cannot start with '_')."""
    return f"modules/_groups/{re.sub(r'[^a-z0-9]+', '-', group.lower()).strip('-') or 'modules'}/index.md"


def bundle_uri(bundle_id: str) -> str:
    return f"bundles/{bundle_id}/index.md"


def prior_learning_uri(bundle_id: str) -> str:
    """The bundle's "Already hold ...?" page: what a holder of each crosswalk's source may skip."""
    return f"bundles/{bundle_id}/prior-learning/index.md"


def framework_uri(framework_id: str) -> str:
    return f"standards/{framework_id}/index.md"


def standard_uri(ref: str) -> str:
    framework_id, _, code = ref.partition(":")
    return f"standards/{framework_id}/{code}/index.md"


@dataclass(frozen=True, slots=True)
class SitePage:
    """One generated page: its virtual source path, its plain-text title, what it shows and of what."""

    src_uri: str
    title: str
    kind: str  # home | bundles | modules | standards | glossary | bundle | prior-learning | module | framework | standard
    key: str = ""


def plan(catalogue: Catalogue, site_name: str) -> list[SitePage]:
    pages = [SitePage(HOME, site_name, "home"),
             SitePage(BUNDLES_INDEX, "Bundles", "bundles"),
             SitePage(MODULES_INDEX, "Modules", "modules"),
             SitePage(STANDARDS_INDEX, "Standards", "standards")]
    if catalogue.glossary.entries:
        pages.append(SitePage(GLOSSARY, "Glossary", "glossary"))
    pages += [SitePage(bundle_uri(b.id), b.title, "bundle", b.id) for b in _sorted_bundles(catalogue)]
    if catalogue.crosswalks:
        pages += [SitePage(prior_learning_uri(b.id), f"Already hold a qualification? {b.title}", "prior-learning", b.id)
                  for b in _sorted_bundles(catalogue)]
    pages += [SitePage(module_uri(m.id), m.title, "module", m.id) for m in _sorted_modules(catalogue)]
    groups = dict.fromkeys(module_group(m) for m in _sorted_modules(catalogue))
    if len(groups) > 1:
        pages += [SitePage(group_uri(g), g, "module-group", g) for g in groups]
    for framework in sorted(catalogue.frameworks.values(), key=lambda f: f.id):
        pages.append(SitePage(framework_uri(framework.id), framework.title, "framework", framework.id))
        pages += [SitePage(standard_uri(s.ref), f"{s.code} {s.title}".strip(), "standard", s.ref)
                  for s in framework.standards]
    if catalogue.publisher is not None:
        pages.append(SitePage(ACCESSIBILITY, "Accessibility statement", "accessibility"))
    return pages


def navigation(catalogue: Catalogue, extra_pages: list[str]) -> list[Any]:
    """The nav in mkdocs' config form. Titles are HTML-escaped: the theme prints them unescaped.

    Sections stay small (modules grouped by folder, standards by framework) so that the pruned
    navigation of each page stays short at national scale.
    """
    e = html.escape
    modules: dict[str, list[tuple[str, str]]] = {}
    for module in _sorted_modules(catalogue):
        modules.setdefault(module_group(module), []).append((module.title, module_uri(module.id)))
    module_nav: list[Any] = [MODULES_INDEX]
    if len(modules) == 1:
        module_nav += _chunked(next(iter(modules.values())))
    else:  # each group's own page first: the theme makes it the group's page, and lists every module by title
        module_nav += [{e(group): [group_uri(group), *_chunked(items)]} for group, items in modules.items()]
    standards_nav: list[Any] = [STANDARDS_INDEX]
    for framework in sorted(catalogue.frameworks.values(), key=lambda f: f.id):
        entries = [(f"{s.code} {s.title}".strip(), standard_uri(s.ref)) for s in framework.standards]
        if len(entries) > NAV_SECTION_LIMIT:  # a big framework: one section per domain
            items: list[Any] = [{e(f"{d.code} {d.title}"): _chunked([(f"{s.code} {s.title}".strip(), standard_uri(s.ref))
                                                         for s in framework.standards if s.parent == d.code])}
                     for d in framework.domains]
        else:
            items = _chunked(entries)
        standards_nav.append({e(framework.title): [framework_uri(framework.id), *items]})
    bundles = [(b.title, bundle_uri(b.id)) for b in _sorted_bundles(catalogue)]
    nav: list[Any] = [{"Home": HOME},
           {"Bundles": [BUNDLES_INDEX, *_chunked(bundles)]},
           {"Modules": module_nav},
           {"Standards": standards_nav}]
    if catalogue.glossary.entries:
        nav.append({"Glossary": GLOSSARY})
    statement = [{"Accessibility statement": ACCESSIBILITY}] if catalogue.publisher is not None else []
    return nav + [p for p in extra_pages if p != ACCESSIBILITY] + statement


def _chunked(entries: list[tuple[str, str]], limit: int | None = None) -> list[Any]:
    """Nav items for (title, uri) pairs; past `limit`, in sections of at most `limit` named by their range.

    mkdocs-material renders the whole open section on every page of it, so one section of 1,000
    modules makes the build grow with the square of the page count. Where a section ends is decided by
    its entries themselves (`_ends_section`), not by counting: a module added, removed or retitled
    changes the sections around it only, so the pages of the other sections keep their navigation
    (and a build keeps those pages, see render/site_reuse.py).
    """
    limit = limit or NAV_SECTION_LIMIT
    if len(entries) <= limit:
        return [{html.escape(title): uri} for title, uri in entries]
    runs: list[list[tuple[str, str]]] = [[]]
    for entry in entries:
        runs[-1].append(entry)
        if len(runs[-1]) == limit or _ends_section(entry[1], limit):
            runs.append([])
    runs = [run for run in runs if run]
    sections = [{html.escape(f"{_first_word(r[0][0])} to {_first_word(r[-1][0])}"): _chunked(r, limit)} for r in runs]
    return sections if len(sections) <= limit else _grouped(sections, limit)


def _ends_section(uri: str, limit: int) -> bool:
    """Whether a section of the navigation ends after this page: for about one page in limit / 2, by the
    page's address alone (a hash), so the same pages end sections whatever is added or taken around them."""
    return int(hashlib.sha256(uri.encode()).hexdigest()[:8], 16) % max(1, limit // 2) == 0


def _grouped(sections: list[Any], limit: int) -> list[Any]:
    """Sections in groups of sections, where there are more than `limit` of them (ending as _ends_section)."""
    groups: list[list[Any]] = [[]]
    for section in sections:
        groups[-1].append(section)
        (_, items), = section.items()
        if len(groups[-1]) == limit or _ends_section(_first_uri(items) + "/group", limit):
            groups.append([])
    named = []
    for group in (g for g in groups if g):
        (first, _), = group[0].items()
        (last, _), = group[-1].items()
        named.append({f"{first.split(' to ')[0]} to {last.split(' to ')[-1]}": group})
    return named if len(named) <= limit else _grouped(named, limit)


def _first_uri(items: list[Any]) -> str:
    (_, value), = items[0].items()
    return value if isinstance(value, str) else _first_uri(value)


def _first_word(title: str) -> str:
    return (title.split() or ["?"])[0].strip(",:;")


def module_group(module: Module) -> str:
    """The folder a module sits in under modules/ ('Induction'), or 'Local modules' for a variant's."""
    if module.local:
        return "Local modules"
    parts = module.path.split("/")
    folder = parts[-2] if len(parts) >= 4 and parts[-3] == "modules" else ""  # content/modules/<folder>/<file>
    return folder.replace("-", " ").capitalize() if folder else OTHER_MODULES


OTHER_MODULES = "Other modules"  # directly in content/modules/ (where `bundlesmith new module` puts them)


def _sorted_bundles(catalogue: Catalogue) -> list[Bundle]:
    return sorted(catalogue.bundles.values(), key=lambda b: b.id)


def _sorted_modules(catalogue: Catalogue) -> list[Module]:
    return sorted(catalogue.modules.values(), key=lambda m: (m.local, module_group(m), m.title.lower(), m.id))


HeatmapCell = tuple[str, bool] | None  # a strength's letter and whether it counts; None: the module does not align
HeatmapRow = tuple[str, str, list[HeatmapCell]]  # standard ref, its title, one cell per module


@dataclass(frozen=True, slots=True)
class Heatmap:
    """What a bundle's heatmap shows (coverage/heatmap.py draws it)."""

    columns: list[str]  # module ids
    rows: list[HeatmapRow]


@dataclass(frozen=True, slots=True)
class Met:
    """One module meeting one standard, directly or through one of its indicators."""

    module: Module
    alignment: Alignment
    via: StandardItem  # the standard or indicator the alignment names


class SiteIndex:
    """Cross references computed once per build: who meets which standard, which bundles hold a module."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.met: dict[str, list[Met]] = {}
        for module in _sorted_modules(catalogue):
            for alignment in module.standards:
                via = catalogue.standard(alignment.standard)
                standard = catalogue.standard_of(alignment.standard)
                if via is not None and standard is not None:
                    self.met.setdefault(standard.ref, []).append(Met(module, alignment, via))
        self.bundles_of: dict[str, list[Bundle]] = {}
        for bundle in _sorted_bundles(catalogue):
            for mid in bundle.module_ids:
                self.bundles_of.setdefault(mid, []).append(bundle)

    def module_groups(self) -> list[tuple[str, list[Module]]]:
        """The modules by group (folder), each group once, in the navigation's order."""
        groups: dict[str, list[Module]] = {}
        for module in _sorted_modules(self.catalogue):
            groups.setdefault(module_group(module), []).append(module)
        return list(groups.items())

    def bundle_modules(self, bundle: Bundle) -> list[Module]:
        return [self.catalogue.modules[m] for m in bundle.module_ids if m in self.catalogue.modules]

    def section_modules(self, section: Section) -> list[Module]:
        return [self.catalogue.modules[m] for m in section.module_ids if m in self.catalogue.modules]

    def bundle_coverage(self, bundle: Bundle) -> BundleCoverage:
        """The bundle's coverage, from the one coverage model every report and `check` read too."""
        return bundle_coverage_model(self.catalogue, bundle)

    def prior_learning(self, bundle: Bundle) -> list[RplMap]:
        """The bundle's RPL map for holders of each crosswalk's source (coverage/rpl.py decides), by crosswalk id."""
        from bundlesmith.coverage.rpl import rpl_map

        return [rpl_map(self.catalogue, bundle, self.catalogue.crosswalks[c]) for c in sorted(self.catalogue.crosswalks)]

    def heatmap(self, bundle: Bundle) -> Heatmap:
        """What the bundle's standards-by-modules heatmap shows, from its coverage model: a row per targeted
        standard, a cell per module of the bundle (its strength's letter, and whether it counts)."""
        ids = [m.id for m in self.bundle_modules(bundle)]
        rows: list[HeatmapRow] = []
        for cov in self.bundle_coverage(bundle).targets:
            by_module = {c.module.id: c for c in cov.contributions}
            rows.append((cov.item.ref, cov.item.label,
                         [(STRENGTH_LETTER[by_module[m].strength], by_module[m].counts) if m in by_module else None
                          for m in ids]))
        return Heatmap(ids, rows)

    def bundles_covering(self, standard: StandardItem) -> list[tuple[Bundle, bool, ItemCoverage]]:
        """Bundles that target the standard or hold a module aligning to it: (bundle, targeted, coverage)."""
        rows = []
        for bundle in _sorted_bundles(self.catalogue):
            model = self.bundle_coverage(bundle)
            cov = next((c for c in model.targets + model.not_targeted if c.item.ref == standard.ref), None)
            if cov is not None and (cov.targeted or cov.contributions):
                rows.append((bundle, cov.targeted, cov))
        return rows

    def neighbours(self, bundle: Bundle, module_id: str) -> tuple[str | None, str | None]:
        """The previous and next module of a bundle around one module, in reading order."""
        order = list(bundle.module_ids)
        i = order.index(module_id)
        return (order[i - 1] if i > 0 else None), (order[i + 1] if i + 1 < len(order) else None)
