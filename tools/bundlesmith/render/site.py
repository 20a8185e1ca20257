"""The learners' site: mkdocs-material with the bundlesmith plugin, built programmatically into out_dir.

`mkdocs.yml` at the project root is the configuration users edit (theme, palette, logo, extra
plugins); a project without one gets the default that bundlesmith ships. A site keeps the last build's
pages whose inputs are unchanged (render/site_reuse.py): mkdocs builds it with those pages left out (a
dirty build) and the search index gets their entries back, so the site is the one a full build makes.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bundlesmith.model import Catalogue
from bundlesmith.output_files import Existing, Tree
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.packages import PackageRecord
from bundlesmith.render.site_error import SiteBuildError
from bundlesmith.render.site_pages import Download
from bundlesmith.render.site_reuse import INDEX, KeptPage, SiteReuse, recorded_site
from bundlesmith.signing import file_sha256, regular_file_bytes

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from bundlesmith.site_plugin import BundlesmithPlugin

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "assets" / "site" / "mkdocs.default.yml"
REPORT_LABELS = {"coverage.html": "Coverage report (web page)", "coverage.xlsx": "Coverage report (spreadsheet)",
                 "coverage.csv": "Coverage report (CSV)", "coverage.json": "Coverage data (JSON)",
                 "coverage.md": "Coverage report (Markdown)"}
REPORT_SITE_LABELS = {"index.html": "All coverage reports", "framework.html": "Framework coverage across bundles (web page)",
                      "framework.xlsx": "Framework coverage (spreadsheet)", "framework.csv": "Framework coverage (CSV)",
                      "framework.json": "Framework coverage data (JSON)", "framework.md": "Framework coverage (Markdown)"}
SCORM_LABELS = {"1.2": "SCORM 1.2 package", "2004": "SCORM 2004 (4th edition) package"}


FORMAT_WORDS = {"html": "web page", "xlsx": "spreadsheet", "csv": "CSV", "json": "JSON"}


def _report_label(name: str) -> str:
    """A bundle's report file as its download list names it (prior-learning maps are `rpl-<crosswalk>.*`)."""
    if name.startswith("rpl-"):
        stem, _, ext = name.rpartition(".")
        return f"Prior-learning map for holders of {stem[4:]} ({FORMAT_WORDS.get(ext, ext)})"
    return REPORT_LABELS.get(name, f"Coverage data ({name})")


class SiteWarnings(logging.Handler):
    """Collects what mkdocs warns about during a build, so callers and tests can see it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def config_file(root: Path) -> Path:
    own = root / "mkdocs.yml"
    return own if own.is_file() else DEFAULT_CONFIG


@contextmanager
def _docs_dir_override(path: Path) -> Iterator[dict[str, Any]]:
    """{'docs_dir': an empty folder} when the config's own docs_dir is absent (or it is the default config)."""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    with open(path, encoding="utf-8") as handle:  # mkdocs' own loader (yaml_load), by its public module
        raw = yaml.load(handle, Loader=get_yaml_loader()) or {}
    with tempfile.TemporaryDirectory(prefix="bundlesmith-pages-") as empty:
        docs = path.parent / str(raw.get("docs_dir", "docs"))
        yield {"docs_dir": empty} if path == DEFAULT_CONFIG or not docs.is_dir() else {}


@contextmanager
def site_config(root: Path, **overrides: str) -> Iterator[MkDocsConfig]:
    """The project's mkdocs config (or the default), with a stand-in docs_dir when its folder is absent."""
    from mkdocs.config import load_config

    path = config_file(root)
    with _docs_dir_override(path) as docs:
        yield load_config(config_file=str(path), **{**docs, **overrides})


def prepare() -> None:
    """Import what building a site needs (before processes that build sites are forked)."""
    import mkdocs.commands.build  # noqa: F401

    import bundlesmith.site_plugin  # noqa: F401


@dataclass
class BuiltSite:
    """A site whose pages are written; `kept_files` gives the pages it kept, `finish_site` its downloads."""

    out_dir: Path
    warnings: list[str]  # what mkdocs warned about (empty when clean)
    held: dict[str, tuple[str, str]]  # pages that list downloads, not written yet: path in the site -> (URL, HTML)
    kept: dict[str, KeptPage] = field(default_factory=dict)  # the last build's pages it keeps, until linked in
    record: dict[str, Any] = field(default_factory=dict)  # what the build state records of it (site_reuse)


class _NotDirty(logging.Filter):
    """mkdocs' warning about a dirty build, which is about its --dirty option: here only pages whose
    inputs are unchanged are left out, and the search index gets their entries back."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build is being performed")


@contextmanager
def keeping_pages() -> Iterator[None]:
    """While a site is built with the pages it keeps left out: without mkdocs' warning about --dirty."""
    quiet, logger = _NotDirty(), logging.getLogger("mkdocs.commands.build")
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def build_site(catalogue: Catalogue, cache: RenderCache, out_dir: Path, options: object, reports_dir: Path | None = None,
               packages: Callable[[], list[PackageRecord]] | None = list, scorm_dir: Path | None = None,
               reuse: SiteReuse | None = None) -> BuiltSite:
    """Build the site for one catalogue into out_dir.

    With `scorm_dir` and `reports_dir`, each bundle's page offers its SCORM packages and coverage reports:
    `packages()` gives the package records once mkdocs has rendered every page (so packaging and reports
    can run meanwhile), and the lists go into the pages before they are written. With `packages=None` the
    pages that list downloads are held back, not written (BuiltSite.held), and finish_site() gives them,
    complete, with the files they list: the build writes them once the packages and reports exist.
    With `reuse`, the pages it keeps are left out of the build (finish_site links them in) and the site is
    recorded for the next build (BuiltSite.record).
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException, PluginError

    from bundlesmith.site_plugin import SiteInputs

    def downloads() -> dict[str, list[Download]]:
        return _downloads(catalogue, list(packages()) if packages is not None else [], scorm_dir, reports_dir)

    handler = SiteWarnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    reuse = reuse.verified() if reuse is not None else SiteReuse()  # its kept pages' files, checked here
    try:
        with site_config(catalogue.root, site_dir=str(out_dir)) as config, keeping_pages():  # mkdocs.yml is checked here
            plugin = attach_plugin(config)
            plugin.provide(SiteInputs(catalogue, cache, downloads if packages is not None else None,
                                      packages_built=scorm_dir is not None, reports_built=reports_dir is not None,
                                      kept=reuse.kept))
            dirty = bool(reuse.kept)  # pages left out: only those the last build made from the same inputs
            # The plugins are told of a normal build: the site is complete. (In a --dirty build, mkdocs-material's
            # search plugin, which mkdocs keeps from one build to the next in a process, would merge the
            # index of the last site it built into this one's.)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config, dirty=dirty)
            finally:
                config.plugins.on_shutdown()
    except (MkDocsException, PluginError) as exc:  # a bad mkdocs.yml, or a plugin or theme that failed
        problems = "; ".join(handler.messages) or str(exc)
        raise SiteBuildError(f"the site did not build: {problems}", config_file(catalogue.root)) from None
    finally:
        logger.removeHandler(handler)
    site = BuiltSite(Path(out_dir), handler.messages, dict(plugin.held), dict(plugin.kept))
    for uri, page in list(site.kept.items()):  # a kept page that lists downloads gets this build's lists
        if page.url is not None:
            site.held[page.dest_uri] = (page.url, _held_copy(page))
            del site.kept[uri]
    site.record = _record(site, plugin.dests, plugin.slices, reuse)
    return site


def _held_copy(page: KeptPage) -> str:
    """The last build's copy of a page that lists downloads, as rendered before its lists went in."""
    data = regular_file_bytes(page.source)
    if data is None or hashlib.sha256(data).hexdigest() != page.sha256:
        raise SiteBuildError(f"the site did not build: {page.source} changed during the build")
    return data.decode("utf-8")


def _record(site: BuiltSite, pages: dict[str, str], slices: dict[str, tuple[int, int]], reuse: SiteReuse) -> dict[str, Any]:
    """Each page the next build may keep: generated, with a key (a page that lists downloads by its copy
    without them, see held_copies)."""
    found: dict[str, tuple[str, str, str, int, int]] = {}
    held: dict[str, str] = {}
    for uri, dest in pages.items():
        key, kept = reuse.keys.get(uri), site.kept.get(uri)
        if dest in site.held:
            url, text = site.held[dest]
            sha256: str | None = hashlib.sha256(_page_bytes(text)).hexdigest()
            held[uri] = url
        else:
            sha256 = kept.sha256 if kept is not None else file_sha256(site.out_dir / dest)
        if key is not None and uri in slices and sha256 is not None:
            found[uri] = (key, dest, sha256, *slices[uri])
    return recorded_site(found, file_sha256(site.out_dir / INDEX), held)


def _page_bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="xmlcharrefreplace")  # as mkdocs writes pages


def held_copies(built: BuiltSite) -> Tree:
    """The site's pages that list downloads, as rendered before their lists went in (relative to the
    site's held_folder): what the next build fills again when it keeps them."""
    return {path: _page_bytes(text) for path, (_, text) in built.held.items()}


def kept_files(built: BuiltSite) -> Tree:
    """The pages a site kept from the last build, to link into it (the site task does, beside the build);
    the site's record for the next build has them already, so `built` lets go of their search entries."""
    tree: Tree = {page.dest_uri: Existing(page.source) for page in built.kept.values()}
    built.kept = {}
    return tree


def finish_site(built: BuiltSite, catalogue: Catalogue, packages: list[PackageRecord], scorm_dir: Path | None,
                reports_dir: Path | None) -> Tree:
    """The files that finish a view's site (relative to it): its SCORM packages and reports, and the pages
    build_site held back, with their download lists in (written once, complete)."""
    from bundlesmith.render.site_pages import fill_later

    downloads = _downloads(catalogue, packages, scorm_dir, reports_dir)
    tree: Tree = {d.src_uri: Existing(d.source) for items in downloads.values() for d in items}
    for path, (page_url, text) in built.held.items():
        filled = fill_later(text, downloads, functools.partial(_relative, page_url=page_url),
                            scorm_dir is not None, reports_dir is not None)
        tree[path] = _page_bytes(filled)
    return tree


def _relative(uri: str, page_url: str) -> str:
    """A site file's URL as a page links to it."""
    from mkdocs.utils import get_relative_url

    return get_relative_url(uri, page_url)


def _downloads(catalogue: Catalogue, packages: list[PackageRecord], scorm_dir: Path | None,
               reports_dir: Path | None) -> dict[str, list[Download]]:
    """Per bundle: its SCORM zips and whatever coverage reports exist, as files to copy into the site."""
    found: dict[str, list[Download]] = {}
    for record in sorted(packages, key=lambda p: (p.bundle, p.scorm_version)):
        source = scorm_dir / record.filename if scorm_dir else None
        if record.bundle in catalogue.bundles and source is not None and source.is_file():
            found.setdefault(record.bundle, []).append(Download(
                f"downloads/{record.filename}", SCORM_LABELS.get(record.scorm_version, "SCORM package"),
                source.stat().st_size, source, f"sha256 {record.sha256[:12]}…" if record.sha256 else ""))
    if reports_dir is not None and reports_dir.is_dir():
        # The reports folder is copied as a whole to site/reports/ (its links to pages assume so), apart
        # from other views' folders (a variant's reports sit inside the national ones).
        order = list(REPORT_LABELS)
        for source in sorted(p for p in reports_dir.iterdir() if p.is_file() and not p.name.startswith(".")):
            label = REPORT_SITE_LABELS.get(source.name, f"Report file {source.name}")
            found.setdefault("", []).append(Download(f"reports/{source.name}", label, source.stat().st_size, source))
        for bundle_id in sorted(catalogue.bundles):
            folder = reports_dir / bundle_id
            if not folder.is_dir():
                continue
            names = sorted((p.name for p in folder.iterdir() if p.is_file()),
                           key=lambda n: (order.index(n) if n in order else len(order), n))
            for name in names:
                source = folder / name
                found.setdefault(bundle_id, []).append(Download(
                    f"reports/{bundle_id}/{name}", _report_label(name),
                    source.stat().st_size, source))
    return found


def attach_plugin(config: MkDocsConfig) -> BundlesmithPlugin:
    """The configuration's bundlesmith plugin, added when mkdocs.yml lost it (the site would have no pages)."""
    from bundlesmith.site_plugin import BundlesmithPlugin

    plugin = config.plugins.get("bundlesmith")
    if not isinstance(plugin, BundlesmithPlugin):
        plugin = BundlesmithPlugin()
        plugin.load_config({}, config.config_file_path)
        config.plugins["bundlesmith"] = plugin
    return plugin
