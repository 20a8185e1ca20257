"""An LMS administrator imports our SCORM packages: every manifest is valid against the official XSDs, every
reference resolves, every file is listed, identifiers are stable, and the metadata carries the standards."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from bundlesmith.scorm_schemas import fixed, load_schema
from scorm_support import ROOT, SCHEMAS, build, manifest

CP12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
CP2004 = "http://www.imsglobal.org/xsd/imscp_v1p1"
NS = {"cp12": CP12, "cp": CP2004, "adlcp12": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
      "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3", "imsmd": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
      "lom": "http://ltsc.ieee.org/xsd/LOM", "imsss": "http://www.imsglobal.org/xsd/imsss",
      "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3"}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Path:
    return build(ROOT, tmp_path_factory.mktemp("scorm-build"))


def bundles() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((ROOT / "bundles").glob("*.yml"))}


def expected_packages() -> list[str]:
    names = []
    for bundle_id, data in bundles().items():
        for version in data.get("scorm", {}).get("versions", ["1.2", "2004"]):
            label = {"1.2": "scorm12", "2004": "scorm2004"}[version]
            names.append(f"{bundle_id}-{data['version']}-{label}.zip")
            names.append(f"{bundle_id}-{data['version']}-riverside-ics-{label}.zip")
    return sorted(names)


def test_every_bundle_builds_one_zip_per_scorm_version_and_variant_with_a_telling_name(packages):
    assert sorted(p.name for p in packages.glob("*.zip")) == expected_packages()
    for name in expected_packages():
        assert (packages / name.replace(".zip", ".provenance.json")).is_file()


@pytest.mark.parametrize("name", expected_packages())
def test_every_manifest_is_valid_against_the_official_schemas(packages, name):
    assert SCHEMAS.is_dir(), f"the official SCORM schemas are expected at {SCHEMAS}"
    version = "1.2" if name.endswith("scorm12.zip") else "2004"
    schema = load_schema(version, SCHEMAS)
    with zipfile.ZipFile(packages / name) as archive:
        doc = etree.ElementTree(etree.fromstring(archive.read("imsmanifest.xml")))
    assert schema.validate(doc), [f"{e.line}: {e.message}" for e in schema.error_log]


def test_the_schemas_catch_a_planted_error(packages):
    """The validation above can fail: an element in the wrong place is reported with its line."""
    with zipfile.ZipFile(packages / "national-induction-1.0.0-scorm12.zip") as archive:
        text = archive.read("imsmanifest.xml").decode()
    broken = text.replace("</adlcp:masteryscore>", "</adlcp:masteryscore><metadata/>", 1)
    schema = load_schema("1.2", SCHEMAS)
    assert not schema.validate(etree.ElementTree(etree.fromstring(broken.encode())))
    assert "metadata" in str(schema.error_log)
    with zipfile.ZipFile(packages / "national-induction-1.0.0-scorm2004.zip") as archive:
        text = archive.read("imsmanifest.xml").decode()
    schema = load_schema("2004", SCHEMAS)
    assert not schema.validate(etree.ElementTree(etree.fromstring(text.replace(">competency<", ">teaches<", 1).encode())))


@pytest.mark.parametrize("name", expected_packages())
def test_every_reference_resolves_and_every_file_is_listed(packages, name):
    cp = "cp12" if name.endswith("scorm12.zip") else "cp"
    root = manifest(packages / name)
    organizations = root.find(f"{cp}:organizations", NS)
    org_ids = root.xpath(f"{cp}:organizations/{cp}:organization/@identifier", namespaces=NS)
    assert org_ids == [organizations.get("default")]  # one organisation, and the default names it
    resources = set(root.xpath(f"{cp}:resources/{cp}:resource/@identifier", namespaces=NS))
    refs = root.xpath(f"//{cp}:item/@identifierref | //{cp}:dependency/@identifierref", namespaces=NS)
    assert refs and set(refs) <= resources
    ids = root.xpath("//@identifier", namespaces=NS)
    assert len(ids) == len(set(ids)) and all(NCNAME.match(i) for i in ids)
    listed = set(root.xpath(f"//{cp}:file/@href", namespaces=NS))
    with zipfile.ZipFile(packages / name) as archive:
        in_zip = set(archive.namelist()) - {"imsmanifest.xml"}
    schemas = {n for n in in_zip if n.endswith((".xsd", ".dtd"))}
    assert schemas, "the schema files are in the package for validators..."
    assert listed == in_zip - schemas, "...and every other file is listed"
    launch = root.xpath(f"//{cp}:resource[@href]/@href", namespaces=NS)
    assert set(launch) <= in_zip


def test_items_follow_the_bundle_sections_one_sco_per_module(packages):
    data = bundles()["mid-career-managers"]
    for label, cp in (("scorm12", "cp12"), ("scorm2004", "cp")):
        root = manifest(packages / f"mid-career-managers-1.0.0-{label}.zip")
        org = root.find(f"{cp}:organizations/{cp}:organization", NS)
        sections = org.findall(f"{cp}:item", NS)
        assert [s.findtext(f"{cp}:title", namespaces=NS) for s in sections] == [s["title"] for s in data["sections"]]
        for section, source in zip(sections, data["sections"]):
            assert section.get("identifierref") is None
            assert section.xpath(f"{cp}:item/@identifier", namespaces=NS) == [f"item-{m}" for m in source["modules"]]
            assert section.xpath(f"{cp}:item/@identifierref", namespaces=NS) == [f"res-{m}" for m in source["modules"]]
        scos = root.xpath(f"{cp}:resources/{cp}:resource[@adlcp12:scormtype='sco' or @adlcp:scormType='sco']",
                          namespaces=NS)
        assert len(scos) == sum(len(s["modules"]) for s in data["sections"])


def test_the_single_sco_option_builds_one_sco_for_the_whole_bundle(packages):
    root = manifest(packages / "core-management-curriculum-1.0.0-scorm12.zip")
    items = root.xpath("//cp12:item", namespaces=NS)
    assert [i.get("identifier") for i in items] == ["item-core-management-curriculum"]
    assert root.xpath("//cp12:item/adlcp12:masteryscore/text()", namespaces=NS) == ["75"]
    assert root.xpath("//cp12:resource[@adlcp12:scormtype='sco']/@href", namespaces=NS) == [
        "sco/core-management-curriculum.html"]
    # the one SCO's metadata names the standards its knowledge checks assess
    assert "D1.1" in root.xpath("//cp12:item//imsmd:classification//imsmd:id/text()", namespaces=NS)


def test_mastery_score_and_objectives_sit_on_every_assessed_item(packages):
    from bundlesmith import pipeline
    catalogue = pipeline.check(ROOT).catalogue
    root12 = manifest(packages / "national-induction-1.0.0-scorm12.zip")
    root04 = manifest(packages / "national-induction-1.0.0-scorm2004.zip")
    for mid in catalogue.bundles["national-induction"].module_ids:
        module = catalogue.modules[mid]
        score = root12.xpath(f"//cp12:item[@identifier='item-{mid}']/adlcp12:masteryscore/text()", namespaces=NS)
        assert score == (["80"] if module.quiz else [])
        item = root04.xpath(f"//cp:item[@identifier='item-{mid}']", namespaces=NS)[0]
        primary = item.xpath("imsss:sequencing/imsss:objectives/imsss:primaryObjective", namespaces=NS)
        if not module.quiz:
            assert primary == []
            continue
        assert primary[0].get("satisfiedByMeasure") == "true"
        assert primary[0].xpath("imsss:minNormalizedMeasure/text()", namespaces=NS) == ["0.8"]
        objectives = item.xpath("imsss:sequencing/imsss:objectives/imsss:objective/@objectiveID", namespaces=NS)
        expected = [catalogue.frameworks[a.standard.split(":")[0]].permalink(a.standard.split(":")[1])
                    for a in module.assessed_standards]
        assert objectives == expected and expected
    organization = root04.find("cp:organizations/cp:organization", NS)
    assert organization.get(f"{{{NS['adlseq']}}}objectivesGlobalToSystem") == "false"


def test_metadata_carries_version_standards_time_and_accreditation(packages):
    from bundlesmith import pipeline
    catalogue = pipeline.check(ROOT).catalogue
    module = catalogue.modules["compassionate-leadership-everyday"]
    root12 = manifest(packages / "national-induction-1.0.0-scorm12.zip")
    assert root12.get("version") == "1.0.0"
    assert root12.xpath("cp12:metadata/cp12:schemaversion/text()", namespaces=NS) == ["1.2"]
    lom = root12.xpath("cp12:metadata/imsmd:lom", namespaces=NS)[0]
    assert lom.xpath("imsmd:lifecycle/imsmd:version/imsmd:langstring/text()", namespaces=NS) == ["1.0.0"]
    assert "ELAB-IND-2026-014" in "".join(lom.xpath("imsmd:annotation//text()", namespaces=NS))
    item = root12.xpath("//cp12:item[@identifier='item-compassionate-leadership-everyday']/cp12:metadata/imsmd:lom",
                        namespaces=NS)[0]
    purposes = item.xpath("imsmd:classification/imsmd:purpose/imsmd:value/imsmd:langstring/text()", namespaces=NS)
    assert purposes and set(purposes) == {"Educational Objective"}
    # 1.2 nests taxons: domain > standard
    paths = item.xpath("imsmd:classification/imsmd:taxonpath/imsmd:taxon", namespaces=NS)
    nested = [(t.findtext("imsmd:id", namespaces=NS), t.findtext("imsmd:taxon/imsmd:id", namespaces=NS)) for t in paths]
    assert ("D1", "D1.1") in nested
    assessed = item.xpath("imsmd:classification[imsmd:keyword/imsmd:langstring='assesses']"
                          "//imsmd:taxon[not(imsmd:taxon)]/imsmd:id/text()", namespaces=NS)
    assert assessed == [a.standard.split(":")[1] for a in module.assessed_standards]
    assert item.xpath("imsmd:educational/imsmd:typicallearningtime/imsmd:datetime/text()", namespaces=NS) == ["PT1H"]
    assert module.minutes == 60

    root04 = manifest(packages / "national-induction-1.0.0-scorm2004.zip")
    assert root04.xpath("cp:metadata/cp:schemaversion/text()", namespaces=NS) == ["2004 4th Edition"]
    assert root04.xpath("cp:metadata/lom:lom/lom:general/lom:identifier/lom:entry/text()", namespaces=NS) == [
        "urn:bundlesmith:bundle:national-induction:1.0.0"]
    item = root04.xpath("//cp:item[@identifier='item-compassionate-leadership-everyday']/cp:metadata/lom:lom",
                        namespaces=NS)[0]
    assert set(item.xpath("lom:classification/lom:purpose/lom:value/text()", namespaces=NS)) == {"competency"}
    flat = item.xpath("lom:classification/lom:taxonPath[lom:taxon/lom:id='D1.1']/lom:taxon/lom:id/text()", namespaces=NS)
    assert flat == ["D1", "D1.1"]  # 2004 lists taxons flat
    outcomes = item.xpath("lom:educational/lom:description/lom:string/text()", namespaces=NS)
    assert len(outcomes) == len(module.outcomes)
    roles = "".join(item.xpath("lom:lifeCycle/lom:contribute/lom:entity/text()", namespaces=NS))
    assert all(c.role in roles for c in module.co_creation)
    assert item.xpath("lom:rights/lom:description/lom:string/text()", namespaces=NS) == [module.licence]


def test_identifiers_do_not_change_when_the_version_does(project, tmp_path, packages):
    """A new version updates the same course in the LMS: only the version numbers change."""
    bundle_file = project / "bundles" / "national-induction.yml"
    bundle_file.write_text(bundle_file.read_text().replace("version: 1.0.0", "version: 1.1.0", 1))
    new = build(project, tmp_path / "out")
    for label in ("scorm12", "scorm2004"):
        old_root = manifest(packages / f"national-induction-1.0.0-{label}.zip")
        new_root = manifest(new / f"national-induction-1.1.0-{label}.zip")
        assert old_root.xpath("//@identifier") == new_root.xpath("//@identifier")
        assert old_root.xpath("//@identifierref") == new_root.xpath("//@identifierref")
        assert (old_root.get("version"), new_root.get("version")) == ("1.0.0", "1.1.0")


@pytest.mark.parametrize("name", ["national-induction-1.0.0-scorm12.zip", "national-induction-1.0.0-scorm2004.zip"])
def test_the_schema_files_the_manifest_names_are_in_the_package(packages, name):
    """ADL's conformance test suite fails a package whose schemaLocation files are not in it."""
    root = manifest(packages / name)
    locations = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").split()[1::2]
    with zipfile.ZipFile(packages / name) as archive:
        names = set(archive.namelist())
        assert set(locations) <= names
        folder = SCHEMAS / ("scorm12" if "scorm12" in name else "scorm2004-4th")
        shipped = [n for n in names if n.endswith((".xsd", ".dtd"))]
        assert len(shipped) >= len(locations)
        version = "1.2" if "scorm12" in name else "2004"
        for entry in shipped:  # the official files, with exactly the documented fixes (scorm_schemas.FIXES)
            assert archive.read(entry) == fixed(version, entry, (folder / entry).read_bytes()), entry


def _identities(root) -> dict[str, set]:
    """What an LMS keys learners' records by: SCO items, their resources, and (2004) objective ids."""
    sco_items = root.xpath("//*[local-name()='item'][@identifierref]")
    return {
        "items": {i.get("identifier") for i in sco_items},
        "resources": {i.get("identifierref") for i in sco_items},
        "objectives": set(root.xpath("//*[local-name()='primaryObjective' or local-name()='objective']/@objectiveID")),
        "manifest": {root.get("identifier")},
    }


def test_records_survive_a_new_version_with_modules_edited_added_and_reordered(project, tmp_path, packages):
    """An LMS "update package" keeps learners' records only if the identities stay the same: they come from
    bundle, module and standard ids, never from position or version (docs/scorm.md: what resets records)."""
    bundle_file = project / "bundles" / "national-induction.yml"
    text = bundle_file.read_text().replace("version: 1.0.0", "version: 1.1.0", 1)
    text = text.replace("      - compassionate-leadership-everyday\n      - equality-diversity-and-inclusion-essentials\n",
                        "      - equality-diversity-and-inclusion-essentials\n      - compassionate-leadership-everyday\n"
                        "      - managing-people-well\n", 1)  # reordered, and a module added
    text = text.replace("        - activity: Questions and close\n",  # and given its session in the schedule
                        "        - module: managing-people-well\n          minutes: 130\n"
                        "        - activity: Questions and close\n", 1)
    bundle_file.write_text(text)
    module = project / "content/modules/induction/speaking-up-and-listening-up.md"
    module.write_text(module.read_text().replace("version: 1.2.0", "version: 1.3.0", 1) + "\nA new paragraph.\n")
    new = build(project, tmp_path / "out")
    for label in ("scorm12", "scorm2004"):
        before = _identities(manifest(packages / f"national-induction-1.0.0-{label}.zip"))
        after = _identities(manifest(new / f"national-induction-1.1.0-{label}.zip"))
        for kind in before:
            assert before[kind] <= after[kind], (label, kind, before[kind] - after[kind])
        assert after["items"] - before["items"] == {"item-managing-people-well"}


def test_a_module_s_metadata_record_is_built_once_however_many_packages_hold_it(monkeypatch):
    """Each bundle is built in the national view and in the variant's, which share most modules: each module's
    record is written once per SCORM version, and every manifest holding it is the one it would be if built
    alone (the core curriculum, one SCO, holds the bundle's record only)."""
    from collections import Counter

    from bundlesmith.load.project import load_catalogue
    from bundlesmith.render import scorm_manifest
    from bundlesmith.render.cache import RenderCache
    from bundlesmith.render.scorm import Target, package_entries, plan_target

    built: Counter[tuple[str, bool]] = Counter()
    used: Counter[tuple[str, bool]] = Counter()
    real_lom, real_record = scorm_manifest.lom_xml, scorm_manifest._record
    monkeypatch.setattr(scorm_manifest, "lom_xml", lambda facts, v12: built.update([(facts.urn, v12)])
                        or real_lom(facts, v12))
    monkeypatch.setattr(scorm_manifest, "_record", lambda facts, v12: used.update([(facts.urn, v12)])
                        or real_record(facts, v12))
    scorm_manifest._built.cache_clear()  # what earlier tests in this process built
    views = [load_catalogue(ROOT)[0], load_catalogue(ROOT, "riverside-ics")[0]]
    cache = RenderCache()
    manifests = {}
    for local, view in enumerate(views):
        for bundle_id in ("national-induction", "core-management-curriculum"):
            for version in view.bundles[bundle_id].scorm.versions:
                entries = package_entries(plan_target(Target(view, view.bundles[bundle_id], version), cache), cache)
                manifests[(local, bundle_id, version)] = entries["imsmanifest.xml"]

    typical = scorm_manifest._TYPICAL.urn  # the record the others are compressed against
    modules = {record: n for record, n in built.items() if ":module:" in record[0] and record[0] != typical}
    assert set(modules) == set(used) and set(modules.values()) == {1}  # built once each
    assert sum(used.values()) > 1.5 * len(modules)  # while most are in two packages
    for (local, bundle_id, version), data in manifests.items():
        scorm_manifest._built.cache_clear()
        alone = RenderCache()
        bundle = views[local].bundles[bundle_id]
        assert package_entries(plan_target(Target(views[local], bundle, version), alone), alone)[
            "imsmanifest.xml"] == data, (local, bundle_id, version)


@pytest.mark.parametrize("v12", [True, False])
def test_a_metadata_record_keeps_every_character_of_the_facts_it_states(v12):
    """The records are written from templates and read into the manifest's tree: markup characters, quotes,
    line breaks (a carriage return included, which a parser would otherwise read as a line feed) and
    non-ASCII text come back as they were, never as markup."""
    from lxml import etree

    from bundlesmith.render.scorm_lom import Facts, Taxon, TaxonPath, lom_xml

    tricky = "Care & <support> \"plans\" 'now'\r\nline two\ttab – ü </lom:lom>"
    facts = Facts(urn="urn:bundlesmith:module:m:1.0.0", title=tricky, description=tricky + " d",
                  keywords=(tricky + " k",), version="1.0.0", final=False,
                  contributors=((tricky + " who", "2026-01-02"),), minutes=95, outcomes=(tricky + " o",),
                  licence="CC-BY-4.0", annotation=tricky + " a",
                  classification=(("assesses", (TaxonPath(tricky + " s", (Taxon("D1", tricky + " t"),)),)),))
    record = etree.fromstring(lom_xml(facts, v12))
    texts = [node.text for node in record.iter() if node.text]
    for suffix in ("", " d", " k", " o", " a", " s", " t"):
        assert any(text == tricky + suffix or text.endswith(tricky + suffix) for text in texts), suffix
    assert any(text == f"BEGIN:VCARD\nVERSION:3.0\nFN:{tricky} who\nEND:VCARD" for text in texts)
    assert ("PT1H35M" in texts) and (("Draft" if v12 else "draft") in texts)
    assert len(record) == 6  # general, lifecycle, educational, rights, annotation, classification
