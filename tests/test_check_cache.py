"""A co-creator runs `bundlesmith check` again and again while editing; only what changed is parsed again.

Each file's load (its model and its problems) is kept in build/.bundlesmith-cache/. A check that uses the
cache must say exactly what a check from scratch says, and a cache that is damaged, foreign or stale
must never change what a check says.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith import pipeline
from bundlesmith.cli import cli
from bundlesmith.diagnostics import Span, error
from bundlesmith.load import cache as load_cache
from bundlesmith.load import project as project_loader
from test_check_bad_input import CASES, make_project, parse_case

TODAY = "2026-11-23"
CACHE = Path("build") / ".bundlesmith-cache" / "load.pickle"


def check(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), "check", "--today", TODAY, *args])


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The path of every module that is actually parsed (not served from the cache)."""
    seen: list[str] = []
    real = project_loader.load_module

    def counting(file, path, *args, **kwargs):
        seen.append(path)
        return real(file, path, *args, **kwargs)

    monkeypatch.setattr(project_loader, "load_module", counting)
    return seen


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_a_second_check_reports_exactly_what_the_first_did(tmp_path, case):
    files, expected, code = parse_case(case.read_text(encoding="utf-8"))
    root = make_project(tmp_path, files)

    cold = check(root)
    assert (root / CACHE).is_file()
    warm = check(root)

    assert warm.stdout == cold.stdout
    assert warm.stdout.strip("\n") == expected
    assert warm.exit_code == cold.exit_code == code


def test_a_warm_check_of_the_sample_project_with_variants_parses_nothing(project, parses):
    cold = check(project)
    assert parses, "the first check parses every module"
    parses.clear()

    warm = check(project)

    assert warm.stdout == cold.stdout and warm.stderr == cold.stderr
    assert warm.exit_code == cold.exit_code
    assert parses == []


def test_warm_views_are_equal_to_cold_views(project, tmp_path):
    cold = pipeline.check_all(project)
    pipeline.check_all(project, cache_dir=tmp_path / "cache")
    warm = pipeline.check_all(project, cache_dir=tmp_path / "cache")

    assert [w.diagnostics for w in warm] == [c.diagnostics for c in cold]
    assert [w.catalogue.modules for w in warm] == [c.catalogue.modules for c in cold]
    assert [w.catalogue.bundles for w in warm] == [c.catalogue.bundles for c in cold]
    assert [w.catalogue.frameworks for w in warm] == [c.catalogue.frameworks for c in cold]


def test_editing_one_module_reparses_it_alone_and_its_new_problem_is_reported(tmp_path, parses):
    root = make_project(tmp_path, {})
    assert check(root).exit_code == 0
    parses.clear()

    module = root / "content/modules/listening.md"
    module.write_text(module.read_text().replace("licence: CC-BY-4.0", "licence: CC-BY-4.0\nlicence: MIT"))
    edited = check(root)

    assert parses == ["content/modules/listening.md"]
    assert edited.exit_code == 1
    assert "content/modules/listening.md:29: error: duplicate key 'licence'" in edited.stdout

    parses.clear()
    module.write_text(module.read_text().replace("\nlicence: MIT", ""))
    fixed = check(root)
    assert parses == ["content/modules/listening.md"]
    assert fixed.exit_code == 0 and fixed.stdout == ""


@pytest.mark.parametrize("damage", [
    lambda data: b"not a pickle at all",
    lambda data: data[: len(data) // 2],
    lambda data: b"",
    lambda data: pickle.dumps(["a", "list", "not", "a", "cache"]),
    lambda data: pickle.dumps({**pickle.loads(data), "entries": {
        1: "x", ("module", 2, "p", ()): ("d", b"b"),
        **{key: (digest, b"not a pickle") for key, (digest, _) in pickle.loads(data)["entries"].items()}}}),
], ids=["garbage", "truncated", "empty", "wrong-shape", "damaged-entries"])
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path, parses, damage):
    files, expected, code = parse_case((Path(__file__).parent / "fixtures/bad-input/duplicate-key.case").read_text())
    root = make_project(tmp_path, files)
    cold = check(root)
    cache_file = root / CACHE
    cache_file.write_bytes(damage(cache_file.read_bytes()))
    parses.clear()

    again = check(root)

    assert again.stdout == cold.stdout and again.exit_code == cold.exit_code == code
    assert sorted(parses) == ["content/modules/listening.md", "content/modules/supporting.md"]
    parses.clear()
    assert check(root).stdout == cold.stdout
    assert parses == [], "the damaged cache was replaced by a good one"


def _poison(cache_file: Path, key: str | None = None) -> None:
    """Rewrite every entry of the cache to claim its file has a problem it does not have."""
    stored = pickle.loads(cache_file.read_bytes())
    if key is not None:
        stored["key"] = key
    for entry_key, (digest, blob) in stored["entries"].items():
        result = pickle.loads(blob)
        fake = error(Span(entry_key[2], 1), "stale", "this came from the cache")
        stored["entries"][entry_key] = (digest, pickle.dumps((*result[:-1], [fake])))
    cache_file.write_bytes(pickle.dumps(stored))


def test_the_poisoned_cache_is_what_a_check_would_read(tmp_path):
    """The next test depends on `_poison` reaching the results a warm check reads."""
    root = make_project(tmp_path, {})
    check(root)
    _poison(root / CACHE)

    assert "this came from the cache" in check(root).stdout


def test_a_cache_written_by_another_version_of_bundlesmith_is_ignored(tmp_path):
    root = make_project(tmp_path, {})
    cold = check(root)
    _poison(root / CACHE, key="written by bundlesmith 0.0.1")

    again = check(root)

    assert "this came from the cache" not in again.stdout
    assert again.stdout == cold.stdout and again.exit_code == cold.exit_code == 0


def test_the_cache_key_changes_with_the_version_and_the_code(monkeypatch, tmp_path):
    import bundlesmith
    from bundlesmith import fingerprint

    def forget() -> None:  # both are worked out once per process
        load_cache.tool_key.cache_clear()
        fingerprint.tool_digest.cache_clear()

    forget()
    original = load_cache.tool_key()
    monkeypatch.setattr(bundlesmith, "__version__", "99.0.0")
    forget()
    assert load_cache.tool_key() != original

    monkeypatch.undo()
    tool = tmp_path / "tool"
    (tool / "load").mkdir(parents=True)
    (tool / "load" / "modules.py").write_text("one")
    monkeypatch.setattr(fingerprint, "_TOOL", tool)
    forget()
    before = load_cache.tool_key()
    (tool / "load" / "modules.py").write_text("two")
    forget()
    assert load_cache.tool_key() != before
    monkeypatch.undo()
    forget()
    assert load_cache.tool_key() == original


def test_a_moved_project_is_not_served_another_folders_results(tmp_path, parses):
    first = make_project(tmp_path / "a", {})
    check(first)
    moved = tmp_path / "b"
    first.rename(moved)
    parses.clear()

    result = check(moved)

    assert result.exit_code == 0
    assert len(parses) == 2, "module objects remember their file, so a moved project is parsed again"


def test_no_cache_leaves_build_alone(tmp_path, parses):
    root = make_project(tmp_path, {})
    result = check(root, "--no-cache")

    assert result.exit_code == 0
    assert not (root / "build").exists()
    parses.clear()
    check(root, "--no-cache")
    assert len(parses) == 2


def test_check_works_without_the_cache_when_build_cannot_be_written(tmp_path):
    root = make_project(tmp_path, {})
    (root / "build").write_text("a file where the build folder would be")

    result = check(root)

    assert result.exit_code == 0
    assert result.exception is None
    assert (root / "build").read_text() == "a file where the build folder would be"


def test_two_checks_at_once_leave_a_usable_cache(tmp_path):
    files, expected, code = parse_case((Path(__file__).parent / "fixtures/bad-input/duplicate-key.case").read_text())
    root = make_project(tmp_path, files)
    command = [sys.executable, "-m", "bundlesmith", "-C", str(root), "check", "--today", TODAY]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]

    assert {out for out, _ in outputs} == {expected + "\n"}
    stored = pickle.loads((root / CACHE).read_bytes())
    assert len(stored["entries"]) == 4  # two modules, the framework and the bundle
    assert not [p for p in (root / CACHE).parent.iterdir() if p.name != "load.pickle"], "no temporary files left"
    assert check(root).stdout == expected + "\n"


# The load is faster from cold too: a quick pass decides whether a file is valid and jsonschema is asked
# only to locate the errors of an invalid one. The pass must agree with jsonschema on every value.

def _documents(root: Path) -> list[tuple[str, object]]:
    import re

    from bundlesmith.load.front_matter import split_front_matter
    from bundlesmith.load.yaml_source import parse_yaml

    found = []

    def add(kind, text):
        data, _ = parse_yaml(text, "x")
        if data is not None:
            found.append((kind, data))

    for file in sorted(root.glob("content/**/*.md")):
        split, _ = split_front_matter(file.read_text(encoding="utf-8"), "x")
        if split is not None:
            add("module", split.front_matter)
            for quiz in re.finditer(r"```quiz\n(.*?)```", split.body, re.S):
                add("quiz", quiz.group(1))
    for pattern, kind in (("content/standards/*.yml", "framework"), ("content/variants/*/standards/*.yml", "framework"),
                          ("bundles/*.yml", "bundle"), ("content/variants/*/variant.yml", "variant")):
        for file in sorted(root.glob(pattern)):
            add(kind, file.read_text(encoding="utf-8"))
    return found


def test_the_quick_validity_pass_agrees_with_jsonschema_on_mutated_content(sample_root):
    import copy
    import random

    from bundlesmith.load import schema_check

    documents = _documents(sample_root)
    assert {kind for kind, _ in documents} == {"module", "quiz", "framework", "bundle", "variant"}
    values = [None, True, False, 0, 1, -1, 1.0, 1.5, 100, 101, "", "x", "1.0.0", "2026-01-01", "tf:D1.1",
              "assesses", "approved", [], [1], ["a", "a"], {}, {"x": 1}, {"id": "q"}, "CC-BY-4.0", "a" * 300]

    def places(value, at=()):
        yield at
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, inner in items:
            yield from places(inner, at + (key,))

    rng = random.Random(20261123)
    verdicts = {True: 0, False: 0}
    for _ in range(3000):
        kind, original = rng.choice(documents)
        data = copy.deepcopy(original)
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            where = rng.choice(list(places(data)))
            if not where:
                continue
            parent = data
            for key in where[:-1]:
                parent = parent[key]
            move = rng.random()
            if move < 0.5:
                parent[where[-1]] = copy.deepcopy(rng.choice(values))
            elif move < 0.7:
                del parent[where[-1]]
            elif isinstance(parent, dict):
                parent[rng.choice(["extra", "id", "title", 1, "type"])] = copy.deepcopy(rng.choice(values))
            else:
                parent.append(copy.deepcopy(parent[0] if parent else rng.choice(values)))
        expected = schema_check.validator(kind).is_valid(data)
        assert schema_check.fast_check(kind)(data) == expected, (kind, data)
        verdicts[expected] += 1
    assert min(verdicts.values()) > 300, verdicts


def test_every_content_schema_has_the_quick_pass():
    from bundlesmith.load import schema_check

    assert all(schema_check.fast_check(kind) for kind in ("module", "quiz", "framework", "bundle", "variant"))


def test_temporary_files_left_by_a_killed_check_are_swept_away(tmp_path):
    import os
    import time

    root = make_project(tmp_path, {})
    folder = root / CACHE.parent
    folder.mkdir(parents=True)
    old, recent = folder / ".load.pickle-old.tmp", folder / ".load.pickle-recent.tmp"
    old.write_bytes(b"half written")
    recent.write_bytes(b"being written by another check")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))

    check(root)

    assert not old.exists()
    assert recent.exists()
    assert (root / CACHE).is_file()
