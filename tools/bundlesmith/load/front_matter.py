"""Split a module file into its YAML front matter and its Markdown body, keeping line numbers."""

from __future__ import annotations

from dataclasses import dataclass

from bundlesmith.diagnostics import Diagnostic, Span, error


@dataclass(frozen=True)
class Split:
    front_matter: str
    front_matter_line: int  # file line (1-based) of the front matter's first line
    body: str
    body_offset: int  # lines of the file before the body's first line


def split_front_matter(text: str, path: str) -> tuple[Split | None, list[Diagnostic]]:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, [error(Span(path, 1), "no-front-matter",
                            "a module must start with YAML front matter between two '---' lines")]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return Split(
                front_matter="\n".join(lines[1:index]),
                front_matter_line=2,
                body="\n".join(lines[index + 1:]),
                body_offset=index + 1,
            ), []
    return None, [error(Span(path, 1), "no-front-matter", "front matter is not closed by a '---' line")]
