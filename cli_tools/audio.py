"""Check a rendered ad's sound: loudness, true peak, level during and between lines,
and a waveform picture with the spoken lines (from the .srt beside it) marked.

    python cli_tools/audio.py ad.mp4                      # figures
    python cli_tools/audio.py ad.mp4 --waveform wave.png  # and a picture to look at

Ad platforms normalise to -14 LUFS integrated with true peak at most -1 dBTP; this
prints what they will measure (ffmpeg's ebur128 on the file itself).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from adpipeline.media.audio import measure, read_audio, volume_db
from adpipeline.media.waveform import waveform_png


def cues(srt: Path) -> list[tuple[float, float]]:
    """(start, end) seconds of each cue in a SubRip file."""
    stamp = r"(\d+):(\d+):(\d+),(\d+)"
    found = []
    for m in re.finditer(rf"{stamp} --> {stamp}", srt.read_text(encoding="utf-8")):
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, m.groups())
        found.append((h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", type=Path, help="an MP4 (its .srt beside it marks the lines)")
    parser.add_argument("--waveform", type=Path, help="write a waveform PNG here")
    args = parser.parse_args(argv)
    if not args.video.is_file():
        print(f"audio: no file {args.video}", file=sys.stderr)
        return 1
    loud = measure(args.video)
    print(f"integrated loudness {loud.integrated_lufs:.1f} LUFS, true peak {loud.true_peak_dbtp:.1f} dBTP")
    srt = args.video.with_suffix(".srt")
    lines = cues(srt) if srt.is_file() else []
    for n, (a, b) in enumerate(lines, start=1):
        print(f"line {n}: {a:6.2f}-{b:6.2f} s, mean {volume_db(args.video, a, b):6.1f} dB")
    if args.waveform:
        args.waveform.write_bytes(waveform_png(read_audio(args.video), marks=lines))
        print(f"waveform: {args.waveform}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
