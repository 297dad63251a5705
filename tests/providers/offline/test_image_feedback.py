"""Storyboard feedback aimed at the named subject and item, measured on pixels."""

from __future__ import annotations

import io
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

import adpipeline as ap
from adpipeline.adjustments import Adjustments
from adpipeline.providers.base import ImageRequest
from adpipeline.providers.offline import draw
from adpipeline.providers.offline.feedback import interpret

from .story_corpus_data import IMAGE_PHRASINGS

PALETTE = ["#1b998b", "#f6c445", "#f4f4f4", "#2f6fdf"]


def frame(**changes: Any) -> ImageRequest:
    fields: dict[str, Any] = {
        "kind": "frame", "label": "Scene 2: interest", "prompt": "medium shot of a park",
        "width": 480, "height": 270, "seed": 5, "product": "Aurora",
        "category": "reusable water bottle", "product_color": "teal",
        "character": "Maya, a runner", "palette": PALETTE, "setting": "park",
        "time_of_day": "day", "camera": "medium shot", "action": "Maya jogs along the path",
        "on_screen_text": "",
    }
    fields.update(changes)
    return ImageRequest(**fields)


def pixels(request: ImageRequest) -> np.ndarray:
    return np.asarray(draw.render(request), dtype=np.int16)


def luminance(rgb: np.ndarray) -> float:
    return float((rgb * [0.2126, 0.7152, 0.0722]).sum(axis=2).mean())


def hue_and_saturation(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    hsv = cv2.cvtColor(rgb.astype(np.uint8)[None, ...], cv2.COLOR_RGB2HSV)[0]
    return hsv[:, 0].astype(float) * 2, hsv[:, 1].astype(float)


@pytest.mark.parametrize(("message", "expected", "item"), IMAGE_PHRASINGS,
                         ids=[m for m, _, _ in IMAGE_PHRASINGS])
def test_storyboard_phrasing_names_the_change_and_the_item(message: str, expected: dict[str, Any],
                                                           item: int | None) -> None:
    plan = interpret("storyboard", message, None, None)
    assert plan.changes.item == item, plan.changes
    for key, want in expected.items():
        if want == "+":
            assert (getattr(plan.changes, key) or 0) > 0, plan.changes
        else:
            assert getattr(plan.changes, key) == want, plan.changes
    if "outfit" in expected:
        assert plan.changes.color is None  # the background keeps its colour


def test_outfit_recolour_touches_only_the_outfit_pixels() -> None:
    before = pixels(frame())
    after = pixels(frame(adjustments={"outfit": "red"}))
    mask = draw.outfit_mask(frame())
    assert mask.sum() > 300  # the renderer knows where the clothes are
    hue, sat = hue_and_saturation(after[mask])
    coloured = sat > 60
    reddish = (hue[coloured] < 25) | (hue[coloured] > 335)
    assert reddish.mean() > 0.8
    changed = np.abs(after - before).max(axis=2) > 0
    assert not changed[~mask].any()  # nothing outside the outfit moved


def test_outfit_recolour_leaves_a_frame_without_a_character_untouched() -> None:
    empty = frame(character="", action="Aurora turns slowly", camera="close-up")
    assert not draw.outfit_mask(empty).any()
    assert np.array_equal(pixels(empty), pixels(empty.model_copy(
        update={"adjustments": Adjustments(outfit="red")})))


@pytest.mark.parametrize(("message", "direction"), [
    ("frame 2 is way too dark", 1), ("darken it", -1), ("way too bright", -1),
    ("shift it to nighttime", -1), ("not so bright", -1), ("not so dark please", 1),
    ("it's so dark", 1), ("it looks a bit bright", -1), ("make it very dark", -1),
    ("make it very bright", 1), ("so bright I can't see", -1)])
def test_light_feedback_moves_luminance_the_right_way(message: str, direction: int) -> None:
    changes = interpret("storyboard", message, None, None).changes
    adjustments = Adjustments().plus(changes)
    before, after = luminance(pixels(frame())), luminance(pixels(frame(adjustments=adjustments)))
    assert (after - before) * direction > 4


@pytest.mark.parametrize("message", [
    "it's so bright, I love it", "it's so bright and sunny, perfect", "I like that it's so bright",
    "it's so dark and cinematic, great"])
def test_praise_of_the_light_leaves_the_light_alone(message: str) -> None:
    assert interpret("storyboard", message, None, None).changes.brightness is None


@pytest.mark.parametrize("message", [
    "I don't like that it's so dark", "love the outfit, but it's so dark"])
def test_a_complaint_about_the_light_is_read_beside_other_praise(message: str) -> None:
    assert interpret("storyboard", message, None, None).changes.brightness == 1


def test_washed_out_more_punch_adds_saturation_and_contrast() -> None:
    changes = interpret("storyboard", "looks washed out, more punch", None, None).changes
    before, after = pixels(frame()), pixels(frame(adjustments=Adjustments().plus(changes)))
    assert hue_and_saturation(after.reshape(-1, 3))[1].mean() > \
        hue_and_saturation(before.reshape(-1, 3))[1].mean() + 5
    assert after.std() > before.std()


def test_zoom_out_and_close_up_reframe() -> None:
    close = pixels(frame(adjustments={"framing": "close-up"}))
    wide = pixels(frame(adjustments={"framing": "wide"}))
    medium = pixels(frame())
    assert not np.array_equal(close, medium) and not np.array_equal(wide, medium)


def _blobs(p: ap.Pipeline) -> list[str]:
    return [a.blob for a in p.session.stages["storyboard"].output.images]  # type: ignore[union-attr]


def test_pipeline_applies_frame_feedback_to_the_named_frame_only(home: Any) -> None:
    p = ap.start("12 s ad for Aurora, a reusable water bottle", aspect="16:9", home=home)
    p.story.approve()
    p.reference_images.approve()
    first = _blobs(p)
    p.storyboard.feedback("darken the last frame")
    p.storyboard.regenerate()
    darker = _blobs(p)
    assert darker[:-1] == first[:-1] and darker[-1] != first[-1]
    p.storyboard.feedback("change the character's outfit to red")
    p.storyboard.regenerate()
    dressed = _blobs(p)
    story = p.story.output
    for scene, old, new in zip(story.scenes, darker, dressed, strict=True):
        assert (old == new) == (not scene.characters), scene.index


def test_story_stage_shows_what_it_understood(home: Any) -> None:
    p = ap.start("Two-minute brand film for Okra & Thyme, a Nigerian restaurant, for Instagram "
                 "Reels; offer: 20% off weekday lunches", home=home)
    story = p.story.output
    assert story.duration_s == 120 and p.session.brief.aspect == "9:16"
    assert "Product: Okra & Thyme" in story.understood_summary
    assert "Offer: 20% off weekday lunches" in story.understood_summary
    p.story.feedback("the product is called Okra and Thyme Kitchen, regenerate")
    assert p.story.output.product == "Okra and Thyme Kitchen"


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)))
