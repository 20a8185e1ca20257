"""The CSV views: `alignments.csv` (tidy, one row per module x standard), `matrix.csv` and `gaps.csv`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TypeAlias

from bundlesmith.coverage.document import AlignmentRow, Cell, Coverage, FrameworkCoverage

CellValue: TypeAlias = str | int | float | bool | None

ALIGNMENT_COLUMNS = (
    "bundle", "bundle_version", "variant", "standard", "framework", "code", "standard_title", "targeted",
    "module", "module_title", "module_version", "module_local", "module_status", "counts", "strength", "letter",
    "via_indicators", "minutes_guided", "minutes_self_directed", "assessment_methods", "quiz_items",
    "outcomes", "evidence", "href",
)
GAP_COLUMNS = ("bundle", "standard", "standard_title", "kind", "modules", "detail")


def tidy_rows(document: Coverage) -> list[dict[str, CellValue]]:
    """One row per (module, standard) pair: every alignment a module of the bundle makes, rolled up to its standard."""
    bundle = document["bundle"]
    modules = {m["id"]: m for m in document["modules"]}
    pairs: dict[tuple[str, str], list[AlignmentRow]] = {}
    for a in document["alignments"]:  # by the standard it counts towards, and by an indicator it names
        pairs.setdefault((a["module"], a["standard"]), []).append(a)
        if a["aligned_to"] != a["standard"]:
            pairs.setdefault((a["module"], a["aligned_to"]), []).append(a)
    rows: list[dict[str, CellValue]] = []
    for standard in document["standards"] + document["not_targeted"]:
        for entry in standard["modules"]:
            mine = pairs[(entry["id"], standard["ref"])]
            module = modules[entry["id"]]
            rows.append({
                "bundle": bundle["id"], "bundle_version": bundle["version"],
                "variant": bundle["variant"]["id"] if bundle["variant"] else "",
                "standard": standard["ref"], "framework": standard["framework"], "code": standard["code"],
                "standard_title": standard["title"], "targeted": standard["targeted"],
                "module": entry["id"], "module_title": module["title"], "module_version": module["version"],
                "module_local": module["local"], "module_status": module["status"], "counts": entry["counts"],
                "strength": entry["strength"], "letter": entry["letter"], "via_indicators": " ".join(entry["via"]),
                "minutes_guided": module["minutes_guided"], "minutes_self_directed": module["minutes_self_directed"],
                "assessment_methods": " ".join(sorted({a["assessment"]["method"] for a in mine if a["assessment"]})),
                "quiz_items": " ".join(i["id"] for a in mine if a["assessment"] for i in a["assessment"]["items"]),
                "outcomes": " ".join(dict.fromkeys(o["id"] for a in mine for o in a["outcomes"])),
                "evidence": " ".join(dict.fromkeys(e for a in mine for e in a["evidence"])),
                "href": entry["href"],
            })
    return rows


def cell_text(cell: Cell | None) -> str:
    """A matrix cell: I, D or A; in brackets when the module does not count (draft or retired)."""
    if cell is None:
        return ""
    return cell["letter"] if cell["counts"] else f"({cell['letter']})"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: CellValue) -> str | int | float | None:
    """A cell a spreadsheet shows as text: one starting like a formula (=, +, -, @, tab, CR) gets a leading
    apostrophe, the usual defence against CSV formula injection. Numbers and flags are left as they are."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Iterable[CellValue], rows: Iterable[Iterable[CellValue]]) -> bytes:
    """Every CSV view is written here, so every cell that came from content goes through safe_cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def alignments_csv(document: Coverage) -> bytes:
    return csv_bytes(ALIGNMENT_COLUMNS, ([row[c] for c in ALIGNMENT_COLUMNS] for row in tidy_rows(document)))


def matrix_csv(document: Coverage) -> bytes:
    titles = {s["ref"]: s for s in document["standards"]}
    matrix = document["matrix"]
    header = ["standard", "standard_title", "status", *matrix["columns"]]
    return csv_bytes(header, ([r["standard"], titles[r["standard"]]["title"], titles[r["standard"]]["status"],
                            *(cell_text(c) for c in r["cells"])] for r in matrix["rows"]))


def gaps_csv(document: Coverage) -> bytes:
    bundle = document["bundle"]["id"]
    return csv_bytes(GAP_COLUMNS, ([bundle, g["standard"], g["title"], g["kind"], " ".join(g["modules"]), g["detail"]]
                                for g in document["gaps"]))


def framework_csv(document: FrameworkCoverage) -> bytes:
    """The framework-wide view as a table: one row per standard, one column per bundle."""
    bundles = [b["id"] for b in document["bundles"]]
    header = ["standard", "standard_title", "levels", *bundles, "levels_not_covered"]
    rows: list[list[CellValue]] = []
    for s in document["standards"]:
        cells = [(c["letter"] or "") + ("*" if c["targeted"] else "") for c in s["bundles"]]
        missing = " ".join(lv["level"] for lv in s["level_coverage"] if not lv["covered"])
        rows.append([s["ref"], s["title"], " ".join(s["levels"]), *cells, missing])
    return csv_bytes(header, rows)
