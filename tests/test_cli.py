"""The command line as a co-creator uses it: check, list, new, build --dry-run, and the errors around them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith import __version__
from bundlesmith.cli import cli

ROOT = Path(__file__).resolve().parent.parent

TODAY = "2026-11-23"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_the_sample_content_checks_clean(sample_root):
    result = run("-C", str(sample_root), "check", "--strict", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "[" not in result.stderr
    assert "16 module(s), 3 bundle(s) and 1 variant(s): 0 error(s), 0 warning(s)" in result.stderr


def test_the_variant_checks_clean_on_its_own(sample_root):
    result = run("-C", str(sample_root), "check", "--variant", "riverside-ics", "--strict", "--today", TODAY)
    assert result.exit_code == 0, result.stderr


def test_an_unknown_variant_is_a_usage_error(sample_root):
    result = run("-C", str(sample_root), "check", "--variant", "nowhere")
    assert result.exit_code == 2
    assert "no variant 'nowhere' in content/variants/ (available: riverside-ics)" in result.stderr


def test_project_folder_can_follow_the_command(sample_root):
    result = run("check", "-C", str(sample_root), "--today", TODAY)
    assert result.exit_code == 0


def test_a_missing_project_folder_is_a_usage_error(tmp_path):
    result = run("-C", str(tmp_path / "nope"), "check")
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr


def test_list_modules_shows_every_module_with_its_alignment(sample_root):
    result = run("-C", str(sample_root), "list", "modules")
    assert result.exit_code == 0
    rows = result.stdout.strip().split("\n")[2:]
    assert len(rows) == 16
    row = next(r for r in rows if r.startswith("speaking-up-and-listening-up "))
    assert "clm:D7.1:A" in row and "clm:D7.2:I" in row


def test_list_with_a_variant_marks_local_content(sample_root):
    result = run("-C", str(sample_root), "list", "modules", "--variant", "riverside-ics")
    local = [r for r in result.stdout.split("\n") if r.rstrip().endswith("local")]
    assert [r.split()[0] for r in local] == ["riverside-neighbourhood-teams"]
    standards = run("-C", str(sample_root), "list", "standards", "--variant", "riverside-ics").stdout
    assert re.search(r"^rvs:L1\.1 .*local$", standards, re.MULTILINE)


def test_list_bundles(sample_root):
    result = run("-C", str(sample_root), "list", "bundles")
    assert re.search(r"^national-induction\s+1\.0\.0\s+6\s+1\.2,2004\s+approved", result.stdout, re.MULTILINE)


def test_new_module_scaffolds_a_file_that_checks(project):
    result = run("-C", str(project), "new", "module", "giving-feedback")
    assert result.exit_code == 0, result.output
    assert "created content/modules/giving-feedback.md" in result.stdout
    text = (project / "content/modules/giving-feedback.md").read_text()
    assert "# Who shaped the module" in text  # every field is explained
    check = run("-C", str(project), "check", "--today", TODAY)
    assert check.exit_code == 0, check.stderr
    # Written by the educator alone: check asks for a voice from outside the writing team.
    assert "giving-feedback.md:31: warning: no co-creation role from outside the writing team" in check.stderr


def test_new_refuses_to_overwrite_and_bad_ids(project):
    assert run("-C", str(project), "new", "bundle", "ward-basics").exit_code == 0
    again = run("-C", str(project), "new", "bundle", "ward-basics")
    assert again.exit_code == 2 and "already exists (use --force to overwrite)" in again.stderr
    bad = run("-C", str(project), "new", "module", "Bad_Id")
    assert bad.exit_code == 2 and "'Bad_Id' is not a valid id" in bad.stderr


def test_new_bundle_is_reported_until_it_names_real_modules(project):
    run("-C", str(project), "new", "bundle", "ward-basics")
    result = run("-C", str(project), "check", "--today", TODAY)
    assert "bundles/ward-basics.yml:14: error: unknown module 'replace-with-a-module-id'" in result.stderr
    assert result.exit_code == 1


def test_build_refuses_to_start_on_errors_and_leaves_build_alone(project):
    (project / "build").mkdir()
    (project / "build" / "keep.txt").write_text("previous build")
    module = project / "content/modules/induction/speaking-up-and-listening-up.md"
    module.write_text(module.read_text().replace("strength: assesses", "strength: assess", 1))
    result = run("-C", str(project), "build", "--today", TODAY)
    assert result.exit_code == 1
    assert "speaking-up-and-listening-up.md" in result.stderr and "[bad-value]" in result.stderr  # with the summary
    assert "build/ is unchanged" in result.stderr
    assert sorted(p.name for p in (project / "build").iterdir()) == [".bundlesmith-cache", "keep.txt"]  # + what check parsed


def test_build_dry_run_lists_what_it_would_build(sample_root):
    result = run("-C", str(sample_root), "build", "--dry-run", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "would build national: mid-career-managers 1.0.0 (SCORM 1.2, 2004, 9 modules)" in result.stdout
    assert "would build riverside-ics: national-induction 1.0.0 (SCORM 1.2, 2004, 7 modules)" in result.stdout


def test_version():
    assert run("--version").stdout.strip() == f"bundlesmith, version {__version__}"


def _commands(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=lambda p: " ".join(p))
def test_every_help_ends_with_an_example(path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "bundlesmith " in result.stdout.split("Example:")[-1]


def test_an_unexpected_error_prints_one_line_and_saves_the_traceback(monkeypatch, sample_root):
    from bundlesmith import pipeline

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pipeline, "check_all", explode)
    result = run("-C", str(sample_root), "check")
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in result.output
    match = re.fullmatch(r"bundlesmith: internal error: RuntimeError: disk on fire \(traceback saved to (.+)\)", line)
    assert match
    saved = Path(match.group(1)).read_text()
    assert "Traceback" in saved and "disk on fire" in saved


def test_serve_on_a_port_in_use_says_so_and_suggests_another(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["-C", str(ROOT), "serve", "--dev-addr", f"127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}: already in use; choose another with --dev-addr" in result.output
    bad = CliRunner().invoke(cli, ["-C", str(ROOT), "serve", "--dev-addr", "localhost"])
    assert bad.exit_code == 2 and "is not IP:PORT" in bad.output


def test_coverage_since_a_deeply_nested_json_is_a_clear_error(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    result = CliRunner().invoke(cli, ["-C", str(ROOT), "coverage", "national-induction", "--since", str(deep)])
    assert result.exit_code == 2
    assert "nested too deeply to be a coverage.json" in result.output


def test_new_module_refuses_an_id_another_file_already_declares(tmp_path):
    import shutil

    root = tmp_path / "project"
    shutil.copytree(ROOT / "tests/fixtures/minimal", root)
    (root / "content/modules/listening.md").rename(root / "content/modules/renamed.md")

    result = CliRunner().invoke(cli, ["-C", str(root), "new", "module", "listening"])

    assert result.exit_code == 2
    assert "a module with id 'listening' already exists in content/modules/renamed.md" in result.output
    assert not (root / "content/modules/listening.md").exists()


def test_every_command_and_option_is_documented_in_the_readme_or_docs():
    """A user finds every command and option in the README or docs/ (hidden test-only options aside)."""
    text = (ROOT / "README.md").read_text() + "".join(p.read_text() for p in (ROOT / "docs").glob("*.md"))
    missing = []
    for name, command in cli.commands.items():
        if f"bundlesmith {name}" not in text:
            missing.append(name)
        for param in command.params:
            if getattr(param, "hidden", False) or not getattr(param, "opts", None) or param.param_type_name != "option":
                continue
            if not any(opt in text for opt in param.opts if opt.startswith("--")) and param.name not in ("help",):
                missing.append(f"{name} {param.opts}")
    assert missing == []


@pytest.mark.parametrize("command", ["check", "list modules", "build --dry-run", "coverage", "serve --help",
                                     "inspect --help", "new --help"])
def test_dash_c_works_after_every_command_name(command):
    result = CliRunner().invoke(cli, [*command.split()[:1], "-C", str(ROOT), *command.split()[1:]])
    assert "No such option" not in result.output
    assert result.exit_code in (0, 1), result.output


def test_an_unknown_bundle_or_variant_is_a_usage_error_with_a_suggestion():
    bundle = CliRunner().invoke(cli, ["-C", str(ROOT), "build", "--bundle", "national-induxtion"])
    assert bundle.exit_code == 2 and "did you mean 'national-induction'?" in bundle.output
    variant = CliRunner().invoke(cli, ["-C", str(ROOT), "check", "--variant", "riverside-icss"])
    assert variant.exit_code == 2 and "did you mean 'riverside-ics'?" in variant.output


def test_list_reports_a_file_that_failed_to_load_and_exits_1(tmp_path):
    import shutil

    root = tmp_path / "project"
    shutil.copytree(ROOT / "tests/fixtures/minimal", root)
    broken = root / "content/modules/supporting.md"
    broken.write_text(broken.read_text().replace("title: Supporting colleagues", "title: [unclosed", 1))
    result = CliRunner().invoke(cli, ["-C", str(root), "list", "modules"])
    assert result.exit_code == 1
    assert "content/modules/supporting.md:4: error: invalid YAML" in result.stderr
    assert "listening" in result.stdout


def test_build_shows_the_warnings_it_counts(tmp_path):
    import shutil

    root = tmp_path / "project"
    shutil.copytree(ROOT / "tests/fixtures/minimal", root)
    module = root / "content/modules/supporting.md"
    module.write_text(module.read_text().replace("- role: staff-network", "- role: educator", 1))
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "--only", "reports"])
    assert result.exit_code == 0, result.output
    assert "check: 1 warning(s)" in result.stderr
    assert "[no-outside-voice]" in result.stderr


def _program(*args: str, cwd: Path | None = None):
    """`python -m bundlesmith ARGS` as a script or CI runs it: its output through pipes, its exit status."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "bundlesmith", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_the_program_ends_with_its_exit_status_and_its_whole_output(tmp_path):
    import shutil

    # The process ends as soon as the command is done (cli.main): what it printed must all be there first.
    listed = _program("-C", str(ROOT), "list", "modules")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == run("-C", str(ROOT), "list", "modules").stdout and listed.stdout.count("\n") >= 16

    root = tmp_path / "project"
    shutil.copytree(ROOT / "tests/fixtures/minimal", root)
    broken = root / "content/modules/supporting.md"
    broken.write_text(broken.read_text().replace("title: Supporting colleagues", "title: [unclosed", 1))
    failed = _program("-C", str(root), "check")
    assert failed.returncode == 1
    assert "content/modules/supporting.md:4: error: invalid YAML" in failed.stderr
    assert failed.stderr.splitlines()[-1] == "checked 1 framework(s), 1 module(s), 1 bundle(s): 1 error(s), 0 warning(s)"

    usage = _program("-C", str(root), "check", "--no-such-option")
    assert usage.returncode == 2 and "No such option" in usage.stderr


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (3, 3), ("stopped: see above", 1)])
def test_an_exit_code_means_what_sys_exit_makes_of_it(code, status, capsys):
    from bundlesmith.cli import _exit_code

    assert _exit_code(code) == status
    assert capsys.readouterr().err == ("stopped: see above\n" if isinstance(code, str) else "")
