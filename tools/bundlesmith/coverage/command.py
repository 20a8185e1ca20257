"""What `bundlesmith coverage` does, as values: which files to write, or which bytes to print.

Output rules (documented in docs/coverage.md):
- no --format and no -o: a one-line summary per bundle is printed (handy in CI with --fail-on);
- --format without -o: that format is printed (json: the coverage.json of one bundle, or
  `{"bundles": [...]}` for several; csv: alignments.csv; xlsx cannot go to a terminal);
- -o without --format: PATH is a folder that receives the full reports tree, as `build` writes it;
- --format with -o: for one bundle PATH is the file (a folder for csv); for several, a folder with
  one `<bundle>.<ext>` per bundle (csv: one `<bundle>/` folder each).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bundlesmith.coverage import SCHEMA_VERSION, markdown
from bundlesmith.coverage import csv as csv_view
from bundlesmith.coverage import json as json_view
from bundlesmith.coverage.document import Coverage
from bundlesmith.coverage.model import GAP_CONDITION
from bundlesmith.model import Catalogue
from bundlesmith.render import reports

EXTENSIONS = {"html": "html", "xlsx": "xlsx", "json": "json", "md": "md"}


class CoverageError(ValueError):
    """A usage problem the CLI reports as such (exit 2)."""


@dataclass
class Output:
    files: dict[Path, bytes] = field(default_factory=dict)
    stdout: bytes | None = None


def read_since(path: Path) -> dict[str, Any]:
    """A previous coverage.json (JSON, checked only for its kind and outline); CoverageError when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CoverageError(f"cannot read '{path}' as a coverage.json: {exc}") from None
    except RecursionError:
        raise CoverageError(f"'{path}' is nested too deeply to be a coverage.json") from None
    if (not isinstance(data, dict) or data.get("kind") != "bundle-coverage" or not isinstance(data.get("modules"), list)
            or not isinstance(data.get("bundle"), dict)):
        raise CoverageError(f"'{path}' is not a bundle's coverage.json (schema {SCHEMA_VERSION})")
    checked: dict[str, Any] = data
    return checked


def summary_line(doc: Coverage) -> str:
    s, b = doc["summary"], doc["bundle"]
    k = s["gaps_by_kind"]
    variant = f" [{b['variant']['id']}]" if b["variant"] else ""
    failing = {g["standard"] for g in doc["gaps"] if GAP_CONDITION[g["kind"]] == "gaps"}
    lv = s["level_gaps_by_kind"]
    # The words and groups of the gate (--fail-on gaps, unassessed, level-gaps): docs/coverage.md, "Vocabulary".
    return (f"{b['id']} {b['version']}{variant}: {s['targeted_standards']} targeted standard(s), {s['met']} met, "
            f"{s['assessed']} assessed; gaps: {len(failing)} ({k['not-met']} not met, {k['draft-or-retired-only']} met only "
            f"by draft or retired content, {k['local-only']} met only by local content); unassessed: {k['unassessed']} "
            f"delivered but never assessed; level gaps: {lv['expected-not-targeted']} expected at this level but not "
            f"targeted, {lv['targeted-only-introduced']} targeted but only introduced; {s['overdue_modules']} module(s) "
            f"overdue; {s['co_production_flags']} co-production flag(s); sha256 {doc['provenance']['content_hash'][:12]}")


def outputs(catalogue: Catalogue, docs: list[Coverage], fmt: str | None, target: Path | None) -> Output:
    out = Output()
    if target is None:
        out.stdout = "".join(summary_line(d) + "\n" for d in docs).encode("utf-8") if fmt is None \
            else _to_stdout(docs, fmt)
    elif fmt is None:
        out.files = {target / rel: data for rel, data in reports.report_tree(catalogue, docs).items()}
    elif fmt == "csv":
        for doc in docs:
            folder = target if len(docs) == 1 else target / doc["bundle"]["id"]
            out.files.update({folder / name: data for name, data in reports.bundle_files(doc, ("csv",)).items()})
    else:
        for doc in docs:
            data = next(iter(reports.bundle_files(doc, (fmt,)).values()))
            path = target if len(docs) == 1 else target / f"{doc['bundle']['id']}.{EXTENSIONS[fmt]}"
            out.files[path] = data
    return out


def _to_stdout(docs: list[Coverage], fmt: str) -> bytes:
    if fmt == "xlsx":
        raise CoverageError("xlsx is a binary format: give a file with -o, e.g. -o coverage.xlsx")
    if fmt == "json":
        return json_view.render(docs[0] if len(docs) == 1 else {"bundles": docs})
    if fmt == "csv":
        parts = [csv_view.alignments_csv(d) for d in docs]
        return parts[0] + b"".join(p.split(b"\n", 1)[1] for p in parts[1:])
    if fmt == "md":
        return b"\n".join(markdown.render(d) for d in docs)
    if len(docs) != 1:
        raise CoverageError("html for several bundles needs a folder: give -o FOLDER, or name one bundle")
    return reports.bundle_files(docs[0], ("html",))["coverage.html"]
