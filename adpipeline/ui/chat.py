"""The chat about one stage: what the person asked and what the assistant planned."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import traitlets as t

from ..errors import ConflictError, StageError
from ..models import Session
from ..pipeline.user_input import MAX_FEEDBACK_CHARS
from . import _state
from ._base import PanelWidget, Spec, Work, text
from ._files import static_file
from ._live import Live
from ._words import Refused

if TYPE_CHECKING:
    from ..pipeline.stages import Stage


class ChatPanel(PanelWidget):
    """Messages of one stage; sending one calls ``stage.feedback(text)`` on the worker
    thread (the assistant may regenerate or approve when asked to)."""

    _esm = static_file("chat.js")
    _css = static_file("chat.css")

    #: Display only: ``[{"role", "text", "item", "time", "iso"}]``, oldest first.
    messages = t.List(t.Dict()).tag(sync=True)
    #: Display only: feedback is possible (the stage is under review).
    reviewing = t.Bool(False).tag(sync=True)
    stage_label = t.Unicode("").tag(sync=True)
    max_chars = t.Int(MAX_FEEDBACK_CHARS).tag(sync=True)
    #: Display only: ``{"text", "n"}``, a message to put back in the box (it was typed in
    #: another stage's panel and could not be sent); ``n`` changes each time.
    draft = t.Dict().tag(sync=True)

    #: What is in the box, not sent yet (the browser sets it while the person types).
    #: Only ever put back in a box: if another window moves the session on, the app
    #: shows the next stage and this panel goes, so the text is carried there.
    typed = t.Unicode("").tag(sync=True)

    commands: ClassVar[dict[str, Spec]] = {"send": Spec({"text": text(MAX_FEEDBACK_CHARS)})}

    def __init__(self, stage: Stage, *, live: Live, **kwargs: Any) -> None:
        self._stage = stage
        super().__init__(live, **kwargs)

    def refresh(self, session: Session) -> None:
        name = self._stage.name
        with self.hold_sync():
            self.messages = _state.messages(session, name)
            self.reviewing = _state.is_open(session, name)
            self.stage_label = _state.NAMES[name]
            self.busy = self._live.busy or _state.working(session, name)

    def _cmd_send(self, text: str) -> Work:
        refuse_if_moved(self._live, self._stage, text)

        def run() -> None:
            try:
                self._stage.feedback(text)
            except (StageError, ConflictError):
                refuse_if_moved(self._live, self._stage, text)  # another window came first
                raise

        return Work(run, label="Assistant is answering…")

    def unsent(self) -> str:
        """The text typed in the box and not sent (checked: the browser can send anything)."""
        typed = self.typed if isinstance(self.typed, str) else ""
        return typed.strip()[:MAX_FEEDBACK_CHARS]

    def put_back(self, text: str, message: str) -> None:
        """Show ``text`` in the box again, with ``message`` saying why it was not sent."""
        with self.hold_sync():
            self.draft = {"text": text, "n": int(self.draft.get("n", 0)) + 1}
            self.error, self.can_retry = message, False


def refuse_if_moved(live: Live, stage: Stage, text: str) -> None:
    """Raise :class:`Refused` (and hand ``text`` on) if ``stage`` stopped taking feedback:
    another window or process approved, reopened or regenerated meanwhile."""
    why = _state.moved_on(stage.pipeline.session, stage.name)
    if why:
        live.carry(stage.name, text, _state.refusal(stage.name, why, here=False))
        raise Refused(_state.refusal(stage.name, why, here=True))
