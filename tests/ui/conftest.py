"""What the widget tests share: a fake browser that sends commands, and opened
widgets closed after each test."""

from __future__ import annotations

import io
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import adpipeline as ap
from adpipeline.ui._base import _REQUEST_ID, PanelWidget

SHORT = "10 s ad for Aurora, a reusable water bottle"


XSS = '<img src=x onerror="window.__adp_xss=1"><script>window.__adp_xss=2</script>'


class FakeBrowser:
    """Plays the browser: sends a widget commands and collects its replies."""

    def __init__(self, widget: PanelWidget, monkeypatch: pytest.MonkeyPatch) -> None:
        self.widget = widget
        self.replies: list[tuple[dict[str, Any], list[bytes]]] = []
        self._count = 0
        monkeypatch.setattr(widget, "send", self._record)

    def _record(self, content: dict[str, Any], buffers: Any = None) -> None:
        self.replies.append((content, list(buffers or [])))

    def raw(self, content: Any, buffers: list[bytes] | None = None,
            timeout: float = 60.0) -> dict[str, Any]:
        """Send ``content`` as is; return the reply to it (matched by id if it has one)."""
        before = len(self.replies)
        self.widget._on_browser_message(self.widget, content, buffers or [])
        wanted = content.get("id") if isinstance(content, dict) else None
        if not (isinstance(wanted, str) and _REQUEST_ID.fullmatch(wanted)):
            wanted = None  # a malformed id is not echoed back
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for reply, data in self.replies[before:]:
                if reply.get("type") == "accepted":
                    continue  # long work is acknowledged first; the reply comes after it
                if wanted is None or reply.get("id") == wanted:
                    return {**reply, "buffers": data}
            time.sleep(0.01)
        raise AssertionError(f"no reply to {content!r:.80}")

    def send(self, kind: str, buffers: list[bytes] | None = None, **fields: Any) -> dict[str, Any]:
        self._count += 1
        return self.raw({"type": kind, "id": f"t:{self._count}", **fields}, buffers)


Opener = Callable[[Any], Any]


@pytest.fixture
def opened() -> Iterator[Opener]:
    """Close every widget a test opens (their Lives poll the store otherwise)."""
    made: list[Any] = []

    def keep(widget: Any) -> Any:
        made.append(widget)
        return widget

    yield keep
    for widget in reversed(made):
        widget.close()


@pytest.fixture
def short(home: Path) -> ap.Pipeline:
    return ap.start(SHORT, home=home)


def wait_for(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out; the widgets' threads were at:\n{_widget_threads()}")


def _widget_threads() -> str:
    """Where the poller and the workers are (a wait that times out says what was stuck)."""
    frames = sys._current_frames()
    return "\n".join(
        f"--- {thread.name}\n" + "".join(traceback.format_stack(frames[thread.ident])[-6:])
        for thread in threading.enumerate()
        if thread.name.startswith("adpipeline") and thread.ident in frames)


def png(width: int, height: int, color: tuple[int, int, int] = (10, 200, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()
