"""The mask canvas: big images scaled for display, masks kept at full size."""

from __future__ import annotations

import numpy as np

from .conftest import png


def test_mask_canvas_scales_big_images_for_display() -> None:
    from adpipeline.ui.mask_canvas import MaskCanvas

    canvas = MaskCanvas(png(2048, 2048), 2048, 2048)
    try:
        assert canvas.display == (576, 576)
        canvas.finish_stroke([(10.0, 10.0), (200.0, 200.0)])
        assert canvas.mask.shape == (2048, 2048)
        assert canvas.mask[int(100 / canvas.scale), int(100 / canvas.scale)]
        overlay = canvas.overlay_rgba()
        assert overlay is not None and overlay.shape == (576, 576, 4)
        assert np.all(overlay[overlay[..., 3] > 0][:, :3] == (220, 38, 38))
    finally:
        canvas.close()
