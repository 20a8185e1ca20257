"""`bundlesmith new`: write a new module or bundle that passes the schema, every field explained."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined


class ScaffoldError(Exception):
    pass


def _file_with_id(root: Path, kind: str, ident: str) -> Path | None:
    """The file that already declares this module or bundle id (national or a variant's), if any."""
    from bundlesmith.load.project import available_variants, load_national

    catalogue, _ = load_national(root)
    found = catalogue.modules.get(ident) if kind == "module" else catalogue.bundles.get(ident)
    if found is not None:
        return root / found.span.path
    if kind == "module":
        for name in available_variants(root):
            for file in sorted((root / "content/variants" / name / "modules").glob("**/*.md")):
                if re.search(rf"^id:\s*['\"]?{re.escape(ident)}['\"]?\s*$", file.read_text("utf-8", "replace"), re.M):
                    return file
    return None


def create(root: Path, kind: str, ident: str, force: bool = False, today: date | None = None) -> Path:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", ident):
        raise ScaffoldError(f"'{ident}' is not a valid id: use lower-case letters, digits and '-'")
    today = today or date.today()
    target = root / ("content/modules" if kind == "module" else "bundles") / f"{ident}.{'md' if kind == 'module' else 'yml'}"
    if target.exists() and not force:
        raise ScaffoldError(f"{target.relative_to(root).as_posix()} already exists (use --force to overwrite)")
    existing = _file_with_id(root, kind, ident)
    if existing is not None and existing != target:
        raise ScaffoldError(f"a {kind} with id '{ident}' already exists in {existing.relative_to(root).as_posix()}; "
                            "choose another id")
    env = Environment(loader=PackageLoader("bundlesmith", "templates/scaffold"), undefined=StrictUndefined,
                      keep_trailing_newline=True)
    text = env.get_template(f"{kind}.j2").render(
        id=ident, title=ident.replace("-", " ").capitalize(), today=today.isoformat(),
        next_review=(today + timedelta(days=365)).isoformat(),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
