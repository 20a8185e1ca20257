"""The layers written down in docs/architecture.md are the layers the code has: imports only point down."""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tools" / "bundlesmith"
DOC = ROOT / "docs" / "architecture.md"


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (`load.cache`; a package's __init__ is the package's name)."""
    found = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        name = file.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
        found[name.removesuffix(".__init__") if name != "__init__" else name] = file
    return found


def imports(file: Path, known: dict[str, Path]) -> set[str]:
    """The package's own modules a file imports, anywhere in it (imports inside functions count too)."""
    found = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and \
                (node.module == "bundlesmith" or node.module.startswith("bundlesmith.")):
            base = node.module.removeprefix("bundlesmith").removeprefix(".")
            for alias in node.names:
                child = f"{base}.{alias.name}" if base else alias.name
                found.add(child if child in known else base or "__init__")
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("bundlesmith.") for a in node.names if a.name.startswith("bundlesmith.")}
    return found


def table(title: str) -> list[list[str]]:
    """The rows of the first table under a `## title` heading of the doc, cells as text."""
    section = DOC.read_text(encoding="utf-8").split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def layer_of() -> tuple[dict[str, int], list[str]]:
    """Each module's layer (its index in the doc's table), and modules that belong to no layer."""
    layers = [names(row[1]) for row in table("Layers")]
    found, orphans = {}, []
    for module in modules():
        exact = [i for i, patterns in enumerate(layers) if module in patterns]
        matched = exact or [i for i, patterns in enumerate(layers)
                            if any(fnmatch.fnmatchcase(module, p) for p in patterns)]
        if len(matched) == 1:
            found[module] = matched[0]
        else:
            orphans.append(f"{module} (matches {len(matched)} layers)")
    return found, orphans


def breaks() -> set[tuple[str, str]]:
    known = modules()
    layer, _ = layer_of()
    return {(module, target) for module, file in known.items() for target in imports(file, known)
            if target in layer and module in layer and layer[target] > layer[module]}


def test_every_module_belongs_to_exactly_one_layer():
    _, orphans = layer_of()
    assert orphans == [], "add each to a layer in docs/architecture.md"


def test_imports_only_point_down_except_the_debts_the_doc_lists():
    debts = {(names(row[0])[0], names(row[1])[0]) for row in table("Known debts")}
    found = breaks()
    assert sorted(found - debts) == [], "an import that points up a layer: move the work, or (rarely) list the debt"
    assert sorted(debts - found) == [], "a debt that is paid: remove its row from docs/architecture.md"


def test_the_lowest_layers_import_nothing_above_them():
    """The catalogue and its diagnostics know nothing of loading, rendering or writing."""
    known = modules()
    for module in ("model", "diagnostics", "codes", "markdown", "file_types", "signing", "runtime"):
        assert imports(known[module], known) <= {"diagnostics", "__init__"}, module
