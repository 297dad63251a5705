"""What every widget promises: commands from the browser are checked, no secret or
path in a trait, readable colours."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import adpipeline as ap
from adpipeline import ui
from adpipeline.ui.gallery import UPLOAD_LIMIT
from adpipeline.ui.pipeline_app import PipelineApp
from adpipeline.ui.stage import StagePanel
from adpipeline.ui.story import StoryPanel

from .conftest import FakeBrowser, Opener, png

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"


def test_bad_values_to_panels_are_rejected_and_change_nothing(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    app: PipelineApp = opened(ui.app(short))
    before = short.session.model_dump_json()
    gallery = FakeBrowser(app.panel.content, monkeypatch)
    chat = FakeBrowser(app.panel.chat, monkeypatch)
    header = FakeBrowser(app.header, monkeypatch)
    rejected = [
        gallery.send("regenerate_item", item=3),  # 3 items: 0..2
        gallery.send("regenerate_item", item=-1),
        gallery.send("regenerate_item", item="0"),
        gallery.send("feedback_item", item=0, text="x" * 10_000),
        gallery.send("feedback_item", item=0, text="   "),
        gallery.send("feedback_item", item=0, text=["brighter"]),
        gallery.send("edit_item", item=99),
        gallery.send("history", item=5),
        gallery.send("replace_item", item=0),  # no bytes
        gallery.send("replace_item", item=0, buffers=[b"x" * (UPLOAD_LIMIT + 1)]),
        gallery.send("replace_item", item=9, buffers=[png(64, 64)]),
        chat.send("send", text="y" * 2001),
        chat.send("send", text=None),
        header.send("show", stage="../../etc"),
    ]
    assert all(r["ok"] is False and r["error"] for r in rejected), rejected
    assert short.session.model_dump_json() == before
    # Bytes that are not an image reach ImageStage.replace, whose check refuses them.
    reply = gallery.send("replace_item", item=0, buffers=[b"GIF89a not really"])
    assert reply["ok"] is False and "not a picture this app can open" in reply["error"]
    assert "Pillow" not in reply["error"]
    assert app.panel.content.can_retry is False
    assert short.session.model_dump_json() == before


def _all_trait_values(widget: Any) -> list[Any]:
    values = []
    for name in widget.trait_names():
        if name.startswith("_") and name not in ("_esm", "_css"):
            continue
        values.append(getattr(widget, name))
    return values


def _text_of(value: Any) -> str:
    def default(obj: Any) -> str:
        if isinstance(obj, bytes | bytearray | memoryview):
            return ""  # image bytes: their content is checked by the gallery tests
        return str(obj)

    return json.dumps(value, default=default)


def test_no_session_id_path_blob_name_or_key_in_any_trait(
        short: ap.Pipeline, home: Path, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-DO-NOT-LEAK-0123456789abcdef")
    short.story.approve()
    app: PipelineApp = opened(ui.app(short))
    FakeBrowser(app.panel.content, monkeypatch).send("edit_item", item=0)
    short.reference_images.approve()
    short.storyboard.approve()
    app.show("reference_images")
    widgets: list[Any] = [app, app.header]
    for panel in app._panels.values():
        widgets += [panel, panel.bar, panel.content, panel.chat]
        if panel.painter is not None:
            widgets += [panel.painter, panel.painter.controls, panel.painter.surface.canvas]
    session = short.session
    secrets = [short.id, str(home), str(home.resolve()), "sk-test-DO-NOT-LEAK"]
    for state in session.stages.values():
        for version in state.versions:
            secrets += [a.blob for a in version.images or []]
            if version.video is not None:
                secrets += [version.video.blob, version.video.poster, version.video.subtitles]
    assert len(widgets) > 12
    for widget in widgets:
        text = _text_of(_all_trait_values(widget))
        for secret in secrets:
            assert secret not in text, f"{secret[:12]}... in a trait of {type(widget).__name__}"


def _rgb(color: str, over: tuple[float, float, float] = (1, 1, 1)) -> tuple[float, float, float]:
    color = color.strip()
    if color == "white":
        return 1.0, 1.0, 1.0
    if color.startswith("#"):
        hex_ = color[1:]
        if len(hex_) == 3:
            hex_ = "".join(c * 2 for c in hex_)
        return tuple(int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    r, g, b, a = (float(x) for x in re.findall(r"[\d.]+", color))
    return tuple(a * c / 255 + (1 - a) * o for c, o in zip((r, g, b), over, strict=True))  # type: ignore[return-value]


def _contrast(fg: str, bg: str) -> float:
    def luminance(rgb: tuple[float, float, float]) -> float:
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    back = _rgb(bg)
    a, b = luminance(_rgb(fg, back)), luminance(back)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


# JupyterLab 4's own values for the --jp variables the widgets use.
THEMES = {
    "light": {"fg": "#000", "fg-soft": "rgba(0,0,0,.87)", "bg": "white", "bg-soft": "#eee"},
    "dark": {"fg": "#fff", "fg-soft": "rgba(255,255,255,.87)", "bg": "#111", "bg-soft": "#424242"},
}


TEXT_PAIRS = [("fg", "bg"), ("fg", "bg-soft"), ("fg-soft", "bg"), ("fg-soft", "bg-soft"),
              ("on-accent", "accent"), ("danger-fg", "danger-bg"), ("warn-fg", "warn-bg"),
              ("ok-fg", "ok-bg"), ("danger-fg", "bg"), ("warn-fg", "bg")]


CONTROL_PAIRS = [("border", "bg"), ("accent", "bg")]


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_colours_meet_wcag_aa(theme: str) -> None:
    css = (WIDGETS / "_shared.css").read_text()
    light = dict(re.findall(r"--adp-([\w-]+):\s*(#[0-9a-fA-F]{3,6});", css.split("body[")[0]))
    dark = dict(re.findall(r"--adp-([\w-]+):\s*(#[0-9a-fA-F]{3,6});",
                           _between(css, 'body[data-jp-theme-light="false"]', ".adp :focus")))
    colours = {**light, **(dark if theme == "dark" else {}), **THEMES[theme]}
    for fg, bg in TEXT_PAIRS:
        ratio = _contrast(colours[fg], colours[bg])
        assert ratio >= 4.5, f"{theme}: {fg} on {bg} is {ratio:.2f}:1"
    for fg, bg in CONTROL_PAIRS:
        ratio = _contrast(colours[fg], colours[bg])
        assert ratio >= 3.0, f"{theme}: {fg} on {bg} is {ratio:.2f}:1"


def test_unknown_keyword_arguments_raise_type_error(pipeline: ap.Pipeline, opened: Opener) -> None:
    with pytest.raises(TypeError, match="colour"):
        ui.app(pipeline, colour="red")
    with pytest.raises(TypeError, match="bogus"):
        ui.panel(pipeline.story, bogus=1)
    panel: StagePanel = opened(ui.panel(pipeline.story))
    with pytest.raises(TypeError, match="title"):
        StoryPanel(pipeline.story, live=panel._live, title="x")
    with pytest.raises(TypeError):
        ui.panel(pipeline)
