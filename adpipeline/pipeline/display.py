"""How a pipeline or a stage shows itself in Jupyter: as its review widget.

The widgets live in the ``ui`` layer above this one. They are looked up by name when
IPython asks for a display, so ``import adpipeline`` imports neither IPython nor
ipywidgets, and this layer never imports the one above it.
"""

from __future__ import annotations

import importlib
from typing import Any

_UI = "adpipeline.ui.display"
_NO_WIDGETS = "\n(the review widgets need the jupyter extra: pip install 'adpipeline[jupyter]')"


def mimebundle(shown: Any, include: Any = None, exclude: Any = None) -> Any:
    """The widget's display data for a pipeline or a stage; its text when the widgets
    are not installed, so a plain IPython shell still shows something useful."""
    try:
        ui = importlib.import_module(_UI)
        return ui.bundle(shown, include, exclude)
    except ModuleNotFoundError as missing:
        if missing.name is not None and missing.name.startswith("adpipeline"):
            raise
        return {"text/plain": repr(shown) + _NO_WIDGETS}
