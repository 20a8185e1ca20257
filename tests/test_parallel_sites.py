"""With variants there are several sites: they are built side by side in the build's pool of forked
processes (--jobs), with the packages and reports. The result is the same bytes as one process gives, and a site failing in another process fails the build
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


def _where(work, k: int) -> str:
    import os

    return f"task {k} by {'this' if os.getpid() == work else 'another'} process"


def _broken(work, k: int) -> str:
    raise ValueError(f"view {k} is broken")


def test_tasks_go_to_the_pool_s_processes_and_an_error_there_is_raised_as_it_was():
    import os

    from bundlesmith.schedule import Pool

    main = os.getpid()
    with Pool(main, 1) as alone:  # type: ignore[arg-type]  # a task's first argument is whatever the pool was given
        assert [alone.submit(_where, k).get() for k in range(3)] == [f"task {k} by this process" for k in range(3)]
    with Pool(main, 2) as pool:  # type: ignore[arg-type]
        assert pool.processes == 2
        assert [pool.submit(_where, k).get() for k in range(4)] == [f"task {k} by another process" for k in range(4)]
    with pytest.raises(ValueError, match=r"view 1 is broken"), Pool(main, 2) as failing:  # type: ignore[arg-type]
        failing.submit(_broken, 1).get()


def _killed(work, k: int) -> str:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    return "never"


def _interrupted(work, k: int) -> str:
    raise KeyboardInterrupt


def test_a_worker_that_dies_or_is_interrupted_stops_the_build_instead_of_leaving_it_waiting():
    import os

    from bundlesmith.schedule import Pool
    from bundlesmith.workers import WorkerLost

    with pytest.raises(WorkerLost, match="stopped unexpectedly"), Pool(os.getpid(), 2) as pool:  # type: ignore[arg-type]
        pool.submit(_killed, 0).get()
    with pytest.raises(KeyboardInterrupt), Pool(os.getpid(), 2) as pool:  # type: ignore[arg-type]
        pool.submit(_interrupted, 0).get()
