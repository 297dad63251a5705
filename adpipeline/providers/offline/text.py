"""The offline text provider: the story engine and the feedback interpreter, free of charge."""

from __future__ import annotations

from typing import Any

from ...models import Brief, Feedback, StageName, Story
from ..base import Cost, FeedbackPlan
from .feedback import interpret
from .story import write_story


class OfflineTextProvider:
    name = "offline"
    model = "story-engine-v1"

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        return Cost(units=1, unit="calls", usd=0.0)

    def write_story(
        self, brief: Brief, previous: Story | None, feedback: list[Feedback], seed: int
    ) -> Story:
        return write_story(brief, previous, feedback, seed)

    def interpret(
        self, stage: StageName, text: str, item: int | None, story: Story | None
    ) -> FeedbackPlan:
        return interpret(stage, text, item, story)
