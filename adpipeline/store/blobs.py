"""Images and videos as immutable files named by the SHA-256 of their content.

A file's name is its checksum, so every read can tell a damaged file from a good one,
identical media is stored once, and a video has a real path a player can open. Files
are written beside their final name and renamed into place, so a reader never sees
half a file. Putting content whose file exists but no longer matches its name
replaces that file: regenerating a damaged item repairs it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import CorruptBlob, InvalidInput
from ..models import BLOB_NAME
from .faults import storage_faults

_CHUNK = 1 << 20


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class BlobStore:
    """Content-addressed files under ``root/ab/<sha256>.<ext>``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"BlobStore({str(self.root)!r})"

    def put(self, data: bytes, ext: str) -> str:
        """Store ``data`` and return its name. Repairs a damaged file of the same name."""
        name = f"{hashlib.sha256(data).hexdigest()}.{_check_ext(ext)}"
        path = self._path(name)
        if not self.intact(name):
            with storage_faults(path):
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
                try:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(data)
                    os.replace(tmp, path)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
        return name

    def put_file(self, source: Path, ext: str) -> str:
        """Move a finished file (a rendered video) into the store without reading it twice."""
        name = f"{_file_digest(source)}.{_check_ext(ext)}"
        path = self._path(name)
        with storage_faults(path):
            if self.intact(name):
                source.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                # Copy beside the target first: a rename within one folder is atomic,
                # a move from another file system is not.
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
                os.close(fd)
                try:
                    shutil.move(str(source), tmp)
                    os.replace(tmp, path)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
        return name

    def get(self, name: str) -> bytes:
        """The content of ``name``, after checking it against its name."""
        path = self._path(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise self._missing(name) from None
        except OSError as exc:
            raise CorruptBlob(f"blob {name} cannot be read ({exc.strerror}); regenerate the "
                              "item or revert to another version.") from None
        if hashlib.sha256(data).hexdigest() != name.split(".")[0]:
            raise self._damaged(name)
        return data

    def path(self, name: str) -> Path:
        """The file's path, after checking its content against its name."""
        path = self._path(name)
        if not path.is_file():
            raise self._missing(name)
        if _file_digest(path) != name.split(".")[0]:
            raise self._damaged(name)
        return path

    def intact(self, name: str) -> bool:
        """Whether ``name`` exists and its content matches its name.

        A file found intact counts as just used, so garbage collection, which spares
        recent files, does not delete media a writer is about to refer to.
        """
        path = self._path(name)
        try:
            if not (path.is_file() and _file_digest(path) == name.split(".")[0]):
                return False
            with contextlib.suppress(OSError):  # a read-only store can still be read
                os.utime(path)
            return True
        except OSError:
            return False

    def names(self) -> Iterator[tuple[str, float]]:
        """Every stored blob's name and modification time (for garbage collection)."""
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if BLOB_NAME.fullmatch(path.name):
                    try:
                        yield path.name, path.stat().st_mtime
                    except FileNotFoundError:
                        continue  # deleted meanwhile

    def remove_unused(self, name: str, *, not_used_since: float, dry_run: bool = False) -> int | None:
        """Delete ``name`` unless it was written or used (see :meth:`intact`) after
        ``not_used_since`` (a ``time.time()``); return the bytes freed, or ``None`` if kept.

        The time is read again right before the delete, so a writer that reused the
        file a moment ago keeps it.
        """
        path = self._path(name)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        if stat.st_mtime > not_used_since:
            return None
        if not dry_run:
            path.unlink(missing_ok=True)
        return stat.st_size

    def remove_leftovers(self, older_than_s: float) -> int:
        """Delete temporary files of writes that died (older than ``older_than_s``)."""
        removed = 0
        cutoff = time.time() - older_than_s
        for tmp in self.root.glob("*/.tmp-*") if self.root.is_dir() else ():
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def _path(self, name: str) -> Path:
        if not isinstance(name, str) or not BLOB_NAME.fullmatch(name):
            raise InvalidInput(f"{name!r} is not a blob name.")
        return self.root / name[:2] / name

    def _missing(self, name: str) -> CorruptBlob:
        return CorruptBlob(f"blob {name} is missing from {self.root}; regenerate the item or "
                           "revert to another version.")

    def _damaged(self, name: str) -> CorruptBlob:
        return CorruptBlob(f"blob {name} in {self.root} is corrupted (its content no longer "
                           "matches its hash); regenerate the item or revert to another version.")


def _check_ext(ext: object) -> str:
    if not isinstance(ext, str) or not re.fullmatch(r"[a-z0-9]{1,5}", ext):
        raise InvalidInput(f"blob extension {ext!r} must be 1-5 lowercase letters or digits.")
    return ext
