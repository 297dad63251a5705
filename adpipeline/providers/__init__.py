"""Providers, chosen per capability, and the choke point every call passes.

``choose({"text": "openai", "image": "offline"})`` fills in the rest from the
``ADPIPELINE_PROVIDERS`` environment variable (``text=openai,image=replicate``) and
then the offline default. A choice is ``name`` or ``name:model``. Only names are kept
in the session; keys are read from the environment when a provider is built.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..errors import InvalidInput
from .base import (
    CAPABILITIES,
    ImageProvider,
    InpaintProvider,
    MusicProvider,
    TextProvider,
    VideoProvider,
    VoiceProvider,
)

NAMES: dict[str, tuple[str, ...]] = {
    "text": ("offline", "openai", "replicate"),
    "image": ("offline", "openai", "replicate"),
    "inpaint": ("offline", "openai", "replicate"),
    "video": ("offline", "replicate"),
    "voice": ("offline", "openai", "replicate"),
    "music": ("offline",),
}


def choose(requested: object = None, *, environment: bool = True) -> dict[str, str]:
    """Validate a capability -> provider mapping and complete it with defaults.

    A choice is ``"name"``, ``"name:model"`` or a dict ``{"provider": name, "model": ...,
    "base_url": ...}``; each is kept as one string, ``name[:model][@base_url]`` (see
    :func:`parse_choice`), so a session stores names, models and addresses, never keys.
    ``environment`` adds ``ADPIPELINE_PROVIDERS`` under the request and, per capability,
    ``ADPIPELINE_<CAPABILITY>_MODEL`` / ``ADPIPELINE_<CAPABILITY>_BASE_URL``; a session
    already made keeps what it chose, so it is built with ``environment=False``.
    """
    if requested is not None and not isinstance(requested, Mapping):
        raise InvalidInput(
            f"providers must be a mapping such as {{'text': 'openai'}}, got {requested!r:.60}."
        )
    chosen: dict[str, str] = {capability: "offline" for capability in CAPABILITIES}
    if environment:
        chosen.update(_from_env())
    chosen.update(_checked(dict(requested or {}), "providers="))
    if environment:
        for capability in CAPABILITIES:
            chosen[capability] = _with_env_overrides(capability, chosen[capability])
    return chosen


def parse_choice(choice: str) -> tuple[str, str | None, str | None]:
    """``"openai:gpt-5.4-mini@http://127.0.0.1:11434/v1"`` -> (name, model, base_url).

    The base URL comes after the first ``@`` (model names have none, and a URL with a
    user or password in it is refused, so no secret can ride along)."""
    spec, _, base_url = choice.partition("@")
    name, _, model = spec.partition(":")
    return name.strip(), (model.strip() or None), (base_url.strip() or None)


def format_choice(name: str, model: str | None = None, base_url: str | None = None) -> str:
    return name + (f":{model}" if model else "") + (f"@{base_url}" if base_url else "")


def _as_string(choice: object, capability: str, where: str) -> str:
    if isinstance(choice, Mapping):
        unknown = set(choice) - {"provider", "model", "base_url"}
        if unknown or not isinstance(choice.get("provider"), str):
            raise InvalidInput(
                f"{where}: write the {capability} provider as {{'provider': 'openai', "
                f"'model': ..., 'base_url': ...}}, got {dict(choice)!r:.80}."
            )
        model, base_url = choice.get("model"), choice.get("base_url")
        if any(v is not None and not isinstance(v, str) for v in (model, base_url)):
            raise InvalidInput(f"{where}: the {capability} model and base_url must be text.")
        return format_choice(choice["provider"], model, base_url)
    if not isinstance(choice, str) or not choice.strip():
        raise InvalidInput(
            f"{where}: the {capability} provider must be a name such as 'offline' or "
            f"'openai:MODEL', got {choice!r:.60}."
        )
    return choice.strip()


def describe(chosen: Mapping[str, str]) -> str:
    """One line naming the provider of each capability, e.g. ``text=openai, image=offline``."""
    return ", ".join(f"{capability}={choice}" for capability, choice in chosen.items())


def _checked(pairs: dict[Any, Any], where: str) -> dict[str, str]:
    checked: dict[str, str] = {}
    for capability, raw in pairs.items():
        if capability not in CAPABILITIES:
            raise InvalidInput(
                f"{where}: unknown capability {capability!r}; choose from {', '.join(CAPABILITIES)}."
            )
        choice = _as_string(raw, capability, where)
        name, _, base_url = parse_choice(choice)
        if name not in NAMES[capability]:
            raise InvalidInput(
                f"{where}: no {name!r} provider for {capability}; choose from "
                f"{', '.join(NAMES[capability])}."
            )
        if base_url is not None:
            _check_base_url(base_url, f"{where} ({capability})")
        checked[capability] = choice
    return checked


def _check_base_url(url: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{where}: base_url {url!r} must be an http(s) address such as "
                           "http://127.0.0.1:11434/v1.")
    if parts.username or parts.password:
        # The session stores the URL: a password in it would be stored too.
        raise InvalidInput(f"{where}: put no user or password in base_url; keys are read "
                           "from the environment (OPENAI_API_KEY, REPLICATE_API_TOKEN).")


def _with_env_overrides(capability: str, choice: str) -> str:
    """``ADPIPELINE_TEXT_MODEL`` / ``ADPIPELINE_TEXT_BASE_URL`` fill in what the choice
    leaves open, for that capability only (text at Ollama leaves images where they were)."""
    name, model, base_url = parse_choice(choice)
    if name == "offline" and capability != "voice":
        return choice
    prefix = f"ADPIPELINE_{capability.upper()}_"
    model = model or os.environ.get(prefix + "MODEL", "").strip() or None
    env_url = os.environ.get(prefix + "BASE_URL", "").strip() or None
    if base_url is None and env_url is not None and name != "offline":
        _check_base_url(env_url, prefix + "BASE_URL")
        base_url = env_url
    return format_choice(name, model, base_url)


def _from_env() -> dict[str, str]:
    spec = os.environ.get("ADPIPELINE_PROVIDERS", "").strip()
    if not spec:
        return {}
    where = f"ADPIPELINE_PROVIDERS={spec!r}"
    pairs = {}
    for part in spec.split(","):
        capability, _, choice = part.partition("=")
        if not choice.strip():
            raise InvalidInput(f"{where}: write it as text=openai,image=replicate.")
        pairs[capability.strip()] = choice.strip()
    return _checked(pairs, where)


def check(providers: Mapping[str, object] | None = None, *, ask: bool = True) -> list[Any]:
    """What each capability would use, whether it answers, its model, price and the date
    of the price table; missing keys name the variable to set. See :mod:`.setup_check`.

    >>> import adpipeline as ap
    >>> [c.provider for c in ap.providers.check(ask=False)][:1]
    ['offline']
    """
    from .setup_check import check_chosen

    chosen = choose(providers)
    return check_chosen(chosen, Providers(chosen), ask=ask)


class Providers:
    """The provider for each capability of one session, built when first used."""

    def __init__(self, chosen: Mapping[str, str]) -> None:
        self.chosen = dict(chosen)
        self._made: dict[str, Any] = {}

    @classmethod
    def build(cls, chosen: Mapping[str, str]) -> Providers:
        """The providers a session chose (the environment is only read at its start)."""
        return cls(choose(chosen, environment=False))

    def get(self, capability: str) -> Any:
        if capability not in self._made:
            name, model, base_url = parse_choice(self.chosen[capability])
            self._made[capability] = _make(capability, name, model, base_url)
        return self._made[capability]

    def ready(self, capability: str) -> Any:
        """The provider for ``capability``, after checking it can make calls (its package
        is installed and its key is set), so work can be refused before it starts."""
        provider = self.get(capability)
        client = getattr(provider, "client", None)
        if callable(client):
            client()
        return provider

    @property
    def text(self) -> TextProvider:
        return self.get("text")  # type: ignore[no-any-return]

    @property
    def image(self) -> ImageProvider:
        return self.get("image")  # type: ignore[no-any-return]

    @property
    def inpaint(self) -> InpaintProvider:
        return self.get("inpaint")  # type: ignore[no-any-return]

    @property
    def video(self) -> VideoProvider:
        return self.get("video")  # type: ignore[no-any-return]

    @property
    def voice(self) -> VoiceProvider:
        return self.get("voice")  # type: ignore[no-any-return]

    @property
    def music(self) -> MusicProvider:
        return self.get("music")  # type: ignore[no-any-return]


def _make(capability: str, name: str, model: str | None, base_url: str | None = None) -> Any:
    # Imported here so a session that never uses a provider never imports its client.
    if name == "offline":
        if capability == "text":
            from .offline.text import OfflineTextProvider

            return OfflineTextProvider()
        if capability in ("image", "inpaint"):
            from .offline.images import OfflineImageProvider

            return OfflineImageProvider()
        if capability == "voice":
            from .offline.voice import PiperVoiceProvider

            return PiperVoiceProvider(model=model)
        if capability == "music":
            from .offline.music import OfflineMusicProvider

            return OfflineMusicProvider()
        from .offline.video import OfflineVideoProvider

        return OfflineVideoProvider()
    if name == "openai":
        from .openai import OpenAIImageProvider, OpenAITextProvider, OpenAIVoiceProvider

        if capability == "voice":
            return OpenAIVoiceProvider(model=model, base_url=base_url)
        if capability == "text":
            return OpenAITextProvider(model=model, base_url=base_url)
        return OpenAIImageProvider(model=model, base_url=base_url, capability=capability)
    if name == "replicate":
        from .replicate import replicate_provider

        return replicate_provider(capability, model=model, base_url=base_url)
    raise InvalidInput(f"no provider {name!r}.")
