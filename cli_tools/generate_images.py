"""Draw images from prompts: PNGs and a JSON manifest of what was made, how, and at what cost.

    python cli_tools/generate_images.py "a red water bottle on a kitchen table, close-up"
    python cli_tools/generate_images.py --file prompts.txt --count 3 --aspect 9:16 --out shots/
    enhance_image_prompt.py "a water bottle" --quiet | python cli_tools/generate_images.py -
    python cli_tools/generate_images.py "a runner at dawn" --provider image=openai --budget 0.50

Prompts come from the arguments, from --file (one per line; blank lines and lines
starting with # are skipped) or from stdin ("-", or when nothing else is given and
stdin is not a terminal). Image k of a prompt uses seed --seed + k, so a rerun with the
same arguments gives the same pictures (and costs nothing: calls are cached).
Files appear only once every image is made: --out/NN-K.png and --out/manifest.json.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from adpipeline.errors import InvalidInput
from adpipeline.models import ASPECTS, FRAME_SIZES
from adpipeline.pipeline import store_at
from adpipeline.pipeline.generate import request_from_prompt
from adpipeline.providers import Providers
from adpipeline.tools import (
    ToolParser,
    check_writable,
    existing_file,
    ledger_json,
    provider_choice,
    run,
    tool_gateway,
    write_atomically,
    write_json,
)

MAX_COUNT = 20


def main(argv: list[str] | None = None) -> int:
    parser = ToolParser(prog="generate_images", description=__doc__)
    parser.add_argument("prompts", nargs="*", metavar="PROMPT",
                        help='what to draw, one quoted prompt each; "-" reads prompts from stdin')
    parser.add_argument("--file", type=existing_file, metavar="PATH",
                        help="a text file with one prompt per line")
    parser.add_argument("--count", type=int, default=1, metavar="N",
                        help=f"images per prompt, 1 to {MAX_COUNT} (default: 1)")
    parser.add_argument("--aspect", choices=ASPECTS, default="16:9",
                        help="frame shape: 16:9 (1280x720), 9:16 (720x1280) or 1:1 (1024x1024); "
                        "default 16:9")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default: 0)")
    parser.add_argument("--provider", metavar="image=NAME",
                        help="image=offline (procedural, free; the default), image=openai "
                        "(OPENAI_API_KEY), image=openai:MODEL or image=replicate")
    parser.add_argument("--budget", type=float, metavar="USD",
                        help="most this run may spend (default: no limit)")
    parser.add_argument("--out", type=Path, default=Path("images"), metavar="DIR",
                        help="folder for the PNGs and manifest.json (default: images/)")
    parser.add_argument("--home", type=Path, help="where the call cache and images are kept "
                        "(default: $ADPIPELINE_HOME or the per-user data directory)")
    args = parser.parse_args(argv)
    return run(parser.prog, lambda: generate(args))


def read_prompts(args: argparse.Namespace) -> list[str]:
    lines: list[str] = []
    given = [p for p in args.prompts if p != "-"]
    if args.file is not None:
        try:
            lines += args.file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"--file {args.file}: cannot read it as text ({exc}).") from None
    if "-" in args.prompts or (not given and args.file is None and not sys.stdin.isatty()):
        lines += sys.stdin.read().splitlines()
    prompts = given + [line.strip() for line in lines
                       if line.strip() and not line.lstrip().startswith("#")]
    if not prompts:
        raise InvalidInput("no prompts: give them as arguments, with --file or on stdin.")
    return prompts


def generate(args: argparse.Namespace) -> int:
    if not 1 <= args.count <= MAX_COUNT:
        raise InvalidInput(f"--count {args.count}: give a number of images from 1 to {MAX_COUNT}.")
    if args.budget is not None and args.budget < 0:
        raise InvalidInput(f"--budget {args.budget}: give a non-negative number of USD.")
    if args.out.exists() and not args.out.is_dir():
        raise InvalidInput(f"--out {args.out} is a file; give a folder.")
    check_writable(args.out, "--out")
    prompts = read_prompts(args)
    choice = provider_choice("image", args.provider)
    provider = Providers.build({"image": choice}).image
    blobs = store_at(args.home).blobs
    gateway = tool_gateway("generate_images", budget=args.budget, home=args.home)
    width, height = FRAME_SIZES[args.aspect]
    made = []
    # Every picture is made (into the store) before any file is written, so a failure
    # halfway leaves --out as it was.
    for p, prompt in enumerate(prompts, start=1):
        for k in range(args.count):
            request = request_from_prompt(prompt, width, height, args.seed + k)
            print(f"drawing {p}.{k + 1} of {len(prompts)}x{args.count}: {prompt[:70]}",
                  file=sys.stderr, flush=True)
            blob = gateway.call(provider, "generate", request.model_dump(mode="json"),
                                lambda r=request: blobs.put(provider.generate(r, []), "png"))
            entry = gateway.ledger[-1]
            made.append({"file": f"{p:02d}-{k + 1}.png", "prompt": prompt, "seed": request.seed,
                         "cost_usd": entry.cost_usd if not entry.cached else 0.0,
                         "cached": entry.cached, "blob": blob})
    args.out.mkdir(parents=True, exist_ok=True)
    for image in made:
        write_atomically(args.out / image["file"], blobs.get(image.pop("blob")))
    ledger = ledger_json(gateway.ledger)
    write_json(args.out / "manifest.json", {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "provider": provider.name, "model": provider.model, "aspect": args.aspect,
        "width": width, "height": height, "count": args.count, "first_seed": args.seed,
        "total_cost_usd": ledger["total_cost_usd"], "images": made,
    })
    for image in made:
        print(args.out / image["file"])
    print(f"{len(made)} image(s), {provider.name}/{provider.model}, cost "
          f"${ledger['total_cost_usd']:.4f}; manifest: {args.out / 'manifest.json'}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
