"""A co-creator writes part of a module in raw HTML: a heading of its own, and a `<details>` block around
the knowledge check ("Try it yourself"). Every output treats the HTML's heading like a Markdown one: where
the Markdown's headings move down (the one page of a single-SCO package, the printed handbook) it moves
with them. Raw HTML reaches the page whole, through the sanitiser, so the check cannot sit inside the
block: it comes right after it, the block keeps everything the author put in it, and `check` tells the
author where the check went, with the file and line."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner
from lxml import html

from bundlesmith import build as build_mod
from bundlesmith import pipeline
from bundlesmith.cli import cli
from conftest import copy_sample

MODULE = "speaking-up-and-listening-up"  # in core-management (single SCO) and national-induction (one SCO each)
PATH = f"content/modules/induction/{MODULE}.md"
RAW_HEADING = """<h2 id="in-html">A part written in HTML</h2>

<p>Its words.</p>

## Routes for raising a concern"""
DETAILS_OPEN = """## Check your understanding

<details>
<summary>Try it yourself</summary>

Try the questions before you read on.

```quiz"""
DETAILS_CLOSE = """
Come back to them after the session.

</details>
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("raw-html") / "project")
    module = root / PATH
    text = module.read_text()
    text = text.replace("## Routes for raising a concern", RAW_HEADING, 1)
    text = text.replace("## Check your understanding\n\n```quiz", DETAILS_OPEN, 1).rstrip("\n") + "\n" + DETAILS_CLOSE
    module.write_text(text)
    result = build_mod.run(build_mod.BuildOptions(root=root, out=root / "build", variants=(),
                                                  bundles=("national-induction", "core-management-curriculum"),
                                                  only=frozenset({"site", "scorm"})))
    assert result.ok, [d.format() for d in result.diagnostics]
    return root


def single_sco_page(root):
    with zipfile.ZipFile(root / "build/scorm/core-management-curriculum-1.0.0-scorm12.zip") as archive:
        return html.fromstring(archive.read("sco/core-management-curriculum.html"))


def heading(doc, words: str):
    found = doc.xpath(f"//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
                      f"[normalize-space()='{words}']")
    assert len(found) == 1, words
    return found[0]


def test_on_the_site_the_html_heading_stays_as_written(built):
    page = html.fromstring((built / f"build/site/modules/{MODULE}/index.html").read_bytes())
    raw = heading(page, "A part written in HTML")
    assert (raw.tag, raw.get("id")) == ("h2", "in-html")
    assert heading(page, "Routes for raising a concern").tag == "h2"


def test_on_the_one_page_of_a_single_sco_package_the_html_heading_moves_down_with_the_markdowns(built):
    doc = single_sco_page(built)
    raw = heading(doc, "A part written in HTML")
    assert (raw.tag, raw.get("id")) == ("h3", f"m-{MODULE}--in-html")  # moved and prefixed, like its neighbour
    assert heading(doc, "Routes for raising a concern").tag == "h3"
    assert len(doc.xpath("//h1")) == 1  # the bundle's


def test_in_the_handbook_the_html_heading_sits_with_the_markdowns_under_the_module_title(built):
    from bundlesmith.render.cache import RenderCache
    from bundlesmith.render.print_html import plan_handbook, render_handbook

    catalogue = pipeline.check(built).catalogue
    doc = html.fromstring(render_handbook(plan_handbook(catalogue, catalogue.bundles["core-management-curriculum"]),
                                          "learner", RenderCache(), ""))
    section = doc.xpath(f"//section[@id='module-{MODULE}']")[0]
    assert section.xpath("./h2[@class='module-title']")
    assert heading(section, "A part written in HTML").tag == "h3"
    assert heading(section, "Routes for raising a concern").tag == "h3"
    details = section.xpath(".//details")[0]  # on paper there is no check: the block is whole
    assert "Come back to them after the session." in details.text_content()


@pytest.mark.parametrize("where", ["site", "single-sco", "multi-sco"])
def test_the_check_comes_right_after_the_details_block_which_keeps_all_it_holds(built, where):
    if where == "site":
        doc = html.fromstring((built / f"build/site/modules/{MODULE}/index.html").read_bytes())
    elif where == "single-sco":
        doc = single_sco_page(built)
    else:
        with zipfile.ZipFile(built / "build/scorm/national-induction-1.0.0-scorm2004.zip") as archive:
            doc = html.fromstring(archive.read(f"sco/{MODULE}.html"))
    quiz = doc.xpath(f"//section[@class='bs-quiz'][@data-module='{MODULE}']")
    assert len(quiz) == 1
    details = quiz[0].getprevious()
    assert details is not None and details.tag == "details"
    assert details.xpath("./summary")[0].text == "Try it yourself"
    assert [p.text_content() for p in details.xpath("./p")] == [
        "Try the questions before you read on.", "Come back to them after the session."]
    assert not details.xpath(".//*[@class='bs-quiz']")


def test_check_tells_the_author_where_the_check_went(built):
    result = CliRunner().invoke(cli, ["-C", str(built), "check", "--no-cache"])
    assert result.exit_code == 0, result.output
    line = next(n for n, text in enumerate((built / PATH).read_text().splitlines(), start=1) if text == "```quiz")
    assert (f"{PATH}:{line}: warning: the knowledge check is inside raw HTML (<details>), where it cannot be shown: "
            "it comes after the </details> (move the ```quiz block out of the HTML) "
            "[quiz-inside-html]") in result.stderr


def test_a_facilitators_notes_in_raw_html_sit_under_their_section_and_only_real_headings_move(tmp_path):
    from bundlesmith.render.print_html import notes_html

    (tmp_path / "notes.md").write_text(
        "## Setting up\n\nArrange the chairs in a circle.\n\n"
        '<h2 id="Running">Running the session</h2>\n\n'
        "<!-- <h1>a draft heading</h1> -->\n\n"
        "Ask the group to write `<h1>` on a card.\n", encoding="utf-8")
    doc = html.fragment_fromstring(notes_html(tmp_path, "notes.md", 5), create_parent="div")
    assert [(h.tag, h.text_content()) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")] == [
        ("h5", "Setting up"), ("h5", "Running the session")]  # a comment and code are not headings
    assert doc.xpath("//h5[2]/@id")[0].endswith("-running")
    assert doc.xpath("//code")[0].text == "<h1>"
