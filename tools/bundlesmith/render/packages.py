"""What a built SCORM package is, for every output that needs to name or verify one."""

from __future__ import annotations

from dataclasses import dataclass

SCORM_LABEL = {"1.2": "scorm12", "2004": "scorm2004"}


def package_filename(bundle_id: str, bundle_version: str, variant: str | None, scorm_version: str) -> str:
    """`<bundle>-<version>[-<variant>]-scorm12.zip`: an administrator can tell what it is from the name."""
    middle = f"-{variant}" if variant else ""
    return f"{bundle_id}-{bundle_version}{middle}-{SCORM_LABEL[scorm_version]}.zip"


@dataclass(frozen=True)
class PackageRecord:
    bundle: str
    bundle_version: str
    variant: str | None
    scorm_version: str  # "1.2" | "2004"
    filename: str
    sha256: str
    size: int
