"""At national scale an author's one-module edit must not rebuild thousands of packages: packages whose inputs
did not change are carried over as they are, and build/ ends up exactly as a full build would leave it,
whatever the number of packaging workers."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from bundlesmith import pipeline


def build_scorm(root: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bundlesmith", "-C", str(root), "build", "--only", "scorm",
                           "-o", str(out), *args], check=True, capture_output=True, text=True)


def zips(out: Path) -> dict[str, tuple[str, int]]:
    """name -> (sha256, inode) of every package in out/scorm/."""
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_ino)
            for p in sorted((out / "scorm").glob("*.zip"))}


def test_packages_are_the_same_bytes_with_one_worker_or_several(project, tmp_path):
    build_scorm(project, tmp_path / "one", "-j", "1")
    build_scorm(project, tmp_path / "three", "-j", "3")
    one, three = zips(tmp_path / "one"), zips(tmp_path / "three")
    assert len(one) >= 6 and one.keys() == three.keys()
    assert {n: sha for n, (sha, _) in one.items()} == {n: sha for n, (sha, _) in three.items()}


def test_a_one_module_edit_rebuilds_only_the_packages_that_include_it(project, tmp_path):
    catalogue = pipeline.check(project).catalogue
    bundles_of = {m: {b.id for b in catalogue.bundles.values() if m in b.module_ids} for m in catalogue.modules}
    edited = next(m for m, bundles in sorted(bundles_of.items()) if 0 < len(bundles) < len(catalogue.bundles))
    out = tmp_path / "build"
    build_scorm(project, out)
    before = zips(out)

    path = project / catalogue.modules[edited].path
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph after review.\n", encoding="utf-8")
    result = build_scorm(project, out)
    after = zips(out)

    assert after.keys() == before.keys()
    affected = {name for name in after
                if edited in json.loads((out / "scorm" / name.replace(".zip", ".provenance.json")).read_text())["modules"]}
    assert affected and affected != set(after)
    for name in after:
        if name in affected:
            assert after[name][0] != before[name][0], f"{name} includes {edited} and was not rebuilt"
        else:
            assert after[name] == before[name], f"{name} does not include {edited} but was rebuilt"
    assert f"{len(after)} package(s) for 2 view(s); {len(after) - len(affected)} unchanged" in result.stderr
    # What the incremental build left is exactly what a full build from scratch gives.
    fresh = zips(build_scorm(project, tmp_path / "fresh") and tmp_path / "fresh")
    assert {n: sha for n, (sha, _) in fresh.items()} == {n: sha for n, (sha, _) in after.items()}


def test_force_builds_every_package_again(project, tmp_path):
    out = tmp_path / "build"
    build_scorm(project, out)
    before = zips(out)
    build_scorm(project, out, "--force")
    after = zips(out)
    assert {n: sha for n, (sha, _) in after.items()} == {n: sha for n, (sha, _) in before.items()}
    assert all(after[n][1] != before[n][1] for n in after), "--force carried a package over"
