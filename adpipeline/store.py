"""Sessions, blobs and the provider-call cache on one machine's disk.

Layout under ``$ADPIPELINE_HOME`` (default: the per-user data directory)::

    sessions/   diskcache: ("session", id) -> (version, JSON), ("summary", id) -> summary
    calls/      diskcache: provider-call cache, content-hash key -> result
    blobs/ab/   content-addressed files: <sha256>.<ext>

Trade-offs, measured in ``benchmarks/bench_store.py``:

* A session and its summary are written in one SQLite transaction that first checks
  the stored version (optimistic locking), so two processes can never both win.
  The check reads the stored version without parsing the JSON.
* Summaries live beside the sessions so listing 10,000 sessions reads 10,000 small
  values instead of parsing 10,000 sessions, and a save rewrites one summary rather
  than a shared index that grows with the number of sessions.
* Images and videos are files named by their SHA-256, outside the session record:
  the record stays small (diskcache moves values over 32 KB to separate files, which
  is slower), identical media is stored once, a video has a real path a player or
  ffprobe can open, and every read checks the content against its name.
* diskcache's ``get`` returns the default *silently* when SQLite is busy unless
  ``retry=True``; under two writing processes that looked like a missing session.
  Every read and write here passes ``retry=True``.
* diskcache evicts by default once it passes 1 GB; sessions must never be evicted,
  so the session cache sets ``eviction_policy="none"``. The call cache may evict.
"""

from __future__ import annotations

import builtins
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import diskcache
import platformdirs

from .errors import ConflictError, CorruptBlob, InvalidInput, SessionNotFound
from .models import Session, SessionSummary, check_session_id, now

_BLOB_NAME = re.compile(r"^[0-9a-f]{64}\.[a-z0-9]{1,5}$")


def default_home() -> Path:
    configured = os.environ.get("ADPIPELINE_HOME")
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("adpipeline", appauthor=False))


class BlobStore:
    """Immutable files named by the SHA-256 of their content."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def put(self, data: bytes, ext: str) -> str:
        if not re.fullmatch(r"[a-z0-9]{1,5}", ext):
            raise InvalidInput(f"blob extension {ext!r} must be 1-5 lowercase letters or digits.")
        name = f"{hashlib.sha256(data).hexdigest()}.{ext}"
        path = self._path(name)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write beside the target and rename, so a reader never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        return name

    def put_file(self, source: Path, ext: str) -> str:
        """Move a finished file (e.g. a rendered video) into the store without reading it twice."""
        digest = hashlib.sha256()
        with open(source, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        name = f"{digest.hexdigest()}.{ext}"
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            source.unlink()
        else:
            shutil.move(str(source), path)
        return name

    def get(self, name: str) -> bytes:
        data = self._path(name).read_bytes() if self._exists(name) else None
        if data is None:
            raise CorruptBlob(f"blob {name} is missing from {self.root}; regenerate the item.")
        if hashlib.sha256(data).hexdigest() != name.split(".")[0]:
            raise CorruptBlob(
                f"blob {name} is corrupted (its content no longer matches its hash); "
                "regenerate the item or revert to another version."
            )
        return data

    def path(self, name: str) -> Path:
        """The file's path, after checking its content against its name."""
        path = self._path(name)
        if not path.exists():
            raise CorruptBlob(f"blob {name} is missing from {self.root}; regenerate the item.")
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != name.split(".")[0]:
            raise CorruptBlob(f"blob {name} is corrupted; regenerate the item.")
        return path

    def _exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def _path(self, name: str) -> Path:
        if not _BLOB_NAME.fullmatch(name):
            raise InvalidInput(f"{name!r} is not a blob name.")
        return self.root / name[:2] / name


class SessionStore:
    """Sessions with optimistic locking, blobs and the call cache under one directory."""

    def __init__(self, home: Path | str | None = None) -> None:
        self.home = Path(home) if home is not None else default_home()
        self.home.mkdir(parents=True, exist_ok=True)
        self._sessions = diskcache.Cache(str(self.home / "sessions"), eviction_policy="none")
        self.calls = diskcache.Cache(str(self.home / "calls"), size_limit=2**32)
        self.blobs = BlobStore(self.home / "blobs")

    def __repr__(self) -> str:
        return f"SessionStore({str(self.home)!r})"

    def close(self) -> None:
        self._sessions.close()
        self.calls.close()

    # sessions ---------------------------------------------------------------

    def create(self, session: Session) -> Session:
        """Store a new session as version 1."""
        check_session_id(session.id)
        with self._sessions.transact(retry=True):
            if ("session", session.id) in self._sessions:
                raise ConflictError(f"session {session.id} already exists.")
            return self._write(session, 1)

    def load(self, session_id: str) -> Session:
        check_session_id(session_id)
        stored = self._sessions.get(("session", session_id), retry=True)
        if stored is None:
            raise SessionNotFound(
                f"no session {session_id} in {self.home}; `adpipeline sessions list` shows "
                "the ones there are (is ADPIPELINE_HOME the same as where it was made?)."
            )
        return Session.model_validate_json(stored[1])

    def save(self, session: Session) -> Session:
        """Save ``session`` if the stored one still has ``session.version``.

        Returns the saved copy with the next version number. If another writer saved
        first, raises :class:`ConflictError` and writes nothing.
        """
        check_session_id(session.id)
        with self._sessions.transact(retry=True):
            stored = self._sessions.get(("session", session.id), retry=True)
            if stored is None:
                raise SessionNotFound(f"session {session.id} was deleted; start a new one.")
            if stored[0] != session.version:
                raise ConflictError(
                    f"session {session.id} changed (version {stored[0]}, you had "
                    f"{session.version}); reload it with ap.resume() and try again."
                )
            return self._write(session, session.version + 1)

    def version(self, session_id: str) -> int:
        """The stored version: a cheap way to notice that another process saved."""
        stored = self._sessions.get(("session", check_session_id(session_id)), retry=True)
        if stored is None:
            raise SessionNotFound(f"no session {session_id}.")
        return int(stored[0])

    def _write(self, session: Session, version: int) -> Session:
        saved = session.model_copy(update={"version": version, "updated_at": now()})
        self._sessions.set(("session", saved.id), (version, saved.model_dump_json()), retry=True)
        self._sessions.set(("summary", saved.id), saved.summary().model_dump(mode="json"),
                           retry=True)
        return saved

    def list(self) -> list[SessionSummary]:
        """Summaries of every session, most recently changed first."""
        found = (self._sessions.get(key, retry=True)
                 for key in self._sessions.iterkeys() if key[0] == "summary")
        # A session deleted while we iterate reads as None: skip it.
        summaries = [SessionSummary.model_validate(s) for s in found if s is not None]
        summaries.sort(key=lambda s: s.updated_at, reverse=True)
        return summaries

    def delete(self, session_id: str) -> None:
        check_session_id(session_id)
        with self._sessions.transact(retry=True):
            if ("session", session_id) not in self._sessions:
                raise SessionNotFound(f"no session {session_id} to delete.")
            del self._sessions[("session", session_id)]
            self._sessions.pop(("summary", session_id), None)

    def prune(self, older_than: timedelta) -> builtins.list[str]:
        """Delete sessions not changed for ``older_than``; return their ids."""
        if older_than < timedelta(0):
            raise InvalidInput("prune age must not be negative.")
        cutoff: datetime = now() - older_than
        gone = [s.id for s in self.list() if s.updated_at < cutoff]
        for session_id in gone:
            self.delete(session_id)
        return gone

    # call cache -------------------------------------------------------------


    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many writes (tests, benchmarks) into one transaction."""
        with self._sessions.transact(retry=True):
            yield
