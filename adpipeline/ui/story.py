"""The story panel: title, framework and why, timed scenes, voiceover, call to action.

A scene's words are edited in place; each save is a new version of the story made by
:meth:`StoryStage.edit_scene` (and kept by later regenerations).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import traitlets as t

from ..models import Session
from . import _state
from ._base import PanelWidget, Spec, choice, text, whole
from ._files import static_file
from ._live import Live

if TYPE_CHECKING:
    from ..pipeline.stages import StoryStage

#: The scene fields a person may edit in the panel (a subset of what edit_scene takes).
EDITABLE = ("action", "voiceover", "on_screen_text")
#: Same limit as ``StoryStage.edit_scene``; checked here first so the reply is immediate.
SCENE_TEXT_LIMIT = 600


class StoryPanel(PanelWidget):
    """The current story version of a :class:`~adpipeline.pipeline.StoryStage`."""

    _esm = static_file("story.js")
    _css = static_file("story.css")

    #: Display only: see ``_state.story``; ``{}`` before the first draft.
    story = t.Dict().tag(sync=True)
    #: Display only: the story is under review, so scenes can be edited.
    reviewing = t.Bool(False).tag(sync=True)
    editable = t.List(t.Unicode(), default_value=list(EDITABLE)).tag(sync=True)

    commands: ClassVar[dict[str, Spec]] = {
        "edit_scene": Spec({"scene": whole(1, 1000), "field": choice(*EDITABLE),
                            "text": text(SCENE_TEXT_LIMIT)}),
    }

    def __init__(self, stage: StoryStage, *, live: Live, **kwargs: Any) -> None:
        self._stage = stage
        super().__init__(live, **kwargs)

    def refresh(self, session: Session) -> None:
        version = session.stages["story"].output
        with self.hold_sync():
            self.story = _state.story(version.story if version is not None else None)
            self.reviewing = _state.is_open(session, "story")
            self.busy = self._live.busy or _state.working(session, "story")

    def _cmd_edit_scene(self, scene: int, field: str, text: str) -> None:
        self._stage.edit_scene(scene, **{field: text})  # checks the scene number
