"""`bundlesmith new`: write a new module or bundle that passes the schema, every field explained."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined


class ScaffoldError(Exception):
    pass


def create(root: Path, kind: str, ident: str, force: bool = False, today: date | None = None) -> Path:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", ident):
        raise ScaffoldError(f"'{ident}' is not a valid id: use lower-case letters, digits and '-'")
    today = today or date.today()
    target = root / ("content/modules" if kind == "module" else "bundles") / f"{ident}.{'md' if kind == 'module' else 'yml'}"
    if target.exists() and not force:
        raise ScaffoldError(f"{target.relative_to(root).as_posix()} already exists (use --force to overwrite)")
    env = Environment(loader=PackageLoader("bundlesmith", "templates/scaffold"), undefined=StrictUndefined,
                      keep_trailing_newline=True)
    text = env.get_template(f"{kind}.j2").render(
        id=ident, title=ident.replace("-", " ").capitalize(), today=today.isoformat(),
        next_review=(today + timedelta(days=365)).isoformat(),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
