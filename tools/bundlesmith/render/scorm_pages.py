"""The HTML page of each SCO, from the modules rendered once per build, and the runtime files they share.

Pages are self-contained: the CSS, the runtime JS and every image are files in the package, found by
relative URLs, so no request ever leaves the package. A page holds one module (per-module packaging) or
every module of the bundle (single-SCO packaging, ids prefixed so they stay unique).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from functools import lru_cache
from types import SimpleNamespace

import jinja2
from markupsafe import Markup

from bundlesmith.model import STRENGTH_LETTER, Module
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.module_html import RenderedModule
from bundlesmith.render.scorm_plan import SHARED_CSS, SHARED_JS, PackagePlan, Sco
from bundlesmith.runtime import runtime_dir

# What the template shows: objects, not dicts, as Jinja looks up `a.b` as an attribute first.
_Item = SimpleNamespace
RUNTIME_FILES = {SHARED_CSS: "bundlesmith-scorm.css", SHARED_JS: "bundlesmith-scorm.js"}
ASSET_DIR = "assets/"
_LINK = re.compile(r'<a href="bs-module:([^"#]+)(#[^"]*)?"([^>]*)>(.*?)</a>', re.S)


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(runtime_dir())), autoescape=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template("sco.html")


@lru_cache(maxsize=1)
def runtime_files() -> dict[str, bytes]:
    """Zip path -> bytes of the shared CSS and JS (read once per process: do not change the dict)."""
    folder = runtime_dir()
    return {path: (folder / name).read_bytes() for path, name in RUNTIME_FILES.items()}


@lru_cache(maxsize=2)
def schema_files(scorm_version: str) -> dict[str, bytes]:
    """The official XSD/DTD files the manifest names, for the package root (ADL wants them there); read once
    per process: do not change the dict."""
    folder = runtime_dir() / "xsd" / ("scorm12" if scorm_version == "1.2" else "scorm2004")
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.suffix in (".xsd", ".dtd")}


def asset_path(project_path: str) -> str:
    return ASSET_DIR + project_path


def render_sco(plan: PackagePlan, sco: Sco, cache: RenderCache) -> str:
    """The launch page of one SCO."""
    catalogue = plan.catalogue
    single = len(sco.modules) > 1 or plan.bundle.scorm.packaging == "single-sco"
    pages = {m.id: f"{m.id}.html" for m in plan.modules}  # every module in the package
    others = {m.id: (s.identifier, m.title) for s in plan.scos for m in s.modules}  # for links between SCOs
    modules, toc, config_modules = [], [], []
    for module in sco.modules:
        rendered = cache.get(module, catalogue)
        prefix = f"m-{module.id}--" if single else ""
        body = _module_body(rendered, prefix, pages, others, plan.scorm_version)
        has_h1 = any(h.level == 1 for h in rendered.headings)
        level = 2 if single else 1
        head, rest = _split_after_title(body, level)
        heading_id = next((prefix + h.id for h in rendered.headings if h.level == 1 and h.id), f"{prefix}bs-title")
        if single:
            heading_id = f"{prefix}bs-title" if not has_h1 else heading_id
        sub = [_Item(id=prefix + h.id, text=h.text, children=()) for h in rendered.headings if h.level == 2 and h.id]
        if rendered.quiz_html:
            sub.append(_Item(id=f"{prefix}bs-quiz-title", text=rendered.quiz_title, children=()))
        sub.append(_Item(id=f"{prefix}bs-end-title", text="End of module", children=()))
        if single:
            toc.append(_Item(id=f"module-{module.id}", text=module.title, children=sub))
        else:
            toc.extend(sub)
        modules.append(_Item(
            id=module.id, title=module.title, prefix=prefix, level=level,
            article_id=f"module-{module.id}", heading_id=heading_id, add_heading=not has_h1,
            html_head=Markup(head), html_rest=Markup(rest), minutes=module.minutes, guided=module.guided_minutes,
            self_directed=module.self_directed_minutes, outcomes=[o.text for o in module.outcomes],
            standards=_standards(plan, module), quiz=bool(rendered.quiz_html),
            co_created=", ".join(dict.fromkeys(c.role.replace("-", " ") for c in module.co_creation)),
        ))
        config_modules.append({"id": module.id, "objectives": [
            {"id": o.id, "items": list(o.items)} for o in plan.objectives(module)] if module.quiz else []})
    config = {"version": plan.scorm_version, "mastery": plan.bundle.scorm.mastery_score, "modules": config_modules}
    licences = sorted({m.licence for m in sco.modules if m.licence})
    return _template().render(
        lang="en-GB", title=sco.title, bundle_title=plan.bundle.title,
        variant_title=catalogue.variant.title if catalogue.variant else "",
        css="../" + SHARED_CSS, js="../" + SHARED_JS,
        config_json=Markup(json.dumps(config, sort_keys=True).replace("</", "<\\/")),
        toc=toc, modules=modules, page_heading=plan.bundle.title if single else "",
        mastery=plan.bundle.scorm.mastery_score, version=plan.bundle.version, licence=" / ".join(licences),
    )


def _module_body(rendered: RenderedModule, prefix: str, pages: dict[str, str],
                 others: dict[str, tuple[str, str]] | None = None, scorm_version: str = "2004") -> str:
    """The module's HTML with its knowledge check in place and this package's URLs; `prefix` (single-SCO
    pages) keeps ids unique across modules and demotes headings so the page keeps one h1."""
    body = rendered.html
    if rendered.quiz_html:
        if '<div class="bs-quiz-slot"></div>' in body:
            body = body.replace('<div class="bs-quiz-slot"></div>', rendered.quiz_html, 1)
        else:
            body += "\n" + rendered.quiz_html
    if prefix:  # before module links are resolved, so their targets are not prefixed twice
        body = _prefix_ids(_demote(body), prefix)
    body = _module_links(body, pages, bool(prefix), others or {}, scorm_version)
    body = _scroll_regions(body)
    return replace(rendered, html=body).with_urls("../" + ASSET_DIR, lambda mid: pages.get(mid, "#"))


def _scroll_regions(body: str) -> str:
    """Each table in a focusable, named region that scrolls sideways on a narrow screen (WCAG 2.1.1: a
    keyboard user can scroll it); the table keeps its own semantics."""
    def wrap(match: re.Match) -> str:
        table = match.group(0)
        heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", table, re.S)[:3]]
        label = "Table" + (": " + ", ".join(h for h in heads if h) if any(heads) else "")
        return f'<div class="bs-scroll" role="region" tabindex="0" aria-label="{html.escape(label, quote=True)}">{table}</div>'
    return re.sub(r"<table\b.*?</table>", wrap, body, flags=re.S)


def _standards(plan: PackagePlan, module: Module) -> list[_Item]:
    out = []
    for alignment in module.standards:
        item = plan.catalogue.standard(alignment.standard)
        framework = plan.catalogue.framework_of(alignment.standard)
        out.append(_Item(strength=alignment.strength.capitalize() + ":" if alignment.strength in STRENGTH_LETTER else alignment.strength,
                         code=alignment.standard.partition(":")[2], title=item.label if item else "",
                         framework=framework.title if framework else alignment.standard.partition(":")[0]))
    return out


def _module_links(body: str, pages: dict[str, str], single: bool, others: dict[str, tuple[str, str]],
                  scorm_version: str) -> str:
    """Links to other modules. On one page (single SCO): to their section. In another SCO of the package the
    LMS must stay in charge, so never a plain link that would move the frame behind its back: in SCORM 2004
    a navigation request to that SCO's item (the bundle's sequencing allows choice; the runtime asks the
    LMS first), in SCORM 1.2 a reference by title. Modules not in the package: plain text."""
    def replace(match: re.Match) -> str:
        mid, fragment, attrs, text = match.group(1), match.group(2) or "", match.group(3), match.group(4)
        if mid not in pages:
            return f'<span class="bs-module-ref">{text}</span>'
        if single:
            target = f"#m-{mid}--{fragment[1:]}" if fragment else f"#module-{mid}"
            return f'<a href="{target}"{attrs}>{text}</a>'
        item, title = others[mid]
        if scorm_version == "2004":
            return (f'<a href="{pages[mid]}" class="bs-nav" data-bs-nav="{html.escape(item, quote=True)}"'
                    f'{attrs}>{text}</a>')
        return (f'<span class="bs-module-ref">{text} <span class="bs-module-ref-title">(the module '
                f'\u201c{html.escape(title)}\u201d in this course)</span></span>')
    return _LINK.sub(replace, body)


def _split_after_title(body: str, level: int) -> tuple[str, str]:
    """The module's title heading (when it starts the body) and the rest, so "About this module" follows the title."""
    match = re.match(rf"\s*<h{level}\b[^>]*>.*?</h{level}>", body, re.S)
    return (body[:match.end()], body[match.end():]) if match else ("", body)


def _demote(body: str) -> str:
    """h1 -> h2 ... so that a page holding several modules keeps one h1."""
    return re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", body)


def _prefix_ids(body: str, prefix: str) -> str:
    body = re.sub(r'\b(id|for|data-for|aria-labelledby|name)="(?!http)([^"]+)"',
                  lambda m: f'{m.group(1)}="' + " ".join(prefix + i for i in m.group(2).split()) + '"', body)
    return re.sub(r'href="#([^"]*)"', lambda m: f'href="#{prefix}{m.group(1)}"', body)
