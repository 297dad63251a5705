"""Masks: validation with helpful errors, strokes at full resolution, PNG, resizing."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image

import adpipeline as ap
from adpipeline.media.masks import (
    Stroke,
    mask_from_png,
    mask_from_strokes,
    mask_to_png,
    resize_mask,
    validate_mask,
)


def box_mask(width: int = 64, height: int = 48) -> np.ndarray:
    mask = np.zeros((height, width), bool)
    mask[10:20, 5:30] = True
    return mask


# ---------------------------------------------------------------------------- validation


def test_wrong_shape_says_expected_and_got_and_how_to_fix() -> None:
    with pytest.raises(ap.InvalidInput) as err:
        validate_mask(np.zeros((360, 640), bool), 1280, 720)
    message = str(err.value)
    assert "expected 1280x720" in message and "got 640x360" in message
    assert "resize_mask(mask, 1280, 720)" in message


def test_wrong_dimensionality_is_reported_with_the_shape() -> None:
    with pytest.raises(ap.InvalidInput, match=r"got an array of shape \(48, 64, 3\)"):
        validate_mask(np.zeros((48, 64, 3), np.uint8), 64, 48)


def test_empty_mask_is_refused_unless_allowed() -> None:
    empty = np.zeros((48, 64), bool)
    with pytest.raises(ap.InvalidInput, match=r"mask is empty.*Paint over the region"):
        validate_mask(empty, 64, 48)
    assert not validate_mask(empty, 64, 48, allow_empty=True).any()


def test_full_mask_is_refused_unless_allowed() -> None:
    full = np.ones((48, 64), bool)
    with pytest.raises(ap.InvalidInput, match=r"covers the whole image.*regenerate"):
        validate_mask(full, 64, 48)
    assert validate_mask(full, 64, 48, allow_full=True).all()


def test_non_binary_mask_names_stray_values_and_the_fix() -> None:
    soft = box_mask().astype(np.uint8) * 255
    soft[0, 0] = 128
    with pytest.raises(ap.InvalidInput, match=r"not binary.*128.*mask > 127"):
        validate_mask(soft, 64, 48)
    with pytest.raises(ap.InvalidInput, match="NaN"):
        validate_mask(np.full((48, 64), np.nan), 64, 48)


@pytest.mark.parametrize("dtype, on", [(bool, True), (np.uint8, 1), (np.uint8, 255),
                                       (np.float32, 1.0), (np.int64, 255)])
def test_binary_masks_of_any_common_dtype_are_accepted(dtype: type, on: object) -> None:
    raw = np.where(box_mask(), on, 0).astype(dtype)
    out = validate_mask(raw, 64, 48)
    assert out.dtype == np.bool_ and np.array_equal(out, box_mask())


def test_not_an_array_is_refused_with_guidance() -> None:
    with pytest.raises(ap.InvalidInput, match=r"numpy array of shape \(48, 64\).*mask_from"):
        validate_mask([[0, 1]], 64, 48)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- strokes


def test_stroke_is_rasterised_at_full_resolution_with_the_brush_radius() -> None:
    mask = mask_from_strokes([Stroke([(100, 100), (300, 100)], radius=10)], 2048, 2048)
    assert mask.shape == (2048, 2048) and mask.dtype == np.bool_
    assert mask[100, 200] and mask[109, 200] and mask[91, 200]
    assert not mask[112, 200] and not mask[88, 200]
    # round caps: the brush reaches its radius past each end point
    assert mask[100, 309] and mask[100, 91] and not mask[100, 312]
    expected = 200 * 20 + math.pi * 10**2
    assert abs(int(mask.sum()) - expected) / expected < 0.06


def test_strokes_use_the_default_brush_when_they_carry_none() -> None:
    mask = mask_from_strokes([[(50, 50), (50, 150)]], 200, 200, brush_radius=4)
    assert mask[100, 53] and not mask[100, 56]


def test_single_point_paints_a_dot() -> None:
    mask = mask_from_strokes([Stroke([(40, 40)], radius=6)], 80, 80)
    assert mask[40, 45] and not mask[40, 48]
    assert abs(int(mask.sum()) - math.pi * 36) < 25


def test_erase_strokes_remove_paint_in_order() -> None:
    strokes = [
        Stroke([(20, 50), (180, 50)], radius=8),
        {"points": [(100, 30), (100, 70)], "radius": 12, "mode": "erase"},
    ]
    mask = mask_from_strokes(strokes, 200, 100)
    assert mask[50, 30] and mask[50, 170]
    assert not mask[50, 100]


def test_strokes_accept_point_dicts_pairs_and_arrays() -> None:
    as_dicts = mask_from_strokes([{"points": [{"x": 10, "y": 10}, {"x": 50, "y": 10}]}], 64, 32)
    as_pair = mask_from_strokes([([(10, 10), (50, 10)], "paint")], 64, 32)
    as_array = mask_from_strokes([np.array([[10, 10], [50, 10]])], 64, 32)
    assert np.array_equal(as_dicts, as_pair) and np.array_equal(as_pair, as_array)


def test_points_outside_the_image_are_clipped_not_errors() -> None:
    mask = mask_from_strokes([Stroke([(-500, 10), (10_000, 10)], radius=3)], 64, 32)
    assert mask[10].all() and not mask[20].any()


@pytest.mark.parametrize("stroke, message", [
    ({"radius": 3}, "no 'points'"),
    ([("a", "b")], "not a list of \\(x, y\\) points"),
    ({"points": [(1, 2)], "mode": "smudge"}, "unknown stroke mode 'smudge'"),
    ({"points": [(1, 2), (float("nan"), 3)]}, "NaN or infinite"),
    ({"points": [(1, 2)], "radius": -1}, "positive number of pixels"),
])
def test_malformed_strokes_say_what_a_stroke_looks_like(stroke: object, message: str) -> None:
    with pytest.raises(ap.InvalidInput, match=message):
        mask_from_strokes([stroke], 64, 64)


def test_painting_onto_a_base_mask_keeps_the_base() -> None:
    base = box_mask()
    out = mask_from_strokes([Stroke([(50, 40)], radius=3)], 64, 48, base=base)
    assert out[15, 10] and out[40, 50] and not base[40, 50]


# ---------------------------------------------------------------------------- PNG


def test_png_round_trip_is_exact_and_single_channel() -> None:
    mask = mask_from_strokes([Stroke([(10, 10), (90, 60)], radius=7)], 128, 96)
    png = mask_to_png(mask)
    assert Image.open(io.BytesIO(png)).mode == "L"
    assert np.array_equal(mask_from_png(png), mask)


def test_browser_canvas_rgba_export_counts_opaque_pixels() -> None:
    rgba = np.zeros((48, 64, 4), np.uint8)
    rgba[10:20, 5:30] = (255, 0, 0, 255)  # red paint on a transparent canvas
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, "PNG")
    assert np.array_equal(mask_from_png(buffer.getvalue()), box_mask())


def test_mask_from_png_refuses_non_images() -> None:
    with pytest.raises(ap.InvalidInput, match="not an image"):
        mask_from_png(b"definitely not a png")
    with pytest.raises(ap.InvalidInput, match="non-empty PNG bytes"):
        mask_from_png(b"")


# ---------------------------------------------------------------------------- resize


def test_resize_shrinking_keeps_thin_strokes() -> None:
    mask = np.zeros((400, 400), bool)
    mask[200, 50:350] = True  # one pixel wide
    small = resize_mask(mask, 100, 100)
    assert small.shape == (100, 100) and small.dtype == np.bool_
    assert small[50, 20:80].all()


def test_resize_enlarging_keeps_it_binary_and_in_place() -> None:
    big = resize_mask(box_mask(), 256, 192)
    assert big.shape == (192, 256) and big.dtype == np.bool_
    assert big[60, 60] and not big[150, 200]
    assert abs(big.mean() - box_mask().mean()) < 0.01


def test_resize_to_the_same_size_is_a_copy() -> None:
    mask = box_mask()
    same = resize_mask(mask, 64, 48)
    assert np.array_equal(same, mask) and same is not mask
