"""A session's histories as stored records, and the records this process has parsed.

Conversation, ledger and each stage's versions are histories: appended, never
rewritten. Each record is stored under its own key, and the parsed records are kept
per process (keyed by the session's epoch), so loading a long session parses only what
it has not seen. What the shared records hold is made read-only (see
:func:`~adpipeline.snapshot.read_only_parts`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..models import STAGES, LedgerEntry, Message, Session, Version
from ..snapshot import read_only_parts

#: Each history, and the model of its records.
HISTORIES: dict[str, type[BaseModel]] = {
    "conversation": Message,
    "ledger": LedgerEntry,
    **{stage: Version for stage in STAGES},
}
#: How many sessions' records are kept in memory, most recently used first.
REMEMBERED_SESSIONS = 64


def record_key(session_id: str, history: str, index: int) -> str:
    return f"record/{session_id}/{history}/{index:09d}"


def history_of(session: Session, history: str) -> list[Any]:
    if history == "conversation":
        return session.conversation
    if history == "ledger":
        return session.ledger
    return session.stages[history].versions  # type: ignore[index]


@dataclass
class _Remembered:
    """The parsed records of one session, as far as this process has read them."""

    epoch: str
    histories: dict[str, list[Any]] = field(default_factory=lambda: {h: [] for h in HISTORIES})


class RecordMemory:
    """The parsed records of the sessions this process read or wrote lately."""

    def __init__(self) -> None:
        self._sessions: OrderedDict[str, _Remembered] = OrderedDict()
        self._lock = threading.Lock()

    def known(self, session_id: str, epoch: str) -> dict[str, list[Any]]:
        """Copies of the records kept for ``session_id`` at ``epoch`` (empty if none)."""
        with self._lock:
            seen = self._sessions.get(session_id)
            if seen is None or seen.epoch != epoch:
                return {h: [] for h in HISTORIES}
            return {h: list(seen.histories[h]) for h in HISTORIES}

    def known_history(self, session_id: str, epoch: str, history: str) -> list[Any]:
        """A copy of one history's records kept for ``session_id`` at ``epoch``."""
        with self._lock:
            seen = self._sessions.get(session_id)
            return list(seen.histories[history]) if seen and seen.epoch == epoch else []

    def remember(self, session_id: str, epoch: str, histories: dict[str, list[Any]]) -> None:
        with self._lock:
            seen = self._sessions.get(session_id)
            if seen is None or seen.epoch != epoch:
                seen = self._sessions[session_id] = _Remembered(epoch)
            for history, records in histories.items():
                for record in records:
                    read_only_parts(record)
                if len(records) >= len(seen.histories[history]):
                    seen.histories[history] = list(records)
            self._sessions.move_to_end(session_id)
            while len(self._sessions) > REMEMBERED_SESSIONS:
                self._sessions.popitem(last=False)

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)
