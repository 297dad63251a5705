"""Improve a text-to-image prompt in rounds: a cinematographer critiques, a prompt engineer rewrites.

    python cli_tools/enhance_image_prompt.py "a water bottle on a kitchen table"
    python cli_tools/enhance_image_prompt.py "a water bottle" --target 90 --rounds 4 --out bottle.json
    python cli_tools/enhance_image_prompt.py "a water bottle" --provider text=openai

Each round the cinematographer scores the prompt 0-100 on composition, lighting,
subject, style, colour and camera, with a note per criterion; the prompt engineer
rewrites it from that critique. Rounds stop at --target or after --rounds rewrites.
Offline (the default) both roles follow rules, so the same prompt and --seed give the
same rounds; with a text model the calls are cached and priced, and --out writes a
ledger of them beside the history.
"""

from __future__ import annotations

import sys

from adpipeline.tools import ToolParser, add_enhance_arguments, run_enhancement


def main(argv: list[str] | None = None) -> int:
    parser = ToolParser(prog="enhance_image_prompt", description=__doc__)
    add_enhance_arguments(parser)
    return run_enhancement(parser.prog, parser.parse_args(argv), "image")


if __name__ == "__main__":
    sys.exit(main())
