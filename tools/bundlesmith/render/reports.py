"""Render the coverage reports: per bundle `<bundle>/coverage.{json,html,xlsx,md}` + CSVs, the framework view, an index.

Layout of the reports folder (build/reports/, or build/reports/<variant>/):
  index.html                      every bundle's report and the framework view
  framework.{html,json,md,csv,xlsx}  every standard x every bundle
  <bundle>/coverage.json          the data; every other file is a view of it
  <bundle>/coverage.{html,xlsx,md}
  <bundle>/{alignments,matrix,gaps}.csv
  <bundle>/rpl-<crosswalk>.{html,xlsx,csv,json}  the prior-learning map for holders of each crosswalk's source
Links to modules and standards are relative to the site's copy of this folder, site/reports/.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from bundlesmith.coverage import csv as csv_view
from bundlesmith.coverage import html, markdown, rpl_report, xlsx
from bundlesmith.coverage import json as json_view
from bundlesmith.coverage.compute import bundle_coverage
from bundlesmith.coverage.document import BundleSummary, Coverage, FrameworkCoverage
from bundlesmith.coverage.framework import bundle_summary, framework_coverage
from bundlesmith.coverage.provenance import Sources
from bundlesmith.coverage.rpl import rpl_map
from bundlesmith.inputs import tool_digest
from bundlesmith.model import Bundle, Catalogue
from bundlesmith.output_files import Existing, Tree
from bundlesmith.render.packages import PackageRecord
from bundlesmith.signing import file_sha256

FORMATS = ("html", "xlsx", "csv", "json", "md")


def bundle_files(doc: Coverage, formats: Collection[str] = FORMATS) -> dict[str, bytes]:
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


def framework_files(doc: FrameworkCoverage, formats: Collection[str] = FORMATS) -> dict[str, bytes]:
    renderers = {"json": ("framework.json", json_view.render), "html": ("framework.html", html.render_framework),
                 "xlsx": ("framework.xlsx", xlsx.render_framework), "md": ("framework.md", markdown.render_framework),
                 "csv": ("framework.csv", csv_view.framework_csv)}
    return {name: render(doc) for fmt, (name, render) in renderers.items() if fmt in formats}


def documents(catalogue: Catalogue, bundle_ids: Iterable[str], packages: Sequence[PackageRecord] = (),
              today: date | None = None, since: Mapping[str, Any] | None = None) -> list[Coverage]:
    """The coverage document of each bundle named (sorted by id); `since` applies to the bundle it describes."""
    out = []
    sources = Sources(catalogue.root)
    for bid in sorted(bundle_ids):
        previous = since if since and since.get("bundle", {}).get("id") == bid else None
        out.append(bundle_coverage(catalogue, catalogue.bundles[bid], packages, today, previous, sources))
    return out


def report_tree(catalogue: Catalogue, docs: list[Coverage], formats: Collection[str] = FORMATS) -> dict[str, bytes]:
    """Every file of a reports folder, by relative path."""
    tree: dict[str, bytes] = {}
    for doc in docs:
        for name, data in bundle_files(doc, formats).items():
            tree[f"{doc['bundle']['id']}/{name}"] = data
    tree.update(summary_files(catalogue, [bundle_summary(doc) for doc in docs], formats))
    return tree


def summary_files(catalogue: Catalogue, summaries: list[BundleSummary],
                  formats: Collection[str] = FORMATS) -> dict[str, bytes]:
    """The files across bundles (each bundle's coverage as `bundle_summary` has it): the framework view and the index."""
    tree = framework_files(framework_coverage(catalogue, summaries), formats)
    if "html" in formats:
        variant = summaries[0]["bundle"]["variant"] if summaries else None
        tree["index.html"] = html.render_index(summaries, variant)
    return tree


def rpl_files(catalogue: Catalogue, bundle: Bundle, formats: Collection[str] = rpl_report.FORMATS) -> dict[str, bytes]:
    """The bundle's prior-learning maps, `rpl-<crosswalk>.{html,xlsx,csv,json}`, one per crosswalk (reused with the
    bundle's coverage files: its key covers the bundle's sources and every crosswalk)."""
    files: dict[str, bytes] = {}
    for cid in sorted(catalogue.crosswalks):
        doc = rpl_report.document(catalogue, rpl_map(catalogue, bundle, catalogue.crosswalks[cid]))
        files.update(rpl_report.files(doc, formats))
    return files


@dataclass(frozen=True)
class ReportFiles:
    """A reports folder: its files (relative path -> bytes, or a file of the last build kept as it is) and,
    for the build state, what each bundle's files were made from."""

    files: Tree  # what was not handed to the sink (everything, without one)
    keys: dict[str, Any]
    remade: int = 0  # bundles (and the summary) whose files were made again, not kept


def report_files(catalogue: Catalogue, packages: Sequence[PackageRecord], options: object, previous: Path | None = None,
                 recorded: Mapping[str, Any] | None = None, derive: Callable[..., str] | None = None,
                 sink: Callable[[Tree], None] | None = None,
                 known: Mapping[str, str | None] | None = None) -> ReportFiles:
    """The reports of every bundle.

    Reports always cover every bundle, even when --bundle limits packaging: the build carries the other
    bundles' packages over, with their records, and the framework view needs every bundle.

    `previous` is the last build's folder for these reports and `recorded` what the build state says its
    files were made from: a bundle whose key did not change (`derive`d from the build's input set: what
    its provenance is made from (made_from: every file with its sha256, its packages, the source revision);
    the date; this tool's code) keeps
    its files from there, while each still has its recorded sha256, instead of being made again. `known`
    (the build's input set's file hashes) spares reading a source file again to hash it: only the bundles
    made again read theirs, for their provenance's content hash.

    With a `sink` (the build's writer for the reports folder), each bundle's files are handed to it as soon
    as they are made, so that a folder's files are never all in memory at once.
    """
    from bundlesmith.coverage.provenance import content_hash, made_from, with_content_hash

    key_of = derive or _key
    today = getattr(options, "today", None) or date.today()
    sources = Sources(catalogue.root, known)
    crosswalks = content_hash(catalogue.root, sorted(c.path for c in catalogue.crosswalks.values()))
    old = recorded if recorded is not None and previous is not None and previous.is_dir() \
        and not previous.is_symlink() else {}
    keys: dict[str, Any] = {}
    summaries: list[BundleSummary] = []  # what the summary files read of each bundle's document
    tree: Tree = {}
    remade = 0

    def hand(files: Mapping[str, bytes | Existing]) -> None:
        if sink is None:
            tree.update(files)
        else:
            sink(dict(files))

    for bid in sorted(catalogue.bundles):
        bundle = catalogue.bundles[bid]
        inputs = made_from(catalogue, bundle, packages, sources)
        key = key_of("report", today.isoformat(), inputs, crosswalks)
        kept = _reuse(old.get(bid), key, previous / bid if previous else None)
        doc = _document(kept, "coverage.json")
        if kept is None or doc is None:
            doc = bundle_coverage(catalogue, bundle, packages, today, None, sources,
                                  with_content_hash(inputs, catalogue.root, sources))
            files = bundle_files(doc) | rpl_files(catalogue, bundle)
            hand({f"{bid}/{name}": data for name, data in files.items()})
            keys[bid] = {"key": key, "files": _hashes(files)}
            remade += 1
            del files
        else:
            hand({f"{bid}/{name}": file for name, file in kept.items()})
            keys[bid] = old[bid]
        summaries.append(bundle_summary(doc))
        del doc
    # The framework view lists every standard of every framework, targeted or not.
    frameworks = sorted(f.span.path for f in catalogue.frameworks.values())
    key = key_of("summary", content_hash(catalogue.root, frameworks), [keys[b]["key"] for b in sorted(catalogue.bundles)])
    kept = _reuse(old.get(""), key, previous)
    if kept is None:
        files = summary_files(catalogue, summaries)
        hand(files)
        keys[""] = {"key": key, "files": _hashes(files)}
        remade += 1
    else:
        hand(dict(kept))
        keys[""] = old[""]
    return ReportFiles(tree, keys, remade)


def _hashes(files: dict[str, bytes]) -> dict[str, str]:
    """Each file written at the top of a reports folder with its sha256: reused only while it still has it."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items()) if "/" not in name}


def _key(*parts: object) -> str:
    """A reuse key without a build's input set: this tool's digest and the parts."""
    payload = json.dumps([tool_digest(), parts], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _reuse(entry: object, key: str, source: Path | None) -> dict[str, Existing] | None:
    """When `entry` (what the build state recorded) has this key and its files are all in `source`
    with the sha256 recorded for each, those files (name -> the file to keep); else None."""
    if source is None or not isinstance(entry, dict) or entry.get("key") != key:
        return None
    hashes = entry.get("files")
    if not isinstance(hashes, dict) or not all(isinstance(n, str) and "/" not in n and file_sha256(source / n) == h
                                               for n, h in hashes.items()):
        return None
    return {name: Existing(source / name) for name in sorted(hashes)}


def _document(kept: dict[str, Existing] | None, name: str) -> Coverage | None:
    """The coverage document among a bundle's kept files (None when it cannot be read: built afresh)."""
    if kept is None or name not in kept:
        return None
    try:
        doc = json_view.parse(kept[name].source.read_bytes())
    except (OSError, ValueError):
        return None
    return cast(Coverage, doc) if isinstance(doc, dict) else None  # written by bundle_files, hash-verified
