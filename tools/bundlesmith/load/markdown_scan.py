"""Find what a module's Markdown body declares: heading anchors, links and images, slots, the quiz."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bundlesmith.diagnostics import Diagnostic, Span, error
from bundlesmith.load import schema_check
from bundlesmith.load.common import text
from bundlesmith.load.yaml_source import YList, parse_yaml
from bundlesmith.model import QUIZ_TOKEN, Choice, Heading, ParsedBody, Prose, Question, Quiz, Reference, Slot

if TYPE_CHECKING:
    from markdown_it.token import Token

    from bundlesmith.markdown import MdToken

# markdown-it drops these links silently (they render as text); a co-creator should hear why.
UNSAFE_LINK = re.compile(r"\]\(\s*<?\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class BodyScan:
    anchors: tuple[str, ...]
    references: tuple[Reference, ...]
    slots: tuple[Slot, ...]
    quiz: Quiz | None
    title: str  # text of the first level-1 heading
    words: int
    raw_html: tuple[Span, ...] = ()
    prepared: ParsedBody | None = None  # the same tokens, packed for rendering
    prose: Prose | None = None


def scan_body(body: str, path: str, body_offset: int,
              abbr: dict[str, str] | None = None) -> tuple[BodyScan, list[Diagnostic]]:
    """`abbr`: the glossary's acronyms and their expansions, marked as <abbr> in the rendered body."""
    from bundlesmith.load.prose import scan_prose
    from bundlesmith.markdown import (  # markdown-it is imported only when a body is parsed
        SLOT_INFO,
        is_decorative,
        parse,
    )

    problems: list[Diagnostic] = []
    tokens = parse(body, abbr)
    lines = body.split("\n")
    anchors: list[str] = []
    references: list[Reference] = []
    slots: list[Slot] = []
    quizzes: list[tuple[Token, int]] = []
    raw_html: list[Span] = []
    title = ""
    for index, token in enumerate(tokens):
        line = body_offset + (token.map[0] + 1 if token.map else 0)
        if token.type == "html_block":
            raw_html.append(Span(path, line))
        elif token.type == "heading_open":
            anchors.append(str(token.attrs.get("id", "")))
            if token.tag == "h1" and not title:
                title = tokens[index + 1].content.strip()
        elif token.type == "inline" and token.children:
            for unsafe in UNSAFE_LINK.finditer(token.content):
                problems.append(error(Span(path, line + token.content[:unsafe.start()].count("\n")), "unsafe-url",
                                      f"link to '{unsafe.group(1)}:...' is not allowed: use an http(s) address "
                                      "or a relative path"))
            row = line
            for child in token.children:
                if child.type == "html_inline":
                    raw_html.append(Span(path, row))
                if child.type in ("softbreak", "hardbreak"):
                    row += 1
                elif child.type == "link_open":
                    references.append(Reference("link", str(child.attrs.get("href", "")), Span(path, row)))
                elif child.type == "image":
                    references.append(Reference("image", str(child.attrs.get("src", "")), Span(path, row),
                                                child.content, is_decorative(child)))
                elif child.type == "text":
                    row += child.content.count("\n")
        elif token.type == "container_slot_open":
            match = SLOT_INFO.match(token.info)
            if not match:
                problems.append(error(Span(path, line), "bad-slot",
                                      f"slot needs a name of lower-case letters, digits and '-': '::: {token.info.strip()}'"))
                continue
            start, end = token.map or (0, 0)
            if end < len(lines) and lines[end].strip().startswith(":::"):
                end += 1
            name = match.group(1)
            if any(s.name == name for s in slots):
                problems.append(error(Span(path, line), "duplicate-id", f"duplicate slot name '{name}'"))
            slots.append(Slot(name, (start, end), Span(path, line)))
        elif token.type == "fence" and token.info.strip() == "quiz":
            quizzes.append((token, line))
    quiz = None
    for number, (token, line) in enumerate(quizzes):
        if number:
            problems.append(error(Span(path, line), "duplicate-quiz",
                                  "a module has at most one ```quiz block; merge the questions into the first"))
            continue
        quiz = _parse_quiz(token, line, path, problems)
    words = sum(len(t.content.split()) for t in tokens if t.type == "inline")
    prose = scan_prose(tokens, body_offset)
    return BodyScan(tuple(anchors), tuple(references), tuple(slots), quiz, title, words,
                    tuple(dict.fromkeys(raw_html)), parsed_body(tokens), prose), problems


def parsed_body(tokens: list[Token]) -> ParsedBody:
    """What rendering needs of a body, from its tokens: the tokens as data (packed), with the knowledge check
    as one `bs_quiz` token that takes over the author's heading right above it (its title and anchor); the
    headings."""
    from bundlesmith.markdown import freeze, pack_tokens

    kept: list[MdToken] = []
    headings: list[Heading] = []
    quiz_title, quiz_anchor = "Knowledge check", ""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append(Heading(int(token.tag[1]), str(token.attrs.get("id", "")), tokens[index + 1].content.strip()))
        if token.type == "fence" and token.info.strip() == "quiz":
            if index >= 3 and tokens[index - 1].type == "heading_close" \
                    and tokens[index - 3].type == "heading_open" and kept[-1].type == "heading_close":
                quiz_title = tokens[index - 2].content.strip() or quiz_title
                quiz_anchor = str(tokens[index - 3].attrs.get("id", ""))
                headings.pop()
                del kept[-3:]
            kept.append(freeze(token, QUIZ_TOKEN))
        else:
            kept.append(freeze(token))
    return ParsedBody(pack_tokens(kept), tuple(headings), quiz_title, quiz_anchor)


def _parse_quiz(token: Token, line: int, path: str, problems: list[Diagnostic]) -> Quiz | None:
    data, yaml_problems = parse_yaml(token.content, path, line_offset=line,
                                        hidden="the knowledge check's other problems are shown once it parses")
    problems += yaml_problems
    start, end = token.map or (0, 0)
    broken = Quiz((), Span(path, line), (start, end), valid=False)
    if data is None:
        if not yaml_problems:
            problems.append(error(Span(path, line), "empty-quiz", "the ```quiz block is empty"))
        return broken
    schema_problems = schema_check.check(data, "quiz", path, root_line=line)
    problems += schema_problems
    if not isinstance(data, YList):
        if not schema_problems:
            problems.append(error(Span(path, line), "wrong-type", "a ```quiz block holds a list of questions"))
        return broken
    questions: list[Question] = []
    seen: set[str] = set()
    for index, raw in enumerate(data):
        qid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(raw, dict) or not isinstance(qid, str):
            continue
        span = Span(path, data.line_of(index))
        if qid in seen:
            problems.append(error(span, "duplicate-id", f"duplicate quiz question id '{qid}'"))
        seen.add(qid)
        listed = raw.get("choices")
        choices = tuple(
            Choice(text(c, "text"), c.get("correct") is True, text(c, "feedback"))
            for c in (listed if isinstance(listed, list) else []) if isinstance(c, dict)
        )
        if choices and not any(c.correct for c in choices):
            problems.append(error(span, "no-correct-choice",
                                  f"question '{qid}' has no choice marked 'correct: true'"))
        questions.append(Question(qid, text(raw, "prompt"), choices, text(raw, "feedback"), span))
    return Quiz(tuple(questions), Span(path, line), (start, end))

