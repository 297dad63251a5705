"""Where the widgets' bundled JavaScript and CSS live: ``adpipeline/static/``.

``npm run build`` bundles them there from ``widgets/`` (see ``scripts/build_widgets.mjs``); the bundles
are committed, so an install needs no Node.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"


def static_file(name: str) -> Path:
    """The path of ``adpipeline/static/<name>``, for a widget's ``_esm`` or ``_css``.

    Raises ``FileNotFoundError`` saying how to get it back, so a broken checkout fails
    when the widget class is defined rather than as a blank panel.
    """
    path = STATIC / name
    if not path.is_file():
        raise FileNotFoundError(
            f"widget bundle {path} is missing: in a source checkout run `npm ci && npm run "
            "build`; otherwise reinstall adpipeline."
        )
    return path
