"""The accessibility statement is written from the publisher's file (content/publisher.yml) with what the UK
public sector accessibility regulations ask for, and claims only the WCAG criteria the tests check."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from bundlesmith import build
from bundlesmith.render.accessibility_statement import CHECKED, KNOWN
from conftest import copy_sample
from site_support import AXE, AXE_TAGS, sample_build

TESTS = Path(__file__).resolve().parent


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _article(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    return page[page.index("<article"):page.index("</article>")]


def test_the_statement_says_what_the_regulations_require_from_the_publishers_file(tmp_path_factory):
    page = _article(sample_build(tmp_path_factory) / "site" / "accessibility.html")
    text = _text(page)
    assert "Accessibility statement for Health and social care leadership training" in text
    assert "published by The health and social care leadership training team" in text
    assert "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" in text
    assert 'href="mailto:leadership.training@example.org"' in page and "call 0300 000 0000" in text
    assert "get back to you in 5 working days" in text
    assert "Equality and Human Rights Commission (EHRC)" in text  # enforcement procedure
    assert "This statement was prepared on 2026-11-30. It was last reviewed on 2026-11-30." in text
    for issue, criteria in KNOWN:  # bundlesmith's own known issues are listed, with the criteria they fail
        assert _text(issue) in text and all(c in text for c in criteria)
    claimed = re.findall(r'<th scope="row">(\d\.\d+\.\d+) ', page)
    assert claimed == [c.number for c in CHECKED]


def _axe_criteria(browser) -> set[str]:
    """The WCAG criteria that the axe-core rules the tests run are tagged with ('wcag1412' is 1.4.12)."""
    tab = browser.new_page()
    tab.set_content("<!DOCTYPE html><html lang='en'><title>axe</title></html>")
    tab.add_script_tag(path=str(AXE))
    tags = tab.evaluate("tags => axe.getRules(tags).flatMap(r => r.tags)", AXE_TAGS)
    tab.close()
    return {f"{t[4]}.{t[5]}.{t[6:]}" for t in tags if re.fullmatch(r"wcag\d{3,4}", t)}


def test_every_criterion_the_statement_claims_is_checked(browser):
    """'We claim only these': each criterion is either checked by an axe-core rule that the tests run on every
    page, or named by one of our browser tests; a claim nobody checks fails here."""
    named = set()
    for path in TESTS.glob("test_*.py"):
        if path.name != Path(__file__).name:
            named |= set(re.findall(r"\b([1-4]\.\d{1,2}\.\d{1,2})\b", path.read_text(encoding="utf-8")))
    by_axe = _axe_criteria(browser)
    assert [c.number for c in CHECKED if c.by_axe and c.number not in by_axe] == []
    assert [c.number for c in CHECKED if not c.by_axe and c.number not in named] == []


def test_the_publishers_own_known_issues_and_northern_ireland_enforcement(tmp_path):
    project = copy_sample(tmp_path / "project")
    publisher = project / "content" / "publisher.yml"
    publisher.write_text(publisher.read_text().replace("enforcement: great-britain", "enforcement: northern-ireland")
                         .replace("known_issues: []", "known_issues:\n  - issue: The ward video has no captions.\n"
                                  "    criteria: [\"1.2.2\"]\n    fix_by: 2027-03-31\n"))
    result = build.run(build.BuildOptions(root=project, out=tmp_path / "out", only=frozenset({"site"}), variants=()))
    assert result.ok, [d.format() for d in result.diagnostics]
    text = _text(_article(tmp_path / "out" / "site" / "accessibility.html"))
    assert "The ward video has no captions. (WCAG 1.2.2) We plan to fix this by 2027-03-31." in text
    assert "Equality Commission for Northern Ireland" in text and "EHRC" not in text


def test_without_a_publisher_file_no_statement_is_made_up(tmp_path):
    project = copy_sample(tmp_path / "project")
    (project / "content" / "publisher.yml").unlink()
    result = build.run(build.BuildOptions(root=project, out=tmp_path / "out", only=frozenset({"site"}), variants=()))
    assert result.ok, [d.format() for d in result.diagnostics]
    assert not (tmp_path / "out" / "site" / "accessibility.html").exists()
