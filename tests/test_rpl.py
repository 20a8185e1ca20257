"""A holder of an earlier course is told exactly what they may skip, with answers worked out by hand.

The project is tests/fixtures/minimal with tests/fixtures/rpl laid over it. Framework `tf`: D1.1 (one
indicator, D1.1.a) and D1.2 (no indicators). Bundle `starter`: listening (30 min, assesses D1.1 with LO1),
supporting (45 min, assesses D1.2 with LO1) and helping (60 min; LO1 develops D1.1.a, evidence
#listening-first; LO2 assesses D1.2, evidence #practical-help; LO3 only introduces D1.1).

Course A: "1" isPartOf D1.1.a, full; "2" isRelatedTo D1.2, partial.
- listening: D1.1's only indicator is fully covered by parts → met → exempt, saves 30.
- supporting: D1.2 has only a partial, related mapping → take, saves 0.
- helping: D1.1.a met (by "1"), D1.2 not → top-up. LO1 is named only by the met alignment, so it is done;
  LO2 (unmet) and LO3 (introduces only) remain; saves 60 × 1/3 = 20. The section left: "Practical help".
- 1 exempt, 1 top-up, 1 take; saves 30 + 0 + 20 = 50 of 135 minutes.

Course B: "A" exactMatchOf D1.2, full; "B" isRelatedTo D1.1, full (a related mapping never meets anything).
- listening: take (0). supporting: exempt (45). helping: D1.2 met, D1.1.a not → top-up: LO1 and LO3
  remain, saves 20, section "Listening first". 1 exempt, 1 top-up, 1 take; saves 65 of 135.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = "2026-11-23"


@pytest.fixture
def root(tmp_path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", target)
    shutil.copytree(FIXTURES / "rpl", target, dirs_exist_ok=True)
    return target


def rpl(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), "rpl", *args, "--today", TODAY])


def decisions(doc: dict) -> dict:
    return {m["id"]: (m["decision"], m["minutes_saved"], [o["id"] for o in m["remaining_outcomes"]],
                      [s["title"] for s in m["remaining_sections"]]) for m in doc["modules"]}


def test_course_a_holder_is_exempt_from_listening_tops_up_helping_and_takes_supporting(root):
    result = rpl(root, "starter", "--from", "course-a", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert decisions(doc) == {
        "listening": ("exempt", 30, [], []),
        "supporting": ("take", 0, [], []),
        "helping": ("top-up", 20, ["LO2", "LO3"], ["Practical help"]),
    }
    assert doc["summary"] == {"modules": 3, "exempt": 1, "top_up": 1, "take": 1, "minutes_total": 135,
                              "minutes_saved": 50}
    listening = next(m for m in doc["modules"] if m["id"] == "listening")
    assert listening["alignments"] == [{"standard": "tf:D1.1", "strength": "assesses", "met": True,
                                        "met_by": ["1 -> tf:D1.1.a"], "related": ["1 -> tf:D1.1.a"]}]
    assert listening["evidence"] == [{"evidence": "certificate", "currency_months": 24, "from": "1"}]


def test_course_b_holder_gets_the_mirror_answer_and_a_related_mapping_counts_for_nothing(root):
    doc = json.loads(rpl(root, "starter", "--from", "course-b", "--format", "json").stdout)
    assert decisions(doc) == {
        "listening": ("take", 0, [], []),
        "supporting": ("exempt", 45, [], []),
        "helping": ("top-up", 20, ["LO1", "LO3"], ["Listening first"]),
    }
    assert doc["summary"]["minutes_saved"] == 65


def test_the_mapping_record_keeps_every_mapping_with_its_evidence_rule_and_the_modules_it_bears_on(root):
    doc = json.loads(rpl(root, "starter", "--from", "course-a", "--format", "json").stdout)
    assert doc["mappings"] == [
        {"from": "1", "from_title": "Attentive listening", "to": "tf:D1.1.a", "to_title": "Gives full attention.",
         "relation": "isPartOf", "coverage": "full", "gap": "", "route": "exemption", "evidence": ["certificate"],
         "currency_months": 24, "modules": ["listening", "helping"],
         "source_line": "content/crosswalks/course-a.yml:18"},
        {"from": "2", "from_title": "Teamwork", "to": "tf:D1.2", "to_title": "Supporting", "relation": "isRelatedTo",
         "coverage": "partial", "gap": "Teamwork is not practical help.", "route": "top-up",
         "evidence": ["professional-discussion"], "currency_months": None, "modules": ["supporting", "helping"],
         "source_line": "content/crosswalks/course-a.yml:19"},
    ]


def test_the_text_map_tells_the_holder_what_to_skip_and_what_to_bring(root):
    result = rpl(root, "starter", "--from", "course-a")
    assert result.stdout == (
        "Starter bundle 1.0.0 for holders of Course A 2 (crosswalk course-a)\n"
        "  exempt           listening (saves 30 of 30 min)\n"
        "      evidence: certificate for 1 (within 24 months)\n"
        "  take the module  supporting (saves 0 of 45 min)\n"
        "  top-up           helping (saves 20 of 60 min)\n"
        "      still to do: LO2 Offer practical help that fits.\n"
        "      still to do: LO3 Explain why listening comes first.\n"
        "      section: Practical help\n"
        "      evidence: certificate for 1 (within 24 months)\n"
        "1 exempt, 1 top-up, 1 to take; a holder saves 50 of 135 min\n")


def test_an_unknown_crosswalk_or_bundle_is_a_usage_error(root):
    result = rpl(root, "starter", "--from", "course-c")
    assert result.exit_code == 2
    assert "no crosswalk 'course-c' (available: course-a, course-b); did you mean 'course-b'?" in result.stderr
    assert rpl(root, "startr", "--from", "course-a").exit_code == 2


def test_a_broken_crosswalk_stops_the_map_with_the_errors_at_their_lines(root):
    path = root / "content/crosswalks/course-a.yml"
    path.write_text(path.read_text().replace('{from: "2", to: tf:D1.2', '{from: "3", to: tf:D1.2'))
    result = rpl(root, "starter", "--from", "course-a")
    assert result.exit_code == 1
    assert "content/crosswalks/course-a.yml:19: error: '3' is not an item of course-a" in result.stderr
    assert "Traceback" not in result.output


def test_build_writes_each_bundles_map_in_four_formats_and_escapes_what_content_says(root):
    path = root / "content/crosswalks/course-b.yml"
    path.write_text(path.read_text().replace("title: Course B\n", "title: =HYPERLINK(\"x\") <script>alert(1)</script>\n"))
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "--only", "reports", "--today", TODAY, "-j", "1"])
    assert result.exit_code == 0, result.output
    folder = root / "build/reports/starter"
    names = sorted(p.name for p in folder.glob("rpl-*"))
    assert names == [f"rpl-{c}.{f}" for c in ("course-a", "course-b") for f in ("csv", "html", "json", "xlsx")]
    doc = json.loads((folder / "rpl-course-a.json").read_text())
    assert decisions(doc)["helping"] == ("top-up", 20, ["LO2", "LO3"], ["Practical help"])
    page = (folder / "rpl-course-b.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    modules, _, record = (folder / "rpl-course-a.csv").read_text().partition("\n\n")
    rows = list(csv.DictReader(io.StringIO(modules)))
    assert [(r["module"], r["standard"], r["met"]) for r in rows] == [
        ("listening", "tf:D1.1", "true"), ("supporting", "tf:D1.2", "false"),
        ("helping", "tf:D1.1.a", "true"), ("helping", "tf:D1.2", "false")]
    assert [r["from"] for r in csv.DictReader(io.StringIO(record))] == ["1", "2"]
    assert (folder / "rpl-course-b.xlsx").read_bytes()[:2] == b"PK"
    again = root / "again"
    CliRunner().invoke(cli, ["-C", str(root), "build", "--only", "reports", "--today", TODAY, "-j", "1", "--force",
                             "-o", str(again)])
    assert all((again / "reports/starter" / n).read_bytes() == (folder / n).read_bytes() for n in names)


def test_the_site_tells_a_holder_on_each_bundle_what_they_may_skip(root):
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "--only", "site", "--only", "reports", "--today", TODAY,
                                      "-j", "1"])
    assert result.exit_code == 0, result.output
    site = root / "build/site"
    bundle_page = (site / "bundles/starter/index.html").read_text()
    assert 'href="prior-learning/index.html"' in bundle_page
    assert ('href="../../reports/starter/rpl-course-a.xlsx" download>Prior-learning map for holders of course-a '
            '(spreadsheet)</a>') in bundle_page
    page = (site / "bundles/starter/prior-learning/index.html").read_text()
    assert "Already hold Course A (2)?" in page and "Already hold Course B (1)?" in page
    course_a = page.split('<h2 id="bs-course-a"')[1].split('<h2 id="bs-course-b"')[0]
    assert "You may skip 1 of 3 modules and take only part of 1 more: that saves 50 min of 2 h 15 min." in course_a
    assert "<li>Offer practical help that fits.</li><li>Explain why listening comes first.</li>" in course_a
    assert 'href="../../../modules/helping/index.html#practical-help">Practical help</a>' in course_a
    assert "<li>Certificate for 1 Attentive listening, from the last 24 months</li>" in course_a


def test_a_gap_in_what_the_bundle_targets_does_not_stop_the_map(root):
    bundle = root / "bundles/starter.yml"
    bundle.write_text(bundle.read_text().replace("targets: [tf:D1]", "targets: [tf:D1, tf:D2.1]"))
    (root / "content/standards/tf.yml").write_text((root / "content/standards/tf.yml").read_text() + """\
  - code: D2
    type: domain
    title: Safety
    statement: Keeps people safe.
    items:
      - code: D2.1
        type: standard
        title: Risk
        statement: Manages risk.
        levels: [induction]
""")
    assert "[target-gap]" in CliRunner().invoke(cli, ["-C", str(root), "check", "--today", TODAY]).stderr
    result = rpl(root, "starter", "--from", "course-a", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["minutes_saved"] == 50


def test_the_map_says_who_reviewed_the_crosswalk_and_on_the_date_they_wrote(root):
    doc = json.loads(rpl(root, "starter", "--from", "course-a", "--format", "json").stdout)
    # content/crosswalks/course-a.yml: reviewed: {by: Test reviewers, date: 2026-01-05, next_review: 2027-01-05}
    assert doc["crosswalk"]["reviewed"] == {"by": "Test reviewers", "date": "2026-01-05", "next_review": "2027-01-05"}
