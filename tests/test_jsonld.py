"""Each module page tells search engines and catalogues, as schema.org JSON-LD, which standards it teaches
or assesses, pointing at each standard's permalink (the framework's base_uri plus the code)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("jsonld") / "project"
    shutil.copytree(FIXTURES / "minimal", root)
    shutil.copytree(FIXTURES / "rpl", root, dirs_exist_ok=True)
    helping = root / "content/modules/helping.md"
    helping.write_text(helping.read_text().replace("summary: Listening first, then offering practical help.",
                                                   'summary: "Listening first </script><b>then</b> & help."'))
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "--only", "site", "-j", "1"])
    assert result.exit_code == 0, result.output
    return root / "build/site"


def alignment_data(page: Path) -> dict:
    scripts = SCRIPT.findall(page.read_text())
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_a_module_page_carries_its_alignments_with_the_standards_permalinks(site):
    data = alignment_data(site / "modules/listening/index.html")
    assert (data["@context"], data["@type"], data["name"]) == ("https://schema.org", "LearningResource", "Listening well")
    assert data["educationalAlignment"] == [{
        "@type": "AlignmentObject", "alignmentType": "assesses", "educationalFramework": "Test framework",
        "targetName": "D1.1 Listening", "targetUrl": "https://standards.example.org/tf/1/D1.1",
        "targetDescription": "Listens well."}]
    assert data["assesses"] == [{"@type": "DefinedTerm", "termCode": "D1.1", "name": "D1.1 Listening",
                                 "url": "https://standards.example.org/tf/1/D1.1",
                                 "inDefinedTermSet": "https://standards.example.org/tf/1/"}]
    assert "teaches" not in data


def test_introduces_and_develops_are_teaches_and_text_cannot_close_the_script(site):
    page = site / "modules/helping/index.html"
    data = alignment_data(page)
    assert [(a["alignmentType"], a["targetUrl"]) for a in data["educationalAlignment"]] == [
        ("teaches", "https://standards.example.org/tf/1/D1.1.a"),
        ("assesses", "https://standards.example.org/tf/1/D1.2"),
        ("teaches", "https://standards.example.org/tf/1/D1.1")]
    assert data["description"] == "Listening first </script><b>then</b> & help."
    assert "<b>then</b>" not in SCRIPT.findall(page.read_text())[0]
