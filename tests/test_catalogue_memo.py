"""What a build works out from a whole catalogue (a bundle's coverage, where each module file is, the index
every package key hashes, each module's LOM facts) is worked out once and kept with that catalogue.

A catalogue made from another with `dataclasses.replace` (a view with a module changed) starts afresh and
never reads what was worked out from the other's content; nothing kept is ever stored in the load cache; a
worker process forked after a value was worked out reads it without working it out again.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import pickle
from pathlib import Path

import pytest
from lxml import etree

from bundlesmith import pipeline
from bundlesmith.coverage.model import bundle_coverage_model
from bundlesmith.load.project import load_catalogue
from bundlesmith.model import Catalogue, MemoKey, Module
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.module_links import module_paths
from bundlesmith.render.package_key import package_key
from bundlesmith.render.scorm import Target, package_entries, plan_target

BUNDLE = "mid-career-managers"


@pytest.fixture(scope="module")
def catalogue(sample_root: Path) -> Catalogue:
    found, problems = load_catalogue(sample_root)
    assert problems == []
    return found


def _with_modules(catalogue: Catalogue, change: dict[str, Module]) -> Catalogue:
    return dataclasses.replace(catalogue, modules={**catalogue.modules, **change})


def test_a_bundle_s_coverage_is_worked_out_once_per_catalogue(catalogue):
    bundle = catalogue.bundles[BUNDLE]
    first = bundle_coverage_model(catalogue, bundle)
    assert first.met > 0
    assert bundle_coverage_model(catalogue, bundle) is first


def test_a_catalogue_made_with_replace_gets_the_coverage_of_its_own_modules(catalogue):
    bundle = catalogue.bundles[BUNDLE]
    national = bundle_coverage_model(catalogue, bundle)  # worked out, and kept, before the copy is made
    drafts = {mid: dataclasses.replace(catalogue.modules[mid],
                                       review=dataclasses.replace(catalogue.modules[mid].review, status="draft"))
              for mid in bundle.module_ids}
    drafted = _with_modules(catalogue, drafts)

    coverage = bundle_coverage_model(drafted, drafted.bundles[BUNDLE])
    assert coverage is not national
    assert coverage.met == 0  # draft modules meet nothing
    assert {t.status for t in coverage.targets} <= {"draft-or-retired-only", "not-met"}
    assert bundle_coverage_model(catalogue, bundle).met == national.met > 0  # the original is unchanged


def test_a_bundle_made_outside_the_catalogue_is_not_given_the_catalogue_s_coverage(catalogue):
    bundle = catalogue.bundles[BUNDLE]
    kept = bundle_coverage_model(catalogue, bundle)
    untargeted = dataclasses.replace(bundle, targets=())
    assert bundle_coverage_model(catalogue, untargeted).targets == ()
    assert bundle_coverage_model(catalogue, bundle) is kept


def test_a_moved_module_file_reaches_the_copy_s_links_and_package_keys(catalogue):
    mid = catalogue.bundles[BUNDLE].module_ids[0]
    module = catalogue.modules[mid]
    target = Target(catalogue, catalogue.bundles[BUNDLE], "2004")
    key = package_key(target, "tool", {})
    assert module_paths(catalogue)[module.path] == mid

    moved = _with_modules(catalogue, {mid: dataclasses.replace(module, path="content/modules/moved.md")})
    assert module_paths(moved)["content/modules/moved.md"] == mid
    assert module.path not in module_paths(moved)
    assert module_paths(catalogue)[module.path] == mid  # the original's answer stays its own

    assert package_key(Target(moved, moved.bundles[BUNDLE], "2004"), "tool", {}) != key
    assert package_key(target, "tool", {}) == key


def test_a_retitled_module_s_metadata_record_says_its_new_title(catalogue):
    mid = catalogue.bundles[BUNDLE].module_ids[0]

    def titles(view: Catalogue) -> list[str]:
        cache = RenderCache()
        entries = package_entries(plan_target(Target(view, view.bundles[BUNDLE], "2004"), cache), cache)
        manifest = etree.fromstring(entries["imsmanifest.xml"])
        item = next(i for i in manifest.iter("{*}item") if i.get("identifierref", "").endswith(mid))
        return [s.text for s in item.iterfind("{*}metadata/{*}lom/{*}general/{*}title/{*}string")]

    assert titles(catalogue) == [catalogue.modules[mid].title]
    retitled = _with_modules(catalogue, {mid: dataclasses.replace(catalogue.modules[mid], title="A new title")})
    assert titles(retitled) == ["A new title"]


COUNTED: MemoKey[list[str]] = MemoKey("test: computed")


def test_what_a_catalogue_keeps_is_never_in_the_load_cache(project):
    cache_dir = project / "build" / ".bundlesmith-cache"
    first = pipeline.check(project, cache_dir=cache_dir)  # check's target rules work out every bundle's coverage
    assert first.catalogue.memo(COUNTED, lambda: ["kept-with-the-first-catalogue"]) == ["kept-with-the-first-catalogue"]
    stored = (cache_dir / "load.json").read_bytes()
    assert b"kept-with-the-first-catalogue" not in stored and b"_memo" not in stored

    again = pipeline.check(project, cache_dir=cache_dir)  # every file read back from the cache
    assert (cache_dir / "load.json").read_bytes() == stored
    assert again.diagnostics == first.diagnostics
    assert again.catalogue.memo(COUNTED, lambda: ["again"]) == ["again"]  # an empty memo after decoding
    copied = pickle.loads(pickle.dumps(first.catalogue))
    assert copied.memo(COUNTED, lambda: ["copied"]) == ["copied"]


_FORKED: list[Catalogue] = []  # handed to the worker by the fork, as the build hands over its plan


def _read_in_worker() -> list[str]:
    return _FORKED[0].memo(COUNTED, lambda: ["worked out again in the worker"])


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="workers fork only here")
def test_a_worker_forked_after_a_value_is_worked_out_reads_it(catalogue):
    kept = dataclasses.replace(catalogue)
    kept.memo(COUNTED, lambda: ["worked out before the fork"])
    _FORKED.append(kept)
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            assert pool.apply(_read_in_worker) == ["worked out before the fork"]
    finally:
        _FORKED.clear()
