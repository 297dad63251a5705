"""The mask painter: strokes to a full-size mask, inpaint, compare and revert."""

from __future__ import annotations

import pytest

import adpipeline as ap
from adpipeline import ui
from adpipeline.ui.painter import MaskPainter
from adpipeline.ui.stage import StagePanel

from .conftest import FakeBrowser, Opener


def test_painter_keeps_strokes_and_rasterises_a_full_size_mask(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    panel: StagePanel = opened(ui.panel(short.reference_images))
    FakeBrowser(panel.content, monkeypatch).send("edit_item", item=0)
    painter: MaskPainter = panel.painter
    assert painter is not None and panel.children[2] is painter
    surface = painter.surface
    item = short.reference_images.output[0]
    assert (surface.width, surface.height) == (item.asset.width, item.asset.height)
    assert surface.display[0] <= 768  # big images are shown scaled
    surface._down(100, 100)
    for x in range(110, 300, 10):
        surface._move(x, 120)
    surface._move(float("nan"), "x")  # browser junk is ignored
    surface._up(300, 120)
    mask = painter.mask
    assert mask.shape == (item.asset.height, item.asset.width) and mask.dtype == bool
    scale = surface.scale
    assert mask[round(120 / scale), round(200 / scale)]
    assert not mask[0, 0]
    assert painter.controls.strokes == 1 and painter.controls.painted
    controls = FakeBrowser(painter.controls, monkeypatch)
    assert controls.send("set_tool", tool="eraser")["ok"]
    surface._down(200, 120)
    surface._up(200, 120)
    assert not painter.mask[round(120 / scale), round(200 / scale)]
    assert controls.send("undo")["ok"] and painter.controls.strokes == 1
    assert painter.mask[round(120 / scale), round(200 / scale)]
    assert not controls.send("set_tool", tool="lasso")["ok"]
    assert not controls.send("set_size", size=100_000)["ok"]
    assert surface.tool == "brush" or surface.tool == "eraser"
    assert controls.send("clear")["ok"] and not painter.mask.any()
    reply = controls.send("generate", prompt="a red sports car")
    assert not reply["ok"] and reply["error"].startswith("Nothing is painted")


def test_painter_generates_compares_and_reverts(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    panel: StagePanel = opened(ui.panel(short.reference_images))
    FakeBrowser(panel.content, monkeypatch).send("edit_item", item=0)
    painter: MaskPainter = panel.painter
    painter.surface._down(200, 150)
    painter.surface._move(260, 180)
    painter.surface._up(300, 200)
    controls = FakeBrowser(painter.controls, monkeypatch)
    assert controls.send("generate", prompt="a red sports car")["ok"]
    assert painter.controls.phase == "compare"
    assert short.reference_images.output[0].asset.source == "inpainted"
    assert len(short.reference_images.versions) == 2
    assert controls.send("compare", split=0.25)["ok"] and painter.controls.split == 0.25
    assert not controls.send("compare", split=7)["ok"]
    assert controls.send("revert")["ok"]
    assert short.reference_images.current == 0
    assert panel.painter is None and list(panel.children) == [panel.bar, panel.content, panel.chat]
