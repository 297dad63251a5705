"""The Pipeline: one session, its four stages, and the rules for moving between them.

Every action is load -> check -> change -> save-with-version. A check that fails
raises before anything is saved. Long work (writing, drawing, rendering) is done in
three steps so other clients see it happen: mark the stage ``generating`` and save;
do the work outside any lock; then apply the result to a freshly loaded session and
save, retrying on a version conflict so a finished result is never lost.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import AdPipelineError, ConflictError, InvalidInput, StageError
from ..models import STAGES, LedgerEntry, Session, StageName, Version, check_stage, now
from ..providers import Providers, choose
from ..providers.base import Progress
from ..providers.gateway import Gateway
from ..store import Store
from .generate import Context, inputs_of

if TYPE_CHECKING:
    from .stages import ImageStage, StoryStage, VideoStage

T = TypeVar("T")
Listener = Callable[[Session], None]

_ACTIONS = {
    "story": "feedback(...), regenerate(), revert(n), edit_scene(n, ...), approve()",
    "reference_images": "feedback(..., item=i), regenerate(item=i), edit(i, mask, prompt), "
                        "replace(i, image), revert(n), approve()",
    "storyboard": "feedback(..., item=i), regenerate(item=i), edit(i, mask, prompt), "
                  "replace(i, image), revert(n), approve()",
    "video": "feedback(...), regenerate(), revert(n), approve()",
}
_FINISH_ATTEMPTS = 20
#: A stage generating for longer than this is taken as abandoned even on another host.
ABANDONED_AFTER = timedelta(minutes=30)


class Pipeline:
    """A session you can drive from code. Create with :func:`adpipeline.start` or
    :func:`adpipeline.resume`; ``p`` in a Jupyter cell shows its review app."""

    def __init__(self, session_id: str, store: Store, *, progress: Progress | None = None):
        session = store.load(session_id)
        self.id = session.id
        self.store = store
        self._providers = Providers.build(session.providers)
        self._listeners: list[Listener] = []
        self._progress: list[Progress] = [progress] if progress is not None else []
        self._listeners_lock = threading.Lock()
        from .stages import ImageStage, StoryStage, VideoStage

        self.story: StoryStage = StoryStage(self, "story")
        self.reference_images: ImageStage = ImageStage(self, "reference_images")
        self.storyboard: ImageStage = ImageStage(self, "storyboard")
        self.video: VideoStage = VideoStage(self, "video")

    # reading ----------------------------------------------------------------

    @property
    def session(self) -> Session:
        """A fresh copy of the stored session (changing it changes nothing)."""
        return self.store.load(self.id)

    @property
    def stage(self) -> str:
        return self.session.stage

    @property
    def cost_usd(self) -> float:
        return self.session.cost_usd

    @property
    def budget(self) -> float | None:
        return self.session.budget_usd

    @budget.setter
    def budget(self, value: float | None) -> None:
        checked = check_budget(value)
        self.update(lambda s: setattr(s, "budget_usd", checked))

    @property
    def providers(self) -> Providers:
        """The providers the stored session chose (another process may have switched them)."""
        return self.providers_for(self.session)

    def providers_for(self, session: Session) -> Providers:
        if self._providers.chosen != session.providers:
            self._providers = Providers.build(session.providers)
        return self._providers

    def use(self, **choices: str) -> dict[str, str]:
        """Switch providers on this session, e.g. ``p.use(image="offline")`` or
        ``p.use(text="openai:gpt-5-mini")``; returns every capability's choice.

        What was made stays; the next generation uses the new choice.
        """
        if not choices:
            raise InvalidInput("name a capability to switch, e.g. p.use(image='offline').")

        def change(session: Session) -> dict[str, str]:
            chosen = choose({**session.providers, **choices}, environment=False)
            Providers.build(chosen)  # fails here, not at the next approval
            session.providers = chosen
            return chosen

        return self.update(change)

    def __getitem__(self, name: str) -> Any:
        return getattr(self, check_stage(name))

    def __repr__(self) -> str:
        s = self.session
        status = "" if s.stage == "complete" else f" ({s.stages[s.stage].status})"
        return (f"<Pipeline {s.id} {s.title!r} stage={s.stage}{status} "
                f"cost=${s.cost_usd:.4f}>")

    # going back -------------------------------------------------------------

    def reopen(self, stage: str) -> None:
        """Go back to ``stage`` for review; later stages become stale and keep their versions."""
        name = check_stage(stage)

        def change(session: Session) -> None:
            state = session.stages[name]
            if session.stage == name:
                raise StageError(f"{name} is already open for review. {possible_now(session)}")
            if state.status not in ("approved", "stale") or state.current is None:
                raise StageError(
                    f"cannot reopen {name}: it has not been approved yet. {possible_now(session)}"
                )
            if session.stage != "complete" and STAGES.index(name) > STAGES.index(session.stage):
                raise StageError(
                    f"cannot reopen {name}: {session.stage} comes before it and is not approved "
                    f"yet; approve {session.stage} to move on. {possible_now(session)}"
                )
            if session.stage != "complete" and session.stages[session.stage].status == "generating" \
                    and not abandoned(session, session.stage):
                raise StageError(f"cannot reopen {name} while {session.stage} is generating. "
                                 f"{possible_now(session)}")
            session.stage = name
            state.status = "review"
            for later in STAGES[STAGES.index(name) + 1:]:
                other = session.stages[later]
                other.status = "stale" if other.versions else "pending"
                other.error = None

        self.update(change)

    def run_to_end(self) -> None:
        """Approve every stage in turn (the automated mode of ``adpipeline run``)."""
        while True:
            session = self.session
            if session.stage == "complete":
                return
            state = session.stages[session.stage]
            if state.status == "failed" or state.current is None:
                self[session.stage].regenerate()
            self[session.stage].approve()

    # listening --------------------------------------------------------------

    def on_change(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(session)`` after every save made through this object."""
        with self._listeners_lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._listeners_lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return remove

    def on_progress(self, listener: Progress) -> Callable[[], None]:
        with self._listeners_lock:
            self._progress.append(listener)

        def remove() -> None:
            with self._listeners_lock, contextlib.suppress(ValueError):
                self._progress.remove(listener)

        return remove

    def report(self, done: int, total: int, message: str) -> None:
        for listener in list(self._progress):
            listener(done, total, message)

    # the machinery the stages use -------------------------------------------

    def update(self, change: Callable[[Session], T]) -> T:
        """Load, apply ``change``, save with the loaded version; notify listeners."""
        session = self.store.load(self.id)
        result = change(session)
        saved = self.store.save(session)
        self._notify(saved)
        return result

    def work(
        self,
        stage: StageName,
        begin: Callable[[Session], T],
        make: Callable[[Context, Session, T], Callable[[Session], None]],
        *,
        undo: Callable[[Session], None] | None = None,
    ) -> None:
        """Run long work on ``stage``.

        ``begin`` checks the session and may change it (raise to refuse); it returns
        what ``make`` needs. ``make`` does the work and returns a function that applies
        the result to the latest session. If the work fails, ``undo`` (when given) puts
        back what ``begin`` changed; otherwise the stage is marked failed. Either way
        the cost of calls already made is recorded.
        """
        snapshot: dict[str, Any] = {}

        def start(session: Session) -> None:
            snapshot["prepared"] = begin(session)
            state = session.stages[stage]
            state.status = "generating"
            state.error = None
            state.worker = f"{socket.gethostname()}:{os.getpid()}"
            state.started_at = now()

        self.update(start)
        session = self.store.load(self.id)
        gateway = Gateway(self.store.calls, stage=stage, blobs=self.store.blobs,
                          budget_usd=session.budget_usd,
                          spent_usd=session.cost_usd)
        ctx = Context(self.providers_for(session), self.store.blobs, gateway, self.report)
        try:
            apply = make(ctx, session, snapshot["prepared"])
        except BaseException as exc:  # an interrupted cell must not leave it "generating"
            if isinstance(exc, AdPipelineError):
                message = str(exc)
            elif isinstance(exc, KeyboardInterrupt):
                message = "interrupted; regenerate to try again"
            else:
                message = f"{type(exc).__name__}: {exc}"
            self._finish(stage, gateway.ledger, undo or (lambda s: _fail(s, stage, message)))
            raise
        self._finish(stage, gateway.ledger, apply)

    def _finish(
        self, stage: StageName, ledger: list[LedgerEntry], apply: Callable[[Session], None]
    ) -> None:
        def change(session: Session) -> None:
            session.ledger = session.ledger + ledger
            apply(session)

        for _ in range(_FINISH_ATTEMPTS):
            try:
                self.update(change)
                return
            except ConflictError:
                continue  # someone saved meanwhile: apply the result to their version
        raise ConflictError(
            f"could not save the finished {stage} after {_FINISH_ATTEMPTS} attempts because "
            "the session kept changing; regenerate to try again (the result is cached)."
        )

    def _notify(self, session: Session) -> None:
        for listener in list(self._listeners):
            listener(session)


def abandoned(session: Session, stage: StageName) -> bool:
    """Whether a "generating" stage was left so by a process that is gone."""
    state = session.stages[stage]
    if state.status != "generating" or state.worker is None:
        return False
    host, _, pid = state.worker.rpartition(":")
    if host == socket.gethostname():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, ValueError):
            pass
    started = state.started_at or session.updated_at
    return now() - started > ABANDONED_AFTER


def add_version(session: Session, stage: StageName, version: Version) -> None:
    state = session.stages[stage]
    version = version.model_copy(update={"number": len(state.versions),
                                         "inputs": inputs_of(session, stage)})
    state.versions = [*state.versions, version]
    state.current = version.number
    state.status = "review"
    state.error = None
    state.worker = None


def check_budget(value: object) -> float | None:
    """A budget in USD: a finite number that is not negative, or None for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or value < 0:
        raise InvalidInput(
            f"budget must be a number of USD, 0 or more (or None for no limit), got {value!r:.40}."
        )
    return float(value)


def _fail(session: Session, stage: StageName, message: str) -> None:
    state = session.stages[stage]
    state.status = "failed"
    state.error = message
    state.worker = None


def possible_now(session: Session) -> str:
    """A sentence naming the actions that are possible in this state."""
    parts = []
    if session.stage == "complete":
        parts.append("the ad is complete")
    else:
        state = session.stages[session.stage]
        if state.status == "generating" and not abandoned(session, session.stage):
            parts.append(f"wait for {session.stage} to finish generating")
        elif state.status == "failed" and state.current is None:
            parts.append(f"p.{session.stage}.regenerate() to try again")
        else:
            parts.append(f"p.{session.stage}: {_ACTIONS[session.stage]}")
    approved = [s for s in STAGES if session.stages[s].status in ("approved", "stale")
                and s != session.stage]
    if approved:
        parts.append("p.reopen(" + " | ".join(repr(s) for s in approved) + ")")
    return "Possible now: " + "; ".join(parts) + "."


def require_open(session: Session, stage: StageName, action: str, *, needs_output: bool = True) -> None:
    """Raise :class:`StageError` unless ``stage`` is the one under review."""
    state = session.stages[stage]
    if session.stage != stage:
        where = {"approved": "approved (reopen it first)", "stale": "stale (reopen it first)",
                 "pending": "not reached yet"}.get(state.status, state.status)
        raise StageError(f"cannot {action} {stage}: it is {where}. {possible_now(session)}")
    if state.status == "generating" and not abandoned(session, stage):
        raise StageError(f"cannot {action} {stage} while it is generating. {possible_now(session)}")
    if needs_output and state.current is None:
        raise StageError(f"cannot {action} {stage}: it has no output yet. {possible_now(session)}")

