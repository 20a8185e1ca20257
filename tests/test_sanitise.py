"""Co-created Markdown cannot inject script: raw HTML goes through an allow-list, the same for every output."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html as lxml_html

from bundlesmith.render.module_html import sanitise
from test_check_bad_input import diagnostics

PAYLOADS = (Path(__file__).parent / "fixtures/xss/payloads.md").read_text()


def rendered_payloads() -> str:
    from bundlesmith.markdown import parser
    return sanitise(parser().render(PAYLOADS))


def test_no_script_handler_or_dangerous_url_survives():
    out = rendered_payloads()
    tree = lxml_html.fromstring(f"<div>{out}</div>")
    forbidden_tags = {"script", "iframe", "object", "embed", "form", "input", "button", "style", "svg", "math",
                      "meta", "base", "link"}
    assert not {el.tag for el in tree.iter()} & forbidden_tags
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.startswith("on"), (element.tag, name)
            assert name != "style", element.tag
            if name in ("href", "src"):
                assert re.match(r"^(https?:|mailto:|#|[\w./-]+$)", value), value
    # Markdown links with a javascript: target are not links at all: they stay visible as plain text.
    assert "[markdown link](javascript:" in tree.text_content()
    assert "evil.example" not in out


def test_harmless_html_and_text_are_kept():
    out = rendered_payloads()
    assert '<a href="https://example.org/" rel="noopener noreferrer">a fine external link</a>' in out
    assert '<details open=""><summary>more</summary>text</details>' in out
    assert "styled" in out  # the div's text stays, its style goes


def test_a_project_can_refuse_raw_html_instead(tmp_path):
    import shutil

    from click.testing import CliRunner

    from bundlesmith.cli import cli

    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "fixtures/minimal", root)
    module = root / "content/modules/listening.md"
    module.write_text(module.read_text().replace("People feel safe", "<b onclick=x>People</b> feel safe"))
    assert CliRunner().invoke(cli, ["-C", str(root), "check", "--today", "2026-11-23"]).exit_code == 0
    strict = CliRunner().invoke(cli, ["-C", str(root), "check", "--no-raw-html", "--today", "2026-11-23"])
    assert strict.exit_code == 1
    assert diagnostics(strict).splitlines() == [
        "content/modules/listening.md:35: error: raw HTML is not allowed in this project; use Markdown instead [raw-html]",
    ]


def site_body(rendered) -> str:
    from bundlesmith.render import url_policy
    from bundlesmith.render.url_policy import Layout

    return rendered.body(url_policy.site(lambda mid: f"../{mid}/", "../../"), Layout()).html


def test_the_authors_heading_above_the_quiz_becomes_its_title(sample_root):
    from bundlesmith.load.project import load_catalogue
    from bundlesmith.render.module_html import render_module

    catalogue, _ = load_catalogue(sample_root)
    module = catalogue.modules["speaking-up-and-listening-up"]
    rendered = render_module(module, {m.path: m.id for m in catalogue.modules.values()})
    assert rendered.quiz_title == "Check your understanding"
    body = site_body(rendered)
    assert body.count("Check your understanding") == 1  # not twice on the page: only as the quiz's title
    assert "check-your-understanding" not in [h.id for h in rendered.headings]
    assert ('<span id="check-your-understanding"></span><h2 id="bs-quiz-title" class="bs-quiz-title">'
            'Check your understanding</h2>') in body


def test_a_link_out_of_the_project_never_becomes_a_file_to_copy(sample_root):
    """check refuses these links; even so, rendering never turns them into files to package or copy."""
    import dataclasses

    from bundlesmith.load.markdown_scan import scan_body
    from bundlesmith.load.project import load_catalogue
    from bundlesmith.render.module_html import render_module

    catalogue, _ = load_catalogue(sample_root)
    module = next(iter(catalogue.modules.values()))
    body = module.body + "\n![host](/etc/hostname) [up](../../../../secret.txt) [here](#top)\n"
    scan, _ = scan_body(body, module.path, module.body_line)
    module = dataclasses.replace(module, body=body, prepared=scan.prepared, references=scan.references)
    paths = {m.path: m.id for m in catalogue.modules.values()}
    rendered = render_module(module, paths)
    assert rendered.assets == ()
    html = site_body(rendered)
    assert 'src="#"' in html and 'href="#"' in html and 'href="#top"' in html
