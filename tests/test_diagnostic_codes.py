"""Every code a user can see is in one registry, documented, and shown by at least one test of the tool's output."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bundlesmith import codes
from bundlesmith.coverage.html import FLAG_TITLES
from bundlesmith.coverage.model import GAP_CONDITION, LEVEL_GAP_KINDS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tools" / "bundlesmith"
TESTS = Path(__file__).resolve().parent
# Where a code is passed on rather than written (the helpers themselves, and codes that come from a table).
PASSED_ON = {("diagnostics.py", "code"), ("load/yaml_source.py", "code"), ("validate/links.py", "refusal.code"),
             ("file_types.py", "code")}
# The gate's codes are `coverage-` + a kind of the coverage model.
GATE_CODES = {f"coverage-{kind}" for kind in (*GAP_CONDITION, *LEVEL_GAP_KINDS, *FLAG_TITLES, "overdue")}


def reported_codes() -> tuple[set[str], list[str]]:
    """The codes written in the package's source, and the places a code is computed in an unknown way."""
    found, unknown = set(), []
    for file in sorted(PACKAGE.rglob("*.py")):
        rel = file.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple) and len(node.elts) == 3 and isinstance(node.elts[1], ast.Constant) \
                    and isinstance(node.elts[1].value, str) and re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", node.elts[1].value):
                found.add(node.elts[1].value)  # (line, code, message) problems of the YAML loader
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = {"error": 1, "warning": 1, "Diagnostic": 2, "Refusal": 0}.get(name)
            if position is None:
                continue
            given = next((k.value for k in node.keywords if k.arg == "code"),
                         node.args[position] if len(node.args) > position else None)
            if isinstance(given, ast.Constant) and isinstance(given.value, str):
                found.add(given.value)
            elif isinstance(given, ast.JoinedStr) and ast.unparse(given).startswith(("f'coverage-", 'f"coverage-')):
                found |= GATE_CODES
            elif given is not None and (rel, ast.unparse(given)) not in PASSED_ON:
                unknown.append(f"{rel}:{node.lineno}: {ast.unparse(given)}")
    return found, unknown


def test_every_code_the_tool_reports_is_in_the_registry_and_nothing_else_is():
    found, unknown = reported_codes()
    assert unknown == [], "a code computed where the registry test cannot see it"
    assert sorted(found - set(codes.CODES)) == [], "reported but not in bundlesmith/codes.py"
    assert sorted(set(codes.CODES) - found) == [], "in the registry but never reported"


def test_the_codes_page_is_written_from_the_registry():
    page = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert page == codes.markdown(), "run: python -m bundlesmith.codes docs/diagnostics.md"
    assert all(code.group in codes.GROUPS for code in codes.CODES.values())


def test_every_code_is_shown_by_a_test_of_the_output():
    """A code counts as tested when a golden case expects it (`[code]` in a .case file) or a test asserts it."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in TESTS.rglob("*")
             if p.is_file() and p.suffix in (".case", ".py", ".txt", ".json") and p.name != Path(__file__).name]
    untested = [name for name in codes.CODES
                if not any(f"[{name}]" in text or f'"{name}"' in text or f"'{name}'" in text for text in texts)]
    assert untested == []
