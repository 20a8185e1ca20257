"""Learning object metadata for the manifest and each SCO: the same facts written as IMS MD 1.2.1 (SCORM 1.2)
or IEEE LOM (SCORM 2004).

The facts: title, summary, keywords, version, review status, co-creation roles, typical learning time,
learning outcomes, licence, accreditation, and the standards met. Standards go in the classification:
one `classification` per strength (introduces, develops, assesses; the strength is its keyword), with
one taxon path per standard from its domain down (purpose "Educational Objective" in 1.2, the strict
LOM vocabulary's "competency" in 2004; 1.2 nests taxons, 2004 lists them flat).

Facts are hashable, so that the manifest can write each distinct record once and reuse it. The records are
written by the templates scorm/lom12.xml and scorm/lom2004.xml (lom_xml).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from bundlesmith.model import STRENGTHS, Bundle, Catalogue, Module
from bundlesmith.runtime import runtime_dir


@dataclass(frozen=True)
class Taxon:
    code: str
    title: str


@dataclass(frozen=True)
class TaxonPath:
    source: str  # "<framework title> <version>"
    taxons: tuple[Taxon, ...]  # domain first, the standard (or indicator) last


@dataclass(frozen=True)
class Facts:
    urn: str
    title: str
    description: str
    keywords: tuple[str, ...]
    version: str
    final: bool
    contributors: tuple[tuple[str, str], ...]  # (who, date)
    minutes: int
    outcomes: tuple[str, ...]
    licence: str
    annotation: str
    classification: tuple[tuple[str, tuple[TaxonPath, ...]], ...]  # (strength, paths)


def module_facts(catalogue: Catalogue, module: Module) -> Facts:
    by_strength: dict[str, list[str]] = {s: [] for s in STRENGTHS}
    for alignment in module.standards:
        by_strength.setdefault(alignment.strength, []).append(alignment.standard)
    return Facts(
        urn=f"urn:bundlesmith:module:{module.id}:{module.version}", title=module.title, description=module.summary,
        keywords=module.keywords, version=module.version, final=module.review.status == "approved",
        contributors=tuple((f"{c.role} (co-creation)", c.date) for c in module.co_creation),
        minutes=module.minutes, outcomes=tuple(f"{o.id}: {o.text}" for o in module.outcomes), licence=module.licence,
        annotation="", classification=tuple((s, _paths(catalogue, refs)) for s, refs in by_strength.items() if refs),
    )


def bundle_facts(catalogue: Catalogue, bundle: Bundle, modules: tuple[Module, ...]) -> Facts:
    strongest: dict[str, int] = {}
    for module in modules:
        for alignment in module.standards:
            rank = STRENGTHS.index(alignment.strength) if alignment.strength in STRENGTHS else 0
            strongest[alignment.standard] = max(rank, strongest.get(alignment.standard, -1))
    by_strength = {s: [ref for ref, r in strongest.items() if r == i] for i, s in enumerate(STRENGTHS)}
    accreditation = ""
    if bundle.accreditation:
        a = bundle.accreditation
        accreditation = f"Accreditation: {a.body}, {a.status}" + (f", reference {a.reference}" if a.reference else "") + (
            f", valid until {a.valid_until.isoformat()}" if a.valid_until else "")
    licences = sorted({m.licence for m in modules if m.licence})
    keywords = tuple(dict.fromkeys(k for m in modules for k in m.keywords))[:30]
    return Facts(
        urn=f"urn:bundlesmith:bundle:{bundle.id}:{bundle.version}", title=bundle.title, description=bundle.description,
        keywords=keywords, version=bundle.version, final=True, contributors=(),
        minutes=sum(m.minutes for m in modules), outcomes=(), licence=" / ".join(licences),
        annotation=accreditation,
        classification=tuple((s, _paths(catalogue, sorted(refs))) for s, refs in by_strength.items() if refs),
    )


def _paths(catalogue: Catalogue, refs: Iterable[str]) -> tuple[TaxonPath, ...]:
    paths = []
    for ref in refs:
        item = catalogue.standard(ref)
        framework = catalogue.framework_of(ref)
        if item is None or framework is None:
            continue
        chain = [item]
        while chain[0].parent:
            parent = catalogue.standard(f"{framework.id}:{chain[0].parent}")
            if parent is None:
                break
            chain.insert(0, parent)
        paths.append(TaxonPath(f"{framework.title} {framework.version}", tuple(Taxon(i.code, i.label) for i in chain)))
    return tuple(paths)


def _duration(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins or not hours else "")


def _vcard(name: str) -> str:
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nEND:VCARD"


def lom_xml(facts: Facts, v12: bool) -> bytes:
    """The `lom` record of `facts` as XML: IMS MD 1.2.1 (scorm/lom12.xml) or IEEE LOM (scorm/lom2004.xml).
    The manifest reads it into its tree (render/scorm_manifest.py), which decides the bytes written: a
    record of several hundred elements is read in a twentieth of the time lxml takes to build it."""
    return _template(v12).render(f=facts, duration=_duration(facts.minutes), vcard=_vcard,
                                 kind="module" if ":module:" in facts.urn else "bundle").encode("utf-8")


@lru_cache(maxsize=2)
def _template(v12: bool) -> jinja2.Template:
    env = jinja2.Environment(loader=_Compact(str(runtime_dir())), autoescape=True, finalize=_text,
                             undefined=jinja2.StrictUndefined)
    return env.get_template("lom12.xml" if v12 else "lom2004.xml")


class _Compact(jinja2.FileSystemLoader):
    """Templates without their lines' indentation and breaks: those are for whoever reads the template, and
    XML would keep them as text between the elements."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        return "".join(line.strip() for line in source.splitlines()), filename, uptodate


def _text(value: object) -> Markup:
    """A value as XML text: escaped, and a carriage return as a character reference (a parser reads a bare
    one as a line break; lxml writes the reference for it)."""
    return Markup(str(escape(value)).replace("\r", "&#13;"))
