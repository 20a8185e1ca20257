"""`bundlesmith new` and `bundlesmith init`: a new module or bundle that passes the schema, every field
explained; or a whole content repository a team can start from."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined


class ScaffoldError(Exception):
    pass


def _file_with_id(root: Path, kind: str, ident: str) -> Path | None:
    """The file that already declares this module or bundle id (national or a variant's), if any."""
    from bundlesmith.load.layout import available_variants
    from bundlesmith.load.project import load_national

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


# What `bundlesmith init` writes: target path -> template in templates/init/ (rendered with Jinja).
INIT_FILES = {
    "mkdocs.yml": None,  # the default site configuration, named for the project
    "content/standards/clm.yml": "clm.yml",
    "content/modules/first-module.md": "module.md",
    "content/glossary.yml": "glossary.yml",
    "bundles/first-bundle.yml": "bundle.yml",
    "bundlesmith.yml": "bundlesmith.yml",
    "content/publisher.yml": "publisher.yml",  # the site's accessibility statement is written from it
    ".gitignore": "gitignore",
    "README.md": "README.md",
    ".github/workflows/bundlesmith.yml": "github-workflow.yml",
    ".gitlab-ci.yml": "gitlab-ci.yml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
}


def init_project(target: Path, title: str | None = None, today: date | None = None) -> list[Path]:
    """Write a content repository into `target` (new or empty): the national framework, one module and one
    bundle to grow, the site configuration, a README for authors, CI for GitHub and GitLab, pre-commit."""
    from importlib import resources

    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} is not empty; choose a new folder")
    today = today or date.today()
    title = title or target.resolve().name.replace("-", " ").capitalize()
    env = Environment(loader=PackageLoader("bundlesmith", "templates/init"), undefined=StrictUndefined,
                      keep_trailing_newline=True)
    values = {"title": title, "today": today.isoformat(), "next_review": (today + timedelta(days=365)).isoformat(),
                  "variants": []}
    written = []
    for rel, name in INIT_FILES.items():
        if name is None:
            text = resources.files("bundlesmith").joinpath("assets/site/mkdocs.default.yml").read_text("utf-8")
            text = text.replace("site_name: Training", f"site_name: {title}", 1)
        elif name == "clm.yml":  # data, copied as it is
            text = resources.files("bundlesmith").joinpath("templates/init/clm.yml").read_text("utf-8")
        else:
            text = env.get_template(name).render(**values)
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
