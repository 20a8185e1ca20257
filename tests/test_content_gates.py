"""What learners and reviewers get from the content gates: a reading age that every output agrees on,
decorative images that screen readers skip, and acronyms that explain themselves, on the site and in
every SCORM package."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html

from bundlesmith import pipeline
from bundlesmith.cli import cli
from bundlesmith.model import Prose, Sentence
from bundlesmith.readability import flesch_kincaid_grade, reading_level, syllables
from site_support import ROOT, sample_build
from test_check_bad_input import make_project, parse_case

FIXTURES = Path(__file__).parent / "fixtures"
WELCOME = "content/modules/induction/welcome-to-health-and-social-care.md"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'


def test_syllables_are_counted_right_for_nine_in_ten_everyday_words():
    rows = [line.split() for line in (FIXTURES / "plain-english/syllables.txt").read_text().splitlines()
            if line and not line.startswith("#")]
    wrong = [(word, int(count), syllables(word)) for word, count in rows if syllables(word) != int(count)]
    assert len(rows) == 94
    assert len(wrong) <= len(rows) // 10, wrong
    assert (syllables("NHS"), syllables("GPs"), syllables("the")) == (3, 2, 1)  # acronyms are read letter by letter


def test_the_reading_age_of_a_hand_worked_text():
    from bundlesmith.load.prose import scan_prose
    from bundlesmith.markdown import parse

    # 15 sentences of 7 words; syllables 1+1+1+1+1+1+2 = 8 each: 105 words, 120 syllables.
    # Grade 0.39 x 7 + 11.8 x 120 / 105 - 15.59 = 0.626 -> 0.6; reading age round(0.6) + 5 = 6.
    body = "\n".join(["Staff who feel heard speak up sooner."] * 15)
    level = reading_level(scan_prose(parse(body), 0))
    assert (level.words, level.sentences, level.syllables, level.grade, level.reading_age) == (105, 15, 120, 0.6, 6)
    assert flesch_kincaid_grade(100, 5, 150) == pytest.approx(0.39 * 20 + 11.8 * 1.5 - 15.59)
    short = reading_level(scan_prose(parse("Too short to judge."), 0))
    assert short is None


def test_check_the_site_and_the_coverage_report_show_the_same_reading_age(tmp_path_factory):
    out = sample_build(tmp_path_factory)
    result = CliRunner().invoke(cli, ["-C", str(ROOT), "check", "--format", "json", "--no-cache"])
    reading = json.loads(result.stdout)["reading"]
    report = json.loads((out / "reports/national-induction/coverage.json").read_text())
    assert report["modules"], "the bundle has modules"
    for row in report["modules"]:
        figures = reading[row["id"]]
        assert row["reading"] == {k: v for k, v in figures.items() if k != "path"}
        page = (out / f"site/modules/{row['id']}/index.html").read_text()
        assert (f"<dt>Reading age</dt><dd>about {figures['reading_age']} (Flesch–Kincaid grade "
                f"{figures['flesch_kincaid_grade']})</dd>") in page
        assert 6 <= figures["reading_age"] <= 15  # bundlesmith.yml's limit for the sample
    assert "Plain English" in (out / "reports/national-induction/coverage.md").read_text()


def _build(root: Path, out: Path) -> Path:
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "--only", "site", "--only", "scorm",
                                      "--national-only", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_decorative_images_have_an_empty_alt_and_acronyms_their_expansion_on_the_site_and_in_packages(project, tmp_path):
    (project / "content/assets").mkdir(exist_ok=True)
    (project / "content/assets/border.svg").write_text(SVG)
    (project / "site-pages/contacts.md").write_text("# Contacts\n\n![A wavy line](border.svg){ .decorative }\n")
    (project / "site-pages/border.svg").write_text(SVG)
    module = project / WELCOME
    module.write_text(module.read_text().replace(
        "# Welcome to health and social care\n",
        "# Welcome to health and social care\n\n![A thin border](../../assets/border.svg){ .decorative }\n\n"
        "![How the system fits together](../../assets/border.svg)\n\nIn code, `NHS` stays as it is.\n", 1))
    out = _build(project, tmp_path / "out")

    site = html.fromstring((out / "site/modules/welcome-to-health-and-social-care/index.html").read_bytes())
    with zipfile.ZipFile(out / "scorm/national-induction-1.0.0-scorm12.zip") as archive:
        sco = html.fromstring(archive.read("sco/welcome-to-health-and-social-care.html"))
    for page in (site, sco):
        assert [img.get("alt") for img in page.xpath("//main//img | //article//img")] == [
            "", "How the system fits together"]
        abbrs = {(a.text, a.get("title")) for a in page.xpath("//abbr")}
        assert ("NHS", "National Health Service") in abbrs and ("GP", "general practitioner") in abbrs
        assert page.xpath("//code[normalize-space()='NHS']") and not page.xpath("//code//abbr")
    own = html.fromstring((out / "site/contacts.html").read_bytes())
    assert own.xpath("//article//img/@alt") == [""]

    glossary = html.fromstring((out / "site/glossary/index.html").read_bytes())
    terms = [dt.text_content() for dt in glossary.xpath("//dl[@class='bs-glossary']/dt")]
    assert terms == ["GP: general practitioner", "HR: human resources", "ICS: integrated care system",
                     "NHS: National Health Service", "UK: United Kingdom"]
    assert "Glossary" in [a.text_content().strip() for a in glossary.xpath("//nav//a")]


def site_html(module) -> str:
    """The module's body as its site page shows it, from the tokens its load kept."""
    from bundlesmith.render import url_policy
    from bundlesmith.render.module_html import render_module
    from bundlesmith.render.url_policy import Layout

    return render_module(module, {}).body(url_policy.site(lambda mid: f"../{mid}/", "../../"), Layout()).html


def test_editing_the_glossary_changes_module_pages_even_from_the_load_cache(project, tmp_path):
    from bundlesmith import pipeline

    cache = tmp_path / "cache"
    first = pipeline.check(project, cache_dir=cache).catalogue.modules["welcome-to-health-and-social-care"]
    assert 'title="National Health Service"' in site_html(first)
    glossary = project / "content/glossary.yml"
    glossary.write_text(glossary.read_text().replace("expansion: National Health Service",
                                                     "expansion: National Health Service (England)"))
    again = pipeline.check(project, cache_dir=cache).catalogue.modules["welcome-to-health-and-social-care"]
    assert 'title="National Health Service (England)"' in site_html(again)


def test_content_cannot_forge_an_abbreviation_title(project):
    from bundlesmith import pipeline

    module = project / WELCOME
    module.write_text(module.read_text() + '\n<abbr title="x" onmouseover="alert(1)">NHS</abbr> and NHS"><script>\n')
    body = site_html(pipeline.check(project).catalogue.modules["welcome-to-health-and-social-care"])
    assert "onmouseover" not in body and "<script" not in body
    assert re.search(r'<abbr title="National Health Service">NHS</abbr>"&gt;', body)


def test_every_code_of_the_gates_is_documented_with_a_golden_story():
    from bundlesmith import release
    from bundlesmith.validate import accessibility, glossary, plain_english

    doc = (ROOT / "docs/checks.md").read_text()
    stories = "".join(case.read_text() for case in (FIXTURES / "bad-input").glob("*.case"))
    gate_codes = accessibility.CODES + plain_english.CODES + glossary.CODES
    assert [c for c in gate_codes + release.CODES if f"| `{c}` |" not in doc] == []
    assert [c for c in gate_codes if f"[{c}]" not in stories] == []  # release codes: tests/test_release.py


def test_a_glossary_edit_reaches_packages_kept_from_the_last_build(project, tmp_path):
    def sco_page() -> bytes:
        result = CliRunner().invoke(cli, ["-C", str(project), "build", "--only", "scorm", "--national-only",
                                          "-o", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(tmp_path / "out/scorm/national-induction-1.0.0-scorm12.zip") as archive:
            return archive.read("sco/welcome-to-health-and-social-care.html")

    assert b'<abbr title="National Health Service">' in sco_page()
    glossary = project / "content/glossary.yml"
    glossary.write_text(glossary.read_text().replace("expansion: National Health Service",
                                                     "expansion: National Health Service (England)"))
    assert b'<abbr title="National Health Service (England)">' in sco_page()


def test_a_variants_slot_fill_is_read_for_plain_english_from_its_own_file(tmp_path):
    """A co-creator in an integrated care system writes the local part of a national module: its long
    sentence is reported at its own file and line, in the variant's view only, and the module keeps its
    national reading age (the figure the national content was accredited with)."""
    files, _expected, _code = parse_case((FIXTURES / "bad-input/plain-english-slot-fill.case").read_text())
    root = make_project(tmp_path, files)
    national, north = pipeline.check(root, None), pipeline.check(root, "north")

    def long_sentences(view: pipeline.Checked) -> list[str]:
        return sorted(f"{d.span.path}:{d.span.line}" for d in view.diagnostics if d.code == "long-sentence")

    assert long_sentences(national) == ["content/modules/listening.md:35"]
    assert long_sentences(north) == ["content/modules/listening.md:35", "content/variants/north/slots/help.md:5"]
    local = north.catalogue.modules["listening"].prose
    national_prose = national.catalogue.modules["listening"].prose
    assert local is not None and national_prose is not None
    assert [(s.path, s.line, s.words) for s in local.sentences] == [
        *((s.path, s.line, s.words) for s in national_prose.sentences),
        ("content/variants/north/slots/contacts.md", 1, 4),
        ("content/variants/north/slots/help.md", 3, 5), ("content/variants/north/slots/help.md", 5, 30)]
    national_text = (Sentence(10, 60, 80), Sentence(11, 50, 70))
    level = reading_level(Prose(national_text))
    assert level is not None and level.words == 110
    assert reading_level(Prose((*national_text, Sentence(3, 40, 200, path="content/variants/north/slots/help.md")))) == level
    assert sum(s.words for s in local.sentences) > sum(s.words for s in national_prose.sentences)
