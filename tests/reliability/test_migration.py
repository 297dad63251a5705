"""A store written by adpipeline 0.1.0 (its code, taken from git history) opens, and its
sessions load, converted in place, even if the conversion is killed part way."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

import adpipeline as ap
from adpipeline.store import SessionStore

#: The last commit of 0.1.0, whose store kept each session as one diskcache value.
RELEASE_0_1_0 = "294ece109419463d65eb0ecc3bdece601b4531bc"
REPO = Path(__file__).resolve().parents[2]

_WRITE_WITH_0_1_0 = r"""
import json, sys, adpipeline as ap
home = sys.argv[1]
out = {}
small = ap.start("15 s ad for Aurora, a reusable water bottle", home=home)
large = ap.start("30 s ad for Nimbus, a running shoe", home=home)
for i in range(120):  # past 32 KB: 0.1.0 kept it as a side file
    large.story.feedback(f"make it funnier, take {i}, and put scene 2 on a beach at sunset")
large.story.approve()
large.reference_images.approve()
for p in (small, large):
    out[p.id] = json.loads(p.session.model_dump_json())
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def legacy_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    """A store written by 0.1.0's own code, and the sessions as 0.1.0 saw them."""
    base = tmp_path_factory.mktemp("release-0.1.0")
    archive = base / "code.tar"
    result = subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), RELEASE_0_1_0,
                             "adpipeline"], capture_output=True, text=True)
    assert result.returncode == 0, f"0.1.0 must be in this clone's history: {result.stderr}"
    with tarfile.open(archive) as tar:
        tar.extractall(base / "code", filter="data")
    home = base / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADPIPELINE_")}
    written = subprocess.run([sys.executable, "-c", _WRITE_WITH_0_1_0, str(home)],
                             capture_output=True, text=True, timeout=300, cwd=base,
                             env={**env, "PYTHONPATH": str(base / "code")})
    assert written.returncode == 0, written.stderr
    sessions = json.loads(written.stdout.splitlines()[-1])
    side_files = [p for p in (home / "sessions").rglob("*.val")]
    assert side_files, "the large session should be stored as a side file by 0.1.0"
    return home, sessions


def _as_in(new: object, old: object) -> object:
    """``new`` without the fields added since 0.1.0 (they take their defaults)."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: _as_in(v, old[k]) for k, v in new.items() if k in old}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [_as_in(n, o) for n, o in zip(new, old, strict=True)]
    return new


def _check_converted(home: Path, expected: dict[str, dict]) -> None:
    store = SessionStore(home)
    assert {s.id for s in store.list()} == set(expected)
    for session_id, old in expected.items():
        new = json.loads(store.load(session_id).model_dump_json())
        assert all(entry["key"] is None for entry in new["ledger"])  # 0.1.0 kept no keys
        assert _as_in(new, old) == old


def test_a_0_1_0_store_opens_and_every_session_loads_unchanged(
    legacy_store: tuple[Path, dict[str, dict]], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(legacy_store[0], home)
    _check_converted(home, legacy_store[1])
    _check_converted(home, legacy_store[1])  # opening again changes nothing
    assert not list((home / "sessions").rglob("*.val")), "old side files are removed"
    large = max(legacy_store[1], key=lambda i: len(legacy_store[1][i]["conversation"]))
    p = ap.resume(large, home=home)
    assert p.stage == "storyboard"
    p.storyboard.approve()
    assert p.video.output.path.stat().st_size > 0
    assert ap.resume(large, home=home).session.version > legacy_store[1][large]["version"]


def _open(home: str) -> None:
    SessionStore(home)


def test_a_conversion_killed_at_any_moment_is_finished_by_the_next_open(
    legacy_store: tuple[Path, dict[str, dict]], tmp_path: Path
) -> None:
    rng = random.Random(7)
    fork = multiprocessing.get_context("fork")
    interrupted = 0
    for trial in range(12):
        home = tmp_path / f"home-{trial}"
        shutil.copytree(legacy_store[0], home)
        child = fork.Process(target=_open, args=(str(home),))
        child.start()
        time.sleep(rng.uniform(0, 0.08))
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        interrupted += child.exitcode == -signal.SIGKILL
        _check_converted(home, legacy_store[1])
    print(f"\n12 conversions killed at random moments ({interrupted} before they finished): "
          "every session loaded unchanged afterwards")
