"""A build that fails at any stage leaves the previous build/ exactly as it was."""

from __future__ import annotations

import errno
import hashlib
import types
from datetime import date
from pathlib import Path

import pytest

from bundlesmith import build as build_mod
from bundlesmith import emit, schedule
from bundlesmith.render.packages import PackageRecord
from bundlesmith.render.reports import ReportFiles

TODAY = None


def snapshot(folder: Path) -> dict[str, str]:
    """Every output in build/ (not the load cache, which check keeps up to date whatever the build does)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*")) if p.relative_to(folder).parts[0] != ".bundlesmith-cache"}


@pytest.fixture
def previous_build(tmp_path) -> Path:
    out = tmp_path / "build"
    for rel, text in {"site/index.html": "old site", "scorm/old-scorm12.zip": "old zip",
                      "reports/index.html": "old report"}.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    return out


def fake_outputs(fail_at: str | None, exception: BaseException):
    """Renderers whose partial output the build writes into the staging folder, then fail where asked."""

    def make_package(plan, cache, known):
        if fail_at == "scorm" and plan.scorm_version == "2004":  # after some packages are staged
            raise exception
        bundle = plan.bundle
        name = f"{bundle.id}.zip" if plan.scorm_version == "1.2" else f"{bundle.id}-2004.zip"
        return (PackageRecord(bundle.id, bundle.version, plan.variant, plan.scorm_version, name, "0" * 64, 1),
                {"half-written.zip": b"PK\x03\x04 partial"})

    def report_files(catalogue, packages, options, **kwargs):
        if fail_at == "reports":
            raise exception
        return ReportFiles({"coverage.json": b"{}"}, {})

    def build_site(catalogue, cache, out_dir, options, **kwargs):
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "index.html").write_text("new site, half done")
        if fail_at == "site":
            raise exception
        return types.SimpleNamespace(record={})  # what the build state records of the site (none here)

    class Printing:
        def __init__(self, views, cache, **kwargs):
            self.jobs, self.todo, self.reused, self.entries = [], [], 0, {}

        def files(self, laid_out):
            if fail_at == "print":
                raise exception
            return {"handbook.pdf": b"%PDF-1.7 new"}

    modules = {"handbooks": types.SimpleNamespace(Printing=Printing),
               "scorm": types.SimpleNamespace(make_package=make_package),
               "reports": types.SimpleNamespace(report_files=report_files),
               "site": types.SimpleNamespace(build_site=build_site, prepare=lambda: None, kept_files=lambda built: {},
                                             finish_site=lambda *args: {}, held_copies=lambda built: {})}
    return lambda name: modules[name]


def run_build(sample_root, out):
    options = build_mod.BuildOptions(root=sample_root, out=out, variants=())
    return build_mod.run(options)


@pytest.mark.parametrize("stage", ["scorm", "reports", "site", "print"])
def test_a_render_error_at_any_stage_leaves_build_untouched(monkeypatch, sample_root, previous_build, stage):
    before = snapshot(previous_build)
    monkeypatch.setattr(schedule, "_renderer", fake_outputs(stage, RuntimeError(f"{stage} broke")))
    with pytest.raises(RuntimeError, match=f"{stage} broke"):
        run_build(sample_root, previous_build)
    assert snapshot(previous_build) == before


@pytest.mark.parametrize("stage", ["scorm", "site"])
def test_ctrl_c_leaves_build_untouched(monkeypatch, sample_root, previous_build, stage):
    before = snapshot(previous_build)
    monkeypatch.setattr(schedule, "_renderer", fake_outputs(stage, KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        run_build(sample_root, previous_build)
    assert snapshot(previous_build) == before


def test_a_full_disk_is_reported_and_leaves_build_untouched(monkeypatch, sample_root, previous_build):
    before = snapshot(previous_build)
    full = OSError(errno.ENOSPC, "No space left on device", str(previous_build / ".staging" / "x.zip"))
    monkeypatch.setattr(schedule, "_renderer", fake_outputs("reports", full))
    result = run_build(sample_root, previous_build)
    assert not result.ok
    assert [d.format() for d in result.diagnostics] == [
        f"{previous_build}/.staging/x.zip: error: cannot write the build output: No space left on device [write-failed]"]
    assert snapshot(previous_build) == before


def test_a_failure_while_swapping_in_restores_every_output(monkeypatch, sample_root, previous_build):
    before = snapshot(previous_build)
    monkeypatch.setattr(schedule, "_renderer", fake_outputs(None, RuntimeError()))
    real_rename = Path.rename
    calls = {"n": 0}

    def flaky_rename(self, target):
        calls["n"] += 1
        if calls["n"] == 4:  # after the first output has been swapped in and the second parked
            raise OSError(errno.EIO, "I/O error")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", flaky_rename)
    result = run_build(sample_root, previous_build)
    assert not result.ok and "I/O error" in result.diagnostics[0].message
    monkeypatch.setattr(Path, "rename", real_rename)
    assert snapshot(previous_build) == before


def test_a_successful_build_swaps_in_every_output(monkeypatch, sample_root, previous_build):
    monkeypatch.setattr(schedule, "_renderer", fake_outputs(None, RuntimeError()))
    result = run_build(sample_root, previous_build)
    assert result.ok
    after = snapshot(previous_build)
    assert "scorm/old-scorm12.zip" not in after and "scorm/half-written.zip" in after
    assert (previous_build / "site/index.html").read_text() == "new site, half done"
    assert not [p for p in previous_build.iterdir() if p.name.startswith((".staging", ".old"))]


def test_zips_are_deterministic_and_sorted():
    import io
    import zipfile

    from bundlesmith.render.zips import zip_bytes

    entries = [("b.html", b"two"), ("a/index.html", b"one"), ("imsmanifest.xml", b"<manifest/>")]
    one = zip_bytes(entries)
    assert one == zip_bytes(list(reversed(entries)))
    with zipfile.ZipFile(io.BytesIO(one)) as archive:
        assert archive.namelist() == ["a/index.html", "b.html", "imsmanifest.xml"]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    shared = zip_bytes([("shared/runtime.js", b"js")])
    with zipfile.ZipFile(io.BytesIO(zip_bytes(entries, shared))) as archive:  # the shared files first
        assert archive.namelist() == ["shared/runtime.js", "a/index.html", "b.html", "imsmanifest.xml"]


def test_building_one_bundle_keeps_the_other_bundles_packages(monkeypatch, sample_root, tmp_path):
    """`build --bundle X` replaces X's packages only; the others, and their records, carry over."""
    import hashlib
    import json

    from bundlesmith import state
    from bundlesmith.render.packages import is_package_of

    out = tmp_path / "build"
    scorm = out / "scorm"
    scorm.mkdir(parents=True)
    sealed = {}
    for bundle in ("national-induction", "national-induction-extra", "mid-career-managers", "planted"):
        name = f"{bundle}-1.0.0-scorm12"
        data = b"old " + bundle.encode()
        provenance = json.dumps({
            "bundle": bundle, "bundle_version": "1.0.0", "variant": None, "scorm_version": "1.2",
            "package": {"filename": f"{name}.zip", "sha256": hashlib.sha256(data).hexdigest(), "size": 9}}).encode()
        (scorm / f"{name}.zip").write_bytes(data)
        (scorm / f"{name}.provenance.json").write_bytes(provenance)
        if bundle != "planted":  # what the last build wrote, as its sealed state says
            sealed[f"{name}.zip"] = {"key": "k", "zip": hashlib.sha256(data).hexdigest(),
                                     "provenance": hashlib.sha256(provenance).hexdigest()}
    (out / state.FILE).write_bytes(state.encode(state.BuildState(packages=sealed)))

    def record_reports(catalogue, packages, options, **kwargs):  # what the reports were given, as a file
        return ReportFiles({"seen.txt": "\n".join(sorted(p.filename for p in packages)).encode()}, {})

    renderers = fake_outputs(None, RuntimeError())
    monkeypatch.setattr(schedule, "_renderer", lambda name: types.SimpleNamespace(report_files=record_reports)
                        if name == "reports" else renderers(name))
    options = build_mod.BuildOptions(root=sample_root, out=out, variants=(), bundles=("national-induction",),
                                     only=frozenset({"scorm", "reports"}))
    assert build_mod.run(options).ok
    names = sorted(p.name for p in scorm.iterdir())
    assert "national-induction-1.0.0-scorm12.zip" not in names  # replaced by this build
    assert "half-written.zip" in names  # what the (fake) packager wrote for it
    assert "national-induction-extra-1.0.0-scorm12.zip" in names and "mid-career-managers-1.0.0-scorm12.zip" in names
    assert "planted-1.0.0-scorm12.zip" not in names, "a zip no build of ours recorded is not carried over"
    assert (out / "reports/seen.txt").read_text().split() == [
        "mid-career-managers-1.0.0-scorm12.zip", "national-induction-2004.zip",
        "national-induction-extra-1.0.0-scorm12.zip", "national-induction.zip"]
    assert is_package_of("national-induction-2.1.0-riverside-ics-scorm2004.zip", "national-induction")
    assert not is_package_of("national-induction-extra-1.0.0-scorm12.zip", "national-induction")


def test_an_unchanged_project_rebuilds_nothing(monkeypatch, project, tmp_path):
    calls = []
    renderers = fake_outputs(None, RuntimeError())

    def counting(name):
        calls.append(name)
        return renderers(name)

    monkeypatch.setattr(schedule, "_renderer", counting)
    out = tmp_path / "build"
    options = build_mod.BuildOptions(root=project, out=out, variants=())
    assert build_mod.run(options).ok and calls
    calls.clear()
    again = build_mod.run(options)
    assert again.ok and calls == []
    assert again.summary == ["nothing changed since the last build; build/ is up to date (use --force to rebuild)"]

    module = project / "content/modules/induction/speaking-up-and-listening-up.md"
    module.write_text(module.read_text().replace("version: 1.2.0", "version: 1.2.1"))
    assert build_mod.run(options).ok and calls, "an edited module is rebuilt"
    calls.clear()
    assert build_mod.run(build_mod.BuildOptions(root=project, out=out, variants=(), force=True)).ok and calls
    calls.clear()
    (out / "site").rename(out / "site-moved")
    assert build_mod.run(options).ok and calls, "a missing output is rebuilt"


@pytest.mark.parametrize("edit", ["a page of docs_dir", "the theme's custom_dir", "a file mkdocs watches"])
def test_a_change_to_what_mkdocs_yml_names_is_rebuilt(monkeypatch, project, tmp_path, edit):
    """The project's own site pages, theme overrides and watched files are inputs like content/: editing
    one is never "nothing changed" (the site used to stay stale until --force)."""
    config = project / "mkdocs.yml"
    (project / "overrides").mkdir()
    (project / "overrides" / "main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    (project / "notes.txt").write_text("first\n", encoding="utf-8")
    (project / "site-pages" / "contacts.md").write_text("# Local contacts\n", encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace("theme:\n", "theme:\n  custom_dir: overrides\n")
                      + "watch:\n  - notes.txt\n", encoding="utf-8")
    calls = []
    renderers = fake_outputs(None, RuntimeError())
    monkeypatch.setattr(schedule, "_renderer", lambda name: calls.append(name) or renderers(name))
    options = build_mod.BuildOptions(root=project, out=tmp_path / "build", variants=())
    assert build_mod.run(options).ok
    assert build_mod.run(options).summary[0].startswith("nothing changed")
    edited = {"a page of docs_dir": project / "site-pages" / "contacts.md",
              "the theme's custom_dir": project / "overrides" / "main.html",
              "a file mkdocs watches": project / "notes.txt"}[edit]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    calls.clear()
    again = build_mod.run(options)
    assert again.ok and "site" in calls
    assert not again.summary or not again.summary[0].startswith("nothing changed")


def test_a_worker_killed_mid_build_is_reported_and_leaves_build_untouched(monkeypatch, sample_root, previous_build):
    """The kernel's out-of-memory killer ends a worker: the build says so instead of waiting for ever."""
    import os
    import signal

    before = snapshot(previous_build)
    renderers = fake_outputs(None, RuntimeError())

    def killed(name):
        if name == "scorm":
            return types.SimpleNamespace(make_package=lambda *args: os.kill(os.getpid(), signal.SIGKILL))
        return renderers(name)

    monkeypatch.setattr(schedule, "_renderer", killed)
    result = build_mod.run(build_mod.BuildOptions(root=sample_root, out=previous_build, variants=(), jobs=2))
    assert not result.ok
    assert [d.format() for d in result.diagnostics] == [
        (f"{previous_build}: error: a worker process of the build stopped unexpectedly (try again with fewer "
         "--jobs: each worker needs memory of its own) [worker-lost]")]
    assert snapshot(previous_build) == before


def old_records(out: Path) -> dict[str, Path]:
    """What an older bundlesmith left in build/ beside its outputs: its fingerprint of the whole build, its
    pickled load cache and the reuse keys it kept in the output folders."""
    records = {rel: out / rel for rel in (".bundlesmith-cache.json", ".bundlesmith-cache/load.pickle",
                                          "scorm/.bundlesmith-packages.json", "print/.bundlesmith-handbooks.json")}
    for path in records.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"old": true}')
    return records


def test_the_next_successful_build_removes_what_older_versions_recorded_in_build(monkeypatch, sample_root,
                                                                              previous_build):
    records = old_records(previous_build)
    monkeypatch.setattr(schedule, "_renderer", fake_outputs(None, RuntimeError()))
    assert run_build(sample_root, previous_build).ok
    assert [rel for rel, path in records.items() if path.exists()] == []
    assert (previous_build / ".bundlesmith-state.json").is_file()  # the one record a build keeps now


def test_a_failed_build_leaves_the_old_records_with_the_old_outputs(monkeypatch, sample_root, previous_build):
    records = old_records(previous_build)
    monkeypatch.setattr(schedule, "_renderer", fake_outputs("site", RuntimeError("site broke")))
    with pytest.raises(RuntimeError, match="site broke"):
        run_build(sample_root, previous_build)
    # (the load cache, which check keeps up to date whatever the build does, has dropped its old pickle)
    assert [rel for rel, path in records.items() if path.exists()] == [
        ".bundlesmith-cache.json", "scorm/.bundlesmith-packages.json", "print/.bundlesmith-handbooks.json"]


def test_removing_old_records_never_reaches_through_a_symlink(monkeypatch, sample_root, previous_build, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "load.pickle").write_text("not bundlesmith's")
    (elsewhere / "fingerprint.json").write_text("not bundlesmith's either")
    (previous_build / ".bundlesmith-cache").symlink_to(elsewhere, target_is_directory=True)
    (previous_build / ".bundlesmith-cache.json").symlink_to(elsewhere / "fingerprint.json")
    monkeypatch.setattr(schedule, "_renderer", fake_outputs(None, RuntimeError()))
    assert run_build(sample_root, previous_build).ok
    assert not (previous_build / ".bundlesmith-cache.json").is_symlink()  # the link itself is gone
    assert (elsewhere / "fingerprint.json").read_text() == "not bundlesmith's either"
    assert (elsewhere / "load.pickle").read_text() == "not bundlesmith's"  # a symlinked folder is not entered


def test_what_a_build_replaced_leaves_build_at_once_and_is_removed_soon(tmp_path):
    """The command does not wait for the disk to delete the last build's files: they leave build/ when the
    new outputs are swapped in, and a process of their own removes them."""
    import os
    import time

    out = tmp_path / "build"
    (out / "site" / "modules" / "m").mkdir(parents=True)
    (out / "site" / "modules" / "m" / "index.html").write_text("the last build's page")
    with emit.Staging(out) as stage:
        stage.write("site", {"index.html": b"this build's page"})
        stage.commit(["site"])
    assert sorted(p.name for p in out.iterdir()) == ["site"]
    assert [p.name for p in (out / "site").iterdir()] == ["index.html"]
    aside = tmp_path / f".build.old-{os.getpid()}"
    deadline = time.monotonic() + 30
    while aside.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not aside.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_a_file_written_in_pieces_replaces_the_old_one_whole_or_not_at_all(tmp_path):
    # The load cache is written entry by entry (LoadCache.snapshot): the file is still replaced in one step.
    target = tmp_path / "cache" / "load.json"
    assert emit.replace_file(target, b"old")

    def pieces():
        yield b"["
        yield b'"first"'
        raise RuntimeError("stopped half way")

    with pytest.raises(RuntimeError):
        emit.replace_file(target, pieces())
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["load.json"]  # no temporary file left behind

    assert emit.replace_file(target, iter([b"[", b'"first"', b",", b'"second"', b"]"]))
    assert target.read_bytes() == b'["first","second"]'


def test_the_load_cache_written_in_pieces_is_read_back_whole(tmp_path, sample_root):
    from bundlesmith import pipeline
    from bundlesmith.load.cache import open_cache

    cache = tmp_path / "cache"
    first = pipeline.check_all(sample_root, None, date(2026, 11, 23), cache_dir=cache)
    again = pipeline.check_all(sample_root, None, date(2026, 11, 23), cache_dir=cache)
    reopened = open_cache(cache)
    assert reopened is not None and len(reopened.entries) >= 16 + 3  # every module and bundle file, read back
    assert [c.diagnostics for c in first] == [c.diagnostics for c in again]
