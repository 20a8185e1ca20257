"""A co-creator edits the corpus again and again and builds into the same build/ each time: after every edit
that tree is exactly what a build from scratch gives, every file's path and bytes, the search index included.

The edits are the ones the incremental-build bench measures (bench/edits.py: a module's body, a title, a new
module, a deleted module, a bundle reordered, a standard renamed, a page of the site's own), plus going back
to an earlier state (undo) and building with no change at all. The sequence is seeded, and a failure names
the seed and every edit so far. A longer random run, every output built (the PDF handbooks too):

    EQUIVALENCE_SEED=7 EQUIVALENCE_EDITS=40 EQUIVALENCE_OUTPUTS=all pytest tests/test_incremental_equivalence.py
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import os
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODULES = 12
# The outputs built step by step: the sites with their search indexes (national and variant), the packages
# and the reports, the outputs a build brings up to date rather than making afresh. A long run builds every
# output (EQUIVALENCE_OUTPUTS=all): the PDF handbooks cost seconds each. (CASE packages need a dated
# framework, which the generated corpus has not.)
OUTPUTS = ("site", "scorm", "reports")
ALL_OUTPUTS = (*OUTPUTS, "lms", "badges", "print")
# Files that describe a build rather than being part of it: what the next build reads to decide what it may
# reuse. They are left out of the comparison by name (wherever they are in the tree); nothing else is.
BUILD_RECORDS = frozenset({
    ".bundlesmith-cache",           # folder: the parsed sources kept for the next build (load/cache.py)
    ".bundlesmith-state.json",      # the one state file of the build (the input set's keys)
    ".bundlesmith-cache.json",      # the whole build's fingerprint, for "nothing changed" (until the state file)
    ".bundlesmith-packages.json",   # scorm/: each package's reuse key (until the state file)
    ".bundlesmith-keys.json",       # reports/, reports/<variant>/: each report's reuse key (until the state file)
    ".bundlesmith-handbooks.json",  # print/: each handbook's reuse key (until the state file)
})


def _bench_edits() -> ModuleType:
    """bench/edits.py, the bench's own edits (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_edits", ROOT / "bench" / "edits.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_edits = _bench_edits()


def tree(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file of a build, the build's own records left out."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not BUILD_RECORDS.intersection(path.relative_to(folder).parts)}


def sources(corpus: Path) -> dict[str, bytes]:
    return {path.relative_to(corpus).as_posix(): path.read_bytes() for path in sorted(corpus.rglob("*"))
            if path.is_file()}


def digest(files: dict[str, bytes]) -> str:
    hashed = hashlib.sha256()
    for name, data in files.items():
        hashed.update(f"{name}\0{len(data)}\0".encode())
        hashed.update(data)
    return hashed.hexdigest()


@dataclass
class Story:
    """One co-creator's edits to one corpus, with the state after each, and the builds of those states."""

    corpus: Path
    work: Path
    seed: int
    length: int  # 0: each kind once, in the seed's order; N: N kinds drawn at random
    outputs: tuple[str, ...]
    rng: random.Random = field(init=False, repr=False)
    edits: Any = field(init=False, repr=False)  # bench_edits.Edits
    states: list[dict[str, bytes]] = field(default_factory=list, repr=False)
    steps: list[str] = field(default_factory=list)
    scratch: dict[str, tuple[Path, dict[str, str]]] = field(default_factory=dict, repr=False)
    logs: list[str] = field(default_factory=list, repr=False)  # what each incremental build printed

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.edits = bench_edits.Edits(self.corpus, MODULES)

    @property
    def incremental(self) -> Path:
        return self.work / "build"

    def told(self) -> str:
        lines = [f"seed {self.seed}, outputs {', '.join(self.outputs)}; the edits, each followed by a build:"]
        lines += [f"  {n}. {step}" for n, step in enumerate(self.steps)]
        replay = f"EQUIVALENCE_SEED={self.seed}" + (f" EQUIVALENCE_EDITS={self.length}" if self.length else "")
        if self.outputs != OUTPUTS:
            replay += " EQUIVALENCE_OUTPUTS=all"
        return "\n".join([*lines, f"replay: {replay} pytest tests/test_incremental_equivalence.py"])

    def command(self, out: Path, *extra: str) -> list[str]:
        only = [arg for output in self.outputs for arg in ("--only", output)]
        return [sys.executable, "-m", "bundlesmith", "-C", str(self.corpus), "build", *only, "-o", str(out), *extra]

    def build_and_compare(self, step: str) -> None:
        """Build into the one build/ and, unless this state was built before, from scratch; compare the trees."""
        self.steps.append(step)
        state = sources(self.corpus)
        self.states.append(state)
        key = digest(state)
        # One process or several, in turn: a process that builds two sites must not mix them up.
        jobs = ("-j", "1") if len(self.steps) % 2 else ("-j", "2")
        commands = {"incremental": self.command(self.incremental, *jobs)}
        fresh = self.work / f"scratch-{len(self.scratch)}"
        if key not in self.scratch:  # a state seen before (undo, no change) was built from scratch then
            commands["from scratch"] = self.command(fresh, "--force")
        runs = {name: subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                for name, command in commands.items()}  # both at once: the two builds are independent
        for name, run in runs.items():
            try:
                log, _ = run.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                run.kill()
                log, _ = run.communicate()
            assert run.returncode == 0, f"the {name} build failed ({run.returncode}):\n{log}\n{self.told()}"
            if name == "incremental":
                self.logs.append(log)
        if key not in self.scratch:
            self.scratch[key] = (fresh, tree(fresh))
        fresh, expected = self.scratch[key]
        difference = compare(self.incremental, tree(self.incremental), fresh, expected)
        heading = "after the last edit the incremental build differs from a build from scratch:"
        assert not difference, f"{heading}\n{difference}\n{self.told()}"


def compare(built: Path, got: dict[str, str], fresh: Path, expected: dict[str, str]) -> str:
    """What differs between two trees: the paths only in one, and the files that differ (the first few diffed)."""
    lines = [f"only in the incremental build: {name}" for name in sorted(got.keys() - expected.keys())]
    lines += [f"only in the build from scratch: {name}" for name in sorted(expected.keys() - got.keys())]
    changed = sorted(name for name in got.keys() & expected.keys() if got[name] != expected[name])
    lines += [f"different bytes: {name}" for name in changed]
    for name in changed[:3]:
        try:
            old = (fresh / name).read_text(encoding="utf-8").splitlines()
            new = (built / name).read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue  # a zip or an image: the name says enough
        diff = difflib.unified_diff(old, new, f"scratch/{name}", f"incremental/{name}", n=1, lineterm="")
        lines += [line[:300] for line in list(diff)[:24]]
    return "\n".join(lines)


# The kinds of step: each makes its edit (and says what it did) if it applies to the corpus as it now is.

def body(story: Story, mark: str) -> str | None:
    index = story.rng.choice([i for i in range(MODULES) if story.edits.module_path(i).exists()])
    story.edits.body(mark, index)
    return f"body: a sentence appended to {bench_edits.module_id(index)}"


def title(story: Story, mark: str) -> str | None:
    story.edits.title(mark)
    return f"title: {bench_edits.module_id(2)} retitled"


def new(story: Story, mark: str) -> str | None:
    if story.edits.path("content/modules/module-bench-new.md").exists():
        return None
    story.edits.new(mark)
    return "new: module-bench-new added to bundle-001"


def delete(story: Story, mark: str) -> str | None:
    index = story.edits.deleted_index()
    if not story.edits.module_path(index).exists():
        return None
    story.edits.delete_module(mark)
    return f"delete: {bench_edits.module_id(index)} deleted and taken out of its bundles"


def reorder(story: Story, mark: str) -> str | None:
    story.edits.reorder(mark)
    return "reorder: two modules of bundle-002's first section swapped"


def standard(story: Story, mark: str) -> str | None:
    if "title: Standard 1.1\n" not in (story.corpus / "content/standards/nat.yml").read_text(encoding="utf-8"):
        return None
    story.edits.standard(mark)
    return "standard: nat:D1.1 renamed"


def site_page(story: Story, mark: str) -> str | None:
    story.edits.site_page(mark)
    return "site page: contacts.md in mkdocs.yml's docs_dir written"


def undo(story: Story, mark: str) -> str | None:
    del mark
    now = story.states[-1]
    earlier = [n for n, state in enumerate(story.states[:-1]) if state != now]
    if not earlier:
        return None
    n = story.rng.choice(earlier)
    for name in now.keys() - story.states[n].keys():
        (story.corpus / name).unlink()
    for name, data in story.states[n].items():
        if now.get(name) != data:
            (story.corpus / name).parent.mkdir(parents=True, exist_ok=True)
            (story.corpus / name).write_bytes(data)
    return f"undo: every file back as it was after step {n}"


def nothing(story: Story, mark: str) -> str | None:
    del story, mark
    return "nothing: no file changed"


KINDS: dict[str, Callable[[Story, str], str | None]] = {
    "body": body, "title": title, "new": new, "delete": delete, "reorder": reorder, "standard": standard,
    "site page": site_page, "undo": undo, "nothing": nothing,
}


def tell(story: Story, kinds: list[str]) -> None:
    """Build the corpus as it is, then make each edit in turn (a kind that does not apply: another, at random)."""
    story.build_and_compare("first build: the corpus as generated")
    for number, kind in enumerate(kinds, start=1):
        mark = f"step {number}"
        step = KINDS[kind](story, mark)
        while step is None:
            step = KINDS[story.rng.choice(sorted(KINDS))](story, mark)
        story.build_and_compare(step)


def generated(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "bench/generate.py"), "--modules", str(MODULES), "--bundles", "3",
                    "--variants", "1", "-o", str(corpus)], check=True)
    return corpus


def test_after_every_kind_of_edit_the_incremental_build_is_a_build_from_scratch(tmp_path: Path) -> None:
    """Each kind of edit once, in a seeded order; undo and no change come after at least one edit."""
    seed = int(os.environ.get("EQUIVALENCE_SEED", "21"))
    length = int(os.environ.get("EQUIVALENCE_EDITS", "0"))
    outputs = ALL_OUTPUTS if os.environ.get("EQUIVALENCE_OUTPUTS") == "all" else OUTPUTS
    story = Story(generated(tmp_path), tmp_path, seed, length, outputs)
    if length:  # a long random run: any kind at every step
        kinds = [story.rng.choice(sorted(KINDS)) for _ in range(length)]
    else:
        kinds = [kind for kind in KINDS if kind not in ("undo", "nothing")]
        story.rng.shuffle(kinds)
        for kind in ("undo", "nothing"):
            kinds.insert(story.rng.randint(1, len(kinds)), kind)
    tell(story, kinds)
    assert len(story.steps) == len(kinds) + 1
    compared = next(iter(story.scratch.values()))[1]  # what the comparison covered: both sites' search indexes too
    assert {"site/search/search_index.json", "site-ics-00/search/search_index.json"} <= compared.keys()
    assert len({digest(state) for state in story.states}) > len(kinds) // 2, "the edits changed nothing"
    # and the builds were incremental: after a body edit, the pages it did not touch were kept
    after_body = [log for step, log in zip(story.steps, story.logs, strict=True) if step.startswith("body:")]
    assert all("page(s) unchanged since the last build, kept" in log for log in after_body), story.told()
    assert after_body or length, "every kind of edit is made once, a body edit too"
