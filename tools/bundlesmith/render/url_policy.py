"""How a module's links, images and headings come out in each output: the site, a single-SCO package, a
multi-SCO package and the printed handbook.

A `UrlPolicy` says what a link to another module, to a project file, or to an address becomes, and
where an image's file is found; a `Layout` says how the body sits on its page (ids made unique, headings
moved down, tables that scroll, the knowledge check in place or not). The renderer rules
(render/markdown_rules.py) consult both while they turn a module's tokens into HTML; nothing is rewritten
afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from bundlesmith.file_types import IMAGES, place_refusal


@dataclass(frozen=True, slots=True)
class Link:
    """What one link becomes: a link to `href`, or (href None) its words in a span, with a note."""

    href: str | None
    attrs: tuple[tuple[str, str], ...] = ()  # more attributes of the link (a SCORM 2004 navigation request)
    span_class: str = ""  # the span's class when the link is not followable here
    note: str = ""  # words after the link's own, inside the span
    note_class: str = ""  # when set, the note is a span of this class after a space
    after: str = ""  # words after the link (paper spells out an address)


@dataclass(frozen=True)
class UrlPolicy:
    """How one output resolves a module's links and images (see render/module_links.py for the kinds)."""

    module: Callable[[str, str], Link]  # (module id, fragment) -> the link to it
    asset: Callable[[str, str], Link]  # (project path, fragment) -> the link to the file
    image: Callable[[str, str], str | None]  # (project path, fragment) -> the image's src; None: left out
    remote_images: bool = True  # an image from an address (paper shows none: a handbook fetches nothing)
    spell_out: bool = False  # an address is printed after its link when the words differ (paper)
    scheme: str = ""  # the one extra URL scheme this output's own URLs use (the handbook's `asset:`)


@dataclass(frozen=True)
class Layout:
    """How a module's body sits on one page."""

    id_prefix: str = ""  # ids (and links to them) prefixed, so several modules share a page
    demote: int = 0  # headings moved this many levels down (h6 stays h6)
    top: int = 0  # when set: headings moved so the body's highest is this level
    drop_title: str = ""  # a leading h1 with these words is left out (the page has its own)
    split_title: bool = False  # a leading h1 comes apart from the rest (shown above the module's facts)
    scroll_tables: bool = False  # each table in a focusable region that scrolls sideways (WCAG 2.1.1)
    quiz: bool = True  # the knowledge check where the Markdown has it
    local_badge: str = ""  # a filled slot starts with the site's "Local" badge naming this variant
    local_note: str = ""  # a filled slot starts with "Local content: <this>" (paper)

    def level(self, tag: str) -> int:
        return min(6, int(tag[1]) + self.demote)


MODULE_REF = "bs-module-ref"


def site(module_url: Callable[[str], str], root: str) -> UrlPolicy:
    """A site page: `module_url(id)` links to a module's page; files are copied in at their project path
    under the site's root (`root`, relative to the page)."""
    def module(mid: str, fragment: str) -> Link:
        return Link(module_url(mid) + (f"#{fragment}" if fragment else ""))

    return UrlPolicy(module, lambda path, fragment: Link(_joined(root, path, fragment)),
                     lambda path, fragment: _joined(root, path, fragment))


def _joined(prefix: str, path: str, fragment: str) -> str:
    return prefix + path + (f"#{fragment}" if fragment else "")


def package_files(prefix: str) -> tuple[Callable[[str, str], Link], Callable[[str, str], str | None]]:
    """A package's files are under `prefix` (from the SCO's page)."""
    return (lambda path, fragment: Link(_joined(prefix, path, fragment)),
            lambda path, fragment: _joined(prefix, path, fragment))


def single_sco(modules: frozenset[str], prefix: str) -> UrlPolicy:
    """One page holds every module of the package: a link to one of them goes to its section (the part it
    names keeps the other module's id prefix); a module outside the package is named, not linked."""
    def module(mid: str, fragment: str) -> Link:
        if mid not in modules:
            return Link(None, span_class=MODULE_REF)
        return Link(f"#m-{mid}--{fragment}" if fragment else f"#module-{mid}")

    asset, image = package_files(prefix)
    return UrlPolicy(module, asset, image)


def multi_sco(items: Mapping[str, tuple[str, str, str]], scorm_version: str, prefix: str) -> UrlPolicy:
    """One SCO per module. `items`: module id -> (its page, its item's identifier, its title). In another SCO
    the LMS must stay in charge, so never a plain link that would move the frame behind its back: in SCORM
    2004 a navigation request to that SCO's item (the bundle's sequencing allows choice; the runtime asks
    the LMS first), in SCORM 1.2 a reference by title. A module outside the package: its words only."""
    def module(mid: str, _fragment: str) -> Link:
        if mid not in items:
            return Link(None, span_class=MODULE_REF)
        page, item, title = items[mid]
        if scorm_version == "2004":
            return Link(page, (("class", "bs-nav"), ("data-bs-nav", item)))
        return Link(None, span_class=MODULE_REF, note=f"(the module \u201c{title}\u201d in this course)",
                    note_class="bs-module-ref-title")

    asset, image = package_files(prefix)
    return UrlPolicy(module, asset, image)


PRINT_SCHEME = "asset"  # the handbook's own URLs for project files (render/handbooks.py fetches them)


def handbook(modules: Mapping[str, str]) -> UrlPolicy:
    """Paper: a link to a module of the handbook goes to its section (`modules`: id -> section id); any other
    module, and every file, is spelled out, since paper cannot follow a relative link; an image shows when
    it is a project image."""
    def module(mid: str, _fragment: str) -> Link:
        if mid in modules:
            return Link(f"#{modules[mid]}")
        return Link(None, note=" (a module outside this handbook)")

    def image(path: str, _fragment: str) -> str | None:
        known = PurePosixPath(path).suffix.lower() in IMAGES and place_refusal(path) is None
        return f"{PRINT_SCHEME}:{path}" if known else None

    return UrlPolicy(module, lambda path, _fragment: Link(None, note=f" ({path.rpartition('/')[2]})"), image,
                     remote_images=False, spell_out=True, scheme=PRINT_SCHEME)


NOTES = handbook({})  # a facilitator notes file: no module to link to
