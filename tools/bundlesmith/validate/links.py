"""Rules for links and images in module Markdown: they resolve, stay inside the project, and are safe."""

from __future__ import annotations

import os.path
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bundlesmith.diagnostics import Diagnostic, did_you_mean, error
from bundlesmith.model import Catalogue, Module, Reference

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def check_links(catalogue: Catalogue) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    root = catalogue.root.resolve()
    for module in catalogue.modules.values():
        for reference in module.references:
            problems += check_reference(reference, module, root)
    return problems


def check_raw_html(catalogue: Catalogue) -> list[Diagnostic]:
    """With --no-raw-html, raw HTML is refused rather than sanitised."""
    return [error(span, "raw-html", "raw HTML is not allowed in this project; use Markdown instead")
            for module in catalogue.modules.values() for span in module.raw_html]


def is_image(file: Path) -> bool:
    head = file.read_bytes()[:16]
    if file.suffix.lower() == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return any(head.startswith(sig) for sig, _ in IMAGE_SIGNATURES)


def resolve_reference(reference: Reference, root: Path) -> Path | None:
    """The file a relative link or image points at (None for external links and anchors)."""
    parts = urlsplit(reference.target)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (root / reference.span.path).parent / unquote(parts.path)


def check_reference(reference: Reference, module: Module, root: Path) -> list[Diagnostic]:
    target = reference.target.strip()
    span = reference.span
    what = "image" if reference.kind == "image" else "link"
    if not target:
        return [error(span, "empty-link", f"{what} has no target")]
    parts = urlsplit(target)
    if parts.scheme:
        if parts.scheme.lower() not in SAFE_SCHEMES or reference.kind == "image":
            return [error(span, "unsafe-url", f"{what} to '{target}' is not allowed: "
                          f"use a relative path{'' if reference.kind == 'image' else ' or an http(s) address'}")]
        return []
    if parts.netloc:
        return [error(span, "unsafe-url", f"{what} '{target}' has no scheme; write https://{parts.netloc}{parts.path}")]
    if not parts.path:  # "#anchor" within this module
        anchor = parts.fragment
        if reference.kind == "link" and anchor and span.path == module.path and anchor not in module.anchors:
            return [error(span, "unknown-anchor", f"link to '#{anchor}' matches no heading in this module",
                          did_you_mean(anchor, module.anchors))]
        return []
    if parts.path.startswith("/") or parts.path.startswith("\\") or ":" in parts.path.split("/")[0]:
        return [error(span, "absolute-path", f"{what} '{target}' is an absolute path; use a path relative to this file")]
    file = resolve_reference(reference, root)
    normal = Path(os.path.normpath(file))
    if not normal.is_relative_to(root):
        return [error(span, "path-outside", f"{what} '{target}' points outside the project")]
    if not file.exists():
        return [error(span, "missing-file", f"{what} '{target}' points at a file that does not exist")]
    if not file.resolve().is_relative_to(root):
        return [error(span, "symlink-outside", f"{what} '{target}' is a symlink that leaves the project")]
    if reference.kind == "image":
        if file.is_dir() or file.suffix.lower() not in IMAGE_SUFFIXES or not is_image(file):
            return [error(span, "not-an-image",
                          f"image '{target}' is not a PNG, JPEG, GIF or WebP image")]
    return []

