"""Emit stage: the only code that writes into build/. Everything is staged, then swapped in at the end.

A build that fails at any point (bad content, a render error, a full disk, Ctrl-C) removes its staging
folder and leaves the previous build/ exactly as it was.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path

# Zip entries carry this date so that the same input gives byte-identical packages.
FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Formats that deflate cannot shrink: stored, not compressed again.
COMPRESSED = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".woff", ".woff2", ".mp3", ".mp4", ".m4a", ".webm",
              ".ogg", ".zip", ".gz")


class Staging:
    """A staging folder beside build/'s outputs. Use as a context manager; call `commit()` to swap in."""

    def __init__(self, out: Path):
        self.out = out
        self.path = out / f".staging-{os.getpid()}"
        self._committed = False

    def __enter__(self) -> Staging:
        self.out.mkdir(parents=True, exist_ok=True)
        remove_stale(self.out)
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def keep_existing(self, name: str, keep: Iterable[str]) -> None:
        """Carry files of the current build/<name>/ that this build does not replace into the staging copy."""
        current = self.out / name
        staged = self.path / name
        for rel in keep:
            source = current / rel
            if _regular(source) and not (staged / rel).exists():
                (staged / rel).parent.mkdir(parents=True, exist_ok=True)
                link_or_copy(source, staged / rel)

    def write(self, name: str, files: dict[str, bytes]) -> None:
        """Write rendered files (relative path -> bytes) into the staged build/<name>/, in name order."""
        folder = self.path / name
        for rel in sorted(files):
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])

    def commit(self, names: Iterable[str]) -> None:
        """Swap each staged output folder into build/ with renames; if any rename fails, undo the others."""
        trash = self.out / f".old-{os.getpid()}"
        trash.mkdir(exist_ok=True)
        done: list[tuple[Path, Path, Path | None]] = []  # (staged, final, parked)
        try:
            for name in names:
                staged = self.path / name
                if not staged.exists():
                    continue
                final = self.out / name
                final.parent.mkdir(parents=True, exist_ok=True)
                parked = None
                if final.exists():
                    parked = trash / name
                    parked.parent.mkdir(parents=True, exist_ok=True)
                    final.rename(parked)
                done.append((staged, final, parked))
                staged.rename(final)
        except BaseException:
            for staged, final, parked in reversed(done):
                if final.exists() and not staged.exists():
                    final.rename(staged)
                if parked is not None and parked.exists():
                    parked.rename(final)
            raise
        finally:
            shutil.rmtree(trash, ignore_errors=True)
        self._committed = True


def remove_stale(out: Path) -> None:
    """Remove staging and parked folders left by builds that were killed: their process no longer exists."""
    for folder in out.glob(".staging-*"):
        _remove_if_orphaned(folder, folder.name[len(".staging-"):])
    for folder in out.glob(".old-*"):
        _remove_if_orphaned(folder, folder.name[len(".old-"):])


def _remove_if_orphaned(folder: Path, pid: str) -> None:
    if not pid.isdigit() or int(pid) == os.getpid() or folder.is_symlink():
        return
    try:
        os.kill(int(pid), 0)
        return  # a build still running (or a process that has its number): not ours to touch
    except ProcessLookupError:
        shutil.rmtree(folder, ignore_errors=True)
    except (PermissionError, OverflowError):
        return


def _regular(path: Path) -> bool:
    """A regular file, not a symlink (one planted in build/ must never pull a file from elsewhere in)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def link_or_copy(source: Path, target: Path) -> None:
    """Put a file of the last build (or of this one) at `target`: a hard link on the same filesystem, else
    a copy. Only for build outputs, which are never changed in place (a project file may be: copy it).
    A symlink is refused: nothing found in build/ is followed."""
    if not _regular(source):
        raise FileNotFoundError(f"not a regular file: {source}")
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_zip(target: Path, entries: Iterable[tuple[str, bytes]], base: bytes = b"") -> None:
    """A deterministic zip: entries sorted by name, fixed dates and permissions, deflated at zlib's default
    level (9 makes the files about 1% smaller for half as much time again), media that is compressed already
    stored as it is.

    `base`, a zip from zip_bytes() of files many zips share (compressed once), comes first: its entries,
    then these, each group sorted by name."""
    items = sorted(entries, key=lambda e: e[0])
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate zip entries in {target.name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(base)
    with zipfile.ZipFile(partial, "a" if base else "w") as archive:
        if base and set(archive.namelist()) & set(names):
            raise ValueError(f"duplicate zip entries in {target.name}")
        for name, data in items:
            _add(archive, name, data)
    partial.replace(target)


def zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A deterministic zip (as write_zip writes) in memory: the base of other zips."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(entries, key=lambda e: e[0]):
            _add(archive, name, data)
    return buffer.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, FIXED_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(COMPRESSED) else zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.create_system = 3  # unix, so the permissions above mean the same everywhere
    archive.writestr(info, data, compresslevel=6)
