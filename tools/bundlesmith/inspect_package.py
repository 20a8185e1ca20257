"""`bundlesmith inspect PACKAGE.zip`: open any SCORM zip safely, validate it and describe what an LMS will see.

Safe with untrusted packages: nothing is extracted; entry names that could escape a folder (`../`, absolute
paths, drive letters, symlinks) are reported; sizes and compression ratios are capped (zip bombs); the
manifest is parsed without DTDs, entities or network. Problems are Diagnostics (`path:line: error: ...`).
"""

from __future__ import annotations

import posixpath
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict
from urllib.parse import unquote, urlsplit

from lxml import etree

from bundlesmith import scorm_schemas
from bundlesmith.diagnostics import Diagnostic, DiagnosticJson, Span, error, warning

MAX_ENTRIES = 20_000
MAX_TOTAL = 2 * 1024**3  # the Learning Hub's upload limit
MAX_MANIFEST = 16 * 1024**2
MAX_RATIO = 200
MANIFEST = "imsmanifest.xml"


@dataclass
class ScoInfo:
    title: str
    identifier: str
    href: str
    mastery: str
    standards: list[str]


class ScoJson(TypedDict):
    title: str
    identifier: str
    launch: str
    mastery_score: str
    standards: list[str]


class InspectionJson(TypedDict):
    """`inspect --format json`: one package."""

    package: str
    size: int
    sha256: str
    scorm_version: str | None
    edition: str
    identifier: str
    title: str
    version: str
    files: int
    sco_count: int
    scos: list[ScoJson]
    validated: bool
    schemas: str
    ok: bool
    diagnostics: list[DiagnosticJson]
    tree: list[str]


@dataclass
class Inspection:
    path: Path
    version: str | None = None  # SCORM version: "1.2" | "2004"
    files: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    tree: list[str] = field(default_factory=list)
    scos: list[ScoInfo] = field(default_factory=list)
    validated: bool = False
    schemas: str = ""  # which schema files validated it: "official (<folder>)" or the bundled fallback
    identifier: str = ""  # the manifest's identifier: what an LMS matches an updated package by
    title: str = ""  # the default organisation's title
    package_version: str = ""  # the manifest's version attribute
    edition: str = ""  # <schemaversion>: "1.2" or "2004 4th Edition"
    size: int = 0
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not any(d.severity.value == "error" for d in self.diagnostics)

    def to_json(self) -> InspectionJson:
        """Everything an LMS administrator checks before importing, as data (`inspect --format json`)."""
        return {
            "package": self.path.name, "size": self.size, "sha256": self.sha256, "scorm_version": self.version,
            "edition": self.edition, "identifier": self.identifier, "title": self.title,
            "version": self.package_version, "files": self.files, "sco_count": len(self.scos),
            "scos": [{"title": s.title, "identifier": s.identifier, "launch": s.href, "mastery_score": s.mastery,
                      "standards": s.standards} for s in self.scos],
            "validated": self.validated, "schemas": self.schemas, "ok": self.ok,
            "diagnostics": [d.to_json() for d in self.diagnostics], "tree": self.tree,
        }


def inspect(path: Path, schemas_dir: Path | None = None) -> Inspection:
    import hashlib

    result = Inspection(path)
    where = Span(path.name)
    try:
        with open(path, "rb") as handle:
            result.sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
        result.size = path.stat().st_size
    except OSError:
        pass
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        result.diagnostics.append(error(where, "not-a-zip", f"cannot open as a zip file: {exc}"))
        return result
    with archive:
        names = _check_entries(archive, result, where)
        if MANIFEST not in names:
            result.diagnostics.append(error(where, "no-manifest", "no imsmanifest.xml at the root of the zip",
                                            "an LMS looks for it there and nowhere else"))
            return result
        info = archive.getinfo(MANIFEST)
        if info.file_size > MAX_MANIFEST:
            result.diagnostics.append(error(where, "zip-bomb", f"imsmanifest.xml is {info.file_size} bytes; refusing to read it"))
            return result
        data = archive.read(MANIFEST)
    _check_manifest(data, set(names), result, schemas_dir)
    return result


def _check_entries(archive: zipfile.ZipFile, result: Inspection, where: Span) -> list[str]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        result.diagnostics.append(error(where, "zip-bomb", f"{len(infos)} entries (limit {MAX_ENTRIES})"))
        return []
    total, names = 0, []
    for info in infos:
        name = info.filename
        if info.is_dir():
            continue
        total += info.file_size
        unsafe = (name.startswith(("/", "\\")) or "\\" in name or ":" in name.split("/")[0]
                  or ".." in name.split("/"))
        if unsafe:
            result.diagnostics.append(error(where, "unsafe-path", f"entry '{name}' would be written outside the package folder (path traversal)"))
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            result.diagnostics.append(error(where, "unsafe-path", f"entry '{name}' is a symbolic link"))
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1024**2:
            result.diagnostics.append(error(where, "zip-bomb", f"entry '{name}' expands {info.file_size // info.compress_size}x"))
        names.append(name)
    if total > MAX_TOTAL:
        result.diagnostics.append(error(where, "zip-bomb", f"the package expands to {total} bytes (limit {MAX_TOTAL})"))
    if len(names) != len(set(names)):
        result.diagnostics.append(error(where, "duplicate-entry", "the zip holds two entries with the same name"))
    result.files = len(set(names))
    return names


def _check_manifest(data: bytes, names: set[str], result: Inspection, schemas_dir: Path | None) -> None:
    def span(line: object = 0) -> Span:
        """A place in the manifest; `line` is lxml's sourceline (lxml-stubs do not type it)."""
        return Span(f"{result.path.name}/{MANIFEST}", line if isinstance(line, int) else 0)

    try:
        tree = scorm_schemas.safe_parse(data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        result.diagnostics.append(error(span(getattr(exc, "lineno", 0) or 0), "bad-manifest", f"the manifest cannot be read: {exc}"))
        return
    root = tree.getroot()
    result.version = scorm_schemas.ROOT_NAMESPACE.get(etree.QName(root).namespace)
    if result.version is None:
        result.diagnostics.append(error(span(root.sourceline), "bad-manifest",
                                        f"not a SCORM 1.2 or 2004 manifest (root namespace '{etree.QName(root).namespace}')"))
        return
    result.identifier = root.get("identifier", "")
    result.package_version = root.get("version", "")
    cp_ns = etree.QName(root).namespace
    result.edition = (root.findtext(f"{{{cp_ns}}}metadata/{{{cp_ns}}}schemaversion") or "").strip()
    try:
        folder, official = scorm_schemas.schema_folder(result.version, schemas_dir)
        _, problems = scorm_schemas.validate(data, schemas_dir)
        result.validated = True
        result.schemas = (f"official ({folder})" if official else
                          f"bundled fallback, not the official files ({folder}: the official files with documented fixes)")
        for problem in problems:
            line, _, message = problem.partition(": ")
            number = int(line.split()[-1]) if line.startswith("line ") else 0
            result.diagnostics.append(error(span(number), "xsd", message or problem))
    except scorm_schemas.SchemasNotFound as exc:
        result.diagnostics.append(warning(span(), "no-schemas", f"not validated against the XSDs: {exc}"))
    ns = {"cp": etree.QName(root).namespace}
    resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", ns)}
    organizations = {o.get("identifier"): o for o in root.iterfind("cp:organizations/cp:organization", ns)}
    default = root.find("cp:organizations", ns)
    default_id = default.get("default") if default is not None else None
    if default is not None and default_id and default_id not in organizations:
        result.diagnostics.append(error(span(default.sourceline), "bad-reference",
                                        f"the default organization '{default_id}' does not exist"))
    for item in root.iter(f"{{{ns['cp']}}}item"):
        score = item.find("{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore")
        if score is not None and not _percentage(score.text):
            result.diagnostics.append(error(span(score.sourceline), "bad-mastery-score",
                                            f"item '{item.get('identifier')}' has masteryscore '{(score.text or '').strip()}', "
                                            "not a number from 0 to 100"))
        ref = item.get("identifierref")
        if ref and ref not in resources:
            result.diagnostics.append(error(span(item.sourceline), "bad-reference",
                                            f"item '{item.get('identifier')}' points at resource '{ref}', which does not exist"))
    listed: set[str] = set()
    for identifier, resource in resources.items():
        base = resource.get("{http://www.w3.org/XML/1998/namespace}base", "")
        for dep in resource.iterfind("cp:dependency", ns):
            if dep.get("identifierref") not in resources:
                result.diagnostics.append(error(span(dep.sourceline), "bad-reference",
                                                f"resource '{identifier}' depends on '{dep.get('identifierref')}', which does not exist"))
        hrefs: list[tuple[str | None, object]] = [(f.get("href"), f.sourceline) for f in resource.iterfind("cp:file", ns)]
        if resource.get("href"):
            hrefs.append((resource.get("href"), resource.sourceline))
        for href, where in hrefs:
            target = _local(base, href or "")
            if target is None:
                continue
            listed.add(target)
            if target not in names:
                result.diagnostics.append(error(span(where), "missing-file",
                                                f"'{target}' is listed in the manifest but is not in the zip"))
    for name in sorted(names - listed - {MANIFEST}):
        if not name.endswith(".xsd") and not name.endswith(".dtd"):
            result.diagnostics.append(warning(span(), "unlisted-file", f"'{name}' is in the zip but not listed in the manifest"))
    org = organizations.get(default_id) if default_id else next(iter(organizations.values()), None)
    if org is not None:
        result.title = (org.findtext("cp:title", default="", namespaces=ns) or "").strip()
        _describe(org, resources, result, ns, depth=0)


def _percentage(text: str | None) -> bool:
    try:
        return 0 <= float((text or "").strip()) <= 100
    except ValueError:
        return False


def _local(base: str, href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None  # a URL outside the package: nothing to check in the zip
    return posixpath.normpath(posixpath.join(base, unquote(parts.path))) if parts.path else None


def _describe(node: etree._Element, resources: dict[str | None, etree._Element], result: Inspection,
              ns: dict[str, str], depth: int) -> None:
    title = (node.findtext("cp:title", default="", namespaces=ns) or "").strip()
    identifier = node.get("identifier", "")
    if depth == 0:
        result.tree.append(f"organisation: {title} [{identifier}]")
    else:
        ref = node.get("identifierref")
        line = "  " * depth + f"- {title} [{identifier}]"
        if ref and ref in resources:
            res = resources[ref]
            kind = res.get("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype") or res.get(
                "{http://www.adlnet.org/xsd/adlcp_v1p3}scormType") or "asset"
            mastery = _mastery(node)
            standards = _standards(node)
            line += f" -> {res.get('href', '')} ({kind.upper() if kind == 'sco' else kind})"
            if mastery:
                line += f", mastery score {mastery}"
            result.tree.append(line)
            for standard in standards:
                result.tree.append("  " * (depth + 1) + f"  standard: {standard}")
            if kind == "sco":
                result.scos.append(ScoInfo(title, identifier, res.get("href", ""), mastery, standards))
        else:
            result.tree.append(line)
    for child in node.iterfind("cp:item", ns):
        _describe(child, resources, result, ns, depth + 1)


def _mastery(item: etree._Element) -> str:
    for element in item:
        tag = etree.QName(element)
        if tag.localname == "masteryscore":
            return (element.text or "").strip()
        if tag.localname == "sequencing":
            measure = element.find(".//{http://www.imsglobal.org/xsd/imsss}primaryObjective/"
                                   "{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure")
            if measure is not None and measure.text:
                try:
                    return f"{float(measure.text) * 100:g}"
                except ValueError:
                    return str(measure.text)
    return ""


def _standards(item: etree._Element) -> list[str]:
    """`CODE title (strength)` from the item's LOM classification (1.2 nested or 2004 flat taxons)."""
    found: list[str] = []
    for classification in item.iter("{*}classification"):
        strength = " ".join(_words(k) for k in classification.iterfind("{*}keyword") if _words(k))
        for path in list(classification.iterfind("{*}taxonpath")) + list(classification.iterfind("{*}taxonPath")):
            taxons = list(path.iter("{*}taxon"))
            if not taxons:
                continue
            last = taxons[-1]
            code = (last.findtext("{*}id") or "").strip()
            entry = last.find("{*}entry")
            label = _words(entry) if entry is not None else ""
            found.append(f"{code} {label}" + (f" ({strength})" if strength else ""))
    return found


def _words(element: etree._Element) -> str:
    """The element's text, its pieces stripped and joined by spaces (lxml-stubs allow bytes: a parsed
    document's text is str)."""
    return " ".join(t.strip() for t in element.itertext() if isinstance(t, str) and t.strip())
