"""Where the widgets' JavaScript and CSS live.

In a wheel, hatch copies the repository's ``widgets/`` folder to ``adpipeline/widgets/``
(see ``force-include`` in pyproject.toml); in a source checkout it stays at the root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def widget_file(name: str) -> Path:
    """The path of ``widgets/<name>``, installed or in a checkout.

    Raises ``FileNotFoundError`` naming both places looked at, so a broken install
    fails when the widget class is defined rather than as a blank panel.
    """
    places = (_PACKAGE / "widgets", _PACKAGE.parent / "widgets")
    for folder in places:
        path = folder / name
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"widget asset {name!r} is in neither {places[0]} nor {places[1]}; "
        "reinstall adpipeline (the wheel ships widgets/ inside the package)."
    )


def widget_source(name: str) -> str:
    """``widgets/_shared.<ext>`` followed by ``widgets/<name>``: one widget's JS or CSS.

    anywidget loads each widget's module on its own, with no relative imports, so
    the helpers every widget uses are joined in front here rather than copied into
    each file.
    """
    shared = widget_file(f"_shared{Path(name).suffix}").read_text(encoding="utf-8")
    own = widget_file(name).read_text(encoding="utf-8")
    return f"{shared}\n{own}"
