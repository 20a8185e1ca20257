"""A content team adopts bundlesmith with `bundlesmith init`: a repository that checks clean and builds, CI for
GitHub Actions and GitLab whose steps run, annotations at the line, and a wheel that holds everything."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bundlesmith.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False) if cwd is None else \
        subprocess.run([sys.executable, "-m", "bundlesmith", *args], cwd=cwd, capture_output=True, text=True)


def test_init_writes_a_repository_that_checks_clean_and_builds(tmp_path):
    target = tmp_path / "ward-training"
    result = run("init", str(target), "--title", "Ward training")
    assert result.exit_code == 0, result.output
    for name in ("mkdocs.yml", "content/standards/clm.yml", "content/modules/first-module.md",
                 "bundles/first-bundle.yml", ".gitignore", "README.md", ".github/workflows/bundlesmith.yml",
                 ".gitlab-ci.yml", ".pre-commit-config.yaml", "content/publisher.yml"):
        assert (target / name).is_file(), name
    assert "site_name: Ward training" in (target / "mkdocs.yml").read_text()
    checked = run("-C", str(target), "check", "--strict")
    assert checked.exit_code == 0, checked.output
    built = run("-C", str(target), "build")
    assert built.exit_code == 0, built.output
    assert (target / "build/site/index.html").is_file()
    statement = (target / "build/site/accessibility.html").read_text()  # written from content/publisher.yml
    assert "Accessibility statement for Ward training" in statement and "training@example.org" in statement
    assert sorted(p.name for p in (target / "build/scorm").glob("*.zip")) == [
        "first-bundle-0.1.0-scorm12.zip", "first-bundle-0.1.0-scorm2004.zip"]
    assert (target / "build/reports/first-bundle/coverage.html").is_file()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "is not empty; choose a new folder" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_the_framework_init_writes_is_the_sample_framework():
    assert (ROOT / "tools/bundlesmith/templates/init/clm.yml").read_bytes() == (
        ROOT / "content/standards/clm.yml").read_bytes()


def _steps(commands: list[str], values: dict[str, str]) -> list[str]:
    """The commands CI runs, with matrix values in place; installing bundlesmith is skipped (it is installed)."""
    out = []
    for command in commands:
        if "pip install" in command:
            continue
        for name, value in values.items():
            command = command.replace(name, value)
        out.append(command)
    return out


def _execute(target: Path, commands: list[str]) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=target, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (command, result.stdout, result.stderr)


def test_the_github_workflow_parses_and_each_run_step_works(tmp_path):
    target = tmp_path / "repo"
    run("init", str(target))
    workflow = yaml.safe_load((target / ".github/workflows/bundlesmith.yml").read_text())
    assert set(workflow["jobs"]) == {"check", "build", "pages"}
    assert workflow["jobs"]["build"]["needs"] == "check"
    uses = [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert all(re.fullmatch(r"actions/[a-z-]+@v\d+", u) for u in uses), uses
    for job in ("check", "build", "pages"):
        runs = [s["run"] for s in workflow["jobs"][job]["steps"] if "run" in s]
        views = workflow["jobs"][job].get("strategy", {}).get("matrix", {}).get("view", [""])
        for view in views:
            _execute(target, _steps(runs, {"${{ matrix.view }}": view}))
    assert (target / "build/site/index.html").is_file()


def test_the_gitlab_pipeline_parses_and_each_script_works(tmp_path):
    target = tmp_path / "repo"
    run("init", str(target))
    pipeline = yaml.safe_load((target / ".gitlab-ci.yml").read_text())
    assert {"check", "build", "pages"} <= set(pipeline)
    assert pipeline["check"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    for job in ("check", "build", "pages"):
        for values in pipeline[job].get("parallel", {}).get("matrix", [{"VIEW": [""]}]):
            for view in values["VIEW"]:
                _execute(target, _steps(pipeline[job]["script"], {"$VIEW": view}))
    report = json.loads((target / "gl-code-quality-report.json").read_text())
    assert report == []
    assert (target / "public/index.html").is_file()


def test_check_annotates_problems_for_github_and_gitlab(tmp_path):
    target = tmp_path / "repo"
    run("init", str(target))
    bundle = target / "bundles/first-bundle.yml"
    bundle.write_text(bundle.read_text().replace("targets: [clm:D1.1]", "targets: [clm:D1.9]"))
    github = run("-C", str(target), "check", "--format", "github")
    assert github.exit_code == 1
    assert github.stdout.splitlines() == [
        ("::error file=bundles/first-bundle.yml,line=13,title=unknown-standard::target 'clm:D1.9' is not in "
         "framework 'clm' (did you mean 'clm:D1.4'?)")]
    gitlab = run("-C", str(target), "check", "--format", "gitlab")
    [issue] = json.loads(gitlab.stdout)
    assert issue["check_name"] == "unknown-standard" and issue["severity"] == "major"
    assert issue["location"] == {"path": "bundles/first-bundle.yml", "lines": {"begin": 13}}
    assert len(issue["fingerprint"]) == 64


def test_the_pre_commit_hook_runs_check(tmp_path):
    target = tmp_path / "repo"
    run("init", str(target))
    [hook] = yaml.safe_load((target / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    _execute(target, [hook["entry"]])


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The wheel and sdist, built as a release is (`python -m build`: the sdist, then the wheel from it, so
    the wheel holds only what the sdist does and setuptools never writes into the project's build/)."""
    out = tmp_path_factory.mktemp("dist")
    before = sorted(p.name for p in (ROOT / "build").iterdir()) if (ROOT / "build").is_dir() else []
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=900)
    after = sorted(p.name for p in (ROOT / "build").iterdir()) if (ROOT / "build").is_dir() else []
    assert after == before, "building the wheel wrote into the project's build/"
    return out


def test_the_sdist_holds_what_a_wheel_is_built_from(dist):
    import tarfile

    [sdist] = dist.glob("bundlesmith-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for needed in ("pyproject.toml", "README.md", "requirements.lock", "scorm/sco.html", "scorm/bundlesmith-scorm.js",
                   "scorm/schemas-official/SHA256SUMS", "scorm/xsd/scorm12/ims_xml.xsd",
                   "tools/bundlesmith/templates/init/clm.yml", "tools/bundlesmith/schemas/coverage.schema.json"):
        assert needed in names, needed
    [wheel] = dist.glob("bundlesmith-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("bundlesmith/scorm_runtime/sco.html", "bundlesmith/scorm_runtime/schemas-official/SHA256SUMS",
                   "bundlesmith/templates/init/clm.yml", "bundlesmith/assets/site/bundlesmith.js"):
        assert needed in inside, needed


def test_from_the_wheel_in_a_fresh_venv_init_check_and_build_work_and_packages_match(dist, tmp_path):
    """The wheel, installed alone with the locked dependencies, holds everything (nothing is read from the
    repository) and builds byte-identical packages to the editable install."""
    [wheel] = dist.glob("bundlesmith-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-c", str(ROOT / "requirements.lock"), str(wheel)], check=True, capture_output=True, timeout=900)
    tool = str(venv / "bin/bundlesmith")
    target = tmp_path / "repo"
    for args in (["init", str(target)], ["-C", str(target), "check", "--strict"], ["-C", str(target), "build"]):
        result = subprocess.run([tool, *args], capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    probe = subprocess.run([str(venv / "bin/python"), "-c", "import bundlesmith; print(bundlesmith.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert probe.stdout.strip().startswith(str(venv)), probe.stdout
    # The sample, built by the wheel and by the editable install: the same bytes.
    from_wheel, editable = tmp_path / "from-wheel", tmp_path / "editable"
    subprocess.run([tool, "-C", str(ROOT), "build", "--only", "scorm", "-o", str(from_wheel)], check=True,
                   capture_output=True, cwd=tmp_path, timeout=600)
    subprocess.run([sys.executable, "-m", "bundlesmith", "-C", str(ROOT), "build", "--only", "scorm", "-o",
                    str(editable)], check=True, capture_output=True, cwd=tmp_path, timeout=600)
    built = sorted((from_wheel / "scorm").glob("*.zip"))
    assert len(built) >= 10
    for package in built:
        assert hashlib.sha256(package.read_bytes()).hexdigest() == hashlib.sha256(
            (editable / "scorm" / package.name).read_bytes()).hexdigest(), package.name
