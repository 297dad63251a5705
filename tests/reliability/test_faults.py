"""Storage faults reach the user as errors from adpipeline's tree, naming the path and
what to do, and never cost a committed session."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import diskcache
import pytest

import adpipeline as ap
from adpipeline.cli import main
from adpipeline.store import SessionStore

from ..conftest import REPORTS
from .workers import make_session, padding

COUNTS: dict[str, int] = {}


def _store_with_sessions(home: Path, sizes: tuple[int, ...] = (1_000, 300_000)) -> list[str]:
    store = SessionStore(home)
    ids = [make_session(store, size).id for size in sizes]
    store.close()
    return ids


def _every_call(home: Path, session_id: str) -> Iterator[tuple[str, object]]:
    """Run each store call on a new store object; yield (call, raised exception or None)."""
    calls = {
        "open": lambda: SessionStore(home),
        "list": lambda: SessionStore(home).list(),
        "load": lambda: SessionStore(home).load(session_id),
        "version": lambda: SessionStore(home).version(session_id),
        "resume": lambda: ap.resume(session_id, home=home).story.status,
        "sessions": lambda: ap.sessions(home=home),
    }
    from adpipeline.pipeline import entry

    for name, call in calls.items():
        entry._stores.clear()
        try:
            call()
        except Exception as exc:
            yield name, exc
        else:
            yield name, None


def test_a_truncated_database_is_reported_on_every_call(tmp_path: Path) -> None:
    ids = _store_with_sessions(tmp_path)
    db = tmp_path / "sessions" / "cache.db"
    with open(db, "r+b") as handle:
        handle.truncate(db.stat().st_size // 3)
    outcomes = dict(_every_call(tmp_path, ids[1]))
    for name, error in outcomes.items():
        assert isinstance(error, ap.StoreCorrupt), (name, error)
        assert str(db) in str(error) and "backup" in str(error), (name, error)
    COUNTS["truncated"] = len(outcomes)


def test_garbage_in_place_of_the_database_is_reported(tmp_path: Path) -> None:
    ids = _store_with_sessions(tmp_path)
    db = tmp_path / "sessions" / "cache.db"
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(padding(50_000, 1).encode())
    for name, error in _every_call(tmp_path, ids[0]):
        assert isinstance(error, ap.StoreCorrupt), (name, error)
        assert str(db) in str(error)


def test_an_empty_database_file_is_reported_not_treated_as_a_new_store(tmp_path: Path) -> None:
    ids = _store_with_sessions(tmp_path)
    db = tmp_path / "sessions" / "cache.db"
    db.write_bytes(b"")
    for name, error in _every_call(tmp_path, ids[0]):
        assert isinstance(error, ap.StoreCorrupt), (name, error)
        assert "empty (0 bytes)" in str(error) and str(db) in str(error)
    assert db.stat().st_size == 0  # nothing was written over it


def test_a_new_store_never_leaves_an_empty_database(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "fresh")
    assert (tmp_path / "fresh" / "sessions" / "cache.db").stat().st_size > 0
    assert store.list() == []
    assert not [p for p in (tmp_path / "fresh").iterdir() if p.name.startswith(".sessions-")]


def test_a_record_that_does_not_parse_names_the_session_and_spares_the_others(tmp_path: Path) -> None:
    good, bad = _store_with_sessions(tmp_path, (1_000, 1_000))
    raw = diskcache.Cache(str(tmp_path / "sessions"))
    raw.set(f"session/{bad}", '{"counts": {}, "session": {"brief": 42}, "epoch": "x", "version": 2}')
    raw.close()
    store = SessionStore(tmp_path)
    with pytest.raises(ap.StoreCorrupt, match=rf"session {bad} .* damaged.*sessions delete {bad}"):
        store.load(bad)
    assert store.load(good).id == good
    assert {s.id for s in store.list()} == {good, bad}
    store.delete(bad)  # a damaged session can still be removed
    assert [s.id for s in store.list()] == [good]


def test_a_history_record_that_does_not_parse_is_reported(tmp_path: Path) -> None:
    (session_id,) = _store_with_sessions(tmp_path, (100_000,))
    raw = diskcache.Cache(str(tmp_path / "sessions"))
    raw.set(f"record/{session_id}/conversation/000000001", "{not json")
    raw.close()
    with pytest.raises(ap.StoreCorrupt, match="conversation record does not parse"):
        SessionStore(tmp_path).load(session_id)


def test_a_home_that_is_a_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder")
    with pytest.raises(ap.StoreError, match=rf"{home} is a file, not a folder"):
        SessionStore(home)
    with pytest.raises(ap.StoreError):
        ap.start("30 s ad for Aurora, a reusable water bottle", home=home)
    assert main(["--home", str(home), "sessions", "list"]) == 1
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "Traceback" not in err
    assert home.read_text() == "not a folder"


def test_a_full_database_refuses_the_save_and_keeps_the_last_version(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session = make_session(store, 50_000)
    pages = store._sessions._con.execute("PRAGMA page_count").fetchone()[0]
    store._sessions._con.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own "full"
    bigger = session.model_copy(update={"conversation": [
        *session.conversation, ap.models.Message(role="user", text=padding(200_000, 3), stage="story")]})
    with pytest.raises(ap.StoreError, match=r"disk holding .* is full, so nothing was saved"):
        store.save(bigger)
    again = SessionStore(tmp_path).load(session.id)
    assert again.version == session.version
    assert again.conversation == session.conversation


@contextlib.contextmanager
def _tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk_refuses_saves_and_media_and_keeps_the_session(tmp_path: Path) -> None:
    with _tiny_disk(tmp_path) as disk:
        store = SessionStore(disk / "home")
        session = make_session(store, 10_000)
        committed = session
        with pytest.raises(ap.StoreError, match="is full, so nothing was saved") as raised:
            for i in range(200):
                nxt = committed.model_copy(update={"conversation": [
                    *committed.conversation,
                    ap.models.Message(role="user", text=padding(60_000, i), stage="story")]})
                committed = store.save(nxt)
        assert "adpipeline gc" in str(raised.value)
        with pytest.raises(ap.StoreError, match="is full"):
            store.blobs.put(os.urandom(4_000_000), "png")
        assert not list((disk / "home" / "blobs").rglob(".tmp-*"))  # no half-written file
        again = SessionStore(disk / "home").load(session.id)
        assert again.version == committed.version
        assert len(again.conversation) == len(committed.conversation)
        COUNTS["full disk saves before full"] = committed.version - session.version


_READ_ONLY_CHECK = r"""
import sys, adpipeline as ap
from adpipeline.store import SessionStore
home, sid = sys.argv[1], sys.argv[2]
store = SessionStore(home)
print(len(store.list()), store.version(sid), len(store.load(sid).conversation))
p = ap.resume(sid, home=home)
print(p.stage, len(ap.sessions(home=home)))
for action in (lambda: setattr(p, "budget", 5.0), lambda: store.delete(sid),
               lambda: store.blobs.put(b"x", "png")):
    try:
        action()
        print("no error")
    except ap.StoreError as exc:
        print(type(exc).__name__, exc)
"""


# Root ignores file permissions; without these capabilities it obeys them like anyone.
_AS_AN_ORDINARY_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                        "--inh-caps=-dac_override,-dac_read_search"]


@contextlib.contextmanager
def _read_only(home: Path, how: str) -> Iterator[list[str]]:
    """Make ``home`` read-only; yield the command prefix that runs a process subject to it."""
    if how == "permissions":
        modes = {path: path.stat().st_mode for path in [home, *home.rglob("*")]}
        for path in modes:
            os.chmod(path, 0o555 if path.is_dir() else 0o444)
        try:
            yield _AS_AN_ORDINARY_USER if os.geteuid() == 0 else []
        finally:
            for path, mode in modes.items():
                os.chmod(path, mode)
        return
    bound = subprocess.run(["mount", "--bind", str(home), str(home)], capture_output=True, text=True)
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bound.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(home)], check=True)
        yield []
    finally:
        subprocess.run(["umount", "-l", str(home)], check=False)


@pytest.mark.parametrize("how", ["permissions", "read-only mount"])
def test_a_read_only_home_reads_and_explains_why_it_cannot_write(tmp_path: Path, how: str) -> None:
    home = tmp_path / "home"
    ids = _store_with_sessions(home)
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    with _read_only(home, how) as prefix:
        result = subprocess.run([*prefix, sys.executable, "-c", _READ_ONLY_CHECK, str(home), ids[1]],
                                capture_output=True, text=True, timeout=60,
                                env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "2"
    assert lines[1].startswith("story")
    for line in lines[2:]:
        assert line.startswith("StoreError"), line
        assert "read-only" in line and str(home) in line, line
    assert len(lines) == 5
    after = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    assert after == before


def test_sqlite_errors_never_escape_raw(tmp_path: Path) -> None:
    ids = _store_with_sessions(tmp_path)
    db = tmp_path / "sessions" / "cache.db"
    with open(db, "r+b") as handle:  # damage pages in the middle, keep the header
        handle.seek(8192)
        handle.write(b"\xff" * 20_000)
    for name, error in _every_call(tmp_path, ids[1]):
        assert not isinstance(error, sqlite3.Error | OSError), (name, error)
        assert error is None or isinstance(error, ap.AdPipelineError), (name, error)


def teardown_module() -> None:
    if COUNTS:
        REPORTS.append("storage faults: " + ", ".join(f"{k}: {v}" for k, v in COUNTS.items()))
