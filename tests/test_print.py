"""A facilitator runs the programme in a room: each bundle has a learner and a facilitator handbook as
tagged PDF (PDF/UA-1), read back here as a screen reader and a PDF checker would read them.

The sample is built once per test session (site_support.sample_build, which builds every output); the
PDFs are read with pikepdf (structure) and poppler's pdftotext (text in reading order).
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from site_support import AXE, WCAG_TAGS, sample_build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BUNDLES = ("core-management-curriculum", "mid-career-managers", "national-induction")
VARIANT = "riverside-ics"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return sample_build(tmp_path_factory) / "print"


@pytest.fixture(scope="module")
def html_of():
    """The print HTML WeasyPrint was given, by PDF file name (made again: the same function, same inputs)."""
    from bundlesmith import pipeline
    from bundlesmith.render.cache import RenderCache
    from bundlesmith.render.handbooks import plan_jobs

    views = pipeline.check_all(ROOT, None)
    jobs, _ = plan_jobs([(v.catalogue, sorted(v.catalogue.bundles.values(), key=lambda b: b.id)) for v in views],
                        RenderCache())
    return {job.filename: job.html for job in jobs}


def text_of(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def headings(html: str) -> list[tuple[int, str]]:
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(html)
    return [(int(h.tag[1]), words(h.text_content())) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in document order."""
    found = []

    def walk(node) -> None:
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            if (isinstance(kid, pikepdf.Dictionary) and "/S" in kid) or (isinstance(kid, pikepdf.Dictionary) and "/K" in kid):
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    with pdf.open_outline() as outline:
        titles = []

        def walk(items) -> None:
            for item in items:
                titles.append(words(item.title))
                walk(item.children)

        walk(outline.root)
    return titles


LOCAL = ("core-management-curriculum", "national-induction")  # the bundles the variant's local content changes
EVERY = [f"{b}-1.0.0{v}-{e}.pdf" for b in BUNDLES for v in ("", f"-{VARIANT}") for e in ("learner", "facilitator")
         if not v or b in LOCAL]


def test_every_bundle_has_both_handbooks_and_the_variant_those_of_the_bundles_it_changes(built):
    assert sorted(p.name for p in built.glob("*.pdf")) == sorted(EVERY)
    for name in EVERY:
        assert (built / name).read_bytes().startswith(b"%PDF-1.7")


@pytest.mark.parametrize("name", EVERY)
def test_each_handbook_is_tagged_pdf_ua_with_its_language_and_title(built, html_of, name):
    pdf = pikepdf.open(built / name)
    root = pdf.Root
    assert "/StructTreeRoot" in root and "/ParentTree" in root.StructTreeRoot
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "en-GB"
    title = re.search(r"<title>(.*?)</title>", html_of[name]).group(1)
    assert str(pdf.docinfo["/Title"]) == title.replace("&#x27;", "'")
    assert root.ViewerPreferences.DisplayDocTitle is True
    metadata = pdf.open_metadata()
    assert metadata["pdfuaid:part"] == "1"
    assert metadata["dc:title"] == str(pdf.docinfo["/Title"])
    tags = structure(pdf)
    assert str(tags[0].S) == "/Document"
    levels = [int(str(t.S)[2]) for t in tags if re.fullmatch(r"/H[1-6]", str(t.S))]
    assert levels == [level for level, _ in headings(html_of[name])]  # every heading tagged, at its level
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), "a heading level is skipped"
    figures = [t for t in tags if str(t.S) == "/Figure"]
    assert all(str(f.get("/Alt", "")).strip() for f in figures)
    ids = {str(t.ID) for t in tags if str(t.S) == "/TH"}
    cells = [t for t in tags if str(t.S) == "/TD"]
    assert cells and all(t.A.get("/Headers") and {str(h) for h in t.A.Headers} <= ids for t in cells)


@pytest.mark.parametrize("name", [f"mid-career-managers-1.0.0-{e}.pdf" for e in ("learner", "facilitator")]
                         + [f"national-induction-1.0.0-{VARIANT}-learner.pdf"])
def test_headings_read_in_order_and_the_bookmarks_are_the_headings(built, html_of, name):
    expected = [text for _, text in headings(html_of[name])]
    text = words(text_of(built / name))
    at = 0
    for heading in expected:
        found = text.find(heading, at)
        assert found >= 0, f"'{heading}' is missing or out of order"
        at = found + len(heading)
    assert outline_titles(pikepdf.open(built / name)) == expected


def test_the_cover_says_what_the_handbook_is(built):
    cover = words(text_of(built / "national-induction-1.0.0-learner.pdf").split("\f")[0])
    for fact in ("Learner handbook", "National induction to health and social care", "Version 1.0.0",
                 ("Approved, by Example Leadership Accreditation Board, reference ELAB-IND-2026-014, valid until "
                  "2028-03-31"), "Licence CC-BY-4.0"):
        assert fact in cover
    assert "Page 1 of" in cover


def test_answers_timings_and_notes_are_only_in_the_facilitator_edition(built):
    learner = words(text_of(built / "mid-career-managers-1.0.0-learner.pdf"))
    facilitator = words(text_of(built / "mid-career-managers-1.0.0-facilitator.pdf"))
    for only_facilitator in ("Answer:", "Starts Minutes", "Arrive 30 minutes early",
                             "Materials: Community team scenario cards", "130 minutes guided"):
        assert only_facilitator in facilitator
        assert only_facilitator not in learner
    for both in ("Timetable", "Day 1: Leading people with compassion", "Exercises: ", "Appendix: standards map",
                 "Co-creation acknowledgements", "Outcomes", "Standards this module meets"):
        assert both in learner and both in facilitator


def test_a_bundle_without_a_schedule_has_its_modules_in_bundle_order_and_no_timetable(built, html_of):
    from bundlesmith.pipeline import check

    bundle = check(ROOT).catalogue.bundles["core-management-curriculum"]
    assert bundle.schedule is None
    html = html_of["core-management-curriculum-1.0.0-learner.pdf"]
    assert 'id="timetable"' not in html
    assert re.findall(r'<section class="module" id="module-([a-z0-9-]+)"', html) == list(bundle.module_ids)
    assert "Timetable" not in text_of(built / "core-management-curriculum-1.0.0-facilitator.pdf")


def test_the_variant_handbook_marks_its_local_content(built):
    national = words(text_of(built / "national-induction-1.0.0-facilitator.pdf"))
    local = words(text_of(built / f"national-induction-1.0.0-{VARIANT}-facilitator.pdf"))
    assert "(Local)" not in national and "Local content:" not in national
    assert "Riverside neighbourhood teams (Local)" in local  # the local module, its heading and timetable row
    assert "Local content: Riverside Integrated Care System" in local  # a slot the variant filled
    assert "Invite a neighbourhood team lead" in local  # the variant's own facilitator notes


def test_the_standards_map_reads_the_coverage_model(built):
    from bundlesmith.coverage.model import STATUSES, bundle_coverage_model
    from bundlesmith.pipeline import check

    catalogue = check(ROOT).catalogue
    coverage = bundle_coverage_model(catalogue, catalogue.bundles["mid-career-managers"])
    text = words(text_of(built / "mid-career-managers-1.0.0-learner.pdf"))
    appendix = text.split("Appendix: standards map", 1)[1].split("Co-creation acknowledgements", 1)[0]
    for cov in coverage.targets:
        assert cov.item.ref in appendix
    assert {STATUSES[c.status] for c in coverage.targets} <= {s for s in STATUSES.values() if s in appendix}


def test_provenance_names_the_layout_engine_and_the_pdfs(built):
    import hashlib
    import json

    record = json.loads((built / "mid-career-managers-1.0.0-handbooks.provenance.json").read_text())
    assert record["built_with"]["weasyprint"] and re.fullmatch(r"\d+\.\d+\.\d+", record["built_with"]["pango"])
    for name in ("mid-career-managers-1.0.0-learner.pdf", "mid-career-managers-1.0.0-facilitator.pdf"):
        assert record["documents"][name]["sha256"] == hashlib.sha256((built / name).read_bytes()).hexdigest()
    assert "bundles/mid-career-managers.yml" in record["inputs"]
    assert "content/notes/mid-career-managers/welcome.md" in record["inputs"]


def test_two_builds_give_byte_identical_handbooks(built, tmp_path):
    from bundlesmith import build

    result = build.run(build.BuildOptions(root=ROOT, out=tmp_path / "again", only=frozenset({"print"}),
                                          bundles=("national-induction",), variants=(), jobs=1, force=True))
    assert result.ok, [d.format() for d in result.diagnostics]
    again = tmp_path / "again" / "print"
    names = sorted(p.name for p in again.iterdir() if not p.name.startswith("."))
    assert names == ["national-induction-1.0.0-facilitator.pdf", "national-induction-1.0.0-handbooks.provenance.json",
                     "national-induction-1.0.0-learner.pdf"]
    for name in names:
        assert (again / name).read_bytes() == (built / name).read_bytes(), name


def png(width: int, height: int) -> bytes:
    """A small blue PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\x00\x5e\xb8" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_a_figure_is_drawn_and_keeps_its_alternative_text(tmp_path):
    from bundlesmith import build

    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", root)
    (root / "content/modules/loop.png").write_bytes(png(12, 6))
    module = root / "content/modules/listening.md"
    module.write_text(module.read_text(encoding="utf-8").replace(
        "People feel safe when they are heard.",
        "People feel safe when they are heard.\n\n![The listening loop: hear, check, act](loop.png)"),
        encoding="utf-8")
    result = build.run(build.BuildOptions(root=root, out=root / "build", only=frozenset({"print"}), jobs=1))
    assert result.ok, [d.format() for d in result.diagnostics]
    pdf = pikepdf.open(root / "build/print/starter-1.0.0-learner.pdf")
    figures = [t for t in structure(pdf) if str(t.S) == "/Figure"]
    assert [str(f.Alt) for f in figures] == ["The listening loop: hear, check, act"]
    pictures = {image.objgen for page in pdf.pages for image in page.get_images().values()}
    assert len(pictures) == 1  # the picture itself is in the PDF


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context()
    context.route(re.compile(r".*"), lambda route: route.abort())  # the print HTML needs nothing from anywhere
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", ["mid-career-managers-1.0.0-facilitator.pdf",
                                  f"national-induction-1.0.0-{VARIANT}-learner.pdf",
                                  "core-management-curriculum-1.0.0-learner.pdf"])
def test_the_print_html_has_no_wcag_violation(page, html_of, name):
    page.set_content(html_of[name])
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""", WCAG_TAGS)
    assert violations == []


def test_unchanged_handbooks_are_kept_and_an_edited_module_lays_its_bundle_out_again(tmp_path):
    from bundlesmith import build

    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", root)
    pdf = root / "build/print/starter-1.0.0-facilitator.pdf"

    def run(*, force: bool = False) -> list[str]:
        lines: list[str] = []
        options = build.BuildOptions(root=root, out=root / "build", only=frozenset({"print"}), jobs=1, force=force)
        assert build.run(options, echo=lines.append).ok
        return [line for line in lines if line.startswith("print:")]

    assert run() == ["print: 2 handbook(s) for 1 view(s)"]
    first = pdf.read_bytes()
    assert run(force=True) == ["print: 2 handbook(s) for 1 view(s)"] and pdf.read_bytes() == first
    (root / "bundles/starter.yml").write_text((root / "bundles/starter.yml").read_text() + "# a comment\n")
    assert run() == ["print: 2 handbook(s) for 1 view(s); 2 unchanged since the last build, kept"]
    module = root / "content/modules/listening.md"
    module.write_text(module.read_text().replace("People feel safe", "People feel safer"))
    assert run() == ["print: 2 handbook(s) for 1 view(s)"]
    assert pdf.read_bytes() != first and "People feel safer" in words(text_of(pdf))
