"""The review widgets without a browser: traits follow the session, commands from the
browser are checked before anything changes, and nothing secret reaches a trait."""

from __future__ import annotations

import io
import json
import math
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import adpipeline as ap
from adpipeline import ui
from adpipeline.store import SessionStore
from adpipeline.ui._base import _REQUEST_ID, PanelWidget
from adpipeline.ui.gallery import UPLOAD_LIMIT, GalleryPanel
from adpipeline.ui.painter import MaskPainter
from adpipeline.ui.pipeline_app import PipelineApp
from adpipeline.ui.stage import StagePanel
from adpipeline.ui.story import StoryPanel
from adpipeline.ui.video import CHUNK_BYTES, VideoPanel, srt_to_vtt

WIDGETS = Path(__file__).resolve().parent.parent / "widgets"
SHORT = "10 s ad for Aurora, a reusable water bottle"
XSS = '<img src=x onerror="window.__adp_xss=1"><script>window.__adp_xss=2</script>'


class FakeBrowser:
    """Plays the browser: sends a widget commands and collects its replies."""

    def __init__(self, widget: PanelWidget, monkeypatch: pytest.MonkeyPatch) -> None:
        self.widget = widget
        self.replies: list[tuple[dict[str, Any], list[bytes]]] = []
        self._count = 0
        monkeypatch.setattr(widget, "send", self._record)

    def _record(self, content: dict[str, Any], buffers: Any = None) -> None:
        self.replies.append((content, list(buffers or [])))

    def raw(self, content: Any, buffers: list[bytes] | None = None,
            timeout: float = 60.0) -> dict[str, Any]:
        """Send ``content`` as is; return the reply to it (matched by id if it has one)."""
        before = len(self.replies)
        self.widget._on_browser_message(self.widget, content, buffers or [])
        wanted = content.get("id") if isinstance(content, dict) else None
        if not (isinstance(wanted, str) and _REQUEST_ID.fullmatch(wanted)):
            wanted = None  # a malformed id is not echoed back
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for reply, data in self.replies[before:]:
                if reply.get("type") == "accepted":
                    continue  # long work is acknowledged first; the reply comes after it
                if wanted is None or reply.get("id") == wanted:
                    return {**reply, "buffers": data}
            time.sleep(0.01)
        raise AssertionError(f"no reply to {content!r:.80}")

    def send(self, kind: str, buffers: list[bytes] | None = None, **fields: Any) -> dict[str, Any]:
        self._count += 1
        return self.raw({"type": kind, "id": f"t:{self._count}", **fields}, buffers)


Opener = Callable[[Any], Any]


@pytest.fixture
def opened() -> Iterator[Opener]:
    """Close every widget a test opens (their Lives poll the store otherwise)."""
    made: list[Any] = []

    def keep(widget: Any) -> Any:
        made.append(widget)
        return widget

    yield keep
    for widget in reversed(made):
        widget.close()


@pytest.fixture
def short(home: Path) -> ap.Pipeline:
    return ap.start(SHORT, home=home)


def wait_for(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out")


def png(width: int, height: int, color: tuple[int, int, int] = (10, 200, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


# traits follow the session ------------------------------------------------------------


def test_story_panel_shows_the_current_story_and_its_versions(
        pipeline: ap.Pipeline, opened: Opener) -> None:
    panel: StagePanel = opened(ui.panel(pipeline.story))
    story = pipeline.story.output
    assert panel.content.story["title"] == story.title
    assert panel.content.story["framework"] == story.framework
    assert panel.content.story["framework_reason"] == story.framework_reason
    assert panel.content.story["cta"] == story.cta
    scenes = panel.content.story["scenes"]
    assert [(s["start_s"], s["end_s"]) for s in scenes] == [
        (round(s.start_s, 2), round(s.end_s, 2)) for s in story.scenes]
    assert panel.bar.state["versions"][0]["note"] == "first draft"
    assert panel.bar.state["open"] and not panel.bar.busy


def test_python_calls_update_a_displayed_panel_at_once(
        pipeline: ap.Pipeline, opened: Opener) -> None:
    panel: StagePanel = opened(ui.panel(pipeline.story))
    reply = pipeline.story.feedback("make it more humorous")
    assert [m["text"] for m in panel.chat.messages] == ["make it more humorous", reply]
    assert panel.chat.messages[0]["role"] == "user"
    assert re.fullmatch(r"\d\d:\d\d", panel.chat.messages[0]["time"])
    assert panel.bar.state["pending"] == ["make it more humorous"]
    pipeline.story.regenerate()
    assert len(panel.bar.state["versions"]) == 2 and panel.bar.state["current"] == 1
    assert panel.content.story["title"] == pipeline.story.output.title
    pipeline.story.edit_scene(1, voiceover="A brand new line.")
    assert panel.content.story["scenes"][0]["voiceover"] == "A brand new line."
    assert panel.content.story["scenes"][0]["edited"] == ["voiceover"]


def test_changes_made_by_another_process_reach_the_panel_without_a_reload(
        pipeline: ap.Pipeline, home: Path, opened: Opener) -> None:
    panel: StagePanel = opened(ui.panel(pipeline.story))
    # A second Pipeline object has its own listeners: only the store poll can notice it.
    other = ap.resume(pipeline.id, home=home)
    other.story.feedback("shorter lines please")
    wait_for(lambda: len(panel.chat.messages) == 2, timeout=10)
    assert panel.chat.messages[0]["text"] == "shorter lines please"


def test_app_follows_the_session_from_stage_to_stage(short: ap.Pipeline, opened: Opener) -> None:
    app: PipelineApp = opened(ui.app(short))
    assert app.viewing == "story"
    assert [s["state"] for s in app.header.steps] == ["current", "later", "later", "later"]
    short.story.approve()
    assert app.viewing == "reference_images"
    assert [s["state"] for s in app.header.steps] == ["done", "current", "later", "later"]
    gallery = app.panel.content
    assert isinstance(gallery, GalleryPanel)
    # The browser gets exactly the stored PNG bytes of every item, in order.
    assert gallery.images == [item.png for item in short.reference_images.output]
    assert [i["label"] for i in gallery.items] == [
        item.label for item in short.reference_images.output]
    short.reference_images.approve()
    short.storyboard.approve()
    assert app.viewing == "video"
    video = app.panel.content
    assert isinstance(video, VideoPanel)
    assert video.video_size == short.video.output.path.stat().st_size
    assert video.poster == short.video.output.poster
    assert video.subtitles.startswith("WEBVTT")
    assert math.isclose(video.info["duration_s"], short.video.output.duration_s, abs_tol=0.01)
    short.reopen("story")
    assert app.viewing == "story"
    assert [s["state"] for s in app.header.steps] == ["current", "stale", "stale", "stale"]


def test_stepper_shows_an_earlier_stage_only_when_it_has_something(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    app: PipelineApp = opened(ui.app(short))
    browser = FakeBrowser(app.header, monkeypatch)
    assert not browser.send("show", stage="video")["ok"]
    short.story.approve()
    assert browser.send("show", stage="story")["ok"]
    assert app.viewing == "story" and app.header.viewing == "story"
    assert not app.panel.bar.state["open"] and not app.panel.content.reviewing


# commands from the browser --------------------------------------------------------------


def test_clicks_change_the_session_and_busy_is_set_while_work_runs(
        pipeline: ap.Pipeline, home: Path, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    app: PipelineApp = opened(ui.app(pipeline))
    chat = FakeBrowser(app.panel.chat, monkeypatch)
    assert chat.send("send", text="make it more humorous")["ok"]
    assert ap.resume(pipeline.id, home=home).story.pending
    bar = FakeBrowser(app.panel.bar, monkeypatch)
    seen_busy = []
    app.panel.bar.observe(lambda change: seen_busy.append(change["new"]), "busy")
    assert bar.send("regenerate")["ok"]
    assert True in seen_busy and app.panel.bar.busy is False
    assert len(pipeline.story.versions) == 2
    assert bar.send("revert", version=0)["ok"]
    assert pipeline.story.current == 0
    story = FakeBrowser(app.panel.content, monkeypatch)
    assert story.send("edit_scene", scene=1, field="voiceover", text="Hello there.")["ok"]
    assert pipeline.story.output.scenes[0].voiceover == "Hello there."
    assert bar.send("approve")["ok"]
    assert pipeline.stage == "reference_images"


def test_a_second_job_is_refused_while_one_runs(
        pipeline: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    panel: StagePanel = opened(ui.panel(pipeline.story))
    started, release = [], []

    def slow_regenerate(item: int | None = None) -> None:
        started.append(1)
        wait_for(lambda: release, timeout=10)

    monkeypatch.setattr(pipeline.story, "regenerate", slow_regenerate)
    bar = FakeBrowser(panel.bar, monkeypatch)
    panel.bar._on_browser_message(panel.bar, {"type": "regenerate", "id": "a:1"}, [])
    wait_for(lambda: started)
    assert panel.bar.busy and panel.chat.busy and panel.content.busy
    reply = bar.send("approve")
    assert not reply["ok"] and "still running" in reply["error"]
    release.append(1)
    wait_for(lambda: not panel.bar.busy)


def test_a_failed_action_shows_an_error_with_retry(
        pipeline: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    panel: StagePanel = opened(ui.panel(pipeline.story))
    calls = []

    def flaky_regenerate(item: int | None = None) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise ap.ProviderError("the model timed out; try again", transient=True)

    monkeypatch.setattr(pipeline.story, "regenerate", flaky_regenerate)
    bar = FakeBrowser(panel.bar, monkeypatch)
    reply = bar.send("regenerate")
    assert not reply["ok"] and panel.bar.error == "The model timed out; try again"
    assert panel.bar.can_retry
    assert bar.send("retry")["ok"] and len(calls) == 2
    assert panel.bar.error == "" and not panel.bar.can_retry
    assert not bar.send("retry")["ok"]  # nothing left to retry


def test_progress_of_running_work_is_shown_with_its_message(
        short: ap.Pipeline, opened: Opener) -> None:
    app: PipelineApp = opened(ui.app(short))
    bar = app._panel("reference_images").bar  # the panel the app switches to on approval
    shown: list[str] = []
    bar.observe(lambda change: shown.append(change["new"].get("message", "")), "progress")
    short.story.approve()  # draws the reference images, reporting each one
    assert app.panel.bar is bar
    assert any(re.fullmatch(r"Drawing reference image \d of 3 \.\.\.", m) for m in shown), shown
    assert bar.progress == {}  # cleared when the work is done


def test_header_shows_cost_and_budget(pipeline: ap.Pipeline, opened: Opener) -> None:
    app: PipelineApp = opened(ui.app(pipeline))
    assert app.header.budget_usd == -1 and app.header.cost_usd == pipeline.cost_usd
    pipeline.budget = 5
    assert app.header.budget_usd == 5.0
    assert app.header.title == pipeline.story.output.title


def test_a_deleted_session_is_reported_once(
        pipeline: ap.Pipeline, home: Path, opened: Opener) -> None:
    panel: StagePanel = opened(ui.panel(pipeline.story))
    pipeline._store.delete(pipeline.id)
    wait_for(lambda: panel.bar.error, timeout=5)
    assert "was deleted" in panel.bar.error
    assert str(home) not in panel.bar.error and "session" not in panel.bar.error


def test_a_failed_read_is_shown_and_polling_goes_on(
        pipeline: ap.Pipeline, home: Path, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    app: PipelineApp = opened(ui.app(pipeline))
    panel = app.panel
    real_version = pipeline._store.version

    def unreadable(session_id: str) -> int:
        raise ap.StoreError(f"cannot open {home} (disk I/O error)")

    monkeypatch.setattr(pipeline._store, "version", unreadable)
    wait_for(lambda: "cannot be read" in panel.bar.error, timeout=5)
    assert str(home) not in panel.bar.error and "I/O" not in panel.bar.error
    other = SessionStore(home)  # another process changes the session meanwhile
    session = other.load(pipeline.id)
    session.budget_usd = 7.0
    other.save(session)
    monkeypatch.setattr(pipeline._store, "version", real_version)
    wait_for(lambda: panel.bar.error == "" and app.header.budget_usd == 7.0, timeout=5)


BAD_MESSAGES: list[tuple[str, Any, list[bytes]]] = [
    ("not an object", ["approve"], []),
    ("unknown type", {"type": "drop_tables", "id": "x:1"}, []),
    ("type not text", {"type": 7, "id": "x:1"}, []),
    ("bad request id", {"type": "approve", "id": "<script>"}, []),
    ("unexpected field", {"type": "approve", "id": "x:1", "session": "x"}, []),
    ("missing field", {"type": "revert", "id": "x:1"}, []),
    ("version as text", {"type": "revert", "id": "x:1", "version": "0"}, []),
    ("version as bool", {"type": "revert", "id": "x:1", "version": True}, []),
    ("version as float", {"type": "revert", "id": "x:1", "version": 0.0}, []),
    ("version out of range", {"type": "revert", "id": "x:1", "version": 42}, []),
    ("negative version", {"type": "revert", "id": "x:1", "version": -1}, []),
    ("buffer not expected", {"type": "approve", "id": "x:1"}, [b"123"]),
]


@pytest.mark.parametrize(("why", "message", "buffers"), BAD_MESSAGES,
                         ids=[m[0] for m in BAD_MESSAGES])
def test_bad_commands_to_the_stage_bar_are_rejected_and_change_nothing(
        pipeline: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch, why: str, message:
        Any, buffers: list[bytes]) -> None:
    pipeline.story.regenerate()
    panel: StagePanel = opened(ui.panel(pipeline.story))
    before = pipeline.session.model_dump_json()
    reply = FakeBrowser(panel.bar, monkeypatch).raw(message, buffers)
    assert reply["ok"] is False and reply["error"]
    assert panel.bar.error == reply["error"]
    assert pipeline.session.model_dump_json() == before


def test_bad_values_to_panels_are_rejected_and_change_nothing(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    app: PipelineApp = opened(ui.app(short))
    before = short.session.model_dump_json()
    gallery = FakeBrowser(app.panel.content, monkeypatch)
    chat = FakeBrowser(app.panel.chat, monkeypatch)
    header = FakeBrowser(app.header, monkeypatch)
    rejected = [
        gallery.send("regenerate_item", item=3),  # 3 items: 0..2
        gallery.send("regenerate_item", item=-1),
        gallery.send("regenerate_item", item="0"),
        gallery.send("feedback_item", item=0, text="x" * 10_000),
        gallery.send("feedback_item", item=0, text="   "),
        gallery.send("feedback_item", item=0, text=["brighter"]),
        gallery.send("edit_item", item=99),
        gallery.send("history", item=5),
        gallery.send("replace_item", item=0),  # no bytes
        gallery.send("replace_item", item=0, buffers=[b"x" * (UPLOAD_LIMIT + 1)]),
        gallery.send("replace_item", item=9, buffers=[png(64, 64)]),
        chat.send("send", text="y" * 2001),
        chat.send("send", text=None),
        header.send("show", stage="../../etc"),
    ]
    assert all(r["ok"] is False and r["error"] for r in rejected), rejected
    assert short.session.model_dump_json() == before
    # Bytes that are not an image reach ImageStage.replace, whose check refuses them.
    reply = gallery.send("replace_item", item=0, buffers=[b"GIF89a not really"])
    assert reply["ok"] is False and "not a picture this app can open" in reply["error"]
    assert "Pillow" not in reply["error"]
    assert app.panel.content.can_retry is False
    assert short.session.model_dump_json() == before


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


# mask painter ---------------------------------------------------------------------------


def test_painter_keeps_strokes_and_rasterises_a_full_size_mask(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    panel: StagePanel = opened(ui.panel(short.reference_images))
    FakeBrowser(panel.content, monkeypatch).send("edit_item", item=0)
    painter: MaskPainter = panel.painter
    assert painter is not None and panel.children[2] is painter
    surface = painter.surface
    item = short.reference_images.output[0]
    assert (surface.width, surface.height) == (item.asset.width, item.asset.height)
    assert surface.display[0] <= 768  # big images are shown scaled
    surface._down(100, 100)
    for x in range(110, 300, 10):
        surface._move(x, 120)
    surface._move(float("nan"), "x")  # browser junk is ignored
    surface._up(300, 120)
    mask = painter.mask
    assert mask.shape == (item.asset.height, item.asset.width) and mask.dtype == bool
    scale = surface.scale
    assert mask[round(120 / scale), round(200 / scale)]
    assert not mask[0, 0]
    assert painter.controls.strokes == 1 and painter.controls.painted
    controls = FakeBrowser(painter.controls, monkeypatch)
    assert controls.send("set_tool", tool="eraser")["ok"]
    surface._down(200, 120)
    surface._up(200, 120)
    assert not painter.mask[round(120 / scale), round(200 / scale)]
    assert controls.send("undo")["ok"] and painter.controls.strokes == 1
    assert painter.mask[round(120 / scale), round(200 / scale)]
    assert not controls.send("set_tool", tool="lasso")["ok"]
    assert not controls.send("set_size", size=100_000)["ok"]
    assert surface.tool == "brush" or surface.tool == "eraser"
    assert controls.send("clear")["ok"] and not painter.mask.any()
    reply = controls.send("generate", prompt="a red sports car")
    assert not reply["ok"] and reply["error"].startswith("Nothing is painted")


def test_painter_generates_compares_and_reverts(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    panel: StagePanel = opened(ui.panel(short.reference_images))
    FakeBrowser(panel.content, monkeypatch).send("edit_item", item=0)
    painter: MaskPainter = panel.painter
    painter.surface._down(200, 150)
    painter.surface._move(260, 180)
    painter.surface._up(300, 200)
    controls = FakeBrowser(painter.controls, monkeypatch)
    assert controls.send("generate", prompt="a red sports car")["ok"]
    assert painter.controls.phase == "compare"
    assert short.reference_images.output[0].asset.source == "inpainted"
    assert len(short.reference_images.versions) == 2
    assert controls.send("compare", split=0.25)["ok"] and painter.controls.split == 0.25
    assert not controls.send("compare", split=7)["ok"]
    assert controls.send("revert")["ok"]
    assert short.reference_images.current == 0
    assert panel.painter is None and list(panel.children) == [panel.bar, panel.content, panel.chat]


# video ----------------------------------------------------------------------------------


def test_video_is_sent_in_chunks_that_rebuild_the_file(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    short.reference_images.approve()
    short.storyboard.approve()
    panel: StagePanel = opened(ui.panel(short.video))
    video = FakeBrowser(panel.content, monkeypatch)
    key = panel.content.video_key
    total = -(-panel.content.video_size // CHUNK_BYTES)
    parts = []
    for index in range(total):
        reply = video.send("chunk", key=key, index=index)
        assert reply["ok"] and reply["total"] == total
        parts.append(reply["buffers"][0])
    assert b"".join(parts) == short.video.output.path.read_bytes()
    assert not video.send("chunk", key="0" * 16, index=0)["ok"]
    assert not video.send("chunk", key=key, index=total)["ok"]


def test_subtitles_become_webvtt_with_text_kept_literal() -> None:
    srt = "1\n00:00:00,000 --> 00:00:02,500\n<b>Meet</b> A & B\n\n2\n00:00:02,500 --> 00:00:04,000\nBye\n"
    vtt = srt_to_vtt(srt)
    assert vtt.splitlines()[:4] == ["WEBVTT", "", "00:00:00.000 --> 00:00:02.500",
                                    "&lt;b&gt;Meet&lt;/b&gt; A &amp; B"]
    assert "00:00:02.500 --> 00:00:04.000\nBye" in vtt


# safety ---------------------------------------------------------------------------------


def _all_trait_values(widget: Any) -> list[Any]:
    values = []
    for name in widget.trait_names():
        if name.startswith("_") and name not in ("_esm", "_css"):
            continue
        values.append(getattr(widget, name))
    return values


def _text_of(value: Any) -> str:
    def default(obj: Any) -> str:
        if isinstance(obj, bytes | bytearray | memoryview):
            return ""  # image bytes: their content is checked by the gallery tests
        return str(obj)

    return json.dumps(value, default=default)


def test_no_session_id_path_blob_name_or_key_in_any_trait(
        short: ap.Pipeline, home: Path, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-DO-NOT-LEAK-0123456789abcdef")
    short.story.approve()
    app: PipelineApp = opened(ui.app(short))
    FakeBrowser(app.panel.content, monkeypatch).send("edit_item", item=0)
    short.reference_images.approve()
    short.storyboard.approve()
    app.show("reference_images")
    widgets: list[Any] = [app, app.header]
    for panel in app._panels.values():
        widgets += [panel, panel.bar, panel.content, panel.chat]
        if panel.painter is not None:
            widgets += [panel.painter, panel.painter.controls, panel.painter.surface.canvas]
    session = short.session
    secrets = [short.id, str(home), str(home.resolve()), "sk-test-DO-NOT-LEAK"]
    for state in session.stages.values():
        for version in state.versions:
            secrets += [a.blob for a in version.images or []]
            if version.video is not None:
                secrets += [version.video.blob, version.video.poster, version.video.subtitles]
    assert len(widgets) > 12
    for widget in widgets:
        text = _text_of(_all_trait_values(widget))
        for secret in secrets:
            assert secret not in text, f"{secret[:12]}... in a trait of {type(widget).__name__}"


def test_story_text_with_markup_stays_literal_in_traits(
        pipeline: ap.Pipeline, opened: Opener) -> None:
    pipeline.story.edit_scene(1, voiceover=XSS, on_screen_text="<b>bold?</b>")
    pipeline.story.feedback(f"please keep {XSS}")
    panel: StagePanel = opened(ui.panel(pipeline.story))
    scene = panel.content.story["scenes"][0]
    assert scene["voiceover"] == XSS and scene["on_screen_text"] == "<b>bold?</b>"
    assert XSS in panel.content.story["voiceover"]
    assert panel.chat.messages[0]["text"] == f"please keep {XSS}"


def test_widget_code_never_writes_html_or_loads_from_the_network() -> None:
    for path in WIDGETS.glob("*.js"):
        code = path.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", code), path
        assert not re.search(r"(import|from)[^;]*['\"]https?://", code), path
        assert "eval(" not in code and "new Function" not in code, path
    for path in WIDGETS.glob("*.css"):
        assert not re.search(r"url\(|@import", path.read_text()), path


def test_every_widget_module_has_the_anywidget_shape() -> None:
    for path in WIDGETS.glob("[!_]*.js"):
        code = path.read_text()
        assert re.search(r"export default \{\s*initialize\(\)", code), path
        assert "function render({ model, el })" in code and "return () => {" in code, path


# accessibility --------------------------------------------------------------------------


def _rgb(color: str, over: tuple[float, float, float] = (1, 1, 1)) -> tuple[float, float, float]:
    color = color.strip()
    if color == "white":
        return 1.0, 1.0, 1.0
    if color.startswith("#"):
        hex_ = color[1:]
        if len(hex_) == 3:
            hex_ = "".join(c * 2 for c in hex_)
        return tuple(int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    r, g, b, a = (float(x) for x in re.findall(r"[\d.]+", color))
    return tuple(a * c / 255 + (1 - a) * o for c, o in zip((r, g, b), over, strict=True))  # type: ignore[return-value]


def _contrast(fg: str, bg: str) -> float:
    def luminance(rgb: tuple[float, float, float]) -> float:
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    back = _rgb(bg)
    a, b = luminance(_rgb(fg, back)), luminance(back)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


# JupyterLab 4's own values for the --jp variables the widgets use.
THEMES = {
    "light": {"fg": "#000", "fg-soft": "rgba(0,0,0,.87)", "bg": "white", "bg-soft": "#eee"},
    "dark": {"fg": "#fff", "fg-soft": "rgba(255,255,255,.87)", "bg": "#111", "bg-soft": "#424242"},
}
TEXT_PAIRS = [("fg", "bg"), ("fg", "bg-soft"), ("fg-soft", "bg"), ("fg-soft", "bg-soft"),
              ("on-accent", "accent"), ("danger-fg", "danger-bg"), ("warn-fg", "warn-bg"),
              ("ok-fg", "ok-bg"), ("danger-fg", "bg"), ("warn-fg", "bg")]
CONTROL_PAIRS = [("border", "bg"), ("accent", "bg")]


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_colours_meet_wcag_aa(theme: str) -> None:
    css = (WIDGETS / "_shared.css").read_text()
    light = dict(re.findall(r"--adp-([\w-]+):\s*(#[0-9a-fA-F]{3,6});", css.split("body[")[0]))
    dark = dict(re.findall(r"--adp-([\w-]+):\s*(#[0-9a-fA-F]{3,6});",
                           _between(css, 'body[data-jp-theme-light="false"]', ".adp :focus")))
    colours = {**light, **(dark if theme == "dark" else {}), **THEMES[theme]}
    for fg, bg in TEXT_PAIRS:
        ratio = _contrast(colours[fg], colours[bg])
        assert ratio >= 4.5, f"{theme}: {fg} on {bg} is {ratio:.2f}:1"
    for fg, bg in CONTROL_PAIRS:
        ratio = _contrast(colours[fg], colours[bg])
        assert ratio >= 3.0, f"{theme}: {fg} on {bg} is {ratio:.2f}:1"


def test_controls_are_labelled_in_the_widget_code() -> None:
    code = {p.stem: p.read_text() for p in WIDGETS.glob("*.js")}
    for label in ("Approve and continue to next stage", "Regenerate with feedback"):
        assert label in code["stagebar"]
    assert "Brush tool for selection" in code["painter"]
    assert 'aria-live": "polite"' in code["chat"]
    assert "alt: `${item.label}: ${item.prompt}`" in code["gallery"]
    # every <button> made with h() has a name: an aria-label or text in its (brace-balanced)
    # props, or text in its children (then no aria-label, whose words would differ from
    # the visible ones: axe's label-content-name-mismatch)
    for name, text in code.items():
        for match in re.finditer(r'h\("button", \{', text):
            depth, end = 0, match.end() - 1
            for end in range(match.end() - 1, len(text)):
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                if depth == 0:
                    break
            props = text[match.end():end]
            children = text[end + 1:end + 400].lstrip()
            named = "aria-label" in props or "text:" in props or (
                children.startswith(", [") and "text:" in children.split("]);")[0])
            assert named, f"{name}: {text[match.start():match.start() + 80]}"


# construction ---------------------------------------------------------------------------


def test_unknown_keyword_arguments_raise_type_error(pipeline: ap.Pipeline, opened: Opener) -> None:
    with pytest.raises(TypeError, match="colour"):
        ui.app(pipeline, colour="red")
    with pytest.raises(TypeError, match="bogus"):
        ui.panel(pipeline.story, bogus=1)
    panel: StagePanel = opened(ui.panel(pipeline.story))
    with pytest.raises(TypeError, match="title"):
        StoryPanel(pipeline.story, live=panel._live, title="x")
    with pytest.raises(TypeError):
        ui.panel(pipeline)


def test_a_kernel_shows_the_app_and_panels(home: Path) -> None:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", env={
        **__import__("os").environ, "ADPIPELINE_HOME": str(home)})
    shown: list[dict[str, Any]] = []

    def collect(msg: dict[str, Any]) -> None:
        if msg["msg_type"] in ("execute_result", "display_data"):
            shown.append(msg["content"]["data"])
        if msg["msg_type"] in ("stream", "error"):
            shown.append({"text": str(msg["content"])})

    code = ("import adpipeline as ap\n"
            "from ipywidgets.widgets.widget import _instances\n"
            "p = ap.start('30 s ad for Aurora, a reusable water bottle')\n")
    try:
        client.execute_interactive(code, output_hook=collect, timeout=120)
        for cell in ("p", "p.story", "p.storyboard"):
            client.execute_interactive(cell, output_hook=collect, timeout=120)
        models = [data["application/vnd.jupyter.widget-view+json"]["model_id"]
                  for data in shown if "text" not in data]
        client.execute_interactive(f"print([type(_instances[m]).__name__ for m in {models!r}])",
                                   output_hook=collect, timeout=120)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert len(models) == 3, shown
    assert "['PipelineApp', 'StagePanel', 'StagePanel']" in shown[-1]["text"]
    assert shown[0]["text/plain"].startswith("<Pipeline ")  # what a viewer without widgets shows


def test_a_terminal_ipython_prints_the_pipeline_and_builds_no_widget(
        pipeline: ap.Pipeline) -> None:
    from IPython.core.interactiveshell import InteractiveShell
    from ipywidgets.widgets.widget import _instances

    shell = InteractiveShell.instance()
    widgets = len(_instances)
    for shown in (pipeline, pipeline.story, pipeline.storyboard):
        data, _ = shell.display_formatter.format(shown)
        assert data == {"text/plain": repr(shown)}
    assert len(_instances) == widgets
    assert pipeline._listeners == []  # nothing left listening to the session


def test_mask_canvas_scales_big_images_for_display() -> None:
    from adpipeline.ui.mask_canvas import MaskCanvas

    canvas = MaskCanvas(png(2048, 2048), 2048, 2048)
    try:
        assert canvas.display == (576, 576)
        canvas.finish_stroke([(10.0, 10.0), (200.0, 200.0)])
        assert canvas.mask.shape == (2048, 2048)
        assert canvas.mask[int(100 / canvas.scale), int(100 / canvas.scale)]
        overlay = canvas.overlay_rgba()
        assert overlay is not None and overlay.shape == (576, 576, 4)
        assert np.all(overlay[overlay[..., 3] > 0][:, :3] == (220, 38, 38))
    finally:
        canvas.close()


def test_commands_to_a_panel_of_a_stage_that_moved_on_change_nothing(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    panel: StagePanel = opened(ui.panel(short.reference_images))
    gallery = FakeBrowser(panel.content, monkeypatch)
    bar = FakeBrowser(panel.bar, monkeypatch)
    chat = FakeBrowser(panel.chat, monkeypatch)
    short.reference_images.approve()  # another window approved: this panel's stage is done
    before = short.session.model_dump_json()
    replies = [
        gallery.send("regenerate_item", item=0),
        gallery.send("feedback_item", item=1, text="brighter background"),
        bar.send("approve"),
        bar.send("regenerate"),
        bar.send("revert", version=0),
        chat.send("send", text="make it warmer"),
    ]
    for reply in replies:
        assert reply["ok"] is False and "approved" in reply["error"], reply
    assert short.session.model_dump_json() == before


def test_the_header_shows_and_switches_providers(
        pipeline: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    app: PipelineApp = opened(ui.app(pipeline))
    rows = {row["capability"]: row for row in app.header.providers}
    assert rows["image"]["current"] == "offline" and "replicate" in rows["image"]["options"]
    header = FakeBrowser(app.header, monkeypatch)
    before = pipeline.session.model_dump_json()
    for bad in ({"capability": "sound", "provider": "offline"},
                {"capability": "image", "provider": "nope"},
                {"capability": "video", "provider": "openai"},
                {"capability": "image", "provider": 5}):
        assert header.send("use", **bad)["ok"] is False
    assert pipeline.session.model_dump_json() == before
    assert header.send("use", capability="image", provider="replicate")["ok"]
    assert pipeline.session.providers["image"] == "replicate"
    wait_for(lambda: {r["capability"]: r for r in app.header.providers}["image"]["current"]
             == "replicate", timeout=5)


def test_text_typed_when_another_window_approves_moves_to_the_next_stage(
        short: ap.Pipeline, home: Path, opened: Opener) -> None:
    app: PipelineApp = opened(ui.app(short))
    app.panel.chat.typed = "make the voiceover warmer"  # as the browser tells it, not sent
    ap.resume(short.id, home=home).story.approve()  # another window
    wait_for(lambda: app.viewing == "reference_images", timeout=30)
    chat = app.panel.chat
    assert chat.draft["text"] == "make the voiceover warmer"
    assert "was not sent" in chat.error and "approved in another window" in chat.error
    assert not [m for m in ap.resume(short.id, home=home).session.conversation
                if m.text == "make the voiceover warmer"]
