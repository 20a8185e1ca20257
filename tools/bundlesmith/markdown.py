"""The one Markdown dialect of modules: CommonMark + tables, footnotes, definition lists,
admonitions (`!!! note`), heading anchors, `::: slot NAME` containers, and attributes after an image
(`![](border.png){ .decorative }`: a decorative image, rendered with `alt=""`).

Loading scans the tokens (links, headings, the quiz, slots) and keeps them, packed (load/markdown_scan.py,
`pack_tokens`); rendering unpacks the same tokens and turns them into HTML with its own rules
(`unpack_tokens`, render/markdown_rules.py).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import msgspec
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_plugin
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


DECORATIVE = "decorative"  # the class that marks an image as decoration: screen readers skip it (site pages too:
# render/site_markdown.py)


def is_decorative(image: Token) -> bool:
    """Whether an image token carries `{ .decorative }`."""
    return DECORATIVE in str(image.attrs.get("class", "")).split()


_ACRONYM = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2,6})(s?)(?![A-Za-z0-9])")


def _glossary_abbr(state: StateCore) -> None:
    """A core rule: each known acronym in a text becomes `<abbr title="expansion">` (env["abbr"]: word ->
    expansion, from the glossary). Text only: never inside code, a link's address or raw HTML."""
    terms = state.env.get("abbr") if isinstance(state.env, dict) else None
    if not terms:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children = []
        for child in block.children:
            if child.type != "text" or not _ACRONYM.search(child.content):
                children.append(child)
                continue
            pos = 0
            for match in _ACRONYM.finditer(child.content):
                title = terms.get(match.group(1))
                if title is None:
                    continue
                if match.start() > pos:
                    children.append(_text(child.content[pos:match.start()]))
                children.append(Token("abbr_open", "abbr", 1))
                children[-1].attrs = {"title": title}
                children.append(_text(match.group(0)))
                children.append(Token("abbr_close", "abbr", -1))
                pos = match.end()
            if pos < len(child.content):
                children.append(_text(child.content[pos:]) if pos else child)
        block.children = children


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _validate_slot(params: str, *args: Any) -> bool:
    return params.strip().startswith("slot")


def configured() -> MarkdownIt:
    """A new parser of the dialect (a renderer adds its own rules to its own copy)."""
    md = (
        MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
        .enable("table")
        .enable("strikethrough")
        .use(footnote_plugin)
        .use(deflist_plugin)
        .use(admon_plugin)
        .use(container_plugin, "slot", validate=_validate_slot)
        .use(anchors_plugin, min_level=1, max_level=4, slug_func=slugify, permalink=False)
        .use(attrs_plugin, after=("image",))
    )
    md.core.ruler.push("glossary_abbr", _glossary_abbr)
    return md


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The parser every load shares."""
    return configured()


def parse(text: str, abbr: dict[str, str] | None = None) -> list[Token]:
    """Block and inline tokens of a Markdown text; `abbr` (acronym -> expansion) marks known acronyms."""
    return parser().parse(text, {"abbr": abbr} if abbr else None)



class MdToken(NamedTuple):
    """One markdown-it token as plain data: the fields rendering reads (a `ParsedBody` keeps them packed).

    `type` names what the token is; a body's knowledge check is `bs_quiz`, a type Markdown cannot write.
    """

    type: str
    tag: str
    nesting: Literal[-1, 0, 1]
    attrs: tuple[tuple[str, str], ...]
    content: str
    markup: str
    info: str
    meta: tuple[tuple[str, str | int], ...]
    block: bool
    hidden: bool
    children: tuple[MdToken, ...] | None


class UnreadableTokens(ValueError):
    """Packed tokens that `pack_tokens` did not write."""


UNPACKED_LIMIT = 64 * 1024 * 1024  # bytes a body's packed tokens may grow to: 32 times the largest file read
_PACK = msgspec.msgpack.Encoder()
_UNPACK = msgspec.msgpack.Decoder(tuple[MdToken, ...])


def pack_tokens(tokens: Sequence[MdToken]) -> bytes:
    """Tokens as one compact string: msgpack arrays (an `MdToken` each), compressed."""
    return zlib.compress(_PACK.encode(tokens), 1)


def freeze(token: Token, type_: str = "") -> MdToken:
    """A token as plain data (`type_` renames it)."""
    return MdToken(type_ or token.type, token.tag, token.nesting,
                   tuple((k, str(v)) for k, v in token.attrs.items()), token.content, token.markup, token.info,
                   tuple((k, v) for k, v in token.meta.items() if isinstance(v, str | int)) if token.meta else (),
                   token.block, token.hidden,
                   None if token.children is None else tuple(freeze(c) for c in token.children))


def unpack_tokens(packed: bytes) -> list[Token]:
    """markdown-it tokens again, for its renderer, from `pack_tokens`' string; UnreadableTokens if it is not one.

    Decoding is typed (msgspec against `MdToken`) and bounded, so the bytes can only ever give tokens."""
    inflate = zlib.decompressobj()
    try:
        raw = inflate.decompress(packed, UNPACKED_LIMIT)
        if not inflate.eof or inflate.unconsumed_tail or inflate.unused_data:
            raise UnreadableTokens("packed tokens are truncated, too large or followed by other data")
        return _thaw(_UNPACK.decode(raw))
    except (zlib.error, msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise UnreadableTokens(str(exc)) from None


def _thaw(tokens: Sequence[MdToken]) -> list[Token]:
    return [Token(t.type, t.tag, t.nesting, dict(t.attrs), None, 0,
                  None if t.children is None else _thaw(t.children), t.content, t.markup, t.info, dict(t.meta),
                  t.block, t.hidden) for t in tokens]
