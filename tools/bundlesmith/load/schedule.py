"""Load a delivery schedule: the `schedule:` of a bundle, or of a variant's addition to a bundle.

A schedule is days of sessions; a session is a module of the bundle or a named activity, with its minutes,
facilitator notes (a Markdown file) and materials. Paths of notes are written relative to `content/` in a
bundle and to the variant's folder in `variant.yml`; the model holds them relative to the project root.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from bundlesmith.diagnostics import Diagnostic, Span, error
from bundlesmith.load.common import items_with_spans, span_of, strings, text
from bundlesmith.load.yaml_source import YMap
from bundlesmith.model import DEFAULT_DAY_MINUTES, Day, Schedule, ScheduleAddition, Session

CONTENT = "content"


def load_days(data: object, path: str, base: str, problems: list[Diagnostic], local: bool = False) -> tuple[Day, ...]:
    """The `days:` of a schedule mapping; `base` is the folder notes are relative to (project-relative)."""
    days: list[Day] = []
    for day, day_span in items_with_spans(data, "days", path):
        if not isinstance(day, dict):
            continue
        sessions = tuple(_session(s, span, path, base, problems, local)
                         for s, span in items_with_spans(day, "sessions", path) if isinstance(s, dict))
        days.append(Day(text(day, "title"), sessions, day_span, local))
    return tuple(days)


def load_schedule(data: object, path: str, problems: list[Diagnostic]) -> Schedule | None:
    """A bundle's schedule (the bundle's YAML mapping), or None when it has none."""
    raw = data.get("schedule") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        return None
    limit = raw.get("max_day_minutes", DEFAULT_DAY_MINUTES)
    limit = limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else DEFAULT_DAY_MINUTES
    limit_span = span_of(raw, "max_day_minutes", path) if "max_day_minutes" in raw else span_of(data, "schedule", path)
    return Schedule(load_days(raw, path, CONTENT, problems), limit, span_of(data, "schedule", path), limit_span)


def _session(data: YMap, span: Span, path: str, base: str, problems: list[Diagnostic], local: bool) -> Session:
    module, activity = text(data, "module"), text(data, "activity")
    if bool(module) == bool(activity):
        problems.append(error(span, "schedule-session",
                              "a session names either a module or an activity" + (", not both" if module else ""),
                              "write 'module: <id>' for a module of the bundle, 'activity: <name>' for anything else"))
    minutes = data.get("minutes")
    notes = text(data, "notes")
    notes_span = span_of(data, "notes", path) if notes else span
    resolved = ""
    if notes:
        resolved = posixpath.normpath(posixpath.join(base, notes))
        if posixpath.isabs(notes) or not resolved.startswith(base.rstrip("/") + "/"):
            problems.append(error(notes_span, "path-outside",
                                  f"notes '{notes}' point outside {base}/", f"notes are relative to {base}/"))
            resolved = ""
    return Session(module, activity, minutes if isinstance(minutes, int) and not isinstance(minutes, bool) else 0,
                   resolved, strings(data, "materials"), span, notes_span, local)


def extend_schedule(schedule: Schedule | None, addition: ScheduleAddition) -> Schedule:
    """The bundle's schedule with a variant's days: a day titled like one already there gets the variant's
    sessions at its end; any other day comes after the national days."""
    days = list(schedule.days) if schedule is not None else []
    for day in addition.days:
        index = next((i for i, d in enumerate(days) if d.title == day.title), None)
        if index is None:
            days.append(day)
        else:
            days[index] = replace(days[index], sessions=days[index].sessions + day.sessions)
    if schedule is None:
        return Schedule(tuple(days), DEFAULT_DAY_MINUTES, addition.span, addition.span)
    return replace(schedule, days=tuple(days))
