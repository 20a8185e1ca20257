"""Helpers for the site tests: one build of the sample per session, a local static server, a link crawler."""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# What every page is held to: WCAG 2.2 A/AA and axe's best practices (landmark-unique, heading-order, region...).
AXE_TAGS = [*WCAG_TAGS, "best-practice"]
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 320, "height": 800}}
VARIANT = "riverside-ics"

_built: dict[str, Path] = {}


def sample_build(tmp_path_factory) -> Path:
    """The sample project built once per session (site, SCORM and reports; national and the variant)."""
    if "out" not in _built:
        from bundlesmith import build

        out = tmp_path_factory.mktemp("sample-build")
        result = build.run(build.BuildOptions(root=ROOT, out=out))
        assert result.ok, [d.format() for d in result.diagnostics]
        _built["out"] = out
    return _built["out"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class StaticServer:
    """A folder served on 127.0.0.1 (a free port) from a thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Links(HTMLParser):
    """Every URL a page refers to (links, scripts, styles, images, forms) and every id it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        for attr in ("href", "src", "action", "poster", "data"):
            if values.get(attr) is not None:
                self.urls.append((tag, values[attr]))


@dataclass
class Crawl:
    pages: set[str] = field(default_factory=set)  # URLs of the HTML pages visited, without fragments
    broken: list[str] = field(default_factory=list)  # "page -> target (why)"
    external: list[str] = field(default_factory=list)  # resources (not links) on another host


def _fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, "", b""


def crawl(start: str, scope: str) -> Crawl:
    """Follow every link from `start` within `scope` (a URL prefix); check links, assets and #fragments."""
    result = Crawl()
    ids: dict[str, set[str]] = {}
    status: dict[str, int] = {}
    fragments: list[tuple[str, str, str]] = []
    referrer: dict[str, str] = {start: "(start)"}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in status:
            continue
        code, ctype, body = _fetch(url)
        status[url] = code
        if code != 200 or ctype != "text/html" or not url.startswith(scope):
            continue
        result.pages.add(url)
        parser = _Links()
        parser.feed(body.decode("utf-8", "replace"))
        ids[url] = parser.ids
        for tag, raw in parser.urls:
            if raw.startswith(("mailto:", "tel:", "data:", "javascript:")) or raw == "":
                continue
            target, fragment = urldefrag(urljoin(url, raw))
            if urlsplit(target).netloc != urlsplit(start).netloc:
                if tag != "a":  # a link elsewhere is fine; a resource from elsewhere is a request
                    result.external.append(f"{url} -> {raw}")
                continue
            if target.endswith("/"):
                target += "index.html"  # what a web server does; from disk the site links to index.html
            if fragment:
                fragments.append((url, target, unquote(fragment)))
            if target not in status:
                referrer.setdefault(target, url)
                queue.append(target)
    for url, code in status.items():
        if code != 200:
            result.broken.append(f"{referrer.get(url)} -> {url} ({code})")
    for page, target, fragment in fragments:
        if target in ids and fragment not in ids[target]:
            result.broken.append(f"{page} -> {target}#{fragment} (no such id)")
    return result
