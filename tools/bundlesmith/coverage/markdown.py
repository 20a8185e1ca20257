"""The Markdown view, for pasting into an accreditation submission. Same sections as the HTML report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar, cast

from bundlesmith.coverage.csv import cell_text
from bundlesmith.coverage.document import Coverage, FrameworkCoverage
from bundlesmith.coverage.model import GAP_WORDS, LEVEL_GAP_WORDS, STATUSES

GAP_TITLES = GAP_WORDS  # the coverage model's words, in every view


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: Iterable[Iterable[object]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _hm(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _local(flag: bool) -> str:
    return " (local)" if flag else ""


def local_content(doc: Coverage) -> str:
    """Local modules and the slots a variant filled in national modules, or that there are none."""
    parts = [f"{m['id']} (local module)" if m["local"] else f"{m['id']}: local slot(s) {', '.join(m['local_slots'])}"
             for m in doc["modules"] if m["local"] or m["local_slots"]]
    return "; ".join(parts) or "none: national content only"


Document = TypeVar("Document", Coverage, FrameworkCoverage)


def _inert(doc: Document) -> Document:
    """The document with every text made inert in Markdown: co-creators' HTML (`<script>`, `<img
    onerror>`) shows as text, and brackets cannot make links, in any viewer that renders the file."""
    return cast(Document, _inert_value(doc))  # the same keys and shapes; only the texts differ


def _inert_value(value: object) -> object:
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("[", "\\[").replace("]", "\\]")
    if isinstance(value, dict):
        return {k: _inert_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_inert_value(v) for v in value]
    return value


def render(doc: Coverage) -> bytes:
    doc = _inert(doc)
    b, s, p = doc["bundle"], doc["summary"], doc["provenance"]
    variant = f" — {b['variant']['title']} variant" if b["variant"] else ""
    out = [f"# Coverage report: {b['title']} {b['version']}{variant}", ""]
    acc = b["accreditation"]
    out += [f"- Bundle: `{b['id']}` version {b['version']}; levels: {', '.join(b['levels'])}",
            f"- Accreditation: {acc['status']}" + (f", {acc['body']}" if acc and acc["body"] else "")
            + (f", reference {acc['reference']}" if acc and acc["reference"] else "")
            + (f", valid until {acc['valid_until']}" if acc and acc["valid_until"] else "") if acc else "- Accreditation: none",
            f"- Content hash (sha256): `{p['content_hash']}`",
            f"- Reviews as of: {doc['currency']['as_of']}", ""]
    out += ["## Summary", ""]
    out += _table(["measure", "value"], [
        ("modules (counting / local)", f"{s['modules']} ({s['modules_counting']} / {s['modules_local']})"),
        ("local content", local_content(doc)),
        ("time, guided", _hm(s["minutes_guided"])), ("time, self-directed", _hm(s["minutes_self_directed"])),
        ("targeted standards", s["targeted_standards"]), ("met", s["met"]), ("assessed", s["assessed"]),
        ("delivered only", s["delivered_only"]), ("not met", s["not_met"]), ("gaps", s["gaps"]),
        ("modules overdue for review", s["overdue_modules"]), ("co-production flags", s["co_production_flags"])])

    out += ["## Standards × modules", "",
            "I introduces, D develops, A assesses; (A) in brackets: the module is draft or retired and does not count.", ""]
    columns = doc["matrix"]["columns"]
    out += _table(["standard", *columns], ([r["standard"], *(cell_text(c) for c in r["cells"])]
                                           for r in doc["matrix"]["rows"]))

    out += ["## Standards in detail", ""]
    for st in doc["standards"]:
        out += [f"### {st['ref']} {st['title']}{_local(st['local'])}", "", st["statement"], "",
                f"- Status: **{st['status']}**; levels: {', '.join(st['levels'])}",
                f"- Minutes: {st['minutes_guided']} guided, {st['minutes_self_directed']} self-directed",
                f"- Assessment: {', '.join(st['assessment_methods']) or 'none'}"]
        if st["quiz_items"]:
            out.append("- Quiz items: " + "; ".join(f"{q['module']}#{q['id']} {q['prompt']}" for q in st["quiz_items"]))
        for m in st["modules"]:
            out.append(f"- Module [{m['id']}]({m['href']}) {m['letter']}{_local(m['local'])}"
                       + ("" if m["counts"] else f" — {m['status']}, does not count"))
        for o in st["outcomes"]:
            out.append(f"  - outcome {o['module']} {o['id']}: {o['text']}")
        if st["gaps"]:
            out.append("- Gaps: " + ", ".join(GAP_TITLES[g] for g in st["gaps"]))
        out.append("")

    out += ["## Gaps", ""]
    out += _table(["standard", "gap", "detail"], ((g["standard"], GAP_TITLES[g["kind"]], g["detail"])
                                                 for g in doc["gaps"])) if doc["gaps"] else ["No gaps.", ""]

    out += ["## Level gaps", ""]
    out += _table(["standard", "title", "level gap", "levels"], (
        (g["standard"], g["title"], LEVEL_GAP_WORDS[g["kind"]], ", ".join(g["levels"])) for g in doc["level_gaps"]
    )) if doc["level_gaps"] else [("No level gaps: every standard the framework expects at this bundle's levels is "
                                   "targeted, and none only introduced."), ""]

    out += ["## Standards not targeted (informational)", ""]
    out += _table(["standard", "title", "levels", "expected at this level", "status", "modules"], (
        (st["ref"] + _local(st["local"]), st["title"], ", ".join(st["levels"]), "yes" if st["expected"] else "no",
         STATUSES[st["status"]], " ".join(f"{m['id']} {m['letter']}" for m in st["modules"]))
        for st in doc["not_targeted"]))

    out += ["## Domains", ""]

    def pct(share: float | None) -> str:
        return "—" if share is None else f"{round(share * 100)}%"

    out += _table(["domain", "title", "targeted", "covered", "assessed", "hours"], (
        (f"{d['framework']}:{d['code']}{_local(d['local'])}", d["title"], d["targeted"], pct(d["share_met"]),
         pct(d["share_assessed"]), d["hours"]) for d in doc["domains"]))

    co = doc["co_production"]
    out += ["## Co-production", "",
            "Roles the bundle requires (any one): " + (", ".join(co["require_any_of"]) or "none"), ""]
    out += _table(["role", "modules"], ((r["role"], " ".join(r["modules"])) for r in co["roles"]))
    for shaped in co["modules"]:
        flag = f" — **flagged: {shaped['flag']}**" if shaped["flag"] else ""
        out.append(f"- {shaped['module']}{_local(shaped['local'])}{flag}")
        out += [f"  - {r['role']}: {r['contribution']}" for r in shaped["roles"]]
    out.append("")

    out += ["## Plain English", "", "Estimated reading age of each module's text (Flesch–Kincaid grade + 5).", ""]
    out += _table(["module", "reading age", "grade", "words", "sentences"], (
        (m["id"], r["reading_age"], r["flesch_kincaid_grade"], r["words"], r["sentences"]) if (r := m["reading"])
        else (m["id"], "too short to estimate", "", "", "") for m in doc["modules"]))

    cur = doc["currency"]
    out += ["## Currency", "", f"As of {cur['as_of']}.", ""]
    out += _table(["module", "version", "status", "reviewed", "next review", "overdue"], (
        (m["module"], m["version"], m["status"], m["reviewed"], m["next_review"],
         f"yes ({m['days_overdue']} days)" if m["overdue"] else "no") for m in cur["modules"]))
    if cur["since"]:
        since = cur["since"]
        out += [f"Changes since version {since['bundle_version']} (content hash `{since['content_hash']}`):", ""]
        out += [f"- added: {a['id']} {a['version']}" for a in since["added"]]
        out += [f"- removed: {a['id']} {a['version']}" for a in since["removed"]]
        out += [f"- version bumped: {a['id']} {a['from']} → {a['to']}" for a in since["version_bumped"]]
        if not (since["added"] or since["removed"] or since["version_bumped"]):
            out.append("- no module added, removed or version-bumped")
        out.append("")

    out += ["## Provenance", "", f"- Content hash (sha256): `{p['content_hash']}`"]
    if p["source"]:
        out.append(f"- Source revision: {p['source']['system']} `{p['source']['revision']}`"
                   + (" (these files differ from it)" if p["source"]["modified"] else ""))
    out += [f"- Package `{k['filename']}` (SCORM {k['scorm_version']}): sha256 `{k['sha256']}`" for k in p["packages"]]
    out += ["", "Source files:", ""]
    out += _table(["file", "sha256"], ((f["path"], f["sha256"]) for f in p["files"]))
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")


def render_framework(doc: FrameworkCoverage) -> bytes:
    doc = _inert(doc)
    variant = f" — {doc['variant']['title']} variant" if doc["variant"] else ""
    out = [f"# Framework coverage across bundles{variant}", "",
           ("Each cell: the strongest level at which the bundle's counting modules meet the standard "
            "(I, D, A); * marks a standard the bundle targets."), ""]
    bundles = [b["id"] for b in doc["bundles"]]
    out += _table(["standard", "levels", *bundles, "levels not covered"], (
        [s["ref"] + _local(s["local"]), ", ".join(s["levels"]),
         *((c["letter"] or "") + ("*" if c["targeted"] else "") for c in s["bundles"]),
         ", ".join(lv["level"] for lv in s["level_coverage"] if not lv["covered"])] for s in doc["standards"]))
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")
