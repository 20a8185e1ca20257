"""The print HTML of a bundle's handbook, learner or facilitator edition: what WeasyPrint lays out as PDF.

One document per bundle and edition: a cover (title, version, accreditation, licence), the timetable when
the bundle has a schedule, every module (outcomes, standards, content, knowledge check as exercises), the
standards map (read from the one coverage model) and the co-creation acknowledgements. The facilitator
edition adds the answers and their feedback, session timings, facilitator notes and materials; the learner
edition holds none of those. A variant's local content is marked as local.

Module bodies are rendered for paper by the module renderer's rules (render/url_policy.py `handbook`): their
headings under the module's own, their ids with a per-module prefix (one document holds every module), their
links to the handbook's modules pointed at them and any other relative link spelled out, since paper
cannot follow it.
"""

from __future__ import annotations

import hashlib
import html
import mimetypes
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bundlesmith.coverage.model import STATUSES, bundle_coverage_model
from bundlesmith.model import STRENGTH_LETTER, Bundle, Catalogue, Module, Quiz, Session, Variant
from bundlesmith.render import url_policy
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.module_html import render_markdown
from bundlesmith.render.url_policy import Layout

EDITIONS = ("learner", "facilitator")
EDITION_TITLE = {"learner": "Learner handbook", "facilitator": "Facilitator handbook"}
LANGUAGE = "en-GB"
STRENGTH_WORD = {"introduces": "Introduces", "develops": "Develops", "assesses": "Assesses"}


def e(value: object) -> str:
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class HandbookPlan:
    """What one bundle's handbooks hold, decided once for both editions."""

    catalogue: Catalogue
    bundle: Bundle
    modules: tuple[Module, ...]  # in teaching order: the schedule's, else the bundle's
    sessions: dict[str, Session]  # module id -> its session (empty without a schedule)
    dated: date | None  # the content's date: the latest review of its modules (never the clock)

    @property
    def variant(self) -> Variant | None:
        return self.catalogue.variant


def plan_handbook(catalogue: Catalogue, bundle: Bundle) -> HandbookPlan:
    ids = list(bundle.module_ids)
    sessions: dict[str, Session] = {}
    if bundle.schedule is not None:
        for session in bundle.schedule.sessions:
            if session.module in ids and session.module not in sessions:
                sessions[session.module] = session
        order = list(sessions) + [m for m in ids if m not in sessions]
    else:
        order = ids
    modules = tuple(catalogue.modules[m] for m in order if m in catalogue.modules)
    dates = [m.review.reviewed for m in modules if m.review.reviewed is not None]
    return HandbookPlan(catalogue, bundle, modules, sessions, max(dates) if dates else None)


def has_local_content(catalogue: Catalogue, bundle: Bundle) -> bool:
    """Whether a variant's view of the bundle differs from the national one: a local section, module, filled
    slot or scheduled day or session."""
    modules = [catalogue.modules[m] for m in bundle.module_ids if m in catalogue.modules]
    sessions = bundle.schedule.sessions if bundle.schedule is not None else ()
    return (any(s.local for s in bundle.sections) or any(m.local or m.local_slots for m in modules)
            or any(s.local for s in sessions))


def document_title(plan: HandbookPlan, edition: str) -> str:
    variant = f" ({plan.variant.title})" if plan.variant else ""
    return f"{plan.bundle.title}{variant}: {EDITION_TITLE[edition].lower()}"


def render_handbook(plan: HandbookPlan, edition: str, cache: RenderCache, css: str) -> str:
    """The whole print HTML of one edition (a complete document, `css` inlined)."""
    facilitator = edition == "facilitator"
    bundle = plan.bundle
    head = [f'<!DOCTYPE html>\n<html lang="{LANGUAGE}">\n<head>\n<meta charset="utf-8">',
            f"<title>{e(document_title(plan, edition))}</title>",
            '<meta name="generator" content="bundlesmith">',
            f'<meta name="description" content="{e(bundle.description)}">']
    if plan.dated is not None:  # PDF creation and modification dates: the content's, so builds repeat
        stamp = f"{plan.dated.isoformat()}T00:00:00Z"
        head += [f'<meta name="dcterms.created" content="{stamp}">', f'<meta name="dcterms.modified" content="{stamp}">']
    head += [f"<style>\n{css}</style>", "</head>", f'<body class="edition-{edition}">']
    body = [_cover(plan, edition)]
    if bundle.schedule is not None:
        body.append(_timetable(plan, facilitator))
    for number, module in enumerate(plan.modules, start=1):
        body.append(_module(plan, module, number, cache, facilitator))
    body.append(_standards_map(plan))
    body.append(_acknowledgements(plan))
    return "\n".join(head + body + ["</body>\n</html>\n"])


def _cover(plan: HandbookPlan, edition: str) -> str:
    bundle, variant = plan.bundle, plan.variant
    rows = [("Edition", EDITION_TITLE[edition]), ("Version", bundle.version)]
    if variant is not None:
        rows.append(("Local variant", f"{variant.title}: content marked \u2018Local\u2019 is written for {variant.title}"))
    acc = bundle.accreditation
    if acc is not None and acc.status != "none":
        words = [f"{acc.status.capitalize()}"] + ([f"by {acc.body}"] if acc.body else []) \
            + ([f"reference {acc.reference}"] if acc.reference else []) \
            + ([f"valid until {acc.valid_until.isoformat()}"] if acc.valid_until else [])
        rows.append(("Accreditation", ", ".join(words)))
    else:
        rows.append(("Accreditation", "Not accredited"))
    licences = sorted({m.licence for m in plan.modules if m.licence})
    rows.append(("Licence", ", ".join(licences) or "Not stated"))
    if plan.dated is not None:
        rows.append(("Content as of", plan.dated.isoformat()))
    table = "".join(f'<tr><th scope="row">{e(k)}</th><td>{e(v)}</td></tr>' for k, v in rows)
    return (f'<section class="cover" aria-label="Cover"><p class="cover-edition">{e(EDITION_TITLE[edition])}</p>'
            f'<h1>{e(bundle.title)}</h1><p class="cover-description">{e(bundle.description)}</p>'
            + (f'<p class="cover-audience"><strong>Who it is for:</strong> {e(bundle.audience)}</p>' if bundle.audience else "")
            + f'<table class="cover-facts"><caption>About this handbook</caption><tbody>{table}</tbody></table></section>')


def _local_mark(local: bool) -> str:
    return ' <span class="local-mark">(Local)</span>' if local else ""


def _timetable(plan: HandbookPlan, facilitator: bool) -> str:
    schedule = plan.bundle.schedule
    if schedule is None:
        return ""
    numbers = {m.id: n for n, m in enumerate(plan.modules, start=1)}
    parts = ['<section class="timetable"><h2 id="timetable">Timetable</h2>']
    for day in schedule.days:
        parts.append(f"<h3>{e(day.title)}{_local_mark(day.local)}</h3>")
        head = '<th scope="col">Session</th>' + ('<th scope="col">Starts</th><th scope="col">Minutes</th>' if facilitator else "") \
            + '<th scope="col">Materials</th>'
        rows, clock = [], 0
        for session in day.sessions:
            module = plan.catalogue.modules.get(session.module) if session.module else None
            if module is not None:
                name = f'<a href="#module-{e(module.id)}">Module {numbers.get(module.id, "")}: {e(module.title)}</a>'
            else:
                name = e(session.activity or session.module)
            name += _local_mark(session.local)
            timing = f"<td>{clock // 60}:{clock % 60:02d}</td><td>{session.minutes}</td>" if facilitator else ""
            materials = e("; ".join(session.materials)) or "None"
            rows.append(f"<tr><td>{name}</td>{timing}<td>{materials}</td></tr>")
            clock += session.minutes
        caption = f"{e(day.title)}" + (f": {day.minutes} minutes in all; times from the start of the day" if facilitator else "")
        parts.append(f'<table class="day"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
                     f'<tbody>{"".join(rows)}</tbody></table>')
        if facilitator:
            for session in day.sessions:
                if session.activity and session.notes:
                    parts.append(f'<section class="activity-notes"><h4>Notes: {e(session.activity)}</h4>'
                                 f"{notes_html(plan.catalogue.root, session.notes, 5)}</section>")
    parts.append("</section>")
    return "\n".join(parts)


def notes_html(root: Path, path: str, top: int) -> str:
    """A facilitator notes file as safe HTML, its headings starting at level `top`."""
    try:
        text = (root / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):  # check reports a missing file; never fail the print for it
        return "<p>(The notes file could not be read.)</p>"
    prefix = f"notes-{hashlib.sha256(path.encode()).hexdigest()[:8]}-"  # the same in every build
    fragment = render_markdown(text, url_policy.NOTES, Layout(id_prefix=prefix, top=top))
    return fragment if fragment.strip() else ""


def _module(plan: HandbookPlan, module: Module, number: int, cache: RenderCache, facilitator: bool) -> str:
    rendered = cache.get(module, plan.catalogue)
    mark = _local_mark(module.local)
    parts = [f'<section class="module" id="module-{e(module.id)}">',
             f'<h2 class="module-title">Module {number}: {e(module.title)}{mark}</h2>',
             f'<p class="summary">{e(module.summary)}</p>']
    facts = [f"Version {e(module.version)}", f"{module.self_directed_minutes} minutes of self-directed study"]
    session = plan.sessions.get(module.id)
    if facilitator:
        facts.insert(1, f"{module.guided_minutes} minutes guided")
        if session is not None:
            facts.append(f"session of {session.minutes} minutes")
    parts.append(f'<p class="facts">{" · ".join(facts)}</p>')
    parts.append("<h3>Outcomes</h3><p>By the end of this module you will be able to:</p><ol class=\"outcomes\">"
                 + "".join(f"<li>{e(o.text)}</li>" for o in module.outcomes) + "</ol>")
    if module.standards:
        rows = []
        for alignment in module.standards:
            item = plan.catalogue.standard(alignment.standard)
            title = item.label if item is not None else ""
            rows.append(f"<tr><td>{e(alignment.standard)}</td><td>{e(title)}</td>"
                        f"<td>{e(STRENGTH_WORD.get(alignment.strength, alignment.strength))}</td></tr>")
        parts.append('<h3>Standards</h3><table class="standards"><caption>Standards this module meets</caption>'
                     '<thead><tr><th scope="col">Standard</th><th scope="col">Title</th><th scope="col">How</th></tr>'
                     f'</thead><tbody>{"".join(rows)}</tbody></table>')
    if facilitator and session is not None and (session.notes or session.materials):
        parts.append('<section class="facilitator-notes"><h3>Facilitator notes</h3>')
        if session.materials:
            parts.append("<p><strong>Materials:</strong> " + e("; ".join(session.materials)) + "</p>")
        if session.notes:
            parts.append(notes_html(plan.catalogue.root, session.notes, 4))
        parts.append("</section>")
    policy = url_policy.handbook({m.id: f"module-{m.id}" for m in plan.modules})
    layout = Layout(id_prefix=f"m-{module.id}-", top=3, drop_title=module.title, quiz=False,
                    local_note=plan.variant.title if plan.variant else "")
    parts.append(f'<div class="module-body">{rendered.body(policy, layout).html}</div>')
    if module.quiz is not None and module.quiz.questions:
        parts.append(exercises_html(module.quiz, rendered.quiz_title, facilitator))
    parts.append("</section>")
    return "\n".join(parts)


def exercises_html(quiz: Quiz, title: str, facilitator: bool) -> str:
    """The knowledge check on paper: numbered questions with lettered choices; the facilitator edition
    adds each answer and the feedback."""
    parts = [f'<section class="exercises"><h3>Exercises: {e(title)}</h3>',
             "<p>Choose the best answer" + (" (or answers, where it says so)" if any(q.multiple for q in quiz.questions)
                                             else "") + ".</p><ol class=\"questions\">"]
    for question in quiz.questions:
        hint = " (choose all that apply)" if question.multiple else ""
        choices = "".join(f"<li>{e(c.text)}</li>" for c in question.choices)
        item = f'<li class="question"><p>{e(question.prompt)}{hint}</p><ol class="choices" type="a">{choices}</ol>'
        if facilitator:
            right = [f"{chr(97 + i)}) {c.text}" for i, c in enumerate(question.choices) if c.correct]
            item += f'<p class="answer"><strong>Answer:</strong> {e("; ".join(right))}</p>'
            feedback = [f"{chr(97 + i)}) {c.feedback}" for i, c in enumerate(question.choices) if c.feedback]
            if feedback:
                item += '<ul class="feedback">' + "".join(f"<li>{e(f)}</li>" for f in feedback) + "</ul>"
            if question.feedback:
                item += f'<p class="feedback">{e(question.feedback)}</p>'
        parts.append(item + "</li>")
    parts.append("</ol></section>")
    return "\n".join(parts)


def asset_type(path: str) -> str:
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def _standards_map(plan: HandbookPlan) -> str:
    coverage = bundle_coverage_model(plan.catalogue, plan.bundle)
    parts = ['<section class="appendix"><h2 id="standards-map">Appendix: standards map</h2>',
             ("<p>How the modules of this handbook meet the standards the programme targets. "
              "I introduces, D develops, A assesses.</p>")]
    rows = []
    for cov in coverage.targets:
        modules = ", ".join(f"{c.module.title} ({STRENGTH_LETTER[c.strength]})" + (" (Local)" if c.module.local else "")
                            for c in cov.contributions) or "None"
        rows.append(f"<tr><td>{e(cov.item.ref)}</td><td>{e(cov.item.label)}</td>"
                    f"<td>{e(STATUSES[cov.status])}</td><td>{e(modules)}</td></tr>")
    parts.append('<table class="standards-map"><caption>Targeted standards and the modules that meet them</caption>'
                 '<thead><tr><th scope="col">Standard</th><th scope="col">Title</th><th scope="col">Status</th>'
                 f'<th scope="col">Modules</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>')
    return "\n".join(parts)


def _acknowledgements(plan: HandbookPlan) -> str:
    parts = ['<section class="acknowledgements"><h2 id="acknowledgements">Co-creation acknowledgements</h2>',
             "<p>These modules were written with the people named by their role below.</p>"]
    for module in plan.modules:
        if not module.co_creation:
            continue
        items = "".join(f"<li><strong>{e(c.role.replace('-', ' ').capitalize())}</strong>"
                        + (f" ({e(c.date)})" if c.date else "") + f": {e(c.contribution)}</li>"
                        for c in module.co_creation)
        parts.append(f'<h3>{e(module.title)}{_local_mark(module.local)}</h3><ul>{items}</ul>')
    parts.append("</section>")
    return "\n".join(parts)
