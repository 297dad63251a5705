"""Reading the sessions database: a read-only SQLite connection per thread, and read
transactions, so everything one load reads comes from one commit.

diskcache reads one key at a time through its own connection; this reads ranges of
keys in one query, and works in a home that cannot be written to.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .faults import corrupt_database, storage_faults


class Reader:
    """Read-only access to one diskcache database (``cache.db``)."""

    def __init__(self, db: Path) -> None:
        self._db = db
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection | None:
        """This thread's read-only connection (None while the store has no database)."""
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is not None and self._local.pid == os.getpid():
            return con
        if not self._db.exists():
            return None
        if self._db.stat().st_size == 0:
            raise corrupt_database(self._db, "the file is empty (0 bytes)")
        uri = "file:" + quote(str(self._db))
        with storage_faults(self._db):
            try:
                con = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=60,
                                      isolation_level=None, check_same_thread=False)
                con.execute("SELECT count(*) FROM Cache WHERE 0").fetchall()
            except sqlite3.OperationalError:
                # A WAL database in a folder nobody may write to cannot make its shared
                # memory file; read the last checkpoint instead.
                con = sqlite3.connect(uri + "?immutable=1", uri=True, timeout=60,
                                      isolation_level=None, check_same_thread=False)
                con.execute("SELECT count(*) FROM Cache WHERE 0").fetchall()
        self._local.con, self._local.pid = con, os.getpid()
        return con

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection | None]:
        """A read transaction: everything read inside comes from one commit."""
        con = self.connection()
        if con is None:
            yield None
            return
        with storage_faults(self._db):
            con.execute("BEGIN")
            try:
                yield con
            finally:
                con.execute("COMMIT")

    def value(self, key: str, con: sqlite3.Connection | None = None) -> Any:
        """The value stored under ``key`` (None if there is none)."""
        con = con or self.connection()
        if con is None:
            return None
        with storage_faults(self._db):
            row = con.execute("SELECT value, filename FROM Cache WHERE key = ? AND raw = 1",
                              (key,)).fetchone()
        if row is None:
            return None
        if row[1] is not None:
            raise corrupt_database(self._db, f"{key} was stored outside the database")
        return row[0]

    def rows(self, con: sqlite3.Connection, start: str, stop: str) -> list[tuple[str, Any]]:
        """Every (key, value) with ``start <= key < stop``, in key order."""
        with storage_faults(self._db):
            rows: list[tuple[str, Any]] = con.execute(
                "SELECT key, value FROM Cache WHERE key >= ? AND key < ? AND raw = 1 ORDER BY key",
                (start, stop),
            ).fetchall()
        return rows

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
