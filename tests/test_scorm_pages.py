"""A learner opens a SCO page: it is self-contained (nothing loads from outside the package), accessible
(WCAG 2.2 AA by axe-core, keyboard, landmarks, in-page navigation) and printable."""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import html

from scorm_support import NODE_MODULES_AXE, ROOT, build, guard_requests, lms_site, manifest, serve

MODULE = "welcome-to-health-and-social-care"


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Path:
    return build(ROOT, tmp_path_factory.mktemp("scorm-pages"))


def pages(zip_path: Path):
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        for name in sorted(n for n in names if n.endswith(".html")):
            yield name, html.fromstring(archive.read(name)), names


def test_every_page_loads_only_files_inside_its_package(packages):
    checked = 0
    for zip_path in sorted(packages.glob("*.zip")):
        for name, doc, names in pages(zip_path):
            for element, _attribute, url, _ in doc.iterlinks():
                if element.tag == "a" and url.startswith(("http://", "https://", "mailto:", "tel:")):
                    continue  # a link the learner may follow, not something the page loads
                assert not url.startswith(("bs-asset:", "bs-module:")), (zip_path.name, name, url)
                assert "//" not in url and ":" not in url.split("#")[0], (zip_path.name, name, url)
                path = url.split("#")[0]
                if path:
                    assert posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) in names, (name, url)
                checked += 1
    assert checked > 100


def test_pages_have_the_structure_assistive_technology_needs(packages):
    for zip_path in (packages / "national-induction-1.0.0-scorm12.zip", packages / "core-management-curriculum-1.0.0-scorm12.zip"):
        for name, doc, _ in pages(zip_path):
            assert doc.get("lang") == "en-GB"
            skip = doc.xpath("//body/*[1]")[0]
            assert skip.tag == "a" and skip.get("href") == "#content" and doc.xpath("//main[@id='content']")
            assert doc.xpath("//header") and doc.xpath("//footer") and doc.xpath("//nav[@aria-labelledby]")
            assert len(doc.xpath("//h1")) == 1
            ids = doc.xpath("//@id")
            assert len(ids) == len(set(ids)), name
            targets = [a.get("href")[1:] for a in doc.xpath("//nav//a")]
            assert targets and set(targets) <= set(ids)
            headings = [h.get("id") for h in doc.xpath("//main//h2[@id]")] if "core-management" not in name else []
            assert set(headings) - {h for h in headings if h.endswith("bs-about")} <= set(targets)
    css = zipfile.ZipFile(packages / "national-induction-1.0.0-scorm12.zip").read("shared/bundlesmith-scorm.css").decode()
    assert "@media print" in css and ":focus-visible" in css


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_images_are_packaged_and_links_to_other_modules_follow_the_package(project, tmp_path):
    module = project / f"content/modules/induction/{MODULE}.md"
    (module.parent / "img").mkdir()
    (module.parent / "img" / "diagram.png").write_bytes(_png())
    module.write_text(module.read_text().replace(
        "# Welcome to health and social care\n",
        "# Welcome to health and social care\n\n![How the system fits together](img/diagram.png)\n\n"
        "See [speaking up](speaking-up-and-listening-up.md) and [managing people](../management/managing-people-well.md).\n", 1))
    out = build(project, tmp_path / "out")
    image = "assets/content/modules/induction/img/diagram.png"

    zip_path = out / "national-induction-1.0.0-scorm12.zip"
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.read(image) == _png()
        doc = html.fromstring(archive.read(f"sco/{MODULE}.html"))
    assert doc.xpath("//img/@src") == [f"../{image}"]
    # Another SCO of the package: in 1.2 a reference by title, never a link that moves the frame behind the LMS
    assert not doc.xpath("//a[normalize-space()='speaking up']")
    assert doc.xpath("string(//span[@class='bs-module-ref'][starts-with(., 'speaking up')])") == (
        "speaking up (the module \u201cSpeaking up and listening up\u201d in this course)")
    assert not doc.xpath("//a[normalize-space()='managing people']")  # not in this bundle: plain text
    assert doc.xpath("//span[@class='bs-module-ref'][normalize-space()='managing people']")
    with zipfile.ZipFile(out / "national-induction-1.0.0-scorm2004.zip") as archive:
        doc2004 = html.fromstring(archive.read(f"sco/{MODULE}.html"))
    nav = doc2004.xpath("//a[normalize-space()='speaking up']")[0]  # in 2004, a navigation request (runtime)
    assert (nav.get("class"), nav.get("data-bs-nav")) == ("bs-nav", "item-speaking-up-and-listening-up")
    files = manifest(zip_path).xpath(f"//*[local-name()='resource'][@identifier='res-{MODULE}']/*[local-name()='file']/@href")
    assert files == [f"sco/{MODULE}.html", image]

    single = out / "core-management-curriculum-1.0.0-scorm12.zip"
    with zipfile.ZipFile(single) as archive:
        doc = html.fromstring(archive.read("sco/core-management-curriculum.html"))
    assert doc.xpath("//a[normalize-space()='managing people']/@href") == ["#module-managing-people-well"]
    assert doc.xpath("//article[@id='module-managing-people-well']")


@pytest.mark.parametrize("package,page", [
    ("national-induction-1.0.0-scorm2004.zip", f"sco/{MODULE}.html"),
    ("core-management-curriculum-1.0.0-scorm12.zip", "sco/core-management-curriculum.html"),
])
@pytest.mark.parametrize("width", [1280, 320])
def test_pages_pass_axe_wcag_22_aa_and_work_by_keyboard(packages, browser, tmp_path, package, page, width):
    site = lms_site(packages / package, tmp_path / "site")
    with serve(site) as base:
        tab = browser.new_page(viewport={"width": width, "height": 800})
        outside: list[str] = []
        guard_requests(tab, base, outside)
        tab.goto(f"{base}/pkg/{page}")
        tab.locator("#bs-lms-status").wait_for(state="visible")
        tab.add_script_tag(path=str(NODE_MODULES_AXE))
        result = tab.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})""")
        problems = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert problems == []
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.className") == "bs-skip"
        tab.keyboard.press("Enter")
        assert tab.evaluate("document.activeElement.id") == "content"
        tab.locator("button.bs-check").first.click()  # feedback and results shown: still AA
        result = tab.evaluate("""() => axe.run(document.querySelector('.bs-quiz'), {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})""")
        assert [v["id"] for v in result["violations"]] == []
        assert tab.locator(".bs-result").first.inner_text() == "Not answered."
        tab.emulate_media(media="print")
        assert tab.locator("nav.bs-toc").is_hidden()
        tab.close()
        assert outside == []


def test_the_request_guard_catches_a_page_that_reaches_outside(browser, tmp_path):
    """The guard every browser test uses does fail a page that loads something from another host."""
    (tmp_path / "leaky.html").write_text('<!DOCTYPE html><html lang="en"><title>x</title>'
                                         '<img src="http://example.org/tracker.png" alt=""></html>')
    with serve(tmp_path) as base:
        page = browser.new_page()
        outside: list[str] = []
        guard_requests(page, base, outside)
        page.goto(f"{base}/leaky.html")
        page.wait_for_load_state("load")
        page.close()
    assert outside == ["http://example.org/tracker.png"]


def test_a_variant_package_carries_its_local_content_and_the_national_one_does_not(packages):
    page = "sco/speaking-up-and-listening-up.html"
    local = "Riverside Freedom to Speak Up Guardian network"
    with zipfile.ZipFile(packages / "national-induction-1.0.0-riverside-ics-scorm12.zip") as archive:
        doc = html.fromstring(archive.read(page))
        assert "sco/riverside-neighbourhood-teams.html" in archive.namelist()  # the variant's own module
    section = doc.xpath("//section[contains(@class, 'bs-local')]")
    assert section and local in section[0].text_content()
    assert "Riverside Integrated Care System" in doc.xpath("string(//header)")
    with zipfile.ZipFile(packages / "national-induction-1.0.0-scorm12.zip") as archive:
        assert local not in archive.read(page).decode()
