"""The offline story engine and its feedback interpreter, as a person would judge them."""

from __future__ import annotations

import pytest

from adpipeline.models import Brief, Feedback, Story
from adpipeline.providers.offline.feedback import interpret
from adpipeline.providers.offline.story import write_story
from adpipeline.providers.offline.story_knobs import FRAMEWORKS, read_brief


def _story(prompt: str = "30 s ad for Aurora, a reusable water bottle", duration: int = 30,
           seed: int = 7) -> tuple[Brief, Story]:
    brief = Brief.create(prompt=prompt, duration_s=duration)
    return brief, write_story(brief, None, [], seed)


def _revise(brief: Brief, story: Story, message: str) -> Story:
    plan = interpret("story", message, None, story)
    assert plan.understood and plan.changes, plan.reply
    return write_story(brief, story, [Feedback(text=message, changes=plan.changes)], 99)


def _all_text(story: Story) -> str:
    return " ".join(f"{s.voiceover} {s.on_screen_text} {s.action}" for s in story.scenes)


@pytest.mark.parametrize("duration", [5, 7, 15, 30, 45, 60, 90, 180])
def test_scene_durations_sum_exactly_to_the_brief(duration: int) -> None:
    _, story = _story(duration=duration)
    assert 3 <= len(story.scenes) <= 8
    assert sum(s.duration_s for s in story.scenes) == duration
    starts = [s.start_s for s in story.scenes]
    assert starts[0] == 0 and all(
        b.start_s == a.end_s for a, b in zip(story.scenes, story.scenes[1:], strict=False))


def test_story_uses_the_brief_and_ends_with_a_call_to_action() -> None:
    _, story = _story("20 s ad for Aurora, a reusable water bottle for busy commuters, 20% off")
    assert story.product == "Aurora"
    assert story.category == "reusable water bottle"
    assert story.audience == "busy commuters"
    assert story.offer == "20% off"
    assert "Aurora" in story.title and "Aurora" in _all_text(story)
    last = story.scenes[-1]
    assert last.beat == "action" and story.cta in last.voiceover
    assert "20% off" in story.cta
    for scene in story.scenes:
        assert scene.setting and scene.action and scene.camera and scene.visual_prompt
        assert scene.voiceover and scene.on_screen_text
        assert len(scene.on_screen_text.split()) <= 6 and "…" not in scene.on_screen_text


@pytest.mark.parametrize(
    ("prompt", "framework"),
    [
        ("30 s ad for Aurora, a reusable water bottle", "AIDA"),
        ("ad for ZipCharge, for commuters tired of dead phones", "PAS"),
        ("ad for Glow, a serum that will transform your skin", "BAB"),
        ("ad for Pulse, earbuds with innovative noise cancelling technology", "FAB"),
        ("ad for Fixit, the solution to squeaky doors", "problem-solution"),
        ("ad for Nimbus, running shoes loved by customers everywhere", "testimonial"),
    ],
)
def test_framework_follows_the_brief_and_says_why(prompt: str, framework: str) -> None:
    _, story = _story(prompt)
    assert story.framework == framework
    assert framework in story.framework_reason and len(story.framework_reason) > 40
    assert [s.beat for s in story.scenes][-1] == FRAMEWORKS[framework][-1]


def test_same_inputs_same_story_and_a_new_seed_gives_a_new_variant() -> None:
    brief, story = _story(seed=1)
    assert write_story(brief, None, [], 1) == story
    variant = write_story(brief, story, [], 2)
    assert variant != story
    assert (variant.tone, variant.framework) == (story.tone, story.framework)


@pytest.mark.parametrize("tone", ["humorous", "emotional", "luxurious", "energetic", "calm",
                                  "serious"])
def test_tone_feedback_changes_the_voice(tone: str) -> None:
    brief, story = _story()
    words = {"humorous": "make it funnier", "emotional": "make it more emotional",
             "luxurious": "make it feel premium", "energetic": "more energetic please",
             "calm": "make it calm", "serious": "make it more serious"}
    revised = _revise(brief, story, words[tone])
    assert revised.tone == tone
    assert revised.duration_s == 30
    if tone != "serious":
        assert revised.scenes[0].voiceover != story.scenes[0].voiceover
    assert [s.setting for s in revised.scenes] == [s.setting for s in story.scenes]


@pytest.mark.parametrize(
    ("message", "focus", "evidence"),
    [
        ("focus on the features", "features", "double-wall steel"),
        ("focus on price", "price", "for less"),
        ("talk about sustainability", "sustainability", "fewer plastic bottles"),
        ("lead with reviews", "social proof", "recommend"),
    ],
)
def test_focus_feedback_changes_what_the_ad_talks_about(message: str, focus: str,
                                                        evidence: str) -> None:
    brief, story = _story()
    revised = _revise(brief, story, message)
    assert revised.focus == focus
    assert evidence in _all_text(revised) + revised.title
    assert evidence not in _all_text(story)


def test_benefits_focus_after_another_focus() -> None:
    brief, story = _story()
    featured = _revise(brief, story, "focus on the features")
    back = _revise(brief, featured, "focus on product benefits")
    assert back.focus == "benefits"
    assert "ice-cold water" in _all_text(back) or "fits every bag" in _all_text(back)


def test_duration_feedback_retimes_the_story() -> None:
    brief, story = _story()
    revised = _revise(brief, story, "make it 15 seconds")
    assert sum(s.duration_s for s in revised.scenes) == 15
    shorter = _revise(brief, story, "make it shorter")
    assert sum(s.duration_s for s in shorter.scenes) < 30


@pytest.mark.parametrize("message", [
    "shorter sentences please", "the voiceover lines are too long", "use shorter words",
    "make the headline shorter", "shorten the script", "the call to action is too long"])
def test_the_length_of_a_text_is_not_taken_for_the_length_of_the_ad(message: str) -> None:
    _, story = _story()
    plan = interpret("story", message, None, story)
    assert plan.changes.duration_s is None, plan.reply
    assert "seconds long" not in plan.reply


@pytest.mark.parametrize("message", ["make it shorter", "the ad is too long", "a bit shorter",
                                     "make the video shorter", "shorter please, the text is fine"])
def test_asking_for_a_shorter_ad_still_shortens_it(message: str) -> None:
    _, story = _story()
    plan = interpret("story", message, None, story)
    assert (plan.changes.duration_s or 30) < 30, plan.reply


@pytest.mark.parametrize(("message", "seconds"), [
    ("keep it under 20 seconds", 15), ("shorter than 20 s", 15), ("no more than 15 seconds", 15),
    ("max 15s", 15), ("it should be under a minute", 30), ("up to 45 seconds", 30),
    ("at least 45 seconds", 45), ("longer than 40 seconds", 45), ("more than 10 seconds", 30),
    ("between 15 and 20 seconds", 20), ("between 40 and 60 seconds", 40),
    # A negated bound is the other bound.
    ("it shouldn't be longer than 20 seconds", 20), ("don't make it longer than 20 seconds", 20),
    ("not over 20 seconds", 20), ("nothing over 20 seconds", 20), ("no less than 45 seconds", 45),
    ("it must not be shorter than 45 seconds", 45),
    # So is one said to be too much.
    ("anything over 20 seconds is too long", 20), ("under 45 seconds is way too short", 45)])
def test_a_bound_on_the_length_is_met_by_the_nearest_length_inside_it(
        message: str, seconds: int) -> None:
    _, story = _story(duration=30)
    plan = interpret("story", message, None, story)
    assert plan.changes.duration_s == seconds, plan.reply


@pytest.mark.parametrize(("message", "longest"), [
    ("keep each scene under 5 seconds", 5.0), ("no scene longer than 6 seconds", 6.0)])
def test_a_scene_length_changes_the_scenes_not_the_ad(message: str, longest: float) -> None:
    brief, story = _story(duration=30)
    revised = _revise(brief, story, message)
    assert sum(s.duration_s for s in revised.scenes) == 30
    assert len(revised.scenes) >= len(story.scenes)
    assert max(s.duration_s for s in revised.scenes) <= longest


@pytest.mark.parametrize("message", ["the call to action is too long", "the cta is boring",
                                     "the call to action is not clear"])
def test_a_verdict_on_the_call_to_action_rewrites_it_rather_than_quoting_it(message: str) -> None:
    _, story = _story()
    plan = interpret("story", message, None, story)
    assert plan.understood and "cta" in plan.changes.model_dump()
    assert plan.changes.cta is None  # a new one is written, not the verdict as the line
    assert interpret("story", "the cta is fine", None, story).changes.model_dump() == {}


def test_pacing_feedback_changes_the_number_and_length_of_scenes() -> None:
    brief, story = _story()
    faster = _revise(brief, story, "faster pace")
    slower = _revise(brief, story, "slower pace")
    assert len(faster.scenes) > len(story.scenes) > len(slower.scenes)
    assert sum(s.duration_s for s in faster.scenes) == sum(s.duration_s for s in slower.scenes) == 30


def test_scene_count_feedback() -> None:
    brief, story = _story()
    assert len(_revise(brief, story, "use 4 scenes").scenes) == 4
    assert len(_revise(brief, story, "fewer scenes").scenes) == len(story.scenes) - 1


def test_named_scene_feedback_changes_that_scene_only_and_sticks() -> None:
    brief, story = _story()
    revised = _revise(brief, story, "scene 2 on a beach at sunset")
    assert (revised.scenes[1].setting, revised.scenes[1].time_of_day) == ("beach", "sunset")
    assert "beach" in revised.scenes[1].visual_prompt
    assert revised.scenes[0] == story.scenes[0]
    again = write_story(brief, revised, [], 1234)  # a new variant keeps the person's change
    assert (again.scenes[1].setting, again.scenes[1].time_of_day) == ("beach", "sunset")


def test_call_to_action_offer_and_audience_feedback() -> None:
    brief, story = _story()
    cta = _revise(brief, story, 'change the call to action to "Shop now"')
    assert cta.cta == "Shop now" and "Shop now" in cta.scenes[-1].voiceover
    offer = _revise(brief, story, "mention our offer of 20% off")
    assert offer.offer == "20% off" and "20% off" in offer.cta
    audience = _revise(brief, story, "target college students")
    assert audience.audience == "college students"


def test_unmappable_feedback_is_answered_with_what_it_can_do() -> None:
    _, story = _story()
    plan = interpret("story", "purple monkey dishwasher", None, story)
    assert not plan.understood and not plan.changes and plan.action is None
    assert "purple monkey dishwasher" in plan.reply
    assert "tone" in plan.reply and "call to action" in plan.reply


def test_reply_states_the_plan_in_one_or_two_sentences() -> None:
    plan = interpret("story", "make it more humorous, focus on product benefits", None, None)
    assert plan.changes.model_dump() == {"tone": "humorous", "focus": "benefits"}
    assert "humorous" in plan.reply and "benefits" in plan.reply
    assert 1 <= plan.reply.count(".") <= 2


@pytest.mark.parametrize(("message", "action"), [
    ("regenerate", "regenerate"), ("try again", "regenerate"),
    ("make it funnier and regenerate", "regenerate"),
    ("looks good, approve", "approve"), ("ship it", "approve"),
    ("don't approve yet", None),
])
def test_messages_that_ask_to_regenerate_or_approve(message: str, action: str | None) -> None:
    assert interpret("story", message, None, None).action == action


def test_image_feedback_names_measurable_changes_and_the_item() -> None:
    plan = interpret("storyboard", "brighter background in frame 2", None, None)
    assert plan.changes.model_dump() == {"brightness": 1, "item": 1}
    assert interpret("storyboard", "warmer and more contrast", None, None).changes.model_dump() == {
        "warmth": 1, "contrast": 1}
    assert interpret("reference_images", "more red", 0, None).changes.model_dump() == {
        "color": "red", "item": 0}
    assert interpret("storyboard", "move it to a beach", None, None).changes.setting == "beach"
    assert interpret("storyboard", "closer", None, None).changes.framing == "close-up"


def test_brief_reading() -> None:
    facts = read_brief(Brief.create(prompt="Launching Nimbus, the running shoe for runners"))
    assert (facts.product, facts.category, facts.audience) == ("Nimbus", "running shoe", "runners")
    assert read_brief(Brief.create(prompt="an ad for our new granola bar")).category == "granola bar"
    assert read_brief(Brief.create(prompt="ad for Aurora, a red bottle")).color == "red"
