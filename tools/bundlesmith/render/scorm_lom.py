"""Learning object metadata for the manifest and each SCO: the same facts written as IMS MD 1.2.1 (SCORM 1.2)
or IEEE LOM (SCORM 2004).

The facts: title, summary, keywords, version, review status, co-creation roles, typical learning time,
learning outcomes, licence, accreditation, and the standards met. Standards go in the classification:
one `classification` per strength (introduces, develops, assesses; the strength is its keyword), with
one taxon path per standard from its domain down (purpose "Educational Objective" in 1.2, the strict
LOM vocabulary's "competency" in 2004; 1.2 nests taxons, 2004 lists them flat).

Facts are hashable, so that the manifest can serialise each distinct record once and reuse it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from bundlesmith.model import STRENGTHS, Bundle, Catalogue, Module

LANG = "en-GB"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
LOM = "http://ltsc.ieee.org/xsd/LOM"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


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


def _sub(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", {k.replace("_", ""): v for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


# ---- SCORM 1.2: IMS Metadata 1.2.1 ----

def lom12(parent: etree._Element, facts: Facts) -> None:
    def ls(node: etree._Element, text: str, lang: str = LANG) -> None:
        _sub(node, IMSMD, "langstring", text).set(XML_LANG, lang)

    def vocab(node: etree._Element, tag: str, value: str) -> None:
        holder = _sub(node, IMSMD, tag)
        ls(_sub(holder, IMSMD, "source"), "LOMv1.0", "x-none")
        ls(_sub(holder, IMSMD, "value"), value, "x-none")

    lom = _sub(parent, IMSMD, "lom")
    general = _sub(lom, IMSMD, "general")
    ls(_sub(general, IMSMD, "title"), facts.title)
    entry = _sub(general, IMSMD, "catalogentry")
    _sub(entry, IMSMD, "catalog", "URI")
    ls(_sub(entry, IMSMD, "entry"), facts.urn, "x-none")
    _sub(general, IMSMD, "language", LANG)
    ls(_sub(general, IMSMD, "description"), facts.description)
    for keyword in facts.keywords:
        ls(_sub(general, IMSMD, "keyword"), keyword)
    lifecycle = _sub(lom, IMSMD, "lifecycle")
    ls(_sub(lifecycle, IMSMD, "version"), facts.version)
    vocab(lifecycle, "status", "Final" if facts.final else "Draft")
    for who, when in facts.contributors:
        contribute = _sub(lifecycle, IMSMD, "contribute")
        vocab(contribute, "role", "Content Provider")
        _sub(_sub(contribute, IMSMD, "centity"), IMSMD, "vcard", _vcard(who))
        if when:
            _sub(_sub(contribute, IMSMD, "date"), IMSMD, "datetime", str(when))
    educational = _sub(lom, IMSMD, "educational")
    _sub(_sub(educational, IMSMD, "typicallearningtime"), IMSMD, "datetime", _duration(facts.minutes))
    if facts.outcomes:
        ls(_sub(educational, IMSMD, "description"), "Learning outcomes. " + " ".join(facts.outcomes))
    rights = _sub(lom, IMSMD, "rights")
    vocab(rights, "cost", "no")
    vocab(rights, "copyrightandotherrestrictions", "yes")
    if facts.licence:
        ls(_sub(rights, IMSMD, "description"), facts.licence)
    if facts.annotation:
        ls(_sub(_sub(lom, IMSMD, "annotation"), IMSMD, "description"), facts.annotation)
    for strength, paths in facts.classification:
        classification = _sub(lom, IMSMD, "classification")
        vocab(classification, "purpose", "Educational Objective")
        for path in paths:
            taxonpath = _sub(classification, IMSMD, "taxonpath")
            ls(_sub(taxonpath, IMSMD, "source"), path.source)
            holder = taxonpath
            for taxon in path.taxons:  # nested: domain > standard > indicator
                holder = _sub(holder, IMSMD, "taxon")
                _sub(holder, IMSMD, "id", taxon.code)
                ls(_sub(holder, IMSMD, "entry"), taxon.title)
        ls(_sub(classification, IMSMD, "description"), f"Standards this {'module' if ':module:' in facts.urn else 'bundle'} {strength}")
        ls(_sub(classification, IMSMD, "keyword"), strength)


# ---- SCORM 2004: IEEE LOM ----

def lom2004(parent: etree._Element, facts: Facts) -> None:
    def string(node: etree._Element, tag: str, text: str, lang: str = LANG) -> etree._Element:
        holder = _sub(node, LOM, tag)
        _sub(holder, LOM, "string", text, language=lang)
        return holder

    def vocab(node: etree._Element, tag: str, value: str) -> None:
        holder = _sub(node, LOM, tag)
        _sub(holder, LOM, "source", "LOMv1.0")
        _sub(holder, LOM, "value", value)

    lom = _sub(parent, LOM, "lom")
    general = _sub(lom, LOM, "general")
    identifier = _sub(general, LOM, "identifier")
    _sub(identifier, LOM, "catalog", "URI")
    _sub(identifier, LOM, "entry", facts.urn)
    string(general, "title", facts.title)
    _sub(general, LOM, "language", LANG)
    string(general, "description", facts.description)
    for keyword in facts.keywords:
        string(general, "keyword", keyword)
    lifecycle = _sub(lom, LOM, "lifeCycle")
    string(lifecycle, "version", facts.version)
    vocab(lifecycle, "status", "final" if facts.final else "draft")
    for who, when in facts.contributors:
        contribute = _sub(lifecycle, LOM, "contribute")
        vocab(contribute, "role", "content provider")
        _sub(contribute, LOM, "entity", _vcard(who))
        if when:
            _sub(_sub(contribute, LOM, "date"), LOM, "dateTime", str(when))
    educational = _sub(lom, LOM, "educational")
    _sub(_sub(educational, LOM, "typicalLearningTime"), LOM, "duration", _duration(facts.minutes))
    for outcome in facts.outcomes:
        string(educational, "description", f"Learning outcome {outcome}")
    rights = _sub(lom, LOM, "rights")
    vocab(rights, "cost", "no")
    vocab(rights, "copyrightAndOtherRestrictions", "yes")
    if facts.licence:
        string(rights, "description", facts.licence)
    if facts.annotation:
        string(_sub(lom, LOM, "annotation"), "description", facts.annotation)
    for strength, paths in facts.classification:
        classification = _sub(lom, LOM, "classification")
        vocab(classification, "purpose", "competency")
        for path in paths:
            taxonpath = _sub(classification, LOM, "taxonPath")
            string(taxonpath, "source", path.source)
            for taxon in path.taxons:  # flat: domain, standard, indicator
                node = _sub(taxonpath, LOM, "taxon")
                _sub(node, LOM, "id", taxon.code)
                string(node, "entry", taxon.title)
        string(classification, "description", f"Standards this {'module' if ':module:' in facts.urn else 'bundle'} {strength}")
        string(classification, "keyword", strength)
