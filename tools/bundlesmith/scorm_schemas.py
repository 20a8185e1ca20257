"""Load the official SCORM 1.2 / 2004 4th Edition XSDs offline and validate a manifest against them.

The schema files are kept unmodified (see scorm-schemas/README.md). Three fixes are made in memory only:
SCORM 1.2's `ims_xml.xsd` declares the XML namespace as its default namespace (libxml2 refuses it), its
`imsmd_rootv1p2p1.xsd` wildcard breaks the Unique Particle Attribution rule (read as `##other`, as IMS
later did), and 2004's `imscp_v1p1.xsd` imports `xml.xsd` from w3.org (resolved to the local copy).
Nothing is ever fetched from the network.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

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


def default_schemas_dir() -> Path | None:
    """$BUNDLESMITH_SCORM_SCHEMAS, else `../shared/scorm-schemas` beside the repository (as in CI)."""
    candidates = []
    if os.environ.get("BUNDLESMITH_SCORM_SCHEMAS"):
        candidates.append(Path(os.environ["BUNDLESMITH_SCORM_SCHEMAS"]))
    repo = Path(__file__).resolve().parents[2]
    candidates += [repo.parent / "shared" / "scorm-schemas", repo / "scorm-schemas"]
    return next((c for c in candidates if (c / "scorm12").is_dir() and (c / "scorm2004-4th").is_dir()), None)


class _OfflineResolver(etree.Resolver):
    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def resolve(self, url, pubid, context):
        name = (url or "").rsplit("/", 1)[-1]
        if url == "http://www.w3.org/2001/xml.xsd":
            return self.resolve_filename(str(self.folder / "xml.xsd"), context)
        if name == "ims_xml.xsd" and (self.folder / name).is_file():
            text = (self.folder / name).read_bytes().replace(b'xmlns="http://www.w3.org/XML/1998/namespace"', b"", 1)
            return self.resolve_string(text, context, base_url=str(self.folder / name))
        if name == "imsmd_rootv1p2p1.xsd" and (self.folder / name).is_file():
            text = (self.folder / name).read_bytes().replace(b'namespace="##any"', b'namespace="##other"', 1)
            return self.resolve_string(text, context, base_url=str(self.folder / name))
        if url and url.startswith(("http:", "https:", "ftp:")):
            return self.resolve_string(b"", context)  # never the network
        return None


def schema_folder(version: str, schemas_dir: Path | None = None) -> Path:
    """Where one version's XSDs are: the folder given, else the official set found by `default_schemas_dir`,
    else the byte-identical copies bundlesmith ships inside packages (scorm/xsd/)."""
    base = schemas_dir or default_schemas_dir()
    if base is not None:
        if (base / FOLDER[version]).is_dir():
            return (base / FOLDER[version]).resolve()
        raise SchemasNotFound(f"no {FOLDER[version]}/ folder in {base}")
    from bundlesmith.render.packages import runtime_dir

    try:
        shipped = runtime_dir() / "xsd" / ("scorm12" if version == "1.2" else "scorm2004")
    except FileNotFoundError:
        shipped = None
    if shipped is None or not shipped.is_dir():
        raise SchemasNotFound("the official SCORM schemas were not found (set BUNDLESMITH_SCORM_SCHEMAS)")
    return shipped.resolve()


@lru_cache(maxsize=4)
def load_schema(version: str, schemas_dir: Path | None = None) -> etree.XMLSchema:
    """The driver schema for one SCORM version, importing every namespace a manifest may use."""
    folder = schema_folder(version, schemas_dir)
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{(folder / name).as_uri()}"/>'
                      for ns, name in (NS12 if version == "1.2" else NS2004).items())
    driver = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'.encode()
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_OfflineResolver(folder))
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
    return version, [f"line {e.line}: {e.message}" for e in schema.error_log]
