"""Sessions on diskcache: a commit is one SQLite transaction at any size, and a change
costs the same on a long session as on a new one.

Layout of ``$ADPIPELINE_HOME/sessions`` (one diskcache, string keys, every value a
string or an integer kept inside SQLite)::

    format                               2
    version/<id>                         the committed version number (what pollers read)
    session/<id>                         the "head": the session without its histories,
                                         and how many records each history has
    summary/<id>                         what ``ap.sessions()`` lists
    record/<id>/conversation/000000041   one chat message
    record/<id>/ledger/000000007         one provider call
    record/<id>/<stage>/000000003        one version of a stage's output

Trade-offs:

* **Everything stays inside SQLite.** diskcache moves values over
  ``disk_min_file_size`` (32 KB) to side files and, inside ``transact()``, deletes the
  replaced file before the outer COMMIT: a process killed in between, or a reader in
  between, finds the row pointing at a deleted file, which ``get`` reports as missing.
  With the threshold set beyond any record, a save is a single SQLite transaction:
  it commits whole or not at all, and readers see the last commit (WAL). The cost is
  a larger ``cache.db``; sessions are text, and media is kept outside as blobs.
* **Histories are appended, never rewritten.** Messages, ledger entries and versions
  only grow, so a save writes the head, the summary and the new records: a feedback
  costs about the same at 2,000 messages as at 10. A save checks that the records it
  already stored are the ones the session still holds (appending is the only change
  allowed to history), by identity first, which is free for sessions this store
  loaded.
* **Parsed records are kept in memory per process**, keyed by an "epoch" written at
  creation, so loading a long session parses only the records it has not seen.
  Records are frozen models, so sharing them between loaded copies is safe.
* **Reads use a read-only SQLite connection** inside one read transaction, so the
  head and its records come from the same commit, ranges of records come back in one
  query (diskcache has no range read), and a read-only home can still be read.
  Writes go through diskcache's ``transact()``, which takes SQLite's write lock before
  the version check (optimistic locking: two writers can never both win).
* **Faults are errors from adpipeline's tree** naming the path and the next step
  (:mod:`.faults`). A 0-byte ``cache.db`` is reported, never treated as a new store:
  a new store is built in a temporary folder and renamed into place, so an empty
  database can only mean damage.
"""

from __future__ import annotations

import builtins
import json
import logging
import operator
import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import diskcache
import platformdirs
from pydantic import ValidationError

from ..errors import ConflictError, InvalidInput, SessionNotFound, StoreCorrupt, StoreError
from ..models import STAGES, Session, SessionSummary, check_session_id, now
from . import legacy
from .blobs import BlobStore
from .calls import IN_DATABASE, CallCache
from .faults import corrupt_database, read_only, storage_faults, translate
from .reader import Reader
from .records import HISTORIES, RecordMemory, history_of, record_key

log = logging.getLogger(__name__)

FORMAT = 2


def default_home() -> Path:
    configured = os.environ.get("ADPIPELINE_HOME")
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("adpipeline", appauthor=False))


class SessionStore:
    """Sessions with optimistic locking, blobs and the call cache under one directory."""

    def __init__(self, home: Path | str | None = None) -> None:
        self.home = Path(home) if home is not None else default_home()
        self._folder = self.home / "sessions"
        self._db = self._folder / "cache.db"
        self._reader = Reader(self._db)
        self._memory = RecordMemory()
        self._sessions: diskcache.Cache | None = None
        self._cannot_write: StoreError | None = None
        self._open()
        self.calls = CallCache(self.home / "calls")
        self.blobs = BlobStore(self.home / "blobs")

    def __repr__(self) -> str:
        return f"SessionStore({str(self.home)!r})"

    # opening ----------------------------------------------------------------

    def _open(self) -> None:
        if self.home.exists() and not self.home.is_dir():
            raise StoreError(f"ADPIPELINE_HOME {self.home} is a file, not a folder: move the "
                             "file or set ADPIPELINE_HOME to a folder.")
        if self._db.exists() and self._db.stat().st_size == 0:
            raise corrupt_database(self._db, "the file is empty (0 bytes)")
        try:
            if not self._db.exists():
                self._create_folder()
            self._sessions = diskcache.Cache(
                str(self._folder), eviction_policy="none", disk_min_file_size=IN_DATABASE
            )
        except (sqlite3.Error, OSError) as exc:
            # diskcache writes its settings on open, so a read-only folder or a full disk
            # fails here; the sessions can still be read, and every write says why not.
            error = translate(exc, self._db)
            if isinstance(error, StoreCorrupt) or not self._db.exists():
                raise error from exc
            self._cannot_write = error if self._writable() else read_only(self._folder)
            log.warning("sessions in %s can be read but not saved: %s", self._folder,
                        self._cannot_write)
        if self._sessions is not None:
            with storage_faults(self._db):
                if self._sessions.get("format", retry=True) is None:
                    legacy.convert(self._sessions, self._write_converted)
                    self._sessions.set("format", FORMAT, retry=True)
        elif self._db.exists() and self._reader.value("format") is None and legacy.present(
            self._reader.connection()
        ):
            raise StoreError(f"{self._folder} was written by adpipeline 0.1.0 and is read-only; "
                             "open it once with write access to convert it.")

    def _writable(self) -> bool:
        folder = self._folder if self._folder.exists() else self.home
        return os.access(folder, os.W_OK)

    def _create_folder(self) -> None:
        """Build a new store beside its final place and rename it in, so that an empty
        ``cache.db`` never means a new store."""
        self.home.mkdir(parents=True, exist_ok=True)
        if self._folder.exists() and any(self._folder.iterdir()):
            raise corrupt_database(self._db, "the database file is missing")
        building = Path(tempfile.mkdtemp(dir=self.home, prefix=".sessions-"))
        try:
            diskcache.Cache(str(building), eviction_policy="none",
                            disk_min_file_size=IN_DATABASE).close()
            if self._folder.exists():
                self._folder.rmdir()
            os.rename(building, self._folder)
        except OSError:
            if not self._db.exists():  # another process did not win the race either
                raise
        finally:
            shutil.rmtree(building, ignore_errors=True)

    def _writer_or_raise(self) -> diskcache.Cache:
        if self._sessions is None:
            raise self._cannot_write or read_only(self._folder)
        return self._sessions

    def close(self) -> None:
        if self._sessions is not None:
            self._sessions.close()
        self.calls.close()
        self._reader.close()

    # reading ----------------------------------------------------------------

    def _read_records(
        self, con: sqlite3.Connection, session_id: str, history: str, start: int, stop: int
    ) -> builtins.list[Any]:
        if start >= stop:
            return []
        model = HISTORIES[history]
        rows = self._reader.rows(con, record_key(session_id, history, start),
                                 record_key(session_id, history, stop))
        if len(rows) != stop - start:
            raise self._damaged(session_id, f"{history} has {len(rows)} of {stop - start} records")
        try:
            return [model.model_validate_json(text) for _, text in rows]
        except (ValidationError, ValueError, TypeError) as exc:
            raise self._damaged(session_id, f"a {history} record does not parse: {exc}") from None

    def _damaged(self, session_id: str, detail: str) -> StoreCorrupt:
        return StoreCorrupt(
            f"session {session_id} in {self._db} is damaged ({detail}). Other sessions are "
            f"fine; `adpipeline sessions delete {session_id}` removes it, or restore "
            f"{self._folder} from a backup."
        )

    def _parse_head(self, session_id: str, text: Any) -> dict[str, Any]:
        try:
            head = json.loads(text)
            if not isinstance(head, dict) or not isinstance(head.get("counts"), dict):
                raise ValueError("not a session head")
            return head
        except (ValueError, TypeError) as exc:
            raise self._damaged(session_id, f"its record does not parse: {exc}") from None

    def load(self, session_id: str) -> Session:
        check_session_id(session_id)
        with self._reader.snapshot() as con:
            text = None if con is None else self._reader.value(f"session/{session_id}", con)
            if text is None or con is None:
                raise SessionNotFound(
                    f"no session {session_id} in {self.home}; `adpipeline sessions list` shows "
                    "the ones there are (is ADPIPELINE_HOME the same as where it was made?)."
                )
            head = self._parse_head(session_id, text)
            histories = self._histories(con, session_id, head)
        fields = head["session"]
        try:
            fields["conversation"] = histories["conversation"]
            fields["ledger"] = histories["ledger"]
            for stage in STAGES:
                fields["stages"][stage]["versions"] = histories[stage]
            fields["version"] = head["version"]
            return Session.model_validate(fields)
        except (ValidationError, KeyError, TypeError) as exc:
            raise self._damaged(session_id, f"its record does not parse: {exc}") from None

    def _histories(
        self, con: sqlite3.Connection, session_id: str, head: dict[str, Any]
    ) -> dict[str, builtins.list[Any]]:
        """Every history of the session at ``head``, reading only records not yet seen."""
        counts: dict[str, int] = head["counts"]
        known = self._memory.known(session_id, head["epoch"])
        result = {}
        for history in HISTORIES:
            count = int(counts.get(history, 0))
            records = known[history][:count]
            records += self._read_records(con, session_id, history, len(records), count)
            result[history] = records
        self._memory.remember(session_id, head["epoch"], result)
        return result

    def version(self, session_id: str) -> int:
        """The committed version: a cheap way to notice that another process saved."""
        value = self._reader.value(f"version/{check_session_id(session_id)}")
        if value is None:
            raise SessionNotFound(f"no session {session_id} in {self.home}.")
        return int(value)

    def list(self) -> builtins.list[SessionSummary]:
        """Summaries of every session, most recently changed first."""
        with self._reader.snapshot() as con:
            if con is None:
                return []
            rows = con.execute(
                "SELECT key, value FROM Cache WHERE key >= 'summary/' AND key < 'summary0' "
                "AND raw = 1"
            ).fetchall()
        summaries = []
        for key, text in rows:
            try:
                summaries.append(SessionSummary.model_validate_json(text))
            except ValidationError:
                raise self._damaged(key.partition("/")[2], "its summary does not parse") from None
        summaries.sort(key=lambda s: s.updated_at, reverse=True)
        return summaries

    def raw_records(self, session_id: str) -> Iterator[str]:
        """The stored text of a session's head and every record (for garbage collection)."""
        with self._reader.snapshot() as con:
            if con is None:
                return
            rows = con.execute(
                "SELECT value FROM Cache WHERE ((key >= ? AND key < ?) OR key = ?) AND raw = 1",
                (f"record/{session_id}/", f"record/{session_id}0", f"session/{session_id}"),
            ).fetchall()
        for (text,) in rows:
            yield str(text)

    # writing ----------------------------------------------------------------

    def create(self, session: Session) -> Session:
        """Store a new session as version 1."""
        check_session_id(session.id)
        writer = self._writer_or_raise()
        with storage_faults(self._db), writer.transact(retry=True):
            if writer.get(f"version/{session.id}", retry=True) is not None:
                raise ConflictError(f"session {session.id} already exists.")
            epoch = secrets.token_hex(8)
            saved = self._write(writer, session, 1, epoch, {})
        self._remember_saved(saved, epoch)
        return saved

    def save(self, session: Session) -> Session:
        """Save ``session`` if the stored one still has ``session.version``.

        Returns the saved copy with the next version number. If another writer saved
        first, raises :class:`ConflictError` and writes nothing.
        """
        check_session_id(session.id)
        writer = self._writer_or_raise()
        with storage_faults(self._db), writer.transact(retry=True):
            stored = writer.get(f"version/{session.id}", retry=True)
            if stored is None:
                raise SessionNotFound(f"session {session.id} was deleted; start a new one.")
            if stored != session.version:
                raise ConflictError(
                    f"session {session.id} was changed elsewhere (version {stored}, this copy "
                    f"has {session.version}); nothing was saved; reload it with ap.resume() "
                    "and repeat the change."
                )
            head = self._parse_head(session.id, writer.get(f"session/{session.id}", retry=True))
            saved = self._write(writer, session, session.version + 1, head["epoch"], head["counts"])
        self._remember_saved(saved, head["epoch"])
        return saved

    def _write_converted(self, writer: diskcache.Cache, session: Session) -> None:
        """Write a session read from an older layout, keeping its version."""
        self._write(writer, session, session.version, secrets.token_hex(8), {},
                    updated_at=session.updated_at)

    def _write(
        self, writer: diskcache.Cache, session: Session, version: int, epoch: str,
        counts: dict[str, int], *, updated_at: datetime | None = None,
    ) -> Session:
        """Write the head, summary and new records; the caller holds the transaction.

        Remember the records (``_remember_saved``) only after the commit: a rolled-back
        write must not be served from memory.
        """
        saved = session.model_copy(update={"version": version, "updated_at": updated_at or now()})
        new_counts = {}
        for history in HISTORIES:
            records = history_of(saved, history)
            stored = int(counts.get(history, 0))
            self._check_appended(saved.id, epoch, history, records, stored)
            for index in range(stored, len(records)):
                writer.set(record_key(saved.id, history, index), records[index].model_dump_json(),
                           retry=True)
            new_counts[history] = len(records)
        fields = saved.model_dump(
            mode="json",
            exclude={"conversation": True, "ledger": True, "version": True,
                     "stages": {"__all__": {"versions"}}},
        )
        head = {"format": FORMAT, "epoch": epoch, "version": version, "counts": new_counts,
                "session": fields}
        writer.set(f"session/{saved.id}", json.dumps(head, separators=(",", ":")), retry=True)
        writer.set(f"summary/{saved.id}", saved.summary().model_dump_json(), retry=True)
        writer.set(f"version/{saved.id}", version, retry=True)
        return saved

    def _check_appended(
        self, session_id: str, epoch: str, history: str, records: builtins.list[Any], stored: int
    ) -> None:
        """Refuse a save that changes records already stored: histories only grow."""
        if stored == 0:
            return
        if len(records) < stored:
            raise InvalidInput(
                f"the {history} of session {session_id} has {len(records)} entries but {stored} "
                "are saved: histories can only grow, so nothing was saved."
            )
        known = self._memory.known_history(session_id, epoch, history)
        if len(known) < stored:
            con = self._reader.connection()
            assert con is not None  # the writer holds the database open
            known += self._read_records(con, session_id, history, len(known), stored)
        if all(map(operator.is_, records[:stored], known)):
            return
        for index in range(stored):
            if records[index] is not known[index] and records[index] != known[index]:
                raise InvalidInput(
                    f"{history} entry {index} of session {session_id} was changed, but saved "
                    "history cannot be rewritten (add a new entry instead); nothing was saved."
                )

    def _remember_saved(self, saved: Session, epoch: str) -> None:
        self._memory.remember(saved.id, epoch, {h: history_of(saved, h) for h in HISTORIES})

    def delete(self, session_id: str) -> None:
        check_session_id(session_id)
        writer = self._writer_or_raise()
        with storage_faults(self._db), writer.transact(retry=True):
            text = writer.get(f"session/{session_id}", retry=True)
            if text is None:
                raise SessionNotFound(f"no session {session_id} to delete.")
            counts = self._counts_for_delete(session_id, text)
            for history, count in counts.items():
                for index in range(count):
                    writer.delete(record_key(session_id, history, index), retry=True)
            for kind in ("session", "summary", "version"):
                writer.delete(f"{kind}/{session_id}", retry=True)
        self._memory.forget(session_id)

    def _counts_for_delete(self, session_id: str, text: Any) -> dict[str, int]:
        try:
            return {h: int(n) for h, n in self._parse_head(session_id, text)["counts"].items()}
        except StoreCorrupt:
            # A damaged head must still be deletable: find its records by name.
            con = self._reader.connection()
            assert con is not None
            keys = con.execute("SELECT key FROM Cache WHERE key >= ? AND key < ? AND raw = 1",
                               (f"record/{session_id}/", f"record/{session_id}0")).fetchall()
            counts: dict[str, int] = {}
            for (key,) in keys:
                history = key.split("/")[2]
                counts[history] = max(counts.get(history, 0), int(key.split("/")[3]) + 1)
            return counts

    def prune(self, older_than: timedelta) -> builtins.list[str]:
        """Delete sessions not changed for ``older_than``; return their ids."""
        if not isinstance(older_than, timedelta) or older_than < timedelta(0):
            raise InvalidInput("prune age must be a timedelta that is not negative.")
        try:
            cutoff: datetime = now() - older_than
        except OverflowError:
            return []  # older than the calendar: nothing is that old
        gone = [s.id for s in self.list() if s.updated_at < cutoff]
        for session_id in gone:
            try:
                self.delete(session_id)
            except SessionNotFound:
                continue  # deleted meanwhile by someone else
        return gone

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many writes (tests, benchmarks) into one transaction."""
        writer = self._writer_or_raise()
        with storage_faults(self._db), writer.transact(retry=True):
            yield
