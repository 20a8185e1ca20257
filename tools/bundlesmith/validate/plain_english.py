"""Plain English: a module whose estimated reading age is above the project's limit, and each sentence
longer than the limit, get a warning at their line (limits: `plain_english` in bundlesmith.yml)."""

from __future__ import annotations

from bundlesmith.diagnostics import Diagnostic, Span, warning
from bundlesmith.model import Catalogue
from bundlesmith.readability import module_reading_level

CODES = ("reading-age", "long-sentence")


def check_plain_english(catalogue: Catalogue) -> list[Diagnostic]:
    limits = catalogue.config.plain_english
    where = catalogue.config.path or "bundlesmith.yml"
    problems: list[Diagnostic] = []
    for module in catalogue.modules.values():
        level = module_reading_level(module)
        if level is not None and level.reading_age > limits.max_reading_age:
            problems.append(warning(module.span, "reading-age",
                                    f"estimated reading age {level.reading_age} (Flesch-Kincaid grade {level.grade}) "
                                    f"is above {limits.max_reading_age}, the limit in {where}",
                                    "use shorter sentences and everyday words"))
        for sentence in module.prose.sentences if module.prose else ():
            if sentence.words > limits.max_sentence_words:
                problems.append(warning(Span(module.path, sentence.line), "long-sentence",
                                        f"sentence of {sentence.words} words (at most {limits.max_sentence_words})",
                                        "split it in two"))
    return problems
