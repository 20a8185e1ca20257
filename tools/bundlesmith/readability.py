"""Plain English figures: syllables, the Flesch–Kincaid grade and the UK reading age of a module's prose.

One place answers "how hard is this module to read?": check, the module's site page and the coverage
report all read `reading_level()`. The syllables are counted here, by rule, because no library counts
them offline: textstat fetches a pronouncing dictionary at run time, and hyphenation dictionaries (pyphen)
never split the first or last letters of a word, so they count "about", "people" and "every" as one
syllable and make every text look easier than it is. The rules below get 91 of 94 everyday words of
the sample right (tests/fixtures/plain-english/syllables.txt).

Flesch–Kincaid grade = 0.39 × words per sentence + 11.8 × syllables per word − 15.59
(Kincaid et al. 1975); a US school grade, so the UK reading age is the grade + 5.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypedDict

from bundlesmith.model import Catalogue, Module, Prose

UK_AGE_OFFSET = 5  # a US grade is the reading age minus five (grade 1: age six)
MIN_WORDS = 100  # below this the formula says more about one sentence than about the module
_GROUPS = re.compile(r"[aeiouy]+")
_SUFFIX = re.compile(r"^(.{3,}?)(ments?|ness|ful|less|(?<=[^aiouy])ly)$")
# Two vowels written together but said apart: ide-a, stud-io, ac-tu-al, vid-e-o, cli-ent, be-ing.
_HIATUS = re.compile(r"(?<![tscxg])i(?=a)|(?<![tscxg])i(?=o[^u]|o$)|e(?=as?$)|i(?=u)|u(?=a|o)|(?<!p)e(?=o)"
                     r"|(?<![tc])i(?=en)|[aeiouy](?=ing)")
ACRONYM_SHAPE = re.compile(r"^[A-Z]{2,6}s?$")


@lru_cache(maxsize=65536)  # a module's words repeat, and so do a project's
def syllables(word: str) -> int:
    """Syllables in one English word, by rule (1 for any word of three letters or fewer, a number
    included). An acronym is read letter by letter: NHS is three."""
    if ACRONYM_SHAPE.match(word):
        return len(word.rstrip("s"))
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 1
    if len(w) <= 3:
        return 1
    suffix = _SUFFIX.match(w)
    if suffix:  # manage-ment, safe-ly: the stem keeps its own silent e
        return syllables(suffix.group(1)) + 1
    w = w.replace("qu", "q")
    if w.startswith("y"):
        w = w[1:]
    if w.endswith("es") and not (w[-3] in "sxzcg" or w[-4:-2] in ("ch", "sh")):
        w = w[:-2]  # likes, roles (but chang-es, box-es)
    elif w.endswith("ed") and w[-3] not in "td":
        w = w[:-2]  # asked (but need-ed)
    elif w.endswith("e") and not re.search(r"[^aeiouy]le$", w):
        w = w[:-1]  # make, whole (but sim-ple)
    return max(1, len(_GROUPS.findall(w)) + len(_HIATUS.findall(w)))


class ReadingJson(TypedDict):
    words: int
    sentences: int
    syllables: int
    flesch_kincaid_grade: float
    reading_age: int


class ModuleReadingJson(ReadingJson):
    path: str


@dataclass(frozen=True)
class ReadingLevel:
    """A module's reading figures, as check, the site and the coverage report show them."""

    words: int
    sentences: int
    syllables: int
    grade: float  # Flesch–Kincaid grade, one decimal
    reading_age: int  # UK reading age in years: the grade rounded (halves up), plus five

    def to_json(self) -> ReadingJson:
        return {"words": self.words, "sentences": self.sentences, "syllables": self.syllables,
                "flesch_kincaid_grade": self.grade, "reading_age": self.reading_age}


def flesch_kincaid_grade(words: int, sentences: int, syllable_count: int) -> float:
    """The Flesch–Kincaid grade of a text with these counts (0.0 for a text without words)."""
    if not words or not sentences:
        return 0.0
    return 0.39 * words / sentences + 11.8 * syllable_count / words - 15.59


def reading_level(prose: Prose) -> ReadingLevel | None:
    """The reading figures of a module's prose; None when it has fewer than MIN_WORDS words to measure.
    They are the national text's: a variant's slot text (sentences read from a file of their own) is
    checked for length where it is written, and does not change the module's reading age."""
    sentences = [s for s in prose.sentences if not s.path]
    words = sum(s.words for s in sentences)
    if words < MIN_WORDS:
        return None
    count = sum(s.syllables for s in sentences)
    grade = round(max(0.0, flesch_kincaid_grade(words, len(sentences), count)), 1)
    return ReadingLevel(words, len(sentences), count, grade, int(grade + 0.5) + UK_AGE_OFFSET)


def module_reading_level(module: Module) -> ReadingLevel | None:
    return reading_level(module.prose) if module.prose is not None else None


def reading_levels(catalogues: Iterable[Catalogue]) -> dict[str, ModuleReadingJson | None]:
    """Module id -> its reading figures (to_json), or None when too short to measure, for every module of
    these views (national first, so a national module keeps its national figures), sorted by id."""
    found: dict[str, ModuleReadingJson | None] = {}
    for catalogue in catalogues:
        for module in catalogue.modules.values():
            if module.id not in found:
                level = module_reading_level(module)
                found[module.id] = ModuleReadingJson(path=module.path, **level.to_json()) if level else None
    return dict(sorted(found.items()))
