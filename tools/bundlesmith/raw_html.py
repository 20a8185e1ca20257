"""Raw HTML a module's Markdown holds, read with an HTML tokenizer (the standard library's `html.parser`),
never with regular expressions: the headings a piece of it writes (to move them with the Markdown's), and
the elements it leaves open (what a knowledge check written among them sits inside).

A piece is the content of one `html_block` or `html_inline` token; what it means is decided by the
sanitiser (render/markdown_rules.py) and the browser: these readings only follow the tags as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from html.parser import HTMLParser
from itertools import accumulate
from typing import Protocol

HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
# Elements that never hold anything, and those whose end tag an author may leave out (the next element
# closes them): neither is left open by a piece of raw HTML.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr"})
OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "caption",
                          "colgroup", "option", "optgroup", "rb", "rt", "rtc", "rp"})


class _Tags(HTMLParser):
    """The start and end tags of one text, with where each starts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0]  # where each line starts (getpos() counts lines and columns)
        self.lines += accumulate(len(line) + 1 for line in text.split("\n")[:-1])
        self.tags: list[tuple[int, str, str]] = []  # (offset, "start" or "end", tag name)
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((self._offset(), "start", tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # `<div/>` opens a div, as in a browser (only void elements close)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append((self._offset(), "end", tag))


def heading_levels(piece: str) -> list[int]:
    """The level of each heading a piece of raw HTML opens, in order."""
    if "<" not in piece:
        return []
    return [int(tag[1]) for _, kind, tag in _Tags(piece).tags if kind == "start" and tag in HEADINGS]


def move_headings(piece: str, shift: int) -> str:
    """A piece of raw HTML with each heading `shift` levels lower (up, when negative; h1 to h6 at most),
    everything else as written."""
    if not shift or "<" not in piece:
        return piece
    found = _Tags(piece)
    out: list[str] = []
    done = 0
    for offset, kind, tag in found.tags:
        if tag not in HEADINGS:
            continue
        level = min(6, max(1, int(tag[1]) + shift))
        # `<h2 ...>` and `</h2 ...>`: the name is the two characters after `<` or `</`; the rest stays.
        name_end = offset + (3 if kind == "start" else 4)
        out.append(piece[done:name_end - 1] + str(level))
        done = name_end
    if not out:
        return piece
    return "".join(out) + piece[done:]


class _Token(Protocol):
    """A markdown-it token, or one kept as data (markdown.MdToken)."""

    @property
    def type(self) -> str: ...
    @property
    def content(self) -> str: ...
    @property
    def children(self) -> Sequence[_Token] | None: ...


def holds_html(token: _Token) -> bool:
    """Whether a block token is or holds raw HTML (an inline token's content is its source text)."""
    return token.type == "html_block" or (token.children is not None and "<" in token.content)


def pieces(token: _Token) -> Iterator[str]:
    """The raw HTML a block token holds: itself (an html_block) or its inline html."""
    if token.type == "html_block":
        yield token.content
    elif token.children and "<" in token.content:
        for child in token.children:
            if child.type == "html_inline":
                yield child.content


class OpenElements:
    """The elements raw HTML has opened and not closed yet, read piece by piece in the order of a body."""

    def __init__(self) -> None:
        self.stack: list[str] = []

    def feed(self, piece: str) -> None:
        if "<" not in piece:
            return
        for _, kind, tag in _Tags(piece).tags:
            if kind == "start" and tag not in VOID and tag not in OPTIONAL_END:
                self.stack.append(tag)
            elif kind == "end" and tag in self.stack:  # closes it and whatever it still held open
                del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]

    def feed_all(self, found: Iterable[str]) -> None:
        for piece in found:
            self.feed(piece)


def open_around(tokens: Sequence[_Token], index: int) -> tuple[tuple[str, ...], bool]:
    """The raw HTML elements still open where the block token at `index` stands (outermost first), and
    whether they are all closed further on."""
    elements = OpenElements()
    for token in tokens[:index]:
        elements.feed_all(pieces(token))
    around = tuple(elements.stack)
    for token in tokens[index:]:
        if not elements.stack:
            break
        elements.feed_all(pieces(token))
    return around, not elements.stack
