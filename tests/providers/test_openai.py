"""The OpenAI provider against a loopback server that answers like OpenAI's API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import adpipeline as ap
from adpipeline.models import Brief
from adpipeline.providers.offline.story import write_story

from ..fake_openai import KEY, FakeOpenAI, completion, error


def _story_json(duration: int = 30) -> str:
    # A model's story: the right shape, but timings that do not quite add up.
    story = write_story(Brief.create(prompt="ad for Aurora, a bottle", duration_s=duration),
                        None, [], 1)
    data = story.model_dump(mode="json")
    for scene in data["scenes"]:
        scene["duration_s"] = 4.7
    return json.dumps(data)



def test_budget_of_zero_stops_a_paid_call_before_any_request(openai: FakeOpenAI,
                                                            home: Path) -> None:
    openai.reply(200, completion(_story_json()))
    with pytest.raises(ap.BudgetExceeded, match="budget"):
        ap.start("30 s ad for Aurora", providers={"text": "openai"}, budget=0, home=home)
    assert openai.requests == []
    (summary,) = ap.sessions(home=home)
    assert summary.status == "failed"


def test_story_from_openai_is_validated_and_retimed(openai: FakeOpenAI, home: Path) -> None:
    openai.reply(200, completion(_story_json()))
    p = ap.start("30 s ad for Aurora", providers={"text": "openai"}, budget=1.0, home=home)
    (request,) = openai.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["response_format"]["type"] == "json_schema"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert p.story.output.duration_s == 30
    (entry,) = p.session.ledger
    assert (entry.provider, entry.cached) == ("openai", False)
    assert 0 < entry.cost_usd < 0.01


def test_unlisted_model_on_a_custom_endpoint_costs_nothing(openai: FakeOpenAI, home: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADPIPELINE_OPENAI_MODEL", "llama3.1")
    openai.reply(200, completion(_story_json()))
    p = ap.start("30 s ad for Aurora", providers={"text": "openai"}, budget=0, home=home)
    assert openai.requests[0].body["model"] == "llama3.1"
    assert p.cost_usd == 0


def test_api_key_never_reaches_session_cache_or_repr(openai: FakeOpenAI, home: Path) -> None:
    openai.reply(200, completion(_story_json()))
    p = ap.start("30 s ad for Aurora", providers={"text": "openai"}, home=home)
    assert KEY not in p.session.model_dump_json()
    assert KEY not in repr(p) + repr(p.providers.text)
    for path in home.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_rate_limits_are_retried_then_succeed(openai: FakeOpenAI, home: Path) -> None:
    openai.reply(429, error("Rate limit reached for requests", "requests"))
    openai.reply(200, completion(_story_json()))
    p = ap.start("30 s ad for Aurora", providers={"text": "openai"}, home=home)
    assert len(openai.requests) == 2
    assert p.story.status == "review"


def test_bad_key_is_a_clear_provider_error(openai: FakeOpenAI, home: Path) -> None:
    openai.reply(401, error("Incorrect API key provided", "invalid_request_error"))
    with pytest.raises(ap.ProviderError, match="OPENAI_API_KEY"):
        ap.start("30 s ad for Aurora", providers={"text": "openai"}, home=home)
    assert len(openai.requests) == 1


def test_feedback_goes_to_the_model_and_its_reply_comes_back(openai: FakeOpenAI,
                                                             home: Path) -> None:
    openai.reply(200, completion(_story_json()))
    p = ap.start("30 s ad for Aurora", providers={"text": "openai"}, home=home)
    openai.reply(200, completion(json.dumps({"reply": "I'll add jokes to scenes 1 and 3.",
                                             "action": None})))
    assert p.story.feedback("make it funnier") == "I'll add jokes to scenes 1 and 3."
    assert p.story.pending[0].text == "make it funnier"
    assert "make it funnier" in json.dumps(openai.requests[-1].body)


def test_changes_a_model_adds_to_its_reply_are_not_applied(openai: FakeOpenAI,
                                                           home: Path) -> None:
    # A server that ignores the schema may answer with changes of its own, unknown or
    # out of range: the reply is shown, and only the person's words go to the picture.
    openai.reply(200, completion(_story_json()))
    p = ap.start("30 s ad for Aurora", providers={"text": "openai"}, home=home)
    p.story.approve()
    openai.reply(200, completion(json.dumps({
        "reply": "Brighter, and I'll make it sparkle.", "action": None,
        "changes": {"brightness": 99, "sparkle": True, "framing": "fisheye"}})))
    assert p.reference_images.feedback("the product sheet brighter") == \
        "Brighter, and I'll make it sparkle."
    (asked,) = p.reference_images.pending
    assert asked.changes.model_dump() == {"instruction": "the product sheet brighter"}
    p.reference_images.regenerate()
    drawn = {i.asset.adjustments.model_dump()["instruction"] for i in p.reference_images.output}
    assert drawn == {"the product sheet brighter"}


def test_sound_feedback_through_a_model_keeps_the_pictures(openai: FakeOpenAI,
                                                            home: Path) -> None:
    openai.reply(200, completion(_story_json()))
    p = ap.start("30 s ad for Aurora", providers={"text": "openai"}, voice="off", home=home)
    for stage in (p.story, p.reference_images, p.storyboard):
        stage.approve()
    first = p.video.output
    openai.reply(200, completion(json.dumps({"reply": "Quieter music.", "action": None})))
    p.video.feedback("make the music quieter")
    p.video.regenerate()
    quieter = p.video.output
    assert quieter.asset.audio.music_db < first.asset.audio.music_db
    assert quieter.asset.seed == first.asset.seed  # the same pictures, only the sound remade
    renders = [e for e in p.session.ledger if e.operation == "render"]
    assert [e.cached for e in renders] == [False, True]

    openai.reply(200, completion(json.dumps({"reply": "More drama.", "action": None})))
    p.video.feedback("make it more dramatic")  # not a sound change: a new take
    p.video.regenerate()
    assert p.video.output.asset.seed != first.asset.seed

    dramatic = p.video.output
    openai.reply(200, completion(json.dumps({"reply": "Quieter, and more drama.",
                                             "action": None})))
    p.video.feedback("make the music quieter and make it even more dramatic")
    p.video.regenerate()
    assert p.video.output.asset.audio.music_db < dramatic.asset.audio.music_db
    assert p.video.output.asset.seed != dramatic.asset.seed  # the drama too: a new take


def test_a_model_cannot_approve_what_the_person_did_not(openai: FakeOpenAI, home: Path) -> None:
    openai.reply(200, completion(_story_json()))
    p = ap.start("30 s ad for Aurora", providers={"text": "openai"}, home=home)
    openai.reply(200, completion(json.dumps({"reply": "Approved!", "action": "approve"})))
    p.story.feedback("make it funnier")
    assert p.story.status == "review"
    openai.reply(200, completion(json.dumps({"reply": "Approving.", "action": "approve"})))
    p.story.feedback("looks great, approve it")
    assert p.story.status == "approved"


def test_a_short_brief_keeps_its_length_however_many_scenes_come_back(
    openai: FakeOpenAI, home: Path,
) -> None:
    data = json.loads(_story_json())
    data["scenes"] = [dict(data["scenes"][0], beat=f"beat {i}") for i in range(8)]
    openai.reply(200, completion(json.dumps(data)))
    p = ap.start("6 s ad for Aurora", providers={"text": "openai"}, home=home)
    assert p.story.output.duration_s == 6
    assert all(scene.duration_s >= 1 for scene in p.story.output.scenes)
    sent = openai.requests[0].body["response_format"]["json_schema"]["schema"]
    # A local server that enforces the schema is told the most scenes 6 s hold (1.5 s each).
    assert sent["properties"]["scenes"]["maxItems"] == 4


def test_missing_key_says_how_to_fix_it(home: Path) -> None:
    with pytest.raises(ap.InvalidInput, match="OPENAI_API_KEY"):
        ap.start("30 s ad for Aurora", providers={"text": "openai"}, home=home)


def test_unknown_provider_is_rejected() -> None:
    with pytest.raises(ap.InvalidInput, match="choose from"):
        ap.start("30 s ad for Aurora", providers={"text": "acme"})
