"""Acronyms: every one a module uses is in `content/glossary.yml`, and spelt out where it is first used
in the text (headings aside): `National Health Service (NHS)` or `NHS (National Health Service)` in
the same paragraph or list item."""

from __future__ import annotations

from bundlesmith.diagnostics import Diagnostic, Span, warning
from bundlesmith.load.settings import GLOSSARY_FILE
from bundlesmith.model import Catalogue

CODES = ("unknown-acronym", "acronym-not-expanded", "duplicate-term")


def check_glossary(catalogue: Catalogue) -> list[Diagnostic]:
    glossary = catalogue.glossary
    problems: list[Diagnostic] = []
    for module in catalogue.modules.values():
        for use in module.prose.acronyms if module.prose else ():
            entry = glossary.find(use.word)
            if entry is None:
                problems.append(warning(Span(use.path or module.path, use.line), "unknown-acronym",
                                        f"'{use.word}' is not in the glossary",
                                        f"add it to {GLOSSARY_FILE} with its expansion, or write the words out"))
            elif use.text_line and not expanded(entry.expansion, use.context):
                problems.append(warning(Span(use.path or module.path, use.text_line), "acronym-not-expanded",
                                        f"'{use.word}' is not spelt out where it is first used",
                                        f"write '{entry.expansion} ({use.word})'"))
    return problems


def expanded(expansion: str, context: str) -> bool:
    """Whether a paragraph spells out the expansion (letter case and spacing aside)."""
    return " ".join(expansion.lower().split()) in " ".join(context.lower().split())
