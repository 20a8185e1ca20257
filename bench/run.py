"""Time bundlesmith against `mkdocs build` alone at national scale, and check the speed and memory targets.

    python bench/run.py                        # N = 100 and 1,000 modules, 50 bundles, 42 variants
    python bench/run.py --sizes 1000 --variants 2 --repeat 3
    python bench/run.py --with-5000            # adds N = 5,000 (slow: many minutes)
    python bench/run.py --sizes 1000 --variants 2 --compare main~3 --json /tmp/b.json   # before and after
    python bench/run.py --sizes 1000 --variants 2 --serve                               # and `serve` end to end

For each N it generates a seeded corpus (bench/generate.py), dumps the pages bundlesmith's site plugin
produces into plain mkdocs projects (bench/pages.py, not timed), then, back to back in the same run and
`--repeat` times each, runs every step below in its own subprocess and reads its wall time, CPU time
(user + system, its child processes included) and peak RSS from os.wait4:

  mkdocs        `mkdocs build` alone on the same pages (every site, one process)
  full          `bundlesmith build`: sites, all packages, reports, from nothing
  no-op         `bundlesmith build` again, nothing changed
  edit          one module's body edited, then packages and reports built
  edit-all      another body edit, then everything built (sites, packages, reports); likewise, one after
                another: edit-title, edit-new, edit-delete, edit-reorder, edit-standard (bench/edits.py)
  packages      `bundlesmith build --only scorm --force` (default --jobs: the core count), and with -j 1 and -j 2
  site          `bundlesmith build --only site --force`
  check         `bundlesmith check`, cold and warm (cold is subtracted from packages-only to get the packaging time)
  help          `bundlesmith --help`
  serve         with --serve: from saving a module to Chromium showing it under `bundlesmith serve` (bench/serve.py)

With --compare REV, every step runs for REV (checked out into a temporary git worktree under --work) and
for this working tree, one right after the other (who goes first alternates by round), on the same
corpora, and the tables show both and their ratio. bundlesmith runs from the tree's tools/ (PYTHONPATH), whatever copy is installed, with CI=1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import edits
import serve

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEER_MS = 56.0  # simple-scorm-packager, per 30-page package (the faster end of the 56-69 ms measured)
Steps = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Tree:
    """One copy of bundlesmith's code to measure: `label` in the tables, `tools` its package folder."""

    label: str
    tools: Path
    source: str  # what it is: a revision's hash, or "working tree"

    def env(self) -> dict[str, str]:
        """The environment of each step: this tree's code first, and Python's bytecode cache in use, as it is
        where users run bundlesmith (a shell or CI runner that sets PYTHONDONTWRITEBYTECODE would have every
        step compile the whole package again: a tenth of a second at every start)."""
        paths = [str(self.tools), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "CI": "1"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env


HERE = Tree("after", REPO / "tools", "working tree")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return (f"{os.cpu_count()} cores (nproc), {memory / 1024 / 1024:.1f} GiB memory, {cpu}; "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def timed(cmd: list[str], cwd: Path, tree: Tree) -> dict[str, float]:
    """Run cmd in its own process; wall seconds, CPU seconds (children included) and peak RSS in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=tree.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}, {tree.label}: {tree.source}): {' '.join(cmd)}\n"
                         f"{err.decode(errors='replace')[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


# The outputs these targets are about: the handbooks (build --only print) are measured by bench/print.py.
WEB = ("--only", "site", "--only", "scorm", "--only", "reports")


def bundlesmith(*args: str) -> list[str]:
    return [sys.executable, "-m", "bundlesmith", *args]


@contextlib.contextmanager
def revision(rev: str, work: Path) -> Iterator[Tree]:
    """REV of this repository checked out (detached) into a git worktree under work, removed afterwards."""
    found = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                           capture_output=True, text=True)
    if found.returncode != 0:
        raise SystemExit(f"--compare: '{rev}' is not a revision of {REPO}")
    commit = found.stdout.strip()
    folder = work / f"rev-{commit[:12]}"
    if folder.exists():  # left by an interrupted run
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["git", "-C", str(REPO), "worktree", "prune"], check=True)
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(folder), commit], check=True)
    try:
        yield Tree("before", folder / "tools", f"{rev} ({commit[:12]})")
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)], check=True)


PROBE = """
import sys
from importlib.metadata import entry_points

import bundlesmith

print(bundlesmith.__file__)
plugin = entry_points(group="mkdocs.plugins").select(name="bundlesmith")
print(sys.modules[next(iter(plugin)).load().__module__].__file__ if plugin else "")
"""


def check_imports(tree: Tree) -> None:
    """bundlesmith and its mkdocs plugin must come from the tree's tools/, not from the installed copy."""
    probe = subprocess.run([sys.executable, "-c", PROBE], env=tree.env(), capture_output=True, text=True)
    where = probe.stdout.split()
    if probe.returncode != 0 or len(where) != 2:
        raise SystemExit(f"{tree.label} ({tree.source}): bundlesmith or its mkdocs plugin (the entry point "
                         f"the environment installed) does not load from {tree.tools}\n{probe.stderr[-2000:]}")
    for path in where:
        if not Path(path).resolve().is_relative_to(tree.tools.resolve()):
            raise SystemExit(f"{tree.label} ({tree.source}): {path} is imported, not the copy in {tree.tools}")


def prepare(n: int, args: argparse.Namespace, work: Path, trees: list[Tree]) -> tuple[Path, Path, dict[str, int]]:
    """The corpus and its mkdocs-alone baseline, made once and shared by every tree.

    The baseline's pages are recorded from the site plugin of the first tree whose code `pages.py dump`
    can drive (this working tree first): both trees make the same pages, but the dump reaches into the
    build's internals, which a redesign may move.
    """
    corpus, baseline = work / f"corpus-{n}", work / f"baseline-{n}"
    stamp = {"modules": n, "bundles": args.bundles, "variants": args.variants, "seed": args.seed,
             "generator": (BENCH / "generate.py").read_text(), "pages": (BENCH / "pages.py").read_text(),
             "config": (REPO / "mkdocs.yml").read_text()}
    marker = work / f"prepared-{n}.json"
    if not args.regenerate and marker.is_file() and json.loads(marker.read_text()).get("stamp") == stamp:
        return corpus, baseline, json.loads((baseline / "pages.json").read_text())
    print(f"N={n}: generating the corpus and the baseline pages (not timed)", file=sys.stderr)
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--modules", str(n), "--bundles", str(args.bundles),
                    "--variants", str(args.variants), "--seed", str(args.seed), "-o", str(corpus)], check=True,
                   env=HERE.env())
    for tree in sorted(trees, key=lambda tree: tree != HERE):
        dumped = subprocess.run([sys.executable, str(BENCH / "pages.py"), "dump", str(corpus), str(baseline)],
                                env=tree.env())
        if dumped.returncode == 0:
            break
        print(f"N={n}: pages.py dump failed with the {tree.label} tree's code", file=sys.stderr)
    else:
        raise SystemExit(f"N={n}: no tree's code could dump the baseline pages (bench/pages.py)")
    marker.write_text(json.dumps({"stamp": stamp}))
    return corpus, baseline, json.loads((baseline / "pages.json").read_text())


class Runner:
    """Every step for one N: one round at a time, each tree in turn, the raw numbers kept per tree."""

    def __init__(self, n: int, args: argparse.Namespace, work: Path, trees: list[Tree], browser: Any) -> None:
        self.n, self.args, self.work, self.trees, self.browser = n, args, work, trees, browser
        self.corpus, self.baseline, self.pages = prepare(n, args, work, trees)
        self.runs: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.edits = edits.Edits(self.corpus, n)

    def record(self, tree: Tree, name: str, result: dict[str, Any]) -> None:
        self.runs.setdefault(tree.label, {}).setdefault(name, []).append(result)
        print(f"  N={self.n} {tree.label:<6} {name:<13} {result['wall']:8.2f} s wall {result['cpu']:8.2f} s CPU "
              f"{result['rss']:7.0f} MiB", file=sys.stderr)

    def step(self, tree: Tree, name: str, cmd: list[str]) -> None:
        self.record(tree, name, timed(cmd, self.corpus, tree))

    def out(self, tree: Tree, kind: str = "") -> Path:
        return self.work / f"out-{self.n}-{tree.label}{kind}"

    def mkdocs(self, trees: list[Tree]) -> None:
        """mkdocs alone does not run bundlesmith: measured once a round, the same figure for every tree."""
        result = timed([sys.executable, str(BENCH / "pages.py"), "build", str(self.baseline)], self.corpus, HERE)
        for tree in trees:
            self.record(tree, "mkdocs", result)

    def each(self, trees: list[Tree], name: str, args: Callable[[Tree], list[str]]) -> None:
        """One step for every tree, one right after the other: what loads the machine loads both alike."""
        for tree in trees:
            self.step(tree, name, bundlesmith(*args(tree)))

    def round(self, rep: int) -> None:
        trees = self.trees if rep % 2 == 0 else self.trees[::-1]  # who goes first alternates too
        each = self.each

        def out(tree: Tree, kind: str = "") -> str:
            return str(self.out(tree, kind))

        for tree in trees:
            shutil.rmtree(self.out(tree), ignore_errors=True)  # from nothing: no output, no cache
        each(trees, "full", lambda tree: ["build", *WEB, "-o", out(tree)])
        each(trees, "no-op", lambda tree: ["build", *WEB, "-o", out(tree)])
        mark = f"round {rep + 1}"
        try:  # each edit made once, then built by every tree: each build sees exactly one new edit
            self.edits.body(mark)
            each(trees, "edit", lambda tree: ["build", "--only", "scorm", "--only", "reports", "-o", out(tree)])
            self.edits.body(f"{mark}, again")
            each(trees, "edit-all", lambda tree: ["build", *WEB, "-o", out(tree)])
            for name, kind in edits.KINDS.items():
                kind(self.edits, mark)
                each(trees, name, lambda tree: ["build", *WEB, "-o", out(tree)])
        finally:
            self.edits.restore()
        each(trees, "packages", lambda tree: ["build", "--only", "scorm", "-o", out(tree, "-scorm"), "--force"])
        each(trees, "packages-j1", lambda tree: ["build", "--only", "scorm", "-o", out(tree, "-scorm"), "--force",
                                                 "-j", "1"])
        each(trees, "packages-j2", lambda tree: ["build", "--only", "scorm", "-o", out(tree, "-scorm"), "--force",
                                                 "-j", "2"])
        each(trees, "site", lambda tree: ["build", "--only", "site", "-o", out(tree, "-site"), "--force"])
        each(trees, "check-cold", lambda tree: ["check", "--no-cache"])
        each(trees, "check-cold-j1", lambda tree: ["check", "--no-cache", "-j", "1"])
        for tree in trees:  # the load cache is the corpus's: each tree fills it (not timed), then reads it
            timed(bundlesmith("check"), self.corpus, tree)
            self.step(tree, "check", bundlesmith("check"))
        each(trees, "help", lambda tree: ["--help"])
        if self.browser is not None:
            for tree in trees:
                log = self.work / f"serve-{self.n}-{tree.label}.log"
                self.record(tree, "serve", serve.measure(self.browser, self.corpus, tree.env(), log,
                                                         saves=self.args.serve_saves, mark=f"{tree.label}, {mark}"))

    def run(self) -> dict[str, Any]:
        for rep in range(self.args.repeat):
            print(f"N={self.n}: round {rep + 1} of {self.args.repeat}", file=sys.stderr)
            self.mkdocs(self.trees)
            self.round(rep)
        trees = self.trees
        result: dict[str, Any] = {"n": self.n, "bundles": self.args.bundles, "variants": self.args.variants,
                                  "sites": self.pages["sites"], "pages": self.pages["pages"],
                                  "repeat": self.args.repeat, "trees": {}}
        for tree in trees:
            runs = self.runs[tree.label]
            medians = {name: {key: statistics.median(r[key] for r in rounds) for key in ("wall", "cpu", "rss")}
                       for name, rounds in runs.items()}
            packages = len(list((self.out(tree, "-scorm") / "scorm").glob("*.zip")))
            result["trees"][tree.label] = {"source": tree.source, "packages": packages, "steps": medians,
                                           "runs": runs}
        return result


Row = tuple[str, str, float, str, str]  # target, N, measured, format, verdict


def targets(result: dict[str, Any], label: str, by_n: dict[int, dict[str, Any]]) -> list[Row]:
    """The targets for one tree's medians at one N: (target, N, measured, format, verdict) rows."""
    rows: list[Row] = []
    tree = result["trees"][label]
    s: Steps = tree["steps"]
    n = result["n"]

    def add(name: str, value: float, limit: float, fmt: str, smaller: bool = True, at: str = "") -> None:
        met = value <= limit if smaller else value >= limit
        rows.append((name, at or f"{n:,}", value, fmt, "met" if met else f"missed (vs {fmt.format(limit)})"))

    mkdocs = s["mkdocs"]["wall"]
    full = 1.0 if n <= 1000 else 1.05
    add(f"full build / mkdocs alone <= {full:.2f}x", s["full"]["wall"] / mkdocs, full, "{:.2f}x")
    add("no-op rebuild <= 0.3 s", s["no-op"]["wall"], 0.3, "{:.2f} s")
    if n <= 1000:
        add("one-module edit: affected packages and reports refreshed <= 1 s", s["edit"]["wall"], 1.0, "{:.2f} s")
    add("peak RSS of the full build <= 1.25x mkdocs alone", s["full"]["rss"] / s["mkdocs"]["rss"], 1.25, "{:.2f}x")
    # --force loads cold, in as many processes as the build has workers: take that load away
    packaging_1 = max(1e-9, s["packages-j1"]["wall"] - s["check-cold-j1"]["wall"])
    packaging_2 = max(1e-9, s["packages-j2"]["wall"] - s["check-cold"]["wall"])
    if n <= 1000:  # at 5,000 the fixed costs dominate the fewer packages per module
        add(f"per 30-page package <= 0.3x simple-scorm-packager ({PEER_MS:.0f} ms), one worker",
            packaging_1 / max(1, tree["packages"]) * 1000, 0.3 * PEER_MS, "{:.1f} ms")
    add("packaging with 2 workers >= 1.5x faster than with 1", packaging_1 / packaging_2, 1.5, "{:.2f}x", smaller=False)
    add("`bundlesmith --help` starts in <= 0.3 s", s["help"]["wall"], 0.3, "{:.2f} s")
    add("one-module body edit, everything refreshed <= 0.1x mkdocs alone (stretch 0.05x)",
        s["edit-all"]["wall"] / mkdocs, 0.1, "{:.3f}x")
    for name, what in EDIT_LABELS.items():
        add(f"{what}, everything refreshed <= 0.2x mkdocs alone", s[name]["wall"] / mkdocs, 0.2, "{:.3f}x")
    if "serve" in s:
        add("`serve`: a saved module shown in the browser <= 1 s (at 1,000 modules)", s["serve"]["wall"], 1.0,
            "{:.2f} s")
    if n == 5000 and 1000 in by_n:
        other = by_n[1000]
        per_page = (s["site"]["wall"] / result["pages"],
                    other["trees"][label]["steps"]["site"]["wall"] / other["pages"])
        add("site time per page at 5,000 <= 1.5x that at 1,000", per_page[0] / per_page[1], 1.5, "{:.2f}x",
            at="5,000 / 1,000")
    return rows


EDIT_LABELS = {"edit-title": "a module's title edited", "edit-new": "a new module added to a bundle",
               "edit-delete": "a module deleted (and taken out of its bundles)",
               "edit-reorder": "a bundle's modules reordered", "edit-standard": "a standard renamed"}
LABELS = {"mkdocs": "`mkdocs build` alone, same pages",
          "full": "full build from nothing (sites + packages + reports)", "no-op": "no-op rebuild",
          "edit": "one-module edit: packages and reports (`--only scorm --only reports`)",
          "edit-all": "one-module body edit: everything",
          **{name: f"{what}: everything" for name, what in EDIT_LABELS.items()},
          "packages": "packages only (default --jobs, --force)", "packages-j1": "packages only, -j 1",
          "packages-j2": "packages only, -j 2", "site": "sites only (--force)",
          "check-cold": "check, cold (`--no-cache`)", "check-cold-j1": "check, cold, one process (`-j 1`)",
          "check": "check, warm", "help": "`bundlesmith --help`",
          "serve": "`serve`: save to browser (median of the saves; CPU and RSS: the server's)"}


def header(results: list[dict[str, Any]], started: str) -> list[str]:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [f"Machine: {machine()}.",
             f"Run: {started}; medians of {results[0]['repeat']} (load average before the run: {load})."]
    for label, tree in results[0]["trees"].items():
        lines.append(f"{label}: {tree['source']}.")
    return [*lines, ""]


def report(results: list[dict[str, Any]], started: str) -> str:
    """One tree: every step's medians, then the targets."""
    lines = header(results, started)
    lines += ["| N modules | sites / pages | packages | step | wall (s) | CPU (s) | peak RSS (MiB) |",
              "|---:|---:|---:|---|---:|---:|---:|"]
    for r in results:
        tree = r["trees"]["after"]
        for name, label in LABELS.items():
            if name in tree["steps"]:
                s = tree["steps"][name]
                lines.append(f"| {r['n']:,} | {r['sites']} / {r['pages']:,} | {tree['packages']:,} | {label} | "
                             f"{s['wall']:.2f} | {s['cpu']:.2f} | {s['rss']:.0f} |")
    by_n = {r["n"]: r for r in results}
    lines += ["", "| target | N | measured | verdict |", "|---|---|---:|---|"]
    for r in results:
        lines += [f"| {t} | {n} | {fmt.format(v)} | {verdict} |" for t, n, v, fmt, verdict in targets(r, "after", by_n)]
    return "\n".join(lines) + "\n"


def compare_report(results: list[dict[str, Any]], started: str) -> str:
    """Two trees: each step's medians side by side with after/before, then each target for both."""
    lines = header(results, started)
    lines += [("| N modules | step | wall before (s) | wall after (s) | after / before | CPU before (s) | "
               "CPU after (s) | after / before | RSS before (MiB) | RSS after (MiB) |"),
              "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        before, after = r["trees"]["before"]["steps"], r["trees"]["after"]["steps"]
        for name, label in LABELS.items():
            if name in before and name in after:
                b, a = before[name], after[name]
                lines.append(f"| {r['n']:,} | {label} | {b['wall']:.2f} | {a['wall']:.2f} | "
                             f"{a['wall'] / max(b['wall'], 1e-9):.2f}x | {b['cpu']:.2f} | {a['cpu']:.2f} | "
                             f"{a['cpu'] / max(b['cpu'], 1e-9):.2f}x | {b['rss']:.0f} | {a['rss']:.0f} |")
    by_n = {r["n"]: r for r in results}
    lines += ["", "| target | N | before | after | after / before |", "|---|---|---|---|---:|"]
    for r in results:
        for (t, n, b, fmt, bv), (_, _, a, _, av) in zip(targets(r, "before", by_n), targets(r, "after", by_n),
                                                        strict=True):
            lines.append(f"| {t} | {n} | {fmt.format(b)} {bv} | {fmt.format(a)} {av} | {a / max(b, 1e-9):.2f}x |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="module counts, comma-separated (default 100,1000)")
    parser.add_argument("--with-5000", action="store_true", help="add N = 5,000 (slow)")
    parser.add_argument("--bundles", type=int, default=50)
    parser.add_argument("--variants", type=int, default=42, help="variants (one site and one set of packages each)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; medians are reported")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bundlesmith-bench"), help="corpora and outputs")
    parser.add_argument("--regenerate", action="store_true", help="generate the corpora again even if present")
    parser.add_argument("--json", type=Path, help="also write the medians and every round's figures here")
    parser.add_argument("--compare", metavar="REV", help="also measure this git revision, in turns with this tree")
    parser.add_argument("--serve", action="store_true",
                        help="also time `bundlesmith serve` from a save to the browser (needs Debian's chromium)")
    parser.add_argument("--serve-saves", type=int, default=5, help="saves per round with --serve (default 5)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([5000] if args.with_5000 else [])
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with contextlib.ExitStack() as stack:
        trees = [HERE]
        if args.compare:
            trees.insert(0, stack.enter_context(revision(args.compare, args.work)))
        for tree in trees:
            check_imports(tree)
        browser = stack.enter_context(serve.chromium()) if args.serve else None
        results = [Runner(n, args, args.work, trees, browser).run() for n in sizes]
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "started": started, "results": results}, indent=2)
                             + "\n")
    print(compare_report(results, started) if args.compare else report(results, started))


if __name__ == "__main__":
    main()
