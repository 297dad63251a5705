"""The two-role prompt refinement loop (adpipeline/refine), offline and with a text model."""

from __future__ import annotations

import json

import pytest

from adpipeline.errors import InvalidInput
from adpipeline.providers.gateway import Gateway
from adpipeline.refine import MemoryCalls, OfflineRoles, Refinement, refine, roles_for
from adpipeline.refine.criteria import judge_offline

from ..fake_openai import KEY, FakeOpenAI, completion


def _offline(prompt: str, kind: str = "image", **options: object) -> Refinement:
    gateway = Gateway(MemoryCalls(), stage="test", budget_usd=None, spent_usd=0.0)
    return refine(prompt, kind=kind, roles=OfflineRoles(), gateway=gateway,  # type: ignore[arg-type]
                  **options)  # type: ignore[arg-type]


def _score(prompt: str, criterion: str, kind: str = "image") -> int:
    return {j.name: j.score for j in judge_offline(prompt, kind)}[criterion]  # type: ignore[arg-type]


def test_a_prompt_missing_lighting_or_composition_scores_lower_on_it() -> None:
    full = ("a water bottle on a kitchen table, soft window light from the left, rule of thirds "
            "with negative space, photorealistic, teal palette, 85mm lens")
    no_light = "a water bottle on a kitchen table, rule of thirds with negative space, photorealistic"
    no_layout = "a water bottle on a kitchen table, soft window light from the left, photorealistic"
    assert _score(no_light, "lighting") < _score(full, "lighting")
    assert _score(no_layout, "composition") < _score(full, "composition")
    critique = OfflineRoles().critique(no_light, "image", 0)
    note = {c["name"]: c["note"] for c in critique["criteria"]}["lighting"]
    assert note.startswith("nothing about lighting")  # the score is explained


def test_the_rewrite_addresses_the_gap_and_the_score_rises() -> None:
    result = _offline("a water bottle on a kitchen table", target=90, rounds=5)
    first, second = result.rounds[0], result.rounds[1]
    gaps = sorted(first.criteria, key=lambda c: c.score)[:2]
    after = {c.name: c.score for c in second.criteria}
    for gap in gaps:
        assert after[gap.name] > gap.score
    assert second.prompt.startswith("a water bottle on a kitchen table")
    assert [r.score for r in result.rounds] == sorted(r.score for r in result.rounds)
    assert result.rounds[-1].score > first.score


def test_the_loop_stops_at_the_target_or_the_limit() -> None:
    reached = _offline("a water bottle", target=60, rounds=10)
    assert reached.stopped == "target" and reached.rounds[-1].score >= 60
    assert all(r.score < 60 for r in reached.rounds[:-1])
    limited = _offline("a water bottle", target=100, rounds=1)
    assert limited.stopped == "limit" and len(limited.rounds) == 2
    # Nothing left to add: the loop ends instead of repeating itself.
    assert _offline("a water bottle", target=100, rounds=50).stopped in ("unchanged", "limit")


def test_same_input_and_seed_give_the_same_rounds() -> None:
    one = _offline("the runner at dawn", kind="video", seed=7, duration_s=4)
    two = _offline("the runner at dawn", kind="video", seed=7, duration_s=4)
    assert one.model_dump() == two.model_dump()
    assert "4 seconds" in one.best.prompt
    other_seeds = {_offline("the runner at dawn", kind="video", seed=s).best.prompt for s in range(6)}
    assert len(other_seeds) > 1  # the seed picks the wording


def test_video_prompts_are_judged_on_motion() -> None:
    assert [c.name for c in _offline("x", kind="video", rounds=1).rounds[0].criteria] == [
        "camera move", "subject motion", "pacing", "duration"]
    assert _score("slow push in, the runner turns, over 5 seconds", "duration", "video") == 100
    assert _score("the runner", "camera move", "video") == 0


@pytest.mark.parametrize(("options", "says"), [
    ({"rounds": 0}, "rounds"), ({"target": 101}, "target"), ({"kind": "audio"}, "kind"),
])
def test_bad_settings_are_refused(options: dict[str, object], says: str) -> None:
    kind = options.pop("kind", "image")
    with pytest.raises(InvalidInput, match=says):
        _offline("a bottle", kind=kind, **options)  # type: ignore[arg-type]


def test_a_text_model_plays_both_roles_through_the_gateway(openai: FakeOpenAI, home: object) -> None:
    from adpipeline.pipeline import store_at

    critique = {"criteria": {name: {"score": 40, "note": f"weak {name}"} for name in
                             ("composition", "lighting", "subject", "style", "colour", "camera")},
                "summary": "thin"}
    better = {"criteria": {name: {"score": 90, "note": "good"} for name in critique["criteria"]},
              "summary": "ready"}
    for answer in (critique, {"prompt": "a bottle, soft window light, rule of thirds"}, better):
        openai.reply(200, completion(json.dumps(answer)))

    def run() -> Refinement:
        gateway = Gateway(store_at(None).calls, stage="test", budget_usd=None, spent_usd=0.0)
        return refine("a bottle", kind="image", roles=roles_for("openai"), gateway=gateway, seed=3)

    first = run()
    assert [r.score for r in first.rounds] == [40, 90] and first.stopped == "target"
    assert first.rounds[1].prompt == "a bottle, soft window light, rule of thirds"
    assert len(openai.requests) == 3 and openai.requests[0].body["seed"] == 3
    assert "lighting" in openai.requests[0].body["messages"][0]["content"]
    assert [e.cached for e in first.ledger] == [False] * 3 and first.cost_usd > 0
    again = run()  # served from the cache: no request, no cost
    assert len(openai.requests) == 3 and again.model_dump() == first.model_dump()
    assert all(e.cached for e in again.ledger) and again.cost_usd == 0
    assert KEY not in json.dumps([e.model_dump(mode="json") for e in first.ledger])
