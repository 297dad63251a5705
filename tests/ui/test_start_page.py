"""The review app's start page: what the browser sends is checked before anything starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import adpipeline as ap
from adpipeline.models import ASPECTS
from adpipeline.ui.start_page import Address, StartPage, form_options, recent_sessions

from .conftest import SHORT, Opener, wait_for

# Anything JSON can carry, as the browser could send it.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)


@given(brief=json_values | st.text(), duration=json_values | st.sampled_from(["", "30", " 45 ", "²"]),
       aspect=json_values | st.sampled_from(["", *ASPECTS]))
def test_the_form_is_either_refused_plainly_or_turned_into_valid_options(
        brief: Any, duration: Any, aspect: Any) -> None:
    try:
        options = form_options({"brief": brief, "duration": duration, "aspect": aspect})
    except ap.InvalidInput as exc:
        assert str(exc)[0].isupper() and "Traceback" not in str(exc)
        return
    assert isinstance(options["prompt"], str) and 3 <= len(options["prompt"]) <= 4000
    assert options["prompt"] == options["prompt"].strip()
    assert options["duration"] is None or isinstance(options["duration"], int)
    assert options["aspect"] is None or options["aspect"] in ASPECTS


def test_a_bad_start_message_shows_an_error_and_starts_nothing(home: Path, opened: Opener) -> None:
    started: list[ap.Pipeline] = []
    page: StartPage = opened(StartPage(started.append))
    page._message(page, {"type": "start", "brief": "  ", "duration": "", "aspect": ""}, [])
    assert page.error.startswith("Write a brief first")
    page._message(page, {"type": "start", "brief": SHORT, "duration": "ten", "aspect": ""}, [])
    assert page.error.startswith("The length is a whole number")
    page._message(page, {"type": "start", "brief": SHORT, "aspect": "4:3"}, [])
    assert page.error.startswith("The frame shape is one of")
    page._message(page, ["not", "a", "dict"], [])
    assert not page.busy and started == [] and ap.sessions(home=home) == []


def test_a_good_start_message_starts_the_ad_and_hands_it_over(home: Path, opened: Opener) -> None:
    started: list[ap.Pipeline] = []
    page: StartPage = opened(StartPage(started.append))
    page._message(page, {"type": "start", "brief": SHORT, "duration": "10", "aspect": "1:1"}, [])
    pipeline = wait_for(lambda: started and started[0], timeout=120)
    assert pipeline.session.brief.duration_s == 10 and pipeline.session.brief.aspect == "1:1"
    assert pipeline.story.output is not None
    assert [s["id"] for s in recent_sessions()] == [pipeline.id]


def test_unknown_keyword_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        StartPage(lambda _p: None, recnet=[])
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        Address(sesion="x")
