"""Replicate: text, image, inpaint, video and voice models, one capability per provider.

``replicate_provider("image")`` fills the contract of that capability in
``providers/base.py`` with a model hosted on Replicate. The default models:

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
voice      ``minimax/speech-02-turbo``                 an official speech model, billed per
                                                       character
=========  ==========================================  =====================================

Choose another with ``providers={"image": "replicate:owner/name"}`` (or
``owner/name:version`` for a community model). Known families (FLUX, FLUX Fill, SDXL,
Stable Video Diffusion, Llama) get their own inputs; any other model gets generic ones
(``prompt``, ``seed`` and ``width``/``height``, ``image``/``mask`` or ``image``).

The modules: :mod:`.client` (the HTTP client, predictions, files, errors; every
capability's provider is one of its subclasses), :mod:`.transport` (each HTTP exchange
ends at its call's deadline), :mod:`.pricing`, :mod:`.families` (model families'
inputs), and one module per capability: :mod:`.text`,
:mod:`.images` (image and inpaint), :mod:`.video`, :mod:`.voice`.
"""

from __future__ import annotations

from .client import DEFAULT_MODELS, ReplicateProvider
from .images import ReplicateImageProvider
from .text import ReplicateTextProvider
from .video import ReplicateVideoProvider
from .voice import ReplicateVoiceProvider

__all__ = ["DEFAULT_MODELS", "ReplicateImageProvider", "ReplicateProvider", "ReplicateTextProvider",
           "ReplicateVideoProvider", "ReplicateVoiceProvider", "replicate_provider"]

_BY_CAPABILITY: dict[str, type[ReplicateProvider]] = {
    "text": ReplicateTextProvider,
    "image": ReplicateImageProvider,
    "inpaint": ReplicateImageProvider,
    "video": ReplicateVideoProvider,
    "voice": ReplicateVoiceProvider,
}


def replicate_provider(capability: str, model: str | None = None,
                       base_url: str | None = None) -> ReplicateProvider:
    """The provider of ``capability`` with ``model`` (default: the table above);
    ``InvalidInput`` for a capability Replicate does not serve here."""
    # An unknown capability is refused by the base class, with the list of known ones.
    provider_class = _BY_CAPABILITY.get(capability, ReplicateProvider)
    return provider_class(capability, model, base_url)
