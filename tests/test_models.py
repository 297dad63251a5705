from __future__ import annotations

import pytest

import adpipeline as ap
from adpipeline.models import Brief, check_session_id, new_session_id


def test_brief_trims_the_prompt_and_keeps_defaults() -> None:
    brief = Brief.create(prompt="   30 s ad for Aurora   ")
    assert brief.prompt == "30 s ad for Aurora"
    assert (brief.duration_s, brief.aspect) == (30, "16:9")


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"prompt": "  "}, "3 to 4000 characters"),
        ({"prompt": "ab"}, "3 to 4000 characters"),
        ({"prompt": "x" * 4001}, "3 to 4000 characters"),
        ({"prompt": "ad for Aurora", "duration_s": 4}, "5 to 180"),
        ({"prompt": "ad for Aurora", "duration_s": 181}, "5 to 180"),
        ({"prompt": "ad for Aurora", "duration_s": 12.5}, "whole number"),
        ({"prompt": "ad for Aurora", "aspect": "4:3"}, "16:9, 9:16, 1:1"),
    ],
)
def test_bad_brief_raises_invalid_input_that_says_what_to_do(fields: dict, says: str) -> None:
    with pytest.raises(ap.InvalidInput, match=says):
        Brief.create(**fields)


def test_session_ids_are_url_safe_and_128_bits() -> None:
    ids = {new_session_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(check_session_id(i) == i for i in ids)


@pytest.mark.parametrize("bad", ["../../etc", "", "a" * 21, "a" * 23, "abc/def" + "a" * 15, None, 5])
def test_malformed_session_ids_are_rejected(bad: object) -> None:
    with pytest.raises(ap.InvalidInput, match="not a session id"):
        check_session_id(bad)


def test_new_session_ids_never_look_like_command_line_options() -> None:
    from adpipeline.models import check_session_id, new_session_id

    ids = [new_session_id() for _ in range(3000)]  # about 47 would start with "-" by chance
    assert not [i for i in ids if i.startswith("-")]
    assert all(check_session_id(i) == i for i in ids) and len(set(ids)) == len(ids)
