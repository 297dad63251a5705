"""What one piece of work needs besides the session: providers, media, the gateway, progress."""

from __future__ import annotations

from dataclasses import dataclass

from ..providers import Providers
from ..providers.base import Progress
from ..providers.gateway import Gateway
from ..store import Blobs


@dataclass
class Context:
    """What one piece of work needs besides the session."""

    providers: Providers
    blobs: Blobs
    gateway: Gateway
    progress: Progress
