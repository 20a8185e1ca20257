"""Load a local variant's manifest: `content/variants/<name>/variant.yml`."""

from __future__ import annotations

from pathlib import Path

from bundlesmith.diagnostics import Diagnostic, Span, error
from bundlesmith.load import schema_check
from bundlesmith.load.common import items_with_spans, span_of, text
from bundlesmith.load.schedule import load_days
from bundlesmith.load.yaml_source import load_yaml_file
from bundlesmith.model import BundleAddition, ScheduleAddition, SlotFill, Variant


def load_variant(folder: Path, root: Path, raw: bytes | None = None) -> tuple[Variant | None, list[Diagnostic]]:
    file = folder / "variant.yml"
    path = file.relative_to(root).as_posix()
    if not file.is_file():
        return None, [error(Span(folder.relative_to(root).as_posix(), 0), "missing-file",
                            "a variant folder needs a variant.yml manifest")]
    data, problems = load_yaml_file(file, path, raw)
    if data is None:
        return None, problems
    problems += schema_check.check(data, "variant", path)
    if not isinstance(data, dict):
        return None, problems
    vid = text(data, "id")
    if vid != folder.name:
        problems.append(error(span_of(data, "id", path), "id-mismatch",
                              f"variant id '{vid}' does not match its folder '{folder.name}'"))
    prefix = folder.relative_to(root).as_posix()
    slots = tuple(
        SlotFill(text(s, "module"), text(s, "slot"), f"{prefix}/{text(s, 'file')}", text(s, "mode", "replace"), span)
        for s, span in items_with_spans(data, "slots", path) if isinstance(s, dict)
    )
    additions = tuple(
        BundleAddition(text(b, "bundle"), text(a, "section"),
                       tuple((str(m), mspan) for m, mspan in items_with_spans(a, "modules", path)), aspan)
        for b, _ in items_with_spans(data, "bundles", path) if isinstance(b, dict)
        for a, aspan in items_with_spans(b, "add", path) if isinstance(a, dict)
    )
    schedules = tuple(
        ScheduleAddition(text(b, "bundle"), load_days(b.get("schedule"), path, prefix, problems, local=True),
                         span_of(b, "schedule", path))
        for b, _ in items_with_spans(data, "bundles", path) if isinstance(b, dict) and isinstance(b.get("schedule"), dict)
    )
    return Variant(folder.name, text(data, "title"), text(data, "description"), slots, additions, path,
                   span_of(data, "id", path), schedules), problems
