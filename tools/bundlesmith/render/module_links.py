"""What each link and image of a module points at, resolved once: another module, a project file, or an
address left as written. Every output reads the same resolution (render/url_policy.py says what each
kind becomes in that output) and the reports' provenance lists the same files.
"""

from __future__ import annotations

import os.path
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote, urlsplit

from bundlesmith.file_types import place_refusal
from bundlesmith.model import Catalogue, MemoKey, Module

Kind = Literal["module", "asset", "address", "refused"]


@dataclass(frozen=True, slots=True)
class Target:
    """Where one link or image leads: a module (its id), a file (its path from the project root), an
    address as written (`https:`, `mailto:`, `#part`), or nowhere (a path outside the project or a hidden
    file: `check` refuses it)."""

    kind: Kind
    value: str
    fragment: str = ""  # the part after '#' of a link to a module or a file


@dataclass(frozen=True, slots=True)
class ModuleLinks:
    """A module's links and images by what its Markdown wrote (the token's href or src)."""

    targets: dict[str, Target]
    assets: tuple[str, ...]  # project files its page uses, in the order they first appear
    modules: tuple[str, ...]  # the modules it links to
    base: str = ""  # the module's folder
    paths: dict[str, str] = field(default_factory=dict)  # as from module_paths()

    def target(self, url: str) -> Target:
        """Where a URL of the module's body leads (one its load did not list is resolved the same way)."""
        found = self.targets.get(url)
        return found if found is not None else resolve(url, self.base, self.paths)


def resolve(url: str, base: str, paths: dict[str, str]) -> Target:
    """One link or image of a module in folder `base`; `paths` as from module_paths()."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return Target("address", url)
    target = project_path(base, parts.path)
    if target in paths:
        return Target("module", paths[target], parts.fragment)
    if target.startswith("..") or os.path.isabs(target) or place_refusal(target) is not None:
        return Target("refused", target)  # never point outside content/ or at a hidden file
    return Target("asset", target, parts.fragment)


def project_path(base: str, path: str) -> str:
    """Where a relative path (as written, %-escaped) in a file of folder `base` leads, as a project path
    (it may start with '..': outside the project)."""
    return os.path.normpath(os.path.join(base, unquote(path))).replace(os.sep, "/")


def module_links(module: Module, paths: dict[str, str]) -> ModuleLinks:
    """Every link and image the module's load found, resolved."""
    base = os.path.dirname(module.path)
    targets = {r.target: resolve(r.target, base, paths) for r in module.references}
    found = [targets[r.target] for r in module.references]
    return ModuleLinks(targets, tuple(dict.fromkeys(t.value for t in found if t.kind == "asset")),
                       tuple(dict.fromkeys(t.value for t in found if t.kind == "module")), base, paths)


def referenced_assets(module: Module, paths: dict[str, str]) -> tuple[str, ...]:
    """The project files a module's page uses (images, downloads)."""
    return module_links(module, paths).assets


def links_of(catalogue: Catalogue, module: Module) -> ModuleLinks:
    """module_links() of one of the catalogue's modules, resolved once for every output that asks."""
    return catalogue.memo_of(_LINKS, module, lambda: module_links(module, module_paths(catalogue)))


def module_paths(catalogue: Catalogue) -> dict[str, str]:
    """Project-relative module file path -> module id: what a relative link to a module resolves against
    (worked out once per catalogue)."""
    return catalogue.memo(_PATHS, lambda: {m.path: m.id for m in catalogue.modules.values()})


_PATHS: MemoKey[dict[str, str]] = MemoKey("module paths")
_LINKS: MemoKey[dict[str, ModuleLinks]] = MemoKey("module links")
