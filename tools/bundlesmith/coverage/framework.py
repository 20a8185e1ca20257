"""The framework-wide view: for every standard, which bundles cover it, how strongly, and at which levels.

Computed from the per-bundle coverage documents (never from the content again), so it cannot disagree
with them. A standard is expected at a level when the framework lists that level for it; a bundle serves
a level when the bundle lists that level; a level is covered when a bundle serving it meets the standard.
"""

from __future__ import annotations

from bundlesmith.coverage import SCHEMA_VERSION
from bundlesmith.coverage.document import (
    BundleCell,
    BundleSummary,
    Coverage,
    FrameworkCoverage,
    FrameworkLevelGap,
    FrameworkStandard,
    LevelCoverage,
)
from bundlesmith.model import STRENGTH_LETTER, STRENGTHS, Catalogue

STANDARD_URL = "../standards/{framework}/{code}/"


def bundle_summary(doc: Coverage) -> BundleSummary:
    """What the framework view reads of one bundle's coverage document: for each standard it lists, whether
    the bundle targets it and the strongest strength among the modules that count."""
    standards: dict[str, tuple[bool, str | None]] = {}
    for found in doc["standards"] + doc["not_targeted"]:
        counting = [m for m in found["modules"] if m["counts"]]
        strongest = max((m["strength"] for m in counting), key=STRENGTHS.index) if counting else None
        standards[found["ref"]] = (bool(found["targeted"]), strongest)
    return {"bundle": doc["bundle"], "summary": doc["summary"], "content_hash": doc["provenance"]["content_hash"],
            "standards": standards}


def framework_coverage(catalogue: Catalogue, summaries: list[BundleSummary]) -> FrameworkCoverage:
    """The framework view of every bundle's coverage (`bundle_summary` of each coverage document)."""
    bundles = [d["bundle"] for d in summaries]
    rows: list[FrameworkStandard] = []
    for framework in catalogue.frameworks.values():
        for item in framework.standards:
            cells: list[BundleCell] = []
            for doc in summaries:
                targeted, strength = doc["standards"].get(item.ref, (False, None))
                cells.append({"bundle": doc["bundle"]["id"], "targeted": targeted,
                              "strength": strength, "letter": STRENGTH_LETTER.get(strength) if strength else None,
                              "met": strength is not None, "assessed": strength == "assesses"})
            levels: list[LevelCoverage] = []
            for level in item.levels:
                serving = [b["id"] for b in bundles if level in b["levels"]]
                covered = [c["bundle"] for c in cells if c["met"] and c["bundle"] in serving]
                assessed = [c["bundle"] for c in cells if c["assessed"] and c["bundle"] in serving]
                levels.append({"level": level, "bundles": covered, "assessed_by": assessed, "covered": bool(covered)})
            rows.append({
                "ref": item.ref, "framework": item.framework, "code": item.code, "domain": item.parent,
                "title": item.title, "levels": list(item.levels), "local": item.local or framework.local,
                "href": STANDARD_URL.format(framework=item.framework, code=item.code),
                "bundles": cells, "level_coverage": levels,
                "met_by_any": any(c["met"] for c in cells), "assessed_by_any": any(c["assessed"] for c in cells),
            })
    level_gaps: list[FrameworkLevelGap] = [{"standard": r["ref"], "level": lv["level"]} for r in rows for lv in r["level_coverage"]
                  if not lv["covered"]]
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "framework-coverage",
        "variant": {"id": catalogue.variant.id, "title": catalogue.variant.title} if catalogue.variant else None,
        "bundles": [{"id": b["id"], "title": b["title"], "version": b["version"], "levels": b["levels"],
                     "report": f"{b['id']}/coverage.html",
                     "content_hash": d["content_hash"]} for b, d in zip(bundles, summaries, strict=True)],
        "frameworks": [{"id": f.id, "title": f.title, "version": f.version, "local": f.local,
                        "levels": list(f.levels)} for f in catalogue.frameworks.values()],
        "summary": {"standards": len(rows), "met_by_any": sum(r["met_by_any"] for r in rows),
                    "assessed_by_any": sum(r["assessed_by_any"] for r in rows), "level_gaps": len(level_gaps)},
        "standards": rows,
        "level_gaps": level_gaps,
    }
