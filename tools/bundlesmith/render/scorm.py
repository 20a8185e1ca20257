"""SCORM output: one zip per bundle per SCORM version (per variant), with a provenance record beside it.

plan (scorm_plan) -> pages (scorm_pages, modules from the build's RenderCache) -> manifest (scorm_manifest)
-> a deterministic zip (render.zips), handed with its provenance record to the build's writer (`sink`,
emit's). Two builds from the same inputs give byte-identical zips.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from bundlesmith import __version__
from bundlesmith.file_types import KINDS, place_refusal
from bundlesmith.inputs import dependency_versions
from bundlesmith.model import Bundle, Catalogue
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.package_key import Target, package_inputs
from bundlesmith.render.packages import PackageRecord, package_filename, provenance_filename
from bundlesmith.render.scorm_manifest import build_manifest
from bundlesmith.render.scorm_pages import asset_path, render_sco, runtime_files, schema_files
from bundlesmith.render.scorm_plan import PROVENANCE, PackagePlan, plan_package
from bundlesmith.render.url_policy import UrlPolicy
from bundlesmith.render.zips import zip_bytes

# Where finished packages go: each zip and its provenance record (file name -> bytes) are handed to it, in
# the process that made them; the build passes emit's writer for its staged scorm/ folder.
Sink = Callable[[dict[str, bytes]], None]


def build_packages(catalogue: Catalogue, cache: RenderCache, bundles: Iterable[Bundle], sink: Sink,
                   known: dict[str, str | None] | None = None) -> list[PackageRecord]:
    """Hand every package of `bundles` to `sink`, one after another, and return their records (the build
    makes its packages in its pool instead, one `make_package` each)."""
    records = []
    for target in targets(catalogue, bundles):
        record, files = make_package(plan_target(target, cache), cache, known)
        sink(files)
        records.append(record)
    return records


def targets(catalogue: Catalogue, bundles: Iterable[Bundle]) -> list[Target]:
    """One package per bundle and SCORM version."""
    return [Target(catalogue, bundle, version) for bundle in bundles for version in bundle.scorm.versions]


def plan_target(target: Target, cache: RenderCache) -> PackagePlan:
    """Plan one package; its modules are rendered (once per build, through the cache) to find their files."""
    catalogue = target.catalogue
    return plan_package(catalogue, target.bundle, target.scorm_version, lambda m: cache.get(m, catalogue).assets)


def make_package(plan: PackagePlan, cache: RenderCache,
                 known: dict[str, str | None] | None = None) -> tuple[PackageRecord, dict[str, bytes]]:
    """One package: its record, and its zip and provenance record by file name. `known` remembers the
    sources' hashes across the packages of one build (none is read again to hash it)."""
    return package_files(plan, package_entries(plan, cache, known))


def package_entries(plan: PackagePlan, cache: RenderCache, known: dict[str, str | None] | None = None) -> dict[str, bytes]:
    """Every file of the package (zip path -> bytes), the manifest and provenance record included. `known`
    remembers the sources' hashes across the packages of one build."""
    root = plan.catalogue.root
    entries: dict[str, bytes] = {**runtime_files(), **schema_files(plan.scorm_version)}
    sco_files: dict[str, tuple[str, ...]] = {}
    policies: dict[bool, UrlPolicy] = {}  # how links resolve is the same for every SCO of the package
    for sco in plan.scos:
        entries[sco.href] = render_sco(plan, sco, cache, policies).encode("utf-8")
        files = [sco.href]
        for asset in sco.assets:
            source = root / asset
            # `check` refuses missing files and types that are not published; never package anything else
            if source.is_file() and place_refusal(asset) is None and source.suffix.lower() in KINDS:
                entries[asset_path(asset)] = source.read_bytes()
                files.append(asset_path(asset))
        sco_files[sco.resource] = tuple(files)
    provenance = provenance_record(plan, entries, known)
    entries[PROVENANCE] = json.dumps(provenance, indent=2, sort_keys=True).encode("utf-8") + b"\n"
    # Schema files are in the package for validators, not content the SCOs use: never listed as resource files.
    shared = tuple(sorted(name for name in entries if not any(name in files for files in sco_files.values())
                          and name not in schema_files(plan.scorm_version)))
    entries["imsmanifest.xml"] = build_manifest(plan, sco_files, shared)
    return entries


def package_files(plan: PackagePlan, entries: dict[str, bytes]) -> tuple[PackageRecord, dict[str, bytes]]:
    """The package's record and its two files: the zip and the provenance record beside it (name -> bytes)."""
    bundle = plan.bundle
    name = package_filename(bundle.id, bundle.version, plan.variant, plan.scorm_version)
    # The runtime and the schemas (package_entries puts them in every package) are compressed once per process.
    shared = {**runtime_files(), **schema_files(plan.scorm_version)}
    data = zip_bytes([(n, data) for n, data in entries.items() if n not in shared], _shared_zip(plan.scorm_version))
    digest = hashlib.sha256(data).hexdigest()
    beside = json.loads(entries[PROVENANCE])
    beside["package"] = {"filename": name, "sha256": digest, "size": len(data)}
    # The revision stays outside the zip: the same content gives the same package whatever commit built it.
    beside["source_revision"] = source_revision(plan.catalogue.root)
    beside["built_with"] = dependency_versions()  # to rebuild the same bytes elsewhere (requirements.lock)
    record = PackageRecord(bundle.id, bundle.version, plan.variant, plan.scorm_version, name, digest, len(data))
    return record, {name: data, provenance_filename(name): (json.dumps(beside, indent=2, sort_keys=True) + "\n").encode()}


@lru_cache(maxsize=2)
def _shared_zip(scorm_version: str) -> bytes:
    return zip_bytes({**runtime_files(), **schema_files(scorm_version)}.items())


def provenance_record(plan: PackagePlan, entries: dict[str, bytes], known: dict[str, str | None] | None = None) -> dict[str, object]:
    """Bundle version, content hash and source revision: enough to tell what an accredited package was built from."""
    inputs = package_inputs(plan.catalogue, plan.bundle, plan.modules, [a for sco in plan.scos for a in sco.assets], known)
    content = hashlib.sha256("".join(f"{path}\0{digest}\n" for path, digest in sorted(inputs.items())).encode()).hexdigest()
    return {
        "generator": f"bundlesmith {__version__}",
        "bundle": plan.bundle.id, "bundle_version": plan.bundle.version, "bundle_title": plan.bundle.title,
        "variant": plan.variant, "scorm_version": plan.scorm_version, "packaging": plan.bundle.scorm.packaging,
        "mastery_score": plan.bundle.scorm.mastery_score,
        "modules": {m.id: m.version for m in plan.modules},
        "content_sha256": content, "inputs": inputs,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(entries.items())},
    }


@lru_cache(maxsize=8)
def source_revision(root: Path) -> str | None:
    """The project's git commit, `+dirty` when its content has uncommitted changes (once per process)."""
    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10,
                                    check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    head = git("rev-parse", "HEAD")
    if not head:
        return None
    return head + ("+dirty" if git("status", "--porcelain", "--", "content", "bundles") else "")
