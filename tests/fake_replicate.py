"""A loopback HTTP server that answers like Replicate's HTTP API, for testing at the HTTP layer.

It speaks the parts of the API the provider uses, with Replicate's shapes:

* ``POST /v1/models/{owner}/{name}/predictions`` and ``POST /v1/predictions``
  (``{"version": ...}``) answer ``201`` with a prediction in status ``starting`` and its
  ``urls``; ``GET /v1/predictions/{id}`` moves it to ``processing`` and then to
  ``succeeded`` with ``output`` URLs served by the same server (as replicate.delivery
  would); ``POST /v1/predictions/{id}/cancel`` cancels it.
* ``POST /v1/files`` (multipart) stores an upload and answers a file object.
* With ``run_s`` a prediction runs that long, and a create sent with ``Prefer: wait``
  is held until it is done (Replicate's sync mode).
* Errors are RFC 7807 problem details (``{"title", "detail", "status"}``), as Replicate's.

The "models" are tiny stand-ins: FLUX and SDXL draw a solid picture whose colour comes
from the seed, SDXL with ``image`` + ``mask`` paints the mask's white pixels magenta and
(like a VAE round trip) shifts every other pixel slightly, Stable Video Diffusion
returns a 1 s 320x180 clip at 6 fps in its input's mean colour, and Llama streams queued
texts as a list of tokens.
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import numpy as np
from PIL import Image

from .fake_openai import Part, QuietHandler, loopback, parse_multipart

SDXL_VERSION = "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b"
SVD_VERSION = "3f0457e4619daac51203dedb472816fd4af51f3149fa7a9e0b5ffcf1b8172438"
VERSIONS = {SDXL_VERSION: "stability-ai/sdxl", SVD_VERSION: "stability-ai/stable-video-diffusion"}
MAGENTA = (255, 0, 255)
CLIP_SIZE = (320, 180)
CLIP_FPS = 6


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any = None
    files: dict[str, list[Part]] = field(default_factory=dict)


@dataclass
class FakeReplicate:
    """Replicate's API in miniature; records every request it gets."""

    base_url: str = ""
    token: str = ""
    #: GETs of a prediction before it succeeds (the first moves it to processing).
    polls: int = 2
    #: Seconds each prediction runs, instead of counting polls; a create sent with
    #: ``Prefer: wait`` is then answered when the prediction is done, as Replicate's is.
    run_s: float = 0.0
    requests: list[Recorded] = field(default_factory=list)
    #: Queued texts the language model answers, in order.
    texts: list[str] = field(default_factory=list)
    #: Queued errors: (kind, status, detail), kind "create", "poll" or "download".
    failures: list[tuple[str, int, str]] = field(default_factory=list)
    #: Sent as ``Retry-After`` with every queued error, when set.
    retry_after: str = ""
    #: Queued model failures: the next predictions end "failed" with this error text.
    model_errors: list[str] = field(default_factory=list)
    #: Queued slow answers: (kind, seconds), kind as for ``failures`` or "cancel".
    stalls: list[tuple[str, float]] = field(default_factory=list)
    #: Queued byte counts: the next outputs are cut to this many bytes.
    cut_outputs: list[int] = field(default_factory=list)
    predictions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: What the server serves under /delivery/: path -> (content type, bytes).
    delivery: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    uploads: dict[str, Part] = field(default_factory=dict)
    #: Input schemas (the ``Input`` properties and required names) by model, served as
    #: the model's latest version's OpenAPI schema.
    inputs: dict[str, tuple[dict[str, Any], list[str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Cancel requests being answered now, and the most there were at once.
    cancels_in_flight: int = 0
    most_cancels_in_flight: int = 0

    def fail(self, kind: str, status: int, detail: str = "") -> None:
        """Answer the next request of ``kind`` with ``status``."""
        self.failures.append((kind, status, detail or f"fake {status}"))

    def stall(self, kind: str, seconds: float) -> None:
        """Answer the next request of ``kind`` only after ``seconds``."""
        self.stalls.append((kind, seconds))

    @property
    def root(self) -> str:
        return self.base_url

    def created(self) -> list[dict[str, Any]]:
        """The predictions created, in order."""
        return list(self.predictions.values())

    def calls(self, method: str, prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def resolve(self, value: str) -> bytes:
        """The bytes behind an input: a data URI or an uploaded file's URL."""
        if value.startswith("data:"):
            return base64.b64decode(value.partition(",")[2])
        prefix = f"{self.base_url}/v1/files/"
        if value.startswith(prefix):
            return self.uploads[value[len(prefix):]].data
        raise ValueError(f"cannot read input {value[:60]!r}")


def problem(status: int, title: str, detail: str) -> dict[str, Any]:
    return {"type": "about:blank", "title": title, "detail": detail, "status": status}


_TITLES = {401: "Unauthenticated", 402: "Payment Required", 404: "Not found",
           422: "Input validation failed", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}


def png(color: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def seed_color(seed: int) -> tuple[int, int, int]:
    digest = hashlib.sha256(str(seed).encode()).digest()
    return digest[0], digest[1], digest[2]


_clips: dict[tuple[int, int, int], bytes] = {}


def solid_clip(color: tuple[int, int, int]) -> bytes:
    """A 1 s H.264 clip of one colour, as SVD's stand-in (cached: ffmpeg takes ~0.1 s)."""
    if color not in _clips:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "clip.mp4"
            hex_color = "0x{:02x}{:02x}{:02x}".format(*color)
            subprocess.run(
                [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                 "-f", "lavfi", "-i",
                 f"color=c={hex_color}:s={CLIP_SIZE[0]}x{CLIP_SIZE[1]}:r={CLIP_FPS}:d=1",
                 "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(out)],
                check=True, capture_output=True,
            )
            _clips[color] = out.read_bytes()
    return _clips[color]


def _flux_size(ratio: str) -> tuple[int, int]:
    # FLUX picks its own size from the aspect ratio (about a megapixel; smaller here).
    w, h = (int(x) for x in ratio.split(":"))
    width = round((65536 * w / h) ** 0.5 / 16) * 16
    return width, round(width * h / w / 16) * 16


class _Model:
    """What one prediction produces when it succeeds."""

    def __init__(self, fake: FakeReplicate) -> None:
        self.fake = fake

    def run(self, model: str, inputs: dict[str, Any], prediction_id: str) -> Any:
        if model.startswith("meta/"):
            text = self.fake.texts.pop(0) if self.fake.texts else "{}"
            return [text[i:i + 4] for i in range(0, len(text), 4)]  # streamed tokens
        if model == "stability-ai/stable-video-diffusion":
            still = Image.open(io.BytesIO(self.fake.resolve(inputs["input_image"]))).convert("RGB")
            mean = tuple(int(v) for v in np.asarray(still).reshape(-1, 3).mean(axis=0).round())
            return self._serve(prediction_id, "output.mp4", "video/mp4", solid_clip(mean))
        if model.startswith("minimax/speech"):
            # MiniMax speech: an MP3 URL, and with subtitle_enable sentence timestamps (ms).
            seconds = 0.06 * len(inputs["text"])
            audio = tone_mp3(seconds)
            return {"audio": self._serve(prediction_id, "output.mp3", "audio/mpeg", audio),
                    "subtitle": [{"text": inputs["text"], "time_begin": 0,
                                  "time_end": round(seconds * 1000)}]}
        if model.startswith("black-forest-labs/flux"):
            size = _flux_size(inputs.get("aspect_ratio", "1:1"))
            picture = png(seed_color(int(inputs.get("seed", 0))), size)
            return [self._serve(prediction_id, "out-0.png", "image/png", picture)]
        if "mask" in inputs:
            return [self._serve(prediction_id, "out-0.png", "image/png", self._inpaint(inputs))]
        size = (int(inputs.get("width", 1024)), int(inputs.get("height", 1024)))
        picture = png(seed_color(int(inputs.get("seed", 0))), size)
        return [self._serve(prediction_id, "out-0.png", "image/png", picture)]

    def _inpaint(self, inputs: dict[str, Any]) -> bytes:
        image = np.asarray(Image.open(io.BytesIO(self.fake.resolve(inputs["image"]))).convert("RGB"))
        mask = np.asarray(Image.open(io.BytesIO(self.fake.resolve(inputs["mask"]))).convert("L"))
        assert mask.shape == image.shape[:2], "mask and image must be the same size"
        out = np.clip(image.astype(np.int16) + 6, 0, 255).astype(np.uint8)  # VAE drift
        out[mask > 127] = MAGENTA
        buffer = io.BytesIO()
        Image.fromarray(out).save(buffer, "PNG")
        return buffer.getvalue()

    def _serve(self, prediction_id: str, name: str, content_type: str, data: bytes) -> str:
        path = f"/delivery/xezq/{prediction_id}/{name}"
        if self.fake.cut_outputs:
            data = data[:self.fake.cut_outputs.pop(0)]
        self.fake.delivery[path] = (content_type, data)
        return f"{self.fake.base_url}{path}"


def tone_mp3(seconds: float) -> bytes:
    """An MP3 of a steady tone lasting ``seconds``, as a speech model's answer stands in."""
    return subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
         f"sine=frequency=220:duration={seconds:.2f}:sample_rate=32000", "-c:a", "libmp3lame",
         "-f", "mp3", "-"], capture_output=True, check=True).stdout


_REQUIRED = {"meta/": "prompt", "minimax/speech": "text", "black-forest-labs/flux": "prompt",
             "stability-ai/sdxl": "prompt", "stability-ai/stable-video-diffusion": "input_image"}


@contextmanager
def serve(token: str) -> Iterator[FakeReplicate]:
    fake = FakeReplicate(token=token)
    model = _Model(fake)
    ids = (f"fake{n:04d}qwe7rty8uiop" for n in itertools.count(1))

    class Handler(QuietHandler):
        def _answer(self, status: int, body: Any, content_type: str = "application/json",
                    retry_after: str = "") -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            try:
                self.send_response(status)
                if retry_after:
                    self.send_header("retry-after", retry_after)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # a slow answer's client has given up and hung up

        def _record(self) -> Recorded:
            headers = {k.lower(): v for k, v in self.headers.items()}
            raw = self.rfile.read(int(headers.get("content-length", 0) or 0))
            record = Recorded(self.command, self.path, headers)
            content_type = headers.get("content-type", "")
            if content_type.startswith("multipart/form-data"):
                record.body, record.files = parse_multipart(content_type, raw)
            elif raw:
                record.body = json.loads(raw)
            fake.requests.append(record)
            return record

        def _failure(self, kind: str) -> bool:
            for i, (which, status, detail) in enumerate(fake.failures):
                if which == kind:
                    del fake.failures[i]
                    self._answer(status, problem(status, _TITLES.get(status, "Error"), detail),
                                 "application/problem+json", fake.retry_after)
                    return True
            return False

        def _stall(self, kind: str) -> None:
            with fake.lock:
                found = next((i for i, (which, _) in enumerate(fake.stalls) if which == kind), None)
                seconds = 0.0 if found is None else fake.stalls.pop(found)[1]
            # Not time.sleep, which tests patch away to skip the gateway's backoff; and
            # outside the lock, so other requests are answered meanwhile.
            threading.Event().wait(seconds)

        def _authorized(self, record: Recorded) -> bool:
            if record.headers.get("authorization") == f"Bearer {fake.token}":
                return True
            self._answer(401, problem(401, "Unauthenticated",
                                      "You did not pass a valid authentication token"),
                         "application/problem+json")
            return False

        def do_POST(self) -> None:
            with fake.lock:
                record = self._record()  # on arrival, even if the client gives up waiting
            if self.path.startswith("/v1/models/") or self.path == "/v1/predictions":
                self._stall("create")
            elif self.path.endswith("/cancel"):
                with fake.lock:
                    fake.cancels_in_flight += 1
                    fake.most_cancels_in_flight = max(fake.most_cancels_in_flight,
                                                      fake.cancels_in_flight)
                self._stall("cancel")
                with fake.lock:
                    fake.cancels_in_flight -= 1
            held = None
            with fake.lock:
                if not self._authorized(record):
                    return
                parts = self.path.strip("/").split("/")
                if self.path == "/v1/files":
                    self._upload(record)
                elif parts[:2] == ["v1", "predictions"] and len(parts) == 4 and parts[3] == "cancel":
                    prediction = fake.predictions[parts[2]]
                    if prediction["status"] not in ("succeeded", "failed", "canceled"):
                        prediction["status"] = "canceled"
                    self._answer(200, prediction)
                elif self._failure("create"):
                    return
                elif parts[:2] == ["v1", "models"] and len(parts) == 5:
                    held = self._create(f"{parts[2]}/{parts[3]}", "dp-" + "0" * 32, record)
                elif self.path == "/v1/predictions":
                    version = record.body.get("version", "")
                    if version not in VERSIONS:
                        self._answer(422, problem(422, "Invalid version",
                                                  "The specified version does not exist"))
                        return
                    held = self._create(VERSIONS[version], version, record)
                else:
                    self._answer(404, problem(404, "Not found", self.path))
            if held is not None:  # Prefer: wait -- answer when the prediction is done
                prediction, wait_s = held
                threading.Event().wait(min(wait_s, prediction["_ready_at"] - time.monotonic()))
                with fake.lock:
                    self._answer(201, self._advance(prediction))

        def do_GET(self) -> None:
            with fake.lock:
                record = self._record()
            self._stall("download" if self.path.startswith("/delivery/") else "poll")
            with fake.lock:
                if self.path.startswith("/delivery/"):
                    if self._failure("download"):
                        return
                    if self.path not in fake.delivery:
                        self._answer(404, b"not found", "text/plain")
                        return
                    content_type, data = fake.delivery[self.path]
                    self._answer(200, data, content_type)
                    return
                if not self._authorized(record):
                    return
                parts = self.path.strip("/").split("/")
                if parts[:2] == ["v1", "predictions"] and len(parts) == 3:
                    if self._failure("poll"):
                        return
                    self._answer(200, self._advance(fake.predictions[parts[2]]))
                elif parts[:2] == ["v1", "models"] and len(parts) == 4:
                    self._answer(200, _model(parts[2], parts[3],
                                             fake.inputs.get(f"{parts[2]}/{parts[3]}")))
                else:
                    self._answer(404, problem(404, "Not found", self.path))

        def _create(self, name: str, version: str, record: Recorded
                    ) -> tuple[dict[str, Any], float] | None:
            """Answer a create, or with ``run_s`` and ``Prefer: wait=N`` hand back the
            prediction and N, to be answered when it is done."""
            inputs = record.body.get("input") or {}
            for prefix, required in _REQUIRED.items():
                if name.startswith(prefix) and required not in inputs:
                    self._answer(422, problem(422, "Input validation failed",
                                              f"- input: {required} is required"))
                    return None
            prediction_id = next(ids)
            base = fake.base_url
            prediction = {
                "id": prediction_id, "model": name, "version": version, "input": inputs,
                "logs": "", "output": None, "data_removed": False, "error": None,
                "status": "starting", "created_at": "2026-11-21T10:00:00.000Z",
                "urls": {
                    "cancel": f"{base}/v1/predictions/{prediction_id}/cancel",
                    "get": f"{base}/v1/predictions/{prediction_id}",
                    "stream": f"{base}/v1/streams/{prediction_id}",
                    "web": f"https://replicate.com/p/{prediction_id}",
                },
                "_polls": 0, "_ready_at": time.monotonic() + fake.run_s,
            }
            fake.predictions[prediction_id] = prediction
            prefer = record.headers.get("prefer", "")
            if fake.run_s > 0 and prefer.startswith("wait"):
                return prediction, float(prefer.partition("=")[2] or 60)
            self._answer(201, _public(prediction))
            return None

        def _advance(self, prediction: dict[str, Any]) -> dict[str, Any]:
            if prediction["status"] in ("starting", "processing"):
                prediction["_polls"] += 1
                prediction["status"] = "processing"
                prediction["started_at"] = "2026-11-21T10:00:01.000Z"
                if (prediction["_polls"] >= fake.polls if fake.run_s <= 0
                        else time.monotonic() >= prediction["_ready_at"]):
                    if fake.model_errors:
                        prediction["status"] = "failed"
                        prediction["error"] = fake.model_errors.pop(0)
                    else:
                        prediction["output"] = model.run(
                            prediction["model"], prediction["input"], prediction["id"])
                        prediction["status"] = "succeeded"
                        prediction["metrics"] = {"predict_time": 1.25, "total_time": 1.5}
                    prediction["completed_at"] = "2026-11-21T10:00:03.000Z"
            return _public(prediction)

        def _upload(self, record: Recorded) -> None:
            (part,) = record.files["content"]
            file_id = f"file{len(fake.uploads) + 1:04d}"
            fake.uploads[file_id] = part
            self._answer(201, {
                "id": file_id, "name": part.filename, "content_type": part.content_type,
                "size": len(part.data), "etag": hashlib.md5(part.data).hexdigest(),
                "checksums": {"sha256": hashlib.sha256(part.data).hexdigest()},
                "metadata": {}, "created_at": "2026-11-21T10:00:00.000Z",
                "expires_at": "2026-11-22T10:00:00.000Z",
                "urls": {"get": f"{fake.base_url}/v1/files/{file_id}"},
            })

    with loopback(Handler) as origin:
        fake.base_url = origin
        yield fake


def _public(prediction: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in prediction.items() if not k.startswith("_")}


def _model(owner: str, name: str, inputs: tuple[dict[str, Any], list[str]] | None
           ) -> dict[str, Any]:
    """A model as ``GET /v1/models/{owner}/{name}`` describes it."""
    properties, required = inputs or ({}, [])
    schema = {"components": {"schemas": {"Input": {
        "type": "object", "properties": properties, "required": required}}}}
    return {"url": f"https://replicate.com/{owner}/{name}", "owner": owner, "name": name,
            "description": "", "visibility": "public", "run_count": 1,
            "latest_version": {"id": "v" * 64, "created_at": "2026-11-01T00:00:00.000Z",
                               "cog_version": "0.14.0", "openapi_schema": schema}}
