"""An accreditor verifies a package by its hash: two builds from the same inputs give byte-identical zips, and a
provenance record inside and beside each zip says what it was built from."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from bundlesmith import pipeline
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.scorm import build_packages
from scorm_support import ROOT, build


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_give_identical_zips(tmp_path):
    first = build(ROOT, tmp_path / "one")
    second = build(ROOT, tmp_path / "two")
    names = sorted(p.name for p in first.glob("*.zip"))
    assert names and names == sorted(p.name for p in second.glob("*.zip"))
    for name in names:
        assert sha256(first / name) == sha256(second / name), name
    for zip_path in first.glob("*.zip"):
        with zipfile.ZipFile(zip_path) as archive:
            infos = archive.infolist()
        # A fixed order: the files every package shares (runtime, schemas), then the package's own, each sorted.
        names = [i.filename for i in infos]
        shared = [n for n in names if n.endswith((".xsd", ".dtd")) or n.startswith("shared/")]
        assert names == sorted(shared) + sorted(set(names) - set(shared))
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 & 0o777 for i in infos} == {0o644}


def test_provenance_travels_inside_and_beside_each_package(tmp_path):
    out = build(ROOT, tmp_path / "out")
    zip_path = out / "national-induction-1.0.0-riverside-ics-scorm2004.zip"
    beside = json.loads(zip_path.with_name(zip_path.name.replace(".zip", ".provenance.json")).read_text())
    with zipfile.ZipFile(zip_path) as archive:
        inside = json.loads(archive.read("bundlesmith-provenance.json"))
        for name, digest in inside["files"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert beside["package"] == {"filename": zip_path.name, "sha256": sha256(zip_path), "size": zip_path.stat().st_size}
    assert {k: v for k, v in beside.items() if k not in ("package", "source_revision", "built_with")} == inside
    # The commit that built it is recorded beside the zip only, so the same content gives the same bytes.
    assert "source_revision" in beside and "source_revision" not in inside
    assert (inside["bundle"], inside["bundle_version"], inside["variant"], inside["scorm_version"]) == (
        "national-induction", "1.0.0", "riverside-ics", "2004")
    assert "bundles/national-induction.yml" in inside["inputs"]
    assert "riverside-neighbourhood-teams" in inside["modules"]  # the variant's own module
    assert len(inside["content_sha256"]) == 64


def test_the_content_hash_changes_with_the_content_and_only_then(project, tmp_path):
    before = json.loads((build(project, tmp_path / "a") / "national-induction-1.0.0-scorm12.provenance.json").read_text())
    module = project / "content/modules/induction/welcome-to-health-and-social-care.md"
    module.write_text(module.read_text() + "\nOne more sentence.\n")
    after = json.loads((build(project, tmp_path / "b") / "national-induction-1.0.0-scorm12.provenance.json").read_text())
    assert before["content_sha256"] != after["content_sha256"]
    assert before["package"]["sha256"] != after["package"]["sha256"]
    changed = {k for k in before["inputs"] if before["inputs"][k] != after["inputs"].get(k)}
    assert changed == {"content/modules/induction/welcome-to-health-and-social-care.md"}


def test_each_module_is_rendered_once_for_every_bundle_and_version(tmp_path):
    catalogue = pipeline.check(ROOT).catalogue
    cache = RenderCache()
    made: dict[str, bytes] = {}  # what the packager hands the build's writer, by file name
    records = build_packages(catalogue, cache, sorted(catalogue.bundles.values(), key=lambda b: b.id), made.update)
    used = {m for b in catalogue.bundles.values() for m in b.module_ids}
    assert len(records) == sum(len(b.scorm.versions) for b in catalogue.bundles.values())
    assert cache.renders == len(used)
    for record in records:
        assert record.sha256 == hashlib.sha256(made[record.filename]).hexdigest()
        assert json.loads(made[record.filename.replace(".zip", ".provenance.json")])["package"]["size"] == record.size


def test_provenance_records_the_versions_that_shape_the_bytes(tmp_path):
    """To rebuild a hash-verified package elsewhere, the record says what built it (requirements.lock pins it)."""
    import json
    from importlib import metadata

    from bundlesmith.inputs import OUTPUT_LIBRARIES
    from scorm_support import ROOT, build

    out = build(ROOT, tmp_path / "out")
    record = json.loads((out / "national-induction-1.0.0-scorm12.provenance.json").read_text())
    built_with = record["built_with"]
    for name in OUTPUT_LIBRARIES:
        assert built_with[name] == metadata.version(name), name
    assert built_with["bundlesmith-scorm-runtime"].startswith("sha256:")
    locked = {line.split("==")[0].lower() for line in (ROOT / "requirements.lock").read_text().splitlines()
              if "==" in line}
    assert set(OUTPUT_LIBRARIES) <= locked, "every library that shapes output is locked"
