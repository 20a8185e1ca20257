"""Building the learners' site: the URL layout, what each page holds, local variants, downloads, the
render cache, the real mkdocs.yml, and that nothing is written into content/."""

from __future__ import annotations

import hashlib
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_support import ROOT, VARIANT, sample_build

MODULE = "speaking-up-and-listening-up"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    return sample_build(tmp_path_factory)


@pytest.fixture(scope="session")
def catalogue():
    from bundlesmith import pipeline

    return pipeline.check(ROOT).catalogue


def _site_only(root: Path, out: Path, variants=()):
    from bundlesmith import build

    result = build.run(build.BuildOptions(root=root, out=out, only=frozenset({"site"}), variants=variants))
    assert result.ok, [d.format() for d in result.diagnostics]
    return out / "site"


def test_every_bundle_module_framework_and_standard_has_its_stable_url(built, catalogue):
    site = built / "site"
    expected = [f"bundles/{b}/index.html" for b in catalogue.bundles]
    expected += [f"modules/{m}/index.html" for m in catalogue.modules]
    for framework in catalogue.frameworks.values():
        expected.append(f"standards/{framework.id}/index.html")
        expected += [f"standards/{framework.id}/{s.code}/index.html" for s in framework.standards]
    assert [p for p in expected if not (site / p).is_file()] == []


def test_bundle_page_shows_time_sections_accreditation_and_coverage(built, catalogue):
    bundle = catalogue.bundles["national-induction"]
    text = (built / "site" / "bundles" / bundle.id / "index.html").read_text()
    modules = [catalogue.modules[m] for m in bundle.module_ids]
    from bundlesmith.render.site_pages import minutes

    guided = minutes(sum(m.guided_minutes for m in modules))
    self_directed = minutes(sum(m.self_directed_minutes for m in modules))
    assert f"{guided} guided" in text and f"{self_directed} self-directed" in text
    for section in bundle.sections:
        assert section.title in text
    assert bundle.accreditation.reference in text
    # Coverage at a glance: one row per targeted standard, linking to the standard's page.
    targets = {i.ref for t, _ in bundle.targets for i in catalogue.expand_target(t)}
    table = text[text.index('bs-coverage"'):]
    table = table[:table.index("</table>")]
    linked = set(re.findall(r'href="\.\./\.\./standards/(\w+)/([\w.]+)/index\.html"', table))
    assert linked == {tuple(ref.split(":")) for ref in targets}


def test_bundle_page_offers_its_scorm_packages_and_coverage_reports(built, catalogue):
    for bundle in catalogue.bundles.values():
        page = (built / "site" / "bundles" / bundle.id / "index.html").read_text()
        zips = sorted((built / "scorm").glob(f"{bundle.id}-{bundle.version}-scorm*.zip"))
        assert len(zips) == len(bundle.scorm.versions)
        for package in zips:
            copy = built / "site" / "downloads" / package.name
            assert hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(package.read_bytes()).digest()
            assert f'href="../../downloads/{package.name}"' in page
        report = built / "site" / "reports" / bundle.id / "coverage.html"
        assert report.read_bytes() == (built / "reports" / bundle.id / "coverage.html").read_bytes()
        assert f'href="../../reports/{bundle.id}/coverage.html"' in page


def test_download_lists_are_filled_in_on_every_page_that_has_one(built):
    """Packages and reports are written while mkdocs renders the pages; their lists come in afterwards."""
    pages = [p for site in built.glob("site*") for p in site.rglob("*.html")]
    assert [str(p) for p in pages if "bs-later" in p.read_text()] == []
    home = (built / "site" / "index.html").read_text()
    assert 'href="reports/index.html"' in home and 'href="reports/framework.html"' in home
    for variant_page in (built / f"site-{VARIANT}" / "bundles").glob("*/index.html"):
        text = variant_page.read_text()
        assert "../../downloads/" in text and f"-{VARIANT}-" in text


def test_site_without_packages_says_so(tmp_path):
    site = _site_only(ROOT, tmp_path)
    page = (site / "bundles" / "national-induction" / "index.html").read_text()
    assert "SCORM packages are not part of this build" in page
    assert not (site / "downloads").exists()


def test_module_page_shows_outcomes_time_standards_roles_review_and_neighbours(built, catalogue):
    module = catalogue.modules[MODULE]
    import html

    text = html.unescape((built / "site" / "modules" / MODULE / "index.html").read_text())
    for outcome in module.outcomes:
        assert outcome.text in text
    for alignment in module.standards:
        standard = catalogue.standard_of(alignment.standard)
        assert f'href="../../standards/{standard.framework}/{standard.code}/index.html' in text
    for entry in module.co_creation:
        assert " ".join(entry.contribution.split()) in " ".join(text.split())
    assert str(module.review.next_review) in text and module.version in text
    for bundle in catalogue.bundles.values():
        if MODULE not in bundle.module_ids:
            continue
        order = list(bundle.module_ids)
        i = order.index(MODULE)
        nav = re.search(rf'<nav class="bs-pager" aria-label="Previous and next in {re.escape(bundle.title)}">(.*?)</nav>',
                        text, re.S).group(1)
        if i > 0:
            assert f'href="../{order[i - 1]}/index.html" rel="prev"' in nav
        if i + 1 < len(order):
            assert f'href="../{order[i + 1]}/index.html" rel="next"' in nav


class _Toc(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth, self.links = 0, []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "nav" and "md-nav--secondary" in (values.get("class") or ""):
            self.depth = 1
        elif tag == "nav" and self.depth:
            self.depth += 1
        if self.depth and tag == "a" and (values.get("href") or "").startswith("#"):
            self.links.append(values["href"][1:])

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1


def test_module_table_of_contents_follows_the_rendered_headings(built, catalogue):
    from bundlesmith.render.cache import RenderCache

    rendered = RenderCache().get(catalogue.modules[MODULE], catalogue)
    toc = _Toc()
    toc.feed((built / "site" / "modules" / MODULE / "index.html").read_text())
    body_ids = [h.id for h in rendered.headings if h.level > 1]
    links = list(dict.fromkeys(toc.links))  # the theme prints the TOC twice (sidebar and mobile drawer)
    assert [i for i in links if i in body_ids] == body_ids
    assert {"bs-outcomes", "bs-quiz-title", "bs-standards", "bs-co-creation"} <= set(links)


def test_standard_page_lists_modules_by_strength_and_the_bundles_covering_it(built, catalogue):
    standard = catalogue.standard("clm:D7.1")
    text = (built / "site" / "standards" / "clm" / "D7.1" / "index.html").read_text()
    assert standard.statement.strip()[:50] in text
    for module in catalogue.modules.values():
        for alignment in module.standards:
            if catalogue.standard_of(alignment.standard).ref == standard.ref:
                part = text[text.index(f'id="bs-{alignment.strength}"'):]
                part = part[:part.index("</ul>")]
                assert f"../../../modules/{module.id}/index.html" in part
    covering = [b for b in catalogue.bundles.values() if set(b.module_ids) & {
        m.id for m in catalogue.modules.values() for a in m.standards if catalogue.standard_of(a.standard).ref == standard.ref}]
    for bundle in covering:
        assert f"../../../bundles/{bundle.id}/index.html" in text


def test_variant_site_marks_local_slots_modules_and_sections(built):
    from bundlesmith import pipeline

    variant = pipeline.check(ROOT, VARIANT).catalogue
    local_site = built / f"site-{VARIANT}"
    filled = [m for m in variant.modules.values() if m.local_slots]
    assert filled
    for module in filled:
        text = (local_site / "modules" / module.id / "index.html").read_text()
        assert text.count('class="bs-local-label"') == len(module.local_slots)
        national = (built / "site" / "modules" / module.id / "index.html").read_text()
        assert "bs-local-label" not in national
    for module in (m for m in variant.modules.values() if m.local):
        assert "Local module" in (local_site / "modules" / module.id / "index.html").read_text()
        assert not (built / "site" / "modules" / module.id).exists()
    for bundle in variant.bundles.values():
        text = (local_site / "bundles" / bundle.id / "index.html").read_text()
        for section in bundle.sections:
            if section.local:
                heading = re.search(rf"<h3[^>]*>\d+\. {re.escape(section.title)}(.*?)</h3>", text).group(1)
                assert "Local section" in heading
    assert variant.variant.title in (local_site / "index.html").read_text()


def test_each_module_is_rendered_once_and_mkdocs_warns_about_nothing(tmp_path, catalogue):
    from bundlesmith.build import BuildOptions
    from bundlesmith.render.cache import RenderCache
    from bundlesmith.render.site import build_site

    cache = RenderCache()
    built = build_site(catalogue, cache, tmp_path / "site", BuildOptions(root=ROOT, out=tmp_path))
    assert built.warnings == []
    assert cache.renders == len(catalogue.modules)


def test_module_raw_html_cannot_run_script_on_the_site(project, tmp_path):
    module = project / "content" / "modules" / "induction" / "welcome-to-health-and-social-care.md"
    module.write_text(module.read_text() + '\n<p onclick="alert(1)">Tap here</p>\n\n<script>alert(2)</script>\n\n'
                      '<a href="javascript:alert(3)">a bad link</a>\n', encoding="utf-8")
    site = _site_only(project, tmp_path / "out")
    text = (site / "modules" / "welcome-to-health-and-social-care" / "index.html").read_text()
    assert "Tap here" in text and "a bad link" in text
    assert "alert(" not in text and "onclick" not in text and "javascript:" not in text


def test_building_writes_nothing_into_the_project(project, tmp_path):
    def snapshot():
        return {p.relative_to(project).as_posix(): p.stat().st_mtime_ns for p in project.rglob("*")}

    before = snapshot()
    _site_only(project, tmp_path / "out", variants=None)
    assert snapshot() == before


def test_a_project_without_mkdocs_yml_gets_the_default_site(project, tmp_path):
    (project / "mkdocs.yml").unlink()
    site = _site_only(project, tmp_path / "out")
    home = (site / "index.html").read_text()
    assert "fonts.googleapis.com" not in home and "unpkg.com" not in home
    assert (site / "assets" / "bundlesmith" / "iframe-worker" / "shim.js").is_file()
    assert (site / "search" / "search_index.js").is_file()


def test_the_projects_mkdocs_yml_keeps_the_settings_the_site_relies_on():
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.theme["font"] is False
    assert "navigation.prune" in config.theme["features"]
    names = {name.rpartition("/")[2] for name in config.plugins}
    assert {"search", "offline", "bundlesmith"} <= names


def test_long_navigation_sections_are_split_so_each_page_stays_small():
    """One open section of 1,000 modules makes every module page render 1,000 links (quadratic build)."""
    from bundlesmith.render.site_plan import NAV_SECTION_LIMIT, _chunked

    entries = [(f"Title {i:04d} <b>", f"modules/m{i}/index.md") for i in range(1000)]
    nav = _chunked(entries)

    def leaves(items):
        for item in items:
            (title, value), = item.items()
            if isinstance(value, list):
                assert len(value) <= NAV_SECTION_LIMIT
                yield from leaves(value)
            else:
                yield title, value

    assert len(nav) <= NAV_SECTION_LIMIT
    assert list(leaves(nav)) == [(t.replace("<b>", "&lt;b&gt;"), u) for t, u in entries]


def test_a_module_added_changes_only_the_navigation_sections_around_it():
    """Sections end where their entries say, not by counting: the pages of the other sections keep their
    navigation, so a build keeps them (render/site_reuse.py)."""
    from bundlesmith.render.site_plan import _chunked

    entries = [(f"Title {i:04d}", f"modules/m{i}/index.md") for i in range(1000)]
    before = _chunked(entries)
    after = _chunked([*entries[:500], ("Title 0500 new", "modules/new/index.md"), *entries[500:]])

    def sections(nav):
        for item in nav:
            (_title, value), = item.items()
            if isinstance(value, list):
                if all(isinstance(next(iter(v.values())), str) for v in value):
                    yield tuple(next(iter(v.values())) for v in value)
                else:
                    yield from sections(value)

    old, new = set(sections(before)), set(sections(after))
    assert len(old - new) <= 2 and len(new - old) <= 2, "only the section the module joins changes"


def test_every_page_has_its_own_title(built):
    """WCAG 2.4.2: a learner with many tabs open, or a screen reader, tells pages apart by their title."""
    pages = [p for p in sorted((built / "site").rglob("*.html"))
             if "reports" not in p.relative_to(built).parts and p.name != "404.html"]
    titles = {" ".join(re.search(r"<title>(.*?)</title>", p.read_text(), re.S).group(1).split()):
              p.relative_to(built).as_posix() for p in pages}
    assert len(titles) == len(pages)
    assert titles["Health and social care leadership training"] == "site/index.html"
    assert titles["Speaking up and listening up - Health and social care leadership training"] \
        == f"site/modules/{MODULE}/index.html"


def test_images_a_module_uses_are_copied_and_linked(project, tmp_path):
    picture = project / "content" / "assets" / "huddle.png"
    picture.parent.mkdir(parents=True, exist_ok=True)
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    module = project / "content" / "modules" / "induction" / "welcome-to-health-and-social-care.md"
    module.write_text(module.read_text() + "\n![A team huddle](../../assets/huddle.png)\n", encoding="utf-8")
    site = _site_only(project, tmp_path / "out")
    page = site / "modules" / "welcome-to-health-and-social-care" / "index.html"
    (tag,) = [t for t in re.findall(r"<img\b[^>]*>", page.read_text()) if 'alt="A team huddle"' in t]
    src = re.search(r'src="([^"]+)"', tag).group(1)
    assert src == "../../content/assets/huddle.png"
    assert (page.parent / src).resolve().read_bytes() == picture.read_bytes()


def test_the_shipped_search_shim_is_the_npm_package_unchanged():
    """Projects without node_modules get bundlesmith's copy of iframe-worker's shim; it must stay the same file."""
    shipped = ROOT / "tools" / "bundlesmith" / "assets" / "site" / "iframe-worker"
    installed = ROOT / "node_modules" / "iframe-worker"
    assert (shipped / "shim.js").read_bytes() == (installed / "shim" / "index.js").read_bytes()
    assert (shipped / "LICENSE").read_text() == (installed / "LICENSE").read_text()
    assert "MIT" in (installed / "package.json").read_text()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bad_mkdocs_yml_is_an_error_naming_it_and_build_stays_as_it_was(project, tmp_path, jobs):
    from bundlesmith import build

    out = tmp_path / "build"
    assert build.run(build.BuildOptions(root=project, out=out, only=frozenset({"site"}), jobs=jobs)).ok
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")}
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: material", "name: materiel", 1),
                      encoding="utf-8")
    result = build.run(build.BuildOptions(root=project, out=out, only=frozenset({"site"}), jobs=jobs))
    assert not result.ok
    [problem] = [d.format() for d in result.diagnostics]
    assert problem.startswith("mkdocs.yml: error: the site did not build: Config value 'theme': "
                              "Unrecognised theme name: 'materiel'") and problem.endswith("[site-failed]")
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.html")} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_the_modules_page_shows_each_group_once_and_a_new_module_under_other_modules(project, tmp_path):
    import re

    from click.testing import CliRunner

    from bundlesmith import build as build_mod
    from bundlesmith.cli import cli

    assert CliRunner().invoke(cli, ["-C", str(project), "new", "module", "giving-feedback"]).exit_code == 0
    result = build_mod.run(build_mod.BuildOptions(root=project, out=tmp_path / "out", only=frozenset({"site"}),
                                                  variants=()))
    assert result.ok, [d.format() for d in result.diagnostics]
    page = (tmp_path / "out/site/modules/index.html").read_text()
    groups = re.findall(r'<h2 id="group-\d+">([^<]+)</h2>', page)
    assert groups == ["Induction", "Management", "Other modules"]


def test_the_navigation_lists_every_module_by_its_title(built, catalogue):
    """Each group of modules has its own page, which the group's name in the navigation opens; under it,
    every module of the group by its own title (none hidden behind the group's name)."""
    import re

    from bundlesmith.render.site_plan import group_uri, module_group

    groups: dict[str, list[str]] = {}
    for module in catalogue.modules.values():
        groups.setdefault(module_group(module), []).append(module.title)
    assert len(groups) > 1
    for group, titles in groups.items():
        page = (built / "site" / group_uri(group).replace(".md", ".html")).read_text()
        nav = page[page.index("md-nav--primary"):page.index("</nav>", page.index("md-nav--primary"))]
        shown = [html.unescape(t) for t in re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', nav)]
        assert group in shown and all(title in shown for title in titles), (group, shown)


def test_mkdocs_alone_is_told_to_build_with_bundlesmith(project, tmp_path, caplog):
    """The plugin shows what `bundlesmith build` or `serve` loaded and checked; it never loads the project."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with pytest.raises(Abort):
        build(config)
    assert "the site is built by `bundlesmith build` and previewed with `bundlesmith serve`" in caplog.text
    assert not (tmp_path / "site" / "index.html").exists()
