"""A per-file cache of what loading a content file produces: its model object and its diagnostics.

`bundlesmith check` (and the load step of `bundlesmith build`) parse every Markdown module, its YAML
front matter and its quiz, and check each against the contract's schemas. What that produces for one
file depends only on the file's bytes, where it is, and bundlesmith itself, so it is kept in
`build/.bundlesmith-cache/load.json` and reused while none of those change.

`build/` is untrusted (it may come from a CI cache, a shared drive or an archive), so the cache is
data only and authenticated:

- the file is JSON: a header line (format, and a key of bundlesmith's version, its own source, the
  Python version and the parsing libraries), checked before anything else is decoded, then the entries;
- each entry is keyed by the kind of file, its path and how it is loaded (national or local to a
  variant), holds a hash of the file's bytes and the result as typed JSON (load/codec.py: only the
  model's dataclasses can come out of it, never code), and is signed with an HMAC-SHA256 whose key
  lives in the user's own cache folder (`$XDG_CACHE_HOME/bundlesmith/key`, mode 0600). A cache written
  by anyone else, copied from another machine, edited, truncated or of another version is a miss,
  never an error, and never changes what is loaded.

Cross-file rules (validate/) and anything that reads several files (a variant's manifest and slot
fills) are never cached. The cache is saved through the one writer (emit.replace_file): a temporary file
that replaces it in one step, so two checks running at once never leave a broken cache behind (the last
one to finish wins). If the folder or the key cannot be written the check still works, only without the
cache.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import msgspec

from bundlesmith import signing, state
from bundlesmith.load import codec
from bundlesmith.load.yaml_source import MAX_FILE_BYTES

FOLDER = ".bundlesmith-cache"
FILE = "load.json"
FORMAT = 3  # 3: a module body's tokens packed (markdown.pack_tokens)
_LIBRARIES = ("markdown_it", "mdit_py_plugins", "yaml", "jsonschema", "nh3", "msgspec")  # what parsing a file depends on


def folder_for(out: Path) -> Path:
    """The cache folder inside an output folder (`build/` unless the build writes elsewhere)."""
    return Path(out) / FOLDER


@lru_cache(maxsize=1)
def tool_key() -> str:
    """What every cached result depends on besides its own file: bundlesmith's code and its environment."""
    import bundlesmith
    from bundlesmith import inputs

    digest = hashlib.sha256()
    digest.update(f"format {FORMAT}\nbundlesmith {bundlesmith.__version__}\npython {sys.version}\n".encode())
    for name in _LIBRARIES:
        digest.update(f"{name} {_installed(name)}\n".encode())
    digest.update(inputs.tool_digest().encode())
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


class _Entry(msgspec.Struct, array_like=True):
    key: str
    digest: str
    mac: str
    value: msgspec.Raw


_ENTRIES = msgspec.json.Decoder(list[_Entry])
_ENCODE = msgspec.json.Encoder()
HEADER_LIMIT = 1024  # the header line is short: anything longer is not ours


def _key(kind: str, file: Path, path: str, options: dict[str, Any]) -> str:
    return json.dumps([kind, str(file), path, sorted(options.items())], separators=(",", ":"))


def _fresh_lists(result: Any) -> Any:
    """A load result (a tuple of frozen values and a list of diagnostics) with a list of its own: the
    caller may add to it."""
    return tuple(list(part) if isinstance(part, list) else part for part in result) if isinstance(result, tuple) else result


class LoadCache:
    """Results of loading single files, reused while the file's bytes and bundlesmith are unchanged."""

    def __init__(self, folder: Path, secret: bytes):
        self.folder = Path(folder)
        self.secret = secret
        self.entries: dict[str, _Entry] = {}
        self.fresh: dict[str, _Entry] = {}
        self.hits = 0
        self.misses = 0
        # What this cache gave for each key, with the digest of the bytes it was for: given again, the same
        # objects (frozen), while the file's bytes are the same (a preview session loads on every save).
        self.given: dict[str, tuple[str, Any]] = {}
        # What every file's result depends on besides its bytes (the glossary, which module pages mark up):
        # part of each entry's digest, so a change to it is a miss for every file.
        self.context = ""
        self._read()

    def _header(self) -> bytes:
        return json.dumps({"format": "bundlesmith-load-cache", "version": FORMAT, "tool": tool_key()},
                          separators=(",", ":")).encode()

    def _read(self) -> None:
        """Every entry of a cache written by this bundlesmith; nothing at all from any other file."""
        try:
            with open(os.open(self.folder / FILE, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as handle:
                header = handle.readline(HEADER_LIMIT)
                if header.rstrip(b"\n") != self._header():
                    return
                entries = _ENTRIES.decode(handle.read())
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return
        self.entries = {entry.key: entry for entry in entries}

    def _mac(self, key: str, digest: str, value: bytes) -> str:
        return signing.mac(self.secret, tool_key().encode(), key.encode(), digest.encode(), value)

    def _stored(self, kind: str, key: str, digest: str) -> Any:
        """The stored result for this key and file digest, if its signature and its data are sound."""
        given = self.given.get(key)
        if given is not None and given[0] == digest:
            self.hits += 1
            return _fresh_lists(given[1])
        entry = self.entries.get(key)
        if entry is None or entry.digest != digest:
            return None
        value = bytes(entry.value)
        if not hmac.compare_digest(entry.mac, self._mac(key, digest, value)):
            return None
        try:
            result = codec.decode(kind, value)
        except codec.Undecodable:
            return None
        self.hits += 1
        self.given[key] = (digest, result)
        return _fresh_lists(result)

    def cached(self, kind: str, file: Path, path: str, **options: Any) -> Any:
        """What loading the file gave last time for the same bytes, or None (then parse it, and remember())."""
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                return None
            digest = file_digest(file.read_bytes(), self.context)
        except OSError:
            return None
        return self._stored(kind, _key(kind, file, path, options), digest)

    def remember(self, kind: str, file: Path, path: str, digest: str, encoded: bytes, **options: Any) -> None:
        """Keep a result parsed elsewhere (another process): `encoded` (codec) for the bytes with `digest`."""
        self.misses += 1
        key = _key(kind, file, path, options)
        self.fresh[key] = _Entry(key, digest, self._mac(key, digest, encoded), msgspec.Raw(encoded))

    def load(self, kind: str, loader: Callable[..., Any], file: Path, path: str, **options: Any) -> Any:
        """`loader(file, path, **options)`, or what it returned last time for the same bytes."""
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                return loader(file, path, **options)  # refused by size without reading it; not worth keeping
            raw = file.read_bytes()
        except OSError:
            return loader(file, path, **options)  # the loader reports why the file cannot be read
        digest = file_digest(raw, self.context)
        stored = self._stored(kind, _key(kind, file, path, options), digest)
        if stored is not None:
            return stored
        result = loader(file, path, raw=raw, **options)
        self.remember(kind, file, path, digest, codec.encode(result), **options)
        self.given[_key(kind, file, path, options)] = (digest, result)
        return _fresh_lists(result)

    def keep(self) -> None:
        """Keep what was parsed afresh in memory only, for the next load through this cache (a preview
        session loads again on every save, and never writes the cache)."""
        self.entries.update(self.fresh)
        self.fresh = {}

    @property
    def file(self) -> Path:
        """Where the cache is kept (emit.replace_file writes it there)."""
        return self.folder / FILE

    def snapshot(self) -> Iterator[bytes] | None:
        """The cache file's new bytes, in pieces made as they are written, if anything was parsed afresh
        (None: nothing to write). Entries of files that no longer exist are dropped. Each entry is encoded
        when its turn comes, never the whole file into one buffer: the cache is megabytes, and a buffer that
        size, freed once written, stayed in the process as memory its allocator would not give back, which
        every process forked later (a build's workers) carried too (12 MB at 1,000 modules)."""
        if not self.fresh:
            return None
        entries = {key: value for key, value in self.entries.items()
                   if key not in self.fresh and os.path.exists(json.loads(key)[1])}
        entries.update(self.fresh)
        self.entries, self.fresh = entries, {}
        return self._pieces(entries, sorted(entries))

    def _pieces(self, entries: dict[str, _Entry], keys: list[str]) -> Iterator[bytes]:
        yield self._header() + b"\n["
        for i, key in enumerate(keys):
            yield (b"," if i else b"") + _ENCODE.encode(entries[key])
        yield b"]"


# What older versions kept beside the cache (state.OBSOLETE, the one list) and never read: removed when the
# cache is saved.
OBSOLETE = tuple(path.removeprefix(f"{FOLDER}/") for path in state.OBSOLETE if path.startswith(f"{FOLDER}/"))


def file_digest(raw: bytes, context: str = "") -> str:
    """What an entry's file bytes (and the cache's context) are compared by."""
    digest = hashlib.blake2b(raw, digest_size=20)
    if context:
        digest.update(b"\0" + context.encode())
    return digest.hexdigest()


def open_cache(folder: Path | None) -> LoadCache | None:
    """The cache in `folder`, or None (load everything) for no folder or when this user has no signing key."""
    if folder is None:
        return None
    secret = signing.signing_key()
    return LoadCache(folder, secret) if secret is not None else None

