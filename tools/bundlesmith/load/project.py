"""Find and load every content file of a project into one `Catalogue`, with a variant overlay if asked."""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from bundlesmith.diagnostics import Diagnostic, Span, did_you_mean, error, warning
from bundlesmith.load import codec
from bundlesmith.load.bundles import load_bundle
from bundlesmith.load.cache import LoadCache
from bundlesmith.load.crosswalks import load_crosswalk
from bundlesmith.load.frameworks import load_framework
from bundlesmith.load.layout import (
    BUNDLES_DIR,
    CROSSWALKS_DIR,
    MODULES_DIR,
    STANDARDS_DIR,
    VARIANTS_DIR,
    available_variants,
)
from bundlesmith.load.markdown_scan import scan_body
from bundlesmith.load.modules import load_module
from bundlesmith.load.publisher import PUBLISHER_FILE, load_publisher
from bundlesmith.load.schedule import extend_schedule
from bundlesmith.load.settings import abbreviations, load_config, load_glossary
from bundlesmith.load.variants import load_variant
from bundlesmith.load.yaml_source import read_text
from bundlesmith.model import (
    AcronymUse,
    Bundle,
    Catalogue,
    Crosswalk,
    Framework,
    Module,
    ParsedBody,
    Prose,
    Section,
    Slot,
    SlotFill,
    Variant,
)


class UnknownVariant(ValueError):
    """The variant asked for has no folder under content/variants/."""


def _files(root: Path, folder: Path, patterns: tuple[str, ...], problems: list[Diagnostic]) -> list[Path]:
    """Content files in sorted order; a symlink that leaves the project is refused, not followed."""
    found: dict[Path, str] = {}
    if not folder.is_dir():
        return []
    real_root = root.resolve()
    linked: dict[Path, bool] = {}  # each folder is asked once whether it is a symlink

    def is_link(folder: Path) -> bool:
        if folder not in linked:
            linked[folder] = folder.is_symlink()
        return linked[folder]

    if any("**" in pattern for pattern in patterns):  # a recursive search does not enter symlinked folders
        for inner, names, _ in os.walk(folder):
            for name in sorted(names):
                if (Path(inner) / name).is_symlink():
                    rel = (Path(inner) / name).relative_to(root).as_posix()
                    problems.append(warning(Span(rel, 0), "symlink-folder",
                                            "this folder is a symlink: its files are not read; copy them in instead"))
    for pattern in patterns:
        for file in folder.glob(pattern):
            relative = file.relative_to(root)
            rel = relative.as_posix()
            if file.is_symlink() or any(is_link(root / p) for p in relative.parents if str(p) != "."):
                target = file.resolve()
                if not target.is_relative_to(real_root):
                    problems.append(error(Span(rel, 0), "symlink-outside",
                                          "symlink points outside the project; copy the file in instead"))
                    continue
            if file.is_file():
                found[file] = rel
    return sorted(found, key=found.__getitem__)


def _rel(file: Path, root: Path) -> str:
    return file.relative_to(root).as_posix()


Loaded = TypeVar("Loaded", bound=codec.LoadResult)


def _load(cache: LoadCache | None, kind: codec.Kind, loader: Callable[..., Loaded], file: Path, path: str,
          **options: object) -> Loaded:
    """One file's loader, or its cached result when the file and bundlesmith are unchanged."""
    if cache is None:
        return loader(file, path, **options)
    result: Loaded = cache.load(kind, loader, file, path, **options)  # the codec decodes what `loader` returns
    return result


def load_catalogue(root: Path, variant: str | None = None,
                   cache: LoadCache | None = None) -> tuple[Catalogue, list[Diagnostic]]:
    """The national catalogue, with one variant overlaid when asked."""
    catalogue, problems = load_national(root, cache)
    if variant is None:
        return catalogue, problems
    overlaid, variant_problems = apply_variant(catalogue, variant, cache)
    return overlaid, problems + variant_problems


def load_national(root: Path, cache: LoadCache | None = None, jobs: int = 1) -> tuple[Catalogue, list[Diagnostic]]:
    """Every national file: standards, modules and bundles. Variants are overlaid on it separately.

    With a `cache`, a file whose bytes are unchanged since an earlier load is not parsed again. With
    `jobs` > 1, many modules to parse are parsed in that many forked processes (never from a process
    that runs threads: `bundlesmith serve` loads with one job).
    """
    root = Path(root)
    problems: list[Diagnostic] = []
    broken: set[str] = set()
    config, config_problems = load_config(root)
    glossary, glossary_problems = load_glossary(root)
    problems += config_problems + glossary_problems
    abbr = abbreviations(glossary)
    if cache is not None:
        cache.context = glossary.digest

    frameworks: dict[str, Framework] = {}
    for file in _files(root, root / STANDARDS_DIR, ("*.yml", "*.yaml"), problems):
        _add_framework(frameworks, *_load(cache, "framework", load_framework, file, _rel(file, root)), problems)

    modules: dict[str, Module] = {}
    files = _files(root, root / MODULES_DIR, ("**/*.md",), problems)
    for loaded in _load_modules(cache, files, root, jobs, abbr):
        _add_module(modules, broken, *loaded, problems)

    bundles: dict[str, Bundle] = {}
    for file in _files(root, root / BUNDLES_DIR, ("*.yml", "*.yaml"), problems):
        bundle, bid, bundle_problems = _load(cache, "bundle", load_bundle, file, _rel(file, root))
        problems += bundle_problems
        if bundle is None or bid is None:  # the loader names an id only with the bundle it loaded
            continue
        if bid in bundles:
            problems.append(error(bundle.span, "duplicate-id",
                                  f"duplicate bundle id '{bid}' (also in {bundles[bid].span})"))
            continue
        bundles[bid] = bundle

    publisher = None
    publisher_file = root / PUBLISHER_FILE
    if publisher_file.is_file() and not publisher_file.is_symlink():  # one small file: read every time
        publisher, publisher_problems = load_publisher(publisher_file, PUBLISHER_FILE)
        problems += publisher_problems

    crosswalks: dict[str, Crosswalk] = {}
    for file in _files(root, root / CROSSWALKS_DIR, ("*.yml", "*.yaml"), problems):
        _add_crosswalk(crosswalks, *load_crosswalk(file, _rel(file, root)), problems)

    catalogue = Catalogue(root=root, frameworks=frameworks, modules=modules, bundles=bundles,
                          variant=None, variant_names=available_variants(root), broken=frozenset(broken),
                          glossary=glossary, config=config,
                          publisher=publisher, crosswalks=crosswalks)
    return catalogue, problems


PARALLEL_FROM = 200  # modules to parse: fewer are parsed here, quicker than starting processes


def _load_modules(cache: LoadCache | None, files: list[Path], root: Path, jobs: int,
                  abbr: dict[str, str]) -> list[codec.ModuleLoad]:
    """(module, id, problems) for each file, in the files' order, however many processes parse them."""
    paths = [_rel(file, root) for file in files]
    loader = functools.partial(load_module, abbr=abbr)
    if jobs < 2 or len(files) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return [_load(cache, "module", loader, file, path) for file, path in zip(files, paths)]
    results: list[codec.ModuleLoad | None] = [cache.cached("module", file, path) if cache is not None else None
                                              for file, path in zip(files, paths)]
    todo = [i for i, result in enumerate(results) if result is None]
    if len(todo) < PARALLEL_FROM:
        for i in todo:
            results[i] = _load(cache, "module", loader, files[i], paths[i])
        return _all_loaded(results)
    import bundlesmith.markdown  # noqa: F401  (imported once, here: the processes inherit it)
    from bundlesmith.workers import ignore_interrupts

    context = cache.context if cache is not None else ""
    work = [(files[i], paths[i], abbr, context) for i in todo]
    with multiprocessing.get_context("fork").Pool(jobs, initializer=ignore_interrupts) as pool:
        for i, (digest, encoded) in zip(todo, pool.imap(_parse_module, work, chunksize=max(1, len(work) // (jobs * 8)))):
            results[i] = codec.decode("module", encoded)
            if cache is not None and digest is not None:
                cache.remember("module", files[i], paths[i], digest, encoded)
    return _all_loaded(results)


def _all_loaded(results: list[codec.ModuleLoad | None]) -> list[codec.ModuleLoad]:
    """Every module's result, once each has been read from the cache or parsed."""
    loaded = [result for result in results if result is not None]
    assert len(loaded) == len(results), "a module was neither read from the cache nor parsed"
    return loaded


def _parse_module(item: tuple[Path, str, dict[str, str], str]) -> tuple[str | None, bytes]:
    """In a parsing process: one module's load as typed JSON (codec), with the digest of the bytes it was read from."""
    from bundlesmith.load.cache import file_digest
    from bundlesmith.load.yaml_source import MAX_FILE_BYTES

    file, path, abbr, context = item
    try:
        raw = file.read_bytes() if file.stat().st_size <= MAX_FILE_BYTES else None
    except OSError:
        raw = None
    if raw is None:  # too big or unreadable: the loader says so, and the result is not kept
        return None, codec.encode(load_module(file, path, abbr=abbr))
    return file_digest(raw, context), codec.encode(load_module(file, path, raw=raw, abbr=abbr))


def apply_variant(national: Catalogue, name: str,
                  cache: LoadCache | None = None) -> tuple[Catalogue, list[Diagnostic]]:
    """A new catalogue: the national one with the variant's frameworks, modules, slots and bundle additions.

    The national catalogue is not changed; only the variant's own files are read.
    """
    if name not in national.variant_names:
        raise UnknownVariant(name)
    root = national.root
    problems: list[Diagnostic] = []
    frameworks, modules, bundles = dict(national.frameworks), dict(national.modules), dict(national.bundles)
    broken = set(national.broken)
    folder = root / VARIANTS_DIR / name
    manifest = folder / "variant.yml"
    if cache is not None and manifest.is_file():
        chosen, variant_problems = _load(cache, "variant",
                                         lambda _file, _path, raw=None: load_variant(folder, root, raw),
                                         manifest, _rel(manifest, root))
    else:
        chosen, variant_problems = load_variant(folder, root)
    problems += variant_problems
    for file in _files(root, folder / "standards", ("*.yml", "*.yaml"), problems):
        _add_framework(frameworks, *_load(cache, "framework", load_framework, file, _rel(file, root), local=True),
                       problems)
    abbr = abbreviations(national.glossary)
    for file in _files(root, folder / "modules", ("**/*.md",), problems):
        _add_module(modules, broken, *_load(cache, "module", functools.partial(load_module, abbr=abbr), file,
                                            _rel(file, root), local=True), problems)
    crosswalks = dict(national.crosswalks)
    for file in _files(root, folder / "crosswalks", ("*.yml", "*.yaml"), problems):
        _add_crosswalk(crosswalks, *load_crosswalk(file, _rel(file, root), local=True), problems)
    if chosen is not None:
        _fill_slots(root, chosen, modules, problems, abbr)
        _add_to_bundles(chosen, bundles, problems)
    catalogue = Catalogue(root=root, frameworks=frameworks, modules=modules, bundles=bundles,
                          variant=chosen, variant_names=national.variant_names, broken=frozenset(broken),
                          glossary=national.glossary, config=national.config,
                          publisher=national.publisher,
                          crosswalks=crosswalks)
    return catalogue, problems


class _Identified(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def span(self) -> Span: ...


Item = TypeVar("Item", bound=_Identified)


def _add_unique(kind: str, found: dict[str, Item], item: Item | None, item_problems: list[Diagnostic],
                problems: list[Diagnostic]) -> None:
    """Keep a loaded framework or crosswalk under its id, or report the id's second use (`duplicate-id`)."""
    problems += item_problems
    if item is None:
        return
    if item.id in found:
        problems.append(error(item.span, "duplicate-id",
                              f"duplicate {kind} id '{item.id}' (also in {found[item.id].span.path})"))
        return
    found[item.id] = item


def _add_framework(frameworks: dict[str, Framework], framework: Framework | None,
                   framework_problems: list[Diagnostic], problems: list[Diagnostic]) -> None:
    _add_unique("framework", frameworks, framework, framework_problems, problems)


def _add_crosswalk(crosswalks: dict[str, Crosswalk], crosswalk: Crosswalk | None,
                   crosswalk_problems: list[Diagnostic], problems: list[Diagnostic]) -> None:
    _add_unique("crosswalk", crosswalks, crosswalk, crosswalk_problems, problems)


def _add_module(modules: dict[str, Module], broken: set[str], module: Module | None, mid: str | None,
                module_problems: list[Diagnostic], problems: list[Diagnostic]) -> None:
    problems += module_problems
    if module is None:
        if mid:
            broken.add(mid)
        return
    if module.id in modules:
        problems.append(error(module.span, "duplicate-id",
                              f"duplicate module id '{module.id}' (also in {modules[module.id].span})"))
        return
    modules[module.id] = module


def _fill_slots(root: Path, variant: Variant, modules: dict[str, Module], problems: list[Diagnostic],
                abbr: dict[str, str]) -> None:
    """Replace (or append to) named slots of national modules with the variant's Markdown."""
    fills: dict[str, list[tuple[Slot, SlotFill, str]]] = {}
    for fill in variant.slots:
        module = modules.get(fill.module)
        if module is None:
            problems.append(error(fill.span, "unknown-module", f"slot fill names unknown module '{fill.module}'",
                                  did_you_mean(fill.module, modules)))
            continue
        slot = next((s for s in module.slots if s.name == fill.slot), None)
        if slot is None:
            known = ", ".join(s.name for s in module.slots) or "none"
            problems.append(error(fill.span, "unknown-slot",
                                  f"module '{fill.module}' has no slot '{fill.slot}' (its slots: {known})"))
            continue
        file = root / fill.file
        if not file.resolve().is_relative_to(root.resolve()):
            problems.append(error(fill.span, "path-outside", f"slot file '{fill.file}' is outside the project"))
            continue
        if not file.is_file():
            problems.append(error(fill.span, "missing-file", f"slot file '{fill.file}' does not exist"))
            continue
        text, read_problems = read_text(file, fill.file)
        problems += read_problems
        if text is not None:
            fills.setdefault(module.id, []).append((slot, fill, text))
    for mid, items in fills.items():
        module = modules[mid]
        lines = module.body.split("\n")
        origin = [(module.path, module.body_line + 1 + i) for i in range(len(lines))]  # each line's file and line
        references = [r for r in module.references if not _in_slots(module, r.span.line, [s for s, _, _ in items])]
        # The fills' sentences are read from their own files, and checked for length there; the national
        # sentences stay, for the module's reading age (readability.reading_level reads only those).
        sentences = list(module.prose.sentences if module.prose else ())
        # Bottom-up, so the earlier slots' line numbers stay valid.
        for slot, fill, text in sorted(items, key=lambda i: -i[0].body_lines[0]):
            start, end = slot.body_lines
            new = text.rstrip("\n").split("\n")
            filled = [(fill.file, j + 1) for j in range(len(new))]
            if fill.mode == "append":
                content, came_from = [*lines[start + 1:end - 1], "", *new], [*origin[start + 1:end - 1], filled[0], *filled]
            else:
                content, came_from = new, filled
            lines[start:end] = [lines[start], *content, ":::"]
            origin[start:end] = [origin[start], *came_from, origin[end - 1]]
            scan, scan_problems = scan_body(text, fill.file, 0, abbr)
            problems += list(scan_problems)
            references += scan.references
            sentences += [dataclasses.replace(t, path=fill.file) for t in (scan.prose.sentences if scan.prose else ())]
        body = "\n".join(lines)
        rescan, _ = scan_body(body, module.path, module.body_line, abbr)
        # Acronyms are first used where the module as the variant shows it first uses them, national text or
        # fill: each is located in the file that line came from.
        acronyms = [_located(use, origin, module) for use in (rescan.prose.acronyms if rescan.prose else ())]
        modules[mid] = dataclasses.replace(
            module, body=body, anchors=rescan.anchors, slots=rescan.slots, quiz=rescan.quiz, prepared=rescan.prepared if isinstance(rescan.prepared, ParsedBody) else None,
            references=tuple(references), local_slots=tuple(sorted(f.slot for _, f, _ in items)),
            prose=Prose(tuple(sentences), tuple(acronyms)),
        )


def _located(use: AcronymUse, origin: list[tuple[str, int]], module: Module) -> AcronymUse:
    """An acronym's first use in a variant's module, at the file and line it came from (`origin`: each body
    line's). Where its first use in running text is in another file than its first use at all (a heading),
    both are given as the first use in text, which is what the warnings are about."""
    def came_from(line: int) -> tuple[str, int]:
        return origin[min(max(line - module.body_line - 1, 0), len(origin) - 1)]

    path, line = came_from(use.line)
    if use.text_line:
        text_path, text_line = came_from(use.text_line)
        if text_path != path:
            path, line = text_path, text_line
    else:
        text_line = 0
    return dataclasses.replace(use, line=line, text_line=text_line, path="" if path == module.path else path)


def _in_slots(module: Module, line: int, slots: list[Slot]) -> bool:
    """Whether a line of the module's file is inside one of these slots (their lines count from the body)."""
    return any(slot.body_lines[0] <= line - module.body_line - 1 < slot.body_lines[1] for slot in slots)


def _add_to_bundles(variant: Variant, bundles: dict[str, Bundle], problems: list[Diagnostic]) -> None:
    for addition in variant.additions:
        bundle = bundles.get(addition.bundle)
        if bundle is None:
            problems.append(error(addition.span, "unknown-bundle", f"variant adds to unknown bundle '{addition.bundle}'",
                                  did_you_mean(addition.bundle, bundles)))
            continue
        sections = list(bundle.sections)
        index = next((i for i, s in enumerate(sections) if s.title == addition.section), None)
        if index is None:
            sections.append(Section(addition.section, addition.modules, addition.span, local=True))
        else:
            old = sections[index]
            sections[index] = dataclasses.replace(old, modules=old.modules + addition.modules)
        bundles[bundle.id] = dataclasses.replace(bundle, sections=tuple(sections))
    for days in variant.schedules:
        bundle = bundles.get(days.bundle)
        if bundle is not None:
            bundles[bundle.id] = dataclasses.replace(bundle, schedule=extend_schedule(bundle.schedule, days))
