"""A build/ folder that came from elsewhere (a CI cache, a shared drive, an unpacked archive), or that someone
changed, must never change a shipped byte: outputs are reused only when a record sealed with this user's key
vouches for their exact bytes, and nothing found in build/ is followed through a symlink."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path


def build(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "bundlesmith", "-C", str(root), "build", *args],
                            capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    result.stdout += result.stderr  # what the user reads
    return result


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def same_size_tamper(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_package_changed_in_build_is_rebuilt_even_when_nothing_else_changed(project):
    build(project, "--only", "scorm")
    zip_path = project / "build/scorm/mid-career-managers-1.0.0-scorm2004.zip"
    original = sha(zip_path)
    same_size_tamper(zip_path)

    result = build(project, "--only", "scorm")

    assert "nothing changed" not in result.stdout
    assert "9 unchanged since the last build, kept" in result.stdout
    assert sha(zip_path) == original


def test_a_report_changed_in_build_is_rebuilt(project):
    build(project, "--only", "reports")
    report = project / "build/reports/national-induction/coverage.html"
    original = report.read_bytes()
    report.write_bytes(original.replace(b"<h1", b"<h2", 1) if b"<h1" in original else original[:-1] + b"!")

    result = build(project, "--only", "reports")

    assert "nothing changed" not in result.stdout

    assert report.read_bytes() == original


def test_a_build_folder_from_another_machine_is_never_up_to_date_or_reused(project, tmp_path):
    build(project, "--only", "scorm", "--only", "reports")
    foreign = {"XDG_CACHE_HOME": str(tmp_path / "someone-else")}
    package = project / "build/scorm/national-induction-1.0.0-scorm12.zip"
    original = sha(package)
    same_size_tamper(package)  # an archive of build/ that someone changed, with its records as they were

    result = build(project, "--only", "scorm", "--only", "reports", env=foreign)

    assert "nothing changed" not in result.stdout and "kept" not in result.stdout
    assert sha(package) == original


def test_build_bundle_never_follows_a_symlink_planted_in_build_scorm(project, tmp_path):
    build(project, "--only", "scorm")
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    scorm = project / "build/scorm"
    victim = scorm / "mid-career-managers-1.0.0-scorm12.zip"
    victim.unlink()
    victim.symlink_to(secret)
    (scorm / "planted-1.0.0-scorm12.zip").symlink_to(secret)

    build(project, "--only", "scorm", "--bundle", "national-induction")

    for file in scorm.iterdir():
        assert not file.is_symlink(), file
        assert b"private" not in file.read_bytes(), file
    assert not victim.exists(), "a package the sealed record cannot vouch for is not carried over"


def test_a_symlinked_scorm_folder_in_build_is_replaced_not_written_through(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "build").mkdir()
    (project / "build/scorm").symlink_to(elsewhere)

    build(project, "--only", "scorm")

    assert not (project / "build/scorm").is_symlink()
    assert list(elsewhere.iterdir()) == []


def test_a_build_killed_after_swapping_its_folders_is_not_up_to_date(project):
    """What says "up to date" describes the tree it was written with: swap in another tree (as a build
    killed between its swap and its record would leave) and the next build builds again."""
    build(project)
    other = project.parent / "other-site"
    shutil.copytree(project / "build/site", other)
    (other / "index.html").write_text("<p>from another build</p>")
    shutil.rmtree(project / "build/site")
    other.rename(project / "build/site")

    result = build(project)

    assert "nothing changed" not in result.stdout
    assert "from another build" not in (project / "build/site/index.html").read_text()
    assert "nothing changed" in build(project).stdout


def test_build_keeps_one_sealed_state_file_and_an_edited_one_is_ignored(project):
    """What the last build wrote is recorded in one file beside its outputs; a state someone edited (here,
    to claim a package's changed bytes are the ones built) vouches for nothing: everything is built again."""
    import json

    build(project, "--only", "scorm", "--only", "reports")
    out = project / "build"
    records = sorted(p.relative_to(out).as_posix() for p in out.rglob(".bundlesmith-*")
                     if p.relative_to(out).parts[0] != ".bundlesmith-cache")
    assert records == [".bundlesmith-state.json"]

    package = out / "scorm/national-induction-1.0.0-scorm12.zip"
    original = sha(package)
    same_size_tamper(package)
    sealed = json.loads((out / ".bundlesmith-state.json").read_text())
    sealed["data"]["packages"][package.name]["zip"] = sha(package)
    (out / ".bundlesmith-state.json").write_text(json.dumps(sealed))

    result = build(project, "--only", "scorm", "--only", "reports")

    assert "nothing changed" not in result.stdout and "kept" not in result.stdout
    assert sha(package) == original
