"""Processes that write and read a real store while the tests kill or race them.

Every save appends one message whose text names the version it creates, and sets
the budget to that version: a session that loads with a head from one commit and
records from another, or with a message missing, is caught by :func:`check_consistent`.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

from adpipeline.errors import ConflictError, SessionNotFound
from adpipeline.models import Brief, Message, Session
from adpipeline.store import SessionStore

BRIEF = "30 s ad for Aurora, a reusable water bottle"


def padding(size: int, seed: int) -> str:
    """Text that compresses poorly, so sizes on disk are real sizes."""
    return random.Random(seed).randbytes(size // 2 + 1).hex()[:size]


def make_session(store: SessionStore, size_bytes: int) -> Session:
    """A session of about ``size_bytes`` (JSON), grown by messages of up to 64 KB."""
    session = store.create(Session(brief=Brief.create(prompt=BRIEF)))
    grown = 0
    chunk = 0
    while grown < size_bytes:
        part = min(64_000, size_bytes - grown)
        session = session.model_copy(update={"conversation": [
            *session.conversation, _message(session.version + 1, padding(part, chunk))]})
        session.budget_usd = float(session.version + 1)
        session = store.save(session)
        grown += part
        chunk += 1
    return session


def _message(version: int, body: str = "") -> Message:
    return Message(role="user", text=f"v{version}:{body}", stage="story")


def check_consistent(session: Session) -> None:
    """Raise AssertionError unless head and histories come from the same commit."""
    versions = [int(m.text[1:m.text.index(":")]) for m in session.conversation]
    assert versions == sorted(versions), "messages out of order"
    if versions:
        assert versions[-1] == session.version, (
            f"last message is from version {versions[-1]}, head is {session.version}")
        assert session.budget_usd == float(session.version), "head and records disagree"


def append_forever(home: str, session_id: str, max_record: int, seed: int) -> None:
    """Save forever, one message per save; print each committed version."""
    store = SessionStore(home)
    rng = random.Random(seed)
    while True:
        session = store.load(session_id)
        nxt = session.version + 1
        body = padding(rng.randint(0, max_record), rng.randint(0, 1 << 30))
        session.conversation = [*session.conversation, _message(nxt, body)]
        session.budget_usd = float(nxt)
        saved = store.save(session)
        os.write(1, f"{saved.version}\n".encode())


def append_one(store: SessionStore, session_id: str, tag: str) -> None:
    """Append a message tagged ``tag`` as the next version, retrying on conflicts."""
    while True:
        session = store.load(session_id)
        nxt = session.version + 1
        session.conversation = [*session.conversation, _message(nxt, tag)]
        session.budget_usd = float(nxt)
        try:
            store.save(session)
            return
        except ConflictError:
            continue


def race(home: str, session_id: str, role: str, name: str, ops: int, out: str) -> None:
    """A writer appends ``ops`` messages (retrying conflicts); a reader loads ``ops`` times.

    Writes a line per committed message (writers) or per failed read (readers) to ``out``.
    Readers go on past ``ops`` until the file ``<home>/writers-done`` exists, so they
    overlap the writers whatever the start-up order.
    """
    store = SessionStore(home)
    done = Path(home) / "writers-done"
    give_up = time.monotonic() + 300  # if the test died, never read forever
    with open(out, "w") as log:
        i = 0
        while i < ops or (role == "reader" and not done.exists() and time.monotonic() < give_up):
            i += 1
            if role == "writer":
                append_one(store, session_id, f"{name}-{i}")
                log.write(f"{name}-{i}\n")
            else:
                try:
                    if i % 2:
                        store.version(session_id)
                    else:
                        check_consistent(store.load(session_id))
                except SessionNotFound as exc:
                    log.write(f"not found: {exc}\n")
                except AssertionError as exc:
                    log.write(f"inconsistent: {exc}\n")
        if role == "reader":
            print(i)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "append_forever":
        append_forever(args[0], args[1], int(args[2]), int(args[3]))
    elif command == "race":
        race(args[0], args[1], args[2], args[3], int(args[4]), args[5])
    elif command == "kill_at_statement":
        # Kill this process just before the Nth SQL statement of one save.
        store = SessionStore(args[0])
        session = store.load(args[1])
        target = int(args[2])
        count = 0

        def trace(statement: str) -> None:
            global count
            count += 1
            if count == target:
                os.kill(os.getpid(), 9)

        store._sessions._con.set_trace_callback(trace)
        nxt = session.version + 1
        session.conversation = [*session.conversation, _message(nxt, padding(int(args[3]), 7))]
        session.budget_usd = float(nxt)
        store.save(session)
        store._sessions._con.set_trace_callback(None)
        print(count)
