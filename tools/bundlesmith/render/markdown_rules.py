"""markdown-it renderer rules that turn a module's tokens into safe HTML for one output.

The rules consult the output's `UrlPolicy` and `Layout` (render/url_policy.py): a link to another module,
a file or an address, an image, a heading (moved down, its id prefixed), a slot (a section, labelled when
a variant filled it), a table (a region that scrolls) and the knowledge check (its own token) each come
out as that output wants them, straight from the tokens. Nothing is marked up to be found again later:
content can write any URL, and it is only ever an URL.

Co-created Markdown is untrusted: what the rules write passes through an allow-list sanitiser (nh3), so
no script, event handler, `javascript:`/`data:` URL, iframe, form or style survives; the few attributes of
bundlesmith's own (a SCORM navigation request, the handbook's file URLs) pass only with the values the
rules themselves wrote. The knowledge check is bundlesmith's own markup and sits between sanitised parts.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, overload

import nh3

from bundlesmith.markdown import SLOT_INFO, MdToken, configured, is_decorative, slugify
from bundlesmith.model import QUIZ_TOKEN
from bundlesmith.raw_html import OpenElements, heading_levels, holds_html, move_headings, pieces
from bundlesmith.render.module_links import ModuleLinks
from bundlesmith.render.url_policy import Layout, Link, UrlPolicy

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

ALLOWED_TAGS = (set(nh3.ALLOWED_TAGS) | {"section", "figure", "figcaption", "details", "summary", "aside"}) - {
    "area", "map", "center", "strike", "tt", "acronym"}
ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag not in ("area",)},
    "a": {"href", "hreflang", "title", "class", "data-bs-nav"},
    "img": {"alt", "src", "width", "height", "title"},
    "th": {"colspan", "rowspan", "scope", "headers", "style"},
    "td": {"colspan", "rowspan", "headers", "style"},
    "abbr": {"title"},
    "code": {"class"}, "pre": {"class"}, "p": {"class"}, "span": {"class"},
    "div": {"class", "role", "tabindex", "aria-label"},
    "section": {"class", "data-slot", "data-local", "aria-label"}, "details": {"open"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
    "ol": {"start", "type"}, "li": {"id"}, "sup": {"id", "class"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
STYLE_PROPERTIES = {"text-align"}
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "select",
                      "svg", "math"}
SCROLL_REGION = {"role": "region", "tabindex": "0"}  # a table's region: the only values a div may have
NAV_CLASS = "bs-nav"


@dataclass
class RenderState:
    """What the rules of one render read (in markdown-it's `env`) and what they write down."""

    links: ModuleLinks
    policy: UrlPolicy
    layout: Layout
    local_slots: tuple[str, ...]
    shift: int = 0  # levels every heading moves down
    open_links: list[Link] = field(default_factory=list)
    own_urls: set[str] = field(default_factory=set)  # link and image URLs the rules wrote
    nav: set[str] = field(default_factory=set)  # navigation requests the rules wrote

    def link(self, href: str, text: str) -> Link:
        """What the link (its href as written, its words) becomes here."""
        target = self.links.target(href)
        if target.kind == "module":
            return self.policy.module(target.value, target.fragment)
        if target.kind == "asset":
            return self.policy.asset(target.value, target.fragment)
        return self.address("#" if target.kind == "refused" else href, text)

    def address(self, href: str, text: str) -> Link:
        if href.startswith("#") and self.layout.id_prefix:
            return Link(f"#{self.layout.id_prefix}{href[1:]}")
        if self.policy.spell_out and href.startswith(("http:", "https:")) and text.strip() != href:
            return Link(href, after=f" ({href})")
        return Link(href)

    def image(self, src: str) -> str | None:
        target = self.links.target(src)
        if target.kind == "asset":
            return self.policy.image(target.value, target.fragment)
        if target.kind == "module":
            return self.policy.module(target.value, target.fragment).href
        if target.kind == "refused":
            return "#"
        return src if self.policy.remote_images else None

    def key(self) -> tuple[object, ...]:
        """Everything a render's bytes depend on besides the module itself."""
        resolved = tuple((href, self.link(href, "") if t.kind != "address" else None, self.image(href))
                         for href, t in self.links.targets.items())
        return (self.layout, self.policy.spell_out, self.policy.remote_images, self.policy.scheme, resolved)

    def attribute_filter(self, element: str, attribute: str, value: str) -> str | None:
        """The sanitiser's last word on each attribute: ids are anchors (markdown.slugify's form: never a
        global's name, never one of bundlesmith's own), and bundlesmith's own attributes pass only with the
        values these rules wrote. Where several modules share a page, the ids and `#` links the rules did not
        write (raw HTML's, footnotes') get the module's prefix too."""
        prefix = self.layout.id_prefix
        if attribute == "id":
            value = slugify(value)
            return prefix + value if prefix and not value.startswith(prefix) else value
        if element == "div" and attribute in SCROLL_REGION:
            return value if value == SCROLL_REGION[attribute] else None
        if element == "a" and attribute == "class":
            return value if value == NAV_CLASS else None
        if element == "a" and attribute == "data-bs-nav":
            return value if value in self.nav else None
        if attribute in ("href", "src") and value not in self.own_urls:
            if self.policy.scheme and value.startswith(f"{self.policy.scheme}:"):
                return None
            if attribute == "href" and prefix and value.startswith("#"):
                return f"#{prefix}{value[1:]}"
        return value


def _state(env: EnvType) -> RenderState:
    state = env["bs"]
    assert isinstance(state, RenderState)
    return state


class _Replaced(Sequence["Token"]):
    """The token list with one token in place of another, so markdown-it's own renderToken writes it (and
    sees its neighbours) while the module's tokens stay as they are."""

    def __init__(self, tokens: Sequence[Token], idx: int, token: Token):
        self.tokens, self.idx, self.token = tokens, idx, token

    @overload
    def __getitem__(self, i: int) -> Token: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Token]: ...
    def __getitem__(self, i: int | slice) -> Token | Sequence[Token]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.token if i == self.idx else self.tokens[i]

    def __len__(self) -> int:
        return len(self.tokens)

    def __iter__(self) -> Iterator[Token]:
        return (self[i] for i in range(len(self)))


def _as(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType,
        **changes: Any) -> str:
    """markdown-it's rendering of the token with some of its fields changed."""
    return self.renderToken(_Replaced(tokens, idx, dataclasses.replace(tokens[idx], **changes)), idx, options, env)


def words(tokens: Sequence[Token] | Sequence[MdToken], start: int, close: str) -> str:
    """The plain words of inline tokens from `start` up to the first token of type `close`."""
    words = []
    for token in tokens[start:]:
        if token.type == close:
            break
        if token.type in ("text", "code_inline"):
            words.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            words.append("\n")
    return "".join(words)


def _link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    state = _state(env)
    token = tokens[idx]
    link = state.link(str(token.attrs.get("href", "")), words(tokens, idx + 1, "link_close"))
    state.open_links.append(link)
    if link.href is None:
        return f'<span class="{html.escape(link.span_class)}">' if link.span_class else "<span>"
    state.own_urls.add(link.href)
    attrs = {"href": link.href, **dict(link.attrs), **{k: v for k, v in token.attrs.items() if k != "href"}}
    if "data-bs-nav" in attrs:
        state.nav.add(str(attrs["data-bs-nav"]))
    return _as(self, tokens, idx, options, env, attrs=attrs)


def _link_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    state = _state(env)
    link = state.open_links.pop() if state.open_links else Link("")
    if link.href is not None:
        return "</a>" + html.escape(link.after)
    note = (f' <span class="{html.escape(link.note_class)}">{html.escape(link.note)}</span>' if link.note_class
            else html.escape(link.note))
    return f"{note}</span>"


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """An image where this output finds its file, or nothing; a decorative one (`{ .decorative }`) has an
    empty alt (its words, if any, are dropped: they would be read out)."""
    state = _state(env)
    token = tokens[idx]
    src = state.image(str(token.attrs.get("src", "")))
    if src is None:
        return ""
    state.own_urls.add(src)
    alt = "" if is_decorative(token) or not token.children else self.renderInlineAsText(token.children, options, env)
    attrs = {**token.attrs, "src": src, "alt": alt}
    return _as(self, tokens, idx, options, env, attrs=attrs)


def _heading(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    state = _state(env)
    token = tokens[idx]
    tag = f"h{min(6, int(token.tag[1]) + state.shift)}"
    attrs = dict(token.attrs)
    if "id" in attrs and state.layout.id_prefix:
        attrs["id"] = state.layout.id_prefix + str(attrs["id"])
    return _as(self, tokens, idx, options, env, tag=tag, attrs=attrs)


def _slot_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """A slot is a section named by its slot; one a variant filled says so (and, on the site and on paper,
    shows it)."""
    state = _state(env)
    match = SLOT_INFO.match(tokens[idx].info)
    name = match.group(1) if match else "slot"
    e = html.escape
    if name not in state.local_slots:
        return f'<section class="bs-slot slot" data-slot="{e(name)}">\n'
    section = f'<section class="bs-slot bs-local slot" data-slot="{e(name)}" data-local="true">'
    if state.layout.local_badge:
        return (f'{section}<p class="bs-local-label"><span class="bs-badge bs-badge--local">Local</span> '
                f"This section is local content from {e(state.layout.local_badge)}.</p>\n")
    if state.layout.local_note:  # on paper, the label is the section's first line
        return f'{section}\n<p class="local-label">Local content: {e(state.layout.local_note)}</p>'
    return f"{section}\n"


def _slot_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return "</section>\n"


def _table_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """A table, in a focusable region named by its first column headings when the layout wants it to
    scroll sideways on a narrow screen (a keyboard user can scroll it; the table keeps its own semantics)."""
    table = self.renderToken(tokens, idx, options, env)
    if not _state(env).layout.scroll_tables:
        return table
    heads: list[str] = []
    for index in range(idx + 1, len(tokens)):
        if tokens[index].type == "table_close" or len(heads) == 3:
            break
        if tokens[index].type == "th_open":
            inline = tokens[index + 1]
            heads.append(words(inline.children or [], 0, "").strip() if inline.type == "inline" else "")
    label = "Table" + (": " + ", ".join(h for h in heads if h) if any(heads) else "")
    return f'<div class="bs-scroll" role="region" tabindex="0" aria-label="{html.escape(label, quote=True)}">{table}'


def _table_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    if not _state(env).layout.scroll_tables:
        return self.renderToken(tokens, idx, options, env)
    return "</table></div>\n"


def _raw_html(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """Raw HTML as written (the sanitiser makes it safe), its headings moved with the Markdown's: read by an
    HTML tokenizer (bundlesmith.raw_html), so only real heading tags move."""
    return move_headings(tokens[idx].content, _state(env).shift)


def _quiz(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return ""  # the knowledge check is bundlesmith's own markup: it goes between sanitised parts (render_tokens)


RULES: dict[str, Callable[..., str]] = {
    "link_open": _link_open, "link_close": _link_close, "image": _image, "heading_open": _heading,
    "heading_close": _heading, "container_slot_open": _slot_open, "container_slot_close": _slot_close,
    "table_open": _table_open, "table_close": _table_close, "html_block": _raw_html, "html_inline": _raw_html,
    QUIZ_TOKEN: _quiz,
}


@lru_cache(maxsize=1)
def renderer() -> MarkdownIt:
    """The module dialect's parser with bundlesmith's renderer rules."""
    md = configured()
    for name, rule in RULES.items():
        md.add_render_rule(name, rule)
    return md


def sanitise(fragment: str, state: RenderState | None = None) -> str:
    """Co-created HTML made safe (`state`: the render it comes from, whose own attributes may pass)."""
    state = state or _NO_STATE
    token = _SANITISING.set(state)
    try:
        return _cleaner(state.policy.scheme).clean(fragment)
    finally:
        _SANITISING.reset(token)


_SANITISING: ContextVar[RenderState] = ContextVar("the render whose HTML is being sanitised")


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    return _SANITISING.get().attribute_filter(element, attribute, value)


@lru_cache(maxsize=4)
def _cleaner(scheme: str) -> nh3.Cleaner:
    """The allow-list, built once (per extra URL scheme) rather than for every fragment: its attribute filter
    is the one of the render being sanitised."""
    return nh3.Cleaner(
        tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES | {scheme} if scheme else URL_SCHEMES,
        attribute_filter=_attribute_filter, clean_content_tags=CLEAN_CONTENT_TAGS,
        filter_style_properties=STYLE_PROPERTIES, link_rel="noopener noreferrer", strip_comments=True,
    )


def _no_policy(_value: str, _fragment: str) -> Link:
    return Link(None)


_NO_STATE = RenderState(ModuleLinks({}, (), ()), UrlPolicy(_no_policy, _no_policy, lambda _path, _fragment: None), Layout(), ())


def render_tokens(tokens: Sequence[Token], state: RenderState, quiz: Callable[[], str]) -> str:
    """The tokens as sanitised HTML, with the knowledge check (`quiz()`) where its token is. The sanitiser
    sees whole blocks only, so a check inside a block comes after it: after a Markdown container, and after
    the raw HTML element that holds it once that is closed (`check` warns of that: quiz-inside-html)."""
    md = renderer()
    env: dict[str, Any] = {"bs": state}
    parts: list[str] = []
    start, depth, waiting = 0, 0, False
    placed = not any(token.type == QUIZ_TOKEN for token in tokens)
    # The raw HTML elements open up to the check, then until it can be placed (read only where there are any).
    raw = None if placed or not any(holds_html(token) for token in tokens) else OpenElements()
    for index, token in enumerate(tokens):
        if placed:
            break
        if token.block:
            depth += token.nesting
        if raw is not None:
            raw.feed_all(pieces(token))
        waiting = waiting or token.type == QUIZ_TOKEN
        if waiting and depth == 0 and not (raw and raw.stack):
            parts.append(sanitise(md.renderer.render(tokens[start:index + 1], md.options, env), state))
            parts.append((quiz() if state.layout.quiz else "") + "\n")
            start, waiting, placed = index + 1, False, True
    if start < len(tokens):
        parts.append(sanitise(md.renderer.render(tokens[start:], md.options, env), state))
    if waiting:  # raw HTML never closed: the check comes last
        parts.append((quiz() if state.layout.quiz else "") + "\n")
    return "".join(parts)


def levels(tokens: Sequence[Token] | Sequence[MdToken]) -> list[int]:
    """The level of every heading of a body: the Markdown's and those its raw HTML writes."""
    found = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    for token in tokens:
        if holds_html(token):
            for piece in pieces(token):
                found += heading_levels(piece)
    return found

