"""A per-file cache of what loading a content file produces: its model object and its diagnostics.

`bundlesmith check` (and the load step of `bundlesmith build`) parse every Markdown module, its YAML
front matter and its quiz, and check each against the contract's schemas. What that produces for one
file depends only on the file's bytes, where it is, and bundlesmith itself, so it is kept in
`build/.bundlesmith-cache/load.pickle` and reused while none of those change:

- each entry is keyed by the kind of file, its path (as given and relative to the project) and how it
  is loaded (national or local to a variant), and holds a hash of the file's bytes with the pickled
  result: a file whose bytes changed is parsed again, the others are not;
- the whole file is keyed by bundlesmith's version, a digest of its own source (code, schemas,
  templates), the Python version and the installed parsing libraries: any change starts afresh.

Cross-file rules (validate/) and anything that reads several files (a variant's manifest and slot
fills) are never cached. A missing, unreadable, corrupt or other-version cache is ignored and
rebuilt; writes go to a temporary file that replaces the cache in one step, so two checks running at
once never leave a broken cache behind (the last one to finish wins). If the folder cannot be
written the check still works, only without the cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Callable

from bundlesmith.load.yaml_source import MAX_FILE_BYTES

FOLDER = ".bundlesmith-cache"
FILE = "load.pickle"
FORMAT = 1
_LIBRARIES = ("markdown_it", "mdit_py_plugins", "yaml", "jsonschema")  # what parsing a file depends on


def folder_for(out: Path) -> Path:
    """The cache folder inside an output folder (`build/` unless the build writes elsewhere)."""
    return Path(out) / FOLDER


@lru_cache(maxsize=1)
def tool_key() -> str:
    """What every cached result depends on besides its own file: bundlesmith's code and its environment."""
    import bundlesmith
    from bundlesmith import fingerprint

    digest = hashlib.sha256()
    digest.update(f"format {FORMAT}\nbundlesmith {bundlesmith.__version__}\npython {sys.version}\n".encode())
    for name in _LIBRARIES:
        digest.update(f"{name} {_installed(name)}\n".encode())
    digest.update(fingerprint.tool_digest().encode())
    return digest.hexdigest()


def _installed(package: str) -> str:
    """Where a library is installed and the size and time of each of its top-level files: any upgrade,
    downgrade or rebuild (with or without libyaml, say) rewrites them. Found without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return "-"
    folder = os.path.dirname(spec.origin)
    stamp = [folder]
    try:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_file():
                info = entry.stat()
                stamp.append(f"{entry.name} {info.st_size} {info.st_mtime_ns}")
    except OSError:
        stamp.append("?")
    return "|".join(stamp)


class LoadCache:
    """Results of loading single files, reused while the file's bytes and bundlesmith are unchanged."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.entries: dict[tuple, tuple[bytes, bytes]] = {}
        self.fresh: dict[tuple, tuple[bytes, bytes]] = {}
        self.hits = 0
        self.misses = 0
        self._read()

    def _read(self) -> None:
        try:
            with open(self.folder / FILE, "rb") as handle:
                stored = pickle.load(handle)
            if (isinstance(stored, dict) and stored.get("format") == FORMAT and stored.get("key") == tool_key()
                    and isinstance(stored.get("entries"), dict)):
                self.entries = {key: value for key, value in stored["entries"].items()
                                if isinstance(key, tuple) and len(key) == 4 and isinstance(key[1], str)}
        except Exception:  # missing, unreadable, truncated or not ours: start afresh
            self.entries = {}

    def cached(self, kind: str, file: Path, path: str, **options):
        """What loading the file gave last time for the same bytes, or None (then parse it, and remember())."""
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                return None
            digest = file_digest(file.read_bytes())
            stored = self.entries.get((kind, str(file), path, tuple(sorted(options.items()))))
            if stored is not None and stored[0] == digest:
                result = pickle.loads(stored[1])
                self.hits += 1
                return result
        except Exception:  # unreadable, or a damaged entry: parse the file
            pass
        return None

    def remember(self, kind: str, file: Path, path: str, digest: bytes, pickled: bytes, **options) -> None:
        """Keep a result parsed elsewhere (another process): `pickled` for the file bytes with `digest`."""
        self.misses += 1
        self.fresh[(kind, str(file), path, tuple(sorted(options.items())))] = (digest, pickled)

    def load(self, kind: str, loader: Callable, file: Path, path: str, **options):
        """`loader(file, path, **options)`, or what it returned last time for the same bytes."""
        try:
            size = file.stat().st_size
            if size > MAX_FILE_BYTES:
                return loader(file, path, **options)  # refused by size without reading it; not worth keeping
            raw = file.read_bytes()
        except OSError:
            return loader(file, path, **options)  # the loader reports why the file cannot be read
        key = (kind, str(file), path, tuple(sorted(options.items())))
        digest = file_digest(raw)
        stored = self.entries.get(key)
        if stored is not None:
            try:
                if stored[0] == digest:
                    result = pickle.loads(stored[1])
                    self.hits += 1
                    return result
            except Exception:  # a damaged entry: parse the file again
                pass
        result = loader(file, path, raw=raw, **options)
        self.misses += 1
        try:
            self.fresh[key] = (digest, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # pragma: no cover - every model object pickles; never let the cache fail a check
            pass
        return result

    def save(self) -> None:
        """Write the cache if anything was parsed afresh; any failure leaves the check unaffected."""
        if not self.fresh:
            return
        entries = {key: value for key, value in self.entries.items()
                   if key not in self.fresh and os.path.exists(key[1])}
        entries.update(self.fresh)
        temp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{FILE}-", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                pickle.dump({"format": FORMAT, "key": tool_key(), "entries": entries}, handle,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.folder / FILE)
            temp = None
            self.entries, self.fresh = entries, {}
            self._sweep()
        except (OSError, pickle.PickleError):
            pass
        finally:
            if temp is not None:
                try:
                    os.unlink(temp)
                except OSError:
                    pass

    def _sweep(self) -> None:
        """Remove temporary files that a check killed while writing left behind (an hour old or more)."""
        cutoff = time.time() - 3600
        for stale in self.folder.glob(f".{FILE}-*.tmp"):
            try:
                if stale.stat().st_mtime < cutoff:
                    stale.unlink()
            except OSError:
                pass


def file_digest(raw: bytes) -> bytes:
    """What an entry's file bytes are compared by."""
    return hashlib.blake2b(raw, digest_size=20).digest()


def open_cache(folder: Path | None) -> LoadCache | None:
    return LoadCache(folder) if folder is not None else None

