"""Helpers for the SCORM tests: the official schemas, a 127.0.0.1-only server and a test LMS page."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import threading
import zipfile
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SCHEMAS = ROOT / "scorm" / "schemas-official"  # the official files, unmodified, carried in the repository
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist"
LMS_PAGE = TESTS / "scorm_lms.html"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(folder: Path):
    """Serve `folder` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def lms_site(package: Path, folder: Path) -> Path:
    """A folder holding the test LMS page, scorm-again's dist files and the package unzipped in pkg/."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(LMS_PAGE, folder / "lms.html")
    (folder / "scorm-again").mkdir(exist_ok=True)
    for name in ("scorm12.js", "scorm2004.js"):
        shutil.copy(SCORM_AGAIN / name, folder / "scorm-again" / name)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder / "pkg")
    return folder


def guard_requests(page, base: str, outside: list[str]) -> None:
    """Abort and record every request that is not to our own server (`page` may be a whole browser context)."""
    allowed = urlsplit(base).netloc

    def handle(route):
        url = route.request.url
        parts = urlsplit(url)
        if (parts.scheme in ("http", "https") and parts.netloc != allowed) or parts.scheme not in ("http", "https", "data", "blob", "about"):
            outside.append(url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", handle)

NODE_MODULES_AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def build(root: Path, out: Path) -> Path:
    """`bundlesmith -C ROOT build --only scorm -o OUT`, as a user runs it; returns OUT/scorm."""
    subprocess.run([sys.executable, "-m", "bundlesmith", "-C", str(root), "build", "--only", "scorm", "-o", str(out)],
                   check=True, capture_output=True, text=True)
    return out / "scorm"


def manifest(zip_path: Path) -> etree._Element:
    with zipfile.ZipFile(zip_path) as archive:
        return etree.fromstring(archive.read("imsmanifest.xml"))


@functools.lru_cache(maxsize=1)
def _sample_quizzes() -> dict:
    from bundlesmith import pipeline

    return {m.id: m.quiz for view in pipeline.check_all(ROOT) for m in view.catalogue.modules.values() if m.quiz}


def right_values(module_id: str, question_id: str) -> list[str]:
    """The values ('a', 'b', ...) of a sample question's right answers, from the content (the pages carry
    only hashed keys)."""
    question = _sample_quizzes()[module_id].question(question_id)
    return [chr(97 + n) for n, choice in enumerate(question.choices) if choice.correct]
