"""The Pipeline: one session driven from code, its snapshot, going back, and
saves that another process or a crash cannot lose."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import adpipeline as ap

from .conftest import unchanged


def test_every_change_is_saved_before_the_call_returns(pipeline: ap.Pipeline, home: Path) -> None:
    pipeline.story.feedback("make it energetic")
    other = ap.resume(pipeline.id, home=home)
    assert other.story.pending[0].text == "make it energetic"


def test_concurrent_change_makes_the_loser_raise_conflict_and_keeps_the_winner(
    pipeline: ap.Pipeline, home: Path
) -> None:
    other = ap.resume(pipeline.id, home=home)

    def change(session: ap.Session) -> None:
        other.story.feedback("make it energetic")  # saves while this change is in flight
        session.budget_usd = 3.0

    with pytest.raises(ap.ConflictError, match="reload"):
        pipeline._update(change)
    session = pipeline.session
    assert session.budget_usd is None
    assert [m.text for m in session.conversation if m.role == "user"] == ["make it energetic"]
    pipeline.budget = 3.0  # reload and retry works
    assert pipeline.budget == 3.0


_WORKER = """
import sys, adpipeline as ap
p = ap.resume(sys.argv[1], home=sys.argv[2])
conflicts = 0
for i in range(int(sys.argv[4])):
    while True:
        try:
            p.story.feedback(f"{sys.argv[3]} message {i}")
            break
        except ap.ConflictError:
            conflicts += 1
print(conflicts)
"""


def test_two_processes_never_lose_an_update(pipeline: ap.Pipeline, home: Path) -> None:
    base = pipeline.session.version
    runs = [subprocess.Popen([sys.executable, "-c", _WORKER, pipeline.id, str(home), name, "25"],
                             stdout=subprocess.PIPE, text=True) for name in ("alpha", "beta")]
    for run in runs:
        assert run.wait(timeout=120) == 0
    texts = [m.text for m in pipeline.session.conversation if m.role == "user"]
    assert sorted(texts) == sorted(f"{n} message {i}" for n in ("alpha", "beta") for i in range(25))
    assert pipeline.session.version == base + 50  # one save per feedback, none lost


def test_unknown_stage(pipeline: ap.Pipeline) -> None:
    with unchanged(pipeline):
        with pytest.raises(ap.InvalidInput, match=r"unknown stage 'stroy'.*story, reference_images"):
            pipeline.reopen("stroy")
        with pytest.raises(ap.InvalidInput, match="unknown stage"):
            pipeline["videos"]


def test_reopen_a_stage_that_was_never_approved(pipeline: ap.Pipeline) -> None:
    with unchanged(pipeline), pytest.raises(ap.StageError, match="not been approved"):
        pipeline.reopen("storyboard")


def test_the_design_api_from_prompt_to_video(pipeline: ap.Pipeline) -> None:
    p = pipeline
    p.story.approve()
    assert p.stage == "reference_images"
    refs = p.reference_images.output
    assert [r.asset.kind for r in refs] == ["product", "character", "setting"]
    assert refs[0].image.size == (1280, 720) and refs[0].png.startswith(b"\x89PNG")
    reply = p.reference_images.feedback("brighter background", item=1)
    assert "brighten" in reply
    p.reference_images.regenerate(item=1)
    assert p.reference_images.output[0].asset.blob == refs[0].asset.blob
    assert p.reference_images.output[1].asset.blob != refs[1].asset.blob
    mask = np.zeros((720, 1280), dtype=bool)
    mask[300:420, 500:700] = True
    p.reference_images.edit(item=0, mask=mask, prompt="a red sports car")
    assert p.reference_images.output[0].asset.source == "inpainted"
    assert len(p.reference_images.versions) == 3
    p.reference_images.approve()
    frames = p.storyboard.output
    assert len(frames) == len(p.story.output.scenes)
    assert all(f.asset.references == [r.asset.blob for r in p.reference_images.output]
               for f in frames)
    p.storyboard.approve()
    video = p.video.output
    assert video.path.suffix == ".mp4" and video.path.stat().st_size > 10_000
    assert abs(video.duration_s - 30) <= 1 / 30
    p.video.approve()
    assert p.stage == "complete"


def test_reopen_marks_later_stages_stale_and_keeps_their_versions(pipeline: ap.Pipeline) -> None:
    p = pipeline
    p.story.approve()
    p.reference_images.approve()
    old_frames = [f.asset.blob for f in p.storyboard.output]
    p.reopen("reference_images")
    assert (p.stage, p.reference_images.status, p.storyboard.status) == (
        "reference_images", "review", "stale")
    assert p.video.status == "pending"
    assert [f.asset.blob for f in p.storyboard.output] == old_frames
    p.reference_images.feedback("make it warmer", item=0)
    p.reference_images.regenerate(item=0)
    assert all(f.stale for f in p.storyboard.output)
    p.reference_images.approve()
    assert p.storyboard.status == "review"
    assert len(p.storyboard.versions) == 2
    assert not any(f.stale for f in p.storyboard.output)
    assert [f.blob for f in p.storyboard.versions[0].images or []] == old_frames


def test_an_interrupted_generation_is_marked_failed_and_can_be_retried(
    pipeline: ap.Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adpipeline.providers.offline.text import OfflineTextProvider

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(OfflineTextProvider, "write_story", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pipeline.story.regenerate()
    assert pipeline.story.status == "failed"
    assert "interrupted" in (pipeline.story.error or "")
    assert len(pipeline.story.versions) == 1  # the approved-worthy draft is still there
    monkeypatch.undo()
    pipeline.story.regenerate()
    assert pipeline.story.status == "review" and len(pipeline.story.versions) == 2


def test_a_stage_left_generating_by_a_dead_process_can_be_regenerated(
    pipeline: ap.Pipeline,
) -> None:
    import socket

    def crashed(session: ap.Session) -> None:
        state = session.stages["story"]
        state.status = "generating"
        state.worker = f"{socket.gethostname()}:999999999"

    pipeline._update(crashed)
    pipeline.story.regenerate()
    assert pipeline.story.status == "review"


def test_a_stage_generating_in_a_live_process_refuses_other_actions(pipeline: ap.Pipeline) -> None:
    import os
    import socket

    def busy(session: ap.Session) -> None:
        session.stages["story"].status = "generating"
        session.stages["story"].worker = f"{socket.gethostname()}:{os.getpid()}"

    pipeline._update(busy)
    with unchanged(pipeline), pytest.raises(ap.StageError, match="while it is generating"):
        pipeline.story.feedback("make it funnier")


def test_the_session_read_from_a_pipeline_refuses_changes_that_would_be_lost(
        pipeline: ap.Pipeline) -> None:
    snapshot = pipeline.session
    attempts = [
        lambda: setattr(snapshot, "budget_usd", 5),
        lambda: setattr(snapshot.stages["story"], "status", "approved"),
        lambda: setattr(snapshot.brief, "duration_s", 15),
        lambda: snapshot.conversation.append(ap.Message(role="user", text="hi", stage="story")),
        lambda: snapshot.stages["story"].versions.clear(),
        lambda: snapshot.providers.update(text="openai"),
        lambda: snapshot.stages.pop("video"),
    ]
    for attempt in attempts:
        with pytest.raises(AttributeError, match=r"read-only snapshot.*p\.budget = 5"):
            attempt()
    stored = ap.resume(pipeline.id).session
    assert stored.budget_usd is None and stored.stage == "story"
    assert stored.model_dump() == snapshot.model_dump()
    # A copy is the user's own to change, for example to compare with.
    mine = snapshot.model_copy(deep=True)
    mine.budget_usd = 5
    mine.stages["story"].versions.clear()
    assert pipeline.session.budget_usd is None and pipeline.story.versions


def test_a_pickled_snapshot_is_a_copy_the_user_can_change(pipeline: ap.Pipeline) -> None:
    import pickle

    mine = pickle.loads(pickle.dumps(pipeline.session))
    assert mine == pipeline.session
    mine.budget_usd = 5
    mine.stages["story"].status = "approved"
    mine.conversation.append(ap.Message(role="user", text="hi", stage="story"))
    story = mine.stages["story"].versions[0].story
    assert story is not None
    story.palette.append("pink")
    story.title = "Mine"
    assert pipeline.budget is None and pipeline.story.status == "review"
    assert pipeline.story.output is not None and pipeline.story.output.title != "Mine"


def test_outputs_read_from_a_pipeline_refuse_changes_that_would_leak_into_later_versions(
        pipeline: ap.Pipeline) -> None:
    story = pipeline.story.output
    assert story is not None
    title = story.title
    attempts = [
        lambda: setattr(story, "title", "Changed by hand"),
        lambda: setattr(story.scenes[0], "voiceover", "changed"),
        lambda: story.palette.append("pink"),
        lambda: story.understood.update(Product="something else"),
        lambda: setattr(pipeline.session.stages["story"].versions[0].story, "tone", "grim"),
    ]
    for attempt in attempts:
        with pytest.raises(AttributeError, match="read-only snapshot"):
            attempt()
    pipeline.story.edit_scene(1, on_screen_text="Meet Aurora")
    for seen in (pipeline, ap.resume(pipeline.id)):
        assert seen.story.output is not None and seen.story.output.title == title
        assert "pink" not in seen.story.output.palette
    edited = pipeline.story.output.model_copy(deep=True)  # a copy is the user's own
    edited.title = "Mine"
    assert pipeline.story.output.title == title


def test_reading_a_pipeline_loads_the_session_only_when_it_changed(
        pipeline: ap.Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []
    real_load = pipeline._store.load
    monkeypatch.setattr(pipeline._store, "load", lambda i: loads.append(i) or real_load(i))
    for _ in range(50):
        assert pipeline.stage == "story" and pipeline.story.status == "review"
        assert pipeline.cost_usd == 0 and pipeline.story.output is not None
        assert len(pipeline.story.versions) == 1
    assert loads == []
    # Another process (or window) saves: the next read sees it.
    other = ap.resume(pipeline.id)
    other.budget = 2.5
    before = len(loads)
    assert pipeline.budget == 2.5 and len(loads) == before + 1
    assert pipeline.budget == 2.5 and len(loads) == before + 1


def test_frames_report_how_many_are_done(home: Path) -> None:
    said: list[str] = []
    p = ap.start("12 s ad for Aurora, a reusable water bottle", home=home,
                 progress=lambda done, total, message: said.append(message))
    p.story.approve()
    p.reference_images.approve()
    frames = len(p.storyboard.output)
    done = [m for m in said if m.endswith(" frames done")]
    assert done[-1] == f"{frames} of {frames} frames done"
    assert len(done) == frames  # one report as each frame lands
