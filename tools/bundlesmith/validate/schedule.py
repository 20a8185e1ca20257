"""Rules for delivery schedules: every module of the bundle in exactly one session, long enough for the
module's guided time, days within the schedule's limit, facilitator notes that exist."""

from __future__ import annotations

from bundlesmith.diagnostics import Diagnostic, did_you_mean, error
from bundlesmith.model import Bundle, Catalogue, Schedule, Session


def check_schedules(catalogue: Catalogue) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for bundle in catalogue.bundles.values():
        if bundle.schedule is not None:
            problems += check_schedule(catalogue, bundle, bundle.schedule)
    return problems


def check_schedule(catalogue: Catalogue, bundle: Bundle, schedule: Schedule) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    members = bundle.module_ids
    scheduled: dict[str, object] = {}
    for session in schedule.sessions:
        if session.notes:
            problems += _check_notes(catalogue, session)
        mid = session.module
        if not mid:
            continue
        if mid not in members:
            problems.append(error(session.span, "schedule-unknown-module",
                                  f"module '{mid}' is scheduled but is not in bundle '{bundle.id}'",
                                  did_you_mean(mid, members) or "add it to a section of the bundle, or remove the session"))
            continue
        if mid in scheduled:
            problems.append(error(session.span, "schedule-duplicate",
                                  f"module '{mid}' is already scheduled (at {scheduled[mid]})"))
            continue
        scheduled[mid] = session.span
        module = catalogue.modules.get(mid)
        if module is not None and session.minutes < module.guided_minutes:
            problems.append(error(session.span, "schedule-too-short",
                                  f"the session for '{mid}' is {session.minutes} minutes, shorter than the module's "
                                  f"{module.guided_minutes} guided minutes (time.guided)"))
    for section in bundle.sections:
        for mid, span in section.modules:
            if mid not in scheduled and (mid in catalogue.modules or mid in catalogue.broken):
                problems.append(error(span, "schedule-unscheduled",
                                      f"module '{mid}' is in no session of the bundle's schedule (at {schedule.span})",
                                      "every module of a scheduled bundle is taught in exactly one session"))
                scheduled[mid] = span  # listed twice in the bundle: reported once (duplicate-module says the rest)
    for day in schedule.days:
        if day.minutes > schedule.max_day_minutes:
            problems.append(error(day.span, "schedule-day-too-long",
                                  f"day '{day.title}' is {day.minutes} minutes, longer than the "
                                  f"{schedule.max_day_minutes} a day may be (at {schedule.max_day_span})",
                                  "move a session to another day, or raise schedule.max_day_minutes"))
    return problems


def _check_notes(catalogue: Catalogue, session: Session) -> list[Diagnostic]:
    file = catalogue.root / session.notes
    if not session.notes.endswith(".md"):
        return [error(session.notes_span, "schedule-notes", f"notes '{session.notes}' are not a Markdown file (.md)")]
    if file.is_symlink() or not file.is_file():
        return [error(session.notes_span, "schedule-notes", f"notes file '{session.notes}' does not exist")]
    return []
