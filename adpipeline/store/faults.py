"""Storage faults as errors from adpipeline's tree, each naming the path and a next step.

SQLite, the OS and pydantic describe a fault in their own words ("database disk image
is malformed", ``[Errno 28]``, a validation dump). A person needs to know which folder
is affected and what to do about it, and a caller needs one exception type to catch.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreCorrupt, StoreError

_CORRUPT_WORDS = ("malformed", "not a database", "file is encrypted", "database corrupt")


def corrupt_database(path: Path, detail: str) -> StoreCorrupt:
    return StoreCorrupt(
        f"the session database {path} is damaged ({detail}). Nothing was changed. Move "
        f"{path.parent} aside and restore it from a backup, or point ADPIPELINE_HOME at "
        "another folder to start afresh."
    )


def read_only(path: Path) -> StoreError:
    return StoreError(
        f"cannot save to {path}: it is read-only, so nothing was saved. Make it writable "
        "(chmod -R u+w) or set ADPIPELINE_HOME to a folder you can write to; reading works."
    )


def disk_full(path: Path) -> StoreError:
    return StoreError(
        f"the disk holding {path} is full, so nothing was saved. Free some space (or run "
        "`adpipeline gc` to delete images and videos no session uses) and try again."
    )


def translate(error: BaseException, path: Path) -> StoreError:
    """The tree's error for a low-level storage ``error`` at ``path``."""
    if isinstance(error, StoreError):
        return error
    message = str(error)
    lowered = message.lower()
    if isinstance(error, sqlite3.DatabaseError):
        if any(word in lowered for word in _CORRUPT_WORDS):
            return corrupt_database(path, message)
        if "readonly" in lowered or "read-only" in lowered:
            return read_only(path)
        if "disk is full" in lowered or "database or disk is full" in lowered:
            return disk_full(path)
        if "unable to open" in lowered:
            return StoreError(
                f"cannot open {path} ({message}). Check that the folder exists and that you "
                "may read and write it, or set ADPIPELINE_HOME to another folder."
            )
        return StoreError(f"the session database {path} failed: {message}. Try again; if it "
                          "keeps failing, move the folder aside and restore a backup.")
    if isinstance(error, OSError):
        target = error.filename or path
        if error.errno == errno.ENOSPC or error.errno == errno.EDQUOT:
            return disk_full(Path(target))
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return read_only(Path(target))
        if error.errno in (errno.EEXIST, errno.ENOTDIR):
            return StoreError(
                f"{target} is in the way: it is a file where adpipeline keeps a folder. "
                "Move the file or set ADPIPELINE_HOME to a folder."
            )
        return StoreError(f"cannot use {target}: {error.strerror or error}. Check the path "
                          "and its permissions, or set ADPIPELINE_HOME to another folder.")
    return StoreError(f"the store at {path} failed: {type(error).__name__}: {message}")


@contextmanager
def storage_faults(path: Path) -> Iterator[None]:
    """Raise the tree's error for any SQLite or OS failure inside the block."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        raise translate(exc, path) from exc
