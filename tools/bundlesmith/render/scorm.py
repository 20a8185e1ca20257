"""SCORM output: one zip per bundle per SCORM version (per variant), with a provenance record beside it.

plan (scorm_plan) -> pages (scorm_pages, modules from the build's RenderCache) -> manifest (scorm_manifest)
-> a deterministic zip (emit.write_zip). Two builds from the same inputs give byte-identical zips.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from bundlesmith import __version__
from bundlesmith.emit import write_zip
from bundlesmith.model import Bundle, Catalogue
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.packages import PackageRecord, package_filename
from bundlesmith.render.scorm_manifest import build_manifest
from bundlesmith.render.scorm_pages import asset_path, render_sco, runtime_files, schema_files
from bundlesmith.render.scorm_plan import PROVENANCE, PackagePlan, plan_package


def build_packages(catalogue: Catalogue, cache: RenderCache, bundles, out_dir: Path, options) -> list[PackageRecord]:
    """Write every package of `bundles` into `out_dir` and return their records."""
    plans = [plan_package(catalogue, bundle, version, lambda m: cache.get(m, catalogue).assets)
             for bundle in bundles for version in bundle.scorm.versions]
    prepared = [(plan, package_entries(plan, cache)) for plan in plans]  # renders: one thread, the cache is shared
    workers = max(1, min(getattr(options, "workers", 1) or 1, len(prepared)))
    with ThreadPoolExecutor(max_workers=workers) as pool:  # compressing releases the GIL
        return list(pool.map(lambda item: write_package(item[0], item[1], out_dir), prepared))


def package_entries(plan: PackagePlan, cache: RenderCache) -> dict[str, bytes]:
    """Every file of the package (zip path -> bytes), the manifest and provenance record included."""
    root = plan.catalogue.root
    entries: dict[str, bytes] = {**runtime_files(), **schema_files(plan.scorm_version)}
    sco_files: dict[str, tuple[str, ...]] = {}
    for sco in plan.scos:
        entries[sco.href] = render_sco(plan, sco, cache).encode("utf-8")
        files = [sco.href]
        for asset in sco.assets:
            source = root / asset
            if source.is_file():  # `check` reports missing files; never package something outside the project
                entries[asset_path(asset)] = source.read_bytes()
                files.append(asset_path(asset))
        sco_files[sco.resource] = tuple(files)
    provenance = provenance_record(plan, entries)
    entries[PROVENANCE] = json.dumps(provenance, indent=2, sort_keys=True).encode("utf-8") + b"\n"
    shared = tuple(sorted(name for name in entries if not any(name in files for files in sco_files.values())))
    entries["imsmanifest.xml"] = build_manifest(plan, sco_files, shared)
    return entries


def write_package(plan: PackagePlan, entries: dict[str, bytes], out_dir: Path) -> PackageRecord:
    bundle = plan.bundle
    name = package_filename(bundle.id, bundle.version, plan.variant, plan.scorm_version)
    target = out_dir / name
    write_zip(target, entries.items())
    data = target.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    beside = json.loads(entries[PROVENANCE])
    beside["package"] = {"filename": name, "sha256": digest, "size": len(data)}
    # The revision stays outside the zip: the same content gives the same package whatever commit built it.
    beside["source_revision"] = _revision(plan.catalogue.root)
    target.with_name(name[:-len(".zip")] + ".provenance.json").write_text(
        json.dumps(beside, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return PackageRecord(bundle.id, bundle.version, plan.variant, plan.scorm_version, name, digest, len(data))


def provenance_record(plan: PackagePlan, entries: dict[str, bytes]) -> dict:
    """Bundle version, content hash and source revision: enough to tell what an accredited package was built from."""
    inputs = _inputs(plan.catalogue, plan.bundle, plan)
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


def _inputs(catalogue: Catalogue, bundle: Bundle, plan: PackagePlan) -> dict[str, str]:
    """sha256 of every source the package was built from (bundle, frameworks, modules as filled, variant)."""
    root = catalogue.root
    out: dict[str, str] = {}

    def add(path: str, data: bytes | None = None) -> None:
        if data is None:
            source = root / path
            if not source.is_file():
                return
            data = source.read_bytes()
        out[path] = hashlib.sha256(data).hexdigest()

    add(bundle.path)
    for framework in catalogue.frameworks.values():
        add(framework.span.path)
    for module in plan.modules:
        add(module.path)
        if module.local_slots:  # the body as the variant filled it
            add(f"{module.path}#{catalogue.variant.id if catalogue.variant else 'local'}", module.body.encode())
    for sco in plan.scos:
        for asset in sco.assets:
            add(asset)
    if catalogue.variant is not None:
        add(catalogue.variant.path)
    return out


@lru_cache(maxsize=8)
def _revision(root: Path) -> str | None:
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
