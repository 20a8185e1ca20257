"""The mkdocs plugin that turns the catalogue into the learners' site, as virtual pages.

Every page (home, bundles, modules, frameworks, standards) is an mkdocs 1.6 `File.generated(...)`:
nothing is written into content/. A module page's body comes from the shared render cache (each
module is rendered to sanitised HTML once per build) and its table of contents from the headings
the cache found. The command that runs mkdocs hands the plugin what to show (SiteInputs): `bundlesmith
build` through render/site.py, `bundlesmith serve` through its preview session (preview.py), which loads
and checks the project again on every save. The plugin loads nothing itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.theme import Theme
from mkdocs.utils import get_relative_url

from bundlesmith.model import Catalogue
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.module_links import links_of
from bundlesmith.render.site_pages import Download, PageRenderer, SiteContext
from bundlesmith.render.site_plan import SitePage, navigation, plan
from bundlesmith.render.site_reuse import KeptPage

log = logging.getLogger("mkdocs.plugins.bundlesmith")

ASSETS = Path(__file__).resolve().parent / "assets" / "site"
THEME_OVERRIDES = ASSETS / "theme"  # partials that replace mkdocs-material's (see _add_theme_overrides)
SITE_ASSETS = "assets/bundlesmith"
CSS = f"{SITE_ASSETS}/bundlesmith.css"
JS = f"{SITE_ASSETS}/bundlesmith.js"
# The offline plugin adds https://unpkg.com/iframe-worker/shim unless a polyfill naming iframe-worker is
# already listed; the shim is served from the site itself so that no page asks another host for anything.
SHIM = f"{SITE_ASSETS}/iframe-worker/shim.js"


class BundlesmithConfig(Config):  # type: ignore[no-untyped-call]  # mkdocs' Config.__init_subclass__
    variant = c.Optional(c.Type(str))  # accepted for older mkdocs.yml files: `bundlesmith serve --variant` chooses


@dataclass(frozen=True)
class SiteInputs:
    """What the command that runs mkdocs hands the plugin: the checked catalogue and the render cache.

    Pages list each bundle's downloads (SCORM zips, coverage reports) through markers (SiteContext.later).
    `downloads()` gives, per bundle id ("" for the site-wide reports), the files listed there: each page's
    list is put in before mkdocs writes it (on_post_page). With `downloads=None` those pages are held back
    for the caller (render/site.finish_site): the build writes them once the packages and reports exist.
    `problems`: content errors while previewing (the last version that worked is shown, with them).
    `kept`: pages of the last build kept as they are (render/site_reuse.py), by source path: mkdocs neither
    reads nor writes them (a dirty build), and their entries go back into the search index.
    """

    catalogue: Catalogue
    cache: RenderCache
    downloads: Callable[[], dict[str, list[Download]]] | None = dict
    packages_built: bool = False
    reports_built: bool = False
    problems: tuple[str, ...] = ()
    kept: Mapping[str, KeptPage] = field(default_factory=dict)


class BundlesmithPlugin(BasePlugin[BundlesmithConfig]):  # type: ignore[no-untyped-call]  # as above
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.inputs: SiteInputs | None = None
        self.pages: dict[str, SitePage] = {}
        self.renderer: PageRenderer | None = None
        self.copies: set[str] = set()  # Markdown files the modules use, published as files, not pages
        self.listed: dict[str, list[Download]] | None = None  # inputs.downloads(), once asked for
        self.later: dict[str, str] = {}  # page (path in the site) -> its URL, for pages whose download lists come last
        self.held: dict[str, tuple[str, str]] = {}  # such pages mkdocs did not write: path -> (URL, HTML)
        self.kept: dict[str, KeptPage] = {}  # pages of the last build this one keeps, by source path
        self.dests: dict[str, str] = {}  # generated page -> its file in the site
        self.order: list[str] = []  # every page's source path, in the order mkdocs builds them
        self.entries: dict[str, int] = {}  # page rendered -> how many entries the search index has for it
        self.slices: dict[str, tuple[int, int]] = {}  # every page -> (first entry, entries) in the search index
        self.index: list[dict[str, Any]] = []  # the search index's entries, as written
        self._counted = 0

    def provide(self, inputs: SiteInputs) -> None:
        self.inputs = inputs

    # -- configuration ---------------------------------------------------------------------------
    def _inputs(self) -> SiteInputs:
        if self.inputs is None:
            raise PluginError("bundlesmith: the site is built by `bundlesmith build` and previewed with "
                              "`bundlesmith serve`, which give the plugin the checked project")
        return self.inputs

    def _renderer(self) -> PageRenderer:
        if self.renderer is None:
            raise PluginError("bundlesmith: a page was rendered before the site's files were planned")
        return self.renderer

    @event_priority(-100)  # after the offline plugin has had its say about polyfills
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        catalogue = self._inputs().catalogue
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
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        inputs = self._inputs()
        catalogue = inputs.catalogue
        context = SiteContext(catalogue, inputs.cache, config.site_name, config.site_description or "",
                              inputs.packages_built, inputs.reports_built)
        self.later, self.held, self.listed, self.entries, self.slices, self.dests = {}, {}, None, {}, {}, {}
        self.renderer = PageRenderer(context)
        self.pages = {p.src_uri: p for p in plan(catalogue, config.site_name)}
        # Pages are kept only where the search index can be given their entries back (or there is none).
        self.kept = dict(inputs.kept) if _search_entries(config) is not None or not _searches(config) else {}
        for uri in self.pages:
            existing = files.get_file_from_path(uri)
            if existing is not None:
                log.warning(f"{existing.src_uri} in {config.docs_dir} is replaced by the generated page")
                files.remove(existing)
            page = (_KeptPage if uri in self.kept else File).generated(config, uri, content="")
            if uri in self.kept and page.dest_uri != self.kept[uri].dest_uri:  # the site's URLs changed
                del self.kept[uri]
                page = File.generated(config, uri, content="")
            self.dests[uri] = page.dest_uri
            files.append(page)
        static = {
            CSS: ASSETS / "bundlesmith.css",
            JS: ASSETS / "bundlesmith.js",
            SHIM: _shim_source(catalogue.root),
            f"{SITE_ASSETS}/iframe-worker/LICENSE": ASSETS / "iframe-worker" / "LICENSE",
        }
        for module in catalogue.modules.values():  # images and files the modules use, at their project path
            for asset in links_of(catalogue, module).assets:
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

    def on_nav(self, nav: Any, config: MkDocsConfig, files: Files) -> Any:
        """A kept page is never read, so it has the title a page rendered would give itself (its
        meta title), for the navigation the other pages show."""
        import html

        for uri in self.kept:
            found = files.get_file_from_path(uri)
            spec = self.pages[uri]
            if found is not None and found.page is not None and found.page.title is None and spec.kind != "home":
                found.page.title = html.escape(spec.title)
        return nav

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        self.order = [f.src_uri for f in files.documentation_pages()]
        if env.bytecode_cache is None:  # the theme's templates are compiled once per process, not per build
            env.bytecode_cache = _TEMPLATES
        return env

    # -- pages -----------------------------------------------------------------------------------
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        spec = self.pages.get(page.file.src_uri)
        if spec is not None and spec.kind != "home":  # the home page's <title> is the site name alone
            import html

            page.meta["title"] = html.escape(spec.title)  # the theme prints titles unescaped
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
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
        renderer = self._renderer()
        renderer.context.pending = False
        rendered = renderer.render(spec, url, root)
        if renderer.context.pending:
            self.later[page.file.dest_uri] = page.file.url
        page.toc = get_toc(rendered.toc)  # type: ignore[arg-type]  # the headings, as mkdocs' toc tokens
        return _error_banner(self._inputs().problems) + rendered.html

    @event_priority(100)  # before the search plugin indexes the page
    def on_page_context(self, context: Any, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        entries = _search_entries(config)
        self._counted = len(entries) if entries is not None else 0
        return context

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        entries = _search_entries(config)
        self.entries[page.file.src_uri] = (len(entries) if entries is not None else 0) - self._counted
        # The page is complete (the search plugin indexed it at on_page_context): its HTML and source are
        # not read again, and mkdocs would keep them for every page until the build ends (a fifth of a
        # site worker's memory at 1,000 modules).
        page.content = page.markdown = None
        return self._listed(output, page)

    @event_priority(100)  # before the search plugin writes its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        """The search index in page order, as a full build makes it: each kept page's entries come back
        from the last build's index, in that page's place; every page's place is noted (self.slices)."""
        entries = _search_entries(config)
        if entries is None:
            return
        fresh, at = list(entries), 0
        ordered: list[dict[str, Any]] = []
        for uri in self.order:
            if uri in self.kept:
                mine = list(self.kept[uri].entries)
            else:
                count = self.entries.get(uri, 0)
                mine, at = fresh[at:at + count], at + count
            self.slices[uri] = (len(ordered), len(mine))
            ordered += mine
        entries[:] = ordered
        self.index = ordered

    def _listed(self, output: str, page: Page) -> str:
        """A page's download lists, put in before the page is written: now, when the caller gave them, else
        the page is held back (mkdocs writes no empty page) for the caller to write once its packages and
        reports exist (render/site.finish_site). No page is written twice."""
        if page.file.dest_uri not in self.later:
            return output
        url = self.later.pop(page.file.dest_uri)
        downloads = self._inputs().downloads
        if downloads is None:
            self.held[page.file.dest_uri] = (url, output)
            return ""
        if self.listed is None:
            self.listed = downloads()
        return self._renderer().fill_later(output, self.listed, lambda uri: get_relative_url(uri, url))


class _CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates compiled, kept in memory for the next site this process builds (each build has
    a Jinja environment of its own). A template is looked up by its name and its source's checksum."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _CompiledTemplates()


class _KeptPage(File):
    """A page the last build wrote from the same inputs: mkdocs neither reads nor writes it (see SiteInputs)."""

    def is_modified(self) -> bool:
        return False


def _search_entries(config: MkDocsConfig) -> list[dict[str, Any]] | None:
    """The entries of the site's search index as mkdocs-material's search plugin collects them, if it runs."""
    for plugin in config.plugins.values():
        entries = getattr(getattr(plugin, "search_index", None), "entries", None)
        if isinstance(entries, list):
            return entries
    return None


def _searches(config: MkDocsConfig) -> bool:
    """Whether a search plugin runs (one whose index the site cannot give kept pages' entries back to)."""
    return any(name.rpartition("/")[2] == "search" for name in config.plugins)


class _PublishedFile(File):
    """A Markdown file a module links to, published as it is: a file to copy, not a page to render."""

    def is_documentation_page(self) -> bool:
        return False


def _add_theme_overrides(theme: Theme) -> None:
    """Put bundlesmith's theme partials (assets/site/theme/) before mkdocs-material's own, after the project's
    custom_dir: the theme's navigation made keyboard- and screen-reader-friendly without touching its output."""
    if theme.name != "material" or str(THEME_OVERRIDES) in theme.dirs:
        return
    material = next((i for i, d in enumerate(theme.dirs) if Path(d).name == "templates"
                     and Path(d).parent.name == "material"), len(theme.dirs))
    theme.dirs.insert(material, str(THEME_OVERRIDES))


def _error_banner(problems: tuple[str, ...]) -> str:
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
