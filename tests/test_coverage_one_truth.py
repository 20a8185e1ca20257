"""An accreditation reviewer trusts that every view of a bundle says the same thing. For each tricky case below
(a small change to tests/fixtures/minimal/, with its answer worked out by hand), every reader must agree with
the answer: the coverage model, `check`'s diagnostics, coverage.json, the XLSX summary sheet, matrix.csv and
gaps.csv, the `--fail-on` gate's exit codes, the CLI summary line and the site's bundle page.

The minimal project: framework tf, domain D1 with D1.1 Listening (level induction, indicator D1.1.a) and D1.2
Supporting (level first-line); bundle `starter` (level induction) targets tf:D1 with `listening` (assesses
D1.1 by knowledge check) and `supporting` (assesses D1.2 by workplace observation), both approved.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from click.testing import CliRunner

from bundlesmith import pipeline
from bundlesmith.cli import cli
from bundlesmith.coverage.compute import bundle_coverage
from bundlesmith.coverage.model import STATUSES, bundle_coverage_model
from test_check_bad_input import TODAY, make_project

LISTENING = "content/modules/listening.md"
SUPPORTING = "content/modules/supporting.md"
BUNDLE = "bundles/starter.yml"
THIRD = """---
id: third
title: A third module
version: 1.0.0
summary: Another module.
levels: [induction]
time:
  guided: 5
  self_directed: 5
outcomes:
  - id: LO1
    text: Do a thing.
standards:
  - standard: tf:D1.1
    strength: assesses
    outcomes: [LO1]
    assessment:
      method: workplace-observation
co_creation:
  - role: patient-representative
    contribution: Checked it.
review:
  status: draft
  reviewed: 2026-01-10
  next_review: 2027-01-10
licence: CC-BY-4.0
---

# A third module

Text.
"""
VARIANT = """id: north
title: North ICS
bundles:
  - bundle: starter
    add:
      - section: Local
        modules: [north-supporting]
"""

# name: (edits {file: [(old, new)] or new text}, variant, {target: status}, gaps {target: kinds}, level gaps)
CASES = {
    "all-met-and-assessed": ({}, None, {"tf:D1.1": "assessed", "tf:D1.2": "assessed"}, {}, []),
    "a-module-set-to-draft": ({SUPPORTING: [("status: approved", "status: draft")]}, None,
                              {"tf:D1.1": "assessed", "tf:D1.2": "draft-or-retired-only"},
                              {"tf:D1.2": ["draft-or-retired-only"]}, []),
    "a-retired-module": ({LISTENING: [("status: approved", "status: retired")]}, None,
                         {"tf:D1.1": "draft-or-retired-only", "tf:D1.2": "assessed"},
                         {"tf:D1.1": ["draft-or-retired-only"]}, []),
    "an-in-review-module-counts": ({LISTENING: [("status: approved", "status: in-review")]}, None,
                                   {"tf:D1.1": "assessed", "tf:D1.2": "assessed"}, {}, []),
    "an-indicator-target-a-standard-alignment-does-not-meet": (
        {BUNDLE: [("targets: [tf:D1]", "targets: [tf:D1.1.a]")]}, None,
        {"tf:D1.1.a": "not-met"}, {"tf:D1.1.a": ["not-met"]}, [("tf:D1.1", "expected-not-targeted")]),
    "an-indicator-target-met-by-its-indicator": (
        {BUNDLE: [("targets: [tf:D1]", "targets: [tf:D1.1.a]")],
         LISTENING: [("  - standard: tf:D1.1\n", "  - standard: tf:D1.1.a\n")]}, None,
        {"tf:D1.1.a": "assessed"}, {}, [("tf:D1.1", "expected-not-targeted")]),
    "developed-never-assessed": (
        {SUPPORTING: [("strength: assesses", "strength: develops"),
                      ("    assessment:\n      method: workplace-observation\n", "")]}, None,
        {"tf:D1.1": "assessed", "tf:D1.2": "delivered"}, {"tf:D1.2": ["unassessed"]}, []),
    "only-introduced-at-the-bundles-level": (
        {LISTENING: [("strength: assesses", "strength: introduces"),
                     ("    assessment:\n      method: knowledge-check\n      items: [q1]\n", "")]}, None,
        {"tf:D1.1": "delivered", "tf:D1.2": "assessed"}, {"tf:D1.1": ["unassessed"]},
        [("tf:D1.1", "targeted-only-introduced")]),
    "an-assessment-by-a-draft-module-does-not-count": (
        {LISTENING: [("strength: assesses", "strength: develops"),
                     ("    assessment:\n      method: knowledge-check\n      items: [q1]\n", "")],
         "content/modules/third.md": THIRD, BUNDLE: [("[listening, supporting]", "[listening, supporting, third]")]},
        None, {"tf:D1.1": "delivered", "tf:D1.2": "assessed"}, {"tf:D1.1": ["unassessed"]}, []),
    "expected-at-the-level-but-not-targeted": ({BUNDLE: [("targets: [tf:D1]", "targets: [tf:D1.2]")]}, None,
                                               {"tf:D1.2": "assessed"}, {}, [("tf:D1.1", "expected-not-targeted")]),
    "a-framework-target-expands-to-its-standards": ({BUNDLE: [("targets: [tf:D1]", "targets: [tf]")]}, None,
                                                    {"tf:D1.1": "assessed", "tf:D1.2": "assessed"}, {}, []),
    "a-prerequisite-outside-the-bundle-meets-nothing": (
        {BUNDLE: [("[listening, supporting]", "[supporting]")]}, None,
        {"tf:D1.1": "not-met", "tf:D1.2": "assessed"}, {"tf:D1.1": ["not-met"]}, []),
    "a-target-met-only-by-local-content": (
        {BUNDLE: [("[listening, supporting]", "[listening]")],
         "content/variants/north/variant.yml": VARIANT,
         "content/variants/north/modules/north-supporting.md": None},  # filled from supporting.md below
        "north", {"tf:D1.1": "assessed", "tf:D1.2": "local-only"}, {"tf:D1.2": ["local-only"]}, []),
}


def _project(tmp_path, edits: dict):
    from pathlib import Path

    minimal = Path(__file__).parent / "fixtures" / "minimal"
    files = {}
    for rel, change in edits.items():
        if change is None:  # a local copy of supporting, under its own id
            files[rel] = (minimal / SUPPORTING).read_text().replace("id: supporting", "id: north-supporting")
        elif isinstance(change, str):
            files[rel] = change
        else:
            text = (minimal / rel).read_text()
            for old, new in change:
                assert old in text, (rel, old)
                text = text.replace(old, new, 1)
            files[rel] = text
    return make_project(tmp_path, files)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_reader_tells_the_same_truth(tmp_path, name):
    edits, variant, statuses, gaps, level_gaps = CASES[name]
    root = _project(tmp_path, edits)
    failing = {ref for ref, kinds in gaps.items() if set(kinds) & {"not-met", "draft-or-retired-only", "local-only"}}
    unassessed = {ref for ref, kinds in gaps.items() if "unassessed" in kinds}
    met = sum(s in ("assessed", "delivered", "local-only") for s in statuses.values())
    assessed = sum(s == "assessed" or (s == "local-only" and ref not in unassessed) for ref, s in statuses.items())

    # the model
    checked = pipeline.check(root, variant, None)
    catalogue = checked.catalogue
    model = bundle_coverage_model(catalogue, catalogue.bundles["starter"])
    assert {c.item.ref: c.status for c in model.targets} == statuses
    assert {c.item.ref: list(c.gaps) for c in model.targets if c.gaps} == gaps
    assert [(g.item.ref, g.kind) for g in model.level_gaps] == level_gaps

    # check (this view): an error per target not met or met only by draft or retired content, a warning per other gap
    lines = [d.format() for d in checked.diagnostics]
    gap_errors = {re.search(r"target (\S+)", ln).group(1) for ln in lines if ln.endswith("[target-gap]")}
    assert gap_errors == {r for r in failing if statuses[r] in ("not-met", "draft-or-retired-only")}
    assert {re.search(r"target (\S+)", ln).group(1) for ln in lines if "[target-local-only]" in ln} == {
        r for r, s in statuses.items() if s == "local-only"}
    assert {re.search(r"target (\S+)", ln).group(1) for ln in lines if "[target-never-assessed]" in ln} == unassessed

    # coverage.json
    doc = bundle_coverage(catalogue, catalogue.bundles["starter"], today=None)
    assert {s["ref"]: s["status"] for s in doc["standards"]} == statuses
    assert {g["standard"]: [x["kind"] for x in doc["gaps"] if x["standard"] == g["standard"]] for g in doc["gaps"]} == gaps
    assert [(g["standard"], g["kind"]) for g in doc["level_gaps"]] == level_gaps
    assert (doc["summary"]["targeted_standards"], doc["summary"]["met"], doc["summary"]["assessed"]) == (
        len(statuses), met, assessed)

    # the reports as files, the gate and the summary line
    out = tmp_path / "reports"
    runner = CliRunner()
    base = ["-C", str(root), "coverage", "starter", "--today", TODAY] + (["--variant", variant] if variant else [])
    made = runner.invoke(cli, [*base, "--format", "xlsx", "-o", str(out / "c.xlsx")])
    assert made.exit_code == 0, made.output
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(out / "c.xlsx")["Summary"].iter_rows(min_row=2, values_only=True)}
    assert (summary["targeted standards"], summary["met"], summary["assessed"]) == (len(statuses), met, assessed)
    assert summary["level gaps"] == len(level_gaps)
    assert runner.invoke(cli, [*base, "--format", "csv", "-o", str(out / "csv")]).exit_code == 0
    matrix = list(csv.DictReader(io.StringIO((out / "csv" / "matrix.csv").read_text())))
    assert {r["standard"]: r["status"] for r in matrix} == statuses
    gap_rows = list(csv.DictReader(io.StringIO((out / "csv" / "gaps.csv").read_text())))
    assert sorted((r["standard"], r["kind"]) for r in gap_rows) == sorted((r, k) for r, ks in gaps.items() for k in ks)
    for condition, offending in (("gaps", failing), ("unassessed", unassessed), ("level-gaps", level_gaps)):
        gate = runner.invoke(cli, [*base, "--fail-on", condition])
        assert gate.exit_code == (1 if offending else 0), (condition, gate.output)
    line = runner.invoke(cli, base).stdout
    assert f"{len(statuses)} targeted standard(s), {met} met, {assessed} assessed; gaps: {len(failing)} (" in line
    assert f"unassessed: {len(unassessed)} delivered but never assessed" in line

    # the site's bundle page, as the site renders it (a build stops at check's errors; the page does not)
    from bundlesmith.render.cache import RenderCache
    from bundlesmith.render.site_pages import PageRenderer, SiteContext
    from bundlesmith.render.site_plan import SitePage, bundle_uri

    renderer = PageRenderer(SiteContext(catalogue, RenderCache(), "Test site", ""))
    page = renderer.render(SitePage(bundle_uri("starter"), "Starter bundle", "bundle", "starter"),
                           url=lambda uri: uri, root="").html
    assert (f"At a glance: {met} of {len(statuses)} targeted standards are met by this bundle's modules, and "
            f"{assessed} are assessed; {len(failing)} gap(s) and {len(unassessed)} delivered but never assessed") in page
    for ref, status in statuses.items():
        assert re.search(rf"{re.escape(ref.split(':')[1])} .*?bs-status--{status}\">{re.escape(STATUSES[status])}<",
                         page, re.S), ref


@pytest.mark.parametrize("name", ["a-module-set-to-draft", "an-indicator-target-met-by-its-indicator",
                                  "developed-never-assessed"])
def test_the_heatmap_says_the_same_in_the_report_and_on_the_site(tmp_path, name):
    """Readable without colour (a letter in every cell) and for screen readers (a title and a description)."""
    from bundlesmith.coverage import heatmap
    from bundlesmith.coverage.html import render as report_html
    from bundlesmith.render.cache import RenderCache
    from bundlesmith.render.site_pages import PageRenderer, SiteContext
    from bundlesmith.render.site_plan import SitePage, bundle_uri

    edits, variant, statuses, _, _ = CASES[name]
    catalogue = pipeline.check(_project(tmp_path, edits), variant, None).catalogue
    doc = bundle_coverage(catalogue, catalogue.bundles["starter"], today=None)
    report = report_html(doc).decode()
    page = PageRenderer(SiteContext(catalogue, RenderCache(), "Test site", "")).render(
        SitePage(bundle_uri("starter"), "Starter bundle", "bundle", "starter"), url=lambda uri: uri, root="").html
    descs = [re.search(r'<svg class="bs-heatmap".*?<desc id="[^"]+">(.*?)</desc>', text, re.S).group(1)
             for text in (report, page)]
    assert descs[0] == descs[1]
    for ref in statuses:
        assert ref in descs[0]
    letters = re.findall(r'font-weight="bold" fill="[^"]+">(\(?[IDA]\)?)</text>', heatmap.svg(*heatmap.rows_from_document(doc), "x"))
    expected = [("" if c["counts"] else "(") + c["letter"] + ("" if c["counts"] else ")")
                for r in doc["matrix"]["rows"] for c in r["cells"] if c]
    assert letters == expected
