"""Co-created Markdown full of XSS payloads builds, and no payload runs in the site or in a SCORM package."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import zipfile
from pathlib import Path

import pytest

from bundlesmith import build as build_mod

PAYLOADS = (Path(__file__).parent / "fixtures/xss/payloads.md").read_text()
MODULE = "content/modules/induction/speaking-up-and-listening-up.md"
# Markdown links to javascript: are refused by check (tested in the bad-input corpus); raw HTML is sanitised.
RAW_HTML = "\n".join(line for line in PAYLOADS.split("\n")[1:] if not line.startswith(("[", "!")))


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    from conftest import copy_sample

    root = copy_sample(tmp_path_factory.mktemp("xss") / "project")
    module = root / MODULE
    text = module.read_text()
    module.write_text(text.replace("## Why speaking up matters", f"{RAW_HTML}\n\n## Why speaking up matters", 1))
    out = root / "build"
    result = build_mod.run(build_mod.BuildOptions(root=root, out=out, variants=(), bundles=("national-induction",),
                                                  only=frozenset({"site", "scorm"})))
    assert result.ok, [d.format() for d in result.diagnostics]
    sco_dir = out / "sco-extracted"
    with zipfile.ZipFile(out / "scorm" / "national-induction-1.0.0-scorm12.zip") as archive:
        archive.extractall(sco_dir)
    return out


@pytest.fixture(scope="module")
def server(hostile_build):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(hostile_build))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("path", ["site/modules/speaking-up-and-listening-up/",
                                  "sco-extracted/sco/speaking-up-and-listening-up.html"])
def test_no_payload_runs_in_a_real_browser(browser, server, path):
    page = browser.new_page()
    dialogs, outside = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    def guard(route):
        if not route.request.url.startswith(server):
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    page.route("**/*", guard)
    page.goto(f"{server}/{path}")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("clobber").count() == 1  # the payloads are on the page, as harmless text
    page.get_by_text("clobber").click()
    page.get_by_text("more", exact=True).click()
    page.wait_for_timeout(200)
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert outside == []
    html = page.content()
    assert not re.search(r"<(script|iframe|object|embed|form)[^>]*>[^<]*(__xss|evil)", html)
    page.close()
