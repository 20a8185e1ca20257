"""An LMS administrator checks a SCORM zip before importing it: `bundlesmith inspect PACKAGE.zip`."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith.cli import cli
from scorm_support import ROOT, SCHEMAS, build

GOOD = "national-induction-1.0.0-scorm12.zip"


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Path:
    return build(ROOT, tmp_path_factory.mktemp("scorm-inspect"))


def inspect(path: Path):
    return CliRunner().invoke(cli, ["inspect", str(path), "--schemas", str(SCHEMAS)])


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of a package with its entries changed by `change(entries) -> entries`."""
    with zipfile.ZipFile(source) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in change(entries).items():
            archive.writestr(name, data)
    return target


EXPECTED_TREE = {
    GOOD: [("- Compassionate leadership every day [item-compassionate-leadership-everyday] -> "
            "sco/compassionate-leadership-everyday.html (SCO), mastery score 80"),
           "standard: D1.1 Attending and listening (assesses)"],
    "mid-career-managers-1.0.0-scorm2004.zip": [
        "- Day 1: Leading people with compassion [sec-day-1-leading-people-with-compassion]",
        ("- Leading compassionate teams [item-leading-compassionate-teams] -> sco/leading-compassionate-teams.html (SCO), "
         "mastery score 80"), "standard: D1.3 Helping colleagues do their work (assesses)"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_TREE))
def test_a_good_package_passes_and_its_organisation_tree_is_printed(packages, name):
    result = inspect(packages / name)
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0].startswith("package: ") and "[bundlesmith." in lines[0]
    assert lines[1].startswith("SCORM ") and "sha256 " in lines[1]
    assert lines[2].endswith(f"schemas: official ({SCHEMAS.resolve() / ('scorm12' if 'scorm12' in name else 'scorm2004-4th')})")
    assert lines[3].startswith("organisation: ") and "[org-" in lines[3]
    for expected in EXPECTED_TREE[name]:
        assert expected in lines
    version = "1.2" if "scorm12" in name else "2004"
    assert f"{name}: SCORM {version}" in result.stderr
    assert "0 error(s); valid against the official schemas" in result.stderr


def test_a_manifest_that_breaks_the_schema_and_its_references_is_reported(packages, tmp_path):
    def change(entries):
        text = entries["imsmanifest.xml"].decode()
        text = text.replace("</adlcp:masteryscore>", "</adlcp:masteryscore><metadata/>", 1)
        text = text.replace('organizations default="org-national-induction"', 'organizations default="org-nowhere"')
        text = text.replace('identifierref="res-speaking-up-and-listening-up"', 'identifierref="res-gone"')
        text = text.replace("<adlcp:masteryscore>80<", "<adlcp:masteryscore>eighty<", 1)
        return {**entries, "imsmanifest.xml": text.encode()}

    result = inspect(rewrite(packages / GOOD, tmp_path / "bad.zip", change))
    assert result.exit_code == 1
    assert "bad.zip/imsmanifest.xml:" in result.stderr
    assert "error: Element '{http://www.imsproject.org/xsd/imscp_rootv1p1p2}metadata': This element is not expected." in result.stderr
    assert "error: the default organization 'org-nowhere' does not exist [bad-reference]" in result.stderr
    assert "points at resource 'res-gone', which does not exist [bad-reference]" in result.stderr
    assert "has masteryscore 'eighty', not a number from 0 to 100 [bad-mastery-score]" in result.stderr


def test_a_zip_slip_entry_is_refused(packages, tmp_path):
    result = inspect(rewrite(packages / GOOD, tmp_path / "slip.zip",
                             lambda e: {**e, "../../etc/evil.html": b"<p>owned</p>", "/abs.html": b"x"}))
    assert result.exit_code == 1
    assert ("slip.zip: error: entry '../../etc/evil.html' would be written outside the package folder "
            "(path traversal) [unsafe-path]") in result.stderr
    assert "entry '/abs.html' would be written outside" in result.stderr


def test_a_listed_file_missing_from_the_zip_is_reported(packages, tmp_path):
    gone = "sco/welcome-to-health-and-social-care.html"
    result = inspect(rewrite(packages / GOOD, tmp_path / "missing.zip", lambda e: {k: v for k, v in e.items() if k != gone}))
    assert result.exit_code == 1
    assert f"error: '{gone}' is listed in the manifest but is not in the zip [missing-file]" in result.stderr
    assert result.stderr.count("[missing-file]") == 2  # the resource's href and its <file>


def test_an_unlisted_file_is_a_warning_only(packages, tmp_path):
    result = inspect(rewrite(packages / GOOD, tmp_path / "extra.zip", lambda e: {**e, "notes.txt": b"hello"}))
    assert result.exit_code == 0
    assert "warning: 'notes.txt' is in the zip but not listed in the manifest [unlisted-file]" in result.stderr


def test_entities_and_non_zips_are_refused_without_a_traceback(packages, tmp_path):
    bomb = b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><manifest>&a;</manifest>'
    result = inspect(rewrite(packages / GOOD, tmp_path / "entity.zip", lambda e: {**e, "imsmanifest.xml": bomb}))
    assert result.exit_code == 1
    assert "declares a DOCTYPE or entities" in result.stderr
    not_zip = tmp_path / "course.zip"
    not_zip.write_text("hello")
    result = inspect(not_zip)
    assert result.exit_code == 1 and "course.zip: error: cannot open as a zip file" in result.stderr
    assert "[not-a-zip]" in result.stderr
    no_manifest = rewrite(packages / GOOD, tmp_path / "nomanifest.zip",
                          lambda e: {k: v for k, v in e.items() if k != "imsmanifest.xml"})
    result = inspect(no_manifest)
    assert result.exit_code == 1
    assert ("nomanifest.zip: error: no imsmanifest.xml at the root of the zip (an LMS looks for it there and "
            "nowhere else) [no-manifest]") in result.stderr
    assert "Traceback" not in result.output


def test_a_manifest_that_is_not_scorm_or_not_xml_is_refused(packages, tmp_path):
    epub = b'<?xml version="1.0"?>\n<package xmlns="http://www.idpf.org/2007/opf"/>'
    result = inspect(rewrite(packages / GOOD, tmp_path / "epub.zip", lambda e: {**e, "imsmanifest.xml": epub}))
    assert result.exit_code == 1
    assert ("epub.zip/imsmanifest.xml:2: error: not a SCORM 1.2 or 2004 manifest (root namespace "
            "'http://www.idpf.org/2007/opf') [bad-manifest]") in result.stderr
    broken = inspect(rewrite(packages / GOOD, tmp_path / "broken.zip", lambda e: {**e, "imsmanifest.xml": b"<manifest"}))
    assert broken.exit_code == 1 and "broken.zip/imsmanifest.xml:1: error: the manifest cannot be read" in broken.stderr
    assert "[bad-manifest]" in broken.stderr


def test_without_any_schemas_the_package_is_checked_and_the_administrator_warned(packages, monkeypatch):
    from bundlesmith import scorm_schemas

    def nowhere(*args, **kwargs):
        raise scorm_schemas.SchemasNotFound("no SCORM XSDs found")

    monkeypatch.setattr(scorm_schemas, "schema_folder", nowhere)
    result = CliRunner().invoke(cli, ["inspect", str(packages / GOOD)])
    assert result.exit_code == 0, result.output
    assert (f"{GOOD}/imsmanifest.xml: warning: not validated against the XSDs: no SCORM XSDs found "
            "[no-schemas]") in result.stderr


def test_a_compression_bomb_is_refused_without_reading_it(packages, tmp_path):
    target = tmp_path / "bomb.zip"
    with zipfile.ZipFile(packages / GOOD) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        archive.writestr("zeros.bin", b"\0" * (20 * 1024**2))
    result = inspect(target)
    assert result.exit_code == 1
    assert "entry 'zeros.bin' expands" in result.stderr and "[zip-bomb]" in result.stderr


def test_without_the_shared_schemas_inspect_uses_the_copies_shipped_with_bundlesmith(packages, tmp_path, monkeypatch):
    from bundlesmith import scorm_schemas
    from bundlesmith.inspect_package import inspect as inspect_package

    monkeypatch.setattr(scorm_schemas, "default_schemas_dir", lambda: None)
    scorm_schemas.load_schema.cache_clear()
    try:
        good = inspect_package(packages / "national-induction-1.0.0-scorm2004.zip")
        assert good.validated and good.ok
        bad = rewrite(packages / "national-induction-1.0.0-scorm2004.zip", tmp_path / "bad.zip", lambda e: {
            **e, "imsmanifest.xml": e["imsmanifest.xml"].replace(b">competency<", b">teaches<", 1)})
        result = inspect_package(bad)
        assert not result.ok and any(d.code == "xsd" and "teaches" in d.message for d in result.diagnostics)
    finally:
        scorm_schemas.load_schema.cache_clear()


def test_symlink_entries_and_duplicate_names_are_refused(packages, tmp_path):
    import stat

    target = tmp_path / "links.zip"
    with zipfile.ZipFile(packages / GOOD) as source, zipfile.ZipFile(target, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        link = zipfile.ZipInfo("sco/passwd.html")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("imsmanifest.xml", b"<manifest/>")
    result = inspect(target)
    assert result.exit_code == 1
    assert "sco/passwd.html" in result.stderr and "[unsafe-path]" in result.stderr
    assert "the zip holds two entries with the same name [duplicate-entry]" in result.stderr
    assert "Traceback" not in result.output


def test_an_external_dtd_is_never_fetched(packages, tmp_path):
    """A manifest pointing at a DTD on another host is refused before any parser could fetch it."""
    external = (b'<?xml version="1.0"?><!DOCTYPE manifest SYSTEM "http://evil.example/m.dtd">'
                b'<manifest identifier="x"/>')
    result = inspect(rewrite(packages / GOOD, tmp_path / "dtd.zip", lambda e: {**e, "imsmanifest.xml": external}))
    assert result.exit_code == 1
    assert "declares a DOCTYPE or entities" in result.stderr


@pytest.mark.parametrize("name", [GOOD, "mid-career-managers-1.0.0-scorm2004.zip"])
def test_inspect_tells_an_administrator_what_they_import_as_json(packages, name):
    import hashlib
    import json

    from bundlesmith import pipeline

    result = CliRunner().invoke(cli, ["inspect", str(packages / name), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    bundle = pipeline.check(ROOT).catalogue.bundles[name.split("-1.0.0")[0]]
    assert report["sha256"] == hashlib.sha256((packages / name).read_bytes()).hexdigest()
    assert report["size"] == (packages / name).stat().st_size
    assert (report["identifier"], report["title"], report["version"]) == (
        f"bundlesmith.{bundle.id}", bundle.title, bundle.version)
    assert report["edition"] == ("1.2" if "scorm12" in name else "2004 4th Edition")
    assert report["sco_count"] == len(bundle.module_ids) == len(report["scos"])
    assert [s["launch"] for s in report["scos"]] == [f"sco/{m}.html" for s in bundle.sections for m in s.module_ids]
    assert {s["mastery_score"] for s in report["scos"]} == {str(bundle.scorm.mastery_score)}
    assert report["schemas"].startswith("official (") and report["ok"] and report["diagnostics"] == []


def test_inspect_never_calls_the_bundled_fallback_official(packages, monkeypatch):
    from bundlesmith import scorm_schemas

    monkeypatch.setattr(scorm_schemas, "default_schemas_dir", lambda: None)
    scorm_schemas.load_schema.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["inspect", str(packages / GOOD)])
    finally:
        scorm_schemas.load_schema.cache_clear()
    assert result.exit_code == 0
    assert "schemas: bundled fallback, not the official files" in result.stdout
    assert "valid against the bundled fallback schemas" in result.stderr
    assert "official schemas" not in result.stderr
