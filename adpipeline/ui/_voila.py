"""How ``adpipeline serve`` runs Voila: ``python -m adpipeline.ui._voila VOILA-ARGS``.

Three things plain ``voila`` gets wrong for us, fixed here rather than in the notebook:

* **Kernels leak.** Voila frees a page's kernel with a ``POST /voila/api/shutdown/<id>``
  beacon when the page closes; the beacon carries the ``_xsrf`` cookie, but the page
  handler streams its HTML without ever setting that cookie, so every beacon got
  ``403 '_xsrf' argument missing`` and each reload kept a kernel alive until culled.
  The page handler now sets the cookie before it starts streaming.
* **A CDN request.** The lab template links FontAwesome from a CDN; our template
  (``voila_data/voila/templates/adpipeline``) is the same page without those links.
* **Websocket pings.** jupyter_server's ping timeout is longer than the interval, which
  tornado warns about on the first page; 30 s is what it accepts.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

#: The Jupyter data directory that holds our Voila template.
DATA_DIR = Path(__file__).resolve().parent / "voila_data"
TEMPLATE = "adpipeline"


def _set_xsrf_cookie_first() -> None:
    from voila.handler import VoilaHandler

    streamed = VoilaHandler.get_generator
    if getattr(streamed, "_adpipeline", False):
        return

    async def get_generator(self: Any, path: Any = None) -> AsyncIterator[str]:
        _ = self.xsrf_token  # sets the _xsrf cookie while headers can still be sent
        async for chunk in streamed(self, path=path):
            yield chunk

    get_generator._adpipeline = True  # type: ignore[attr-defined]
    VoilaHandler.get_generator = get_generator


def main(argv: Sequence[str] | None = None) -> None:
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(DATA_DIR), os.environ.get("JUPYTER_PATH", "")) if p)
    _set_xsrf_cookie_first()
    from voila.app import Voila

    Voila.launch_instance(argv=list(sys.argv[1:] if argv is None else argv),
                          tornado_settings={"ws_ping_timeout": 30000})


if __name__ == "__main__":  # pragma: no cover
    main()
