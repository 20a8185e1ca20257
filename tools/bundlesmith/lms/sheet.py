"""The setup sheet as a list of blocks, written once and rendered twice (`lms-setup.md`, `lms-setup.html`),
so that the Markdown and the HTML can never say different things.

A text is a tuple of parts: plain strings and `Code` (a file name, an id number, a menu path to type or
find exactly). Renderers escape every part; nothing from content is ever markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True)
class Code:
    text: str


Text: TypeAlias = tuple[str | Code, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    text: Text
    id: str = ""


@dataclass(frozen=True)
class Para:
    text: Text


@dataclass(frozen=True)
class Steps:
    items: tuple[Text, ...]
    ordered: bool = True


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Text, ...], ...]


Block = Heading | Para | Steps | Table


def text(*parts: str | Code) -> Text:
    """A text from strings and Code parts (a bare string is one part)."""
    return tuple(p for p in parts if p != "")

