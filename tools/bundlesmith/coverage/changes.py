"""What changed between two coverage documents of one bundle: the change log of a release.

Both documents are `coverage.json` as compute.bundle_coverage writes it (the earlier one read back from
a verified release), so the change log says what accreditation reviewers read in the two reports:
- modules added, removed and version-bumped (by id, in bundle order);
- standards gained and lost: targeted standards met now and not before, and the other way round
  (`met` is the coverage model's, coverage/model.py);
- hours changed: the learning time of the counting modules, guided and self-directed;
- co-creation records added: a role, contribution and date on a module that the earlier report lacks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from bundlesmith.coverage.document import Coverage, ModuleChanges

# A coverage document read back from an earlier release: JSON that has not been checked against the
# current shape (a key may be missing), so it is read with .get() and defaults.
Earlier = Mapping[str, Any]


class StandardRef(TypedDict):
    ref: str
    title: str


MinutesChange = TypedDict("MinutesChange", {"from": int, "to": int})


class CoCreationRecord(TypedDict):
    module: str
    role: str
    contribution: str
    date: str | None


class Changes(TypedDict):
    """The change log's data (changes())."""

    from_version: str | None
    from_content_hash: str | None
    modules: ModuleChanges
    standards_gained: list[StandardRef]
    standards_lost: list[StandardRef]
    minutes: dict[str, MinutesChange]
    co_creation_added: list[CoCreationRecord]


def module_changes(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> ModuleChanges:
    """Modules added, removed and version-bumped between two lists of `{"id", "version"}` rows."""
    old = {m["id"]: m["version"] for m in before}
    new = {m["id"]: m["version"] for m in after}
    return {
        "added": [{"id": i, "version": v} for i, v in new.items() if i not in old],
        "removed": [{"id": i, "version": v} for i, v in old.items() if i not in new],
        "version_bumped": [{"id": i, "from": old[i], "to": v} for i, v in new.items() if i in old and old[i] != v],
    }


def _met(doc: Earlier) -> dict[str, str]:
    return {s["ref"]: s["title"] for s in doc.get("standards", []) if s.get("met")}


def _records(doc: Earlier) -> list[tuple[str, str, str, str]]:
    return [(m["module"], r["role"], r["contribution"], r["date"] or "")
            for m in doc.get("co_production", {}).get("modules", []) for r in m.get("roles", [])]


def changes(previous: Earlier, current: Coverage) -> Changes:
    """The change log's data: what `current` adds to, removes from or changes in `previous`."""
    was, now = _met(previous), _met(current)
    before, after = previous.get("summary", {}), current["summary"]
    old_records = set(_records(previous))
    return {
        "from_version": previous.get("bundle", {}).get("version"),
        "from_content_hash": previous.get("provenance", {}).get("content_hash"),
        "modules": module_changes(previous.get("modules", []), current["modules"]),
        "standards_gained": [{"ref": r, "title": t} for r, t in now.items() if r not in was],
        "standards_lost": [{"ref": r, "title": t} for r, t in was.items() if r not in now],
        "minutes": {key: {"from": before.get(key, 0), "to": after[key]}
                    for key in ("minutes_guided", "minutes_self_directed")},
        "co_creation_added": [{"module": m, "role": r, "contribution": c, "date": d or None}
                              for m, r, c, d in _records(current) if (m, r, c, d) not in old_records],
    }


def _hours(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _delta(before: int, after: int) -> str:
    if before == after:
        return "unchanged"
    return ("+" if after > before else "-") + _hours(abs(after - before))


def render_changelog(current: Coverage, change: Changes | None, released: str) -> bytes:
    """CHANGELOG.md of a release: `change` from changes(), or None for a bundle's first release."""
    bundle = current["bundle"]
    out = [f"# {bundle['title']} {bundle['version']}", "",
           f"Bundle `{bundle['id']}`, released {released}; content hash `{current['provenance']['content_hash']}`.", ""]
    if change is None:
        summary = current["summary"]
        out += ["First release.", "",
                f"- {summary['modules']} module(s): " + ", ".join(f"{m['id']} {m['version']}" for m in current["modules"]),
                (f"- {summary['met']} of {summary['targeted_standards']} targeted standard(s) met, "
                 f"{summary['assessed']} assessed"),
                (f"- learning time: {_hours(summary['minutes_guided'])} guided, "
                 f"{_hours(summary['minutes_self_directed'])} self-directed"),
                f"- {len(_records(current))} co-creation record(s)", ""]
        return "\n".join(out).encode("utf-8")
    out += [f"Changes since version {change['from_version']} (content hash `{change['from_content_hash']}`).", ""]
    mods = change["modules"]
    out += ["## Modules", ""]
    out += [f"- added: {a['id']} {a['version']}" for a in mods["added"]]
    out += [f"- removed: {a['id']} {a['version']}" for a in mods["removed"]]
    out += [f"- version bumped: {a['id']} {a['from']} → {a['to']}" for a in mods["version_bumped"]]
    if not (mods["added"] or mods["removed"] or mods["version_bumped"]):
        out.append("- no module added, removed or version-bumped")
    out += ["", "## Standards met", ""]
    out += [f"- gained: {s['ref']} {s['title']}" for s in change["standards_gained"]]
    out += [f"- lost: {s['ref']} {s['title']}" for s in change["standards_lost"]]
    if not (change["standards_gained"] or change["standards_lost"]):
        out.append("- no standard gained or lost")
    out += ["", "## Learning time", ""]
    for key, label in (("minutes_guided", "guided"), ("minutes_self_directed", "self-directed")):
        m = change["minutes"][key]
        out.append(f"- {label}: {_hours(m['from'])} → {_hours(m['to'])} ({_delta(m['from'], m['to'])})")
    out += ["", "## Co-creation records added", ""]
    out += [f"- {r['module']}: {r['role']}, {r['contribution']}" + (f" ({r['date']})" if r["date"] else "")
            for r in change["co_creation_added"]]
    if not change["co_creation_added"]:
        out.append("- none")
    out.append("")
    return "\n".join(out).encode("utf-8")
