"""`bundlesmith serve`: one preview session that loads and checks the project again on every save and
feeds the site renderer's mkdocs plugin what to show.

The session keeps what lasts between rebuilds: the rendered modules (a module that did not change is not
rendered again) and the last catalogue that had no errors (a save that breaks the content keeps showing
it, with the errors on every page). mkdocs' live-reload server serves the pages from a temporary folder
and calls the session's builder after each save under content/, bundles/, the site pages or mkdocs.yml.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bundlesmith import pipeline
from bundlesmith.diagnostics import Severity
from bundlesmith.model import Catalogue
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.site import attach_plugin, site_config
from bundlesmith.site_plugin import SiteInputs

log = logging.getLogger("mkdocs.plugins.bundlesmith")


class PreviewSession:
    """One `bundlesmith serve`: the project at `root`, national or with one variant."""

    def __init__(self, root: Path, variant: str | None) -> None:
        self.root, self.variant = root, variant
        self.cache = RenderCache()
        self.last_good: Catalogue | None = None

    def inputs(self) -> SiteInputs:
        """The project checked afresh: what the plugin shows now (the errors printed, and on every page
        while the last catalogue that worked is shown)."""
        from mkdocs.exceptions import PluginError

        checked = pipeline.check(self.root, self.variant)
        for d in checked.diagnostics:
            (log.error if d.severity is Severity.ERROR else log.info)(d.format())
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
        host, _, port = dev_addr.rpartition(":")
        watched: set[str] = {str(self.root / d) for d in ("content", "bundles") if (self.root / d).is_dir()}
        mount = "/"

        def builder() -> None:
            nonlocal mount
            log.info("Building the site...")
            with site_config(self.root, site_dir=site_dir, dev_addr=dev_addr) as config:
                mount = urlsplit(config.site_url or "/").path or "/"
                config.site_url = f"http://{host}:{port}{mount}"
                attach_plugin(config).provide(self.inputs())
                if config.config_file_path:
                    watched.add(config.config_file_path)
                if Path(config.docs_dir).is_relative_to(self.root):
                    watched.add(config.docs_dir)
                config.plugins.on_startup(command="serve", dirty=False)
                try:
                    build(config, serve_url=config.site_url, dirty=False)
                finally:
                    config.plugins.on_shutdown()

        try:
            builder()
            server = LiveReloadServer(builder=builder, host=host, port=int(port), root=site_dir, mount_path=mount)
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
