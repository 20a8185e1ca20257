"""The files a module may link or embed, and how each is recognised by its content, not its name.

Everything a module links is copied into the learners' site and into SCORM packages, where it runs with
the LMS's own origin: an HTML file or a scripted SVG there can set a learner's score. So only the types
below are published, each checked by its bytes (magic numbers; for office formats the zip's own
structure; for SVG a strict allow-list of elements and attributes, parsed without entities or network),
and only from under `content/`, never a dotfile or a file in a dot-folder.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

CONTENT_DIR = "content"

# suffix -> what a person calls it
KINDS = {
    ".pdf": "PDF", ".docx": "Word document", ".xlsx": "Excel workbook", ".pptx": "PowerPoint presentation",
    ".odt": "OpenDocument text", ".ods": "OpenDocument spreadsheet", ".odp": "OpenDocument presentation",
    ".txt": "text", ".csv": "CSV", ".vtt": "WebVTT captions", ".mp3": "MP3 audio", ".mp4": "MP4 video",
    ".png": "PNG image", ".jpg": "JPEG image", ".jpeg": "JPEG image", ".gif": "GIF image", ".webp": "WebP image",
    ".svg": "SVG image",
}
IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
ALLOWED_LIST = "pdf, docx, xlsx, pptx, odt, ods, odp, txt, csv, vtt, mp3, mp4, png, jpg, gif, webp, svg"
TEXT_LIMIT = 5_000_000


@dataclass(frozen=True)
class Refusal:
    """Why a file may not be published: a diagnostic code and a message ending in what to do."""

    code: str
    message: str


@lru_cache(maxsize=4096)
def place_refusal(project_path: str) -> Refusal | None:
    """Whether a project-relative path may be published at all: under content/, no dot-parts."""
    parts = PurePosixPath(project_path).parts
    if any(part.startswith(".") for part in parts):
        return Refusal("hidden-file", "is a hidden file or in a hidden folder; such files are never published")
    if not parts or parts[0] != CONTENT_DIR or len(parts) < 2:
        return Refusal("not-in-content", f"is not under {CONTENT_DIR}/; only files under {CONTENT_DIR}/ are published")
    return None


def type_refusal(file: Path, image: bool) -> Refusal | None:
    """Whether the file's type is allowed (for an image, an image type) and its bytes are of that type."""
    suffix = file.suffix.lower()
    if suffix not in KINDS or (image and suffix not in IMAGES):
        allowed = "png, jpg, gif, webp, svg" if image else ALLOWED_LIST
        shown = suffix or "no extension"
        return Refusal("file-type", f"is a type that is not published ({shown}); allowed: {allowed}")
    try:
        check = _CHECKS[suffix]
        problem = check(file)
    except OSError as exc:
        return Refusal("file-type", f"cannot be read ({exc.strerror or exc})")
    if problem:
        code = "unsafe-svg" if suffix == ".svg" else "file-content"
        return Refusal(code, problem)
    return None


def publishable(project_path: str, file: Path) -> bool:
    """The one rule the renderers rely on: a file they may copy into a site or a package."""
    return place_refusal(project_path) is None and type_refusal(file, False) is None


def _head(file: Path, size: int = 16) -> bytes:
    with open(file, "rb") as handle:
        return handle.read(size)


def _signature(*signatures: bytes, kind: str) -> Callable[[Path], str]:
    def check(file: Path) -> str:
        head = _head(file)
        return "" if any(head.startswith(s) for s in signatures) else f"does not look like a {kind} file"
    return check


def _webp(file: Path) -> str:
    head = _head(file)
    return "" if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else "does not look like a WebP image file"


def _mp4(file: Path) -> str:
    return "" if _head(file)[4:8] == b"ftyp" else "does not look like an MP4 video file"


def _mp3(file: Path) -> str:
    head = _head(file)
    framed = len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
    return "" if head.startswith(b"ID3") or framed else "does not look like an MP3 audio file"


def _text(file: Path, first: bytes = b"") -> str:
    if file.stat().st_size > TEXT_LIMIT:
        return f"is larger than {TEXT_LIMIT // 1_000_000} MB; a text file that size is not published"
    data = file.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    if "\0" in text:
        return "holds NUL bytes, so it is not a text file"
    if first and not text.startswith(first.decode()):
        return f"does not start with '{first.decode()}', so it is not a WebVTT file"
    if re.search(r"<\s*(script|html|iframe|svg)\b", text, re.IGNORECASE):
        return "holds markup (<script>, <html>, <iframe> or <svg>); publish it as a PDF instead"
    return ""


_OFFICE_PARTS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
_OPEN_DOCUMENT = {".odt": "application/vnd.oasis.opendocument.text",
                  ".ods": "application/vnd.oasis.opendocument.spreadsheet",
                  ".odp": "application/vnd.oasis.opendocument.presentation"}


def _office(file: Path) -> str:
    kind = KINDS[file.suffix.lower()]
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if file.suffix.lower() in _OPEN_DOCUMENT:
                if not names or names[0] != "mimetype" or \
                        archive.read("mimetype").decode("ascii", "replace") != _OPEN_DOCUMENT[file.suffix.lower()]:
                    return f"does not look like an {kind} file (no matching 'mimetype' entry first)"
            elif "[Content_Types].xml" not in names or not any(n.startswith(_OFFICE_PARTS[file.suffix.lower()])
                                                               for n in names):
                return f"does not look like a {kind} file (the parts of one are missing)"
            if any(n.lower().endswith(("vbaproject.bin", ".js", ".html", ".htm")) or n.lower().startswith("basic/")
                   for n in names):
                return f"holds macros or scripts; save it as a plain {kind} without them"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError):
        return f"does not look like a {kind} file (not a readable zip)"
    return ""


# SVG: what a diagram or icon needs, and nothing that can run, load or navigate.
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "metadata", "symbol", "use", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "clipPath",
    "mask", "pattern", "marker", "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feFlood",
    "feComposite", "feMerge", "feMergeNode", "feDropShadow",
})
SVG_ATTRIBUTES = frozenset({
    "id", "class", "width", "height", "viewBox", "preserveAspectRatio", "version", "x", "y", "x1", "y1", "x2", "y2",
    "cx", "cy", "r", "rx", "ry", "d", "points", "transform", "fill", "fill-opacity", "fill-rule", "stroke",
    "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset",
    "stroke-miterlimit", "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "alignment-baseline", "letter-spacing", "dx", "dy", "rotate", "lengthAdjust",
    "textLength", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
    "fx", "fy", "clip-path", "clipPathUnits", "mask", "maskUnits", "maskContentUnits", "patternUnits",
    "patternContentUnits", "patternTransform", "markerWidth", "markerHeight", "markerUnits", "refX", "refY",
    "orient", "marker-start", "marker-mid", "marker-end", "filter", "filterUnits", "primitiveUnits",
    "stdDeviation", "in", "in2", "result", "mode", "values", "type", "operator", "k1", "k2", "k3", "k4",
    "flood-color", "flood-opacity", "role", "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden",
    "focusable", "lang", "style", "display", "visibility", "color", "vector-effect", "shape-rendering",
    "text-rendering", "href", "startOffset", "method", "spacing", "overflow", "clip-rule",
})
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


def _svg(file: Path) -> str:
    from lxml import etree

    data = file.read_bytes()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return "has a DOCTYPE or entities, which are not allowed in a published SVG"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return f"is not well-formed XML (line {exc.lineno}): {exc.msg}"
    if root.tag != f"{{{SVG_NS}}}svg":
        return "is not an SVG image (its root element is not <svg>)"
    for node in root.iter():
        if not isinstance(node.tag, str):  # comments and processing instructions
            if isinstance(node, etree._ProcessingInstruction):
                return f"has a processing instruction at line {node.sourceline}"
            continue
        namespace, _, name = node.tag.rpartition("}")
        if namespace.lstrip("{") != SVG_NS or name not in SVG_ELEMENTS:
            return f"has <{name}> on line {node.sourceline}, which is not allowed in a published SVG"
        for attribute, value in node.attrib.items():
            problem = _svg_attribute(attribute, value, node.sourceline)
            if problem:
                return problem
    return ""


def _svg_attribute(written: str | bytes, given: str | bytes, line: object) -> str:
    """What is wrong with an attribute of a published SVG ("" when nothing); `line` is where it is."""
    # lxml gives a parsed document's names and values as text; its stubs allow bytes too
    attribute = written.decode("utf-8") if isinstance(written, bytes) else written
    value = given.decode("utf-8") if isinstance(given, bytes) else given
    namespace, _, name = attribute.rpartition("}")
    namespace = namespace.lstrip("{")
    if namespace not in ("", XLINK_NS) or (namespace == XLINK_NS and name != "href") or name not in SVG_ATTRIBUTES:
        return f"has the attribute '{name}' on line {line}, which is not allowed in a published SVG"
    outside = [value] if name == "href" and not value.strip().startswith("#") else \
        [url for url in _URL.findall(value) if not url.startswith("#")]
    if outside:
        return (f"refers to '{outside[0]}' outside the image on line {line}; "
                "only references inside it (#id) are allowed")
    if name == "style" and re.search(r"@import|expression\s*\(|javascript:|behavior\s*:", value, re.IGNORECASE):
        return f"has a style on line {line} that loads or runs something"
    return ""


_CHECKS = {
    ".pdf": _signature(b"%PDF-", kind="PDF"),
    ".png": _signature(b"\x89PNG\r\n\x1a\n", kind="PNG image"),
    ".jpg": _signature(b"\xff\xd8\xff", kind="JPEG image"),
    ".jpeg": _signature(b"\xff\xd8\xff", kind="JPEG image"),
    ".gif": _signature(b"GIF87a", b"GIF89a", kind="GIF image"),
    ".webp": _webp, ".mp4": _mp4, ".mp3": _mp3,
    ".txt": _text, ".csv": _text, ".vtt": lambda file: _text(file, b"WEBVTT"),
    ".docx": _office, ".xlsx": _office, ".pptx": _office, ".odt": _office, ".ods": _office, ".odp": _office,
    ".svg": _svg,
}
