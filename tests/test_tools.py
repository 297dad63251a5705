"""The developer tools in cli_tools/, run as a terminal user runs them: a real process each."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

import adpipeline as ap
from adpipeline.media.masks import mask_to_png

from .fake_openai import KEY, FakeOpenAI, completion

TOOLS = Path(__file__).resolve().parent.parent / "cli_tools"
NAMES = ("enhance_image_prompt", "enhance_video_prompt", "generate_images", "generate_videos",
         "feedback_loop")
BRIEF = "10 s ad for Aurora, a reusable water bottle"


def tool(name: str, *args: str, home: Path, stdin: str | None = None,
         cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ADPIPELINE_HOME": str(home)}
    return subprocess.run([sys.executable, str(TOOLS / f"{name}.py"), *args], capture_output=True,
                          text=True, env=env, input=stdin, timeout=240, cwd=cwd)


def seconds(video: Path) -> float:
    capture = cv2.VideoCapture(str(video))
    return float(capture.get(cv2.CAP_PROP_FRAME_COUNT) / capture.get(cv2.CAP_PROP_FPS))


@pytest.mark.parametrize("name", NAMES)
def test_help_explains_every_argument(name: str, home: Path) -> None:
    result = tool(name, "--help", home=home)
    assert result.returncode == 0, result.stderr
    assert "python cli_tools/" in result.stdout  # a worked example
    for line in result.stdout.splitlines():
        if line.startswith("  -") and "--help" not in line:
            assert len(line.split(None, 2)) > 1, f"{name}: {line!r} has no explanation"


def test_enhance_image_prompt_writes_its_rounds_and_a_ledger(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "history.json"
    result = tool("enhance_image_prompt", "a water bottle on a kitchen table", "--target", "90",
                  "--out", str(out), home=home)
    assert result.returncode == 0, result.stderr
    assert "lighting" in result.stdout and "start: " in result.stdout and "round 1" in result.stdout
    history = json.loads(out.read_text())
    scores = [r["score"] for r in history["rounds"]]
    assert scores[-1] >= 90 and history["stopped"] == "target" and scores == sorted(scores)
    assert history["best"]["prompt"].startswith("a water bottle on a kitchen table, ")
    assert history["best"]["prompt"] in result.stdout.splitlines()  # one line, to copy
    ledger = json.loads(out.with_suffix(".ledger.json").read_text())
    assert ledger["total_cost_usd"] == 0 and ledger["calls"] == 2 * len(scores) - 1


def test_enhance_with_a_text_model_records_its_calls_but_never_the_key(
        openai: FakeOpenAI, home: Path, tmp_path: Path) -> None:
    names = ("composition", "lighting", "subject", "style", "colour", "camera")
    for answer in ({"criteria": {n: {"score": 30, "note": "vague"} for n in names}},
                   {"prompt": "a bottle in soft window light, rule of thirds, 85mm"},
                   {"criteria": {n: {"score": 92, "note": "clear"} for n in names}}):
        openai.reply(200, completion(json.dumps(answer)))
    out = tmp_path / "history.json"
    result = tool("enhance_image_prompt", "a bottle", "--provider", "text=openai", "--out",
                  str(out), home=home)
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["best"]["prompt"] == (
        "a bottle in soft window light, rule of thirds, 85mm")
    ledger = json.loads(out.with_suffix(".ledger.json").read_text())
    assert [e["operation"] for e in ledger["entries"]] == ["critique", "rewrite", "critique"]
    assert ledger["total_cost_usd"] > 0 and len(openai.requests) == 3
    for written in (out, out.with_suffix(".ledger.json")):
        assert KEY not in written.read_text()
    again = tool("enhance_image_prompt", "a bottle", "--provider", "text=openai", home=home)
    assert again.returncode == 0 and len(openai.requests) == 3  # cached: nothing sent


def test_enhance_video_prompt_quiet_prints_only_the_prompt(home: Path) -> None:
    result = tool("enhance_video_prompt", "-", "--duration", "4", "--quiet", home=home,
                  stdin="the runner at dawn\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("the runner at dawn, ") and "4 seconds" in lines[0]


def test_generate_images_writes_pngs_and_a_manifest(home: Path, tmp_path: Path) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("# shots for Aurora\na red water bottle on a kitchen table, close-up\n\n")
    out = tmp_path / "shots"
    result = tool("generate_images", "--file", str(prompts), "a runner on a mountain trail",
                  "--count", "2", "--aspect", "9:16", "--seed", "5", "--out", str(out), home=home)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert [i["seed"] for i in manifest["images"]] == [5, 6, 5, 6]
    assert manifest["provider"] == "offline" and manifest["total_cost_usd"] == 0
    files = [out / i["file"] for i in manifest["images"]]
    assert sorted(files) == sorted(out.glob("*.png"))
    pictures = [Image.open(f) for f in files]
    assert all(p.size == (720, 1280) for p in pictures)
    first, second = (np.asarray(p.convert("RGB")).astype(int) for p in pictures[:2])
    assert np.abs(first - second).mean() > 1  # another seed, another picture
    # The red bottle prompt draws a red product; the trail prompt does not.
    def red_share(picture: Image.Image) -> float:
        rgb = np.asarray(picture.convert("RGB")).astype(int)
        return float(((rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 90)).mean())

    by_prompt = {i["prompt"]: p for i, p in zip(manifest["images"], pictures, strict=True)}
    assert red_share(by_prompt["a red water bottle on a kitchen table, close-up"]) > 0.05
    assert red_share(by_prompt["a runner on a mountain trail"]) < 0.01


def test_generate_videos_makes_a_clip_and_a_whole_ad(home: Path, tmp_path: Path) -> None:
    frame = tmp_path / "frame.png"
    Image.new("RGB", (1280, 720), (30, 120, 200)).save(frame)
    clip = tmp_path / "clip.mp4"
    result = tool("generate_videos", "--image", str(frame), "--motion", "slow push in",
                  "--duration", "2", "--out", str(clip), home=home)
    assert result.returncode == 0, result.stderr
    assert abs(seconds(clip) - 2) < 0.05

    p = ap.start(BRIEF, home=home)
    p.story.approve()
    p.reference_images.approve()
    story = tmp_path / "story.json"
    story.write_text(p.story.output.model_dump_json())
    frames = tmp_path / "frames"
    frames.mkdir()
    for item in p.storyboard.output:
        item.save(frames / f"scene-{item.index:02d}.png")
    ad = tmp_path / "ad.mp4"
    result = tool("generate_videos", "--frames", str(frames), "--story", str(story), "--out",
                  str(ad), home=home)
    assert result.returncode == 0, result.stderr
    assert abs(seconds(ad) - 10) < 0.05 and ad.with_suffix(".srt").read_text().count("-->") == 3


@pytest.mark.parametrize(("name", "args", "says"), [
    ("generate_images", ["--file", "missing.txt"], "no file at missing.txt"),
    ("generate_images", ["a bottle", "--aspect", "4:3"], "invalid choice: '4:3'"),
    ("generate_images", ["a bottle", "--count", "-2"], "--count -2"),
    ("enhance_image_prompt", ["a bottle", "--rounds", "0"], "--rounds 0"),
    ("enhance_video_prompt", ["the runner", "--provider", "text=acme"], "choose from"),
    ("generate_videos", ["--image", "missing.png", "--motion", "pan", "--out", "out/c.mp4"],
     "no file at missing.png"),
    ("generate_videos", ["--image", "bad.png", "--motion", "pan", "--out", "out/c.mp4"],
     "not an image"),
    ("feedback_loop", ["--session", "A" * 22], "no session"),
    ("feedback_loop", ["--session", "SESSION", "--inpaint", "0", "--mask", "bad.png",
                       "--prompt", "a car"], "mask"),
])
def test_a_bad_argument_is_one_line_exit_2_and_writes_nothing(
        name: str, args: list[str], says: str, home: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.png").write_bytes(b"not a png at all")
    if "SESSION" in args:
        p = ap.start(BRIEF, home=home)
        p.story.approve()
        p._store.close()  # the tool opens the store in its own process
        args = [p.id if a == "SESSION" else a for a in args]
    result = tool(name, *args, "--out" if name == "generate_images" else "--home",
                  str(tmp_path / "out") if name == "generate_images" else str(home),
                  home=home, cwd=tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith(f"{name}: error:") and says in lines[0], lines
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()


def test_feedback_loop_makes_an_ad_from_stdin(home: Path, tmp_path: Path) -> None:
    mask = tmp_path / "mask.png"
    painted = np.zeros((720, 1280), bool)
    painted[200:500, 400:900] = True
    mask.write_bytes(mask_to_png(painted))
    script = "\n".join([
        "make it funnier", "regenerate", "revert 9", "approve",
        "#1 brighter background", "regenerate 1", "approve",
        f"inpaint 0 {mask} a red sports car", "inpaint 1 10,10,200,120 remove it",
        "back story", "approve", "approve", "approve", "approve", ""])
    result = tool("feedback_loop", BRIEF, home=home, stdin=script)
    assert result.returncode == 0, result.stderr
    assert "humorous" in result.stdout and "error: story has versions 0 to 1" in result.stdout
    assert "┃ voiceover" in result.stdout  # the story as a table
    video = Path(result.stdout.rsplit("Complete: ", 1)[1].splitlines()[0].strip())
    session_id = result.stdout.split("Session ", 1)[1].split(":", 1)[0]
    p = ap.resume(session_id, home=home)
    assert p.stage == "complete" and p.video.output.path == video
    assert abs(seconds(video) - 10) < 0.05
    assert len(p.story.versions) == 2 and p.story.current == 1
    notes = [v.note for v in p.session.stages["storyboard"].versions]
    assert any("inpainted: a red sports car" in n for n in notes)


def test_feedback_loop_in_a_terminal_resumes_and_finishes(home: Path) -> None:
    p = ap.start(BRIEF, home=home)
    p.story.approve()
    controller, terminal = pty.openpty()
    env = {**os.environ, "ADPIPELINE_HOME": str(home), "COLUMNS": "120", "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, str(TOOLS / "feedback_loop.py"), "--session", p.id, "--inpaint", "0",
         "--rect", "100,100,300,200", "--prompt", "a palm tree"],
        stdin=terminal, stdout=terminal, stderr=terminal, env=env, close_fds=True)
    os.close(terminal)
    seen = b""

    def wait_for(text: bytes, timeout: float = 120) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while text not in seen:
            assert time.monotonic() < deadline, seen[-2000:].decode(errors="replace")
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(controller, 65536)
                except OSError:  # the tool exited and closed the terminal
                    break
        assert text in seen, seen[-2000:].decode(errors="replace")

    try:
        wait_for(b"reference_images > ")
        assert b"inpainted item 0 of reference_images" in seen
        for command, prompt in ((b"help\n", b"inpaint N MASK PROMPT"),
                                (b"approve\n", b"storyboard > "), (b"approve\n", b"video > "),
                                (b"approve\n", b"Complete: "),
                                (b"back video\n", b"video > "), (b"approve\n", b"Complete: "),
                                (b"quit\n", b"")):
            os.write(controller, command)
            wait_for(prompt)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    q = ap.resume(p.id, home=home)
    assert q.stage == "complete" and abs(seconds(q.video.output.path) - 10) < 0.05
    assert q.reference_images.output[0].asset.source == "inpainted"
