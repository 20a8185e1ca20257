"""The RPL map as a document (`rpl-<crosswalk>.json`) and its views (HTML, XLSX, CSV) for quality assurers.

`document` lays out what coverage/rpl.py decided, with the full mapping record (every mapping with its evidence
rule and currency, and the modules it bears on); the views render the document and decide nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypedDict

from bundlesmith.coverage import SCHEMA_VERSION
from bundlesmith.coverage import json as json_view
from bundlesmith.coverage.csv import CellValue
from bundlesmith.coverage.document import OutcomeInfo, VariantInfo
from bundlesmith.coverage.rpl import DECISIONS, RplMap
from bundlesmith.model import Catalogue, Mapping

FORMATS = ("html", "xlsx", "csv", "json")
MODULE_COLUMNS = ("bundle", "crosswalk", "module", "module_title", "decision", "minutes", "minutes_saved",
                  "standard", "strength", "met", "met_by", "remaining_outcomes", "remaining_sections", "evidence")
MAPPING_COLUMNS = ("crosswalk", "from", "from_title", "to", "to_title", "relation", "coverage", "gap", "route",
                   "evidence", "currency_months", "modules", "line")


class RecognisedAlignment(TypedDict):
    standard: str
    strength: str
    met: bool
    met_by: list[str]
    related: list[str]


class SectionRef(TypedDict):
    id: str
    title: str


Evidence = TypedDict("Evidence", {"evidence": str, "currency_months": int | None, "from": str})


class ModuleDecision(TypedDict):
    id: str
    title: str
    version: str
    minutes: int
    decision: str
    words: str
    minutes_saved: int
    alignments: list[RecognisedAlignment]
    remaining_outcomes: list[OutcomeInfo]
    remaining_sections: list[SectionRef]
    evidence: list[Evidence]


MappingRecord = TypedDict("MappingRecord", {
    "from": str, "from_title": str, "to": str, "to_title": str, "relation": str, "coverage": str, "gap": str,
    "route": str, "evidence": list[str], "currency_months": int | None, "modules": list[str], "source_line": str})


class BundleRef(TypedDict):
    id: str
    title: str
    version: str
    variant: VariantInfo | None


class SourceInfo(TypedDict):
    id: str
    title: str
    version: str
    publisher: str
    url: str
    licence: str


class ReviewInfo(TypedDict):
    by: str
    date: str | None
    next_review: str | None


class CrosswalkInfo(TypedDict):
    id: str
    title: str
    path: str
    local: bool
    source: SourceInfo
    reviewed: ReviewInfo


class RplSummary(TypedDict):
    modules: int
    exempt: int
    top_up: int
    take: int
    minutes_total: int
    minutes_saved: int


class RplDocument(TypedDict):
    """rpl-<crosswalk>.json: what a holder of the crosswalk's source is exempt from, tops up or takes."""

    schema_version: str
    kind: str
    bundle: BundleRef
    crosswalk: CrosswalkInfo
    summary: RplSummary
    decisions: dict[str, str]
    modules: list[ModuleDecision]
    mappings: list[MappingRecord]


def _mapping_key(mapping: Mapping) -> str:
    return f"{mapping.source} -> {mapping.target}"


def document(catalogue: Catalogue, rpl: RplMap) -> RplDocument:
    """The RPL map of one bundle and crosswalk as plain JSON data, in a fixed order."""
    bundle, crosswalk = rpl.bundle, rpl.crosswalk
    source = crosswalk.source
    bearing: dict[str, list[str]] = {}
    modules: list[ModuleDecision] = []
    for entry in rpl.modules:
        module = entry.module
        for match in entry.alignments:
            for mapping in match.related:
                bearing.setdefault(_mapping_key(mapping), [])
                if module.id not in bearing[_mapping_key(mapping)]:
                    bearing[_mapping_key(mapping)].append(module.id)
        modules.append({
            "id": module.id, "title": module.title, "version": module.version, "minutes": module.minutes,
            "decision": entry.decision, "words": entry.words, "minutes_saved": entry.minutes_saved,
            "alignments": [{"standard": m.alignment.standard, "strength": m.alignment.strength, "met": m.met,
                            "met_by": [_mapping_key(x) for x in m.met_by],
                            "related": [_mapping_key(x) for x in m.related]} for m in entry.alignments],
            "remaining_outcomes": [{"id": o.id, "text": o.text} for o in entry.remaining_outcomes]
            if entry.decision == "top-up" else [],
            "remaining_sections": [{"id": a, "title": t} for a, t in entry.remaining_sections],
            "evidence": [{"evidence": kind, "currency_months": months, "from": code}
                         for kind, months, code in entry.evidence],
        })
    mappings: list[MappingRecord] = []
    for mapping in crosswalk.mappings:
        item = source.item(mapping.source)
        target = catalogue.standard(mapping.target)
        mappings.append({
            "from": mapping.source, "from_title": item.title if item else "", "to": mapping.target,
            "to_title": target.label if target else "", "relation": mapping.relation, "coverage": mapping.coverage,
            "gap": mapping.gap, "route": mapping.route, "evidence": list(mapping.evidence),
            "currency_months": mapping.currency_months, "modules": bearing.get(_mapping_key(mapping), []),
            "source_line": str(mapping.span),
        })
    review = crosswalk.review
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "rpl-map",
        "bundle": {"id": bundle.id, "title": bundle.title, "version": bundle.version,
                   "variant": {"id": catalogue.variant.id, "title": catalogue.variant.title}
                   if catalogue.variant else None},
        "crosswalk": {"id": crosswalk.id, "title": crosswalk.title, "path": crosswalk.path, "local": crosswalk.local,
                      "source": {"id": source.id, "title": source.title, "version": source.version,
                                 "publisher": source.publisher, "url": source.url, "licence": source.licence},
                      "reviewed": {"by": review.by, "date": review.reviewed_on.isoformat() if review.reviewed_on else None,
                                   "next_review": str(review.next_review) if review.next_review else None}},
        "summary": {"modules": len(rpl.modules), "exempt": rpl.count("exempt"), "top_up": rpl.count("top-up"),
                    "take": rpl.count("take"), "minutes_total": rpl.minutes_total,
                    "minutes_saved": rpl.minutes_saved},
        "decisions": dict(DECISIONS),
        "modules": modules,
        "mappings": mappings,
    }


def module_rows(doc: RplDocument) -> list[list[CellValue]]:
    """One row per module and recognised alignment (one row for a module with none)."""
    rows: list[list[CellValue]] = []
    for module in doc["modules"]:
        common: list[CellValue] = [doc["bundle"]["id"], doc["crosswalk"]["id"], module["id"], module["title"], module["decision"],
                  module["minutes"], module["minutes_saved"]]
        rest: list[CellValue] = [" ".join(o["id"] for o in module["remaining_outcomes"]),
                " ".join("#" + s["id"] for s in module["remaining_sections"]),
                " ".join(f"{e['evidence']}({e['from']}" + (f", {e['currency_months']} months)" if e["currency_months"]
                                                           else ")") for e in module["evidence"])]
        recognised: list[RecognisedAlignment | None] = [*module["alignments"]] or [None]
        for a in recognised:
            cells: list[CellValue] = ([a["standard"], a["strength"], a["met"], "; ".join(a["met_by"])] if a
                                      else ["", "", False, ""])
            rows.append(common + cells + rest)
    return rows


def mapping_rows(doc: RplDocument) -> list[list[CellValue]]:
    return [[doc["crosswalk"]["id"], m["from"], m["from_title"], m["to"], m["to_title"], m["relation"],
             m["coverage"], m["gap"], m["route"], " ".join(m["evidence"]),
             "" if m["currency_months"] is None else m["currency_months"], " ".join(m["modules"]), m["source_line"]]
            for m in doc["mappings"]]


def render_csv(doc: RplDocument) -> bytes:
    """The modules table, then a blank line and the mapping record (both through csv's safe_cell)."""
    from bundlesmith.coverage.csv import csv_bytes

    return csv_bytes(MODULE_COLUMNS, module_rows(doc)) + b"\n" + csv_bytes(MAPPING_COLUMNS, mapping_rows(doc))


def render_xlsx(doc: RplDocument) -> bytes:
    from bundlesmith.coverage.xlsx import Workbook, add_sheet

    variant = f" ({doc['bundle']['variant']['title']})" if doc["bundle"]["variant"] else ""
    book = Workbook(f"Prior learning: {doc['bundle']['title']} {doc['bundle']['version']}{variant} for holders of "
                 f"{doc['crosswalk']['source']['title']}")
    s = doc["summary"]
    add_sheet(book, "Summary", ["measure", "value"], [
        ("bundle", doc["bundle"]["id"]), ("crosswalk", doc["crosswalk"]["id"]),
        ("source", f"{doc['crosswalk']['source']['title']} {doc['crosswalk']['source']['version']}"),
        ("reviewed by", doc["crosswalk"]["reviewed"]["by"]), ("reviewed", doc["crosswalk"]["reviewed"]["date"] or ""),
        ("next review", doc["crosswalk"]["reviewed"]["next_review"] or ""), ("modules", s["modules"]),
        ("exempt", s["exempt"]), ("top-up", s["top_up"]), ("take", s["take"]),
        ("minutes in the bundle", s["minutes_total"]), ("minutes a holder saves", s["minutes_saved"])],
        {1: 24, 2: 60})
    add_sheet(book, "Modules", list(MODULE_COLUMNS), module_rows(doc))
    add_sheet(book, "Mapping record", list(MAPPING_COLUMNS), mapping_rows(doc))
    return book.bytes()


def render_html(doc: RplDocument) -> bytes:
    from bundlesmith.coverage.html import _render

    return _render("rpl.html.j2", doc=doc)


def files(doc: RplDocument, formats: Collection[str] = FORMATS) -> dict[str, bytes]:
    """The files of one RPL map, named `rpl-<crosswalk>.<format>`."""
    renderers: dict[str, Callable[[RplDocument], bytes]] = {"json": json_view.render, "html": render_html, "xlsx": render_xlsx, "csv": render_csv}
    name = f"rpl-{doc['crosswalk']['id']}"
    return {f"{name}.{fmt}": renderers[fmt](doc) for fmt in FORMATS if fmt in formats}


def text(doc: RplDocument) -> str:
    """The map as a person reads it in a terminal."""
    s, cw = doc["summary"], doc["crosswalk"]
    lines = [(f"{doc['bundle']['title']} {doc['bundle']['version']} for holders of {cw['source']['title']} "
              f"{cw['source']['version']} (crosswalk {cw['id']})")]
    for module in doc["modules"]:
        lines.append(f"  {module['words'].lower():<16} {module['id']} (saves {module['minutes_saved']} of "
                     f"{module['minutes']} min)")
        if module["decision"] == "top-up":
            for o in module["remaining_outcomes"]:
                lines.append(f"      still to do: {o['id']} {o['text']}")
            for section in module["remaining_sections"]:
                lines.append(f"      section: {section['title']}")
        if module["evidence"]:
            lines.append("      evidence: " + "; ".join(
                f"{e['evidence']} for {e['from']}" + (f" (within {e['currency_months']} months)"
                                                      if e["currency_months"] else "") for e in module["evidence"]))
    lines.append(f"{s['exempt']} exempt, {s['top_up']} top-up, {s['take']} to take; a holder saves "
                 f"{s['minutes_saved']} of {s['minutes_total']} min")
    return "\n".join(lines) + "\n"
