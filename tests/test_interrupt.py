"""Ctrl-C in the middle of a parallel build: the workers stop, no traceback, build/ stays as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _interrupt(tmp_path, send) -> tuple[int, str, Path, Path]:
    """Start a parallel build of a generated corpus, `send(process)` once sites are being built."""
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "bench/generate.py"), "--modules", "60", "--bundles", "8",
                    "--variants", "2", "-o", str(corpus)], check=True)
    out = tmp_path / "build"
    out.mkdir()
    (out / "keep.txt").write_text("the previous build")
    log = tmp_path / "log"
    with open(log, "w") as stream:
        # As from a terminal: Ctrl-C's default action, whatever the test runner's process was started with
        # (a process started in the background of a shell inherits SIGINT ignored).
        process = subprocess.Popen([sys.executable, "-m", "bundlesmith", "-C", str(corpus), "build", "-o", str(out),
                                    "--jobs", "2"], stdout=stream, stderr=subprocess.STDOUT, start_new_session=True,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 120
        while "site:" not in log.read_text() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, log.read_text()
        send(process)
        code = process.wait(timeout=60)
    return code, log.read_text(), out, corpus


def test_ctrl_c_during_a_parallel_build_stops_cleanly(tmp_path):
    code, text, out, corpus = _interrupt(tmp_path, lambda p: os.killpg(p.pid, signal.SIGINT))  # as a terminal does
    assert code == 130, text
    assert "interrupted; build/ is unchanged" in text
    assert "Traceback" not in text
    assert sorted(p.name for p in out.iterdir() if p.name != ".bundlesmith-cache") == ["keep.txt"]
    leftover = subprocess.run(["pgrep", "-f", str(corpus)], capture_output=True, text=True).stdout.split()
    assert leftover == []


def test_sigterm_stops_the_workers_and_removes_staging(tmp_path):
    """A CI runner's timeout or `kill` sends SIGTERM to bundlesmith alone: it stops its workers itself."""
    code, text, out, corpus = _interrupt(tmp_path, lambda p: p.send_signal(signal.SIGTERM))
    assert code == 143, text
    assert "terminated; build/ is unchanged" in text
    assert "Traceback" not in text
    assert sorted(p.name for p in out.iterdir() if p.name != ".bundlesmith-cache") == ["keep.txt"]
    time.sleep(0.5)
    leftover = subprocess.run(["pgrep", "-f", str(corpus)], capture_output=True, text=True).stdout.split()
    assert leftover == []


def test_a_later_build_removes_staging_left_by_a_killed_build(sample_root, tmp_path):
    from bundlesmith import build

    out = tmp_path / "build"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / f".staging-{dead.pid}/site").mkdir(parents=True)
    (out / f".old-{dead.pid}/scorm").mkdir(parents=True)
    alive = out / f".staging-{os.getppid()}"
    alive.mkdir()
    result = build.run(build.BuildOptions(root=sample_root, out=out, variants=(), only=frozenset({"reports"})))
    assert result.ok
    assert not (out / f".staging-{dead.pid}").exists() and not (out / f".old-{dead.pid}").exists()
    assert alive.exists(), "a build that may still be running is left alone"
