"""The provider-call cache: content-hash key -> the JSON-able result of that call.

It is only a cache: an entry that cannot be read counts as a miss (the call is made
again and paid again), so a damaged cache never stops work, but it is reported once.
Writes that fail are reported as :class:`~adpipeline.errors.StoreError`, because a
call that was paid for and then not cached would be paid for twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import diskcache

from .faults import storage_faults, translate

log = logging.getLogger(__name__)

#: Keep every value inside SQLite so a write is one transaction (see sessions.py).
IN_DATABASE = 1 << 40


#: Entries are (_STAMP, stored_at, result): results are JSON-able, so never tuples,
#: and entries of 0.1.0 (the bare result) are told apart. The time lets garbage
#: collection spare entries whose session has not been saved yet.
_STAMP = "adpipeline-call"


def _stamped(found: Any) -> bool:
    return isinstance(found, tuple) and len(found) == 3 and found[0] == _STAMP


def _result(found: Any) -> Any:
    return found[2] if _stamped(found) else found


class CallCache:
    """``get``/``set`` of provider results, opened on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache: diskcache.Cache | None = None
        self._lock = threading.Lock()
        self._warned = False

    def __repr__(self) -> str:
        return f"CallCache({str(self.directory)!r})"

    def _open(self) -> diskcache.Cache:
        with self._lock:
            if self._cache is None:
                with storage_faults(self.directory):
                    self._cache = diskcache.Cache(
                        str(self.directory), size_limit=2**32, disk_min_file_size=IN_DATABASE
                    )
            return self._cache

    def get(self, key: str, default: Any = None, *, retry: bool = True) -> Any:
        try:
            found = self._open().get(key, None, retry=retry)
            return default if found is None else _result(found)
        except Exception as exc:  # a cache that cannot be read is a miss, said once
            if not self._warned:
                self._warned = True
                log.warning("the call cache cannot be read, so calls are made again: %s",
                            translate(exc, self.directory))
            return default

    def set(self, key: str, value: Any, *, retry: bool = True) -> None:
        cache = self._open()
        with storage_faults(self.directory):
            cache.set(key, (_STAMP, time.time(), value), retry=retry)

    def entries(self) -> Iterator[tuple[str, Any, float]]:
        """Every entry's key, value and the time it was stored (for garbage collection)."""
        cache = self._open()
        with storage_faults(self.directory):
            for key in list(cache.iterkeys()):
                found = cache.get(key, retry=True)
                if found is None:
                    continue
                stored_at = found[1] if _stamped(found) else 0.0
                yield key, _result(found), stored_at

    def remove(self, key: str) -> None:
        cache = self._open()
        with storage_faults(self.directory):
            cache.delete(key, retry=True)

    def close(self) -> None:
        with self._lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None
