"""Every format a reviewer opens says the same thing, validates, and is byte-identical from the same input."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import openpyxl
import pytest

from bundlesmith import pipeline
from bundlesmith.coverage.xlsx import SHEETS
from bundlesmith.emit import Staging
from bundlesmith.render.reports import report_files

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "coverage" / "project"
SCHEMA = json.loads((ROOT / "tools/bundlesmith/schemas/coverage.schema.json").read_text())
TODAY = date(2026, 6, 1)
OPTIONS = SimpleNamespace(bundles=(), today=TODAY)


def write_reports(project: Path, out: Path, variant: str | None = None) -> Path:
    checked = pipeline.check(project, variant, TODAY)
    files = report_files(checked.catalogue, [], OPTIONS).files
    with Staging(out.parent) as stage:  # the renderer returns bytes; the one writer puts them in place
        stage.write(out.name, files)
        stage.commit([out.name])
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("cov") / "project"
    shutil.copytree(FIXTURE, project)
    out = tmp_path_factory.mktemp("reports")
    write_reports(project, out / "national")
    write_reports(project, out / "localvar", "localvar")
    return out


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_reports_folder_has_every_format_for_every_bundle(reports):
    names = sorted(tree(reports / "national"))
    per_bundle = ["alignments.csv", "coverage.html", "coverage.json", "coverage.md", "coverage.xlsx", "gaps.csv", "matrix.csv"]
    assert names == sorted([f"{b}/{n}" for b in ("alpha", "beta", "clean") for n in per_bundle]
                           + [f"framework.{e}" for e in ("csv", "html", "json", "md", "xlsx")] + ["index.html"])


def test_same_input_gives_byte_identical_reports_in_every_format(reports, tmp_path):
    # A second copy of the project at another path, reported again: every byte is the same.
    project = tmp_path / "elsewhere" / "project"
    shutil.copytree(FIXTURE, project)
    for variant, name in ((None, "national"), ("localvar", "localvar")):
        again = tree(write_reports(project, tmp_path / name, variant))
        first = tree(reports / name)
        assert again.keys() == first.keys()
        different = [n for n in first if first[n] != again[n]]
        assert different == []


def test_coverage_json_validates_against_its_schema(reports):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    framework = jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/framework_coverage"})
    documents = list(reports.rglob("coverage.json"))
    assert len(documents) == 6
    for path in documents:
        validator.validate(json.loads(path.read_text()))
    for path in reports.rglob("framework.json"):
        framework.validate(json.loads(path.read_text()))


def test_the_schema_rejects_a_document_that_breaks_it(reports):
    doc = json.loads((reports / "national/alpha/coverage.json").read_text())
    doc["gaps"][0]["kind"] = "somewhat-met"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft202012Validator)


def _property_names(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        found.update(node.get("properties", {}))
        for value in node.values():
            _property_names(value, found)
    elif isinstance(node, list):
        for value in node:
            _property_names(value, found)
    return found


def test_docs_document_every_field_of_the_schema():
    doc = (ROOT / "docs/coverage.md").read_text()
    missing = sorted(n for n in _property_names(SCHEMA, set()) if f"`{n}`" not in doc)
    assert missing == []


def test_xlsx_has_the_documented_sheets_frozen_headers_filters_and_values(reports):
    path = reports / "national/alpha/coverage.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(SHEETS)
    doc = (ROOT / "docs/coverage.md").read_text()
    assert all(f"`{name}`" in doc for name in SHEETS)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        whole = f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        if ws.max_row > 1:  # the rows are a defined Excel table, with its filter, named after the sheet
            (table,) = ws.tables.values()
            assert (table.ref, table.displayName) == (whole, ws.title.replace(" ", "_").replace("-", "_")), ws.title
            assert table.autoFilter is not None and table.headerRowCount != 0
        else:
            assert ws.auto_filter.ref == whole, ws.title
        assert ws.column_dimensions["A"].width >= 10, ws.title
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    data = json.loads((reports / "national/alpha/coverage.json").read_text())
    assert (summary["targeted standards"], summary["met"], summary["assessed"], summary["gaps"]) == (5, 2, 1, 4)
    assert summary["content hash (sha256)"] == data["provenance"]["content_hash"]
    matrix = list(wb["Matrix"].iter_rows(values_only=True))
    assert matrix[0] == ("standard", "title", "status", "m-listen", "m-support", "m-draft")
    assert matrix[2] == ("tf:D1.2", "Supporting", "delivered", "I", "D", None)
    assert matrix[4] == ("tf:D2.1", "Raising concerns", "draft-or-retired-only", None, None, "(A)")
    gaps = [row[:3] for row in wb["Gaps"].iter_rows(min_row=2, values_only=True)]
    assert gaps == [("tf:D1.2", "Supporting", "Delivered but never assessed"), ("tf:D1.3", "Noticing", "Not met"),
                    ("tf:D2.1", "Raising concerns", "Met only by draft or retired content"),
                    ("tf:D2.2", "Local escalation", "Not met")]
    standards = {row[0]: row for row in wb["Standards"].iter_rows(min_row=2, values_only=True)}
    assert standards["tf:D1.2"][5:8] == ("m-listen I; m-support D", 25, 35)
    co = [row for row in wb["Co-production"].iter_rows(min_row=2, values_only=True) if row[6]]
    assert co == [("m-support", "no", "educator", "no", "Wrote the module.", None, "missing-required-role")]
    assert wb.properties.created == datetime(2000, 1, 1) and wb.properties.modified == datetime(2000, 1, 1)
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    framework = openpyxl.load_workbook(reports / "national/framework.xlsx")
    assert framework.sheetnames == ["Framework", "Level gaps", "Key"]


def test_xlsx_has_a_title_tables_and_a_key_to_the_letters(reports):
    """For screen-reader users of Excel: a document title, defined tables (headers announced per cell) and a
    legend for the I/D/A letters of the matrix, in the workbook itself."""
    bundle = openpyxl.load_workbook(reports / "national/alpha/coverage.xlsx")
    data = json.loads((reports / "national/alpha/coverage.json").read_text())
    assert bundle.properties.title == f"Coverage report: {data['bundle']['title']} {data['bundle']['version']}"
    assert "Matrix" in bundle["Matrix"].tables
    key = dict(bundle["Key"].iter_rows(min_row=2, max_col=2, values_only=True))
    letters = {v for row in bundle["Matrix"].iter_rows(min_row=2, min_col=4, values_only=True) for v in row if v}
    assert letters and all(v.strip("()") in key for v in letters), letters
    assert key["A"].startswith("assesses")
    framework = openpyxl.load_workbook(reports / "national/framework.xlsx")
    assert framework.properties.title == "Framework coverage across bundles"
    assert "Framework" in framework["Framework"].tables and framework["Key"].max_row > 1


def _csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


def test_alignments_csv_is_tidy_one_row_per_module_and_standard(reports):
    rows = _csv(reports / "national/alpha/alignments.csv")
    assert [(r["module"], r["standard"], r["letter"], r["counts"], r["targeted"], r["via_indicators"]) for r in rows] == [
        ("m-listen", "tf:D1.1", "A", "true", "true", "tf:D1.1.a"),
        ("m-listen", "tf:D1.2", "I", "true", "true", ""),
        ("m-support", "tf:D1.2", "D", "true", "true", ""),
        ("m-draft", "tf:D2.1", "A", "false", "true", ""),
        ("m-support", "tf:D3.1", "I", "true", "false", ""),
    ]
    assert rows[0]["quiz_items"] == "q1" and rows[0]["assessment_methods"] == "knowledge-check"
    local = _csv(reports / "localvar/alpha/alignments.csv")
    assert [(r["module"], r["module_local"], r["variant"]) for r in local if r["standard"] == "tf:D2.2"] == [
        ("m-local", "true", "localvar")]


def test_matrix_and_gaps_csv(reports):
    assert (reports / "national/alpha/matrix.csv").read_text() == (
        "standard,standard_title,status,m-listen,m-support,m-draft\n"
        "tf:D1.1,Listening,assessed,A,,\n"
        "tf:D1.2,Supporting,delivered,I,D,\n"
        "tf:D1.3,Noticing,not-met,,,\n"
        "tf:D2.1,Raising concerns,draft-or-retired-only,,,(A)\n"
        "tf:D2.2,Local escalation,not-met,,,\n")
    assert [(r["standard"], r["kind"], r["modules"]) for r in _csv(reports / "localvar/alpha/gaps.csv")] == [
        ("tf:D1.2", "unassessed", "m-listen m-support"), ("tf:D1.3", "not-met", ""),
        ("tf:D2.1", "draft-or-retired-only", "m-draft"), ("tf:D2.2", "local-only", "m-local")]


def test_html_needs_no_script_prints_and_has_a_heatmap_with_a_table_alternative(reports):
    page = (reports / "localvar/alpha/coverage.html").read_text()
    assert "<script" not in page.lower()
    assert "@media print" in page
    svgs = re.findall(r"<svg[^>]*>", page)
    assert len(svgs) == 2  # the standards x modules heatmap, then the domains'
    assert all('role="img"' in svg for svg in svgs)
    assert 'aria-labelledby="matrix-heat-t matrix-heat-d"' in svgs[0] and 'aria-labelledby="heat-t heat-d"' in svgs[1]
    assert '<desc id="heat-d">tf:D1 Caring: covered 67%, assessed 33%, 1.0 hours.' in page
    assert "<caption>Per domain: hours" in page
    for section in ("summary", "matrix", "standards", "gaps", "not-targeted", "domains", "co-production", "currency",
                    "provenance"):
        assert f'id="{section}"' in page
    assert '<a href="../../modules/m-listen/index.html#why-listening-matters" title="assesses: m-listen">A</a>' in page
    assert 'href="../../standards/tf/D1.1/index.html"' in page
    assert "m-local (local)" in page  # local content is marked in the matrix header
    index = (reports / "national/index.html").read_text()
    assert 'href="alpha/coverage.xlsx"' in index and 'href="framework.html"' in index


def test_markdown_has_every_section(reports):
    text = (reports / "national/alpha/coverage.md").read_text()
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings == ["Summary", "Standards × modules", "Standards in detail", "Gaps", "Level gaps",
                        "Standards not targeted (informational)", "Domains", "Co-production", "Plain English", "Currency", "Provenance"]
    assert "| tf:D2.1 |  |  | (A) |" in text


def test_the_json_view_is_exactly_what_the_standard_library_would_write(reports):
    """coverage.json is written with orjson for speed; its bytes are those of json.dumps(indent=2)."""
    from bundlesmith.coverage import json as json_view

    written = [p for p in (reports / "national").rglob("*.json") if not p.name.startswith(".")]
    assert len(written) >= 4
    for path in written:
        data = path.read_bytes()
        assert data == (json.dumps(json.loads(data), indent=2, ensure_ascii=False) + "\n").encode("utf-8"), path
    typed = {"title": "Café — “naïve” \u2028 tab\there \x01", "share_met": 0.3333, "hours": 12.5, "minutes": 45,
             "empty": [{}, [], None, True, False], "local": {"slots": ["welcome"]}}
    assert json_view.render(typed) == (json.dumps(typed, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    assert json_view.parse(json_view.render(typed)) == typed
