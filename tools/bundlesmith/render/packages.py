"""What a built SCORM package is, for every output that needs to name or verify one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

SCORM_LABEL = {"1.2": "scorm12", "2004": "scorm2004"}


def package_filename(bundle_id: str, bundle_version: str, variant: str | None, scorm_version: str) -> str:
    """`<bundle>-<version>[-<variant>]-scorm12.zip`: an administrator can tell what it is from the name."""
    middle = f"-{variant}" if variant else ""
    return f"{bundle_id}-{bundle_version}{middle}-{SCORM_LABEL[scorm_version]}.zip"


def provenance_filename(zip_name: str) -> str:
    """The provenance record written beside a package: `<package>.provenance.json`."""
    return zip_name[:-len(".zip")] + ".provenance.json"


@dataclass(frozen=True)
class PackageRecord:
    bundle: str
    bundle_version: str
    variant: str | None
    scorm_version: str  # "1.2" | "2004"
    filename: str
    sha256: str
    size: int


def is_package_of(filename: str, bundle_id: str) -> bool:
    """Whether a file in build/scorm/ (a zip or its provenance record) belongs to the bundle."""
    return re.match(rf"^{re.escape(bundle_id)}-\d+\.\d+\.\d+[-.]", filename) is not None


def read_record(provenance: Path) -> PackageRecord | None:
    """The record of a package built earlier, from the provenance file written beside its zip."""
    try:
        data = json.loads(provenance.read_text(encoding="utf-8"))
        package = data["package"]
        return PackageRecord(data["bundle"], data["bundle_version"], data["variant"], data["scorm_version"],
                             package["filename"], package["sha256"], package["size"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
