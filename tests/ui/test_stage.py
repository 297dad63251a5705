"""The stage bar and the panel around a stage: actions, errors, and commands that arrive late."""

from __future__ import annotations

from typing import Any

import pytest

import adpipeline as ap
from adpipeline import ui
from adpipeline.ui.stage import StagePanel

from .conftest import FakeBrowser, Opener


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
