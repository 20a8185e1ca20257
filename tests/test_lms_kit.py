"""An LMS administrator's kit, as they receive it: each framework file read back by the rules of the LMS that
imports it, the setup sheet that says which competencies to attach with which rule, and the same bytes on
every build."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith.cli import cli
from bundlesmith.coverage.model import bundle_coverage_model
from bundlesmith.lms import competencies
from bundlesmith.lms.plan import framework_idnumber, idnumber, plan_kit
from bundlesmith.load.project import load_catalogue
from conftest import copy_sample
from lms_importers import Refused, canvas_import, moodle_import, totara_import
from site_support import AXE, WCAG_TAGS, StaticServer, sample_build

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "lms-golden"
BUNDLES = ("core-management-curriculum", "mid-career-managers", "national-induction")
VIEWS = (("", None), ("riverside-ics/", "riverside-ics"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return sample_build(tmp_path_factory)


def _catalogue(variant):
    catalogue, problems = load_catalogue(ROOT, variant)
    assert not [p for p in problems if p.severity.name == "ERROR"]
    return catalogue


@pytest.mark.parametrize("folder,variant", VIEWS)
def test_every_bundle_has_its_kit_and_every_framework_file_imports_into_moodle_and_totara(built, folder, variant):
    catalogue = _catalogue(variant)
    for bundle in BUNDLES:
        kit = built / "lms" / folder / bundle
        names = sorted(p.name for p in kit.iterdir())
        frameworks = [f.id for f in plan_kit(catalogue, catalogue.bundles[bundle]).frameworks]
        assert names == sorted(["canvas-outcomes.csv", "lms-setup.html", "lms-setup.md"]
                               + [f"{lms}-competencies-{f}.csv" for f in frameworks for lms in ("moodle", "totara")])
        for fid in frameworks:
            framework = catalogue.frameworks[fid]
            moodle = moodle_import((kit / f"moodle-competencies-{fid}.csv").read_bytes())
            assert moodle["idnumber"] == framework_idnumber(framework)
            assert list(moodle["competencies"]) == [idnumber(i) for i in framework.items]
            parents = {idnumber(i): idnumber(catalogue.standard(f"{fid}:{i.parent}")) if i.parent else ""
                       for i in framework.items}
            assert {k: c["parent"] for k, c in moodle["competencies"].items()} == parents
            assert moodle["taxonomies"] == ["domain", "competency", "indicator"][:len(moodle["taxonomies"])]
            totara = totara_import((kit / f"totara-competencies-{fid}.csv").read_bytes(), {framework_idnumber(framework)})
            assert {k: c["parent"] for k, c in totara.items()} == parents
        canvas = canvas_import((kit / "canvas-outcomes.csv").read_bytes())
        standards = [i for fid in frameworks for i in catalogue.frameworks[fid].standards]
        assert sorted(k for k, v in canvas.items() if v["type"] == "outcome") == sorted(idnumber(s) for s in standards)
        assert all(v["ratings"] == [(1, "Competent"), (0, "Not yet competent")] and v["mastery_points"] == "1"
                   for v in canvas.values() if v["type"] == "outcome")


def test_a_framework_file_is_the_same_in_every_bundles_kit(built):
    files = {(built / "lms" / b / "moodle-competencies-clm.csv").read_bytes() for b in BUNDLES}
    files |= {(built / "lms/riverside-ics" / b / "moodle-competencies-clm.csv").read_bytes() for b in BUNDLES}
    assert len(files) == 1


def _golden_pairs(built: Path):
    for folder, _ in VIEWS:
        for path in sorted((built / "lms" / folder / "national-induction").iterdir()):
            yield path, GOLDEN / (folder or "national/") / "lms" / path.name
        for path in sorted((built / "badges" / folder).glob("national-induction*")):
            yield path, GOLDEN / (folder or "national/") / "badges" / path.name


def test_the_sample_kit_matches_its_golden_files(built):
    """BUNDLESMITH_UPDATE_GOLDEN=1 rewrites them (then read the diff before committing it)."""
    pairs = list(_golden_pairs(built))
    assert len(pairs) == (5 + 3) + (7 + 3)  # kit and badge files; the variant adds its local framework's two
    if os.environ.get("BUNDLESMITH_UPDATE_GOLDEN"):
        for built_file, golden in pairs:
            golden.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(built_file, golden)
    different = [str(golden.relative_to(GOLDEN)) for built_file, golden in pairs
                 if not golden.is_file() or golden.read_bytes() != built_file.read_bytes()]
    assert different == []


@pytest.mark.parametrize("folder,variant", VIEWS)
def test_the_setup_sheet_gives_each_competency_the_rule_its_coverage_status_calls_for(built, folder, variant):
    catalogue = _catalogue(variant)
    for bundle_id in BUNDLES:
        bundle = catalogue.bundles[bundle_id]
        coverage = bundle_coverage_model(catalogue, bundle)
        expected = {}
        for cov in coverage.targets + coverage.not_targeted:
            if cov.met:  # the model's words: assessed -> complete the competency, introduced or developed -> evidence
                expected[idnumber(cov.item)] = "Complete the competency" if cov.assessed else "Attach evidence"
        sheet = (built / "lms" / folder / bundle_id / "lms-setup.md").read_text()
        rows = [r for r in sheet.splitlines() if r.startswith("| `")
                and "competencies" not in r and r.count("|") == 7]
        found = {re.match(r"\| `([^`]+)`", r).group(1): [c.strip() for c in r.split("|")[4:6]] for r in rows}
        assert {k: v[0] for k, v in found.items()} == expected, bundle_id
        # the activity completes only what the package itself scores
        for course, activity in found.values():
            assert activity in (course, "Attach evidence")
        assert f"| Require minimum score | {bundle.scorm.mastery_score} |" in sheet
        assert f"| Pass mark | {bundle.scorm.mastery_score}% on every knowledge check |" in sheet


def test_a_standard_assessed_outside_the_package_is_completed_by_the_course_not_the_activity(built):
    catalogue = _catalogue(None)
    kit = plan_kit(catalogue, catalogue.bundles["core-management-curriculum"])
    outside = [c for c in kit.competencies if c.other_methods and not c.scored_in_package]
    assert outside, "the sample has a standard assessed only by a professional discussion"
    sheet = (built / "lms/core-management-curriculum/lms-setup.md").read_text()
    for c in outside:
        row = next(r for r in sheet.splitlines() if r.startswith(f"| `{idnumber(c.item)}`"))
        assert "| Complete the competency | Attach evidence |" in row and "professional discussion" in row


def test_the_markdown_and_html_sheets_say_the_same(built):
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.cells, self.inside = [], False

        def handle_starttag(self, tag, attrs):
            if tag in ("td", "th"):
                self.inside, self.text = True, ""

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.inside:
                self.cells.append(self.text)
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                self.text += data

    for folder, _ in VIEWS:
        for bundle in BUNDLES:
            parser = Cells()
            parser.feed((built / "lms" / folder / bundle / "lms-setup.html").read_text())
            md = (built / "lms" / folder / bundle / "lms-setup.md").read_text()
            md_cells = [re.sub(r"\\(.)", r"\1", c.strip()).replace("`", "")
                        for line in md.splitlines() if line.startswith("|") and not line.startswith("|---")
                        for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            assert [c.strip() for c in parser.cells] == md_cells


@pytest.fixture(scope="module")
def server(built):
    with StaticServer(built) as running:
        yield running


@pytest.mark.parametrize("path", ["lms/national-induction/lms-setup.html",
                                  "lms/riverside-ics/national-induction/lms-setup.html",
                                  "lms/core-management-curriculum/lms-setup.html"])
def test_the_setup_sheet_has_no_wcag_violation_on_a_desk_or_a_phone(browser, server, path):
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800})
        context.route(re.compile(r"^(?!http://127\.0\.0\.1:).*"), lambda route: route.abort())
        tab = context.new_page()
        tab.goto(server.base + path)
        tab.add_script_tag(path=str(AXE))
        violations = tab.evaluate("""async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }""", WCAG_TAGS)
        # 320 px (WCAG 1.4.10): the page itself never scrolls sideways; wide tables scroll in their region
        sideways = tab.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        context.close()
        assert violations == [] and not sideways, (width, violations)


# ---------------------------------------------------------------- content that tries to break the files

HOSTILE_TITLE = '=cmd, "safely" <b>now</b> ' + "x" * 110 + " \\"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The sample with a standard whose title has commas, quotes, a formula, a tag, 150 characters and a
    trailing backslash, and a statement with a line break and a backslash before a quote."""
    root = copy_sample(tmp_path_factory.mktemp("hostile"))
    path = root / "content/standards/clm.yml"
    text = path.read_text()
    text = text.replace("        title: Attending and listening\n",
                        "        title: '" + HOSTILE_TITLE.replace("'", "''") + "'\n", 1)
    text = text.replace("          Gives colleagues and the people they support full attention, listens\n",
                        "          Gives colleagues, \\\"the people\\\" they support full attention, listens\\\n", 1)
    path.write_text(text)
    catalogue, problems = load_catalogue(root, None)
    assert not [p.format() for p in problems if p.severity.name == "ERROR"]
    return catalogue


def test_hostile_titles_and_statements_still_import_and_keep_their_words(hostile):
    framework = hostile.frameworks["clm"]
    item = hostile.standard("clm:D1.1")
    assert item.title == HOSTILE_TITLE and '\\"the people\\"' in item.statement
    moodle = moodle_import(competencies.moodle_csv(framework))
    short = moodle["competencies"]["clm.D1.1"]["shortname"]
    # a formula is shown as text; a tag is not stripped by Moodle; the cut is at a word, never beyond 100
    assert short == "'=cmd, \"safely\" \u2039b\u203anow\u2039/b\u203a\u2026"
    assert "the people" in moodle["competencies"]["clm.D1.1"]["description"]
    totara = totara_import(competencies.totara_csv(framework), {framework_idnumber(framework)})
    assert totara["clm.D1.1"]["fullname"] == "'" + HOSTILE_TITLE.replace("<", "\u2039").replace(">", "\u203a")[:-1]
    assert "<" not in totara["clm.D1.1"]["description"]
    canvas = canvas_import(competencies.canvas_csv((framework,)))
    assert canvas["clm.D1.1"]["title"].startswith('D1.1 =cmd, "safely" <b>now</b> xxx')
    assert "<b>" not in canvas["clm.D1.1"]["description"]


# ---------------------------------------------------------------- the importer rules can fail

def _moodle_file(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(competencies.MOODLE_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


FW = ["", "fw-1", "Framework", "", 2, "Not yet competent,Competent", competencies.SCALE_CONFIGURATION, "", "", "", "",
      "", 1, "domain,competency"]
ROW = ["", "a", "A", "", 2, "", "", "", 0, "null", "", "", "", ""]


@pytest.mark.parametrize("rows,reason", [
    ([ROW], "0 framework rows"),
    ([FW, FW, ROW], "2 framework rows"),
    ([FW, ["a", "b", "B", *ROW[3:]], ROW], "parent a is not defined before it"),
    ([FW, ["", "x" * 101, "A", *ROW[3:]]], "longer than 100"),
    ([FW, ["", "", "A", *ROW[3:]]], "silently skipped"),
    ([FW, ["", "a", "<b>A</b>", *ROW[3:]]], "strips as a tag"),
    ([FW, [*ROW, ""]], "another number of columns"),
])
def test_moodles_rules_refuse_what_moodle_would_refuse_or_lose(rows, reason):
    with pytest.raises(Refused, match=re.escape(reason)):
        moodle_import(_moodle_file(rows))


def test_a_backslash_before_a_quote_is_refused_as_phps_reader_would_misread_it():
    with pytest.raises(Refused, match="backslash"):
        moodle_import(_moodle_file([FW, ["", "a", 'say \\"hi"', *ROW[3:]]]))
    assert moodle_import(competencies._write(competencies.MOODLE_COLUMNS, [FW, ["", "a", 'say \\"hi"', *ROW[3:]]]))


@pytest.mark.parametrize("text,reason", [
    ("vendor_guid,object_type,title,parent_guids\nmy guid,group,G,\n", "has a space"),
    ("vendor_guid,object_type,title,parent_guids\na,outcome,O,g\ng,group,G,\n", "not found prior to this row"),
    ("vendor_guid,object_type,title,parent_guids\ng,group,G,\ng,group,G,\n", "already appeared"),
    ("vendor_guid,object_type,title\ng,group,G\n", "missing ['parent_guids']"),
    (("vendor_guid,object_type,title,parent_guids,ratings,\na,outcome,O,,1,Low,\n"
      "b,outcome,O,,1,Low\n"), "fields after ratings"),
])
def test_canvas_rules_refuse_what_canvas_would_refuse(text, reason):
    if "fields after ratings" in reason:
        text = text.replace("ratings,\n", "ratings,extra\n", 1)
    with pytest.raises(Refused, match=re.escape(reason)):
        canvas_import(text.encode())


def test_totara_refuses_a_framework_that_is_not_on_the_site_and_a_child_before_its_parent():
    header = ",".join(competencies.TOTARA_COLUMNS)
    with pytest.raises(Refused, match="not on the site"):
        totara_import(f"{header}\na,A,,fw,,,0,0\n".encode(), {"other"})
    with pytest.raises(Refused, match="not defined before it"):
        totara_import(f"{header}\nb,B,,fw,a,,0,0\na,A,,fw,,,0,0\n".encode(), {"fw"})


# ---------------------------------------------------------------- building the kit

def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("output,count", [
    ("lms", 2 * (3 * 5) + 2),  # two views x three bundles x five files, and the local framework's two
    ("badges", 2 * 3 * 3),  # two views x three bundles x the achievement, its image, the template
])
def test_build_only_lms_or_badges_writes_that_part_alone_and_the_same_bytes_every_time(tmp_path, output, count):
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        result = run("-C", str(ROOT), "build", "--only", output, "--force", "-o", str(out))
        assert result.exit_code == 0, result.stderr
        assert f"wrote {out / output}/" in result.stdout
    assert sorted(p.name for p in first.iterdir() if not p.name.startswith(".")) == [output]
    files = sorted(p.relative_to(first) for p in (first / output).rglob("*") if p.is_file())
    assert len(files) == count
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert sorted(p.relative_to(second) for p in (second / output).rglob("*") if p.is_file()) == files


def test_a_failed_build_leaves_the_last_kit_as_it_was(tmp_path):
    project = copy_sample(tmp_path / "project")
    assert run("-C", str(project), "build", "--only", "lms", "--only", "badges").exit_code == 0
    before = {p: p.read_bytes() for p in (project / "build").rglob("*") if p.is_file() and "lms" in p.parts}
    (project / "content/standards/clm.yml").write_text("id: clm\nitems: [\n")
    result = run("-C", str(project), "build", "--only", "lms", "--only", "badges")
    assert result.exit_code == 1 and "build/ is unchanged" in result.stderr
    assert {p: p.read_bytes() for p in (project / "build").rglob("*") if p.is_file() and "lms" in p.parts} == before


def test_the_walk_through_in_the_docs_matches_the_sample():
    docs = " ".join((ROOT / "docs/lms.md").read_text().split())
    catalogue = _catalogue(None)
    kit = plan_kit(catalogue, catalogue.bundles["national-induction"])
    complete = [idnumber(c.item) for c in kit.competencies if c.course_rule == "complete"]
    assert f"with its {len(catalogue.frameworks['clm'].items)} competencies" in docs
    assert f"add the {len(kit.competencies)} competencies" in docs
    assert ", ".join(f"`{c}`" for c in complete[:-1]) + f" and `{complete[-1]}`" in docs
    assert f"for the {len(kit.competencies) - len(complete)} others" in docs
    assert f"the {sum(s.mastery is not None for s in kit.scos)} SCOs with a knowledge check" in docs
    assert f"*Require minimum score* {kit.pass_mark}" in docs


def test_a_bundle_built_only_as_scorm_2004_gets_that_package_and_its_objective_ids(tmp_path):
    project = copy_sample(tmp_path / "project")
    path = project / "bundles/national-induction.yml"
    path.write_text(path.read_text().replace('versions: ["1.2", "2004"]', 'versions: ["2004"]'))
    catalogue, _ = load_catalogue(project, None)
    kit = plan_kit(catalogue, catalogue.bundles["national-induction"])
    assert kit.package == "national-induction-1.0.0-scorm2004.zip"
    framework = catalogue.frameworks["clm"]
    assert {o for s in kit.scos for o in s.objectives} == {framework.permalink(c.item.code) for c in kit.competencies
                                                           if c.activity_rule == "complete"}
    from bundlesmith.lms import render, setup

    sheet = render.markdown(setup.title(kit), setup.blocks(kit)).decode()
    assert "its id is the standard's permalink" in sheet
    assert "this bundle is not built as SCORM 1.2" in sheet


def test_an_id_number_over_100_characters_is_shortened_uniquely_not_cut_by_the_lms():
    """A framework id may have 80 characters and a code 40: their id number would pass Moodle's 100."""
    from dataclasses import replace

    framework = _catalogue(None).frameworks["clm"]
    long_id = "a" + "b" * 79
    items = tuple(replace(i, framework=long_id, code=i.code + "-" + "x" * (39 - len(i.code)),
                          parent=i.parent and i.parent + "-" + "x" * (39 - len(i.parent))) for i in framework.items)
    long = replace(framework, id=long_id, items=items)
    ids = [idnumber(i) for i in long.items]
    assert all(len(f"{long_id}.{i.code}") > 100 for i in long.items)
    assert {len(i) for i in ids} == {100} and len(set(ids)) == len(ids)
    assert ids == [idnumber(i) for i in long.items]  # the same every time
    imported = moodle_import(competencies.moodle_csv(long))["competencies"]
    assert list(imported) == ids
    assert [c["parent"] for c in imported.values()] == [idnumber(next(p for p in items if p.code == i.parent))
                                                        if i.parent else "" for i in items]
