"""Improve an image-to-video motion prompt in rounds: a cinematographer critiques, a prompt engineer rewrites.

    python cli_tools/enhance_video_prompt.py "the bottle on the table"
    python cli_tools/enhance_video_prompt.py "the runner at dawn" --duration 4 --out motion.json
    python cli_tools/enhance_video_prompt.py "the bottle" --provider text=openai --quiet

The same loop as enhance_image_prompt.py, judged on what moves: the camera move, the
subject's motion, the pacing and the clip's duration (--duration, which the rewrite
states). The result drives generate_videos.py --motion: its camera move is what the
offline renderer performs.
"""

from __future__ import annotations

import sys

from adpipeline.tools import ToolParser, add_enhance_arguments, positive_float, run_enhancement


def main(argv: list[str] | None = None) -> int:
    parser = ToolParser(prog="enhance_video_prompt", description=__doc__)
    add_enhance_arguments(parser)
    parser.add_argument("--duration", type=positive_float, default=5.0, metavar="SECONDS",
                        help="how long the clip lasts; the rewrite says so (default: 5)")
    args = parser.parse_args(argv)
    return run_enhancement(parser.prog, args, "video", duration_s=args.duration)


if __name__ == "__main__":
    sys.exit(main())
