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

    ``environment`` adds ``ADPIPELINE_PROVIDERS`` under the request; a session already
    made keeps what it chose, so it is built with ``environment=False``.
    """
    if requested is not None and not isinstance(requested, Mapping):
        raise InvalidInput(
            f"providers must be a mapping such as {{'text': 'openai'}}, got {requested!r:.60}."
        )
    chosen: dict[str, str] = {capability: "offline" for capability in CAPABILITIES}
    if environment:
        chosen.update(_from_env())
    chosen.update(_checked(dict(requested or {}), "providers="))
    return chosen


def _checked(pairs: dict[Any, Any], where: str) -> dict[str, str]:
    for capability, choice in pairs.items():
        if capability not in CAPABILITIES:
            raise InvalidInput(
                f"{where}: unknown capability {capability!r}; choose from {', '.join(CAPABILITIES)}."
            )
        if not isinstance(choice, str) or not choice.strip():
            raise InvalidInput(
                f"{where}: the {capability} provider must be a name such as 'offline' or "
                f"'openai:MODEL', got {choice!r:.60}."
            )
        name = choice.split(":", 1)[0]
        if name not in NAMES[capability]:
            raise InvalidInput(
                f"{where}: no {name!r} provider for {capability}; choose from "
                f"{', '.join(NAMES[capability])}."
            )
    return pairs


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
            name, _, model = self.chosen[capability].partition(":")
            self._made[capability] = _make(capability, name, model or None)
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


def _make(capability: str, name: str, model: str | None) -> Any:
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
            return OpenAIVoiceProvider(model=model)
        if capability == "text":
            return OpenAITextProvider(model=model)
        return OpenAIImageProvider(model=model)
    if name == "replicate":
        from .replicate import ReplicateProvider

        return ReplicateProvider(capability=capability, model=model)
    raise InvalidInput(f"no provider {name!r}.")
