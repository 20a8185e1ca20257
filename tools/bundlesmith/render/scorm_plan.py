"""What goes into one SCORM package: its identifiers, organisation tree, SCOs and files, decided before writing.

Identifiers are NCNames derived from bundle and module ids, never random, and they do not change between
versions, so an LMS treats a new version as an update of the same course and learners keep their progress.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bundlesmith.model import AUTO_MARKED_METHODS, Bundle, Catalogue, Module

SHARED_CSS = "shared/bundlesmith-scorm.css"
SHARED_JS = "shared/bundlesmith-scorm.js"
PROVENANCE = "bundlesmith-provenance.json"


@dataclass(frozen=True, slots=True)
class Objective:
    """A standard a module assesses: its run-time id and the knowledge-check questions that assess it."""

    standard: str  # "<framework>:<code>"
    id: str  # 1.2: "<framework>.<code>"; 2004: the standard's permalink
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sco:
    identifier: str  # item id
    resource: str  # resource id
    title: str
    href: str  # the launch page, relative to the package root
    modules: tuple[Module, ...]
    assets: tuple[str, ...]  # project-relative paths of the images/files its pages use
    mastery: int | None  # the pass mark when the SCO has a knowledge check

    @property
    def assessed(self) -> bool:
        return self.mastery is not None


@dataclass(frozen=True, slots=True)
class Node:
    """An organisation item: a bundle section (children) or a SCO (sco)."""

    identifier: str
    title: str
    children: tuple[Node, ...] = ()
    sco: Sco | None = None


@dataclass(frozen=True, slots=True)
class PackagePlan:
    catalogue: Catalogue
    bundle: Bundle
    scorm_version: str  # "1.2" | "2004"
    variant: str | None
    manifest_id: str
    organization_id: str
    tree: tuple[Node, ...]
    scos: tuple[Sco, ...]

    @property
    def modules(self) -> tuple[Module, ...]:
        return tuple(m for sco in self.scos for m in sco.modules)

    def objectives(self, module: Module) -> tuple[Objective, ...]:
        """One objective per standard the module assesses with its knowledge check (indicators count as
        themselves); a standard assessed another way (a professional discussion, an observation) is not
        scored by the SCO, so the LMS gets no objective for it."""
        found = []
        for alignment in module.assessed_standards:
            if alignment.assessment is not None and alignment.assessment.method not in AUTO_MARKED_METHODS:
                continue
            framework = self.catalogue.framework_of(alignment.standard)
            code = alignment.standard.partition(":")[2]
            if self.scorm_version == "2004" and framework is not None and framework.base_uri:
                oid = framework.permalink(code)
            else:
                oid = ncname(alignment.standard.replace(":", "."))
            items = alignment.assessment.items if alignment.assessment else ()
            if module.quiz is not None and not items:
                items = tuple(q.id for q in module.quiz.questions)
            found.append(Objective(alignment.standard, oid, tuple(items)))
        return tuple(found)


def ncname(text: str) -> str:
    """An XML NCName: letters, digits, '-', '_', '.'; never a colon; starts with a letter or '_'."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "-", text)
    return name if re.match(r"[A-Za-z_]", name) else f"_{name}"


def plan_package(catalogue: Catalogue, bundle: Bundle, scorm_version: str,
                 assets_of: Callable[[Module], tuple[str, ...]]) -> PackagePlan:
    """The package for one bundle and SCORM version; `assets_of(module)` lists the files its page uses."""
    variant = catalogue.variant.id if catalogue.variant else None
    mastery = bundle.scorm.mastery_score
    manifest_id = ncname(f"bundlesmith.{bundle.id}" + (f".{variant}" if variant else ""))
    organization_id = ncname(f"org-{bundle.id}")
    modules = [catalogue.modules[mid] for mid in bundle.module_ids if mid in catalogue.modules]
    if bundle.scorm.packaging == "single-sco":
        assets = tuple(dict.fromkeys(a for m in modules for a in assets_of(m)))
        sco = Sco(ncname(f"item-{bundle.id}"), ncname(f"res-{bundle.id}"), bundle.title, f"sco/{bundle.id}.html",
                  tuple(modules), assets, mastery if any(m.quiz for m in modules) else None)
        return PackagePlan(catalogue, bundle, scorm_version, variant, manifest_id, organization_id,
                           (Node(sco.identifier, bundle.title, sco=sco),), (sco,))
    scos: dict[str, Sco] = {}
    tree: list[Node] = []
    used: set[str] = set()
    for section in bundle.sections:
        children = []
        for mid in section.module_ids:
            module = catalogue.modules.get(mid)
            if module is None:
                continue
            if mid in scos:  # a module listed twice is one SCO; the LMS tracks it once
                continue
            item, resource, href = sco_names(mid)
            sco = Sco(item, resource, module.title, href, (module,), assets_of(module), mastery if module.quiz else None)
            scos[mid] = sco
            children.append(Node(sco.identifier, module.title, sco=sco))
        if children:
            tree.append(Node(_unique(ncname(f"sec-{_slug(section.title)}"), used), section.title, tuple(children)))
    return PackagePlan(catalogue, bundle, scorm_version, variant, manifest_id, organization_id, tuple(tree),
                       tuple(scos.values()))


@lru_cache(maxsize=8192)
def sco_names(module_id: str) -> tuple[str, str, str]:
    """The item id, resource id and launch page of a module's own SCO: the same in every package that has
    the module, so one set of strings serves them all (a build plans each module's SCO in every bundle, view
    and SCORM version that holds it)."""
    return ncname(f"item-{module_id}"), ncname(f"res-{module_id}"), f"sco/{module_id}.html"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "section"


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name}-{n}", n + 1
    used.add(candidate)
    return candidate
