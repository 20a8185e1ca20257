"""This user's secret, and records sealed with it: what lets bundlesmith trust a file it finds in build/.

Anything in build/ may have come from elsewhere (a CI cache, a shared drive, an archive) or been edited.
Records that decide whether an output is reused (the load cache, package and report reuse, "nothing
changed") are signed with an HMAC-SHA256 whose key is made once per user in their own cache folder
(`$XDG_CACHE_HOME/bundlesmith/key`, else `~/.cache/bundlesmith/key`, mode 0600). A record that is not
signed with it is ignored: the output is built again.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Iterator
from functools import lru_cache
from io import BufferedReader
from pathlib import Path

KEY_BYTES = 32


def _user_cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base and os.path.isabs(base) else Path.home() / ".cache") / "bundlesmith"


def signing_key() -> bytes | None:
    """This user's secret, made on first use (mode 0600); None when it can be neither read nor made."""
    return _key_in(_user_cache_folder() / "key")


@lru_cache(maxsize=4)
def _key_in(file: Path) -> bytes | None:
    try:
        with open(os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as handle:
            key = handle.read(64)
        if len(key) >= KEY_BYTES:
            return key
    except OSError:
        pass
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_bytes(KEY_BYTES)
        temp = file.with_name(f".key-{os.getpid()}-{secrets.token_hex(4)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        with contextlib.suppress(FileExistsError):
            os.link(temp, file)  # never replace a key another process made meanwhile
        os.unlink(temp)
        return _key_in.__wrapped__(file)
    except OSError:
        return None


def mac(secret: bytes, *parts: bytes) -> str:
    """HMAC-SHA256 of the parts, joined by NUL bytes."""
    return hmac.new(secret, b"\0".join(parts), hashlib.sha256).hexdigest()


def _canonical(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def seal(kind: str, data: object) -> str:
    """`data` (plain JSON values) as a record only this user's bundlesmith will accept, for `unseal`."""
    secret = signing_key()
    signature = mac(secret, kind.encode(), _canonical(data)) if secret is not None else ""
    return json.dumps({"kind": kind, "mac": signature, "data": data}, indent=1, sort_keys=True,
                      ensure_ascii=False) + "\n"


def unseal(kind: str, file: Path) -> object:
    """The data of a record `seal(kind, ...)` wrote to `file`, or None: missing, a link, malformed, of
    another kind, or not signed with this user's key."""
    secret = signing_key()
    if secret is None:
        return None
    try:
        with open(os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as handle:
            record = json.loads(handle.read())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict) or record.get("kind") != kind or not isinstance(record.get("mac"), str):
        return None
    if not hmac.compare_digest(record["mac"], mac(secret, kind.encode(), _canonical(record.get("data")))):
        return None
    return record.get("data")


def file_sha256(path: Path) -> str | None:
    """The sha256 of a regular file (never through a symlink), or None."""
    try:
        with _open_regular(path) as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() if handle is not None else None
    except OSError:
        return None


def regular_file_bytes(path: Path) -> bytes | None:
    """The bytes of a regular file (never through a symlink), or None."""
    try:
        with _open_regular(path) as handle:
            return handle.read() if handle is not None else None
    except OSError:
        return None


@contextlib.contextmanager
def _open_regular(path: Path) -> Iterator[BufferedReader | None]:
    """The file open for reading when it is a regular file, else None (a FIFO is not waited on)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    with open(os.open(path, flags), "rb") as handle:
        yield handle if stat.S_ISREG(os.fstat(handle.fileno()).st_mode) else None
