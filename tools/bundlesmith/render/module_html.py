"""Render a module's Markdown to safe HTML once; the site and every SCORM package reuse the result.

Co-created Markdown is untrusted: raw HTML in it passes through an allow-list sanitiser (nh3), so no
script, event handler, `javascript:`/`data:` URL, iframe, form or style survives. Layout-specific URLs are
left as two neutral schemes that each output rewrites with a plain string replace:
`bs-asset:<path from the project root>` for images and files, and `bs-module:<id>` for links to modules.
"""

from __future__ import annotations

import hashlib
import html
import os.path
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import nh3

from bundlesmith.file_types import place_refusal
from bundlesmith.markdown import SLOT_INFO, parser, slugify
from bundlesmith.model import Catalogue, Heading, Module, PreparedBody, Quiz

ALLOWED_TAGS = (set(nh3.ALLOWED_TAGS) | {"section", "figure", "figcaption", "details", "summary", "aside"}) - {
    "area", "map", "center", "strike", "tt", "acronym"}
ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag not in ("area",)},
    "a": {"href", "hreflang", "title"},
    "img": {"alt", "src", "width", "height", "title"},
    "th": {"colspan", "rowspan", "scope", "headers", "style"},
    "td": {"colspan", "rowspan", "headers", "style"},
    "abbr": {"title"},
    "code": {"class"}, "pre": {"class"}, "div": {"class"}, "p": {"class"}, "span": {"class"},
    "section": {"class", "data-slot", "data-local", "aria-label"}, "details": {"open"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
    "ol": {"start", "type"}, "li": {"id"}, "sup": {"id", "class"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# What content could write that looks like one of the neutral URLs below: kept as text, never matched.
_MARKER_LOOKALIKE = re.compile(r"bs-(asset|module|ref):", re.IGNORECASE)
STYLE_PROPERTIES = {"text-align"}


@dataclass(frozen=True)
class RenderedModule:
    module_id: str
    html: str  # the body (without the quiz), sanitised, with bs-asset:/bs-module: URLs
    quiz_html: str  # the knowledge check's markup, '' when there is none
    headings: tuple[Heading, ...]
    assets: tuple[str, ...]  # project-relative paths of the files the body uses
    linked_modules: tuple[str, ...]
    quiz_title: str = "Knowledge check"

    def with_urls(self, asset_prefix: str, module_url) -> str:
        """The body HTML for one layout: `asset_prefix` + project path, `module_url(id)` for modules."""
        text = self.html.replace('"bs-asset:', f'"{asset_prefix}')
        for mid in self.linked_modules:
            text = text.replace(f'"bs-module:{mid}"', f'"{html.escape(module_url(mid), quote=True)}"')
            text = text.replace(f'"bs-module:{mid}#', f'"{html.escape(module_url(mid), quote=True)}#')
        return text


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    """Ids in content are anchors (markdown.slugify's form): never a global's name, never one of ours."""
    if attribute == "id":
        return value if value == slugify(value) else slugify(value)
    return value


def sanitise(fragment: str, ref_scheme: str | None = None) -> str:
    """Co-created HTML made safe. `ref_scheme` is the one extra URL scheme the body's own links use."""
    schemes = URL_SCHEMES | {ref_scheme} if ref_scheme else URL_SCHEMES
    return nh3.clean(
        fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=schemes,
        attribute_filter=_attribute_filter,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript",
                            "textarea", "select", "svg", "math"},
        filter_style_properties=STYLE_PROPERTIES, link_rel="noopener noreferrer", strip_comments=True,
    )


def prepare_body(tokens, body: str) -> PreparedBody:
    """Turn a module body's tokens (markdown.parse) into a PreparedBody. Changes the tokens."""
    md = parser()
    refs: list[str] = []
    headings: list[Heading] = []
    # Markers that content cannot write: they carry a hash of the body they are in.
    token = hashlib.sha256(body.encode()).hexdigest()[:16]
    placeholder = f"<p>bsquiz{token}</p>"
    ref_scheme = f"bsref{token}"
    quiz_title, quiz_anchor = "Knowledge check", ""

    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            text = tokens[index + 1].content.strip()
            headings.append(Heading(int(token.tag[1]), token.attrs.get("id", ""), text))
        elif token.type == "fence" and token.info.strip() == "quiz":
            if index >= 3 and tokens[index - 1].type == "heading_close" and tokens[index - 3].type == "heading_open":
                # The author's own heading right above the quiz ("Check your understanding") becomes its title,
                # so the page does not show two headings in a row.
                quiz_title = tokens[index - 2].content.strip() or quiz_title
                quiz_anchor = tokens[index - 3].attrs.get("id", "")
                headings.pop()
                for hidden in tokens[index - 3:index]:
                    hidden.type, hidden.content, hidden.children, hidden.nesting = "html_block", "", [], 0
            token.type, token.tag, token.nesting, token.content = "html_block", "p", 0, placeholder + "\n"
        elif token.type == "container_slot_open":
            match = SLOT_INFO.match(token.info)
            token.attrs = {"class": "bs-slot", "data-slot": match.group(1) if match else "slot"}
        elif token.type == "inline" and token.children:
            for child in token.children:
                attr = "href" if child.type == "link_open" else "src" if child.type == "image" else None
                if attr and isinstance(child.attrs.get(attr), str) and _relative(child.attrs[attr]):
                    refs.append(child.attrs[attr])
                    child.attrs[attr] = f"{ref_scheme}:{len(refs) - 1}"

    md.renderer.rules.setdefault("container_slot_open", None)
    rendered = md.renderer.render(tokens, md.options, {})
    rendered = rendered.replace('<div class="bs-slot', '<section class="bs-slot')
    safe = sanitise(_close_sections(rendered), ref_scheme)
    safe = _MARKER_LOOKALIKE.sub(lambda m: m.group(0).replace("-", "&#45;"), safe)  # reads the same, matches nothing
    return PreparedBody(safe, tuple(refs), tuple(headings), quiz_title, quiz_anchor, placeholder, ref_scheme)


def render_module(module: Module, module_paths: dict[str, str], root_path: str = "") -> RenderedModule:
    """Render one module. `module_paths` maps project-relative module file paths to module ids."""
    prepared = module.prepared
    if prepared is None:  # a module made without loading (tests): parse here
        from bundlesmith.markdown import parse

        prepared = prepare_body(parse(module.body), module.body)
    assets: list[str] = []
    linked: list[str] = []
    base = os.path.dirname(module.path)

    def resolve(match) -> str:
        index = int(match.group(1))
        url = _neutral_url(prepared.refs[index], base, module_paths, assets, linked) if index < len(prepared.refs) else "#"
        return '"' + url.replace("&", "&amp;").replace('"', "&quot;").replace("\xa0", "&nbsp;") + '"'

    body = re.sub(rf'"{re.escape(prepared.ref_scheme)}:(\d+)"', resolve, prepared.html)
    for name in module.local_slots:  # a slot the variant filled
        body = re.sub(rf'<section class="bs-slot([^"]*)" data-slot="{re.escape(name)}">',
                      rf'<section class="bs-slot bs-local\1" data-slot="{name}" data-local="true">', body)
    quiz_html = (render_quiz(module.id, module.quiz, prepared.quiz_title, prepared.quiz_anchor, module.title)
                 if module.quiz else "")
    body = body.replace(prepared.placeholder, '<div class="bs-quiz-slot"></div>')
    return RenderedModule(module.id, body, quiz_html, prepared.headings, tuple(dict.fromkeys(assets)),
                          tuple(dict.fromkeys(linked)), prepared.quiz_title)


def _relative(url: str) -> bool:
    """Whether _neutral_url would change this link (a path inside the project, not an address)."""
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc or not parts.path)


def _close_sections(rendered: str) -> str:
    """Slot containers render as <div>; turn their opening and matching closing tags into <section>."""
    if "bs-slot" not in rendered:
        return rendered
    out, depth_stack, pos = [], [], 0
    import re
    for match in re.finditer(r"<section class=\"bs-slot[^>]*>|<div[^>]*>|</div>", rendered):
        out.append(rendered[pos:match.start()])
        tag = match.group(0)
        if tag.startswith("<section"):
            depth_stack.append("section")
            out.append(tag)
        elif tag.startswith("<div"):
            depth_stack.append("div")
            out.append(tag)
        else:
            kind = depth_stack.pop() if depth_stack else "div"
            out.append("</section>" if kind == "section" else "</div>")
        pos = match.end()
    out.append(rendered[pos:])
    return "".join(out)


def module_paths(catalogue: Catalogue) -> dict[str, str]:
    """Project-relative module file path -> module id: what a relative link to a module resolves against."""
    found = _PATHS.get(id(catalogue))
    if found is None or found[0] is not catalogue:
        found = _PATHS[id(catalogue)] = (catalogue, {m.path: m.id for m in catalogue.modules.values()})
        while len(_PATHS) > 8:
            del _PATHS[next(iter(_PATHS))]
    return found[1]


_PATHS: dict[int, tuple[Catalogue, dict[str, str]]] = {}


def referenced_assets(module: Module, paths: dict[str, str]) -> tuple[str, ...]:
    """The project files a module's page uses (images, downloads), from the links its load found: the
    same files render_module finds, without rendering. `paths` as from module_paths()."""
    assets: list[str] = []
    base = os.path.dirname(module.path)
    for reference in module.references:
        _neutral_url(reference.target, base, paths, assets, [])
    return tuple(dict.fromkeys(assets))


def _neutral_url(url: str, base: str, module_paths: dict[str, str], assets: list[str], linked: list[str]) -> str:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return url
    target = os.path.normpath(os.path.join(base, unquote(parts.path))).replace(os.sep, "/")
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if target in module_paths:
        linked.append(module_paths[target])
        return f"bs-module:{module_paths[target]}{fragment}"
    if target.startswith("..") or os.path.isabs(target) or place_refusal(target) is not None:
        return "#"  # check refuses these; never point outside content/ or at a hidden file
    assets.append(target)
    return f"bs-asset:{target}{fragment}"


def render_quiz(module_id: str, quiz: Quiz, title: str = "Knowledge check", anchor: str = "",
                module_title: str = "") -> str:
    """Accessible knowledge-check markup: a fieldset per question, radio or checkbox choices, feedback.

    `anchor` keeps the id of the author's heading the quiz replaced, so links and evidence to it still work.
    The section is named by its heading and the module's title, so a page holding several modules' checks
    (a single-SCO package) has no two landmarks of the same name (axe landmark-unique).
    """
    e = lambda s: html.escape(s, quote=True)  # noqa: E731
    salt = quiz_salt(module_id, quiz)
    labels = "bs-quiz-title bs-quiz-module" if module_title else "bs-quiz-title"
    parts = [f'<section class="bs-quiz" data-module="{e(module_id)}" data-salt="{salt}" aria-labelledby="{labels}">',
             (f'<span id="{e(anchor)}"></span>' if anchor else "")
             + f'<h2 id="bs-quiz-title" class="bs-quiz-title">{e(title)}</h2>'
             + (f'<span id="bs-quiz-module" hidden>{e(module_title)}</span>' if module_title else "")]
    for number, question in enumerate(quiz.questions, start=1):
        kind = "checkbox" if question.multiple else "radio"
        qid = f"bs-{e(question.id)}"
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
