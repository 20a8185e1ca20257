"""The pipeline in one screen: load -> validate -> plan -> render -> emit.

`build` is the whole of `bundlesmith build`, one call per stage; `check` and `check_all` are its first
two stages, which `bundlesmith check` runs alone. The CLI calls these functions; they return values and
diagnostics and never print.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bundlesmith import inputs, state
from bundlesmith.build_options import BuildOptions, BuildResult
from bundlesmith.diagnostics import Diagnostic, Severity, Span, error
from bundlesmith.load.layout import available_variants
from bundlesmith.workers import frozen

if TYPE_CHECKING:
    from bundlesmith import schedule
    from bundlesmith.load.cache import LoadCache
    from bundlesmith.model import Catalogue

# The stages past the no-op check are imported where they run: a build with nothing to do reads only the
# input set and the state file, and answers in a fraction of the time the imports would take.


@dataclass(frozen=True)
class Checked:
    """A loaded catalogue (national, or with one variant applied) and every problem found in it."""

    catalogue: Catalogue
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def build(options: BuildOptions, echo: Callable[[str], None], progress: schedule.Progress) -> BuildResult:
    """Build every output `options` asks for into `options.out`, or nothing at all (see emit.Staging)."""
    names = available_variants(options.root) if options.variants is None else options.variants
    known = inputs.hash_inputs(options.root, {"only": sorted(options.only), "bundles": list(options.bundles),
                                              "variants": list(names)}, options.today or date.today())
    previous = state.BuildState() if options.force else state.read(options.out)
    if not options.dry_run and not options.force and previous.up_to_date(options.out, known.key):
        return BuildResult(summary=["nothing changed since the last build; build/ is up to date (use --force to rebuild)"])
    from bundlesmith import build_plan, schedule
    from bundlesmith.emit import Staging
    from bundlesmith.load.cache import FOLDER as LOAD_CACHE

    with _lasting() as keep:
        views = check_all(options.root, names, options.today, jobs=options.workers,            # load, validate
                          cache_dir=None if options.force or options.dry_run else options.out / LOAD_CACHE)
        result = _checked(views, options)
        if not result.ok or options.dry_run:
            return result
        echo(f"check: {len(result.warnings)} warning(s); building {', '.join(sorted(options.only))} for "
             f"{'national content' + (' and ' + ', '.join(names) if names else '')}")
        plan = build_plan.plan(options, [view.catalogue for view in views], known, previous)  # plan
        keep()
        with Staging(options.out) as stage:
            made = schedule.render(plan, stage, echo, progress)                                 # render
            stage.write("", {state.FILE: state.encode(made.state)})                             # emit
            stage.commit([*dict.fromkeys(made.written), state.FILE])
    result.warnings += made.warnings
    result.outputs = list(dict.fromkeys(made.written))
    shown = options.out.relative_to(options.root) if options.out.is_relative_to(options.root) else options.out
    result.summary += [f"wrote {shown / output}/" for output in result.outputs]
    return result


@contextmanager
def _lasting() -> Iterator[Callable[[], None]]:
    """What the build loads and plans lives until the build ends: the cyclic garbage collector leaves it alone
    until then (frozen as loading ends, and again by the call this gives once the plan is made), instead of
    going through all of it again in each full collection while the catalogues are validated and the outputs
    made (a tenth of a second of a one-module edit's build at 1,000 modules). Loading leaves next to no
    cyclic garbage behind; everything is collectable again once the build is over."""
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _checked(views: list[Checked], options: BuildOptions) -> BuildResult:
    """The check's verdict on a build: its errors and warnings, and with --dry-run what would be built."""
    from bundlesmith import build_plan

    diagnostics = merged_diagnostics(views)
    result = BuildResult([d for d in diagnostics if d.severity is Severity.ERROR],
                         [d for d in diagnostics if d.severity is Severity.WARNING])
    unknown = [b for b in options.bundles if b not in views[0].catalogue.bundles]
    if not result.diagnostics and unknown:
        result.diagnostics = [error(Span("bundles", 0), "unknown-bundle", f"no bundle '{b}'") for b in unknown]
    result.ok = not result.diagnostics
    if result.ok and options.dry_run:
        for view in views:
            label = view.catalogue.variant.id if view.catalogue.variant else "national"
            for bundle in build_plan.chosen_bundles(view.catalogue, options):
                result.summary.append(f"would build {label}: {bundle.id} {bundle.version} "
                                      f"(SCORM {', '.join(bundle.scorm.versions)}, {len(bundle.module_ids)} modules)")
    return result


@contextmanager
def _loading() -> Iterator[None]:
    """Loading builds many long-lived objects and no reference cycles to speak of: the cyclic garbage
    collector only slows it down (by a third when reading the cache), so it pauses while loading, and
    what was loaded then joins the oldest generation at once rather than being examined again and
    again on its way there (workers.frozen: collectable again at once, or, within a build's `_lasting`,
    when the build ends)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        with frozen():
            pass
        if was_enabled:
            gc.enable()


def check(root: Path, variant: str | None = None, today: date | None = None,
          reject_raw_html: bool = False, *, cache_dir: Path | None = None, cache: LoadCache | None = None) -> Checked:
    """Load and validate one view of the project: national content, or national plus one variant.

    With `cache_dir` (normally `build/.bundlesmith-cache`), unchanged files are not parsed again; the
    diagnostics are the same either way. None loads every file afresh and writes nothing. With an open
    `cache` instead (a preview session's), what is parsed afresh is kept in it, in memory only.
    """
    from bundlesmith.load.cache import open_cache
    from bundlesmith.load.project import load_catalogue
    from bundlesmith.validate import validate

    with _loading():
        opened = cache if cache is not None else open_cache(cache_dir)
        catalogue, problems = load_catalogue(root, variant, opened)
        if cache is not None:
            cache.keep()
        else:
            _save(opened)
    problems += validate(catalogue, today, reject_raw_html)
    return Checked(catalogue, tuple(problems))


def check_all(root: Path, variants: tuple[str, ...] | None = None, today: date | None = None,
              reject_raw_html: bool = False, *, cache_dir: Path | None = None, jobs: int = 1) -> list[Checked]:
    """The national view and each variant's view (all variants unless some are named).

    `cache_dir` as for `check`: each file's load is cached there; cross-file rules always run. With
    `jobs` > 1 many modules to parse are parsed in forked processes (only from a process without threads).
    """
    from bundlesmith.load.cache import open_cache
    from bundlesmith.load.project import apply_variant, load_national
    from bundlesmith.validate import validate

    names = available_variants(root) if variants is None else variants
    with _loading():
        cache = open_cache(cache_dir)
        national, problems = load_national(root, cache, jobs)
        views = [(national, problems)] + [apply_variant(national, name, cache) for name in names]
        _save(cache)
    seen: dict[str, object] = {}  # the views share national modules: their links are checked once
    return [Checked(catalogue, tuple(view_problems + validate(catalogue, today, reject_raw_html, seen)))
            for catalogue, view_problems in views]


def _save(cache: LoadCache | None) -> None:
    """Keep what was parsed afresh for the next check (through the one writer; a failure only loses the cache)."""
    from bundlesmith.emit import replace_file
    from bundlesmith.load.cache import OBSOLETE

    data = cache.snapshot() if cache is not None else None
    if cache is not None and data is not None:
        replace_file(cache.file, data, OBSOLETE)


def merged_diagnostics(results: list[Checked]) -> list[Diagnostic]:
    """Every distinct diagnostic across views, sorted by file and line."""
    unique: dict[tuple[object, Severity], Diagnostic] = {}
    for result in results:
        for d in result.diagnostics:
            unique.setdefault((d.sort_key, d.severity), d)
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1].value))]
