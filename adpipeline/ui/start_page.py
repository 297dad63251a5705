"""The review app's start page and its address bar (``ui/app.ipynb`` puts them up).

:class:`StartPage` is a form that starts a new ad, off the kernel's main thread, and
links to the recent ones; :class:`Address` keeps the browser's address on the session
shown, so a reload resumes it. Everything the browser sends is checked
(:func:`form_options`): the browser can send anything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets as t

from ..errors import AdPipelineError, InvalidInput
from ..models import ASPECTS
from ..pipeline import Pipeline, sessions, start
from ._base import reject_unknown
from ._files import static_file
from ._state import LABELS

#: How many recent ads the start page links to.
RECENT = 12
_EXAMPLE = "e.g. “30 s ad for Aurora, a reusable water bottle”"


def recent_sessions() -> list[dict[str, str]]:
    """Newest first, as the links on the start page show them."""
    try:
        found = sessions()[:RECENT]
    except AdPipelineError:
        return []
    return [{"id": s.id, "title": s.title or "Untitled ad",
             "stage": "Complete" if s.stage == "complete" else LABELS.get(s.stage, s.stage),
             "when": s.updated_at.astimezone().strftime("%Y-%m-%d %H:%M"),
             "iso": s.updated_at.astimezone().isoformat(timespec="seconds")}
            for s in found]


def form_options(content: dict[str, Any]) -> dict[str, Any]:
    """What the browser sent for "start", checked, as keyword arguments of ``start``."""
    brief = content.get("brief")
    if not isinstance(brief, str) or not brief.strip():
        raise InvalidInput(f"Write a brief first: what the ad is for, {_EXAMPLE}.")
    if len(brief.strip()) < 3:  # the pipeline's own message speaks of fields and types
        raise InvalidInput(f"The brief is too short: say what the ad is for, {_EXAMPLE}.")
    duration = content.get("duration")
    if duration in ("", None):
        duration = None
    elif isinstance(duration, str) and duration.strip().isdecimal():  # not isdigit: int() refuses "²"
        duration = int(duration)
    else:
        raise InvalidInput("The length is a whole number of seconds, 5 to 180, "
                           "or empty to take it from the brief.")
    aspect = content.get("aspect")
    if aspect in ("", None):
        aspect = None
    elif aspect not in ASPECTS:
        raise InvalidInput(f"The frame shape is one of {', '.join(ASPECTS)}.")
    return {"prompt": brief.strip()[:4000], "duration": duration, "aspect": aspect}


class Address(anywidget.AnyWidget):  # type: ignore[misc]
    """The address bar and tab title. Display only: Python never reads these back."""

    _esm = static_file("address.js")
    session = t.Unicode("").tag(sync=True)
    title = t.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        reject_unknown("Address", kwargs, ("session", "title"))
        super().__init__(**kwargs)


class StartPage(anywidget.AnyWidget):  # type: ignore[misc]
    """A form that starts a new ad and links to recent ones.

    ``started(pipeline)`` is called on the worker thread once the story is written.
    """

    _esm = static_file("start.js")
    _css = static_file("start.css")
    #: Display only; the one thing Python takes from the browser is the "start" message.
    notice = t.Unicode("").tag(sync=True)
    recent = t.List(t.Dict()).tag(sync=True)
    busy = t.Bool(False).tag(sync=True)
    status = t.Unicode("").tag(sync=True)
    error = t.Unicode("").tag(sync=True)

    def __init__(self, started: Callable[[Pipeline], None], **kwargs: Any) -> None:
        reject_unknown("StartPage", kwargs, ("notice", "recent"))
        super().__init__(**kwargs)
        self._started = started
        self._working = threading.Lock()
        self._reported = 0.0
        self.on_msg(self._message)

    def _message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "start":
            return
        try:
            options = form_options(content)
        except InvalidInput as exc:
            self.error = str(exc)
            return
        if not self._working.acquire(blocking=False):
            return  # already starting one
        with self.hold_sync():
            self.busy, self.error, self.status = True, "", "Writing the story…"
        threading.Thread(target=self._start, args=(options,), name="adpipeline-start",
                         daemon=True).start()

    def _report(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if now - self._reported >= 0.1 or done >= total:
            self._reported = now
            self.status = f"{message.rstrip('.…')}…" if message else "Working…"

    def _start(self, options: dict[str, Any]) -> None:
        try:
            pipeline = start(**options, progress=self._report)
            self.status = "Opening the review app…"
            self._started(pipeline)
        except AdPipelineError as exc:
            error = str(exc)
        except Exception:  # shown as a message; the page must never show a traceback
            error = "The ad could not be started because of a problem on the server. Try again."
        else:
            return
        with self.hold_sync():  # the message and the re-enabled form arrive together
            # A start that failed after saving the session leaves it in the list to retry.
            self.error, self.busy, self.status, self.recent = error, False, "", recent_sessions()
        self._working.release()
