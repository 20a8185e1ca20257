"""The XLSX view reviewers annotate: one sheet per view, frozen header row, filters, set column widths.

Written with XlsxWriter in memory. The workbook's created date is pinned and XlsxWriter dates every zip
entry 1980-01-01, so the same document gives byte-identical bytes. Text is always written as text: a
title that starts with "=" or looks like a URL or a number stays what the co-creator typed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

import xlsxwriter

from bundlesmith.coverage.csv import ALIGNMENT_COLUMNS, CellValue, cell_text, tidy_rows
from bundlesmith.coverage.document import Coverage, FrameworkCoverage, ModuleCurrency, SinceChanges
from bundlesmith.coverage.markdown import GAP_TITLES, local_content
from bundlesmith.coverage.model import LEVEL_GAP_WORDS

FIXED_PROPERTY_DATE = datetime(2000, 1, 1, 0, 0, 0)
SHEETS = ("Summary", "Matrix", "Standards", "Alignments", "Gaps", "Level gaps", "Not targeted", "Domains",
          "Co-production", "Currency", "Provenance", "Key")
FRAMEWORK_SHEETS = ("Framework", "Level gaps", "Key")
_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


class Workbook:
    """One workbook being written into memory, with a title (what a screen reader and the file's properties
    name it by)."""

    def __init__(self, title: str) -> None:
        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, _OPTIONS)
        self.wb.set_properties({"title": title, "author": "bundlesmith", "created": FIXED_PROPERTY_DATE})
        self.header = self.wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})

    def bytes(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


def add_sheet(book: Workbook, title: str, header: list[str], rows: Iterable[Iterable[CellValue]],
              widths: dict[int, int] | None = None) -> None:
    """One sheet: its rows as a defined Excel table named after the sheet (so a screen reader announces the
    header of each cell and the table can be found by name), with the header row frozen."""
    ws = book.wb.add_worksheet(title)
    ws.write_row(0, 0, header, book.header)
    count = 0
    for count, row in enumerate(rows, start=1):
        ws.write_row(count, 0, [("yes" if v else "no") if isinstance(v, bool) else v for v in row])
    ws.freeze_panes(1, 0)
    if count:
        ws.add_table(0, 0, count, len(header) - 1, {
            "name": re.sub(r"[^A-Za-z0-9]+", "_", title), "style": "Table Style Light 1",
            "columns": [{"header": name, "header_format": book.header} for name in header]})
    else:  # a table needs a row: an empty sheet keeps a plain filter on its header
        ws.autofilter(0, 0, count, len(header) - 1)
    for index, name in enumerate(header):
        width = (widths or {}).get(index + 1) or min(max(len(str(name)) + 2, 10), 60)
        ws.set_column(index, index, width)


def render(doc: Coverage) -> bytes:
    b, s, p = doc["bundle"], doc["summary"], doc["provenance"]
    variant = f" ({b['variant']['title']})" if b["variant"] else ""
    wb = Workbook(f"Coverage report: {b['title']} {b['version']}{variant}")
    acc = b["accreditation"]
    status, body, reference, valid_until = ((acc["status"], acc["body"], acc["reference"], acc["valid_until"]) if acc
                                            else ("", None, None, None))
    add_sheet(wb, "Summary", ["measure", "value"], [
        ("bundle", b["id"]), ("title", b["title"]), ("version", b["version"]),
        ("variant", b["variant"]["id"] if b["variant"] else ""), ("levels", ", ".join(b["levels"])),
        ("accreditation status", status or "none"), ("accreditation body", body or ""),
        ("accreditation reference", reference or ""), ("valid until", valid_until or ""),
        ("content hash (sha256)", p["content_hash"]), ("reviews as of", doc["currency"]["as_of"]),
        ("local content", local_content(doc)),
        ("modules", s["modules"]), ("modules counting", s["modules_counting"]), ("modules local", s["modules_local"]),
        ("minutes guided", s["minutes_guided"]), ("minutes self-directed", s["minutes_self_directed"]),
        ("targeted standards", s["targeted_standards"]), ("met", s["met"]), ("assessed", s["assessed"]),
        ("delivered only", s["delivered_only"]), ("not met", s["not_met"]), ("gaps", s["gaps"]),
        ("level gaps", s["level_gaps"]),
        ("standards not targeted", s["not_targeted_standards"]), ("modules overdue", s["overdue_modules"]),
        ("co-production flags", s["co_production_flags"]),
    ], {1: 28, 2: 70})
    matrix = doc["matrix"]
    titles = {st["ref"]: st for st in doc["standards"]}
    add_sheet(wb, "Matrix", ["standard", "title", "status", *matrix["columns"]],
           ([r["standard"], titles[r["standard"]]["title"], titles[r["standard"]]["status"],
             *(cell_text(c) for c in r["cells"])] for r in matrix["rows"]),
           {1: 12, 2: 40, 3: 11, **dict.fromkeys(range(4, 4 + len(matrix["columns"])), 6)})
    add_sheet(wb, "Standards", ["standard", "title", "levels", "local", "status", "modules", "minutes guided",
                             "minutes self-directed", "assessment methods", "quiz items", "outcomes", "gaps", "comment"],
           ([st["ref"], st["title"], ", ".join(st["levels"]), st["local"], st["status"],
             "; ".join(f"{e['id']} {e['letter']}" + ("" if e["counts"] else f" ({e['status']})") for e in st["modules"]),
             st["minutes_guided"], st["minutes_self_directed"], ", ".join(st["assessment_methods"]),
             "; ".join(f"{q['module']}#{q['id']}" for q in st["quiz_items"]),
             "; ".join(f"{o['module']} {o['id']}: {o['text']}" for o in st["outcomes"]),
             ", ".join(GAP_TITLES[g] for g in st["gaps"]), ""] for st in doc["standards"]),
           {1: 12, 2: 40, 6: 50, 10: 30, 11: 60, 12: 30, 13: 40})
    add_sheet(wb, "Alignments", list(ALIGNMENT_COLUMNS), ([row[c] for c in ALIGNMENT_COLUMNS] for row in tidy_rows(doc)),
           {4: 12, 7: 40, 9: 36, 10: 40})
    add_sheet(wb, "Gaps", ["standard", "title", "gap", "modules", "detail", "comment"],
           ([g["standard"], g["title"], GAP_TITLES[g["kind"]], " ".join(g["modules"]), g["detail"], ""]
            for g in doc["gaps"]), {1: 12, 2: 40, 3: 34, 4: 40, 5: 70, 6: 40})
    add_sheet(wb, "Level gaps", ["standard", "title", "level gap", "levels"],
           ([g["standard"], g["title"], LEVEL_GAP_WORDS[g["kind"]], ", ".join(g["levels"])] for g in doc["level_gaps"]),
           {1: 12, 2: 40, 3: 44, 4: 20})
    add_sheet(wb, "Not targeted", ["standard", "title", "levels", "expected at this level", "local", "status", "modules"],
           ([st["ref"], st["title"], ", ".join(st["levels"]), st["expected"], st["local"], st["status"],
             "; ".join(f"{e['id']} {e['letter']}" for e in st["modules"])]
            for st in doc["not_targeted"]), {1: 12, 2: 40, 3: 20, 4: 12, 7: 60})
    add_sheet(wb, "Domains", ["domain", "title", "local", "standards", "targeted", "met", "assessed", "share met",
                           "share assessed", "minutes guided", "minutes self-directed", "hours"],
           ([f"{d['framework']}:{d['code']}", d["title"], d["local"], d["standards"], d["targeted"], d["met"],
             d["assessed"], d["share_met"], d["share_assessed"], d["minutes_guided"], d["minutes_self_directed"],
             d["hours"]] for d in doc["domains"]), {2: 45})
    co = doc["co_production"]
    add_sheet(wb, "Co-production", ["module", "local", "role", "outside writing team", "contribution", "date", "flag"],
           ([mod["module"], mod["local"], r["role"] if r else "", r["outside_team"] if r else "",
             r["contribution"] if r else "no co-creation recorded", (r["date"] or "") if r else "", mod["flag"] or ""]
            for mod in co["modules"] for r in _or_none(mod["roles"])), {1: 36, 3: 22, 5: 80, 7: 22})
    cur = doc["currency"]
    currency: list[list[CellValue]] = [
        [r["module"], r["version"], r["status"], r["reviewed"] or "", r["next_review"] or "", r["overdue"],
         r["days_overdue"], r["approved_by"] or "", _change(cur["since"], r)] for r in cur["modules"]]
    currency += [[a["id"], a["version"], "", "", "", "", "", "", "removed"]
                 for a in (cur["since"]["removed"] if cur["since"] else [])]
    add_sheet(wb, "Currency", ["module", "version", "status", "reviewed", "next review", "overdue", "days overdue",
                            "approved by", "change since previous"], currency, {1: 36, 8: 40, 9: 24})
    source = p["source"] or {}
    add_sheet(wb, "Provenance", ["item", "name", "sha256", "detail"], [
        ("bundle version", b["id"], "", p["bundle_version"]),
        ("content hash", "sources", p["content_hash"], ""),
        ("source revision", source.get("system", ""), source.get("revision", ""),
         "files differ from this revision" if source.get("modified") else ""),
        *(("package", k["filename"], k["sha256"], f"SCORM {k['scorm_version']}, {k['size']} bytes") for k in p["packages"]),
        *(("file", f["path"], f["sha256"], "") for f in p["files"]),
    ], {1: 16, 2: 60, 3: 66, 4: 30})
    _key(wb)
    return wb.bytes()


# What the letters of the Matrix and Framework sheets mean (the HTML report says it above its matrix).
Item = TypeVar("Item")

KEY = (("I", "introduces: the module introduces the standard"), ("D", "develops: the module develops it"),
       ("A", "assesses: the module assesses it"),
       ("(I), (D), (A)", "in brackets: from a draft or retired module, which does not count"),
       ("*", "Framework sheet: the bundle targets the standard"))


def _or_none(items: list[Item]) -> list[Item | None]:
    """The items, or one None for a row that says there are none."""
    return [*items] or [None]


def _key(book: Workbook) -> None:
    add_sheet(book, "Key", ["letter", "meaning"], KEY, {1: 16, 2: 70})


def _change(since: SinceChanges | None, row: ModuleCurrency) -> str:
    if since is None:
        return ""
    if any(a["id"] == row["module"] for a in since["added"]):
        return "added"
    bumped = next((a for a in since["version_bumped"] if a["id"] == row["module"]), None)
    return f"version {bumped['from']} → {bumped['to']}" if bumped else "unchanged"


def render_framework(doc: FrameworkCoverage) -> bytes:
    variant = f" ({doc['variant']['title']})" if doc["variant"] else ""
    wb = Workbook(f"Framework coverage across bundles{variant}")
    bundles = [b["id"] for b in doc["bundles"]]
    add_sheet(wb, "Framework", ["standard", "title", "local", "levels", *bundles, "levels not covered"],
           ([s["ref"], s["title"], s["local"], ", ".join(s["levels"]),
             *((c["letter"] or "") + ("*" if c["targeted"] else "") for c in s["bundles"]),
             ", ".join(lv["level"] for lv in s["level_coverage"] if not lv["covered"])] for s in doc["standards"]),
           {1: 12, 2: 40, 4: 30, **dict.fromkeys(range(5, 5 + len(bundles)), 14), 5 + len(bundles): 24})
    add_sheet(wb, "Level gaps", ["standard", "level"], ([g["standard"], g["level"]] for g in doc["level_gaps"]))
    _key(wb)
    return wb.bytes()
