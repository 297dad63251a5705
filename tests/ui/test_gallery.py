"""The gallery of an image stage: per-item actions, a version of one item brought back, stale frames."""

from __future__ import annotations

from typing import Any

import pytest

import adpipeline as ap
from adpipeline import ui
from adpipeline.ui.stage import StagePanel

from .conftest import FakeBrowser, Opener, png


def test_per_item_actions_reach_the_image_stage(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    panel: StagePanel = opened(ui.panel(short.reference_images))
    gallery = FakeBrowser(panel.content, monkeypatch)
    assert gallery.send("feedback_item", item=1, text="brighter background")["ok"]
    assert short.reference_images.pending[0].item == 1
    assert gallery.send("regenerate_item", item=1)["ok"]
    items = panel.content.items
    assert [len(i["history"]) for i in items] == [1, 2, 1]
    assert items[1]["history"][-1]["current"]
    history = gallery.send("history", item=1)
    assert [e["version"] for e in history["entries"]] == [0, 1]
    assert history["buffers"][-1] == short.reference_images.output[1].png
    upload = png(300, 200, (250, 10, 10))
    assert gallery.send("replace_item", item=2, buffers=[upload])["ok"]
    replaced = short.reference_images.output[2]
    assert replaced.asset.source == "uploaded"
    assert panel.content.images[2] == replaced.png
    assert panel.content.items[2]["source"] == "uploaded"


def _blobs(stage: Any) -> list[str]:
    return [item.asset.blob for item in stage.output]


def test_use_this_version_brings_back_one_item_as_a_new_version(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    images = short.reference_images
    panel: StagePanel = opened(ui.panel(images))
    gallery = FakeBrowser(panel.content, monkeypatch)
    first = _blobs(images)
    first_png = images.output[1].png
    assert gallery.send("feedback_item", item=1, text="brighter background")["ok"]
    assert gallery.send("regenerate_item", item=1)["ok"]
    assert gallery.send("replace_item", item=2, buffers=[png(300, 200, (250, 10, 10))])["ok"]
    second = _blobs(images)
    assert second[0] == first[0] and second[1] != first[1] and second[2] != first[2]
    assert len(images.versions) == 3
    seen_busy: list[bool] = []
    panel.content.observe(lambda change: seen_busy.append(change["new"]), "busy")

    reply = gallery.send("revert_item", item=1, version=0)

    assert reply["ok"] and reply["error"] is None
    assert True in seen_busy and panel.content.busy is False  # ran as work, off the comm
    assert len(images.versions) == 4 and images.current == 3
    assert _blobs(images) == [first[0], first[1], second[2]]  # only item 1 came back
    assert images.versions[2].images is not None  # the replaced picture is still kept
    assert [a.blob for a in images.versions[2].images] == second
    assert panel.content.images[1] == first_png
    history = panel.content.items[1]["history"]
    assert [(e["version"], e["current"], e["same"]) for e in history] == [
        (0, False, True), (1, False, False), (3, True, True)]
    assert [e["current"] for e in panel.content.items[2]["history"]] == [False, True]
    # The picture it replaced is one "Use this version" away.
    assert gallery.send("revert_item", item=1, version=1)["ok"]
    assert _blobs(images) == second


def test_use_this_version_rejects_bad_values_and_changes_nothing(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    images = short.reference_images
    panel: StagePanel = opened(ui.panel(images))
    gallery = FakeBrowser(panel.content, monkeypatch)
    assert gallery.send("replace_item", item=1, buffers=[png(64, 64)])["ok"]  # versions 0, 1
    before = short.session.model_dump_json()
    bad: list[tuple[str, dict[str, Any], list[bytes]]] = [
        ("item out of range", {"item": 3, "version": 0}, []),
        ("negative item", {"item": -1, "version": 0}, []),
        ("item as text", {"item": "1", "version": 0}, []),
        ("item as bool", {"item": True, "version": 0}, []),
        ("version not stored", {"item": 1, "version": 2}, []),
        ("version huge", {"item": 1, "version": 10**9}, []),
        ("negative version", {"item": 1, "version": -1}, []),
        ("version as float", {"item": 1, "version": 0.0}, []),
        ("version as text", {"item": 1, "version": "0"}, []),
        ("version as bool", {"item": 1, "version": False}, []),
        ("version missing", {"item": 1}, []),
        ("unexpected field", {"item": 1, "version": 0, "blob": "x"}, []),
        ("buffer not expected", {"item": 1, "version": 0}, [b"x"]),
        ("already the current image", {"item": 1, "version": 1}, []),
        ("unchanged in that version", {"item": 0, "version": 0}, []),
    ]
    errors = {}
    for why, fields, buffers in bad:
        reply = gallery.send("revert_item", buffers=buffers, **fields)
        assert reply["ok"] is False and reply["error"], why
        assert panel.content.error == reply["error"] and not panel.content.can_retry, why
        errors[why] = reply["error"]
    assert "no version 3" in errors["version not stored"]
    assert "nothing to bring back" in errors["already the current image"]
    assert short.session.model_dump_json() == before
    # Not under review any more: ImageStage.revert_item refuses, nothing changes.
    images.approve()
    before = short.session.model_dump_json()
    reply = gallery.send("revert_item", item=1, version=0)
    assert reply["ok"] is False and "reopen" in reply["error"]
    assert short.session.model_dump_json() == before


def test_stale_frames_are_flagged(short: ap.Pipeline, opened: Opener) -> None:
    short.story.approve()
    short.reference_images.approve()
    panel: StagePanel = opened(ui.panel(short.storyboard))
    assert not any(i["stale"] for i in panel.content.items)
    short.reopen("reference_images")
    short.reference_images.regenerate(item=0)
    short.reference_images.approve()
    assert panel.content.items and all(
        i["stale"] == item.stale for i, item in zip(panel.content.items, short.storyboard.output,
                                                    strict=True))
