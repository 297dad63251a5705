"""Make video: a clip from one image and a motion prompt, or a whole ad from storyboard frames and a story.

    python cli_tools/generate_videos.py --image frame.png --motion "slow push in, 4 seconds" --out clip.mp4
    python cli_tools/generate_videos.py --frames storyboard/ --story story.json --out ad.mp4
    python cli_tools/generate_videos.py --image frame.png --motion "orbit" --provider video=replicate

A clip is one shot: the offline renderer (the default) performs the camera move the
motion prompt names (push in, pull out, pan, tilt, handheld, static) for --duration
seconds; a video provider such as Replicate animates the image from the prompt. An ad
takes the frames in the folder in name order, one per scene of the story (a Story as
JSON, e.g. p.story.output.model_dump_json()), with its timing, camera notes, on-screen
text and voiceover subtitles. The MP4 and an .srt beside it appear only when complete.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from pydantic import ValidationError

from adpipeline.errors import InvalidInput
from adpipeline.models import ASPECTS, FRAME_SIZES, Scene, Story, describe_validation_error
from adpipeline.pipeline import store_at
from adpipeline.pipeline.entry import console_progress
from adpipeline.pipeline.generate import Context, render_request
from adpipeline.providers import Providers
from adpipeline.providers.base import Progress, VideoRequest
from adpipeline.tools import (
    ToolParser,
    check_writable,
    existing_file,
    existing_folder,
    ledger_json,
    positive_float,
    provider_choice,
    run,
    tool_gateway,
    write_atomically,
)

FRAME_TYPES = (".png", ".jpg", ".jpeg", ".webp")


def main(argv: list[str] | None = None) -> int:
    parser = ToolParser(prog="generate_videos", description=__doc__)
    clip = parser.add_argument_group("a clip from one image")
    clip.add_argument("--image", type=existing_file, metavar="PNG", help="the still to animate")
    clip.add_argument("--motion", metavar="TEXT", help='the motion prompt, e.g. "slow push in on '
                      'the bottle" (see enhance_video_prompt.py)')
    clip.add_argument("--duration", type=positive_float, default=5.0, metavar="SECONDS",
                      help="length of the clip, at most 60 (default: 5)")
    clip.add_argument("--text", default="", help="on-screen text to show over the clip")
    ad = parser.add_argument_group("a whole ad")
    ad.add_argument("--frames", type=existing_folder, metavar="DIR",
                    help=f"storyboard frames ({', '.join(FRAME_TYPES)}), one per scene, in name order")
    ad.add_argument("--story", type=existing_file, metavar="JSON", help="the story as JSON")
    parser.add_argument("--aspect", choices=ASPECTS, help="frame shape (default: the nearest "
                        "to the first image's)")
    parser.add_argument("--provider", metavar="video=NAME", help="video=offline (the ffmpeg "
                        "renderer, the default) or video=replicate (REPLICATE_API_TOKEN)")
    parser.add_argument("--budget", type=float, metavar="USD", help="most this run may spend")
    parser.add_argument("--out", type=Path, required=True, metavar="MP4",
                        help="where to write the video (an .srt goes beside it)")
    parser.add_argument("--home", type=Path, help="where the call cache and media are kept "
                        "(default: $ADPIPELINE_HOME or the per-user data directory)")
    args = parser.parse_args(argv)
    if bool(args.image) == bool(args.frames):
        parser.error("give either --image and --motion (a clip) or --frames and --story (an ad)")
    if args.image and not args.motion:
        parser.error("--image needs --motion, the prompt that says how it moves")
    if args.frames and not args.story:
        parser.error("--frames needs --story, the story JSON the frames belong to")
    return run(parser.prog, lambda: make(args))


def make(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".mp4":
        raise InvalidInput(f"--out {args.out}: give a path ending in .mp4.")
    if args.budget is not None and args.budget < 0:
        raise InvalidInput(f"--budget {args.budget}: give a non-negative number of USD.")
    check_writable(args.out, "--out")
    if args.image:
        if args.duration > 60:
            raise InvalidInput(f"--duration {args.duration:g}: a clip lasts at most 60 seconds.")
        frames = [args.image]
        story = clip_story(args.motion, args.duration, args.text)
    else:
        frames = sorted(p for p in args.frames.iterdir() if p.suffix.lower() in FRAME_TYPES)
        story = read_story(args.story)
        if len(frames) != len(story.scenes):
            raise InvalidInput(f"{args.frames} has {len(frames)} frame(s) for the story's "
                               f"{len(story.scenes)} scene(s): give one frame per scene.")
    pictures = [read_image(path) for path in frames]  # every frame checked before any work
    aspect = args.aspect or nearest_aspect(frames[0])
    width, height = FRAME_SIZES[aspect]
    store = store_at(args.home)
    names = [store.blobs.put(data, path.suffix.lower().lstrip("."))
             for data, path in zip(pictures, frames, strict=True)]
    choice = provider_choice("video", args.provider)
    gateway = tool_gateway("generate_videos", budget=args.budget, home=args.home)
    ctx = Context(providers=Providers.build({"video": choice}), blobs=store.blobs,
                  gateway=gateway, progress=_progress())
    request = VideoRequest(story=story, width=width, height=height,
                           transition_s=0.0 if args.image else 0.5)
    video = render_request(ctx, request, names)
    subtitles = store.blobs.get(video["subtitles"])
    if subtitles.strip():  # a clip without voiceover has no subtitles to write
        write_atomically(args.out.with_suffix(".srt"), subtitles)
    partial = args.out.with_name(f".{args.out.name}.part")
    shutil.copyfile(store.blobs.path(video["blob"]), partial)
    partial.replace(args.out)
    cost = ledger_json(gateway.ledger)["total_cost_usd"]
    print(f"{args.out} ({video['duration_s']:.2f} s, {video['width']}x{video['height']}, "
          f"{len(story.scenes)} shot(s)); cost ${cost:.4f}")
    return 0


def clip_story(motion: str, duration_s: float, text: str) -> Story:
    """One shot whose camera note is the motion prompt (the renderer reads its move)."""
    motion = motion.strip()
    if not motion:
        raise InvalidInput("--motion is empty: say how the shot moves, e.g. 'slow push in'.")
    scene = Scene(index=1, start_s=0, duration_s=duration_s, beat="clip", setting="",
                  action=motion, camera=motion, voiceover="", on_screen_text=text,
                  visual_prompt=motion)
    return Story(title="clip", product="", category="", framework="clip", framework_reason="",
                 tone="", focus="", audience="", main_character="", scenes=[scene], cta="")


def read_story(path: Path) -> Story:
    try:
        return Story.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        reason = describe_validation_error(exc, {}).replace("invalid brief: ", "")
        raise InvalidInput(f"--story {path} is not a story: {reason}") from None
    except OSError as exc:
        raise InvalidInput(f"--story {path}: cannot read it ({exc.strerror}).") from None


def read_image(path: Path) -> bytes:
    try:
        with Image.open(path) as picture:
            picture.verify()
        return path.read_bytes()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise InvalidInput(f"{path} is not an image that can be read (PNG or JPEG).") from None


def nearest_aspect(path: Path) -> str:
    with Image.open(path) as picture:
        ratio = picture.width / picture.height
    return min(ASPECTS, key=lambda a: abs(ratio - int(a.split(":")[0]) / int(a.split(":")[1])))


def _progress() -> Progress:
    if sys.stderr.isatty():
        return console_progress()
    return lambda done, total, message: None


if __name__ == "__main__":
    sys.exit(main())
