"""The LMS importers' rules, re-implemented from their published code and documentation, to read the kit's
files as each LMS would: Moodle's competency framework importer (tool_lpimportcsv with Moodle's CSV
reader), Totara's HR Import competency source, and Canvas's outcomes import. Each returns what the LMS
would create, or raises `Refused` with the importer's reason.

None of their code is here: the rules are stated in words (docs/lms.md lists the sources) and written
again in Python.
"""

from __future__ import annotations

import csv
import io
import json
import re


class Refused(Exception):
    """The LMS would refuse the file (or lose a row of it) for this reason."""


def _rows(data: bytes, *, php: bool) -> list[list[str]]:
    """RFC 4180 rows. PHP's fgetcsv (Moodle, Totara) also reads a backslash before a quote as an escape, so
    such a field would be read differently: refused here. Moodle drops a BOM, turns CR LF into LF and trims
    the end of the file before reading."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"not UTF-8: {exc}")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if php:
        text = text.strip()
        if re.search(r'\\"', text):
            raise Refused("a backslash before a quote or at the end of a field: PHP's CSV reader escapes it")
    return list(csv.reader(io.StringIO(text), strict=True))


# ---------------------------------------------------------------- Moodle (tool_lpimportcsv)

MOODLE_HEADERS = 14
MOODLE_TAXONOMIES = {"behaviour", "competency", "concept", "domain", "indicator", "level", "outcome", "practice",
                     "proficiency", "skill", "value"}
MOODLE_FORMATS = {"0", "1", "2", "4"}  # FORMAT_MOODLE, FORMAT_HTML, FORMAT_PLAIN, FORMAT_MARKDOWN


def moodle_import(data: bytes) -> dict:
    """The framework Moodle would create: {idnumber, shortname, scale, taxonomies, competencies: {idnumber:
    {parent, shortname, description, depth}}} in file order."""
    rows = _rows(data, php=True)
    if not rows:
        raise Refused("empty file (csvemptyfile)")
    header, body = rows[0], rows[1:]
    if any(len(r) != len(header) for r in body):
        raise Refused("rows with another number of columns than the header (csvweirdcolumns)")
    if len(header) != MOODLE_HEADERS:
        raise Refused(f"{len(header)} columns, not Moodle's {MOODLE_HEADERS}")
    frameworks = [r for r in body if r[12].strip() not in ("", "0")]
    if len(frameworks) != 1:
        raise Refused(f"{len(frameworks)} framework rows (exactly one is needed; a later one replaces an earlier)")
    fw = frameworks[0]
    scale = fw[5].split(",")
    if not fw[1] or not fw[2]:
        raise Refused("the framework has no id number or short name")
    _moodle_name(fw[1], "framework id number")
    _moodle_name(fw[2], "framework short name")
    config = json.loads(fw[6])
    if not (isinstance(config, list) and config and isinstance(config[0], dict) and "scaleid" in config[0]):
        raise Refused("scale configuration is not [{scaleid}, ...]")
    items = config[1:]
    if not all(1 <= i.get("id", 0) <= len(scale) for i in items):
        raise Refused("scale configuration names a value the scale does not have")
    if sum(bool(i.get("scaledefault")) for i in items) != 1 or not any(i.get("proficient") for i in items):
        raise Refused("the scale needs one default value and at least one proficient value")
    taxonomies = fw[13].split(",")
    if not set(taxonomies) <= MOODLE_TAXONOMIES:
        raise Refused(f"unknown taxonomy terms {sorted(set(taxonomies) - MOODLE_TAXONOMIES)}")
    competencies: dict[str, dict] = {}
    for row in body:
        if row is fw:
            continue
        parent, idn, short, description, fmt = row[0], row[1], row[2], row[3], row[4]
        if not idn or not short:
            raise Refused(f"a competency without id number or short name is silently skipped: {row[:3]}")
        _moodle_name(idn, "id number")
        _moodle_name(short, "short name")
        if idn in competencies:
            raise Refused(f"id number {idn} twice")
        if parent and parent not in competencies:
            raise Refused(f"{idn}: parent {parent} is not defined before it")
        if fmt not in MOODLE_FORMATS:
            raise Refused(f"{idn}: description format {fmt!r}")
        if (row[8] and not row[8].isdigit()) or (row[8] and int(row[8]) > 3):
            raise Refused(f"{idn}: rule outcome {row[8]!r}")
        for related in filter(None, row[10].split(",")):
            if related.replace("%2C", ",") not in competencies and related.replace("%2C", ",") not in {
                    r[1] for r in body}:
                raise Refused(f"{idn}: cross-reference {related} names no competency")
        depth = competencies[parent]["depth"] + 1 if parent else 1
        competencies[idn] = {"parent": parent, "shortname": short, "description": description, "depth": depth}
    deepest = max((c["depth"] for c in competencies.values()), default=0)
    if len(taxonomies) < deepest:
        raise Refused(f"{len(taxonomies)} taxonomy terms for a tree {deepest} deep")
    return {"idnumber": fw[1], "shortname": fw[2], "description": fw[3], "scale": scale, "taxonomies": taxonomies,
            "competencies": competencies}


def _moodle_name(value: str, what: str) -> None:
    """Moodle cleans names as PARAM_TEXT (tags stripped) and cuts them to 100 characters: either would
    change what was written."""
    if len(value) > 100:
        raise Refused(f"{what} longer than 100 characters: {value[:40]}...")
    if re.search(r"<[^>]*>?", value):
        raise Refused(f"{what} holds what Moodle strips as a tag: {value}")


# ---------------------------------------------------------------- Totara (HR Import, competency element)

TOTARA_FIELDS = {"idnumber", "timemodified", "frameworkidnumber", "shortname", "fullname", "parentidnumber",
                 "description", "typeidnumber", "deleted", "aggregationmethod", "assignavailability"}
TOTARA_REQUIRED = {"idnumber", "fullname", "frameworkidnumber", "timemodified"}


def totara_import(data: bytes, frameworks: set[str]) -> dict[str, dict]:
    """The competencies HR Import would create in the frameworks already on the site."""
    rows = _rows(data, php=True)
    header, body = rows[0], rows[1:]
    unknown = [h for h in header if h not in TOTARA_FIELDS and not h.startswith("customfield_")]
    if unknown or not set(header) >= TOTARA_REQUIRED:
        raise Refused(f"unknown fields {unknown} or missing {sorted(TOTARA_REQUIRED - set(header))}")
    if any(len(r) != len(header) for r in body):
        raise Refused("rows with another number of columns than the header")
    out: dict[str, dict] = {}
    for raw in body:
        row = dict(zip(header, raw))
        idn = row["idnumber"]
        if not 1 <= len(idn) <= 100:
            raise Refused(f"idnumber {idn!r}: 1-100 characters")
        if idn in out:
            raise Refused(f"idnumber {idn} twice")
        if not 1 <= len(row["frameworkidnumber"]) <= 100 or row["frameworkidnumber"] not in frameworks:
            raise Refused(f"{idn}: framework {row['frameworkidnumber']!r} is not on the site")
        if not 1 <= len(row["fullname"]) <= 1000:
            raise Refused(f"{idn}: fullname of {len(row['fullname'])} characters (1-1000)")
        if len(row.get("shortname", "")) > 100 or len(row.get("parentidnumber", "")) > 100:
            raise Refused(f"{idn}: shortname or parentidnumber over 100 characters")
        if len(row.get("description", "")) > 1000:
            raise Refused(f"{idn}: description over 1000 characters")
        parent = row.get("parentidnumber", "")
        if parent and (parent not in out or out[parent]["framework"] != row["frameworkidnumber"]):
            raise Refused(f"{idn}: parent {parent} is not defined before it in the same framework")
        if not re.fullmatch(r"\d*", row["timemodified"]) or row.get("deleted", "") not in ("", "0", "1"):
            raise Refused(f"{idn}: timemodified or deleted is not a number")
        out[idn] = {"framework": row["frameworkidnumber"], "parent": parent, "fullname": row["fullname"],
                    "shortname": row.get("shortname", ""), "description": row.get("description", "")}
    return out


# ---------------------------------------------------------------- Canvas (outcomes import)

CANVAS_REQUIRED = {"title", "vendor_guid", "object_type", "parent_guids"}
CANVAS_OPTIONAL = {"canvas_id", "description", "display_name", "calculation_method", "calculation_int",
                   "workflow_state", "mastery_points"}
CANVAS_METHODS = {"", "decaying_average", "n_mastery", "highest", "latest"}


def canvas_import(data: bytes) -> dict[str, dict]:
    """The outcome groups and outcomes Canvas would create: {vendor_guid: {type, title, parents, ratings}}."""
    rows = _rows(data, php=False)
    header = rows[0]
    end = header.index("ratings") if "ratings" in header else len(header)
    names, after = header[:end], [h for h in header[end + 1:] if h.strip()]
    if after:
        raise Refused(f"fields after ratings: {after}")
    if not set(names) >= CANVAS_REQUIRED or set(names) - CANVAS_REQUIRED - CANVAS_OPTIONAL:
        raise Refused(f"missing {sorted(CANVAS_REQUIRED - set(names))} or invalid "
                      f"{sorted(set(names) - CANVAS_REQUIRED - CANVAS_OPTIONAL)} fields")
    out: dict[str, dict] = {}
    for line, raw in enumerate(rows[1:], 2):
        row = dict(zip(names, raw))
        ratings = list(raw[len(names):])
        while ratings and not ratings[-1]:
            ratings.pop()
        guid = row["vendor_guid"]
        if not guid or not row["title"]:
            raise Refused(f"line {line}: vendor_guid and title are required")
        if re.search(r"\s", guid):
            raise Refused(f"line {line}: vendor_guid {guid!r} has a space")
        if guid in out:
            raise Refused(f"line {line}: {guid} has already appeared in this import")
        if row.get("workflow_state", "") not in ("", "active", "deleted"):
            raise Refused(f"line {line}: workflow_state")
        parents = row["parent_guids"].split()
        missing = [p for p in parents if out.get(p, {}).get("type") != "group"]
        if missing:
            raise Refused(f"line {line}: parent references not found prior to this row: {missing}")
        kind = row["object_type"]
        if kind == "group":
            if any(row.get(f) for f in ("calculation_method", "calculation_int", "mastery_points")) or ratings:
                raise Refused(f"line {line}: invalid fields for a group")
            if len(parents) > 1:
                raise Refused(f"line {line}: an outcome group can only have one parent")
        elif kind == "outcome":
            if row.get("calculation_method", "") not in CANVAS_METHODS:
                raise Refused(f"line {line}: calculation_method")
            points, prior = [], None
            for n in range(0, len(ratings), 2):
                try:
                    value = int(ratings[n])
                except ValueError:
                    raise Refused(f"line {line}: invalid points for rating tier {n // 2 + 1}")
                if prior is not None and prior < value:
                    raise Refused(f"line {line}: rating tiers must decrease")
                prior = value
                points.append((value, ratings[n + 1] if n + 1 < len(ratings) else ""))
            row["ratings"] = points
        else:
            raise Refused(f"line {line}: invalid object_type {kind!r}")
        out[guid] = {"type": kind, "title": row["title"], "parents": parents, "ratings": row.get("ratings", []),
                     "description": row.get("description", ""), "mastery_points": row.get("mastery_points", "")}
    return out
