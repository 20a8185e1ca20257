"""Any valid catalogue, however its co-creators named and titled things, yields XSD-valid manifests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundlesmith import pipeline
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.scorm import package_entries
from bundlesmith.render.scorm_plan import plan_package
from bundlesmith.scorm_schemas import validate
from scorm_support import SCHEMAS

MINIMAL = Path(__file__).parent / "fixtures/minimal"
ids = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
# Titles as people write them: any printable text, quotes, ampersands, angle brackets, accents, emoji.
titles = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co", "Zl", "Zp")), min_size=1, max_size=40).filter(str.strip)


def yaml_text(value: str) -> str:
    return json.dumps(value.strip(), ensure_ascii=False)  # JSON strings are valid YAML scalars


@st.composite
def catalogues(draw):
    module_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    modules = {}
    for mid in module_ids:
        quiz = draw(st.booleans())
        strength = draw(st.sampled_from(["introduces", "develops", "assesses"])) if quiz else "develops"
        assessment = '\n    assessment:\n      method: knowledge-check\n      items: [q1]' if strength == "assesses" else ""
        body = f"# {draw(titles)}\n\n## {draw(titles)}\n\n{draw(titles)}\n"
        if quiz:
            body += (f'\n```quiz\n- id: q1\n  prompt: {yaml_text(draw(titles))}\n  choices:\n'
                     f'    - text: {yaml_text(draw(titles))}\n      correct: true\n'
                     f'    - text: {yaml_text(draw(titles))}\n```\n')
        modules[mid] = f"""---
id: {mid}
title: {yaml_text(draw(titles))}
version: {draw(st.integers(0, 99))}.{draw(st.integers(0, 9))}.0
summary: {yaml_text(draw(titles))}
levels: [induction]
time: {{guided: {draw(st.integers(0, 600))}, self_directed: {draw(st.integers(0, 600))}}}
outcomes:
  - id: LO1
    text: {yaml_text(draw(titles))}
standards:
  - standard: tf:{draw(st.sampled_from(["D1.1", "D1.2", "D1.1.a"]))}
    strength: {strength}
    outcomes: [LO1]{assessment}
co_creation:
  - role: {draw(st.sampled_from(["carer", "patient-representative", "staff-network"]))}
    contribution: {yaml_text(draw(titles))}
review: {{status: approved, reviewed: 2026-01-01, next_review: 2027-01-01}}
licence: {yaml_text(draw(titles))}
---
{body}"""
    sections = draw(st.lists(titles, min_size=1, max_size=3))
    split = [module_ids[i::len(sections)] for i in range(len(sections))]
    section_yaml = "".join(f"  - title: {yaml_text(t)}\n    modules: [{', '.join(ms)}]\n"
                           for t, ms in zip(sections, split) if ms)
    bundle = f"""id: {draw(ids)}
title: {yaml_text(draw(titles))}
version: 1.{draw(st.integers(0, 9))}.0
levels: [induction]
description: {yaml_text(draw(titles))}
sections:
{section_yaml}targets: []
scorm:
  versions: ["1.2", "2004"]
  mastery_score: {draw(st.integers(0, 100))}
  packaging: {draw(st.sampled_from(["per-module", "single-sco"]))}
"""
    return modules, bundle


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(catalogue=catalogues())
def test_every_generated_catalogue_gives_valid_manifests(tmp_path_factory, catalogue):
    modules, bundle_text = catalogue
    root = tmp_path_factory.mktemp("gen") / "p"
    (root / "content/modules").mkdir(parents=True)
    (root / "bundles").mkdir()
    shutil.copytree(MINIMAL / "content/standards", root / "content/standards")
    for mid, text in modules.items():
        (root / "content/modules" / f"{mid}.md").write_text(text, encoding="utf-8")
    bundle_id = bundle_text.split("\n")[0].split(": ")[1]
    (root / "bundles" / f"{bundle_id}.yml").write_text(bundle_text, encoding="utf-8")
    checked = pipeline.check(root)
    assert checked.ok, [d.format() for d in checked.diagnostics]
    catalogue_model = checked.catalogue
    cache = RenderCache()
    bundle = catalogue_model.bundles[bundle_id]
    for version in ("1.2", "2004"):
        plan = plan_package(catalogue_model, bundle, version, lambda m: cache.get(m, catalogue_model).assets)
        manifest = package_entries(plan, cache)["imsmanifest.xml"]
        detected, problems = validate(manifest, SCHEMAS)
        assert detected == version and problems == [], manifest.decode()[:3000]
