"""Load the SCORM 1.2 / 2004 4th Edition XSDs offline and validate a manifest against them.

Two sets of schema files:
- the **official** files, unmodified (scorm/schemas-official/, with their provenance and SHA256SUMS; or
  another copy named by `--schemas` or `$BUNDLESMITH_SCORM_SCHEMAS`). As published, three of them do not
  compile in libxml2 or in ADL's validator, so `FIXES` is applied to them in memory while loading;
- the **shipped** files, the ones inside every package (scorm/xsd/): the official files with exactly
  `FIXES` applied, so a strict validator without network compiles them as they are.

`FIXES` is the one list of differences; tests/test_scorm_schemas.py proves the shipped files are the
official ones with these fixes and nothing else. Nothing is ever fetched from the network.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

NS12 = {
    "http://www.w3.org/XML/1998/namespace": "ims_xml.xsd",
    "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "imscp_rootv1p1p2.xsd",
    "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp_rootv1p2.xsd",
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1": "imsmd_rootv1p2p1.xsd",
}
NS2004 = {
    "http://www.w3.org/XML/1998/namespace": "xml.xsd",  # first, so the w3.org import is skipped
    "http://www.imsglobal.org/xsd/imscp_v1p1": "imscp_v1p1.xsd",
    "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp_v1p3.xsd",
    "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq_v1p3.xsd",
    "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav_v1p3.xsd",
    "http://www.imsglobal.org/xsd/imsss": "imsss_v1p0.xsd",
    "http://ltsc.ieee.org/xsd/LOM": "lom.xsd",
}
FOLDER = {"1.2": "scorm12", "2004": "scorm2004-4th"}
ROOT_NAMESPACE = {"http://www.imsproject.org/xsd/imscp_rootv1p1p2": "1.2", "http://www.imsglobal.org/xsd/imscp_v1p1": "2004"}


class SchemasNotFound(Exception):
    pass


@dataclass(frozen=True)
class SchemaFix:
    """One change to one official schema file, and why it is needed."""

    version: str  # "1.2" | "2004"
    name: str  # the file, relative to the version's folder
    old: bytes
    new: bytes
    why: str


FIXES = (
    SchemaFix("1.2", "ims_xml.xsd", b'<xsd:schema xmlns="http://www.w3.org/XML/1998/namespace"', b"<xsd:schema",
              "it declares the XML namespace as its default namespace, which Namespaces in XML forbids; libxml2 "
              "and ADL's validator refuse to compile it. The declaration is never used."),
    SchemaFix("1.2", "imsmd_rootv1p2p1.xsd", b'<xsd:any namespace="##any"', b'<xsd:any namespace="##other"',
              "its ##any wildcard breaks the Unique Particle Attribution rule for libxml2 (Xerces accepts it); "
              "##other is what IMS used in later versions."),
    SchemaFix("2004", "imscp_v1p1.xsd", b'schemaLocation = "http://www.w3.org/2001/xml.xsd"',
              b'schemaLocation = "xml.xsd"',
              "it imports xml.xsd from the W3C's web site, which a validator without network cannot load; the "
              "package holds the same xml.xsd beside it."),
)


def fixed(version: str, name: str, data: bytes) -> bytes:
    """An official schema file's bytes with its FIXES applied (each must apply exactly once)."""
    for fix in FIXES:
        if fix.version == version and fix.name == name:
            if data.count(fix.old) != 1:
                raise SchemasNotFound(f"{name} is not the official file this fix is for: {fix.old!r}")
            data = data.replace(fix.old, fix.new)
    return data


def default_schemas_dir() -> Path | None:
    """The official schemas: $BUNDLESMITH_SCORM_SCHEMAS, else the unmodified copy bundlesmith carries
    (scorm/schemas-official/)."""
    from bundlesmith.runtime import runtime_dir

    candidates = []
    if os.environ.get("BUNDLESMITH_SCORM_SCHEMAS"):
        candidates.append(Path(os.environ["BUNDLESMITH_SCORM_SCHEMAS"]))
    with contextlib.suppress(FileNotFoundError):
        candidates.append(runtime_dir() / "schemas-official")
    return next((c for c in candidates if (c / "scorm12").is_dir() and (c / "scorm2004-4th").is_dir()), None)


def shipped_dir(version: str) -> Path:
    """The schema files every package holds (the official ones with FIXES applied)."""
    from bundlesmith.runtime import runtime_dir

    return runtime_dir() / "xsd" / ("scorm12" if version == "1.2" else "scorm2004")


class _OfflineResolver(etree.Resolver):
    """Loads the official files with FIXES applied in memory; never the network."""

    def __init__(self, folder: Path, version: str):
        super().__init__()
        self.folder, self.version = folder, version

    # lxml calls resolve() with the parser context too, and has resolve_filename(): lxml-stubs know neither.
    def resolve(self, url: str | None, pubid: str | None, context: object) -> object:  # type: ignore[override]
        name = (url or "").rsplit("/", 1)[-1]
        if url == "http://www.w3.org/2001/xml.xsd":
            return self.resolve_filename(str(self.folder / "xml.xsd"), context)  # type: ignore[attr-defined]
        if any(f.version == self.version and f.name == name for f in FIXES) and (self.folder / name).is_file():
            text = fixed(self.version, name, (self.folder / name).read_bytes())
            return self.resolve_string(text, context, base_url=str(self.folder / name))
        if url and url.startswith(("http:", "https:", "ftp:")):
            return self.resolve_string(b"", context, base_url=None)  # never the network
        return None


def schema_folder(version: str, schemas_dir: Path | None = None) -> tuple[Path, bool]:
    """(where one version's XSDs are, whether they are the official files): the folder given, else the
    official set `default_schemas_dir` finds, else the corrected copies packages ship (never called official)."""
    base = schemas_dir or default_schemas_dir()
    if base is not None:
        if (base / FOLDER[version]).is_dir():
            return (base / FOLDER[version]).resolve(), True
        raise SchemasNotFound(f"no {FOLDER[version]}/ folder in {base}")
    try:
        shipped = shipped_dir(version)
    except FileNotFoundError:
        shipped = None
    if shipped is None or not shipped.is_dir():
        raise SchemasNotFound("no SCORM schemas were found (set BUNDLESMITH_SCORM_SCHEMAS)")
    return shipped.resolve(), False


@lru_cache(maxsize=4)
def load_schema(version: str, schemas_dir: Path | None = None) -> etree.XMLSchema:
    """The driver schema for one SCORM version, importing every namespace a manifest may use: the official
    files with FIXES applied in memory, or the shipped files exactly as they are."""
    folder, official = schema_folder(version, schemas_dir)
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{(folder / name).as_uri()}"/>'
                      for ns, name in (NS12 if version == "1.2" else NS2004).items())
    driver = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'.encode()
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    if official:
        parser.resolvers.add(_OfflineResolver(folder, version))
    doc = etree.fromstring(driver, parser, base_url=(folder / "driver.xsd").as_uri())
    return etree.XMLSchema(doc)


def safe_parse(data: bytes) -> etree._ElementTree:
    """Parse untrusted XML: no DTD loading, no entities, no network."""
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise ValueError("the manifest declares a DOCTYPE or entities, which a package must not use")
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False)
    return etree.ElementTree(etree.fromstring(data, parser))


def validate(data: bytes, schemas_dir: Path | None = None) -> tuple[str | None, list[str]]:
    """(SCORM version, problems `line N: message`) for a manifest's bytes."""
    try:
        tree = safe_parse(data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        return None, [f"not well-formed XML: {exc}"]
    namespace = etree.QName(tree.getroot()).namespace
    version = ROOT_NAMESPACE.get(namespace)
    if version is None:
        return None, [f"root element is not a SCORM 1.2 or 2004 manifest (namespace {namespace!r})"]
    schema = load_schema(version, schemas_dir)
    if schema.validate(tree):
        return version, []
    entries: Iterable[Any] = schema.error_log  # type: ignore[assignment]  # lxml-stubs: _ErrorLog is iterable
    return version, [f"line {e.line}: {e.message}" for e in entries]
