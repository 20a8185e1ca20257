"""Build one CASE CFPackage (JSON) per framework from the catalogue: the document, its items, the tree as
`isChildOf` associations with sequence numbers, `isRelatedTo` associations to the standards of other
frameworks an item names as `related` (a local framework's links to national standards), and each crosswalk
that maps to the framework as its own `CFAssociationGrouping` of `exactMatchOf` / `isPartOf` / `isRelatedTo`
associations.

Nothing here reads the clock: every `lastChangeDateTime` is the framework's `date` (crosswalk associations:
the crosswalk's review date), so the same framework always gives the same bytes. Packages follow the CASE
1.0 CFPackage schema, which OpenSALT and the CASE Network import.
"""

from __future__ import annotations

import json
from typing import NotRequired, TypedDict

from bundlesmith.case.ids import association_id, case_uuid, document_id, exported, item_id
from bundlesmith.diagnostics import Diagnostic, error
from bundlesmith.model import Catalogue, Crosswalk, CrosswalkSource, Framework

ITEM_TYPES = ("domain", "standard", "indicator")
ADOPTION = {"draft": "Draft", "published": "Adopted", "deprecated": "Deprecated"}


# The parts of a CFPackage this export writes (CASE 1.0; keys in the order they are written).
class LinkURI(TypedDict):
    title: str
    identifier: str
    uri: str


class CFDocument(TypedDict):
    identifier: str
    uri: str
    creator: str
    title: str
    lastChangeDateTime: str
    publisher: str
    version: str
    adoptionStatus: str
    language: str
    licenseURI: LinkURI
    description: NotRequired[str]


class CFItem(TypedDict):
    identifier: str
    fullStatement: str
    uri: str
    humanCodingScheme: str
    CFItemType: str
    CFItemTypeURI: LinkURI
    lastChangeDateTime: str
    abbreviatedStatement: NotRequired[str]
    educationLevel: NotRequired[list[str]]


class CFAssociation(TypedDict):
    identifier: str
    associationType: str
    sequenceNumber: NotRequired[int]
    uri: str
    originNodeURI: LinkURI
    destinationNodeURI: LinkURI
    CFDocumentURI: LinkURI
    CFAssociationGroupingURI: NotRequired[LinkURI]
    lastChangeDateTime: str


class CFItemTypeDefinition(TypedDict):
    identifier: str
    uri: str
    title: str
    description: str
    hierarchyCode: str
    lastChangeDateTime: str


class CFLicense(TypedDict):
    identifier: str
    uri: str
    title: str
    licenseText: str
    lastChangeDateTime: str


class CFAssociationGrouping(TypedDict):
    identifier: str
    uri: str
    title: str
    description: str
    lastChangeDateTime: str


class CFDefinitions(TypedDict):
    CFItemTypes: list[CFItemTypeDefinition]
    CFLicenses: list[CFLicense]
    CFAssociationGroupings: list[CFAssociationGrouping]


class CFPackage(TypedDict):
    CFDocument: CFDocument
    CFItems: list[CFItem]
    CFAssociations: list[CFAssociation]
    CFDefinitions: CFDefinitions


def stamp(day: str) -> str:
    return f"{day}T00:00:00+00:00"


def source_base(source: CrosswalkSource) -> str:
    """Where an external source's items are named: its URL (with '#' before the code), else a URN of its id."""
    if source.url:
        return source.url if source.url.endswith(("/", "#")) else source.url + "#"
    return f"urn:bundlesmith:source:{source.id}:{source.version}:"


def _link(title: str, identifier: str, uri: str) -> LinkURI:
    return {"title": title, "identifier": identifier, "uri": uri}


def problems(catalogue: Catalogue) -> list[Diagnostic]:
    """What stops a framework of this view from being exported (a framework needs its version's `date`)."""
    return [error(f.span, "case-needs-date", f"framework '{f.id}' has no 'date' (of its version) for the CASE export",
                  "add 'date: YYYY-MM-DD' to the framework")
            for f in catalogue.frameworks.values() if not exported(f)]


def package(catalogue: Catalogue, framework: Framework) -> CFPackage:
    """The CFPackage of one framework, as plain JSON data in a fixed order."""
    base = framework.base_uri
    when = stamp(framework.date)
    doc_id = document_id(framework)
    doc_link = _link(framework.title, doc_id, base)
    licence_id = case_uuid(base, "#licence")
    types = {kind: case_uuid(base, f"#type/{kind}") for kind in ITEM_TYPES}
    document: CFDocument = {
        "identifier": doc_id, "uri": base, "creator": framework.publisher, "title": framework.title,
        "lastChangeDateTime": when, "publisher": framework.publisher, "version": framework.version,
        "adoptionStatus": ADOPTION.get(framework.status, framework.status), "language": "en",
        "licenseURI": _link(framework.licence, licence_id, f"urn:uuid:{licence_id}"),
    }
    if framework.description:
        document["description"] = framework.description
    by_code = {i.code: i for i in framework.items}
    items: list[CFItem] = []
    associations: list[CFAssociation] = []
    siblings: dict[str | None, int] = {}
    for item in framework.items:
        identifier = item_id(framework, item)
        uri = framework.permalink(item.code)
        entry: CFItem = {"identifier": identifier, "fullStatement": item.statement or item.title, "uri": uri,
                 "humanCodingScheme": item.code, "CFItemType": item.type.capitalize(),
                 "CFItemTypeURI": _link(item.type.capitalize(), types[item.type], f"urn:uuid:{types[item.type]}"),
                 "lastChangeDateTime": when}
        if item.title:
            entry["abbreviatedStatement"] = item.title
        if item.levels:
            entry["educationLevel"] = list(item.levels)
        items.append(entry)
        parent = by_code.get(item.parent) if item.parent else None
        destination = _link(parent.code, item_id(framework, parent), framework.permalink(parent.code)) \
            if parent else doc_link
        siblings[item.parent] = siblings.get(item.parent, 0) + 1
        associations.append(_association(base, "isChildOf", _link(item.code, identifier, uri), destination, when,
                                         doc_link, sequence=siblings[item.parent]))
    for item in framework.items:  # cross-document: a local standard related to a national one
        for ref, _ in item.related:
            other, target = catalogue.framework_of(ref), catalogue.standard(ref)
            if other is None or target is None:
                continue
            associations.append(_association(base, "isRelatedTo", _link(item.code, item_id(framework, item),
                                                                         framework.permalink(item.code)),
                                             _link(target.code, item_id(other, target), other.permalink(target.code)),
                                             when, doc_link))
    groupings: list[CFAssociationGrouping] = []
    for crosswalk in sorted(catalogue.crosswalks.values(), key=lambda c: c.id):
        mine = [(m, target) for m in crosswalk.mappings if m.target.partition(":")[0] == framework.id
                and (target := catalogue.standard(m.target)) is not None]
        if not mine:
            continue
        grouping = _grouping(base, crosswalk)
        groupings.append(grouping)
        reviewed = stamp(crosswalk.review.reviewed_on.isoformat()) if crosswalk.review.reviewed_on else when
        sbase = source_base(crosswalk.source)
        for mapping, target in mine:
            source_item = crosswalk.source.item(mapping.source)
            origin = _link(f"{crosswalk.source.title} {mapping.source}"
                           + (f" {source_item.title}" if source_item else ""),
                           case_uuid(sbase, mapping.source), sbase + mapping.source)
            destination = _link(target.code, item_id(framework, target), framework.permalink(target.code))
            associations.append(_association(base, mapping.relation, origin, destination, reviewed, doc_link,
                                             grouping=_link(grouping["title"], grouping["identifier"], grouping["uri"])))
    definitions: CFDefinitions = {
        "CFItemTypes": [{"identifier": types[k], "uri": f"urn:uuid:{types[k]}", "title": k.capitalize(),
                         "description": f"A {k} of {framework.title}", "hierarchyCode": str(n + 1),
                         "lastChangeDateTime": when} for n, k in enumerate(ITEM_TYPES)],
        "CFLicenses": [{"identifier": licence_id, "uri": f"urn:uuid:{licence_id}", "title": framework.licence,
                        "licenseText": framework.licence, "lastChangeDateTime": when}],
        "CFAssociationGroupings": groupings,
    }
    return {"CFDocument": document, "CFItems": items, "CFAssociations": associations, "CFDefinitions": definitions}


def _grouping(base: str, crosswalk: Crosswalk) -> CFAssociationGrouping:
    identifier = case_uuid(base, f"#crosswalk/{crosswalk.id}")
    reviewed = crosswalk.review
    note = f"reviewed by {reviewed.by}" + (f" on {reviewed.reviewed_on.isoformat()}" if reviewed.reviewed_on else "")
    return {"identifier": identifier, "uri": f"urn:uuid:{identifier}", "title": f"Crosswalk {crosswalk.id}: "
            f"{crosswalk.source.title} {crosswalk.source.version}", "description": f"{crosswalk.title} ({note})",
            "lastChangeDateTime": stamp(reviewed.reviewed_on.isoformat()) if reviewed.reviewed_on else "1970-01-01T00:00:00+00:00"}


def _association(base: str, kind: str, origin: LinkURI, destination: LinkURI, when: str, document: LinkURI,
                 sequence: int | None = None, grouping: LinkURI | None = None) -> CFAssociation:
    identifier = association_id(base, kind, origin["identifier"], destination["identifier"])
    numbered: _Numbered = {"sequenceNumber": sequence} if sequence is not None else {}
    grouped: _Grouped = {"CFAssociationGroupingURI": grouping} if grouping is not None else {}
    return {"identifier": identifier, "associationType": kind, **numbered, "uri": f"urn:uuid:{identifier}",
            "originNodeURI": origin, "destinationNodeURI": destination, "CFDocumentURI": document, **grouped,
            "lastChangeDateTime": when}


class _Numbered(TypedDict, total=False):
    sequenceNumber: int


class _Grouped(TypedDict, total=False):
    CFAssociationGroupingURI: LinkURI


def render(data: CFPackage) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def package_files(views: list[Catalogue]) -> dict[str, bytes]:
    """Every framework's package by path under build/case/: `<framework>.json` for national frameworks,
    `<variant>/<framework>.json` for a variant's local ones (each with the crosswalks of its view)."""
    files: dict[str, bytes] = {}
    for catalogue in views:
        variant = catalogue.variant.id if catalogue.variant else None
        for framework in sorted(catalogue.frameworks.values(), key=lambda f: f.id):
            if (variant is None) == framework.local:
                continue
            name = f"{framework.id}.json" if variant is None else f"{variant}/{framework.id}.json"
            files[name] = render(package(catalogue, framework))
    return files
