"""Emit stage: the only code that writes into build/. Everything is staged, then swapped in at the end.

Renderers return bytes (output_files.Tree); this module puts them in the staging folder, links files
that exist already (this build's packages into its site, the last build's verified files), and
replaces single files atomically (the load cache that `check` keeps in build/). A build that succeeds
also removes the records older versions kept in build/ (state.OBSOLETE).

A build that fails at any point (bad content, a render error, a full disk, Ctrl-C) removes its staging
folder and leaves the previous build/ exactly as it was. A build that succeeds moves what it replaced out
of build/ at once and leaves its removal to a process of its own (discard).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType

from bundlesmith import state
from bundlesmith.output_files import Existing


class Staging:
    """A staging folder beside build/'s outputs. Use as a context manager; call `commit()` to swap in."""

    def __init__(self, out: Path) -> None:
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

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
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

    def write(self, name: str, files: Mapping[str, bytes | Existing], even_empty: bool = False) -> None:
        """Put rendered files (relative path -> bytes, or an Existing file to link) into the staged
        build/<name>/, in name order; with `even_empty`, that folder is staged even when there are none
        (the commit then replaces the last build's folder with an empty one)."""
        folder = self.path / name
        if even_empty:
            folder.mkdir(parents=True, exist_ok=True)
        for rel in sorted(files):
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = files[rel]
            if isinstance(data, Existing):
                link_or_copy(data.source, target)
            else:
                target.write_bytes(data)

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
            shutil.rmtree(trash, ignore_errors=True)
            raise
        self._committed = True
        discard(trash, self.out)
        remove_records(self.out, state.OBSOLETE)


def discard(trash: Path, out: Path) -> None:
    """Remove the outputs a build has replaced (parked in `trash`) without making the command wait for
    the disk: they leave build/ at once, for a folder beside it (`.<build>.old-<pid>`), which a process of
    its own removes. Where that cannot be done (no fork, another filesystem) they are removed here."""
    aside = out.parent / f".{out.name}.old-{os.getpid()}"
    try:
        if aside.exists() or aside.is_symlink() or not hasattr(os, "fork"):
            raise OSError("removed here")
        trash.rename(aside)
    except OSError:
        shutil.rmtree(trash, ignore_errors=True)
        return
    if not _remove_detached(aside):
        shutil.rmtree(aside, ignore_errors=True)


def _remove_detached(folder: Path) -> bool:
    """Remove `folder` in a grandchild process (so that no process has to wait for it), with no file of
    this one open: whoever reads this command's output sees it end now."""
    try:
        child = os.fork()
    except OSError:
        return False
    if child:
        os.waitpid(child, 0)
        return True
    try:  # the child: fork the remover, and end at once
        if os.fork() == 0:
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.closerange(3, 4096)
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        os._exit(0)


def remove_records(out: Path, records: Iterable[str]) -> None:
    """Remove files older versions kept in build/ (`records`: paths from build/), each only where it is a
    file or a link in a folder of build/ itself: nothing is followed through a symlinked folder, and a
    symlink at a record's place is removed, not what it points at."""
    for record in records:
        *folders, name = record.split("/")
        try:
            fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            for folder in folders:
                inner = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = inner
            kind = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
            if stat.S_ISREG(kind) or stat.S_ISLNK(kind):
                os.unlink(name, dir_fd=fd)
        except OSError:
            pass  # not there (or not ours to reach): nothing to remove
        finally:
            os.close(fd)


def remove_stale(out: Path) -> None:
    """Remove staging and parked folders left by builds that were killed: their process no longer exists."""
    for folder in out.glob(".staging-*"):
        _remove_if_orphaned(folder, folder.name[len(".staging-"):])
    for folder in out.glob(".old-*"):
        _remove_if_orphaned(folder, folder.name[len(".old-"):])
    prefix = f".{out.name}.old-"  # replaced outputs a removal did not finish (see discard)
    for folder in out.parent.glob(f"{prefix}*"):
        _remove_if_orphaned(folder, folder.name[len(prefix):])


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


def replace_file(target: Path, data: bytes | bytearray | Iterable[bytes], obsolete: Iterable[str] = ()) -> bool:
    """Write one file (its bytes, or its bytes in pieces) in one step: a temporary file beside it, renamed
    over it, so two writers at once never leave it half written (the last to finish wins), and pieces that
    fail half way leave the old file as it was. Never through a symlinked folder; temporary files a killed
    writer left (an hour old or more) and the `obsolete` files beside it are removed. False when it could
    not be written (the caller goes on without it)."""
    folder = target.parent
    temp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if folder.is_symlink():
            return False
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes | bytearray):
                handle.write(data)
            else:
                handle.writelines(data)
        os.replace(temp, target)
        temp = None
    except OSError:
        return False
    finally:
        if temp is not None:
            _unlink(Path(temp))
    cutoff = time.time() - 3600
    for stale in folder.glob(f".{target.name}-*.tmp"):
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
    for name in obsolete:
        _unlink(folder / name)
    return True


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
