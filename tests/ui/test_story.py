"""The story panel: the current story and its versions, kept literal."""

from __future__ import annotations

import re

import adpipeline as ap
from adpipeline import ui
from adpipeline.ui.stage import StagePanel

from .conftest import XSS, Opener


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


def test_story_text_with_markup_stays_literal_in_traits(
        pipeline: ap.Pipeline, opened: Opener) -> None:
    pipeline.story.edit_scene(1, voiceover=XSS, on_screen_text="<b>bold?</b>")
    pipeline.story.feedback(f"please keep {XSS}")
    panel: StagePanel = opened(ui.panel(pipeline.story))
    scene = panel.content.story["scenes"][0]
    assert scene["voiceover"] == XSS and scene["on_screen_text"] == "<b>bold?</b>"
    assert XSS in panel.content.story["voiceover"]
    assert panel.chat.messages[0]["text"] == f"please keep {XSS}"
