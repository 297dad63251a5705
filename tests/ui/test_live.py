"""Keeping panels current: saves from Python and other processes, work off the
kernel's thread, failed reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import adpipeline as ap
from adpipeline import ui
from adpipeline.store import SessionStore
from adpipeline.ui.pipeline_app import PipelineApp
from adpipeline.ui.stage import StagePanel

from .conftest import FakeBrowser, Opener, wait_for


def test_changes_made_by_another_process_reach_the_panel_without_a_reload(
        pipeline: ap.Pipeline, home: Path, opened: Opener) -> None:
    panel: StagePanel = opened(ui.panel(pipeline.story))
    # A second Pipeline object has its own listeners: only the store poll can notice it.
    other = ap.resume(pipeline.id, home=home)
    other.story.feedback("shorter lines please")
    wait_for(lambda: len(panel.chat.messages) == 2, timeout=10)
    assert panel.chat.messages[0]["text"] == "shorter lines please"


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
