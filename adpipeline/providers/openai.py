"""OpenAI, or any OpenAI-compatible endpoint (Ollama, vLLM, LM Studio, llama.cpp).

Each capability has its own model and address: ``providers={"text": {"provider":
"openai", "model": "llama3.1", "base_url": "http://127.0.0.1:11434/v1"}}`` or
``ADPIPELINE_TEXT_MODEL`` / ``ADPIPELINE_TEXT_BASE_URL``; ``OPENAI_BASE_URL`` is the
fallback for all. Models, prices and shutdowns: :mod:`.openai_catalog`.

The key is read from ``OPENAI_API_KEY`` when the client is first needed and lives only
in the client object; it never reaches a session, a cache key, a ledger or a log.
The client's own retries are off and its timeout is the gateway's deadline for the
call: the gateway retries, so there is one policy.
"""

from __future__ import annotations

import base64
import io
import json
import os
from datetime import date
from typing import Any

from ..errors import InvalidInput, ProviderError
from ..models import Brief, Feedback, StageName, Story
from . import openai_catalog as catalog
from .base import Cost, FeedbackPlan, ImageRequest, Speech, SpeechRequest
from .gateway import remaining, report_cost
from .shared.pictures import fit_png, keep_unmasked
from .shared.prompts import (
    image_prompt,
    plan_messages,
    plan_schema,
    read_plan,
    read_story,
    story_messages,
    story_schema,
)
from .shared.structured import ask_json

__all__ = ["OpenAIImageProvider", "OpenAITextProvider", "OpenAIVoiceProvider"]

_STORY_OUTPUT_TOKENS = 1800
#: Content-policy refusals: not the network's fault, so never retried.
_REFUSALS = ("moderation_blocked", "content_policy_violation")


def _price(table: dict[str, Any], model: str, base_url: str | None) -> Any:
    """A listed model costs what OpenAI charges, wherever it is served. An unlisted model
    on a custom endpoint (Ollama, vLLM) is free; on OpenAI's own, it is priced as the
    dearest listed, so a budget errs on the side of stopping."""
    if model in table:
        return table[model]
    if base_url:
        return None
    return max(table.values())


class _OpenAIBase:
    name = "openai"
    default_model = ""
    #: Seconds one call may take (the gateway's deadline; also the HTTP timeout).
    deadline_s = 300.0

    def __init__(self, model: str | None = None, base_url: str | None = None) -> None:
        self.model = model or self.default_model
        self._base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        self._client: Any = None

    def __repr__(self) -> str:  # never show the client: it holds the key
        return f"{type(self).__name__}(model={self.model!r})"

    @property
    def base_url(self) -> str | None:
        return self._base_url

    def client(self) -> Any:
        if self._client is None:
            try:
                import openai
            except ImportError:
                raise InvalidInput(
                    "the openai provider needs the openai package: pip install 'adpipeline[openai]'."
                ) from None
            if not self._base_url and (why := catalog.refusal(self.model)):
                # Refused before any request: the call would fail anyway, after a round trip.
                raise InvalidInput(why)
            key = os.environ.get("OPENAI_API_KEY")
            if not key and not self._base_url:
                raise InvalidInput(
                    "the openai provider needs OPENAI_API_KEY (or a base_url such as "
                    "ADPIPELINE_TEXT_BASE_URL=http://127.0.0.1:11434/v1 for a local "
                    "OpenAI-compatible server); set it, or use the offline provider."
                )
            self._client = openai.OpenAI(
                api_key=key or "not-needed", base_url=self._base_url, max_retries=0,
                timeout=self.deadline_s,
            )
        return self._client

    def _api(self) -> Any:
        """The client with this call's remaining deadline as its timeout."""
        return self.client().with_options(timeout=remaining(self.deadline_s))

    def _call(self, what: str, fn: Any) -> Any:
        import openai

        try:
            return fn()
        except openai.APITimeoutError:
            raise ProviderError(f"OpenAI did not answer the {what} request in time; try "
                                "again.", transient=True) from None
        except openai.APIConnectionError as exc:
            raise ProviderError(f"OpenAI {what} failed for now: {type(exc).__name__}",
                                transient=True) from None
        except (openai.RateLimitError, openai.InternalServerError) as exc:
            raise ProviderError(
                f"OpenAI {what} failed for now (HTTP {exc.status_code}): {_message(exc)}",
                transient=True, status=exc.status_code, retry_after=_retry_after(exc),
            ) from None
        except openai.AuthenticationError:
            raise ProviderError(
                "OpenAI rejected the API key (401): check OPENAI_API_KEY.", status=401
            ) from None
        except openai.APIStatusError as exc:
            if exc.status_code >= 500:
                raise ProviderError(f"OpenAI {what} failed for now (HTTP {exc.status_code})",
                                    transient=True, status=exc.status_code) from None
            if _code(exc) in _REFUSALS:
                raise ProviderError(
                    f"OpenAI refused the {what} under its content policy: {_message(exc)} "
                    "Change the prompt (feedback, or edit the scene) and regenerate.",
                    status=exc.status_code,
                ) from None
            raise ProviderError(
                f"OpenAI {what} failed with HTTP {exc.status_code}: {_message(exc)}",
                status=exc.status_code,
            ) from None


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and "message" in error:
            return str(error["message"])[:300]
    return str(exc)[:300]


def _code(exc: Any) -> str | None:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return str(error.get("code") or error.get("type") or "") or None
    return None


def _retry_after(exc: Any) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return min(float(value), 120.0) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare for APIs; the backoff applies


class OpenAITextProvider(_OpenAIBase):
    default_model = catalog.DEFAULT_TEXT_MODEL

    def __init__(self, model: str | None = None, base_url: str | None = None) -> None:
        # ADPIPELINE_OPENAI_MODEL (the old, shared setting) now names the text model only.
        super().__init__(model or os.environ.get("ADPIPELINE_OPENAI_MODEL"), base_url)

    @property
    def strict(self) -> bool:
        """OpenAI's own endpoint enforces strict schemas; local servers are given bounds
        (max lengths) instead, which their grammar-constrained decoding honours."""
        return self._base_url is None or "api.openai.com" in self._base_url

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        prompt_tokens = len(json.dumps(params, default=str)) / 4 + 400
        output_tokens = _STORY_OUTPUT_TOKENS if operation == "write_story" else 250
        price_in, price_out = _price(catalog.TEXT_PRICES, self.model, self._base_url) or (0.0, 0.0)
        usd = (prompt_tokens * price_in + output_tokens * price_out) / 1e6
        return Cost(units=round(prompt_tokens + output_tokens), unit="tokens", usd=round(usd, 6))

    def _send(self, what: str, *, seed: int | None, max_tokens: int) -> Any:
        def send(messages: list[dict[str, str]], response_format: dict[str, Any] | None) -> str:
            extra: dict[str, Any] = {}
            if response_format is not None:
                extra["response_format"] = response_format
            if seed is not None:
                extra["seed"] = seed
            # OpenAI's newer models take only max_completion_tokens; local servers (Ollama,
            # LM Studio, llama.cpp) all know max_tokens.
            extra["max_completion_tokens" if self.strict else "max_tokens"] = max_tokens
            response = self._call(what, lambda: self._api().chat.completions.create(
                model=self.model, messages=messages, **extra))
            cost = catalog.text_usage_cost(self.model, getattr(response, "usage", None))
            if cost is not None:
                report_cost(cost)
            choice = response.choices[0]
            refusal = getattr(choice.message, "refusal", None)
            if refusal:
                raise ProviderError(f"OpenAI refused the {what}: {refusal}")
            return str(choice.message.content or "")

        return send

    def write_story(
        self, brief: Brief, previous: Story | None, feedback: list[Feedback], seed: int
    ) -> Story:
        system, user = story_messages(brief, previous, feedback, seed)
        return ask_json(
            self._send("story", seed=seed, max_tokens=_STORY_OUTPUT_TOKENS * 2), system, user,
            name="story", schema=story_schema(self.strict, brief.duration_s), strict=self.strict,
            read=lambda data: read_story(data, brief), who=f"OpenAI model {self.model}",
        )

    def interpret(
        self, stage: StageName, text: str, item: int | None, story: Story | None
    ) -> FeedbackPlan:
        system, user = plan_messages(stage, text, item, story)
        return ask_json(
            self._send("chat", seed=None, max_tokens=400), system, user, name="reply",
            schema=plan_schema(self.strict), strict=self.strict,
            read=lambda data: read_plan(data, stage, text), who=f"OpenAI model {self.model}",
        )

    def complete(self, system: str, user: str, *, seed: int, max_tokens: int = 600) -> str:
        """One JSON answer to ``system`` + ``user`` (the prompt tools' critic and rewriter).

        Asked as ``json_object``; a server that refuses that (LM Studio: HTTP 400) is
        asked again without it, since the prompt already says JSON."""
        send = self._send("completion", seed=seed, max_tokens=max_tokens)
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        try:
            return str(send(messages, {"type": "json_object"}))
        except ProviderError as exc:
            if exc.status != 400:
                raise
            return str(send(messages, None))


class OpenAIImageProvider(_OpenAIBase):
    """``images.generate`` and ``images.edit``: a storyboard frame is an edit of the
    approved reference sheets (several input images), so product and cast stay the same
    from shot to shot; inpainting is an edit with a mask."""

    draws_headline = False  # generated pictures carry no ad text; the video adds it
    takes_references = True
    default_model = catalog.DEFAULT_IMAGE_MODEL
    #: OpenAI takes up to 16 input images per edit.
    MAX_REFERENCES = 16

    def __init__(self, model: str | None = None, base_url: str | None = None,
                 capability: str = "image", quality: str | None = None) -> None:
        super().__init__(model, base_url)
        self.capability = capability
        self.quality = quality or os.environ.get("ADPIPELINE_IMAGE_QUALITY") or catalog.DEFAULT_QUALITY

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        width, height = _request_size(self.model, int(params.get("width", 1024)),
                                      int(params.get("height", 1024)))
        usd = catalog.image_price(self.model, self.quality, width, height)
        if usd is None:
            # Unlisted: free on a custom endpoint, the dearest listed on OpenAI's own.
            usd = 0.0 if self._base_url else max(
                catalog.image_price(m, "high", width, height) or 0 for m in catalog.IMAGE_PRICES)
        return Cost(units=1, unit="images", usd=round(usd, 6))

    def generate(self, request: ImageRequest, references: list[bytes]) -> bytes:
        size = _size_text(*_request_size(self.model, request.width, request.height))
        refs = references[: self.MAX_REFERENCES]
        prompt = image_prompt(request, with_references=bool(refs))
        if refs:
            files = [(f"reference-{i}.png", data, "image/png") for i, data in enumerate(refs)]
            response = self._call("image", lambda: self._api().images.edit(
                model=self.model, image=files, prompt=prompt, size=size, quality=self.quality,
                n=1,
            ))
        else:
            response = self._call("image", lambda: self._api().images.generate(
                model=self.model, prompt=prompt, size=size, quality=self.quality, n=1,
            ))
        self._report_usage(response)
        return fit_png(_image_bytes(response), request.width, request.height)

    def _report_usage(self, response: Any) -> None:
        cost = catalog.image_usage_cost(self.model, getattr(response, "usage", None))
        if cost is not None:
            report_cost(cost)

    def inpaint(self, image: bytes, mask: bytes, prompt: str, seed: int) -> bytes:
        """Repaint the mask's white pixels. OpenAI edits where the mask is transparent
        (alpha 0) and wants image and mask the same size, which is also the size asked
        for, so the answer lines up with the mask pixel for pixel."""
        from PIL import Image

        from ..media.images import encode_png

        source = Image.open(io.BytesIO(image)).convert("RGBA")
        width, height = _request_size(self.model, source.width, source.height)
        sent = source if source.size == (width, height) else source.resize(
            (width, height), Image.Resampling.LANCZOS)
        alpha = Image.open(io.BytesIO(mask)).convert("L").point(lambda v: 0 if v > 127 else 255)
        if alpha.size != sent.size:
            alpha = alpha.resize(sent.size, Image.Resampling.NEAREST)
        cutout = sent.copy()
        cutout.putalpha(alpha)
        buffer = io.BytesIO()
        cutout.save(buffer, "PNG")
        response = self._call("image edit", lambda: self._api().images.edit(
            model=self.model, image=("image.png", image if sent is source else
                                     encode_png(sent.convert("RGB")), "image/png"),
            mask=("mask.png", buffer.getvalue(), "image/png"), prompt=prompt,
            size=_size_text(width, height), quality=self.quality, n=1,
        ))
        self._report_usage(response)
        return keep_unmasked(image, _image_bytes(response), mask)


def _request_size(model: str, width: int, height: int) -> tuple[int, int]:
    """The size to ask for: the frame's own (in multiples of 16, ratio within 1:3..3:1)
    for gpt-image-2.x, so nothing is cropped; else the nearest standard size."""
    if catalog.takes_any_size(model):
        ratio = max(1 / 3, min(3.0, width / height))
        scale = min(1.0, 3840 / max(width, height))
        w = max(256, round(width * scale / 16) * 16)
        h = max(256, round(w / ratio / 16) * 16)
        return w, h
    if width > height:
        return 1536, 1024
    if height > width:
        return 1024, 1536
    return 1024, 1024


def _size_text(width: int, height: int) -> str:
    return f"{width}x{height}"


def _image_bytes(response: Any) -> bytes:
    data = getattr(response, "data", None) or []
    if data and getattr(data[0], "b64_json", None):
        try:
            return base64.b64decode(data[0].b64_json, validate=True)
        except ValueError:
            raise ProviderError("OpenAI returned image data that does not decode; "
                                "regenerate to try again.") from None
    raise ProviderError("OpenAI returned no image data; regenerate to try again.")


# ---------------------------------------------------------------------- voice

#: USD per million input characters (tts-1, tts-1-hd: OpenAI's price list), and for
#: gpt-4o-mini-tts the listed ~$0.015 a minute over ~15 characters a second. Dated 2026-10.
_SPEECH_PRICES = {"tts-1": 15.0, "tts-1-hd": 30.0, "gpt-4o-mini-tts": 17.0}
_VOICES = ("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer",
           "verse", "marin", "cedar")
_VOICE_FOR = {"default": "coral", "female": "nova", "male": "onyx"}
#: Warn this many days before the installed client's announced shutdown of a TTS model.
SHUTDOWN_WARNING_DAYS = 120


def tts_shutdown(model: str) -> date | None:
    """The shutdown date the installed ``openai`` client announces for a TTS model.

    The client lists deprecated speech models with "Announced shutdown date: YYYY-MM-DD"
    in ``openai/types/audio/speech_model.py``; reading it there means a newer client
    with a new date is believed without a release of ours.
    """
    try:
        from openai.types.audio import speech_model
    except ImportError:
        return None
    import inspect
    import re

    try:
        source = inspect.getsource(speech_model)
    except (OSError, TypeError):
        return None
    for names, when in re.findall(r"-\s*((?:\"[^\"]+\",?\s*)+):\s*Announced shutdown date:\s*"
                                  r"(\d{4}-\d{2}-\d{2})", source):
        if f'"{model}"' in names:
            return date.fromisoformat(when)
    return None


def shutdown_note(model: str, today: date | None = None) -> str | None:
    """A sentence to show when ``model``'s shutdown is near or past, else None."""
    when = tts_shutdown(model)
    if when is None:
        return None
    left = (when - (today or date.today())).days
    if left > SHUTDOWN_WARNING_DAYS:
        return None
    if left < 0:
        return (f"OpenAI's {model} was shut down on {when:%B %d, %Y}: choose another voice "
                "model (ADPIPELINE_VOICE_MODEL or providers={'voice': 'openai:MODEL'}).")
    return (f"OpenAI's {model} shuts down on {when:%B %d, %Y} ({left} days): plan to move to "
            "its replacement (see OpenAI's deprecations page).")


class OpenAIVoiceProvider(_OpenAIBase):
    """``audio.speech``: the voiceover with a voice and a speaking-style instruction."""

    default_model = "gpt-4o-mini-tts"

    def __init__(self, model: str | None = None, base_url: str | None = None) -> None:
        # "openai:nova" picks a voice; "openai:tts-1-hd" a model; "openai:tts-1-hd:nova" both.
        voice = None
        if model and model.split(":")[-1] in _VOICES:
            *rest, voice = model.split(":")
            model = ":".join(rest) or None
        super().__init__(model or os.environ.get("ADPIPELINE_VOICE_MODEL") or self.default_model,
                         base_url)
        self.voice = voice or _VOICE_FOR["default"]
        self._warned = False

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        chars = len(str(params.get("text", "")))
        per_million = _price(_SPEECH_PRICES, self.model, self._base_url) or 0.0
        return Cost(units=chars, unit="characters", usd=round(chars * per_million / 1e6, 6))

    def pick_voice(self, wish: str) -> tuple[str, str | None]:
        name = wish.strip().lower()
        voice = name if name in _VOICES else _VOICE_FOR.get(name, self.voice)
        if name == "default":
            voice = self.voice
        note = None if name in _VOICES or name in _VOICE_FOR else (
            f"OpenAI has no voice {wish!r}; using {voice}. Voices: {', '.join(_VOICES)}.")
        return voice, note or shutdown_note(self.model)

    def speak(self, request: SpeechRequest) -> Speech:
        extra: dict[str, Any] = {}
        if request.style and not self.model.startswith("tts-1"):
            extra["instructions"] = f"Read this as a video-ad voiceover: {request.style}."
        response = self._call("speech", lambda: self._api().audio.speech.create(
            model=self.model, voice=request.voice, input=request.text, response_format="wav",
            speed=request.speed, **extra,
        ))
        data = response.read() if hasattr(response, "read") else bytes(response.content)
        if not data:
            raise ProviderError("OpenAI returned no audio; regenerate to try again.")
        return Speech(audio=data, format="wav")
