"""The one rule for CASE identifiers, for every output that names a framework, standard or crosswalk item.

A CFItem's identifier is `uuid5(NAMESPACE_URL, base_uri + code)` and the CFDocument's is
`uuid5(NAMESPACE_URL, base_uri)`: the same framework version always gets the same identifiers, wherever
and whenever it is exported. A framework imported from CASE keeps the identifiers it came with
(`case_identifier` in its YAML), so re-exporting it does not change them.
"""

from __future__ import annotations

import uuid

from bundlesmith.model import Framework, StandardItem


def exported(framework: Framework) -> bool:
    """Whether `build` writes the framework as a CASE package: it needs the `date` of its version."""
    return bool(framework.date)


def case_uuid(base_uri: str, code: str = "") -> str:
    """The identifier of the node at `base_uri + code` (the document itself when `code` is empty)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, base_uri + code))


def document_id(framework: Framework) -> str:
    return framework.case_identifier or case_uuid(framework.base_uri)


def item_id(framework: Framework, item: StandardItem) -> str:
    return item.case_identifier or case_uuid(framework.base_uri, item.code)


def association_id(base_uri: str, kind: str, origin: str, destination: str) -> str:
    """An association is named by its type and its two ends, under the document's base URI."""
    return case_uuid(base_uri, f"#{kind}/{origin}/{destination}")
