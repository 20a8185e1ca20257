"""A team releases an accredited version of a bundle, changes the content, and releases the next version:
each release is a folder for the team to commit, verified by its SHA256SUMS, never overwritten, and the
second one's change log says what changed, as worked out by hand."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner

from bundlesmith.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = "2026-12-01"
BUNDLE = "bundles/national-induction.yml"
SPEAKING_UP = "content/modules/induction/speaking-up-and-listening-up.md"


def release(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), "release", "national-induction", "--today", TODAY, *args])


def edit(root: Path, rel: str, *replacements: tuple[str, str]) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def change_the_content(root: Path) -> None:
    """Version 1.1.0: a module swapped for another, a module revised (10 more guided minutes, one more
    co-creation record, version bumped), a target swapped for one the new module assesses."""
    edit(root, SPEAKING_UP, ("version: 1.2.0", "version: 1.3.0"), ("  guided: 20", "  guided: 30"),
         ("co_creation:\n", ("co_creation:\n  - role: staff-network\n    contribution: The race equality network "
                             "checked the speaking-up routes.\n    date: 2026-11-20\n")))
    edit(root, BUNDLE, ("version: 1.0.0", "version: 1.1.0"),
         ("      - your-development-and-appraisal\n", "      - inclusive-leadership-in-practice\n"),
         ("  - clm:D6.2\n", "  - clm:D2.3\n"),
         ("        - module: your-development-and-appraisal\n          minutes: 20\n",  # and its session
          "        - module: inclusive-leadership-in-practice\n          minutes: 160\n"))


def build_only(project: Path, *outputs: str):
    return CliRunner().invoke(cli, ["-C", str(project), "build", "--force", *(f"--only={o}" for o in outputs)])


def sums_verify(folder: Path) -> bool:
    listed = {}
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    return set(listed) == files and all(hashlib.sha256((folder / n).read_bytes()).hexdigest() == d
                                        for n, d in listed.items())


def test_a_release_then_a_change_then_a_second_release_gives_the_hand_worked_change_log(project):
    first = release(project)
    assert first.exit_code == 0, first.output
    assert first.stdout == ("released national-induction 1.0.0 to releases/national-induction/1.0.0/ "
                            "(67 files; its first release)\n")
    one = project / "releases/national-induction/1.0.0"
    assert sorted(p.name for p in (one / "packages").iterdir()) == [
        f"national-induction-1.0.0{variant}-scorm{v}.{ext}" for variant in ("-riverside-ics", "")
        for v in ("12", "2004") for ext in ("provenance.json", "zip")]
    assert {"coverage.json", "coverage.html", "coverage.xlsx", "coverage.md", "gaps.csv"} <= {
        p.name for p in (one / "reports").iterdir()}
    assert (one / "reports/riverside-ics/coverage.json").is_file()
    # The prior-learning maps (with their mapping records) are frozen with it: 2 crosswalks x 4 formats per view.
    assert sorted(p.name for p in (one / "reports").glob("rpl-*")) == [
        f"rpl-{c}.{f}" for c in ("care-certificate", "l5-leadership-management") for f in ("csv", "html", "json", "xlsx")]
    # What an LMS administrator and an issuer need is frozen with it too, byte for byte as build writes it.
    built = project / "build"
    assert build_only(project, "lms", "badges", "case").exit_code == 0
    for kept, made in (("lms", "lms/national-induction"), ("lms/riverside-ics", "lms/riverside-ics/national-induction"),
                       ("badges", "badges"), ("badges/riverside-ics", "badges/riverside-ics"), ("case", "case")):
        names = sorted(p.name for p in (one / kept).iterdir() if p.is_file())
        assert names and names == sorted(p.name for p in (built / made).iterdir() if p.is_file()
                                         and (kept.startswith(("lms", "case")) or p.name.startswith("national-induction.")))
        assert all((one / kept / n).read_bytes() == (built / made / n).read_bytes() for n in names)
    assert sorted(p.name for p in (one / "print").iterdir()) == sorted(
        f"national-induction-1.0.0{variant}-{kind}" for variant in ("-riverside-ics", "")
        for kind in ("facilitator.pdf", "handbooks.provenance.json", "learner.pdf"))
    assert sums_verify(one)
    record = json.loads((one / "release.json").read_text())
    assert (record["bundle"], record["version"], record["released"], record["previous"]) == (
        "national-induction", "1.0.0", TODAY, None)
    assert record["content_hash"] == json.loads((one / "reports/coverage.json").read_text())["provenance"]["content_hash"]
    assert record["crosswalks"] == [  # the prior-learning maps' inputs, which no report's content hash covers
        {"file": path, "sha256": hashlib.sha256((project / path).read_bytes()).hexdigest()}
        for path in ("content/crosswalks/care-certificate.yml", "content/crosswalks/l5-leadership-management.yml")]
    assert "First release." in (one / "CHANGELOG.md").read_text()

    change_the_content(project)
    second = release(project)
    assert second.exit_code == 0, second.output
    assert second.stdout.endswith("(67 files; CHANGELOG.md compares it with 1.0.0)\n")
    two = project / "releases/national-induction/1.1.0"
    assert sums_verify(two) and sums_verify(one)
    # By hand: guided 110 min (15+20+20+20+20+15) - 15 (appraisal removed) + 10 (speaking up) + 160 (inclusive
    # leadership added) = 265 min; self-directed 240 - 40 + 90 = 290 min. The new module brings its own four
    # co-creation records; D6.2 was met by the appraisal module only and is no longer targeted.
    expected = (FIXTURES / "release/CHANGELOG-1.1.0.md").read_text().format(
        content_hash=json.loads((two / "release.json").read_text())["content_hash"],
        previous_hash=record["content_hash"])
    assert (two / "CHANGELOG.md").read_text() == expected
    assert json.loads((two / "release.json").read_text())["previous"] == "1.0.0"


def test_a_released_version_is_refused_with_the_path_of_the_existing_one(project):
    assert release(project).exit_code == 0
    folder = project / "releases/national-induction/1.0.0"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    again = release(project)
    assert again.exit_code == 1
    assert again.stderr == (
        f"{BUNDLE}:1: error: version 1.0.0 of national-induction is already released in "
        "releases/national-induction/1.0.0/ (bump 'version' in bundles/national-induction.yml to release the "
        "changes) [release-exists]\nrelease stopped: 1 problem(s); nothing was written\n")
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_an_edited_previous_release_is_not_read(project):
    assert release(project).exit_code == 0
    report = project / "releases/national-induction/1.0.0/reports/coverage.json"
    report.write_text(report.read_text().replace('"version": "1.2.0"', '"version": "0.9.0"'))
    change_the_content(project)
    result = release(project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "releases/national-induction/1.0.0/SHA256SUMS: error: the release in releases/national-induction/1.0.0/ "
        "does not verify: 'reports/coverage.json' has changed since it was released; it is not read (restore the "
        "folder from version control) [release-unverified]")
    assert not (project / "releases/national-induction/1.1.0").exists()


def test_a_file_slipped_into_a_previous_release_is_noticed(project):
    assert release(project).exit_code == 0
    (project / "releases/national-induction/1.0.0/reports/extra.csv").write_text("a,b\n")
    change_the_content(project)
    result = release(project)
    assert result.exit_code == 1
    assert "'reports/extra.csv' is not listed in SHA256SUMS" in result.stderr


def test_release_is_refused_while_a_content_gate_fails(project):
    edit(project, SPEAKING_UP, ("## ", ("![](../../assets/missing-words.svg){ .decorative }\n\n"
                                        "Speaking up in the NHS matters.\n\n## ")))
    (project / "content/assets").mkdir(exist_ok=True)
    (project / "content/assets/missing-words.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>')
    result = release(project)
    assert result.exit_code == 1
    assert "[acronym-not-expanded]" in result.stderr  # a warning for check, a failure for a release
    assert result.stderr.endswith("release stopped: 1 problem(s); nothing was written\n")
    assert not (project / "releases").exists()


def test_release_is_refused_while_the_bundles_release_gate_trips(project):
    edit(project, BUNDLE, ("fail_on: [gaps, unassessed, overdue, co-production]",
                           "fail_on: [gaps, unassessed, level-gaps, overdue, co-production]"))
    result = release(project)
    assert result.exit_code == 1
    assert ("bundles/national-induction.yml:1: error: national-induction: clm:D1.4 Wellbeing of self and others: "
            "expected at this bundle's level but not targeted (level induction) [coverage-expected-not-targeted]"
            ) in result.stderr.splitlines()
    assert not (project / "releases").exists()


def test_an_unknown_bundle_is_a_usage_error(project):
    result = CliRunner().invoke(cli, ["-C", str(project), "release", "national-inductoin"])
    assert result.exit_code == 2
    assert "no bundle 'national-inductoin' in bundles/" in result.stderr
    assert "did you mean 'national-induction'?" in result.stderr
