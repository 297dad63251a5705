"""The review app for one session: a stepper, the cost so far, and the current stage.

(Not ``app.py``: importing a submodule named ``app`` would replace the ``ui.app``
function on the package.)

``p`` in a notebook cell shows this (see :mod:`adpipeline.ui.display`). The header is
an anywidget (``widgets/app.js``); below it sits the :class:`StagePanel` of the stage
being looked at: the one under review, or an earlier one the person clicked in the
stepper. When the session moves on (an approval here, in a cell or in another process)
the app follows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import ipywidgets
import traitlets as t

from ..errors import InvalidInput
from ..models import STAGES, Session, StageName
from ..providers import NAMES
from ..providers.base import CAPABILITIES
from . import _state
from ._base import LAYOUT_KWARGS, PanelWidget, Spec, choice, reject_unknown, text
from ._files import static_file
from ._live import Live
from .stage import StagePanel

if TYPE_CHECKING:
    from ..pipeline import Pipeline


class AppHeader(PanelWidget):
    """Title, stepper (Story -> Images -> Storyboard -> Video) and cost against budget."""

    _esm = static_file("app.js")
    _css = static_file("app.css")

    #: Display only.
    title = t.Unicode("").tag(sync=True)
    steps = t.List(t.Dict()).tag(sync=True)
    viewing = t.Unicode("story").tag(sync=True)
    complete = t.Bool(False).tag(sync=True)
    cost_usd = t.Float(0.0).tag(sync=True)
    #: ``-1`` when the session has no budget.
    budget_usd = t.Float(-1.0).tag(sync=True)
    #: The brief as the person wrote it (shown as text).
    brief = t.Unicode("").tag(sync=True)
    #: Show "All ads", a link to the start page (the Voila app sets it).
    home_link = t.Bool(False).tag(sync=True)
    #: Per capability: what the session uses and what it could switch to (names only:
    #: keys never reach a trait).
    providers = t.List(t.Dict()).tag(sync=True)

    commands: ClassVar[dict[str, Spec]] = {
        "show": Spec({"stage": choice(*STAGES)}),
        "use": Spec({"capability": choice(*CAPABILITIES), "provider": text(300)}),
    }

    def __init__(self, app: PipelineApp, *, live: Live, **kwargs: Any) -> None:
        self._app = app
        super().__init__(live, **kwargs)

    def refresh(self, session: Session) -> None:
        self._app._follow(session)
        with self.hold_sync():
            self.title = session.title
            self.brief = session.brief.prompt
            self.steps = _state.steps(session)
            self.viewing = self._app.viewing
            self.complete = session.stage == "complete"
            self.cost_usd = session.cost_usd
            self.budget_usd = -1.0 if session.budget_usd is None else session.budget_usd
            self.providers = [
                {"capability": capability, "current": session.providers.get(capability, "offline"),
                 "options": list(NAMES[capability])}
                for capability in CAPABILITIES
            ]
            self.busy = self._live.busy

    def resync(self) -> None:
        # The boxes around the panels are plain ipywidgets: which stage's panel is shown
        # (and whether the painter is open) lives in their children.
        self._app.send_state()
        self._app.panel.send_state()
        super().resync()

    def _cmd_use(self, capability: str, provider: str) -> None:
        """Switch a capability's provider (the pipeline checks the name and its setup)."""
        self._live.pipeline.use(**{capability: provider})

    def _cmd_show(self, stage: StageName) -> None:
        session = self._live.pipeline.session
        if session.stages[stage].current is None and session.stage != stage:
            raise InvalidInput(f"the {_state.NAMES[stage]} stage has nothing to show yet.")
        self._app.show(stage)
        self.viewing = stage


class PipelineApp(ipywidgets.VBox):  # type: ignore[misc]
    """Header plus the panel of the stage being looked at. Made by :func:`adpipeline.ui.app`.

    One worker thread per app runs what its buttons ask for; ``close()`` stops it.
    """

    def __init__(self, pipeline: Pipeline, **kwargs: Any) -> None:
        reject_unknown(type(self).__name__, kwargs, LAYOUT_KWARGS)
        self._pipeline = pipeline
        self._live = Live(pipeline)
        self._panels: dict[str, StagePanel] = {}
        session = pipeline.session
        self._stage_seen = session.stage
        self.viewing: StageName = _shown_stage(session.stage)
        super().__init__(children=[], **kwargs)
        self.add_class("adp-app")
        self.header = AppHeader(self, live=self._live)
        self.children = [self.header, self._panel(self.viewing)]
        self._carried: tuple[str, str, str] | None = None
        self._live.on_carry = self._carry

    @property
    def pipeline(self) -> Pipeline:
        return self._pipeline

    @property
    def panel(self) -> StagePanel:
        """The stage panel being shown."""
        return self._panel(self.viewing)

    def show(self, stage: str) -> None:
        """Show ``stage``'s panel (it stays until the session moves to another stage)."""
        if stage not in STAGES:
            raise InvalidInput(f"unknown stage {stage!r}: choose one of {', '.join(STAGES)}.")
        panel = self._panel(stage)  # type: ignore[arg-type]
        self.viewing = stage  # type: ignore[assignment]
        self.children = [self.header, panel]
        if hasattr(self, "header"):
            self.header.viewing = self.viewing
        self._deliver()

    def _carry(self, stage: str, text: str, message: str) -> None:
        """A message refused in ``stage``'s panel: the app moves to the stage now under
        review, so the text is put in that panel's box rather than lost with the old one."""
        self._carried = (stage, text, message)
        self._deliver()

    def _deliver(self) -> None:
        carried = getattr(self, "_carried", None)
        if carried is not None and carried[0] != self.viewing:
            self._carried = None
            self.panel.chat.put_back(carried[1], carried[2])

    def _follow(self, session: Session) -> None:
        """Switch to the stage under review whenever the session moves to another one."""
        if session.stage != self._stage_seen:
            self._stage_seen = session.stage
            before = self._panels.get(self.viewing)
            if before is not None and not self._live.busy:  # busy: this app's own approval
                self._carry_typed(before, session)
            self.show(_shown_stage(session.stage))

    def _carry_typed(self, panel: StagePanel, session: Session) -> None:
        """Text typed, not sent, in ``panel``'s chat when another window moved the session
        on: the panel goes, so the text goes to the next one's box, with why."""
        typed, name = panel.chat.unsent(), panel.stage.name
        why = _state.moved_on(session, name)
        if typed and why:
            self._carried = (name, typed, _state.refusal(name, why, here=False))
            panel.chat.typed = ""

    def _panel(self, stage: StageName) -> StagePanel:
        # Under the lock: the poller may be making this panel while code on the kernel's
        # thread reads ``app.panel``, and two panels for one stage lose what one was given.
        with self._live.lock:
            if stage not in self._panels:
                self._panels[stage] = StagePanel(self._pipeline[stage], live=self._live)
            return self._panels[stage]

    def close(self) -> None:
        for panel in getattr(self, "_panels", {}).values():  # absent if __init__ failed
            panel.close()
        if getattr(self, "header", None) is not None:
            self.header.close()
        if getattr(self, "_live", None) is not None:
            self._live.close()
        super().close()


def _shown_stage(stage: str) -> StageName:
    return "video" if stage == "complete" else stage  # type: ignore[return-value]
