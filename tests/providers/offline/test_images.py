"""The offline image provider: procedural frames that respond to requests, references
and feedback, and inpainting that changes only the masked pixels. Every check
measures pixels."""

from __future__ import annotations

import io
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

import adpipeline as ap
from adpipeline.media.adjustments import luminance
from adpipeline.media.images import encode_png, png_text
from adpipeline.media.masks import mask_to_png
from adpipeline.providers.base import ImageProvider, ImageRequest, InpaintProvider
from adpipeline.providers.offline import draw
from adpipeline.providers.offline.images import (
    OfflineImageProvider,
    is_removal,
    replacement_subject,
)
from adpipeline.providers.offline.vocabulary import SETTINGS

PALETTE = ["#1b998b", "#f6c445", "#f4f4f4", "#2f6fdf"]
provider = OfflineImageProvider()


def request(**changes: Any) -> ImageRequest:
    fields: dict[str, Any] = {
        "kind": "frame", "label": "Scene 1: attention", "prompt": "wide shot of a park",
        "width": 640, "height": 360, "seed": 11, "product": "Aurora",
        "category": "reusable water bottle", "product_color": "purple",
        "character": "Maya, a runner", "palette": PALETTE, "setting": "park",
        "time_of_day": "day", "camera": "medium shot", "action": "Maya walks, Aurora in hand",
        "on_screen_text": "Meet Aurora",
    }
    fields.update(changes)
    return ImageRequest(**fields)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def render(references: list[bytes] | None = None, **changes: Any) -> np.ndarray:
    return pixels(provider.generate(request(**changes), references or []))


def near(arr: np.ndarray, rgb: tuple[int, int, int], tol: float = 40.0) -> int:
    """How many pixels lie within ``tol`` (RGB distance) of ``rgb``."""
    diff = arr.astype(np.float32) - np.array(rgb, np.float32)
    return int(np.count_nonzero((diff**2).sum(axis=-1) < tol**2))


def hue_distance_to(arr: np.ndarray, degrees: float) -> float:
    """Angle between the saturation-weighted mean hue and ``degrees``."""
    hsv = cv2.cvtColor(np.ascontiguousarray(arr), cv2.COLOR_RGB2HSV_FULL).astype(np.float64)
    angle = hsv[..., 0] / 255.0 * 2 * np.pi
    weight = hsv[..., 1] / 255.0
    mean = np.arctan2((np.sin(angle) * weight).sum(), (np.cos(angle) * weight).sum())
    diff = np.degrees(mean) - degrees
    return float(abs((diff + 180) % 360 - 180))


# ---------------------------------------------------------------------------- contract


def test_provider_fills_the_image_and_inpaint_protocols_at_no_cost() -> None:
    assert isinstance(provider, ImageProvider) and isinstance(provider, InpaintProvider)
    assert (provider.name, provider.model) == ("offline", "procedural-v1")
    cost = provider.estimate("generate", {})
    assert (cost.units, cost.unit, cost.usd) == (1, "images", 0.0)


@pytest.mark.parametrize("size", [(1280, 720), (720, 1280), (1024, 1024)])
@pytest.mark.parametrize("kind", ["frame", "product", "character", "setting"])
def test_pictures_are_exactly_the_requested_size_for_every_aspect(
    size: tuple[int, int], kind: str
) -> None:
    png = provider.generate(request(kind=kind, width=size[0], height=size[1]), [])
    assert png.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(png)).size == size


def test_same_request_and_seed_give_identical_bytes() -> None:
    assert provider.generate(request(), []) == provider.generate(request(), [])


def test_a_different_seed_or_prompt_gives_a_different_picture() -> None:
    base = render()
    for changed in (render(seed=12), render(prompt="medium shot of a sunny park")):
        assert np.abs(changed.astype(int) - base).mean() > 1.0


def test_a_different_seed_changes_even_a_set_without_random_props() -> None:
    one = render(kind="setting", setting="studio", seed=1)
    two = render(kind="setting", setting="studio", seed=2)
    assert np.abs(one.astype(int) - two).mean() > 0.5


# ---------------------------------------------------------------------------- content


def test_beach_by_day_and_city_street_by_night_look_different() -> None:
    beach = render(setting="beach", time_of_day="day", character="", camera="wide")
    city = render(setting="city street", time_of_day="night", character="", camera="wide")
    assert luminance(beach).mean() > luminance(city).mean() + 50
    assert np.abs(beach.mean(axis=(0, 1)) - city.mean(axis=(0, 1))).max() > 40


def test_every_story_setting_is_drawn_and_no_two_look_alike() -> None:
    small = {"width": 240, "height": 136, "character": "", "on_screen_text": "",
             "camera": "wide", "kind": "setting"}
    means = {s: render(setting=s, **small).astype(np.float32) for s in SETTINGS}
    names = list(means)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert np.abs(means[a] - means[b]).mean() > 8, (a, b)


@pytest.mark.parametrize("text, expected", [
    ("seaside", "beach"), ("downtown", "city street"), ("coffee shop", "cafe"),
    ("hotel lobby", "interior"), ("museum hall", "interior"), ("sunny meadow", "exterior"),
    ("", "exterior"),
])
def test_unknown_settings_fall_back_to_a_known_one_or_a_generic_set(
    text: str, expected: str
) -> None:
    assert draw.resolve_setting(text) == expected


def test_unknown_setting_still_renders_a_full_picture() -> None:
    arr = render(setting="hotel lobby", kind="setting")
    assert arr.shape == (360, 640, 3) and arr.std() > 20


def test_times_of_day_change_the_light() -> None:
    lum = {t: luminance(render(time_of_day=t, character="")).mean()
           for t in ("day", "morning", "sunset", "night")}
    assert lum["night"] < lum["sunset"] < lum["day"]
    assert lum["night"] < lum["morning"]


def test_palette_colours_appear_in_the_scene() -> None:
    pink = render(setting="living room", character="", palette=["#e85d9f"] * 4)
    teal = render(setting="living room", character="", palette=["#1b998b"] * 4)
    assert near(pink, (232, 93, 159)) > 3 * near(teal, (232, 93, 159)) + 500


@pytest.mark.parametrize("category, shape", [
    ("reusable water bottle", "bottle"), ("energy drink", "can"), ("cold brew coffee", "cup"),
    ("smartphone", "phone"), ("running shoes", "shoe"), ("electric car", "car"),
    ("face cream", "tube"), ("granola bar", "box"), ("mystery gadget thing", "phone"),
    ("", "box"),
])
def test_product_shape_follows_the_category_words(category: str, shape: str) -> None:
    assert draw.product_shape(category) == shape


@pytest.mark.parametrize("category", ["bottle", "energy drink", "coffee", "phone", "sneakers",
                                      "car", "cream", "snack box"])
def test_every_product_shape_shows_the_product_colour(category: str) -> None:
    arr = render(category=category, camera="close-up", character="")
    assert near(arr, draw.parse_color("purple"), 30) > 0.03 * arr.shape[0] * arr.shape[1]


def test_same_character_gets_the_same_shirt_everywhere() -> None:
    first = draw.figure_colors("Jonas, a hiker")
    assert draw.figure_colors("Jonas, a hiker") == first
    shirts = {draw.shirt_color(name) for name in ("Maya", "Leo", "Priya", "Sam", "Noor", "Kofi")}
    assert len(shirts) >= 3


def test_character_figure_wears_its_shirt_colour_in_frames() -> None:
    shirt = draw.figure_colors("Maya, a runner", avoid=draw.parse_color("purple")).shirt
    with_figure = render(setting="studio")
    without = render(setting="studio", character="")
    assert near(with_figure, shirt, 30) > near(without, shirt, 30) + 1000


def test_frame_shows_the_on_screen_text_as_the_ads_headline() -> None:
    with_text = render(on_screen_text="Ice-cold water all day, every day, wherever you go")
    without = render(on_screen_text="")
    band = slice(0, int(360 * 0.4))  # where the video puts headlines
    white = near(with_text[band], (255, 255, 255), 20) - near(without[band], (255, 255, 255), 20)
    assert white > 400
    assert luminance(with_text[band]).mean() < luminance(without[band]).mean()


# ---------------------------------------------------------------------------- feedback


def test_brightness_moves_mean_luminance_both_ways() -> None:
    base = luminance(render()).mean()
    assert luminance(render(adjustments={"brightness": 1})).mean() > base + 5
    assert luminance(render(adjustments={"brightness": -1})).mean() < base - 5


def test_warmth_moves_the_red_blue_balance_both_ways() -> None:
    def balance(arr: np.ndarray) -> float:
        return float(arr[..., 0].mean() - arr[..., 2].mean())

    base = balance(render())
    assert balance(render(adjustments={"warmth": 1})) > base + 10
    assert balance(render(adjustments={"warmth": -1})) < base - 10


def test_color_red_moves_the_mean_hue_toward_red() -> None:
    base, red = render(setting="beach"), render(setting="beach", adjustments={"color": "red"})
    assert hue_distance_to(red, 0) < hue_distance_to(base, 0) - 20
    assert red[..., 0].mean() > base[..., 0].mean() + 10


def test_color_adjustment_keeps_the_product_colour() -> None:
    purple = draw.parse_color("purple")
    base = render(camera="close-up", character="")
    tinted = render(camera="close-up", character="", adjustments={"color": "green"})
    assert near(tinted, purple, 25) > 0.8 * near(base, purple, 25)


def test_contrast_raises_luminance_spread() -> None:
    base = luminance(render()).std()
    assert luminance(render(adjustments={"contrast": 1})).std() > base * 1.08
    assert luminance(render(adjustments={"contrast": -1})).std() < base * 0.9


def test_setting_adjustment_draws_that_setting() -> None:
    moved = render(setting="office", adjustments={"setting": "beach"})
    beach = render(setting="beach", adjustments={"setting": "beach"})
    office = render(setting="office")
    assert np.array_equal(moved, beach)
    assert np.abs(moved.astype(int) - office).mean() > 20


def test_close_up_shows_far_more_product_than_wide() -> None:
    purple = draw.parse_color("purple")
    wide = near(render(camera="wide establishing shot"), purple, 30)
    close = near(render(camera="close-up, slow push in"), purple, 30)
    assert close > 8 * wide > 0


def test_framing_adjustment_overrides_the_camera() -> None:
    purple = draw.parse_color("purple")
    wide = near(render(camera="wide shot"), purple, 30)
    closer = near(render(camera="wide shot", adjustments={"framing": "close-up"}), purple, 30)
    assert closer > 8 * wide
    assert draw.resolve_framing("close-up", "wide") == "wide"


# ---------------------------------------------------------------------------- references


@pytest.fixture(scope="module")
def sheets() -> list[bytes]:
    common = {"width": 640, "height": 360, "product_color": "orange", "setting": "park"}
    return [provider.generate(request(kind=kind, **common), [])
            for kind in ("product", "character", "setting")]


def recolour(png: bytes, source: tuple[int, int, int], target: tuple[int, int, int]) -> bytes:
    """What a person's edit does: every pixel near ``source`` becomes ``target``."""
    arr = pixels(png).copy()
    diff = arr.astype(np.float32) - np.array(source, np.float32)
    arr[(diff**2).sum(axis=-1) < 60**2] = target
    return encode_png(arr, text=png_text(png))


def test_reference_sheets_carry_their_layout_for_frames() -> None:
    png = provider.generate(request(kind="product"), [])
    assert png_text(png)["adpipeline:kind"] == "product"
    assert "product" in png_text(png)["adpipeline:layout"]


def test_frame_drawn_from_references_differs_from_one_drawn_without(sheets: list[bytes]) -> None:
    assert provider.generate(request(), sheets) != provider.generate(request(), [])


def test_frame_product_colour_follows_a_recoloured_product_sheet(sheets: list[bytes]) -> None:
    orange, blue = draw.parse_color("orange"), (30, 90, 230)
    before = render(sheets, camera="close-up")
    recoloured = [recolour(sheets[0], orange, blue), *sheets[1:]]
    after = render(recoloured, camera="close-up")
    assert near(before, orange, 30) > 6_000 > 100 > near(before, blue, 30)
    assert near(after, blue, 30) > 6_000 > 100 > near(after, orange, 30)


def test_frame_product_colour_follows_an_uploaded_product_photo() -> None:
    photo = np.full((300, 400, 3), 250, np.uint8)
    photo[60:260, 150:250] = (40, 170, 60)  # a green product on white, no layout chunks
    after = render([encode_png(photo)], camera="close-up")
    assert near(after, (40, 170, 60), 30) > 6_000


def test_frame_shirt_follows_the_character_sheet(sheets: list[bytes]) -> None:
    shirt = draw.figure_colors("Maya, a runner", avoid=draw.parse_color("orange")).shirt
    pink = (250, 60, 200)
    edited = [sheets[0], recolour(sheets[1], shirt, pink), sheets[2]]
    assert near(render(edited), pink, 30) > near(render(sheets), pink, 30) + 2000


def test_frame_in_the_sheet_setting_reuses_the_edited_setting_sheet(sheets: list[bytes]) -> None:
    arr = pixels(sheets[2]).copy()
    arr[40:120, 40:300] = (255, 0, 255)  # someone painted a magenta billboard into the set
    edited = [*sheets[:2], encode_png(arr, text=png_text(sheets[2]))]
    same_set = render(edited, camera="wide", setting="park", character="")
    other_set = render(edited, camera="wide", setting="beach", character="")
    assert near(same_set, (255, 0, 255), 30) > 10_000
    assert near(other_set, (255, 0, 255), 30) == 0


def test_frame_palette_follows_the_setting_sheet_swatches(sheets: list[bytes]) -> None:
    layout = png_text(sheets[2])["adpipeline:layout"]
    import json

    arr = pixels(sheets[2]).copy()
    for x0, y0, x1, y1 in json.loads(layout)["swatches"]:
        arr[y0 - 3:y1 + 3, x0 - 3:x1 + 3] = (255, 0, 255)
    edited = [*sheets[:2], encode_png(arr, text=png_text(sheets[2]))]
    look = draw.read_references(edited)
    assert look.palette and all(c == (255, 0, 255) for c in look.palette)
    frame = render(edited, setting="living room", character="")
    assert near(frame, (255, 0, 255), 40) > 5_000


# ---------------------------------------------------------------------------- inpainting


@pytest.fixture(scope="module")
def picture() -> bytes:
    return provider.generate(request(width=640, height=360, setting="beach", character=""), [])


def ellipse_mask(width: int, height: int, centre: tuple[int, int],
                 axes: tuple[int, int]) -> np.ndarray:
    m = np.zeros((height, width), np.uint8)
    cv2.ellipse(m, centre, axes, 0, 0, 360, 255, -1)
    return m > 0


@pytest.mark.parametrize("prompt, removes", [
    ("remove the cup", True), ("erase it", True), ("delete the sign", True),
    ("get rid of the umbrella", True), ("clean up this corner", True), ("", True),
    ("a red sports car", False), ("a golden retriever", False), ("add a palm tree", False),
    ("replace the cup with a red car", False),
])
def test_prompts_are_read_as_removal_or_replacement(prompt: str, removes: bool) -> None:
    assert is_removal(prompt) is removes


def test_replacement_subject_is_the_thing_to_paint() -> None:
    assert replacement_subject("replace the blue cup with a red car") == "a red car"
    assert replacement_subject("add a palm tree") == "a palm tree"
    assert draw.subject_kind("a red sports car") == "car"
    assert draw.subject_kind("a golden retriever") == "animal"
    assert draw.subject_kind("a palm tree") == "palm"
    assert draw.subject_kind("a surfboard") == "thing"


def test_remove_changes_the_masked_region_and_nothing_else(picture: bytes) -> None:
    mask = ellipse_mask(640, 360, (160, 220), (70, 60))
    before = pixels(picture)
    after = pixels(provider.inpaint(picture, mask_to_png(mask), "remove the umbrella", 1))
    assert after.shape == before.shape
    assert np.array_equal(after[~mask], before[~mask])
    assert np.abs(after[mask].astype(int) - before[mask]).mean() > 5


def test_replace_with_a_red_sports_car_makes_the_region_redder(picture: bytes) -> None:
    mask = ellipse_mask(640, 360, (420, 280), (150, 60))
    before = pixels(picture)
    after = pixels(provider.inpaint(picture, mask_to_png(mask), "a red sports car", 2))

    def redness(arr: np.ndarray) -> float:
        px = arr[mask].astype(np.float32)
        return float((px[:, 0] - (px[:, 1] + px[:, 2]) / 2).mean())

    assert redness(after) > redness(before) + 15
    assert near(after[mask], (214, 40, 40), 40) > 0.2 * mask.sum()
    assert np.array_equal(after[~mask], before[~mask])


def test_replacement_fades_in_at_the_mask_edge(picture: bytes) -> None:
    mask = np.zeros((360, 640), bool)
    mask[100:300, 100:500] = True
    before = pixels(picture).astype(int)
    after = pixels(provider.inpaint(picture, mask_to_png(mask), "a blue box", 3)).astype(int)
    edge = np.abs(after[100, 200:400] - before[100, 200:400]).mean()
    inside = np.abs(after[200, 200:400] - before[200, 200:400]).mean()
    assert edge < inside / 3


def test_inpaint_refuses_a_mask_of_the_wrong_size(picture: bytes) -> None:
    mask = np.zeros((100, 100), bool)
    mask[10:20, 10:20] = True
    with pytest.raises(ap.InvalidInput, match=r"expected 640x360.*got 100x100"):
        provider.inpaint(picture, mask_to_png(mask), "remove it", 0)


def test_inpaint_refuses_an_empty_mask(picture: bytes) -> None:
    with pytest.raises(ap.InvalidInput, match="empty"):
        provider.inpaint(picture, mask_to_png(np.zeros((360, 640), bool)), "remove it", 0)


def test_inpainted_sheet_keeps_its_layout_so_frames_follow_the_edit(sheets: list[bytes]) -> None:
    layout = png_text(sheets[0])["adpipeline:layout"]
    import json

    x0, y0, x1, y1 = json.loads(layout)["product_view"]  # the product's front view
    mask = np.zeros((360, 640), bool)
    mask[y0 - 8:y1 + 8, x0 - 8:x1 + 8] = True
    painted = provider.inpaint(sheets[0], mask_to_png(mask), "a bright green box", 4)
    assert png_text(painted)["adpipeline:layout"] == layout
    look = draw.read_references([painted, *sheets[1:]])
    assert look.product is not None and look.product[1] > look.product[0]


def test_a_large_mask_changes_only_what_it_covers() -> None:
    big = provider.generate(request(width=1280, height=720, character=""), [])
    mask = ellipse_mask(1280, 720, (640, 360), (400, 250))
    edited = provider.inpaint(big, mask_to_png(mask), "a bright red sports car", 0)
    before = np.asarray(Image.open(io.BytesIO(big)).convert("RGB"), dtype=np.int16)
    after = np.asarray(Image.open(io.BytesIO(edited)).convert("RGB"), dtype=np.int16)
    assert after.shape == before.shape
    changed = np.abs(after - before).max(axis=2) > 8
    outside = ~ellipse_mask(1280, 720, (640, 360), (420, 270))  # beyond the feathered edge
    assert changed[mask].mean() > 0.5
    assert changed[outside].mean() < 0.01
