"""Print output: a learner and a facilitator handbook per bundle (per variant), as tagged PDF/UA-1.

print_html makes each edition's HTML in the build's main process; WeasyPrint lays it out in the build's
pool (schedule.py). Two builds from the same inputs give byte-identical PDFs: the fonts ship with bundlesmith, the PDF dates are the content's (the latest module review), the
file identifier is a hash of the HTML, and nothing reads the clock. A provenance record beside each
bundle's PDFs names what they were built from and the WeasyPrint and Pango versions that laid them out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bundlesmith import __version__
from bundlesmith.inputs import dependency_versions
from bundlesmith.model import Bundle, Catalogue
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.packages import is_package_of
from bundlesmith.render.print_html import (
    EDITIONS,
    HandbookPlan,
    asset_type,
    document_title,
    has_local_content,
    plan_handbook,
    render_handbook,
)

FOLDER = "print"
ASSETS = Path(__file__).resolve().parent.parent / "assets" / "print"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": False}


def handbook_filename(bundle_id: str, version: str, variant: str | None, edition: str) -> str:
    """`<bundle>-<version>[-<variant>]-learner.pdf` (or `-facilitator.pdf`)."""
    middle = f"-{variant}" if variant else ""
    return f"{bundle_id}-{version}{middle}-{edition}.pdf"


def provenance_filename(bundle_id: str, version: str, variant: str | None) -> str:
    middle = f"-{variant}" if variant else ""
    return f"{bundle_id}-{version}{middle}-handbooks.provenance.json"


@dataclass(frozen=True)
class Job:
    """One PDF to lay out: the edition's HTML and the project it may take images from."""

    filename: str
    html: str
    root: Path


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (ASSETS / "handbook.css").read_text(encoding="utf-8")


def plan_jobs(views: list[tuple[Catalogue, list[Bundle]]], cache: RenderCache) -> tuple[list[Job], list[HandbookPlan]]:
    """Every handbook of the views' bundles, as HTML ready to lay out (modules rendered once, via `cache`):
    every bundle of national content, and in a variant's view the bundles its local content changes."""
    jobs, plans = [], []
    for catalogue, bundles in views:
        variant = catalogue.variant.id if catalogue.variant else None
        for bundle in bundles:
            if variant is not None and not has_local_content(catalogue, bundle):
                continue  # the national handbooks are this bundle's handbooks
            plan = plan_handbook(catalogue, bundle)
            plans.append(plan)
            for edition in EDITIONS:
                jobs.append(Job(handbook_filename(bundle.id, bundle.version, variant, edition),
                                render_handbook(plan, edition, cache, stylesheet()), catalogue.root))
    return jobs, plans


def pdf_bytes(job: Job) -> bytes:
    """One handbook laid out as PDF/UA-1 by WeasyPrint."""
    from weasyprint import HTML

    identifier = hashlib.sha256(job.html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    document = HTML(string=job.html, base_url="asset:", url_fetcher=_fetcher(job.root))
    pdf: bytes = document.write_pdf(pdf_identifier=identifier, **PDF_OPTIONS)
    return pdf


def _fetcher(root: Path) -> Any:  # a weasyprint URLFetcher (WeasyPrint publishes no type information)
    """WeasyPrint may read the shipped fonts (`asset-font:NAME`) and the project's published images
    (`asset:content/...`) and nothing else: no network, no other file."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from bundlesmith.file_types import IMAGES, place_refusal

    class Fetcher(URLFetcher):  # type: ignore[misc]  # URLFetcher is untyped
        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
            scheme, _, rest = url.partition(":")
            rest = unquote(rest)
            if scheme == "asset-font" and "/" not in rest and (ASSETS / "fonts" / rest).is_file():
                file = ASSETS / "fonts" / rest
            elif (scheme == "asset" and place_refusal(rest) is None and Path(rest).suffix.lower() in IMAGES
                  and (root / rest).is_file() and not (root / rest).is_symlink()):
                file = root / rest
            else:
                raise ValueError(f"a handbook reads no {url}")
            return URLFetcherResponse(url, body=file.read_bytes(), headers={"Content-Type": asset_type(file.name)})

    return Fetcher()


class Printing:
    """The handbooks of a build: their HTML made now; the build lays out those in `todo` (`pdf_bytes`, in
    its pool) and hands the PDFs to `files()`.

    A PDF whose HTML and tool are unchanged since the last build is kept instead of laid out again:
    `previous` is the last build's print folder and `recorded` what the build state says of its files
    (each file's sha256 and each PDF's key, `derive`d from the build's input set, the layout libraries and
    the HTML). A file is kept only while it still has that hash; a symlink is never read. `others` keeps
    the other bundles' files (a build with --bundle) the same way. `entries` is what the next build state
    records, once `files()` has been called.
    """

    def __init__(self, views: list[tuple[Catalogue, list[Bundle]]], cache: RenderCache,
                 previous: Path | None = None, others: bool = False, recorded: Mapping[str, Any] | None = None,
                 derive: Callable[..., str] | None = None) -> None:
        from bundlesmith.inputs import tool_digest

        self.jobs, self.plans = plan_jobs(views, cache)
        key_of = derive or (lambda *parts: hashlib.sha256(json.dumps([tool_digest(), parts]).encode()).hexdigest())
        self.keys = [key_of("handbook", layout_versions(), hashlib.sha256(job.html.encode("utf-8")).hexdigest())
                     for job in self.jobs]
        self.previous = previous if previous is not None and previous.is_dir() and not previous.is_symlink() else None
        self.record = dict(recorded or {}) if self.previous is not None else {}
        self.entries: dict[str, dict[str, str | None]] = {}
        self.kept: dict[int, bytes] = {}
        for index, (job, key) in enumerate(zip(self.jobs, self.keys)):
            entry = self.record.get(job.filename)
            if isinstance(entry, dict) and entry.get("key") == key:
                data = _verified(self.previous, job.filename, entry)
                if data is not None:
                    self.kept[index] = data
        self.todo = [i for i in range(len(self.jobs)) if i not in self.kept]
        self.carried: dict[str, bytes] = {}
        if others:  # the bundles this build leaves alone keep their handbooks, as the record vouches for them
            mine = {job.filename for job in self.jobs} | {_provenance_of(p) for p in self.plans}
            chosen = {bundle.id for _, bundles in views for bundle in bundles}
            for name, entry in sorted(self.record.items()):
                if name not in mine and isinstance(entry, dict) and not any(
                        is_package_of(name, bundle) for bundle in chosen):
                    data = _verified(self.previous, name, entry)
                    if data is not None:
                        self.carried[name] = data

    @property
    def reused(self) -> int:
        return len(self.kept)

    def files(self, laid_out: Mapping[int, bytes]) -> dict[str, bytes]:
        """Every PDF and each bundle's provenance record (file name -> bytes), given the PDFs of `todo`
        (job index -> bytes)."""
        pdfs = {job.filename: self.kept.get(i) or laid_out[i] for i, job in enumerate(self.jobs)}
        out = {**self.carried, **pdfs}
        for plan in self.plans:
            variant = plan.variant.id if plan.variant else None
            names = [handbook_filename(plan.bundle.id, plan.bundle.version, variant, ed) for ed in EDITIONS]
            record = provenance_record(plan, {n: pdfs[n] for n in names})
            out[_provenance_of(plan)] = (json.dumps(record, indent=2, sort_keys=True) + "\n").encode("utf-8")
        keys = {job.filename: key for job, key in zip(self.jobs, self.keys)}
        self.entries = {name: {"sha256": hashlib.sha256(data).hexdigest(),
                               "key": keys.get(name) or (self.record.get(name) or {}).get("key")}
                        for name, data in sorted(out.items())}
        return out


def _provenance_of(plan: HandbookPlan) -> str:
    return provenance_filename(plan.bundle.id, plan.bundle.version, plan.variant.id if plan.variant else None)


def _verified(folder: Path | None, name: str, entry: Mapping[str, Any]) -> bytes | None:
    """The bytes of a file the last build wrote, if it is still exactly that (never through a symlink)."""
    file = folder / name if folder is not None and "/" not in name else None
    if file is None or file.is_symlink() or not file.is_file():
        return None
    data = file.read_bytes()
    return data if hashlib.sha256(data).hexdigest() == entry.get("sha256") else None


def provenance_record(plan: HandbookPlan, pdfs: dict[str, bytes]) -> dict[str, Any]:
    """What the handbooks were made from and with: enough to rebuild the same bytes."""
    catalogue, bundle = plan.catalogue, plan.bundle
    inputs = {}
    paths = [bundle.path, *(f.span.path for f in catalogue.frameworks.values()), *(m.path for m in plan.modules)]
    if bundle.schedule is not None:
        paths += [s.notes for s in bundle.schedule.sessions if s.notes]
    if catalogue.variant is not None:
        paths.append(catalogue.variant.path)
    for path in sorted(set(paths)):
        file = catalogue.root / path
        if file.is_file():
            inputs[path] = hashlib.sha256(file.read_bytes()).hexdigest()
    for module in plan.modules:
        if module.local_slots and catalogue.variant is not None:  # local slots exist only in a variant's view
            inputs[f"{module.path}#{catalogue.variant.id}"] = hashlib.sha256(module.body.encode()).hexdigest()
    return {
        "generator": f"bundlesmith {__version__}",
        "bundle": bundle.id, "bundle_version": bundle.version, "bundle_title": bundle.title,
        "variant": catalogue.variant.id if catalogue.variant else None,
        "modules": {m.id: m.version for m in plan.modules},
        "scheduled": bundle.schedule is not None,
        "pdf_variant": PDF_OPTIONS["pdf_variant"],
        "documents": {name: {"title": document_title(plan, name.rsplit("-", 1)[1][:-4]),
                             "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                      for name, data in sorted(pdfs.items())},
        "inputs": inputs,
        "fonts": {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted((ASSETS / "fonts").glob("*.ttf"))},
        "built_with": {**dependency_versions(), **layout_versions()},
    }


@lru_cache(maxsize=1)
def layout_versions() -> dict[str, str]:
    """The versions the PDF bytes depend on beyond the locked Python libraries: WeasyPrint and the system's
    Pango (from Debian, not requirements.lock)."""
    from weasyprint import __version__ as weasyprint_version
    from weasyprint.text.ffi import pango

    number = pango.pango_version()
    return {"weasyprint": weasyprint_version,
            "pango": f"{number // 10000}.{number // 100 % 100}.{number % 100}"}
