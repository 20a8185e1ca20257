"""Load standards frameworks: `content/standards/<id>.yml` (and a variant's `standards/`)."""

from __future__ import annotations

from pathlib import Path

from bundlesmith.diagnostics import Diagnostic, Span, error
from bundlesmith.load import schema_check
from bundlesmith.load.common import items_with_spans, span_of, strings, text
from bundlesmith.load.yaml_source import YMap, load_yaml_file
from bundlesmith.model import Framework, StandardItem

_CHILD_TYPE = {None: "domain", "domain": "standard", "standard": "indicator"}


def load_framework(file: Path, path: str, local: bool = False,
                   raw: bytes | None = None) -> tuple[Framework | None, list[Diagnostic]]:
    data, problems = load_yaml_file(file, path, raw)
    if data is None:
        return None, problems
    problems += schema_check.check(data, "framework", path)
    fid = data.get("id") if isinstance(data, YMap) else None
    if not isinstance(data, YMap) or not isinstance(fid, str):
        return None, problems
    if fid != file.stem and not file.stem.startswith(f"{fid}-"):
        problems.append(error(span_of(data, "id", path), "id-mismatch",
                              f"framework id '{fid}' does not match the file name '{file.name}'",
                              f"name the file {fid}.yml"))
    items: list[StandardItem] = []
    seen: dict[str, Span] = {}

    def walk(nodes: object, parent: StandardItem | None, container: object) -> tuple[str, ...]:
        codes = []
        for index, node in enumerate(nodes if isinstance(nodes, list) else []):
            code = node.get("code") if isinstance(node, YMap) else None
            if not isinstance(node, YMap) or not isinstance(code, str):
                continue
            span = span_of(container, index, path)
            kind = node.get("type")
            expected = _CHILD_TYPE.get(parent.type if parent else None)
            if kind in _CHILD_TYPE.values() and kind != expected:
                where = f"under {parent.type} {parent.code}" if parent else "at the top level"
                wanted = f"an {expected}" if expected == "indicator" else f"a {expected}" if expected else "nothing here"
                problems.append(error(span, "item-type", f"item {code} is a {kind} {where}; expected {wanted}"))
            if code in seen:
                problems.append(error(span, "duplicate-id",
                                      f"duplicate standard code '{fid}:{code}' (first at {seen[code]})"))
            seen.setdefault(code, span)
            if kind in ("domain", "standard") and not text(node, "title"):
                problems.append(error(span, "missing-field", f"{kind} {code} needs a 'title'"))
            if kind == "standard" and "levels" not in node:
                problems.append(error(span, "missing-field", f"standard {code} needs 'levels'"))
            levels = strings(node, "levels")
            for level in levels:
                if level not in strings(data, "levels"):
                    problems.append(error(span, "unknown-level",
                                          f"level '{level}' of {code} is not one of the framework's levels"))
            position = len(items)
            placeholder = StandardItem(fid, code, str(kind), "", "", (), None, (), span)
            items.append(placeholder)  # keeps depth-first order; children fill in after it
            children = walk(node.get("items"), placeholder, node.get("items"))
            items[position] = StandardItem(
                framework=fid, code=code, type=str(kind), title=text(node, "title"),
                statement=text(node, "statement"), levels=levels,
                parent=parent.code if parent else None, children=children, span=span, local=local,
                case_identifier=text(node, "case_identifier"),
                related=tuple((str(r), rspan) for r, rspan in items_with_spans(node, "related", path)),
            )
            codes.append(code)
        return tuple(codes)

    walk(data.get("items"), None, data.get("items"))
    framework = Framework(
        id=fid, title=text(data, "title"), version=text(data, "version"), status=text(data, "status"),
        publisher=text(data, "publisher"), licence=text(data, "licence"), base_uri=text(data, "base_uri"),
        description=text(data, "description"), levels=strings(data, "levels"),
        items=tuple(i for i in items if i is not None), span=Span(path, 1), local=local,
        date=text(data, "date"), case_identifier=text(data, "case_identifier"),
    )
    return framework, problems
