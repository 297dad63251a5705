"""The stages: feedback, regenerate, revert, approve, and the image stages' items."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import adpipeline as ap

from ..media.test_images import huge_png_header
from .conftest import unchanged


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
