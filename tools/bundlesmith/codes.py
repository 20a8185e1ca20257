"""Every diagnostic code bundlesmith reports, in one registry: the command that reports it and what it means.

A diagnostic reads `path:line: error: message [code]`; the code is stable, so a team can look it up, search
for it and gate on it. docs/diagnostics.md is written from this table (`python -m bundlesmith.codes
docs/diagnostics.md`), and the tests check that every code the tool can report is here, documented, and
shown by at least one golden case.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Code:
    name: str
    group: str
    meaning: str


GROUPS = {
    "files": "Reading files",
    "yaml": "YAML and front matter",
    "fields": "Fields (the JSON Schemas in tools/bundlesmith/schemas/)",
    "frameworks": "Frameworks of standards",
    "modules": "Modules: alignments, outcomes, assessments",
    "markdown": "Module text: knowledge checks, slots, links and files",
    "bundles": "Bundles and variants",
    "crosswalks": "Crosswalks (`content/crosswalks/`) and prior learning",
    "case": "CASE packages (`bundlesmith export case`, `import case`)",
    "schedule": "Delivery schedules (`schedule:` in a bundle or a variant)",
    "review": "Review dates and co-creation",
    "access": "Accessible images, video and audio (docs/checks.md)",
    "plain": "Plain English and acronyms (docs/checks.md)",
    "gate": "The accreditation gate (`bundlesmith coverage --fail-on`, `build --fail-on`)",
    "build": "Building",
    "release": "Releasing a version (`bundlesmith release`, docs/release.md)",
    "inspect": "Checking a SCORM package (`bundlesmith inspect`)",
}

_TABLE = (
    # Reading files
    ("files", "file-too-large", "A content file is larger than bundlesmith reads (a safety limit)."),
    ("files", "unreadable", "The file could not be read (permissions, or it vanished while being read)."),
    ("files", "bom", "The file starts with a byte-order mark; save it as UTF-8 without one."),
    ("files", "not-utf8", "The file is not UTF-8 text; the byte named is the first that is not."),
    ("files", "binary", "The file holds a NUL byte, so it is not a text file."),
    ("files", "empty-file", "The file is empty."),
    ("files", "control-character", "An invisible control character is in the text; remove it."),
    ("files", "bidi-control", ("A character that changes the direction text is shown in (it may read differently "
                               "from what it says).")),
    ("files", "symlink-folder", "A folder of content is a symbolic link; its files are not read."),
    ("files", "symlink-outside", "A symbolic link points outside the project."),
    ("files", "path-outside", "A path (a slot file, a link) points outside the project."),
    # YAML
    ("yaml", "yaml-syntax", "The YAML does not parse; the hint says what usually causes the message."),
    ("yaml", "yaml-alias", "YAML anchors and aliases (`&name`, `*name`) are not allowed."),
    ("yaml", "yaml-key", "A YAML key is a list or mapping instead of plain text."),
    ("yaml", "duplicate-key", "The same key twice in one mapping; the later one would silently win."),
    ("yaml", "no-front-matter", "A module does not start with YAML front matter between two `---` lines."),
    ("yaml", "not-a-mapping", "The file (or front matter) is not a mapping of `key: value` fields."),
    # Fields
    ("fields", "missing-field", "A required field is missing."),
    ("fields", "unknown-field", "A field the schema does not know (often a typo: the hint names the nearest)."),
    ("fields", "wrong-type", "A field holds the wrong kind of value (text, number, list, mapping)."),
    ("fields", "bad-value", "A value is not one the field allows (one of a list, a range, a pattern)."),
    ("fields", "bad-format", "A value does not have the form the field needs (a date, a version, an address)."),
    ("fields", "bad-date", "A date has the right form but is not a real date (2026-02-30)."),
    ("fields", "id-mismatch", "An id does not match its file or folder name."),
    ("fields", "duplicate-id", ("Two things of one kind share an id: frameworks, standards, modules, bundles, "
                                "outcomes, quiz questions or slots.")),
    # Frameworks
    ("frameworks", "item-type", "A framework item is at the wrong depth (domain, standard, indicator)."),
    ("frameworks", "unknown-level", "A level that is not one of the framework's levels."),
    ("frameworks", "related-same-framework", "A standard's `related` names a standard of its own framework."),
    # Modules
    ("modules", "unknown-framework", "An alignment or target names a framework that does not exist."),
    ("modules", "unknown-standard", "An alignment or target names a standard that is not in its framework."),
    ("modules", "aligned-to-domain", "A module aligns to a domain; align to one of its standards."),
    ("modules", "duplicate-alignment", "A module lists the same standard twice."),
    ("modules", "unknown-outcome", "An alignment names an outcome the module does not have."),
    ("modules", "unknown-anchor", "A link or an evidence anchor names a heading the module does not have."),
    ("modules", "assesses-without-assessment", "An alignment with strength `assesses` has no `assessment`."),
    ("modules", "assessment-without-items", ("A knowledge-check assessment does not list the questions that "
                                             "assess the standard.")),
    ("modules", "assessment-not-assesses", "An alignment has an assessment but its strength is not `assesses`."),
    ("modules", "no-quiz", "An assessment lists quiz questions but the module has no ```quiz block."),
    ("modules", "unknown-quiz-item", "An assessment names a quiz question the module does not have."),
    ("modules", "unknown-module", "A bundle, prerequisite or slot fill names a module that does not exist."),
    ("modules", "prerequisite-cycle", "Modules are each other's prerequisites (or a module is its own)."),
    # Markdown
    ("markdown", "duplicate-quiz", "A module has more than one ```quiz block."),
    ("markdown", "empty-quiz", "A ```quiz block is empty."),
    ("markdown", "no-correct-choice", "A quiz question has no choice marked `correct: true`."),
    ("markdown", "answers-in-one-position", ("Warning: the right answer of every question of a knowledge check sits "
     "in the same position (say, always the first choice). Learners see the choices shuffled, but print, pages "
     "read without script and exports keep the written order: put the right answers in different positions.")),
    ("markdown", "quiz-inside-html", ("Warning: the knowledge check (```quiz) is written inside raw HTML (a "
     "`<details>` block, say). Raw HTML reaches the page whole, through the sanitiser, so the check cannot sit "
     "inside it: every output shows it after that HTML ends. Move the ```quiz block out of the HTML.")),
    ("markdown", "bad-slot", "A slot (`::: name`) has a name that is not lower-case letters, digits and '-'."),
    ("markdown", "raw-html", "Raw HTML in a module; write Markdown instead (it is what every output can render)."),
    ("markdown", "empty-link", "A link or image has no target."),
    ("markdown", "unsafe-url", ("A link uses a scheme other than http(s) or a relative path (`javascript:`, "
                                "`data:`, …).")),
    ("markdown", "absolute-path", "A link is an absolute path; use a path relative to the file."),
    ("markdown", "missing-file", "A file named (a link target, a slot file, a variant's manifest) does not exist."),
    ("markdown", "not-an-image", "An image is not a PNG, JPEG, GIF or WebP image."),
    ("markdown", "file-type", ("A linked file is of a type that is never published (the allow-list is in "
                               "docs/content-contract.md).")),
    ("markdown", "file-content", "A linked file's content is not what its name says (a `.pdf` that is not a PDF)."),
    ("markdown", "unsafe-svg", "An SVG holds script, event handlers or outside references."),
    ("markdown", "hidden-file", "A linked file is hidden or in a hidden folder; such files are never published."),
    ("markdown", "not-in-content", "A linked file is outside content/; only files under content/ are published."),
    # Bundles and variants
    ("bundles", "duplicate-module", "A bundle lists the same module twice."),
    ("bundles", "retired-module", "A bundle includes a retired module."),
    ("bundles", "target-gap", ("A standard the bundle targets is met by no module of it (or only by draft or "
                               "retired ones).")),
    ("bundles", "target-local-only", "A standard the bundle targets is met only by a variant's local content."),
    ("bundles", "target-never-assessed", "A standard the bundle targets is delivered but never assessed."),
    ("bundles", "accredited-unapproved", "An accredited (approved) bundle includes a module not yet approved."),
    ("bundles", "co-creation-required", "A module has none of the co-creation roles the bundle requires."),
    ("bundles", "unknown-slot", "A variant fills a slot the module does not have."),
    ("bundles", "unknown-bundle", "A variant, `--bundle` or gate names a bundle that does not exist."),
    # Crosswalks
    ("crosswalks", "unknown-source-code", "A crosswalk maps a code that is not in its `source.items`."),
    ("crosswalks", "mapped-to-domain", ("A crosswalk maps (or a standard's `related` points) to a domain; name one "
                                        "of its standards or indicators.")),
    ("crosswalks", "duplicate-mapping", "A crosswalk maps the same source code to the same standard twice."),
    ("crosswalks", "partial-without-gap", "A `coverage: partial` mapping does not say what is missing (`gap`)."),
    ("crosswalks", "partial-exemption", ("A `coverage: partial` mapping claims `route: exemption`; prior learning "
                                         "counts only for what it fully meets.")),
    ("crosswalks", "crosswalk-local-target", ("A national crosswalk maps to a variant's local standard; map it from "
                                              "the variant's own crosswalks/.")),
    ("crosswalks", "crosswalk-review-overdue", "A crosswalk's `next_review` date has passed (today, or `--today`)."),
    # CASE
    ("case", "case-needs-date", "A framework has no `date` (of its version), which the CASE export needs."),
    ("case", "case-not-json", "The file to import is not UTF-8 JSON."),
    ("case", "case-invalid", ("The package breaks the CASE schema, has an end that does not resolve, a cycle, an "
                              "identifier that is not a UUID, or an item bundlesmith cannot name.")),
    ("case", "case-too-deep", "The package's tree is deeper than domain, standard, indicator."),
    ("case", "case-too-large", "The file to import is larger than bundlesmith reads (a safety limit)."),
    ("case", "case-not-imported", ("Associations other than `isChildOf` (crosswalks, related items) are not "
                                   "imported.")),
    # Schedule
    ("schedule", "schedule-session", "A session names both a module and an activity, or neither."),
    ("schedule", "schedule-unknown-module", "A session schedules a module that is not in the bundle."),
    ("schedule", "schedule-duplicate", "A module is scheduled in more than one session."),
    ("schedule", "schedule-unscheduled", ("A module of a scheduled bundle is in no session (a variant's added "
                                          "modules are scheduled in its `variant.yml`).")),
    ("schedule", "schedule-too-short", "A module's session is shorter than the module's guided time (`time.guided`)."),
    ("schedule", "schedule-day-too-long", ("A day's sessions add up to more than `schedule.max_day_minutes` "
                                           "(default 420).")),
    ("schedule", "schedule-notes", "A session's facilitator notes are not a Markdown file that exists."),
    # Review
    ("review", "review-overdue", "A module's review date has passed."),
    ("review", "review-dates", "A module's `next_review` is before its `reviewed` date."),
    ("review", "no-outside-voice", ("No co-creation role from outside the writing team (a patient representative, "
                                    "lived experience, a staff network).")),
    # Accessible media
    ("access", "image-no-alt", "An image has no alternative text and is not marked `{ .decorative }`."),
    ("access", "alt-is-file-name", "An image's alternative text is its file name; say what the image shows."),
    ("access", "alt-too-long", ("An image's alternative text is over 150 characters; put the detail in the text "
                                "around it.")),
    ("access", "decorative-with-alt", "An image marked `{ .decorative }` has text, which is never read out."),
    ("access", "media-no-captions", ("A video or audio file has no captions or transcript linked beside it "
                                     "(`huddle.vtt`, `huddle-transcript.pdf`).")),
    # Plain English and acronyms
    ("plain", "reading-age", ("A module's estimated reading age is above `plain_english.max_reading_age` in "
                              "bundlesmith.yml.")),
    ("plain", "long-sentence", ("A sentence has more words than `plain_english.max_sentence_words` in "
                                "bundlesmith.yml.")),
    ("plain", "unknown-acronym", "An acronym (2-6 capitals) is not in content/glossary.yml."),
    ("plain", "acronym-not-expanded", "An acronym is not spelt out in the paragraph where the text first uses it."),
    ("plain", "duplicate-term", "content/glossary.yml lists a term or alias twice."),
    # Gate
    ("gate", "coverage-not-met", "A targeted standard is met by no module (gate `gaps`)."),
    ("gate", "coverage-draft-or-retired-only", ("A targeted standard is met only by draft or retired modules "
                                                "(gate `gaps`).")),
    ("gate", "coverage-local-only", "A targeted standard is met only by local content (gate `gaps`)."),
    ("gate", "coverage-unassessed", "A targeted standard is never assessed (gate `unassessed`)."),
    ("gate", "coverage-expected-not-targeted", ("A standard expected at the bundle's level is not targeted "
                                                "(gate `level-gaps`).")),
    ("gate", "coverage-targeted-only-introduced", "A targeted standard is only introduced (gate `level-gaps`)."),
    ("gate", "coverage-overdue", "A module of the bundle is overdue for review (gate `overdue`)."),
    ("gate", "coverage-missing-required-role", ("A module lacks the co-creation roles the bundle requires "
                                                "(gate `co-production`).")),
    ("gate", "coverage-writing-team-only", "A module was shaped only by the writing team (gate `co-production`)."),
    # Build
    ("build", "site-failed", "mkdocs could not build the site; the message is mkdocs' own."),
    ("build", "worker-lost", ("A worker process of the build ended before its task was done (killed, or out of "
                              "memory); build/ is as it was. Try again with fewer `--jobs`.")),
    ("build", "write-failed", ("The build output could not be written (disk full, permissions); build/ is as it "
                               "was.")),
    # Release
    ("release", "release-exists", "The bundle's version is already released; bump `version` to release again."),
    ("release", "release-unverified", ("The previous release's SHA256SUMS does not match its files, so it is not "
                                       "read.")),
    # Inspect
    ("inspect", "not-a-zip", "The package is not a zip file."),
    ("inspect", "no-manifest", "The zip has no imsmanifest.xml at its root."),
    ("inspect", "zip-bomb", "The zip expands to far more than it holds, or has too many entries."),
    ("inspect", "unsafe-path", "A zip entry would be written outside the package folder, or is a symbolic link."),
    ("inspect", "duplicate-entry", "Two zip entries have the same name."),
    ("inspect", "bad-manifest", "The manifest is not SCORM 1.2 or 2004 XML."),
    ("inspect", "xsd", "The manifest breaks the SCORM XSDs (the official ones and those the package ships)."),
    ("inspect", "no-schemas", "The manifest could not be validated against the XSDs."),
    ("inspect", "bad-reference", ("An organization, item or dependency points at an identifier that does not "
                                  "exist.")),
    ("inspect", "bad-mastery-score", "A SCORM 1.2 mastery score is not a number from 0 to 100."),
    ("inspect", "unlisted-file", "A file in the zip is not listed in the manifest."),
)

CODES: dict[str, Code] = {name: Code(name, group, meaning) for group, name, meaning in _TABLE}


def markdown() -> str:
    """docs/diagnostics.md: every code, by group, with its meaning."""
    lines = ["# Diagnostic codes", "",
             "Every problem bundlesmith reports reads `path:line: error: message [code]` (or `warning:`).",
             "The code is stable: search for it here, or gate on it in CI (`check --format github|gitlab`).",
             "This page is written from `tools/bundlesmith/codes.py`; run",
             "`python -m bundlesmith.codes docs/diagnostics.md` after changing that table.", ""]
    for group, title in GROUPS.items():
        lines += [f"## {title}", "", "| code | meaning |", "|---|---|"]
        lines += [f"| `{code.name}` | {code.meaning} |" for code in CODES.values() if code.group == group]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    text = markdown()
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
