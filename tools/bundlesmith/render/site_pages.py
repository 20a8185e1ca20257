"""Each page of the learners' site as HTML, from the catalogue and the shared render cache.

Text people wrote (titles, statements, contributions) is escaped by the templates; a module's body
comes from the render cache already sanitised, and is never rendered again here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from bundlesmith.coverage import heatmap
from bundlesmith.model import Bundle, Catalogue, Module
from bundlesmith.readability import module_reading_level
from bundlesmith.render import accessibility_statement, jsonld, url_policy
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.site_plan import (
    BUNDLES_INDEX,
    GLOSSARY,
    HOME,
    MODULES_INDEX,
    STANDARDS_INDEX,
    SiteIndex,
    SitePage,
    bundle_uri,
    framework_uri,
    group_uri,
    module_group,
    module_uri,
    prior_learning_uri,
    standard_uri,
)
from bundlesmith.render.url_policy import Layout

TEMPLATES = Path(__file__).resolve().parent.parent / "assets" / "site" / "templates"
LATER = re.compile(r"<!--bs-later:([a-z-]+):([^<>]*?)-->")
HEADING = re.compile(r'<h([1-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
STRENGTH_WORD = {"introduces": "Introduced", "develops": "Developed", "assesses": "Assessed"}
ROLE_WORD = {"patient-representative": "Patient representative", "lived-experience": "Person with lived experience",
             "social-care": "Social care colleague", "staff-network": "Staff network", "subject-expert": "Subject expert"}


@dataclass(frozen=True)
class Download:
    """A file copied into the site for one bundle: a SCORM package or a coverage report."""

    src_uri: str  # where it sits in the site
    label: str
    size: int
    source: Path
    detail: str = ""


@dataclass
class SiteContext:
    """Everything page rendering needs besides the page itself."""

    catalogue: Catalogue
    cache: RenderCache
    site_name: str
    site_description: str
    packages_built: bool = False
    reports_built: bool = False
    pending: bool = False  # the page being rendered holds parts filled in after the build (see later())

    def later(self, kind: str, key: str = "") -> Markup:
        """A marker for a part that lists downloads (SCORM zips, reports): they are still being written
        while the pages render, so PageRenderer.fill_later() puts the list in once they exist."""
        self.pending = True
        return Markup(f"<!--bs-later:{kind}:{html.escape(key)}-->")


@dataclass(frozen=True)
class RenderedPage:
    html: str
    toc: list[dict[str, Any]]  # mkdocs toc tokens: level, id, name, children


def minutes(value: int) -> str:
    hours, mins = divmod(int(value), 60)
    if not hours:
        return f"{mins} min"
    return f"{hours} h {mins} min" if mins else f"{hours} h"


def size(value: int) -> str:
    return f"{value / 1_048_576:.1f} MB" if value >= 1_048_576 else f"{max(1, round(value / 1024))} KB"


def anchor(code: str) -> str:
    """An id without dots (codes like D2.3.a), so that it is also a valid CSS selector."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", code)


def role(value: str) -> str:
    return ROLE_WORD.get(value, value.replace("-", " ").capitalize())


class PageRenderer:
    def __init__(self, context: SiteContext):
        self.context = context
        self.index = SiteIndex(context.catalogue)
        self.env = environment()

    def render(self, page: SitePage, url: Callable[[str], str], root: str) -> RenderedPage:
        """The page's HTML; `url(src_uri)` links from this page to another site file, `root` to the site's root."""
        c = self.context
        catalogue = c.catalogue
        uris = {"home": HOME, "bundles": BUNDLES_INDEX, "modules": MODULES_INDEX, "standards": STANDARDS_INDEX,
                "glossary": GLOSSARY}
        common: dict[str, Any] = {
            "c": c, "catalogue": catalogue, "index": self.index, "url": url, "page": page, "group": module_group,
            "uris": uris, "bundle_uri": bundle_uri, "module_uri": module_uri, "group_uri": group_uri,
            "framework_uri": framework_uri, "standard_uri": standard_uri, "prior_learning_uri": prior_learning_uri,
            "variant": catalogue.variant, "heatmap": self.heatmap}
        if page.kind == "module":
            return self._module(catalogue.modules[page.key], url, root, common)
        extra: dict[str, Any] = {}
        if page.kind in ("bundle", "prior-learning"):
            extra["bundle"] = catalogue.bundles[page.key]
        elif page.kind == "module-group":
            extra["name"] = page.key
            extra["modules"] = dict(self.index.module_groups())[page.key]
        elif page.kind == "framework":
            extra["framework"] = catalogue.frameworks[page.key]
        elif page.kind == "standard":
            extra["standard"] = catalogue.standard(page.key)
            extra["framework"] = catalogue.framework_of(page.key)
        elif page.kind == "accessibility" and catalogue.publisher is not None:  # planned only with a publisher
            extra["s"] = accessibility_statement.statement(catalogue.publisher, c.site_name)
        text = self.env.get_template(f"{page.kind}.html").render(**common, **extra)
        return RenderedPage(text, toc_tokens([(int(level), i, n) for level, i, n in HEADING.findall(text)]))

    def heatmap(self, bundle: Bundle) -> Markup:
        """The bundle's standards-by-modules heatmap (its data from the site plan), the same SVG as in its
        coverage report."""
        data = self.index.heatmap(bundle)
        return Markup(heatmap.svg(data.columns, data.rows, f"heat-{bundle.id}"))

    def fill_later(self, text: str, downloads: dict[str, list[Download]], url: Callable[[str], str]) -> str:
        """Put the download lists into a written page's markers (see SiteContext.later)."""
        return fill_later(text, downloads, url, self.context.packages_built, self.context.reports_built)

    def _module(self, module: Module, url: Callable[[str], str], root: str, common: dict[str, Any]) -> RenderedPage:
        catalogue = self.context.catalogue
        rendered = self.context.cache.get(module, catalogue)
        # Module files are copied into the site at their project path, so their prefix is the site's root.
        policy = url_policy.site(lambda mid: url(module_uri(mid)), root)
        layout = Layout(split_title=True, local_badge=catalogue.variant.title if catalogue.variant else "local")
        title_html, body = rendered.body(policy, layout)
        template = self.env.get_template("module.html")
        text = template.render(module=module, title_html=Markup(title_html), body=Markup(body),
                               reading=module_reading_level(module), **common)
        text += "\n" + jsonld.script(catalogue, module)
        # Table of contents: the body's headings as its load found them, then this page's own.
        positions = [(text.find(f'id="{h.id}"'), h.level, h.id, html.escape(h.text)) for h in rendered.headings]
        own = [(m.start(), int(m.group(1)), m.group(2), m.group(3)) for m in HEADING.finditer(text)
               if m.group(2).startswith("bs-")]
        entries = sorted({p[2]: p for p in positions + own if p[0] >= 0}.values())
        return RenderedPage(text, toc_tokens([(level, hid, name) for _, level, hid, name in entries]))


def fill_later(text: str, downloads: dict[str, list[Download]], url: Callable[[str], str], packages_built: bool,
               reports_built: bool) -> str:
    """Put the download lists into a written page's markers (see SiteContext.later). `url(src_uri)` links
    from the page to a file of the site."""
    template = _later_template()
    flags = {"packages_built": packages_built, "reports_built": reports_built}

    def fill(match: re.Match[str]) -> str:
        kind, key = match.group(1), html.unescape(match.group(2))
        return str(template.render(kind=kind, files=downloads.get(key, []), c=flags, url=url)).strip()

    return LATER.sub(fill, text)


@lru_cache(maxsize=1)
def _later_template() -> jinja2.Template:
    return environment().get_template("_later.html")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The site templates' Jinja environment: autoescaped, strict, with the site's filters (one per process:
    its templates are compiled once)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.tests["match"] = lambda value, prefix: str(value).startswith(prefix)
    env.filters.update(minutes=minutes, size=size, role=role, strength=STRENGTH_WORD.get, anchor=anchor)
    return env


def toc_tokens(headings: list[tuple[int, str, str]]) -> list[dict[str, Any]]:
    """Nest (level, id, html name) headings into mkdocs toc tokens."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for level, hid, name in headings:
        name = re.sub(r"<[^>]*>", "", name).strip()  # a link inside a heading must not nest in the TOC's link
        token: dict[str, Any] = {"level": level, "id": hid, "name": name, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root
