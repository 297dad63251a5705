"""The `adpipeline` command as a terminal user runs it: a real subprocess each time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2

from .conftest import BRIEF


def adpipeline(*args: str, home: Path, stdin: str | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ADPIPELINE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "adpipeline.cli", *args], capture_output=True,
                          text=True, env=env, input=stdin, timeout=timeout)


def test_help_explains_the_commands(home: Path) -> None:
    result = adpipeline("--help", home=home)
    assert result.returncode == 0
    for word in ("run", "review", "sessions", "--auto-approve", "ADPIPELINE_HOME"):
        assert word in result.stdout


def test_run_stops_after_the_story_for_review(home: Path) -> None:
    result = adpipeline("run", BRIEF, home=home)
    assert result.returncode == 0, result.stderr
    assert "Aurora" in result.stdout and "CTA:" in result.stdout
    assert "adpipeline review" in result.stdout
    listed = adpipeline("sessions", "list", home=home)
    assert "Aurora" in listed.stdout and "story" in listed.stdout


def test_run_auto_approve_writes_the_mp4_and_srt(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "ad.mp4"
    result = adpipeline("run", "10 s ad for Aurora, a reusable water bottle", "--auto-approve",
                        "--out", str(out), home=home)
    assert result.returncode == 0, result.stderr
    assert "Drawing frame" in result.stderr  # progress on long work
    assert out.exists() and out.with_suffix(".srt").exists()
    video = cv2.VideoCapture(str(out))
    frames = video.get(cv2.CAP_PROP_FRAME_COUNT)
    fps = video.get(cv2.CAP_PROP_FPS)
    assert abs(frames / fps - 10) <= 1 / fps
    shown = adpipeline("sessions", "show", result.stdout.split("session ")[-1].split(",")[0],
                       home=home)
    assert "complete" in shown.stdout


def test_errors_are_one_line_with_a_non_zero_exit(home: Path) -> None:
    for args, says in [
        (("run", "ab"), "prompt"),
        (("run", BRIEF, "--duration", "2"), "5 to 180"),
        (("run", BRIEF, "--out", "ad.mp4"), "--auto-approve"),
        (("sessions", "show", "../../etc"), "not a session id"),
        (("sessions", "delete", "A" * 22), "no session"),
        (("run", BRIEF, "--provider", "text=acme"), "choose from"),
    ]:
        result = adpipeline(*args, home=home)
        assert result.returncode == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("adpipeline: error:"), result.stderr
        assert says in lines[0]


def test_usage_errors_exit_2(home: Path) -> None:
    assert adpipeline("run", BRIEF, "--aspect", "4:3", home=home).returncode == 2
    assert adpipeline("sessions", "prune", "--older-than", "soon", home=home).returncode == 2


def test_review_takes_feedback_and_approves(home: Path) -> None:
    run = adpipeline("run", BRIEF, home=home)
    session_id = run.stdout.strip().split()[-1]
    result = adpipeline("review", session_id, home=home,
                        stdin="make it funnier\nregenerate\nrevert 9\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "humorous" in result.stdout
    assert "error: story has versions 0 to 1" in result.stdout
    shown = adpipeline("sessions", "show", session_id, home=home)
    assert "2 version(s)" in shown.stdout


def test_delete_and_prune(home: Path) -> None:
    session_id = adpipeline("run", BRIEF, home=home).stdout.strip().split()[-1]
    assert adpipeline("sessions", "prune", "--older-than", "1d", home=home).stdout.startswith(
        "deleted 0")
    assert adpipeline("sessions", "delete", session_id, home=home).returncode == 0
    assert "no sessions yet" in adpipeline("sessions", "list", home=home).stdout


def test_providers_check_names_the_variable_a_missing_key_needs(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "REPLICATE_API_TOKEN")}
    result = subprocess.run(
        [sys.executable, "-m", "adpipeline.cli", "providers", "check",
         "--provider", "text=openai", "--provider", "image=replicate"],
        capture_output=True, text=True, env={**env, "ADPIPELINE_HOME": str(home)}, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "OPENAI_API_KEY" in lines["text"] and "gpt-5.4-mini" in lines["text"]
    assert "REPLICATE_API_TOKEN" in lines["image"]
    assert "free" in lines["video"]
