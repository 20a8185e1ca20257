"""Render a module's tokens (kept by its load) to safe HTML for one output, with markdown-it renderer rules.

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
import hashlib
import html
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import nh3

from bundlesmith.markdown import SLOT_INFO, configured, is_decorative, parse, slugify
from bundlesmith.model import QUIZ_TOKEN, Heading, MdToken, Module, Quiz
from bundlesmith.render.module_links import ModuleLinks, Target, module_links, module_paths, referenced_assets
from bundlesmith.render.url_policy import Layout, Link, UrlPolicy

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

__all__ = ["Body", "RenderedModule", "Target", "answer_key", "module_paths", "quiz_salt", "referenced_assets",
           "render_markdown", "render_module", "render_quiz", "renderer", "sanitise"]

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


class Body(NamedTuple):
    """A module's body on one page: its leading title heading (when the layout takes it apart) and the rest."""

    title: str
    html: str


@dataclass
class _State:
    """What the rules of one render read (in markdown-it's `env`) and what they write down."""

    links: ModuleLinks
    policy: UrlPolicy
    layout: Layout
    local_slots: tuple[str, ...]
    shift: int = 0  # levels every heading moves down
    open_links: list[Link] = field(default_factory=list)
    own_urls: set[str] = field(default_factory=set)  # URLs of the output's own scheme the rules wrote
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
        values these rules wrote."""
        if attribute == "id":
            return slugify(value)
        if element == "div" and attribute in SCROLL_REGION:
            return value if value == SCROLL_REGION[attribute] else None
        if element == "a" and attribute == "class":
            return value if value == NAV_CLASS else None
        if element == "a" and attribute == "data-bs-nav":
            return value if value in self.nav else None
        if attribute in ("href", "src") and self.policy.scheme and value.startswith(f"{self.policy.scheme}:"):
            return value if value in self.own_urls else None
        return value


def _state(env: EnvType) -> _State:
    state = env["bs"]
    assert isinstance(state, _State)
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


def _words(tokens: Sequence[Token] | Sequence[MdToken], start: int, close: str) -> str:
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
    link = state.link(str(token.attrs.get("href", "")), _words(tokens, idx + 1, "link_close"))
    state.open_links.append(link)
    if link.href is None:
        return f'<span class="{html.escape(link.span_class)}">' if link.span_class else "<span>"
    if state.policy.scheme and link.href.startswith(f"{state.policy.scheme}:"):
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
    if state.policy.scheme and src.startswith(f"{state.policy.scheme}:"):
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
            heads.append(_words(inline.children or [], 0, "").strip() if inline.type == "inline" else "")
    label = "Table" + (": " + ", ".join(h for h in heads if h) if any(heads) else "")
    return f'<div class="bs-scroll" role="region" tabindex="0" aria-label="{html.escape(label, quote=True)}">{table}'


def _table_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    if not _state(env).layout.scroll_tables:
        return self.renderToken(tokens, idx, options, env)
    return "</table></div>\n"


def _quiz(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return ""  # the knowledge check is bundlesmith's own markup: it goes between sanitised parts (_segments)


RULES: dict[str, Callable[..., str]] = {
    "link_open": _link_open, "link_close": _link_close, "image": _image, "heading_open": _heading,
    "heading_close": _heading, "container_slot_open": _slot_open, "container_slot_close": _slot_close,
    "table_open": _table_open, "table_close": _table_close, QUIZ_TOKEN: _quiz,
}


@lru_cache(maxsize=1)
def renderer() -> MarkdownIt:
    """The module dialect's parser with bundlesmith's renderer rules."""
    md = configured()
    for name, rule in RULES.items():
        md.add_render_rule(name, rule)
    return md


def sanitise(fragment: str, state: _State | None = None) -> str:
    """Co-created HTML made safe (`state`: the render it comes from, whose own attributes may pass)."""
    schemes = URL_SCHEMES | {state.policy.scheme} if state is not None and state.policy.scheme else URL_SCHEMES
    return nh3.clean(
        fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=schemes,
        attribute_filter=(state or _NO_STATE).attribute_filter, clean_content_tags=CLEAN_CONTENT_TAGS,
        filter_style_properties=STYLE_PROPERTIES, link_rel="noopener noreferrer", strip_comments=True,
    )


def _no_policy(_value: str, _fragment: str) -> Link:
    return Link(None)


_NO_STATE = _State(ModuleLinks({}, (), ()), UrlPolicy(_no_policy, _no_policy, lambda _path, _fragment: None), Layout(), ())


def _render(tokens: Sequence[Token], state: _State, quiz: Callable[[], str]) -> str:
    """The tokens as sanitised HTML, with the knowledge check (`quiz()`) where its token is (after the
    block that holds it, when it is inside one: the sanitiser sees whole blocks only)."""
    md = renderer()
    env: dict[str, Any] = {"bs": state}
    if state.layout.id_prefix:
        env["docId"] = state.layout.id_prefix.strip("-")  # footnotes' ids (markdown-it's own hook)
    parts: list[str] = []
    start, depth, waiting = 0, 0, False
    for index, token in enumerate(tokens):
        if token.block:
            depth += token.nesting
        waiting = waiting or token.type == QUIZ_TOKEN
        if waiting and depth == 0:
            parts.append(sanitise(md.renderer.render(tokens[start:index + 1], md.options, env), state))
            parts.append((quiz() if state.layout.quiz else "") + "\n")
            start, waiting = index + 1, False
    if start < len(tokens):
        parts.append(sanitise(md.renderer.render(tokens[start:], md.options, env), state))
    return "".join(parts)


KEPT_BODIES = 2  # renders kept per module: a bundle's SCORM 1.2 and 2004 packages often share one


@dataclass(frozen=True)
class RenderedModule:
    """A module ready to render for any output: its tokens, what its links point at, its headings."""

    module: Module
    tokens: tuple[MdToken, ...]
    links: ModuleLinks
    headings: tuple[Heading, ...]
    quiz_title: str = "Knowledge check"
    quiz_anchor: str = ""
    _bodies: dict[tuple[object, ...], Body] = field(default_factory=dict, compare=False, repr=False)

    @property
    def module_id(self) -> str:
        return self.module.id

    @property
    def assets(self) -> tuple[str, ...]:
        """Project-relative paths of the files the body uses."""
        return self.links.assets

    @property
    def linked_modules(self) -> tuple[str, ...]:
        return self.links.modules

    @property
    def has_quiz(self) -> bool:
        return self.module.quiz is not None

    def body(self, policy: UrlPolicy, layout: Layout) -> Body:
        """The body for one output (the same output gives the same bytes)."""
        heads = [i for i, t in enumerate(self.tokens) if t.type == "heading_open"]
        dropped = bool(layout.drop_title and heads and self.tokens[heads[0]].tag == "h1"
                       and _words(self.tokens[heads[0] + 1].children or (), 0, "").strip() == layout.drop_title.strip())
        state = _State(self.links, policy, layout, self.module.local_slots)
        if layout.top:
            kept = heads[1:] if dropped else heads
            state.shift = layout.top - min((int(self.tokens[i].tag[1]) for i in kept), default=layout.top)
        else:
            state.shift = layout.demote
        key = (*state.key(), dropped)
        found = self._bodies.get(key)
        if found is None:
            tokens = thaw(self.tokens)
            if dropped:
                del tokens[heads[0]:heads[0] + 3]
            found = self._render(tokens, state)
            if dropped:  # the line the title heading stood on stays
                found = Body(found.title, "\n" + found.html)
            while len(self._bodies) >= KEPT_BODIES:
                del self._bodies[next(iter(self._bodies))]
            self._bodies[key] = found
        return found

    def _render(self, tokens: list[Token], state: _State) -> Body:
        layout = state.layout
        title = ""
        if layout.split_title and len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
            title = _render(tokens[:3], state, self.quiz_html(layout)).rstrip("\n")
            tokens = tokens[3:]
            prefix = "\n"
        else:
            prefix = ""
        return Body(title, prefix + _render(tokens, state, self.quiz_html(layout)))

    def quiz_html(self, layout: Layout) -> Callable[[], str]:
        quiz = self.module.quiz
        if quiz is None:
            return lambda: ""
        return lambda: render_quiz(self.module.id, quiz, self.quiz_title, self.quiz_anchor, self.module.title,
                                   prefix=layout.id_prefix, level=min(6, 2 + layout.demote))


def thaw(tokens: Sequence[MdToken]) -> list[Token]:
    """markdown-it tokens again, for its renderer."""
    from markdown_it.token import Token

    return [Token(t.type, t.tag, t.nesting, dict(t.attrs), None, 0,
                  None if t.children is None else thaw(t.children), t.content, t.markup, t.info, dict(t.meta),
                  t.block, t.hidden) for t in tokens]


def render_module(module: Module, paths: dict[str, str], root_path: str = "") -> RenderedModule:
    """A module ready to render; `paths` maps project-relative module file paths to module ids."""
    parsed = module.prepared
    if parsed is None:  # a module made without loading (tests): parse here
        from bundlesmith.load.markdown_scan import parsed_body

        parsed = parsed_body(parse(module.body))
    return RenderedModule(module, parsed.tokens, module_links(module, paths), parsed.headings,
                          parsed.quiz_title, parsed.quiz_anchor)


def render_markdown(text: str, policy: UrlPolicy, layout: Layout) -> str:
    """A Markdown text that is not a module (a facilitator's notes) as safe HTML for one output."""
    tokens = parse(text)
    state = _State(ModuleLinks({}, (), ()), policy, layout, ())
    if layout.top:
        state.shift = layout.top - min((int(t.tag[1]) for t in tokens if t.type == "heading_open"), default=layout.top)
    return _render(tokens, state, lambda: "")


def render_quiz(module_id: str, quiz: Quiz, title: str = "Knowledge check", anchor: str = "",
                module_title: str = "", *, prefix: str = "", level: int = 2) -> str:
    """Accessible knowledge-check markup: a fieldset per question, radio or checkbox choices, feedback.

    `anchor` keeps the id of the author's heading the quiz replaced, so links and evidence to it still work.
    The section is named by its heading and the module's title, so a page holding several modules' checks
    (a single-SCO package) has no two landmarks of the same name (axe landmark-unique); there `prefix`
    keeps every id unique and the heading is at `level`.
    """
    def e(text: str) -> str:
        return html.escape(text, quote=True)

    p = e(prefix)
    salt = quiz_salt(module_id, quiz)
    labels = f"{p}bs-quiz-title {p}bs-quiz-module" if module_title else f"{p}bs-quiz-title"
    parts = [f'<section class="bs-quiz" data-module="{e(module_id)}" data-salt="{salt}" aria-labelledby="{labels}">',
             (f'<span id="{p}{e(anchor)}"></span>' if anchor else "")
             + f'<h{level} id="{p}bs-quiz-title" class="bs-quiz-title">{e(title)}</h{level}>'
             + (f'<span id="{p}bs-quiz-module" hidden>{e(module_title)}</span>' if module_title else "")]
    for number, question in enumerate(quiz.questions, start=1):
        kind = "checkbox" if question.multiple else "radio"
        qid = f"{p}bs-{e(question.id)}"
        parts.append(f'<fieldset class="bs-question" id="{qid}" data-question="{e(question.id)}" '
                     f'data-kind="{"choice-multiple" if question.multiple else "choice"}">')
        hint = " (choose all that apply)" if question.multiple else ""
        parts.append(f'<legend><span class="bs-qnum">Question {number}.</span> {e(question.prompt)}{hint}</legend>')
        for index, choice in enumerate(question.choices):
            cid = f"{qid}-{chr(97 + index)}"
            parts.append(
                f'<div class="bs-choice"><input type="{kind}" name="{qid}" id="{cid}" value="{chr(97 + index)}"'
                f' data-key="{answer_key(salt, question.id, chr(97 + index), choice.correct)}">'
                f'<label for="{cid}">{e(choice.text)}</label>'
                f'<p class="bs-choice-feedback" data-for="{cid}" hidden>{e(choice.feedback)}</p></div>'
            )
        if question.feedback:
            parts.append(f'<p class="bs-question-feedback" hidden>{e(question.feedback)}</p>')
        # One status message per check (the score), not one per question announced all at once (4.1.3).
        parts.append('<p class="bs-result"></p></fieldset>')
    parts.append('<p><button type="button" class="bs-check md-button md-button--primary">Check answers</button></p>')
    parts.append('<p class="bs-score" role="status" aria-live="polite"></p></section>')
    return "\n".join(parts)


def quiz_salt(module_id: str, quiz: Quiz) -> str:
    """A salt for the answer keys of one knowledge check: the same for the same questions in every build."""
    text = module_id + "\0" + "\0".join(f"{q.id}\0{q.prompt}\0" + "\0".join(c.text for c in q.choices)
                                        for q in quiz.questions)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def answer_key(salt: str, question_id: str, value: str, correct: bool) -> str:
    """What a choice carries instead of data-correct="true": FNV-1a (32 bits) of salt|question|value|1 for a
    right answer, |0 for a wrong one. The pages' scripts (assets/site/bundlesmith.js, scorm/bundlesmith-scorm.js)
    compute the same to tell them apart: not a secret (nothing checked in the browser can be), only not
    the answer in plain view."""
    digest = 0x811C9DC5
    for byte in f"{salt}|{question_id}|{value}|{'1' if correct else '0'}".encode():
        digest = ((digest ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{digest:08x}"

