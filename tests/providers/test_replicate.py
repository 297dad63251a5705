"""The Replicate provider against a loopback server that answers like Replicate's HTTP API."""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

import adpipeline as ap
from adpipeline.models import Brief
from adpipeline.providers.base import ImageRequest, VideoRequest
from adpipeline.providers.offline.story import write_story
from adpipeline.providers.replicate import client as replicate_client
from adpipeline.providers.replicate import replicate_provider

from ..conftest import BRIEF
from ..fake_replicate import MAGENTA, SDXL_VERSION, SVD_VERSION, FakeReplicate, png, serve

TOKEN = "r8_" + "T0k3n" * 8


@pytest.fixture
def replicate(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeReplicate]:
    monkeypatch.setattr("adpipeline.providers.gateway.time.sleep", lambda s: None)
    monkeypatch.setenv("REPLICATE_POLL_INTERVAL", "0.005")
    with serve(TOKEN) as fake:
        monkeypatch.setenv("REPLICATE_API_TOKEN", TOKEN)
        monkeypatch.setenv("REPLICATE_BASE_URL", fake.base_url)
        yield fake


def _story() -> dict[str, Any]:
    """What a language model answers for BRIEF: a story in the schema."""
    return write_story(Brief.create(prompt=BRIEF, duration_s=30), None, [], 1).model_dump(
        mode="json")


def _request(width: int = 1280, height: int = 720, seed: int = 7) -> ImageRequest:
    return ImageRequest(kind="frame", label="Scene 1", prompt="a teal bottle on a desk",
                        width=width, height=height, seed=seed, product="Aurora")


def _size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "PNG"
        return img.size


def _data(uri: str) -> bytes:
    assert uri.startswith("data:image/png;base64,"), uri[:40]
    return base64.b64decode(uri.partition(",")[2])


# images -----------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height", "ratio"),
                         [(1280, 720, "16:9"), (720, 1280, "9:16"), (1024, 1024, "1:1")])
def test_image_is_a_png_of_the_requested_size(replicate: FakeReplicate, width: int,
                                              height: int, ratio: str) -> None:
    png_bytes = replicate_provider("image").generate(_request(width, height), [])
    assert _size(png_bytes) == (width, height)
    create = replicate.calls("POST", "/v1/")[0]
    assert create.path == "/v1/models/black-forest-labs/flux-schnell/predictions"
    assert create.headers["authorization"] == f"Bearer {TOKEN}"
    assert create.body["input"]["aspect_ratio"] == ratio
    assert create.body["input"]["seed"] == 7
    assert "a teal bottle" in create.body["input"]["prompt"]
    # Polled to completion, then the output URL fetched from the (fake) delivery host.
    assert [r.path.split("/")[1] for r in replicate.requests[1:]] == ["v1", "v1", "delivery"]


def test_reference_images_through_the_pipeline(replicate: FakeReplicate, home: Path) -> None:
    p = ap.start(BRIEF, providers={"image": "replicate"}, budget=1.0, home=home)
    p.story.approve()
    items = p.reference_images.output
    assert [_size(item.png) for item in items] == [(1280, 720)] * 3
    assert len(replicate.created()) == 3
    paid = [e for e in p.session.ledger if e.provider == "replicate"]
    assert [(e.model, e.cost_usd, e.cached) for e in paid] == [
        ("black-forest-labs/flux-schnell", 0.003, False)] * 3


def test_budget_of_zero_stops_before_any_request(replicate: FakeReplicate, home: Path) -> None:
    p = ap.start(BRIEF, providers={"image": "replicate"}, budget=0, home=home)
    before = p.session
    with pytest.raises(ap.BudgetExceeded, match=r"nothing was approved.*p\.use\(image='offline'\)"):
        p.story.approve()
    assert replicate.requests == []
    assert p.session == before  # the story is still under review: the approval did not happen
    p.use(image="offline")  # the way out the message names
    p.story.approve()
    assert p.stage == "reference_images" and len(p.reference_images.output) == 3


def test_budget_running_out_mid_stage_rolls_the_approval_back(
        replicate: FakeReplicate, home: Path) -> None:
    p = ap.start(BRIEF, providers={"image": "replicate"}, budget=0.005, home=home)
    with pytest.raises(ap.BudgetExceeded, match="budget"):
        p.story.approve()  # the first image fits the budget, the second does not
    assert len(replicate.requests) > 0
    assert p.stage == "story" and p.story.status == "review"
    assert p.reference_images.status == "pending"
    paid = [e for e in p.session.ledger if e.provider == "replicate" and not e.cached]
    assert paid and p.cost_usd == pytest.approx(sum(e.cost_usd for e in paid))  # spent is recorded
    p.budget = 1
    p.story.approve()  # the image already paid for comes from the cache
    assert p.stage == "reference_images"
    assert p.cost_usd == pytest.approx(0.009)


def test_inpaint_sends_image_and_mask_and_changes_only_the_mask(replicate: FakeReplicate) -> None:
    width, height = 1280, 720  # larger than SDXL's 1024: sent scaled, answered fitted back
    ramp = np.linspace(0, 255, width, dtype=np.uint8)
    original = np.stack([np.tile(ramp, (height, 1))] * 3, axis=2)
    original[:, :, 2] = 90
    buffer = io.BytesIO()
    Image.fromarray(original).save(buffer, "PNG")
    mask = np.zeros((height, width), np.uint8)
    mask[200:500, 300:900] = 255
    mask_png = io.BytesIO()
    Image.fromarray(mask).save(mask_png, "PNG")

    out = replicate_provider("inpaint").inpaint(buffer.getvalue(), mask_png.getvalue(),
                                               "a red cap", 3)

    assert _size(out) == (width, height)
    result = np.asarray(Image.open(io.BytesIO(out)).convert("RGB"))
    outside = mask == 0
    assert (result[outside] == original[outside]).all()  # the model's drift is not kept
    assert (np.abs(result[220:480, 320:880].astype(int) - MAGENTA) <= 2).all()
    (create,) = replicate.calls("POST", "/v1/predictions")
    assert create.body["version"] == SDXL_VERSION
    sent = create.body["input"]
    assert sent["prompt"] == "a red cap" and sent["seed"] == 3
    sent_image = Image.open(io.BytesIO(_data(sent["image"])))
    sent_mask = np.asarray(Image.open(io.BytesIO(_data(sent["mask"]))).convert("L"))
    assert sent_image.size == (1024, 576) and sent_mask.shape == (576, 1024)
    assert sent_mask[300, 480] == 255 and sent_mask[20, 20] == 0  # white = repaint


def test_large_inputs_are_uploaded_as_files(replicate: FakeReplicate,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replicate_client, "_INLINE_LIMIT", 0)
    image = png((20, 120, 200), (512, 512))
    mask = np.zeros((512, 512), np.uint8)
    mask[100:200, 100:200] = 255
    mask_png = io.BytesIO()
    Image.fromarray(mask).save(mask_png, "PNG")
    out = replicate_provider("inpaint").inpaint(image, mask_png.getvalue(), "a sticker", 1)
    assert _size(out) == (512, 512)
    uploads = replicate.calls("POST", "/v1/files")
    assert [u.files["content"][0].filename for u in uploads] == ["image.png", "mask.png"]
    sent = replicate.created()[0]["input"]
    assert sent["image"] == f"{replicate.base_url}/v1/files/file0001"
    assert sent["mask"] == f"{replicate.base_url}/v1/files/file0002"


# video ------------------------------------------------------------------------------

COLORS = [(200, 40, 40), (40, 180, 60), (40, 60, 200), (220, 200, 40), (40, 200, 200),
          (200, 40, 200), (120, 120, 120), (240, 240, 240)]


def test_video_joins_clips_with_the_scenes_timing(replicate: FakeReplicate,
                                                  tmp_path: Path) -> None:
    story = write_story(Brief.create(prompt="ad for Aurora, a bottle", duration_s=7), None, [], 1)
    frames = [png(COLORS[i], (640, 360)) for i in range(len(story.scenes))]
    fps = 12
    request = VideoRequest(story=story, width=320, height=180, fps=fps, preset="ultrafast")
    reports: list[tuple[int, int, str]] = []

    rendered = replicate_provider("video").render(request, frames, tmp_path,
                                                 lambda *r: reports.append(r))

    count, seconds = imageio_ffmpeg.count_frames_and_secs(str(rendered.video))
    assert abs(count - story.duration_s * fps) <= 1
    assert abs(seconds - story.duration_s) <= 1 / fps
    assert (rendered.frame_count, rendered.duration_s) == (round(story.duration_s * fps), 7.0)
    reader = imageio_ffmpeg.read_frames(str(rendered.video))
    meta = next(reader)
    assert meta["size"] == (320, 180)
    decoded = [np.frombuffer(f, np.uint8).reshape(180, 320, 3) for f in reader]
    for scene, color in zip(story.scenes, COLORS, strict=False):
        # Each 1 s clip is looped to its scene: its colour from the first frame to the cut.
        first = round(scene.start_s * fps)
        last = round(scene.end_s * fps) - 1
        for index in (first, (first + last) // 2, last):
            got = decoded[index][90, 160].astype(int)
            assert (np.abs(got - color) <= 12).all(), (scene.index, index, got, color)
    assert _size(rendered.poster.read_bytes()) == (320, 180)
    srt = rendered.subtitles.read_text()
    assert srt.startswith("1\n00:00:00,000 --> ") and story.scenes[0].voiceover[:20] in srt
    creates = replicate.calls("POST", "/v1/predictions")
    assert [c.body["version"] for c in creates] == [SVD_VERSION] * len(story.scenes)
    assert all(c.body["input"]["input_image"].startswith("data:image/png") for c in creates)
    assert reports[-1][0] == reports[-1][1]
    assert not list(tmp_path.glob("clip-*.mp4"))  # downloaded clips are cleaned up


def test_video_through_the_pipeline_stops_at_the_budget_first(replicate: FakeReplicate,
                                                              home: Path) -> None:
    p = ap.start("10 s ad for Aurora, a reusable water bottle", providers={"video": "replicate"},
                 budget=0.1, home=home)
    p.story.approve()
    p.reference_images.approve()
    scenes = len(p.story.output.scenes)
    with pytest.raises(ap.BudgetExceeded, match="render"):
        p.storyboard.approve()  # one SVD clip per scene costs more than $0.10
    assert replicate.requests == []
    assert p.stage == "storyboard" and p.storyboard.status == "review"  # nothing was approved
    p.budget = 1.0
    p.storyboard.approve()
    video = p.video.output
    assert (video.asset.width, video.asset.height, video.asset.fps, video.duration_s) == (
        1280, 720, 30, 10.0)
    count, _ = imageio_ffmpeg.count_frames_and_secs(str(video.path))
    assert count == 300
    assert len(replicate.created()) == scenes
    (entry,) = [e for e in p.session.ledger if e.provider == "replicate"]
    assert (entry.operation, entry.units) == ("render", pytest.approx(scenes * 25 / 6, abs=1e-3))
    assert entry.cost_usd == pytest.approx(scenes * 25 / 6 * 0.03, abs=1e-4)


_KLING = ({"prompt": {"type": "string"}, "start_image": {"type": "string"},
           "duration": {"enum": [5, 10]}, "mode": {"type": "string"},
           "negative_prompt": {"type": "string"}}, ["prompt", "start_image"])
_HAILUO = ({"prompt": {"type": "string"}, "first_frame_image": {"type": "string"},
            "duration": {"enum": [6, 10]}}, ["prompt"])
_SEEDANCE = ({"prompt": {"type": "string"}, "image": {"type": "string"},
              "duration": {"type": "integer"}, "aspect_ratio": {"enum": ["16:9", "9:16", "1:1"]},
              "generate_audio": {"type": "boolean"}, "seed": {"type": "integer"}}, ["prompt"])


@pytest.mark.parametrize(("model", "inputs", "image_field"), [
    ("kwaivgi/kling-v2.1", _KLING, "start_image"),
    ("minimax/hailuo-02", _HAILUO, "first_frame_image"),
    ("bytedance/seedance-1-pro", _SEEDANCE, "image"),
])
def test_each_video_family_gets_the_frame_in_its_own_field(
        replicate: FakeReplicate, model: str, inputs: tuple[dict[str, Any], list[str]],
        image_field: str) -> None:
    replicate.inputs[model] = inputs
    frame = png((10, 120, 140), (1280, 720))
    provider = replicate_provider("video", model)
    sent = provider._video_input(provider.client(), _scene(4.0), frame, 7, "16:9")
    assert replicate.resolve(sent[image_field]) == frame  # the approved frame, not ignored
    assert set(sent) <= set(inputs[0])  # nothing the model would silently drop
    allowed: Any = inputs[0]["duration"]
    assert sent["duration"] in allowed.get("enum", [sent["duration"]])  # snapped to a length
    if "generate_audio" in inputs[0]:
        assert sent["generate_audio"] is False and sent["aspect_ratio"] == "16:9"


def test_a_video_model_without_an_image_input_is_refused_before_paying(
        replicate: FakeReplicate) -> None:
    replicate.inputs["kwaivgi/kling-v2.1"] = ({"prompt": {"type": "string"}}, ["prompt"])
    provider = replicate_provider("video", "kwaivgi/kling-v2.1")
    with pytest.raises(ap.InvalidInput, match="start_image"):
        provider._video_input(provider.client(), _scene(4.0), png((1, 2, 3), (64, 36)), 7,
                              "16:9")
    assert replicate.created() == []


def _scene(duration_s: float) -> Any:
    from adpipeline.models import Scene

    return Scene(index=1, start_s=0.0, duration_s=duration_s, beat="hook", setting="a kitchen",
                 action="Maya fills Aurora", camera="close-up", voiceover="Meet Aurora.",
                 on_screen_text="Meet Aurora", visual_prompt="a teal bottle on a counter")


def test_video_estimate_is_per_second_of_generated_video() -> None:
    story = write_story(Brief.create(prompt="ad for Aurora, a bottle", duration_s=30), None, [], 1)
    params = VideoRequest(story=story, width=1280, height=720).model_dump(mode="json")
    cost = replicate_provider("video").estimate("render", params)
    scenes = len(story.scenes)
    assert cost.unit == "seconds"
    assert cost.units == pytest.approx(scenes * 25 / 6, abs=1e-3)
    assert cost.usd == pytest.approx(scenes * 25 / 6 * 0.03, abs=1e-4)
    unknown = replicate_provider("video", "acme/veo-like").estimate("render", params)
    assert unknown.usd >= 30 * 0.50


def test_unknown_models_cost_more_than_known_ones() -> None:
    known = replicate_provider("image").estimate("generate", {})
    assert (known.units, known.unit, known.usd) == (1, "images", 0.003)
    assert replicate_provider("inpaint").estimate("inpaint", {}).usd == 0.0063
    assert replicate_provider("image", "acme/new-model").estimate("generate", {}).usd >= 0.055
    story = replicate_provider("text").estimate("write_story", {"brief": "x"})
    assert 0 < story.usd < 0.02
    assert replicate_provider("text", "acme/llm").estimate("write_story", {"brief": "x"}).usd > (
        story.usd)


# failures ---------------------------------------------------------------------------


def test_rate_limits_and_outages_are_retried(replicate: FakeReplicate, home: Path) -> None:
    p = ap.start(BRIEF, providers={"image": "replicate"}, home=home)
    replicate.fail("create", 429, "Request was throttled. Expected available in 1 second.")
    replicate.fail("create", 503)
    p.story.approve()
    assert p.reference_images.status == "review"
    assert len(replicate.calls("POST", "/v1/models/")) == 5  # 2 refused, 3 created
    assert len(replicate.created()) == 3


def test_a_failed_poll_is_retried_without_paying_again(replicate: FakeReplicate) -> None:
    replicate.fail("poll", 503)
    replicate.fail("download", 429)
    assert _size(replicate_provider("image").generate(_request(), [])) == (1280, 720)
    assert len(replicate.created()) == 1


def test_a_poll_that_fails_for_now_is_tried_again_not_paid_again(
        replicate: FakeReplicate) -> None:
    replicate.polls = 3  # still running at the first checks
    replicate.fail("poll", 500)  # the client's own transport does not retry a 500
    replicate.fail("poll", 502)
    assert _size(replicate_provider("image").generate(_request(), [])) == (1280, 720)
    assert len(replicate.created()) == 1
    assert replicate.calls("POST", "/v1/predictions/") == []  # nothing canceled


def test_an_output_that_fails_to_download_for_now_is_not_paid_for_again(
        replicate: FakeReplicate, home: Path) -> None:
    p = ap.start(BRIEF, providers={"image": "replicate"}, home=home)
    replicate.fail("download", 502)  # the client's own transport does not retry a 502
    replicate.fail("download", 500)
    p.story.approve()
    assert p.reference_images.status == "review" and len(p.reference_images.output) == 3
    assert len(replicate.created()) == 3  # each sheet's prediction paid for once


def test_a_download_that_runs_out_of_time_is_not_paid_for_again(
        replicate: FakeReplicate, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replicate_client, "_DOWNLOAD_DEADLINE_S", 1.0)  # the call has 300 s
    p = ap.start(BRIEF, providers={"image": "replicate"}, home=home)
    replicate.stall("download", 2.0)
    with pytest.raises(ap.ProviderError, match="took longer than"):
        p.story.approve()
    assert len(replicate.created()) == 3  # the slow one's prediction is not made again


def test_a_retry_after_past_the_deadline_does_not_hold_the_call(
        replicate: FakeReplicate, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(replicate_client._DEADLINE_S, "image", 2.0)
    p = ap.start(BRIEF, providers={"image": "replicate"}, home=home)
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    replicate.retry_after = "3600"  # an outage page asking for an hour's patience
    replicate.fail("poll", 503)
    replicate.fail("download", 503)
    p.story.approve()
    assert p.reference_images.status == "review"
    assert max(waits) <= 2.0  # nothing waited past its call's 2 s deadline


def test_nothing_is_sent_once_the_calls_deadline_has_passed(
        replicate: FakeReplicate, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(replicate_client._DEADLINE_S, "image", 1.0)
    p = ap.start(BRIEF, providers={"image": "replicate"}, home=home)
    replicate.polls = 3
    for _ in range(30):  # an outage longer than the call: every check answered 503
        replicate.fail("poll", 503)
    monkeypatch.setattr("time.sleep", lambda s: threading.Event().wait(0.3))  # short waits
    with pytest.raises(ap.ProviderError, match="deadline passed"):
        p.story.approve()
    # The replicate client retries a 503 up to ten times per check (three checks at
    # once, 0.3 s apart): at the 1 s deadline it stopped asking, well short of 30.
    assert len(replicate.failures) >= 10


def test_bad_token_is_a_clear_error(replicate: FakeReplicate, home: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLICATE_API_TOKEN", "r8_wrong")
    p = ap.start(BRIEF, providers={"image": "replicate"}, home=home)
    with pytest.raises(ap.ProviderError, match="REPLICATE_API_TOKEN"):
        p.story.approve()
    # A 401 is not retried: the three images are asked for concurrently, each at most once.
    seeds = [r.body["input"]["seed"] for r in replicate.requests]
    assert 1 <= len(seeds) <= 3 and len(seeds) == len(set(seeds))
    assert p.stage == "story" and p.story.status == "review"  # the approval did not happen


def test_an_input_error_is_not_retried_and_the_stage_can_be_retried(
        replicate: FakeReplicate, home: Path) -> None:
    p = ap.start(BRIEF, providers={"image": "replicate"}, home=home)
    for _ in range(3):  # the three reference sheets are asked for at once
        replicate.fail("create", 422, "- input.aspect_ratio: must be one of 1:1, 16:9")
    with pytest.raises(ap.ProviderError, match="did not accept the input"):
        p.story.approve()
    # Each asked at most once; a sheet not yet started when the first 422 came back is
    # not started at all (on a busy machine), and its queued 422 is then left unused.
    seeds = [r.body["input"]["seed"] for r in replicate.calls("POST", "/v1/models/")]
    assert 1 <= len(seeds) <= 3 and len(seeds) == len(set(seeds))
    replicate.failures.clear()
    p.story.approve()
    assert p.reference_images.status == "review" and len(p.reference_images.output) == 3


def test_a_content_policy_refusal_says_to_change_the_prompt(replicate: FakeReplicate) -> None:
    replicate.model_errors.append("NSFW content detected. Try running it again, or try a "
                                  "different prompt.")
    with pytest.raises(ap.ProviderError, match=r"NSFW.*change the prompt"):
        replicate_provider("image").generate(_request(), [])
    assert len(replicate.created()) == 1  # refused, not paid for again


def test_truncated_image_bytes_are_a_provider_error(replicate: FakeReplicate) -> None:
    replicate.cut_outputs.append(60)
    with pytest.raises(ap.ProviderError, match=r"not a usable image.*regenerate"):
        replicate_provider("image").generate(_request(), [])


def test_a_create_whose_answer_times_out_is_not_sent_again(
        replicate: FakeReplicate, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The request reached Replicate, which may have started (and billed) a prediction:
    # sending it again could pay twice.
    monkeypatch.setattr(replicate_client, "_HTTP_TIMEOUT_S", 0.3)  # read timeout 1.5 s
    replicate.stall("create", 3.0)
    with pytest.raises(ap.ProviderError,
                       match=r"may have started a prediction.*not sent again.*replicate.com"):
        ap.start(BRIEF, providers={"text": "replicate"}, home=home)
    assert len(replicate.calls("POST", "/v1/models/")) == 1
    (summary,) = ap.sessions(home=home)
    assert summary.status == "failed"
    replicate.texts.append(json.dumps(_story()))
    p = ap.resume(summary.id, home=home)
    p.story.regenerate()
    assert p.story.status == "review" and p.story.output.duration_s == 30


def test_a_poll_slower_than_the_deadline_ends_the_call_and_cancels_the_prediction(
        replicate: FakeReplicate, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(replicate_client._DEADLINE_S, "text", 1.0)
    replicate.stall("poll", 30.0)  # far past the deadline (and the old fixed 60 s timeout)
    with pytest.raises(ap.ProviderError, match=r"deadline passed.*canceled, so it stops billing"):
        ap.start(BRIEF, providers={"text": "replicate"}, home=home)
    (prediction,) = replicate.created()
    assert [c.path for c in replicate.calls("POST", "/v1/predictions/")] == [
        f"/v1/predictions/{prediction['id']}/cancel"]
    assert prediction["status"] == "canceled"
    (summary,) = ap.sessions(home=home)
    assert summary.status == "failed"
    replicate.texts.append(json.dumps(_story()))
    p = ap.resume(summary.id, home=home)
    p.story.regenerate()
    assert p.story.status == "review"


def test_a_create_that_never_reached_replicate_is_retried(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as closed:  # a port nothing listens on: connection refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("REPLICATE_API_TOKEN", TOKEN)
    monkeypatch.setenv("REPLICATE_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setattr("adpipeline.providers.gateway.time.sleep", lambda s: None)
    attempts: list[int] = []
    original = replicate_client.ReplicateProvider._start
    monkeypatch.setattr(replicate_client.ReplicateProvider, "_start",
                        lambda self, *a: attempts.append(1) or original(self, *a))
    with pytest.raises(ap.ProviderError, match="could not reach Replicate"):
        ap.start(BRIEF, providers={"text": "replicate"}, home=home)
    assert len(attempts) == 3  # the gateway's three tries: nothing was sent, nothing paid


def test_failed_prediction_reports_the_models_error(replicate: FakeReplicate) -> None:
    replicate.model_errors.append("CUDA out of memory. Tried to allocate 2.00 GiB")
    with pytest.raises(ap.ProviderError, match="CUDA out of memory"):
        replicate_provider("image").generate(_request(), [])


def test_a_prediction_still_running_at_the_deadline_is_canceled(
        replicate: FakeReplicate, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(replicate_client._DEADLINE_S, "image", 0.5)
    replicate.polls = 10**6  # it never finishes
    with pytest.raises(ap.ProviderError, match=r"still running.*deadline passed.*"
                                               r"canceled, so it stops billing"):
        replicate_provider("image").generate(_request(), [])
    (prediction,) = replicate.created()
    assert [c.path for c in replicate.calls("POST", "/v1/predictions/")] == [
        f"/v1/predictions/{prediction['id']}/cancel"]
    assert prediction["status"] == "canceled"


def test_a_videos_running_clips_are_all_canceled_at_once(
        replicate: FakeReplicate, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    story = write_story(Brief.create(prompt="ad for Aurora, a bottle", duration_s=7), None, [], 1)
    monkeypatch.setitem(replicate_client._DEADLINE_S, "video", 1.0)
    replicate.polls = 10**6  # no clip ever finishes
    for _ in story.scenes:
        replicate.stall("cancel", 0.8)  # a slow API: one after another, each adds its wait
    request = VideoRequest(story=story, width=320, height=180, fps=12, preset="ultrafast")
    with pytest.raises(ap.ProviderError, match=r"canceled, so it stops billing"):
        replicate_provider("video").render(
            request, [png(COLORS[i], (640, 360)) for i in range(len(story.scenes))], tmp_path,
            lambda *r: None)
    assert len(replicate.created()) == len(story.scenes) > 1
    assert all(p["status"] == "canceled" for p in replicate.created())
    assert replicate.most_cancels_in_flight == len(story.scenes)


def test_oversized_output_is_refused(replicate: FakeReplicate,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replicate_client, "_MAX_IMAGE_BYTES", 100)
    with pytest.raises(ap.ProviderError, match="larger than"):
        replicate_provider("image").generate(_request(), [])


def test_outputs_only_come_from_replicate_hosts(replicate: FakeReplicate) -> None:
    provider = replicate_provider("image")
    assert provider._trusted("https://replicate.delivery/xezq/abc/out-0.png")
    assert provider._trusted(f"{replicate.base_url}/delivery/x.png")
    assert not provider._trusted("https://evil.example/out-0.png")
    assert not provider._trusted("http://replicate.delivery/out-0.png")  # no plain http


# the token ---------------------------------------------------------------------------


def test_token_never_reaches_session_cache_or_repr(replicate: FakeReplicate, home: Path) -> None:
    p = ap.start(BRIEF, providers={"image": "replicate", "inpaint": "replicate"}, home=home)
    p.story.approve()
    assert TOKEN not in p.session.model_dump_json()
    assert TOKEN not in repr(p) + repr(p.providers.image) + repr(p.providers.inpaint)
    for path in home.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_missing_token_says_how_to_fix_it(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPLICATE_BASE_URL", raising=False)
    p = ap.start(BRIEF, providers={"image": "replicate"}, home=home)
    with pytest.raises(ap.InvalidInput, match="REPLICATE_API_TOKEN"):
        p.story.approve()
    with pytest.raises(ap.InvalidInput, match="offline provider"):
        replicate_provider("video").client()


# text ----------------------------------------------------------------------------------


def test_story_from_a_text_model_is_validated_and_retimed(replicate: FakeReplicate) -> None:
    brief = Brief.create(prompt="ad for Aurora, a bottle", duration_s=30)
    data = write_story(brief, None, [], 1).model_dump(mode="json")
    for scene in data["scenes"]:
        scene["duration_s"] = 4.7  # a model's arithmetic
    replicate.texts.append("Sure! Here is the story:\n```json\n" + json.dumps(data) + "\n```")
    story = replicate_provider("text").write_story(brief, None, [], 5)
    assert story.duration_s == 30
    (create,) = replicate.calls("POST", "/v1/models/")
    assert create.path == "/v1/models/meta/meta-llama-3-70b-instruct/predictions"
    assert '"scenes"' in create.body["input"]["system_prompt"]  # the schema is in the prompt


def test_story_that_is_not_json_is_a_provider_error(replicate: FakeReplicate) -> None:
    replicate.texts.append("I cannot help with that.")
    brief = Brief.create(prompt="ad for Aurora, a bottle", duration_s=30)
    with pytest.raises(ap.ProviderError, match="schema"):
        replicate_provider("text").write_story(brief, None, [], 5)


def test_feedback_reply_comes_from_the_text_model(replicate: FakeReplicate) -> None:
    replicate.texts.append('{"reply": "I will make scene 2 warmer.", "action": "regenerate"}')
    plan = replicate_provider("text").interpret("story", "warmer please, and regenerate",
                                                  None, None)
    assert (plan.reply, plan.action) == ("I will make scene 2 warmer.", "regenerate")
    assert "warmer please" in replicate.created()[0]["input"]["prompt"]


def test_voice_lines_come_from_minimax_speech_with_their_timestamps(
    replicate: FakeReplicate, home: Path,
) -> None:
    p = ap.start("8 s ad for Aurora, a water bottle", voice="replicate:female", music="off",
                 budget=1.0, home=home)
    p.run_to_end()
    created = [c for c in replicate.created() if c["model"].startswith("minimax/speech")]
    scenes = p.story.output.scenes
    assert len(created) == len(scenes)
    first = created[0]["input"]
    assert first["voice_id"] == "Calm_Woman" and first["subtitle_enable"] is True
    video = p.video.output
    for line, scene in zip(video.asset.lines, scenes, strict=True):
        spoken = 0.06 * len(first["text"]) if scene is scenes[0] else None
        assert line.end_s > line.start_s
        if spoken is not None:  # the fake's timestamps set the trimmed length
            assert line.end_s - line.start_s == pytest.approx(spoken + 0.04, abs=0.05)
    speak = [e for e in p.session.ledger if e.operation == "speak"]
    assert all(e.provider == "replicate" and e.cost_usd > 0 for e in speak)
    assert TOKEN not in json.dumps(p.session.model_dump(mode="json"))
