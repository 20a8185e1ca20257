"""A framework as each LMS's importer reads it: Moodle's competency framework CSV (tool_lpimportcsv),
Totara's HR Import competency source, and Canvas's outcomes CSV.

Every file is UTF-8, comma-separated, RFC 4180 quoting (a field holding a comma, a quote or a line break
is quoted, quotes doubled), one header row, rows in framework order so that every parent comes before its
children. Every cell that came from content goes through `coverage.csv.safe_cell` (no formula injection
when an administrator opens the file in a spreadsheet).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable

from bundlesmith.coverage.csv import CellValue, csv_bytes
from bundlesmith.lms.plan import ID_LIMIT, framework_idnumber, idnumber
from bundlesmith.model import Framework, StandardItem

MOODLE_COLUMNS = (  # tool_lpimportcsv's 14 columns, in its order and with its own header words
    "Parent ID number", "ID number", "Short name", "Description", "Description format", "Scale values",
    "Scale configuration", "Rule type (optional)", "Rule outcome (optional)", "Rule config (optional)",
    "Cross-referenced competency ID numbers", "Exported ID (optional)", "Is framework", "Taxonomy",
)
MOODLE_FORMAT_PLAIN = 2  # Moodle's FORMAT_PLAIN: shown as text (escaped, line breaks kept), never as HTML
# Moodle makes (or reuses) a site scale from these values, lowest first; the configuration names the
# default (given when a rule completes the competency) and the proficient value, by position from 1.
SCALE = ("Not yet competent", "Competent")
SCALE_CONFIGURATION = json.dumps([{"scaleid": "1"}, {"id": 2, "scaledefault": 1, "proficient": 1}],
                                 separators=(",", ":"))
MOODLE_TAXONOMY = {"domain": "domain", "standard": "competency", "indicator": "indicator"}

TOTARA_COLUMNS = ("idnumber", "fullname", "shortname", "frameworkidnumber", "parentidnumber", "description",
                  "timemodified", "deleted")
TOTARA_FULLNAME_LIMIT = 1000
TOTARA_DESCRIPTION_LIMIT = 1000

CANVAS_COLUMNS = ("vendor_guid", "object_type", "title", "description", "display_name", "calculation_method",
                  "calculation_int", "parent_guids", "workflow_state", "mastery_points")
CANVAS_RATINGS = ((1, "Competent"), (0, "Not yet competent"))  # points, highest first, as Canvas requires


def moodle_csv(framework: Framework) -> bytes:
    """One framework for Moodle's "Import competency framework": its framework row first, then every domain,
    standard and indicator under its parent's id number."""
    rows: list[list[CellValue]] = [["", framework_idnumber(framework), _short(framework.title, ID_LIMIT), framework.description,
             MOODLE_FORMAT_PLAIN, ",".join(SCALE), SCALE_CONFIGURATION, "", "", "", "", "", 1, _taxonomy(framework)]]
    for item in framework.items:
        rows.append([_parent_idnumber(framework, item), idnumber(item), _short(item.label, ID_LIMIT),
                     _description(framework, item), MOODLE_FORMAT_PLAIN, "", "", "", 0, "null", "", "",
                     "", ""])
    return _write(MOODLE_COLUMNS, rows)


def totara_csv(framework: Framework) -> bytes:
    """One framework's competencies for Totara's HR Import (the framework itself is made by hand first, with
    `framework_idnumber` as its ID number)."""
    rows: list[list[CellValue]] = []
    for item in framework.items:
        rows.append([idnumber(item), _short(item.label, TOTARA_FULLNAME_LIMIT),
                     _short(item.title, ID_LIMIT), framework_idnumber(framework), _parent_idnumber(framework, item),
                     _escaped(_description(framework, item), TOTARA_DESCRIPTION_LIMIT),
                     0, 0])
    return _write(TOTARA_COLUMNS, rows)


def canvas_csv(frameworks: tuple[Framework, ...]) -> bytes:
    """Frameworks as Canvas outcome groups (the framework, then its domains) holding one outcome per
    standard; an indicator is part of its standard's description (Canvas outcomes have no children)."""
    width = 2 * len(CANVAS_RATINGS)
    header = list(CANVAS_COLUMNS) + ["ratings"] + [""] * (width - 1)
    ratings = [v for points, words in CANVAS_RATINGS for v in (points, words)]
    rows: list[list[CellValue]] = []
    for framework in frameworks:
        top = framework_idnumber(framework)
        rows.append([top, "group", framework.title, _html_text(framework.description), *[""] * 3, "", "active", "",
                     *[""] * width])
        for item in framework.items:
            parent = _parent_idnumber(framework, item) or top
            if item.type == "domain":
                rows.append([idnumber(item), "group", f"{item.code} {item.title}".strip(),
                             _html_text(item.statement), "", "", "", parent, "active", "", *[""] * width])
            elif item.type == "standard":
                rows.append([idnumber(item), "outcome", f"{item.code} {item.label}", _canvas_description(framework, item), item.code, "highest", "", parent, "active", CANVAS_RATINGS[0][0], *ratings])
    return _write(header, rows)


def _parent_idnumber(framework: Framework, item: StandardItem) -> str:
    parent = next((i for i in framework.items if i.code == item.parent), None) if item.parent else None
    return idnumber(parent) if parent is not None else ""


def _taxonomy(framework: Framework) -> str:
    """Moodle's taxonomy: one term per depth of the tree (what a level's competencies are called)."""
    depth: dict[str, int] = {}
    kinds: dict[int, set[str]] = {}
    for item in framework.items:  # parents come first
        depth[item.code] = depth[item.parent] + 1 if item.parent in depth else 1
        kinds.setdefault(depth[item.code], set()).add(item.type)
    return ",".join(MOODLE_TAXONOMY.get(next(iter(k)), "competency") if len(k) == 1 else "competency"
                    for _, k in sorted(kinds.items()))


def _description(framework: Framework, item: StandardItem) -> str:
    lines = [" ".join(item.statement.split())]
    if item.levels:
        lines.append(f"Levels: {', '.join(item.levels)}")
    lines.append(framework.permalink(item.code))
    return "\n".join(lines)


def _canvas_description(framework: Framework, item: StandardItem) -> str:
    parts = [f"<p>{_html_text(item.statement)}</p>"]
    indicators = [i for i in framework.items if i.parent == item.code and i.type == "indicator"]
    if indicators:
        parts.append("<ul>" + "".join(f"<li>{html.escape(i.code)}: {_html_text(i.statement)}</li>"
                                      for i in indicators) + "</ul>")
    link = html.escape(framework.permalink(item.code))
    parts.append(f'<p><a href="{link}">{link}</a></p>')
    return "".join(parts)


def _html_text(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=False)


def _short(text: str, limit: int) -> str:
    """Text on one line, at most `limit` characters: cut at a word with an ellipsis rather than mid-word
    by the LMS. Angle brackets become their look-alikes: Moodle strips anything like a tag from names."""
    flat = " ".join(text.split()).replace("<", "\u2039").replace(">", "\u203a")
    if len(flat) <= limit:
        return flat
    cut = flat[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,.;:") + "\u2026"


def _escaped(text: str, limit: int) -> str:
    """Text as HTML (Totara shows descriptions as HTML) in at most `limit` characters, never cut inside an
    entity: shortened before it is escaped."""
    room = limit
    while len(escaped := html.escape(_short(text, room), quote=False)) > limit:
        room -= len(escaped) - limit
    return escaped


def _php_field(text: str) -> str:
    """PHP's CSV reader (fgetcsv, used by Moodle and Totara) takes a backslash before a quote as an escape:
    such a backslash, or one ending the field, would join the field to the next. It is dropped (in every
    file: Canvas would read it as it is, but one rule for all three keeps them saying the same)."""
    return re.sub(r'\\+(?="|$)', "", text)


def _write(header: Iterable[CellValue], rows: Iterable[Iterable[CellValue]]) -> bytes:
    """The reports' one CSV writer (every cell through safe_cell), each text first made safe for PHP's reader."""
    return csv_bytes(header, ([_php_field(v) if isinstance(v, str) else v for v in row] for row in rows))
