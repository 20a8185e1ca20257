"""Python-Markdown for the site's own pages (`site-pages/`, rendered by mkdocs, not by bundlesmith's
Markdown): the one rule module pages follow too, that an image marked `{ .decorative }` (attr_list) has
an empty alt, so screen readers skip it."""

from __future__ import annotations

from xml.etree.ElementTree import Element

# Python-Markdown publishes no type information (mypy: its classes are Any).
from markdown import Extension, Markdown  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

DECORATIVE = "decorative"  # as bundlesmith.markdown.DECORATIVE


class _DecorativeImages(Treeprocessor):  # type: ignore[misc]
    def run(self, root: Element) -> None:
        for image in root.iter("img"):
            if DECORATIVE in (image.get("class") or "").split():
                image.set("alt", "")
        return None


class DecorativeImages(Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After attr_list (priority 8), which reads { .decorative } into the class.
        md.treeprocessors.register(_DecorativeImages(md), "bundlesmith_decorative", 1)
