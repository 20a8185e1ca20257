"""`bundlesmith serve`: one preview session that loads and checks the project again on every save and
feeds the site renderer's mkdocs plugin what to show.

The session keeps what lasts between rebuilds: the parsed files (a load cache, in memory),
the rendered modules (a module that did not change is not rendered again), the last catalogue that had
no errors (a save that breaks the content keeps showing it, with the errors on every page), and each
page it wrote with its key (render/site_reuse.py): after a save only the pages whose inputs changed are
rendered again, and the search index gets the other pages' entries back. mkdocs' live-reload server
serves the pages from a temporary folder and calls the session's builder after each save under content/,
bundles/, the site pages or mkdocs.yml.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bundlesmith import inputs, pipeline
from bundlesmith.diagnostics import Severity
from bundlesmith.load.cache import LoadCache, open_cache
from bundlesmith.model import Catalogue, Module
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.site import attach_plugin, config_file, keeping_pages, site_config
from bundlesmith.render.site_reuse import KeptPage, page_keys, prunes_navigation
from bundlesmith.site_plugin import BundlesmithPlugin, SiteInputs

log = logging.getLogger("mkdocs.plugins.bundlesmith")


class PreviewSession:
    """One `bundlesmith serve`: the project at `root`, national or with one variant."""

    def __init__(self, root: Path, variant: str | None, cache_dir: Path | None = None) -> None:
        self.root, self.variant = root, variant
        self.cache = RenderCache()
        self.last_good: Catalogue | None = None
        self.cache_dir = cache_dir  # where the session's load cache would live (never build/); kept in memory
        self.loaded: LoadCache | None = None
        self.written: dict[str, tuple[str, str, tuple[dict[str, Any], ...]]] = {}  # page -> (key, file, entries)
        self.faces: dict[int, tuple[Module, str]] = {}
        self.said: set[str] = set()  # the warnings the last check printed

    def kept(self, site_dir: Path, shown: SiteInputs) -> tuple[SiteInputs, dict[str, str]]:
        """What to show with the pages the last rebuild wrote from the same inputs kept, and every page's key."""
        known = inputs.hash_inputs(self.root, {}, date.today())
        catalogue = shown.catalogue
        keys = page_keys(catalogue, known, {"problems": list(shown.problems)}, self.faces,
                         prunes_navigation(config_file(self.root)))
        kept = {uri: KeptPage(dest, site_dir / dest, "", entries) for uri, (key, dest, entries) in self.written.items()
                if keys.get(uri) == key and (site_dir / dest).is_file()}
        for uri, (_, dest, _) in self.written.items():  # a page gone from the site: its file goes too
            if uri not in keys:
                (site_dir / dest).unlink(missing_ok=True)
        return dataclasses.replace(shown, kept=kept), keys

    def built(self, plugin: BundlesmithPlugin, keys: dict[str, str]) -> None:
        """Note each page this rebuild wrote or kept, with its key and search entries."""
        self.written = {uri: (keys[uri], dest, tuple(plugin.index[start:start + count]))
                        for uri, dest in plugin.dests.items() if uri in keys
                        for start, count in [plugin.slices.get(uri, (0, 0))]}

    def inputs(self) -> SiteInputs:
        """The project checked afresh: what the plugin shows now (the errors printed, and on every page
        while the last catalogue that worked is shown)."""
        from mkdocs.exceptions import PluginError

        if self.loaded is None and self.cache_dir is not None:
            self.loaded = open_cache(self.cache_dir)
        checked = pipeline.check(self.root, self.variant, cache=self.loaded)
        said = {d.format() for d in checked.diagnostics}
        repeated = 0
        for d in checked.diagnostics:
            text = d.format()
            if d.severity is not Severity.ERROR and text in self.said:
                repeated += 1  # said after an earlier save: not said again on every save
                continue
            (log.error if d.severity is Severity.ERROR else log.info)(text)
        if repeated:
            log.info(f"{repeated} warning(s) as after the last save, not repeated")
        self.said = said
        if checked.ok:
            self.last_good = checked.catalogue
            return SiteInputs(checked.catalogue, self.cache)
        if self.last_good is None:
            raise PluginError("bundlesmith: the content has errors (listed above); fix them and run again")
        log.error("bundlesmith: showing the last version that worked until the errors above are fixed")
        errors = tuple(d.format() for d in checked.diagnostics if d.severity is Severity.ERROR)
        return SiteInputs(self.last_good, self.cache, problems=errors)

    def serve(self, dev_addr: str, open_in_browser: bool = False) -> None:
        """Build the site, serve it at `dev_addr` (IP:PORT) and rebuild it after every save until Ctrl-C."""
        from mkdocs.commands.build import build
        from mkdocs.livereload import LiveReloadServer

        site_dir = tempfile.mkdtemp(prefix="bundlesmith-serve-")
        own_cache = self.cache_dir is None
        if self.cache_dir is None:
            self.cache_dir = Path(tempfile.mkdtemp(prefix="bundlesmith-serve-cache-"))
        host, _, port = dev_addr.rpartition(":")
        watched: set[str] = {str(self.root / d) for d in ("content", "bundles") if (self.root / d).is_dir()}
        mount = "/"

        def builder() -> None:
            nonlocal mount
            log.info("Building the site...")
            with site_config(self.root, site_dir=site_dir, dev_addr=dev_addr) as config, keeping_pages():
                mount = urlsplit(config.site_url or "/").path or "/"
                config.site_url = f"http://{host}:{port}{mount}"
                plugin = attach_plugin(config)
                shown, keys = self.kept(Path(site_dir), self.inputs())
                plugin.provide(shown)
                if shown.kept:
                    log.info(f"{len(shown.kept)} page(s) unchanged since the last save, kept")
                if config.config_file_path:
                    watched.add(config.config_file_path)
                if Path(config.docs_dir).is_relative_to(self.root):
                    watched.add(config.docs_dir)
                config.plugins.on_startup(command="serve", dirty=False)  # (see render/site.build_site)
                try:
                    self.written = {}  # until this rebuild has written every page
                    build(config, serve_url=config.site_url, dirty=bool(shown.kept))
                    self.built(plugin, keys)
                finally:
                    config.plugins.on_shutdown()

        try:
            builder()
            # Saves are looked for every 0.2 s (mkdocs' default: 0.5 s), a few milliseconds' work at 1,000 modules.
            server = LiveReloadServer(builder=builder, host=host, port=int(port), root=site_dir, mount_path=mount,
                                      polling_interval=0.2)
            for path in sorted(watched):
                server.watch(path)
            try:
                server.serve(open_in_browser=open_in_browser)  # type: ignore[no-untyped-call]  # mkdocs
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
        finally:
            shutil.rmtree(site_dir, ignore_errors=True)
            if own_cache:
                shutil.rmtree(self.cache_dir, ignore_errors=True)
