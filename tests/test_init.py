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
                 ".gitlab-ci.yml", ".pre-commit-config.yaml"):
        assert (target / name).is_file(), name
    assert "site_name: Ward training" in (target / "mkdocs.yml").read_text()
    checked = run("-C", str(target), "check", "--strict")
    assert checked.exit_code == 0, checked.output
    built = run("-C", str(target), "build")
    assert built.exit_code == 0, built.output
    assert (target / "build/site/index.html").is_file()
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
        "::error file=bundles/first-bundle.yml,line=13,title=unknown-standard::target 'clm:D1.9' is not in "
        "framework 'clm' (did you mean 'clm:D1.4'?)"]
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
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    [built] = out.glob("bundlesmith-*.whl")
    unpacked = out / "site"
    with zipfile.ZipFile(built) as archive:
        archive.extractall(unpacked)
    return unpacked


def test_from_the_wheel_init_check_and_build_work_and_packages_match_the_editable_install(wheel, tmp_path):
    """The wheel holds the SCORM runtime, schemas and templates: nothing is read from the repository."""
    env = {**os.environ, "PYTHONPATH": str(wheel)}
    target = tmp_path / "repo"
    for args in (["init", str(target)], ["-C", str(target), "check", "--strict"], ["-C", str(target), "build"]):
        result = subprocess.run([sys.executable, "-c", "import bundlesmith.cli as c; c.main()", *args],
                                env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    probe = subprocess.run([sys.executable, "-c", "import bundlesmith; print(bundlesmith.__file__)"], env=env,
                           capture_output=True, text=True, cwd=tmp_path)
    assert probe.stdout.strip().startswith(str(wheel)), probe.stdout
    editable = tmp_path / "editable"
    subprocess.run([sys.executable, "-m", "bundlesmith", "-C", str(target), "build", "--only", "scorm", "--force",
                    "-o", str(editable)], check=True, capture_output=True, cwd=tmp_path,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    for package in sorted((target / "build/scorm").glob("*.zip")):
        assert hashlib.sha256(package.read_bytes()).hexdigest() == hashlib.sha256(
            (editable / "scorm" / package.name).read_bytes()).hexdigest(), package.name
