"""Save stills from a rendered ad: one from the middle of every scene, or at given times.

    python cli_tools/frames.py ad.mp4 --out frames/            # middle of every scene (.srt cues)
    python cli_tools/frames.py ad.mp4 --at 0.5 3 12.25 --out frames/

Looking at the picture is how you check a render; this makes that one command.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import cv2


def scene_middles(srt: Path) -> list[float]:
    """Middle time of each subtitle cue (one cue per scene in adpipeline's .srt)."""
    stamp = r"(\d+):(\d+):(\d+),(\d+)"
    middles = []
    for match in re.finditer(rf"{stamp} --> {stamp}", srt.read_text(encoding="utf-8")):
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
        start = h1 * 3600 + m1 * 60 + s1 + ms1 / 1000
        end = h2 * 3600 + m2 * 60 + s2 + ms2 / 1000
        middles.append((start + end) / 2)
    return middles


def save_frames(video: Path, times: list[float], out: Path) -> list[Path]:
    capture = cv2.VideoCapture(str(video))
    if not capture.isOpened():
        raise SystemExit(f"frames: cannot open {video} as a video")
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for t in times:
        capture.set(cv2.CAP_PROP_POS_MSEC, t * 1000)
        ok, frame = capture.read()
        if not ok:
            print(f"frames: no frame at {t:.2f}s (past the end?)", file=sys.stderr)
            continue
        path = out / f"{video.stem}_{t:07.2f}s.png"
        cv2.imwrite(str(path), frame)
        saved.append(path)
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("video", type=Path)
    parser.add_argument("--at", type=float, nargs="+", help="times in seconds")
    parser.add_argument("--out", type=Path, default=Path("frames"))
    args = parser.parse_args(argv)
    times = args.at
    if not times:
        srt = args.video.with_suffix(".srt")
        if not srt.exists():
            parser.error(f"no --at times and no {srt.name} beside the video to find scenes")
        times = scene_middles(srt)
    for path in save_frames(args.video, times, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
