"""Writers and readers at once, in processes and threads: no false "not found", no lost update."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from adpipeline.errors import SessionNotFound
from adpipeline.store import SessionStore

from ..conftest import REPORTS
from .workers import append_one, check_consistent, make_session

WORKERS = Path(__file__).with_name("workers.py")
OPS = 1000


def test_two_writer_and_two_reader_processes_on_a_200kb_session(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "home")
    session_id = make_session(store, 200_000).id
    start_version = store.version(session_id)
    roles = [("writer", "w1"), ("writer", "w2"), ("reader", "r1"), ("reader", "r2")]
    runs = [
        subprocess.Popen(
            [sys.executable, str(WORKERS), "race", str(tmp_path / "home"), session_id, role, name,
             str(OPS), str(tmp_path / f"{name}.log")],
            env={**os.environ, "PYTHONPATH": str(Path.cwd())}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )
        for role, name in roles
    ]
    for run in runs[:2]:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    (tmp_path / "home" / "writers-done").touch()
    reads = 0
    for run in runs[2:]:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
        reads += int(out)
    committed = [line for name in ("w1", "w2")
                 for line in (tmp_path / f"{name}.log").read_text().split()]
    failures = [line for name in ("r1", "r2")
                for line in (tmp_path / f"{name}.log").read_text().splitlines()]
    final = SessionStore(tmp_path / "home").load(session_id)
    check_consistent(final)
    present = {m.text.partition(":")[2] for m in final.conversation}
    missing = [tag for tag in committed if tag not in present]
    REPORTS.append(f"2 writers x {OPS} saves, 2 readers x {OPS} reads on a 200 KB session: "
          f"{len(committed)} committed, {len(missing)} missing; {reads} reads, {len(failures)} failed")
    assert failures == []
    assert reads >= 2 * OPS
    assert len(committed) == 2 * OPS
    assert missing == []
    assert final.version == start_version + 2 * OPS


def test_threads_sharing_one_store_see_every_commit(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session_id = make_session(store, 100_000).id
    problems: list[str] = []
    written: list[str] = []

    def writer(name: str) -> None:
        for i in range(150):
            append_one(store, session_id, f"{name}-{i}")
            written.append(f"{name}-{i}")

    def reader() -> None:
        for _ in range(300):
            try:
                check_consistent(store.load(session_id))
                store.version(session_id)
            except (SessionNotFound, AssertionError) as exc:
                problems.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = SessionStore(tmp_path).load(session_id)
    present = {m.text.partition(":")[2] for m in final.conversation}
    assert problems == []
    assert sorted(written) == sorted(t for t in present if "-" in t)
    assert len(written) == 300
