"""A co-creator previews the site with `bundlesmith serve` and sees each saved edit without restarting it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

MODULE_FILE = "content/modules/induction/speaking-up-and-listening-up.md"
PAGE = "modules/speaking-up-and-listening-up/index.html"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, condition, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = _get(url)
        if text is not None and condition(text):
            return text
        time.sleep(0.3)
    pytest.fail(f"{url} never showed what was expected within {timeout} s")


@pytest.fixture
def serving(project):
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "bundlesmith", "-C", str(project), "serve", "-a",
                                f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield project, f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            log, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            log, _ = process.communicate()
        print(log)


def test_serve_shows_an_edited_module_without_a_restart(serving):
    project, base = serving
    page = _wait_for(base + PAGE, lambda text: "Consider Amira" in text)
    assert "bs-quiz" in page
    source = project / MODULE_FILE
    source.write_text(source.read_text(encoding="utf-8").replace("Consider Amira", "Consider Zanzibarina"),
                      encoding="utf-8")
    edited = _wait_for(base + PAGE, lambda text: "Zanzibarina" in text)
    assert "Consider Amira" not in edited


def test_serve_shows_content_errors_on_the_page_until_they_are_fixed(serving):
    project, base = serving
    _wait_for(base + PAGE, lambda text: "1.2.0" in text)
    source = project / MODULE_FILE
    original = source.read_text(encoding="utf-8")
    source.write_text(original.replace("version: 1.2.0", "version: banana"), encoding="utf-8")
    broken = _wait_for(base + PAGE, lambda text: "The content has errors" in text)
    assert f"{MODULE_FILE}:4: error:" in broken
    source.write_text(original.replace("version: 1.2.0", "version: 1.3.0"), encoding="utf-8")
    fixed = _wait_for(base + PAGE, lambda text: "1.3.0" in text)
    assert "The content has errors" not in fixed


def test_after_a_save_serve_renders_the_edited_page_and_keeps_the_search_index_whole(serving):
    """Only the pages whose inputs changed are rendered again; the search index still has every page."""
    import json

    project, base = serving
    _wait_for(base + PAGE, lambda text: "Consider Amira" in text)
    before = json.loads(_wait_for(base + "search/search_index.json", lambda text: '"docs"' in text))["docs"]
    source = project / MODULE_FILE
    source.write_text(source.read_text(encoding="utf-8") + "\nA sentence about Zanzibarina.\n", encoding="utf-8")
    _wait_for(base + PAGE, lambda text: "Zanzibarina" in text)
    after = json.loads(_wait_for(base + "search/search_index.json", lambda text: "Zanzibarina" in text))["docs"]
    assert [d["location"] for d in after] == [d["location"] for d in before]
    changed = [d["location"] for d, was in zip(after, before, strict=True) if d != was]
    assert changed and all(location.startswith(PAGE) for location in changed)


def test_after_a_save_serve_says_the_warnings_it_said_before_once_in_a_line(project, caplog):
    """A national repository has warnings nobody fixes today: a save prints what is new, not all of them."""
    import logging

    from bundlesmith.preview import PreviewSession

    settings = project / "bundlesmith.yml"
    settings.write_text(settings.read_text().replace("max_reading_age: 15", "max_reading_age: 6"))
    session = PreviewSession(project, None, None)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.bundlesmith"):
        session.inputs()
        first = [r.getMessage() for r in caplog.records if "[reading-age]" in r.getMessage()]
        caplog.clear()
        source = project / MODULE_FILE
        source.write_text(source.read_text() + "\nThis sentence is one that goes on, with words that are long "
                          "and complicated, considerably beyond any reasonable expectation of readability.\n")
        session.inputs()
        again = [r.getMessage() for r in caplog.records]
    said_again = [m for m in again if "[reading-age]" in m]
    assert len(first) > 3 and all(m.startswith(MODULE_FILE) for m in said_again)  # only the edited module's
    assert f"{len(first) - len(said_again)} warning(s) as after the last save, not repeated" in again
