"""The one Markdown dialect of modules: CommonMark + tables, footnotes, definition lists,
admonitions (`!!! note`), heading anchors, and `::: slot NAME` containers.

Loading scans the tokens (links, headings, the quiz, slots); rendering turns the same tokens into HTML.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

SLOT_INFO = re.compile(r"^\s*slot\s+([a-z][a-z0-9-]*)\s*$")


RESERVED_ID_PREFIX = "bs-"  # ids of bundlesmith's own page parts (bs-config, bs-quiz-title, ...)


def slugify(text: str) -> str:
    """A heading's anchor: lower case, punctuation dropped, spaces to '-' (as documented for `evidence`).

    Anchors are lower case, so content can never name an element after a global the SCORM runtime looks
    for (`API`, `API_1484_11`), and one that would start with `bs-` is written `section-bs-...`, so content
    never takes the id of one of bundlesmith's own page parts."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text.strip().lower())
    slug = re.sub(r"[\s]+", "-", text).strip("-") or "section"
    return f"section-{slug}" if slug.startswith(RESERVED_ID_PREFIX) else slug


def _validate_slot(params: str, *args) -> bool:
    return params.strip().startswith("slot")


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
        .enable("table")
        .enable("strikethrough")
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(admon_plugin)
        .use(container_plugin, "slot", validate=_validate_slot)
        .use(anchors_plugin, min_level=1, max_level=4, slug_func=slugify, permalink=False)
    )
    return md


def parse(text: str):
    """Block and inline tokens of a Markdown text."""
    return parser().parse(text)
