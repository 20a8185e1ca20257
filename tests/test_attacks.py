"""Attacks on a project, as data: each case in tests/fixtures/attacks/*.case is a small mutation of the
minimal fixture project (tests/fixtures/minimal/) that an attacker could commit as a co-creator, with what
`bundlesmith check` must answer: refused, at the exact file and line, before anything is published."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from test_check_bad_input import diagnostics, make_project, parse_case, run_check

ATTACKS = sorted((Path(__file__).parent / "fixtures" / "attacks").glob("*.case"))


@pytest.mark.parametrize("case", ATTACKS, ids=[c.stem for c in ATTACKS])
def test_each_attack_is_refused_exactly(tmp_path, case):
    files, expected, code = parse_case(case.read_text(encoding="utf-8"))
    root = make_project(tmp_path, files)

    result = run_check(root)

    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert diagnostics(result).strip() == expected
    assert result.exit_code == code


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
SAFE_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 4 4" '
            b'role="img" aria-label="A square"><defs><linearGradient id="g"><stop offset="0" stop-color="#036"/>'
            b'</linearGradient></defs><title>A square</title><rect id="r" width="4" height="4" fill="url(#g)"/>'
            b'<use xlink:href="#r"/></svg>')

GOOD_FILES = {
    "workbook.pdf": b"%PDF-1.7\n...",
    "handout.docx": _zip(DOCX),
    "rota.xlsx": _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
    "slides.pptx": _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}),
    "notes.odt": _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<c/>"}),
    "read-me.txt": b"Plain words, and a < sign.\n",
    "contacts.csv": b"name,phone\nDesk,0100\n",
    "talk-transcript.txt": b"Welcome to the talk.\n",  # a video has captions and an audio file a transcript
    "film.vtt": b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n",
    "talk.mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    "film.mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00",
    "diagram.svg": SAFE_SVG,
}
BAD_FILES = {
    "macros.docx": (_zip({**DOCX, "word/vbaProject.bin": b"\x00"}), "holds macros or scripts"),
    "renamed.docx": (b"PK\x03\x04 not really", "not a readable zip"),
    "sheet.xlsx": (_zip(DOCX), "the parts of one are missing"),
    "notes.odt": (_zip({"content.xml": b"<c/>"}), "no matching 'mimetype' entry first"),
    "captions.vtt": (b"1\n00:00:00,000 --> 00:00:01,000\nHello\n", "not a WebVTT file"),
    "film.mp4": (b"<html></html>", "does not look like an MP4"),
    "styled.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>', "<style>"),
    "link.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="https://example.org"><rect/></a></svg>', "<a>"),
    "page.svg": (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "its root element is not <svg>"),
    "binary.txt": (b"text\x00more", "NUL bytes"),
}


def test_every_allowed_type_is_published_by_its_content(tmp_path):
    from bundlesmith.file_types import type_refusal

    for name, data in GOOD_FILES.items():
        (tmp_path / name).write_bytes(data)
        assert type_refusal(tmp_path / name, image=False) is None, name
    assert type_refusal(tmp_path / "diagram.svg", image=True) is None
    assert type_refusal(tmp_path / "workbook.pdf", image=True).code == "file-type", "a PDF is not an image"


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_file_that_is_not_what_its_name_says_is_refused(tmp_path, name):
    from bundlesmith.file_types import type_refusal

    data, reason = BAD_FILES[name]
    (tmp_path / name).write_bytes(data)
    refusal = type_refusal(tmp_path / name, image=False)
    assert refusal is not None and reason in refusal.message, (name, refusal)


def test_allowed_files_are_linked_and_shipped_in_the_site_and_the_package(tmp_path):
    from bundlesmith import build

    module = (Path(__file__).parent / "fixtures/minimal/content/modules/listening.md").read_text()
    links = "\n".join(f"- [{name}](../assets/{name})" for name in sorted(GOOD_FILES))
    files = {f"content/assets/{name}": data for name, data in GOOD_FILES.items()}
    files["content/modules/listening.md"] = module.replace("## Why listening matters", f"{links}\n\n## Why listening matters")
    root = make_project(tmp_path, files)

    assert run_check(root).exit_code == 0, diagnostics(run_check(root))
    result = build.run(build.BuildOptions(root=root, out=root / "build", only=frozenset({"scorm"}), variants=()))
    assert result.ok, [d.format() for d in result.diagnostics]
    package = next((root / "build/scorm").glob("*scorm12.zip"))
    names = zipfile.ZipFile(package).namelist()
    for name in GOOD_FILES:
        assert any(n.endswith(f"/{name}") for n in names), name


def test_csv_cells_from_content_never_start_a_formula_and_markdown_shows_html_as_text(tmp_path):
    """A co-creator's title that a spreadsheet would run, or HTML that a Markdown viewer would render."""
    import csv

    from click.testing import CliRunner

    from bundlesmith.cli import cli

    module = (Path(__file__).parent / "fixtures/minimal/content/modules/listening.md").read_text()
    hostile = module.replace("title: Listening well", "title: '=HYPERLINK(\"https://example.org\",\"Listening\")'", 1)
    hostile = hostile.replace("summary:", "keywords: ['@SUM(1+1)']\nsummary:", 1)
    hostile = hostile.replace("- role: ", "- role: ", 1)
    root = make_project(tmp_path, {"content/modules/listening.md": hostile.replace(
        "id: LO1\n    text: ", "id: LO1\n    text: <img src=x onerror=alert(1)> [click](javascript:alert(1)) ", 1)})
    assert run_check(root).exit_code == 0, diagnostics(run_check(root))
    out = tmp_path / "reports"

    for fmt in ("csv", "md"):
        result = CliRunner().invoke(cli, ["-C", str(root), "coverage", "--today", "2026-11-23", "--format", fmt,
                                          "-o", str(out / fmt)])
        assert result.exit_code in (0, 1), result.output
    for file in (out / "csv").rglob("*.csv"):
        for row in csv.reader(file.read_text(encoding="utf-8").splitlines()):
            assert not [cell for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")], (file.name, row)
    alignments = (out / "csv" / "alignments.csv").read_text()
    assert "'=HYPERLINK(" in alignments
    markdown = next((out / "md").rglob("*.md")).read_text() if (out / "md").is_dir() else (out / "md").read_text()
    assert "<img" not in markdown and "&lt;img src=x onerror=alert(1)&gt;" in markdown
    assert "[click](javascript" not in markdown
