"""`bundlesmith build`: check, plan, render each output into a staging folder, then swap into build/.

Layout of build/:
  site/                       the national learners' site
  site-<variant>/             a variant's site
  scorm/                      every SCORM zip (bundle, version, variant and SCORM version in the name)
  reports/                    coverage reports (reports/<variant>/ for variants)
  lms/                        the LMS administrator's kit per bundle (lms/<variant>/ for variants; see lms/)
  badges/                     the Open Badges 3.0 achievement per bundle (badges/<variant>/ for variants)
  case/                       a CASE CFPackage per framework (case/<variant>/ for a variant's local ones)
  print/                      learner and facilitator handbooks (PDF/UA-1) per bundle (and per variant)
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import multiprocessing
import multiprocessing.pool
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.pool import AsyncResult
from pathlib import Path

from bundlesmith import inputs, pipeline, state
from bundlesmith.diagnostics import Diagnostic, Severity
from bundlesmith.emit import Staging
from bundlesmith.load import cache as load_cache
from bundlesmith.load.project import available_variants
from bundlesmith.output_files import Existing
from bundlesmith.render.packages import provenance_filename


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    only: frozenset[str] = frozenset({"site", "scorm", "reports", "lms", "badges", "case", "print"})
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
    return "site" if variant is None else f"site-{variant}"


def reports_dirname(variant: str | None) -> str:
    return "reports" if variant is None else f"reports/{variant}"


def _renderer(name: str):
    """The render module for one output (imported only when that output is built)."""
    return importlib.import_module(f"bundlesmith.render.{name}")


Progress = Callable[[str, int, int], None]  # (stage, done, total): cli.py shows it on a terminal


def run(options: BuildOptions, echo: Callable[[str], None] = lambda line: None,
        progress: Progress | None = None) -> BuildResult:
    result = BuildResult()
    names = available_variants(options.root) if options.variants is None else options.variants
    known = inputs.hash_inputs(options.root, {"only": sorted(options.only), "bundles": list(options.bundles),
                                              "variants": list(names)}, options.today or date.today())
    previous = state.BuildState() if options.force else state.read(options.out)
    if not options.dry_run and not options.force and previous.up_to_date(options.out, known.key):
        result.summary.append("nothing changed since the last build; build/ is up to date (use --force to rebuild)")
        return result
    # Unchanged files are not parsed again (their load is cached in build/); --force parses everything.
    views = pipeline.check_all(options.root, names, options.today,
                               cache_dir=None if options.force or options.dry_run else options.out / load_cache.FOLDER,
                               jobs=options.workers)
    diagnostics = pipeline.merged_diagnostics(views)
    result.diagnostics = [d for d in diagnostics if d.severity is Severity.ERROR]
    result.warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
    warnings = len(result.warnings)
    if result.diagnostics:
        result.ok = False
        return result
    unknown = [b for b in options.bundles if b not in views[0].catalogue.bundles]
    if unknown:
        from bundlesmith.diagnostics import Span, error
        result.diagnostics = [error(Span("bundles", 0), "unknown-bundle", f"no bundle '{b}'") for b in unknown]
        result.ok = False
        return result
    echo(f"check: {warnings} warning(s); building {', '.join(sorted(options.only))} for "
         f"{'national content' + (' and ' + ', '.join(names) if names else '')}")
    if options.dry_run:
        for view in views:
            catalogue = view.catalogue
            label = catalogue.variant.id if catalogue.variant else "national"
            for bundle in _bundles(catalogue, options):
                result.summary.append(f"would build {label}: {bundle.id} {bundle.version} "
                                      f"(SCORM {', '.join(bundle.scorm.versions)}, {len(bundle.module_ids)} modules)")
        return result

    from bundlesmith.render.site import SiteBuildError

    try:
        return _build(options, views, names, result, echo, progress or (lambda stage, done, total: None),
                      known, previous)
    except SiteBuildError as exc:  # mkdocs refused the configuration, or a theme or plugin failed
        from bundlesmith.diagnostics import Span, error
        config = exc.config
        where = ("site" if config is None else config.relative_to(options.root).as_posix()
                 if config.is_relative_to(options.root) else "the default site configuration")
        result.diagnostics = [error(Span(where, 0), "site-failed", exc.message)]
        result.ok = False
        return result
    except OSError as exc:
        from bundlesmith.diagnostics import Span, error
        where = exc.filename or options.out
        result.diagnostics = [error(Span(str(where), 0), "write-failed",
                                    f"cannot write the build output: {exc.strerror or exc}")]
        result.ok = False
        return result


def _build(options: BuildOptions, views, names, result: BuildResult, echo, progress: Progress,
           known: inputs.InputSet, previous: state.BuildState) -> BuildResult:
    from bundlesmith.render.cache import RenderCache

    cache = RenderCache()
    with Staging(options.out) as stage:
        written: list[str] = []
        packages = []
        scorm = _renderer("scorm") if "scorm" in options.only else None
        site = _renderer("site") if "site" in options.only else None
        if "reports" not in options.only:
            reports = None
        elif (site is not None or len(views) > 1) and _Reporter.possible(options):
            reports = _Reporter.ELSEWHERE  # imported and run in report processes only: this one builds sites
        else:
            reports = _renderer("reports")
        variants = [view.catalogue.variant.id if view.catalogue.variant else None for view in views]
        scorm_dir = stage.path / "scorm" if scorm is not None else None
        sites = None
        running, carried, reporter, feeder, printing = None, [], None, None, None
        try:
            if site is not None:  # first, so that site processes are forked before any thread starts
                sites = _start_sites(site, views, variants, cache, stage.path, options, scorm_dir, reports is not None)
            if "print" in options.only:  # planned now, so the packaging pool's workers fork with the handbooks' HTML
                printing = _renderer("handbooks").Printing(
                    [(view.catalogue, _bundles(view.catalogue, options)) for view in views], cache, options.workers,
                    previous=None if options.force else options.out / "print", others=bool(options.bundles),
                    recorded=previous.handbooks, derive=known.derive)
                printing.share()
            if scorm is not None:
                reuse = _PackageReuse(options, stage, previous.packages, known)
                targets = [(view.catalogue, _bundles(view.catalogue, options)) for view in views]
                show = lambda done, total: progress("scorm packages", done, total)  # noqa: E731
                sink = functools.partial(stage.write, "scorm")  # each package, in the process that made it
                # in worker processes, while this one builds reports and sites
                running = scorm.start_packages(targets, cache, sink, options, reuse=reuse, progress=show,
                                               known=reuse.known)
                total = sum(len(b.scorm.versions) for _, bundles in targets for b in bundles)
                echo(f"scorm: {total} package(s) for {len(targets)} view(s)"
                     + (f"; {reuse.reused} unchanged since the last build, kept" if reuse.reused else ""))
                written.append("scorm")
            if printing is not None:  # laid out in the packaging pool when there is one
                printing.start(running.pool if running is not None else None)
                echo(f"print: {len(printing.jobs)} handbook(s) for {len(views)} view(s)"
                     + (f"; {printing.reused} unchanged since the last build, kept" if printing.reused else ""))
            if scorm is not None and options.bundles:
                carried = _carry_over_packages(stage, options, reuse)
                packages += carried
            stages = len(views) if reports is not None or site is not None else 0
            mine: dict[int, list] = {}

            def view_packages(k: int) -> list:
                """View k's package records (waiting for the packaging workers if need be)."""
                if k not in mine:
                    built = running.records(k) if running is not None else []
                    packages.extend(built)
                    mine[k] = built + [p for p in carried if p.variant == variants[k]]
                return mine[k]

            reporter = _Reporter(reports, views, stage, options, known, previous) if reports is not None else None
            if site is None:  # reports only (or none): view by view, as each view's packages are ready
                for k in range(len(views)):
                    if reporter is not None:
                        progress(f"reports: {variants[k] or 'national'}", k, stages)
                        echo(f"reports: {variants[k] or 'national'}")
                        reporter.start(k, view_packages(k))
                    else:
                        view_packages(k)
                for k in range(len(views)) if reporter is not None else ():
                    reporter.wait(k)
            else:
                # The sites are built while packages and reports are written (in other processes); each
                # site gets its downloads once its pages are written and its packages and reports exist.
                feeder = _Feeder(len(views), view_packages, reporter)

                def started(k: int) -> None:
                    progress(f"site: {variants[k] or 'national'}", k, stages)
                    echo(f"site: {variants[k] or 'national'}")

                if sites.children:
                    echo(f"site: {', '.join(v or 'national' for v in variants)} (side by side, in "
                         f"{len(sites.children)} processes)")
                built = sites.run(started)
                for k, view in enumerate(views):
                    stage.write(site_dirname(variants[k]), site.finish_site(
                        built[k], view.catalogue, feeder.ready(k), scorm_dir,
                        stage.path / reports_dirname(variants[k]) if reports else None))
                    written.append(site_dirname(variants[k]))
            if reporter is not None:
                written.append("reports")
            if printing is not None:
                stage.write("print", printing.files())
                written.append("print")
        except BaseException:
            aborted = True
            raise
        else:
            aborted = False
        finally:
            if sites is not None and aborted:
                sites.stop()
            if feeder is not None:  # no more reports start; then report processes and packaging workers stop
                feeder.stop(running.close if aborted and running is not None else None)
            if reporter is not None:
                reporter.close(aborted)
            if printing is not None:
                printing.close()
            if running is not None:
                running.close()
        if stages:
            progress("done", stages, stages)
        written += _write_kits(views, stage, options, echo)
        if "case" in options.only:
            written += _write_case(views, stage, result)
        # The one state file, describing the tree it is swapped in with (last, after every output folder).
        now = state.BuildState(known.key, state.listings(stage.path, written),
                               reuse.entries(packages) if scorm is not None else previous.packages,
                               reporter.keys if reporter is not None else previous.reports,
                               printing.entries if printing is not None else previous.handbooks)
        stage.write("", {state.FILE: state.encode(now)})
        stage.commit([*dict.fromkeys(written), state.FILE])
    result.outputs = list(dict.fromkeys(written))
    for output in dict.fromkeys(written):
        result.summary.append(f"wrote {(options.out / output).relative_to(options.root) if options.out.is_relative_to(options.root) else options.out / output}/")
    return result


def _write_kits(views, stage: Staging, options: BuildOptions, echo) -> list[str]:
    """The LMS kit and the badges of every view (small files, planned and rendered here, in no time)."""
    from bundlesmith.lms import output as kits

    written = []
    for name in kits.OUTPUTS:
        if name in options.only:
            for view in views:
                stage.write(name, kits.files(name, view.catalogue))
            echo(f"{name}: {len(views)} view(s)")
            written.append(name)
    return written


def _write_case(views, stage: Staging, result: BuildResult) -> list[str]:
    """Every framework's CASE package; a framework without a `date` gets none, and a warning."""
    from bundlesmith.case import export
    from bundlesmith.diagnostics import warning

    catalogues = [view.catalogue for view in views]
    undated = {d.span.path: d for c in catalogues for d in export.problems(c)}
    result.warnings += [warning(d.span, "case-needs-date", d.message.replace("for the CASE export",
                                                                         "so no CASE package is written"), d.hint)
                        for _, d in sorted(undated.items())]
    dated = [dataclasses.replace(c, frameworks={k: f for k, f in c.frameworks.items() if f.date}) for c in catalogues]
    files = export.package_files(dated)
    stage.write("case", files)
    return ["case"] if files else []


def _start_sites(site, views, variants, cache, staging: Path, options: BuildOptions, scorm_dir: Path | None,
                 reports: bool):
    """Render every module once, then start building the sites (see parallel_sites)."""
    from bundlesmith.parallel_sites import SiteBuilds

    for view in views:
        for module in view.catalogue.modules.values():
            cache.get(module, view.catalogue)
    site.prepare()

    def build_one(k: int):
        return site.build_site(views[k].catalogue, cache, staging / site_dirname(variants[k]), options,
                               reports_dir=staging / reports_dirname(variants[k]) if reports else None,
                               packages=None, scorm_dir=scorm_dir)

    return SiteBuilds(len(views), build_one, options.workers)


_REPORT_JOB: tuple | None = None  # (views, staging, options, inputs, state), shared with the report processes by fork


def _write_reports(reports, views, stage: Staging, options, known: inputs.InputSet, previous: state.BuildState,
                   k: int, records: list) -> tuple[str, dict]:
    """View k's reports; bundles whose inputs did not change since the last build keep their files. Returns
    the reports folder and what its files were made from (for the build state)."""
    catalogue = views[k].catalogue
    folder = reports_dirname(catalogue.variant.id if catalogue.variant else None)
    made = reports.report_files(catalogue, records, options, previous=None if options.force else options.out / folder,
                                recorded=previous.reports.get(folder), derive=known.derive)
    stage.write(folder, made.files)
    return folder, made.keys


def _report_view(k: int, records: list) -> tuple[str, dict]:
    return _write_reports(_renderer("reports"), *_REPORT_JOB, k, records)


class _Reporter:
    """Writes views' reports: in other processes when there is more than one worker (forked, so they share
    the catalogues without copying; only they import the reports' code), else right here."""

    ELSEWHERE = object()  # stands for the reports module in a build whose reports another process writes

    @staticmethod
    def possible(options: BuildOptions) -> bool:
        return options.workers > 1 and "fork" in multiprocessing.get_all_start_methods()

    def __init__(self, reports, views, stage: Staging, options: BuildOptions, known: inputs.InputSet,
                 previous: state.BuildState):
        global _REPORT_JOB
        self.futures: dict[int, AsyncResult[tuple[str, dict]] | None] = {}
        self.keys: dict[str, dict] = {}  # reports folder -> what its files were made from, as views finish
        self.pool: multiprocessing.pool.Pool | None = None
        if reports is self.ELSEWHERE:
            from bundlesmith.workers import background_worker

            _REPORT_JOB = (views, stage, options, known, previous)
            processes = max(1, min(options.workers, len(views)))
            # The report processes fork now, from this thread, before the feeder thread starts: a fork made
            # later from that thread could copy a lock another thread holds (mkdocs' logging, an import) and
            # leave a report process waiting on it for ever.
            self.pool = multiprocessing.get_context("fork").Pool(processes, initializer=background_worker)
        self.job = (reports, views, stage, options, known, previous)

    def start(self, k: int, records: list) -> None:
        """Write view k's reports: started in a report process, or written now."""
        if k in self.futures:
            return
        if self.pool is not None:
            self.futures[k] = self.pool.apply_async(_report_view, (k, records))
        else:
            folder, keys = _write_reports(*self.job, k, records)
            self.keys[folder] = keys
            self.futures[k] = None

    def wait(self, k: int) -> None:
        """Until view k's reports are written (start(k) must have been called)."""
        running = self.futures[k]
        if running is not None:
            folder, keys = running.get()
            self.keys[folder] = keys

    def close(self, aborted: bool = False) -> None:
        """Wait for the report processes; after an error or Ctrl-C, stop them at once instead."""
        global _REPORT_JOB
        if self.pool is not None:
            if aborted:
                self.pool.terminate()
            else:
                self.pool.close()
            self.pool.join()
        _REPORT_JOB = None


class _Feeder:
    """A thread that, view after view, waits for the view's packages and starts its reports.

    `ready(k)` gives view k's package records once view k's reports are written too. The sites ask for
    them after mkdocs has rendered their pages; the main thread meanwhile only builds sites.
    """

    def __init__(self, count: int, view_packages, reporter: _Reporter | None):
        import threading
        from concurrent.futures import Future

        self.views: list[Future] = [Future() for _ in range(count)]
        self.reporter = reporter
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(view_packages,), daemon=True, name="bundlesmith-feeder")
        self.thread.start()

    def _run(self, view_packages) -> None:
        for k, future in enumerate(self.views):
            try:
                records = view_packages(k)
                if self.stopped.is_set():
                    raise RuntimeError("the build stopped")
                if self.reporter is not None:
                    self.reporter.start(k, records)
            except BaseException as exc:  # handed to the main thread, which asks for view k's records
                for rest in self.views[k:]:
                    rest.set_exception(exc)
                return
            future.set_result(records)

    def stop(self, stop_packaging=None) -> None:
        """No view's reports start after this returns (the build failed or finished).

        Reports written here (one worker) finish first; a wait on packaging workers that `stop_packaging`
        ends may never return, and then the thread, which writes nothing more, is left behind."""
        self.stopped.set()
        if stop_packaging is not None:
            stop_packaging()
        in_process = self.reporter is None or self.reporter.pool is None
        self.thread.join(timeout=None if in_process else 0.5)

    def ready(self, k: int) -> list:
        records = self.views[k].result()
        if self.reporter is not None:
            self.reporter.wait(k)
        return records


class _PackageReuse:
    """Packages whose inputs did not change since the last build are carried over instead of built again.

    The build state (state.py) maps each zip to the key of what it was built from (scorm.package_key, from
    the build's input set) and the sha256 of the zip and of its provenance file. A package is reused only
    when both files still have those hashes; a file that is a symlink is never read. With --force every
    package is built again.
    """

    def __init__(self, options: BuildOptions, stage: Staging, recorded, known: inputs.InputSet):
        self.options, self.stage = options, stage
        self.keys: dict[str, str] = {}
        self.known = known.known()  # the sources' hashes: packaging reads none of them again to hash it
        self.reused = 0
        usable = not options.force and _real_folder(options.out / "scorm", options.out)
        self.previous: dict = dict(recorded) if usable else {}
        self.tool = known.tool

    def verified(self, name: str) -> bool:
        """Whether build/scorm/<name> and its provenance are exactly what the last build wrote."""
        from bundlesmith.signing import file_sha256

        entry = self.previous.get(name)
        current = self.options.out / "scorm"
        return (isinstance(entry, dict) and file_sha256(current / name) == entry.get("zip")
                and file_sha256(current / provenance_filename(name)) == entry.get("provenance"))

    def __call__(self, target):
        from bundlesmith.render.packages import package_filename, read_record
        from bundlesmith.render.scorm import package_key

        variant = target.catalogue.variant.id if target.catalogue.variant else None
        name = package_filename(target.bundle.id, target.bundle.version, variant, target.scorm_version)
        key = self.keys[name] = package_key(target, self.tool, self.known)
        entry = self.previous.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key or not self.verified(name):
            return None
        current = self.options.out / "scorm"
        provenance = provenance_filename(name)
        record = read_record(current / provenance)
        if record is None or record.filename != name or record.sha256 != entry.get("zip"):
            return None
        self.stage.write("scorm", {file: Existing(current / file) for file in (name, provenance)})
        self.reused += 1
        return record

    def entries(self, packages) -> dict:
        """What the build state records of the staged build/scorm/, before it is swapped in."""
        from bundlesmith.signing import file_sha256

        staged = self.stage.path / "scorm"
        entries = {}
        for p in packages:
            key = self.keys.get(p.filename) or (self.previous.get(p.filename) or {}).get("key")
            if key:
                entries[p.filename] = {"key": key, "zip": p.sha256,
                                       "provenance": file_sha256(staged / provenance_filename(p.filename))}
        return dict(sorted(entries.items()))


def _real_folder(folder: Path, out: Path) -> bool:
    """Whether `folder` is a real folder inside `out`, not a symlink to somewhere else."""
    return folder.is_dir() and not folder.is_symlink() and folder.resolve().is_relative_to(out.resolve())


def _carry_over_packages(stage: Staging, options: BuildOptions, reuse: _PackageReuse) -> list:
    """With --bundle, the other bundles' packages stay as they were, and reports still describe them:
    only those the last build's state vouches for, never through a symlink."""
    from bundlesmith.render.packages import is_package_of, read_record

    current = options.out / "scorm"
    if not _real_folder(current, options.out):
        return []
    zips = [p.name for p in sorted(current.iterdir())
            if p.name.endswith(".zip") and not any(is_package_of(p.name, b) for b in options.bundles)
            and reuse.verified(p.name)]
    stage.keep_existing("scorm", [f for name in zips for f in (name, provenance_filename(name))])
    records = [read_record(stage.path / "scorm" / provenance_filename(name)) for name in zips]
    return [r for r in records if r is not None and (stage.path / "scorm" / r.filename).is_file()]


def _bundles(catalogue, options: BuildOptions):
    chosen = [b for b in catalogue.bundles.values() if not options.bundles or b.id in options.bundles]
    return sorted(chosen, key=lambda b: b.id)
