"""Render the coverage reports: per bundle `<bundle>/coverage.{json,html,xlsx,md}` + CSVs, the framework view, an index.

Layout of the reports folder (build/reports/, or build/reports/<variant>/):
  index.html                      every bundle's report and the framework view
  framework.{html,json,md,csv,xlsx}  every standard x every bundle
  <bundle>/coverage.json          the data; every other file is a view of it
  <bundle>/coverage.{html,xlsx,md}
  <bundle>/{alignments,matrix,gaps}.csv
Links to modules and standards are relative to the site's copy of this folder, site/reports/.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bundlesmith.coverage import csv as csv_view
from bundlesmith.coverage import html, markdown, xlsx
from bundlesmith.coverage import json as json_view
from bundlesmith.coverage.compute import bundle_coverage
from bundlesmith.coverage.framework import framework_coverage
from bundlesmith.coverage.provenance import GitState
from bundlesmith.model import Catalogue

FORMATS = ("html", "xlsx", "csv", "json", "md")


def bundle_files(doc: dict, formats=FORMATS) -> dict[str, bytes]:
    """The files of one bundle's report, by name, for the formats asked for."""
    files: dict[str, bytes] = {}
    if "json" in formats:
        files["coverage.json"] = json_view.render(doc)
    if "html" in formats:
        files["coverage.html"] = html.render(doc)
    if "xlsx" in formats:
        files["coverage.xlsx"] = xlsx.render(doc)
    if "md" in formats:
        files["coverage.md"] = markdown.render(doc)
    if "csv" in formats:
        files["alignments.csv"] = csv_view.alignments_csv(doc)
        files["matrix.csv"] = csv_view.matrix_csv(doc)
        files["gaps.csv"] = csv_view.gaps_csv(doc)
    return files


def framework_files(doc: dict, formats=FORMATS) -> dict[str, bytes]:
    renderers = {"json": ("framework.json", json_view.render), "html": ("framework.html", html.render_framework),
                 "xlsx": ("framework.xlsx", xlsx.render_framework), "md": ("framework.md", markdown.render_framework),
                 "csv": ("framework.csv", csv_view.framework_csv)}
    return {name: render(doc) for fmt, (name, render) in renderers.items() if fmt in formats}


def documents(catalogue: Catalogue, bundle_ids, packages=(), today: date | None = None,
              since: dict | None = None) -> list[dict]:
    """The coverage document of each bundle named (sorted by id); `since` applies to the bundle it describes."""
    out = []
    git = GitState(catalogue.root)
    for bid in sorted(bundle_ids):
        previous = since if since and since.get("bundle", {}).get("id") == bid else None
        out.append(bundle_coverage(catalogue, catalogue.bundles[bid], packages, today, previous, git))
    return out


def report_tree(catalogue: Catalogue, docs: list[dict], formats=FORMATS) -> dict[str, bytes]:
    """Every file of a reports folder, by relative path."""
    tree: dict[str, bytes] = {}
    for doc in docs:
        for name, data in bundle_files(doc, formats).items():
            tree[f"{doc['bundle']['id']}/{name}"] = data
    for name, data in framework_files(framework_coverage(catalogue, docs), formats).items():
        tree[name] = data
    if "html" in formats:
        variant = docs[0]["bundle"]["variant"] if docs else None
        tree["index.html"] = html.render_index(docs, variant)
    return tree


def write_tree(out_dir: Path, tree: dict[str, bytes]) -> None:
    for rel, data in sorted(tree.items()):
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def build_reports(catalogue: Catalogue, out_dir: Path, packages, options) -> list[dict]:
    """Write the reports of every bundle into out_dir (a staging folder); return the documents.

    Reports always cover every bundle, even when --bundle limits packaging: the build carries the other
    bundles' packages over, with their records, and the framework view needs every bundle.
    """
    chosen = sorted(catalogue.bundles)
    docs = documents(catalogue, chosen, packages, getattr(options, "today", None))
    write_tree(Path(out_dir), report_tree(catalogue, docs))
    return docs
