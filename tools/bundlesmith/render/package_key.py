"""A package's reuse key: a hash of everything its bytes depend on, worked out by the plan without planning,
rendering or importing the packaging renderer (render/scorm.py), and the sources a package is built from,
which its provenance record lists (the same function for both).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import NamedTuple

from bundlesmith.model import Bundle, Catalogue, Module
from bundlesmith.render.module_links import links_of


class Target(NamedTuple):
    """One package to build: a bundle, as a catalogue (national or with a variant) has it, in one SCORM version."""

    catalogue: Catalogue
    bundle: Bundle
    scorm_version: str


def package_key(target: Target, tool: str, known: dict[str, str | None]) -> str:
    """A hash of everything the package's bytes depend on: when it is unchanged, so is the package.

    Worked out without planning or rendering. `tool` stands for bundlesmith's code, templates and runtime;
    the package's own sources are hashed file by file (`known` remembers file hashes across packages),
    with every file its modules link to or show. A module outside the package shows on its pages only as
    the words of a link to it (render/url_policy.py), so other modules count only where the package's
    modules link to them (their id, path, title and version, to be safe): a module added, removed or
    retitled elsewhere leaves the package as it is.
    """
    catalogue, bundle = target.catalogue, target.bundle
    modules = [catalogue.modules[mid] for mid in dict.fromkeys(bundle.module_ids) if mid in catalogue.modules]
    links = [_links(catalogue, module) for module in modules]
    assets = [a for found in links for a in found[0]]
    linked = sorted({mid for found in links for mid in found[1]} - {m.id for m in modules})
    named = [(mid, m.path, m.title, m.version) for mid in linked if (m := catalogue.modules.get(mid)) is not None]
    payload = {"tool": tool, "linked": named, "bundle": bundle.id,
               "variant": catalogue.variant.id if catalogue.variant else None, "scorm_version": target.scorm_version,
               "inputs": package_inputs(catalogue, bundle, modules, assets, known)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _links(catalogue: Catalogue, module: Module) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The files a module's page uses and the modules it links to (resolved once per module of a catalogue:
    a module is in several bundles, each in two SCORM versions)."""
    found = links_of(catalogue, module)
    return found.assets, found.modules


def package_inputs(catalogue: Catalogue, bundle: Bundle, modules: Iterable[Module], assets: Iterable[str],
            known: dict[str, str | None] | None = None) -> dict[str, str]:
    """sha256 of every source the package is built from (bundle, frameworks, modules as filled, the files
    they use, variant)."""
    root = catalogue.root
    out: dict[str, str] = {}

    def add(path: str, data: bytes | None = None) -> None:
        if data is None:
            if known is not None and path in known:
                hashed = known[path]
                if hashed is not None:
                    out[path] = hashed
                return
            source = root / path
            if not source.is_file():
                if known is not None:
                    known[path] = None
                return
            data = source.read_bytes()
            if known is not None:
                known[path] = hashlib.sha256(data).hexdigest()
        out[path] = hashlib.sha256(data).hexdigest()

    add(bundle.path)
    if catalogue.glossary.path:  # the <abbr> titles of every page
        add(catalogue.glossary.path)
    for framework in catalogue.frameworks.values():
        add(framework.span.path)
    for module in modules:
        add(module.path)
        if module.local_slots:  # the body as the variant filled it
            add(f"{module.path}#{catalogue.variant.id if catalogue.variant else 'local'}", module.body.encode())
    for asset in assets:
        add(asset)
    if catalogue.variant is not None:
        add(catalogue.variant.path)
    return out
