"""What every adpipeline widget shares.

* A strict constructor: an unknown keyword argument raises ``TypeError`` (lonboard style)
  instead of being swallowed by traitlets with a warning nobody reads.
* Commands from the browser: a custom message ``{"type", "id", ...fields}`` is checked
  against the widget's ``commands`` table (known type, exactly the declared fields, each
  of the declared type and range) before any handler runs. A bad message gets an error
  reply and the ``error`` trait, and changes nothing.
* Replies: every command is answered ``{"type": "reply", "id", "ok", "error"}``, after
  the work is done when it runs on the worker thread, so the browser can match answers
  to its requests. Long work is first acknowledged with ``{"type": "accepted", "id"}``
  at once, so the browser can time out a request nobody received without timing out
  work that takes minutes.
* Heartbeat: ``{"type": "ping", "id"}`` is answered at once (the browser's connection
  monitor, ``widgets/_shared.js``), without touching the pipeline.
* Resync: ``{"type": "sync"}``, sent by the browser when its connection comes back, is
  answered with the widget's whole state (:meth:`PanelWidget.resync`). Updates sent while
  the socket was down can be lost, and the widget manager's own catch-up gives up after
  4 s when the kernel is busy (drawing, rendering), keeping the stale models.
* Exactly once: a request id already seen is not run again. A browser that lost its
  connection resends a queued message with the same id; if the first copy did arrive,
  it gets the first answer again (or ``accepted`` while the work still runs).
* Plain words: errors shown in a panel are written for a reviewer (:func:`plain`), not
  for a programmer: no API calls, version numbers or library names.

The browser can write any synced trait, so nothing here ever reads a trait back to
decide what to do: what Python needs (the pipeline, item indices, file contents) is
kept in plain attributes and every value the browser sends is checked.
"""

from __future__ import annotations

import logging
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import anywidget
import traitlets as t

from ..errors import AdPipelineError, InvalidInput
from ._words import Refused, plain

if TYPE_CHECKING:
    from ..models import Session
    from ._live import Live

log = logging.getLogger("adpipeline.ui")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9:_.-]{1,64}$")
#: Keyword arguments every widget constructor accepts besides its own.
LAYOUT_KWARGS = frozenset({"layout"})

Check = Callable[[Any, str], Any]
#: How many answered request ids each widget remembers (for resent requests).
_REMEMBERED = 64

def reject_unknown(owner: str, kwargs: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Raise ``TypeError`` for keyword arguments a widget does not know (a typo fails loudly)."""
    allowed = set(allowed)
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise TypeError(
            f"{owner}() got unexpected keyword argument(s) {', '.join(map(repr, unknown))}; "
            f"it accepts {', '.join(sorted(allowed)) or 'none'}."
        )


# checks for fields sent by the browser -----------------------------------------


def whole(lo: int, hi: int) -> Check:
    """An ``int`` (not a bool, not a float) from ``lo`` to ``hi``."""

    def check(value: Any, name: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidInput(f"{name} must be a whole number, got {type(value).__name__}.")
        if not lo <= value <= hi:
            raise InvalidInput(f"{name} must be from {lo} to {hi}, got {value}.")
        return value

    return check


def number(lo: float, hi: float) -> Check:
    def check(value: Any, name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInput(f"{name} must be a number, got {type(value).__name__}.")
        if not lo <= value <= hi:
            raise InvalidInput(f"{name} must be from {lo} to {hi}, got {value}.")
        return float(value)

    return check


def text(limit: int, *, empty: bool = False) -> Check:
    """A string of at most ``limit`` characters (after stripping)."""

    def check(value: Any, name: str) -> str:
        if not isinstance(value, str):
            raise InvalidInput(f"{name} must be text, got {type(value).__name__}.")
        cleaned = value.strip()
        if not cleaned and not empty:
            raise InvalidInput(f"{name} is empty; write something first.")
        if len(cleaned) > limit:
            raise InvalidInput(f"{name} is {len(cleaned)} characters; keep it under {limit}.")
        return cleaned

    return check


def choice(*options: str) -> Check:
    def check(value: Any, name: str) -> str:
        if not isinstance(value, str) or value not in options:
            raise InvalidInput(f"{name} must be one of {', '.join(options)}, got {str(value)[:40]!r}.")
        return value

    return check


@dataclass(frozen=True)
class Spec:
    """One command the browser may send: its fields and how many binary buffers."""

    fields: dict[str, Check] = field(default_factory=dict)
    buffers: int = 0
    #: Largest total size of the buffers, in bytes.
    max_bytes: int = 0


@dataclass(frozen=True)
class Work:
    """Returned by a handler whose work is long: it runs on the worker thread."""

    run: Callable[[], Any]
    #: May be retried after a failure (not for bad input, which would fail again).
    retry: bool = True
    #: What runs, in words, shown as progress until the work reports its own
    #: ("Assistant is answering…", "Drawing image 2…").
    label: str = ""


Outcome = Work | dict[str, Any] | None


class PanelWidget(anywidget.AnyWidget):  # type: ignore[misc]
    """Base of the anywidget panels. Subclasses set ``_esm``/``_css``, ``commands``
    and implement :meth:`refresh` and one ``_cmd_<type>`` method per command."""

    #: What went wrong last, in words; empty when all is well.
    error = t.Unicode("").tag(sync=True)
    #: A Retry button makes sense for ``error`` (it was not bad input).
    can_retry = t.Bool(False).tag(sync=True)
    #: Work is running: buttons that would conflict are disabled.
    busy = t.Bool(False).tag(sync=True)

    commands: ClassVar[dict[str, Spec]] = {}

    def __init__(self, live: Live, **kwargs: Any) -> None:
        reject_unknown(type(self).__name__, kwargs, LAYOUT_KWARGS)
        super().__init__(**kwargs)
        self._live = live
        self._retry: tuple[str, dict[str, Any], list[bytes]] | None = None
        #: request id -> the reply sent (``None`` while its work still runs).
        self._answered: OrderedDict[str, dict[str, Any] | None] = OrderedDict()
        self.on_msg(self._on_browser_message)
        live.attach(self)

    # what subclasses implement -------------------------------------------------

    def refresh(self, session: Session) -> None:
        """Set the traits from ``session`` (called on every change, from any thread)."""

    def resync(self) -> None:
        """Send the whole state again (the browser reconnected and may have missed updates)."""
        self.send_state()

    def show_progress(self, progress: dict[str, Any]) -> None:
        """Show a progress report of running work (only some widgets show it)."""

    # commands -------------------------------------------------------------------

    def _on_browser_message(self, _: Any, content: Any, buffers: list[bytes]) -> None:
        request_id = None
        if isinstance(content, dict):
            rid = content.get("id")
            if isinstance(rid, str) and _REQUEST_ID.fullmatch(rid):
                request_id = rid
            if content.get("type") == "ping" and set(content) <= {"type", "id"}:
                self.send({"type": "reply", "id": request_id, "ok": True, "error": None})
                return
            if content.get("type") == "sync" and set(content) == {"type"}:
                with self._live.lock:
                    self.resync()
                return
        if request_id is not None and request_id in self._answered:
            # The same request again (resent after a reconnect): never run it twice.
            earlier = self._answered[request_id]
            self.send(earlier if earlier is not None else {"type": "accepted", "id": request_id})
            return
        if request_id is not None:
            self._answered[request_id] = None
            while len(self._answered) > _REMEMBERED:
                self._answered.popitem(last=False)
        with self._live.lock:
            try:
                kind, fields, data = self._parse(content, buffers)
            except InvalidInput as exc:
                log.warning("rejected a message from the browser: %s", exc)
                self._answer(request_id, error=str(exc), retry=False)
                return
            self._dispatch(request_id, kind, fields, data)

    def _parse(self, content: Any, buffers: list[bytes]) -> tuple[str, dict[str, Any], list[bytes]]:
        if not isinstance(content, dict):
            raise InvalidInput("a command must be a JSON object.")
        if "id" in content and not (isinstance(content["id"], str)
                                    and _REQUEST_ID.fullmatch(content["id"])):
            raise InvalidInput("a request id is 1 to 64 letters, digits or :_.- characters.")
        kind = content.get("type")
        if kind == "retry" and not set(content) - {"type", "id"} and not buffers:
            return kind, {}, []
        if not isinstance(kind, str) or kind not in self.commands:
            shown = str(kind)[:40]
            raise InvalidInput(f"unknown command {shown!r} for {type(self).__name__}.")
        spec = self.commands[kind]
        given = set(content) - {"type", "id"}
        if given != set(spec.fields):
            missing = sorted(set(spec.fields) - given)
            extra = sorted(given - set(spec.fields))
            raise InvalidInput(
                f"{kind} takes {', '.join(spec.fields) or 'no fields'}"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unexpected {', '.join(x[:20] for x in extra[:5])}" if extra else "") + "."
            )
        fields = {name: check(content[name], name) for name, check in spec.fields.items()}
        data = [bytes(b) for b in buffers or []]
        if len(data) != spec.buffers:
            raise InvalidInput(f"{kind} takes {spec.buffers} binary part(s), got {len(data)}.")
        if spec.buffers and sum(map(len, data)) > spec.max_bytes:
            raise InvalidInput(
                f"{kind}: {sum(map(len, data)) / 1e6:.1f} MB is too much; "
                f"the limit is {spec.max_bytes / 1e6:.0f} MB."
            )
        return kind, fields, data

    def _dispatch(self, request_id: str | None, kind: str, fields: dict[str, Any],
                  data: list[bytes]) -> None:
        if kind == "retry":
            if self._retry is None:
                self._answer(request_id, error="there is nothing to retry.", retry=False)
                return
            kind, fields, data = self._retry
        handler = getattr(self, f"_cmd_{kind}")
        try:
            outcome: Outcome = handler(*data, **fields) if data else handler(**fields)
        except AdPipelineError as exc:
            self._answer(request_id, error=plain(exc),
                         retry=not isinstance(exc, InvalidInput | Refused),
                         again=(kind, fields, data))
            return
        except Exception as exc:  # a bug must not kill the comm: show it, keep going
            log.exception("%s command %s failed", type(self).__name__, kind)
            self._answer(request_id, error=plain(exc), retry=False)
            return
        if isinstance(outcome, Work):
            if self._live.busy:
                self._answer(request_id, error="other work is still running; wait for it to "
                             "finish, then try again.", retry=True, again=(kind, fields, data))
                return
            if request_id is not None:
                self.send({"type": "accepted", "id": request_id})
            self._live.submit(outcome.run, lambda exc: self._finished(
                request_id, exc, (kind, fields, data) if outcome.retry else None),
                label=outcome.label)
        else:
            self._answer(request_id, data=outcome)

    def _finished(self, request_id: str | None, exc: BaseException | None,
                  again: tuple[str, dict[str, Any], list[bytes]] | None) -> None:
        if exc is None:
            self._answer(request_id)
            return
        message = plain(exc)
        retry = again is not None and not isinstance(exc, InvalidInput | Refused)
        self._answer(request_id, error=message, retry=retry, again=again)

    def _answer(self, request_id: str | None, *, error: str | None = None, retry: bool = False,
                again: tuple[str, dict[str, Any], list[bytes]] | None = None,
                data: dict[str, Any] | None = None) -> None:
        payload: dict[str, Any] = dict(data or {})
        buffers = payload.pop("buffers", None)
        with self._live.lock, self.hold_sync():
            if error is None:
                self.error, self.can_retry = "", False
                self._retry = None
            else:
                self.error, self.can_retry = error, retry
                self._retry = again if retry else None
        reply = {"type": "reply", "id": request_id, "ok": error is None, "error": error,
                 **payload}
        if request_id is not None and request_id in self._answered and not buffers:
            self._answered[request_id] = reply
        elif request_id is not None:
            self._answered.pop(request_id, None)  # big answers (images) are simply asked again
        self.send(reply, buffers=buffers)

    def close(self) -> None:
        live = getattr(self, "_live", None)  # None if __init__ failed half way
        if live is not None:
            live.detach(self)
        super().close()
