"""Plain English: a module whose estimated reading age is above the project's limit, and each sentence
longer than the limit, get a warning at their line (limits: `plain_english` in bundlesmith.yml)."""

from __future__ import annotations

from bundlesmith.diagnostics import Diagnostic, Span, warning
from bundlesmith.model import Catalogue, Module
from bundlesmith.readability import module_reading_level
from bundlesmith.validate.memo import Memo

CODES = ("reading-age", "long-sentence")


def check_plain_english(catalogue: Catalogue, memo: Memo | None = None) -> list[Diagnostic]:
    """`memo` carries each module's findings to the next view that has the same module and limits."""
    limits = catalogue.config.plain_english
    where = catalogue.config.path or "bundlesmith.yml"
    shared = memo if memo is not None else Memo()

    def check(module: Module) -> list[Diagnostic]:
        problems: list[Diagnostic] = []
        level = module_reading_level(module)
        if level is not None and level.reading_age > limits.max_reading_age:
            problems.append(warning(module.span, "reading-age",
                                    f"estimated reading age {level.reading_age} (Flesch-Kincaid grade {level.grade}) "
                                    f"is above {limits.max_reading_age}, the limit in {where}",
                                    "use shorter sentences and everyday words"))
        for sentence in module.prose.sentences if module.prose else ():
            if sentence.words > limits.max_sentence_words:
                problems.append(warning(Span(sentence.path or module.path, sentence.line), "long-sentence",
                                        f"sentence of {sentence.words} words (at most {limits.max_sentence_words})",
                                        "split it in two"))
        return problems

    problems: list[Diagnostic] = []
    for module in catalogue.modules.values():
        problems += shared.of_module(("plain-english", limits.max_reading_age, limits.max_sentence_words, where),
                                     module, check)
    return problems
