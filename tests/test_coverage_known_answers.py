"""A reviewer's questions answered exactly for a small fixture project whose answers are worked out by hand.

tests/fixtures/coverage/project: framework `tf` (domains D1 Caring: D1.1 with indicator D1.1.a, D1.2,
D1.3; D2 Safety: D2.1, D2.2; D3 Systems: D3.1). Bundle `alpha` targets D1, D2.1 and D2.2 and requires a
patient-representative or carer on every module. Its modules: m-listen (approved, 10+20 min, assesses
D1.1 through its indicator, introduces D1.2), m-support (approved, 15+15, develops D1.2, introduces the
untargeted D3.1, educator only, review due 2026-01-01), m-draft (draft, 20+0, assesses D2.1). The variant
`localvar` adds the local m-local (5+5, assesses D2.2) to alpha.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

from bundlesmith import pipeline
from bundlesmith.coverage.compute import bundle_coverage
from bundlesmith.coverage.framework import bundle_summary, framework_coverage
from bundlesmith.render.reports import documents

FIXTURE = Path(__file__).parent / "fixtures" / "coverage" / "project"
TODAY = date(2026, 6, 1)


@pytest.fixture
def root(tmp_path) -> Path:
    """A copy outside git, so provenance has no source revision and the test may edit it."""
    target = tmp_path / "project"
    shutil.copytree(FIXTURE, target)
    return target


def coverage(root: Path, bundle: str = "alpha", variant: str | None = None, **kw) -> dict:
    catalogue = pipeline.check(root, variant, TODAY).catalogue
    return bundle_coverage(catalogue, catalogue.bundles[bundle], today=TODAY, **kw)


def by_ref(doc: dict) -> dict:
    return {s["ref"]: s for s in doc["standards"]}


def test_counts_of_the_national_bundle(root):
    assert coverage(root)["summary"] == {
        "modules": 3, "modules_counting": 2, "modules_local": 0,
        "minutes_guided": 25, "minutes_self_directed": 35,
        "targeted_standards": 5, "met": 2, "assessed": 1, "delivered_only": 1, "not_met": 3, "gaps": 4,
        "gaps_by_kind": {"not-met": 2, "draft-or-retired-only": 1, "local-only": 0, "unassessed": 1},
        "not_targeted_standards": 1, "not_targeted_met": 1, "overdue_modules": 1, "co_production_flags": 1,
        "level_gaps": 0, "level_gaps_by_kind": {"expected-not-targeted": 0, "targeted-only-introduced": 0},
    }


def test_each_gap_kind_is_found_with_its_modules(root):
    gaps = [(g["standard"], g["kind"], g["modules"]) for g in coverage(root)["gaps"]]
    assert gaps == [
        ("tf:D1.2", "unassessed", ["m-listen", "m-support"]),
        ("tf:D1.3", "not-met", []),
        ("tf:D2.1", "draft-or-retired-only", ["m-draft"]),
        ("tf:D2.2", "not-met", []),
    ]


def test_a_standard_met_only_by_local_content_is_a_gap_once_the_variant_is_applied(root):
    doc = coverage(root, variant="localvar")
    d22 = by_ref(doc)["tf:D2.2"]
    assert (d22["status"], d22["gaps"], d22["assessment_methods"]) == ("local-only", ["local-only"], ["workplace-observation"])
    assert [(m["id"], m["local"]) for m in d22["modules"]] == [("m-local", True)]
    assert doc["summary"]["gaps_by_kind"] == {"not-met": 1, "draft-or-retired-only": 1, "local-only": 1, "unassessed": 1}
    assert doc["bundle"]["variant"] == {"id": "localvar", "title": "Local variant"}
    assert [(s["title"], s["local"]) for s in doc["bundle"]["sections"]] == [("Basics", False), ("Safety", False), ("Local", True)]
    assert [m["id"] for m in doc["modules"] if m["local"]] == ["m-local"]


def test_minutes_count_in_full_towards_each_standard_a_module_aligns_to(root):
    standards = by_ref(coverage(root))
    minutes = {ref: (s["minutes_guided"], s["minutes_self_directed"]) for ref, s in standards.items()}
    # m-listen (10+20) counts towards D1.1 and D1.2; m-support (15+15) towards D1.2; the draft towards nothing.
    assert minutes == {"tf:D1.1": (10, 20), "tf:D1.2": (25, 35), "tf:D1.3": (0, 0), "tf:D2.1": (0, 0), "tf:D2.2": (0, 0)}


def test_per_standard_detail_names_method_quiz_items_outcomes_and_indicators(root):
    d11 = by_ref(coverage(root))["tf:D1.1"]
    assert d11["status"] == "assessed"
    assert [(m["id"], m["letter"], m["via"], m["href"]) for m in d11["modules"]] == [
        ("m-listen", "A", ["tf:D1.1.a"], "../../modules/m-listen/index.html#why-listening-matters")]
    assert d11["assessment_methods"] == ["knowledge-check"]
    assert d11["quiz_items"] == [{"module": "m-listen", "id": "q1", "prompt": "Does full attention help?"}]
    assert d11["outcomes"] == [{"module": "m-listen", "id": "LO1", "text": "Describe attentive listening."}]
    d21 = by_ref(coverage(root))["tf:D2.1"]
    assert [(m["id"], m["counts"], m["status"]) for m in d21["modules"]] == [("m-draft", False, "draft")]
    assert (d21["met"], d21["assessment_methods"], d21["quiz_items"]) == (False, [], [])


def test_matrix_rows_are_targeted_standards_and_columns_the_modules_in_bundle_order(root):
    matrix = coverage(root)["matrix"]
    assert matrix["columns"] == ["m-listen", "m-support", "m-draft"]
    letters = {r["standard"]: [(c["letter"], c["counts"]) if c else None for c in r["cells"]] for r in matrix["rows"]}
    assert letters == {
        "tf:D1.1": [("A", True), None, None],
        "tf:D1.2": [("I", True), ("D", True), None],
        "tf:D1.3": [None, None, None],
        "tf:D2.1": [None, None, ("A", False)],
        "tf:D2.2": [None, None, None],
    }
    assert matrix["rows"][1]["cells"][1]["href"] == "../../modules/m-support/index.html#offering-support"


def test_standards_not_targeted_are_listed_separately(root):
    doc = coverage(root)
    assert [(s["ref"], s["status"], [m["id"] for m in s["modules"]], s["gaps"]) for s in doc["not_targeted"]] == [
        ("tf:D3.1", "delivered", ["m-support"], [])]


def test_domains_hours_and_shares(root):
    domains = {d["code"]: d for d in coverage(root)["domains"]}
    picked = {c: (d["targeted"], d["met"], d["assessed"], d["share_met"], d["share_assessed"], d["modules"], d["hours"])
              for c, d in domains.items()}
    assert picked == {
        "D1": (3, 2, 1, 0.6667, 0.3333, ["m-listen", "m-support"], 1.0),  # (10+20) + (15+15) minutes, each module once
        "D2": (2, 0, 0, 0.0, 0.0, [], 0.0),
        "D3": (0, 0, 0, None, None, ["m-support"], 0.5),
    }


def test_co_production_flags_modules_without_a_required_role(root):
    co = coverage(root)["co_production"]
    assert co["require_any_of"] == ["patient-representative", "carer"]
    assert co["flagged"] == ["m-support"]
    assert [(m["module"], m["flag"]) for m in co["modules"]] == [
        ("m-listen", None), ("m-support", "missing-required-role"), ("m-draft", None)]
    assert [(r["role"], r["outside_team"], r["modules"]) for r in co["roles"]] == [
        ("carer", True, ["m-draft"]), ("educator", False, ["m-support"]), ("patient-representative", True, ["m-listen"])]
    # A bundle that requires no role flags a module shaped only by the writing team.
    beta = coverage(root, "beta")["co_production"]
    assert [(m["module"], m["flag"]) for m in beta["modules"]] == [("m-support", "writing-team-only"), ("m-assess", None)]


def test_currency_uses_the_given_day(root):
    cur = coverage(root)["currency"]
    assert cur["as_of"] == "2026-06-01"
    assert cur["overdue"] == ["m-support"]
    assert [(m["module"], m["next_review"], m["days_overdue"]) for m in cur["modules"] if m["overdue"]] == [
        ("m-support", "2026-01-01", 151)]
    catalogue = pipeline.check(root, None, TODAY).catalogue
    earlier = bundle_coverage(catalogue, catalogue.bundles["alpha"], today=date(2025, 12, 31))
    assert earlier["currency"]["overdue"] == []


def test_changes_since_a_previous_report(root):
    previous = coverage(root)
    module = root / "content/modules/m-listen.md"
    module.write_text(module.read_text().replace("version: 1.1.0", "version: 1.2.0"))
    bundle = root / "bundles/alpha.yml"
    bundle.write_text(bundle.read_text().replace("modules: [m-draft]", "modules: [m-assess]"))
    since = coverage(root, since=previous)["currency"]["since"]
    assert since == {
        "bundle_version": "2.0.0", "content_hash": previous["provenance"]["content_hash"],
        "added": [{"id": "m-assess", "version": "1.0.0"}],
        "removed": [{"id": "m-draft", "version": "0.1.0"}],
        "version_bumped": [{"id": "m-listen", "from": "1.1.0", "to": "1.2.0"}],
    }
    assert coverage(root, since=previous)["provenance"]["content_hash"] != previous["provenance"]["content_hash"]


def test_content_hash_covers_exactly_the_bundles_files(root):
    prov = coverage(root, variant="localvar")["provenance"]
    files = ["bundles/alpha.yml", "content/modules/m-draft.md", "content/modules/m-listen.md",
             "content/modules/m-support.md", "content/standards/tf.yml",
             "content/variants/localvar/modules/m-local.md", "content/variants/localvar/variant.yml"]
    assert [f["path"] for f in prov["files"]] == files
    digest = hashlib.sha256()
    for rel in files:
        data = (root / rel).read_bytes()
        digest.update(len(rel.encode()).to_bytes(8, "big") + rel.encode() + len(data).to_bytes(8, "big") + data)
    assert prov["content_hash"] == digest.hexdigest()
    assert prov["files"][0]["sha256"] == hashlib.sha256((root / files[0]).read_bytes()).hexdigest()
    assert prov["source"] is None  # not a git checkout
    # A file no bundle includes does not change the hash; one it includes does.
    (root / "content/modules/m-assess.md").write_text((root / "content/modules/m-assess.md").read_text() + "\nMore.\n")
    assert coverage(root, variant="localvar")["provenance"]["content_hash"] == prov["content_hash"]
    (root / "content/standards/tf.yml").write_text((root / "content/standards/tf.yml").read_text() + "\n")
    assert coverage(root, variant="localvar")["provenance"]["content_hash"] != prov["content_hash"]


def test_package_hashes_come_from_the_build_records(root):
    from bundlesmith.render.packages import PackageRecord

    records = [PackageRecord("alpha", "2.0.0", None, "1.2", "alpha-2.0.0-scorm12.zip", "a" * 64, 1234),
               PackageRecord("alpha", "2.0.0", "localvar", "1.2", "alpha-2.0.0-localvar-scorm12.zip", "b" * 64, 99),
               PackageRecord("beta", "1.0.0", None, "1.2", "beta-1.0.0-scorm12.zip", "c" * 64, 5)]
    assert coverage(root, packages=records)["provenance"]["packages"] == [
        {"filename": "alpha-2.0.0-scorm12.zip", "scorm_version": "1.2", "sha256": "a" * 64, "size": 1234}]


def test_framework_view_shows_each_standard_per_bundle_and_level(root):
    catalogue = pipeline.check(root, None, TODAY).catalogue
    view = framework_coverage(catalogue, [bundle_summary(d) for d in documents(catalogue, catalogue.bundles, (), TODAY)])
    assert [b["id"] for b in view["bundles"]] == ["alpha", "beta", "clean"]
    rows = {s["ref"]: s for s in view["standards"]}
    assert [(c["bundle"], c["letter"], c["targeted"]) for c in rows["tf:D1.2"]["bundles"]] == [
        ("alpha", "D", True), ("beta", "A", True), ("clean", "A", True)]
    # D1.2 is expected at induction (alpha, clean) and first-line (beta): covered at both.
    assert [(lv["level"], lv["bundles"], lv["assessed_by"]) for lv in rows["tf:D1.2"]["level_coverage"]] == [
        ("induction", ["alpha", "clean"], ["clean"]), ("first-line", ["beta"], ["beta"])]
    # D3.1 (first-line) is targeted by no bundle, but beta's m-support introduces it: covered, not targeted.
    assert [(c["bundle"], c["letter"], c["targeted"]) for c in rows["tf:D3.1"]["bundles"]] == [
        ("alpha", "I", False), ("beta", "I", False), ("clean", None, False)]
    assert rows["tf:D3.1"]["level_coverage"] == [{"level": "first-line", "bundles": ["beta"], "assessed_by": [],
                                                  "covered": True}]
    # D2.1 is only assessed by a draft module: no bundle meets it at induction.
    assert view["level_gaps"] == [{"standard": "tf:D1.3", "level": "first-line"},
                                  {"standard": "tf:D2.1", "level": "induction"},
                                  {"standard": "tf:D2.2", "level": "induction"}]
    assert view["summary"] == {"standards": 6, "met_by_any": 3, "assessed_by_any": 2, "level_gaps": 3}
