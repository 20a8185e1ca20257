"""Rules for links and images in module Markdown: they resolve, stay inside the project, and are safe."""

from __future__ import annotations

import os.path
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from bundlesmith.diagnostics import Diagnostic, did_you_mean, error
from bundlesmith.file_types import Refusal, place_refusal, type_refusal
from bundlesmith.model import Catalogue, Module, Reference
from bundlesmith.render.module_links import project_path as link_target
from bundlesmith.validate.memo import Memo

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def check_links(catalogue: Catalogue, memo: Memo | None = None) -> list[Diagnostic]:
    """Every link and image of every module. `memo` carries each module's findings from one view to the next
    (views of one check share the national modules, so their files are looked at once)."""
    problems: list[Diagnostic] = []
    root = catalogue.root.resolve()
    files = memo if memo is not None else Memo()
    module_files = frozenset(m.path for m in catalogue.modules.values())
    for module in catalogue.modules.values():
        earlier = files.links.get((id(module), root))
        if earlier is not None and earlier[0] is module:
            problems += earlier[1]
            continue
        found: list[Diagnostic] = []
        for reference in module.references:
            found += check_reference(reference, module, root, files, module_files)
        files.links[(id(module), root)] = (module, found)
        problems += found
    return problems


def check_raw_html(catalogue: Catalogue) -> list[Diagnostic]:
    """With --no-raw-html, raw HTML is refused rather than sanitised."""
    return [error(span, "raw-html", "raw HTML is not allowed in this project; use Markdown instead")
            for module in catalogue.modules.values() for span in module.raw_html]


def resolve_reference(reference: Reference, root: Path) -> Path | None:
    """The file a relative link or image points at (None for external links and anchors)."""
    parts = urlsplit(reference.target)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (root / reference.span.path).parent / unquote(parts.path)


Key = TypeVar("Key", bound=Hashable)
Found = TypeVar("Found")


def _remembered(found: dict[Key, Found] | None, key: Key, work: Callable[[], Found]) -> Found:
    if found is None:
        return work()
    if key not in found:
        found[key] = work()
    return found[key]


def _exists_inside(file: Path, root: Path, files: Memo | None) -> tuple[bool, bool]:
    """Whether the file exists and whether it stays inside the project once symlinks are followed."""
    if not file.exists():
        return False, False
    return True, _resolved(file, files).is_relative_to(root)


def _resolved(file: Path, files: Memo | None) -> Path:
    """`file.resolve()`, resolving each folder once: unless the file itself is a symlink, it resolves
    to its resolved folder joined with its name."""
    if file.name in ("", ".", "..") or file.is_symlink():
        return file.resolve()
    return _remembered(files.folders if files else None, file.parent, file.parent.resolve) / file.name


def check_reference(reference: Reference, module: Module, root: Path,
                    files: Memo | None = None, module_files: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """The problems of one link or image. `files` remembers what was found about each file it points at;
    `module_files` are the project paths of modules (a link to one is a link to its page, not a file)."""
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
    if reference.kind == "link" and module_files and link_target(os.path.dirname(span.path), parts.path) in module_files:
        return []  # a module's page: that module was loaded from this very file, inside the project
    file = resolve_reference(reference, root)
    assert file is not None, "a relative path resolves to a file"
    normal = Path(os.path.normpath(file))
    if not normal.is_relative_to(root):
        return [error(span, "path-outside", f"{what} '{target}' points outside the project")]
    exists, inside = _remembered(files.places if files else None, (file, root),
                                 lambda: _exists_inside(file, root, files))
    if not exists:
        return [error(span, "missing-file", f"{what} '{target}' points at a file that does not exist")]
    if not inside:
        return [error(span, "symlink-outside", f"{what} '{target}' is a symlink that leaves the project")]
    project_path = str(normal)[len(str(root)) + 1:].replace(os.sep, "/")
    if reference.kind == "link" and (project_path in module_files or _in_modules_folder(project_path)):
        return []  # a module's page (a module that failed to load is reported at its own file)
    refusal = place_refusal(project_path) or _remembered(
        files.types if files else None, (file, reference.kind), lambda: type_refusal(file, reference.kind == "image")
        if not file.is_dir() else Refusal("file-type", "is a folder; link a file inside it"))
    if refusal is not None and reference.kind == "image" and refusal.code == "file-content":
        return [error(span, "not-an-image", f"image '{target}' is not a PNG, JPEG, GIF or WebP image")]
    if refusal is not None:
        return [error(span, refusal.code, f"{what} '{target}' {refusal.message}")]
    return []


def _in_modules_folder(project_path: str) -> bool:
    parts = project_path.split("/")
    return project_path.endswith(".md") and (parts[:2] == ["content", "modules"] or (
        len(parts) > 4 and parts[:2] == ["content", "variants"] and parts[3] == "modules"))
