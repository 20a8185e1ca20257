"""Read a module's prose from its Markdown tokens: sentences (for the reading age and long sentences) and
acronyms (for the glossary), each with its file line.

Prose is the text of paragraphs and list items; headings, tables, code and the knowledge check are left
out of the sentences (they are not sentences). Acronyms are found in every text, headings and tables too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from bundlesmith.model import AcronymUse, Prose, Sentence
from bundlesmith.readability import syllables

ACRONYM = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2,6})(s?)(?![A-Za-z0-9])")
_WORD_OR_STOP = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*|[.!?]+")


def scan_prose(tokens: Sequence[Token], body_offset: int) -> Prose:
    """Sentences and acronyms of a module body's tokens (markdown.parse)."""
    sentences: list[Sentence] = []
    first: dict[str, _FirstUse] = {}
    heading = False
    for index, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            heading = token.type == "heading_open"
            continue
        if token.type != "inline" or not token.children:
            continue
        line = body_offset + (token.map[0] + 1 if token.map else 0)
        in_paragraph = index > 0 and tokens[index - 1].type == "paragraph_open"
        events: list[tuple[str, int]] = []  # (word or stop, line)
        plain: list[str] = []
        first_here: list[str] = []  # acronyms first used in the text in this block
        row = line
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                row += 1
                plain.append(" ")
            elif child.type == "text":
                plain.append(child.content)
                events += [(word, row) for word in _WORD_OR_STOP.findall(child.content)]
                for match in ACRONYM.finditer(child.content):
                    entry = first.setdefault(match.group(1), _FirstUse(row))
                    if not heading and not entry.text_line:
                        entry.text_line = row
                        first_here.append(match.group(1))
            elif child.type == "code_inline":
                plain.append(child.content)
        context = " ".join("".join(plain).split())
        for word in first_here:
            first[word].context = context
        if in_paragraph and not heading:
            sentences += _sentences(events)
    acronyms = tuple(AcronymUse(word, use.line, use.text_line, use.context) for word, use in first.items())
    return Prose(tuple(sentences), acronyms)


@dataclass
class _FirstUse:
    """Where an acronym is first used anywhere (`line`) and first in running text (`text_line`, its `context`)."""

    line: int
    text_line: int = 0
    context: str = ""


def _sentences(events: list[tuple[str, int]]) -> list[Sentence]:
    """Split a paragraph's words into sentences: a full stop, question or exclamation mark ends one when
    the next word starts with a capital or a digit (so "e.g. this" goes on), and so does the paragraph's end."""
    found: list[Sentence] = []
    start, words, count, stopped = 0, 0, 0, False
    for item, row in events:
        if item[0] in ".!?":
            stopped = stopped or words > 0
            continue
        if stopped and (item[0].isupper() or item[0].isdigit()):
            found.append(Sentence(start, words, count))
            words, count = 0, 0
        stopped = False
        if not words:
            start = row
        words += 1
        count += syllables(item)
    if words:
        found.append(Sentence(start, words, count))
    return found
