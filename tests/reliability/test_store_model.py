"""The session store against a plain Python model of it, over random sequences of
creates, appends, head changes, stale saves, deletes and reloads (hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

import adpipeline as ap
from adpipeline.models import Brief, LedgerEntry, Message, Session, Version
from adpipeline.store import SessionStore

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
SIZES = st.sampled_from([0, 10, 1_000, 40_000, 120_000])  # around diskcache's 32 KB line


class StoreModel(RuleBasedStateMachine):
    sessions = Bundle("sessions")

    def __init__(self) -> None:
        super().__init__()
        self.home = Path(tempfile.mkdtemp(prefix="store-model-"))
        self.store = SessionStore(self.home)
        self.expected: dict[str, Session] = {}  # what each session must load as
        self.copies: dict[str, Session] = {}  # a copy that may have gone stale

    @rule(target=sessions, prompt=TEXT.filter(lambda t: 3 <= len(t.strip()) <= 4000))
    def create(self, prompt: str) -> str:
        saved = self.store.create(Session(brief=Brief.create(prompt=prompt)))
        self.expected[saved.id] = saved
        self.copies[saved.id] = saved
        return saved.id

    @rule(session_id=sessions, text=TEXT, size=SIZES, versions=st.integers(0, 2),
          budget=st.none() | st.floats(0, 1e6))
    def append(self, session_id: str, text: str, size: int, versions: int,
               budget: float | None) -> None:
        if session_id not in self.expected:
            return
        session = self.store.load(session_id)
        session.conversation = [*session.conversation,
                                Message(role="user", text=text + "x" * size, stage="story")]
        session.ledger = [*session.ledger, LedgerEntry(
            provider="offline", model="m", stage="story", operation="write", units=1,
            unit="calls", cost_usd=0.0, cached=False)]
        state = session.stages["storyboard"]
        state.versions = [*state.versions, *[Version(number=len(state.versions) + i, note=text)
                                             for i in range(versions)]]
        session.budget_usd = budget
        saved = self.store.save(session)
        assert saved.version == self.expected[session_id].version + 1
        self.expected[session_id] = saved

    @rule(session_id=sessions, text=TEXT)
    def save_a_copy(self, session_id: str, text: str) -> None:
        """Saving an older copy is a conflict and changes nothing; a current one saves."""
        if session_id not in self.expected:
            return
        copy = self.copies[session_id]
        copy = copy.model_copy(update={"conversation": [
            *copy.conversation, Message(role="assistant", text=text, stage="story")]})
        if copy.version != self.expected[session_id].version:
            try:
                self.store.save(copy)
            except ap.ConflictError:
                return
            raise AssertionError("a stale copy was saved")
        saved = self.store.save(copy)
        self.expected[session_id] = saved
        self.copies[session_id] = saved

    @rule(session_id=sessions)
    def take_a_copy(self, session_id: str) -> None:
        if session_id in self.expected:
            self.copies[session_id] = SessionStore(self.home).load(session_id)

    @rule(session_id=consumes(sessions))
    def delete(self, session_id: str) -> None:
        if session_id not in self.expected:
            return
        self.store.delete(session_id)
        del self.expected[session_id]
        try:
            self.store.load(session_id)
        except ap.SessionNotFound:
            return
        raise AssertionError("a deleted session still loads")

    @invariant()
    def every_session_loads_as_expected_warm_and_cold(self) -> None:
        cold = SessionStore(self.home)
        for session_id, expected in self.expected.items():
            for store in (self.store, cold):
                loaded = store.load(session_id)
                assert loaded == expected
                assert store.version(session_id) == expected.version
        assert {s.id for s in cold.list()} == set(self.expected)
        cold.close()

    def teardown(self) -> None:
        self.store.close()


StoreModel.TestCase.settings = settings(
    max_examples=25, stateful_step_count=15, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_store_matches_its_model = StoreModel.TestCase
