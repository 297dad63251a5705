"""Benchmark: brush strokes to a boolean mask at full resolution.

Run from the repository root::

    /work/venv/bin/python benchmarks/bench_masks.py              # 2048x2048, 200 points
    /work/venv/bin/python benchmarks/bench_masks.py --repeats 500 --size 4096

What is timed is the moment after a person lifts the brush: a finished stroke list
(about 200 points in four strokes, one of them an eraser, as the mask painter sends
them: dicts of ``points``/``radius``/``mode``) becomes a ``numpy`` bool mask of the
image's own size.

* ours: ``adpipeline.media.masks.mask_from_strokes`` (OpenCV thick polylines, with
  coercion and validation of every stroke);
* baseline, "Pillow ImageDraw": the same strokes drawn with ``ImageDraw.line(width=2r,
  joint="curve")`` plus a disc at each end for round caps, on an "L" image, then
  ``np.asarray(img) > 0``. It is the obvious way to do this with Pillow alone.

Rounds are interleaved (the machine is shared and noisy); p50 and p99 are over all
repeats, and the ratio is baseline p50 / ours p50. The two masks are compared (IoU)
to show both did the same work. Target: ours p50 <= 100 ms at 2048x2048.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from adpipeline.media.masks import mask_from_strokes

TARGET_MS = 100.0


def make_strokes(size: int, points: int, seed: int = 7) -> list[dict[str, Any]]:
    """Wandering brush gestures in image pixels, as the browser painter sends them."""
    rng = random.Random(seed)
    plan = [(int(points * 0.3), 24, "paint"), (int(points * 0.3), 32, "paint"),
            (int(points * 0.3), 18, "paint")]
    plan.append((points - sum(n for n, _, _ in plan), 20, "erase"))
    strokes = []
    for n, radius, mode in plan:
        x, y = rng.uniform(0.2, 0.8) * size, rng.uniform(0.2, 0.8) * size
        heading = rng.uniform(0, 2 * math.pi)
        pts = []
        for _ in range(n):
            heading += rng.uniform(-0.5, 0.5)
            step = size * 0.006
            x = min(max(x + math.cos(heading) * step, 0), size - 1)
            y = min(max(y + math.sin(heading) * step, 0), size - 1)
            pts.append({"x": round(x, 1), "y": round(y, 1)})
        strokes.append({"points": pts, "radius": radius, "mode": mode})
    return strokes


def pillow_baseline(strokes: list[dict[str, Any]], width: int, height: int) -> np.ndarray:
    """The same strokes rasterised with Pillow's ImageDraw (round caps via discs)."""
    img = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(img)
    for stroke in strokes:
        value = 0 if stroke.get("mode") == "erase" else 255
        radius = float(stroke["radius"])
        pts = [(p["x"], p["y"]) for p in stroke["points"]]
        if len(pts) > 1:
            draw.line(pts, fill=value, width=round(2 * radius), joint="curve")
        for x, y in (pts[0], pts[-1]):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=value)
    return np.asarray(img) > 0


def ours(strokes: list[dict[str, Any]], width: int, height: int) -> np.ndarray:
    return mask_from_strokes(strokes, width, height)


def timed(fn: Callable[[], np.ndarray]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=2048, help="image side in pixels")
    parser.add_argument("--points", type=int, default=200, help="points over all strokes")
    parser.add_argument("--repeats", type=int, default=200, help="timed runs of each method")
    args = parser.parse_args()
    size = args.size
    strokes = make_strokes(size, args.points)
    count = sum(len(s["points"]) for s in strokes)

    a, b = ours(strokes, size, size), pillow_baseline(strokes, size, size)
    iou = np.count_nonzero(a & b) / max(1, np.count_nonzero(a | b))
    for _ in range(5):  # warm caches and allocators before timing
        ours(strokes, size, size)
        pillow_baseline(strokes, size, size)

    mine: list[float] = []
    base: list[float] = []
    ratios: list[float] = []
    for _ in range(args.repeats):
        m = timed(lambda: ours(strokes, size, size))
        p = timed(lambda: pillow_baseline(strokes, size, size))
        mine.append(m)
        base.append(p)
        ratios.append(p / m)

    print(f"strokes -> bool mask, {size}x{size}, {len(strokes)} strokes / {count} points, "
          f"{args.repeats} interleaved repeats")
    print(f"masks agree: IoU {iou:.4f}, painted {np.count_nonzero(a) / a.size:.1%} of the image")
    print(f"{'method':<34}{'p50 ms':>10}{'p99 ms':>10}{'min ms':>10}")
    for name, values in (("ours: mask_from_strokes (OpenCV)", mine),
                         ("baseline: Pillow ImageDraw", base)):
        print(f"{name:<34}{statistics.median(values):>10.2f}{percentile(values, 99):>10.2f}"
              f"{min(values):>10.2f}")
    p50 = statistics.median(mine)
    print(f"ratio baseline/ours: p50 {statistics.median(base) / p50:.2f}x, "
          f"median of per-round ratios {statistics.median(ratios):.2f}x")
    verdict = "meets" if p50 <= TARGET_MS else "MISSES"
    print(f"target: ours p50 <= {TARGET_MS:.0f} ms -> {verdict} ({p50:.2f} ms)")


if __name__ == "__main__":
    main()
