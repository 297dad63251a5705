"""OpenAI, or any OpenAI-compatible endpoint (Ollama, vLLM, LM Studio) via ``OPENAI_BASE_URL``.

The key is read from ``OPENAI_API_KEY`` when the client is first needed and lives only
in the client object; it never reaches a session, a cache key, a ledger or a log.
The client's own retries are off: the gateway retries, so there is one policy.
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
from .base import Cost, FeedbackPlan, ImageRequest, Speech, SpeechRequest
from .offline.sound_feedback import sound_changes
from .offline.story import split_duration

# USD per million input / output tokens, and per image.
_TEXT_PRICES = {"gpt-4o-mini": (0.15, 0.60), "gpt-4.1-mini": (0.40, 1.60), "gpt-4o": (2.50, 10.0),
                "gpt-4.1": (2.00, 8.00)}
_IMAGE_PRICES = {"gpt-image-1": 0.042, "dall-e-3": 0.040, "dall-e-2": 0.020}
_STORY_OUTPUT_TOKENS = 1800


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

    def __init__(self, model: str | None = None) -> None:
        self.model = model or os.environ.get("ADPIPELINE_OPENAI_MODEL") or self.default_model
        self._base_url = os.environ.get("OPENAI_BASE_URL") or None
        self._client: Any = None

    def __repr__(self) -> str:  # never show the client: it holds the key
        return f"{type(self).__name__}(model={self.model!r})"

    def client(self) -> Any:
        if self._client is None:
            try:
                import openai
            except ImportError:
                raise InvalidInput(
                    "the openai provider needs the openai package: pip install 'adpipeline[openai]'."
                ) from None
            key = os.environ.get("OPENAI_API_KEY")
            if not key and not self._base_url:
                raise InvalidInput(
                    "the openai provider needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local "
                    "OpenAI-compatible server such as Ollama); set it, or use the offline provider."
                )
            self._client = openai.OpenAI(
                api_key=key or "not-needed", base_url=self._base_url, max_retries=0, timeout=120
            )
        return self._client

    def _call(self, what: str, fn: Any) -> Any:
        import openai

        try:
            return fn()
        except (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError,
                openai.InternalServerError) as exc:
            raise ProviderError(f"OpenAI {what} failed for now: {type(exc).__name__}",
                                transient=True) from None
        except openai.AuthenticationError:
            raise ProviderError(
                "OpenAI rejected the API key (401): check OPENAI_API_KEY."
            ) from None
        except openai.APIStatusError as exc:
            raise ProviderError(
                f"OpenAI {what} failed with HTTP {exc.status_code}: {_message(exc)}"
            ) from None


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and "message" in error:
            return str(error["message"])[:300]
    return str(exc)[:300]


class OpenAITextProvider(_OpenAIBase):
    default_model = "gpt-4o-mini"

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        prompt_tokens = len(json.dumps(params, default=str)) / 4 + 400
        output_tokens = _STORY_OUTPUT_TOKENS if operation == "write_story" else 250
        price_in, price_out = _price(_TEXT_PRICES, self.model, self._base_url) or (0.0, 0.0)
        usd = (prompt_tokens * price_in + output_tokens * price_out) / 1e6
        return Cost(units=round(prompt_tokens + output_tokens), unit="tokens", usd=round(usd, 6))

    def write_story(
        self, brief: Brief, previous: Story | None, feedback: list[Feedback], seed: int
    ) -> Story:
        schema = Story.model_json_schema()
        instructions = (
            "You write video-ad stories. Reply with JSON only, matching the schema. Pick an ad "
            "framework (AIDA, PAS, BAB, FAB, problem-solution or testimonial) and say why in "
            "framework_reason. Write 3 to 8 scenes with start_s and duration_s in seconds that "
            f"sum to {brief.duration_s}; each with setting, time_of_day, action, camera, "
            "voiceover, on_screen_text (at most 6 words) and visual_prompt. End with a call "
            "to action scene."
        )
        user: dict[str, Any] = {"brief": brief.model_dump(mode="json")}
        if previous is not None:
            user["previous_story"] = previous.model_dump(mode="json")
            user["apply_feedback"] = [f.text for f in feedback] or ["write a different variant"]
        response = self._call("story", lambda: self.client().chat.completions.create(
            model=self.model,
            seed=seed,
            messages=[{"role": "system", "content": instructions},
                      {"role": "user", "content": json.dumps(user)}],
            response_format={"type": "json_schema",
                             "json_schema": {"name": "story", "schema": schema}},
        ))
        content = response.choices[0].message.content or ""
        try:
            story = Story.model_validate_json(content)
        except ValueError as exc:
            raise ProviderError(
                f"OpenAI returned a story that does not fit the schema ({exc.__class__.__name__}); "
                "regenerate to try again."
            ) from None
        return retime(story, brief.duration_s)

    def interpret(
        self, stage: StageName, text: str, item: int | None, story: Story | None
    ) -> FeedbackPlan:
        instructions = (
            f"You help a person review the {stage} stage of a video ad. Answer with JSON: "
            '{"reply": one or two sentences saying what you will change, "action": null, '
            '"regenerate" or "approve"}. Only choose approve or regenerate when the person asks.'
        )
        context = {"message": text, "item": item,
                   "story": story.model_dump(mode="json") if story else None}
        response = self._call("chat", lambda: self.client().chat.completions.create(
            model=self.model,
            messages=[{"role": "system", "content": instructions},
                      {"role": "user", "content": json.dumps(context)}],
            response_format={"type": "json_object"},
        ))
        try:
            data = json.loads(response.choices[0].message.content or "{}")
        except json.JSONDecodeError:
            data = {}
        action = data.get("action") if data.get("action") in ("regenerate", "approve") else None
        reply = str(data.get("reply") or "Noted; I will apply it when you regenerate.")[:600]
        changes: dict[str, Any] = {"instruction": text}
        if stage == "video":
            # The sound settings are structured: read them with the offline rules, so
            # "no music" works whichever model chats.
            changes.update(sound_changes(text)[0])
        return FeedbackPlan(reply=reply, changes=changes, action=action)


    def complete(self, system: str, user: str, *, seed: int, max_tokens: int = 600) -> str:
        """One JSON answer to ``system`` + ``user`` (the prompt tools' critic and rewriter)."""
        response = self._call("completion", lambda: self.client().chat.completions.create(
            model=self.model, seed=seed, max_tokens=max_tokens,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            response_format={"type": "json_object"},
        ))
        return str(response.choices[0].message.content or "")


def retime(story: Story, duration_s: int) -> Story:
    """Make scene timings sum exactly to ``duration_s`` (models are approximate)."""
    durations = split_duration(duration_s, [s.beat for s in story.scenes])
    start = 0.0
    scenes = []
    for scene, duration in zip(story.scenes, durations, strict=True):
        scenes.append(scene.model_copy(update={"start_s": start, "duration_s": duration}))
        start += duration
    return story.model_copy(update={"scenes": scenes})


class OpenAIImageProvider(_OpenAIBase):
    draws_headline = False  # generated pictures carry no ad text; the video adds it
    default_model = "gpt-image-1"

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        usd = _price(_IMAGE_PRICES, self.model, self._base_url) or 0.0
        return Cost(units=1, unit="images", usd=usd)

    def generate(self, request: ImageRequest, references: list[bytes]) -> bytes:
        prompt = _image_prompt(request)
        response = self._call("image", lambda: self.client().images.generate(
            model=self.model, prompt=prompt, size=_size(request.width, request.height), n=1,
        ))
        return _fit_png(_image_bytes(response), request.width, request.height)

    def inpaint(self, image: bytes, mask: bytes, prompt: str, seed: int) -> bytes:
        from PIL import Image

        source = Image.open(io.BytesIO(image)).convert("RGBA")
        # OpenAI edits where the mask is transparent; ours is white where to edit.
        alpha = Image.open(io.BytesIO(mask)).convert("L").point(lambda v: 0 if v > 127 else 255)
        if alpha.size != source.size:
            # OpenAI refuses a mask of another size, and putalpha would raise.
            alpha = alpha.resize(source.size, Image.Resampling.NEAREST)
        cutout = source.copy()
        cutout.putalpha(alpha)
        buffer = io.BytesIO()
        cutout.save(buffer, "PNG")
        response = self._call("image edit", lambda: self.client().images.edit(
            model=self.model, image=("image.png", image), mask=("mask.png", buffer.getvalue()),
            prompt=prompt, n=1,
        ))
        return keep_unmasked(image, _image_bytes(response), mask)


def _image_prompt(request: ImageRequest) -> str:
    parts = [request.prompt, f"storyboard {request.kind}, {request.camera} framing"]
    if request.adjustments:
        parts.append("adjust: " + ", ".join(f"{k} {v}" for k, v in request.adjustments.items()))
    return "; ".join(parts)


def _size(width: int, height: int) -> str:
    if width > height:
        return "1536x1024"
    if height > width:
        return "1024x1536"
    return "1024x1024"


def _image_bytes(response: Any) -> bytes:
    datum = response.data[0]
    if getattr(datum, "b64_json", None):
        return base64.b64decode(datum.b64_json)
    raise ProviderError("OpenAI returned no image data; regenerate to try again.")


def _fit_png(data: bytes, width: int, height: int) -> bytes:
    from ..media.images import encode_png, fit_to

    return encode_png(fit_to(decode_output(data), width, height))


def decode_output(data: bytes, who: str = "the model") -> Any:
    """A model's picture as an RGB ``PIL.Image``; ``ProviderError`` if it is not one.

    ``decode_image`` raises ``InvalidInput`` (the user's fault) for bad bytes; here the
    bytes came from a provider, so the user's next step is to regenerate.
    """
    from ..media.images import decode_image

    try:
        return decode_image(data)
    except InvalidInput as exc:
        raise ProviderError(f"{who} returned something that is not a usable image ({exc}); "
                            "regenerate to try again.") from None


def keep_unmasked(original: bytes, edited: bytes, mask: bytes) -> bytes:
    """``edited`` fitted to ``original``'s size, with every pixel outside the mask's white
    region taken from ``original``; a PNG.

    Remote edit models redraw the whole picture (gpt-image treats the mask as a hint,
    SDXL passes every pixel through its VAE), but the inpaint contract is that only the
    painted pixels change. The edit fades in over a few pixels *inside* the mask, so the
    seam does not show and nothing outside the mask moves.
    """
    import cv2
    import numpy as np
    from PIL import Image

    from ..media.images import decode_image, encode_png, fit_to
    from ..media.masks import mask_from_png, resize_mask

    base = decode_image(original)
    new = fit_to(decode_output(edited), base.width, base.height)
    painted = resize_mask(mask_from_png(mask), base.width, base.height)
    radius = max(1, min(base.width, base.height) // 256)
    alpha = cv2.GaussianBlur(painted.astype(np.float32), (2 * radius + 1, 2 * radius + 1), 0)
    alpha = (alpha * painted)[:, :, None]  # zero outside the mask, whatever the blur did
    mixed = np.asarray(base, np.float32) * (1 - alpha) + np.asarray(new, np.float32) * alpha
    return encode_png(Image.fromarray(np.rint(mixed).astype(np.uint8)))


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

    def __init__(self, model: str | None = None) -> None:
        # "openai:nova" picks a voice; "openai:tts-1-hd" a model; "openai:tts-1-hd:nova" both.
        voice = None
        if model and model.split(":")[-1] in _VOICES:
            *rest, voice = model.split(":")
            model = ":".join(rest) or None
        super().__init__(model or os.environ.get("ADPIPELINE_VOICE_MODEL") or self.default_model)
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
        response = self._call("speech", lambda: self.client().audio.speech.create(
            model=self.model, voice=request.voice, input=request.text, response_format="wav",
            speed=request.speed, **extra,
        ))
        data = response.read() if hasattr(response, "read") else bytes(response.content)
        if not data:
            raise ProviderError("OpenAI returned no audio; regenerate to try again.")
        return Speech(audio=data, format="wav")
