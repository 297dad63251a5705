"""The behaviour every remote provider owes a user, against loopback fakes shaped like the
real APIs: retries that honour Retry-After, no retry on 4xx, structured output
that survives servers which refuse or ignore it, refusals and broken images as clear
errors, a budget that holds under concurrency, and per-capability settings."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import adpipeline as ap
from adpipeline.errors import ProviderError
from adpipeline.models import Brief
from adpipeline.providers import choose, parse_choice
from adpipeline.providers.base import Cost
from adpipeline.providers.gateway import Gateway
from adpipeline.providers.offline.story import write_story
from adpipeline.providers.openai import OpenAIImageProvider, OpenAITextProvider

from ..fake_openai import FakeOpenAI, completion, error

BRIEF = "30 s ad for Aurora, a reusable water bottle"


def _story(duration: int = 30) -> dict[str, Any]:
    story = write_story(Brief.create(prompt="ad for Aurora, a bottle", duration_s=duration),
                        None, [], 1)
    return story.model_dump(mode="json", exclude={"variant", "scene_edits", "avoid", "understood"})


def test_schema_shown_to_the_model_leaves_out_internal_fields(openai: FakeOpenAI) -> None:
    openai.reply(200, completion(json.dumps(_story())))
    OpenAITextProvider().write_story(Brief.create(prompt=BRIEF, duration_s=30), None, [], 1)
    sent = openai.requests[0].body["response_format"]["json_schema"]["schema"]
    text = json.dumps(sent)
    assert "scene_edits" not in text and "variant" not in text
    assert sent["additionalProperties"] is False
    # ... and it is in the prompt too, for servers that ignore the field.
    assert "scenes" in openai.requests[0].body["messages"][0]["content"]


def test_fenced_story_from_a_server_that_ignores_the_schema_is_read(openai: FakeOpenAI,
                                                                     home: Path) -> None:
    answer = "Sure! Here it is:\n```json\n" + json.dumps(_story()) + "\n```"
    openai.reply(200, completion(answer))
    p = ap.start(BRIEF, providers={"text": "openai"}, home=home)
    assert p.story.output.duration_s == 30  # retimed to the brief exactly
    assert len(openai.requests) == 1


def test_a_400_for_the_response_format_falls_back_to_the_schema_in_the_prompt(
        openai: FakeOpenAI, home: Path) -> None:
    # LM Studio: "'response_format.type' must be 'json_schema' or 'text'".
    openai.reply(400, error("'response_format.type' must be 'json_schema' or 'text'",
                            "invalid_request_error"))
    openai.reply(200, completion('{"reply": "I will make it funnier.", "action": null}'))
    p = ap.start(BRIEF, home=home)
    p.use(text="openai")
    assert p.story.feedback("make it funnier") == "I will make it funnier."
    first, second = openai.requests
    assert "response_format" in first.body and "response_format" not in second.body


def test_an_answer_that_does_not_fit_gets_one_repair_with_the_error(openai: FakeOpenAI) -> None:
    openai.reply(200, completion('{"title": "no scenes"}'))
    openai.reply(200, completion(json.dumps(_story())))
    story = OpenAITextProvider().write_story(Brief.create(prompt=BRIEF, duration_s=20), None, [], 1)
    assert story.duration_s == 20
    repair = openai.requests[1].body["messages"][-1]["content"]
    assert "scenes" in repair and "not valid" in repair


def test_json_mode_can_be_chosen_by_hand(openai: FakeOpenAI,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADPIPELINE_TEXT_JSON", "prompt")
    openai.reply(200, completion(json.dumps(_story())))
    OpenAITextProvider().write_story(Brief.create(prompt=BRIEF, duration_s=30), None, [], 1)
    assert "response_format" not in openai.requests[0].body


def test_429_waits_as_long_as_retry_after_says(monkeypatch: pytest.MonkeyPatch,
                                               openai: FakeOpenAI, home: Path) -> None:
    waits: list[float] = []
    monkeypatch.setattr("adpipeline.providers.gateway.time.sleep", waits.append)
    openai.reply(429, error("Rate limit reached", "requests"), headers={"Retry-After": "7"})
    openai.reply(200, completion(json.dumps(_story())))
    p = ap.start(BRIEF, providers={"text": "openai"}, home=home)
    assert waits and waits[0] >= 7.0
    assert p.story.status == "review"


def test_a_5xx_is_retried_then_succeeds(openai: FakeOpenAI, home: Path) -> None:
    openai.reply(503, error("The engine is currently overloaded", "server_error"))
    openai.reply(200, completion(json.dumps(_story())))
    p = ap.start(BRIEF, providers={"text": "openai"}, home=home)
    assert p.story.status == "review" and len(openai.requests) == 2


def test_an_answer_slower_than_the_deadline_fails_the_stage_and_a_retry_works(
        openai: FakeOpenAI, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(OpenAITextProvider, "deadline_s", 0.5)
    openai.reply(200, completion(json.dumps(_story())), after_s=2.0)
    with pytest.raises(ap.ProviderError, match="in time") as caught:
        ap.start(BRIEF, providers={"text": "openai"}, home=home)
    assert "Traceback" not in str(caught.value)
    (summary,) = ap.sessions(home=home)
    assert summary.status == "failed"
    openai.reply(200, completion(json.dumps(_story())))
    p = ap.resume(summary.id, home=home)
    p.story.regenerate()
    assert p.story.status == "review" and p.story.output.duration_s == 30


def test_a_4xx_input_error_is_not_retried(openai: FakeOpenAI, home: Path) -> None:
    openai.reply(422, error("bad input", "invalid_request_error"))
    with pytest.raises(ap.ProviderError, match="422"):
        ap.start(BRIEF, providers={"text": "openai"}, home=home)
    assert len(openai.requests) == 1
    (summary,) = ap.sessions(home=home)
    assert summary.status == "failed"  # with a working retry: p.story.regenerate()


def test_content_policy_refusal_says_to_change_the_prompt(openai: FakeOpenAI) -> None:
    openai.reply(400, {"error": {"message": "Your request was rejected by the safety system.",
                                 "type": "image_generation_user_error",
                                 "code": "moderation_blocked", "param": None}})
    with pytest.raises(ap.ProviderError, match=r"content policy.*Change the prompt"):
        OpenAIImageProvider().generate(_request(), [])
    assert len(openai.requests) == 1


def test_truncated_image_bytes_are_a_provider_error(openai: FakeOpenAI) -> None:
    import base64

    from .test_openai_images import _solid

    broken = _solid((1, 2, 3), 64, 64)[:40]
    openai.reply(200, {"created": 1, "data": [{"b64_json": base64.b64encode(broken).decode()}]})
    with pytest.raises(ap.ProviderError, match="regenerate"):
        OpenAIImageProvider().generate(_request(), [])


def test_frames_are_edits_of_the_reference_sheets(openai: FakeOpenAI) -> None:
    from ..fake_openai import image_result
    from .test_openai_images import _solid

    openai.reply(200, image_result(_solid((9, 9, 9), 1280, 720)))
    refs = [_solid((i, i, i), 64, 64) for i in (10, 20, 30)]
    OpenAIImageProvider().generate(_request(), refs)
    (request,) = openai.requests
    assert request.path == "/v1/images/edits"
    assert [part.data for part in request.files["image[]"]] == refs


def test_a_shut_down_model_is_refused_before_any_request(openai: FakeOpenAI,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL")
    with pytest.raises(ap.InvalidInput, match=r"gpt-image-2\.5"):
        OpenAIImageProvider("gpt-image-1").generate(_request(), [])
    assert openai.requests == []


def test_each_capability_has_its_own_model_and_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADPIPELINE_TEXT_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("ADPIPELINE_TEXT_MODEL", "llama3.1")
    chosen = choose({"text": "openai", "image": {"provider": "openai", "model": "gpt-image-2"}})
    assert parse_choice(chosen["text"]) == ("openai", "llama3.1", "http://127.0.0.1:11434/v1")
    assert parse_choice(chosen["image"]) == ("openai", "gpt-image-2", None)
    with pytest.raises(ap.InvalidInput, match="password"):
        choose({"text": {"provider": "openai", "base_url": "http://u:secret@host/v1"}})


class _Slow:
    name, model = "slow", "fake-1"

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        return Cost(units=1, unit="images", usd=0.10)


def test_budget_holds_when_concurrent_calls_would_cross_it(home: Path) -> None:
    from adpipeline.store import SessionStore

    store = SessionStore(home)
    gateway = Gateway(store.calls, stage="storyboard", budget_usd=0.35, spent_usd=0.0)
    made, refused = [], []

    def one(i: int) -> None:
        try:
            gateway.call(_Slow(), "generate", {"i": i}, lambda: time.sleep(0.2) or made.append(i))
        except ap.BudgetExceeded:
            refused.append(i)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 3 and len(refused) == 5
    assert gateway.spent_usd <= 0.35 + 1e-9
    store.close()


def test_a_slow_answer_ends_at_the_calls_deadline(home: Path, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    from adpipeline.store import SessionStore

    # The longest wait full jitter can draw: past the 0.3 s deadline.
    monkeypatch.setattr("adpipeline.providers.gateway.random.uniform", lambda low, high: high)
    store = SessionStore(home)
    gateway = Gateway(store.calls, stage="story", budget_usd=None, spent_usd=0.0,
                      deadline_s=0.3, backoff_s=1.0)

    attempts: list[int] = []

    def timing_out() -> None:
        attempts.append(1)
        raise ProviderError("timed out", transient=True)

    with pytest.raises(ProviderError, match="deadline"):
        gateway.call(_Slow(), "generate", {}, timing_out)
    assert len(attempts) == 1  # the backoff would end past the deadline: no retry starts
    store.close()


def _request() -> Any:
    from adpipeline.providers.base import ImageRequest

    return ImageRequest(kind="frame", label="a", prompt="a teal bottle on a desk", width=1280,
                        height=720, seed=7, product="Aurora")
