"""Shared fixtures: the sample project, small fixture projects, and a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NODE_MODULES = ROOT / "node_modules"
# The cache signing key (load/cache.py) of the tests' own, never the user's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="bundlesmith-tests-cache-")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def sample_root() -> Path:
    """The project's own sample content (read only)."""
    return ROOT


def copy_sample(target: Path) -> Path:
    """A copy of the sample project (content, bundles, site pages, mkdocs.yml, bundlesmith.yml) at `target`."""
    for name in ("content", "bundles", "site-pages"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name)
    for name in ("mkdocs.yml", "bundlesmith.yml"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, target / name)
    return target


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the sample project that a test may edit."""
    return copy_sample(tmp_path / "project")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()
