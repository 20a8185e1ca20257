"""The render stage of `bundlesmith build`: one pool of processes carries out the plan, task by task.

The tasks, and what each waits for:

    site(k)      view k's mkdocs site; its pages that list downloads are held back    (nothing)
    package(i)   one SCORM zip and its provenance, written by the process that made it (nothing)
    reports(k)   view k's coverage reports                                             (view k's packages)
    layout(i)    one handbook's PDF                                                    (nothing)
    finish(k)    view k's held pages and downloads, here                               (site k, reports k)
    kits, CASE   the LMS kit, the badges and the CASE packages, here                   (nothing)

With more than one worker (`--jobs`, read once in BuildOptions.workers) the tasks run in one pool of
processes forked once every module is rendered and every handbook's HTML made, so the workers share the
plan without copying it; the longest tasks (sites) are queued first, reports as soon as their view's
packages are written, handbooks last. With one worker every task runs here, in the same order. Either
way each file is the same bytes, and every file goes through the staging folder (emit).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import importlib
import multiprocessing
import multiprocessing.pool
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bundlesmith import state
from bundlesmith.build_plan import KITS, BuildPlan, KeptPackage, PackageJob
from bundlesmith.diagnostics import Diagnostic
from bundlesmith.emit import Staging
from bundlesmith.output_files import Existing
from bundlesmith.render.packages import PackageRecord, provenance_filename
from bundlesmith.render.site_reuse import held_folder
from bundlesmith.workers import WorkerLost, frozen, ignore_interrupts

if TYPE_CHECKING:  # imported where handbooks are printed, not by every build
    from bundlesmith.render.handbooks import Printing

Progress = Callable[[str, int, int], None]  # (stage, done, total): cli.py shows it on a terminal
T = TypeVar("T")


def _renderer(name: str) -> ModuleType:
    """The render module for one output (imported only where that output is made)."""
    return importlib.import_module(f"bundlesmith.render.{name}")


@dataclass
class Made:
    """What the render stage wrote: the folders of build/, the state to record with them, its warnings."""

    written: list[str] = field(default_factory=list)
    state: state.BuildState = field(default_factory=state.BuildState)
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class Work:
    """What every task reads: the plan, the staging folder, the handbooks to lay out."""

    plan: BuildPlan
    stage: Staging
    jobs: tuple[PackageJob, ...]
    printing: Printing | None = None  # the handbooks' HTML, made before the workers fork


def render(plan: BuildPlan, stage: Staging, echo: Callable[[str], None], progress: Progress) -> Made:
    """Every output of the plan, into the staging folder."""
    options, views = plan.options, plan.views
    made = Made()
    printing = _prepare(plan)
    work = Work(plan, stage, plan.jobs, printing)
    _stage_kept(plan, stage)
    sites = [k for k, view in enumerate(views) if view.site]
    tasks = len(sites) + len(work.jobs) + (len(printing.todo) if printing is not None else 0) + \
        sum(view.reports is not None for view in views)
    with Pool(work, min(options.workers, tasks)) as pool:
        built = {k: pool.submit(_site, k) for k in sites}
        if sites:
            kept = sum(len(pages.kept) for pages in (views[k].pages for k in sites) if pages is not None)
            echo(f"site: {', '.join(views[k].label for k in sites)}"
                 + (f" (side by side, in {pool.processes} processes)" if pool.processes > 1 and len(sites) > 1 else "")
                 + (f"; {kept} page(s) unchanged since the last build, kept" if kept else ""))
        packages = [pool.submit(_packages, group) for group in _groups(work.jobs)]
        if plan.wants("scorm"):
            total = sum(len(view.packages) for view in views)
            echo(f"scorm: {total} package(s) for {len(views)} view(s)"
                 + (f"; {plan.kept} unchanged since the last build, kept" if plan.kept else ""))
            made.written.append("scorm")
        records: list[list[PackageRecord]] = []
        reports: dict[str, Pending[dict[str, Any]]] = {}  # reports folder -> what its files were made from
        done, total = plan.kept, sum(len(view.packages) for view in views)
        waiting = (record for group in packages for record in group.get())
        if total:
            progress("scorm packages", done, total)
        for k, view in enumerate(views):  # each view's reports start once its packages are written
            mine = []
            for slot in view.packages:  # the plan's jobs are its views' packages to build, in this order
                if isinstance(slot, KeptPackage):
                    mine.append(slot.record)
                    continue
                mine.append(next(waiting))
                done += 1
                progress("scorm packages", done, total)
            records.append(mine + plan.carried_for(view))
            if view.reports is not None:
                echo(f"reports: {view.label}")
                reports[view.reports] = pool.submit(_reports, k, records[k])
        layouts = [pool.submit(_layout, i) for i in printing.todo] if printing is not None else []
        if printing is not None:
            echo(f"print: {len(printing.jobs)} handbook(s) for {len(views)} view(s)"
                 + (f"; {printing.reused} unchanged since the last build, kept" if printing.reused else ""))
        report_keys = {folder: running.get() for folder, running in reports.items()}
        recorded: dict[str, Any] = {}
        for k in sites:  # written once, complete: their downloads exist now
            view = views[k]
            assert view.site is not None
            site = built[k].get()
            recorded[view.site] = site.record
            stage.write(view.site, _renderer("site").finish_site(
                site, view.catalogue, records[k], stage.path / "scorm" if plan.wants("scorm") else None,
                stage.path / view.reports if view.reports is not None else None))
            copies = held_folder(view.site)  # what the next build fills again, if it keeps those pages
            stage.write(copies, _renderer("site").held_copies(site), even_empty=True)
            made.written += [view.site, copies]
        if reports:
            made.written.append("reports")
        if printing is not None:
            stage.write("print", printing.files(dict(zip(printing.todo, (pdf.get() for pdf in layouts), strict=True))))
            made.written.append("print")
    made.written += _kits(plan, stage, echo)
    if plan.wants("case"):
        made.written += _case(plan, stage, made.warnings)
    every = {r.filename: r for mine in records for r in mine}
    made.state = state.BuildState(
        plan.inputs.key, state.listings(stage.path, made.written),
        plan.package_states(every, stage.path / "scorm") if plan.wants("scorm") else plan.previous.packages,
        report_keys if plan.wants("reports") else plan.previous.reports,
        printing.entries if printing is not None else plan.previous.handbooks,
        recorded if plan.wants("site") else plan.previous.sites)
    return made


def _prepare(plan: BuildPlan) -> Printing | None:
    """In this process, before any worker forks: every module a site or package shows rendered (once), the
    site's code imported, and the handbooks' HTML made (their reuse keys hash it)."""
    for job in plan.jobs:
        for sco in job.plan.scos:
            for module in sco.modules:
                plan.modules.get(module, job.plan.catalogue)
    if plan.wants("site"):
        from bundlesmith.render.site_plan import module_uri

        for view in plan.views:
            kept = view.pages.kept if view.pages is not None else {}
            for module in view.catalogue.modules.values():
                if module_uri(module.id) not in kept:
                    plan.modules.get(module, view.catalogue)
        _renderer("site").prepare()
    if not plan.wants("print"):
        return None
    options = plan.options
    printing: Printing = _renderer("handbooks").Printing(
        [(view.catalogue, list(view.bundles)) for view in plan.views], plan.modules,
        previous=None if options.force else options.out / "print", others=bool(options.bundles),
        recorded=plan.previous.handbooks, derive=plan.inputs.derive)
    return printing


def _stage_kept(plan: BuildPlan, stage: Staging) -> None:
    """The last build's packages the plan keeps, and with --bundle the other bundles' ones, as they are."""
    current = plan.options.out / "scorm"
    for view in plan.views:
        for slot in view.packages:
            if isinstance(slot, KeptPackage):
                name = slot.record.filename
                stage.write("scorm", {file: Existing(current / file) for file in (name, provenance_filename(name))})
    if plan.carried:
        stage.keep_existing("scorm", [f for r in plan.carried for f in (r.filename, provenance_filename(r.filename))])


# The tasks. Each reads the build's Work: handed over directly here, or, in a worker, the one it adopted.

def _site(work: Work, k: int) -> Any:
    view = work.plan.views[k]
    assert view.site is not None
    site = _renderer("site")
    try:
        built = site.build_site(
            view.catalogue, work.plan.modules, work.stage.path / view.site, work.plan.options,
            reports_dir=work.stage.path / view.reports if view.reports is not None else None, packages=None,
            scorm_dir=work.stage.path / "scorm" if work.plan.wants("scorm") else None, reuse=view.pages)
        work.stage.write(view.site, site.kept_files(built))  # the pages it kept, linked in by this process
        return built
    finally:
        if view.pages is None or 2 * len(view.pages.kept) < len(view.pages.keys):  # most pages rendered
            release_memory()


def _groups(jobs: tuple[PackageJob, ...]) -> list[tuple[int, ...]]:
    """The packages to build, a task per bundle of a view: its SCORM versions share the module bodies
    and LOM records the worker keeps."""
    groups: dict[tuple[int, str], list[int]] = {}
    for i, job in enumerate(jobs):
        groups.setdefault((job.view, job.plan.bundle.id), []).append(i)
    return [tuple(group) for group in groups.values()]


def _packages(work: Work, group: tuple[int, ...]) -> list[PackageRecord]:
    records = []
    for i in group:
        job = work.jobs[i]
        record, files = _renderer("scorm").make_package(job.plan, work.plan.modules, work.plan.sources)
        work.stage.write("scorm", files)  # in the process that made it: no zip crosses a pipe
        records.append(record)
    return records


def _reports(work: Work, k: int, records: list[PackageRecord]) -> dict[str, Any]:
    plan = work.plan
    view = plan.views[k]
    assert view.reports is not None
    folder = view.reports
    made = _renderer("reports").report_files(
        view.catalogue, records, plan.options, previous=None if plan.options.force else plan.options.out / folder,
        recorded=plan.previous.reports.get(folder), derive=plan.inputs.derive,
        sink=lambda files: work.stage.write(folder, files),  # each bundle's files as soon as they are made
        known=plan.sources)
    work.stage.write(folder, made.files)
    keys: dict[str, Any] = made.keys
    remade = made.remade
    del made
    if 2 * remade >= len(keys):  # most bundles' reports made again (not kept)
        release_memory()
    return keys


def _layout(work: Work, i: int) -> bytes:
    assert work.printing is not None, "layouts are queued only when handbooks are printed"
    pdf: bytes = _renderer("handbooks").pdf_bytes(work.printing.jobs[i])
    return pdf


def _kits(plan: BuildPlan, stage: Staging, echo: Callable[[str], None]) -> list[str]:
    """The LMS kit and the badges of every view (small files, made here in no time)."""
    from bundlesmith.lms import output as kits

    written = []
    for name in KITS:
        if plan.wants(name):
            for view in plan.views:
                stage.write(name, kits.files(name, view.catalogue))
            echo(f"{name}: {len(plan.views)} view(s)")
            written.append(name)
    return written


def _case(plan: BuildPlan, stage: Staging, warnings: list[Diagnostic]) -> list[str]:
    """Every framework's CASE package; a framework without a `date` gets none, and a warning."""
    from bundlesmith.case import export
    from bundlesmith.diagnostics import warning

    catalogues = [view.catalogue for view in plan.views]
    undated = {d.span.path: d for c in catalogues for d in export.problems(c)}
    warnings += [warning(d.span, "case-needs-date", d.message.replace("for the CASE export",
                                                                  "so no CASE package is written"), d.hint)
                 for _, d in sorted(undated.items())]
    dated = [dataclasses.replace(c, frameworks={k: f for k, f in c.frameworks.items() if f.date}) for c in catalogues]
    files = export.package_files(dated)
    stage.write("case", files)
    return ["case"] if files else []


def release_memory() -> None:
    """After a large task (a whole site, a view's reports): give what it used back to the system, so that
    a worker's next task does not start from that task's high-water mark. The pool's workers live for the
    whole build; without this, each one's memory would add up its largest tasks."""
    gc.collect()
    _trim()


def _trim() -> None:
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)  # glibc keeps memory freed by the process unless asked to give it back


@functools.cache
def _glibc() -> Any:
    """The C library when it is glibc (it has malloc_trim), else None."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


# The pool.

class Interrupted(Exception):
    """A task stopped by KeyboardInterrupt in a worker: the build stops as if Ctrl-C reached it here."""


class Pending(Generic[T]):
    """A task's result: `get()` waits for it (and raises what the task raised)."""

    def __init__(self, value: T | None = None, running: multiprocessing.pool.AsyncResult[T] | None = None,
                 pool: Pool | None = None) -> None:
        self.value, self.running, self.pool = value, running, pool

    def get(self) -> T:
        if self.running is None:
            return self.value  # type: ignore[return-value]
        while not self.running.ready():
            self.running.wait(0.2)
            if self.pool is not None and self.pool.lost():
                raise WorkerLost("a worker process of the build stopped unexpectedly")
        try:
            return self.running.get()
        except Interrupted:
            raise KeyboardInterrupt from None


_ADOPTED: Work | None = None  # in a worker process only: the build it works for (set as the worker starts)


def _adopt(work: Work, started: Any) -> None:
    """Pool initializer: Ctrl-C is the main process's business; the worker keeps the build it was forked
    with, and counts itself (a worker that replaces a lost one makes the count exceed the pool's size)."""
    global _ADOPTED
    ignore_interrupts()
    _ADOPTED = work
    with started.get_lock():
        started.value += 1


def _in_worker(task: Callable[..., T], *args: Any) -> T:
    assert _ADOPTED is not None, "a task runs in a worker of the build's pool"
    try:
        return task(_ADOPTED, *args)
    except KeyboardInterrupt:  # a worker's own ends would end the worker, and leave its task unfinished
        raise Interrupted() from None


class Pool:
    """`processes` forked workers (given the Work by fork, never pickled), or this process alone.

    On leaving, the workers finish and exit; after an error or Ctrl-C they are stopped at once. A worker
    that dies (killed, out of memory) fails the build instead of leaving it waiting for ever.
    """

    def __init__(self, work: Work, processes: int) -> None:
        self.work = work
        self.pool: multiprocessing.pool.Pool | None = None
        self.processes = 1
        if processes > 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.started = context.Value("i", 0)
            with frozen():  # what exists now is shared with the workers: their collector leaves it untouched
                self.pool = context.Pool(processes, initializer=_adopt, initargs=(work, self.started))
            self.processes = processes

    def lost(self) -> bool:
        """Whether a worker has ended before the pool closed (the pool has started one in its place)."""
        return bool(self.started.value > self.processes)

    def submit(self, task: Callable[..., T], *args: Any) -> Pending[T]:
        if self.pool is None:
            return Pending(task(self.work, *args))
        return Pending(running=self.pool.apply_async(_in_worker, (task, *args)), pool=self)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.pool is None:
            return
        if exc_type is None:
            self.pool.close()
        else:
            self.pool.terminate()
        self.pool.join()
        self.pool = None
