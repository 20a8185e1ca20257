"""The HTML page of each SCO, from the modules rendered once per build, and the runtime files they share.

Pages are self-contained: the CSS, the runtime JS and every image are files in the package, found by
relative URLs, so no request ever leaves the package. A page holds one module (per-module packaging) or
every module of the bundle (single-SCO packaging, ids prefixed so they stay unique).
"""

from __future__ import annotations

import json
from functools import lru_cache
from types import SimpleNamespace

import jinja2
from markupsafe import Markup

from bundlesmith.model import STRENGTH_LETTER, Module
from bundlesmith.render import url_policy
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.scorm_plan import SHARED_CSS, SHARED_JS, PackagePlan, Sco
from bundlesmith.render.url_policy import Layout, UrlPolicy
from bundlesmith.runtime import runtime_dir

# What the template shows: objects, not dicts, as Jinja looks up `a.b` as an attribute first.
_Item = SimpleNamespace
RUNTIME_FILES = {SHARED_CSS: "bundlesmith-scorm.css", SHARED_JS: "bundlesmith-scorm.js"}
ASSET_DIR = "assets/"


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


def render_sco(plan: PackagePlan, sco: Sco, cache: RenderCache, policies: dict[bool, UrlPolicy] | None = None) -> str:
    """The launch page of one SCO. `policies` keeps the package's link policies (one for a page of several
    modules, one for a module's own page) across its SCOs."""
    catalogue = plan.catalogue
    single = len(sco.modules) > 1 or plan.bundle.scorm.packaging == "single-sco"
    known = policies if policies is not None else {}
    policy = known.get(single)
    if policy is None:
        policy = known[single] = links_policy(plan, single)
    modules, toc, config_modules = [], [], []
    for module in sco.modules:
        rendered = cache.get(module, catalogue)
        prefix = f"m-{module.id}--" if single else ""
        layout = Layout(id_prefix=prefix, demote=1 if single else 0, split_title=True, scroll_tables=True)
        head, rest = rendered.body(policy, layout)
        has_h1 = any(h.level == 1 for h in rendered.headings)
        level = 2 if single else 1
        heading_id = next((prefix + h.id for h in rendered.headings if h.level == 1 and h.id), f"{prefix}bs-title")
        if single:
            heading_id = f"{prefix}bs-title" if not has_h1 else heading_id
        sub = [_Item(id=prefix + h.id, text=h.text, children=()) for h in rendered.headings if h.level == 2 and h.id]
        if rendered.has_quiz:
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
            standards=_standards(plan, module), quiz=rendered.has_quiz,
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


def links_policy(plan: PackagePlan, single: bool) -> UrlPolicy:
    """How links resolve on this package's pages: files under `assets/`; another module of the package is
    its section of the one page (single SCO) or its SCO (one SCO per module)."""
    if single:
        return url_policy.single_sco(frozenset(m.id for m in plan.modules), "../" + ASSET_DIR)
    items = {m.id: (f"{m.id}.html", s.identifier, m.title) for s in plan.scos for m in s.modules}
    return url_policy.multi_sco(items, plan.scorm_version, "../" + ASSET_DIR)


def _standards(plan: PackagePlan, module: Module) -> list[_Item]:
    out = []
    for alignment in module.standards:
        item = plan.catalogue.standard(alignment.standard)
        framework = plan.catalogue.framework_of(alignment.standard)
        out.append(_Item(strength=alignment.strength.capitalize() + ":" if alignment.strength in STRENGTH_LETTER else alignment.strength,
                         code=alignment.standard.partition(":")[2], title=item.label if item else "",
                         framework=framework.title if framework else alignment.standard.partition(":")[0]))
    return out
