"""The Pipeline: one session, its four stages, and the rules for moving between them.

Every action is load -> check -> change -> save-with-version. A check that fails
raises before anything is saved. Long work (writing, drawing, rendering) is done in
three steps so other clients see it happen: mark the stage ``generating`` and save;
do the work outside any lock; then apply the result to a freshly loaded session and
save, retrying on a version conflict so a finished result is never lost.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable
from typing import Any, Literal, TypeVar, overload

from ..errors import AdPipelineError, ConflictError, InvalidInput, StageError
from ..models import (
    STAGES,
    LedgerEntry,
    Session,
    SessionStage,
    StageName,
    check_stage,
    now,
)
from ..providers import Providers, choose
from ..providers.base import Progress
from ..providers.gateway import Gateway
from ..snapshot import read_only
from ..store import Store
from .context import Context
from .rules import abandoned, check_budget, possible_now
from .stages import ImageStage, ReferenceImagesStage, StoryboardStage, StoryStage, VideoStage

T = TypeVar("T")
Listener = Callable[[Session], None]

_FINISH_ATTEMPTS = 20


class Pipeline:
    """A session you can drive from code. Create with :func:`adpipeline.start` or
    :func:`adpipeline.resume`; ``p`` in a Jupyter cell shows its review app."""

    def __init__(self, session_id: str, store: Store, *, progress: Progress | None = None):
        self._store = store
        self._snapshot: Session | None = None
        session = self._remember(store.load(session_id))
        self.id = session.id
        self._providers = Providers.build(session.providers)
        self._listeners: list[Listener] = []
        self._progress: list[Progress] = [progress] if progress is not None else []
        self._listeners_lock = threading.Lock()
        self.story = StoryStage(self)
        self.reference_images = ReferenceImagesStage(self)
        self.storyboard = StoryboardStage(self)
        self.video = VideoStage(self)

    # reading ----------------------------------------------------------------

    @property
    def session(self) -> Session:
        """The stored session as a read-only snapshot.

        It is read again only when the store holds a newer version (one small read),
        so reading properties in a loop is cheap. Assigning to it raises: change the
        session through ``p`` and its stages.
        """
        snapshot = self._snapshot
        if snapshot is None or snapshot.version != self._store.version(self.id):
            snapshot = self._remember(self._store.load(self.id))
        return snapshot

    def _remember(self, session: Session) -> Session:
        """Keep ``session`` (now read-only) as the snapshot, unless a newer one is kept."""
        read_only(session)
        kept = self._snapshot
        if kept is None or kept.version <= session.version:
            self._snapshot = session
        return session

    @property
    def stage(self) -> SessionStage:
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
        self._update(lambda s: setattr(s, "budget_usd", checked))

    @property
    def providers(self) -> Providers:
        """The providers the stored session chose (another process may have switched them)."""
        return self._providers_for(self.session)

    def _providers_for(self, session: Session) -> Providers:
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

        return self._update(change)

    @overload
    def __getitem__(self, name: Literal["story"]) -> StoryStage: ...
    @overload
    def __getitem__(self, name: Literal["reference_images", "storyboard"]) -> ImageStage: ...
    @overload
    def __getitem__(self, name: Literal["video"]) -> VideoStage: ...
    @overload
    def __getitem__(self, name: str) -> StoryStage | ImageStage | VideoStage: ...

    def __getitem__(self, name: str) -> StoryStage | ImageStage | VideoStage:
        stage: StoryStage | ImageStage | VideoStage = getattr(self, check_stage(name))
        return stage

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """In Jupyter ``p`` shows its review app; the widgets load only then."""
        from .display import mimebundle

        return mimebundle(self, include, exclude)

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

        self._update(change)

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

    def _report(self, done: int, total: int, message: str) -> None:
        for listener in list(self._progress):
            listener(done, total, message)

    # the machinery the stages use -------------------------------------------

    def _update(self, change: Callable[[Session], T]) -> T:
        """Load, apply ``change``, save with the loaded version; notify listeners."""
        session = self._store.load(self.id)
        result = change(session)
        saved = self._remember(self._store.save(session))
        self._notify(saved)
        return result

    def _gateway(self, stage: StageName, session: Session) -> Gateway:
        """The one way provider calls are made: cached, priced, and held to the budget."""
        return Gateway(self._store.calls, stage=stage, blobs=self._store.blobs,
                       budget_usd=session.budget_usd, spent_usd=session.cost_usd)

    def _work(
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

        self._update(start)
        session = self._store.load(self.id)
        gateway = self._gateway(stage, session)
        ctx = Context(self._providers_for(session), self._store.blobs, gateway, self._report)
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
                self._update(change)
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


def _fail(session: Session, stage: StageName, message: str) -> None:
    state = session.stages[stage]
    state.status = "failed"
    state.error = message
    state.worker = None
