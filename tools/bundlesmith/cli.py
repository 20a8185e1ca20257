"""The command line: a thin Click layer over the pipeline. Only this module prints or picks exit codes."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from bundlesmith import __version__
from bundlesmith.diagnostics import Severity

if TYPE_CHECKING:
    from bundlesmith.model import Catalogue


def _fail_unexpected(exc: BaseException) -> None:
    """Never a raw traceback: one line, and where the full traceback was saved."""
    fd, name = tempfile.mkstemp(prefix="bundlesmith-crash-", suffix=".log")
    with open(fd, "w", encoding="utf-8") as log:
        log.write(f"bundlesmith {__version__}\n{' '.join(sys.argv)}\n\n")
        traceback.print_exception(exc, file=log)
    click.echo(f"bundlesmith: internal error: {type(exc).__name__}: {exc} (traceback saved to {name})", err=True)
    raise SystemExit(1)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI runner's timeout, `kill`): unwound like Ctrl-C, so workers stop and staging goes."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


class SafeGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:  # what the command returns (Click's own type)
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Terminated:
            click.echo("bundlesmith: terminated; build/ is unchanged", err=True)
            raise SystemExit(143)
        except KeyboardInterrupt:
            click.echo("bundlesmith: interrupted; build/ is unchanged", err=True)
            raise SystemExit(130)
        except Exception as exc:  # the one place an unexpected error is caught
            _fail_unexpected(exc)


def project_root(ctx: click.Context) -> Path:
    root: Path = ctx.find_root().obj["root"]  # set by the group (cli) and by -C (_set_project)
    return root


def _catalogue_for_report(ctx: click.Context, root: Path, variant: str | None, today: date | None,
                          command: str) -> Catalogue:
    """The checked catalogue a report reads. A gap in what a bundle targets is what the report shows, so it
    does not stop the report (gate.REPORTED_ERRORS); every other error is printed and exits 1."""
    from bundlesmith import pipeline
    from bundlesmith.coverage import gate

    checked = pipeline.check(root, variant, today)
    blocking = [d for d in checked.diagnostics if d.severity is Severity.ERROR and d.code not in gate.REPORTED_ERRORS]
    if blocking:
        for d in blocking:
            click.echo(d.format(), err=True)
        click.echo(f"{command} stopped: fix the errors above ('bundlesmith check' lists them)", err=True)
        ctx.exit(1)
    return checked.catalogue


def _validate_variant(root: Path, variant: str | None) -> None:
    from bundlesmith.load.layout import available_variants

    if variant is not None and variant not in available_variants(root):
        from bundlesmith.diagnostics import did_you_mean

        names = ", ".join(available_variants(root)) or "none"
        hint = did_you_mean(variant, available_variants(root))
        raise click.BadParameter(f"no variant '{variant}' in content/variants/ (available: {names})"
                                 + (f"; {hint}" if hint else ""), param_hint="--variant")


def _validate_bundles(root: Path, bundles: Iterable[str]) -> None:
    """Every --bundle names a bundle file (a bundle's id is its file name): a usage error otherwise."""
    from bundlesmith.diagnostics import did_you_mean
    from bundlesmith.load.layout import BUNDLES_DIR

    known = sorted(p.stem for p in (root / BUNDLES_DIR).glob("*.y*ml")) if (root / BUNDLES_DIR).is_dir() else []
    for bundle in bundles:
        if bundle not in known:
            hint = did_you_mean(bundle, known)
            raise click.BadParameter(f"no bundle '{bundle}' in bundles/ (available: {', '.join(known) or 'none'})"
                                     + (f"; {hint}" if hint else ""), param_hint="--bundle")


def _check_address(dev_addr: str) -> None:
    """A clear message, before anything is built, when the preview's address is malformed or taken."""
    import socket

    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"'{dev_addr}' is not IP:PORT (for example 127.0.0.1:8000)", param_hint="--dev-addr")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.bind(infos[0][4])
    except OSError as exc:
        reason = "already in use" if getattr(exc, "errno", None) == 98 else (exc.strerror or str(exc))
        raise click.ClickException(f"cannot serve on {dev_addr}: {reason}; choose another with --dev-addr, "
                                   f"for example --dev-addr {host}:{int(port) + 1}") from None


def _today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2026-03-31", param_hint="--today")


def _set_project(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        if not value.is_dir():
            raise click.BadParameter(f"'{value}' is not a folder", param_hint="-C/--project")
        ctx.find_root().obj["root"] = value.resolve()


# `-C DIR` works before or after the command name: `bundlesmith -C DIR check` or `bundlesmith check -C DIR`.
project_option = click.option("-C", "--project", type=click.Path(file_okay=False, path_type=Path), default=None,
                              expose_value=False, callback=_set_project, is_eager=True,
                              help="The project folder (overrides the one given before the command).")
variant_option = click.option("--variant", metavar="NAME", help="Apply one local variant from content/variants/NAME.")
today_option = click.option("--today", metavar="DATE", hidden=True, help="Pretend today is DATE (for tests).")


@click.group(cls=SafeGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Example:\n\n\b\n  bundlesmith check\n  bundlesmith build\n  bundlesmith -C ../my-content list modules")
@click.option("-C", "--project", "project", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The project folder (holding content/ and bundles/).")
@click.version_option(__version__, prog_name="bundlesmith")
@click.pass_context
def cli(ctx: click.Context, project: Path) -> None:
    """Build accredited health and social care training from co-created Markdown.

    bundlesmith reads standards frameworks, modules, bundles and local variants from a
    project folder, checks them, and builds a learners' site, SCORM packages and coverage
    reports into build/.
    """
    if not project.is_dir():
        raise click.BadParameter(f"'{project}' is not a folder", param_hint="-C/--project")
    ctx.obj = {"root": project.resolve()}


@cli.command(epilog="Example:\n\n\b\n  bundlesmith check\n  bundlesmith check --variant riverside-ics --strict\n  bundlesmith check --format json > check.json")
@project_option
@variant_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "gitlab"]), default="text",
              show_default=True, help="json: one object with every diagnostic; github: workflow-command "
              "annotations at each line; gitlab: a Code Quality report (JSON).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any warning).")
@click.option("--no-raw-html", is_flag=True, help="Refuse raw HTML in modules instead of sanitising it.")
@click.option("--no-cache", is_flag=True,
              help="Parse every file afresh and leave build/.bundlesmith-cache/ alone (it is used by default).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Processes that parse modules when many need parsing (default: cores).")
@today_option
@click.pass_context
def check(ctx: click.Context, variant: str | None, fmt: str, strict: bool, no_raw_html: bool, no_cache: bool,
          jobs: int | None, today: str | None) -> None:
    """Check every content file and report every problem at once.

    Each problem is printed as `path:line: error|warning: message [code]`. Without
    --variant, the national content and every variant are checked.
    Exit 0 when clean (warnings allowed), 1 on errors (or warnings with --strict), 2 on usage errors.
    Files unchanged since the last check are not parsed again (see build/.bundlesmith-cache/).
    """
    from bundlesmith import pipeline
    from bundlesmith.load.cache import folder_for
    from bundlesmith.workers import job_count

    root = project_root(ctx)
    _validate_variant(root, variant)
    cache_dir = None if no_cache else folder_for(root / "build")
    results = pipeline.check_all(root, (variant,) if variant else None, _today(today), no_raw_html,
                                 cache_dir=cache_dir, jobs=job_count(jobs))
    diagnostics = pipeline.merged_diagnostics(results)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    national = results[0].catalogue
    if fmt == "github":
        for d in diagnostics:
            click.echo(d.github())
    elif fmt == "gitlab":
        click.echo(json.dumps([d.gitlab() for d in diagnostics], indent=2))
    elif fmt == "json":
        from bundlesmith.readability import reading_levels

        click.echo(json.dumps({
            "errors": errors, "warnings": warnings,
            "checked": {"frameworks": len(national.frameworks), "modules": len(national.modules),
                        "bundles": len(national.bundles), "variants": [r.catalogue.variant.id for r in results[1:]
                                                                        if r.catalogue.variant]},
            "diagnostics": [d.to_json() for d in diagnostics],
            "reading": reading_levels([r.catalogue for r in results]),
        }, indent=2))
    else:
        for d in diagnostics:  # on standard error, like every command's diagnostics, then the summary line
            colour = "red" if d.severity is Severity.ERROR else "yellow"
            click.echo(click.style(d.format(), fg=colour) if sys.stderr.isatty() else d.format(), err=True)
        views = f" and {len(results) - 1} variant(s)" if len(results) > 1 else ""
        click.echo(f"checked {len(national.frameworks)} framework(s), {len(national.modules)} module(s), "
                   f"{len(national.bundles)} bundle(s){views}: {errors} error(s), {warnings} warning(s)", err=True)
    if errors or (strict and warnings):
        ctx.exit(1)


@cli.command(name="list", epilog="Example:\n\n\b\n  bundlesmith list modules\n  bundlesmith list standards --variant riverside-ics")
@project_option
@click.argument("what", type=click.Choice(["modules", "bundles", "standards", "variants"]))
@variant_option
@click.pass_context
def list_(ctx: click.Context, what: str, variant: str | None) -> None:
    """List the modules, bundles, standards or variants of the project as a table."""
    from bundlesmith import listing
    from bundlesmith.load.project import load_catalogue

    root = project_root(ctx)
    _validate_variant(root, variant)
    catalogue, problems = load_catalogue(root, variant)
    click.echo(listing.table(catalogue, what))
    errors = [d for d in problems if d.severity is Severity.ERROR]
    for d in errors:  # a file that failed to load is missing from the table: say which, and why
        click.echo(d.format(), err=True)
    if errors:
        click.echo(f"list: {len(errors)} file problem(s); the table leaves out what failed to load "
                   "(run 'bundlesmith check' for everything)", err=True)
        ctx.exit(1)


@cli.command(epilog="Example:\n\n\b\n  bundlesmith new module giving-feedback\n  bundlesmith new bundle ward-manager-essentials")
@project_option
@click.argument("kind", type=click.Choice(["module", "bundle"]))
@click.argument("ident", metavar="ID")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def new(ctx: click.Context, kind: str, ident: str, force: bool) -> None:
    """Create a new module or bundle file with every field filled in and explained."""
    from bundlesmith import scaffold

    root = project_root(ctx)
    try:
        path = scaffold.create(root, kind, ident, force=force)
    except scaffold.ScaffoldError as exc:
        raise click.UsageError(str(exc))
    click.echo(f"created {path.relative_to(root).as_posix()}: edit it, then run 'bundlesmith check'")


@cli.command(epilog="Example:\n\n\b\n  bundlesmith init ward-training\n  cd ward-training && bundlesmith check && bundlesmith build")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--title", default=None, help="The site's and README's title (default: from the folder name).")
def init(folder: Path, title: str | None) -> None:
    """Start a content repository in FOLDER (new or empty).

    Writes the national leadership and management standards, one module and one bundle to grow,
    mkdocs.yml for the learners' site, a README for authors, CI for GitHub Actions and GitLab
    (check with annotations at the line, build, artifacts, published site) and a pre-commit hook.
    """
    from bundlesmith import scaffold

    try:
        written = scaffold.init_project(folder, title)
    except scaffold.ScaffoldError as exc:
        raise click.UsageError(str(exc))
    for path in written:
        click.echo(f"created {path.relative_to(folder).as_posix()}")
    click.echo(f"next: cd {folder} && bundlesmith check && bundlesmith build", err=True)


@cli.command(epilog="Example:\n\n\b\n  bundlesmith build\n  bundlesmith build --only scorm --bundle national-induction\n"
                    "  bundlesmith build --only site --variant riverside-ics\n  bundlesmith build --only lms --only badges\n"
                    "  bundlesmith build --only case\n  bundlesmith build --only print")
@project_option
@click.option("--only", "only", multiple=True,
              type=click.Choice(["site", "scorm", "reports", "lms", "badges", "case", "print"]),
              help="Build only these outputs (repeatable). Default: all.")
@click.option("--bundle", "bundles", multiple=True, metavar="ID", help="Only these bundles (repeatable).")
@variant_option
@click.option("--national-only", is_flag=True, help="Skip the variants (by default every variant is built too).")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: build/ in the project).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Worker processes for parsing, packages, reports and sites (default: cores).")
@click.option("--dry-run", is_flag=True, help="Check and print what would be built, write nothing.")
@click.option("--force", is_flag=True, help="Build everything from the sources: no cache, nothing kept from the last build.")
@today_option
@click.pass_context
def build(ctx: click.Context, only: tuple[str, ...], bundles: tuple[str, ...], variant: str | None,
          national_only: bool, out: Path | None, jobs: int | None, dry_run: bool, force: bool, today: str | None) -> None:
    """Check the content, then build the site, SCORM packages, coverage reports, the LMS kit, badges, CASE
    packages and handbooks into build/.

    Nothing is written when check finds errors. Output is staged and swapped in at the
    end, so a failed or interrupted build leaves the previous build/ as it was.
    """
    from bundlesmith import build as build_mod

    root = project_root(ctx)
    _validate_variant(root, variant)
    _validate_bundles(root, bundles)
    options = build_mod.BuildOptions(
        root=root, out=(out or root / "build").resolve(),
        only=frozenset(only or ("site", "scorm", "reports", "lms", "badges", "case", "print")),
        bundles=tuple(bundles), variants=(variant,) if variant else (() if national_only else None),
        jobs=jobs, today=_today(today), dry_run=dry_run, force=force,
    )
    bar = _Progress() if _Progress.wanted() else None

    def echo(line: str) -> None:
        if bar:
            bar.clear()
        click.echo(line, err=True)

    try:
        result = build_mod.run(options, echo=echo, progress=bar)
    finally:
        if bar:
            bar.clear()
    for d in result.warnings + result.diagnostics:
        click.echo(d.format(), err=True)
    if not result.ok:
        click.echo(f"build stopped: {sum(d.severity is Severity.ERROR for d in result.diagnostics)} error(s); "
                   "build/ is unchanged", err=True)
        ctx.exit(1)
    for line in result.summary:
        click.echo(line)


class _Progress:
    """One status line on stderr for long builds (stage, done/total); only on a terminal and never under CI."""

    @staticmethod
    def wanted() -> bool:

        return sys.stderr.isatty() and not os.environ.get("CI")

    def __init__(self) -> None:
        self.shown = False
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if done not in (0, total) and now - self.last < 0.1:  # a few redraws a second are enough
            return
        self.last = now
        width = 24
        filled = width * done // total if total else width
        line = f"{stage[:40]:<40} [{'#' * filled}{'-' * (width - filled)}] {done}/{total}"
        click.echo("\r" + line, nl=False, err=True)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\033[K", nl=False, err=True)
            self.shown = False


@cli.command(epilog="Example:\n\n\b\n  bundlesmith coverage\n  bundlesmith coverage national-induction --format xlsx -o induction.xlsx\n"
                    "  bundlesmith coverage national-induction --format md --since accredited/coverage.json\n"
                    "  bundlesmith coverage --fail-on gaps,unassessed,level-gaps,overdue,co-production")
@project_option
@click.argument("bundles", nargs=-1, metavar="[BUNDLE]...")
@variant_option
@click.option("--format", "fmt", type=click.Choice(["html", "xlsx", "csv", "json", "md"]), default=None,
              help="Write one format (default: a one-line summary per bundle, or every format with -o).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="A file (one bundle, one format) or a folder; default: standard output.")
@click.option("--since", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A previous coverage.json of the bundle: report modules added, removed and version-bumped.")
@click.option("--fail-on", "fail_on", metavar="CONDITIONS", default=None,
              help="Exit 1 when any of these hold (comma-separated): gaps, unassessed, level-gaps, overdue, co-production.")
@today_option
@click.pass_context
def coverage(ctx: click.Context, bundles: tuple[str, ...], variant: str | None, fmt: str | None, output: Path | None,
             since: Path | None, fail_on: str | None, today: str | None) -> None:
    """Report which module meets which standard, how, and where the gaps are.

    Every format is a view of one coverage.json per bundle (see docs/coverage.md).
    Without BUNDLE, every bundle is reported. With --fail-on, each offender is printed as
    `path:line: error: message [code]` and the exit code is 1.
    """
    from bundlesmith.coverage import command, gate
    from bundlesmith.render import reports

    root = project_root(ctx)
    _validate_variant(root, variant)
    try:
        conditions = gate.parse_conditions(fail_on)
        previous = command.read_since(since) if since else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fail-on" if not isinstance(exc, command.CoverageError) else "--since")
    catalogue = _catalogue_for_report(ctx, root, variant, _today(today), "coverage")
    unknown = [b for b in bundles if b not in catalogue.bundles]
    if unknown:
        raise click.BadParameter(f"no bundle {', '.join(unknown)} (bundles: {', '.join(sorted(catalogue.bundles))})",
                                 param_hint="BUNDLE")
    chosen = bundles or tuple(catalogue.bundles)
    if previous is not None and previous["bundle"].get("id") not in chosen:
        raise click.BadParameter(f"'{since}' is the report of bundle '{previous['bundle'].get('id')}', "
                                 "which is not being reported", param_hint="--since")
    docs = reports.documents(catalogue, chosen, (), _today(today), previous)
    try:
        out = command.outputs(catalogue, docs, fmt, output)
    except command.CoverageError as exc:
        raise click.UsageError(str(exc))
    if out.stdout is not None:
        click.echo(out.stdout.decode("utf-8"), nl=False)
    for path, data in sorted(out.files.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if out.files:
        click.echo(f"wrote {len(out.files)} file(s) to {output}", err=True)
    offenders = gate.offenders(catalogue, docs, conditions)
    for d in offenders:
        click.echo(d.format(), err=True)
    if offenders:
        click.echo(f"coverage: {len(offenders)} offender(s) for --fail-on {','.join(conditions)}", err=True)
        ctx.exit(1)


@cli.command(epilog="Example:\n\n\b\n  bundlesmith release national-induction\n"
                    "  git add releases/national-induction && git commit -m 'National induction 1.1.0'")
@project_option
@click.argument("bundle", metavar="BUNDLE")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes for packages and reports (default: cores).")
@today_option
@click.pass_context
def release(ctx: click.Context, bundle: str, jobs: int | None, today: str | None) -> None:
    """Freeze the bundle's version into releases/BUNDLE/VERSION/ for the team to commit.

    Refused while check finds an error, an accessibility, plain-English or glossary check warns,
    or a coverage condition in the bundle's release.fail_on holds. Writes the packages, the coverage
    reports, release.json, CHANGELOG.md (what changed since the previous release, read only once
    its SHA256SUMS verifies) and SHA256SUMS. A released version is never overwritten.
    """
    from bundlesmith import release as release_mod

    root = project_root(ctx)
    _validate_bundles(root, (bundle,))
    result = release_mod.release(root, bundle, _today(today), jobs)
    for d in result.problems:
        click.echo(d.format(), err=True)
    if not result.ok:
        click.echo(f"release stopped: {len(result.problems)} problem(s); nothing was written", err=True)
        ctx.exit(1)
    assert result.folder is not None, "a release that is ok was written to its folder"
    where = result.folder.relative_to(root).as_posix()
    since = f"; CHANGELOG.md compares it with {result.previous}" if result.previous else "; its first release"
    click.echo(f"released {bundle} {result.folder.name} to {where}/ ({len(result.files)} files{since})")


@cli.command(epilog="Example:\n\n\b\n  bundlesmith rpl national-induction --from care-certificate\n"
                    "  bundlesmith rpl mid-career-managers --from l5-leadership-management --format json")
@project_option
@click.argument("bundle")
@click.option("--from", "crosswalk", required=True, metavar="CROSSWALK",
              help="The crosswalk (content/crosswalks/CROSSWALK.yml) of what the learner already holds.")
@variant_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: the map as in build/reports/<bundle>/rpl-<crosswalk>.json.")
@today_option
@click.pass_context
def rpl(ctx: click.Context, bundle: str, crosswalk: str, variant: str | None, fmt: str, today: str | None) -> None:
    """Tell a holder of an existing qualification what they may skip in BUNDLE.

    For each module: exempt, top-up (the outcomes and sections that remain) or take, the
    minutes saved and the evidence the holder will be asked for (see docs/coverage.md).
    """
    from bundlesmith.coverage import json as json_view
    from bundlesmith.coverage import rpl_report
    from bundlesmith.coverage.rpl import rpl_map

    root = project_root(ctx)
    _validate_variant(root, variant)
    catalogue = _catalogue_for_report(ctx, root, variant, _today(today), "rpl")
    for name, known, hint in ((bundle, catalogue.bundles, "BUNDLE"), (crosswalk, catalogue.crosswalks, "--from")):
        if name not in known:
            from bundlesmith.diagnostics import did_you_mean

            close = did_you_mean(name, known)
            raise click.BadParameter(f"no {'bundle' if hint == 'BUNDLE' else 'crosswalk'} '{name}' (available: "
                                     f"{', '.join(sorted(known)) or 'none'})" + (f"; {close}" if close else ""),
                                     param_hint=hint)
    doc = rpl_report.document(catalogue, rpl_map(catalogue, catalogue.bundles[bundle], catalogue.crosswalks[crosswalk]))
    click.echo(json_view.render(doc).decode("utf-8") if fmt == "json" else rpl_report.text(doc), nl=False)


@cli.group(name="export", epilog="Example:\n\n\b\n  bundlesmith export case -o case/\n  bundlesmith export case clm > clm.json")
def export_() -> None:
    """Export the project's frameworks in an exchange format."""


@export_.command(name="case", epilog="Example:\n\n\b\n  bundlesmith export case -o case/\n"
                                    "  bundlesmith export case clm > clm.json")
@project_option
@click.argument("framework", required=False)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A folder that receives every framework's package (as build/case/).")
@click.pass_context
def export_case(ctx: click.Context, framework: str | None, output: Path | None) -> None:
    """Export each framework as a 1EdTech CASE CFPackage (JSON), with its crosswalks.

    With FRAMEWORK, that framework's package goes to standard output; with -o, every
    framework's package (a variant's local ones under <variant>/) goes into the folder.
    Identifiers are uuid5 of base_uri + code and dates are the framework's `date`, so the
    same framework always gives the same bytes (see docs/case.md).
    """
    from bundlesmith import pipeline
    from bundlesmith.case import export

    root = project_root(ctx)
    views = pipeline.check_all(root)
    errors = [d for d in pipeline.merged_diagnostics(views) if d.severity is Severity.ERROR]
    errors += export.problems(views[0].catalogue) + [d for v in views[1:] for d in export.problems(v.catalogue)
                                                     if d.span.path.startswith("content/variants/")]
    if errors:
        for d in errors:
            click.echo(d.format(), err=True)
        click.echo("export stopped: fix the errors above", err=True)
        ctx.exit(1)
    files = export.package_files([v.catalogue for v in views])
    if framework is not None:
        name = next((n for n in files if n.rpartition("/")[2] == f"{framework}.json"), None)
        if name is None:
            raise click.BadParameter(f"no framework '{framework}' (frameworks: "
                                     f"{', '.join(sorted(n.rpartition('/')[2][:-5] for n in files))})",
                                     param_hint="FRAMEWORK")
        click.echo(files[name].decode("utf-8"), nl=False)
        return
    if output is None:
        raise click.UsageError("name a FRAMEWORK (to print its package) or give -o DIR (to write every package)")
    for name, data in sorted(files.items()):
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_bytes(data)
    click.echo(f"wrote {len(files)} CASE package(s) to {output}", err=True)


@cli.group(name="import", epilog="Example:\n\n\b\n  bundlesmith import case opensalt-export.json --id ccs")
def import_() -> None:
    """Import a framework from an exchange format."""


@import_.command(name="case", epilog="Example:\n\n\b\n  bundlesmith import case clm.json\n"
                                    "  bundlesmith import case opensalt-export.json --id ccs -o content/standards/ccs.yml")
@project_option
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "framework_id", metavar="ID", default=None,
              help="The framework's id (default: the file's name, e.g. clm for clm.json).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The framework file to write (default: content/standards/ID.yml).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def import_case(ctx: click.Context, package: Path, framework_id: str | None, output: Path | None, force: bool) -> None:
    """Write a framework YAML from a CASE CFPackage (JSON), for example one exported by OpenSALT.

    Every problem names where in the JSON it is; nothing is written then. Identifiers from the
    package are kept (case_identifier), so exporting the framework again keeps them.
    """
    import re

    from bundlesmith.case.importer import framework_yaml, import_package

    root = project_root(ctx)
    framework_id = framework_id or re.sub(r"[^a-z0-9]+", "-", package.stem.lower()).strip("-")
    if not re.fullmatch(r"[a-z][a-z0-9-]*", framework_id):
        raise click.BadParameter(f"'{framework_id}' is not an id of lower-case letters, digits and '-'", param_hint="--id")
    target = output or root / "content" / "standards" / f"{framework_id}.yml"
    if target.exists() and not force:
        raise click.UsageError(f"{target} exists; use --force to overwrite it")
    data, problems = import_package(package.read_bytes(), str(package))
    for d in problems:
        click.echo(d.format(), err=True)
    if data is None:
        click.echo(f"import stopped: {sum(d.severity is Severity.ERROR for d in problems)} error(s); nothing written",
                   err=True)
        ctx.exit(1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(framework_yaml(framework_id, data), encoding="utf-8")
    click.echo(f"wrote {target}: run 'bundlesmith check'", err=True)


@cli.command(epilog="Example:\n\n\b\n  bundlesmith serve\n  bundlesmith serve --variant riverside-ics --dev-addr 127.0.0.1:8001")
@project_option
@variant_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              help="Address to serve the preview on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default browser.")
@click.pass_context
def serve(ctx: click.Context, variant: str | None, dev_addr: str, open_browser: bool) -> None:
    """Preview the learners' site, rebuilt whenever you save a file in content/ or bundles/.

    The page in your browser reloads by itself after each save. Content errors are printed
    here; fix them and save again. Stop with Ctrl-C.
    """
    import logging

    from bundlesmith.preview import PreviewSession

    root = project_root(ctx)
    _validate_variant(root, variant)
    _check_address(dev_addr)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    PreviewSession(root, variant).serve(dev_addr, open_browser)


@cli.command(name="inspect", epilog="Example:\n\n\b\n  bundlesmith inspect build/scorm/national-induction-1.0.0-scorm12.zip\n"
                                     "  bundlesmith inspect course.zip --format json\n"
                                     "  bundlesmith inspect course.zip --schemas path/to/scorm-schemas")
@project_option
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--schemas", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Folder of the official SCORM XSDs (default: $BUNDLESMITH_SCORM_SCHEMAS, else the unmodified copy bundlesmith carries).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: everything below as one JSON document on standard output.")
def inspect_(package: Path, schemas: Path | None, fmt: str) -> None:
    """Check any SCORM zip as an LMS would and describe what it will import.

    Opens the zip safely (no extraction, no path traversal, no zip bomb, no network, no XML
    entities), validates imsmanifest.xml against the official SCORM 1.2 / 2004 schemas, checks
    that every reference resolves and every listed file is in the zip, and prints the package's
    identifier, title, version, SCORM edition, size and sha256, then each SCO with its launch file,
    standards and mastery score, and which schema files validated it. Exit 0 when the package is
    sound, 1 on problems.
    """
    import json

    from bundlesmith.inspect_package import inspect

    result = inspect(package, schemas)
    errors = sum(d.severity is Severity.ERROR for d in result.diagnostics)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        if result.version:
            click.echo(f"package: {result.title} [{result.identifier}] version {result.package_version or '-'}")
            click.echo(f"SCORM {result.edition or result.version}; {result.size:,} bytes; sha256 {result.sha256}")
            click.echo(f"{len(result.scos)} SCO(s); schemas: {result.schemas or 'not validated'}")
        for line in result.tree:
            click.echo(line)
        for d in result.diagnostics:
            click.echo(d.format(), err=True)
        version = f"SCORM {result.version}" if result.version else "not a SCORM package"
        checked = ("valid against the official schemas" if result.schemas.startswith("official")
                   else "valid against the bundled fallback schemas") if result.validated and not errors else (
            "XSD validation skipped" if not result.validated else "")
        summary = f"{package.name}: {version}, {result.files} file(s), {len(result.scos)} SCO(s)"
        click.echo(f"{summary}: {errors} error(s)" + (f"; {checked}" if checked else ""), err=True)
    if errors:
        raise SystemExit(1)


def main() -> None:
    """The `bundlesmith` command. Once it has finished, its output flushed and every file, worker and
    temporary folder of its own closed (each command does that itself, in `finally` and `with`), the
    process ends at once with its exit code (os._exit), as mypy's does: Python's own shutdown would go on
    to free every object the command made, one by one, which at 1,000 modules took a quarter of a
    second after the build had finished."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli(prog_name="bundlesmith")
        code = 0
    except SystemExit as stop:
        code = _exit_code(stop.code)
    _end(code)


def _exit_code(code: object) -> int:
    """The exit status `sys.exit(code)` gives: None is 0, a number itself, anything else is printed and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _end(code: int) -> None:
    """End the process now: what is buffered for stdout and stderr is written first (a reader that has
    gone away, `| head`, loses only what it did not want)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
