"""The mkdocs plugin that turns the catalogue into the learners' site, as virtual pages.

Every page (home, bundles, modules, frameworks, standards) is an mkdocs 1.6 `File.generated(...)`:
nothing is written into content/. A module page's body comes from the shared render cache (each
module is rendered to sanitised HTML once per build) and its table of contents from the headings
the cache found. `bundlesmith build` hands the plugin its catalogue (render/site.py); under
`mkdocs serve` / `bundlesmith serve` the plugin loads and checks the project itself on every rebuild.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from bundlesmith.render.cache import RenderCache
from bundlesmith.render.site_pages import Download, PageRenderer, SiteContext
from bundlesmith.render.site_plan import SitePage, navigation, plan

log = logging.getLogger("mkdocs.plugins.bundlesmith")

ASSETS = Path(__file__).resolve().parent / "assets" / "site"
THEME_OVERRIDES = ASSETS / "theme"  # partials that replace mkdocs-material's (see _add_theme_overrides)
SITE_ASSETS = "assets/bundlesmith"
CSS = f"{SITE_ASSETS}/bundlesmith.css"
JS = f"{SITE_ASSETS}/bundlesmith.js"
# The offline plugin adds https://unpkg.com/iframe-worker/shim unless a polyfill naming iframe-worker is
# already listed; the shim is served from the site itself so that no page asks another host for anything.
SHIM = f"{SITE_ASSETS}/iframe-worker/shim.js"
ENV_ROOT = "BUNDLESMITH_ROOT"
ENV_VARIANT = "BUNDLESMITH_VARIANT"

# Under serve, modules that did not change are not rendered again between rebuilds, and a save that
# breaks the content keeps showing the last catalogue that worked (with the errors on every page).
_SERVE_CACHE = RenderCache()
_LAST_GOOD: dict[tuple[str, str | None], object] = {}


class BundlesmithConfig(Config):
    variant = c.Optional(c.Type(str))  # a local variant to apply (bundlesmith build/serve pass it)


class SiteInputs:
    """What `bundlesmith build` hands the plugin instead of letting it load the project.

    Pages list each bundle's downloads (SCORM zips, coverage reports) through markers (SiteContext.later).
    `downloads()` gives, per bundle id ("" for the site-wide reports), the files listed there: each page's
    list is put in before mkdocs writes it (on_post_page). With `downloads=None` the markers stay for the
    caller (render/site.finish_site): the build lists them once the packages and reports exist.
    """

    def __init__(self, catalogue, cache, downloads: Callable[[], dict[str, list[Download]]] | None = dict,
                 packages_built: bool = False, reports_built: bool = False):
        self.catalogue, self.cache, self.downloads = catalogue, cache, downloads
        self.packages_built, self.reports_built = packages_built, reports_built


class BundlesmithPlugin(BasePlugin[BundlesmithConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.inputs: SiteInputs | None = None
        self.pages: dict[str, SitePage] = {}
        self.renderer: PageRenderer | None = None
        self.copies: set[str] = set()  # Markdown files the modules use, published as files, not pages
        self.listed: dict[str, list[Download]] | None = None  # inputs.downloads(), once asked for
        self.later: dict[str, str] = {}  # page (path in the site) -> its URL, for pages whose download lists come last
        self.held: dict[str, tuple[str, str]] = {}  # such pages mkdocs did not write: path -> (URL, HTML)
        self.problems: list[str] = []  # content errors while serving, shown on every page

    def provide(self, inputs: SiteInputs) -> None:
        self.inputs = inputs

    # -- configuration ---------------------------------------------------------------------------
    def _root(self, config) -> Path:
        if self.inputs is not None:
            return self.inputs.catalogue.root
        if os.environ.get(ENV_ROOT):
            return Path(os.environ[ENV_ROOT]).resolve()
        return Path(config.config_file_path).resolve().parent

    def _load(self, config) -> SiteInputs:
        if self.inputs is not None:
            return self.inputs
        from bundlesmith import pipeline
        from bundlesmith.diagnostics import Severity

        variant = self.config.variant or os.environ.get(ENV_VARIANT) or None
        root = self._root(config)
        checked = pipeline.check(root, variant)
        for d in checked.diagnostics:
            (log.error if d.severity is Severity.ERROR else log.info)(d.format())
        key = (str(root), variant)
        if checked.ok:
            _LAST_GOOD[key] = checked.catalogue
            return SiteInputs(checked.catalogue, _SERVE_CACHE)
        if key not in _LAST_GOOD:
            raise PluginError("bundlesmith: the content has errors (listed above); fix them and run again")
        self.problems = [d.format() for d in checked.diagnostics if d.severity is Severity.ERROR]
        log.error("bundlesmith: showing the last version that worked until the errors above are fixed")
        return SiteInputs(_LAST_GOOD[key], _SERVE_CACHE)

    @event_priority(-100)  # after the offline plugin has had its say about polyfills
    def on_config(self, config):
        self.inputs = self._load(config)
        catalogue = self.inputs.catalogue
        if catalogue.variant is not None:  # the theme prints the site name unescaped
            import html

            config.site_name = f"{config.site_name}: {html.escape(catalogue.variant.title)}"
        polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in str(p)]
        if any(str(p).startswith(("http:", "https:", "//")) for p in polyfills):
            log.warning("extra.polyfills loads a script from another host; the site should work offline")
        config.extra["polyfills"] = [*polyfills, SHIM]
        if config.theme.get("font") is not False:
            log.warning("theme.font is set: pages will ask Google Fonts for the font (set 'font: false')")
        config.extra_css.append(CSS)
        config.extra_javascript.append(JS)
        from bundlesmith.render.site_markdown import DecorativeImages

        config.markdown_extensions.append(DecorativeImages())  # site-pages/: decorative images get alt=""
        _add_theme_overrides(config.theme)
        return config

    # -- files and navigation --------------------------------------------------------------------
    def on_files(self, files: Files, config) -> Files:
        inputs = self.inputs
        catalogue = inputs.catalogue
        context = SiteContext(catalogue, inputs.cache, config.site_name, config.site_description or "",
                              inputs.packages_built, inputs.reports_built)
        self.later, self.held, self.listed = {}, {}, None
        self.renderer = PageRenderer(context)
        self.pages = {p.src_uri: p for p in plan(catalogue, config.site_name)}
        for uri in self.pages:
            existing = files.get_file_from_path(uri)
            if existing is not None:
                log.warning(f"{existing.src_uri} in {config.docs_dir} is replaced by the generated page")
                files.remove(existing)
            files.append(File.generated(config, uri, content=""))
        static = {
            CSS: ASSETS / "bundlesmith.css",
            JS: ASSETS / "bundlesmith.js",
            SHIM: _shim_source(self._root(config)),
            f"{SITE_ASSETS}/iframe-worker/LICENSE": ASSETS / "iframe-worker" / "LICENSE",
        }
        for module in catalogue.modules.values():  # images and files the modules use, at their project path
            for asset in inputs.cache.get(module, catalogue).assets:
                source = catalogue.root / asset
                if source.is_file():
                    static[asset] = source
        # Markdown files would become pages: mkdocs copies them as they are (see _PublishedFile).
        self.copies = {uri for uri in static if uri.endswith(".md")}
        for uri, source in static.items():
            if uri in self.copies:
                existing = files.get_file_from_path(uri)
                if existing is not None:
                    files.remove(existing)
                files.append(_PublishedFile.generated(config, uri, abs_src_path=str(source)))
            elif files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(source)))
        if config.nav is None:
            own = [f.src_uri for f in files.documentation_pages() if f.src_uri not in self.pages]
            config.nav = navigation(catalogue, sorted(own))
        return files

    # -- pages -----------------------------------------------------------------------------------
    def on_page_markdown(self, markdown, page, config, files):
        spec = self.pages.get(page.file.src_uri)
        if spec is not None and spec.kind != "home":  # the home page's <title> is the site name alone
            import html

            page.meta["title"] = html.escape(spec.title)  # the theme prints titles unescaped
        return markdown

    def on_page_content(self, html, page, config, files):
        spec = self.pages.get(page.file.src_uri)
        if spec is None:
            return html

        def url(uri: str) -> str:
            if uri in self.copies:
                return get_relative_url(uri, page.file.url)
            target = files.get_file_from_path(uri)
            if target is None:
                raise PluginError(f"bundlesmith: page {page.file.src_uri} links to missing {uri}")
            return get_relative_url(target.url, page.file.url)

        root = get_relative_url(".", page.file.url)
        root = "" if root in (".", "./") else root.rstrip("/") + "/"
        self.renderer.context.pending = False
        rendered = self.renderer.render(spec, url, root)
        if self.renderer.context.pending:
            self.later[page.file.dest_uri] = page.file.url
        page.toc = get_toc(rendered.toc)
        return _error_banner(self.problems) + rendered.html

    def on_post_page(self, output, page, config):
        """A page's download lists, put in before the page is written: now, when the caller gave them, else
        the page is held back (mkdocs writes no empty page) for the caller to write once its packages and
        reports exist (render/site.finish_site). No page is written twice."""
        if page.file.dest_uri not in self.later:
            return output
        url = self.later.pop(page.file.dest_uri)
        if self.inputs.downloads is None:
            self.held[page.file.dest_uri] = (url, output)
            return ""
        if self.listed is None:
            self.listed = self.inputs.downloads()
        return self.renderer.fill_later(output, self.listed, lambda uri: get_relative_url(uri, url))

    def on_serve(self, server, config, builder):
        root = self._root(config)
        for folder in ("content", "bundles"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server


class _PublishedFile(File):
    """A Markdown file a module links to, published as it is: a file to copy, not a page to render."""

    def is_documentation_page(self) -> bool:
        return False


def _add_theme_overrides(theme) -> None:
    """Put bundlesmith's theme partials (assets/site/theme/) before mkdocs-material's own, after the project's
    custom_dir: the theme's navigation made keyboard- and screen-reader-friendly without touching its output."""
    if theme.name != "material" or str(THEME_OVERRIDES) in theme.dirs:
        return
    material = next((i for i, d in enumerate(theme.dirs) if Path(d).name == "templates"
                     and Path(d).parent.name == "material"), len(theme.dirs))
    theme.dirs.insert(material, str(THEME_OVERRIDES))


def _error_banner(problems: list[str]) -> str:
    if not problems:
        return ""
    import html

    items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return ('<div class="admonition failure bs-errors" role="alert"><p class="admonition-title">The content has errors</p>'
            f"<p>This preview shows the last version that worked. Fix these and save again:</p><ul>{items}</ul></div>")


def _shim_source(root: Path) -> Path:
    """iframe-worker's shim from node_modules when the project has it, else the copy bundlesmith ships."""
    installed = root / "node_modules" / "iframe-worker" / "shim" / "index.js"
    return installed if installed.is_file() else ASSETS / "iframe-worker" / "shim.js"
