"""The build's fingerprint: one hash of everything a build reads, so an unchanged project rebuilds nothing.

It covers every file under content/ and bundles/, mkdocs.yml, bundlesmith's own code and templates,
the options that shape the output, and the date (reports mark reviews that are overdue today).
"""

from __future__ import annotations

import hashlib
import json
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
    digest.update(b"\n[tool]\n" + tool_digest().encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """bundlesmith itself: its version, code, schemas, templates and SCORM runtime (once per process).
    Every cache and reuse key includes it, so a new bundlesmith never reuses an old result."""
    from bundlesmith.render.packages import runtime_dir

    digest = hashlib.sha256(bundlesmith.__version__.encode() + b"\0")
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
    """Whether build/ holds the outputs of a build with this fingerprint, all still in place."""
    try:
        recorded = json.loads((out / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (recorded.get("fingerprint") == value
            and all((out / name).exists() for name in recorded.get("outputs", [])))


def record(out: Path, value: str, outputs: list[str]) -> None:
    (out / CACHE_FILE).write_text(json.dumps({"fingerprint": value, "outputs": sorted(outputs)}, indent=2) + "\n",
                                  encoding="utf-8")
