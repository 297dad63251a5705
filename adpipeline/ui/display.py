"""Show a :class:`~adpipeline.Pipeline` as its review app, and a stage as its panel.

Registered by type *name* (``for_type_by_name``), so neither this module nor anything
below ``ui`` imports ipywidgets: the formatter runs, and imports the widgets, only when
a pipeline or stage is actually displayed in a kernel.
"""

from __future__ import annotations

import sys
from typing import Any

#: (module, class) of what gets a widget, and which widget.
_APP = ("adpipeline.pipeline.pipeline", "Pipeline")
_STAGES = (
    ("adpipeline.pipeline.stages", "StoryStage"),
    ("adpipeline.pipeline.stages", "ImageStage"),
    ("adpipeline.pipeline.stages", "VideoStage"),
)


def register(ipython: Any) -> None:
    """Make ``p`` show the app and ``p.story`` (any stage) show its panel in ``ipython``.

    Safe to call more than once (the formatter keeps one function per type).
    """
    formatter = ipython.display_formatter.mimebundle_formatter
    formatter.for_type_by_name(*_APP, _app_bundle)
    for module, name in _STAGES:
        formatter.for_type_by_name(module, name, _panel_bundle)


def register_in_kernel() -> bool:
    """Call :func:`register` if running inside an IPython kernel; return whether it did.

    Looks only at modules already imported, so a plain script never imports IPython.
    """
    ipython_module = sys.modules.get("IPython")
    if ipython_module is None:
        return False
    ipython = ipython_module.get_ipython()
    if ipython is None or getattr(ipython, "kernel", None) is None:
        return False
    register(ipython)
    return True


def _bundle(widget: Any, include: Any, exclude: Any) -> Any:
    return widget._repr_mimebundle_(include=include, exclude=exclude)


def _app_bundle(pipeline: Any, include: Any = None, exclude: Any = None) -> Any:
    from .pipeline_app import PipelineApp

    return _bundle(PipelineApp(pipeline), include, exclude)


def _panel_bundle(stage: Any, include: Any = None, exclude: Any = None) -> Any:
    from .stage import StagePanel

    return _bundle(StagePanel(stage), include, exclude)
