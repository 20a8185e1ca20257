"""The setup sheet's content for one bundle: the steps an LMS administrator follows, from importing the
framework to reading learners' records. Everything it states comes from the kit (`plan.Kit`)."""

from __future__ import annotations

from bundlesmith.lms.plan import RULE_WORDS, Competency, Kit, framework_idnumber, idnumber
from bundlesmith.lms.sheet import Block, Code, Heading, Para, Steps, Table, Text, text

SCORM_WORDS = {"1.2": "SCORM 1.2", "2004": "SCORM 2004 4th Edition"}


def files(kit: Kit) -> dict[str, str]:
    """The kit's files for this bundle (by name) and what each is for."""
    out = {}
    for framework in kit.frameworks:
        out[f"moodle-competencies-{framework.id}.csv"] = f"Moodle: the {framework.title} competency framework"
        out[f"totara-competencies-{framework.id}.csv"] = f"Totara: the {framework.title} competencies (HR Import)"
    out["canvas-outcomes.csv"] = "Canvas: every framework as outcome groups and outcomes"
    out["lms-setup.html"] = "this sheet"
    out["lms-setup.md"] = "this sheet, as Markdown"
    return out


def title(kit: Kit) -> str:
    where = f" ({kit.catalogue.variant.title})" if kit.catalogue.variant else ""
    return f"LMS setup: {kit.bundle.title} {kit.bundle.version}{where}"


def blocks(kit: Kit) -> list[Block]:
    """Every block of the sheet, in order."""
    return [*_intro(kit), *_framework_steps(kit), *_activity_settings(kit), *_competency_steps(kit),
            *_tracking(kit), *_other_lmss(kit), *_badge(kit)]


def _intro(kit: Kit) -> list[Block]:
    bundle = kit.bundle
    complete = sum(c.course_rule == "complete" for c in kit.competencies)
    glance = (
        (text("Bundle"), text(f"{bundle.title} ", Code(bundle.id), f", version {bundle.version}")),
        (text("Content"), text(kit.catalogue.variant.title + " (local variant)" if kit.catalogue.variant
                               else "National content")),
        (text("Package to upload"), text(Code(f"scorm/{kit.package}"), f" ({SCORM_WORDS[kit.scorm_version]})")),
        (text("Pass mark"), text(f"{kit.pass_mark}% on every knowledge check")),
        (text("Frameworks"), text(*_joined([Code(framework_idnumber(f)) for f in kit.frameworks]))),
        (text("Competencies to attach"), text(f"{len(kit.competencies)}: {complete} completed by this bundle, "
                                              f"{len(kit.competencies) - complete} given evidence")),
    )
    return [
        Heading(1, text(title(kit))),
        Para(text("For the LMS administrator who puts this bundle on Moodle, Totara, Canvas, the NHS Learning Hub "
                  "or ESR. Follow the steps in order; each file named is in this folder, the package in ",
                  Code("build/scorm/"), ".")),
        Table("This bundle at a glance", ("", "value"), glance),
        Table("Files in this folder", ("file", "what it is for"),
              tuple((text(Code(name)), text(what)) for name, what in files(kit).items())),
    ]


def _framework_steps(kit: Kit) -> list[Block]:
    blocks: list[Block] = [Heading(2, text("1. Import the competency framework"), "import")]
    for framework in kit.frameworks:
        fid = framework_idnumber(framework)
        blocks += [
            Heading(3, text(f"{framework.title} {framework.version} (", Code(fid), ")")),
            Para(text("A framework is imported once per site: when ", Code(fid), " is already there (imported "
                      "for another bundle), skip this step. Its file is the same in every bundle's kit.")),
            Para(text("Moodle:")),
            Steps((
                text(Code("Site administration > Competencies > Import competency framework"), "."),
                text("Choose ", Code(f"moodle-competencies-{framework.id}.csv"), ", encoding ", Code("UTF-8"),
                     ", CSV separator ", Code("comma"), ", then Import."),
                text("Confirm the column mapping as proposed (the file's columns are Moodle's own, in its order) "
                     "and press Confirm."),
                text("Check the result in ", Code("Site administration > Competencies > Competency frameworks"),
                     ": the framework ", Code(fid), f" with {len(framework.items)} competencies, using the scale "
                     "\u201cNot yet competent, Competent\u201d (Moodle makes it, or reuses a site scale with the same "
                     "values). \u201cCompetent\u201d is proficient and is what a rule gives when it completes a "
                     "competency."),
            )),
            Para(text("Totara (its competency hierarchy, through HR Import):")),
            Steps((
                text(Code("Site administration > Competencies > Manage competencies > Add new competency framework"),
                     ": name it ", f"\u201c{framework.title}\u201d", " with the ID number ", Code(fid), "."),
                text(Code("Site administration > HR Import > Elements"), ": enable Competency; in its source "
                     "settings choose CSV, delimiter comma, encoding UTF-8, and tick the fields ",
                     *_joined([Code(c) for c in ("idnumber", "fullname", "shortname", "frameworkidnumber",
                                                  "parentidnumber", "description", "timemodified", "deleted")]), "."),
                text("Upload ", Code(f"totara-competencies-{framework.id}.csv"), " as the competency source and run "
                     "HR Import. Parents come before their children in the file."),
                text("Competency ID numbers (", Code(idnumber(framework.items[0])) if framework.items else "",
                     ", \u2026) must be unique across every framework on the site: Totara may move an item that "
                     "shares its ID number with one in another framework."),
            )),
        ]
    blocks += [Para(text("Canvas: ", Code("Account > Outcomes > Import"), ", choose ", Code("canvas-outcomes.csv"),
                         ". Each framework becomes an outcome group holding its domains; each standard is an "
                         "outcome rated Competent (1 point, mastery) or Not yet competent (0), its indicators "
                         "listed in its description."))]
    return blocks


def _activity_settings(kit: Kit) -> list[Block]:
    many = len(kit.scos) > 1
    checked = sum(s.mastery is not None for s in kit.scos)
    rows = [
        ("Package file", text(Code(kit.package)), "the package every other setting below describes"),
        ("Display package", text("Current window or New window"), "both work"),
        ("Grading method", text("Average grade" if many else "Highest grade"),
         f"each of the {checked} SCOs with a knowledge check reports its score once finished; the grade is "
         "their average" if many else "the package has one SCO: its score is the grade"),
        ("Maximum grade", text("100"), "scores are reported out of 100"),
        ("Number of attempts", text("Unlimited"), "a learner may retake a knowledge check"),
        ("Attempts grading", text("Highest attempt"), "a retake never lowers the record"),
        ("Force new attempt", text("No"), "the package resumes the learner's attempt (it always exits with suspend)"),
        ("Mastery score overrides status", text("Yes (the default)"),
         "the package reports a score only once a module is finished, so this never passes a learner early"),
        ("Completion tracking", text("Show activity as complete when conditions are met"), ""),
        ("Require status", text("Passed, and Completed" if many else "Passed"),
         "a SCO with a knowledge check reports passed or failed; one without reports completed" if many
         else "the SCO reports passed or failed against the pass mark"),
    ]
    if many:
        rows.append(("Require all SCOs to return completion status", text("Yes"),
                     "every module must be finished (a failed knowledge check does not count)"))
    rows.append(("Require minimum score", text(str(kit.pass_mark)), ("the bundle's pass mark, which the package "
                 "also carries (adlcp:masteryscore)")))
    return [
        Heading(2, text("2. Add the SCORM activity (Moodle and Totara)"), "activity"),
        Para(text("Add an activity ", Code("SCORM package"), " to the course and upload ", Code(kit.package),
                  ". Totara's SCORM activity is Moodle's: the same settings apply. Settings not listed: leave the "
                  "default.")),
        Table("SCORM activity settings", ("setting", "choose", "why"),
              tuple((text(name), value, text(why)) for name, value, why in rows)),
    ]


def _competency_rows(kit: Kit) -> tuple[tuple[Text, ...], ...]:
    rows: list[tuple[Text, ...]] = []
    for c in kit.competencies:
        rows.append((text(Code(idnumber(c.item))), text(f"{c.item.code} {c.item.label}"),
                     text(c.coverage.words + ("" if c.coverage.targeted else " (not a target of the bundle)")),
                     text(RULE_WORDS[c.course_rule]), text(RULE_WORDS[c.activity_rule]), text(_why(c))))
    return tuple(rows)


def _why(c: Competency) -> str:
    if c.course_rule != "complete":
        strengths = " and ".join(c.coverage.strengths)
        return f"the bundle {strengths} it without assessing it"
    if c.activity_rule == "complete":
        return "a knowledge check in the package assesses it"
    return ("assessed outside the package (" + ", ".join(m.replace("-", " ") for m in c.other_methods)
            + "): rate it when the assessor's evidence is in")


def _competency_steps(kit: Kit) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, text("3. Attach the competencies to the course and the activity"), "competencies"),
        Para(text("In Moodle, ", Code("Course > More > Competencies > Add competencies to course"), ": add each "
                  "competency below and set its ", Code("Upon course completion"), " rule. Then, in the SCORM "
                  "activity's settings, ", Code("Competencies"), ": add the same competencies and set ",
                  Code("Upon activity completion"), ". \u201cComplete the competency\u201d rates the learner "
                  "Competent; \u201cAttach evidence\u201d records the completion in the learner's evidence for "
                  "the competency without rating it.")),
        Para(text("In Totara, link the course to each competency (the competency's ", Code("Linked courses"),
                  "); where the course rule is \u201cComplete the competency\u201d, add course completion to the "
                  "competency's achievement criteria (Totara Perform: its achievement path). The others are "
                  "linked for evidence only.")),
        Table("Competencies to attach, and the rule outcome for each",
              ("ID number", "competency", "coverage", "upon course completion", "upon activity completion", "why"),
              _competency_rows(kit)),
    ]
    if kit.not_met:
        blocks.append(Para(text("Not attached: the bundle targets ",
                                *_joined([Code(idnumber(c.item)) for c in kit.not_met]),
                                " but does not meet them yet (see the coverage report's gaps).")))
    return blocks


def _tracking(kit: Kit) -> list[Block]:
    named = "the competency's ID number" if kit.scorm_version == "1.2" else "the standard's permalink"
    rows = tuple((text(s.title), text(Code(s.identifier)),
                  text(f"{s.mastery}%" if s.mastery is not None else "none (reports completed)"),
                  text(*_joined([Code(o) for o in s.objectives])) if s.objectives else text("none"),
                  text(str(s.questions))) for s in kit.scos)
    return [
        Heading(2, text("4. What the package reports"), "tracking"),
        Para(text("Each SCO sets its own status: incomplete while the learner reads; once the module's end is "
                  "reached and its knowledge check taken, the score (out of 100), one objective per standard the "
                  f"check assesses (its id is {named}, with the score and passed or failed), "
                  "then passed or failed against the pass mark; completed for a module without a check. Each "
                  "question is an interaction (choice, the learner's response, the correct answer, the result, "
                  "the standards it tests). The bookmark and answers are kept in suspend data.")),
        Table("What each SCO reports", ("SCO", "item identifier", "pass mark", "objectives", "interactions"), rows),
        Table("Where each LMS shows it", ("LMS", "status and score", "objectives and interactions", "competencies"), (
            (text("Moodle"), text(Code("SCORM activity > Reports > Basic report"), ": status, score and time per "
                                  "attempt and SCO; the grade in the gradebook"),
             text(Code("Reports > Objectives report"), " and ", Code("Interactions report")),
             text(Code("Course > Competencies"), " and each learner's competency breakdown report")),
            (text("Totara"), text("the same SCORM reports (Moodle's player); course completion in the Record of "
                                  "Learning"), text("the same SCORM reports"),
             text("Record of Learning: Competencies (Learn), the competency profile (Perform)")),
            (text("NHS Learning Hub"), text("stored with each attempt; where it is shown: not verified"),
             text("stored with each attempt (measured); where they are shown: not verified"), text("none")),
            (text("ESR / Oracle Learning Management"), text("the learner's enrolment and learning history "
                                                            "(unverified)"), text("not known"), text("not known")),
        )),
    ]


def _other_lmss(kit: Kit) -> list[Block]:
    has12 = "1.2" in kit.packages
    hub = (text("upload ", Code(kit.packages["1.2"]), "; keep the title under 255 characters") if has12 else
           text("this bundle is not built as SCORM 1.2: add \u201c1.2\u201d to ", Code("scorm.versions"),
                " in its bundle file"))
    return [
        Heading(2, text("5. Other LMSs: which version each accepts"), "versions"),
        Table("SCORM versions by LMS", ("LMS", "accepts", "use", "how sure"), (
            (text("Moodle"), text("SCORM 1.2; SCORM 2004 without sequencing and navigation"),
             text(Code(kit.package)), text("measured against Moodle's own SCORM code")),
            (text("Totara"), text("SCORM 1.2 fully; SCORM 2004 in part"), text(Code(kit.package)),
             text("documented by Totara")),
            (text("NHS Learning Hub"), text("SCORM 1.2 only, up to 2 GB; it does not derive passed or failed "
                                            "(the package sets it); a finished attempt restarts as incomplete at "
                                            "the next launch, the first record stays in its history"),
             hub, text("measured against its published code")),
            (text("ESR / Oracle Learning Management"), text("local content is hosted, unzipped, on the trust's own "
                                                            "HTTPS content server with ESR's SCORM adapter and "
                                                            "launched from ESR; the versions it accepts are not "
                                                            "published (national content for ESR is SCORM 1.2)"),
             text("the SCORM 1.2 package, unzipped on the content server") if has12 else
             text("a SCORM 1.2 build of this bundle"), text("unverified")),
        )),
    ]


def _badge(kit: Kit) -> list[Block]:
    where = f"badges/{kit.variant}/" if kit.variant else "badges/"
    return [
        Heading(2, text("6. The Open Badge"), "badge"),
        Para(text("The bundle's Open Badges 3.0 achievement is ", Code(f"{where}{kit.bundle.id}.json"), f", aligned "
                  f"to the {len(kit.assessed)} standards it assesses, with its image ", Code(f"{where}{kit.bundle.id}.svg"),
                  ". An issuer awards it with ", Code(f"{where}{kit.bundle.id}.credential-template.json"), ": replace "
                  "every value marked SAMPLE, then sign it with the issuer's own key (bundlesmith holds none).")),
    ]


def _joined(parts: list[str | Code]) -> list[str | Code]:
    """Parts separated by commas."""
    out: list[str | Code] = []
    for n, part in enumerate(parts):
        if n:
            out.append(", ")
        out.append(part)
    return out
