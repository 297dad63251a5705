"""Converting a store written by adpipeline 0.1.0, in place and safe to interrupt.

0.1.0 kept each session as one diskcache value, ``("session", id) -> (version, JSON)``,
beside ``("summary", id) -> dict``, with tuple keys (which diskcache pickles). Each
session is rewritten in the current layout in its own transaction; only after that
commit are the old keys deleted. A conversion killed at any point is finished by the
next open: a session already converted just has its old keys removed.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

import diskcache
from pydantic import ValidationError

from ..models import Session

log = logging.getLogger(__name__)


def present(con: sqlite3.Connection | None) -> bool:
    """Whether the database holds 0.1.0's keys (diskcache marks pickled keys raw=0)."""
    return con is not None and con.execute("SELECT 1 FROM Cache WHERE raw = 0 LIMIT 1").fetchone() is not None


def convert(writer: diskcache.Cache, write: Callable[[diskcache.Cache, Session], None]) -> int:
    """Rewrite every 0.1.0 session with ``write``; return how many were converted."""
    old_keys = [key for key in writer.iterkeys() if isinstance(key, tuple) and len(key) == 2]
    converted = 0
    for kind, session_id in old_keys:
        if kind != "session":
            continue
        stored = writer.get((kind, session_id), retry=True)
        if stored is None:
            # 0.1.0 could lose the file of a large session when a save was killed.
            log.warning("session %s could not be read from the 0.1.0 store and is skipped",
                        session_id)
            continue
        with writer.transact(retry=True):
            if writer.get(f"version/{session_id}", retry=True) is None:
                try:
                    version, text = stored
                    session = Session.model_validate_json(text).model_copy(
                        update={"version": int(version)}
                    )
                except (ValidationError, ValueError, TypeError) as exc:
                    log.warning("session %s of the 0.1.0 store does not parse (%s); kept as it "
                                "was", session_id, exc)
                    continue
                write(writer, session)
                converted += 1
    # Old values are deleted only after their new copies committed: deleting inside a
    # transaction would remove their files before the commit.
    for key in old_keys:
        if key[0] == "summary" or writer.get(f"version/{key[1]}", retry=True) is not None:
            writer.delete(key, retry=True)
    if converted:
        log.info("converted %d session(s) from the 0.1.0 store layout", converted)
    return converted
