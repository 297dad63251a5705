"""Review widgets for JupyterLab and Voila: one panel per stage and an app for a session.

>>> from adpipeline import ui
>>> ui.app(p)          # doctest: +SKIP  (what ``p`` shows in a cell)
>>> ui.panel(p.story)  # doctest: +SKIP  (what ``p.story`` shows)

Imports are deferred so ``import adpipeline`` never imports ipywidgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..pipeline import Pipeline
    from .pipeline_app import PipelineApp
    from .stage import StagePanel

__all__ = ["app", "panel"]


def app(pipeline: Pipeline, **kwargs: Any) -> PipelineApp:
    """The review app for ``pipeline``: stepper, cost, the current stage's panel and chat.

    Raises ``TypeError`` for an unknown keyword argument (only ``layout`` is accepted).
    """
    from .pipeline_app import PipelineApp

    return PipelineApp(pipeline, **kwargs)


def panel(stage: Any, **kwargs: Any) -> StagePanel:
    """The panel of one stage (``p.story``, ``p.reference_images``, ``p.storyboard``,
    ``p.video``): status and actions, the stage's content, and its chat."""
    from ..pipeline.stages import Stage
    from .stage import StagePanel

    if not isinstance(stage, Stage):
        raise TypeError(f"panel() takes a stage such as p.story, got {type(stage).__name__}.")
    return StagePanel(stage, **kwargs)
