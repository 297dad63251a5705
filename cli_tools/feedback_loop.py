"""Make an ad in the terminal: the whole pipeline, with your review after every stage.

    python cli_tools/feedback_loop.py "15 s ad for Aurora, a reusable water bottle"
    python cli_tools/feedback_loop.py --session SESSION_ID            # carry on where you left
    python cli_tools/feedback_loop.py --session SESSION_ID --inpaint 1 --rect 100,80,300,200 \\
        --prompt "a red sports car"

It writes the story and shows it as a table, then waits for you: type feedback ("make
it funnier", "#1 brighter background"), 'regenerate', 'approve', 'revert N', 'back
STAGE', 'inpaint N MASK PROMPT' or 'help'. Approving the story draws the reference
images, then the storyboard, then renders the video; it ends by printing the video's
path. Image stages list each picture's path, and show the pictures themselves in
terminals that can (iTerm2, WezTerm, kitty; see --inline). The session is saved after
every step: quit any time and come back with --session. This is the same loop as
`adpipeline review SESSION_ID`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from adpipeline.errors import InvalidInput
from adpipeline.models import ASPECTS
from adpipeline.pipeline import resume, start
from adpipeline.pipeline.entry import console_progress
from adpipeline.review import INLINE_MODES, mask_png, review
from adpipeline.tools import ToolParser, existing_file, provider_choice, run


def main(argv: list[str] | None = None) -> int:
    parser = ToolParser(prog="feedback_loop", description=__doc__)
    parser.add_argument("brief", nargs="?", help='what the ad is for, e.g. "30 s ad for Aurora, '
                        'a water bottle" (starts a new session)')
    parser.add_argument("--session", metavar="ID", help="resume this session instead "
                        "(see `adpipeline sessions list`)")
    parser.add_argument("--duration", type=int, help="new session: length in seconds, 5 to 180")
    parser.add_argument("--aspect", choices=ASPECTS, help="new session: frame shape")
    parser.add_argument("--budget", type=float, metavar="USD", help="new session: most it may spend")
    parser.add_argument("--provider", action="append", default=[], metavar="CAPABILITY=NAME",
                        help="new session: e.g. text=openai or image=replicate (repeatable)")
    parser.add_argument("--inline", choices=INLINE_MODES, default="auto",
                        help="show pictures in the terminal: auto (when it says it can), "
                        "always (iTerm2's protocol) or never; paths are always shown")
    inpaint = parser.add_argument_group("an inpaint request before the review starts")
    inpaint.add_argument("--inpaint", type=int, metavar="ITEM",
                         help="the item of the current image stage to redraw part of")
    inpaint.add_argument("--mask", type=existing_file, metavar="PNG",
                         help="where to redraw: white pixels change")
    inpaint.add_argument("--rect", metavar="X,Y,W,H", help="or a rectangle, in pixels")
    inpaint.add_argument("--prompt", help="what to paint there, e.g. 'a red sports car'")
    parser.add_argument("--home", type=Path, help="session store directory "
                        "(default: $ADPIPELINE_HOME or the per-user data directory)")
    args = parser.parse_args(argv)
    if bool(args.brief) == bool(args.session):
        parser.error("give a brief to start an ad, or --session ID to resume one (not both)")
    wants_inpaint = any(v is not None for v in (args.inpaint, args.mask, args.rect, args.prompt))
    if wants_inpaint and (args.inpaint is None or not args.prompt
                          or (args.mask is None) == (args.rect is None)):
        parser.error("an inpaint request needs --inpaint ITEM, --prompt TEXT and one of "
                     "--mask PNG or --rect X,Y,W,H")
    if wants_inpaint and not args.session:
        parser.error("--inpaint needs --session: a new session has no images yet")
    return run(parser.prog, lambda: loop(args))


def loop(args: argparse.Namespace) -> int:
    progress = console_progress() if sys.stderr.isatty() else False
    if args.session:
        p = resume(args.session, home=args.home, progress=progress)
        p.session  # noqa: B018 - loads it now, so an unknown id is a bad argument
        if args.inpaint is not None:
            inpaint_first(p, args)
    else:
        providers = dict(pair.partition("=")[::2] for pair in args.provider)
        for capability, name in providers.items():
            provider_choice(capability, f"{capability}={name}")  # one-line error on a typo
        p = start(args.brief, duration=args.duration, aspect=args.aspect, budget=args.budget,
                  providers=providers, home=args.home, progress=progress)
    return review(p, inline=args.inline)


def inpaint_first(p: object, args: argparse.Namespace) -> None:
    from adpipeline.pipeline import Pipeline

    assert isinstance(p, Pipeline)
    name = p.session.stage
    if name not in ("reference_images", "storyboard"):
        raise InvalidInput(f"session {p.id} is at {name}; --inpaint works on reference_images "
                           "or storyboard (use 'back STAGE' in the loop first).")
    items = p[name].output or []
    if not 0 <= args.inpaint < len(items):
        raise InvalidInput(f"--inpaint {args.inpaint}: {name} has items 0 to {len(items) - 1}.")
    asset = items[args.inpaint].asset
    mask = mask_png(str(args.mask) if args.mask else args.rect, asset.width, asset.height)
    p[name].edit(args.inpaint, mask=mask, prompt=args.prompt)
    print(f"inpainted item {args.inpaint} of {name}: {args.prompt}")


if __name__ == "__main__":
    sys.exit(main())
