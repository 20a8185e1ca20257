"""The build's fingerprint: one hash of everything a build reads, so an unchanged project rebuilds nothing.

It covers every file under content/ and bundles/, mkdocs.yml and every file or folder it names
(`docs_dir`, `theme.custom_dir`, `INHERIT`, `hooks`, `watch`), bundlesmith.yml, bundlesmith's own code and
templates, the options that shape the output, and the date (reports mark reviews that are overdue today).
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from functools import lru_cache
from pathlib import Path

import bundlesmith

CACHE_FILE = ".bundlesmith-cache.json"
_TOOL = Path(bundlesmith.__file__).resolve().parent


def _tree_digest(folder: Path, digest) -> None:
    if not folder.is_dir():
        return
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())


def fingerprint(root: Path, options: dict, today: date) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({"version": bundlesmith.__version__, "options": options, "today": today.isoformat()},
                             sort_keys=True).encode())
    for name in ("content", "bundles"):
        digest.update(f"\n[{name}]\n".encode())
        _tree_digest(root / name, digest)
    config = root / "mkdocs.yml"
    digest.update(config.read_bytes() if config.is_file() else b"")
    for name, path in site_inputs(config):
        digest.update(f"\n[site {name}]\n".encode())
        if path.is_dir():
            _tree_digest(path, digest)
        elif path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    settings = root / "bundlesmith.yml"  # the gates' limits: what check warns about
    digest.update(b"\n[settings]\n" + (settings.read_bytes() if settings.is_file() else b""))
    digest.update(b"\n[tool]\n" + tool_digest().encode())
    return digest.hexdigest()


def site_inputs(config: Path) -> list[tuple[str, Path]]:
    """The files and folders mkdocs.yml names that shape the site, as (key, path): its `docs_dir` (the
    project's own pages: "docs" when unset), `theme.custom_dir`, an `INHERIT`ed config, `hooks` and
    `watch`. Relative paths are read from the config's folder, as mkdocs does; a config that can't be read
    adds nothing here (the site build reports it)."""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    try:
        with open(config, encoding="utf-8") as handle:  # mkdocs' own loader: the config's `!ENV` tags
            raw = yaml.load(handle, Loader=get_yaml_loader())
    except (OSError, yaml.YAMLError):
        return []
    if not isinstance(raw, dict):
        return []
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    named: list[tuple[str, object]] = [("docs_dir", raw.get("docs_dir", "docs")),
                                       ("theme.custom_dir", theme.get("custom_dir")), ("INHERIT", raw.get("INHERIT"))]
    for key in ("hooks", "watch"):
        values = raw.get(key)
        named += [(key, value) for value in (values if isinstance(values, list) else [])]
    return [(key, config.parent / value) for key, value in named if isinstance(value, str) and value]


# The libraries whose versions shape output bytes (pages, packages, reports).
OUTPUT_LIBRARIES = ("mkdocs", "mkdocs-material", "markdown-it-py", "mdit-py-plugins", "nh3", "jinja2", "lxml",
                    "xlsxwriter", "pyyaml", "orjson", "msgspec", "pymdown-extensions", "markdown", "pygments",
                    "weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "tinyhtml5", "pillow")


@lru_cache(maxsize=1)
def dependency_versions() -> dict[str, str]:
    """The installed version of each library in OUTPUT_LIBRARIES, and a hash of the SCORM runtime shipped in
    every package: recorded in each package's provenance, and part of every reuse key."""
    from importlib import metadata

    from bundlesmith.runtime import runtime_dir

    versions = {}
    for name in OUTPUT_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        runtime = runtime_dir()
        digest = hashlib.sha256()
        for file in ("bundlesmith-scorm.js", "bundlesmith-scorm.css", "sco.html"):
            digest.update(file.encode() + b"\0" + (runtime / file).read_bytes())
        versions["bundlesmith-scorm-runtime"] = f"sha256:{digest.hexdigest()}"
    except (FileNotFoundError, OSError):
        versions["bundlesmith-scorm-runtime"] = "missing"
    return versions


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """bundlesmith itself: its version, code, schemas, templates and SCORM runtime (once per process).
    Every cache and reuse key includes it, so a new bundlesmith never reuses an old result."""
    from bundlesmith.runtime import runtime_dir

    digest = hashlib.sha256(bundlesmith.__version__.encode() + b"\0")
    digest.update(json.dumps(dependency_versions(), sort_keys=True).encode())
    _tree_digest(_TOOL, digest)
    try:
        runtime = runtime_dir()
    except FileNotFoundError:  # a broken installation: the build says so when it needs the runtime
        runtime = None
    if runtime is not None and not runtime.is_relative_to(_TOOL):
        digest.update(b"[scorm runtime]\0")
        _tree_digest(runtime, digest)
    return digest.hexdigest()


def unchanged(out: Path, value: str) -> bool:
    """Whether build/ holds exactly the outputs of a build with this fingerprint.

    The record is sealed with this user's key (a build/ from elsewhere is never "up to date") and holds a
    digest of each output folder's listing (every path, size and modification time): a build killed
    while it swapped its folders in, or a file changed, added or removed since, makes it false."""
    from bundlesmith.signing import unseal

    recorded = unseal("build", out / CACHE_FILE)
    if not isinstance(recorded, dict) or recorded.get("fingerprint") != value:
        return False
    outputs = recorded.get("outputs")
    return isinstance(outputs, dict) and bool(outputs) and all(
        isinstance(name, str) and listing_digest(out, name) == digest for name, digest in outputs.items())


def listing_digest(out: Path, name: str) -> str | None:
    """A digest of build/<name>/'s tree: each entry's path, type, size and modification time; None when
    it is missing or a symlink."""
    top = out / name
    if top.is_symlink() or not top.is_dir():
        return None
    digest = hashlib.sha256()
    stack = [("", str(top))]
    while stack:
        rel, folder = stack.pop()
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            info = entry.stat(follow_symlinks=False)
            name = rel + entry.name
            digest.update(f"{name}\0{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
            if entry.is_dir(follow_symlinks=False):
                stack.append((name + "/", entry.path))
    return digest.hexdigest()


def record(out: Path, value: str, outputs: list[str]) -> bytes:
    """The record (for build/CACHE_FILE) that build/ now holds the outputs of a build with this fingerprint
    (see unchanged)."""
    from bundlesmith.signing import seal

    listing = {name: listing_digest(out, name) for name in sorted(outputs)}
    return seal("build", {"fingerprint": value, "outputs": listing}).encode("utf-8")
