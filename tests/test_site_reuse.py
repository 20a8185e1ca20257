"""A co-creator edits one module and builds again: the site keeps every page whose inputs did not change,
renders the rest, and build/ ends up exactly as a build from scratch would leave it. Nothing found in
build/ is trusted: a page or a search index changed there is never kept."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from bundlesmith import build, state
from bundlesmith.build_plan import BuildOptions
from test_build_plan import plan_of

TODAY = date(2026, 6, 1)
SITE = frozenset({"site", "scorm", "reports"})
MODULE = "content/modules/induction/speaking-up-and-listening-up.md"
PAGE = "modules/speaking-up-and-listening-up/index.html"


def built(project: Path, out: Path, force: bool = False) -> None:
    result = build.run(BuildOptions(root=project, out=out, only=SITE, today=TODAY, force=force))
    assert result.ok, [d.format() for d in result.diagnostics]


def files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".bundlesmith" not in p.as_posix()}


def edit_body(project: Path, text: str = "One more sentence.") -> None:
    module = project / MODULE
    module.write_text(module.read_text() + f"\n{text}\n")


def kept(project: Path, out: Path, site: str = "site") -> set[str]:
    view = next(v for v in plan_of(project, out, only=SITE).views if v.site == site)
    assert view.pages is not None
    return set(view.pages.verified().kept)  # as the process that builds the site checks them


def zips(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((out / "scorm").glob("*.zip"))}


def test_a_body_edit_keeps_every_page_but_that_module_s_and_the_download_lists_are_this_build_s(project, tmp_path):
    """The pages that list downloads (the home page, the bundles') are kept too, as mkdocs rendered them
    before their lists went in (build/.bundlesmith-held/): each gets the lists of this build's packages."""
    out = tmp_path / "build"
    built(project, out)
    recorded = state.read(out).sites["site"]
    assert "modules/speaking-up-and-listening-up/index.md" in recorded["pages"]
    assert "index.md" in recorded["held"] and any(uri.endswith("-curriculum/index.md") for uri in recorded["held"])
    assert (out / ".bundlesmith-held" / "site" / "index.html").is_file()
    assert "<!--bs-later:" in (out / ".bundlesmith-held" / "site" / "index.html").read_text()
    before = zips(out)

    edit_body(project)
    keeping = kept(project, out)
    assert keeping == set(recorded["pages"]) - {"modules/speaking-up-and-listening-up/index.md"}

    built(project, out)
    changed = {name: sha for name, sha in zips(out).items() if before.get(name) != sha}
    assert changed, "the module is in a package, whose bytes change with its body"
    bundle_pages = "".join(p.read_text() for p in out.glob("site*/bundles/*/index.html"))  # every view's site
    for name, sha in changed.items():
        assert f"sha256 {sha[:12]}" in bundle_pages and f"sha256 {before[name][:12]}" not in bundle_pages
    fresh = tmp_path / "fresh"
    built(project, fresh, force=True)
    assert files(out) == files(fresh)
    assert "One more sentence." in (out / "site" / PAGE).read_text()


def test_a_kept_copy_of_a_page_that_lists_downloads_changed_in_build_is_rendered_again(project, tmp_path):
    out = tmp_path / "build"
    built(project, out)
    copy = out / ".bundlesmith-held" / "site" / "index.html"
    copy.write_text(copy.read_text().replace("</main>", "<script>alert(1)</script></main>"))
    edit_body(project)
    keeping = kept(project, out)
    assert "index.md" not in keeping and len(keeping) > 20
    built(project, out)
    assert "alert(1)" not in (out / "site" / "index.html").read_text() and "alert(1)" not in copy.read_text()
    fresh = tmp_path / "fresh"
    built(project, fresh, force=True)
    assert files(out) == files(fresh)


def test_a_title_edit_renders_the_pages_that_name_the_module_and_keeps_the_rest(project, tmp_path):
    """With navigation.prune a page's navigation shows only its own section: a module of another folder,
    away from the retitled one in every bundle, is kept; every page that names it is rendered again."""
    out = tmp_path / "build"
    built(project, out)
    module = project / MODULE
    module.write_text(module.read_text().replace("title: Speaking up and listening up",
                                                 "title: Speaking up, and listening up", 1))
    keeping = kept(project, out)
    induction = {f"modules/{p.stem}/index.md" for p in (project / "content/modules/induction").glob("*.md")}
    assert keeping and not keeping & induction, "the retitled module's section of the navigation changed"
    assert not {"modules/index.md", "standards/index.md", "bundles/index.md"} & keeping
    assert any(uri.startswith("modules/") and uri not in induction for uri in keeping)
    built(project, out)
    fresh = tmp_path / "fresh"
    built(project, fresh, force=True)
    assert files(out) == files(fresh)


def test_a_page_changed_in_build_is_rendered_again_and_the_others_kept(project, tmp_path):
    out = tmp_path / "build"
    built(project, out)
    other = out / "site" / "modules/welcome-to-health-and-social-care/index.html"
    other.write_text(other.read_text().replace("</main>", "<script>alert(1)</script></main>"))
    edit_body(project)
    keeping = kept(project, out)
    assert "modules/welcome-to-health-and-social-care/index.md" not in keeping and len(keeping) > 20
    built(project, out)
    assert "alert(1)" not in other.read_text()
    fresh = tmp_path / "fresh"
    built(project, fresh, force=True)
    assert files(out) == files(fresh)


def test_a_search_index_changed_in_build_keeps_no_page(project, tmp_path):
    """The kept pages' search entries come from the last index: only while it is what the state records."""
    out = tmp_path / "build"
    built(project, out)
    index = out / "site" / "search" / "search_index.json"
    data = json.loads(index.read_text())
    data["docs"][1]["text"] = "<img src=x onerror=alert(1)>"
    index.write_text(json.dumps(data, separators=(",", ":")))
    edit_body(project)
    assert kept(project, out) == set()
    built(project, out)
    assert "onerror" not in index.read_text()


def test_pages_keep_their_keys_from_one_process_to_the_next(project):
    """The keys hash the catalogue as text: the same in every process, whatever its hash seed."""
    script = ("import sys; from datetime import date; from pathlib import Path; from bundlesmith import inputs, pipeline;"
              "from bundlesmith.render.site_reuse import page_keys; root = Path(sys.argv[1]);"
              "views = pipeline.check_all(root, (), date(2026, 6, 1)); c = views[0].catalogue;"
              "known = inputs.hash_inputs(root, {}, date(2026, 6, 1));"
              "print(sorted(page_keys(c, known, {}, pruned=True).items()))")
    runs = [subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert runs[0] == runs[1] and "modules/" in runs[0]


def test_without_navigation_prune_a_title_edit_renders_every_module_page(project, tmp_path):
    """Every page then shows the whole navigation, so a retitled module's name is on every module page."""
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("    - navigation.prune\n", ""))
    out = tmp_path / "build"
    built(project, out)
    module = project / MODULE
    module.write_text(module.read_text().replace("title: Speaking up and listening up",
                                                 "title: Speaking up, and listening up", 1))
    assert not any(uri.startswith("modules/") for uri in kept(project, out))
    built(project, out)
    fresh = tmp_path / "fresh"
    built(project, fresh, force=True)
    assert files(out) == files(fresh)


def test_a_kept_copy_changed_while_the_site_builds_stops_the_build_rather_than_fill_it(tmp_path):
    """The plan keeps a page by its key; the copy it fills is read once more, and must still be the one
    the state records (a change between the two is refused, not published)."""
    import pytest

    from bundlesmith.render.site import SiteBuildError, _held_copy
    from bundlesmith.render.site_reuse import KeptPage

    copy = tmp_path / "index.html"
    copy.write_text("<p>recorded</p>")
    page = KeptPage("index.html", copy, hashlib.sha256(b"<p>recorded</p>").hexdigest(), url="./")
    assert _held_copy(page) == "<p>recorded</p>"
    copy.write_text("<p>changed</p><script>alert(1)</script>")
    with pytest.raises(SiteBuildError, match="changed during the build"):
        _held_copy(page)
    copy.unlink()
    copy.symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(SiteBuildError):
        _held_copy(page)
