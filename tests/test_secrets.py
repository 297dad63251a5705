"""Keys set in the environment appear nowhere adpipeline writes or shows: not in the
store, the call cache, the media, the logs, a widget's state or an object's repr."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

import adpipeline as ap
from adpipeline import ui

from .fake_openai import KEY, FakeOpenAI, completion
from .fake_replicate import serve as serve_replicate
from .providers.test_openai import _story_json

TOKEN = "r8_" + "S3cr3t" * 7


@pytest.fixture
def both(openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("REPLICATE_POLL_INTERVAL", "0.005")
    with serve_replicate(TOKEN) as fake:
        monkeypatch.setenv("REPLICATE_API_TOKEN", TOKEN)
        monkeypatch.setenv("REPLICATE_BASE_URL", fake.base_url)
        yield


def _widget_states(widget: object, seen: set[int] | None = None) -> Iterator[dict]:
    """The synced state of a widget and of every widget inside it."""
    seen = seen if seen is not None else set()
    if id(widget) in seen or not hasattr(widget, "get_state"):
        return
    seen.add(id(widget))
    state = widget.get_state()  # type: ignore[attr-defined]
    yield state
    for value in vars(widget).values():
        for child in value if isinstance(value, list | tuple) else [value]:
            yield from _widget_states(child, seen)


def test_keys_never_leave_the_environment(both: None, openai: FakeOpenAI, home: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    openai.reply(200, completion(_story_json(10)))
    openai.reply(200, completion(json.dumps({"reply": "I'll add a joke.", "action": None})))
    p = ap.start("10 s ad for Aurora, a reusable water bottle", voice="off", music="off",
                 providers={"text": "openai", "image": "replicate"}, home=home)
    p.story.feedback("make it funnier")
    p.story.approve()
    app = ui.app(p)
    try:
        states = repr(list(_widget_states(app)))
    finally:
        app.close()
    secrets = [KEY, TOKEN]
    written = [path for path in home.rglob("*") if path.is_file()]
    assert any(path.name == "cache.db" for path in written)  # the store and the call cache
    for secret in secrets:
        for path in written:
            assert secret.encode() not in path.read_bytes(), path
        assert secret not in caplog.text
        assert secret not in states
        assert secret not in repr(p) + repr(p.story) + repr(p.session) + str(p.session.providers)
    assert p.reference_images.output  # the calls really went through both providers
    assert any(e.provider == "replicate" for e in p.session.ledger)
    assert any(e.provider == "openai" for e in p.session.ledger)


_SCRIPT = """
import sys, adpipeline as ap
p = ap.start("10 s ad for Aurora, a reusable water bottle", voice="off", music="off",
             providers={"text": "openai"}, home=sys.argv[1])
print(p.story.feedback("make it funnier"))
"""


def test_running_a_script_again_after_a_restart_makes_no_provider_call(
        openai: FakeOpenAI, home: Path) -> None:
    import os
    import subprocess
    import sys

    openai.reply(200, completion(_story_json(10)))
    openai.reply(200, completion(json.dumps({"reply": "I'll add a joke.", "action": None})))
    runs = [subprocess.run([sys.executable, "-c", _SCRIPT, str(home)], capture_output=True,
                           text=True, timeout=120, env={**os.environ}) for _ in range(2)]
    for run in runs:  # a new process each time: nothing is remembered but the store
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == "I'll add a joke."
    assert len(openai.requests) == 2  # both calls of the first run, none of the second
    _, second = (ap.resume(s.id, home=home).session for s in ap.sessions(home=home)[::-1])
    assert [e.cached for e in second.ledger if e.provider == "openai"] == [True, True]
    assert second.cost_usd == 0
