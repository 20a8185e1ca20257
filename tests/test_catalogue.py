"""The one in-memory catalogue every output reads: national content, and a variant overlaid on it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bundlesmith.load.project import load_catalogue
from bundlesmith.load.schema_check import schema

ROOT = Path(__file__).resolve().parent.parent
SPEAKING_UP = "speaking-up-and-listening-up"


def digest_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sample_catalogue_meets_the_sample_content_brief(sample_root):
    catalogue, problems = load_catalogue(sample_root)
    assert problems == []
    clm = catalogue.frameworks["clm"]
    assert len(clm.domains) >= 7 and len(clm.standards) >= 25
    assert len(catalogue.modules) >= 15
    assert len(catalogue.bundles) >= 3
    for module in catalogue.modules.values():
        assert module.quiz is not None and 3 <= len(module.quiz.questions) <= 6, module.id
        words = len(re.sub(r"```quiz.*?```", "", module.body, flags=re.S).split())
        assert 500 <= words <= 1300, (module.id, words)
    mid_career = catalogue.bundles["mid-career-managers"]
    hours = sum(catalogue.modules[m].minutes for m in mid_career.module_ids) / 60
    assert 3 * 7.5 <= hours <= 5 * 7.5, hours  # a 3-5 day programme
    assert catalogue.bundles["core-management-curriculum"].targets[0][0] == "clm"


def test_every_value_keeps_its_file_and_line(sample_root):
    catalogue, _ = load_catalogue(sample_root)
    module = catalogue.modules[SPEAKING_UP]
    lines = (sample_root / module.path).read_text().split("\n")
    assert lines[module.span.line - 1] == f"id: {SPEAKING_UP}"
    for alignment in module.standards:
        assert alignment.standard in lines[alignment.span.line - 1]
    question = module.quiz.questions[0]
    assert f"id: {question.id}" in lines[question.span.line - 1]
    standard = catalogue.standard("clm:D7.1")
    framework_lines = (sample_root / standard.span.path).read_text().split("\n")
    assert "code: D7.1" in framework_lines[standard.span.line - 1]


def test_a_variant_overlays_local_content_and_never_changes_national_files(sample_root):
    before = digest_tree(sample_root / "content") | digest_tree(sample_root / "bundles")
    national, _ = load_catalogue(sample_root)
    local, problems = load_catalogue(sample_root, "riverside-ics")
    assert problems == []
    assert digest_tree(sample_root / "content") | digest_tree(sample_root / "bundles") == before

    # The slot of the national module now holds the variant's Markdown; the rest is unchanged.
    slot_text = (sample_root / "content/variants/riverside-ics/slots/speaking-up-local-contacts.md").read_text()
    module = local.modules[SPEAKING_UP]
    assert slot_text.strip().split("\n")[2] in module.body
    assert module.local_slots == ("local-contacts",)
    assert module.body.split("::: slot local-contacts")[0] == national.modules[SPEAKING_UP].body.split(
        "::: slot local-contacts")[0]
    assert national.modules[SPEAKING_UP].local_slots == ()

    # Local modules and frameworks are marked local; the bundle gains a local section.
    assert local.modules["riverside-neighbourhood-teams"].local
    assert not any(m.local for m in national.modules.values())
    assert local.frameworks["rvs"].local and not local.frameworks["clm"].local
    sections = local.bundles["national-induction"].sections
    assert sections[-1].title == "Your local system" and sections[-1].local
    assert sections[-1].module_ids == ("riverside-neighbourhood-teams",)
    assert len(national.bundles["national-induction"].sections) == len(sections) - 1


def _property_names(node: dict, defs: dict, seen: set[str]) -> set[str]:
    names: set[str] = set()
    if "$ref" in node:
        ref = node["$ref"].split("/")[-1]
        if ref in seen:
            return names
        seen.add(ref)
        node = defs[ref]
    for key, sub in node.get("properties", {}).items():
        names.add(key)
        names |= _property_names(sub, defs, seen)
    if isinstance(node.get("items"), dict):
        names |= _property_names(node["items"], defs, seen)
    return names


def test_the_content_contract_documents_every_schema_field():
    """docs/content-contract.md has a table row for every field the schemas accept."""
    doc = (ROOT / "docs/content-contract.md").read_text()
    rows = re.findall(r"^\| `([a-z_.]+)` \|", doc, re.MULTILINE)
    documented = set(rows) | {r.split(".")[-1] for r in rows}
    missing = {}
    for name in ("framework", "module", "quiz", "bundle", "variant", "glossary", "project", "publisher", "crosswalk"):
        data = schema(name)
        names = _property_names(data, data.get("$defs", {}), set())
        # Fields documented inside the description of their parent field (e.g. accreditation.body).
        gaps = sorted(n for n in names if n not in documented and f"`{n}`" not in doc)
        if gaps:
            missing[name] = gaps
    assert missing == {}
