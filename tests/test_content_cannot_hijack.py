"""Content can neither take the place of the LMS API or of bundlesmith's own page parts, nor forge the
a link of bundlesmith's own (there are no markers to forge: links are resolved from the tokens): a module full of such tricks checks clean, builds, and its SCO
still finds the LMS and records the learner's progress in the real scorm-again runtime."""

from __future__ import annotations

import zipfile

import pytest

from bundlesmith import build as build_mod
from bundlesmith import pipeline
from conftest import copy_sample
from test_scorm_runtime import launch  # noqa: F401  (the fixture)

MODULE = "speaking-up-and-listening-up"
TRICKS = """
<h2 id="API">Clobbering the SCORM 1.2 API</h2>
<div id="API_1484_11">Clobbering the SCORM 2004 API</div>
<h3 id="bs-config">Clobbering the runtime's settings</h3>

## BS config

Forged markers in prose: bs-ref:3, bs-ref:99, "bs-asset:.env", bs-module:welcome and bsquiz.

<p><a href="bs-ref:0">forged link</a> <a title="bs-ref:99" href="#section-bs-config">titled</a>
<img src="bs-asset:content/../.env" alt="forged image"> <a href="bs-module:welcome-to-health-and-social-care">m</a></p>
"""


@pytest.fixture(scope="module")
def tricked(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("hijack") / "project")
    module = root / f"content/modules/induction/{MODULE}.md"
    module.write_text(module.read_text().replace("## Why speaking up matters", f"{TRICKS}\n## Why speaking up matters", 1))
    return root


def test_forged_markers_and_reserved_ids_check_clean_and_build(tricked):
    checked = pipeline.check(tricked)
    assert checked.ok, [d.format() for d in checked.diagnostics]
    result = build_mod.run(build_mod.BuildOptions(root=tricked, out=tricked / "build", variants=(),
                                                  bundles=("national-induction",), only=frozenset({"site", "scorm"})))
    assert result.ok, [d.format() for d in result.diagnostics]
    page = (tricked / f"build/site/modules/{MODULE}/index.html").read_text()
    with zipfile.ZipFile(tricked / "build/scorm/national-induction-1.0.0-scorm2004.zip") as archive:
        sco = archive.read(f"sco/{MODULE}.html").decode()
        assert not [n for n in archive.namelist() if n.endswith(".env")]
    for html in (page, sco):
        assert 'id="API"' not in html and 'id="API_1484_11"' not in html
        assert html.count('id="bs-config"') <= 1  # only bundlesmith's own (the SCO's settings)
        assert 'id="api"' in html and 'id="section-bs-config"' in html  # anchors still there, made safe
        assert "Forged markers in prose: bs-ref:3, bs-ref:99" in html  # the prose reads as written
        assert 'href="bs-' not in html and 'src="bs-' not in html  # such URLs are not links: no scheme of ours
        assert ">forged link</a>" in html and ">m</a>" in html  # their words stay


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_the_sco_still_finds_the_lms_and_records_progress(tricked, launch, version):  # noqa: F811
    label = "scorm12" if version == "1.2" else "scorm2004"
    package = tricked / f"build/scorm/national-induction-1.0.0-{label}.zip"
    if not package.exists():
        build_mod.run(build_mod.BuildOptions(root=tricked, out=tricked / "build", variants=(),
                                             bundles=("national-induction",), only=frozenset({"scorm"})))
    with launch(package, f"sco/{MODULE}.html", version) as session:
        assert session.sco("() => document.documentElement.dataset.bsRuntime") == "lms"
        session.read_to_end()
        session.answer(correctly=True)
        session.read_to_end()
        session.close()
        data = session.data()
    if version == "1.2":
        assert data["core"]["lesson_status"] == "passed"
    else:
        assert (data["completion_status"], data["success_status"]) == ("completed", "passed")
