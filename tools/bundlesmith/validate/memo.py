"""What the views of one check share: findings that depend only on a national module and the files it
links to, so that each is worked out once however many variants are checked."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from bundlesmith.diagnostics import Diagnostic
from bundlesmith.file_types import Refusal
from bundlesmith.model import Framework, Module

# A view's frameworks, each with its object's id: the key of the alignment findings made against them.
FrameworksKey = tuple[tuple[str, int], ...]


@dataclass
class Alignments:
    """Alignment findings per module (by object id) against one set of frameworks. The frameworks and
    modules are kept in the entries so that the ids in the keys stay theirs."""

    frameworks: tuple[tuple[str, Framework], ...]
    modules: dict[int, tuple[Module, list[Diagnostic]]] = field(default_factory=dict)


@dataclass
class Memo:
    alignments: dict[FrameworksKey, Alignments] = field(default_factory=dict)
    links: dict[tuple[int, Path], tuple[Module, list[Diagnostic]]] = field(default_factory=dict)
    folders: dict[Path, Path] = field(default_factory=dict)  # a folder -> its resolved path
    places: dict[tuple[Path, Path], tuple[bool, bool]] = field(default_factory=dict)  # exists, stays inside
    types: dict[tuple[Path, str], Refusal | None] = field(default_factory=dict)  # why a file may not be used
    # (rule, module object id) -> the module and what the rule found in it alone
    findings: dict[tuple[Hashable, int], tuple[Module, list[Diagnostic]]] = field(default_factory=dict)

    def of_module(self, rule: Hashable, module: Module, check: Callable[[Module], list[Diagnostic]]) -> list[Diagnostic]:
        """What `check` finds in `module`, a rule that reads nothing but the module (and `rule`, which names
        the rule and any setting it reads): worked out once per module object, which the views share
        unless a variant fills the module's slots."""
        found = self.findings.get((rule, id(module)))
        if found is not None and found[0] is module:  # the module is kept in the entry: its id stays its own
            return found[1]
        problems = check(module)
        self.findings[(rule, id(module))] = (module, problems)
        return problems


def shared(seen: dict[str, object] | None) -> Memo:
    """The memo kept in `seen` (an empty dict the first time), or a memo for one view when there is none."""
    if seen is None:
        return Memo()
    memo = seen.setdefault("memo", Memo())
    assert isinstance(memo, Memo), "`seen` holds only what validate() put there"
    return memo
