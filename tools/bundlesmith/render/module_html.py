"""A module ready to render for any output, and its body rendered for one (the rules: render/markdown_rules.py).

Each body is rendered from the tokens its load kept, by the same renderer rules for every output; only the
output's `UrlPolicy` and `Layout` (render/url_policy.py) differ.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from bundlesmith.markdown import parse, unpack_tokens
from bundlesmith.model import Heading, Module, ParsedBody
from bundlesmith.render.markdown_rules import RenderState, levels, render_tokens, sanitise, words
from bundlesmith.render.module_links import ModuleLinks, module_links, module_paths, referenced_assets
from bundlesmith.render.quiz_html import answer_key, quiz_salt, render_quiz
from bundlesmith.render.url_policy import Layout, UrlPolicy

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["Body", "RenderedModule", "answer_key", "module_paths", "quiz_salt", "referenced_assets",
           "render_markdown", "render_module", "render_quiz", "sanitise"]


class Body(NamedTuple):
    """A module's body on one page: its leading title heading (when the layout takes it apart) and the rest."""

    title: str
    html: str


KEPT_BODIES = 3  # renders kept per module: the bundles that share a module often render it alike (with
# links to other modules, a module has about two distinct bodies across packages; with two kept, one render in
# eight was a body rendered before and let go)
RECENT_MODULES = 32  # modules kept unpacked: a bundle's (up to 30), for its package in the next SCORM version


class _Kept(NamedTuple):
    """A body kept for the next output that renders the module alike: its HTML compressed, a third of its size
    (a build keeps up to two bodies of every module, in every process that renders them)."""

    title: str
    html: bytes

    @classmethod
    def of(cls, body: Body) -> _Kept:
        return cls(body.title, zlib.compress(body.html.encode("utf-8"), 1))

    def body(self) -> Body:
        return Body(self.title, zlib.decompress(self.html).decode("utf-8"))


class Recent:
    """The modules rendered last, which keep their tokens and bodies unpacked until RECENT_MODULES others
    have been rendered since. A bundle's packages (one per SCORM version, built one after the other) render
    the same modules in turn: the second finds each one's tokens and bodies here, instead of unpacking
    the tokens and inflating the bodies again, while a process never holds more than a bundle's modules
    unpacked."""

    def __init__(self, size: int = RECENT_MODULES) -> None:
        self.size = size
        self._modules: list[RenderedModule] = []  # the one rendered last at the end

    def touch(self, rendered: RenderedModule) -> None:
        """`rendered` was rendered now; the module rendered longest ago packs its tokens and bodies away."""
        for i, held in enumerate(self._modules):
            if held is rendered:
                del self._modules[i]
                break
        self._modules.append(rendered)
        while len(self._modules) > self.size:
            self._modules.pop(0).pack()


@dataclass(frozen=True)
class RenderedModule:
    """A module ready to render for any output: its tokens (packed), what its links point at, its headings."""

    module: Module
    tokens: bytes  # markdown.pack_tokens: unpacked to render, and kept unpacked only while `recent` holds it
    links: ModuleLinks
    headings: tuple[Heading, ...]
    quiz_title: str = "Knowledge check"
    quiz_anchor: str = ""
    recent: Recent | None = field(default=None, compare=False, repr=False)  # None: unpacked for every render
    _bodies: dict[tuple[object, ...], _Kept] = field(default_factory=dict, compare=False, repr=False)
    _unpacked: list[list[Token]] = field(default_factory=list, compare=False, repr=False)  # while recent
    _fresh: dict[tuple[object, ...], Body] = field(default_factory=dict, compare=False, repr=False)  # while recent

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
        state = RenderState(self.links, policy, layout, self.module.local_slots)
        key = state.key()  # with the module, the layout decides the title dropped and the headings' shift
        found = self._fresh.get(key)
        if found is None:
            kept = self._bodies.get(key)
            found = kept.body() if kept is not None else self._rendered(key, state)
            if self.recent is not None:
                while len(self._fresh) >= KEPT_BODIES:
                    del self._fresh[next(iter(self._fresh))]
                self._fresh[key] = found
        if self.recent is not None:
            self.recent.touch(self)
        return found

    def pack(self) -> None:
        """Let go of the unpacked tokens and bodies (the packed ones stay)."""
        self._unpacked.clear()
        self._fresh.clear()

    def _tokens(self) -> list[Token]:
        """The module's tokens, a list of its own for one render (the tokens themselves are never changed)."""
        if self._unpacked:
            return list(self._unpacked[0])
        tokens = unpack_tokens(self.tokens)
        if self.recent is not None:
            self._unpacked.append(tokens)
            return list(tokens)
        return tokens

    def _rendered(self, key: tuple[object, ...], state: RenderState) -> Body:
        layout = state.layout
        tokens = self._tokens()
        heads = [i for i, t in enumerate(tokens) if t.type == "heading_open"]
        dropped = bool(layout.drop_title and heads and tokens[heads[0]].tag == "h1"
                       and words(tokens[heads[0] + 1].children or (), 0, "").strip() == layout.drop_title.strip())
        if layout.top:  # the highest heading left, raw HTML's included, goes to `top`
            shifted = tokens[:heads[0]] + tokens[heads[0] + 3:] if dropped else tokens
            state.shift = layout.top - min(levels(shifted), default=layout.top)
        else:
            state.shift = layout.demote
        if dropped:
            del tokens[heads[0]:heads[0] + 3]
        found = self._render(tokens, state)
        if dropped:  # the line the title heading stood on stays
            found = Body(found.title, "\n" + found.html)
        while len(self._bodies) >= KEPT_BODIES:
            del self._bodies[next(iter(self._bodies))]
        self._bodies[key] = _Kept.of(found)
        return found

    def _render(self, tokens: list[Token], state: RenderState) -> Body:
        layout = state.layout
        title = ""
        if layout.split_title and len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
            title = render_tokens(tokens[:3], state, self.quiz_html(layout)).rstrip("\n")
            tokens = tokens[3:]
            prefix = "\n"
        else:
            prefix = ""
        return Body(title, prefix + render_tokens(tokens, state, self.quiz_html(layout)))

    def quiz_html(self, layout: Layout) -> Callable[[], str]:
        quiz = self.module.quiz
        if quiz is None:
            return lambda: ""
        return lambda: render_quiz(self.module.id, quiz, self.quiz_title, self.quiz_anchor, self.module.title,
                                   prefix=layout.id_prefix, level=min(6, 2 + layout.demote))


def render_module(module: Module, paths: dict[str, str], root_path: str = "",
                  recent: Recent | None = None) -> RenderedModule:
    """A module ready to render; `paths` maps project-relative module file paths to module ids; `recent`, the
    modules rendered last that stay unpacked (a RenderCache's), or None to unpack the tokens for every render."""
    parsed = module.prepared or _parsed(module)  # None: a module made without loading (tests)
    return RenderedModule(module, parsed.tokens, module_links(module, paths), parsed.headings,
                          parsed.quiz_title, parsed.quiz_anchor, recent)


def _parsed(module: Module) -> ParsedBody:
    from bundlesmith.load.markdown_scan import parsed_body

    return parsed_body(parse(module.body))


def render_markdown(text: str, policy: UrlPolicy, layout: Layout) -> str:
    """A Markdown text that is not a module (a facilitator's notes) as safe HTML for one output."""
    tokens = parse(text)
    state = RenderState(ModuleLinks({}, (), ()), policy, layout, ())
    if layout.top:
        state.shift = layout.top - min(levels(tokens), default=layout.top)
    return render_tokens(tokens, state, lambda: "")
