"""The catalogue: one in-memory model of standards, modules, bundles and variants, shared by every output.

Every value a person wrote keeps its `Span` (file and line) so that any later stage can point back at it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from bundlesmith.diagnostics import Span

T = TypeVar("T")

STRENGTHS = ("introduces", "develops", "assesses")
STRENGTH_LETTER = {"introduces": "I", "develops": "D", "assesses": "A"}
WRITING_TEAM_ROLES = frozenset({"educator", "subject-expert"})
AUTO_MARKED_METHODS = frozenset({"knowledge-check", "scenario"})


@dataclass(frozen=True)
class StandardItem:
    """A domain, standard or indicator of a framework."""

    framework: str
    code: str
    type: str  # domain | standard | indicator
    title: str
    statement: str
    levels: tuple[str, ...]
    parent: str | None  # code of the parent item
    children: tuple[str, ...]
    span: Span
    local: bool = False
    case_identifier: str = ""  # the CASE CFItem identifier it was imported with, when not derived (case/ids.py)
    related: tuple[tuple[str, Span], ...] = ()  # standards of other frameworks this item relates to ("clm:D3.2")

    @property
    def ref(self) -> str:
        return f"{self.framework}:{self.code}"

    @property
    def label(self) -> str:
        return self.title or self.statement


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    version: str
    status: str
    publisher: str
    licence: str
    base_uri: str
    description: str
    levels: tuple[str, ...]
    items: tuple[StandardItem, ...]  # the whole tree, depth first, in file order
    span: Span
    local: bool = False
    date: str = ""  # the date of this version (ISO), the CASE export's lastChangeDateTime
    case_identifier: str = ""  # the CASE CFDocument identifier it was imported with, when not derived

    def permalink(self, code: str) -> str:
        return f"{self.base_uri}{code}"

    def item(self, code: str) -> StandardItem | None:
        """The domain, standard or indicator with this code (the first in file order)."""
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, StandardItem]:  # worked out once: coverage asks for every alignment
        found: dict[str, StandardItem] = {}
        for item in self.items:
            found.setdefault(item.code, item)
        return found

    @property
    def domains(self) -> tuple[StandardItem, ...]:
        return tuple(i for i in self.items if i.type == "domain")

    @property
    def standards(self) -> tuple[StandardItem, ...]:
        return tuple(i for i in self.items if i.type == "standard")


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Assessment:
    method: str
    items: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Alignment:
    """A module's claim that it introduces, develops or assesses one standard."""

    standard: str  # "<framework>:<code>"
    strength: str
    outcomes: tuple[str, ...]
    evidence: tuple[str, ...]
    assessment: Assessment | None
    span: Span


@dataclass(frozen=True, slots=True)
class CoCreation:
    role: str
    contribution: str
    date: str
    span: Span


@dataclass(frozen=True, slots=True)
class Review:
    status: str
    reviewed: date | None
    next_review: date | None
    approved_by: str
    span: Span


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    prompt: str
    choices: tuple[Choice, ...]
    feedback: str
    span: Span

    @property
    def multiple(self) -> bool:
        return sum(c.correct for c in self.choices) > 1


@dataclass(frozen=True, slots=True)
class Quiz:
    questions: tuple[Question, ...]
    span: Span
    body_lines: tuple[int, int]  # first and last line of the fence inside the body (0-based)
    valid: bool = True  # False when the block failed to parse (its questions are then unknown)

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


@dataclass(frozen=True, slots=True)
class Slot:
    """A named section of a national module that a local variant may replace or extend."""

    name: str
    body_lines: tuple[int, int]  # the container's lines inside the body, 0-based, end exclusive
    span: Span


@dataclass(frozen=True, slots=True)
class Reference:
    """A link or image in a module's Markdown."""

    kind: str  # link | image
    target: str
    span: Span
    text: str = ""  # an image's alternative text
    decorative: bool = False  # an image marked `{ .decorative }`


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a module's prose (paragraphs and list items; headings, tables and code aside)."""

    line: int  # file line where it starts
    words: int
    syllables: int
    path: str = ""  # the file it is in, when not the module's own (a variant's slot fill)


@dataclass(frozen=True, slots=True)
class AcronymUse:
    """An acronym-shaped word (2-6 capitals, perhaps a plural s) in a module: where it is first used, and
    where it is first used in the text (headings aside) with the words of that paragraph or list item."""

    word: str  # as written, without a plural s
    line: int
    text_line: int = 0  # 0 when it appears only in headings
    context: str = ""
    path: str = ""  # the file it is in, when not the module's own (a variant's slot fill)


@dataclass(frozen=True, slots=True)
class Prose:
    """What the plain-English and glossary rules read from a module's Markdown, found when it is loaded."""

    sentences: tuple[Sentence, ...] = ()
    acronyms: tuple[AcronymUse, ...] = ()


@dataclass(frozen=True)
class GlossaryEntry:
    term: str  # the acronym as written, e.g. NHS
    expansion: str  # what it stands for: National Health Service
    definition: str
    aliases: tuple[str, ...]  # other ways it is written (older names, other spellings)
    span: Span


@dataclass(frozen=True)
class Glossary:
    """`content/glossary.yml`: the acronyms modules may use, with what they stand for."""

    entries: tuple[GlossaryEntry, ...] = ()
    path: str = ""
    digest: str = ""  # of the file's bytes: module pages depend on it (their <abbr> titles)

    def find(self, word: str) -> GlossaryEntry | None:
        """The entry for a term or one of its aliases, as written (a plural s allowed)."""
        for candidate in (word, word[:-1] if word.endswith("s") else None):
            for entry in self.entries:
                if candidate and (candidate == entry.term or candidate in entry.aliases):
                    return entry
        return None


@dataclass(frozen=True)
class PlainEnglish:
    """The `plain_english` settings of `bundlesmith.yml`."""

    max_reading_age: int = 16
    max_sentence_words: int = 35


@dataclass(frozen=True)
class ProjectConfig:
    """`bundlesmith.yml` at the project root: settings of the gates `check` applies (all optional)."""

    plain_english: PlainEnglish = PlainEnglish()
    path: str = ""


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    text: str


QUIZ_TOKEN = "bs_quiz"  # the token that stands for a module's knowledge check


@dataclass(frozen=True, slots=True)
class ParsedBody:
    """A module body as its load parsed it (the Markdown is parsed once per build): its tokens, its
    headings, and the knowledge check's title and anchor (the author's heading right above the check,
    which the check then replaces, so the page does not show two headings in a row).

    The tokens are kept packed (`markdown.pack_tokens`: `markdown.MdToken`s as one compressed msgpack string),
    a few kilobytes a module: as Python objects they took ten times the memory of the body's text, in
    every process of a build and in the load cache. Rendering unpacks them (`markdown.unpack_tokens`).
    """

    tokens: bytes
    headings: tuple[Heading, ...]
    quiz_title: str = "Knowledge check"
    quiz_anchor: str = ""


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    version: str
    summary: str
    levels: tuple[str, ...]
    guided_minutes: int
    self_directed_minutes: int
    outcomes: tuple[Outcome, ...]
    standards: tuple[Alignment, ...]
    co_creation: tuple[CoCreation, ...]
    review: Review
    prerequisites: tuple[tuple[str, Span], ...]
    licence: str
    keywords: tuple[str, ...]
    body: str  # Markdown after the front matter (slots already applied for a variant)
    body_line: int  # file line of the body's first line, minus one
    quiz: Quiz | None
    slots: tuple[Slot, ...]
    references: tuple[Reference, ...]
    anchors: tuple[str, ...]
    path: str  # relative to the project root
    file: Path
    span: Span
    local: bool = False  # from a variant
    local_slots: tuple[str, ...] = ()  # slots a variant filled
    raw_html: tuple[Span, ...] = ()  # where the Markdown holds raw HTML (sanitised when rendered)
    prepared: ParsedBody | None = None  # the body's tokens as its load parsed them (rendered by render/module_html)
    prose: Prose | None = None  # sentences and acronyms, for the plain-English and glossary rules

    @property
    def minutes(self) -> int:
        return self.guided_minutes + self.self_directed_minutes

    def outcome(self, oid: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.id == oid), None)

    @property
    def assessed_standards(self) -> tuple[Alignment, ...]:
        return tuple(a for a in self.standards if a.strength == "assesses")


@dataclass(frozen=True)
class Section:
    title: str
    modules: tuple[tuple[str, Span], ...]
    span: Span
    local: bool = False

    @property
    def module_ids(self) -> tuple[str, ...]:
        return tuple(m for m, _ in self.modules)


@dataclass(frozen=True)
class Accreditation:
    body: str
    status: str
    reference: str
    valid_until: date | None
    span: Span


@dataclass(frozen=True)
class ScormOptions:
    versions: tuple[str, ...] = ("1.2", "2004")
    mastery_score: int = 80
    packaging: str = "per-module"


@dataclass(frozen=True)
class Session:
    """One session of a delivery day: a module of the bundle, or a named activity (a welcome, a lunch)."""

    module: str  # the module's id, or "" for an activity
    activity: str  # the activity's name, or "" for a module
    minutes: int
    notes: str  # facilitator notes, a Markdown file (project-relative path), or ""
    materials: tuple[str, ...]
    span: Span
    notes_span: Span
    local: bool = False  # from a variant

    @property
    def title(self) -> str:
        return self.activity or self.module


@dataclass(frozen=True)
class Day:
    title: str
    sessions: tuple[Session, ...]
    span: Span
    local: bool = False

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)


DEFAULT_DAY_MINUTES = 420  # seven hours in the room, breaks included


@dataclass(frozen=True)
class Schedule:
    """A bundle's day-by-day delivery plan for face-to-face teaching."""

    days: tuple[Day, ...]
    max_day_minutes: int
    span: Span
    max_day_span: Span

    @property
    def sessions(self) -> tuple[Session, ...]:
        return tuple(s for day in self.days for s in day.sessions)


@dataclass(frozen=True)
class Bundle:
    id: str
    title: str
    version: str
    levels: tuple[str, ...]
    description: str
    audience: str
    sections: tuple[Section, ...]
    targets: tuple[tuple[str, Span], ...]
    accreditation: Accreditation | None
    scorm: ScormOptions
    require_any_of: tuple[str, ...]
    path: str
    span: Span
    release_fail_on: tuple[str, ...] = ()  # coverage gate conditions that block `bundlesmith release`
    schedule: Schedule | None = None

    @property
    def module_ids(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for section in self.sections:
            for mid in section.module_ids:
                seen.setdefault(mid, None)
        return tuple(seen)


@dataclass(frozen=True)
class SlotFill:
    module: str
    slot: str
    file: str  # relative to the project root
    mode: str
    span: Span


@dataclass(frozen=True)
class BundleAddition:
    bundle: str
    section: str
    modules: tuple[tuple[str, Span], ...]
    span: Span


@dataclass(frozen=True)
class ScheduleAddition:
    """Days a variant adds to a bundle's schedule (a day with the title of one already there extends it)."""

    bundle: str
    days: tuple[Day, ...]
    span: Span


@dataclass(frozen=True)
class Variant:
    id: str
    title: str
    description: str
    slots: tuple[SlotFill, ...]
    additions: tuple[BundleAddition, ...]
    path: str
    span: Span
    schedules: tuple[ScheduleAddition, ...] = ()


@dataclass(frozen=True)
class KnownIssue:
    """Something the publisher knows does not yet meet WCAG 2.2 AA, in plain words."""

    issue: str
    criteria: tuple[str, ...]
    fix_by: date | None
    span: Span


@dataclass(frozen=True)
class Publisher:
    """Who publishes the site (content/publisher.yml): the accessibility statement is written from it."""

    organisation: str
    email: str
    phone: str
    url: str
    response_days: int | None
    enforcement: str  # great-britain | northern-ireland
    prepared: date | None
    reviewed: date | None
    tested: str
    known_issues: tuple[KnownIssue, ...]
    path: str
    span: Span


@dataclass(frozen=True)
class SourceItem:
    """A unit, standard or criterion of an external framework or qualification: its code and short title only."""

    code: str
    title: str
    span: Span


@dataclass(frozen=True)
class CrosswalkSource:
    """The external framework or qualification a crosswalk maps from (referenced, never copied)."""

    id: str
    title: str
    version: str
    publisher: str
    url: str
    licence: str
    items: tuple[SourceItem, ...]
    span: Span

    def item(self, code: str) -> SourceItem | None:
        return next((i for i in self.items if i.code == code), None)


@dataclass(frozen=True)
class Mapping:
    """One source item mapped to one of our standards or indicators, with the prior-learning rule it sets."""

    source: str  # code of the source item
    target: str  # "<framework>:<code>"
    relation: str  # exactMatchOf | isPartOf | isRelatedTo (CASE association types)
    coverage: str  # full | partial
    gap: str  # what a partial mapping leaves out
    route: str  # exemption | top-up | assess-only
    evidence: tuple[str, ...]
    currency_months: int | None
    span: Span


@dataclass(frozen=True)
class CrosswalkReview:
    """A crosswalk's `reviewed:` (YAML keys `by`, `date`, `next_review`)."""

    by: str
    reviewed_on: date | None  # `date:` in the YAML
    next_review: date | None
    span: Span


@dataclass(frozen=True)
class Crosswalk:
    """`content/crosswalks/<id>.yml`: how an external framework or qualification maps to our standards."""

    id: str
    title: str
    source: CrosswalkSource
    mappings: tuple[Mapping, ...]
    review: CrosswalkReview
    path: str
    span: Span
    local: bool = False  # from a variant's crosswalks/


@dataclass(frozen=True, eq=False)
class MemoKey(Generic[T]):
    """The name of one value worked out from a whole catalogue (`Catalogue.memo`); `T` is the value's type.
    Each is a module-level constant of the module that works the value out."""

    name: str


class Memo:
    """Values worked out once from one catalogue, by key. A copy or a pickle of it is empty: the values
    belong to the catalogue object that computed them, never to a copy made from its fields."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[MemoKey[Any], object] = {}

    def get(self, key: MemoKey[T], compute: Callable[[], T]) -> T:
        """The value of `key`: `compute()` the first time, the same object after."""
        if key in self._values:
            return cast("T", self._values[key])
        value = compute()
        self._values[key] = value
        return value

    def __reduce__(self) -> tuple[type[Memo], tuple[()]]:
        return Memo, ()


@dataclass(frozen=True)
class Catalogue:
    """Everything loaded from one project (with one variant applied, or none).

    A catalogue never changes once loaded, so what later stages work out from all of it (the coverage of
    a bundle, where each module file is, the LOM facts of a module) is kept with it (`memo`), computed the
    first time it is asked for. Its memo is no field of the catalogue's value: a catalogue made with
    `dataclasses.replace` starts with an empty one and so never reads values worked out from another's
    content, equality and hashing ignore it, and it is never stored (the load cache holds files' results,
    not catalogues). Worker processes forked after a value was computed read it without computing it again.
    """

    root: Path
    frameworks: dict[str, Framework]
    modules: dict[str, Module]
    bundles: dict[str, Bundle]
    variant: Variant | None = None
    variant_names: tuple[str, ...] = ()
    broken: frozenset[str] = field(default_factory=frozenset)  # ids whose file failed to load
    glossary: Glossary = Glossary()
    config: ProjectConfig = ProjectConfig()
    publisher: Publisher | None = None  # content/publisher.yml, when the project has one
    crosswalks: dict[str, Crosswalk] = field(default_factory=dict)
    _memo: Memo = field(default_factory=Memo, init=False, repr=False, compare=False)

    def memo(self, key: MemoKey[T], compute: Callable[[], T]) -> T:
        """The value of `key` for this catalogue: `compute()` the first time it is asked for, the same after."""
        return self._memo.get(key, compute)

    def memo_of(self, key: MemoKey[dict[str, T]], member: Bundle | Module, compute: Callable[[], T]) -> T:
        """`compute()` for one of this catalogue's bundles or modules, once (by its id, under `key`); for a
        bundle or module made outside the catalogue (not its own object), worked out and not kept."""
        own = self.bundles.get(member.id) if isinstance(member, Bundle) else self.modules.get(member.id)
        if own is not member:
            return compute()
        known = self._memo.get(key, dict)
        found = known.get(member.id)
        if found is None:
            found = known[member.id] = compute()
        return found

    def standard(self, ref: str) -> StandardItem | None:
        fid, _, code = ref.partition(":")
        framework = self.frameworks.get(fid)
        if framework is None:
            return None
        return framework.item(code)

    def framework_of(self, ref: str) -> Framework | None:
        return self.frameworks.get(ref.partition(":")[0])

    def expand_target(self, target: str) -> tuple[StandardItem, ...]:
        """The standards a bundle target names: itself, every standard of a domain, or of a framework."""
        fid, _, code = target.partition(":")
        framework = self.frameworks.get(fid)
        if framework is None:
            return ()
        if not code:
            return framework.standards
        item = self.standard(target)
        if item is None:
            return ()
        if item.type == "domain":
            found = (self.standard(f"{fid}:{c}") for c in item.children)
            return tuple(s for s in found if s is not None and s.type == "standard")
        return (item,)

    def standard_of(self, ref: str) -> StandardItem | None:
        """The standard an alignment counts towards: itself, or the parent of an indicator."""
        item = self.standard(ref)
        if item is not None and item.type == "indicator" and item.parent:
            return self.standard(f"{item.framework}:{item.parent}")
        return item
