"""Each bundle's Open Badges 3.0 achievement as an issuer receives it: valid against 1EdTech's
AchievementCredential schema (the copy in tests/schemas/, unmodified), aligned to exactly the standards the
coverage reports say the bundle assesses, by their permalinks, with an accessible badge image, unsigned."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from site_support import sample_build

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).resolve().parent / "schemas" / "openbadges"
SCHEMA_FILE = SCHEMAS / "ob_v3p0_achievementcredential_schema.json"
BUNDLES = ("core-management-curriculum", "mid-career-managers", "national-induction")
VIEWS = (("", "reports/"), ("riverside-ics/", "reports/riverside-ics/"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return sample_build(tmp_path_factory)


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


def test_the_vendored_schema_is_the_published_file_unmodified():
    listed = dict(reversed(line.split("  ")) for line in (SCHEMAS / "SHA256SUMS").read_text().splitlines())
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == listed[SCHEMA_FILE.name] == \
        "859e405b592d93c3261fe899362f4128801140d4d20c01502a066b3540483d95"
    assert json.loads(SCHEMA_FILE.read_text())["$id"].startswith("https://purl.imsglobal.org/spec/ob/v3p0/")


@pytest.mark.parametrize("folder,reports", VIEWS)
def test_every_credential_template_validates_and_carries_the_bundles_achievement(built, validator, folder, reports):
    for bundle in BUNDLES:
        template = json.loads((built / "badges" / folder / f"{bundle}.credential-template.json").read_text())
        errors = sorted(validator.iter_errors(template), key=lambda e: list(e.path))
        assert [f"{list(e.path)}: {e.message}" for e in errors] == []
        achievement = json.loads((built / "badges" / folder / f"{bundle}.json").read_text())
        assert template["credentialSubject"]["achievement"] == achievement
        assert achievement["humanCode"] == bundle and achievement["criteria"]["narrative"]


def test_a_broken_achievement_fails_the_schema(built, validator):
    template = json.loads((built / "badges/national-induction.credential-template.json").read_text())
    del template["credentialSubject"]["achievement"]["criteria"]
    template["credentialSubject"]["achievement"]["alignment"][0].pop("targetUrl")
    template["credentialSubject"]["achievement"]["inLanguage"] = "English"
    messages = {e.message for e in validator.iter_errors(template)}
    assert "'criteria' is a required property" in messages
    assert "'targetUrl' is a required property" in messages
    assert any(m.startswith("'English' does not match") for m in messages)


@pytest.mark.parametrize("folder,reports", VIEWS)
def test_the_achievement_aligns_to_every_standard_the_report_says_is_assessed_by_its_permalink(built, folder, reports):
    """... and, as the sample's frameworks are exported as CASE, by the CFItem build/case/ gives that standard."""
    cf_items = {item["uri"]: item["identifier"] for package in (built / "case").rglob("*.json")
                for item in json.loads(package.read_text())["CFItems"]}
    for bundle in BUNDLES:
        report = json.loads((built / reports / bundle / "coverage.json").read_text())
        assessed = [s for s in report["standards"] + report["not_targeted"] if s["assessed"]]
        achievement = json.loads((built / "badges" / folder / f"{bundle}.json").read_text())
        assert sorted(a["targetUrl"] for a in achievement["alignment"]) == sorted(s["permalink"] for s in assessed)
        for alignment in achievement["alignment"]:
            standard = next(s for s in assessed if s["permalink"] == alignment["targetUrl"])
            assert alignment["targetName"] == f"{standard['code']} {standard['title']}"
            assert alignment["targetType"] == "CFItem"
            assert alignment["targetCode"] == cf_items[alignment["targetUrl"]]


def test_a_framework_without_a_case_export_is_aligned_by_its_code_alone():
    import dataclasses

    from bundlesmith.lms.badges import alignment
    from bundlesmith.lms.plan import plan_kit
    from bundlesmith.pipeline import check

    catalogue = check(ROOT).catalogue
    undated = {fid: dataclasses.replace(f, date="") for fid, f in catalogue.frameworks.items()}
    kit = plan_kit(dataclasses.replace(catalogue, frameworks=undated), catalogue.bundles["national-induction"])
    found = [alignment(c) for c in kit.assessed]
    assert found and all("targetType" not in a and a["targetCode"] == a["targetName"].split()[0] for a in found)


def test_the_badge_image_is_named_for_assistive_technology_and_embedded_in_the_achievement(built):
    from xml.etree import ElementTree as ET

    ns = {"svg": "http://www.w3.org/2000/svg"}
    for folder, _ in VIEWS:
        for bundle in BUNDLES:
            svg = (built / "badges" / folder / f"{bundle}.svg").read_bytes()
            root = ET.fromstring(svg)
            assert root.get("role") == "img"
            ids = root.get("aria-labelledby").split()
            named = {e.get("id"): e.text for e in root.iter() if e.get("id")}
            assert [named[i] for i in ids] == [root.find("svg:title", ns).text, root.find("svg:desc", ns).text]
            achievement = json.loads((built / "badges" / folder / f"{bundle}.json").read_text())
            assert root.find("svg:title", ns).text == achievement["name"].split(" (")[0]
            assert achievement["image"]["caption"] == root.find("svg:desc", ns).text
            assert base64.b64decode(achievement["image"]["id"].split(",", 1)[1]) == svg


def test_the_template_is_unsigned_and_marks_every_value_an_issuer_must_replace(built):
    for folder, _ in VIEWS:
        for bundle in BUNDLES:
            template = json.loads((built / "badges" / folder / f"{bundle}.credential-template.json").read_text())
            assert "proof" not in template
            assert template["issuer"]["id"].count("SAMPLE") == 1 and "SAMPLE" in template["issuer"]["name"]
            assert "SAMPLE" in template["credentialSubject"]["id"] and template["validFrom"] == "2000-01-01T00:00:00Z"
            # jsonschema checks date-time formats only with an extra library: the date is checked here
            assert datetime.fromisoformat(template["validFrom"]).tzinfo is not None
            assert template["description"].startswith("UNSIGNED TEMPLATE")


def test_no_key_is_in_the_repository_or_the_build(built):
    markers = (b"PRIVATE KEY", b'"d":', b"privateKeyMultibase", b"secretKey")
    files = [p for p in (ROOT / "tools").rglob("*") if p.is_file()] + [p for p in (built / "badges").rglob("*") if p.is_file()]
    assert [str(p) for p in files if any(m in p.read_bytes() for m in markers)] == []
