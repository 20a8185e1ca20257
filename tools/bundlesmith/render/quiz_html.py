"""The knowledge check's markup (the same on the site and in every SCO) and its answer keys."""

from __future__ import annotations

import hashlib
import html

from bundlesmith.model import Quiz


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

