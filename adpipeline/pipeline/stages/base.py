"""What every stage can do: read its output, talk about it, revert, approve."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import ValidationError

from ...errors import BudgetExceeded, InvalidInput, ProviderError, StageError
from ...models import STAGES, Feedback, Message, Session, StageName, Status, Story, Version
from ...providers import Providers
from ...providers.base import FeedbackPlan
from ...providers.gateway import Gateway
from ...store import Store
from ..context import Context
from ..generate import inputs_of
from ..rules import require_open
from ..user_input import check_text, whole

OutputT = TypeVar("OutputT")
#: What a stage works out, before the slow part, about the version it is going to make.
PlanT = TypeVar("PlanT")
#: Saves a finished piece of work into the latest session.
Apply = Callable[[Session], None]
T = TypeVar("T")


class Owner(Protocol):
    """What a stage needs from the :class:`~adpipeline.Pipeline` it belongs to.

    A protocol rather than the class itself, so that the pipeline can import its stages
    without the stages importing it back.
    """

    id: str
    _store: Store

    @property
    def session(self) -> Session: ...

    def reopen(self, stage: str) -> None: ...

    def __getitem__(self, name: str) -> Any: ...

    def _providers_for(self, session: Session) -> Providers: ...

    def _gateway(self, stage: StageName, session: Session) -> Gateway: ...

    def _update(self, change: Callable[[Session], T]) -> T: ...

    def _work(self, stage: StageName, begin: Callable[[Session], T],
              make: Callable[[Context, Session, T], Apply], *,
              undo: Callable[[Session], None] | None = None) -> None: ...


class Stage(Generic[OutputT, PlanT]):
    """One stage of a session. Reading a property reads the session's snapshot, which
    is reloaded only when the stored session changed."""

    name: ClassVar[StageName]
    #: The provider capability and operation that make this stage's output.
    made_by: ClassVar[tuple[str, str]]

    def __init__(self, pipeline: Owner) -> None:
        self.pipeline = pipeline

    def __repr__(self) -> str:
        state = self.pipeline.session.stages[self.name]
        return (f"<{type(self).__name__} {self.name}: {state.status}, "
                f"{len(state.versions)} version(s)>")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """In Jupyter a stage shows its review panel; the widgets load only then."""
        from ..display import mimebundle

        return mimebundle(self, include, exclude)

    # reading ----------------------------------------------------------------

    @property
    def status(self) -> Status:
        return self.pipeline.session.stages[self.name].status

    @property
    def error(self) -> str | None:
        return self.pipeline.session.stages[self.name].error

    @property
    def versions(self) -> list[Version]:
        return self.pipeline.session.stages[self.name].versions

    @property
    def current(self) -> int | None:
        return self.pipeline.session.stages[self.name].current

    @property
    def pending(self) -> list[Feedback]:
        return self.pipeline.session.stages[self.name].pending

    @property
    def messages(self) -> list[Message]:
        return [m for m in self.pipeline.session.conversation if m.stage == self.name]

    @property
    def output(self) -> OutputT | None:
        return self.output_in(self.pipeline.session)

    def output_in(self, session: Session) -> OutputT | None:
        """What :attr:`output` would be in ``session`` (a copy already loaded)."""
        raise NotImplementedError

    # acting -----------------------------------------------------------------

    def feedback(self, text: str, item: int | None = None) -> str:
        """Tell the stage what to change; returns the assistant's reply.

        The change is applied by :meth:`regenerate` (or at once if the message asks to
        regenerate or approve). Raises ``StageError`` unless this stage is under review.
        """
        text = check_text(text, "feedback")
        session = self.pipeline.session
        require_open(session, self.name, "give feedback on")
        self._check_item(session, item)
        provider = self.pipeline._providers_for(session).text
        gateway = self.pipeline._gateway(self.name, session)
        output = session.stages["story"].output
        story: Story | None = output.story if output is not None else None
        data = gateway.call(
            provider, "interpret",
            {"stage": self.name, "text": text, "item": item,
             "story": story.model_dump(mode="json") if story else None},
            lambda: provider.interpret(self.name, text, item, story).model_dump(mode="json"),
        )
        try:
            plan = FeedbackPlan.model_validate(data)
        except ValidationError as exc:
            # A plan is read the same way from a provider and from the call cache: keys it
            # does not know are dropped, but a value out of range or of the wrong type
            # would turn the wrong knob, so the message is refused as a whole.
            wrong = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
            raise ProviderError(
                f"the text provider {provider.name} read this message as a change that cannot be "
                f"made ({wrong}); nothing was changed. Say it in other words, or use another "
                "text provider."
            ) from None
        changes = plan.changes.without_item()
        target = plan.changes.item
        if target is not None and item is None:
            target = self._item_named_in_chat(session, target)
        else:
            target = None if item is None else self._resolve_item(session, item)

        def change(s: Session) -> None:
            require_open(s, self.name, "give feedback on")
            s.conversation = [
                *s.conversation,
                Message(role="user", text=text, stage=self.name, item=target),
                Message(role="assistant", text=plan.reply, stage=self.name, item=target),
            ]
            if changes:
                state = s.stages[self.name]
                state.pending = [*state.pending, Feedback(text=text, item=target, changes=changes)]
                if self.name == "story" and changes.aspect is not None:
                    # "it's for TikTok": the frame shape is the brief's, so change it there.
                    s.brief = s.brief.model_copy(update={"aspect": changes.aspect})
            s.ledger = s.ledger + gateway.ledger

        self.pipeline._update(change)
        if plan.action == "regenerate":
            self.regenerate(item=target)
        elif plan.action == "approve":
            self.approve()
        return plan.reply

    def regenerate(self, item: int | None = None) -> None:
        """Make a new version applying pending feedback; with none, a new variant."""
        raise NotImplementedError

    def revert(self, n: int) -> None:
        """Make version ``n`` current again (versions are kept, nothing is deleted)."""

        def change(session: Session) -> None:
            require_open(session, self.name, "revert")
            state = session.stages[self.name]
            if not whole(n) or not 0 <= n < len(state.versions):
                raise InvalidInput(
                    f"{self.name} has versions 0 to {len(state.versions) - 1}; "
                    f"there is no version {n!r}."
                )
            state.current = n
            state.status = "review"
            state.error = None

        self.pipeline._update(change)

    def approve(self) -> None:
        """Approve this stage and generate the next one.

        All or nothing: if the next stage cannot be made (budget, provider), this
        stage stays under review and nothing changes but the record of what was spent.
        If the next stage already has output made from exactly these inputs (you went
        back and approved again without changes), that output is reused.
        """
        index = STAGES.index(self.name)
        following = STAGES[index + 1] if index + 1 < len(STAGES) else None
        before: dict[str, Any] = {}

        def begin(session: Session) -> Any:
            require_open(session, self.name, "approve")
            state = session.stages[self.name]
            before.update(pending=state.pending, following=None if following is None else
                          session.stages[following].model_dump(include={"status", "error"}))
            state.status = "approved"
            state.pending = []
            session.stage = following or "complete"
            if following is None:
                return None
            nxt = session.stages[following]
            if nxt.output is not None and nxt.output.inputs == inputs_of(session, following):
                raise _Reused
            return self.pipeline[following]._first_plan(session)

        def undo(session: Session) -> None:
            assert following is not None
            if session.stage != following or session.stages[following].status != "generating":
                return  # someone else moved on meanwhile: leave their state alone
            session.stage = self.name
            state = session.stages[self.name]
            state.status = "review"
            state.pending = [*before["pending"], *state.pending]
            nxt = session.stages[following]
            nxt.status, nxt.error = before["following"]["status"], before["following"]["error"]
            nxt.worker = nxt.started_at = None

        if following is None:
            self.pipeline._update(begin)
            return
        self._preflight(following)
        try:
            self.pipeline._work(following, begin, self.pipeline[following]._make, undo=undo)
        except _Reused:
            def reuse(session: Session) -> None:
                try:
                    begin(session)
                except _Reused:
                    session.stages[following].status = "review"
                    session.stages[following].error = None
                    return
                raise StageError(f"what {following} is made from changed meanwhile; approve again.")

            self.pipeline._update(reuse)

    def _preflight(self, following: StageName) -> None:
        """Refuse an approval whose next stage cannot even start, before anything is saved."""
        session = self.pipeline.session
        require_open(session, self.name, "approve")
        capability, operation = self.pipeline[following].made_by
        provider = self.pipeline._providers_for(session).ready(capability)
        budget, spent = session.budget_usd, session.cost_usd
        if budget is not None and spent >= budget - 1e-9:
            cost = provider.estimate(operation, {}).usd
            if cost > 0:
                raise BudgetExceeded(
                    f"this session has spent ${spent:.4f} of its ${budget:.2f} budget, and "
                    f"{following} with {provider.name} costs money; nothing was approved. Raise "
                    f"the budget (p.budget = ...) or switch to the offline provider "
                    f"(p.use({capability}='offline')).")

    # actions only some stages have: a clear refusal on the others ----------

    def edit_scene(self, scene: int, **fields: str) -> None:
        """Change a scene's words by hand (the story stage only)."""
        raise StageError(f"{self.name} has no scenes to edit; p.story.edit_scene(n, voiceover=...) "
                         "changes the story's words.")

    def edit(self, item: int, mask: Any, prompt: str) -> None:
        """Inpaint part of an image (the image stages only)."""
        raise self._no_items("edit (inpaint)")

    def replace(self, item: int, image: Any) -> None:
        """Put your own image in place of an item (the image stages only)."""
        raise self._no_items("replace")

    def revert_item(self, item: int, version: int) -> None:
        """Bring back one item from an earlier version (the image stages only)."""
        raise self._no_items("revert an item of")

    def _no_items(self, action: str) -> StageError:
        return StageError(f"cannot {action} {self.name}: it has no separate images; only "
                          "p.reference_images and p.storyboard do. Use revert(n) for a whole "
                          "version.")

    # for subclasses ---------------------------------------------------------

    def _first_plan(self, session: Session) -> PlanT:
        """What to make when the stage before is approved."""
        raise NotImplementedError

    def _make(self, ctx: Context, session: Session, plan: PlanT) -> Apply:
        """Do the slow work of ``plan``; return what saves the result."""
        raise NotImplementedError

    def _check_item(self, session: Session, item: int | None) -> None:
        if item is not None:
            raise InvalidInput(f"{self.name} is a single item; leave out item=.")

    def _item_named_in_chat(self, session: Session, item: object) -> int | None:
        """The item a chat message named; on a single-item stage, the whole of it."""
        return None

    def _resolve_item(self, session: Session, item: int) -> int:
        self._check_item(session, item)
        return item


class _Reused(Exception):
    """The next stage's output already matches its inputs (raised to skip the work)."""


def note_of(feedback: list[Feedback]) -> str:
    """A version's note: what feedback it applied."""
    if not feedback:
        return "new variant"
    return "feedback: " + "; ".join(f.text for f in feedback)
