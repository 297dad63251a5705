"""What the developer tools in ``cli_tools/`` share, and how they run once installed.

Each tool is one readable file in ``cli_tools/`` that runs from a checkout
(``python cli_tools/generate_images.py --help``). A wheel carries the folder inside the
package as ``adpipeline/cli_tools/`` (``force-include`` in pyproject.toml), and the
``adpipeline-*`` commands below load the tool from whichever place has it, the way the
widgets' JavaScript is found (``ui/_files.py``).

The shared conventions: a bad argument prints one line and exits 2 before anything is
written; an error while working prints one line and exits 1; files appear whole or not
at all.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from .errors import AdPipelineError, InvalidInput, SessionNotFound
from .models import LedgerEntry
from .providers import choose
from .providers.gateway import Gateway

_PACKAGE = Path(__file__).resolve().parent


class ToolParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``prog: error: ...``) and exit 2.

    argparse prints the whole usage before an error; in a script's log that hides the
    reason, and ``--help`` is one flag away.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def run(prog: str, body: Callable[[], int]) -> int:
    """Run a tool's work: ``InvalidInput`` and a missing session are bad arguments (exit
    2), other library errors exit 1, Ctrl-C exits 130; each says one line, no traceback."""
    try:
        return body()
    except (InvalidInput, SessionNotFound) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except AdPipelineError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; nothing more was written.", file=sys.stderr)
        return 130


def existing_file(text: str) -> Path:
    """argparse type: a file that exists and can be read."""
    path = Path(text).expanduser()
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no file at {path}")
    if not os.access(path, os.R_OK):
        raise argparse.ArgumentTypeError(f"{path} cannot be read (permissions)")
    return path


def existing_folder(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"no folder at {path}")
    return path


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def provider_choice(capability: str, given: str | None) -> str:
    """``--provider`` as ``NAME``, ``NAME:MODEL`` or ``CAPABILITY=NAME[:MODEL]`` for the
    one capability a tool uses; validated, so a typo is a bad argument."""
    if given is None:
        return choose()[capability]  # the default, or ADPIPELINE_PROVIDERS
    named, _, choice = given.partition("=")
    if not choice:
        named, choice = capability, given
    if named != capability:
        raise InvalidInput(f"--provider {given}: this tool uses a {capability} provider; "
                           f"write {capability}=NAME, e.g. {capability}=openai.")
    return choose({capability: choice})[capability]


def tool_gateway(stage: str, *, budget: float | None, home: Path | None,
                 cache: Any = None) -> Gateway:
    """A gateway outside any session: the store's call cache (so a repeated call is
    free), the budget of this run, and a ledger the tool writes out."""
    if cache is None:
        from .pipeline import store_at

        cache = store_at(home).calls
    return Gateway(cache, stage=stage, budget_usd=budget, spent_usd=0.0)


def ledger_json(entries: Sequence[LedgerEntry]) -> dict[str, Any]:
    paid = [e for e in entries if not e.cached]
    return {"total_cost_usd": round(sum(e.cost_usd for e in paid), 6), "calls": len(entries),
            "cached": len(entries) - len(paid),
            "entries": [e.model_dump(mode="json") for e in entries]}


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write ``path`` whole or not at all: a temporary file beside it, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode() if isinstance(data, str) else data
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        temporary.write_bytes(raw)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    write_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def check_writable(path: Path, what: str) -> None:
    """Fail before any work if ``path``'s folder cannot be made or written to."""
    folder = path if path.is_dir() else path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise InvalidInput(f"{what} {path}: {folder} is not a folder you can write to.")


# ---------------------------------------------------------------------- installed commands


def tool_file(name: str) -> Path:
    """``cli_tools/<name>.py``, installed (inside the package) or in a checkout."""
    places = (_PACKAGE / "cli_tools", _PACKAGE.parent / "cli_tools")
    for folder in places:
        if (folder / f"{name}.py").is_file():
            return folder / f"{name}.py"
    raise FileNotFoundError(f"{name}.py is in neither {places[0]} nor {places[1]}; "
                            "reinstall adpipeline.")


def _launch(name: str) -> int:
    path = tool_file(name)
    spec = importlib.util.spec_from_file_location(f"adpipeline_cli_tools.{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return int(module.main())


def _command(name: str) -> Callable[[], int]:
    def main() -> int:
        return _launch(name)

    main.__name__ = name
    return main


enhance_image_prompt = _command("enhance_image_prompt")
enhance_video_prompt = _command("enhance_video_prompt")
generate_images = _command("generate_images")
generate_videos = _command("generate_videos")
feedback_loop = _command("feedback_loop")
frames = _command("frames")


# ---------------------------------------------------------------------- the enhance tools


def add_enhance_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments both prompt-enhancing tools take."""
    parser.add_argument("prompt", help='the prompt to improve, in quotes; "-" reads it from stdin')
    parser.add_argument("--target", type=int, default=85, metavar="SCORE",
                        help="stop once a round scores this much, 0 to 100 (default: 85)")
    parser.add_argument("--rounds", type=int, default=5, metavar="N",
                        help="most rewrites to try, at least 1 (default: 5)")
    parser.add_argument("--seed", type=int, default=0,
                        help="the same prompt and seed give the same rounds (default: 0)")
    parser.add_argument("--provider", metavar="text=NAME",
                        help="who plays the critic and the rewriter: text=offline (rules, the "
                        "default), text=openai (OPENAI_API_KEY; OPENAI_BASE_URL for Ollama, vLLM), "
                        "text=openai:MODEL or text=replicate")
    parser.add_argument("--budget", type=float, metavar="USD",
                        help="most this run may spend on model calls (default: no limit)")
    parser.add_argument("--out", type=Path, metavar="FILE.json",
                        help="write every round as JSON here, and the calls made (cost, "
                        "cached or not) to FILE.ledger.json beside it")
    parser.add_argument("--quiet", action="store_true",
                        help="print only the best prompt (for scripts)")
    parser.add_argument("--home", type=Path, help="where the call cache lives "
                        "(default: $ADPIPELINE_HOME or the per-user data directory)")


def run_enhancement(prog: str, args: argparse.Namespace, kind: str,
                    duration_s: float = 5.0) -> int:
    """Check the arguments, run the loop with a rich panel per round, write ``--out``."""
    from rich.console import Console

    from .refine import MemoryCalls, refine, roles_for

    def work() -> int:
        prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
        if args.rounds < 1:
            raise InvalidInput(f"--rounds {args.rounds}: give at least 1 round.")
        if not 0 <= args.target <= 100:
            raise InvalidInput(f"--target {args.target}: give a score from 0 to 100.")
        if args.budget is not None and args.budget < 0:
            raise InvalidInput(f"--budget {args.budget}: give a non-negative number of USD.")
        if args.out is not None:
            if args.out.suffix.lower() != ".json":
                raise InvalidInput(f"--out {args.out}: give a path ending in .json.")
            check_writable(args.out, "--out")
        roles = roles_for(provider_choice("text", args.provider))
        # Rules are instant and change with the code: only model answers are worth keeping.
        cache = MemoryCalls() if roles.name == "offline" else None
        gateway = tool_gateway(f"enhance_{kind}_prompt", budget=args.budget, home=args.home,
                               cache=cache)
        console = Console(highlight=False)
        show = None if args.quiet else _round_printer(console)
        result = refine(prompt, kind=kind, roles=roles, gateway=gateway,  # type: ignore[arg-type]
                        target=args.target, rounds=args.rounds, seed=args.seed,
                        duration_s=duration_s, on_round=show)
        best = result.best
        if args.out is not None:
            write_json(args.out.with_suffix(".ledger.json"), ledger_json(result.ledger))
            write_json(args.out, {**result.model_dump(mode="json"),
                                  "best": best.model_dump(mode="json")})
        if args.quiet:
            print(best.prompt)
            return 0
        why = {"target": f"reached the target {args.target}",
               "limit": f"used all {args.rounds} rounds",
               "unchanged": "the rewriter had nothing left to add"}[result.stopped]
        console.print(f"\n[bold]Best: round {best.number}, {best.score}/100[/] ({why}; "
                      f"cost ${result.cost_usd:.4f})")
        print(best.prompt)
        if args.out is not None:
            print(f"History: {args.out}; calls: {args.out.with_suffix('.ledger.json')}")
        return 0

    return run(prog, work)


def _round_printer(console: Any) -> Callable[[Any], None]:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    previous: dict[str, int] = {}

    def show(round_: Any) -> None:
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
        table.add_column("criterion")
        table.add_column("score", justify="right")
        table.add_column("cinematographer's note")
        for c in round_.criteria:
            colour = "green" if c.score >= 80 else "yellow" if c.score >= 50 else "red"
            table.add_row(c.name, f"[{colour}]{c.score}[/]", escape(c.note))
        change = "" if "score" not in previous else f" ({round_.score - previous['score']:+d})"
        previous["score"] = round_.score
        title = "start" if round_.number == 0 else f"round {round_.number}"
        body = Table.grid(padding=(0, 0))
        body.add_row(table)
        body.add_row(f"\n[bold]prompt:[/] {escape(round_.prompt)}")
        if round_.summary:
            body.add_row(f"[dim]{escape(round_.summary)}[/]")
        console.print(Panel(body, title=f"{title}: {round_.score}/100{change}", title_align="left"))

    return show
