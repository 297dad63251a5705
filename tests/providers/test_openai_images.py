"""The OpenAI image provider (generate and masked edit) against the loopback OpenAI fake."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import adpipeline as ap
from adpipeline.providers.base import ImageRequest
from adpipeline.providers.openai import OpenAIImageProvider
from adpipeline.providers.openai_catalog import DEFAULT_IMAGE_MODEL, IMAGE_TOKEN_PRICES

from ..conftest import BRIEF
from ..fake_openai import KEY, FakeOpenAI, error, image_result


def _png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, "PNG")
    return buffer.getvalue()


def _solid(color: tuple[int, int, int], width: int, height: int) -> bytes:
    return _png(np.full((height, width, 3), color, np.uint8))


def _decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "PNG"
        return np.asarray(img.convert("RGBA" if img.mode == "RGBA" else "RGB"))


def _request(width: int, height: int) -> ImageRequest:
    return ImageRequest(kind="frame", label="Scene 1", prompt="a teal bottle on a desk",
                        width=width, height=height, seed=3, product="Aurora")


def test_generate_returns_a_png_fitted_to_the_requested_size(openai: FakeOpenAI) -> None:
    openai.reply(200, image_result(_solid((10, 150, 140), 1536, 1024)))
    out = OpenAIImageProvider().generate(_request(1280, 720), [])
    pixels = _decode(out)
    assert pixels.shape == (720, 1280, 3)
    assert tuple(pixels[360, 640]) == (10, 150, 140)
    (request,) = openai.requests
    assert request.path == "/v1/images/generations"
    # gpt-image-1 is shut down; gpt-image-2.x is asked for the frame's own size
    # (no crop) at an explicit quality, which is what the price table is keyed by.
    assert request.body["model"] == "gpt-image-2.5-flare"
    assert request.body["size"] == "1280x720"
    assert request.body["quality"] == "medium"
    assert "a teal bottle" in request.body["prompt"]
    assert request.headers["authorization"] == f"Bearer {KEY}"


def test_portrait_requests_ask_for_a_portrait_size(openai: FakeOpenAI) -> None:
    openai.reply(200, image_result(_solid((200, 0, 0), 1024, 1536)))
    out = OpenAIImageProvider().generate(_request(720, 1280), [])
    assert _decode(out).shape == (1280, 720, 3)
    assert openai.requests[0].body["size"] == "720x1280"


def test_edit_sends_a_mask_transparent_where_to_edit(openai: FakeOpenAI) -> None:
    width, height = 1280, 720
    original = np.zeros((height, width, 3), np.uint8)
    original[:, :, 0] = np.linspace(0, 255, width, dtype=np.uint8)
    original[:, :, 1] = 80
    image = _png(original)
    painted = np.zeros((height, width), np.uint8)
    painted[100:400, 200:700] = 255  # ours: white = repaint
    # The model redraws everything (gpt-image treats the mask as a hint), in its own size.
    openai.reply(200, image_result(_solid((250, 250, 0), 1536, 1024)))

    out = OpenAIImageProvider().inpaint(image, _png(painted), "a yellow sticker", 4)

    (request,) = openai.requests
    assert request.path == "/v1/images/edits"
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert request.body["prompt"] == "a yellow sticker"
    assert request.body["model"] == "gpt-image-2.5-flare"
    assert request.body["size"] == f"{width}x{height}"  # the size of the image sent
    (sent_image,) = request.files["image"]
    assert sent_image.data == image
    (sent_mask,) = request.files["mask"]
    assert sent_mask.content_type == "image/png"
    mask = _decode(sent_mask.data)
    assert mask.shape == (height, width, 4)  # the same size as the image, with alpha
    assert (mask[:, :, 3][painted == 255] == 0).all()  # OpenAI's: transparent = edit
    assert (mask[:, :, 3][painted == 0] == 255).all()
    assert (mask[:, :, :3] == original).all()

    result = _decode(out)
    assert result.shape == (height, width, 3)  # the input's size, not the model's
    assert (result[painted == 0] == original[painted == 0]).all()  # nothing else moved
    assert (result[120:380, 220:680] == (250, 250, 0)).all()


def test_edit_with_a_mask_of_another_size_is_scaled_to_the_image(openai: FakeOpenAI) -> None:
    image = _solid((0, 0, 200), 640, 360)
    painted = np.zeros((180, 320), np.uint8)
    painted[50:130, 100:220] = 255
    openai.reply(200, image_result(_solid((255, 255, 255), 1024, 1024)))
    out = OpenAIImageProvider().inpaint(image, _png(painted), "a cloud", 1)
    assert _decode(out).shape == (360, 640, 3)
    # gpt-image-2.x takes sizes in multiples of 16, so 640x360 goes as 640x352;
    # image, mask and the size asked for agree, and the answer is fitted back to 640x360.
    (sent_mask,) = openai.requests[0].files["mask"]
    (sent_image,) = openai.requests[0].files["image"]
    assert _decode(sent_mask.data).shape == (352, 640, 4)
    assert _decode(sent_image.data).shape[:2] == (352, 640)
    assert openai.requests[0].body["size"] == "640x352"


def test_an_answer_without_image_data_is_a_provider_error(openai: FakeOpenAI) -> None:
    openai.reply(200, {"created": 1, "data": [{"url": "https://example.com/a.png"}]})
    with pytest.raises(ap.ProviderError, match="no image data"):
        OpenAIImageProvider().generate(_request(1024, 1024), [])


def test_an_answer_that_is_not_an_image_is_a_provider_error(openai: FakeOpenAI) -> None:
    answer = {"created": 1, "data": [{"b64_json": base64.b64encode(b"not a png").decode()}]}
    openai.reply(200, answer)
    with pytest.raises(ap.ProviderError, match="not a usable image"):
        OpenAIImageProvider().generate(_request(1024, 1024), [])


def test_reference_images_through_the_pipeline(openai: FakeOpenAI, home: Path) -> None:
    p = ap.start(BRIEF, providers={"image": "openai"}, budget=1.0, home=home)
    openai.reply(500, error("The server had an error", "server_error"))  # retried
    for color in ((1, 2, 3), (4, 5, 6), (7, 8, 9)):
        openai.reply(200, image_result(_solid(color, 1536, 1024)))
    p.story.approve()
    items = p.reference_images.output
    assert [_decode(item.png).shape for item in items] == [(720, 1280, 3)] * 3
    assert len(openai.requests) == 4
    paid = [e for e in p.session.ledger if e.provider == "openai"]
    # The real cost from the answer's usage (50 text tokens in, 1056 image tokens out,
    # at the model's token prices), next to the estimate checked against the budget.
    text_in, _, image_out = IMAGE_TOKEN_PRICES[DEFAULT_IMAGE_MODEL]
    real = round((50 * text_in + 1056 * image_out) / 1e6, 5)
    assert [(round(e.cost_usd, 5), e.estimate_usd, e.cached) for e in paid] == [
        (real, 0.063, False)] * 3
    assert KEY not in p.session.model_dump_json() + repr(p.providers.image)
    for path in home.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_budget_of_zero_stops_image_generation_before_any_request(openai: FakeOpenAI,
                                                                  home: Path) -> None:
    p = ap.start(BRIEF, providers={"image": "openai"}, budget=0, home=home)
    with pytest.raises(ap.BudgetExceeded):
        p.story.approve()
    assert openai.requests == []
