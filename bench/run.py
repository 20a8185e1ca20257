"""Time bundlesmith against `mkdocs build` alone at national scale, and check the targets of issue 7.

    python bench/run.py                        # N = 100 and 1,000 modules, 50 bundles, 42 variants
    python bench/run.py --sizes 1000 --variants 2 --repeat 3
    python bench/run.py --with-5000            # adds N = 5,000 (slow: many minutes)

For each N it generates a seeded corpus (bench/generate.py), dumps the pages bundlesmith's site plugin
produces into plain mkdocs projects (bench/pages.py, not timed), then, back to back in the same run and
`--repeat` times each, runs every step below in its own subprocess and reads its wall time, CPU time
(user + system, its child processes included) and peak RSS from os.wait4:

  mkdocs      `mkdocs build` alone on the same pages (every site, one process)
  full        `bundlesmith build --force`: sites, all packages, reports
  no-op       `bundlesmith build` again, nothing changed
  edit        one module's body edited, then `bundlesmith build`
  packages    `bundlesmith build --only scorm --force` (default --jobs: the core count), and with -j 1 and -j 2
  site        `bundlesmith build --only site --force`
  check       `bundlesmith check` (subtracted from packages-only to get the packaging time)
  help        `bundlesmith --help`

It prints the medians, then the ratios of the issue's target table, each marked met or missed.
bundlesmith runs from this repository's tools/ (PYTHONPATH), whatever copy is installed, with CI=1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEER_MS = 56.0  # simple-scorm-packager, per 30-page package (the faster end of the 56-69 ms the issue measured)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return (f"{os.cpu_count()} cores (nproc), {memory / 1024 / 1024:.1f} GiB memory, {cpu}; "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def env() -> dict[str, str]:
    paths = [str(REPO / "tools"), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "CI": "1"}


def timed(cmd: list[str], cwd: Path) -> dict:
    """Run cmd in its own process; wall seconds, CPU seconds (children included) and peak RSS in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(cmd)}\n{err.decode(errors='replace')[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


# The outputs these targets are about: the handbooks (build --only print) are measured by bench/print.py.
WEB = ("--only", "site", "--only", "scorm", "--only", "reports")


def bundlesmith(*args: str) -> list[str]:
    return [sys.executable, "-m", "bundlesmith", *args]


def prepare(n: int, args, work: Path) -> tuple[Path, Path, dict]:
    corpus, baseline = work / f"corpus-{n}", work / f"baseline-{n}"
    stamp = {"modules": n, "bundles": args.bundles, "variants": args.variants, "seed": args.seed,
             "generator": (BENCH / "generate.py").read_text(), "pages": (BENCH / "pages.py").read_text(),
             "config": (REPO / "mkdocs.yml").read_text()}
    marker = work / f"prepared-{n}.json"
    if not args.regenerate and marker.is_file() and json.loads(marker.read_text()).get("stamp") == stamp:
        return corpus, baseline, json.loads((baseline / "pages.json").read_text())
    print(f"N={n}: generating the corpus and the baseline pages (not timed)", file=sys.stderr)
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--modules", str(n), "--bundles", str(args.bundles),
                    "--variants", str(args.variants), "--seed", str(args.seed), "-o", str(corpus)], check=True, env=env())
    subprocess.run([sys.executable, str(BENCH / "pages.py"), "dump", str(corpus), str(baseline)], check=True, env=env())
    marker.write_text(json.dumps({"stamp": stamp}))
    return corpus, baseline, json.loads((baseline / "pages.json").read_text())


def measure(n: int, args, work: Path) -> dict:
    corpus, baseline, pages = prepare(n, args, work)
    out, out_scorm, out_site = work / f"out-{n}", work / f"out-{n}-scorm", work / f"out-{n}-site"
    module = corpus / "content" / "modules" / "module-00001.md"
    original = module.read_text(encoding="utf-8")
    steps: dict[str, list[dict]] = {}

    def step(name: str, cmd: list[str]) -> None:
        result = timed(cmd, corpus)
        steps.setdefault(name, []).append(result)
        print(f"  N={n} {name:<12} {result['wall']:8.2f} s wall {result['cpu']:8.2f} s CPU {result['rss']:7.0f} MiB",
              file=sys.stderr)

    try:
        for rep in range(args.repeat):
            print(f"N={n}: round {rep + 1} of {args.repeat}", file=sys.stderr)
            step("mkdocs", [sys.executable, str(BENCH / "pages.py"), "build", str(baseline)])
            shutil.rmtree(out, ignore_errors=True)  # from nothing: no output, no cache
            step("full", bundlesmith("build", *WEB, "-o", str(out)))
            step("no-op", bundlesmith("build", *WEB, "-o", str(out)))
            module.write_text(original + f"\nAn edit made by the benchmark, round {rep + 1}.\n", encoding="utf-8")
            step("edit", bundlesmith("build", "--only", "scorm", "--only", "reports", "-o", str(out)))
            module.write_text(original + f"\nA second edit made by the benchmark, round {rep + 1}.\n", encoding="utf-8")
            step("edit-all", bundlesmith("build", *WEB, "-o", str(out)))
            module.write_text(original, encoding="utf-8")
            step("packages", bundlesmith("build", "--only", "scorm", "-o", str(out_scorm), "--force"))
            step("packages-j1", bundlesmith("build", "--only", "scorm", "-o", str(out_scorm), "--force", "-j", "1"))
            step("packages-j2", bundlesmith("build", "--only", "scorm", "-o", str(out_scorm), "--force", "-j", "2"))
            step("site", bundlesmith("build", "--only", "site", "-o", str(out_site), "--force"))
            step("check-cold", bundlesmith("check", "--no-cache"))
            step("check-cold-j1", bundlesmith("check", "--no-cache", "-j", "1"))
            timed(bundlesmith("check"), corpus)  # fills the load cache (not timed)
            step("check", bundlesmith("check"))
            step("help", bundlesmith("--help"))
    finally:
        module.write_text(original, encoding="utf-8")
    packages = len(list((out_scorm / "scorm").glob("*.zip")))
    medians = {name: {key: statistics.median(r[key] for r in runs) for key in ("wall", "cpu", "rss")}
               for name, runs in steps.items()}
    return {"n": n, "bundles": args.bundles, "variants": args.variants, "sites": pages["sites"],
            "pages": pages["pages"], "packages": packages, "repeat": args.repeat, "steps": medians}


def targets(results: list[dict]) -> list[tuple[str, str, str, str]]:
    """(target, N, measured, verdict) rows."""
    rows = []

    def add(name: str, n, value: float, limit: float, fmt: str, smaller: bool = True) -> None:
        met = value <= limit if smaller else value >= limit
        rows.append((name, str(n), fmt.format(value), "met" if met else f"missed ({fmt.format(value)} vs {fmt.format(limit)})"))

    by_n = {r["n"]: r for r in results}
    for r in results:
        s, n = r["steps"], r["n"]
        add("full build / mkdocs alone <= 1.15 (stretch 1.05)", n, s["full"]["wall"] / s["mkdocs"]["wall"], 1.15, "{:.2f}x")
        if n <= 1000:
            add("no-op rebuild <= 0.5 s (1,000 modules)", n, s["no-op"]["wall"], 0.5, "{:.2f} s")
        else:
            add("no-op rebuild <= 1 s (5,000 modules)", n, s["no-op"]["wall"], 1.0, "{:.2f} s")
        if n <= 1000:
            add("one-module edit: affected packages and reports refreshed <= 1 s (1,000 modules)", n,
                s["edit"]["wall"], 1.0, "{:.2f} s")
        # --force loads cold, in as many processes as the build has workers: take that load away
        packaging_1 = max(1e-9, s["packages-j1"]["wall"] - s["check-cold-j1"]["wall"])
        packaging_2 = max(1e-9, s["packages-j2"]["wall"] - s["check-cold"]["wall"])
        per_package = packaging_1 / max(1, r["packages"]) * 1000
        add(f"per 30-page package <= 0.3x simple-scorm-packager ({PEER_MS:.0f} ms), one worker", n, per_package,
            0.3 * PEER_MS, "{:.1f} ms")
        add("packaging with 2 workers >= 1.5x faster than with 1", n, packaging_1 / packaging_2, 1.5, "{:.2f}x", smaller=False)
        add("peak RSS of the full build <= 1.25x mkdocs alone", n, s["full"]["rss"] / s["mkdocs"]["rss"], 1.25, "{:.2f}x")
        add("`bundlesmith --help` starts in <= 0.3 s", n, s["help"]["wall"], 0.3, "{:.2f} s")
        add("no-op path starts in <= 0.3 s", n, s["no-op"]["wall"], 0.3, "{:.2f} s")
    if 1000 in by_n and 5000 in by_n:
        per_page = {n: by_n[n]["steps"]["site"]["wall"] / by_n[n]["pages"] for n in (1000, 5000)}
        add("site time per page at 5,000 <= 1.5x that at 1,000", "5000/1000", per_page[5000] / per_page[1000], 1.5, "{:.2f}x")
    return rows


def report(results: list[dict], started: str) -> str:
    lines = [f"Machine: {machine()}.", f"Run: {started}; medians of {results[0]['repeat']} "
             f"(load average before the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())}).", ""]
    lines += ["| N modules | sites / pages | packages | step | wall (s) | CPU (s) | peak RSS (MiB) |",
              "|---:|---:|---:|---|---:|---:|---:|"]
    labels = {"mkdocs": "`mkdocs build` alone, same pages",
              "full": "full build from nothing (sites + packages + reports)", "no-op": "no-op rebuild",
              "edit": "one-module edit: packages and reports (`--only scorm --only reports`)",
              "edit-all": "one-module edit: everything (sites rebuilt whole)",
              "packages": "packages only (default --jobs, --force)", "packages-j1": "packages only, -j 1",
              "packages-j2": "packages only, -j 2", "site": "sites only (--force)",
              "check-cold": "check, cold (`--no-cache`)", "check-cold-j1": "check, cold, one process (`-j 1`)",
              "check": "check, warm", "help": "`bundlesmith --help`"}
    for r in results:
        for name, label in labels.items():
            s = r["steps"][name]
            lines.append(f"| {r['n']:,} | {r['sites']} / {r['pages']:,} | {r['packages']:,} | {label} | "
                         f"{s['wall']:.2f} | {s['cpu']:.2f} | {s['rss']:.0f} |")
    lines += ["", "| target | N | measured | verdict |", "|---|---|---:|---|"]
    lines += [f"| {t} | {n} | {m} | {v} |" for t, n, m, v in targets(results)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="module counts, comma-separated (default 100,1000)")
    parser.add_argument("--with-5000", action="store_true", help="add N = 5,000 (slow)")
    parser.add_argument("--bundles", type=int, default=50)
    parser.add_argument("--variants", type=int, default=42, help="variants (one site and one set of packages each)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; medians are reported")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bundlesmith-bench"), help="corpora and outputs")
    parser.add_argument("--regenerate", action="store_true", help="generate the corpora again even if present")
    parser.add_argument("--json", type=Path, help="also write the raw medians here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([5000] if args.with_5000 else [])
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results = [measure(n, args, args.work) for n in sizes]
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "started": started, "results": results}, indent=2) + "\n")
    print(report(results, started))


if __name__ == "__main__":
    main()
