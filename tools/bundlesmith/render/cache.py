"""Render each module once per build, whatever the number of bundles, variants and outputs that use it."""

from __future__ import annotations

from bundlesmith.model import Catalogue, Module
from bundlesmith.render.module_html import Recent, RenderedModule, module_paths, render_module


class RenderCache:
    """Rendered modules keyed by their source (path, body and filled slots); counts real renders. The modules
    rendered last stay unpacked (`Recent`), for the packages of the next SCORM version that render them again."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str, object], RenderedModule] = {}
        self.recent = Recent()
        self.renders = 0

    def get(self, module: Module, catalogue: Catalogue) -> RenderedModule:
        key = (module.path, module.body, module.local_slots)  # str hashes are cached: no need to digest the body
        found = self._items.get(key)
        if found is None:
            found = render_module(module, module_paths(catalogue), recent=self.recent)
            self._items[key] = found
            self.renders += 1
        return found
