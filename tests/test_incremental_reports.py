"""A one-module edit refreshes the coverage reports of the bundles that include the module (and the views
across bundles); every other bundle keeps its report files as they were, and the result is what a full
build gives."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from bundlesmith import pipeline


def build_reports(root: Path, out: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "bundlesmith", "-C", str(root), "build", "--only", "scorm", "--only", "reports",
                    "-o", str(out), *args], check=True, capture_output=True, text=True)


def report_files(out: Path) -> dict[str, tuple[str, int]]:
    """relative path -> (sha256, inode) of every report file."""
    return {p.relative_to(out / "reports").as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_ino)
            for p in sorted((out / "reports").rglob("*")) if p.is_file() and not p.name.startswith(".")}


def edit_one_module(project: Path) -> tuple[str, set[str]]:
    catalogue = pipeline.check(project).catalogue
    bundles_of = {m: {b.id for b in catalogue.bundles.values() if m in b.module_ids} for m in catalogue.modules}
    edited = next(m for m, bundles in sorted(bundles_of.items()) if 0 < len(bundles) < len(catalogue.bundles))
    path = project / catalogue.modules[edited].path
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph after review.\n", encoding="utf-8")
    return edited, bundles_of[edited]


def test_a_one_module_edit_refreshes_only_the_reports_of_bundles_that_include_it(project, tmp_path):
    out = tmp_path / "build"
    build_reports(project, out)
    before = report_files(out)

    edited, affected = edit_one_module(project)
    build_reports(project, out)
    after = report_files(out)

    assert after.keys() == before.keys()
    for name, (sha, inode) in after.items():
        bundle = name.split("/")[-2] if "/" in name else None
        if bundle in affected:
            # A module's text is not in its CSVs or in the prior-learning maps (decided by its alignments).
            assert name.endswith(".csv") or "/rpl-" in name or sha != before[name][0], \
                f"{name} includes {edited}: not refreshed"
        elif bundle is not None and bundle in pipeline.check(project).catalogue.bundles:
            assert (sha, inode) == before[name], f"{name} does not include {edited} but was written again"
    assert after["index.html"][1] != before["index.html"][1]  # the views across bundles are redone
    # What the incremental build left is exactly what a full build from scratch gives.
    build_reports(project, tmp_path / "fresh")
    assert {n: s for n, (s, _) in report_files(tmp_path / "fresh").items()} == {n: s for n, (s, _) in after.items()}


def test_a_report_file_deleted_by_hand_comes_back_and_force_writes_everything_again(project, tmp_path):
    out = tmp_path / "build"
    build_reports(project, out)
    before = report_files(out)
    _, affected = edit_one_module(project)
    removed = next(n for n in before if n.endswith("/coverage.html") and n.split("/")[0] not in affected)
    (out / "reports" / removed).unlink()
    build_reports(project, out)
    again = report_files(out)
    assert again[removed][0] == before[removed][0]

    build_reports(project, out, "--force")
    forced = report_files(out)
    assert {n: s for n, (s, _) in forced.items()} == {n: s for n, (s, _) in again.items()}
    assert all(forced[n][1] != again[n][1] for n in forced)
