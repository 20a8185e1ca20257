"""Generate a seeded national-scale corpus: N modules, M bundles, V variants, with realistic Markdown.

    python bench/generate.py --modules 1000 --bundles 50 --variants 42 --seed 1 -o /tmp/corpus

The corpus is a full project (content/, bundles/, mkdocs.yml) that `bundlesmith check` passes.
"""

from __future__ import annotations

import argparse
import random
import shutil
import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["team", "care", "patient", "colleague", "listen", "support", "plan", "review", "safety", "learning", "shift", "ward", "home", "community", "service", "budget", "risk", "change", "people", "feedback", "voice", "inclusion", "data", "partner", "system", "quality", "kindness", "time", "record", "handover", "family", "carer", "manager", "resident", "rota", "audit", "improve"]
DOMAINS = 8
STANDARDS_PER_DOMAIN = 6
LEVELS = ["induction", "first-line", "middle", "senior"]


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(3, 6)))


def png(width: int = 8, height: int = 8) -> bytes:
    """A tiny valid PNG, so image checks and packaging see real images."""
    raw = b"".join(b"\x00" + b"\x80\x90\xa0" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def framework() -> str:
    lines = ["id: nat", "title: National benchmark standards", "version: 1.0.0", "status: published",
             "publisher: Benchmark", "licence: CC-BY-4.0", "base_uri: https://standards.example.org/nat/1/",
             f"levels: [{', '.join(LEVELS)}]", "items:"]
    for d in range(1, DOMAINS + 1):
        lines += [f"  - code: D{d}", "    type: domain", f"    title: Domain {d}", f"    statement: Domain {d} statement.",
                  "    items:"]
        for s in range(1, STANDARDS_PER_DOMAIN + 1):
            lines += [f"      - code: D{d}.{s}", "        type: standard", f"        title: Standard {d}.{s}",
                      f"        statement: What good looks like for standard {d}.{s}.", f"        levels: [{', '.join(LEVELS)}]"]
    return "\n".join(lines) + "\n"


def module(rng: random.Random, index: int, module_ids: list[str]) -> tuple[str, str]:
    mid = f"module-{index:05d}"
    d = index % DOMAINS + 1
    s1, s2 = rng.sample(range(1, STANDARDS_PER_DOMAIN + 1), 2)
    headings = [f"Section {k} on {rng.choice(WORDS)} and {rng.choice(WORDS)}" for k in range(1, 5)]
    anchors = ["#" + h.lower().replace(" ", "-") for h in headings]
    previous = module_ids[min(index - 1, len(module_ids) - 1)] if index else ""
    prereq = f"prerequisites: [{previous}]\n" if index % 10 == 5 else ""
    front = f"""---
id: {mid}
title: Module {index} on {rng.choice(WORDS)}
version: 1.{index % 4}.0
summary: {sentence(rng, 12)}
levels: [{rng.choice(LEVELS)}]
time:
  guided: {rng.choice([0, 30, 60, 120])}
  self_directed: {rng.choice([20, 30, 45, 60])}
outcomes:
  - id: LO1
    text: {sentence(rng, 9)}
  - id: LO2
    text: {sentence(rng, 9)}
standards:
  - standard: nat:D{d}.{s1}
    strength: assesses
    outcomes: [LO1]
    evidence: ["{anchors[0]}"]
    assessment:
      method: knowledge-check
      items: [q1, q2]
  - standard: nat:D{d}.{s2}
    strength: {rng.choice(["introduces", "develops"])}
    outcomes: [LO2]
co_creation:
  - role: {rng.choice(["patient-representative", "lived-experience", "carer"])}
    contribution: {sentence(rng, 8)}
  - role: {rng.choice(["clinician", "manager", "social-care", "staff-network"])}
    contribution: {sentence(rng, 8)}
review:
  status: approved
  reviewed: 2026-01-15
  next_review: 2099-01-15
{prereq}licence: CC-BY-4.0
---
"""
    body = [f"# Module {index}", "", paragraph(rng), ""]
    for k, heading in enumerate(headings):
        body += [f"## {heading}", "", paragraph(rng), ""]
        if k == 0:
            body += [f"- {sentence(rng, 6)}" for _ in range(4)] + [""]
        if k == 1:
            body += ["| Step | What to do |", "|---|---|"] + [f"| {n} | {sentence(rng, 6)} |" for n in range(1, 4)] + [""]
            body += ["!!! note \"Remember\"", f"    {sentence(rng, 10)}", ""]
        if k == 2:
            body += ["![A simple diagram](../assets/diagram.png)", ""]
            if index:
                body += [f"See also [the previous module]({previous}.md).", ""]
    body += ["## Check your understanding", "", "```quiz"]
    for q in range(1, 4):
        body += [f"- id: q{q}", f"  prompt: {sentence(rng, 8)[:-1]}?", "  choices:",
                 f"    - text: {sentence(rng, 5)}", "      correct: true", "      feedback: Yes.",
                 f"    - text: {sentence(rng, 5)}", "      feedback: Not quite.",
                 f"    - text: {sentence(rng, 5)}", "      feedback: Not quite."]
    body += ["```", ""]
    return mid, front + "\n".join(body)


def generate(out: Path, modules: int, bundles: int, variants: int, seed: int) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "content/standards").mkdir(parents=True)
    (out / "content/modules").mkdir(parents=True)
    (out / "content/assets").mkdir(parents=True)
    (out / "bundles").mkdir()
    (out / "content/standards/nat.yml").write_text(framework())
    (out / "content/assets/diagram.png").write_bytes(png())
    ids: list[str] = [f"module-{i:05d}" for i in range(modules)]
    for index in range(modules):
        mid, text = module(rng, index, ids)
        (out / "content/modules" / f"{mid}.md").write_text(text)
    per_bundle = max(1, min(30, modules // max(1, bundles) * 2))
    for b in range(bundles):
        start = (b * modules // max(1, bundles)) % modules
        chosen = [ids[(start + k) % modules] for k in range(min(per_bundle, modules))]
        chosen = list(dict.fromkeys(chosen))
        sections = [chosen[i:i + 6] for i in range(0, len(chosen), 6)]
        lines = [f"id: bundle-{b:03d}", f"title: Bundle {b}", "version: 1.0.0", "levels: [first-line]",
                 f"description: {sentence(rng, 15)}", "sections:"]
        for n, section in enumerate(sections, start=1):
            lines += [f"  - title: Part {n}", f"    modules: [{', '.join(section)}]"]
        lines += ["targets: []", "scorm:", '  versions: ["1.2", "2004"]', "  mastery_score: 80"]
        (out / "bundles" / f"bundle-{b:03d}.yml").write_text("\n".join(lines) + "\n")
    for v in range(variants):
        folder = out / "content/variants" / f"ics-{v:02d}"
        (folder / "modules").mkdir(parents=True)
        local = f"ics-{v:02d}-local"
        _, text = module(rng, modules + v, ids)
        (folder / "modules" / f"{local}.md").write_text(
            text.replace(f"id: module-{modules + v:05d}", f"id: {local}").replace("(../assets/", "(../../../assets/")
            .replace(f"]({ids[-1]}.md)", f"](../../../modules/{ids[-1]}.md)"))
        (folder / "variant.yml").write_text(
            f"id: ics-{v:02d}\ntitle: Integrated care system {v}\nbundles:\n  - bundle: bundle-000\n    add:\n"
            f"      - section: Local\n        modules: [{local}]\n")
    if (ROOT / "mkdocs.yml").exists():
        shutil.copy(ROOT / "mkdocs.yml", out / "mkdocs.yml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", type=int, default=100)
    parser.add_argument("--bundles", type=int, default=10)
    parser.add_argument("--variants", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.out, args.modules, args.bundles, args.variants, args.seed)


if __name__ == "__main__":
    main()
