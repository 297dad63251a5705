"""Damaged media heals when it is made again; `adpipeline gc` deletes only what nobody uses."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

import adpipeline as ap
from adpipeline.cli import main
from adpipeline.store import SessionStore
from adpipeline.store.gc import collect

BRIEF = "15 s ad for Aurora, a reusable water bottle"


def _age(path: Path, hours: float) -> None:
    old = time.time() - hours * 3600
    os.utime(path, (old, old))


def test_putting_content_over_a_damaged_file_repairs_it(tmp_path: Path) -> None:
    blobs = SessionStore(tmp_path).blobs
    name = blobs.put(b"frame bytes", "png")
    path = blobs.path(name)
    path.write_bytes(b"damaged")
    with pytest.raises(ap.CorruptBlob, match=r"corrupted.*regenerate the item"):
        blobs.get(name)
    assert blobs.put(b"frame bytes", "png") == name
    assert blobs.get(name) == b"frame bytes"
    path.unlink()
    assert blobs.put(b"frame bytes", "png") == name
    assert blobs.get(name) == b"frame bytes"


def test_moving_a_file_over_a_damaged_one_repairs_it(tmp_path: Path) -> None:
    blobs = SessionStore(tmp_path).blobs
    source = tmp_path / "video.mp4"
    source.write_bytes(b"video bytes")
    name = blobs.put_file(source, "mp4")
    blobs.path(name).write_bytes(b"trunc")
    source.write_bytes(b"video bytes")
    assert blobs.put_file(source, "mp4") == name
    assert blobs.path(name).read_bytes() == b"video bytes"
    assert not source.exists()


def test_regenerating_a_damaged_item_repairs_it(home: Path) -> None:
    p = ap.start(BRIEF, home=home)
    p.story.approve()
    item = p.reference_images.output[0]
    path = p._store.blobs.path(item.asset.blob)
    path.write_bytes(path.read_bytes()[:100])  # a truncated PNG
    with pytest.raises(ap.CorruptBlob, match="regenerate the item"):
        p.reference_images.output[0].png  # noqa: B018
    p.reference_images.regenerate(item=0)
    repaired = p.reference_images.output[0]
    assert repaired.asset.blob == item.asset.blob  # the same picture, so the same name
    repaired.image.load()
    assert p._store.blobs.intact(repaired.asset.blob)


def test_gc_deletes_only_what_no_session_uses(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kept = ap.start(BRIEF, home=home)
    kept.story.approve()
    dropped = ap.start("15 s ad for Nimbus, a running shoe", home=home)
    dropped.story.approve()
    store = kept._store
    kept_blobs = {i.asset.blob for i in kept.reference_images.output}
    dropped_blobs = {i.asset.blob for i in dropped.reference_images.output} - kept_blobs
    store.delete(dropped.id)
    for folder in (store.blobs.root).iterdir():
        for path in folder.iterdir():
            _age(path, 2)
    calls_before = sum(1 for _ in store.calls.entries())

    # Young entries are spared (a writer may not have saved yet), so age them all.
    assert collect(store, dry_run=True).blobs == []
    dry = collect(store, dry_run=True, min_age=timedelta(0))
    assert set(dry.blobs) == dropped_blobs
    assert all(store.blobs.intact(name) for name in dropped_blobs)  # a dry run deletes nothing

    assert main(["--home", str(home), "gc", "--min-age", "0m"]) == 0
    assert "deleted" in capsys.readouterr().out
    assert not any((store.blobs.root / n[:2] / n).exists() for n in dropped_blobs)
    assert all(store.blobs.intact(name) for name in kept_blobs)
    assert sum(1 for _ in store.calls.entries()) < calls_before
    # The kept session's cached calls are still there, and it still works.
    keys = [e.key for e in kept.session.ledger if e.key]
    assert keys and all(store.calls.get(key) is not None for key in keys)
    kept.reference_images.approve()
    assert all(store.blobs.intact(i.asset.blob) for i in kept.storyboard.output)


def test_gc_while_another_thread_makes_ads_loses_nothing(home: Path) -> None:
    # A deleted session leaves old media that an identical new ad will reuse from the
    # call cache: the race gc must survive. Unused old files are the garbage it must find.
    old = ap.start(BRIEF, home=home)
    old.story.approve()
    store = old._store
    store.delete(old.id)
    garbage = [store.blobs.put(os.urandom(64), "png") for _ in range(20)]
    for folder in store.blobs.root.iterdir():
        for path in folder.iterdir():
            _age(path, 2)
    errors: list[BaseException] = []
    made: list[ap.Pipeline] = []

    def work() -> None:
        try:
            for brief in (BRIEF, "15 s ad for Nimbus, a running shoe", BRIEF):
                p = ap.start(brief, home=home)
                p.story.approve()
                made.append(p)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    rounds = deleted = 0
    while worker.is_alive() or rounds == 0:
        deleted += len(collect(store, min_age=timedelta(seconds=5)).blobs)
        rounds += 1
    worker.join()
    assert errors == []
    assert all(not store.blobs.intact(name) for name in garbage)
    assert deleted >= len(garbage)
    for p in made:
        for item in p.reference_images.output:
            item.image.load()


def test_media_reused_by_a_cache_hit_is_spared_until_its_session_is_saved(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    reused, unused = store.blobs.put(b"reused frame", "png"), store.blobs.put(b"unused", "png")
    for name in (reused, unused):
        _age(store.blobs.root / name[:2] / name, 2)
    assert store.blobs.intact(reused)  # what the gateway checks on a cache hit
    done = collect(store)
    assert done.blobs == [unused]
    assert store.blobs.intact(reused)
