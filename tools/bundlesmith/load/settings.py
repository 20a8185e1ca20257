"""Load the project-wide files: `bundlesmith.yml` (settings of the gates) and `content/glossary.yml`.

Both are optional: without `bundlesmith.yml` the defaults of `model.ProjectConfig` apply; without a
glossary every acronym a module uses is reported as unknown.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bundlesmith.diagnostics import Diagnostic, error
from bundlesmith.load import schema_check
from bundlesmith.load.common import items_with_spans, mapping, span_of, strings, text, whole_number
from bundlesmith.load.yaml_source import load_yaml_file
from bundlesmith.model import Glossary, GlossaryEntry, PlainEnglish, ProjectConfig

CONFIG_FILE = "bundlesmith.yml"
GLOSSARY_FILE = "content/glossary.yml"


def load_config(root: Path) -> tuple[ProjectConfig, list[Diagnostic]]:
    """`bundlesmith.yml`, checked against schemas/project.json; the defaults where it is absent or wrong."""
    file = Path(root) / CONFIG_FILE
    if not file.is_file():
        return ProjectConfig(), []
    data, problems = load_yaml_file(file, CONFIG_FILE)
    if data is None:
        return ProjectConfig(path=CONFIG_FILE), problems
    schema_problems = schema_check.check(data, "project", CONFIG_FILE)
    if schema_problems or not isinstance(data, dict):
        return ProjectConfig(path=CONFIG_FILE), problems + schema_problems
    plain = mapping(data, "plain_english")
    defaults = PlainEnglish()
    return ProjectConfig(PlainEnglish(
        max_reading_age=whole_number(plain, "max_reading_age", defaults.max_reading_age),
        max_sentence_words=whole_number(plain, "max_sentence_words", defaults.max_sentence_words),
    ), CONFIG_FILE), problems


def load_glossary(root: Path) -> tuple[Glossary, list[Diagnostic]]:
    """`content/glossary.yml`: each term once (an alias may not be another entry's term)."""
    file = Path(root) / GLOSSARY_FILE
    if not file.is_file():
        return Glossary(), []
    raw = file.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    data, problems = load_yaml_file(file, GLOSSARY_FILE, raw)
    if data is None:
        return Glossary(path=GLOSSARY_FILE, digest=digest), problems
    problems += schema_check.check(data, "glossary", GLOSSARY_FILE)
    entries: list[GlossaryEntry] = []
    seen: dict[str, GlossaryEntry] = {}
    for item, span in items_with_spans(data, "terms", GLOSSARY_FILE) if isinstance(data, dict) else []:
        if not isinstance(item, dict) or not isinstance(item.get("term"), str):
            continue
        entry = GlossaryEntry(text(item, "term"), text(item, "expansion"), text(item, "definition"),
                              strings(item, "aliases"), span)
        for name in (entry.term, *entry.aliases):
            if name in seen:
                problems.append(error(span_of(item, "term", GLOSSARY_FILE), "duplicate-term",
                                      f"'{name}' is already in the glossary (line {seen[name].span.line})"))
            else:
                seen[name] = entry
        entries.append(entry)
    return Glossary(tuple(entries), GLOSSARY_FILE, digest), problems


def abbreviations(glossary: Glossary) -> dict[str, str]:
    """Acronym as written -> its expansion, for every term and alias (what module pages mark as <abbr>)."""
    out: dict[str, str] = {}
    for entry in glossary.entries:
        for name in (entry.term, *entry.aliases):
            out.setdefault(name, entry.expansion)
    return out
