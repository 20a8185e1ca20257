"""Python-Markdown for the site's own pages (`site-pages/`, rendered by mkdocs, not by bundlesmith's
Markdown): the one rule module pages follow too, that an image marked `{ .decorative }` (attr_list) has
an empty alt, so screen readers skip it."""

from __future__ import annotations

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

DECORATIVE = "decorative"  # as bundlesmith.markdown.DECORATIVE


class _DecorativeImages(Treeprocessor):
    def run(self, root):
        for image in root.iter("img"):
            if DECORATIVE in (image.get("class") or "").split():
                image.set("alt", "")
        return None


class DecorativeImages(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        # After attr_list (priority 8), which reads { .decorative } into the class.
        md.treeprocessors.register(_DecorativeImages(md), "bundlesmith_decorative", 1)
