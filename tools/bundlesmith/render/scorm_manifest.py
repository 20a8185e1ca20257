"""`imsmanifest.xml` for a planned package, as SCORM 1.2 or SCORM 2004 4th Edition.

Valid against the official XSDs (tests/test_scorm_manifest.py checks every sample). Element order matters:
on an item, `metadata` comes after the title and child items and before `adlcp:`/`imsss:` elements.

A module's metadata record is the same in every package that holds it (in every view, and in every bundle
that has the module) and makes up most of the manifest: each distinct record is written once per process
(`_built`, from its template: scorm_lom.lom_xml; kept as compressed XML bytes) and read into each manifest's
tree as elements (`_record`). The bundle's own record is in one package only: it is read into that
manifest's tree as soon as it is written (`_lom`).
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from typing import cast

from lxml import etree

from bundlesmith.model import STRENGTHS, Bundle, Catalogue, MemoKey, Module
from bundlesmith.render.scorm_lom import Facts, Taxon, TaxonPath, bundle_facts, lom_xml, module_facts
from bundlesmith.render.scorm_plan import Node, PackagePlan, Sco

XSI = "http://www.w3.org/2001/XMLSchema-instance"
CP12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
CP2004 = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
LOM = "http://ltsc.ieee.org/xsd/LOM"

# lxml takes None as the default namespace's prefix; its type stubs only say str.
NSMAP12 = cast("dict[str, str]", {None: CP12, "adlcp": ADLCP12, "imsmd": IMSMD, "xsi": XSI})
NSMAP2004 = cast("dict[str, str]", {None: CP2004, "adlcp": ADLCP2004, "adlseq": ADLSEQ, "adlnav": ADLNAV,
                                    "imsss": IMSSS, "lom": LOM, "xsi": XSI})
LOCATIONS12 = (f"{CP12} imscp_rootv1p1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd {ADLCP12} adlcp_rootv1p2.xsd")
LOCATIONS2004 = (f"{CP2004} imscp_v1p1.xsd {ADLCP2004} adlcp_v1p3.xsd {ADLSEQ} adlseq_v1p3.xsd "
                 f"{ADLNAV} adlnav_v1p3.xsd {IMSSS} imsss_v1p0.xsd {LOM} lom.xsd")
SHARED_RESOURCE = "res-shared"


def build_manifest(plan: PackagePlan, sco_files: dict[str, tuple[str, ...]], shared_files: tuple[str, ...]) -> bytes:
    """The manifest's bytes. `sco_files` maps each SCO's resource id to the files it uses (its page first)."""
    v12 = plan.scorm_version == "1.2"
    cp = CP12 if v12 else CP2004
    root = etree.Element(f"{{{cp}}}manifest", nsmap=NSMAP12 if v12 else NSMAP2004,
                         attrib={"identifier": plan.manifest_id, "version": plan.bundle.version})
    root.set(f"{{{XSI}}}schemaLocation", LOCATIONS12 if v12 else LOCATIONS2004)
    metadata = _sub(root, cp, "metadata")
    _sub(metadata, cp, "schema", "ADL SCORM")
    _sub(metadata, cp, "schemaversion", "1.2" if v12 else "2004 4th Edition")
    _lom(metadata, _bundle_facts(plan.catalogue, plan.bundle, plan.modules), v12)  # one package's: not kept

    organizations = _sub(root, cp, "organizations", default=plan.organization_id)
    organization = _sub(organizations, cp, "organization", identifier=plan.organization_id)
    if not v12:
        organization.set(f"{{{ADLSEQ}}}objectivesGlobalToSystem", "false")  # no status leaking across courses
    _sub(organization, cp, "title", plan.bundle.title)
    for node in plan.tree:
        _item(organization, node, plan, cp, v12)
    if not v12:
        sequencing = _sub(organization, IMSSS, "sequencing")
        _sub(sequencing, IMSSS, "controlMode", choice="true", flow="true")

    resources = _sub(root, cp, "resources")
    for sco in plan.scos:
        resource = _sub(resources, cp, "resource", identifier=sco.resource, type="webcontent", href=sco.href)
        resource.set(f"{{{ADLCP12 if v12 else ADLCP2004}}}{'scormtype' if v12 else 'scormType'}", "sco")
        for name in sco_files[sco.resource]:
            _sub(resource, cp, "file", href=name)
        _sub(resource, cp, "dependency", identifierref=SHARED_RESOURCE)
    shared = _sub(resources, cp, "resource", identifier=SHARED_RESOURCE, type="webcontent")
    shared.set(f"{{{ADLCP12 if v12 else ADLCP2004}}}{'scormtype' if v12 else 'scormType'}", "asset")
    for name in shared_files:
        _sub(shared, cp, "file", href=name)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(
        root, encoding="UTF-8", xml_declaration=False, pretty_print=True)


def _record(facts: Facts, v12: bool) -> etree._Element:
    """A new `lom` element of `facts` for one manifest's tree."""
    inflate = zlib.decompressobj(zdict=_dictionary(v12))
    return etree.fromstring(inflate.decompress(_built(facts, v12)), _PARSER)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)  # reads back only what _built wrote
RECORDS_KEPT = 4096  # distinct records a process keeps: 1,000 modules in both SCORM versions take about 2,100


@lru_cache(maxsize=RECORDS_KEPT)
def _built(facts: Facts, v12: bool) -> bytes:
    """The `lom` element of `facts` as compressed XML, written once per process: a module is in several bundles
    and views, and writing its record again cost more than reading it back. Kept as bytes, a few hundred
    each (compressed against `_dictionary`; the element itself held a hundred times that in libxml2's memory)."""
    deflate = zlib.compressobj(9, zdict=_dictionary(v12))
    return deflate.compress(lom_xml(facts, v12)) + deflate.flush()


def _lom(metadata: etree._Element, facts: Facts, v12: bool) -> None:
    """The `lom` element of `facts`, read into `metadata`."""
    metadata.append(etree.fromstring(lom_xml(facts, v12), _PARSER))


# A record with every part a module's can have, and no content: what all records of a version share (element
# names, namespaces, vocabularies), the dictionary they are compressed against (a third of their size alone).
_TYPICAL = Facts(urn="urn:bundlesmith:module:", title="", description="", keywords=("",), version="1.0.0",
                 final=True, contributors=(("educator (co-creation)", "2026-01-01"),), minutes=60, outcomes=("",),
                 licence="CC BY-SA 4.0", annotation="",
                 classification=tuple((s, (TaxonPath("", (Taxon("", ""), Taxon("", ""))),)) for s in STRENGTHS))


@lru_cache(maxsize=2)
def _dictionary(v12: bool) -> bytes:
    return lom_xml(_TYPICAL, v12)


_FACTS: MemoKey[dict[str, Facts]] = MemoKey("module LOM facts")  # module id -> its facts


def _module_facts(catalogue: Catalogue, module: Module) -> Facts:
    """module_facts, once per module of a catalogue (the catalogues and modules of a build do not change)."""
    return catalogue.memo_of(_FACTS, module, lambda: module_facts(catalogue, module))


_BUNDLE_FACTS: MemoKey[dict[str, tuple[tuple[Module, ...], Facts]]] = MemoKey("bundle LOM facts")


def _bundle_facts(catalogue: Catalogue, bundle: Bundle, modules: tuple[Module, ...]) -> Facts:
    """bundle_facts, once for the packages of a bundle in both SCORM versions (the same modules: the same facts)."""
    held = catalogue.memo_of(_BUNDLE_FACTS, bundle, lambda: (modules, bundle_facts(catalogue, bundle, modules)))
    if len(held[0]) == len(modules) and all(a is b for a, b in zip(held[0], modules, strict=True)):
        return held[1]
    return bundle_facts(catalogue, bundle, modules)


def _item(parent: etree._Element, node: Node, plan: PackagePlan, cp: str, v12: bool) -> None:
    item = _sub(parent, cp, "item", identifier=node.identifier)
    if node.sco is not None:
        item.set("identifierref", node.sco.resource)
    _sub(item, cp, "title", node.title)
    for child in node.children:
        _item(item, child, plan, cp, v12)
    if node.sco is None:
        return
    sco = node.sco
    metadata = _sub(item, cp, "metadata")
    if len(sco.modules) == 1:
        metadata.append(_record(_module_facts(plan.catalogue, sco.modules[0]), v12))
    else:  # single SCO: the whole bundle's record
        _lom(metadata, _bundle_facts(plan.catalogue, plan.bundle, sco.modules), v12)
    if not sco.assessed:
        return
    if v12:
        _sub(item, ADLCP12, "masteryscore", str(sco.mastery))
        return
    _objectives(item, plan, sco)


def _objectives(item: etree._Element, plan: PackagePlan, sco: Sco) -> None:
    """The pass mark as the primary objective's minimum measure, and one objective per assessed standard.

    Every objective carries the bundle's pass mark: some LMSs (Moodle, so Totara) set
    `cmi.scaled_passing_score` from the objectives one after another, the last one winning, and take 1.0
    for an objective with none. Only the primary objective is satisfied by its measure; the per-standard
    ones keep the default (`satisfiedByMeasure` false), so they never drive sequencing."""
    mastery = sco.mastery or 0  # an assessed SCO always has its pass mark
    sequencing = _sub(item, IMSSS, "sequencing")
    objectives = _sub(sequencing, IMSSS, "objectives")
    primary = _sub(objectives, IMSSS, "primaryObjective", objectiveID=f"urn:bundlesmith:sco:{sco.identifier}",
                   satisfiedByMeasure="true")
    _sub(primary, IMSSS, "minNormalizedMeasure", _measure(mastery))
    seen: set[str] = set()
    for module in sco.modules:
        for objective in plan.objectives(module):
            if objective.id not in seen:
                seen.add(objective.id)
                declared = _sub(objectives, IMSSS, "objective", objectiveID=objective.id)
                _sub(declared, IMSSS, "minNormalizedMeasure", _measure(mastery))


def _measure(mastery: int) -> str:
    return f"{mastery / 100:.2f}".rstrip("0").rstrip(".") if mastery % 100 else str(mastery // 100)


def _sub(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node
