"""The pipeline in one screen: load -> validate -> plan -> render -> emit.

The CLI calls these functions; they return values and diagnostics and never print.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bundlesmith.diagnostics import Diagnostic, Severity
from bundlesmith.emit import replace_file
from bundlesmith.load.cache import OBSOLETE, LoadCache, open_cache
from bundlesmith.load.project import apply_variant, available_variants, load_catalogue, load_national
from bundlesmith.model import Catalogue
from bundlesmith.validate import validate


@dataclass(frozen=True)
class Checked:
    """A loaded catalogue (national, or with one variant applied) and every problem found in it."""

    catalogue: Catalogue
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


@contextmanager
def _loading() -> Iterator[None]:
    """Loading builds many long-lived objects and no reference cycles to speak of: the cyclic garbage
    collector only slows it down (by a third when reading the cache), so it pauses while loading, and
    what was loaded then joins the oldest generation at once rather than being examined again and
    again on its way there (freeze, then unfreeze: everything stays collectable)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def check(root: Path, variant: str | None = None, today: date | None = None,
          reject_raw_html: bool = False, *, cache_dir: Path | None = None) -> Checked:
    """Load and validate one view of the project: national content, or national plus one variant.

    With `cache_dir` (normally `build/.bundlesmith-cache`), unchanged files are not parsed again; the
    diagnostics are the same either way. None loads every file afresh and writes nothing.
    """
    with _loading():
        cache = open_cache(cache_dir)
        catalogue, problems = load_catalogue(root, variant, cache)
        _save(cache)
    problems += validate(catalogue, today, reject_raw_html)
    return Checked(catalogue, tuple(problems))


def check_all(root: Path, variants: tuple[str, ...] | None = None, today: date | None = None,
              reject_raw_html: bool = False, *, cache_dir: Path | None = None, jobs: int = 1) -> list[Checked]:
    """The national view and each variant's view (all variants unless some are named).

    `cache_dir` as for `check`: each file's load is cached there; cross-file rules always run. With
    `jobs` > 1 many modules to parse are parsed in forked processes (only from a process without threads).
    """
    names = available_variants(root) if variants is None else variants
    with _loading():
        cache = open_cache(cache_dir)
        national, problems = load_national(root, cache, jobs)
        views = [(national, problems)] + [apply_variant(national, name, cache) for name in names]
        _save(cache)
    seen: dict[str, object] = {}  # the views share national modules: their links are checked once
    return [Checked(catalogue, tuple(view_problems + validate(catalogue, today, reject_raw_html, seen)))
            for catalogue, view_problems in views]


def _save(cache: LoadCache | None) -> None:
    """Keep what was parsed afresh for the next check (through the one writer; a failure only loses the cache)."""
    data = cache.snapshot() if cache is not None else None
    if cache is not None and data is not None:
        replace_file(cache.file, data, OBSOLETE)


def merged_diagnostics(results: list[Checked]) -> list[Diagnostic]:
    """Every distinct diagnostic across views, sorted by file and line."""
    unique: dict[tuple[object, Severity], Diagnostic] = {}
    for result in results:
        for d in result.diagnostics:
            unique.setdefault((d.sort_key, d.severity), d)
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1].value))]
