"""The whole public API as a state machine (hypothesis), with two Pipeline objects on
one session acting in turn and arguments drawn broadly: wrong types, bools, NaN, inf,
negative and huge numbers, unicode and control characters.

After every step: the session loads; a refused action raised an error from the
``ap.AdPipelineError`` tree with a message that says what to do, and left the stored
record byte-identical; stages are approved in order; no chat message or pending
feedback is lost; no provider call was paid for twice.

``--hypothesis-profile=long`` runs many more examples (for local runs).
"""

from __future__ import annotations

import io
import math
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from PIL import Image

import adpipeline as ap
from adpipeline.models import STAGES
from adpipeline.store import SessionStore

from ..conftest import REPORTS

settings.register_profile(
    "ci", max_examples=10, stateful_step_count=25, deadline=None, derandomize=True,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "long", max_examples=200, stateful_step_count=40, deadline=None,
    suppress_health_check=list(HealthCheck),
)

COUNTS = {"steps": 0, "done": 0, "refused": 0, "invariant checks": 0}

NASTY_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["make it funnier", "brighter background", "make image 0 brighter",
                     "frame 9 darker", "approve", "regenerate please", "\x00\x1b[2J", "   ",
                     "<script>alert(1)</script>", "x" * 2100, "scene 2 should say 'hi'",
                     "make it 45 seconds", "no music", "the last frame bluer"]),
)
NASTY = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 12), st.just(10**12), st.just(-(10**12)),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8), st.just([1]),
    st.just({"a": 1}), st.just(b"\x89PNG"),
)
INDEX = st.one_of(st.integers(-2, 9), NASTY)
STAGE = st.one_of(st.sampled_from(STAGES), st.sampled_from(["Story", "complete", "", "video "]))


def _raw(home: Path, session_id: str) -> list[tuple[str, Any]]:
    """Every stored row of the session, as bytes are kept: the byte-identical check."""
    con = sqlite3.connect(f"file:{home / 'sessions' / 'cache.db'}?mode=ro", uri=True)
    try:
        return con.execute(
            "SELECT key, value FROM Cache WHERE key IN (?, ?, ?) OR (key >= ? AND key < ?) "
            "ORDER BY key",
            (f"session/{session_id}", f"version/{session_id}", f"summary/{session_id}",
             f"record/{session_id}/", f"record/{session_id}0"),
        ).fetchall()
    finally:
        con.close()


def _image(kind: str) -> Any:
    if kind == "png":
        buffer = io.BytesIO()
        Image.new("RGB", (320, 180), (30, 160, 90)).save(buffer, "PNG")
        return buffer.getvalue()
    if kind in ("CMYK", "I", "F", "LAB", "P", "1", "LA"):
        return Image.new("RGB", (64, 48), (200, 40, 40)).convert(kind)
    return {"garbage": b"not an image", "missing": "/nonexistent/picture.png",
            "folder": "/tmp", "number": 7}[kind]


class PipelineMachine(RuleBasedStateMachine):
    @initialize(duration=st.sampled_from([5, 6]), budget=st.sampled_from([None, 0, 5.0]))
    def start(self, duration: int, budget: float | None) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="api-machine-"))
        self.p = ap.start("ad for Aurora, a reusable water bottle", duration=duration,
                          budget=budget, voice="off", music="off", home=self.home)
        self.q = ap.resume(self.p.id, home=self.home)  # a second window on the same session
        self.seen = self.p.session

    # acting -------------------------------------------------------------------

    def act(self, who: int, action: Any) -> None:
        COUNTS["steps"] += 1
        pipeline = (self.p, self.q)[who % 2]
        before = _raw(self.home, self.p.id)
        try:
            action(pipeline)
        except ap.AdPipelineError as exc:
            COUNTS["refused"] += 1
            message = str(exc)
            assert len(message) > 20 and "Traceback" not in message, message
            assert _raw(self.home, self.p.id) == before, f"refused but changed: {exc!r}"
        except Exception as exc:
            raise AssertionError(f"{type(exc).__name__} escaped the error tree: {exc}") from exc
        else:
            COUNTS["done"] += 1

    @rule(who=st.integers(0, 1), stage=STAGE, text=NASTY_TEXT, item=st.one_of(st.none(), INDEX))
    def feedback(self, who: int, stage: Any, text: str, item: Any) -> None:
        self.act(who, lambda p: p[stage].feedback(text, item=item))

    @rule(who=st.integers(0, 1), stage=STAGE, item=st.one_of(st.none(), INDEX))
    def regenerate(self, who: int, stage: Any, item: Any) -> None:
        self.act(who, lambda p: p[stage].regenerate(item=item))

    @rule(who=st.integers(0, 1), stage=STAGE, n=INDEX)
    def revert(self, who: int, stage: Any, n: Any) -> None:
        self.act(who, lambda p: p[stage].revert(n))

    @rule(who=st.integers(0, 1), stage=st.sampled_from(["reference_images", "storyboard", "story"]),
          item=INDEX, version=INDEX)
    def revert_item(self, who: int, stage: str, item: Any, version: Any) -> None:
        self.act(who, lambda p: p[stage].revert_item(item, version))

    @rule(who=st.integers(0, 1), stage=st.sampled_from(["reference_images", "storyboard"]),
          item=INDEX, shape=st.sampled_from(["right", "wrong size", "empty", "text", "nan"]),
          prompt=NASTY_TEXT)
    def edit(self, who: int, stage: str, item: Any, shape: str, prompt: str) -> None:
        def action(p: ap.Pipeline) -> None:
            size = (720, 1280) if p.session.brief.aspect == "16:9" else (1280, 720)
            mask: Any = {"right": np.zeros(size, bool), "wrong size": np.ones((10, 10), bool),
                         "empty": np.zeros(size, bool), "text": "mask",
                         "nan": np.full(size, np.nan)}[shape]
            if shape == "right":
                mask[100:300, 200:500] = True
            p[stage].edit(item, mask=mask, prompt=prompt)

        self.act(who, action)

    @rule(who=st.integers(0, 1), stage=st.sampled_from(["reference_images", "storyboard", "video"]),
          item=INDEX, kind=st.sampled_from(["png", "CMYK", "I", "F", "LAB", "P", "1", "LA",
                                             "garbage", "missing", "folder", "number"]))
    def replace(self, who: int, stage: str, item: Any, kind: str) -> None:
        self.act(who, lambda p: p[stage].replace(item, _image(kind)))

    @rule(who=st.integers(0, 1), scene=INDEX, field=st.sampled_from(
        ["voiceover", "on_screen_text", "setting", "camera", "bogus"]), value=st.one_of(NASTY_TEXT, NASTY))
    def edit_scene(self, who: int, scene: Any, field: str, value: Any) -> None:
        self.act(who, lambda p: p.story.edit_scene(scene, **{field: value}))

    @rule(who=st.integers(0, 1), stage=STAGE)
    def approve(self, who: int, stage: Any) -> None:
        self.act(who, lambda p: p[stage].approve())

    @rule(who=st.integers(0, 1), stage=STAGE)
    def reopen(self, who: int, stage: Any) -> None:
        self.act(who, lambda p: p.reopen(stage))

    @rule(who=st.integers(0, 1), value=st.one_of(NASTY, st.floats(0, 100)))
    def budget(self, who: int, value: Any) -> None:
        self.act(who, lambda p: setattr(p, "budget", value))

    @rule(who=st.integers(0, 1), capability=st.sampled_from(["text", "image", "video", "sound", ""]),
          choice=st.one_of(st.sampled_from(["offline", "replicate", "openai", "nope"]), NASTY))
    def use(self, who: int, capability: str, choice: Any) -> None:
        self.act(who, lambda p: p.use(**{capability: choice}))

    @precondition(lambda self: self.p.stage != "complete")
    @rule(who=st.integers(0, 1))
    def approve_the_current_stage(self, who: int) -> None:
        """Moves the session forward often enough to reach every stage."""
        self.act(who, lambda p: p[p.stage].approve())

    @rule(who=st.integers(0, 1), choice=st.integers(0, 9), earlier=st.sampled_from(STAGES))
    def something_sensible(self, who: int, choice: int, earlier: str) -> None:
        """What a person would do on the open stage, so deep states are reached often."""
        def action(p: ap.Pipeline) -> None:
            session = p.session
            if session.stage == "complete":
                p.reopen(earlier)
                return
            stage = p[session.stage]
            images = session.stage in ("reference_images", "storyboard")
            if choice == 0:
                stage.feedback("make it brighter and warmer", item=0 if images else None)
            elif choice == 1:
                stage.regenerate(item=0 if images else None)
            elif choice == 2 and images:
                mask = np.zeros((stage.output[0].asset.height, stage.output[0].asset.width), bool)
                mask[40:160, 40:260] = True
                stage.edit(0, mask=mask, prompt="a red sports car")
            elif choice == 3 and images:
                stage.replace(1, _image("png"))
            elif choice == 4 and images:
                stage.revert_item(0, 0)
            elif choice == 5 and session.stage == "story":
                stage.edit_scene(1, voiceover="Cold water, all day long.")
            elif choice == 6:
                stage.revert(0)
            elif choice == 7:
                p.reopen(earlier)
            else:
                stage.approve()

        self.act(who, action)

    # Rules are drawn evenly: these aliases make sensible steps as common as hostile ones.
    something_sensible_again = something_sensible
    something_sensible_once_more = something_sensible

    # invariants -----------------------------------------------------------------

    @invariant()
    def holds(self) -> None:
        if not hasattr(self, "p"):
            return
        COUNTS["invariant checks"] += 1
        session = SessionStore(self.home).load(self.p.id)  # loads, from a cold store too
        assert self.q.session == self.p.session == session
        # Stages are approved in order; complete only with all four approved.
        if session.stage == "complete":
            assert all(session.stages[s].status == "approved" for s in STAGES)
        else:
            here = STAGES.index(session.stage)
            for name in STAGES[:here]:
                assert session.stages[name].status == "approved", (name, session.stage)
            assert session.stages[session.stage].status in ("review", "generating", "failed")
            for name in STAGES[here + 1:]:
                assert session.stages[name].status in ("pending", "stale"), name
        # Nothing a person said is lost: the conversation only grows.
        assert session.conversation[:len(self.seen.conversation)] == self.seen.conversation
        # Pending feedback leaves only by being applied (a new version) or by an approval.
        for name in STAGES:
            old, new = self.seen.stages[name], session.stages[name]
            applied = len(new.versions) > len(old.versions) or (
                old.status != "approved" and new.status == "approved")
            if not applied:
                assert all(f in new.pending for f in old.pending), name
        # No identical provider call is paid for twice.
        paid = [e.key for e in session.ledger if not e.cached and e.key]
        assert len(paid) == len(set(paid)), "a call was made twice"
        assert session.budget_usd is None or math.isfinite(session.budget_usd)
        self.seen = session


PipelineMachine.TestCase.settings = settings.get_profile(
    "long" if "--hypothesis-profile=long" in sys.argv else "ci")
test_the_api_as_a_state_machine = PipelineMachine.TestCase


def teardown_module() -> None:
    REPORTS.append("API state machine: " + ", ".join(f"{v} {k}" for k, v in COUNTS.items()))
