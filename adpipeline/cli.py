"""The ``adpipeline`` command: make an ad from a terminal, review it, manage sessions."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from .errors import AdPipelineError, InvalidInput
from .models import ASPECTS, STAGES
from .pipeline import Pipeline, resume, sessions, start, store_at
from .pipeline.entry import console_progress
from .providers.base import Progress

_EPILOG = """examples:
  adpipeline run "30 s ad for Aurora, a reusable water bottle" --auto-approve --out ad.mp4
  adpipeline run "vertical 15 s ad for Nimbus running shoes" --aspect 9:16
  adpipeline review SESSION_ID
  adpipeline sessions list
  adpipeline sessions prune --older-than 30d

Sessions live under $ADPIPELINE_HOME (or --home). Providers default to the offline ones,
which need no keys; --provider text=openai uses OPENAI_API_KEY from the environment."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except AdPipelineError as exc:
        print(f"adpipeline: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("adpipeline: interrupted; everything done so far is saved.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adpipeline",
        description="Human-in-the-loop video-ad generation: story, reference images, "
                    "storyboard and video, with a review pause after every stage.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--home", type=Path, help="session store directory "
                        "(default: $ADPIPELINE_HOME or the per-user data directory)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = commands.add_parser("run", help="start an ad from a brief",
                              description="Start a session from a product brief. Without "
                              "--auto-approve it stops after the story for you to review.")
    run.add_argument("brief", help='what the ad is for, e.g. "30 s ad for Aurora, a water bottle"')
    run.add_argument("--duration", type=int, help="length in whole seconds, 5 to 180 "
                     "(default: from the brief, else 30)")
    run.add_argument("--aspect", choices=ASPECTS, help="frame shape (default: from the brief, "
                     "else 16:9)")
    run.add_argument("--budget", type=float, help="most USD this session may spend")
    run.add_argument("--provider", action="append", default=[], metavar="CAPABILITY=NAME",
                     help="e.g. text=openai or image=replicate (repeatable)")
    run.add_argument("--auto-approve", action="store_true",
                     help="approve every stage in turn and render the video")
    run.add_argument("--out", type=Path, help="copy the finished MP4 (and .srt) here")
    run.add_argument("--quiet", action="store_true", help="no progress output")
    run.set_defaults(handler=_run)

    review = commands.add_parser("review", help="review a session in the terminal",
                                 description="Show the current stage and take commands: "
                                 "text is feedback; 'regenerate', 'approve', 'revert N', "
                                 "'back STAGE' and 'quit' do what they say.")
    review.add_argument("session", help="session id (see `adpipeline sessions list`)")
    review.set_defaults(handler=_review)

    manage = commands.add_parser("sessions", help="list, show, delete or prune sessions")
    actions = manage.add_subparsers(title="actions", metavar="ACTION", required=True)
    actions.add_parser("list", help="every session, newest first").set_defaults(handler=_list)
    show = actions.add_parser("show", help="one session's stages, story and costs")
    show.add_argument("session")
    show.set_defaults(handler=_show)
    delete = actions.add_parser("delete", help="delete a session")
    delete.add_argument("session")
    delete.set_defaults(handler=_delete)
    prune = actions.add_parser("prune", help="delete sessions not changed for a while")
    prune.add_argument("--older-than", required=True, type=_age, metavar="AGE",
                       help="e.g. 30d, 12h, 90m")
    prune.set_defaults(handler=_prune)
    return parser


def _age(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not an age like 30d, 12h or 90m")
    amount, unit = int(match.group(1)), match.group(2)
    return {"d": timedelta(days=amount), "h": timedelta(hours=amount),
            "m": timedelta(minutes=amount)}[unit]


def _providers(pairs: list[str]) -> dict[str, str]:
    chosen = {}
    for pair in pairs:
        capability, _, name = pair.partition("=")
        if not name:
            raise InvalidInput(f"--provider {pair!r}: write it as CAPABILITY=NAME, e.g. text=openai.")
        chosen[capability] = name
    return chosen


def _reporter(quiet: bool) -> Progress | None:
    if quiet:
        return None
    if sys.stderr.isatty():
        return console_progress()
    last = {"message": ""}

    def lines(done: int, total: int, message: str) -> None:
        if message != last["message"]:
            print(f"  {message}", file=sys.stderr, flush=True)
            last["message"] = message

    return lines


def _run(args: argparse.Namespace) -> int:
    if args.out is not None and not args.auto_approve:
        raise InvalidInput("--out needs --auto-approve (the video exists only after every stage "
                           "is approved).")
    if args.out is not None and args.out.suffix.lower() != ".mp4":
        raise InvalidInput(f"--out {args.out}: give a path ending in .mp4.")
    progress = _reporter(args.quiet)
    p = start(args.brief, duration=args.duration, aspect=args.aspect, budget=args.budget,
              providers=_providers(args.provider), home=args.home, progress=progress)
    _print_story(p)
    if not args.auto_approve:
        print(f"\nSession {p.id} is waiting for your review: adpipeline review {p.id}")
        return 0
    for stage in STAGES:
        p[stage].approve()
    video = p.video.output
    if video is None:  # pragma: no cover - approve of the storyboard renders it
        raise AdPipelineError("the video was not rendered; see `adpipeline sessions show`.")
    target = video.save(args.out) if args.out else video.path
    print(f"\nVideo: {target} ({video.duration_s:.1f} s, {video.asset.width}x"
          f"{video.asset.height}); session {p.id}, cost ${p.cost_usd:.4f}")
    return 0


def _print_story(p: Pipeline) -> None:
    story = p.story.output
    if story is None:
        return
    print(f"{story.title}\n{story.framework_reason}")
    for scene in story.scenes:
        print(f"  {scene.start_s:5.1f}-{scene.end_s:5.1f}s  {scene.setting:<14} "
              f"{scene.voiceover}  [{scene.on_screen_text}]")
    print(f"  CTA: {story.cta}")


def _review(args: argparse.Namespace) -> int:
    p = resume(args.session, home=args.home, progress=_reporter(False))
    while True:
        session = p.session
        if session.stage == "complete":
            print(f"Complete: {p.video.output.path}")
            return 0
        stage = p[session.stage]
        print(f"\n== {session.stage} ({stage.status}), cost ${session.cost_usd:.4f}")
        _print_stage(p, session.stage)
        try:
            line = input("feedback / regenerate / approve / revert N / back STAGE / quit > ")
        except EOFError:
            return 0
        command = line.strip()
        try:
            if command in ("quit", "q", "exit"):
                return 0
            if command == "regenerate":
                stage.regenerate()
            elif command == "approve":
                stage.approve()
            elif command.startswith("revert "):
                stage.revert(int(command.split()[1]))
            elif command.startswith("back "):
                p.reopen(command.split()[1])
            elif command:
                print(stage.feedback(command))
        except (AdPipelineError, ValueError) as exc:
            print(f"error: {exc}")


def _print_stage(p: Pipeline, name: str) -> None:
    if name == "story":
        _print_story(p)
        return
    output: Any = p[name].output
    if name == "video" and output is not None:
        print(f"  {output.path}")
        return
    for item in output or []:
        print(f"  [{item.index}] {item.label}{' (stale)' if item.stale else ''}: "
              f"{p.store.blobs.path(item.asset.blob)}")


def _list(args: argparse.Namespace) -> int:
    rows = sessions(home=args.home)
    if not rows:
        print("no sessions yet: adpipeline run \"30 s ad for ...\"")
        return 0
    for row in rows:
        print(f"{row.id}  {row.updated_at:%Y-%m-%d %H:%M}  {row.stage:<16} {row.status:<10} "
              f"${row.cost_usd:<8.4f} {row.title}")
    return 0


def _show(args: argparse.Namespace) -> int:
    p = resume(args.session, home=args.home)
    session = p.session
    print(f"{session.id}: {session.title}\nbrief: {session.brief.prompt} "
          f"({session.brief.duration_s} s, {session.brief.aspect})\nstage: {session.stage}")
    for name, state in session.stages.items():
        print(f"  {name:<17} {state.status:<10} {len(state.versions)} version(s)"
              f"{'  error: ' + state.error if state.error else ''}")
    paid = sum(1 for e in session.ledger if not e.cached)
    print(f"cost: ${session.cost_usd:.4f} over {paid} paid call(s), "
          f"{len(session.ledger) - paid} cached")
    _print_story(p)
    return 0


def _delete(args: argparse.Namespace) -> int:
    store_at(args.home).delete(args.session)
    print(f"deleted {args.session}")
    return 0


def _prune(args: argparse.Namespace) -> int:
    gone = store_at(args.home).prune(args.older_than)
    print(f"deleted {len(gone)} session(s)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
