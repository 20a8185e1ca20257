"""`bundlesmith import case`: a CASE CFPackage (ours, or one exported by OpenSALT) as a framework YAML file.

The package is checked against the CASE schema and for what the schema cannot check (case/checks.py);
every problem names where in the JSON it is. The tree comes from the `isChildOf` associations (in
`sequenceNumber` order): depth 1 is a domain, 2 a standard, 3 an indicator. Identifiers that are not the
ones bundlesmith derives (case/ids.py) are kept as `case_identifier`, so exporting the framework again
gives it the identifiers it came with; a package bundlesmith exported comes back byte for byte.

Not kept: crosswalk associations (crosswalks live in content/crosswalks/), other association types, and item
URIs that are not `base_uri + code`.
"""

from __future__ import annotations

import json
import re

import yaml

from bundlesmith.case.checks import Package
from bundlesmith.case.checks import problems as package_problems
from bundlesmith.case.ids import case_uuid
from bundlesmith.diagnostics import Diagnostic, Span, error, warning

MAX_BYTES = 64 * 1024 * 1024
KINDS = ("domain", "standard", "indicator")
STATUS = {"adopted": "published", "draft": "draft", "private draft": "draft", "deprecated": "deprecated"}
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")


def _level(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "all"
    return slug if slug[0].isalpha() else f"level-{slug}"


def _version(value: object) -> str | None:
    text = str(value or "1.0.0")
    if re.fullmatch(r"(0|[1-9]\d*)(\.(0|[1-9]\d*)){0,2}", text):
        return ".".join(([*text.split("."), "0", "0"])[:3])
    return None


def import_package(raw: bytes, path: str) -> tuple[dict[str, object] | None, list[Diagnostic]]:
    """The framework (as the YAML's data) a package describes, or None and what is wrong with it."""
    at = Span(path, 0)
    if len(raw) > MAX_BYTES:
        return None, [error(at, "case-too-large", f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}")]
    try:
        package: Package = json.loads(raw.decode("utf-8"))  # a Package once package_problems finds nothing
    except UnicodeDecodeError:
        return None, [error(at, "case-not-json", "file is not UTF-8 text")]
    except ValueError as exc:
        line = getattr(exc, "lineno", 0)
        return None, [error(Span(path, line), "case-not-json", f"not JSON: {getattr(exc, 'msg', exc)}")]
    found = package_problems(package)
    if found:
        return None, [error(at, "case-invalid", f"{where}: {message}") for where, message in found]
    document = package["CFDocument"]
    problems: list[Diagnostic] = []
    base = document["uri"] if document["uri"].endswith("/") else document["uri"] + "/"
    if not re.fullmatch(r"https://\S+/", base):
        problems.append(error(at, "case-invalid", f"CFDocument.uri: '{document['uri']}' is not an https URL"))
    version = _version(document.get("version"))
    if version is None:
        problems.append(error(at, "case-invalid", f"CFDocument.version: '{document.get('version')}' is not a "
                              "version like 1.2.0"))
    items = {item["identifier"]: (i, item) for i, item in enumerate(package.get("CFItems", []))}
    children: dict[str, list[tuple[int, int, str]]] = {}
    skipped = 0
    for n, assoc in enumerate(package.get("CFAssociations", [])):
        if assoc["associationType"] != "isChildOf":
            skipped += 1
            continue
        parent = assoc["destinationNodeURI"]["identifier"]
        children.setdefault(parent, []).append((assoc.get("sequenceNumber", 0), n, assoc["originNodeURI"]["identifier"]))
    if skipped:
        problems.append(warning(at, "case-not-imported", f"{skipped} association(s) other than isChildOf are not "
                                "imported (crosswalks live in content/crosswalks/)"))
    levels: dict[str, None] = {}

    def node(identifier: str, depth: int) -> dict[str, object] | None:
        index, item = items[identifier]
        where = f"CFItems[{index}]"
        code = item.get("humanCodingScheme")
        if depth > len(KINDS):
            problems.append(error(at, "case-too-deep", f"{where}: the tree is deeper than domain, standard, indicator"))
            return None
        if not isinstance(code, str) or not CODE.fullmatch(code):
            problems.append(error(at, "case-invalid", f"{where}.humanCodingScheme: "
                                  + ("missing" if code is None else f"'{code}' is not a code like 'D2.3'")))
            return None
        kind = KINDS[depth - 1]
        out: dict[str, object] = {"code": code, "type": kind}
        title = item.get("abbreviatedStatement")
        statement = item["fullStatement"]
        if title:
            out["title"] = title
        elif kind != "indicator":
            out["title"] = statement if len(statement) <= 120 else statement[:117].rstrip() + "..."
        out["statement"] = statement
        item_levels = [_level(v) for v in item.get("educationLevel") or []]
        if kind == "standard" and not item_levels:
            item_levels = ["all"]
        if item_levels:
            out["levels"] = item_levels
            levels.update(dict.fromkeys(item_levels))
        if item["identifier"] != case_uuid(base, code):
            out["case_identifier"] = item["identifier"]
        kids = [node(child, depth + 1) for _, _, child in sorted(children.get(identifier, []))]
        if kids:
            out["items"] = [k for k in kids if k is not None]
        return out

    tree = [node(child, 1) for _, _, child in sorted(children.get(document["identifier"], []))]
    licence = (document.get("licenseURI") or {}).get("title") or "not stated in the CASE package"
    data: dict[str, object] = {
        "title": document["title"], "version": version or "", "status":
        STATUS.get(str(document.get("adoptionStatus", "draft")).lower(), "draft"),
        "publisher": document.get("publisher") or document["creator"], "licence": licence, "base_uri": base,
        "date": document["lastChangeDateTime"][:10],
    }
    if document.get("description"):
        data["description"] = document["description"]
    data["levels"] = list(levels) or ["all"]
    if document["identifier"] != case_uuid(base):
        data["case_identifier"] = document["identifier"]
    data["items"] = [t for t in tree if t is not None]
    if any(p.severity.value == "error" for p in problems):
        return None, problems
    return data, problems


def framework_yaml(framework_id: str, data: dict[str, object]) -> str:
    """The framework file's text: the id first, then the fields in the content contract's order."""
    return yaml.safe_dump({"id": framework_id, **data}, sort_keys=False, allow_unicode=True, width=100)
