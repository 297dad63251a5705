"""A writer killed at any moment of a save never loses a session, at any size."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adpipeline.store import SessionStore

from ..conftest import REPORTS
from .workers import check_consistent, make_session, padding

WORKERS = Path(__file__).with_name("workers.py")
SIZES = (1_000, 100_000, 1_000_000, 5_000_000)
KILLS = 240


def _append_into_pipe(home: str, session_id: str, max_record: int, seed: int, fd: int) -> None:
    from adpipeline.store import SessionStore

    from .workers import _message

    store = SessionStore(home)
    rng = random.Random(seed)
    os.write(fd, b"ready\n")
    while True:
        session = store.load(session_id)
        nxt = session.version + 1
        session.conversation = [*session.conversation,
                                _message(nxt, padding(rng.randint(0, max_record), seed + nxt))]
        session.budget_usd = float(nxt)
        saved = store.save(session)
        os.write(fd, f"{saved.version}\n".encode())


def test_random_kills_during_saves_lose_nothing(tmp_path: Path) -> None:
    rng = random.Random(20261203)
    stores = {size: SessionStore(tmp_path / f"home-{size}") for size in SIZES}
    ids = {size: make_session(store, size).id for size, store in stores.items()}
    committed = {size: stores[size].version(ids[size]) for size in SIZES}
    fork = multiprocessing.get_context("fork")
    lost = unreadable = 0
    saves_seen = 0
    for kill in range(KILLS):
        size = SIZES[kill % len(SIZES)]
        read_end, write_end = os.pipe()
        child = fork.Process(target=_append_into_pipe, daemon=True,
                             args=(str(tmp_path / f"home-{size}"), ids[size], 80_000, kill, write_end))
        child.start()
        os.close(write_end)
        reported = os.fdopen(read_end)
        assert reported.readline() == "ready\n"  # from here on it only saves
        time.sleep(rng.uniform(0.0, 0.06))
        assert child.pid is not None
        os.kill(child.pid, signal.SIGTERM if kill % 5 == 0 else signal.SIGKILL)
        child.join()
        with reported:
            versions = [int(line) for line in reported.read().split()]
        saves_seen += len(versions)
        if versions:
            committed[size] = versions[-1]
        for store in (stores[size], SessionStore(tmp_path / f"home-{size}")):  # warm and cold
            try:
                session = store.load(ids[size])
            except Exception:
                unreadable += 1
                continue
            check_consistent(session)
            # Loadable at a committed version: the last one reported, or the one in flight.
            if session.version not in (committed[size], committed[size] + 1):
                lost += 1
            committed[size] = session.version
    REPORTS.append(f"{KILLS} kills over sessions of {', '.join(f'{s:,}' for s in SIZES)} bytes, "
          f"{saves_seen} saves committed between kills: {lost} lost, {unreadable} unreadable")
    assert saves_seen > KILLS // 4, "the kills came too early to test saves"
    assert (lost, unreadable) == (0, 0)
    for size, store in stores.items():
        assert store.list()[0].id == ids[size]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(WORKERS), *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(Path.cwd())})


@pytest.mark.parametrize("record_size", [10, 200_000])
def test_a_kill_at_every_step_of_one_save_leaves_a_committed_version(
    tmp_path: Path, record_size: int
) -> None:
    store = SessionStore(tmp_path)
    session_id = make_session(store, 100_000).id
    store.close()
    counted = _run("kill_at_statement", str(tmp_path), session_id, str(10**9), str(record_size))
    assert counted.returncode == 0, counted.stderr
    steps = int(counted.stdout)
    assert steps >= 5
    before = SessionStore(tmp_path).version(session_id)
    outcomes = []
    for step in range(1, steps + 1):
        killed = _run("kill_at_statement", str(tmp_path), session_id, str(step), str(record_size))
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        session = SessionStore(tmp_path).load(session_id)
        check_consistent(session)
        assert session.version in (before, before + 1)
        outcomes.append(session.version - before)
        before = session.version
    REPORTS.append(f"killed before each of the {steps} SQL statements of a save "
          f"({record_size:,}-byte record): {outcomes.count(0)} rolled back, "
          f"{outcomes.count(1)} committed, 0 lost")
    assert outcomes[0] == 0  # killed before anything was written
