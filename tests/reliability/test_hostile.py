"""A catalogue of hostile calls over the API, the CLI and widget messages. Each one is
refused with the error it names, and the stored session is byte-identical after it;
the CLI ones exit non-zero (2 for usage errors) with one line and no traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import adpipeline as ap
from adpipeline.cli import main
from adpipeline.pipeline import entry

from .test_state_machine import _raw

BRIEF = "ad for Aurora, a reusable water bottle"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), (30, 160, 90)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def at(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ap.Pipeline]:
    """One session at each stage (the calls below must change none of them)."""
    home = tmp_path_factory.mktemp("hostile")
    sessions = {}
    for stage in ("story", "reference_images", "storyboard", "video", "complete"):
        p = ap.start(BRIEF, duration=5, voice="off", music="off", home=home)
        for earlier in ("story", "reference_images", "storyboard", "video")[:
                        ("story", "reference_images", "storyboard", "video", "complete").index(stage)]:
            p[earlier].approve()
        sessions[stage] = p
    return sessions


def _mask(p: ap.Pipeline, *, empty: bool = False, size: tuple[int, int] | None = None) -> np.ndarray:
    asset = p[p.stage].output[0].asset
    mask = np.zeros(size or (asset.height, asset.width), bool)
    if not empty:
        mask[50:200, 50:300] = True
    return mask


API: list[tuple[str, str, Callable[[ap.Pipeline], Any], type[Exception]]] = [
    # the story stage
    ("scene number True", "story", lambda p: p.story.edit_scene(True, voiceover="hi"), ap.InvalidInput),
    ("scene number 0", "story", lambda p: p.story.edit_scene(0, voiceover="hi"), ap.InvalidInput),
    ("scene number 1.0", "story", lambda p: p.story.edit_scene(1.0, voiceover="hi"), ap.InvalidInput),
    ("scene number huge", "story", lambda p: p.story.edit_scene(10**12, voiceover="x"), ap.InvalidInput),
    ("unknown scene field", "story", lambda p: p.story.edit_scene(1, bogus="x"), ap.InvalidInput),
    ("no scene field", "story", lambda p: p.story.edit_scene(1), ap.InvalidInput),
    ("scene text not text", "story", lambda p: p.story.edit_scene(1, voiceover=5), ap.InvalidInput),
    ("scene text too long", "story", lambda p: p.story.edit_scene(1, voiceover="x" * 700),
     ap.InvalidInput),
    ("empty feedback", "story", lambda p: p.story.feedback("  \n "), ap.InvalidInput),
    ("feedback None", "story", lambda p: p.story.feedback(None), ap.InvalidInput),
    ("feedback too long", "story", lambda p: p.story.feedback("x" * 2001), ap.InvalidInput),
    ("item on the story", "story", lambda p: p.story.feedback("fine", item=0), ap.InvalidInput),
    ("revert True", "story", lambda p: p.story.revert(True), ap.InvalidInput),
    ("revert past the end", "story", lambda p: p.story.revert(99), ap.InvalidInput),
    ("revert -1", "story", lambda p: p.story.revert(-1), ap.InvalidInput),
    ("revert NaN", "story", lambda p: p.story.revert(float("nan")), ap.InvalidInput),
    ("regenerate an item of the story", "story", lambda p: p.story.regenerate(item=0),
     ap.InvalidInput),
    ("budget NaN", "story", lambda p: setattr(p, "budget", float("nan")), ap.InvalidInput),
    ("budget True", "story", lambda p: setattr(p, "budget", True), ap.InvalidInput),
    ("budget negative", "story", lambda p: setattr(p, "budget", -1), ap.InvalidInput),
    ("budget as text", "story", lambda p: setattr(p, "budget", "5"), ap.InvalidInput),
    ("budget infinite", "story", lambda p: setattr(p, "budget", float("inf")), ap.InvalidInput),
    ("use nothing", "story", lambda p: p.use(), ap.InvalidInput),
    ("use a number", "story", lambda p: p.use(text=5), ap.InvalidInput),
    ("use an unknown capability", "story", lambda p: p.use(sound="offline"), ap.InvalidInput),
    ("use an unknown provider", "story", lambda p: p.use(image="nope"), ap.InvalidInput),
    ("reopen the open stage", "story", lambda p: p.reopen("story"), ap.StageError),
    ("reopen a stage never approved", "story", lambda p: p.reopen("video"), ap.StageError),
    ("reopen a misspelt stage", "story", lambda p: p.reopen("stroy"), ap.InvalidInput),
    ("reopen a number", "story", lambda p: p.reopen(3), ap.InvalidInput),
    ("approve a stage not reached", "story", lambda p: p.video.approve(), ap.StageError),
    ("replace on the story", "story", lambda p: p.story.replace(0, _png()), ap.StageError),
    ("revert_item on the story", "story", lambda p: p.story.revert_item(0, 0), ap.StageError),
    ("feedback on a stage not reached", "story",
     lambda p: p.reference_images.feedback("brighter"), ap.StageError),
    ("unknown stage by name", "story", lambda p: p["sound"], ap.InvalidInput),
    # the reference images
    ("item past the end", "reference_images",
     lambda p: p.reference_images.feedback("brighter", item=3), ap.InvalidInput),
    ("item True", "reference_images",
     lambda p: p.reference_images.feedback("brighter", item=True), ap.InvalidInput),
    ("regenerate item -5", "reference_images", lambda p: p.reference_images.regenerate(item=-5),
     ap.InvalidInput),
    ("mask of the wrong size", "reference_images",
     lambda p: p.reference_images.edit(0, mask=_mask(p, size=(10, 10)), prompt="a palm"),
     ap.InvalidInput),
    ("mask as text", "reference_images",
     lambda p: p.reference_images.edit(0, mask="abc", prompt="a palm"), ap.InvalidInput),
    ("empty mask", "reference_images",
     lambda p: p.reference_images.edit(0, mask=_mask(p, empty=True), prompt="a palm"),
     ap.InvalidInput),
    ("edit an item past the end", "reference_images",
     lambda p: p.reference_images.edit(9, mask=_mask(p), prompt="a palm"), ap.InvalidInput),
    ("edit with no prompt", "reference_images",
     lambda p: p.reference_images.edit(0, mask=_mask(p), prompt=""), ap.InvalidInput),
    ("replace with garbage bytes", "reference_images",
     lambda p: p.reference_images.replace(0, b"not an image"), ap.InvalidInput),
    ("replace with a missing file", "reference_images",
     lambda p: p.reference_images.replace(0, "/nonexistent/picture.png"), ap.InvalidInput),
    ("replace with a folder", "reference_images",
     lambda p: p.reference_images.replace(0, Path("/tmp")), ap.InvalidInput),
    ("replace with a number", "reference_images",
     lambda p: p.reference_images.replace(0, 42), ap.InvalidInput),
    ("replace item None", "reference_images",
     lambda p: p.reference_images.replace(None, _png()), ap.InvalidInput),
    ("revert_item to a version past the end", "reference_images",
     lambda p: p.reference_images.revert_item(0, 99), ap.InvalidInput),
    ("revert_item True", "reference_images",
     lambda p: p.reference_images.revert_item(True, 0), ap.InvalidInput),
    ("chat names image 0", "reference_images",
     lambda p: p.reference_images.feedback("make image 0 brighter"), ap.InvalidInput),
    ("chat names image 9 of 3", "reference_images",
     lambda p: p.reference_images.feedback("image 9 should be darker"), ap.InvalidInput),
    ("edit a scene of an approved story", "reference_images",
     lambda p: p.story.edit_scene(1, voiceover="hi"), ap.StageError),
    ("reopen a stage not approved", "reference_images", lambda p: p.reopen("storyboard"),
     ap.StageError),
    # the storyboard and the video
    ("approve the story again", "storyboard", lambda p: p.story.approve(), ap.StageError),
    ("inpaint the approved references", "storyboard",
     lambda p: p.reference_images.edit(0, mask=_mask(p), prompt="a palm"), ap.StageError),
    ("item on the video", "video", lambda p: p.video.feedback("slower", item=0), ap.InvalidInput),
    ("regenerate an item of the video", "video", lambda p: p.video.regenerate(item=1),
     ap.InvalidInput),
    ("replace on the video", "video", lambda p: p.video.replace(0, _png()), ap.StageError),
    ("edit_scene on the video", "video", lambda p: p.video.edit_scene(1, voiceover="x"),
     ap.StageError),
    # a finished ad
    ("approve a finished ad", "complete", lambda p: p.video.approve(), ap.StageError),
    ("reopen 'complete'", "complete", lambda p: p.reopen("complete"), ap.InvalidInput),
    ("feedback on a finished ad", "complete", lambda p: p.story.feedback("funnier"), ap.StageError),
    ("regenerate a finished video", "complete", lambda p: p.video.regenerate(), ap.StageError),
]


@pytest.mark.parametrize(("why", "stage", "action", "error"), API, ids=[c[0] for c in API])
def test_hostile_api_calls_are_refused_and_change_nothing(
    at: dict[str, ap.Pipeline], why: str, stage: str, action: Callable[[ap.Pipeline], Any],
    error: type[Exception],
) -> None:
    p = at[stage]
    before = _raw(p._store.home, p.id)
    with pytest.raises(error) as raised:
        action(p)
    assert isinstance(raised.value, ap.AdPipelineError)
    assert len(str(raised.value)) > 20
    assert _raw(p._store.home, p.id) == before


START: list[tuple[str, dict[str, Any]]] = [
    ("prompt not text", {"prompt": 5}),
    ("prompt empty", {"prompt": " "}),
    ("duration True", {"duration": True}),
    ("duration NaN", {"duration": float("nan")}),
    ("duration huge", {"duration": 10**9}),
    ("aspect 4:3", {"aspect": "4:3"}),
    ("providers as text", {"providers": "offline"}),
    ("provider a number", {"providers": {"text": 5}}),
    ("provider for an unknown capability", {"providers": {"sound": "offline"}}),
    ("budget NaN", {"budget": float("nan")}),
    ("budget True", {"budget": True}),
    ("voice a number", {"voice": 5}),
    ("music unknown", {"music": "polka-death-metal"}),
    ("home a number", {"home": 5}),
    ("language a list", {"language": ["en"]}),
    ("brand too long", {"brand": "x" * 500}),
]


@pytest.mark.parametrize(("why", "kwargs"), START, ids=[c[0] for c in START])
def test_hostile_starts_create_no_session(why: str, kwargs: dict[str, Any], home: Path) -> None:
    kwargs = {"prompt": BRIEF, **kwargs}
    with pytest.raises(ap.InvalidInput):
        ap.start(kwargs.pop("prompt"), **{"home": home, **kwargs})
    assert ap.sessions(home=home) == []


def test_a_bad_provider_environment_names_the_variable_and_spares_old_sessions(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = ap.start(BRIEF, duration=5, home=home)
    monkeypatch.setenv("ADPIPELINE_PROVIDERS", "sound=offline")
    with pytest.raises(ap.InvalidInput, match="ADPIPELINE_PROVIDERS"):
        ap.start(BRIEF, home=home)
    entry._stores.clear()
    assert ap.resume(p.id, home=home).story.output is not None  # an existing session still works
    assert main(["--home", str(home), "sessions", "list"]) == 0


def test_chat_counts_images_from_one(home: Path) -> None:
    p = ap.start(BRIEF, duration=5, voice="off", music="off", home=home)
    p.story.approve()
    with pytest.raises(ap.InvalidInput, match=r"no image 9 here: .* numbered 1 to 3"):
        p.reference_images.feedback("make image 9 darker")
    p.reference_images.feedback("make image 1 brighter")
    p.reference_images.feedback("the last image warmer")
    assert [f.item for f in p.reference_images.pending] == [0, 2]


def test_resume_with_bad_ids(home: Path) -> None:
    for bad in ("../../etc", "", None, 5, "A" * 200):
        with pytest.raises(ap.InvalidInput):
            ap.resume(bad, home=home)  # type: ignore[arg-type]
    with pytest.raises(ap.SessionNotFound):
        ap.resume("A" * 22, home=home)


def test_approving_with_a_provider_that_cannot_start_changes_nothing(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    p = ap.start(BRIEF, duration=5, voice="off", music="off", home=home)
    p.use(image="openai")
    before = _raw(home, p.id)
    with pytest.raises(ap.AdPipelineError, match="OPENAI_API_KEY"):
        p.story.approve()
    assert _raw(home, p.id) == before
    assert p.use(image="offline")["image"] == "offline"
    p.story.approve()
    assert p.stage == "reference_images"


# the command line -----------------------------------------------------------------------


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(args)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


CLI: list[tuple[str, list[str], int, str]] = [
    ("duration not a number", ["run", BRIEF, "--duration", "abc"], 2, "invalid int"),
    ("aspect not offered", ["run", BRIEF, "--aspect", "4:3"], 2, "invalid choice"),
    ("out without auto-approve", ["run", BRIEF, "--out", "ad.mp4"], 1, "--auto-approve"),
    ("out not an mp4", ["run", BRIEF, "--auto-approve", "--out", "ad.txt"], 1, ".mp4"),
    ("age past the calendar", ["sessions", "prune", "--older-than", "99999999999d"], 2, "age"),
    ("age negative", ["sessions", "prune", "--older-than", "-5d"], 2, "age"),
    ("age without a unit", ["sessions", "prune", "--older-than", "5"], 2, "age"),
    ("show a bad id", ["sessions", "show", "../etc"], 1, "not a session id"),
    ("delete an unknown id", ["sessions", "delete", "A" * 22], 1, "no session"),
    ("review a bad id", ["review", "nope"], 1, "not a session id"),
    ("empty brief", ["run", " "], 1, "prompt"),
    ("unknown capability", ["run", BRIEF, "--provider", "sound=offline"], 1, "capability"),
    ("provider without a name", ["run", BRIEF, "--provider", "text"], 1, "CAPABILITY=NAME"),
    ("budget NaN", ["run", BRIEF, "--budget", "nan"], 1, "budget"),
    ("budget as words", ["run", BRIEF, "--budget", "lots"], 2, "invalid float"),
    ("gc age with a bad unit", ["gc", "--min-age", "5x"], 2, "age"),
    ("unknown command", ["frobnicate"], 2, "invalid choice"),
    ("no command", [], 2, ""),
]


@pytest.mark.parametrize(("why", "args", "code", "says"), CLI, ids=[c[0] for c in CLI])
def test_hostile_command_lines(why: str, args: list[str], code: int, says: str, home: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    got, err = _cli(["--home", str(home), *args], capsys)
    assert got == code, err
    assert says in err
    assert ap.sessions(home=home) == []  # refused before any work


@pytest.mark.parametrize("where", ["a folder", "inside a file", "its .srt taken", "mp4 taken"])
def test_run_checks_out_before_any_work(where: str, home: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "folder.mp4").mkdir()
    (tmp_path / "file").write_text("x")
    (tmp_path / "taken.srt").write_text("x")
    (tmp_path / "exists.mp4").write_text("x")
    out = {"a folder": tmp_path / "folder.mp4", "inside a file": tmp_path / "file" / "ad.mp4",
           "its .srt taken": tmp_path / "taken.mp4", "mp4 taken": tmp_path / "exists.mp4"}[where]
    code, err = _cli(["--home", str(home), "run", BRIEF, "--auto-approve", "--out", str(out)],
                     capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert ap.sessions(home=home) == []
    assert (tmp_path / "taken.srt").read_text() == (tmp_path / "exists.mp4").read_text() == "x"


def test_run_force_overwrites_both_files_together(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "ad.mp4"
    out.write_text("old")
    out.with_suffix(".srt").write_text("old")
    assert main(["--home", str(home), "run", "5 s ad for Aurora, a bottle", "--auto-approve",
                 "--out", str(out), "--force", "--quiet"]) == 0
    assert out.read_bytes()[4:8] == b"ftyp" and "-->" in out.with_suffix(".srt").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


def test_review_of_a_finished_ad_reads_its_input(at: dict[str, ap.Pipeline]) -> None:
    p = at["complete"]
    result = subprocess.run(
        [sys.executable, "-m", "adpipeline.cli", "--home", str(p._store.home), "review", p.id],
        input="back banana\nquit\n", capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    assert result.returncode == 0, result.stderr
    assert "Complete" in result.stdout and "error:" in result.stdout  # it read 'back banana'
    assert "Traceback" not in result.stdout + result.stderr
    assert ap.resume(p.id, home=p._store.home).stage == "complete"
