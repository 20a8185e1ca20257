"""What the CFPackage schema cannot check: identifiers are UUIDs, every association end resolves (to the
document or an item of the package; an end outside it only when its identifier is the uuid5 of its uri, as
case/ids.py names every node, so it resolves wherever that node is published), the tree of
`isChildOf` associations reaches the document from every item without a cycle, groupings are defined.

Each problem is a (JSON path, message) pair, so that `import case` and the tests name where it is.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeAlias

from bundlesmith.case.ids import case_uuid

if TYPE_CHECKING:
    from jsonschema import Draft7Validator

SCHEMA = "case-v1p0-cfpackage-schema.json"
# A package as json.loads reads it from a file someone gives: its shape is what the vendored schema
# checks (schema_problems), so the reference checks read it only once that check has passed.
Package: TypeAlias = dict[str, Any]


@lru_cache(maxsize=1)
def schema_validator() -> Draft7Validator:
    """The vendored CASE 1.0 CFPackage schema's validator (Draft 7: the schema has no `$schema` keyword)."""
    from jsonschema import Draft7Validator

    text = resources.files("bundlesmith.schemas").joinpath("case").joinpath(SCHEMA).read_text("utf-8")
    return Draft7Validator(json.loads(text))


def _where(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the package"


def schema_problems(package: object) -> list[tuple[str, str]]:
    errors = sorted(schema_validator().iter_errors(package), key=lambda e: [str(p) for p in e.absolute_path])
    return [(_where(e.absolute_path), e.message) for e in errors]


def _is_uuid(value: object) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def reference_problems(package: Package) -> list[tuple[str, str]]:
    """The problems of a package that is valid under the schema."""
    found: list[tuple[str, str]] = []
    document = package["CFDocument"]
    nodes = {document["identifier"]: document["uri"]}
    for i, item in enumerate(package.get("CFItems", [])):
        if item["identifier"] in nodes:
            found.append((f"CFItems[{i}].identifier", f"identifier {item['identifier']} is used twice"))
        nodes[item["identifier"]] = item["uri"]
    given = package.get("CFDefinitions")
    definitions = given if isinstance(given, dict) else {}
    groupings = {g["identifier"] for g in definitions.get("CFAssociationGroupings", [])}
    ids = [("CFDocument.identifier", document["identifier"])]
    ids += [(f"CFItems[{i}].identifier", item["identifier"]) for i, item in enumerate(package.get("CFItems", []))]
    parents: dict[str, list[str]] = {}
    for i, assoc in enumerate(package.get("CFAssociations", [])):
        where = f"CFAssociations[{i}]"
        ids.append((f"{where}.identifier", assoc["identifier"]))
        grouping = assoc.get("CFAssociationGroupingURI")
        if grouping:
            ids.append((f"{where}.CFAssociationGroupingURI.identifier", grouping["identifier"]))
            if grouping["identifier"] not in groupings:
                found.append((f"{where}.CFAssociationGroupingURI", (f"grouping {grouping['identifier']} is not in "
                              "CFDefinitions.CFAssociationGroupings")))
        for end in ("originNodeURI", "destinationNodeURI"):
            node = assoc[end]
            ids.append((f"{where}.{end}.identifier", node["identifier"]))
            if node["identifier"] in nodes:
                if nodes[node["identifier"]] != node["uri"]:
                    found.append((f"{where}.{end}.uri", f"{node['uri']} is not the uri of {node['identifier']}"))
            elif assoc["associationType"] == "isChildOf" or node["identifier"] != case_uuid(node["uri"]):
                # Outside the package lie only a crosswalk's source items and the items of another framework
                # (a local framework's related national standards), each named by its uri (case/ids.py).
                found.append((f"{where}.{end}", (f"{node['identifier']} is neither the document nor an item of "
                              "this package")))
        if assoc["associationType"] == "isChildOf":
            parents.setdefault(assoc["originNodeURI"]["identifier"], []).append(assoc["destinationNodeURI"]["identifier"])
    found += [(where, f"'{value}' is not a UUID") for where, value in ids if not _is_uuid(value)]
    for i, item in enumerate(package.get("CFItems", [])):
        chain: list[str] = []
        node = item["identifier"]
        while node != document["identifier"]:
            up = parents.get(node, [])
            if len(up) != 1:
                found.append((f"CFItems[{i}]", (f"item {node} has {len(up)} parents in the tree (isChildOf); "
                              "it needs exactly one")) if node == item["identifier"] else
                             (f"CFItems[{i}]", f"item {item['identifier']} does not reach the document"))
                break
            if node in chain:
                found.append((f"CFItems[{i}]", f"the tree has a cycle through item {node}"))
                break
            chain.append(node)
            node = up[0]
    return found


def problems(package: object) -> list[tuple[str, str]]:
    """Schema problems first; reference problems only once the schema is met."""
    schema = schema_problems(package)
    if schema or not isinstance(package, dict):  # the schema's root is an object
        return schema
    return reference_problems(package)
