"""A strict LMS validates a package with the schema files inside it, offline: those files compile as shipped,
differ from the official ones only by the documented fixes, and every sample manifest is valid against both
them and the official files; the schema files are never listed as resources (ADL's validator warns)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from bundlesmith.scorm_schemas import FIXES, NS12, NS2004, fixed, load_schema, shipped_dir
from scorm_support import ROOT, SCHEMAS, build

OFFICIAL = {"1.2": SCHEMAS / "scorm12", "2004": SCHEMAS / "scorm2004-4th"}
XSD_NS = "http://www.w3.org/2001/XMLSchema"
IMSCP = {"1.2": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "2004": "http://www.imsglobal.org/xsd/imscp_v1p1"}


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    out = tmp_path_factory.mktemp("schemas")
    build(ROOT, out)
    return sorted((out / "scorm").glob("*.zip"))


def _strict_schema(folder: Path, version: str) -> etree.XMLSchema:
    """What a strict validator does: compile the package's own files, no resolver, no network, no fixes."""
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{name}"/>'
                      for ns, name in (NS12 if version == "1.2" else NS2004).items())
    driver = f'<xs:schema xmlns:xs="{XSD_NS}">{imports}</xs:schema>'.encode()
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.fromstring(driver, parser, base_url=(folder / "driver.xsd").as_uri()))


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_the_shipped_schema_files_are_the_official_ones_with_the_documented_fixes_only(version):
    shipped = shipped_dir(version)
    changed = []
    for file in sorted(p for p in shipped.rglob("*") if p.is_file()):
        rel = file.relative_to(shipped).as_posix()
        official = (OFFICIAL[version] / rel).read_bytes()
        assert file.read_bytes() == fixed(version, rel, official), rel
        if file.read_bytes() != official:
            changed.append(rel)
    assert changed == sorted(f.name for f in FIXES if f.version == version)
    assert all(f.why for f in FIXES)


def test_the_official_files_as_published_do_not_compile_offline(tmp_path):
    """Why the fixes exist: libxml2 refuses the published SCORM 1.2 ims_xml.xsd."""
    with pytest.raises(etree.XMLSchemaParseError):
        _strict_schema(OFFICIAL["1.2"], "1.2")


def test_every_manifest_is_valid_against_its_own_schema_files_as_shipped_and_the_official_ones(packages, tmp_path):
    assert len(packages) >= 10
    for package in packages:
        folder = tmp_path / package.stem
        with zipfile.ZipFile(package) as archive:
            archive.extractall(folder)
        manifest = etree.parse(str(folder / "imsmanifest.xml"))
        version = "1.2" if etree.QName(manifest.getroot()).namespace == IMSCP["1.2"] else "2004"
        own = _strict_schema(folder, version)
        assert own.validate(manifest), (package.name, [str(e) for e in own.error_log])
        official = load_schema(version, SCHEMAS)
        assert official.validate(manifest), (package.name, [str(e) for e in official.error_log])


def test_schema_files_are_not_listed_as_resource_files(packages):
    """ADL's validator warned 28 times per 2004 package for each schema file listed as a <file>."""
    for package in packages:
        root = etree.fromstring(zipfile.ZipFile(package).read("imsmanifest.xml"))
        hrefs = root.xpath("//*[local-name()='file']/@href")
        assert hrefs and not [h for h in hrefs if h.endswith((".xsd", ".dtd"))], package.name


def test_every_2004_objective_carries_the_bundles_pass_mark(packages):
    """Moodle takes cmi.scaled_passing_score from the last objective listed, 1.0 when it has none."""
    ss = "http://www.imsglobal.org/xsd/imsss"
    from bundlesmith import pipeline

    bundles = pipeline.check(ROOT).catalogue.bundles
    for package in (p for p in packages if p.name.endswith("scorm2004.zip")):
        bundle = next(b for bid, b in bundles.items() if package.name.startswith(f"{bid}-{b.version}"))
        root = etree.fromstring(zipfile.ZipFile(package).read("imsmanifest.xml"))
        objectives = root.xpath("//ss:primaryObjective | //ss:objective", namespaces={"ss": ss})
        assert objectives
        for objective in objectives:
            measure = objective.find(f"{{{ss}}}minNormalizedMeasure")
            assert measure is not None and float(measure.text) == bundle.scorm.mastery_score / 100
            expected = "true" if objective.tag.endswith("primaryObjective") else None
            assert objective.get("satisfiedByMeasure") == expected
