"""The typed feedback changes: they read and write the plain JSON objects stored before
them (same keys, order and value types, so call-cache keys are unchanged), drop keys
they do not know, and add picture adjustments up the way a redraw does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import adpipeline as ap
from adpipeline.adjustments import Adjustments, Changes
from adpipeline.models import Feedback
from adpipeline.providers.base import ImageRequest
from adpipeline.providers.gateway import cache_key
from adpipeline.providers.offline.text import OfflineTextProvider

from .pipeline.conftest import unchanged

_WORD = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
_STEP = st.integers(-12, 12)
#: Every field, with the values the interpreters write (any number of steps, as sums).
PICTURE: dict[str, st.SearchStrategy[Any]] = {
    "brightness": _STEP, "saturation": _STEP, "warmth": _STEP, "contrast": _STEP,
    "time_of_day": _WORD, "outfit": _WORD, "product_color": _WORD, "color": _WORD,
    "setting": _WORD, "framing": st.sampled_from(["close-up", "medium", "wide"]),
    "instruction": _WORD,
}
CHANGES: dict[str, st.SearchStrategy[Any]] = {
    **PICTURE,
    "product": _WORD, "category": _WORD, "audience": _WORD, "tone": _WORD, "focus": _WORD,
    "framework": _WORD, "platform": _WORD, "aspect": st.sampled_from(["16:9", "9:16", "1:1"]),
    "offer": st.none() | _WORD, "cta": st.none() | _WORD, "avoid": st.lists(_WORD, max_size=3),
    "duration_s": st.integers(5, 180), "scenes": st.integers(-3, 20),
    "scenes_delta": st.integers(-5, 5), "pacing": st.sampled_from(["fast", "slow"]),
    "drop_scenes": st.lists(st.integers(-1, 12), max_size=3),
    "scene_edits": st.dictionaries(st.sampled_from(["1", "2", "7", "last"]), st.dictionaries(
        st.sampled_from(["voiceover", "on_screen_text"]), _WORD, min_size=1), max_size=2),
    "music": _WORD, "music_db_delta": st.floats(-42, 42), "voice_on": st.booleans(),
    "speed_factor": st.floats(0.25, 4), "voice": _WORD, "transition_s": st.floats(0, 5),
    "item": st.integers(-1, 8),
}


@st.composite
def stored(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """A plain object as stored: some of the fields, in any order."""
    found = draw(st.fixed_dictionaries({}, optional=fields))
    return {name: found[name] for name in draw(st.permutations(list(found)))}


@given(stored(CHANGES))
def test_a_stored_object_reads_and_writes_back_unchanged(old: dict[str, Any]) -> None:
    changes = Changes.model_validate(old)
    assert json.dumps(changes.model_dump(mode="json")) == json.dumps(old)
    feedback = Feedback(text="x", changes=old).model_dump(mode="json")
    assert json.dumps(feedback["changes"]) == json.dumps(old)
    assert bool(changes) == bool(old)


@given(stored(CHANGES))
def test_changes_survive_json_and_back(old: dict[str, Any]) -> None:
    changes = Changes.model_validate(old)
    again = Changes.model_validate_json(changes.model_dump_json())
    assert again == changes
    assert again.model_dump_json() == changes.model_dump_json()


@given(stored(PICTURE))
def test_a_picture_request_hashes_as_it_did_with_a_plain_object(old: dict[str, Any]) -> None:
    request = ImageRequest(kind="frame", label="Scene 1", prompt="a bottle", width=640,
                           height=360, seed=1, product="Aurora", adjustments=old)
    params = request.model_dump(mode="json")
    assert json.dumps(params["adjustments"]) == json.dumps(old)
    provider = OfflineTextProvider()
    assert cache_key(provider, "generate", params) == \
        cache_key(provider, "generate", {**params, "adjustments": old})
    assert ImageRequest.model_validate_json(request.model_dump_json()) == request


def test_unknown_keys_are_dropped_and_wrong_values_refused() -> None:
    assert Changes.model_validate({"brightness": 1, "sparkle": 3}).model_dump() == \
        {"brightness": 1}
    for wrong in ({"framing": "fisheye"}, {"duration_s": 500}, {"speed_factor": 50},
                  {"aspect": "4:3"}, {"brightness": "max"}):
        with pytest.raises(ValidationError):
            Changes.model_validate(wrong)


def test_a_cleared_offer_is_a_change_but_an_unset_tone_is_not() -> None:
    assert Changes(offer=None).model_dump() == {"offer": None}
    assert Changes(offer=None) != Changes()
    assert Changes(tone=None).model_dump() == {} and not Changes(tone=None)


def test_steps_add_up_and_the_rest_is_replaced_in_the_order_asked() -> None:
    first = Adjustments(color="red", brightness=2)
    later = Changes(setting="beach", brightness=-1, color="blue", tone="humorous", item=2)
    both = first.plus(later)
    assert json.dumps(both.model_dump()) == \
        json.dumps({"color": "blue", "brightness": 1, "setting": "beach"})
    assert type(both) is Adjustments  # the story's knobs and the item stay behind


def test_a_plan_the_stage_cannot_use_is_refused_and_changes_nothing(
    pipeline: ap.Pipeline, monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Plan:  # what a text provider of someone else's might hand back
        def model_dump(self, mode: str) -> dict[str, Any]:
            return {"reply": "Much faster!", "changes": {"speed_factor": 50, "sparkle": 1}}

    monkeypatch.setattr(OfflineTextProvider, "interpret", lambda *args: Plan())
    with unchanged(pipeline), pytest.raises(ap.ProviderError, match="speed_factor"):
        pipeline.story.feedback("make the voice much faster")


def test_a_copy_keeps_its_own_order_of_asking() -> None:
    first = Adjustments(brightness=1)
    copy = first.model_copy()
    copy.warmth = 1
    first.color, first.warmth = "red", 2
    assert list(first.model_dump()) == ["brightness", "color", "warmth"]
    assert list(copy.model_dump()) == ["brightness", "warmth"]
