"""Where a project keeps its content: the folders the loader reads, and the variants a project has.

Small on purpose: the command line and a build's no-op check read it without loading anything.
"""

from __future__ import annotations

from pathlib import Path

STANDARDS_DIR = "content/standards"
MODULES_DIR = "content/modules"
VARIANTS_DIR = "content/variants"
CROSSWALKS_DIR = "content/crosswalks"
BUNDLES_DIR = "bundles"


def available_variants(root: Path) -> tuple[str, ...]:
    """The variants of the project at `root`: the folders of content/variants/, sorted."""
    folder = root / VARIANTS_DIR
    return tuple(sorted(p.name for p in folder.iterdir() if p.is_dir())) if folder.is_dir() else ()
