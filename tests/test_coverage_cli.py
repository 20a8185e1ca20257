"""`bundlesmith coverage` as a reviewer and a CI pipeline run it: formats, --since, and each --fail-on condition."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from bundlesmith.cli import cli

FIXTURE = Path(__file__).parent / "fixtures" / "coverage" / "project"
TODAY = "2026-06-01"


@pytest.fixture
def root(tmp_path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(FIXTURE, target)
    return target


def run(root: Path, *args: str, today: str = TODAY):
    return CliRunner().invoke(cli, ["-C", str(root), "coverage", *args, "--today", today])


def offenders(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": error: " in line]


def test_without_options_it_prints_one_summary_line_per_bundle(root):
    result = run(root)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["alpha 2.0.0", "beta 1.0.0", "clean 1.0.0"]
    assert ("5 targeted standard(s), 2 met, 1 assessed; gaps: 3 (2 not met, 1 met only by draft or retired content, "
            "0 met only by local content); unassessed: 1 delivered but never assessed; level gaps: 0 expected at this "
            "level but not targeted, 0 targeted but only introduced; 1 module(s) overdue; 1 co-production flag(s)") in lines[0]


def test_gaps_fail_with_the_list_of_offenders_and_pass_when_there_are_none(root):
    failing = run(root, "alpha", "--fail-on", "gaps")
    assert failing.exit_code == 1
    assert offenders(failing) == [
        "bundles/alpha.yml:12: error: alpha: tf:D1.3 Noticing: no module of the bundle aligns to this standard [coverage-not-met]",
        ("bundles/alpha.yml:13: error: alpha: tf:D2.1 Raising concerns: only draft or retired modules align to it: "
         "m-draft (draft) [coverage-draft-or-retired-only]"),
        ("bundles/alpha.yml:14: error: alpha: tf:D2.2 Local escalation: no module of the bundle aligns to this standard "
         "[coverage-not-met]"),
    ]
    assert "coverage: 3 offender(s) for --fail-on gaps" in failing.stderr
    passing = run(root, "clean", "beta", "--fail-on", "gaps")
    assert passing.exit_code == 0, passing.output
    assert offenders(passing) == []


def test_local_only_content_is_a_gap_for_the_variant(root):
    result = run(root, "alpha", "--variant", "localvar", "--fail-on", "gaps")
    assert result.exit_code == 1
    assert ("bundles/alpha.yml:14: error: alpha: tf:D2.2 Local escalation: met only by local (variant) content: m-local "
            "[coverage-local-only]") in offenders(result)


def test_unassessed_fails_and_passes(root):
    failing = run(root, "alpha", "--fail-on", "unassessed")
    assert failing.exit_code == 1
    assert offenders(failing) == [("bundles/alpha.yml:12: error: alpha: tf:D1.2 Supporting: delivered but no module "
                                   "assesses it: m-listen (I), m-support (D) [coverage-unassessed]")]
    assert run(root, "beta", "clean", "--fail-on", "unassessed").exit_code == 0


def test_overdue_fails_after_the_review_date_and_passes_before_it(root):
    failing = run(root, "beta", "--fail-on", "overdue")
    assert failing.exit_code == 1
    assert offenders(failing) == [("content/modules/m-support.md:24: error: beta: module m-support was due for review on "
                                   "2026-01-01 (151 days ago) [coverage-overdue]")]
    assert run(root, "beta", "--fail-on", "overdue", today="2025-12-31").exit_code == 0
    assert run(root, "clean", "--fail-on", "overdue").exit_code == 0


def test_co_production_fails_on_a_missing_required_role_or_writing_team_only(root):
    failing = run(root, "alpha", "beta", "--fail-on", "co-production")
    assert failing.exit_code == 1
    assert offenders(failing) == [
        ("content/modules/m-support.md:22: error: alpha: module m-support has none of the roles the bundle requires "
         "(patient-representative, carer) [coverage-missing-required-role]"),
        ("content/modules/m-support.md:22: error: beta: module m-support was shaped only by the writing team "
         "[coverage-writing-team-only]"),
    ]
    assert run(root, "clean", "--fail-on", "co-production").exit_code == 0


def test_level_gaps_fail_on_standards_expected_but_not_targeted_or_only_introduced(root):
    failing = run(root, "beta", "--fail-on", "level-gaps")
    assert failing.exit_code == 1
    assert offenders(failing) == [
        ("bundles/beta.yml:1: error: beta: tf:D1.3 Noticing: expected at this bundle's level but not targeted "
         "(level first-line) [coverage-expected-not-targeted]"),
        ("bundles/beta.yml:1: error: beta: tf:D3.1 Partners: expected at this bundle's level but not targeted "
         "(level first-line) [coverage-expected-not-targeted]"),
    ]
    module = root / "content" / "modules" / "m-support.md"
    module.write_text(module.read_text(encoding="utf-8").replace("strength: develops", "strength: introduces"),
                      encoding="utf-8")
    only_introduced = [line for line in offenders(run(root, "alpha", "--fail-on", "level-gaps"))
                       if "[coverage-targeted-only-introduced]" in line]
    assert only_introduced == [("bundles/alpha.yml:12: error: alpha: tf:D1.2 Supporting: targeted but only introduced "
                                "(level induction) [coverage-targeted-only-introduced]")]


def test_every_condition_at_once_passes_on_a_clean_bundle(root):
    result = run(root, "clean", "--fail-on", "gaps,unassessed,overdue,co-production")
    assert result.exit_code == 0, result.output
    everything = run(root, "--fail-on", "gaps,unassessed,overdue,co-production")
    assert everything.exit_code == 1
    assert len(offenders(everything)) == 3 + 1 + 2 + 2  # alpha gaps+unassessed, m-support overdue twice, co-production twice


def test_an_unknown_condition_is_a_usage_error(root):
    result = run(root, "--fail-on", "gaps,typos")
    assert result.exit_code == 2
    assert "unknown condition(s) typos (choose from gaps, unassessed, level-gaps, overdue, co-production)" in result.stderr


def test_a_fixed_project_passes_the_gate(root):
    """The story of a content team: the gate fails, they fix the content, it passes."""
    assert run(root, "beta", "--fail-on", "overdue,co-production").exit_code == 1
    module = root / "content/modules/m-support.md"
    module.write_text(module.read_text()
                      .replace("next_review: 2026-01-01", "next_review: 2027-01-01")
                      .replace("  - role: educator\n", "  - role: staff-network\n    contribution: Checked it.\n"
                                                       "  - role: educator\n"))
    assert run(root, "beta", "--fail-on", "overdue,co-production").exit_code == 0


def test_json_to_stdout_is_the_same_document_as_the_file(root, tmp_path):
    printed = run(root, "alpha", "--format", "json")
    assert printed.exit_code == 0, printed.output
    written = run(root, "alpha", "--format", "json", "-o", str(tmp_path / "alpha.json"))
    assert written.exit_code == 0
    assert printed.stdout == (tmp_path / "alpha.json").read_text()
    assert json.loads(printed.stdout)["summary"]["gaps"] == 4
    several = json.loads(run(root, "alpha", "beta", "--format", "json").stdout)
    assert [d["bundle"]["id"] for d in several["bundles"]] == ["alpha", "beta"]


def test_xlsx_needs_a_file_and_is_written_to_it(root, tmp_path):
    refused = run(root, "alpha", "--format", "xlsx")
    assert refused.exit_code == 2
    assert "xlsx is a binary format: give a file with -o" in refused.stderr
    result = run(root, "alpha", "--format", "xlsx", "-o", str(tmp_path / "alpha.xlsx"))
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(tmp_path / "alpha.xlsx").sheetnames[0] == "Summary"


def test_output_folder_receives_every_format(root, tmp_path):
    result = run(root, "-o", str(tmp_path / "reports"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reports/alpha/coverage.xlsx").is_file()
    assert (tmp_path / "reports/framework.html").is_file()
    csvs = run(root, "alpha", "beta", "--format", "csv", "-o", str(tmp_path / "csv"))
    assert csvs.exit_code == 0
    assert sorted(p.relative_to(tmp_path / "csv").as_posix() for p in (tmp_path / "csv").rglob("*.csv")) == [
        "alpha/alignments.csv", "alpha/gaps.csv", "alpha/matrix.csv",
        "beta/alignments.csv", "beta/gaps.csv", "beta/matrix.csv"]


def test_since_reports_what_changed_since_the_accredited_version(root, tmp_path):
    accredited = tmp_path / "accredited.json"
    assert run(root, "alpha", "--format", "json", "-o", str(accredited)).exit_code == 0
    module = root / "content/modules/m-listen.md"
    module.write_text(module.read_text().replace("version: 1.1.0", "version: 2.0.0"))
    result = run(root, "alpha", "--format", "md", "--since", str(accredited))
    assert result.exit_code == 0, result.output
    assert "- version bumped: m-listen 1.1.0 → 2.0.0" in result.stdout
    other = run(root, "beta", "--since", str(accredited))
    assert other.exit_code == 2
    assert "is the report of bundle 'alpha', which is not being reported" in other.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    refused = run(root, "alpha", "--since", str(bad))
    assert refused.exit_code == 2
    assert "is not a bundle's coverage.json" in refused.stderr


def test_an_unknown_bundle_is_a_usage_error(root):
    result = run(root, "gamma")
    assert result.exit_code == 2
    assert "no bundle gamma (bundles: alpha, beta, clean)" in result.stderr


def test_broken_content_stops_the_report_with_path_and_line(root):
    module = root / "content/modules/m-assess.md"
    module.write_text(module.read_text().replace("standard: tf:D1.2", "standard: tf:D9.9"))
    result = run(root, "clean")
    assert result.exit_code == 1
    assert "content/modules/m-assess.md:" in result.stderr and "[unknown-standard]" in result.stderr
    assert result.stdout == ""


def test_help_ends_with_an_example():
    result = CliRunner().invoke(cli, ["coverage", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert "bundlesmith coverage --fail-on gaps,unassessed,level-gaps,overdue,co-production" in result.stdout
