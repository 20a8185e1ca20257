"""Pages per second of the printed handbooks (learner and facilitator PDF/UA-1) on one core.

    python bench/print.py                         # the 1,000-module corpus, its first 10 bundles
    python bench/print.py --bundles 50            # every bundle of the corpus (about 8,600 pages: minutes)
    python bench/print.py --json /tmp/print.json  # also keep the raw figures

The corpus is bench/generate.py's (seeded: 1,000 modules, 50 bundles of up to 30 modules, no variants),
made once in --work. The corpus is checked and the handbooks' HTML made first (timed apart: that is the
plan), then each PDF is laid out by WeasyPrint in this one process, one after another, exactly as a
build's worker does (render/handbooks.pdf_bytes); pages are counted in the PDFs with pikepdf. The target
is at least 10 pages per second of one core's CPU time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TARGET = 10.0  # pages per second, one core


def corpus(work: Path, modules: int, seed: int) -> Path:
    folder = work / f"print-corpus-{modules}-{seed}"
    stamp = {"modules": modules, "seed": seed, "generator": (BENCH / "generate.py").read_text()}
    marker = folder.with_suffix(".json")
    if not (marker.is_file() and json.loads(marker.read_text()) == stamp):
        print(f"generating the {modules}-module corpus (not timed)", file=sys.stderr)
        subprocess.run([sys.executable, str(BENCH / "generate.py"), "--modules", str(modules), "--bundles", "50",
                        "--variants", "0", "--seed", str(seed), "-o", str(folder)], check=True)
        marker.write_text(json.dumps(stamp))
    return folder


def measure(root: Path, bundles: int) -> dict:
    import pikepdf

    from bundlesmith import pipeline
    from bundlesmith.render.cache import RenderCache
    from bundlesmith.render.handbooks import layout_versions, pdf_bytes, plan_jobs

    view = pipeline.check(root)
    assert view.ok, "the corpus does not check clean"
    chosen = sorted(view.catalogue.bundles.values(), key=lambda b: b.id)[:bundles]
    start, cpu = time.perf_counter(), time.process_time()
    jobs, _ = plan_jobs([(view.catalogue, chosen)], RenderCache())
    plan = {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu}
    pdf_bytes(jobs[0])  # WeasyPrint's imports and font loading: once per worker, not per page
    pages, wall, cpu_total, sizes = 0, 0.0, 0.0, 0
    for job in jobs:
        start, cpu = time.perf_counter(), time.process_time()
        data = pdf_bytes(job)
        wall += time.perf_counter() - start
        cpu_total += time.process_time() - cpu
        sizes += len(data)
        with pikepdf.open(__import__("io").BytesIO(data)) as pdf:
            pages += len(pdf.pages)
        print(f"  {job.filename:<48} {cpu_total:8.1f} s CPU so far, {pages} pages", file=sys.stderr)
    return {"bundles": len(chosen), "pdfs": len(jobs), "pages": pages, "bytes": sizes, "plan": plan,
            "layout_wall": wall, "layout_cpu": cpu_total, "pages_per_second": pages / cpu_total,
            "versions": layout_versions()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--bundles", type=int, default=10, help="how many of the corpus's 50 bundles (default 10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bundlesmith-bench"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    result = measure(corpus(args.work, args.modules, args.seed), args.bundles)
    rate = result["pages_per_second"]
    print(f"| N modules | bundles | PDFs | pages | plan + HTML (s CPU) | layout (s CPU) | pages/s, one core | target |\n"
          f"|---:|---:|---:|---:|---:|---:|---:|---|\n"
          f"| {args.modules:,} | {result['bundles']} | {result['pdfs']} | {result['pages']:,} | {result['plan']['cpu']:.2f} "
          f"| {result['layout_cpu']:.1f} | {rate:.1f} | >= {TARGET:.0f}: {'met' if rate >= TARGET else 'missed'} |")
    print(f"WeasyPrint {result['versions']['weasyprint']}, Pango {result['versions']['pango']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
