"""`bundlesmith serve` end to end: from saving a module to the browser showing the new sentence.

    with chromium() as browser:
        result = measure(browser, corpus, env, saves=5)

`measure` starts `bundlesmith serve` on the corpus (the national site, a free port on 127.0.0.1), waits
until the module's page is served, opens it in headless Chromium (Debian's, through Playwright; no
browser is downloaded) and then, `saves` times: appends a sentence nobody wrote before to the module's
file, and times from the moment the write returns to the moment the sentence is in the page the browser
shows. mkdocs' live reload does the rest: the server rebuilds, the page's poller sees the new build and
the page reloads itself. The module's file is restored afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MODULE = "module-00001"


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Debian Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def served(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def stop(process: subprocess.Popen[bytes]) -> dict[str, float]:
    """Stop the server (Ctrl-C, as a user does); its CPU seconds and peak RSS in MiB."""
    process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 30
    while True:
        pid, _, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = 0  # reaped here: Popen must not wait for it again
            return {"cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}
        if time.monotonic() > deadline:
            process.kill()
            deadline = time.monotonic() + 30
        time.sleep(0.1)


def measure(browser: Any, corpus: Path, env: dict[str, str], log: Path, saves: int = 5, mark: str = "",
            timeout: float = 600) -> dict[str, Any]:
    """Median seconds from a module's save to the new sentence in the browser, over `saves` saves."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    url = f"{base}modules/{MODULE}/"
    source = corpus / "content" / "modules" / f"{MODULE}.md"
    original = source.read_text(encoding="utf-8")
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "bundlesmith", "-C", str(corpus), "serve", "-a",
                                    f"127.0.0.1:{port}"], cwd=corpus, env=env, stdout=out, stderr=subprocess.STDOUT)
    latencies: list[float] = []
    try:
        deadline = time.monotonic() + timeout
        while not served(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bundlesmith serve never served {url}; its log:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        first_page = time.perf_counter() - started
        page = browser.new_page()
        try:
            page.goto(url, wait_until="load")
            for k in range(saves):
                sentence = f"Saved by the benchmark {mark} number {k + 1} at {time.time_ns()}."
                text = source.read_text(encoding="utf-8")
                source.write_text(f"{text}\n{sentence}\n", encoding="utf-8")
                saved = time.perf_counter()
                try:
                    page.get_by_text(sentence).wait_for(state="attached", timeout=timeout * 1000)
                except Exception as exc:  # Playwright's TimeoutError: say what the server printed
                    raise SystemExit(f"the saved sentence never appeared in {url}: {exc}\n"
                                     f"bundlesmith serve's log:\n{log.read_text()[-3000:]}") from None
                latencies.append(time.perf_counter() - saved)
                time.sleep(0.5)  # let the server settle before the next save
        finally:
            page.close()
    finally:
        source.write_text(original, encoding="utf-8")
        usage = stop(process)
    return {"wall": statistics.median(latencies), "saves": latencies, "first_page": first_page, **usage}
