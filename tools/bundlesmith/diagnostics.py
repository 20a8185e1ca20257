"""Problems found in the content, as values that carry the file and line they point at."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypedDict


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """Where a value was written: a path relative to the project root and a 1-based line."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class DiagnosticJson(TypedDict):
    """A diagnostic as `--format json` and the reports write it."""

    path: str
    line: int
    severity: str
    code: str
    message: str
    hint: str


@dataclass(frozen=True)
class Diagnostic:
    """One problem: `path:line: severity: message [code]`, with an optional hint."""

    span: Span
    severity: Severity
    code: str
    message: str
    hint: str = ""

    def format(self) -> str:
        text = f"{self.span}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return f"{text} [{self.code}]"

    def to_json(self) -> DiagnosticJson:
        return {
            "path": self.span.path,
            "line": self.span.line,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.span.path, self.span.line, self.code, self.message)

    def github(self) -> str:
        """A GitHub Actions workflow command: an annotation at the file and line on the pull request."""
        def data(text: str) -> str:
            return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def prop(text: str) -> str:
            return data(text).replace(":", "%3A").replace(",", "%2C")

        where = f"file={prop(self.span.path)}" + (f",line={self.span.line}" if self.span.line else "")
        message = self.message + (f" ({self.hint})" if self.hint else "")
        return f"::{self.severity.value} {where},title={prop(self.code)}::{data(message)}"

    def gitlab(self) -> dict[str, object]:
        """A GitLab Code Quality issue: shown in the merge request at the file and line."""
        import hashlib

        fingerprint = hashlib.sha256("\0".join(map(str, self.sort_key)).encode("utf-8")).hexdigest()
        return {"description": self.message + (f" ({self.hint})" if self.hint else ""), "check_name": self.code,
                "fingerprint": fingerprint, "severity": "major" if self.severity is Severity.ERROR else "minor",
                "location": {"path": self.span.path, "lines": {"begin": max(self.span.line, 1)}}}


def error(span: Span, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(span, Severity.ERROR, code, message, hint)


def warning(span: Span, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(span, Severity.WARNING, code, message, hint)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known word, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


@dataclass
class Report:
    """Diagnostics gathered by every stage; only the CLI prints them."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def sorted(self) -> list[Diagnostic]:
        unique = {(d.sort_key, d.severity): d for d in self.items}
        return [unique[k] for k in sorted(unique)]


def relative(path: Path, root: Path) -> str:
    """The path as written in messages: relative to the project root, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
