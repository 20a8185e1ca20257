"""Alternative text and captions: every image says what it shows, every video and audio file has words.

- An image needs alternative text (`![What it shows](picture.png)`), unless it is marked decorative
  (`![](border.png){ .decorative }`, rendered with `alt=""` so screen readers skip it).
- The text is not the file's name (`![diagram.png](diagram.png)` tells a listener nothing) and is at most
  MAX_ALT characters: a longer description belongs in the text around the image.
- A video or audio file (`.mp4`, `.mp3`) needs captions or a transcript that the module links too: a
  file with the same name and another type (`huddle.vtt`, `huddle.pdf`), or the same name followed by
  `-transcript` (`huddle-transcript.docx`). Linked, it is published with the media file.
"""

from __future__ import annotations

import os.path
import re
from urllib.parse import unquote, urlsplit

from bundlesmith.diagnostics import Diagnostic, error, warning
from bundlesmith.file_types import IMAGES
from bundlesmith.model import Catalogue, Module, Reference
from bundlesmith.validate.memo import Memo

MAX_ALT = 150
MEDIA = {".mp4": "video", ".mp3": "audio"}
CODES = ("image-no-alt", "alt-is-file-name", "alt-too-long", "decorative-with-alt", "media-no-captions")


def check_accessibility(catalogue: Catalogue, memo: Memo | None = None) -> list[Diagnostic]:
    """`memo` carries each module's findings to the next view that has the same module."""
    shared = memo if memo is not None else Memo()
    problems: list[Diagnostic] = []
    for module in catalogue.modules.values():
        problems += shared.of_module("accessibility", module, check_module)
    return problems


def check_module(module: Module) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for reference in module.references:
        if reference.kind == "image":
            problems += _alt_text(reference)
        stem, ext = _name(reference.target)
        if ext in MEDIA and not _has_words_for(module, reference):
            problems.append(error(reference.span, "media-no-captions",
                                  f"{MEDIA[ext]} '{reference.target}' has no captions or transcript",
                                  f"link one with the same name, such as '{stem}.vtt' or '{stem}-transcript.pdf'"))
    return problems


def _alt_text(reference: Reference) -> list[Diagnostic]:
    alt = " ".join(reference.text.split())
    if reference.decorative:
        if alt:
            return [warning(reference.span, "decorative-with-alt",
                            f"image '{reference.target}' is marked decorative, so its text '{alt}' is never read out",
                            "remove the text, or remove { .decorative } if the image carries meaning")]
        return []
    if not alt:
        return [error(reference.span, "image-no-alt", f"image '{reference.target}' has no alternative text",
                      "say what it shows: ![What it shows](...), or mark it ![](...){ .decorative }")]
    if _looks_like_file_name(alt, reference.target):
        return [error(reference.span, "alt-is-file-name",
                      f"the alternative text of image '{reference.target}' is its file name",
                      "say what the image shows")]
    if len(alt) > MAX_ALT:
        return [warning(reference.span, "alt-too-long",
                        f"the alternative text of image '{reference.target}' is {len(alt)} characters "
                        f"(at most {MAX_ALT})", "describe the detail in the text around the image")]
    return []


def _name(target: str) -> tuple[str, str]:
    """The file name's stem and extension (lower case) of a link or image target."""
    parts = urlsplit(target)
    base = os.path.basename(unquote(parts.path))
    stem, ext = os.path.splitext(base)
    return stem, ext.lower()


def _looks_like_file_name(alt: str, target: str) -> bool:
    stem, ext = _name(target)
    def words(text: str) -> str:
        return re.sub(r"[\s_.-]+", " ", text).strip().lower()

    if words(alt) in {words(stem), words(stem + ext)}:
        return True
    return os.path.splitext(alt)[1].lower() in IMAGES and " " not in alt


def _has_words_for(module: Module, media: Reference) -> bool:
    """Whether the module also links captions or a transcript for this media file (see the docstring)."""
    stem, _ext = _name(media.target)
    folder = os.path.dirname(urlsplit(media.target).path)
    for other in module.references:
        other_stem, other_ext = _name(other.target)
        if other is media or not other_ext or other_ext in MEDIA:
            continue
        if os.path.dirname(urlsplit(other.target).path) == folder and other_stem in (stem, f"{stem}-transcript"):
            return True
    return False
