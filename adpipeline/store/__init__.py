"""Where sessions, media and provider results are kept.

The pipeline and the gateway depend on the :class:`Store` protocol; :class:`SessionStore`
keeps everything under one folder with diskcache, crash-safe at any session size.
"""

from .blobs import BlobStore
from .calls import CallCache
from .protocol import Blobs, Calls, Store
from .sessions import SessionStore, default_home

__all__ = ["BlobStore", "Blobs", "CallCache", "Calls", "SessionStore", "Store", "default_home"]
