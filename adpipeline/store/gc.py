"""Deleting media and cached provider results that no session refers to.

Safe while another process works: a writer stores a result and its media *before*
the save that refers to them, so anything newer than ``min_age`` is spared, and a
file is looked at again just before it is deleted. Media is "used" when it is
written or found intact by a cache hit (see :meth:`BlobStore.intact`).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta

from ..errors import SessionNotFound
from ..models import blob_names_in
from .sessions import SessionStore

_LEDGER_KEY = re.compile(r'"key":"([0-9a-f]{64})"')


@dataclass
class Collected:
    """What garbage collection deleted (or, in a dry run, would delete)."""

    blobs: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    bytes: int = 0
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        return (f"{verb} {len(self.blobs)} unused image/video file(s) "
                f"({self.bytes / 1e6:.1f} MB) and {len(self.calls)} unused cached call(s)")


def collect(
    store: SessionStore, *, dry_run: bool = False, min_age: timedelta = timedelta(hours=1)
) -> Collected:
    """Delete blobs and call-cache entries that no session refers to and that are older
    than ``min_age``."""
    cutoff = time.time() - min_age.total_seconds()
    used_blobs: set[str] = set()
    used_calls: set[str] = set()
    for session_id in [summary.id for summary in store.list()]:
        try:
            for text in store.raw_records(session_id):
                used_blobs.update(blob_names_in(text))
                used_calls.update(_LEDGER_KEY.findall(text))
        except SessionNotFound:
            continue
    done = Collected(dry_run=dry_run)
    for key, result, stored_at in store.calls.entries():
        if key in used_calls or stored_at > cutoff:
            used_blobs.update(blob_names_in(json.dumps(result, default=str)))
            continue
        done.calls.append(key)
        if not dry_run:
            store.calls.remove(key)
    for name, modified in store.blobs.names():
        if name in used_blobs or modified > cutoff:
            continue
        freed = store.blobs.remove_unused(name, not_used_since=cutoff, dry_run=dry_run)
        if freed is not None:
            done.blobs.append(name)
            done.bytes += freed
    if not dry_run:
        store.blobs.remove_leftovers(min_age.total_seconds())
    return done
