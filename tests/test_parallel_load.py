"""At national scale the modules are parsed in forked processes (`build --jobs`, and `check` on several
cores). What a check reports, and the catalogue it loads, are the same whichever way they were parsed,
errors included, and the load cache it fills serves the next check the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bundlesmith import pipeline
from bundlesmith.load.project import PARALLEL_FROM

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("parallel") / "corpus"
    subprocess.run([sys.executable, str(ROOT / "bench/generate.py"), "--modules", str(PARALLEL_FROM + 40),
                    "--bundles", "6", "--variants", "1", "-o", str(root)], check=True, capture_output=True)
    broken = root / "content/modules/module-00007.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("strength: ", "strength: sometimes-", 1),
                      encoding="utf-8")
    unclosed = root / "content/modules/module-00100.md"
    unclosed.write_text(unclosed.read_text(encoding="utf-8").replace("---\n", "", 2), encoding="utf-8")
    return root


def seen(views) -> tuple:
    return ([d.format() for v in views for d in v.diagnostics],
            [(m.id, m.path, m.body, m.prepared) for v in views for m in v.catalogue.modules.values()])


def test_modules_parsed_in_several_processes_give_the_same_catalogue_and_messages(corpus, tmp_path):
    one = seen(pipeline.check_all(corpus, jobs=1))
    assert any("module-00007.md" in d and "sometimes-" in d for d in one[0])
    assert any("module-00100.md" in d for d in one[0])
    assert seen(pipeline.check_all(corpus, jobs=2)) == one
    cache = tmp_path / "cache"
    assert seen(pipeline.check_all(corpus, jobs=2, cache_dir=cache)) == one  # parsed in processes, then kept
    assert (cache / "load.json").is_file()
    assert seen(pipeline.check_all(corpus, jobs=2, cache_dir=cache)) == one  # served from the cache
