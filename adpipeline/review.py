"""Reviewing a session in a terminal: one loop for ``adpipeline review ID`` and
``cli_tools/feedback_loop.py``.

Each turn shows the current stage (the story as a table, image paths, the video path),
reads one line and acts on it: text is feedback, a few words are commands (``help``
lists them). It ends when the session is complete (printing the video's path), on
``quit`` or at the end of input; the session is saved after every change either way.
"""

from __future__ import annotations

import base64
import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import AdPipelineError, InvalidInput
from .pipeline import ImageStage, Pipeline
from .providers import describe as describe_providers

Inline = Literal["auto", "always", "never"]
INLINE_MODES: tuple[Inline, ...] = ("auto", "always", "never")

COMMANDS = """commands:
  TEXT                   feedback on this stage; the assistant says what it will change
  #N TEXT                feedback on item N only (reference images, storyboard)
  regenerate [N]         a new version of the stage, or of item N only
  approve                approve this stage and make the next one
  revert N               go back to version N of this stage
  back STAGE             reopen an earlier stage (story, reference_images, storyboard)
  inpaint N MASK PROMPT  redraw part of item N as PROMPT says; MASK is a PNG (white =
                         change) or a rectangle X,Y,W,H in the image's pixels
  show                   show this stage again
  help                   this list
  use CAPABILITY=NAME    switch a provider on this session, e.g. use image=offline
  quit                   leave; the session is saved, resume it by its id"""

_RECT = re.compile(r"^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$")


def review(p: Pipeline, *, console: Console | None = None, read: Callable[[str], str] = input,
           inline: Inline = "auto") -> int:
    """Review ``p`` turn by turn until it is complete, the person quits or input ends.

    Returns the exit code (0). Errors from an action (a bad item, a stage that cannot be
    approved yet) are printed as one ``error:`` line and the loop goes on.
    """
    console = console or Console(highlight=False)
    protocol = inline_protocol(inline, console)
    say(console, f"Session {p.id}: {p.session.title}. Type 'help' for commands.")
    shown: tuple[Any, ...] | None = None
    while True:
        session = p.session
        if session.stage == "complete":
            video = p.video.output
            say(console, f"Complete: {video.path}" if video is not None else "Complete.")
            try:  # a finished ad can still be reopened from here
                command = read("complete (back STAGE to change it, or quit) > ").strip()
            except EOFError:
                return 0
            if command in ("", "quit", "q", "exit"):
                return 0
            try:
                if not command.startswith("back "):
                    raise InvalidInput("the ad is complete: 'back story' (or another stage) "
                                       "reopens it, 'quit' leaves.")
                p.reopen(command.partition(" ")[2].strip())
            except AdPipelineError as exc:
                say(console, f"error: {exc}")
            continue
        # Show the stage when its output changed, not after every line of chat.
        state = session.stages[session.stage]
        now = (session.stage, state.status, state.current, len(state.versions))
        if shown != now:
            show_stage(p, console, protocol)
            shown = now
        try:
            line = read(f"{session.stage} > ")
        except EOFError:
            say(console, f"\nSaved. Resume with: adpipeline review {p.id}")
            return 0
        try:
            keep_going = act(p, line.strip(), console)
        except (AdPipelineError, ValueError) as exc:
            say(console, f"error: {exc}")
            continue
        if not keep_going:
            say(console, f"Saved. Resume with: adpipeline review {p.id}")
            return 0
        if line.strip() == "show":
            shown = None


def act(p: Pipeline, command: str, console: Console) -> bool:
    """Do what one line asks; ``False`` means leave."""
    stage = p[p.session.stage]
    word, _, rest = command.partition(" ")
    rest = rest.strip()
    if not command:
        return True
    if command in ("quit", "q", "exit"):
        return False
    if command == "help":
        say(console, COMMANDS)
    elif command == "show":
        pass  # the loop shows the stage again
    elif word == "approve" and not rest:
        stage.approve()
    elif word == "regenerate":
        stage.regenerate(item=_number(rest, "regenerate N") if rest else None)
    elif word == "revert":
        stage.revert(_number(rest, "revert N"))
    elif word == "back":
        p.reopen(rest)
    elif word == "use":
        capability, _, name = rest.partition("=")
        if not name.strip():
            raise InvalidInput("write it as: use CAPABILITY=NAME, e.g. use image=offline")
        chosen = p.use(**{capability.strip(): name.strip()})
        say(console, f"providers: {describe_providers(chosen)}")
    elif word == "inpaint":
        item_text, mask_text, prompt = [*rest.split(maxsplit=2), "", "", ""][:3]
        if not prompt:
            raise InvalidInput("write it as: inpaint N MASK PROMPT, e.g. inpaint 1 "
                               "200,150,300,200 a red sports car")
        item = _number(item_text, "inpaint N")
        items = stage.output if isinstance(stage, ImageStage) else []
        asset = items[item].asset if 0 <= item < len(items) else None
        if asset is None:
            raise InvalidInput(f"there is no item {item} here; items are numbered as shown.")
        stage.edit(item, mask=mask_png(mask_text, asset.width, asset.height), prompt=prompt)
    elif command.startswith("#"):
        item_text, _, text = command[1:].partition(" ")
        say(console, stage.feedback(text.strip(), item=_number(item_text, "#N TEXT")))
    else:
        say(console, stage.feedback(command))
    return True


def _number(text: str, form: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a number; write it as: {form}.") from None


def mask_png(spec: str, width: int, height: int) -> bytes:
    """A mask from a PNG file or a rectangle ``X,Y,W,H`` (pixels of a ``width`` x
    ``height`` image); ``InvalidInput`` if the file cannot be read as an image or the
    rectangle is not inside the picture."""
    import numpy as np

    from .media.masks import mask_from_png, mask_to_png

    rect = _RECT.match(spec)
    if rect:
        x, y, w, h = map(int, rect.groups())
        if w < 1 or h < 1 or x + w > width or y + h > height:
            raise InvalidInput(f"rectangle {spec} is not inside the {width}x{height} image: "
                               "give X,Y,W,H with X+W <= width and Y+H <= height.")
        mask = np.zeros((height, width), bool)
        mask[y:y + h, x:x + w] = True
        return mask_to_png(mask)
    path = Path(spec).expanduser()
    if not path.is_file():
        raise InvalidInput(f"no mask file at {path}; give a PNG or a rectangle X,Y,W,H.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"mask {path} cannot be read ({exc.strerror}).") from None
    mask_from_png(data)  # says what is wrong with a file that is not a mask image
    return data


# ---------------------------------------------------------------------- showing a stage


def say(console: Console, text: str) -> None:
    """Plain text, never wrapped (paths stay copyable) and never read as markup."""
    console.print(text, markup=False, soft_wrap=True)


def show_stage(p: Pipeline, console: Console, protocol: str | None = None) -> None:
    session = p.session
    name = session.stage
    stage = p[name]
    say(console, f"\n== {name} ({stage.status}, version {_version(stage)}), cost "
                 f"${session.cost_usd:.4f}")
    if stage.error:
        say(console, f"   failed: {stage.error} -- type 'regenerate' to try again")
    if name == "story":
        show_story(p, console)
        return
    output: Any = stage.output
    if name == "video":
        if output is not None:
            say(console, f"  video: {output.path} ({output.duration_s:.1f} s)")
            if protocol:
                _show_inline(console, output.poster, protocol)
        return
    for item in output or []:
        asset = item.asset
        flag = " (stale)" if item.stale else ""
        say(console, f"  [{item.index}] {item.label}{flag}, {asset.width}x{asset.height} "
                     f"{asset.source}: {item.path}")
        if protocol:
            _show_inline(console, item.png, protocol)


def _version(stage: Any) -> str:
    return "-" if stage.current is None else f"{stage.current} of 0-{len(stage.versions) - 1}"


def show_story(p: Pipeline, console: Console) -> None:
    story = p.story.output
    if story is None:
        return
    table = Table(title=escape(story.title), caption=escape(f"{story.framework}: "
                  f"{story.framework_reason}  CTA: {story.cta}"), show_lines=False,
                  title_justify="left", caption_justify="left")
    for column, style in (("#", "bold"), ("time", ""), ("setting", ""), ("action", ""),
                          ("voiceover", "italic"), ("on screen", "bold")):
        table.add_column(column, style=style or None)
    for scene in story.scenes:
        table.add_row(str(scene.index), f"{scene.start_s:.1f}-{scene.end_s:.1f}s",
                      escape(scene.setting), escape(scene.action), escape(scene.voiceover),
                      escape(scene.on_screen_text))
    console.print(table)


# ---------------------------------------------------------------------- inline images


def inline_protocol(mode: Inline, console: Console) -> str | None:
    """``"iterm"`` or ``"kitty"`` when pictures can be shown in this terminal, else None.

    ``auto`` trusts only terminals that say who they are (iTerm2, WezTerm, kitty);
    ``always`` falls back to iTerm2's protocol, which several others understand.
    """
    if mode == "never" or (mode == "auto" and not console.is_terminal):
        return None
    if os.environ.get("TERM") == "xterm-kitty" or os.environ.get("KITTY_WINDOW_ID"):
        return "kitty"
    if os.environ.get("TERM_PROGRAM") in ("iTerm.app", "WezTerm") or mode == "always":
        return "iterm"
    return None


def _show_inline(console: Console, png: bytes, protocol: str) -> None:
    from PIL import Image

    picture = Image.open(io.BytesIO(png))
    picture.thumbnail((480, 480))  # a preview: small enough to send in a moment
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    if protocol == "kitty":
        chunks = [data[i:i + 4096] for i in range(0, len(data), 4096)]
        sequence = "".join(
            f"\033_G{'a=T,f=100,' if i == 0 else ''}m={int(i < len(chunks) - 1)};{chunk}\033\\"
            for i, chunk in enumerate(chunks))
    else:
        sequence = f"\033]1337;File=inline=1;preserveAspectRatio=1;size={len(data)}:{data}\a"
    console.file.write(sequence + "\n")
    console.file.flush()
