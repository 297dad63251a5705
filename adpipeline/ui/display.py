"""Show a :class:`~adpipeline.Pipeline` as its review app, and a stage as its panel.

``Pipeline._repr_mimebundle_`` and ``Stage._repr_mimebundle_`` call :func:`bundle` by
module name, so the widgets are imported only when a pipeline or stage is displayed.
"""

from __future__ import annotations

import sys
from typing import Any


def bundle(shown: Any, include: Any = None, exclude: Any = None) -> Any:
    """The display data of the app (for a pipeline) or the panel (for a stage).

    Outside a kernel (a terminal IPython) only the text: nothing there can show a
    widget, and a widget built anyway would keep listening to the session.
    """
    text = {"text/plain": repr(shown)}
    if not _in_kernel():
        return text
    from ..pipeline import Pipeline

    if isinstance(shown, Pipeline):
        from .pipeline_app import PipelineApp

        widget: Any = PipelineApp(shown)
    else:
        from .stage import StagePanel

        widget = StagePanel(shown)
    return {**widget._repr_mimebundle_(include=include, exclude=exclude), **text}


def _in_kernel() -> bool:
    """Whether this runs in an IPython kernel (looks only at modules already imported)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None
