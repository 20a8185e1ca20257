"""Deterministic zips in memory: the same entries give the same bytes, whatever their order or the clock."""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterable

# Zip entries carry this date so that the same input gives byte-identical packages.
FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Formats that deflate cannot shrink: stored, not compressed again.
COMPRESSED = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".woff", ".woff2", ".mp3", ".mp4", ".m4a", ".webm",
              ".ogg", ".zip", ".gz")


def zip_bytes(entries: Iterable[tuple[str, bytes]], base: bytes = b"") -> bytes:
    """A deterministic zip: entries sorted by name, fixed dates and permissions, deflated at zlib's default
    level (9 makes the files about 1% smaller for half as much time again), media that is compressed already
    stored as it is.

    `base`, a zip from zip_bytes() of files many zips share (compressed once), comes first: its entries,
    then these, each group sorted by name."""
    items = sorted(entries, key=lambda e: e[0])
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        raise ValueError("duplicate zip entries")
    buffer = io.BytesIO(base)
    buffer.seek(0, io.SEEK_END)
    with zipfile.ZipFile(buffer, "a" if base else "w") as archive:
        if base and set(archive.namelist()) & set(names):
            raise ValueError("duplicate zip entries")
        for name, data in items:
            _add(archive, name, data)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, FIXED_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(COMPRESSED) else zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.create_system = 3  # unix, so the permissions above mean the same everywhere
    archive.writestr(info, data, compresslevel=6)
