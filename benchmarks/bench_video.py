"""Benchmark: the offline video renderer against moviepy and the encoder's own limit.

Run from the repository root::

    /work/venv/bin/python benchmarks/bench_video.py                 # speed, 3 rounds
    /work/venv/bin/python benchmarks/bench_video.py --repeats 5 --moviepy-repeats 2
    /work/venv/bin/python benchmarks/bench_video.py --no-moviepy    # quick: ours vs encode-only
    /work/venv/bin/python benchmarks/bench_video.py --memory        # 60 s 1080x1920 peak RSS

Speed: a 30 s 1280x720 ad from 6 stills (5 s each), a Ken Burns push-in 1.0 -> 1.1 per
shot, 0.5 s crossfades, 30 fps, libx264 ``--preset`` at ``--crf`` (default veryfast,
CRF 20), timed for

* ours: ``adpipeline.media.video.render_video`` (frames made in Python, piped to ffmpeg);
* moviepy 2.x doing the same composition (ImageClip + CrossFadeIn + resized(t) in a
  CompositeVideoClip): its default, and the opaque ``bg_color=(0, 0, 0)`` variant, which
  PERF-NOTES found ~1.6x faster and is the fair baseline;
* encode-only: the very frames ours makes, made beforehand and held in memory, sent
  through the same ffmpeg command (same encoder, preset, CRF, silent AAC, faststart).
  What is left of ours above this is the cost of making the frames.

Runs are interleaved round by round (the machine is shared and noisy) and ratios are
taken within each round; medians are printed at the end. Ours is timed without burned-in
text, like the moviepy composition; ``--text`` adds a run with text for reference.

Memory: renders a 60 s 1080x1920 ad from 8 stills in a child process and reports the
peak resident memory of that process plus its ffmpeg child, sampled together every
20 ms (the figure that matters: both are alive at once), and each one's own peak from
``getrusage`` for reference.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from adpipeline.media import video as V
from adpipeline.media.ffmpeg import encode, ffmpeg_exe
from adpipeline.media.frames import FrameSource
from adpipeline.media.timeline import plan_shots
from adpipeline.models import Scene, Story

_PALETTES = [
    ((20, 60, 140), (250, 170, 60)),
    ((120, 20, 90), (40, 200, 180)),
    ((10, 90, 40), (240, 230, 90)),
    ((60, 30, 10), (230, 90, 40)),
    ((30, 30, 60), (160, 120, 250)),
    ((200, 60, 60), (250, 240, 200)),
    ((0, 70, 90), (250, 120, 160)),
    ((80, 80, 20), (120, 220, 250)),
]


def storyboard_still(n: int, width: int, height: int) -> bytes:
    """A storyboard-like PNG: gradient sky, soft texture, shapes, a horizon, a label."""
    rng = np.random.default_rng(n)
    top, bottom = _PALETTES[n % len(_PALETTES)]
    t = np.linspace(0.0, 1.0, height)[:, None, None]
    sky = np.array(top)[None, None, :] * (1 - t) + np.array(bottom)[None, None, :] * t
    grain = rng.normal(0.0, 1.0, (height // 4 + 1, width // 4 + 1)).astype(np.float32)
    grain = np.asarray(Image.fromarray(grain).resize((width, height), Image.BICUBIC)) * 18
    pixels = np.clip(sky + grain[..., None], 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    short = min(width, height)
    for k in range(9):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        r = int(rng.integers(short // 20, short // 5))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        if k % 2:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour, outline="white", width=3)
        else:
            draw.rectangle((x - r, y - r // 2, x + r, y + r), fill=colour, outline="black", width=3)
    ground = tuple(int(c * 0.5) for c in bottom)
    draw.polygon(
        [(0, height), (width * 0.3, height * 0.6), (width * 0.6, height * 0.8),
         (width, height * 0.55), (width, height)],
        fill=ground,
    )  # fmt: skip
    draw.text((width * 0.05, height * 0.05), f"Storyboard frame {n + 1}", fill="white")
    buffer = io.BytesIO()
    image.filter(ImageFilter.SMOOTH).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def bench_story(scenes: int, seconds: float, camera: str = "slow push in", text: bool = False) -> Story:
    """``scenes`` scenes of ``seconds`` each, every one with the same camera note."""
    return Story(
        title="Aurora",
        product="Aurora bottle",
        category="drinkware",
        framework="AIDA",
        framework_reason="benchmark",
        tone="upbeat",
        focus="benefits",
        audience="hikers",
        main_character="Maya",
        cta="Shop now",
        scenes=[
            Scene(
                index=i + 1,
                start_s=i * seconds,
                duration_s=seconds,
                beat=f"beat {i + 1}",
                setting="trail",
                action="walks",
                camera=camera,
                voiceover=f"Scene {i + 1}: cold for a day, hot for twelve hours." if text else "",
                on_screen_text=f"Benefit {i + 1}" if text else "",
                visual_prompt="bottle on a trail",
            )
            for i in range(scenes)
        ],
    )


# --------------------------------------------------------------------------- runners


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its finished children (ffmpeg)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of ``fn()``; CPU is steadier than wall on a shared machine."""
    wall, cpu = time.perf_counter(), _cpu()
    fn()
    return time.perf_counter() - wall, _cpu() - cpu


def run_ours(story: Story, stills: list[bytes], out: Path, args: argparse.Namespace) -> None:
    V.render_video(
        story, stills, out, width=1280, height=720, fps=30, crf=args.crf, preset=args.preset,
        transition_s=0.5,
    )  # fmt: skip


def make_frames(story: Story, stills: list[bytes]) -> list[np.ndarray]:
    """The exact I420 frames ours encodes, made ahead of time (~1.2 GB at 720p)."""
    source = FrameSource(story, stills, width=1280, height=720, fps=30, transition_s=0.5)
    return [buf.copy() for _, buf in source]


def run_encode_only(frames: list[np.ndarray], out: Path, args: argparse.Namespace) -> None:
    encode(
        frames, out / "encode_only.mp4", width=1280, height=720, fps=30,
        frame_count=len(frames), crf=args.crf, preset=args.preset,
    )  # fmt: skip


def run_moviepy(story: Story, stills: list[bytes], out: Path, args: argparse.Namespace, opaque: bool) -> None:
    """The same composition in moviepy 2.x, shots overlapping exactly as ours do."""
    from moviepy import CompositeVideoClip, ImageClip, vfx

    plans = plan_shots(story, 30, 0.5)
    clips = []
    for plan, png in zip(plans, stills, strict=True):
        rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        length = plan.span / 30
        clip = ImageClip(rgb).with_duration(length)
        if plan.number > 1:
            # CrossFadeIn before the time-varying resize, or the mask keeps its first
            # size and black borders grow (PERF-NOTES).
            clip = clip.with_effects([vfx.CrossFadeIn(0.5)])
        clip = (
            clip.resized(lambda t, length=length: 1.0 + 0.1 * t / length)
            .with_position("center")
            .with_start(plan.span_start / 30)
        )
        clips.append(clip)
    composite = CompositeVideoClip(
        clips, size=(1280, 720), bg_color=(0, 0, 0) if opaque else None
    ).with_duration(plans[-1].end / 30)
    composite.write_videofile(
        str(out / f"moviepy_{'opaque' if opaque else 'default'}.mp4"),
        fps=30, codec="libx264", preset=args.preset, ffmpeg_params=["-crf", str(args.crf)],
        pixel_format="yuv420p", audio=False, threads=2, logger=None,
    )  # fmt: skip


# --------------------------------------------------------------------------- speed


def speed(args: argparse.Namespace) -> None:
    story = bench_story(6, 5.0)
    stills = [storyboard_still(n, 1280, 720) for n in range(6)]
    out = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_video_"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"30 s 1280x720, 6 stills, push-in 1.0->1.1, 0.5 s crossfades, 30 fps, "
          f"libx264 {args.preset} CRF {args.crf}; {os.cpu_count()} CPUs")  # fmt: skip
    print(f"moviepy {_version('moviepy')}, opencv {_version('opencv-python-headless')}, "
          f"ffmpeg {ffmpeg_exe().rsplit('-', 1)[-1]}\n")  # fmt: skip

    t0 = time.perf_counter()
    frames = make_frames(story, stills)
    print(f"(made {len(frames)} frames ahead for encode-only in {time.perf_counter() - t0:.1f} s)")
    text_story = bench_story(6, 5.0, text=True)
    columns = ["ours", "encode"] + (["ours+text"] if args.text else [])
    if args.moviepy_repeats:
        columns += ["mp_opaque", "mp_default"]
    rows: list[dict[str, float]] = []
    cpus: list[dict[str, float]] = []
    for r in range(args.repeats):
        row: dict[str, float] = {}
        cpu: dict[str, float] = {}
        # Alternate the order so neither side always runs on a warmer machine.
        first_ours = r % 2 == 0
        steps: list[tuple[str, Callable[[], object]]] = [
            ("ours", lambda: run_ours(story, stills, out / "ours", args)),
            ("encode", lambda: run_encode_only(frames, out, args)),
        ]
        if not first_ours:
            steps.reverse()
        if args.text:
            steps.append(("ours+text", lambda: run_ours(text_story, stills, out / "text", args)))
        if r < args.moviepy_repeats:
            steps.append(("mp_opaque", lambda: run_moviepy(story, stills, out, args, True)))
            steps.append(("mp_default", lambda: run_moviepy(story, stills, out, args, False)))
        for name, step in steps:
            row[name], cpu[name] = timed(step)
        rows.append(row)
        cpus.append(cpu)
        shown = "  ".join(f"{k} {row[k]:6.2f}s" for k in columns if k in row)
        ratios = (f"ours/encode {row['ours'] / row['encode']:.2f} "
                  f"(cpu {cpu['ours']:.1f}/{cpu['encode']:.1f} s = "
                  f"{cpu['ours'] / cpu['encode']:.2f})")  # fmt: skip
        if "mp_opaque" in row:
            ratios += (f"  mp_opaque/ours {row['mp_opaque'] / row['ours']:.1f}"
                       f"  mp_default/ours {row['mp_default'] / row['ours']:.1f}")  # fmt: skip
        print(f"round {r + 1}: {shown}  |  {ratios}", flush=True)

    print("\nwall seconds, min / median / max over rounds:")
    for k in columns:
        values = [row[k] for row in rows if k in row]
        if values:
            print(f"  {k:11s} {min(values):6.2f} / {statistics.median(values):6.2f} / "
                  f"{max(values):6.2f}   ({30 / statistics.median(values):.1f}x realtime, "
                  f"n={len(values)})")  # fmt: skip
    enc = [row["ours"] / row["encode"] for row in rows]
    enc_cpu = [cpu["ours"] / cpu["encode"] for cpu in cpus]
    print("\nratios (median of per-round ratios):")
    print(
        f"  ours / encode-only      {statistics.median(enc):.2f}  (target <= 1.6; "
        f"rounds: {', '.join(f'{x:.2f}' for x in enc)})"
    )
    print(
        f"  same, in CPU seconds    {statistics.median(enc_cpu):.2f}  (what making the "
        f"frames adds to the encoder's own work)"
    )
    mp_rows = [row for row in rows if "mp_opaque" in row]
    if mp_rows:
        opaque = [row["mp_opaque"] / row["ours"] for row in mp_rows]
        default = [row["mp_default"] / row["ours"] for row in mp_rows]
        print(f"  moviepy opaque / ours   {statistics.median(opaque):.1f}  (target >= 8)")
        print(f"  moviepy default / ours  {statistics.median(default):.1f}")
    if not args.keep:
        for path in sorted(out.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        out.rmdir()


# --------------------------------------------------------------------------- memory


def memory_child(out: str) -> None:
    """Runs in a child process: render the 60 s 1080x1920 ad and print rusage as JSON."""
    story = bench_story(8, 7.5, camera="slow push in", text=True)
    stills = [storyboard_still(n, 1080, 1920) for n in range(8)]
    start = time.perf_counter()
    V.render_video(story, stills, out, width=1080, height=1920, fps=30, crf=20, preset="veryfast")
    wall = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    ffmpeg = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"wall": wall, "self": own, "ffmpeg": ffmpeg}))


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants, from /proc (Linux)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        procs = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total


def memory(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_video_mem_") as out:
        child = subprocess.Popen(
            [sys.executable, __file__, "--memory-child", out], stdout=subprocess.PIPE, text=True
        )
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(child.pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, _ = child.communicate()
        done.set()
        sampler.join()
        if child.returncode:
            raise SystemExit(f"memory child failed with code {child.returncode}")
        report = json.loads(stdout.strip().splitlines()[-1])
    gib = 1024**3
    print("60 s 1080x1920 ad from 8 stills (1080x1920 PNGs), text on, libx264 veryfast CRF 20")
    print(f"  wall {report['wall']:.1f} s ({60 / report['wall']:.1f}x realtime)")
    print(f"  peak RSS, python + ffmpeg sampled together: {peak / 2**20:.0f} MiB "
          f"({peak / gib:.2f} GiB; target < 1 GiB)")  # fmt: skip
    print(f"  each one's own peak (getrusage): python {report['self'] / 2**20:.0f} MiB, "
          f"ffmpeg {report['ffmpeg'] / 2**20:.0f} MiB, "
          f"sum {(report['self'] + report['ffmpeg']) / 2**20:.0f} MiB")  # fmt: skip


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="rounds of ours + encode-only")
    parser.add_argument(
        "--moviepy-repeats", type=int, default=1,
        help="rounds that also run both moviepy variants (~1-2 min each); 0 to skip",
    )  # fmt: skip
    parser.add_argument("--no-moviepy", action="store_true", help="same as --moviepy-repeats 0")
    parser.add_argument("--crf", type=int, default=20)
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--text", action="store_true", help="also time ours with burned-in text")
    parser.add_argument("--memory", action="store_true", help="run the memory mode instead")
    parser.add_argument("--keep", metavar="DIR", help="keep the videos in DIR")
    parser.add_argument("--memory-child", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
    elif args.memory:
        memory(args)
    else:
        if args.no_moviepy:
            args.moviepy_repeats = 0
        speed(args)


if __name__ == "__main__":
    main()
