"""With variants there are several sites: they are built side by side in forked processes (--jobs). The
result is the same bytes as one process gives, and a site failing in another process fails the build
cleanly, leaving build/ as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bundlesmith import build as build_mod
from bundlesmith.render import site as site_mod


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".bundlesmith-cache" not in p.parts
            and p.name != ".bundlesmith-state.json"}  # the build state records times


def build(root: Path, out: Path, jobs: int) -> build_mod.BuildResult:
    result = build_mod.run(build_mod.BuildOptions(root=root, out=out, jobs=jobs, force=True))
    assert result.ok, [d.format() for d in result.diagnostics]
    return result


def test_sites_built_side_by_side_are_the_same_bytes_as_one_by_one(sample_root, tmp_path):
    build(sample_root, tmp_path / "one", 1)
    build(sample_root, tmp_path / "three", 3)
    one, three = tree(tmp_path / "one"), tree(tmp_path / "three")
    assert any(name.startswith("site-riverside-ics/") for name in one)
    assert one == three


def test_a_site_failing_in_another_process_fails_the_build_and_leaves_build_alone(monkeypatch, sample_root, tmp_path):
    out = tmp_path / "build"
    build(sample_root, out, 1)
    before = tree(out)
    real = site_mod.build_site

    def broken_for_the_variant(catalogue, *args, **kwargs):
        if catalogue.variant is not None:
            raise site_mod.SiteBuildError("the site did not build: the variant's theme is missing")
        return real(catalogue, *args, **kwargs)

    monkeypatch.setattr(site_mod, "build_site", broken_for_the_variant)
    result = build_mod.run(build_mod.BuildOptions(root=sample_root, out=out, jobs=2, force=True))
    assert not result.ok
    assert [d.format() for d in result.diagnostics] == [
        "site: error: the site did not build: the variant's theme is missing [site-failed]"]
    assert tree(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".staging")] == []


def test_sites_go_to_one_process_per_worker_and_an_error_there_is_raised_as_it_was():
    import os

    from bundlesmith.parallel_sites import SiteBuilds

    main = os.getpid()

    def who(k: int) -> str:
        return f"site {k} by {'this' if os.getpid() == main else 'another'} process"

    assert SiteBuilds(4, who, workers=1).run() == {k: f"site {k} by this process" for k in range(4)}
    side_by_side = SiteBuilds(4, who, workers=2)
    assert len(side_by_side.children) == 2
    assert side_by_side.run() == {k: f"site {k} by another process" for k in range(4)}
    assert SiteBuilds(1, who, workers=2).run() == {0: "site 0 by this process"}  # one site: no fork

    def broken(k: int) -> str:
        raise ValueError(f"view {k} is broken")

    failing = SiteBuilds(3, broken, workers=2)
    with pytest.raises(ValueError, match=r"view \d is broken"):
        failing.run()
    failing.stop()
