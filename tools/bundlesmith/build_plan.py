"""The plan stage of `bundlesmith build`: every decision about what a build makes, before anything renders.

`plan()` turns the checked views and the build's input set into one frozen `BuildPlan`: which views and
bundles, which output folders, each package to build (with its SCOs and objectives, render.scorm_plan)
or to keep from the last build (its reuse key unchanged and its files still what the state records),
the packages a `--bundle` build carries over, and where each view's site and reports go. The render
stage (schedule.py) only carries the plan out; the state file records what the plan decided.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bundlesmith import inputs, state
from bundlesmith.build_options import BuildOptions, reports_dirname, site_dirname
from bundlesmith.model import Bundle, Catalogue, Module
from bundlesmith.render.packages import PackageRecord, is_package_of, package_filename, provenance_filename, read_record
from bundlesmith.signing import file_sha256

if TYPE_CHECKING:  # the renderers are imported only by a build that gets past the no-op check
    from bundlesmith.render.cache import RenderCache
    from bundlesmith.render.scorm_plan import PackagePlan
    from bundlesmith.render.site_reuse import SiteReuse

KITS = ("lms", "badges")  # small files per view, made in the main process after the rest


@dataclass(frozen=True, slots=True)
class PackageJob:
    """A package this build makes: what it is (planned), its file name and its reuse key."""

    view: int
    plan: PackagePlan
    filename: str
    key: str


@dataclass(frozen=True, slots=True)
class KeptPackage:
    """A package of the last build kept as it is: its record, read from its verified provenance file."""

    view: int
    record: PackageRecord
    key: str


Slot = PackageJob | KeptPackage  # one package of a view, in the order of its bundles and SCORM versions


@dataclass(frozen=True)
class ViewPlan:
    """One view (national content, or with one variant applied) and what the build makes of it."""

    catalogue: Catalogue
    bundles: tuple[Bundle, ...]  # the bundles built (all, or those --bundle names), by id
    packages: tuple[Slot, ...] = ()
    site: str | None = None  # its site's folder in build/, when sites are built
    pages: SiteReuse | None = None  # with a site: its pages' keys, and the last build's pages it keeps
    reports: str | None = None  # its reports' folder in build/, when reports are built

    @property
    def variant(self) -> str | None:
        return self.catalogue.variant.id if self.catalogue.variant else None

    @property
    def label(self) -> str:
        return self.variant or "national"


@dataclass(frozen=True)
class BuildPlan:
    """Everything a build makes, decided before anything renders (see plan())."""

    options: BuildOptions
    inputs: inputs.InputSet
    previous: state.BuildState
    views: tuple[ViewPlan, ...]
    modules: RenderCache  # every module rendered once per build, whatever the outputs that show it
    carried: tuple[PackageRecord, ...] = ()  # with --bundle: the other bundles' packages, as they are
    sources: dict[str, str | None] = field(default_factory=dict)  # the sources' hashes, read once

    def wants(self, output: str) -> bool:
        return output in self.options.only

    @property
    def jobs(self) -> tuple[PackageJob, ...]:
        """The packages to build, view by view."""
        return tuple(slot for view in self.views for slot in view.packages if isinstance(slot, PackageJob))

    @property
    def kept(self) -> int:
        return sum(isinstance(slot, KeptPackage) for view in self.views for slot in view.packages)

    def carried_for(self, view: ViewPlan) -> list[PackageRecord]:
        return [record for record in self.carried if record.variant == view.variant]

    def package_states(self, records: Mapping[str, PackageRecord], staged: Path) -> dict[str, dict[str, str | None]]:
        """What the build state records of the staged scorm/ folder: each zip's reuse key and the sha256
        of the zip and of its provenance file."""
        keys = {_filename(slot): slot.key for view in self.views for slot in view.packages}
        entries: dict[str, dict[str, str | None]] = {}
        for name, record in records.items():
            key = keys.get(name) or (self.previous.packages.get(name) or {}).get("key")
            if key:
                entries[name] = {"key": key, "zip": record.sha256,
                                 "provenance": file_sha256(staged / provenance_filename(name))}
        return dict(sorted(entries.items()))


def _filename(slot: Slot) -> str:
    return slot.filename if isinstance(slot, PackageJob) else slot.record.filename


def chosen_bundles(catalogue: Catalogue, options: BuildOptions) -> tuple[Bundle, ...]:
    picked = [b for b in catalogue.bundles.values() if not options.bundles or b.id in options.bundles]
    return tuple(sorted(picked, key=lambda b: b.id))


def plan(options: BuildOptions, catalogues: list[Catalogue], known: inputs.InputSet,
         previous: state.BuildState) -> BuildPlan:
    """The build of these views: what each output holds, and what is kept from the last build."""
    from bundlesmith.render.cache import RenderCache

    modules = RenderCache()
    sources = known.known()  # packaging reads no source again to hash it
    packages = _Packages(options, previous, known.tool, sources, modules) if "scorm" in options.only else None
    faces: dict[int, tuple[Module, str]] = {}  # each module's face, worked out once for every view showing it
    pruned = _prunes_navigation(options) if "site" in options.only else False
    views = []
    for k, catalogue in enumerate(catalogues):
        bundles = chosen_bundles(catalogue, options)
        variant = catalogue.variant.id if catalogue.variant else None
        site = site_dirname(variant) if "site" in options.only else None
        views.append(ViewPlan(
            catalogue, bundles,
            packages=packages.slots(k, catalogue, bundles) if packages is not None else (),
            site=site, pages=_pages(options, catalogue, known, previous, site, faces, pruned) if site else None,
            reports=reports_dirname(variant) if "reports" in options.only else None))
    carried = packages.carried() if packages is not None and options.bundles else ()
    return BuildPlan(options, known, previous, tuple(views), modules, carried, sources)


def _pages(options: BuildOptions, catalogue: Catalogue, known: inputs.InputSet, previous: state.BuildState,
           site: str, faces: dict[int, tuple[Module, str]], pruned: bool) -> SiteReuse:
    """A site's page keys, and the pages of the last build's site kept because theirs are unchanged."""
    from bundlesmith.render.site_reuse import SiteReuse, held_folder, page_keys, reuse

    flags = {"packages": "scorm" in options.only, "reports": "reports" in options.only}
    keys = page_keys(catalogue, known, flags, faces, pruned)
    folder = options.out / site
    if options.force or not _real_folder(folder, options.out):
        return SiteReuse(keys)
    return reuse(previous.sites.get(site), folder, keys, options.out / held_folder(site))


def _prunes_navigation(options: BuildOptions) -> bool:
    """Whether the project's sites show each page only its own part of the navigation (site_reuse)."""
    from bundlesmith.render.site import config_file
    from bundlesmith.render.site_reuse import prunes_navigation

    return prunes_navigation(config_file(options.root))


class _Packages:
    """Decides, package by package, whether the last build's zip is kept or a new one is planned.

    The build state maps each zip to the key of what it was built from (render.package_key, from the input
    set) and the sha256 of the zip and of its provenance file. A package is kept only when its key is the
    same and both files still have those hashes; a symlink is never read. With --force nothing is kept.
    """

    def __init__(self, options: BuildOptions, previous: state.BuildState, tool: str,
                 sources: dict[str, str | None], modules: RenderCache) -> None:
        self.options, self.tool, self.sources, self.modules = options, tool, sources, modules
        self.folder = options.out / "scorm"
        usable = not options.force and _real_folder(self.folder, options.out)
        self.recorded: Mapping[str, object] = previous.packages if usable else {}

    def slots(self, k: int, catalogue: Catalogue, bundles: tuple[Bundle, ...]) -> tuple[Slot, ...]:
        from bundlesmith.render.package_key import Target, package_key
        from bundlesmith.render.scorm_plan import plan_package

        variant = catalogue.variant.id if catalogue.variant else None
        out: list[Slot] = []
        for bundle in bundles:
            for version in bundle.scorm.versions:
                target = Target(catalogue, bundle, version)
                name = package_filename(bundle.id, bundle.version, variant, version)
                key = package_key(target, self.tool, self.sources)
                record = self._kept(name, key)
                if record is not None:
                    out.append(KeptPackage(k, record, key))
                else:  # its modules are rendered (once per build) to find the files they use
                    out.append(PackageJob(k, plan_package(catalogue, bundle, version, self._assets(catalogue)),
                                          name, key))
        return tuple(out)

    def _assets(self, catalogue: Catalogue) -> Callable[..., tuple[str, ...]]:
        return lambda module: self.modules.get(module, catalogue).assets

    def verified(self, name: str) -> bool:
        """Whether build/scorm/<name> and its provenance are exactly what the last build wrote."""
        entry = self.recorded.get(name)
        return (isinstance(entry, dict) and file_sha256(self.folder / name) == entry.get("zip")
                and file_sha256(self.folder / provenance_filename(name)) == entry.get("provenance"))

    def _kept(self, name: str, key: str) -> PackageRecord | None:
        entry = self.recorded.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key or not self.verified(name):
            return None
        record = read_record(self.folder / provenance_filename(name))
        if record is None or record.filename != name or record.sha256 != entry.get("zip"):
            return None
        return record

    def carried(self) -> tuple[PackageRecord, ...]:
        """With --bundle, the other bundles' packages stay as they were, and reports still describe them:
        only those the last build's state vouches for, never through a symlink."""
        if not _real_folder(self.folder, self.options.out):
            return ()
        names = [p.name for p in sorted(self.folder.iterdir())
                 if p.name.endswith(".zip") and not any(is_package_of(p.name, b) for b in self.options.bundles)
                 and self.verified(p.name)]
        records = [read_record(self.folder / provenance_filename(name)) for name in names]
        return tuple(r for r in records if r is not None and r.filename in names)


def _real_folder(folder: Path, out: Path) -> bool:
    """Whether `folder` is a real folder inside `out`, not a symlink to somewhere else."""
    return folder.is_dir() and not folder.is_symlink() and folder.resolve().is_relative_to(out.resolve())
