"""The one state file of build/: which inputs the outputs there were built from, and what each kept part
(package, report, handbook) was made from.

`build/.bundlesmith-state.json` is sealed with this user's key (signing.py). Content in build/ is
untrusted: a state whose signature or kind does not match is read as empty (everything is built), a file
it names is reused only while its sha256 is still the one recorded, and nothing is followed through a
symlink. The build writes the new state into its staging folder, and emit swaps it in last, with the tree
it describes; a build killed between the two leaves a state whose listings no longer match.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bundlesmith.signing import seal, unseal

FILE = ".bundlesmith-state.json"
KIND = "build-state"
# The records older versions kept in build/ (paths from build/), replaced by this file and the load cache's
# JSON: never read, and removed by the next build that succeeds (emit.Staging.commit, never through a
# symlink) and, for the load cache's own folder, by the next save of that cache.
OBSOLETE = (
    ".bundlesmith-cache.json",  # the whole build's fingerprint, for "nothing changed"
    ".bundlesmith-cache/load.pickle",  # the load cache before it was JSON
    "scorm/.bundlesmith-packages.json",  # each package's reuse key
    "reports/.bundlesmith-keys.json",  # each report's reuse key
    "print/.bundlesmith-handbooks.json",  # each handbook's reuse key
)


@dataclass(frozen=True)
class BuildState:
    """What build/ holds, as the build that wrote it recorded it (all plain JSON values).

    key: the input set's key (inputs.InputSet.key); outputs: each output folder's listing digest;
    packages: zip name -> {"key", "zip", "provenance"} (the reuse key and the two files' sha256);
    reports: reports folder ("reports", "reports/<variant>") -> bundle id ("" for the summary files) ->
    {"key", "files": name -> sha256}; handbooks: file in print/ -> {"key", "sha256"}; sites: site folder ->
    {"index": its search index's sha256, "pages": source path -> [key, file, sha256, first entry, entries]}
    (render/site_reuse.py).
    """

    key: str = ""
    outputs: Mapping[str, str | None] = field(default_factory=dict)
    packages: Mapping[str, Any] = field(default_factory=dict)
    reports: Mapping[str, Any] = field(default_factory=dict)
    handbooks: Mapping[str, Any] = field(default_factory=dict)
    sites: Mapping[str, Any] = field(default_factory=dict)

    def up_to_date(self, out: Path, key: str) -> bool:
        """Whether build/ holds exactly the outputs of a build with this key: the same inputs, and every
        output folder as it was written (a file changed, added or removed since makes it false)."""
        return self.key == key and bool(self.outputs) and all(
            listing_digest(out / name) == digest for name, digest in self.outputs.items())


def read(out: Path) -> BuildState:
    """The state the last build left in `out`, or an empty one (missing, forged, of another user or kind)."""
    data = unseal(KIND, out / FILE)
    if not isinstance(data, dict):
        return BuildState()
    key, parts = data.get("key"), [data.get(name) for name in ("outputs", "packages", "reports", "handbooks")]
    if not isinstance(key, str) or not all(isinstance(part, dict) for part in parts):
        return BuildState()
    outputs, packages, reports, handbooks = (part for part in parts if isinstance(part, dict))
    sites = data.get("sites")
    return BuildState(key, outputs, packages, reports, handbooks, sites if isinstance(sites, dict) else {})


def encode(state: BuildState) -> bytes:
    """The state file's bytes: sealed, so that only this user's bundlesmith trusts it."""
    return seal(KIND, {"key": state.key, "outputs": dict(sorted(state.outputs.items())),
                       "packages": dict(sorted(state.packages.items())),
                       "reports": dict(sorted(state.reports.items())),
                       "handbooks": dict(sorted(state.handbooks.items())),
                       "sites": dict(sorted(state.sites.items()))}).encode("utf-8")


def listings(staging: Path, names: Iterable[str]) -> dict[str, str | None]:
    """Each output folder's listing digest, taken in the staging folder (a rename keeps every entry as it is)."""
    return {name: listing_digest(staging / name) for name in sorted(names)}


def listing_digest(top: Path) -> str | None:
    """A digest of a folder's tree: each entry's path, type, size and modification time; None when it is
    missing or a symlink."""
    if top.is_symlink() or not top.is_dir():
        return None
    digest = hashlib.sha256()
    stack = [("", str(top))]
    while stack:
        rel, folder = stack.pop()
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            info = entry.stat(follow_symlinks=False)
            name = rel + entry.name
            digest.update(f"{name}\0{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
            if entry.is_dir(follow_symlinks=False):
                stack.append((name + "/", entry.path))
    return digest.hexdigest()
