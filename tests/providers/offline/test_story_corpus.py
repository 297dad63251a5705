"""The offline story engine on a corpus of real-sounding briefs and feedback.

Effects are measured on the story a person would read: its fields, its timing, the
words present or absent; see ``story_corpus_data`` for the corpus itself.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from adpipeline.models import Brief, Feedback, Story
from adpipeline.providers.offline.brief import parse_brief, platform_and_aspect
from adpipeline.providers.offline.feedback import interpret
from adpipeline.providers.offline.story import write_story
from adpipeline.providers.offline.story_knobs import read_brief
from adpipeline.providers.offline.vocabulary import FAMILIES

from .story_corpus_data import BASE_BRIEF, BRIEFS, CATEGORY_WORDS, PHRASINGS


def _first_story(prompt: str, seed: int = 11) -> tuple[Brief, Story]:
    brief = Brief.create(prompt=prompt, aspect=platform_and_aspect(prompt)[1] or "16:9")
    return brief, write_story(brief, None, [], seed)


def _copy(story: Story) -> str:
    return " ".join(f"{s.voiceover} {s.on_screen_text}" for s in story.scenes) + " " + story.cta


@pytest.mark.parametrize(("prompt", "expected"), BRIEFS, ids=[b[0][:40] for b in BRIEFS])
def test_brief_fields_are_read_as_a_person_reads_them(prompt: str, expected: dict[str, Any]) -> None:
    _, story = _first_story(prompt)
    parsed = parse_brief(prompt)
    facts = read_brief(Brief.create(prompt=prompt))
    for key, want in expected.items():
        if key == "duration":
            assert story.duration_s == want
        elif key == "aspect":
            assert parsed.aspect == want
        elif key == "family":
            assert facts.family.name == want
        elif key == "tone":
            assert story.tone == want
        elif key == "cta":
            assert story.cta.lower() == want.lower()
            assert want.lower() in story.scenes[-1].voiceover.lower()
        elif key == "offer":
            assert story.offer is not None and want.lower() in story.offer.lower()
            assert story.offer in _copy(story)  # used as written
        else:
            assert want.lower() in str(getattr(story, key)).lower(), (key, getattr(story, key))
    # What was understood is shown, field by field.
    assert f"Product: {story.product}" in story.understood_summary


@pytest.mark.parametrize("prompt", [b[0] for b in BRIEFS], ids=[b[0][:40] for b in BRIEFS])
def test_every_story_reads_well(prompt: str) -> None:
    brief, story = _first_story(prompt)
    for candidate in (story, write_story(brief, story, [], 4242)):
        lines = [s.voiceover.lower() for s in candidate.scenes]
        texts = [s.on_screen_text.lower() for s in candidate.scenes]
        assert len(set(lines)) == len(lines), lines
        assert len(set(texts)) == len(texts), texts
        for scene in candidate.scenes:
            words = len(scene.voiceover.split())
            assert words <= 3 * scene.duration_s, (scene.voiceover, scene.duration_s)
        assert sum(s.duration_s for s in candidate.scenes) == candidate.duration_s
        assert not re.search(r"\{|\}|\bNone\b|\ba (?:who|which|that)\b", _copy(candidate))


@pytest.mark.parametrize("prompt", [b[0] for b in BRIEFS[:12]], ids=[b[0][:40] for b in BRIEFS[:12]])
def test_regenerate_without_feedback_is_a_real_variant(prompt: str) -> None:
    brief, story = _first_story(prompt)
    variant = write_story(brief, story, [], 99)
    assert variant.main_character != story.main_character
    assert [s.setting for s in variant.scenes] != [s.setting for s in story.scenes]
    changed = sum(a.voiceover != b.voiceover for a, b in zip(story.scenes, variant.scenes,
                                                               strict=False))
    assert changed >= len(story.scenes) // 2
    assert (variant.product, variant.cta, variant.duration_s) == (story.product, story.cta,
                                                                  story.duration_s)


@pytest.mark.parametrize("family", sorted(CATEGORY_WORDS))
def test_lines_fit_the_category(family: str) -> None:
    prompts = [p for p, e in BRIEFS if e.get("family") == family]
    assert prompts
    for prompt in prompts:
        for seed in (1, 2, 3):
            _, story = _first_story(prompt, seed)
            text = _copy(story).lower()
            for word in CATEGORY_WORDS[family]:
                assert word not in text, (prompt, word)


def test_every_family_has_a_brief_in_the_corpus() -> None:
    covered = {read_brief(Brief.create(prompt=p)).family.name for p, _ in BRIEFS}
    missing = {f.name for f in FAMILIES} - covered
    # A few families are only reached by keyword tests below.
    assert len(missing) <= 8, missing


@pytest.mark.parametrize("duration", [5, 6, 7, 9, 12, 15, 20, 33, 45, 61, 90, 120, 179, 180])
def test_durations_sum_exactly_with_long_calls_to_action(duration: int) -> None:
    prompt = ("ad for Hope Rising, a charity; ask viewers to donate ten dollars a month to feed "
              "a family this winter; offer: your first month matched")
    brief = Brief.create(prompt=prompt, duration_s=duration)
    story = write_story(brief, None, [], 3)
    assert sum(s.duration_s for s in story.scenes) == duration
    assert "donate ten dollars a month to feed a family this winter" in story.cta.lower()


# feedback -------------------------------------------------------------------


def _revise(message: str) -> tuple[Story, Story, Any]:
    brief, story = _first_story(BASE_BRIEF)
    plan = interpret("story", message, None, story)
    feedback = [Feedback(text=message, changes=plan.changes)] if plan.changes else []
    revised = write_story(brief, story, feedback, 77) if feedback else story
    return story, revised, plan


def _scene(story: Story, number: int) -> Any:
    return story.scenes[number - 1] if number > 0 else story.scenes[number]


@pytest.mark.parametrize(("message", "expected"), PHRASINGS, ids=[p[0][:40] for p in PHRASINGS])
def test_feedback_phrasing_changes_what_it_asks(message: str, expected: dict[str, Any]) -> None:
    story, revised, plan = _revise(message)
    for key, want in expected.items():
        if key == "action":
            assert plan.action == want, plan.reply
        elif key == "not_understood":
            assert not plan.understood and not plan.changes
            assert message in plan.reply
        elif key == "unmapped":
            assert want in plan.reply and "could not" in plan.reply
        elif key == "not_tone":
            assert revised.tone != want
        elif key == "duration":
            assert revised.duration_s == want
        elif key == "shorter":
            assert revised.duration_s < story.duration_s
        elif key == "longer":
            assert revised.duration_s > story.duration_s
        elif key == "scenes_delta":
            assert len(revised.scenes) == len(story.scenes) + want
        elif key == "scenes":
            assert len(revised.scenes) == want
        elif key == "more_scenes":
            assert len(revised.scenes) > len(story.scenes)
        elif key == "fewer_scenes":
            assert len(revised.scenes) < len(story.scenes)
        elif key == "no_setting":
            assert want in [s.setting for s in story.scenes]
            assert want not in [s.setting for s in revised.scenes]
        elif key == "absent":
            for word in want:
                assert word not in _copy(revised).lower(), word
        elif key == "scene_vo":
            assert _scene(revised, want[0]).voiceover == want[1]
        elif key == "scene_text":
            assert _scene(revised, want[0]).on_screen_text == want[1]
        elif key == "scene_time":
            assert _scene(revised, want[0]).time_of_day == want[1]
        elif key == "scene_setting":
            assert _scene(revised, want[0]).setting == want[1]
        elif key == "scene_camera":
            assert want[1] in _scene(revised, want[0]).camera
        elif key == "cta":
            assert revised.cta.lower() == want.lower()
            assert want.lower() in revised.scenes[-1].voiceover.lower()
        elif key == "offer":
            assert revised.offer == want
            if want:
                assert want in _copy(revised)
        else:
            assert getattr(revised, key) == want, (key, getattr(revised, key), plan.reply)
    if plan.changes:
        assert sum(s.duration_s for s in revised.scenes) == revised.duration_s
        assert "Plan:" in plan.reply or "Regenerating" in plan.reply


def test_scene_edits_leave_other_scenes_alone() -> None:
    story, revised, _ = _revise("scene 3 voiceover should say 'Built for the long commute.'")
    for a, b in zip(story.scenes, revised.scenes, strict=True):
        if a.index != 3:
            assert (a.voiceover, a.setting) == (b.voiceover, b.setting)


def test_a_correction_of_the_brief_shows_in_what_was_understood() -> None:
    _, revised, _ = _revise("the product is called Aurora Max")
    assert revised.understood["Product"] == "Aurora Max"
    assert "Aurora Max" in revised.title and "Aurora Max" in _copy(revised)
