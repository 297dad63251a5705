"""The bar over every stage panel, and the panel that stacks bar, content and chat.

:class:`StageBar` holds what every stage has in common: its status, the version
switcher, Approve (with a confirmation in the browser), Regenerate, Reopen, progress
while work runs, and an error banner with Retry. :class:`StagePanel` is what ``p.story``
(or any stage) shows in a notebook: the bar, the stage's own panel, the mask painter
while one is open, and the chat about the stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import ipywidgets
import traitlets as t

from ..models import Session
from . import _state
from ._base import LAYOUT_KWARGS, PanelWidget, Spec, Work, reject_unknown, whole
from ._files import static_file
from ._live import Live

if TYPE_CHECKING:
    from ..pipeline import Pipeline
    from ..pipeline.stages import Stage


class StageBar(PanelWidget):
    """Status, versions, Approve / Regenerate / Reopen, progress and errors of one stage."""

    _esm = static_file("stagebar.js")
    _css = static_file("stagebar.css")

    #: Display only (never read back): the stage's name and state, see ``_state.stage_bar``.
    stage = t.Unicode("").tag(sync=True)
    state = t.Dict().tag(sync=True)
    #: ``{"done", "total", "message"}`` of running work, ``{}`` when idle.
    progress = t.Dict().tag(sync=True)

    commands: ClassVar[dict[str, Spec]] = {
        "approve": Spec(),
        "regenerate": Spec(),
        "reopen": Spec(),
        "revert": Spec({"version": whole(0, 100_000)}),
    }

    def __init__(self, stage: Stage, *, live: Live, **kwargs: Any) -> None:
        self._stage = stage
        self._busy = False
        super().__init__(live, **kwargs)

    def refresh(self, session: Session) -> None:
        state = _state.stage_bar(session, self._stage.name)
        # Kept in Python too: the browser can write the ``busy`` trait, so it is not read back.
        self._busy = self._live.busy or _state.working(session, self._stage.name)
        with self.hold_sync():
            self.stage = self._stage.name
            self.state = state
            self.busy = self._busy
            if not self._busy:
                self.progress = {}
            else:
                # Work started in another process sends no reports here: say what we know.
                self.progress = self._live.progress or {
                    "done": 0, "total": 0, "message": f"Generating the {state['name']} ..."}

    def show_progress(self, progress: dict[str, Any]) -> None:
        if self._busy:
            self.progress = progress

    def _cmd_approve(self) -> Work:
        following = _state.stage_bar(self._live.pipeline.session, self._stage.name)["next"]
        label = ("Finishing the ad…" if not following else "Rendering the video…"
                 if following == "video" else f"Generating the {following}…")
        return Work(self._stage.approve, label=label)

    def _cmd_regenerate(self) -> Work:
        return Work(self._stage.regenerate,
                    label=f"Regenerating the {_state.NAMES[self._stage.name]}…")

    def _cmd_reopen(self) -> None:
        self._stage.pipeline.reopen(self._stage.name)

    def _cmd_revert(self, version: int) -> None:
        self._stage.revert(version)  # checks the range against the stored versions


class StagePanel(ipywidgets.VBox):  # type: ignore[misc]
    """One stage in full: bar, content, painter (while editing) and chat.

    Made by :func:`adpipeline.ui.panel`; closing it stops its updates and its worker.
    """

    def __init__(self, stage: Stage, *, live: Live | None = None, **kwargs: Any) -> None:
        reject_unknown(type(self).__name__, kwargs, LAYOUT_KWARGS)
        from .chat import ChatPanel

        self._own_live = live is None
        self._live = live or Live(_pipeline_of(stage))
        self._stage = stage
        self.bar = StageBar(stage, live=self._live)
        self.content = _content_for(stage, self._live, self)
        self.chat = ChatPanel(stage, live=self._live)
        self.painter: Any = None
        super().__init__(children=[self.bar, self.content, self.chat], **kwargs)
        self.add_class("adp-stage-panel")

    @property
    def stage(self) -> Stage:
        return self._stage

    def open_painter(self, item: int) -> None:
        """Show the mask painter for ``item`` under the gallery (one at a time)."""
        from ..pipeline.stages import ImageStage
        from .painter import MaskPainter

        self.close_painter()
        assert isinstance(self._stage, ImageStage)  # only galleries offer Edit
        self.painter = MaskPainter(self._stage, item, live=self._live, on_close=self.close_painter)
        self.children = [self.bar, self.content, self.painter, self.chat]

    def close_painter(self) -> None:
        if getattr(self, "painter", None) is not None:
            painter, self.painter = self.painter, None
            self.children = [self.bar, self.content, self.chat]
            painter.close()

    def close(self) -> None:
        self.close_painter()
        for name in ("bar", "content", "chat"):
            child = getattr(self, name, None)  # absent if __init__ failed half way
            if child is not None:
                child.close()
        if getattr(self, "_own_live", False):
            self._live.close()
        super().close()


def _content_for(stage: Stage, live: Live, panel: StagePanel) -> PanelWidget:
    from ..pipeline.stages import ImageStage, StoryStage, VideoStage

    if isinstance(stage, StoryStage):
        from .story import StoryPanel

        return StoryPanel(stage, live=live)
    if isinstance(stage, ImageStage):
        from .gallery import GalleryPanel

        return GalleryPanel(stage, live=live, on_edit=panel.open_painter)
    from .video import VideoPanel

    assert isinstance(stage, VideoStage)
    return VideoPanel(stage, live=live)


def _pipeline_of(stage: Stage) -> Pipeline:
    from ..pipeline import Pipeline

    pipeline = stage.pipeline
    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"a panel shows a stage of a Pipeline, not of {type(pipeline).__name__}.")
    return pipeline
