"""The public API of DESIGN.md, driven as a notebook or a script would drive it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

import adpipeline as ap

from .conftest import BRIEF
from .test_media_images import huge_png_header


@contextmanager
def unchanged(p: ap.Pipeline) -> Iterator[None]:
    """Assert that the block leaves the stored session exactly as it was."""
    before = p.session
    yield
    after = p.session
    assert after.version == before.version
    assert after == before


def test_start_writes_a_story_and_waits_for_review(pipeline: ap.Pipeline) -> None:
    assert pipeline.stage == "story"
    assert pipeline.story.status == "review"
    story = pipeline.story.output
    assert story.product == "Aurora" and story.duration_s == 30
    assert pipeline.reference_images.status == "pending"
    assert [s.id for s in ap.sessions()] == [pipeline.id]


def test_prompt_sets_duration_and_aspect_when_not_given(home: Path) -> None:
    p = ap.start("vertical 15 second ad for Nimbus, a running shoe", home=home)
    assert (p.session.brief.duration_s, p.session.brief.aspect) == (15, "9:16")
    assert p.story.output.duration_s == 15


def test_feedback_regenerate_versions_and_revert(pipeline: ap.Pipeline) -> None:
    reply = pipeline.story.feedback("make it more humorous, focus on product benefits")
    assert "humorous" in reply
    assert pipeline.story.output.tone == "friendly"  # nothing applied until regenerate
    pipeline.story.regenerate()
    assert pipeline.story.output.tone == "humorous"
    assert pipeline.story.pending == []
    assert len(pipeline.story.versions) == 2 and pipeline.story.current == 1
    pipeline.story.revert(0)
    assert pipeline.story.output.tone == "friendly"
    assert len(pipeline.story.versions) == 2
    roles = [m.role for m in pipeline.story.messages]
    assert roles == ["user", "assistant"]


def test_regenerate_without_feedback_gives_a_different_variant(pipeline: ap.Pipeline) -> None:
    first = pipeline.story.output
    pipeline.story.regenerate()
    assert pipeline.story.output != first
    assert pipeline.story.output.duration_s == 30


def test_a_message_that_asks_to_regenerate_does_so(pipeline: ap.Pipeline) -> None:
    pipeline.story.feedback("make it funnier and regenerate")
    assert pipeline.story.output.tone == "humorous"
    assert len(pipeline.story.versions) == 2


def test_a_message_that_asks_to_approve_does_so(pipeline: ap.Pipeline) -> None:
    pipeline.story.feedback("looks good, approve")
    assert pipeline.story.status == "approved"
    assert pipeline.stage == "reference_images"


def test_edit_scene_is_a_new_version_that_regeneration_keeps(pipeline: ap.Pipeline) -> None:
    pipeline.story.edit_scene(2, voiceover="Cold water, warm heart.")
    assert pipeline.story.output.scenes[1].voiceover == "Cold water, warm heart."
    assert len(pipeline.story.versions) == 2
    pipeline.story.feedback("make it calm")
    pipeline.story.regenerate()
    assert pipeline.story.output.scenes[1].voiceover == "Cold water, warm heart."


def test_every_change_is_saved_before_the_call_returns(pipeline: ap.Pipeline, home: Path) -> None:
    pipeline.story.feedback("make it energetic")
    other = ap.resume(pipeline.id, home=home)
    assert other.story.pending[0].text == "make it energetic"


def test_session_resumes_identically_in_another_process(pipeline: ap.Pipeline, home: Path) -> None:
    pipeline.story.feedback("make it funnier and regenerate")
    code = (
        "import adpipeline as ap, sys; p = ap.resume(sys.argv[1], home=sys.argv[2]); "
        "print(p.session.model_dump_json())"
    )
    out = subprocess.run([sys.executable, "-c", code, pipeline.id, str(home)],
                         capture_output=True, text=True, check=True).stdout
    assert ap.Session.model_validate_json(out) == pipeline.session


def test_session_survives_a_kernel_restart(home: Path) -> None:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", env={
        **__import__("os").environ, "ADPIPELINE_HOME": str(home)})

    def run(code: str) -> str:
        outputs: list[str] = []

        def collect(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                outputs.append(msg["content"]["text"])
            if msg["msg_type"] == "error":
                outputs.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])

        client.execute_interactive(code, output_hook=collect, timeout=120)
        return "".join(outputs)

    try:
        before = run(
            "import adpipeline as ap\n"
            f"p = ap.start({BRIEF!r})\n"
            "p.story.feedback('scene 2 on a beach at sunset and regenerate')\n"
            "print(p.id); print(p.session.model_dump_json())"
        )
        session_id, dump = before.strip().split("\n", 1)
        manager.restart_kernel(now=True)
        client.wait_for_ready(timeout=60)
        after = run(f"import adpipeline as ap\nprint(ap.resume({session_id!r}).session.model_dump_json())")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert "ERROR" not in after, after
    assert json.loads(after) == json.loads(dump)
    assert ap.resume(session_id, home=home).story.output.scenes[1].setting == "beach"


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


# bad input: a clear error, nothing changed ------------------------------------


@pytest.mark.parametrize("prompt", ["", "  ", "x" * 5000])
def test_bad_prompt_creates_no_session(prompt: str, home: Path) -> None:
    with pytest.raises(ap.InvalidInput, match="prompt"):
        ap.start(prompt, home=home)
    assert ap.sessions(home=home) == []


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"duration": 2}, "5 to 180"), ({"duration": 500}, "5 to 180"),
    ({"aspect": "4:3"}, "16:9, 9:16, 1:1"), ({"budget": -1}, "budget"),
])
def test_bad_brief_options_create_no_session(kwargs: dict, says: str, home: Path) -> None:
    with pytest.raises(ap.InvalidInput, match=says):
        ap.start(BRIEF, home=home, **kwargs)
    assert ap.sessions(home=home) == []


def test_unknown_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        ap.start(BRIEF, durration=30)  # type: ignore[call-arg]


def test_unknown_stage(pipeline: ap.Pipeline) -> None:
    with unchanged(pipeline):
        with pytest.raises(ap.InvalidInput, match=r"unknown stage 'stroy'.*story, reference_images"):
            pipeline.reopen("stroy")
        with pytest.raises(ap.InvalidInput, match="unknown stage"):
            pipeline["videos"]


def test_approve_out_of_order_says_what_is_possible(pipeline: ap.Pipeline) -> None:
    with unchanged(pipeline), pytest.raises(ap.StageError, match=r"not reached yet.*p\.story"):
        pipeline.storyboard.approve()


def test_feedback_on_an_approved_stage_says_to_reopen(pipeline: ap.Pipeline) -> None:
    pipeline.story.approve()
    with unchanged(pipeline), pytest.raises(ap.StageError, match="reopen"):
        pipeline.story.feedback("make it funnier")


@pytest.mark.parametrize("n", [5, -1, "0", None, True])
def test_revert_to_a_missing_version(pipeline: ap.Pipeline, n: object) -> None:
    with unchanged(pipeline), pytest.raises(ap.InvalidInput, match="versions 0 to 0"):
        pipeline.story.revert(n)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "   ", "x" * 3000, None])
def test_empty_or_huge_feedback(pipeline: ap.Pipeline, text: object) -> None:
    with unchanged(pipeline), pytest.raises(ap.InvalidInput):
        pipeline.story.feedback(text)  # type: ignore[arg-type]


def test_story_is_one_item(pipeline: ap.Pipeline) -> None:
    with unchanged(pipeline), pytest.raises(ap.InvalidInput, match="single item"):
        pipeline.story.regenerate(item=2)


@pytest.mark.parametrize("bad", ["../../etc", "A" * 21 + "/", "..%2F..%2Fetc"])
def test_resume_rejects_ids_that_are_not_ids(bad: str, home: Path) -> None:
    with pytest.raises(ap.InvalidInput, match="not a session id"):
        ap.resume(bad, home=home)


def test_resume_an_unknown_session(home: Path) -> None:
    with pytest.raises(ap.SessionNotFound, match="sessions list"):
        ap.resume("A" * 22, home=home)


def test_reopen_a_stage_that_was_never_approved(pipeline: ap.Pipeline) -> None:
    with unchanged(pipeline), pytest.raises(ap.StageError, match="not been approved"):
        pipeline.reopen("storyboard")


# with images and video --------------------------------------------------------


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


def test_reapproving_unchanged_inputs_reuses_the_output(pipeline: ap.Pipeline) -> None:
    p = pipeline
    p.story.approve()
    p.reference_images.approve()
    p.storyboard.approve()
    before = p.session
    p.reopen("reference_images")
    p.reference_images.approve()  # same references: the storyboard is reused as it is
    p.storyboard.approve()  # same frames: the same video, not rendered again
    after = p.session
    assert len(after.ledger) == len(before.ledger)  # no provider call, not even a cached one
    for stage in ("storyboard", "video"):
        assert len(after.stages[stage].versions) == len(before.stages[stage].versions)
    assert p.video.output.asset.blob == before.stages["video"].output.video.blob
    assert p.stage == "video" and p.video.status == "review"


def test_replace_with_my_image_and_bad_uploads(pipeline: ap.Pipeline, tmp_path: Path) -> None:
    from PIL import Image

    p = pipeline
    p.story.approve()
    upload = tmp_path / "mine.png"
    Image.new("RGB", (640, 480), (10, 200, 30)).save(upload)
    p.reference_images.replace(2, upload)
    item = p.reference_images.output[2]
    assert item.asset.source == "uploaded" and item.image.size == (1280, 720)
    assert np.asarray(item.image)[360, 640].tolist() == [10, 200, 30]
    with unchanged(p):
        with pytest.raises(ap.InvalidInput):
            p.reference_images.replace(0, b"this is not an image")
        with pytest.raises(ap.InvalidInput):
            p.reference_images.replace(0, upload.read_bytes()[:200])  # truncated PNG
        with pytest.raises(ap.InvalidInput, match="items 0 to 2"):
            p.reference_images.replace(7, upload)
        with pytest.raises(ap.InvalidInput, match="50000x50000"):
            p.reference_images.replace(0, huge_png_header())


def test_bad_masks_change_nothing(pipeline: ap.Pipeline) -> None:
    p = pipeline
    p.story.approve()
    with unchanged(p):
        with pytest.raises(ap.InvalidInput):
            p.reference_images.edit(0, np.zeros((10, 10), dtype=bool), "a red car")
        with pytest.raises(ap.InvalidInput):
            p.reference_images.edit(0, np.zeros((720, 1280), dtype=bool), "a red car")
        with pytest.raises(ap.InvalidInput):
            p.reference_images.edit(0, np.ones((720, 1280), dtype=bool), "a red car")


def test_corrupted_blob_is_reported_and_changes_nothing(pipeline: ap.Pipeline) -> None:
    p = pipeline
    p.story.approve()
    item = p.reference_images.output[0]
    p._store.blobs._path(item.asset.blob).write_bytes(b"garbage")
    with unchanged(p), pytest.raises(ap.CorruptBlob, match="regenerate"):
        _ = p.reference_images.output[0].png


_SCRIPT = """
import sys, adpipeline as ap
p = ap.start("15 s ad for Aurora, a reusable water bottle", home=sys.argv[1])
p.story.feedback("make it funnier and regenerate")
p.story.approve()
p.reference_images.feedback("brighter", item=0)
p.reference_images.regenerate(item=0)
p.reference_images.approve()
p.storyboard.approve()
s = p.session
print(len([e for e in s.ledger if not e.cached]), len(s.ledger))
print(p.story.output.model_dump_json())
print([i.asset.blob for i in p.storyboard.output])
print(p.video.output.asset.blob)
"""


def test_running_the_same_script_twice_spends_only_once(home: Path) -> None:
    def run() -> list[str]:
        out = subprocess.run([sys.executable, "-c", _SCRIPT, str(home)], capture_output=True,
                             text=True, check=True, timeout=300).stdout
        return out.strip().split("\n")

    first, second = run(), run()
    made_first, total_first = map(int, first[0].split())
    made_second, total_second = map(int, second[0].split())
    assert made_first > 0
    assert made_second == 0 and total_second == total_first
    assert first[1:] == second[1:]


def test_batch_takes_briefs_to_finished_videos_on_any_executor(home: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    briefs = ["10 s ad for Aurora, a reusable water bottle",
              {"prompt": "10 s ad for Nimbus, a running shoe", "aspect": "1:1"}]
    with ThreadPoolExecutor(max_workers=2) as pool:
        ids = ap.batch(briefs, executor=pool, home=home)
    finished = [ap.resume(i, home=home) for i in ids]
    assert [p.stage for p in finished] == ["complete", "complete"]
    assert finished[0].story.output.product == "Aurora"
    assert finished[1].video.output.asset.width == finished[1].video.output.asset.height


def test_scripts_import_no_widget_code() -> None:
    code = ("import sys, adpipeline as ap; "
            "print(any(m in sys.modules for m in ('ipywidgets', 'anywidget', 'ipycanvas')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


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


def test_revert_one_item_keeps_the_others(pipeline: ap.Pipeline) -> None:
    p = pipeline
    p.story.approve()
    first = [i.asset.blob for i in p.reference_images.output]
    p.reference_images.feedback("darker", item=0)
    p.reference_images.feedback("warmer", item=1)
    p.reference_images.regenerate()
    changed = [i.asset.blob for i in p.reference_images.output]
    assert changed[0] != first[0] and changed[1] != first[1]
    p.reference_images.revert_item(0, 0)
    now = [i.asset.blob for i in p.reference_images.output]
    assert now == [first[0], changed[1], changed[2]]
    assert len(p.reference_images.versions) == 3
    with unchanged(p), pytest.raises(ap.InvalidInput, match="versions 0 to 2"):
        p.reference_images.revert_item(0, 9)


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
