"""One input set: every file a build reads, hashed once, and the keys every reuse decision derives from.

The set covers every file under content/ and bundles/, mkdocs.yml and every file or folder it names
(`docs_dir`, `theme.custom_dir`, `INHERIT`, `hooks`, `watch`, `extra_css`, `extra_javascript`),
bundlesmith.yml, bundlesmith itself (its code, templates and the SCORM runtime it ships, and the versions
of the libraries that shape output bytes), the options that shape the output, and the date (reports mark
reviews that are overdue today). `InputSet.key` says whether a build has anything to do; a package, a
report or a handbook is kept while the key `derive`d from its own inputs is the one the build state
recorded (state.py).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

import bundlesmith

_TOOL = Path(bundlesmith.__file__).resolve().parent


@dataclass(frozen=True)
class InputSet:
    """Every input of one build with its sha256: project files by their path in the project (files
    mkdocs.yml names outside the project by `site:<key>:<path>`), the tool's digest, the options, the date."""

    files: Mapping[str, str]
    tool: str
    options: Mapping[str, object] = field(default_factory=dict)
    today: str = ""

    @cached_property
    def key(self) -> str:
        """One hash of the whole set: equal keys, equal outputs."""
        digest = hashlib.sha256(json.dumps({"version": bundlesmith.__version__, "options": self.options,
                                            "today": self.today, "tool": self.tool}, sort_keys=True).encode())
        for path in sorted(self.files):
            digest.update(f"{path}\0{self.files[path]}\n".encode())
        return digest.hexdigest()

    def derive(self, *parts: object) -> str:
        """A reuse key for one output: the tool's digest and the output's own inputs (plain JSON values)."""
        payload = json.dumps([self.tool, parts], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def known(self) -> dict[str, str | None]:
        """The project files' hashes, for code that hashes sources by project path (none is read again)."""
        return dict(self.files)


def hash_inputs(root: Path, options: Mapping[str, object], today: date) -> InputSet:
    """Read and hash every input of a build of `root` once."""
    files: dict[str, str] = {}
    for name in ("content", "bundles"):
        _hash_tree(root, root / name, files)
    for name in ("mkdocs.yml", "bundlesmith.yml"):  # bundlesmith.yml: the gates' limits, what check warns about
        _hash_file(root, root / name, files)
    for key, path in site_inputs(root / "mkdocs.yml"):
        if path.is_dir():
            _hash_tree(root, path, files, key)
        else:
            _hash_file(root, path, files, key)
    return InputSet(files, tool_digest(), dict(options), today.isoformat())


def _name(root: Path, path: Path, key: str) -> str:
    """A file's path in the project, as the code that reads it names it; one outside, by what names it."""
    if path.is_relative_to(root) and ".." not in path.relative_to(root).parts:
        return path.relative_to(root).as_posix()
    return f"site:{key}:{path.as_posix()}"


def _hash_file(root: Path, path: Path, files: dict[str, str], key: str = "") -> None:
    if path.is_file():
        files[_name(root, path, key)] = hashlib.sha256(path.read_bytes()).hexdigest()


def _hash_tree(root: Path, folder: Path, files: dict[str, str], key: str = "") -> None:
    if not folder.is_dir():
        return
    prefix = _name(root, folder, key)
    for name, path in _files_under(folder):
        with open(path, "rb") as handle:
            files[f"{prefix}/{name}"] = hashlib.file_digest(handle, "sha256").hexdigest()


def _tree_digest(folder: Path, update: Callable[[bytes], object]) -> None:
    if not folder.is_dir():
        return
    for name, path in _files_under(folder, skip="__pycache__"):
        update(name.encode() + b"\0")
        with open(path, "rb") as handle:
            update(hashlib.file_digest(handle, "sha256").digest())


def _files_under(folder: Path, skip: str = "") -> list[tuple[str, str]]:
    """Every file under `folder` as (its path from there, its path), symlinked folders followed and in the
    order of sorted `Path`s, as `sorted(folder.rglob("*"))` gives them; no folder named `skip` is entered.
    Paths stay strings: pathlib's cost per file would outweigh the hashing."""
    found: list[tuple[list[str], str]] = []
    for where, folders, names in os.walk(folder, followlinks=True):
        folders[:] = [name for name in folders if name != skip]
        inside = os.path.relpath(where, folder)
        for name in names:
            path = os.path.join(where, name)
            if os.path.isfile(path):
                found.append(([name] if inside == "." else [*inside.split(os.sep), name], path))
    return [("/".join(parts), path) for parts, path in sorted(found)]


def site_inputs(config: Path) -> list[tuple[str, Path]]:
    """The files and folders mkdocs.yml names that shape the site, as (key, path): its `docs_dir` (the
    project's own pages: "docs" when unset), `theme.custom_dir`, an `INHERIT`ed config, `hooks`, `watch`,
    `extra_css` and `extra_javascript` (local files: a URL names none). Relative paths are read from the
    config's folder, as mkdocs does; a config that can't be read adds nothing here (the site build reports
    it)."""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    try:
        with open(config, encoding="utf-8") as handle:  # mkdocs' own loader: the config's `!ENV` tags
            raw = yaml.load(handle, Loader=get_yaml_loader())
    except (OSError, yaml.YAMLError):
        return []
    if not isinstance(raw, dict):
        return []
    theme = raw["theme"] if isinstance(raw.get("theme"), dict) else {}
    named: list[tuple[str, object]] = [("docs_dir", raw.get("docs_dir", "docs")),
                                       ("theme.custom_dir", theme.get("custom_dir")), ("INHERIT", raw.get("INHERIT"))]
    for key in ("hooks", "watch"):
        values = raw.get(key)
        named += [(key, value) for value in (values if isinstance(values, list) else [])]
    docs = raw.get("docs_dir", "docs")
    for key in ("extra_css", "extra_javascript"):  # files of docs_dir (already hashed with it) unless elsewhere
        values = raw.get(key)
        for value in values if isinstance(values, list) else []:
            path = value.get("path") if isinstance(value, dict) else value
            if isinstance(path, str) and isinstance(docs, str) and "://" not in path and not path.startswith("//"):
                named.append((key, f"{docs}/{path}"))
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
            text = metadata.distribution(name).read_text("METADATA") or ""
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
            continue
        # The core metadata's `Version:` header, read from the headers alone: metadata.version() parses
        # the whole file (a long description included) as an e-mail message, a tenth of a no-op build.
        headers = text.split("\n\n", 1)[0].splitlines()
        versions[name] = next((line[len("Version:"):].strip() for line in headers if line.startswith("Version:")),
                              "unknown")
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
    _tree_digest(_TOOL, digest.update)
    try:
        runtime = runtime_dir()
    except FileNotFoundError:  # a broken installation: the build says so when it needs the runtime
        runtime = None
    if runtime is not None and not runtime.is_relative_to(_TOOL):
        digest.update(b"[scorm runtime]\0")
        _tree_digest(runtime, digest.update)
    return digest.hexdigest()
