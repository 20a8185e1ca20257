"""What a renderer hands the writer: the files of one output folder, as new bytes or as files that exist.

Renderers never touch `build/`; they return a `Tree` (relative path -> bytes, or `Existing` for a file
already written, by this build or verified from the last one) and `emit.Staging.write` puts it in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Existing:
    """A build output that exists already: a file of this build's staging folder, or one of the last build's
    whose hash the build state vouches for. Linked into place (copied across filesystems), never read."""

    source: Path


Tree = dict[str, bytes | Existing]
