"""A long national build shows where it is on the author's terminal, and stays quiet in logs and CI."""

from __future__ import annotations

import os
import subprocess
import sys


def build(project, out, env: dict, stderr) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bundlesmith", "-C", str(project), "build", "--only", "scorm",
                           "--national-only", "-o", str(out)], stdout=subprocess.PIPE, stderr=stderr,
                          env={**os.environ, **env}, timeout=120, check=True)


def on_a_terminal(project, out, env: dict) -> str:
    """stderr of a build whose stderr is a pseudo-terminal."""
    leader, follower = os.openpty()
    try:
        build(project, out, env, follower)
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything has been read
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)


def test_a_terminal_shows_progress_per_package(project, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    shown = on_a_terminal(project, tmp_path / "out", {**env, "CI": ""})
    assert "scorm packages" in shown and "\r" in shown
    assert "5/5" in shown  # every package of the three bundles (one has SCORM 1.2 only), counted as written


def test_no_progress_when_not_a_terminal_or_under_ci(project, tmp_path):
    piped = build(project, tmp_path / "piped", {"CI": ""}, subprocess.PIPE).stderr.decode()
    assert "\r" not in piped and "scorm packages" not in piped
    assert "scorm: 5 package(s)" in piped  # the ordinary lines are still there
    under_ci = on_a_terminal(project, tmp_path / "ci", {"CI": "true"})
    assert "scorm packages" not in under_ci
