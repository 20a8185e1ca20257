"""Render each module once per build, whatever the number of bundles, variants and outputs that use it."""

from __future__ import annotations

import hashlib

from bundlesmith.model import Catalogue, Module
from bundlesmith.render.module_html import RenderedModule, render_module


class RenderCache:
    """Rendered modules keyed by their source (path, body and filled slots); counts real renders."""

    def __init__(self) -> None:
        self._items: dict[tuple, RenderedModule] = {}
        self.renders = 0

    def get(self, module: Module, catalogue: Catalogue) -> RenderedModule:
        key = (module.path, hashlib.sha256(module.body.encode()).hexdigest(), module.local_slots)
        found = self._items.get(key)
        if found is None:
            paths = {m.path: m.id for m in catalogue.modules.values()}
            found = render_module(module, paths)
            self._items[key] = found
            self.renders += 1
        return found
