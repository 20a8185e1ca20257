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


def test_unchanged_packages_are_recognised_without_rendering_yet_see_every_file_a_page_uses(project, tmp_path):
    """The key of a package lists the files its modules use from the links found at load time; rendering
    finds exactly the same files (national and variant views, slots filled)."""
    from bundlesmith.render.module_html import module_paths, referenced_assets, render_module

    (project / "content/assets").mkdir()
    (project / "content/assets/team chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (project / "content/assets/contacts.pdf").write_bytes(b"%PDF-1.4\n")
    module = project / "content/modules/induction/speaking-up-and-listening-up.md"
    module.write_text(module.read_text(encoding="utf-8") + "\n![How a concern travels](<../../assets/team chart.png>)\n",
                      encoding="utf-8")
    slot = project / "content/variants/riverside-ics/slots/speaking-up-local-contacts.md"
    slot.write_text(slot.read_text(encoding="utf-8") + "\n[Contacts (PDF)](../../../assets/contacts.pdf)\n", encoding="utf-8")
    assert pipeline.check(project, "riverside-ics").ok

    views = pipeline.check_all(project)
    seen = 0
    for view in views:
        paths = module_paths(view.catalogue)
        for module in view.catalogue.modules.values():
            expected = render_module(module, paths).assets
            assert set(referenced_assets(module, paths)) == set(expected), module.path
            seen += len(expected)
    assert seen > 0  # the sample's modules do show images

    # An image changed on disk: the packages whose pages show it are rebuilt, and only those.
    out = tmp_path / "build"
    build_scorm(project, out)
    before = zips(out)
    catalogue = views[0].catalogue
    shown = next(a for m in catalogue.modules.values() for a in referenced_assets(m, module_paths(catalogue)))
    users = {b.id for b in catalogue.bundles.values() for mid in b.module_ids
             if shown in referenced_assets(catalogue.modules[mid], module_paths(catalogue))}
    image = project / shown
    image.write_bytes(image.read_bytes() + b"\0")
    build_scorm(project, out)
    after = zips(out)
    rebuilt = {name for name in after if after[name] != before[name]}
    assert rebuilt and {name.split("-1.")[0].split("-2.")[0] for name in rebuilt} <= users
