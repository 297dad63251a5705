"""Safe decoding, lossless encoding, fitting, colours and measurable adjustments."""

from __future__ import annotations

import io
import resource
import struct
import sys
import zlib

import numpy as np
import pytest
from PIL import Image

import adpipeline as ap
from adpipeline.adjustments import Adjustments
from adpipeline.media import adjustments as adj
from adpipeline.media import colors
from adpipeline.media import images as im


def chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def huge_png_header(width: int = 50_000, height: int = 50_000) -> bytes:
    """A valid, tiny PNG whose IHDR claims ``width`` x ``height`` RGB pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def scene(width: int = 96, height: int = 64) -> np.ndarray:
    """An illustration-like RGB picture with flat areas, edges and a gradient."""
    arr = np.zeros((height, width, 3), np.uint8)
    arr[..., 2] = np.linspace(60, 240, width, dtype=np.uint8)[None, :]
    arr[height // 2:, :, 1] = 180
    arr[10:30, 20:50] = (230, 60, 40)
    return arr


def png_of(arr: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(arr).save(buffer, "PNG")
    return buffer.getvalue()


# ---------------------------------------------------------------------------- decoding


@pytest.mark.parametrize("data", [b"hello, world", b"GIF89a" + b"\x00" * 10, b"%PDF-1.4 ..."])
def test_decode_refuses_bytes_that_are_not_an_image(data: bytes) -> None:
    with pytest.raises(ap.InvalidInput, match=r"not an image.*upload a PNG, JPEG or WebP"):
        im.decode_image(data)


def test_decode_refuses_empty_bytes_and_non_bytes() -> None:
    with pytest.raises(ap.InvalidInput, match="empty"):
        im.decode_image(b"")
    with pytest.raises(ap.InvalidInput, match="expected image bytes, got str"):
        im.decode_image("picture.png")  # type: ignore[arg-type]


@pytest.mark.parametrize("cut", ["half", "no IEND", "bad CRC"])
def test_decode_refuses_a_truncated_or_corrupt_png(cut: str) -> None:
    good = png_of(scene())
    data = {
        "half": good[: len(good) // 2],
        "no IEND": good[:-12],
        "bad CRC": good[:-20] + bytes([good[-20] ^ 1]) + good[-19:],
    }[cut]
    with pytest.raises(ap.InvalidInput, match=r"truncated or corrupt.*export it again"):
        im.decode_image(data)


def test_decode_refuses_a_50000_square_png_from_its_header_without_allocating_it() -> None:
    data = huge_png_header()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ap.InvalidInput, match=r"50000x50000 pixels.*limit is 8192 px.*Resize"):
        im.decode_image(data)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    if sys.platform.startswith("linux"):  # ru_maxrss is in KB on Linux, bytes on macOS
        assert grown < 100_000  # 50,000² RGB would be 7.5 GB


def test_decode_checks_size_itself_even_with_pillows_bomb_guard_off(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    with pytest.raises(ap.InvalidInput, match="50000x50000"):
        im.decode_image(huge_png_header())
    with pytest.raises(ap.InvalidInput, match="9000x10"):
        im.decode_image(huge_png_header(9000, 10))


def test_decode_returns_rgb_and_flattens_transparency_onto_white() -> None:
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[:4, :, :] = (255, 0, 0, 255)  # top half opaque red, bottom transparent
    img = im.decode_image(png_of(rgba))
    assert img.mode == "RGB" and img.size == (8, 8)
    arr = np.asarray(img)
    assert tuple(arr[0, 0]) == (255, 0, 0) and tuple(arr[7, 7]) == (255, 255, 255)


def test_decode_reads_jpeg_and_keeps_modes_when_asked() -> None:
    buffer = io.BytesIO()
    Image.fromarray(scene()).save(buffer, "JPEG", quality=90)
    assert im.decode_image(buffer.getvalue()).size == (96, 64)
    grey = png_of(np.full((4, 4), 128, np.uint8))
    assert im.decode_image(grey, mode=None).mode == "L"
    assert im.decode_image(grey).mode == "RGB"


# ---------------------------------------------------------------------------- encoding


def test_encode_png_is_lossless_for_arrays_and_images() -> None:
    arr = scene()
    for source in (arr, Image.fromarray(arr)):
        back = np.asarray(Image.open(io.BytesIO(im.encode_png(source))).convert("RGB"))
        assert np.array_equal(back, arr)


def test_encode_png_handles_grey_bool_and_rgba() -> None:
    mask = np.zeros((5, 7), bool)
    mask[1:3, 2:5] = True
    back = np.asarray(Image.open(io.BytesIO(im.encode_png(mask))))
    assert back.shape == (5, 7) and set(np.unique(back)) == {0, 255}
    rgba = np.dstack([scene(), np.full((64, 96), 200, np.uint8)])
    back_rgba = Image.open(io.BytesIO(im.encode_png(rgba)))
    assert back_rgba.mode == "RGBA" and np.array_equal(np.asarray(back_rgba), rgba)


def test_encode_png_refuses_what_is_not_an_image() -> None:
    with pytest.raises(ap.InvalidInput, match="cannot encode"):
        im.encode_png(np.zeros((2, 2, 2), np.uint8))
    with pytest.raises(ap.InvalidInput, match="cannot encode str"):
        im.encode_png("not an image")  # type: ignore[arg-type]


def test_png_text_chunks_round_trip_and_do_not_disturb_pixels() -> None:
    data = im.encode_png(scene(), text={"adpipeline:kind": "product", "note": "caf\u00e9"})
    assert im.png_text(data) == {"adpipeline:kind": "product", "note": "caf\u00e9"}
    assert np.array_equal(np.asarray(im.decode_image(data)), scene())
    assert im.png_text(b"not a png") == {}


# ---------------------------------------------------------------------------- geometry


def test_fit_to_covers_the_target_without_letterboxing_or_stretching() -> None:
    photo = Image.new("RGB", (400, 300), (200, 30, 30))  # 4:3, all red
    fitted = im.fit_to(photo, 160, 90)
    assert fitted.size == (160, 90)
    assert np.asarray(fitted).min(axis=(0, 1))[0] > 190  # no black bars anywhere
    assert im.fit_to(photo, 400, 300) is not photo
    with pytest.raises(ap.InvalidInput, match="must be positive"):
        im.fit_to(photo, 0, 10)


# ---------------------------------------------------------------------------- colours


@pytest.mark.parametrize("text, rgb", [
    ("red", colors.COLORS["red"]), ("#cc2244", (204, 34, 68)), ("matte black", colors.COLORS["black"]),
    ("sky blue", colors.COLORS["sky"]), ((1, 2, 3), (1, 2, 3)), ("ocean blue", colors.COLORS["blue"]),
])
def test_color_rgb_reads_names_hex_and_free_text(text: str, rgb: tuple[int, int, int]) -> None:
    assert colors.color_rgb(text) == rgb


def test_color_rgb_explains_an_unknown_colour() -> None:
    with pytest.raises(ap.InvalidInput, match=r"unknown colour 'blurple'.*hex code"):
        colors.color_rgb("blurple")


@pytest.mark.parametrize("text, name", [
    ("a red sports car", "red"), ("a golden retriever", "golden"), ("a palm tree", None),
    ("a reddish glow", "red"), ("a bluish tint", "blue"), ("greenish", "green"),
    ("palm trees on the sand", None),
])
def test_find_color_finds_the_colour_a_prompt_mentions(text: str, name: str | None) -> None:
    found = colors.find_color(text)
    assert (found[0] if found else None) == name


# ---------------------------------------------------------------------------- adjustments


def test_brightness_steps_move_mean_luminance_both_ways() -> None:
    img = Image.fromarray(scene())
    base = adj.luminance(img).mean()
    assert adj.luminance(adj.adjust_brightness(img, 1)).mean() > base + 10
    assert adj.luminance(adj.adjust_brightness(img, -1)).mean() < base - 10
    assert adj.luminance(adj.adjust_brightness(img, 2)).mean() > \
        adj.luminance(adj.adjust_brightness(img, 1)).mean()


def test_warmth_moves_red_against_blue() -> None:
    img = Image.fromarray(scene())

    def balance(out: Image.Image) -> float:
        arr = np.asarray(out, dtype=np.float32)
        return float(arr[..., 0].mean() - arr[..., 2].mean())

    assert balance(adj.adjust_warmth(img, 1)) > balance(img) + 10
    assert balance(adj.adjust_warmth(img, -1)) < balance(img) - 10


def test_contrast_spreads_or_squeezes_luminance() -> None:
    img = Image.fromarray(scene())
    base = adj.luminance(img).std()
    assert adj.luminance(adj.adjust_contrast(img, 1)).std() > base * 1.1
    assert adj.luminance(adj.adjust_contrast(img, -1)).std() < base * 0.9


def test_tint_moves_colours_toward_the_named_colour() -> None:
    img = Image.fromarray(scene())
    red = np.asarray(adj.tint(img, "red", 0.5), dtype=np.float32)
    base = np.asarray(img, dtype=np.float32)
    assert red[..., 0].mean() - red[..., 2].mean() > base[..., 0].mean() - base[..., 2].mean()


def test_apply_adjustments_uses_the_measurable_keys_and_ignores_the_rest() -> None:
    img = Image.fromarray(scene())
    same = adj.apply_adjustments(img, Adjustments(setting="beach", framing="wide"))
    assert np.array_equal(np.asarray(same), scene())
    brighter = adj.apply_adjustments(img, Adjustments(brightness=1, color="blue"))
    assert adj.luminance(brighter).mean() > adj.luminance(img).mean()


@pytest.mark.parametrize("value, amount", [(1, 1.0), ("-2", -2.0), ("more", 1.0),
                                           ("less", -1.0), (True, 1.0), (99, 5.0)])
def test_steps_reads_numbers_and_words(value: object, amount: float) -> None:
    assert adj.steps(value) == amount


def test_steps_explains_what_is_not_a_step() -> None:
    with pytest.raises(ap.InvalidInput, match="not a number of steps"):
        adj.steps("lots")
    with pytest.raises(ap.InvalidInput, match="finite"):
        adj.steps(float("nan"))
