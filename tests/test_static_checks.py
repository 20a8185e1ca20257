"""Lint and types as a ratchet: ruff and `mypy --strict` are clean, except on files still listed as pending.

The pending lists live in pyproject.toml: ruff's `extend-exclude` and the mypy override with
`ignore_errors = true`. A finding outside the lists fails, and so does a listed file that has become
clean (remove it: the lists only shrink).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LINTED = ["tools", "tests", "bench"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """A tool of the virtual environment this test runs in, from the repository's root."""
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def ruff_pending() -> list[str]:
    return list(CONFIG["tool"]["ruff"].get("extend-exclude", []))


def mypy_pending() -> list[str]:
    modules: list[str] = []
    for override in CONFIG["tool"]["mypy"].get("overrides", []):
        if override.get("ignore_errors"):
            modules += [override["module"]] if isinstance(override["module"], str) else override["module"]
    return modules


def module_of(path: str) -> str:
    """`tools/bundlesmith/load/cache.py` -> `bundlesmith.load.cache` (a package's __init__ is the package)."""
    parts = PurePosixPath(path).relative_to("tools").with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def mypy_config_without_pending(folder: Path) -> Path:
    """The project's mypy configuration as a mypy.ini, minus the override that lists the pending modules."""
    def ini(value: object) -> str:
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)

    options = {k: v for k, v in CONFIG["tool"]["mypy"].items() if k != "overrides"}
    lines = ["[mypy]", *(f"{key} = {ini(value)}" for key, value in options.items())]
    for override in CONFIG["tool"]["mypy"].get("overrides", []):
        if override.get("ignore_errors"):
            continue
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        for module in modules:
            lines += [f"[mypy-{module}]", *(f"{k} = {ini(v)}" for k, v in override.items() if k != "module")]
    config = folder / "mypy.ini"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def test_the_pending_lists_name_files_that_exist():
    """A renamed or deleted module leaves the list too, or the list would hide its successor's name."""
    package = ROOT / "tools"
    missing = [name for name in mypy_pending()
               if not (package / name.replace(".", "/")).with_suffix(".py").is_file()
               and not (package / name.replace(".", "/") / "__init__.py").is_file()]
    missing += [path for path in ruff_pending() if not (ROOT / path).is_file()]
    assert missing == [], "remove these from the pending lists in pyproject.toml"


def test_ruff_is_clean_outside_the_pending_list():
    configured = run("ruff", "check", *LINTED)
    assert configured.returncode == 0, "ruff check " + " ".join(LINTED) + " reports:\n" + configured.stdout

    # A file named on the command line is linted even where the configuration excludes it.
    pending = ruff_pending()
    lifted = run("ruff", "check", "--output-format", "json", *pending)
    assert lifted.returncode in (0, 1), lifted.stderr
    with_findings = {Path(f["filename"]).resolve().relative_to(ROOT).as_posix() for f in json.loads(lifted.stdout)}
    clean = sorted(set(pending) - with_findings)
    assert clean == [], "lint-clean now: remove these from [tool.ruff] extend-exclude in pyproject.toml"


def test_mypy_strict_is_clean_outside_the_pending_list(tmp_path):
    lifted = run("mypy", "--config-file", str(mypy_config_without_pending(tmp_path)), "--no-error-summary")
    assert lifted.returncode in (0, 1), lifted.stdout + lifted.stderr
    pending = set(mypy_pending())
    by_module: dict[str, list[str]] = {}
    for line in lifted.stdout.splitlines():
        path, _, rest = line.partition(":")
        if path.endswith(".py") and " error: " in rest:
            by_module.setdefault(module_of(path), []).append(line)
    outside = [line for module, lines in sorted(by_module.items()) if module not in pending for line in lines]
    assert outside == [], "mypy (strict) reports:\n" + "\n".join(outside)
    clean = sorted(pending - set(by_module))
    assert clean == [], "type-clean now: remove these from the ignore_errors override in pyproject.toml"
