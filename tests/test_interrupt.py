"""Ctrl-C in the middle of a parallel build: the workers stop, no traceback, build/ stays as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ctrl_c_during_a_parallel_build_stops_cleanly(tmp_path):
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "bench/generate.py"), "--modules", "60", "--bundles", "8",
                    "--variants", "2", "-o", str(corpus)], check=True)
    out = tmp_path / "build"
    out.mkdir()
    (out / "keep.txt").write_text("the previous build")
    log = tmp_path / "log"
    with open(log, "w") as stream:
        process = subprocess.Popen([sys.executable, "-m", "bundlesmith", "-C", str(corpus), "build", "-o", str(out),
                                    "--jobs", "2"], stdout=stream, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while "site:" not in log.read_text() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, log.read_text()
        os.killpg(process.pid, signal.SIGINT)  # what a terminal does: the whole process group
        code = process.wait(timeout=60)
    text = log.read_text()
    assert code == 130, text
    assert "interrupted; build/ is unchanged" in text
    assert "Traceback" not in text
    assert sorted(p.name for p in out.iterdir() if p.name != ".bundlesmith-cache") == ["keep.txt"]
    leftover = subprocess.run(["pgrep", "-f", str(corpus)], capture_output=True, text=True).stdout.split()
    assert leftover == []
