"""A co-creator's mistakes are each reported at the right file and line, all at once, never as a traceback.

Each case in tests/fixtures/bad-input/*.case is a story: files that replace those of a small valid
project (tests/fixtures/minimal/), then the exact output `bundlesmith check` must print and its exit code.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundlesmith.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted((FIXTURES / "bad-input").glob("*.case"))
TODAY = "2026-11-23"


def parse_case(text: str) -> tuple[dict[str, str], str, int]:
    files: dict[str, str] = {}
    current = None
    buffer: list[str] = []
    for line in text.split("\n")[1:]:
        header = re.match(r"^=== (.+)$", line)
        if header:
            if current is not None:
                files[current] = "\n".join(buffer).rstrip("\n") + "\n"
            current, buffer = header.group(1), []
            continue
        buffer.append(line)
    exit_match = re.match(r"expected \(exit (\d)\)", current)
    assert exit_match, "the last section of a case is '=== expected (exit N)'"
    return files, "\n".join(buffer).strip("\n"), int(exit_match.group(1))


def make_project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", root)
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def diagnostics(result) -> str:
    """What `check` reports, as a user reads it on standard error: every diagnostic, without the summary line."""
    lines = result.stderr.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("checked "))


def run_check(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), "check", "--today", TODAY, *args])


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_each_bad_input_is_reported_exactly(tmp_path, case):
    files, expected, code = parse_case(case.read_text(encoding="utf-8"))
    root = make_project(tmp_path, files)
    result = run_check(root)
    assert "Traceback" not in result.output
    assert diagnostics(result).strip("\n") == expected
    assert result.exit_code == code


def test_the_minimal_project_is_clean(tmp_path):
    result = run_check(make_project(tmp_path, {}))
    assert result.exit_code == 0, diagnostics(result)
    assert diagnostics(result) == ""


MODULE = "content/modules/listening.md"


def test_a_byte_order_mark_is_refused(tmp_path):
    original = (FIXTURES / "minimal" / MODULE).read_bytes()
    result = run_check(make_project(tmp_path, {MODULE: b"\xef\xbb\xbf" + original}))
    assert result.exit_code == 1
    assert f"{MODULE}:1: error: file starts with a byte-order mark (save it as UTF-8 without BOM) [bom]" in diagnostics(result)


def test_bytes_that_are_not_utf8_are_reported_on_their_line(tmp_path):
    original = (FIXTURES / "minimal" / MODULE).read_bytes()
    broken = original.replace(b"Listening well\nversion", b"Listening w\xe9ll\nversion", 1)
    result = run_check(make_project(tmp_path, {MODULE: broken}))
    assert f"{MODULE}:3: error: file is not UTF-8 (byte 0xe9) (save it as UTF-8) [not-utf8]" in diagnostics(result)
    # The module did not load, but its id is known: no cascade of 'unknown module' errors.
    assert "unknown module" not in diagnostics(result)


def test_a_file_holding_a_nul_byte_is_not_read_as_text(tmp_path):
    original = (FIXTURES / "minimal" / MODULE).read_bytes()
    result = run_check(make_project(tmp_path, {MODULE: original.replace(b"Listening well\n", b"Listening\0 well\n", 1)}))
    assert result.exit_code == 1
    assert diagnostics(result) == f"{MODULE}:3: error: file contains a NUL byte; is it a text file? [binary]\n"


def test_a_file_that_cannot_be_read_is_named_with_the_reason(tmp_path, monkeypatch):
    root = make_project(tmp_path, {})
    locked = (root / MODULE).resolve()
    real_read_bytes = Path.read_bytes

    def read_bytes(self):  # what the operating system says of a file without read permission
        if self.resolve() == locked:
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = run_check(root)
    assert result.exit_code == 1
    assert f"{MODULE}:1: error: cannot read file: Permission denied [unreadable]" in diagnostics(result)
    assert "Traceback" not in result.output


def test_an_enormous_file_is_refused_without_reading_it(tmp_path):
    result = run_check(make_project(tmp_path, {"bundles/huge.yml": "# " + "x" * (3 * 1024 * 1024) + "\n"}))
    assert result.exit_code == 1
    assert "bundles/huge.yml:1: error: file is 3,145,731 bytes; the limit is 2,097,152 [file-too-large]" in diagnostics(result)


def test_a_symlink_that_leaves_the_project_is_not_followed(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text((FIXTURES / "minimal" / MODULE).read_text().replace("id: listening", "id: elsewhere"))
    root = make_project(tmp_path, {})
    (root / "content/modules/elsewhere.md").symlink_to(outside)
    result = run_check(root)
    assert ("content/modules/elsewhere.md: error: symlink points outside the project; copy the file in instead "
            "[symlink-outside]") in diagnostics(result)
    assert result.exit_code == 1


def test_a_symlinked_folder_is_never_read_and_the_author_is_told_whatever_the_working_folder(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "copied.md").write_text((FIXTURES / "minimal" / MODULE).read_text().replace("id: listening", "id: copied"))
    root = make_project(tmp_path, {})
    (root / "content/modules/shared").symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.chdir(tmp_path)  # not the project: the check must look at the project's folders
    result = run_check(root)
    assert ("content/modules/shared: warning: this folder is a symlink: its files are not read; copy them in "
            "instead [symlink-folder]") in diagnostics(result)
    assert result.exit_code == 0, result.output
    from bundlesmith import pipeline

    assert "copied" not in pipeline.check(root).catalogue.modules  # the folder's files are never read


def test_an_image_symlinked_outside_the_project_is_refused(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    root = make_project(tmp_path, {})
    (root / "content/assets").mkdir(parents=True)
    (root / "content/assets/diagram.png").symlink_to(secret)
    module = root / MODULE
    module.write_text(module.read_text().replace("See [supporting](supporting.md).", "![How a concern travels](../assets/diagram.png)"))
    result = run_check(root)
    assert (f"{MODULE}:35: error: image '../assets/diagram.png' is a symlink that leaves the project "
            "[symlink-outside]") in diagnostics(result)


def test_every_problem_is_reported_at_once(tmp_path):
    """Three files, three different mistakes: one run reports all three, sorted by file and line."""
    bundle = (FIXTURES / "minimal/bundles/starter.yml").read_text().replace("title: Starter bundle", "titel: Starter")
    module = (FIXTURES / "minimal" / MODULE).read_text().replace("outcomes: [LO1]", "outcomes: [LO9]")
    framework = (FIXTURES / "minimal/content/standards/tf.yml").read_text().replace("status: published", "status: live")
    result = run_check(make_project(tmp_path, {"bundles/starter.yml": bundle, MODULE: module,
                                               "content/standards/tf.yml": framework}))
    lines = diagnostics(result).strip().split("\n")
    assert [line.split(": error")[0] for line in lines] == [
        "bundles/starter.yml:1", "bundles/starter.yml:2", "content/modules/listening.md:14",
        "content/standards/tf.yml:4"]
    assert result.exit_code == 1


def test_json_output_for_ci(tmp_path):
    import json

    module = (FIXTURES / "minimal" / MODULE).read_text().replace("standard: tf:D1.1", "standard: tf:D1")
    result = run_check(make_project(tmp_path, {MODULE: module}), "--format", "json")
    report = json.loads(result.stdout)
    assert report["errors"] == 2 and report["warnings"] == 0
    first = report["diagnostics"][1]
    assert first == {"path": MODULE, "line": 14, "severity": "error", "code": "aligned-to-domain",
                     "message": "'tf:D1' is a domain; align to one of its standards instead",
                     "hint": "for example tf:D1.1"}
    assert result.exit_code == 1


def test_strict_turns_warnings_into_failure(tmp_path):
    module = (FIXTURES / "minimal" / MODULE).read_text().replace("next_review: 2027-01-10", "next_review: 2026-01-11")
    root = make_project(tmp_path, {MODULE: module})
    assert run_check(root).exit_code == 0
    strict = run_check(root, "--strict")
    assert strict.exit_code == 1
    assert f"{MODULE}:24: warning: review was due on 2026-01-11 [review-overdue]" in diagnostics(strict)
