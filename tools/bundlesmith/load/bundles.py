"""Load bundles: `bundles/<id>.yml`."""

from __future__ import annotations

from pathlib import Path

from bundlesmith.diagnostics import Diagnostic, error
from bundlesmith.load import schema_check
from bundlesmith.load.common import items_with_spans, mapping, parse_date, span_of, strings, text
from bundlesmith.load.schedule import load_schedule
from bundlesmith.load.yaml_source import load_yaml_file
from bundlesmith.model import Accreditation, Bundle, ScormOptions, Section


def load_bundle(file: Path, path: str, raw: bytes | None = None) -> tuple[Bundle | None, str | None, list[Diagnostic]]:
    data, problems = load_yaml_file(file, path, raw)
    if data is None:
        return None, None, problems
    problems += schema_check.check(data, "bundle", path)
    bid = data.get("id") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(bid, str):
        return None, None, problems
    if bid != file.stem:
        problems.append(error(span_of(data, "id", path), "id-mismatch",
                              f"bundle id '{bid}' does not match the file name '{file.name}'",
                              f"rename the file to {bid}.yml or change the id"))
    sections = tuple(
        Section(text(s, "title"), tuple((str(m), span) for m, span in items_with_spans(s, "modules", path)),
                span)
        for s, span in items_with_spans(data, "sections", path) if isinstance(s, dict)
    )
    accreditation = None
    given = data.get("accreditation")
    if isinstance(given, dict):
        accreditation = Accreditation(
            body=text(given, "body"), status=text(given, "status", "none"), reference=text(given, "reference"),
            valid_until=parse_date(given.get("valid_until"), span_of(given, "valid_until", path),
                                   "accreditation.valid_until", problems),
            span=span_of(data, "accreditation", path),
        )
    scorm = mapping(data, "scorm")
    defaults = ScormOptions()
    mastery = scorm.get("mastery_score", defaults.mastery_score)
    bundle = Bundle(
        id=bid, title=text(data, "title"), version=text(data, "version"), levels=strings(data, "levels"),
        description=text(data, "description"), audience=text(data, "audience"), sections=sections,
        targets=tuple((str(t), span) for t, span in items_with_spans(data, "targets", path)),
        accreditation=accreditation,
        scorm=ScormOptions(
            versions=tuple(sorted(set(strings(scorm, "versions")) & {"1.2", "2004"})) or defaults.versions,
            mastery_score=mastery if isinstance(mastery, int) and 0 <= mastery <= 100 else defaults.mastery_score,
            packaging=text(scorm, "packaging", defaults.packaging),
        ),
        require_any_of=strings(mapping(data, "co_creation"), "require_any_of"),
        path=path, span=span_of(data, "id", path),
        release_fail_on=strings(mapping(data, "release"), "fail_on"),
        schedule=load_schedule(data, path, problems),
    )
    return bundle, bid, problems
