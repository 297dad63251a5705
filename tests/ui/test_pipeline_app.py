"""The review app: stepper, header (cost, budget, providers), and following the session."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import adpipeline as ap
from adpipeline import ui
from adpipeline.ui.gallery import GalleryPanel
from adpipeline.ui.pipeline_app import PipelineApp
from adpipeline.ui.video import VideoPanel

from .conftest import FakeBrowser, Opener, wait_for


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


def test_header_shows_cost_and_budget(pipeline: ap.Pipeline, opened: Opener) -> None:
    app: PipelineApp = opened(ui.app(pipeline))
    assert app.header.budget_usd == -1 and app.header.cost_usd == pipeline.cost_usd
    pipeline.budget = 5
    assert app.header.budget_usd == 5.0
    assert app.header.title == pipeline.story.output.title


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
    # The next stage's panel comes first, then the unsent text is put in its box.
    wait_for(lambda: app.viewing == "reference_images"
             and app.panel.chat.draft.get("text") == "make the voiceover warmer", timeout=30)
    chat = app.panel.chat
    assert "was not sent" in chat.error and "approved in another window" in chat.error
    assert not [m for m in ap.resume(short.id, home=home).session.conversation
                if m.text == "make the voiceover warmer"]
