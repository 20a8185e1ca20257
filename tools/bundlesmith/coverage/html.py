"""The HTML views (Jinja2 templates in templates/coverage/): no script, a print stylesheet, an SVG heatmap."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from bundlesmith.coverage import heatmap
from bundlesmith.coverage.document import BundleSummary, Coverage, FrameworkCoverage, VariantInfo
from bundlesmith.coverage.markdown import GAP_TITLES
from bundlesmith.coverage.model import LEVEL_GAP_WORDS, STATUSES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "coverage"
FLAG_TITLES = {"missing-required-role": "none of the roles the bundle requires",
               "writing-team-only": "shaped only by the writing team"}
BUNDLE_FILES = (("coverage.html", "HTML"), ("coverage.xlsx", "XLSX"), ("coverage.md", "Markdown"),
                ("coverage.json", "JSON"), ("alignments.csv", "alignments CSV"), ("matrix.csv", "matrix CSV"),
                ("gaps.csv", "gaps CSV"))
FRAMEWORK_FILES = (("framework.xlsx", "XLSX"), ("framework.md", "Markdown"), ("framework.json", "JSON"),
                   ("framework.csv", "CSV"))


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def _render(name: str, **context: object) -> bytes:
    return _env().get_template(name).render(**context).encode("utf-8")


def render(doc: Coverage) -> bytes:
    # coverage.heatmap takes a plain dict until it is typed (mypy then reports this ignore as unused)
    heat = Markup(heatmap.svg(*heatmap.rows_from_document(doc), "matrix-heat"))  # type: ignore[arg-type]
    return _render("bundle.html.j2", doc=doc, gap_titles=GAP_TITLES, flag_titles=FLAG_TITLES, statuses=STATUSES,
                   level_gap_titles=LEVEL_GAP_WORDS, matrix_heatmap=heat,
                   modules={m["id"]: m for m in doc["modules"]},
                   standards={s["ref"]: s for s in doc["standards"]})


def render_framework(doc: FrameworkCoverage) -> bytes:
    return _render("framework.html.j2", doc=doc)


def render_index(documents: list[BundleSummary], variant: VariantInfo | None) -> bytes:
    return _render("index.html.j2", documents=documents, variant=variant, files=BUNDLE_FILES,
                   framework_files=FRAMEWORK_FILES)
