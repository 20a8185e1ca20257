"""The sample built as a reviewer receives it: reports beside the packages they describe, linked from the site."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import jsonschema
import pytest

from site_support import AXE, AXE_TAGS, WIDTHS, StaticServer, sample_build

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tools/bundlesmith/schemas/coverage.schema.json").read_text())
BUNDLES = ("core-management-curriculum", "mid-career-managers", "national-induction")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return sample_build(tmp_path_factory)


def test_every_bundle_has_a_valid_report_for_national_content_and_the_variant(built):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for folder, variant in (("reports", None), ("reports/riverside-ics", "riverside-ics")):
        for bundle in BUNDLES:
            doc = json.loads((built / folder / bundle / "coverage.json").read_text())
            validator.validate(doc)
            assert doc["bundle"]["id"] == bundle
            assert (doc["bundle"]["variant"] or {}).get("id") == variant
        assert (built / folder / "framework.html").is_file() and (built / folder / "index.html").is_file()


def test_the_report_names_the_sha256_of_every_package_built_from_the_bundle(built):
    for folder, variant in (("reports", None), ("reports/riverside-ics", "riverside-ics")):
        for bundle in BUNDLES:
            doc = json.loads((built / folder / bundle / "coverage.json").read_text())
            listed = {p["filename"]: p["sha256"] for p in doc["provenance"]["packages"]}
            middle = f"-{variant}-" if variant else "-"
            zips = list((built / "scorm").glob(f"{bundle}-{doc['bundle']['version']}{middle}scorm*.zip"))
            assert zips, bundle
            assert listed == {z.name: hashlib.sha256(z.read_bytes()).hexdigest() for z in zips}


def test_local_content_is_marked_in_the_variant_report(built):
    doc = json.loads((built / "reports/riverside-ics/national-induction/coverage.json").read_text())
    local = [m["id"] for m in doc["modules"] if m["local"]]
    assert local == ["riverside-neighbourhood-teams"]
    slots = {m["id"]: m["local_slots"] for m in doc["modules"] if m["local_slots"]}
    assert slots == {"speaking-up-and-listening-up": ["local-contacts"],
                     "welcome-to-health-and-social-care": ["local-organisation"]}
    assert any(f["local"] for f in doc["frameworks"])
    national = json.loads((built / "reports/national-induction/coverage.json").read_text())
    assert not any(m["local"] or m["local_slots"] for m in national["modules"])
    page = (built / "reports/riverside-ics/national-induction/coverage.html").read_text()
    assert "riverside-neighbourhood-teams (local)" in page
    markdown = (built / "reports/riverside-ics/national-induction/coverage.md").read_text()
    assert "riverside-neighbourhood-teams (local module)" in markdown
    assert "speaking-up-and-listening-up: local slot(s) local-contacts" in markdown
    assert "none: national content only" in (built / "reports/national-induction/coverage.md").read_text()


def test_every_link_of_the_reports_in_the_site_resolves(built):
    pages = sorted(built.glob("site*/reports/**/*.html"))
    crosswalks = 2  # content/crosswalks/: each bundle has an RPL map per crosswalk
    assert len(pages) == 2 * (len(BUNDLES) * (1 + crosswalks) + 2)
    broken = []
    for page in pages:
        for href in re.findall(r'href="([^"#][^"]*)"', page.read_text()):
            if "://" in href:
                continue
            path, _, anchor = href.partition("#")
            target = (page.parent / path).resolve()
            target = target / "index.html" if target.is_dir() else target
            if not target.is_file():
                broken.append(f"{page.relative_to(built)} -> {href}")
            elif anchor and f'id="{anchor}"' not in target.read_text():
                broken.append(f"{page.relative_to(built)} -> {href} (no anchor)")
    assert broken == []


@pytest.fixture(scope="module")
def server(built):
    with StaticServer(built) as running:
        yield running


@pytest.mark.parametrize("path", ["site/reports/national-induction/coverage.html",
                                  "site-riverside-ics/reports/national-induction/coverage.html",
                                  "site/reports/framework.html", "site/reports/index.html"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_report_pages_have_no_wcag_violation(browser, server, path, width):
    context = browser.new_context(viewport=WIDTHS[width])
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:).*"), lambda route: route.abort())
    tab = context.new_page()
    tab.goto(server.base + path)
    tab.add_script_tag(path=str(AXE))
    violations = tab.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""", AXE_TAGS)
    context.close()
    assert violations == []


def test_the_report_reads_without_script_and_prints_without_navigation(browser, server, built):
    rows = len(json.loads((built / "reports/mid-career-managers/coverage.json").read_text())["matrix"]["rows"])
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server.base + "site/reports/mid-career-managers/coverage.html")
    assert tab.locator("table.matrix tbody tr").count() == rows > 0
    assert tab.locator("svg.heatmap[role=img]").is_visible()
    assert tab.locator("nav.toc").is_visible()
    tab.emulate_media(media="print")
    assert not tab.locator("nav.toc").is_visible()
    assert tab.locator("#gaps").evaluate("e => getComputedStyle(e).breakBefore") == "page"
    pdf_context = browser.new_context()
    printable = pdf_context.new_page()
    printable.goto(server.base + "site/reports/mid-career-managers/coverage.html")
    assert printable.pdf()[:4] == b"%PDF"
    pdf_context.close()
    context.close()


REPORT_PAGES = ["site/reports/index.html", "site/reports/framework.html",
                "site/reports/national-induction/coverage.html", "site/reports/core-management-curriculum/coverage.html",
                "site-riverside-ics/reports/national-induction/coverage.html"]


@pytest.mark.parametrize("width", [320, 640])
def test_reports_never_scroll_sideways_and_wide_parts_scroll_by_keyboard(browser, server, width):
    """WCAG 1.4.10 (reflow) and 2.1.1: at 320 px and 640 px the page itself never scrolls sideways; every table
    and heatmap wider than the view is a named region that Tab reaches and the arrow keys scroll."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    for path in REPORT_PAGES:
        tab.goto(server.base + path)
        page_width, view = tab.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert page_width <= view, f"{path} scrolls sideways at {width} px ({page_width} > {view})"
        wide = tab.evaluate("""() => Array.from(document.querySelectorAll('table, svg.heatmap')).filter(e =>
            e.getBoundingClientRect().width > document.documentElement.clientWidth).map(e => {
                const region = e.closest('[role=region]');
                return {what: e.tagName + ' ' + (e.caption ? e.caption.textContent : ''),
                        name: region && region.getAttribute('aria-label'), tabindex: region && region.tabIndex}; })""")
        assert all(w["name"] and w["tabindex"] == 0 for w in wide), (path, wide)
        if width == 320 and "coverage.html" in path:
            assert any(w["what"].startswith("svg") for w in wide), "the heatmaps keep their size (not flattened)"
            region = tab.locator("[role=region]").filter(has=tab.locator("svg.heatmap")).first
            assert region.evaluate("r => r.scrollWidth > r.clientWidth"), path
            region.focus()
            tab.keyboard.press("ArrowRight")
            tab.keyboard.press("ArrowRight")
            tab.wait_for_timeout(100)
            assert region.evaluate("r => r.scrollLeft > 0"), path
    context.close()
