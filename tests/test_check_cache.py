"""A co-creator runs `bundlesmith check` again and again while editing; only what changed is parsed again.

Each file's load (its model and its problems) is kept in build/.bundlesmith-cache/. A check that uses the
cache must say exactly what a check from scratch says, and a cache that is damaged, foreign or stale
must never change what a check says.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith import pipeline, signing
from bundlesmith.cli import cli
from bundlesmith.load import project as project_loader
from test_check_bad_input import CASES, diagnostics, make_project, parse_case

TODAY = "2026-11-23"
CACHE = Path("build") / ".bundlesmith-cache" / "load.json"


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

    assert diagnostics(warm) == diagnostics(cold)
    assert diagnostics(warm).strip("\n") == expected
    assert warm.exit_code == cold.exit_code == code


def test_a_warm_check_of_the_sample_project_with_variants_parses_nothing(project, parses):
    cold = check(project)
    assert parses, "the first check parses every module"
    parses.clear()

    warm = check(project)

    assert diagnostics(warm) == diagnostics(cold) and warm.stderr == cold.stderr
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
    assert "content/modules/listening.md:29: error: duplicate key 'licence'" in diagnostics(edited)

    parses.clear()
    module.write_text(module.read_text().replace("\nlicence: MIT", ""))
    fixed = check(root)
    assert parses == ["content/modules/listening.md"]
    assert fixed.exit_code == 0 and diagnostics(fixed) == ""


def _read(cache_file: Path) -> tuple[dict, list]:
    """The cache as the user could read it: a JSON header line, then a JSON list of signed entries."""
    header, _, body = cache_file.read_bytes().partition(b"\n")
    return json.loads(header), json.loads(body)


def _write(cache_file: Path, header: dict, entries: list) -> None:
    cache_file.write_bytes(json.dumps(header, separators=(",", ":")).encode() + b"\n"
                           + json.dumps(entries, separators=(",", ":")).encode())


def _sign(secret: bytes, tool: str, key: str, digest: str, value: bytes) -> str:
    """The documented entry signature: HMAC-SHA256 over the tool key, entry key, file digest and value."""
    return hmac.new(secret, b"\0".join((tool.encode(), key.encode(), digest.encode(), value)), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("damage", [
    lambda data: b"not a cache at all",
    lambda data: data[: len(data) // 2],
    lambda data: b"",
    lambda data: data.partition(b"\n")[0] + b"\n" + b'{"a": "dict, not a list"}',
    lambda data: data.partition(b"\n")[0] + b"\n" + json.dumps(
        [[1, "x"], ["k", "d", "m", {"x": 1}]] + [[k, d, m, {"not": "a module"}] for k, d, m, _ in
                                               json.loads(data.partition(b"\n")[2])]).encode(),
    lambda data: b"\x80\x04\x95" + data,  # a pickle header in front of it
], ids=["garbage", "truncated", "empty", "wrong-shape", "damaged-entries", "pickle-prefix"])
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path, parses, damage):
    files, _expected, code = parse_case((Path(__file__).parent / "fixtures/bad-input/duplicate-key.case").read_text())
    root = make_project(tmp_path, files)
    cold = check(root)
    cache_file = root / CACHE
    cache_file.write_bytes(damage(cache_file.read_bytes()))
    parses.clear()

    again = check(root)

    assert diagnostics(again) == diagnostics(cold) and again.exit_code == cold.exit_code == code
    assert sorted(parses) == ["content/modules/listening.md", "content/modules/supporting.md"]
    parses.clear()
    assert diagnostics(check(root)) == diagnostics(cold)
    assert parses == [], "the damaged cache was replaced by a good one"


def _poison(cache_file: Path, *, tool: str | None = None, secret: bytes | None = None) -> None:
    """Rewrite every entry of the cache to claim its file has a problem it does not have, signed with
    `secret` (none: the signatures are left as they were, so they no longer match)."""
    header, entries = _read(cache_file)
    if tool is not None:
        header["tool"] = tool
    for entry in entries:
        key, digest, _, value = entry
        fake = {"span": {"path": json.loads(key)[2], "line": 1}, "severity": "error", "code": "stale",
                "message": "this came from the cache", "hint": ""}
        value = [*value[:-1], [fake]]
        entry[3] = value
        if secret is not None:
            entry[2] = _sign(secret, header["tool"], key, digest, json.dumps(value, separators=(",", ":")).encode())
    _write(cache_file, header, entries)


def test_the_poisoned_cache_is_what_a_check_would_read(tmp_path):
    """The next tests depend on `_poison` reaching the results a warm check reads: signed with this
    user's key, a changed entry is used."""
    root = make_project(tmp_path, {})
    check(root)
    _poison(root / CACHE, secret=signing.signing_key())

    assert "this came from the cache" in diagnostics(check(root))


def test_a_cache_written_by_another_version_of_bundlesmith_is_ignored(tmp_path):
    root = make_project(tmp_path, {})
    cold = check(root)
    _poison(root / CACHE, tool="written by bundlesmith 0.0.1", secret=signing.signing_key())

    again = check(root)

    assert "this came from the cache" not in diagnostics(again)
    assert diagnostics(again) == diagnostics(cold) and again.exit_code == cold.exit_code == 0


def test_a_cache_in_the_format_that_held_tokens_unpacked_is_ignored(tmp_path, parses):
    """Format 2 kept each module's tokens as JSON arrays; format 3 keeps them packed (markdown.pack_tokens).
    A cache of the older format, even signed with this user's key, is parsed again, never misread."""
    from bundlesmith.load import cache as load_cache

    assert load_cache.FORMAT == 3
    root = make_project(tmp_path, {})
    cold = check(root)
    header, entries = _read(root / CACHE)
    header["version"] = 2
    for entry in entries:  # signed, so only the format tells the entries apart
        entry[2] = _sign(signing.signing_key() or b"", header["tool"], entry[0], entry[1],
                         json.dumps(entry[3], separators=(",", ":")).encode())
    _write(root / CACHE, header, entries)
    parses.clear()

    again = check(root)

    assert diagnostics(again) == diagnostics(cold) and again.exit_code == cold.exit_code == 0
    assert sorted(parses) == ["content/modules/listening.md", "content/modules/supporting.md"]
    assert _read(root / CACHE)[0]["version"] == 3


@pytest.mark.parametrize("secret", [None, b"another user's key, or none at all"], ids=["unsigned", "other-key"])
def test_a_forged_or_copied_cache_entry_is_a_miss(tmp_path, parses, secret):
    """A build/ from a CI cache, a shared drive or an archive: entries not signed with this user's key
    are parsed again, so no cached HTML can get past the sanitiser."""
    root = make_project(tmp_path, {})
    cold = check(root)
    _poison(root / CACHE, secret=secret)
    parses.clear()

    again = check(root)

    assert "this came from the cache" not in diagnostics(again)
    assert diagnostics(again) == diagnostics(cold) and again.exit_code == 0
    assert len(parses) == 2


def test_a_pickle_planted_in_the_cache_folder_never_runs(tmp_path):
    """bundlesmith before 0.2 unpickled build/.bundlesmith-cache/load.pickle: a crafted one ran code."""
    import pickle

    root = make_project(tmp_path, {})
    check(root)
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    for name in ("load.pickle", "load.json"):
        (root / CACHE).with_name(name).write_bytes(pickle.dumps(Payload()))
        result = subprocess.run([sys.executable, "-m", "bundlesmith", "-C", str(root), "check", "--today", TODAY],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert not marker.exists(), f"{name} was unpickled"


def test_the_signing_key_is_private_to_the_user(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    key = signing.signing_key()
    file = tmp_path / "xdg" / "bundlesmith" / "key"

    assert key is not None and len(key) >= 32
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert signing.signing_key() == key, "the same key every time"


def test_without_a_writable_user_cache_folder_check_works_uncached(tmp_path, monkeypatch):
    (tmp_path / "xdg").write_text("a file where the folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = make_project(tmp_path, {})

    result = check(root)

    assert result.exit_code == 0 and result.exception is None
    assert not (root / CACHE).exists()


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
    files, expected, _code = parse_case((Path(__file__).parent / "fixtures/bad-input/duplicate-key.case").read_text())
    root = make_project(tmp_path, files)
    command = [sys.executable, "-m", "bundlesmith", "-C", str(root), "check", "--today", TODAY]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]

    assert {"".join(line for line in err.splitlines(keepends=True) if not line.startswith("checked "))
            for _, err in outputs} == {expected + "\n"}
    _, entries = _read(root / CACHE)
    assert len(entries) == 4  # two modules, the framework and the bundle
    assert not [p for p in (root / CACHE).parent.iterdir() if p.name != "load.json"], "no temporary files left"
    assert diagnostics(check(root)) == expected + "\n"


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
            yield from places(inner, (*at, key))

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


def test_a_schema_the_quick_pass_would_read_otherwise_is_left_to_jsonschema():
    from bundlesmith.load.schema_check import _alike_in_draft7

    assert _alike_in_draft7({"type": "object", "properties": {"a": {"$ref": "#/$defs/a"}}, "$defs": {"a": {}}})
    # Draft 7 ignores what stands beside a $ref, reads a list of `items` as prefixItems, knows no prefixItems,
    # and would fetch a $ref that is an address
    assert not _alike_in_draft7({"properties": {"a": {"$ref": "#/$defs/a", "minLength": 1}}, "$defs": {"a": {}}})
    assert not _alike_in_draft7({"type": "array", "items": [{"type": "string"}]})
    assert not _alike_in_draft7({"type": "array", "prefixItems": [{"type": "string"}]})
    assert not _alike_in_draft7({"oneOf": [{"$ref": "https://example.org/a.json"}]})


def test_temporary_files_left_by_a_killed_check_are_swept_away(tmp_path):
    import os
    import time

    root = make_project(tmp_path, {})
    folder = root / CACHE.parent
    folder.mkdir(parents=True)
    old, recent = folder / ".load.json-old.tmp", folder / ".load.json-recent.tmp"
    old.write_bytes(b"half written")
    recent.write_bytes(b"being written by another check")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))

    check(root)

    assert not old.exists()
    assert recent.exists()
    assert (root / CACHE).is_file()


def test_a_preview_session_gets_the_same_modules_back_until_a_file_changes(tmp_path):
    """`serve` checks the project on every save through one cache kept in memory: an unchanged file gives
    the very objects it gave before (so what was worked out for them is found again), an edited one a
    module of its own."""
    from bundlesmith.load.cache import open_cache

    root = make_project(tmp_path, {})
    cache = open_cache(tmp_path / "session-cache")
    assert cache is not None
    first = pipeline.check(root, None, cache=cache)
    cache.keep()
    module = root / "content/modules/listening.md"
    module.write_text(module.read_text() + "\nOne more sentence.\n")
    second = pipeline.check(root, None, cache=cache)
    assert first.catalogue is not None and second.catalogue is not None
    unchanged = [mid for mid in first.catalogue.modules if first.catalogue.modules[mid].path != "content/modules/listening.md"]
    assert unchanged and all(second.catalogue.modules[mid] is first.catalogue.modules[mid] for mid in unchanged)
    edited = next(m for m in second.catalogue.modules.values() if m.path == "content/modules/listening.md")
    assert "One more sentence." in edited.body
    assert edited is not next(m for m in first.catalogue.modules.values() if m.path == edited.path)


def test_views_share_what_a_national_module_says_but_a_filled_slot_is_checked_in_its_own_view(project):
    """The national view and a variant's share the modules the variant leaves alone, so what those modules
    alone show (alternative text, sentence length) is worked out once; a module whose slot the variant
    fills is another module, and what the fill brings is reported, from the variant's file, in the
    variant's view only."""
    national = next(p for p in sorted((project / "content" / "modules").rglob("*.md"))
                    if p.stem not in ("welcome-to-health-and-social-care", "speaking-up-and-listening-up"))
    national.write_text(national.read_text(encoding="utf-8") + "\n![](picture-without-words.png)\n", encoding="utf-8")
    fill = project / "content" / "variants" / "riverside-ics" / "slots" / "welcome-local-organisation.md"
    fill.write_text(fill.read_text(encoding="utf-8") + "\n![](local-picture.png)\n", encoding="utf-8")

    views = pipeline.check_all(project)
    found = pipeline.merged_diagnostics(views)
    no_alt = [d for d in found if d.code == "image-no-alt" and "picture-without-words" in d.message]
    assert len(no_alt) == 1, "a national module's problem is reported once, whatever the views"
    assert all(any(d.code == "image-no-alt" and "picture-without-words" in d.message for d in v.diagnostics)
               for v in views), "and every view that has the module says so"
    local = [d for d in views[1].diagnostics if d.code == "image-no-alt" and "local-picture" in d.message]
    assert [d.span.path for d in local] == ["content/variants/riverside-ics/slots/welcome-local-organisation.md"]
    assert not [d for d in views[0].diagnostics if "local-picture" in d.message], \
        "the national view does not have the variant's fill"
    fresh = [pipeline.check(project, None), pipeline.check(project, "riverside-ics")]
    assert [sorted(map(str, v.diagnostics)) for v in views] == [sorted(map(str, v.diagnostics)) for v in fresh], \
        "views checked together say what each says alone"
