from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

import adpipeline as ap
from adpipeline.models import Brief, Session
from adpipeline.store import SessionStore


def _session() -> Session:
    return Session(brief=Brief.create(prompt="30 s ad for Aurora, a reusable water bottle"))


def test_saved_session_loads_identically_from_a_new_store_object(tmp_path: Path) -> None:
    first = SessionStore(tmp_path)
    saved = first.create(_session())
    again = SessionStore(tmp_path).load(saved.id)
    assert again == saved
    assert again.version == 1


def test_save_with_stale_version_raises_conflict_and_writes_nothing(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    original = store.create(_session())
    mine, theirs = store.load(original.id), store.load(original.id)
    theirs.budget_usd = 5.0
    store.save(theirs)
    mine.budget_usd = 1.0
    with pytest.raises(ap.ConflictError, match="reload"):
        store.save(mine)
    assert store.load(original.id).budget_usd == 5.0
    assert store.version(original.id) == 2


def test_session_store_never_evicts(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    assert store._sessions.eviction_policy == "none"


def test_ids_that_are_not_session_ids_never_touch_the_disk(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    for bad in ("../../etc", "..", "/etc/passwd", "a" * 200):
        with pytest.raises(ap.InvalidInput):
            store.load(bad)
        with pytest.raises(ap.InvalidInput):
            store.delete(bad)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_loading_an_unknown_session_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ap.SessionNotFound, match="sessions list"):
        SessionStore(tmp_path).load("A" * 22)


def test_blobs_are_content_addressed_and_checked_on_read(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    name = store.blobs.put(b"\x89PNG not really", "png")
    assert store.blobs.put(b"\x89PNG not really", "png") == name
    assert store.blobs.get(name) == b"\x89PNG not really"
    path = store.blobs.path(name)
    path.write_bytes(b"tampered")
    with pytest.raises(ap.CorruptBlob, match="corrupted"):
        store.blobs.get(name)
    with pytest.raises(ap.CorruptBlob):
        store.blobs.path(name)


def test_blob_names_cannot_escape_the_store(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    with pytest.raises(ap.InvalidInput):
        store.blobs.get("../../../etc/passwd")


def test_list_is_newest_first_with_title_stage_and_cost(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    older = store.create(_session())
    newer = store.create(_session())
    store.save(store.load(older.id))  # touching the older one makes it the newest
    listed = store.list()
    assert [s.id for s in listed] == [older.id, newer.id]
    assert listed[0].stage == "story"
    assert listed[0].cost_usd == 0.0
    assert listed[0].title.startswith("30 s ad for Aurora")


def test_delete_and_prune(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    kept = store.create(_session())
    gone = store.create(_session())
    store.delete(gone.id)
    with pytest.raises(ap.SessionNotFound):
        store.load(gone.id)
    assert store.prune(timedelta(days=1)) == []
    assert store.prune(timedelta(0)) == [kept.id]
    assert store.list() == []


def test_saved_history_cannot_be_rewritten(tmp_path: Path) -> None:
    from adpipeline.models import Message

    store = SessionStore(tmp_path)
    saved = store.create(_session())
    saved.conversation = [Message(role="user", text="first", stage="story")]
    saved = store.save(saved)
    rewritten = SessionStore(tmp_path).load(saved.id)  # a copy this store did not hand out
    rewritten.conversation = [Message(role="user", text="changed", stage="story")]
    with pytest.raises(ap.InvalidInput, match=r"conversation entry 0 .* cannot be rewritten"):
        store.save(rewritten)
    shortened = store.load(saved.id)
    shortened.conversation = []
    with pytest.raises(ap.InvalidInput, match="can only grow"):
        store.save(shortened)
    assert [m.text for m in store.load(saved.id).conversation] == ["first"]
    assert store.version(saved.id) == saved.version


def test_records_handed_out_cannot_be_changed_in_place(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from adpipeline.models import Message

    store = SessionStore(tmp_path)
    saved = store.create(_session())
    saved.conversation = [Message(role="user", text="first", stage="story")]
    store.save(saved)
    loaded = store.load(saved.id)
    with pytest.raises(ValidationError, match="frozen"):
        loaded.conversation[0].text = "sneaky"  # type: ignore[misc]
    assert store.load(saved.id).conversation[0].text == "first"
