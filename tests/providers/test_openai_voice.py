"""The OpenAI voice (``audio.speech``) against a loopback server answering like OpenAI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import adpipeline as ap
from adpipeline.media.audio import wav_bytes
from adpipeline.providers import openai as openai_provider

from ..fake_openai import KEY, FakeOpenAI


def _speech_wav(seconds: float = 1.5) -> bytes:
    # What OpenAI sends for response_format="wav": 24 kHz mono 16-bit PCM.
    t = np.arange(int(24_000 * seconds)) / 24_000
    return wav_bytes((0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32), 24_000)


def test_each_line_is_spoken_by_the_chosen_voice_with_a_style(openai: FakeOpenAI, home: Path) -> None:
    p = ap.start("8 s ad for Aurora, a water bottle, just $19.99", voice="openai:nova",
                 music="off", budget=1.0, home=home)
    scenes = p.story.output.scenes
    for _ in scenes:
        openai.reply(200, _speech_wav())
    p.run_to_end()
    speech = [r for r in openai.requests if r.path.endswith("/audio/speech")]
    assert len(speech) == len(scenes)
    body = speech[0].body
    assert body["model"] == "gpt-4o-mini-tts" and body["voice"] == "nova"
    assert body["response_format"] == "wav" and "voiceover" in body["instructions"]
    assert all("$" not in r.body["input"] for r in speech)  # normalised before it is sent
    video = p.video.output
    assert [line.text for line in video.asset.lines] == [s.voiceover for s in scenes]
    ledger = [e for e in p.session.ledger if e.operation == "speak"]
    assert all(e.provider == "openai" and e.cost_usd > 0 for e in ledger)
    stored = json.dumps(p.session.model_dump(mode="json"))
    assert KEY not in stored


def test_shutdown_date_is_read_from_the_installed_client() -> None:
    when = openai_provider.tts_shutdown("gpt-4o-mini-tts")
    assert isinstance(when, date)
    assert openai_provider.shutdown_note("gpt-4o-mini-tts", when.replace(year=when.year - 2)) is None
    near = openai_provider.shutdown_note("gpt-4o-mini-tts", when.fromordinal(when.toordinal() - 30))
    assert near is not None and "30 days" in near


def test_female_voice_feedback_picks_an_openai_female_voice() -> None:
    provider = openai_provider.OpenAIVoiceProvider()
    assert provider.pick_voice("female")[0] == "nova"
    assert provider.pick_voice("male")[0] == "onyx"
    voice, note = provider.pick_voice("klaus")
    assert voice == "coral" and note is not None and "klaus" in note


@pytest.mark.parametrize("text, said", [
    ("Just $19.99 with code AURORA20", "Just nineteen ninety-nine with code A U R O R A two zero"),
    ("20% off 500ml bottles", "twenty percent off five hundred millilitres bottles"),
    ("Rated 4.8/5, e.g. 24/7 cold", "Rated four point eight out of five, for example twenty-four seven cold"),
    ("Now $20, was $0.99", "Now twenty dollars, was ninety-nine cents"),
    ("Use promo code save-15 on the 1st order", "Use promo code S A V E dash one five on the first order"),
])
def test_text_is_normalised_for_speech(text: str, said: str) -> None:
    from adpipeline.media.speech_text import speakable

    assert speakable(text) == said
