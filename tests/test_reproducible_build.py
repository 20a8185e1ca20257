"""An accredited package can be verified by its hash: the same inputs give byte-identical outputs, all of them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bundlesmith import build as build_mod


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()
            and not p.name.startswith((".bundlesmith-cache", ".bundlesmith-state"))}  # the build's own records


def test_two_full_builds_are_byte_identical(project, tmp_path):
    """Site, packages and reports, national and variant, built twice into different folders."""
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        result = build_mod.run(build_mod.BuildOptions(root=project, out=out))
        assert result.ok, [d.format() for d in result.diagnostics]
    one, two = digests(first), digests(second)
    assert sorted(one) == sorted(two)
    assert {name for name in one if one[name] != two[name]} == set()
    assert any(name.startswith("scorm/") and name.endswith(".zip") for name in one)
    assert any(name.startswith("reports/") and name.endswith(".xlsx") for name in one)
    assert any(name.startswith("site-riverside-ics/") for name in one)
