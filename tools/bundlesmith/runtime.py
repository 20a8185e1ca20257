"""Where the SCORM runtime bundlesmith ships (`scorm/`: the SCO page, its script and style, the XSDs) is."""

from __future__ import annotations

from pathlib import Path


def runtime_dir() -> Path:
    """The `scorm/` folder: packaged beside the code when installed, else at the repository root (editable)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "scorm_runtime", here.parent.parent / "scorm"):
        if (candidate / "sco.html").is_file():
            return candidate
    raise FileNotFoundError("bundlesmith's SCORM runtime (scorm/sco.html) is missing from this installation")
