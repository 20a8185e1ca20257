"""Every framework leaves as a CASE CFPackage a CASE server accepts, and comes back unchanged.

The packages are checked against the CASE 1.0 CFPackage JSON Schema (vendored unmodified in
tools/bundlesmith/schemas/case/) and for what a schema cannot check: every association end resolves,
the tree has no cycle, identifiers are UUIDs.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith.case import checks
from bundlesmith.case.ids import case_uuid
from bundlesmith.cli import cli
from conftest import ROOT, copy_sample

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = ROOT / "tools/bundlesmith/schemas/case/case-v1p0-cfpackage-schema.json"


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), *args])


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("case")
    result = run(ROOT, "export", "case", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_vendored_schema_is_the_published_copy_unmodified():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == \
        "f0fc2d59f84af04f869b1ae14fc648123642324846d71ccade6b35b7a25a1950"


def test_each_framework_is_one_package_valid_against_the_case_schema_with_nothing_dangling(exported):
    names = sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*.json"))
    assert names == ["clm.json", "riverside-ics/rvs.json"]
    for name in names:
        package = load(exported / name)
        assert checks.schema_problems(package) == [], name
        assert checks.reference_problems(package) == [], name


def test_identifiers_are_uuid5_of_base_uri_and_code_so_every_export_is_byte_identical(exported, tmp_path):
    package = load(exported / "clm.json")
    base = "https://standards.example.org/clm/1/"
    assert package["CFDocument"]["identifier"] == str(uuid.uuid5(uuid.NAMESPACE_URL, base))
    d21 = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "D2.1")
    assert d21["identifier"] == str(uuid.uuid5(uuid.NAMESPACE_URL, base + "D2.1")) == case_uuid(base, "D2.1")
    assert d21["uri"] == base + "D2.1"
    assert d21["lastChangeDateTime"] == "2026-01-15T00:00:00+00:00"  # the framework's date, not the clock
    again = tmp_path / "again"
    run(ROOT, "export", "case", "-o", str(again))
    assert (again / "clm.json").read_bytes() == (exported / "clm.json").read_bytes()


def test_the_tree_is_ischildof_with_sequence_numbers_in_the_frameworks_order(exported):
    package = load(exported / "clm.json")
    code = {i["identifier"]: i["humanCodingScheme"] for i in package["CFItems"]}
    code[package["CFDocument"]["identifier"]] = "(document)"
    tree = [(code[a["originNodeURI"]["identifier"]], code[a["destinationNodeURI"]["identifier"]], a["sequenceNumber"])
            for a in package["CFAssociations"] if a["associationType"] == "isChildOf"]
    assert len(tree) == len(package["CFItems"]) == 91
    assert tree[:4] == [("D1", "(document)", 1), ("D1.1", "D1", 1), ("D1.1.a", "D1.1", 1), ("D1.1.b", "D1.1", 2)]
    assert ("D7", "(document)", 7) in tree and ("D7.4", "D7", 4) in tree


def test_each_crosswalk_is_its_own_association_grouping(exported):
    package = load(exported / "clm.json")
    groupings = {g["identifier"]: g["title"] for g in package["CFDefinitions"]["CFAssociationGroupings"]}
    assert sorted(groupings.values()) == [
        "Crosswalk care-certificate: The Care Certificate standards 2025",
        ("Crosswalk l5-leadership-management: Level 5 Diploma in Leadership and Management for Health and "
         "Social Care (fictional) 3.1")]
    grouped: dict[str, list] = {}
    for a in package["CFAssociations"]:
        if "CFAssociationGroupingURI" in a:
            grouped.setdefault(groupings[a["CFAssociationGroupingURI"]["identifier"]], []).append(a)
    care = grouped["Crosswalk care-certificate: The Care Certificate standards 2025"]
    assert len(care) == 11  # one association per mapping in content/crosswalks/care-certificate.yml
    first = care[0]
    assert (first["associationType"], first["originNodeURI"]["uri"], first["destinationNodeURI"]["uri"]) == (
        "exactMatchOf", ("https://www.skillsforcare.org.uk/Developing-your-workforce/Care-Certificate/"
        "Care-Certificate-standards.aspx#6"), "https://standards.example.org/clm/1/D1.1")
    assert first["lastChangeDateTime"] == "2026-03-02T00:00:00+00:00"  # the crosswalk's review date


def test_export_import_export_is_byte_identical(tmp_path, exported):
    project = copy_sample(tmp_path / "project")
    (project / "content/standards/clm.yml").unlink()
    result = run(project, "import", "case", str(exported / "clm.json"))
    assert result.exit_code == 0, result.output
    assert run(project, "check", "--no-cache").exit_code == 0
    again = tmp_path / "again"
    assert run(project, "export", "case", "-o", str(again)).exit_code == 0
    assert (again / "clm.json").read_bytes() == (exported / "clm.json").read_bytes()


def test_a_package_from_another_tool_keeps_its_identifiers_through_import_and_export(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", project)
    source = FIXTURES / "case/opensalt-style.json"
    result = run(project, "import", "case", str(source), "--id", "ecs")
    assert result.exit_code == 0, result.output
    assert ("1 association(s) other than isChildOf are not imported (crosswalks live in content/crosswalks/) "
            "[case-not-imported]") in result.stderr
    written = (project / "content/standards/ecs.yml").read_text()
    assert "version: 2.1.0\n" in written and "case_identifier: c1a2b3c4-0000-4000-8000-000000000103\n" in written
    check = run(project, "check", "--no-cache")
    assert check.exit_code == 0, check.stderr
    tf = project / "content/standards/tf.yml"
    tf.write_text(tf.read_text().replace("base_uri:", "date: 2026-02-01\nbase_uri:"))
    out = tmp_path / "out"
    assert run(project, "export", "case", "-o", str(out)).exit_code == 0
    package = load(out / "ecs.json")
    original = load(source)
    assert package["CFDocument"]["identifier"] == original["CFDocument"]["identifier"]
    assert [i["identifier"] for i in package["CFItems"]] == [i["identifier"] for i in original["CFItems"]]
    assert checks.problems(package) == []
    (project / "content/standards/ecs.yml").unlink()
    assert run(project, "import", "case", str(out / "ecs.json"), "--id", "ecs").exit_code == 0
    assert (project / "content/standards/ecs.yml").read_text() == written


def broken(change) -> dict:
    package = load(FIXTURES / "case/opensalt-style.json")
    change(package)
    return package


def import_errors(tmp_path, package) -> tuple[int, list[str], bool]:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", project, dirs_exist_ok=True)
    path = tmp_path / "bad.json"
    path.write_text(package if isinstance(package, str) else json.dumps(package))
    result = run(project, "import", "case", str(path), "--id", "bad")
    lines = [line.replace(str(path), "bad.json") for line in result.stderr.splitlines()]
    return result.exit_code, lines, (project / "content/standards/bad.yml").exists()


@pytest.mark.parametrize("change, expected", [
    (lambda p: p["CFItems"][1].pop("humanCodingScheme"),
     "bad.json: error: CFItems[1].humanCodingScheme: missing [case-invalid]"),
    (lambda p: p["CFItems"][2].update(identifier="not-a-uuid"),
     ("bad.json: error: CFItems[2].identifier: 'not-a-uuid' does not match "
      "'[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}' [case-invalid]")),
    (lambda p: p["CFAssociations"][0].update(associationType="isCousinOf"),
     ("bad.json: error: CFAssociations[0].associationType: 'isCousinOf' is not one of ['isChildOf', 'isPeerOf', "
      "'isPartOf', 'exactMatchOf', 'precedes', 'isRelatedTo', 'replacedBy', 'exemplar', 'hasSkillLevel'] [case-invalid]")),
    (lambda p: p["CFDocument"].pop("lastChangeDateTime"),
     "bad.json: error: CFDocument: 'lastChangeDateTime' is a required property [case-invalid]"),
    (lambda p: p["CFAssociations"][1]["destinationNodeURI"].update(identifier="c1a2b3c4-0000-4000-8000-000000000999"),
     ("bad.json: error: CFAssociations[1].destinationNodeURI: c1a2b3c4-0000-4000-8000-000000000999 is neither the "
      "document nor an item of this package [case-invalid]")),
    (lambda p: p["CFAssociations"][4]["destinationNodeURI"].update(identifier="c1a2b3c4-0000-4000-8000-000000000998"),
     ("bad.json: error: CFAssociations[4].destinationNodeURI: c1a2b3c4-0000-4000-8000-000000000998 is neither the "
      "document nor an item of this package [case-invalid]")),
    (lambda p: p["CFAssociations"][3].update(destinationNodeURI=p["CFAssociations"][2]["originNodeURI"]),
     "bad.json: error: CFItems[0]: the tree has a cycle through item c1a2b3c4-0000-4000-8000-000000000101 [case-invalid]"),
    (lambda p: p["CFItems"][3].update(humanCodingScheme="CS 1.2 a"),
     "bad.json: error: CFItems[3].humanCodingScheme: 'CS 1.2 a' is not a code like 'D2.3' [case-invalid]"),
])
def test_a_bad_package_is_refused_with_where_it_is_wrong_and_nothing_written(tmp_path, change, expected):
    code, lines, written = import_errors(tmp_path, broken(change))
    assert code == 1 and not written
    assert expected in lines, lines
    assert lines[-1] == f"import stopped: {sum(': error: ' in line for line in lines)} error(s); nothing written"


def test_a_file_that_is_not_json_is_refused_at_its_line(tmp_path):
    code, lines, written = import_errors(tmp_path, '{\n  "CFDocument": {,\n}')
    assert (code, written) == (1, False)
    assert lines[0] == "bad.json:2: error: not JSON: Expecting property name enclosed in double quotes [case-not-json]"


def test_build_writes_the_packages_and_skips_a_framework_without_a_date_with_a_warning(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", project)
    shutil.copy(FIXTURES / "case/opensalt-style.json", tmp_path / "ecs.json")
    assert run(project, "import", "case", str(tmp_path / "ecs.json")).exit_code == 0
    result = run(project, "build", "--only", "case", "-j", "1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "build/case").iterdir()) == ["ecs.json"]
    assert ("content/standards/tf.yml:1: warning: framework 'tf' has no 'date' (of its version) so no CASE package "
            "is written (add 'date: YYYY-MM-DD' to the framework) [case-needs-date]") in result.stderr
    export = run(project, "export", "case", "tf")
    assert export.exit_code == 1 and "[case-needs-date]" in export.stderr


def test_a_tree_deeper_than_domain_standard_indicator_is_refused(tmp_path):
    def deeper(package):
        extra = dict(package["CFItems"][3], identifier="c1a2b3c4-0000-4000-8000-000000000105",
                     humanCodingScheme="CS.1.2.a.i", uri="https://opensalt.example.org/uri/extra")
        package["CFItems"].append(extra)
        package["CFAssociations"].append(dict(package["CFAssociations"][0], identifier="c1a2b3c4-0000-4000-8000-000000000299",
                                              originNodeURI={"title": "x", "identifier": extra["identifier"], "uri": extra["uri"]},
                                              destinationNodeURI=package["CFAssociations"][0]["originNodeURI"]))
    code, lines, written = import_errors(tmp_path, broken(deeper))
    assert (code, written) == (1, False)
    assert "bad.json: error: CFItems[4]: the tree is deeper than domain, standard, indicator [case-too-deep]" in lines


def test_an_enormous_package_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    from bundlesmith.case import importer

    monkeypatch.setattr(importer, "MAX_BYTES", 100)
    data, problems = importer.import_package(b" " * 101, "big.json")
    assert data is None
    assert [d.format() for d in problems] == ["big.json: error: file is 101 bytes; the limit is 100 [case-too-large]"]


def test_a_local_framework_relates_to_national_standards_across_documents(exported):
    local, national = load(exported / "riverside-ics/rvs.json"), load(exported / "clm.json")
    by_uri = {i["uri"]: i["identifier"] for i in national["CFItems"]}
    related = [a for a in local["CFAssociations"] if a["associationType"] == "isRelatedTo"]
    assert [(a["originNodeURI"]["title"], a["destinationNodeURI"]["uri"]) for a in related] == [
        ("L1.1", "https://standards.example.org/clm/1/D3.1"), ("L1.1", "https://standards.example.org/clm/1/D3.2"),
        ("L1.2", "https://standards.example.org/clm/1/D5.4")]
    assert all(a["destinationNodeURI"]["identifier"] == by_uri[a["destinationNodeURI"]["uri"]] for a in related)
