"""`bundlesmith release BUNDLE`: freeze the bundle's version, as accredited, into `releases/<bundle>/<version>/`.

A release is refused while `check` finds an error, while any accessibility, plain-English or glossary
gate warns (validate/accessibility.py, plain_english.py, glossary.py), or while a coverage condition the
bundle lists under `release.fail_on` holds (coverage/gate.py). Otherwise the bundle's packages and
coverage reports are built afresh (from the sources, nothing reused) and written, with the release's
record and change log, to a folder at the project root, outside the disposable `build/`, for the team
to commit:

  releases/<bundle>/<version>/
    packages/        every SCORM package of the bundle (national and each variant), each with its provenance
    reports/         the bundle's coverage reports (reports/<variant>/ for each variant)
    lms/             the bundle's LMS kit: competency files and setup sheet (lms/<variant>/ for each variant)
    badges/          the bundle's Open Badges achievement, image and credential template (likewise)
    case/            the frameworks as CASE packages (case/<variant>/ for a variant's local framework)
    print/           the learner and facilitator handbooks (PDF) with their provenance, national and each variant's
    release.json     what was released: bundle, version, date, content hash, packages, previous release
    CHANGELOG.md     what changed since the previous release (coverage/changes.py)
    SHA256SUMS       sha256 of every other file, as `sha256sum -c SHA256SUMS` checks it

The previous release (the highest version below this one) is read only after its SHA256SUMS verifies:
a release folder that was edited is never trusted. A release is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bundlesmith.diagnostics import Diagnostic, Severity, Span, error
from bundlesmith.validate import accessibility, glossary, plain_english

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from bundlesmith.coverage.changes import Earlier
    from bundlesmith.coverage.document import Coverage
    from bundlesmith.pipeline import Checked

RELEASES_DIR = "releases"
SUMS = "SHA256SUMS"
GATE_CODES = frozenset(accessibility.CODES + plain_english.CODES + glossary.CODES)
CODES = ("release-exists", "release-unverified")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  ([^\n]+)$")


@dataclass
class ReleaseResult:
    problems: list[Diagnostic] = field(default_factory=list)  # why it was refused
    folder: Path | None = None  # the release written
    files: list[str] = field(default_factory=list)
    previous: str | None = None  # the version the change log compares with

    @property
    def ok(self) -> bool:
        return self.folder is not None


def blocking(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """What stops a release: every error, and every warning of a gate."""
    return [d for d in diagnostics if d.severity is Severity.ERROR or d.code in GATE_CODES]


def release(root: Path, bundle_id: str, today: date | None = None, jobs: int | None = None) -> ReleaseResult:
    from bundlesmith import pipeline

    today = today or date.today()
    result = ReleaseResult()
    views = pipeline.check_all(root, None, today, jobs=1)  # every view, every file parsed afresh
    result.problems = blocking(pipeline.merged_diagnostics(views))
    if result.problems:
        return result
    national = views[0].catalogue
    bundle = national.bundles[bundle_id]
    folder = release_folder(root, bundle_id, bundle.version)
    if folder.exists() or folder.is_symlink():
        result.problems = [error(Span(bundle.path, bundle.span.line), "release-exists",
                                 f"version {bundle.version} of {bundle_id} is already released in "
                                 f"{folder.relative_to(root).as_posix()}/",
                                 f"bump 'version' in {bundle.path} to release the changes")]
        return result
    result.problems = _coverage_gate(views, bundle_id, today)
    if result.problems:
        return result
    previous_doc = None
    previous = previous_release(root, bundle_id, bundle.version)
    if previous is not None:
        problems = verify(previous, root)
        if problems:
            result.problems = problems
            return result
        previous_doc = _read_coverage(previous, root, result.problems)
        if result.problems:
            return result
        result.previous = previous.name
    with tempfile.TemporaryDirectory(prefix="bundlesmith-release-") as scratch:
        files, problems = _build(root, bundle_id, bundle.version, today, jobs, Path(scratch) / "build")
        if problems:
            result.problems = problems
            return result
        current: Coverage = json.loads(files["reports/coverage.json"])
        crosswalks = {c.path: hashlib.sha256((root / c.path).read_bytes()).hexdigest()
                      for view in views for c in view.catalogue.crosswalks.values()}
        files.update(_record(current, files, today, previous_doc, crosswalks))
        _write(folder, files)
    result.folder, result.files = folder, sorted(files)
    return result


def release_folder(root: Path, bundle_id: str, version: str) -> Path:
    return Path(root) / RELEASES_DIR / bundle_id / version


def _coverage_gate(views: Sequence[Checked], bundle_id: str, today: date) -> list[Diagnostic]:
    """The offenders of the bundle's `release.fail_on` conditions, in every view that has the bundle."""
    from bundlesmith.coverage import gate
    from bundlesmith.render import reports

    found: list[Diagnostic] = []
    for view in views:
        catalogue = view.catalogue
        conditions = catalogue.bundles[bundle_id].release_fail_on
        if conditions:
            docs = reports.documents(catalogue, (bundle_id,), (), today)
            found += [d for d in gate.offenders(catalogue, docs, conditions) if d not in found]
    return found


def previous_release(root: Path, bundle_id: str, version: str) -> Path | None:
    """The folder of the highest released version below `version`, or None for a first release."""
    here = Path(root) / RELEASES_DIR / bundle_id
    mine = _version(version)
    if mine is None or not here.is_dir():
        return None
    earlier = [(v, p) for p in here.iterdir() if p.is_dir() and (v := _version(p.name)) is not None and v < mine]
    return max(earlier)[1] if earlier else None


def _version(text: str) -> tuple[int, int, int] | None:
    match = _SEMVER.match(text)
    return tuple(int(g) for g in match.groups()) if match else None  # type: ignore[return-value]


def verify(folder: Path, root: Path) -> list[Diagnostic]:
    """Whether a release folder is as it was written: its SHA256SUMS lists every other file, with its sha256."""
    where = folder.relative_to(root).as_posix()

    def refused(message: str) -> list[Diagnostic]:
        return [error(Span(f"{where}/{SUMS}"), "release-unverified",
                      f"the release in {where}/ does not verify: {message}; it is not read",
                      "restore the folder from version control")]

    sums = folder / SUMS
    if sums.is_symlink() or not sums.is_file():
        return refused(f"{SUMS} is missing")
    try:
        lines = sums.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return refused(f"{SUMS} cannot be read")
    listed: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        match = _SUM_LINE.match(line)
        name = match.group(2) if match else ""
        if not match or name.startswith("/") or "\\" in name or ".." in name.split("/") or name == SUMS:
            return refused(f"line {number} of {SUMS} is not '<sha256>  <path inside the release>'")
        listed[name] = match.group(1)
    present: set[str] = set()
    for inner, dirs, names in os.walk(folder):  # never through a symlink
        for name in sorted(dirs + names):
            path = Path(inner) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                return refused(f"'{rel}' is a symlink")
            if path.is_file() and rel != SUMS:
                present.add(rel)
    for name in sorted(present - set(listed)):
        return refused(f"'{name}' is not listed in {SUMS}")
    for name, digest in sorted(listed.items()):
        if name not in present:
            return refused(f"'{name}' is missing")
        if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest:
            return refused(f"'{name}' has changed since it was released")
    return []


def _read_coverage(folder: Path, root: Path, problems: list[Diagnostic]) -> Earlier | None:
    from bundlesmith.coverage.command import CoverageError, read_since

    try:
        return read_since(folder / "reports" / "coverage.json")
    except CoverageError as exc:
        problems.append(error(Span(f"{folder.relative_to(root).as_posix()}/reports/coverage.json"),
                              "release-unverified", str(exc)))
        return None


def _build(root: Path, bundle_id: str, version: str, today: date, jobs: int | None,
           out: Path) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The bundle's packages, reports, LMS kit, badge, handbooks and the CASE frameworks, built from the sources into
    `out`, by release path."""
    from bundlesmith import build

    options = build.BuildOptions(root=root, out=out, only=frozenset(RELEASED), bundles=(bundle_id,),
                                 jobs=jobs, today=today, force=True)
    result = build.run(options)
    if not result.ok:
        return {}, result.diagnostics
    files: dict[str, bytes] = {}
    for folder, prefix in (("scorm", "packages"), ("print", "print")):
        for made in sorted((out / folder).iterdir()) if (out / folder).is_dir() else ():
            if made.name.startswith(f"{bundle_id}-{version}-") and made.is_file():
                files[f"{prefix}/{made.name}"] = made.read_bytes()
    from bundlesmith.load.layout import available_variants

    for variant in (None, *available_variants(root)):
        source = out / build.reports_dirname(variant) / bundle_id
        prefix = "reports" if variant is None else f"reports/{variant}"
        for report in sorted(source.iterdir()) if source.is_dir() else ():
            if report.is_file() and not report.name.startswith("."):
                files[f"{prefix}/{report.name}"] = report.read_bytes()
        within = "" if variant is None else f"{variant}/"
        kit = out / "lms" / within / bundle_id
        for name in sorted(p.name for p in kit.iterdir() if p.is_file()) if kit.is_dir() else ():
            files[f"lms/{within}{name}"] = (kit / name).read_bytes()
        for badge in sorted((out / "badges" / within).glob(f"{bundle_id}.*")):
            files[f"badges/{within}{badge.name}"] = badge.read_bytes()
        for framework in sorted((out / "case" / within).glob("*.json")):
            files[f"case/{within}{framework.name}"] = framework.read_bytes()
    return files, []


# What a release holds: the outputs of `build --only` it is made from.
RELEASED = ("scorm", "reports", "lms", "badges", "case", "print")


def _record(current: Coverage, files: dict[str, bytes], today: date, previous: Earlier | None,
            crosswalks: dict[str, str]) -> dict[str, bytes]:
    """release.json, CHANGELOG.md and SHA256SUMS for the packages and reports in `files`. The content hash
    is the bundle's (its report's provenance); the crosswalks the prior-learning maps read are named with
    their sha256 beside it, since no report's content hash covers them."""
    import bundlesmith
    from bundlesmith.coverage.changes import changes, render_changelog

    bundle = current["bundle"]
    record = {
        "bundle": bundle["id"], "version": bundle["version"], "title": bundle["title"],
        "released": today.isoformat(), "bundlesmith": bundlesmith.__version__,
        "content_hash": current["provenance"]["content_hash"],
        "crosswalks": [{"file": path, "sha256": digest} for path, digest in sorted(crosswalks.items())],
        "previous": previous["bundle"]["version"] if previous else None,
        "packages": [{"file": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                     for name, data in sorted(files.items()) if name.endswith(".zip")],
    }
    out = {"release.json": (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
           "CHANGELOG.md": render_changelog(current, changes(previous, current) if previous else None, today.isoformat())}
    every = {**files, **out}
    out[SUMS] = "".join(f"{hashlib.sha256(every[name]).hexdigest()}  {name}\n" for name in sorted(every)).encode()
    return out


def _write(folder: Path, files: dict[str, bytes]) -> None:
    """Write the release into a hidden folder beside it, then rename it into place in one step, so a
    release folder is never half written (and a rename onto a release that appeared meanwhile fails)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for name, data in sorted(files.items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(staging, 0o755)
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
