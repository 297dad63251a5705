"""Replicate: text, image, inpaint and image-to-video models, one capability per provider.

``ReplicateProvider(capability="image")`` fills the contract of that capability in
``base.py`` with a model hosted on Replicate. The default models:

=========  ==========================================  =====================================
capability model                                       why
=========  ==========================================  =====================================
text       ``meta/meta-llama-3-70b-instruct``          an official model (no version pin);
                                                       asked for JSON, validated as a Story
image      ``black-forest-labs/flux-schnell``          an official model, ~1 s a picture,
                                                       $0.003 each; better than SDXL at text
                                                       and hands for the same money
inpaint    ``stability-ai/sdxl`` (version pinned)      SDXL's inpaint mode: image + mask,
                                                       white = repaint, black = keep
video      ``stability-ai/stable-video-diffusion``     image-to-video, one clip per scene
           (version pinned)
=========  ==========================================  =====================================

Choose another with ``providers={"image": "replicate:owner/name"}`` (or
``owner/name:version`` for a community model). Known families (FLUX, FLUX Fill, SDXL,
Stable Video Diffusion, Llama) get their own inputs; any other model gets generic ones
(``prompt``, ``seed`` and ``width``/``height``, ``image``/``mask`` or ``image``).

The token is read from ``REPLICATE_API_TOKEN`` when the client is first needed and lives
only in the client object: never in a session, a cache key, a ledger, a log or a repr.
``REPLICATE_BASE_URL`` points the client elsewhere (a proxy, or the tests' loopback fake).

Retries: creating a prediction (a POST, which costs money) is never retried by the
client, so the gateway's policy is the only one for it. Polls and downloads are GETs of
work already paid for; the client's own transport retries those in place on 429/503/504,
which is right because a gateway retry would start -- and pay for -- a new prediction.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

from ..errors import InvalidInput, ProviderError
from ..media.ffmpeg import run_ffmpeg
from ..models import Brief, Feedback, Scene, StageName, Story
from . import replicate_models as families
from .base import (
    Cost,
    FeedbackPlan,
    ImageRequest,
    Progress,
    RenderedVideo,
    Speech,
    SpeechRequest,
    VideoRequest,
)
from .gateway import remaining, report_note
from .openai import decode_output, keep_unmasked
from .prompts import (
    PLAN_SCHEMA,
    image_prompt,
    plan_messages,
    read_plan,
    read_story,
    story_messages,
    story_schema,
)
from .structured import ask_json

T = TypeVar("T")

_API_URL = "https://api.replicate.com"

DEFAULT_MODELS: dict[str, str] = {
    "text": "meta/meta-llama-3-70b-instruct",
    "image": "black-forest-labs/flux-schnell",
    "inpaint": "stability-ai/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b",
    "video": "stability-ai/stable-video-diffusion:"
             "3f0457e4619daac51203dedb472816fd4af51f3149fa7a9e0b5ffcf1b8172438",
    "voice": "minimax/speech-02-turbo",
}

# Prices, keyed by owner/name (any version). Replicate bills official models per output
# (tokens, images) and community models per GPU-second; for the latter the figure is a
# typical run. Checked against replicate.com model pages, 2025-2026.
#: USD per million input / output tokens.
_TEXT_PRICES: dict[str, tuple[float, float]] = {
    "meta/meta-llama-3-70b-instruct": (0.65, 2.75),
    "meta/meta-llama-3-8b-instruct": (0.05, 0.25),
    "meta/meta-llama-3.1-405b-instruct": (9.50, 9.50),
}
#: USD per image.
_IMAGE_PRICES: dict[str, float] = {
    "black-forest-labs/flux-schnell": 0.003,
    "black-forest-labs/flux-dev": 0.025,
    "black-forest-labs/flux-1.1-pro": 0.04,
    "black-forest-labs/flux-pro": 0.055,
    "stability-ai/sdxl": 0.0063,  # ~4.5 s on an L40S; inpainting costs the same
}
#: USD per second of footage the model generates, and the length of one clip in seconds
#: (``None``: the clip is as long as its scene). SVD runs on an A100 (80 GB) at
#: $0.0014/s for ~75-90 s per 25-frame clip, about $0.11-0.13: $0.03 per second of its
#: 25 frames at 6 fps (4.17 s) is $0.125 a clip.
_VIDEO_PRICES: dict[str, tuple[float, float | None]] = {
    "stability-ai/stable-video-diffusion": (0.03, 25 / 6),
}
#: USD per thousand input characters of speech models (official models, billed per
#: character). Checked against replicate.com model pages, 2026-10.
_SPEECH_PRICES: dict[str, float] = {
    "minimax/speech-02-turbo": 0.06,
    "minimax/speech-02-hd": 0.10,
    "minimax/speech-2.6-turbo": 0.06,
    "minimax/speech-2.6-hd": 0.10,
}
_UNKNOWN_SPEECH = 0.30
#: MiniMax system voices: the default narrator, and one per wish.
_MINIMAX_VOICES = {"default": "Friendly_Person", "female": "Calm_Woman", "male": "Deep_Voice_Man"}
# A model we do not know is priced at or above the dearest of its kind on Replicate, so
# a budget stops spending early rather than late.
_UNKNOWN_TEXT = (9.50, 15.00)
_UNKNOWN_IMAGE = 0.10
_UNKNOWN_VIDEO = (0.50, None)
#: An unknown video model is assumed to bill at least this many seconds per clip.
_MIN_CLIP_S = 5.0
_STORY_OUTPUT_TOKENS = 2500

# Limits. A prediction that runs past its deadline is canceled (and not retried: a
# retry would pay again for something that is not working).
_DEADLINE_S = {"text": 300.0, "image": 300.0, "inpaint": 300.0, "video": 1200.0, "voice": 300.0}
_MAX_AUDIO_BYTES = 50 * 1024 * 1024
_HTTP_TIMEOUT_S = 60.0
_MAX_POLL_S = 5.0
_DOWNLOAD_DEADLINE_S = 300.0
_MAX_IMAGE_BYTES = 50 * 1024 * 1024
_MAX_CLIP_BYTES = 200 * 1024 * 1024
#: Inputs up to this size travel inline as data URIs; larger ones are uploaded to
#: Replicate's files API first. Replicate recommends data URIs only under 1 MB, and
#: base64 makes 700 KiB into about 0.96 MB.
_INLINE_LIMIT = 700 * 1024
#: SDXL works best at about a megapixel; bigger inputs are scaled down before sending.
_SDXL_SIDE = 1024
_ENCODE_TIMEOUT_S = 900.0
_TERMINAL = ("succeeded", "failed", "canceled")


class ReplicateProvider:
    """One capability (text, image, inpaint or video) served by a model on Replicate.

    ``model`` defaults per capability (see the module docstring); ``estimate`` prices a
    call before it is made, so the gateway's budget check can refuse it.
    """

    draws_headline = False  # generated pictures carry no ad text; the video adds it

    name = "replicate"

    def __init__(self, capability: str, model: str | None = None,
                 base_url: str | None = None) -> None:
        if capability not in DEFAULT_MODELS:
            raise InvalidInput(
                f"Replicate has no {capability!r} capability here: use one of "
                f"{', '.join(DEFAULT_MODELS)}."
            )
        self.capability = capability
        self.model = model or DEFAULT_MODELS[capability]
        self._base_url = base_url or os.environ.get("REPLICATE_BASE_URL") or None
        self._client: Any = None
        self._schemas: dict[str, dict[str, Any]] = {}

    @property
    def deadline_s(self) -> float:
        """The gateway's deadline for one call of this capability."""
        return _DEADLINE_S[self.capability]

    @property
    def base_url(self) -> str | None:
        return self._base_url

    @property
    def takes_references(self) -> bool:
        return self.model.split(":", 1)[0].lower() in families.REFERENCE_FIELDS

    def __repr__(self) -> str:  # never show the client: it holds the token
        return f"ReplicateProvider(capability={self.capability!r}, model={self.model!r})"

    # ------------------------------------------------------------------ client

    def client(self) -> Any:
        """The ``replicate.Client``, made on first use with the token from the environment."""
        if self._client is None:
            try:
                import httpx
                import replicate
            except ImportError:
                raise InvalidInput(
                    "the replicate provider needs the replicate package: "
                    "pip install 'adpipeline[replicate]'."
                ) from None
            token = os.environ.get("REPLICATE_API_TOKEN", "").strip()
            if not token:
                raise InvalidInput(
                    f"the replicate provider ({self.capability}) needs REPLICATE_API_TOKEN: "
                    "set it (https://replicate.com/account/api-tokens), or use the offline "
                    "provider."
                )
            self._client = replicate.Client(
                api_token=token,
                base_url=self._base_url,
                timeout=httpx.Timeout(_HTTP_TIMEOUT_S, connect=10.0),
            )
        return self._client

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        """Run one HTTP exchange, turning the client's errors into ``ProviderError``."""
        import httpx
        from replicate.exceptions import ReplicateError, ReplicateException

        try:
            return fn()
        except ReplicateError as exc:
            raise self._status_error(what, exc.status, exc.detail or exc.title) from None
        except httpx.HTTPStatusError as exc:
            raise self._status_error(
                what, exc.response.status_code, exc.response.reason_phrase
            ) from None
        except httpx.TimeoutException:
            raise ProviderError(
                f"Replicate timed out while trying to {what}; try again.", transient=True
            ) from None
        except httpx.TransportError as exc:
            raise ProviderError(
                f"could not reach Replicate to {what} ({type(exc).__name__}); check the "
                "network (and REPLICATE_BASE_URL, if set).", transient=True,
            ) from None
        except (ReplicateException, ValueError) as exc:
            # A response that does not parse as a prediction or file (pydantic errors
            # are ValueErrors): not something a retry fixes.
            raise ProviderError(
                f"Replicate sent an unexpected answer when asked to {what}: "
                f"{str(exc)[:300]}"
            ) from None

    def _status_error(self, what: str, status: int | None, detail: str | None) -> ProviderError:
        detail = (detail or "").strip()[:300]
        if status == 401:
            return ProviderError(
                "Replicate rejected the API token (401): check REPLICATE_API_TOKEN."
            )
        if status == 402:
            return ProviderError(
                "Replicate wants payment (402): add credit or billing details at "
                "https://replicate.com/account/billing, or use the offline provider."
            )
        if status == 403:
            return ProviderError(
                f"Replicate refused to {what} (403): check that REPLICATE_API_TOKEN may "
                f"use {self.model}. {detail}".strip()
            )
        if status in (404, 410) and what.startswith("download"):
            return ProviderError(
                f"the output of {self.model} is gone (HTTP {status}; Replicate keeps outputs "
                "for an hour); regenerate to make it again."
            )
        if status == 404:
            return ProviderError(
                f"Replicate could not {what} (404): check the model name {self.model!r} "
                "(owner/name, or owner/name:version for a community model). "
                f"{detail}".strip()
            )
        if status == 422:
            return ProviderError(
                f"{self.model} did not accept the input (422): {detail or 'invalid input'}"
            )
        if status == 429 or (status is not None and status >= 500):
            return ProviderError(
                f"Replicate could not {what} for now (HTTP {status}); retrying may help. "
                f"{detail}".strip(), transient=True, status=status,
            )
        return ProviderError(f"Replicate could not {what} (HTTP {status}): {detail}", status=status)

    # ------------------------------------------------------------------ predictions

    def _start(self, client: Any, model_input: dict[str, Any]) -> Any:
        """Create a prediction (not waiting for it): the model endpoint for an official
        ``owner/name``, the version endpoint for ``owner/name:version``."""
        owner_name, _, version = self.model.partition(":")
        if version:
            return self._call("start a prediction", lambda: client.predictions.create(
                version=version, input=model_input))
        if "/" not in owner_name:
            raise InvalidInput(
                f"{self.model!r} is not a Replicate model: write it as owner/name or "
                "owner/name:version."
            )
        return self._call("start a prediction", lambda: client.models.predictions.create(
            model=owner_name, input=model_input))

    def _run(
        self, client: Any, inputs: list[dict[str, Any]],
        on_done: Callable[[int], None] | None = None,
    ) -> list[Any]:
        """Start one prediction per input, wait for all of them, return their outputs.

        They run in parallel on Replicate (a video's scenes take a minute each). If
        anything fails, the ones still running are canceled, so nothing keeps billing
        for a result nobody will collect.
        """
        predictions: list[Any] = []
        try:
            for model_input in inputs:
                predictions.append(self._start(client, model_input))
            return self._wait(client, predictions, on_done)
        except BaseException:
            for prediction in predictions:
                if getattr(prediction, "status", None) not in _TERMINAL:
                    with contextlib.suppress(Exception):
                        client.predictions.cancel(prediction.id)
            raise

    def _wait(
        self, client: Any, predictions: list[Any], on_done: Callable[[int], None] | None
    ) -> list[Any]:
        started = time.monotonic()
        deadline = started + min(_DEADLINE_S[self.capability], remaining(_DEADLINE_S[self.capability]))
        base_interval = max(0.0, float(getattr(client, "poll_interval", 0.5)))
        reported = 0
        while True:
            for prediction in predictions:
                if prediction.status == "failed":
                    error = prediction.error
                    text = error if isinstance(error, str) else json.dumps(error)
                    raise ProviderError(
                        f"Replicate model {self.model} failed: {(text or 'no reason given')[:500]}"
                        " -- regenerate to try again, or change the prompt."
                    )
                if prediction.status == "canceled":
                    raise ProviderError(
                        f"the Replicate prediction {prediction.id} was canceled (on "
                        "replicate.com?); regenerate to run it again."
                    )
            done = sum(p.status == "succeeded" for p in predictions)
            if on_done is not None and done > reported:
                reported = done
                on_done(done)
            if done == len(predictions):
                return [p.output for p in predictions]
            if time.monotonic() > deadline:
                raise ProviderError(
                    f"Replicate model {self.model} took longer than "
                    f"{deadline - started:.0f} s, so it was canceled; regenerate to "
                    "try again later."
                )
            # Poll often at first (an image takes seconds), then back off to one check
            # every 5 s, so a batch of minute-long clips does not hammer the API.
            time.sleep(min(_MAX_POLL_S, max(base_interval, 0.1 * (time.monotonic() - started))))
            for prediction in predictions:
                if prediction.status not in _TERMINAL:
                    self._call("check on a prediction", prediction.reload)

    # ------------------------------------------------------------------ files

    def _file_input(self, client: Any, data: bytes, filename: str, content_type: str) -> str:
        """A model input for ``data``: a data URI when small, else an uploaded file's URL."""
        if len(data) <= _INLINE_LIMIT:
            return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
        uploaded = self._call("upload an input file", lambda: client.files.create(
            io.BytesIO(data), filename=filename, content_type=content_type))
        return str(uploaded.urls["get"])

    def _download(self, client: Any, output: Any, sink: IO[bytes], *, limit: int,
                  what: str) -> None:
        """Stream the first URL in a prediction's ``output`` into ``sink``.

        Through the client's own HTTP layer (its timeouts, and in-place retries of
        429/503/504), at most ``limit`` bytes and ``_DOWNLOAD_DEADLINE_S`` seconds, and
        only from Replicate's hosts: the client sends the token with every request.
        """
        url = _first_url(output)
        if url is None:
            raise ProviderError(
                f"Replicate model {self.model} returned no file for {what} (output: "
                f"{str(output)[:200]}); regenerate to try again."
            )
        if url.startswith("data:"):
            data = _decode_data_uri(url)
            if len(data) > limit:
                raise ProviderError(f"{what} is larger than {limit // 2**20} MB; not accepted.")
            sink.write(data)
            return
        if not self._trusted(url):
            raise ProviderError(
                f"Replicate model {self.model} pointed {what} at {urlsplit(url).hostname!r}, "
                "which is not a Replicate host; not downloading it (the request would carry "
                "the API token)."
            )
        from replicate.helpers import FileOutput

        started = time.monotonic()

        def fetch() -> None:
            size = 0
            for chunk in FileOutput(url, client):
                size += len(chunk)
                if size > limit:
                    raise ProviderError(
                        f"{what} from {self.model} is larger than {limit // 2**20} MB; "
                        "not accepted."
                    )
                if time.monotonic() - started > _DOWNLOAD_DEADLINE_S:
                    raise ProviderError(
                        f"downloading {what} took longer than {_DOWNLOAD_DEADLINE_S:.0f} s.",
                        transient=True,
                    )
                sink.write(chunk)

        self._call(f"download {what}", fetch)

    def _trusted(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host and host == urlsplit(self._base_url or _API_URL).hostname:
            return True
        return parts.scheme == "https" and any(
            host == domain or host.endswith("." + domain)
            for domain in ("replicate.delivery", "replicate.com")
        )

    def _fetch_image(self, client: Any, output: Any, what: str) -> Any:
        buffer = io.BytesIO()
        self._download(client, output, buffer, limit=_MAX_IMAGE_BYTES, what=what)
        return decode_output(buffer.getvalue(), f"Replicate model {self.model}")

    # ------------------------------------------------------------------ cost

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        """What ``operation`` would cost with this model; unknown models are priced high."""
        key = self.model.split(":", 1)[0]
        if self.capability == "text":
            prompt_tokens = len(json.dumps(params, default=str)) / 4 + 1200
            output_tokens = _STORY_OUTPUT_TOKENS if operation == "write_story" else 250
            price_in, price_out = _TEXT_PRICES.get(key, _UNKNOWN_TEXT)
            usd = (prompt_tokens * price_in + output_tokens * price_out) / 1e6
            return Cost(units=round(prompt_tokens + output_tokens), unit="tokens",
                        usd=round(usd, 6))
        if operation == "speak":
            chars = len(str(params.get("text", "")))
            per_k = _SPEECH_PRICES.get(key, _UNKNOWN_SPEECH)
            return Cost(units=chars, unit="characters", usd=round(chars * per_k / 1000, 6))
        if operation == "render":
            scenes = (params.get("story") or {}).get("scenes") or []
            family = families.family_of(key)
            if family is not None:
                # Billed for the clip length asked for, not the scene's.
                clips = sum(families.clip_seconds(family, float(s.get("duration_s", 0)))
                            for s in scenes)
                return Cost(units=clips, unit="seconds", usd=round(clips * family.usd_per_s, 6))
            per_second, clip_s = _VIDEO_PRICES.get(key, _UNKNOWN_VIDEO)
            seconds = sum(
                clip_s if clip_s is not None else max(_MIN_CLIP_S, float(s.get("duration_s", 0)))
                for s in scenes
            )
            return Cost(units=round(seconds, 3), unit="seconds", usd=round(seconds * per_second, 6))
        return Cost(units=1, unit="images", usd=_IMAGE_PRICES.get(key, _UNKNOWN_IMAGE))

    # ------------------------------------------------------------------ text

    def write_story(
        self, brief: Brief, previous: Story | None, feedback: list[Feedback], seed: int
    ) -> Story:
        """Ask the text model for a story as JSON, validate it, and fix its timings.

        Language models on Replicate take no ``response_format``: the schema goes in the
        prompt, and :func:`~.structured.ask_json` strips fences and repairs once."""
        system, user = story_messages(brief, previous, feedback, seed)
        return ask_json(self._send(_STORY_OUTPUT_TOKENS + 500), system, user, name="story",
                        schema=story_schema(strict=False), strict=False, mode="prompt",
                        read=lambda data: read_story(data, brief),
                        who=f"Replicate model {self.model}")

    def interpret(
        self, stage: StageName, text: str, item: int | None, story: Story | None
    ) -> FeedbackPlan:
        """Ask the text model what a chat message means for ``stage``."""
        system, user = plan_messages(stage, text, item, story)
        return ask_json(self._send(300), system, user, name="reply", schema=PLAN_SCHEMA,
                        strict=False, mode="prompt", read=lambda data: read_plan(data, stage, text),
                        who=f"Replicate model {self.model}")

    def _send(self, max_tokens: int) -> Callable[[list[dict[str, str]], Any], str]:
        def send(messages: list[dict[str, str]], _format: Any) -> str:
            system = messages[0]["content"]
            rest = "\n\n".join(f"{m['role']}: {m['content']}" if i else m["content"]
                                for i, m in enumerate(messages[1:]))
            return self._complete(system, rest, max_tokens=max_tokens)

        return send

    def complete(self, system: str, user: str, *, seed: int, max_tokens: int = 600) -> str:
        """One answer to ``system`` + ``user`` (the prompt tools' critic and rewriter).

        The seed is not sent (language models on Replicate do not all take one); the
        gateway's cache is what makes a repeated run give the same answer.
        """
        return self._complete(system, user, max_tokens=max_tokens)

    def _complete(self, system: str, prompt: str, *, max_tokens: int) -> str:
        client = self.client()
        (output,) = self._run(client, [{
            "prompt": prompt, "system_prompt": system, "max_tokens": max_tokens,
            "temperature": 0.6,
        }])
        # Language models on Replicate stream tokens: the output is a list of strings.
        if isinstance(output, list):
            return "".join(str(part) for part in output)
        return str(output or "")

    # ------------------------------------------------------------------ images

    def generate(self, request: ImageRequest, references: list[bytes]) -> bytes:
        """Draw ``request`` and return a PNG of exactly its size (cover-fitted).

        ``references`` (the approved sheets) go to models that take input images (FLUX.2
        ``input_images``, Kontext ``input_image``); for one that does not, the ledger
        says so, since shots will drift.
        """
        from ..media.images import encode_png, fit_to

        client = self.client()
        model_input = self._image_input(request)
        if references:
            slot = families.REFERENCE_FIELDS.get(self.model.split(":", 1)[0].lower())
            if slot is None:
                report_note(f"{self.model} takes no image input: drawn from the prompt alone, "
                            "not from the approved reference sheets")
            else:
                name, most = slot
                files = [self._file_input(client, data, f"reference-{i}.png", "image/png")
                         for i, data in enumerate(references[:most])]
                model_input[name] = files if most > 1 else files[0]
                model_input["prompt"] = image_prompt(request, with_references=True)
        (output,) = self._run(client, [model_input])
        picture = self._fetch_image(client, output, "the image")
        return encode_png(fit_to(picture, request.width, request.height))

    def _image_input(self, request: ImageRequest) -> dict[str, Any]:
        prompt = image_prompt(request)
        family = _family(self.model)
        if family == "flux":
            return {"prompt": prompt, "aspect_ratio": _aspect_ratio(request.width, request.height),
                    "output_format": "png", "seed": request.seed}
        width, height = _model_size(request.width, request.height)
        return {"prompt": prompt, "negative_prompt": "watermark, blurry, distorted",
                "width": width, "height": height, "seed": request.seed, "num_outputs": 1}

    def inpaint(self, image: bytes, mask: bytes, prompt: str, seed: int) -> bytes:
        """Repaint the mask's white pixels of ``image``; a PNG of ``image``'s size in which
        nothing outside the mask changed."""
        from ..media.images import decode_image, encode_png
        from ..media.masks import mask_from_png, mask_to_png, resize_mask

        source = decode_image(image)
        painted = mask_from_png(mask)
        width, height = _model_size(source.width, source.height)
        # Image and mask go at the same, model-friendly size; the answer is fitted back.
        small = source if source.size == (width, height) else source.resize((width, height))
        model_mask = resize_mask(resize_mask(painted, source.width, source.height), width, height)
        client = self.client()
        model_input: dict[str, Any] = {
            "prompt": prompt,
            "image": self._file_input(client, encode_png(small), "image.png", "image/png"),
            "mask": self._file_input(client, mask_to_png(model_mask), "mask.png", "image/png"),
            "seed": seed,
        }
        if _family(self.model) == "flux-fill":
            model_input["output_format"] = "png"
        else:
            model_input["num_outputs"] = 1
        (output,) = self._run(client, [model_input])
        buffer = io.BytesIO()
        self._download(client, output, buffer, limit=_MAX_IMAGE_BYTES, what="the edited image")
        return keep_unmasked(image, buffer.getvalue(), mask)

    # ------------------------------------------------------------------ voice

    def pick_voice(self, wish: str) -> tuple[str, str | None]:
        """A MiniMax voice id for ``wish``: "female", "male", "default" or an id itself."""
        name = wish.strip()
        if name.lower() in _MINIMAX_VOICES:
            return _MINIMAX_VOICES[name.lower()], None
        return name, None  # a voice id (MiniMax has many, and clones): passed through

    def speak(self, request: SpeechRequest) -> Speech:
        """Say one line with a speech model; MiniMax's sentence timestamps (``subtitle_enable``)
        mark where speech starts and ends when the model returns them."""
        client = self.client()
        (output,) = self._run(client, [{
            "text": request.text, "voice_id": request.voice, "speed": request.speed,
            "emotion": "auto", "audio_format": "mp3", "sample_rate": 32000,
            "subtitle_enable": True,
        }])
        buffer = io.BytesIO()
        audio = output.get("audio") if isinstance(output, dict) else output
        self._download(client, audio, buffer, limit=_MAX_AUDIO_BYTES, what="the spoken line")
        start, end = _speech_span(output)
        return Speech(audio=buffer.getvalue(), format="mp3", start_s=start, end_s=end)

    # ------------------------------------------------------------------ video

    def render(
        self, request: VideoRequest, frames: list[bytes], workdir: Path, progress: Progress
    ) -> RenderedVideo:
        """Animate each storyboard frame into a clip on Replicate, then join the clips
        with ffmpeg into one H.264 MP4 with the scenes' timing.

        Each clip is trimmed, or looped, to its scene's duration on the ``request.fps``
        frame grid, so the video lasts the story's duration to the frame. Cuts are hard
        (``transition_s`` is not used): a crossfade would show a clip's loop point. Also
        writes ``ad.srt`` (the voiceover) and ``poster.png``.
        """
        from ..media.video import check_video_params, plan_shots, poster_frame, srt_text

        story = request.story
        if len(frames) != len(story.scenes):
            raise InvalidInput(
                f"{len(frames)} storyboard frames for {len(story.scenes)} scenes: pass one "
                "frame per scene."
            )
        check_video_params(request.width, request.height, request.fps)
        plans = plan_shots(story, request.fps, 0.0)
        workdir.mkdir(parents=True, exist_ok=True)
        count = len(plans)
        steps = count * 2 + 1
        client = self.client()
        progress(0, steps, f"Animating {count} scenes on Replicate ...")
        aspect = families.nearest_aspect(f"{request.width}:{request.height}",
                                         ["16:9", "9:16", "1:1"])
        inputs = [
            self._video_input(client, scene, frame, request.seed + i, aspect)
            for i, (scene, frame) in enumerate(zip(story.scenes, frames, strict=True))
        ]
        outputs = self._run(client, inputs, on_done=lambda done: progress(
            done, steps, f"Animated {done} of {count} scenes"))
        clips = []
        for i, output in enumerate(outputs):
            progress(count + i, steps, f"Downloading clip {i + 1} of {count} ...")
            clip = workdir / f"clip-{i + 1:02d}.mp4"
            with clip.open("wb") as sink:
                self._download(client, output, sink, limit=_MAX_CLIP_BYTES,
                               what=f"scene {i + 1}'s clip")
            clips.append(clip)
        progress(2 * count, steps, "Joining the clips ...")
        video, poster, subtitles = workdir / "ad.mp4", workdir / "poster.png", workdir / "ad.srt"
        frame_count = plans[-1].end
        _join(clips, [p.end - p.start for p in plans], video, request, frame_count)
        _grab(video, poster_frame(plans, request.fps) / request.fps, poster)
        subtitles.write_text(srt_text(plans, request.fps), encoding="utf-8")
        for clip in clips:
            clip.unlink(missing_ok=True)
        progress(steps, steps, "Video ready")
        return RenderedVideo(
            video=video, poster=poster, subtitles=subtitles, width=request.width,
            height=request.height, fps=request.fps, duration_s=frame_count / request.fps,
            frame_count=frame_count,
        )

    def _video_input(self, client: Any, scene: Scene, frame: bytes, seed: int,
                     aspect: str) -> dict[str, Any]:
        image = self._file_input(client, frame, f"scene-{scene.index}.png", "image/png")
        if _family(self.model) == "svd":
            return {"input_image": image, "video_length": "25_frames_with_svd_xt",
                    "sizing_strategy": "maintain_aspect_ratio", "frames_per_second": 6,
                    "motion_bucket_id": 127, "cond_aug": 0.02, "decoding_t": 14, "seed": seed}
        prompt = f"{scene.visual_prompt}; {scene.action}; camera: {scene.camera}"
        family = families.family_of(self.model)
        if family is None:
            return {"prompt": prompt, "image": image, "seed": seed}
        model_input: dict[str, Any] = {"prompt": prompt, family.image_field: image, "seed": seed,
                                       "duration": families.clip_seconds(family, scene.duration_s),
                                       **family.extra}
        if family.aspect_field:
            model_input["aspect_ratio"] = aspect
        if family.audio_off:
            model_input["generate_audio"] = False
        return families.fit_to_schema(self.model, model_input, self._openapi(client),
                                      must_keep=(family.image_field,))

    def _openapi(self, client: Any) -> dict[str, Any]:
        """The model version's OpenAPI schema, read once per provider (a GET, no cost)."""
        if self.model not in self._schemas:
            owner_name, _, version = self.model.partition(":")
            if version:
                found = self._call("read the model's input schema",
                                   lambda: client.models.get(owner_name).versions.get(version))
            else:
                found = self._call("read the model's input schema",
                                   lambda: client.models.get(owner_name).latest_version)
            self._schemas[self.model] = dict(getattr(found, "openapi_schema", None) or {})
        return self._schemas[self.model]


# ---------------------------------------------------------------------- helpers


def _family(model: str) -> str:
    """Which input shape ``model`` takes: flux, flux-fill, svd, or generic (SDXL-like)."""
    name = model.split(":", 1)[0].lower()
    if name.startswith("black-forest-labs/flux-fill"):
        return "flux-fill"
    if name.startswith("black-forest-labs/flux"):
        return "flux"
    if name == "stability-ai/stable-video-diffusion":
        return "svd"
    return "generic"


_FLUX_RATIOS = ("1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21")


def _aspect_ratio(width: int, height: int) -> str:
    """The FLUX aspect ratio closest to ``width``:``height`` (the picture is then cropped)."""
    target = width / height

    def distance(ratio: str) -> float:
        w, h = ratio.split(":")
        return abs(int(w) / int(h) - target)

    return min(_FLUX_RATIOS, key=distance)


def _model_size(width: int, height: int) -> tuple[int, int]:
    """``width`` x ``height`` scaled to at most ``_SDXL_SIDE`` on the long side, in
    multiples of 8 (what SDXL's latent grid needs)."""
    scale = min(1.0, _SDXL_SIDE / max(width, height))
    return max(64, round(width * scale / 8) * 8), max(64, round(height * scale / 8) * 8)


def _first_url(output: Any) -> str | None:
    """The first URL (or data URI) in a prediction's output: a string, list or dict."""
    if isinstance(output, str):
        return output if re.match(r"^(https?:|data:)", output) else None
    if isinstance(output, list | tuple):
        for item in output:
            if (url := _first_url(item)) is not None:
                return url
    if isinstance(output, dict):
        for item in output.values():
            if (url := _first_url(item)) is not None:
                return url
    return None


def _speech_span(output: Any) -> tuple[float | None, float | None]:
    """Start and end of speech (seconds) from MiniMax's subtitle entries, if present:
    a list of ``{"time_begin": ms, "time_end": ms, "text": ...}`` under ``subtitle``."""
    entries = output.get("subtitle") if isinstance(output, dict) else None
    if not isinstance(entries, list) or not entries:
        return None, None
    try:
        begin = min(float(e["time_begin"]) for e in entries) / 1000
        end = max(float(e["time_end"]) for e in entries) / 1000
    except (KeyError, TypeError, ValueError):
        return None, None
    return (begin, end) if end > begin else (None, None)


def _decode_data_uri(uri: str) -> bytes:
    header, _, payload = uri.partition(",")
    try:
        return base64.b64decode(payload, validate=True) if header.endswith(";base64") else (
            payload.encode())
    except (binascii.Error, ValueError):
        raise ProviderError("Replicate returned a data URI that does not decode.") from None


def _ffmpeg(command: list[str], what: str) -> None:
    run_ffmpeg(command, what, timeout_s=_ENCODE_TIMEOUT_S)


def _join(clips: list[Path], lengths: list[int], output: Path, request: VideoRequest,
          frame_count: int) -> None:
    """Join ``clips`` into ``output``: each fitted to the frame size, resampled to
    ``request.fps`` and trimmed -- or looped, via ``-stream_loop`` -- to exactly its
    scene's ``lengths[i]`` frames; plus a silent AAC track as the offline video has."""
    from ..media.video import AUDIO_RATE, X264_PRESETS, ffmpeg_exe

    if request.preset not in X264_PRESETS:
        raise InvalidInput(f"unknown x264 preset {request.preset!r}: use one of "
                           f"{', '.join(X264_PRESETS)}.")
    w, h, fps = request.width, request.height, request.fps
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    for clip in clips:
        command += ["-stream_loop", "-1", "-i", str(clip)]
    # Whole AAC frames that end no later than the video (see media.video.encode_command).
    audio_s = (frame_count * AUDIO_RATE // fps) // 1024 * 1024 / AUDIO_RATE
    command += ["-f", "lavfi", "-t", f"{audio_s:.6f}",
                "-i", f"anullsrc=channel_layout=stereo:sample_rate={AUDIO_RATE}"]
    chains = [
        f"[{i}:v:0]setpts=PTS-STARTPTS,fps={fps},"
        f"scale={w}:{h}:force_original_aspect_ratio=increase:out_color_matrix=bt709"
        f":out_range=tv,crop={w}:{h},setsar=1,format=yuv420p,"
        f"trim=end_frame={n},setpts=PTS-STARTPTS[v{i}]"
        for i, n in enumerate(lengths)
    ]
    chains.append("".join(f"[v{i}]" for i in range(len(clips)))
                  + f"concat=n={len(clips)}:v=1:a=0[v]")
    partial = output.with_name(f".{output.name}.part")
    command += [
        "-filter_complex", ";".join(chains), "-map", "[v]", "-map", f"{len(clips)}:a:0",
        "-frames:v", str(frame_count), "-c:v", "libx264", "-preset", request.preset,
        "-crf", str(request.crf), "-pix_fmt", "yuv420p", "-colorspace", "bt709",
        "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
        "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-f", "mp4", str(partial),
    ]
    try:
        _ffmpeg(command, "join the clips")
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def _grab(video: Path, at_s: float, poster: Path) -> None:
    """Save the frame of ``video`` at ``at_s`` seconds as a PNG."""
    from ..media.video import ffmpeg_exe

    _ffmpeg([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
             "-ss", f"{at_s:.3f}", "-i", str(video), "-frames:v", "1", "-f", "image2",
             "-c:v", "png", str(poster)], "grab the poster frame")
