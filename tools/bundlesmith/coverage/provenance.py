"""Provenance of a bundle's report: the files it is built from, their hash, its packages and the source revision.

Nothing here depends on the clock: the same sources give the same provenance, so reports are reproducible.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from bundlesmith.model import Bundle, Catalogue, Module
from bundlesmith.render.module_links import links_of


class PackageRecord(Protocol):
    """A package built for a bundle, as the report lists it."""

    @property
    def filename(self) -> str: ...
    @property
    def scorm_version(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def bundle(self) -> str: ...
    @property
    def variant(self) -> str | None: ...


def source_files(catalogue: Catalogue, bundle: Bundle, sources: Sources | None = None) -> list[str]:
    """Every project file the bundle includes, as sorted paths relative to the project root.

    The bundle file; each of its modules; every framework its targets or alignments name; the variant
    manifest and the slot files filled into its modules when a variant is applied; and every non-Markdown
    file (images, downloads) its modules link to inside the project.
    """
    root = catalogue.root
    files: set[str] = {bundle.path}
    frameworks = {t.partition(":")[0] for t, _ in bundle.targets}
    modules = [catalogue.modules[m] for m in bundle.module_ids if m in catalogue.modules]
    for module in modules:
        files.add(module.path)
        frameworks.update(a.standard.partition(":")[0] for a in module.standards)
        files.update(sources.linked(module, catalogue) if sources else _linked(module, catalogue))
    for fid in frameworks:
        if fid in catalogue.frameworks:
            files.add(catalogue.frameworks[fid].span.path)
    variant = catalogue.variant
    if variant is not None:
        files.add(variant.span.path)
        ids = {m.id for m in modules}
        files.update(fill.file for fill in variant.slots if fill.module in ids)
    return sorted(f for f in files if (sources.exists(f) if sources else (root / f).is_file()))


def _linked(module: Module, catalogue: Catalogue) -> set[str]:
    """The project files (not Markdown) a module links to or shows, relative to the root: the files its
    pages use (resolved once, render/module_links.py) that exist. Content symlinks are refused at load."""
    root = catalogue.root
    return {path for path in links_of(catalogue, module).assets
            if not path.endswith(".md") and (root / path).is_file()}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content_hash(root: Path, files: list[str], read: Callable[[str], bytes] | None = None) -> str:
    """sha256 over each file's path and bytes, in sorted path order (length-prefixed, so no two inputs collide).

    `read(rel)` gives a file's bytes (default: read from disk)."""
    digest = hashlib.sha256()
    for rel in sorted(files):
        data = read(rel) if read else (root / rel).read_bytes()
        name = rel.encode("utf-8")
        digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def source_revision(root: Path, files: list[str]) -> dict[str, Any] | None:
    """The git commit the project is at and whether any of these files differ from it; None outside git."""
    return Sources(root).revision(files)


class Sources:
    """What a report run reads from the project once for all its bundles: git's view of the checkout
    (`git rev-parse` and `git status`), the files each module links to, and each file's bytes and hash.

    `known` (a build's input set: project path -> sha256) gives the hashes of the files it holds without
    reading them again; a file's bytes are read only for a content hash."""

    def __init__(self, root: Path, known: Mapping[str, str | None] | None = None):
        self.root = root
        self._known = known or {}
        self._state: tuple[str, set[str] | None] | bool | None = False  # False: not asked yet
        self._links: dict[str, set[str]] = {}
        self._files: dict[str, tuple[bytes, str]] = {}
        self._exists: dict[str, bool] = {}

    def _file(self, rel: str) -> tuple[bytes, str]:
        if rel not in self._files:
            data = (self.root / rel).read_bytes()
            self._files[rel] = (data, hashlib.sha256(data).hexdigest())
        return self._files[rel]

    def read(self, rel: str) -> bytes:
        return self._file(rel)[0]

    def sha256(self, rel: str) -> str:
        known = self._known.get(rel)
        return known if known is not None else self._file(rel)[1]

    def exists(self, rel: str) -> bool:
        """Whether the project has the file: so when the input set hashed it, else asked of the disk (once)."""
        if self._known.get(rel) is not None:
            return True
        if rel not in self._exists:
            self._exists[rel] = (self.root / rel).is_file()
        return self._exists[rel]

    def linked(self, module: Module, catalogue: Catalogue) -> set[str]:
        if module.path not in self._links:
            self._links[module.path] = _linked(module, catalogue)
        return self._links[module.path]

    def _read(self) -> tuple[str, set[str] | None] | None:
        def git(*args: str) -> subprocess.CompletedProcess[bytes] | None:
            try:
                done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, timeout=20)
            except (OSError, subprocess.SubprocessError):
                return None
            return done if done.returncode == 0 else None

        head = git("rev-parse", "HEAD", "--show-prefix")
        if head is None:
            return None
        revision, _, prefix = head.stdout.decode("utf-8", "replace").partition("\n")
        prefix = prefix.strip()
        # Porcelain paths are relative to the repository root, whatever the folder git runs in.
        status = git("status", "--porcelain", "-z", "--no-renames", "--untracked-files=all", "--", ".")
        if status is None:
            return revision.strip(), None
        changed = {entry[3:].decode("utf-8", "surrogateescape") for entry in status.stdout.split(b"\0") if entry}
        return revision.strip(), {path[len(prefix):] for path in changed if path.startswith(prefix)}

    def revision(self, files: list[str]) -> dict[str, Any] | None:
        if self._state is False:
            self._state = self._read()
        if self._state is None or self._state is True:
            return None
        revision, changed = self._state
        return {"system": "git", "revision": revision,
                "modified": None if changed is None else any(f in changed for f in files)}


def provenance(catalogue: Catalogue, bundle: Bundle, packages: Iterable[PackageRecord],
               sources: Sources | None = None) -> dict[str, Any]:
    sources = sources or Sources(catalogue.root)
    return with_content_hash(made_from(catalogue, bundle, packages, sources), catalogue.root, sources)


def made_from(catalogue: Catalogue, bundle: Bundle, packages: Iterable[PackageRecord], sources: Sources) -> dict[str, Any]:
    """The provenance without its content hash: every file with its sha256 (from `sources`, which need not
    read a file its input set has hashed), the packages, the source revision. It names the same inputs as
    the whole provenance, so it is what a kept report's key is made from; only a report made again reads
    its files for the content hash (with_content_hash)."""
    files = source_files(catalogue, bundle, sources)
    variant = catalogue.variant.id if catalogue.variant else None
    return {
        "bundle_version": bundle.version,
        "variant": variant,
        "files": [{"path": f, "sha256": sources.sha256(f)} for f in files],
        "packages": sorted(({"filename": p.filename, "scorm_version": p.scorm_version, "sha256": p.sha256,
                             "size": p.size} for p in packages if p.bundle == bundle.id and p.variant == variant),
                           key=lambda p: p["filename"]),
        "source": sources.revision(files),
    }


def with_content_hash(made: dict[str, Any], root: Path, sources: Sources) -> dict[str, Any]:
    """The whole provenance of what made_from() gave: the content hash over its files' bytes joins it."""
    return {"bundle_version": made["bundle_version"], "variant": made["variant"],
            "content_hash": content_hash(root, [f["path"] for f in made["files"]], sources.read),
            "files": made["files"], "packages": made["packages"], "source": made["source"]}
