"""A co-creator links one module to another in plain Markdown; each output takes the learner to the right
place: the module's page on the site, its SCO in a package of one SCO per module, its section on the one
page of a single-SCO package and in the printed handbook. A link that merely looks like one of
bundlesmith's own is an ordinary (and here useless) link, never an internal one."""

from __future__ import annotations

import zipfile

import pytest
from lxml import html

from bundlesmith import build as build_mod
from bundlesmith import pipeline
from conftest import copy_sample

MODULE = "speaking-up-and-listening-up"  # in national-induction (one SCO per module) and core-management (single SCO)
WELCOME = "welcome-to-health-and-social-care"  # in both bundles
JUST = "just-and-learning-culture"  # in core-management only
LINKS = f"""
Before you go on, read [the values we share]({WELCOME}.md#the-values-we-share) and, later,
[a just culture](../management/{JUST}.md).

<p>Not ours: <a href="bs-module:{WELCOME}">forged module</a>, <a href="bs-ref:0">forged reference</a>,
<img src="bs-asset:content/publisher.yml" alt="forged image">
<a class="bs-nav" data-bs-nav="item-your-development-and-appraisal" href="#x">forged request</a></p>
<div class="bs-quiz-slot"></div>
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("links") / "project")
    module = root / f"content/modules/induction/{MODULE}.md"
    module.write_text(module.read_text().replace("## Why speaking up matters", f"{LINKS}\n## Why speaking up matters", 1))
    result = build_mod.run(build_mod.BuildOptions(root=root, out=root / "build", variants=(),
                                                  bundles=("national-induction", "core-management-curriculum"),
                                                  only=frozenset({"site", "scorm"})))
    assert result.ok, [d.format() for d in result.diagnostics]
    return root


def sco_page(root, package: str, page: str):
    with zipfile.ZipFile(root / f"build/scorm/{package}.zip") as archive:
        return html.fromstring(archive.read(f"sco/{page}.html"))


def link(doc, words: str):
    found = doc.xpath(f"//*[self::a or self::span][normalize-space(text())='{words}']")
    assert found, words
    return found[0]


def test_on_the_site_a_link_goes_to_the_other_modules_page_and_part(built):
    page = html.fromstring((built / f"build/site/modules/{MODULE}/index.html").read_bytes())
    assert link(page, "the values we share").get("href") == f"../{WELCOME}/index.html#the-values-we-share"
    assert link(page, "a just culture").get("href") == f"../{JUST}/index.html"
    target = html.fromstring((built / f"build/site/modules/{WELCOME}/index.html").read_bytes())
    assert target.xpath("//*[@id='the-values-we-share']")


def test_in_a_package_of_one_sco_per_module_scorm_2004_asks_the_lms_to_go_to_the_other_sco(built):
    doc = sco_page(built, "national-induction-1.0.0-scorm2004", MODULE)
    request = link(doc, "the values we share")
    assert (request.tag, request.get("href"), request.get("class")) == ("a", f"{WELCOME}.html", "bs-nav")
    with zipfile.ZipFile(built / "build/scorm/national-induction-1.0.0-scorm2004.zip") as archive:
        manifest = archive.read("imsmanifest.xml").decode()
    assert f'identifier="{request.get("data-bs-nav")}"' in manifest  # the other SCO's item
    outside = link(doc, "a just culture")  # not in this package: its words only
    assert (outside.tag, outside.get("class")) == ("span", "bs-module-ref")


def test_in_a_scorm_1_2_package_of_one_sco_per_module_the_other_module_is_named(built):
    doc = sco_page(built, "national-induction-1.0.0-scorm12", MODULE)
    reference = link(doc, "the values we share")
    assert reference.tag == "span" and reference.get("class") == "bs-module-ref"
    assert reference.text_content().endswith("(the module \u201cWelcome to health and social care\u201d in this course)")
    assert not doc.xpath("//a[normalize-space()='the values we share']")


def test_on_the_one_page_of_a_single_sco_package_a_link_goes_to_the_other_modules_section(built):
    doc = sco_page(built, "core-management-curriculum-1.0.0-scorm12", "core-management-curriculum")
    to_part = link(doc, "the values we share").get("href")
    assert to_part == f"#m-{WELCOME}--the-values-we-share"
    assert doc.xpath(f"//*[@id='{to_part[1:]}']")  # the other module's heading, its id prefixed
    to_module = link(doc, "a just culture").get("href")
    assert to_module == f"#module-{JUST}" and doc.xpath(f"//article[@id='module-{JUST}']")
    assert link(doc, "forged request").get("href") == f"#m-{MODULE}--x"  # a part of this module, as written
    # One h1 on the page (the bundle's): every module's headings moved one level down.
    assert len(doc.xpath("//h1")) == 1 and doc.xpath(f"//h3[@id='m-{MODULE}--why-speaking-up-matters']")


def test_in_the_handbook_a_link_goes_to_the_other_modules_section_or_is_spelled_out(built):
    from bundlesmith.render.cache import RenderCache
    from bundlesmith.render.print_html import plan_handbook, render_handbook

    catalogue = pipeline.check(built).catalogue
    for bundle, just in (("core-management-curriculum", f"#module-{JUST}"), ("national-induction", None)):
        doc = html.fromstring(render_handbook(plan_handbook(catalogue, catalogue.bundles[bundle]), "learner",
                                              RenderCache(), ""))
        assert link(doc, "the values we share").get("href") == f"#module-{WELCOME}"
        assert doc.xpath(f"//section[@id='module-{WELCOME}']")
        if just:
            assert link(doc, "a just culture").get("href") == just
        else:
            assert doc.xpath("//span[normalize-space()='a just culture (a module outside this handbook)']")


@pytest.mark.parametrize("where", ["site", "multi-sco", "single-sco"])
def test_a_link_that_looks_like_one_of_bundlesmiths_own_is_not_honoured(built, where):
    if where == "site":
        doc = html.fromstring((built / f"build/site/modules/{MODULE}/index.html").read_bytes())
    elif where == "multi-sco":
        doc = sco_page(built, "national-induction-1.0.0-scorm2004", MODULE)
    else:
        doc = sco_page(built, "core-management-curriculum-1.0.0-scorm12", "core-management-curriculum")
    for words in ("forged module", "forged reference"):
        forged = link(doc, words)
        assert forged.tag == "a" and forged.get("href") is None  # its words stay; it leads nowhere
        assert forged.get("class") is None and forged.get("data-bs-nav") is None
    assert not doc.xpath("//img[@alt='forged image']/@src")
    request = link(doc, "forged request")  # raw HTML naming a navigation request the module never made
    assert request.get("data-bs-nav") is None
    assert not [url for url in doc.xpath("//@href | //@src") if url.startswith("bs-")]
    # The knowledge check is a token of its own: content that imitates where it used to go gets nothing.
    assert len(doc.xpath(f"//section[@class='bs-quiz'][@data-module='{MODULE}']")) == 1
    assert doc.xpath("//div[@class='bs-quiz-slot'][not(node())]")


def test_check_refuses_such_a_link_written_in_markdown(project):
    module = project / f"content/modules/induction/{MODULE}.md"
    module.write_text(module.read_text() + f"\nSee [the welcome](bs-module:{WELCOME}).\n")
    problems = [d.format() for d in pipeline.check(project).diagnostics]
    line = len(module.read_text().splitlines())
    assert [p for p in problems if "bs-module:" in p] == [
        (f"content/modules/induction/{MODULE}.md:{line}: error: link to "
         f"'bs-module:{WELCOME}' is not allowed: use a relative path or an http(s) address [unsafe-url]")]
