"""Keeping widgets current, and running their long work off the kernel's main thread.

A :class:`Live` joins one :class:`~adpipeline.Pipeline` to the widgets that show it:

* **Same process**: ``Pipeline.on_change`` calls us after every save made through that
  pipeline object, whichever thread made it (a notebook cell, our worker), so a
  ``p.story.feedback(...)`` in the next cell redraws the panel at once.
* **Other processes** (the CLI, another notebook, a Voila app): one shared poller thread
  reads ``store.version(id)`` every half second (a single small diskcache read, no
  JSON parsing) and redraws when it moved.
* **Work**: one worker thread per Live runs what buttons ask for (writing, drawing,
  rendering), so the kernel keeps answering other cells; while it runs, ``busy`` is set
  on every widget so buttons that would conflict are disabled.
* **Progress**: ``Pipeline.on_progress`` reports are passed on at most ten times a
  second; more would only add comm messages (the server drops iopub traffic above
  1000 messages/s).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import AdPipelineError
from ._words import plain

if TYPE_CHECKING:
    from ..models import Session
    from ..pipeline import Pipeline

log = logging.getLogger("adpipeline.ui")

POLL_SECONDS = 0.5
_PROGRESS_SECONDS = 0.1
#: A report older than this is not shown (the work that sent it has ended or hung).
_PROGRESS_STALE_SECONDS = 30.0


class Shown(Protocol):
    """What a Live needs of a widget it keeps current (every ``PanelWidget`` is one)."""

    error: str

    def refresh(self, session: Session) -> None: ...

    def show_progress(self, progress: dict[str, Any]) -> None: ...


class Live:
    """One pipeline, the widgets showing it, and the thread doing their work."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self._widgets: list[Shown] = []
        self._lock = threading.RLock()
        self._worker: ThreadPoolExecutor | None = None
        self._jobs = 0
        self._version = -1
        self._progress: dict[str, Any] = {}
        self._progress_sent = 0.0
        self._progress_time = 0.0
        self._closed = False
        self._read_error = ""
        #: What the running work is, in words (see ``Work.label``).
        self._label = ""
        #: Where a message refused in one panel goes (see :meth:`carry`).
        self.on_carry: Callable[[str, str, str], None] | None = None
        self._unsubscribe = [pipeline.on_change(self._changed),
                             pipeline.on_progress(self._progressed)]
        _POLLER.watch(self)

    @property
    def lock(self) -> threading.RLock:
        """Held while widgets are changed, so the worker, the poller and the kernel's main
        thread never update the same widget at once."""
        return self._lock

    @property
    def busy(self) -> bool:
        """This Live's worker is running something."""
        return self._jobs > 0

    @property
    def progress(self) -> dict[str, Any]:
        """The last progress report, if one came in the last few seconds; else what the
        running work is, in words (its label), if it has one."""
        if time.monotonic() - self._progress_time > _PROGRESS_STALE_SECONDS:
            if self.busy and self._label:
                return {"done": 0, "total": 0, "message": self._label}
            return {}
        return dict(self._progress)

    def carry(self, stage: str, text: str, message: str) -> None:
        """A message typed in ``stage``'s panel could not be sent (another window moved
        the session on): hand it to whoever shows the panels now, so it is not lost."""
        if self.on_carry is not None:
            self.on_carry(stage, text, message)

    def attach(self, widget: Shown) -> None:
        with self._lock:
            self._widgets.append(widget)
            session = self.pipeline.session
            self._version = max(self._version, session.version)
            widget.refresh(session)

    def detach(self, widget: Shown) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._widgets.remove(widget)

    # keeping widgets current ---------------------------------------------------

    def refresh(self, session: Session | None = None) -> None:
        """Redraw every widget from ``session`` (or the stored session)."""
        if self._closed:
            return
        with self._lock:
            if session is None:
                session = self.pipeline.session
            if session.version < self._version:
                return  # a late notification from another thread; a newer one was shown
            self._version = session.version
            for widget in list(self._widgets):
                try:
                    widget.refresh(session)
                except Exception:  # one broken panel must not stop the others updating
                    log.exception("refreshing %s failed", type(widget).__name__)

    def poll(self) -> None:
        """Redraw if another process saved the session.

        A read that fails (the session was deleted, the disk is unreadable for a moment)
        is shown on every widget, and polling goes on: when reads work again the
        message goes away and the panels catch up.
        """
        if self._closed or self._version < 0:
            return
        try:
            version = self.pipeline._store.version(self.pipeline.id)
        except AdPipelineError as exc:
            self._show_read_error(plain(exc))
            return
        if self._read_error:
            self._show_read_error("")
            self.refresh()
        elif version != self._version:
            self.refresh()

    def _show_read_error(self, message: str) -> None:
        if message == self._read_error:
            return
        with self._lock:
            for widget in list(self._widgets):
                if widget.error in ("", self._read_error):
                    widget.error = message
            self._read_error = message

    def _changed(self, session: Session) -> None:
        self.refresh(session)

    def _progressed(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        self._progress = {"done": int(done), "total": int(total), "message": str(message)}
        self._progress_time = now
        if done < total and now - self._progress_sent < _PROGRESS_SECONDS:
            return
        self._progress_sent = now
        with self._lock:
            for widget in list(self._widgets):
                widget.show_progress(dict(self._progress))

    # work ----------------------------------------------------------------------

    def submit(self, job: Callable[[], Any],
               done: Callable[[BaseException | None], None], *, label: str = "") -> None:
        """Run ``job`` on the worker thread, then ``done(exception or None)``.

        ``label`` says what runs ("Assistant is answering…"): it is the progress shown
        until the work reports its own.
        """
        with self._lock:
            if self._worker is None:
                self._worker = ThreadPoolExecutor(1, thread_name_prefix="adpipeline-ui")
            self._jobs += 1
            self._label = label
            self._progress, self._progress_time = {}, 0.0
        self.refresh()  # show busy before the work starts

        def run() -> None:
            error: BaseException | None = None
            try:
                job()
            except BaseException as exc:
                error = exc
                if not isinstance(exc, AdPipelineError):
                    log.exception("background work failed")
            finally:
                with self._lock:
                    self._jobs -= 1
                    if not self._jobs:
                        self._label = ""
            try:
                self.refresh()
            finally:
                done(error)

        self._worker.submit(run)

    def close(self) -> None:
        self._closed = True
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        _POLLER.forget(self)
        if self._worker is not None:
            self._worker.shutdown(wait=False)


class _Poller:
    """One daemon thread polling every open Live (not one thread per widget)."""

    def __init__(self) -> None:
        self._lives: weakref.WeakSet[Live] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, live: Live) -> None:
        with self._lock:
            self._lives.add(live)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="adpipeline-ui-poll",
                                                daemon=True)
                self._thread.start()

    def forget(self, live: Live) -> None:
        with self._lock:
            self._lives.discard(live)

    def _run(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            with self._lock:
                lives = list(self._lives)
                if not lives:
                    self._thread = None
                    return
            for live in lives:
                try:
                    live.poll()
                except Exception as exc:  # e.g. the session was deleted: say so, keep polling
                    log.warning("polling session changes failed: %s", exc)


_POLLER = _Poller()
