"""`imsmanifest.xml` for a planned package, as SCORM 1.2 or SCORM 2004 4th Edition.

Valid against the official XSDs (tests/test_scorm_manifest.py checks every sample). Element order matters:
on an item, `metadata` comes after the title and child items and before `adlcp:`/`imsss:` elements.
"""

from __future__ import annotations

from lxml import etree

from bundlesmith.render.scorm_lom import bundle_facts, lom12, lom2004, module_facts
from bundlesmith.render.scorm_plan import PackagePlan, Node, Sco

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

NSMAP12 = {None: CP12, "adlcp": ADLCP12, "imsmd": IMSMD, "xsi": XSI}
NSMAP2004 = {None: CP2004, "adlcp": ADLCP2004, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS, "lom": LOM, "xsi": XSI}
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
    facts = bundle_facts(plan.catalogue, plan.bundle, plan.modules)
    (lom12 if v12 else lom2004)(metadata, facts)

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
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", xml_declaration=False,
                                                                       pretty_print=True)


def _item(parent, node: Node, plan: PackagePlan, cp: str, v12: bool) -> None:
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
    facts = (module_facts(plan.catalogue, sco.modules[0]) if len(sco.modules) == 1
             else bundle_facts(plan.catalogue, plan.bundle, sco.modules))  # single SCO: the whole bundle
    (lom12 if v12 else lom2004)(metadata, facts)
    if not sco.assessed:
        return
    if v12:
        _sub(item, ADLCP12, "masteryscore", str(sco.mastery))
        return
    _objectives(item, plan, sco)


def _objectives(item, plan: PackagePlan, sco: Sco) -> None:
    """The pass mark as the primary objective's minimum measure, and one objective per assessed standard."""
    sequencing = _sub(item, IMSSS, "sequencing")
    objectives = _sub(sequencing, IMSSS, "objectives")
    primary = _sub(objectives, IMSSS, "primaryObjective", objectiveID=f"urn:bundlesmith:sco:{sco.identifier}",
                   satisfiedByMeasure="true")
    _sub(primary, IMSSS, "minNormalizedMeasure", _measure(sco.mastery))
    seen: set[str] = set()
    for module in sco.modules:
        for objective in plan.objectives(module):
            if objective.id not in seen:
                seen.add(objective.id)
                _sub(objectives, IMSSS, "objective", objectiveID=objective.id)


def _measure(mastery: int) -> str:
    return f"{mastery / 100:.2f}".rstrip("0").rstrip(".") if mastery % 100 else str(mastery // 100)


def _sub(parent, ns: str, tag: str, text: str | None = None, **attrs):
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node
